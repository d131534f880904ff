#!/usr/bin/env python
"""Run round 3 of the real Spark run matrix under tests/data/runs/ (manifest-r3.jsonl).

    python tests/data/runs/gen_r3.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r3.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r3.py --drop run-id ...       # remove a run not kept

Twelve more scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py uses (see the README section). Each run is one
``spark-submit scenarios_r3.py <scenario>`` from the venv of the Spark version, one at a
time. The driver is gen_more.py's (run, finish, drop and the command line), handed this
round's tables as a ``gen_more.Round``; through it come the venvs and masters, trim() of
tests/data/spark/generate.py, the hard timeout plus the kill 60 s after the driver's first
OutOfMemoryError (gen_pyspark._wait), the zstd event-log check and the `outcome` line, the
full Spark version, and gen_extra.finish() (run folder + manifest line). Raw output goes to $DD_SCRATCH (default
/tmp/driver-doctor-runs-r3)/<run-id>/raw.log; the run folder gets driver.log.gz and the
event log (compressed by Spark with zstd, not rolled, dropped above 3 MB); the run's line
in manifest-r3.jsonl is replaced. ``DD_STOP_AT=HH:MM`` (UTC) works like --deadline.

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

MANIFEST = HERE / "manifest-r3.jsonl"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-r3"))
OOM = gm.OOM
PY_MEMORYERROR = gm.PY_MEMORYERROR
# Default variants of a scenario: (Spark version, master), in this order (the first two are
# the ones every scenario must have; the other two when time allows).
VARIANTS = [("35", "local"), ("4", "cluster"), ("4", "local"), ("35", "cluster")]

SCENARIOS = {
    # df.toJSON().collect(): a JVM RDD of JSON strings through PythonRDD.collectAndServe;
    # maxResultSize unlimited so the heap, not the limit, is what runs out.
    "tojson_collect": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # rdd.countByValue() of 12M distinct keys: 12 per-partition Counters gathered by the driver.
    "count_by_value_distinct": dict(label="collect_to_driver", expect=OOM, timeout=240),
    # toLocalIterator(): one job per partition, one partition's result > maxResultSize 1m.
    "local_iterator_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=200,
        conf={"spark.driver.maxResultSize": "1m"},
    ),
    # non-equi join, broadcast() hint on the big side: BroadcastNestedLoopJoin build side.
    "nested_loop_join_broadcast": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # rdd.mapPartitions(f), f uses a ~650 MB pandas frame (pickled function broadcast).
    "mappartitions_pandas_closure": dict(label="large_closure", expect=OOM, timeout=240),
    # rdd.cartesian() of 4000 x 4000 partitions.
    "cartesian_partitions": dict(label="too_many_tasks", expect=OOM, timeout=240),
    # toLocalIterator() rows into an ever-growing Python set, RLIMIT_AS.
    "local_iterator_seen_set": dict(
        label="driver_side_state", expect=PY_MEMORYERROR, timeout=240, mem="1g"
    ),
    # toPandas() fits, then a many-to-many pandas self-merge, RLIMIT_AS.
    "topandas_merge_memoryerror": dict(
        label="python_driver_oom", expect=PY_MEMORYERROR, timeout=200, mem="1g"
    ),
    # streaming groupBy(session) in complete mode to the memory sink.
    "complete_mode_memory_sink": dict(
        label="streaming_state",
        expect=OOM,
        timeout=300,
        conf={"spark.sql.shuffle.partitions": "8"},
    ),
    # (local-cluster only) collect_list over a skewed window partition: executor OOM.
    "skewed_window_executor_oom": dict(
        label="not_driver_oom",
        # Not "Lost executor": every local-cluster shutdown logs "Lost executor N ... code 143".
        expect=r"exited caused by one of the running tasks|ExecutorLostFailure|exited with code 52",
        timeout=300,
        variants=[("35", "cluster"), ("4", "cluster")],
        after_oom=None,  # the driver only reports the executors' OOMs
        executor_oom_ok=True,
        reject=gm.OWN_OOM,  # an OutOfMemoryError of the driver itself: not this label
    ),
    # parquet files of one directory disagree on a column's type.
    "parquet_schema_mismatch": dict(
        label="not_driver_oom",
        expect=r"cannot be converted|PARQUET_COLUMN_DATA_TYPE_MISMATCH|SchemaColumnConvertNotSupported",
        timeout=180,
        reject=gm.OWN_OOM,
    ),
    # a broadcast() join whose build side is slow: spark.sql.broadcastTimeout=2. AQE off: with
    # AQE on (the first 3.5 local try, not kept) the timeout did not fire, the join finished.
    "broadcast_timeout": dict(
        label="not_driver_oom",
        expect=r"Could not execute broadcast in|TimeoutException",
        timeout=180,
        conf={"spark.sql.broadcastTimeout": "2", "spark.sql.adaptive.enabled": "false"},
        reject=gm.OWN_OOM,
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = set()

# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (4.3 local-cluster), then any extra ones.
RUNS = gm.ordered_runs(SCENARIOS, VARIANTS, NOT_RUN)

LABEL_OVERRIDES = {}
OUTCOME_NOTES = {}


ROUND = gm.Round(
    scenarios=SCENARIOS,
    runs=RUNS,
    script=HERE / "scenarios_r3.py",
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
