#!/usr/bin/env python
"""Run round 7 of the real Spark run matrix under tests/data/runs/ (manifest-r7.jsonl).

    python tests/data/runs/gen_r7.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r7.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r7.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py / gen_r4.py / gen_r5.py / gen_r6.py /
gen_jvm.py uses (see the README section). Each run is one
``spark-submit scenarios_r7.py <scenario>`` from the venv of the Spark version, one at a
time. The driver is gen_more.py's (run, finish, drop and the command line), handed this
round's tables as a ``gen_more.Round``; through it come the venvs and masters, trim() of
tests/data/spark/generate.py, the hard timeout plus the kill 60 s after the driver's first
OutOfMemoryError (gen_pyspark._wait), the zstd event-log check and the `outcome` line, the
full Spark version, and gen_extra.finish() (run folder + manifest line). Raw output goes
to $DD_SCRATCH (default /tmp/driver-doctor-runs-r7)/<run-id>/raw.log; the run folder gets driver.log.gz and the
event log (compressed by Spark with zstd, not rolled, dropped above 3 MB); the run's line
in manifest-r7.jsonl is replaced. ``DD_STOP_AT=HH:MM`` (UTC) works like --deadline.

A run gets its scenario's label only if the scenario's `expect` pattern is in the raw
driver log and (for driver-OOM labels) no executor stderr has an OutOfMemoryError
(`verified: true`); otherwise it is labelled not_driver_oom, `verified: false`.
LABEL_OVERRIDES / OUTCOME_NOTES hold what was decided by reading a log.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OWN_OOM; Round and the driver)

MANIFEST = HERE / "manifest-r7.jsonl"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-r7"))
OOM = gm.OOM
# Default variants of a scenario: (Spark version, master), in this order (the first two are
# the ones every scenario must have: Spark 3.5; the Spark 4.3 ones when time allows).
VARIANTS = [("35", "local"), ("35", "cluster"), ("4", "local"), ("4", "cluster")]

SCENARIOS = {
    # df.show(df.count(), truncate=False) of 3,000,000 rows: Dataset.showString takes the
    # rows to the driver and formats the whole table into one String.
    "show_all_rows": dict(label="collect_to_driver", expect=OOM, timeout=240),
    # pyspark.ml CountVectorizer on ~600,000 distinct tokens: the vocabulary's RDD.top()
    # partials (every word of a partition) collected past maxResultSize 4m.
    "countvectorizer_vocab_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=240,
        conf={"spark.driver.maxResultSize": "4m"},
    ),
    # collect() fits; an in-memory CSV (io.StringIO + csv.writer, getvalue().encode())
    # under RLIMIT_AS.
    "csv_report_string_memoryerror": dict(
        label="python_driver_oom", expect=gm.PY_MEMORYERROR, timeout=240, mem="1g"
    ),
    # no hint, default threshold: an explode() of a small parquet table's comma-separated
    # codes is estimated from the file size (Generate does not multiply rows) and broadcast.
    # Spark 4.3 only in the end: both 3.5 runs (final body) broadcast the table too, then
    # spent the 240 s timeout in "TaskMemoryManager: Failed to allocate a page (2097152
    # bytes), try again." loops without an error (NOT_KEPT below).
    "explode_underestimated_broadcast": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # df.repartitionByRange(<3,000,000 distinct customers>, "customer").
    "repartition_by_range_huge": dict(label="too_many_tasks", expect=OOM, timeout=240),
    # sc.setJobDescription(<6,000 input paths>) before each small job: the UI's status
    # store keeps 1,000 jobs' (and stages') descriptions.
    "job_description_ui_history": dict(
        label="driver_side_state", expect=gm.ge.DRIVER_OOM, timeout=300
    ),
    # df.rdd.map(model.score): the bound method pickles its instance and its ~600 MB numpy
    # weights into the command (shipped as a broadcast).
    "model_method_closure": dict(label="large_closure", expect=OOM, timeout=240),
    # (local[*] only) sliding window (5 min every 1 s) count per user with a watermark:
    # 300 state groups per input row, state stores in the driver JVM.
    "stream_sliding_window_state": dict(
        label="streaming_state",
        expect=OOM,
        timeout=420,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
    ),
    # spark.memory.offHeap.enabled=true with a 1m placeholder size: SparkOutOfMemoryError
    # "Unable to acquire ... bytes of memory, got 0" in the first aggregation / sort. (First
    # try: offheap_size_no_unit, size 2048 meant as MB; Spark refused to start.)
    "offheap_pool_too_small": dict(
        label="not_driver_oom",
        expect=r"Unable to acquire \d+ bytes of memory|UNABLE_TO_ACQUIRE_MEMORY",
        timeout=180,
        conf={"spark.memory.offHeap.enabled": "true", "spark.memory.offHeap.size": "1m"},
        # local-cluster: the executors' stderr print the SparkOutOfMemoryError (the check
        # looks for "OutOfMemoryError"); no java.lang.OutOfMemoryError in them.
        executor_oom_ok=True,
        reject=gm.OWN_OOM,
    ),
    # NOT in RUNS: spark.memory.offHeap.size=2048, meant as MB. The one try (3.5 local[*])
    # never started: "spark.memory.offHeap.size must be > 0 when spark.memory.offHeap.enabled
    # == true" (2048 bytes are 0 MB). Dropped, replaced by offheap_pool_too_small.
    "offheap_size_no_unit": dict(
        label="not_driver_oom",
        expect=r"Unable to acquire \d+ bytes of memory|UNABLE_TO_ACQUIRE_MEMORY",
        timeout=180,
        conf={"spark.memory.offHeap.enabled": "true", "spark.memory.offHeap.size": "2048"},
        reject=gm.OWN_OOM,
    ),
    # (local-cluster only) sc.wholeTextFiles() of a folder with one ~520 MB log file: the
    # executor (768m) reads it whole into one record and runs out of heap.
    "whole_text_files_executor_oom": dict(
        label="not_driver_oom",
        # Not "Lost executor": every local-cluster shutdown logs "Lost executor N ... code 143".
        expect=r"exited caused by one of the running tasks|ExecutorLostFailure|exited with code 52",
        timeout=240,
        after_oom=None,  # the driver only reports the executors' OOMs
        executor_oom_ok=True,
        reject=gm.OWN_OOM,  # an OutOfMemoryError of the driver itself: not this label
        variants=[("35", "cluster"), ("4", "cluster")],
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = {"offheap_size_no_unit"}

# Runs made and not kept (no OutOfMemoryError in the driver log; see the README): left out of
# RUNS, so --finish does not bring them back from the scratch dir.
NOT_KEPT = {
    "explode_underestimated_broadcast--pyspark--spark35--local",
    "explode_underestimated_broadcast--pyspark--spark35--cluster",
}

# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
RUNS = gm.ordered_runs(SCENARIOS, VARIANTS, NOT_RUN, NOT_KEPT)

LABEL_OVERRIDES = {}
OUTCOME_NOTES = {}


ROUND = gm.Round(
    scenarios=SCENARIOS,
    runs=RUNS,
    script=HERE / "scenarios_r7.py",
    scratch=SCRATCH,
    manifest=MANIFEST,
    notes=OUTCOME_NOTES,
    labels=LABEL_OVERRIDES,
)


def main():
    """gen_more.py's driver (run, finish, drop, deadline) over this round's tables."""
    gm.main(ROUND)


if __name__ == "__main__":
    main()
