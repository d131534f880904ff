#!/usr/bin/env python
"""Run round 8 of the real Spark run matrix under tests/data/runs/ (manifest-r8.jsonl).

    python tests/data/runs/gen_r8.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r8.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r8.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r7.py / gen_jvm.py uses
(see the README section). Each run is one ``spark-submit scenarios_r8.py <scenario>`` from
the venv of the Spark version, one at a time. The driver is gen_more.py's (run, finish,
drop and the command line), handed this round's tables as a ``gen_more.Round``; through it
come the venvs and masters, trim() of tests/data/spark/generate.py, the hard timeout plus
the kill 60 s after the driver's first OutOfMemoryError (gen_pyspark._wait), the zstd
event-log check and the `outcome` line, the full Spark version, and gen_extra.finish()
(run folder + manifest line). Raw output goes to $DD_SCRATCH (default
/tmp/driver-doctor-runs-r8)/<run-id>/raw.log; the run folder gets driver.log.gz and the
event log (compressed by Spark with zstd, not rolled, dropped above 3 MB); the run's line
in manifest-r8.jsonl is replaced. ``DD_STOP_AT=HH:MM`` (UTC) works like --deadline.

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

MANIFEST = HERE / "manifest-r8.jsonl"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-r8"))
OOM = gm.OOM
# Default variants of a scenario: (Spark version, master), in this order (the first two are
# the ones every scenario must have: Spark 3.5; the Spark 4.3 ones when time allows).
VARIANTS = [("35", "local"), ("35", "cluster"), ("4", "local"), ("4", "cluster")]

SCENARIOS = {
    # orderBy(...).coalesce(1).toLocalIterator() written to a local CSV: the one partition
    # (the whole table) is kept as one array of pickled rows in the driver JVM.
    "local_iterator_one_partition": dict(label="collect_to_driver", expect=OOM, timeout=240),
    # orderBy(<~1.5 KB URL>) with maxResultSize 8m: the RangePartitioner's sampling job
    # returns the sampled sort keys as task results.
    "sort_sample_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=240,
        conf={"spark.driver.maxResultSize": "8m"},
    ),
    # sc.union() of 1,500 hourly RDDs of 3,000 slices each: 4,500,000 UnionPartitions.
    "union_many_rdds_partitions": dict(label="too_many_tasks", expect=OOM, timeout=240),
    # One spark.udf.register() per tenant, each closing over a ~700 KB table: the session's
    # FunctionRegistry keeps every pickled command in the driver JVM.
    "udf_registry_loop": dict(label="driver_side_state", expect=gm.ge.DRIVER_OOM, timeout=240),
    # DD_COLS Python UDFs made by a factory, each closing over a ~700 KB codebook (under
    # the broadcast threshold, inline in the plan), in one select(): the stage's task
    # binary carries every command.
    "per_column_udf_task_binary": dict(label="large_closure", expect=OOM, timeout=240),
    # df.show(n, truncate=False) with a 1536m JVM driver: the ~100 MB table string comes
    # back over Py4J into a Python driver capped by RLIMIT_AS.
    "show_string_py4j_memoryerror": dict(
        label="python_driver_oom", expect=gm.PY_MEMORYERROR, timeout=240, mem="1536m"
    ),
    # Two small config tables joined many-to-many, estimated as the product of their file
    # sizes (< 10 MB) and broadcast; really 5,000,000 rows.
    "join_product_estimate_broadcast": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # running = running.union(batch).coalesce(4) thousands of times, no checkpoint:
    # java.lang.StackOverflowError serializing / computing the lineage.
    "rdd_lineage_stack_overflow": dict(
        label="not_driver_oom",
        expect=r"java\.lang\.StackOverflowError",
        timeout=240,
        reject=gm.OWN_OOM,
    ),
    # cache() of a table bigger than storage memory, reports and a sort that spill; exit 0.
    "cache_spill_to_disk_success": dict(
        label="not_driver_oom",
        expect=r"Not enough space to cache|spilling sort data|Added rdd_\d+_\d+ on disk",
        timeout=240,
        reject=gm.OWN_OOM,
    ),
    # (local[*] only) dropDuplicatesWithinWatermark with a 1-day watermark on a rate
    # source: the dedup state store in the driver JVM.
    "stream_dedup_within_watermark_state": dict(
        label="streaming_state",
        expect=OOM,
        timeout=240,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = set()

# Runs made and not kept (see the README): left out of RUNS, so --finish does not bring
# them back from the scratch dir.
NOT_KEPT = set()

# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
RUNS = gm.ordered_runs(SCENARIOS, VARIANTS, NOT_RUN, NOT_KEPT)

# Decided by reading the log (see the README): the run is kept with the label of what
# really happened, not its scenario's (verified stays false: the scenario's failure did not
# happen).
LABEL_OVERRIDES = {
    # the executors (768m) ran out of heap building / serializing the one partition's
    # array of pickled rows (SerializerHelper.serializeToChunkedBuffer), 4 executors lost
    # with exit code 52; the driver has no OutOfMemoryError of its own.
    "local_iterator_one_partition--pyspark--spark35--cluster": "not_driver_oom",
}
OUTCOME_NOTES = {
    "local_iterator_one_partition--pyspark--spark35--cluster": (
        "relabelled not_driver_oom after reading the log: executor OOMs only, driver fine"
    ),
    # exit 0 like the others; 4.3 no longer logs BlockManagerInfo's "Added rdd_N_N on disk"
    # in the driver, so the memory-pressure lines are only in the executors' stderr.
    "cache_spill_to_disk_success--pyspark--spark43--cluster": (
        "healthy run (exit 0); its memory-pressure lines are only in the executor stderr"
    ),
}


ROUND = gm.Round(
    scenarios=SCENARIOS,
    runs=RUNS,
    script=HERE / "scenarios_r8.py",
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
