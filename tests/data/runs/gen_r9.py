#!/usr/bin/env python
"""Run round 9 of the real Spark run matrix under tests/data/runs/ (manifest-r9.jsonl).

    python tests/data/runs/gen_r9.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r9.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r9.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r8.py / gen_jvm.py uses
(see the README section). Each run is one ``spark-submit scenarios_r9.py <scenario>`` from
the venv of the Spark version, one at a time. The driver is gen_more.py's (run, finish,
drop and the command line), handed this round's tables as a ``gen_more.Round``; through it
come the venvs and masters, trim() of tests/data/spark/generate.py, the hard timeout plus
the kill 60 s after the driver's first OutOfMemoryError (gen_pyspark._wait), the zstd
event-log check and the `outcome` line, the full Spark version, and gen_extra.finish()
(run folder + manifest line). Raw output goes to $DD_SCRATCH (default
/tmp/driver-doctor-runs-r9)/<run-id>/raw.log; the run folder gets driver.log.gz and the
event log (compressed by Spark with zstd, not rolled, dropped above 3 MB); the run's line
in manifest-r9.jsonl is replaced. ``DD_STOP_AT=HH:MM`` (UTC) works like --deadline.

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

MANIFEST = HERE / "manifest-r9.jsonl"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-r9"))
OOM = gm.OOM
# Default variants of a scenario: (Spark version, master), in this order (the first two are
# the ones every scenario must have: Spark 3.5; the Spark 4.3 ones when time allows).
VARIANTS = [("35", "local"), ("35", "cluster"), ("4", "local"), ("4", "cluster")]

SCENARIOS = {
    # rdd.top(1,500,000, key=...) of 2,000,000 pickled rows in 16 partitions: every task
    # returns its whole partition as one list, reduce() collects them all.
    "rdd_top_n_collect": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # pyspark.ml Word2Vec (vocabulary ~10,000, vectorSize 300), maxResultSize 8m: the
    # training iteration's collect of the updated syn0 / syn1 vectors.
    "word2vec_syn_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=240,
        conf={"spark.driver.maxResultSize": "8m"},
    ),
    # rdd.aggregate(w0, ...) with w0 a ~560 MB numpy vector: the zero value is pickled into
    # the mapPartitions command, broadcast by the driver JVM.
    "aggregate_initial_weights_closure": dict(label="large_closure", expect=OOM, timeout=240),
    # (local[*] only) groupBy(device).agg(collect_list(event)) on a rate source, no
    # watermark, update mode: every device's whole event list in the state store.
    "stream_collect_list_update_state": dict(
        label="streaming_state",
        expect=OOM,
        timeout=300,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
    ),
    # collect_list(event) over Window.partitionBy("day") with a 512m driver: in local[*]
    # the window's tasks run in the driver JVM.
    "window_collect_list_small_driver": dict(
        label="client_mode_small_driver",
        expect=gm.ge.TASK_THREAD_OOM,
        timeout=240,
        variants=[("35", "local"), ("4", "local"), ("35", "cluster")],
    ),
    # spark.read.jdbc(column, lowerBound 0, upperBound 10^10, numPartitions 20,000,000) of
    # an in-memory Derby table: JDBCRelation.columnPartition builds every partition's WHERE
    # clause in the driver.
    "jdbc_num_partitions_huge": dict(label="too_many_tasks", expect=OOM, timeout=240),
    # One spark.newSession() per tenant kept in a dict, each with 20 temp views, two confs
    # and a query. NOT in RUNS: the one try (3.5, local[*]) made ~1.3 sessions/s and had
    # the driver heap at 106 MiB after 101 sessions; stopped at 121 s, not kept.
    "session_per_tenant_state": dict(
        label="driver_side_state", expect=gm.ge.DRIVER_OOM, timeout=300
    ),
    # DataFrame.observe() with collect_set(customer) over 4,000,000 orders: the observed
    # metrics' AggregatingAccumulator merges every task's set in the driver.
    "observation_collect_set_state": dict(
        label="driver_side_state", expect=gm.ge.DRIVER_OOM, timeout=240
    ),
    # (local-cluster only) a Python UDF returning ~60 MB strings: the executors run out of
    # heap unpickling the results.
    "python_udf_huge_values_executor_oom": dict(
        label="not_driver_oom",
        expect=r"exited caused by one of the running tasks|ExecutorLostFailure|exited with code 52",
        timeout=300,
        after_oom=None,  # the driver only reports the executors' OOMs
        executor_oom_ok=True,
        reject=gm.OWN_OOM,
        variants=[("35", "cluster"), ("4", "cluster")],
    ),
    # CASE WHEN with 300 branches x 3 columns: "grows beyond 64 KB", codegen falls back,
    # exit 0. (A first try with 1,500 branches ran the driver out of heap in Janino: not
    # kept, see the README.)
    "codegen_64kb_fallback_success": dict(
        label="not_driver_oom",
        expect=r"grows beyond 64 KB|failed to compile|Whole-stage codegen disabled",
        timeout=300,
        reject=gm.OWN_OOM,
    ),
    # when/otherwise nested 6,000 deep: java.lang.StackOverflowError in the driver.
    "deep_case_when_stack_overflow": dict(
        label="not_driver_oom",
        expect=r"java\.lang\.StackOverflowError",
        timeout=240,
        reject=gm.OWN_OOM,
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = {"session_per_tenant_state"}

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
    # the same job in local-cluster: the window's tasks ran in the executors (768m), which
    # ran out of heap in WindowExec (writing each row with its day's list) and were lost
    # with exit code 52 (the driver was killed 60 s after the first such report); the
    # driver has no OutOfMemoryError of its own.
    "window_collect_list_small_driver--pyspark--spark35--cluster": "not_driver_oom",
}
OUTCOME_NOTES = {
    "window_collect_list_small_driver--pyspark--spark35--cluster": (
        "labelled not_driver_oom after reading the log: executor OOMs only, driver fine"
    ),
}


ROUND = gm.Round(
    scenarios=SCENARIOS,
    runs=RUNS,
    script=HERE / "scenarios_r9.py",
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
