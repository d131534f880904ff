#!/usr/bin/env python
"""Run round 14 of the real Spark run matrix under tests/data/runs/ (manifest-r14.jsonl).

    python tests/data/runs/gen_r14.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r14.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r14.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r13.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r14.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r14).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # groupBy(customer).agg(collect_set(digest)).collect(): ~270 MB of digests in 1,000 rows.
    "collect_set_per_key_collect": dict(
        label="collect_to_driver",
        expect=ge.DRIVER_OOM,
        timeout=240,
        # 200 result partitions of ~1.4 MB (AQE would coalesce them into 4 of ~70 MB)
        conf={"spark.sql.adaptive.coalescePartitions.enabled": "false"},
    ),
    # rdd.aggregate of 16 MB numpy partial sums from 8 partitions, maxResultSize 64m.
    "aggregate_feature_sums_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=240,
        conf={"spark.driver.maxResultSize": "64m"},
    ),
    # collect() fits; json.dumps of all rows in the Python driver under RLIMIT_AS.
    "json_dumps_all_rows_memoryerror": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=240,
        mem="1g",
    ),
    # spark.createDataFrame(pandas frame, 1,000,000 rows) joined with broadcast().
    "pandas_frame_broadcast_join": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # a healthy ETL whose last step writes format("avro") without the spark-avro package.
    "avro_source_missing_after_etl": dict(
        label="not_driver_oom",
        expect=r"Failed to find (the )?data source: avro",
        timeout=180,
        reject=gm.OWN_OOM,
    ),
    # insertInto() a six-column table from a five-column job.
    "insert_into_column_count_mismatch": dict(
        label="not_driver_oom",
        expect=r"INSERT_COLUMN_ARITY_MISMATCH|not enough data columns",
        timeout=180,
        reject=gm.OWN_OOM,
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = set()

# Runs made and not kept (see the README): left out of RUNS, so --finish does not bring
# them back from the scratch dir.
NOT_KEPT = set()


# Decided by reading the log (see the README): the run is kept with the label of what
# really happened, not its scenario's (verified stays false: the scenario's failure did not
# happen).
LABEL_OVERRIDES = {
    # the OOM came in launching the 57 MB tasks that carry the pandas rows (the broadcast
    # was never reached): "Task of very large size" failures are large_closure.
    "pandas_frame_broadcast_join--pyspark--spark35--cluster": "large_closure",
    "pandas_frame_broadcast_join--pyspark--spark43--cluster": "large_closure",
}
OUTCOME_NOTES = {
    "pandas_frame_broadcast_join--pyspark--spark35--cluster": (
        "relabelled large_closure after reading the log: with real executors the driver ran out "
        "of heap in dispatcher-CoarseGrainedScheduler serializing the LaunchTask messages of the "
        "catalogue scan, whose tasks carry the parallelized pandas rows ('task of very large "
        "size (56994 KiB)'), before any broadcast was built; the case library labels task-size "
        "failures large_closure"
    ),
    "pandas_frame_broadcast_join--pyspark--spark43--cluster": (
        "relabelled large_closure after reading the log: with real executors the driver ran out "
        "of heap in dispatcher-CoarseGrainedScheduler serializing the LaunchTask messages of the "
        "catalogue scan, whose tasks carry the parallelized pandas rows ('task of very large "
        "size (56994 KiB)'), before any broadcast was built; the case library labels task-size "
        "failures large_closure"
    ),
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
