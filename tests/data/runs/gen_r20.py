#!/usr/bin/env python
"""Run round 20 of the real Spark run matrix under tests/data/runs/ (manifest-r20.jsonl).

    python tests/data/runs/gen_r20.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r20.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r20.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r19.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r20.py <scenario>``.
Three of them set the WARN log level right after the session starts (scenarios_r20.WARN_LOG).
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r20).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM
MAX_RESULT = gm.MAX_RESULT

SCENARIOS = {
    # df.approxQuantile(col, probs, 0.0): per-partition QuantileSummaries that never
    # compress, merged on the driver; spark.driver.maxResultSize=64m. Spark 3.5 only: Spark
    # 4.3 computes approxQuantile as a SQL aggregate (a shuffle into one final aggregation
    # task whose result is a few KB), and both 4.3 runs (local[*] 29 s, local-cluster 37 s,
    # 15:31-15:34 UTC) succeeded (exit 0, quantiles printed): no maxResultSize failure to
    # be had on 4.3, so those two variants were dropped (--drop) and are not in RUNS.
    "approx_quantile_exact_max_result_size": dict(
        label="max_result_size",
        expect=MAX_RESULT,
        timeout=200,
        conf={"spark.driver.maxResultSize": "64m"},
        variants=[("35", "local"), ("35", "cluster")],
    ),
    # df.toLocalIterator(prefetchPartitions=True) over 6 partitions of ~150 MB of rows.
    "local_iterator_prefetch_export_collect": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
    ),
    # sc.binaryFiles(dir).collect() of two .csv.gz drops, gzip.decompress in the Python
    # driver under RLIMIT_AS.
    "gzip_binary_files_decompress_memoryerror": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=200,
    ),
    # sc.broadcast(dict of 1.2M SKUs) used in a Python UDF, spark.executor.pyspark.memory:
    # MemoryError in the Python workers loading the broadcast.
    "python_worker_broadcast_dict_memory_cap": dict(
        label="not_driver_oom",
        expect=r"MemoryError",
        timeout=200,
        reject=gm.OWN_OOM,
        conf={"spark.executor.pyspark.memory": "400m"},
    ),
    # sc.newAPIHadoopFile(..., conf={split.maxsize: "1"}): ~6M one-byte input splits.
    "hadoop_split_maxsize_partitions": dict(
        label="too_many_tasks",
        expect=OOM,
        timeout=200,
    ),
    # (local[*] only) agg(F.percentile_approx(col, [0.5, 0.99], 10000000)), driver 512m.
    "percentile_approx_accuracy_small_driver": dict(
        label="client_mode_small_driver",
        expect=gm.ge.TASK_THREAD_OOM,
        timeout=200,
        variants=[("35", "local"), ("4", "local")],
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
LABEL_OVERRIDES = {}
OUTCOME_NOTES = {
    "local_iterator_prefetch_export_collect--pyspark--spark35--local": (
        "the prefetching iterator started job 0 (partition 0) and job 1 (partition 1) at "
        "once; in local[*] both tasks run in the driver JVM and both ran out of heap "
        "building their partition's result for the driver (job 1's task pickling the rows "
        "into the partition's array, SerDeUtil$AutoBatchedPickler; job 0's serializing it, "
        "SerializerHelper.serializeToChunkedBuffer), so the process exited 52 before a row "
        "was exported; labelled collect_to_driver (as the local[*] runs of "
        "local_iterator_one_partition)"
    ),
    "local_iterator_prefetch_export_collect--pyspark--spark43--local": (
        "the prefetching iterator started job 0 and job 1 at once; in local[*] the task of "
        "job 0 ran out of heap in the driver JVM serializing its partition's result for the "
        "driver (SerializerHelper.serializeToChunkedBuffer), so the process exited 52 before "
        "a row was exported; labelled collect_to_driver (as the local[*] runs of "
        "local_iterator_one_partition)"
    ),
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
