#!/usr/bin/env python
"""Run round 25 of the real Spark run matrix under tests/data/runs/ (manifest-r25.jsonl).

    python tests/data/runs/gen_r25.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r25.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r25.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r24.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r25.py <scenario>``.
One of them sets the WARN log level right after the session starts (scenarios_r25.WARN_LOG).
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r25).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # count_min_sketch(query, 1e-7, 0.999, 42) over 3,000,000 searches: every partial
    # aggregation task allocates a ~1.6 GB sketch as its buffer. local[*]: the task in the
    # driver JVM; local-cluster: the executors' tasks.
    "search_terms_heavy_hitters_sketch": dict(
        label="client_mode_small_driver",
        expect=gm.ge.TASK_THREAD_OOM,
        timeout=240,
        after_oom=None,  # on local-cluster the driver only reports the executors' OOMs
    ),
    # order lines from toLocalIterator() loaded with executemany into an in-memory SQLite
    # database in the Python driver under RLIMIT_AS.
    "legacy_report_sqlite_staging": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=240,
    ),
    # a ~600 MB rate table bound with functools.partial(..., fx_rates=rates) to a
    # df.rdd.mapPartitions function (the pickled command goes out as a broadcast).
    "payments_fx_partial_conversion": dict(
        label="large_closure",
        expect=OOM,
        timeout=240,
    ),
    # one spark.sql statement with a 400,000-row inline VALUES table joined to the sales.
    "sku_mapping_inline_values_sql": dict(
        label="driver_side_state",
        expect=gm.ge.DRIVER_OOM,
        timeout=300,
    ),
    # heapq top-k per partition after repartition(48, "store_id") of 40 stores: empty
    # partitions make heapq.heappop raise IndexError in the Python worker.
    "store_top_sellers_heap": dict(
        label="not_driver_oom",
        expect=r"IndexError: index out of range",
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
    # Spark 4.3: the driver JVM (512m) ran out of heap in task-result-getter deserializing a
    # toLocalIterator partition's result (~46 MB each, one job per partition) before the
    # Python driver hit its limit; the driver hung and was killed 60 s after the OOM.
    "legacy_report_sqlite_staging--pyspark--spark43--local": "collect_to_driver",
    "legacy_report_sqlite_staging--pyspark--spark43--cluster": "collect_to_driver",
}
OUTCOME_NOTES = {
    **{
        f"legacy_report_sqlite_staging--pyspark--spark35--{m}": (
            "all 8 toLocalIterator jobs (one per partition, results 45-47 MB each) succeeded; "
            "with the rows loaded into the in-memory SQLite database the Python driver hit its "
            "RLIMIT_AS: MemoryError raised in pyspark/serializers.py _read_with_length while "
            "reading the next rows of the local iterator (scenarios_r25.py line 91, `for r in "
            "lines.toLocalIterator():`); no JVM OutOfMemoryError"
        )
        for m in ("local", "cluster")
    },
    **{
        f"legacy_report_sqlite_staging--pyspark--spark43--{m}": (
            "relabelled collect_to_driver after reading the log: %s toLocalIterator jobs "
            "(one per partition, results 45-47 MB each) succeeded, then the driver JVM ran out "
            "of heap in thread task-result-getter deserializing the next partition's result "
            "(DirectTaskResult.value <- SerializerHelper.deserializeFromChunkedBuffer); the "
            "Python driver had no MemoryError; the job never finished and the driver was "
            "killed 60 s after the OOM (event log without its end event)" % n
        )
        for m, n in (("local", 6), ("cluster", 7))
    },
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
