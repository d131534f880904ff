#!/usr/bin/env python
"""Run round 17 of the real Spark run matrix under tests/data/runs/ (manifest-r17.jsonl).

    python tests/data/runs/gen_r17.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r17.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r17.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r16.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r17.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r17).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # a SQL script with the CBO on: `status = 'active'` estimated at 1/ndv, really 95%.
    "sql_cbo_skewed_filter_broadcast": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # NaiveBayes.fit collects one dense 2^18-feature vector per label (250 labels). AQE
    # partition coalescing off: with it, ~80 labels' aggregation buffers met in one reduce
    # task (the first try, see the README).
    "naive_bayes_theta_collect": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
        conf={"spark.sql.adaptive.coalescePartitions.enabled": "false"},
    ),
    # a per-region toPandas() loop whose last region holds 90% of the rows.
    "per_region_topandas_loop_collect": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
    ),
    # print() of 1.5M collected Rows under RLIMIT_AS (JVM 1g: the collect fits).
    "print_collected_rows_memoryerror": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=240,
        mem="1g",
    ),
    # --driver-memory 1.5g: the JVM refuses -Xmx1.5g, the driver never starts.
    "driver_memory_decimal_size": dict(
        label="not_driver_oom",
        expect=r"Invalid maximum heap size",
        timeout=120,
        mem="1.5g",
        reject=gm.OWN_OOM,
    ),
    # (local-cluster only) an executor JVM frozen with SIGSTOP: heartbeat timeout, rerun.
    "executor_heartbeat_timeout_stall": dict(
        label="not_driver_oom",
        expect=r"Executor heartbeat timed out|with no recent heartbeats",
        timeout=240,
        variants=[("35", "cluster"), ("4", "cluster")],
        conf={
            "spark.network.timeout": "20s",
            "spark.executor.heartbeatInterval": "2s",
            "spark.network.timeoutInterval": "5s",
        },
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
# gen_pyspark.outcome() finds no error line in the three lines the java launcher prints when
# it refuses the heap size; they are quoted here (read in the raw logs: the same in all four).
_NO_JVM = (
    "the JVM refused to start, as printed: Invalid maximum heap size: -Xmx1.5g / Error: Could "
    "not create the Java Virtual Machine. / Error: A fatal exception has occurred. Program will "
    "exit. (no SparkContext, no event log, no OutOfMemoryError)"
)
OUTCOME_NOTES = {
    f"driver_memory_decimal_size--pyspark--{v}--{m}": _NO_JVM
    for v in ("spark35", "spark43")
    for m in ("local", "cluster")
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
