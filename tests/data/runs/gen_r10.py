#!/usr/bin/env python
"""Run round 10 of the real Spark run matrix under tests/data/runs/ (manifest-r10.jsonl).

    python tests/data/runs/gen_r10.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r10.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r10.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r9.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r10.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r10).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # rdd.lookup("guest") on a pair RDD partitioned by customer (partitionBy(16)): runJob
    # of the key's one partition, ~90% of 1,400,000 events, one task result.
    "rdd_lookup_hot_key": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # pyspark.ml LogisticRegression on 1,000,000 sparse features, maxResultSize 16m: the
    # feature summary's treeAggregate of SummarizerBuffers (dense arrays of numFeatures).
    "logreg_summarizer_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=240,
        conf={"spark.driver.maxResultSize": "16m"},
    ),
    # toPandas() fits (driver 1g); pd.get_dummies on ~20,000 products under RLIMIT_AS.
    "topandas_get_dummies_memoryerror": dict(
        label="python_driver_oom", expect=gm.PY_MEMORYERROR, timeout=240, mem="1g"
    ),
    # SELECT /*+ BROADCAST(c) */ ... with a 2,000,000-row customers table, default
    # threshold, AQE on (default).
    "sql_broadcast_hint_dimension": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # spark.default.parallelism=3000000: sc.parallelize(data) and reduceByKey() without a
    # partition count take it.
    "default_parallelism_huge": dict(
        label="too_many_tasks",
        expect=OOM,
        timeout=240,
        conf={"spark.default.parallelism": "3000000"},
    ),
    # df = df.join(df.groupBy("k").agg(avg), "k") in a loop, no checkpoint: the plan
    # doubles each iteration.
    "self_join_loop_plan_growth": dict(
        label="driver_side_state", expect=gm.ge.DRIVER_OOM, timeout=300
    ),
    # rdd.partitionBy(64, lambda c: routing.get(c, ...)) with an 8,000,000-entry routing
    # dict: pickled into the Python command, broadcast by the driver JVM.
    "partition_func_routing_table_closure": dict(label="large_closure", expect=OOM, timeout=300),
    # (local[*] only) session_window per user on a rate source, 2-hour watermark: every
    # user's open session in the state store.
    "stream_session_window_state": dict(
        label="streaming_state",
        expect=OOM,
        timeout=300,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
    ),
    # exact percentile(value, 0.5) per sensor (2 sensors x 10,000,000 distinct values)
    # with a 512m driver: in local[*] the aggregation's tasks run in the driver JVM.
    "exact_median_small_driver": dict(
        label="client_mode_small_driver",
        expect=gm.ge.TASK_THREAD_OOM,
        timeout=240,
        variants=[("35", "local"), ("4", "local"), ("35", "cluster")],
    ),
    # input files removed after the DataFrame listed them: FileNotFoundException.
    "deleted_input_file_stale_listing": dict(
        label="not_driver_oom",
        expect=r"FileNotFoundException|FILE_NOT_EXIST|does not exist",
        timeout=200,
        reject=gm.OWN_OOM,
    ),
    # a Python UDF raising ConnectionResetError on every task's first attempt: retried and
    # finished on local-cluster, aborted at once on local[*].
    "flaky_lookup_udf_retries": dict(
        label="not_driver_oom",
        expect=r"ConnectionResetError",
        timeout=200,
        reject=gm.OWN_OOM,
        variants=[("35", "local"), ("35", "cluster"), ("4", "cluster")],
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = set()

# Runs made and not kept (see the README): left out of RUNS, so --finish does not bring
# them back from the scratch dir.
NOT_KEPT = {
    # no OutOfMemoryError line: the driver failed reading the broadcast build side's task
    # results ("Exception while getting task result: java.lang.IllegalStateException:
    # unread block data"); the expect pattern is an OOM only, so dropped (as round 4 did).
    "sql_broadcast_hint_dimension--pyspark--spark35--cluster",
    "sql_broadcast_hint_dimension--pyspark--spark43--local",
}


# Decided by reading the log (see the README): the run is kept with the label of what
# really happened, not its scenario's (verified stays false: the scenario's failure did not
# happen).
LABEL_OVERRIDES = {
    # the same job in local-cluster: the aggregation's tasks ran in the executors (768m),
    # which ran out of heap (exit code 52) building / serializing the percentile buffers;
    # the driver has no OutOfMemoryError of its own (killed 60 s after the first report).
    "exact_median_small_driver--pyspark--spark35--cluster": "not_driver_oom",
}
OUTCOME_NOTES = {
    "exact_median_small_driver--pyspark--spark35--cluster": (
        "labelled not_driver_oom after reading the log: executor OOMs only, driver fine"
    ),
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
