#!/usr/bin/env python
"""Run round 4 of the real Spark run matrix under tests/data/runs/ (manifest-r4.jsonl).

    python tests/data/runs/gen_r4.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r4.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r4.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py uses (see the README section). Each run is one
``spark-submit scenarios_r4.py <scenario>`` from the venv of the Spark version, one at a
time. The driver is gen_more.py's (run, finish, drop and the command line), handed this
round's tables as a ``gen_more.Round``; through it come the venvs and masters, trim() of
tests/data/spark/generate.py, the hard timeout plus the kill 60 s after the driver's first
OutOfMemoryError (gen_pyspark._wait), the zstd event-log check and the `outcome` line, the
full Spark version, and gen_extra.finish() (run folder + manifest line). Raw output goes to $DD_SCRATCH (default
/tmp/driver-doctor-runs-r4)/<run-id>/raw.log; the run folder gets driver.log.gz and the
event log (compressed by Spark with zstd, not rolled, dropped above 3 MB); the run's line
in manifest-r4.jsonl is replaced. ``DD_STOP_AT=HH:MM`` (UTC) works like --deadline.

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

MANIFEST = HERE / "manifest-r4.jsonl"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-r4"))
OOM = gm.OOM
PY_MEMORYERROR = gm.PY_MEMORYERROR
# Default variants of a scenario: (Spark version, master), in this order (the first two are
# the ones every scenario must have: Spark 3.5; the Spark 4.3 ones when time allows).
VARIANTS = [("35", "local"), ("35", "cluster"), ("4", "local"), ("4", "cluster")]

SCENARIOS = {
    # df.tail(n) of a big n: CollectTailExec (executeTail) through Dataset.tailToPython.
    "tail_collect": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # orderBy().limit(n).collect(): TakeOrderedAndProjectExec -> RDD.takeOrdered.
    "order_by_limit_collect": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # rdd.reduce() of numpy vectors: per-partition partial sums past maxResultSize 1m.
    "rdd_reduce_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=200,
        conf={"spark.driver.maxResultSize": "1m"},
    ),
    # left outer sort-merge join turned into a broadcast hash join of its right side by AQE
    # at run time. A first try (3.5 local, not kept) had an inner join and a 64m adaptive
    # threshold: AQE broadcast the other, small side (its runtime size is the uncompressed
    # data size, not the shuffle bytes) and the join finished.
    "aqe_runtime_broadcast": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
        conf={
            "spark.sql.autoBroadcastJoinThreshold": "-1",
            "spark.sql.adaptive.enabled": "true",
            "spark.sql.adaptive.autoBroadcastJoinThreshold": "2g",
        },
    ),
    # a 60 MB string literal (F.lit) in the SQL plan, shipped in the task binary. The first
    # try (3.5 local[*], 120 MB, plain withColumn(F.lit)) ran out of heap in the Py4J
    # command thread (the same place as large_closure); redone smaller, not kept.
    "big_literal_in_plan": dict(label="large_closure", expect=OOM, timeout=240),
    # Python pair RDD reduceByKey(numPartitions=5,000,000).
    "reduce_by_key_partitions": dict(label="too_many_tasks", expect=OOM, timeout=240),
    # createDataFrame(local list) registered as a temp view per loop iteration, never dropped.
    "temp_view_loop": dict(label="driver_side_state", expect=gm.ge.DRIVER_OOM, timeout=240),
    # collect() fits; np.array(rows) under RLIMIT_AS.
    "numpy_array_collect_memoryerror": dict(
        label="python_driver_oom", expect=PY_MEMORYERROR, timeout=200, mem="1g"
    ),
    # Kryo task-result serialization past spark.kryoserializer.buffer.max=1m. NOT in RUNS:
    # the one try (3.5 local[*]) finished (exit 0, "rows 100000"): task results are
    # serialized to a stream, which buffer.max does not bound; dropped.
    "kryo_buffer_overflow": dict(
        label="not_driver_oom",
        expect=r"Kryo serialization failed: Buffer overflow|KryoException: Buffer overflow",
        timeout=180,
        conf={
            "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
            "spark.kryoserializer.buffer.max": "1m",
        },
        reject=gm.OWN_OOM,
    ),
    # backtracking regexp_extract over 200,000-char strings: StackOverflowError in a task.
    "regex_stack_overflow": dict(
        label="not_driver_oom",
        expect=r"java\.lang\.StackOverflowError",
        timeout=200,
        reject=gm.OWN_OOM,
    ),
    # an RDD map function capturing a threading.Lock: PicklingError on the driver.
    "closure_pickling_error": dict(
        label="not_driver_oom",
        expect=r"PicklingError|cannot pickle",
        timeout=150,
        reject=gm.OWN_OOM,
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = {"kryo_buffer_overflow"}

# Runs made and not kept (no OutOfMemoryError in the driver log; see the README): left out of
# RUNS, so --finish does not bring them back from the scratch dir.
NOT_KEPT = {
    "order_by_limit_collect--pyspark--spark43--cluster",
    "reduce_by_key_partitions--pyspark--spark43--cluster",
}

# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
RUNS = gm.ordered_runs(SCENARIOS, VARIANTS, NOT_RUN, NOT_KEPT)

LABEL_OVERRIDES = {}
OUTCOME_NOTES = {}


ROUND = gm.Round(
    scenarios=SCENARIOS,
    runs=RUNS,
    script=HERE / "scenarios_r4.py",
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
