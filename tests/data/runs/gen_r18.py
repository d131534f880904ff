#!/usr/bin/env python
"""Run round 18 of the real Spark run matrix under tests/data/runs/ (manifest-r18.jsonl).

    python tests/data/runs/gen_r18.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r18.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r18.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r17.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r18.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r18).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM
MAX_RESULT = gm.MAX_RESULT

SCENARIOS = {
    # repartition(<distinct customers>, "customer_id"): ~2 million shuffle partitions.
    # Timeout 240 s for the first three runs; the 4.3 local-cluster driver was still
    # submitting the 2-million-task stage (GC-bound, no error) at 240 s, so that run was
    # redone with 420 s (see the README).
    "one_file_per_customer_repartition": dict(
        label="too_many_tasks",
        expect=OOM,
        timeout=420,
    ),
    # limit(1_000_000).toPandas(): the take's second job (4 partitions) passes 64m.
    "limit_topandas_max_result_size": dict(
        label="max_result_size",
        expect=MAX_RESULT,
        timeout=200,
        conf={"spark.driver.maxResultSize": "64m"},
    ),
    # orderBy(desc).limit(600000).collect(): TakeOrderedAndProject's per-task queues.
    "top_orders_sort_limit_max_result_size": dict(
        label="max_result_size",
        expect=MAX_RESULT,
        timeout=200,
        conf={"spark.driver.maxResultSize": "100m"},
    ),
    # spark.udf.register of a function closing over a ~640 MB catalog dict.
    "sql_registered_udf_catalog_closure": dict(
        label="large_closure",
        expect=OOM,
        timeout=240,
    ),
    # (local[*] only) RandomForestClassifier with default maxMemoryInMB=256, driver 512m.
    "random_forest_small_driver": dict(
        label="client_mode_small_driver",
        expect=gm.ge.TASK_THREAD_OOM,
        timeout=240,
        variants=[("35", "local"), ("4", "local")],
    ),
    # cache (does not fit) + count, then overwrite the path the DataFrame reads from:
    # the uncached partitions are re-read from deleted files.
    "cache_then_overwrite_source_path": dict(
        label="not_driver_oom",
        expect=r"FileNotFoundException|FILE_NOT_EXIST|does not exist",
        timeout=200,
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
LABEL_OVERRIDES = {}
# Kept with the label of what happened (nothing failed): in local-cluster the cache lives in
# the two 768m executors and held every partition, so the overwrite read the cached rows
# and succeeded (read in the raw logs and executor stderr: no "Not enough space to cache",
# no missing file, no OutOfMemoryError). verified stays false: the scenario's failure did
# not happen.
_CACHE_FIT = (
    "kept as not_driver_oom after reading the log: in local-cluster the cache (in the 768m "
    "executors) held every partition, the overwrite read the cached rows and the job "
    "succeeded (no missing file, no memory warning, no OutOfMemoryError)"
)
OUTCOME_NOTES = {
    "cache_then_overwrite_source_path--pyspark--spark35--cluster": _CACHE_FIT,
    "cache_then_overwrite_source_path--pyspark--spark43--cluster": _CACHE_FIT,
    "one_file_per_customer_repartition--pyspark--spark43--local": (
        "the OutOfMemoryError is in a map task of the 2,000,000-partition shuffle, which in "
        "local[*] runs in the driver JVM (ShuffleExternalSorter.writeSortedFile -> "
        "SpillInfo.<init>: per-partition bookkeeping of every spill); labelled "
        "too_many_tasks like gen_more.py's repartition_huge 4.3 local run"
    ),
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
