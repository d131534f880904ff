#!/usr/bin/env python
"""Run round 26 of the real Spark run matrix under tests/data/runs/ (manifest-r26.jsonl).

    python tests/data/runs/gen_r26.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r26.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r26.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r25.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r26.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r26).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # a barrier stage (df.rdd.barrier().mapPartitions) whose 2 tasks share ~300 MB JSON
    # feature sums with BarrierTaskContext.allGather (through the driver's BarrierCoordinator).
    "feature_hash_barrier_weight_average": dict(
        label="collect_to_driver",
        expect=gm.ge.DRIVER_OOM,
        timeout=180,
    ),
    # a Hive-era /*+ MAPJOIN(t) */ hint inside a temp view on 6,000,000 touchpoints, read by
    # a CREATE TABLE ... USING parquet AS SELECT.
    "campaign_attribution_mapjoin_view_ctas": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # an mllib CoordinateMatrix (12,000 x 12,000, sparse) -> toBlockMatrix -> toLocalMatrix:
    # one dense array of doubles (~1.1 GB) in the driver.
    "product_cooccurrence_local_matrix": dict(
        label="collect_to_driver",
        expect=gm.ge.DRIVER_OOM,
        timeout=240,
    ),
    # log lines parsed with split + datetime.strptime; the first continuation line met is the
    # logged app's "java.lang.OutOfMemoryError: Java heap space" -> a ValueError quoting it.
    "executor_log_error_timeline": dict(
        label="not_driver_oom",
        expect=r"ValueError: time data 'java\.lang\.OutOfMemoryError",
        timeout=180,
        # the quoted line is data, not an OOM: no kill timer on it
        after_oom=None,
        # the executors' stderr holds the same ValueError lines (checked: no other
        # OutOfMemoryError text in them), so their "OutOfMemoryError" is the data too
        executor_oom_ok=True,
        # OWN_OOM, except the ValueError lines that quote the data
        reject=r"^(?!.*(Lost task|TaskSetManager|ExecutorLost|Lost executor|in stage |Caused by|time data ')).*java\.lang\.OutOfMemoryError",
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = set()

# Runs made and not kept (see the README): left out of RUNS, so --finish does not bring
# them back from the scratch dir.
NOT_KEPT = set()

# Decided by reading the log (see the README): the run is kept with the label of what
# really happened.
LABEL_OVERRIDES = {
    # local[*]: the OutOfMemoryError is in the task's own barrier thread ("accept-connections"
    # of PythonRunner, passing the allGather messages between the JVM and the Python worker),
    # a task running inside the driver JVM; the BarrierCoordinator itself did not fail.
    "feature_hash_barrier_weight_average--pyspark--spark35--local": "client_mode_small_driver",
    "feature_hash_barrier_weight_average--pyspark--spark43--local": "client_mode_small_driver",
    # 3.5 local-cluster: the driver ran out of heap in the BarrierCoordinator serializing the
    # reply; executor 1's stderr has the driver's OutOfMemoryError only as the cause of the
    # failed RPC (it then exited with code 50), so the generator's executor check failed.
    "feature_hash_barrier_weight_average--pyspark--spark35--cluster": "collect_to_driver",
    # Spark 3.5: the driver builds the broadcast hash relation and TaskMemoryManager catches
    # the OutOfMemoryError and retries ("Failed to allocate a page (268435456 bytes), try
    # again.") until the timeout: no OutOfMemoryError line is printed.
    "campaign_attribution_mapjoin_view_ctas--pyspark--spark35--local": "broadcast_too_large",
    "campaign_attribution_mapjoin_view_ctas--pyspark--spark35--cluster": "broadcast_too_large",
}
OUTCOME_NOTES = {
    **{
        f"feature_hash_barrier_weight_average--pyspark--spark{v}--local": (
            "relabelled client_mode_small_driver after reading the log: in local[*] the barrier "
            "tasks run in the driver JVM; the OutOfMemoryError is in the task's PythonRunner "
            "thread accept-connections (%s) while passing the ~300 MB allGather messages between "
            "the JVM and the Python worker, then ERROR Executor: Exception in task 0.0 in stage "
            "3.0 and the barrier stage is aborted" % where
        )
        for v, where in (
            (
                "35",
                "String.getBytes <- WriterThread.writeUTF <- barrierAndServe, writing the "
                "gathered messages back to Python",
            ),
            (
                "43",
                "String.<init> <- PythonWorkerUtils.readUTF, reading the task's message "
                "from Python",
            ),
        )
    },
    "feature_hash_barrier_weight_average--pyspark--spark35--cluster": (
        "relabelled collect_to_driver after reading the log: the driver ran out of heap in "
        "BarrierCoordinator.handleRequest serializing the allGather reply (ERROR Inbox: An "
        "error happened while processing message in the inbox for barrierSync; Exception in "
        "thread dispatcher-event-loop-1); executor 1's stderr holds that same driver-side "
        "stack only as the cause of its failed barrier RPC (java.util.concurrent."
        "ExecutionException: Boxed Error in thread accept-connections), the executor exited "
        "with code 50 and the barrier stage failed; no executor ran out of memory"
    ),
    **{
        f"campaign_attribution_mapjoin_view_ctas--pyspark--spark35--{m}": (
            "relabelled broadcast_too_large after reading the log: the broadcast's collect job "
            "(8 tasks) finished in 4 s, then the driver building the broadcast hash relation "
            "logged WARN TaskMemoryManager: Failed to allocate a page (268435456 bytes), try "
            "again. %d times (TaskMemoryManager catches the heap OutOfMemoryError and retries) "
            "until the 240 s timeout; no other job started, no OutOfMemoryError line printed, "
            "no executor error" % n
        )
        for m, n in (("local", 1690), ("cluster", 1623))
    },
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
