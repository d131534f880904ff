#!/usr/bin/env python
"""Run round 19 of the real Spark run matrix under tests/data/runs/ (manifest-r19.jsonl).

    python tests/data/runs/gen_r19.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r19.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r19.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r18.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r19.py <scenario>``.
Three of them set the WARN log level right after the session starts (scenarios_r19.WARN_LOG).
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r19).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM
MAX_RESULT = gm.MAX_RESULT

SCENARIOS = {
    # orders.join(catalog.limit(200000)): the limit's estimate (rows x default column
    # sizes, ~8.4 MiB) is under the 10 MB threshold; ~600 MB of rows are broadcast.
    "limit_capped_products_broadcast": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # collect() of 40,000 customers, then list(itertools.combinations(rows, 2)), RLIMIT_AS.
    "order_pairs_itertools_memoryerror": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=200,
    ),
    # groupBy().pivot("sku") of 300,000 distinct SKUs, spark.sql.pivotMaxValues raised.
    "pivot_max_values_raised_plan": dict(
        label="driver_side_state",
        expect=OOM,
        timeout=240,
        conf={"spark.sql.pivotMaxValues": "1000000"},
    ),
    # CREATE TABLE ... AS SELECT /*+ REPARTITION(3000000) */ in SQL text. NOT in RUNS: the
    # one try (3.5 local[*], 13:22-13:27 UTC, timeout 300 s) printed "compacting 6000000
    # rows into 3000000 files" and then nothing (WARN log level) until the timeout killed
    # it: no error line, not labelled from that log (gen_more's repartition_huge 3.5 local
    # run hung the same way); replaced by threaded_country_exports_collect.
    "sql_repartition_hint_huge": dict(
        label="too_many_tasks",
        expect=OOM,
        timeout=300,
    ),
    # ThreadPoolExecutor(8): eight concurrent df.where(country == c).collect() jobs.
    "threaded_country_exports_collect": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
    ),
    # (local[*] only) agg(F.mode("device_id")) of ~6,000,000 distinct ids, driver 512m.
    "mode_aggregate_small_driver": dict(
        label="client_mode_small_driver",
        expect=gm.ge.TASK_THREAD_OOM,
        timeout=240,
        variants=[("35", "local"), ("4", "local")],
    ),
    # A Python UDF's mmap.mmap(-1, 2**46) for one corrupt record: OSError ENOMEM in a task.
    "udf_mmap_scratch_buffer_enomem": dict(
        label="not_driver_oom",
        expect=r"Cannot allocate memory",
        timeout=200,
        reject=gm.OWN_OOM,
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = {"sql_repartition_hint_huge"}

# Runs made and not kept (see the README): left out of RUNS, so --finish does not bring
# them back from the scratch dir.
NOT_KEPT = set()

# Decided by reading the log (see the README): the run is kept with the label of what
# really happened, not its scenario's (verified stays false: the scenario's failure did not
# happen).
LABEL_OVERRIDES = {}
OUTCOME_NOTES = {
    "threaded_country_exports_collect--pyspark--spark35--local": (
        "the first OutOfMemoryError is the driver's own, in the thread serving one country's "
        'collected rows to Python ("serve-DataFrame", Pickler.dumps), whose Python thread '
        "got a cut-short result (DE: 114687 rows of 160000); a task of another country's job "
        "then hit an OutOfMemoryError in the same (driver) JVM, so the process exited 52"
    ),
    "threaded_country_exports_collect--pyspark--spark43--local": (
        "the one OutOfMemoryError is in a task (UTF8String.rpad) of the third country's job, "
        "in local[*] in the driver JVM, while the results of the two jobs that had already "
        "finished (event log: jobs 0 and 1 JobSucceeded) were held and served by the driver; "
        "labelled collect_to_driver (concurrent collects filling the driver heap), exit 52"
    ),
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
