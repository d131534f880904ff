#!/usr/bin/env python
"""Run round 5 of the real Spark run matrix under tests/data/runs/ (manifest-r5.jsonl).

    python tests/data/runs/gen_r5.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r5.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r5.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py / gen_r4.py / gen_jvm.py uses (see
the README section). Each run is one
``spark-submit scenarios_r5.py <scenario>`` from the venv of the Spark version, one at a
time. The driver is gen_more.py's (run, finish, drop and the command line), handed this
round's tables as a ``gen_more.Round``; through it come the venvs and masters, trim() of
tests/data/spark/generate.py, the hard timeout plus the kill 60 s after the driver's first
OutOfMemoryError (gen_pyspark._wait), the zstd event-log check and the `outcome` line, the
full Spark version, and gen_extra.finish() (run folder + manifest line). Raw output goes
to $DD_SCRATCH (default /tmp/driver-doctor-runs-r5)/<run-id>/raw.log; the run folder gets driver.log.gz and the
event log (compressed by Spark with zstd, not rolled, dropped above 3 MB); the run's line
in manifest-r5.jsonl is replaced. ``DD_STOP_AT=HH:MM`` (UTC) works like --deadline.

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

MANIFEST = HERE / "manifest-r5.jsonl"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-r5"))
OOM = gm.OOM
# Default variants of a scenario: (Spark version, master), in this order (the first two are
# the ones every scenario must have: Spark 3.5; the Spark 4.3 ones when time allows).
VARIANTS = [("35", "local"), ("35", "cluster"), ("4", "local"), ("4", "cluster")]

SCENARIOS = {
    # df.rdd.takeSample(False, 300000) of 400,000 ~2 KB rows: PySpark's takeSample (count,
    # sample, collect).
    "take_sample_collect": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # agg(collect_list(h1)) of 200,000 rows: one ~20 MB result row, maxResultSize 1m.
    "collect_list_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=200,
        conf={"spark.driver.maxResultSize": "1m"},
    ),
    # NOT in RUNS: the one try (3.5 local[*]) collected the build side, then building its
    # UnsafeHashedRelation (string key) went on logging "WARN TaskMemoryManager: Failed to
    # allocate a page (2097152 bytes), try again." (the broadcast's own memory manager has
    # no limit, so the retry never ends) with no OutOfMemoryError until the 240 s timeout;
    # dropped, replaced by string_size_underestimated_broadcast (long key).
    # IN (subquery) -> left semi join; the subquery side's size is underestimated (string
    # columns count 20 bytes) under the default 10 MB threshold and broadcast.
    "semi_join_underestimated_broadcast": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # join with no hint: the other side's size is underestimated (string columns count 20
    # bytes) under the default 10 MB threshold and broadcast.
    "string_size_underestimated_broadcast": dict(
        label="broadcast_too_large",
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # filter(col.isin(20,000 Python strings of 4,000 characters)). The first try (3.5
    # local[*], 3,000,000 short strings) was killed after 65 s: one Py4J call per value.
    "isin_large_list": dict(label="large_closure", expect=OOM, timeout=240),
    # spark.range(0, 1000, 1, 5,000,000).count().
    "range_partitions_huge": dict(label="too_many_tasks", expect=OOM, timeout=240),
    # small queries with distinct ~1.2 MB literals, SQL UI history raised. The first 3.5
    # local[*] run (400 KB literals) failed after ~550 queries, but its event log was
    # 3.8 MB; redone with 1.2 MB literals.
    "sql_ui_plan_history": dict(
        label="driver_side_state",
        expect=gm.ge.DRIVER_OOM,
        timeout=240,
        conf={"spark.sql.ui.retainedExecutions": "1000000"},
    ),
    # parquet write (mode errorifexists) to a path written just before.
    "write_path_exists": dict(
        label="not_driver_oom",
        expect=r"PATH_ALREADY_EXISTS|already exists",
        timeout=150,
        reject=gm.OWN_OOM,
    ),
    # a Python UDF whose worker process exits (os._exit) on one row.
    "python_worker_crash": dict(
        label="not_driver_oom",
        expect=r"Python worker exited unexpectedly|crashed",
        timeout=150,
        reject=gm.OWN_OOM,
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = {"semi_join_underestimated_broadcast"}

# Runs made and not kept (no OutOfMemoryError in the driver log; see the README): left out of
# RUNS, so --finish does not bring them back from the scratch dir.
NOT_KEPT = set()

# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
RUNS = gm.ordered_runs(SCENARIOS, VARIANTS, NOT_RUN, NOT_KEPT)

LABEL_OVERRIDES = {}
OUTCOME_NOTES = {}


ROUND = gm.Round(
    scenarios=SCENARIOS,
    runs=RUNS,
    script=HERE / "scenarios_r5.py",
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
