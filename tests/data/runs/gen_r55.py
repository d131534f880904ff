#!/usr/bin/env python
"""Run round 55 of the real Spark run matrix under tests/data/runs/ (manifest-r55.jsonl).

    python tests/data/runs/gen_r55.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r55.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r55.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 54, for causes the
engine confuses in driver logs: big objects captured in a task closure or a UDF (the driver
fails serializing tasks), the driver overwhelmed by the number of tasks, partitions or files,
and executors running out of memory while the driver, with plenty of heap, only reports lost
executors and aborted stages (see the README section). A PySpark run is one ``spark-submit
scenarios_r55.py <scenario>`` by gen_more.run; a Scala run is one ``spark-shell -i <script>``, a
SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from the pyspark wheel of the Spark
version, launched by gen_shell.run as rounds 35 to 54's, the script being scenarios_r55.SCALA /
SQL[scenario] written into the run's scratch dir. Finishing (trim, zstd event log check,
`outcome`, the `expect` / `reject` / executor-OOM verification, the manifest line) is
gen_more.finish with this round's tables handed as a gen_more.Round. Raw output under
$DD_SCRATCH (default /tmp/driver-doctor-runs-r55).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_shell as gs  # noqa: E402  (CLUSTER, EXECUTOR_LOST, EXECUTOR_OOM_RUN, main)
import scenarios_r55  # noqa: E402  (SCALA and SQL scripts)

# The Python driver's pickling of a UDF's closure failing for memory: PySpark's
# CloudPickleSerializer turns the MemoryError into a PicklingError with this message.
PICKLE_MEMORYERROR = r"Could not serialize object: MemoryError|^MemoryError"

SCENARIOS = {
    # PySpark: a Python UDF calling a fitted model object (3,000,000 token weights), the
    # Python driver capped at its size + 96 MB after the model is loaded.
    "ticket_priority_token_weights_udf": dict(
        label="large_closure",
        expect=PICKLE_MEMORYERROR,
        timeout=300,
    ),
    # Scala: a typed Dataset.filter calling a method of an object with a 208 MB field.
    "card_authorisations_risk_screen_typed_filter": dict(
        label="large_closure",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
    ),
    # Scala: a function registered with spark.udf.register holding a 200 MB Array[Int],
    # called from the report's SQL text (made after the street alias scenario was dropped).
    "sku_family_registered_udf_sql_report": dict(
        label="large_closure",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
    ),
    # SQL: a BETWEEN-only join with broadcasts disabled: a cartesian of 2,000 x 2,000;
    # PARALLEL_GC_LIMIT after its first 3.5 try thrashed (Serial collector).
    "sales_campaign_periods_between_join_sql": dict(
        label="too_many_tasks",
        lang="sql",
        expect=ge.DRIVER_OOM,
        timeout=300,
        gc=gs.PARALLEL_GC_LIMIT,
    ),
    # PySpark (local-cluster): F.mode over a hot "guest" account on 768m executors.
    "account_usual_device_mode_guest_checkout": dict(
        label="not_driver_oom",
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
    # Scala (local-cluster): reduceByKey(_ ++ _) of click trails with a hot key.
    "device_click_trails_reduce_by_key_concat": dict(
        label="not_driver_oom",
        lang="scala",
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
}

# Dropped (two tries, no run kept; the README says how; the PySpark bodies in
# scenarios_r55.py are replaced by comments of the same length, so that the kept tracebacks'
# line numbers hold, the Scala script removed):
# street_alias_standardize_map_partitions_with_index (large_closure, PySpark, local[*], driver
# 512m): a street alias dict read inside the function given to RDD.mapPartitionsWithIndex;
# with 4,000,000 repetitive aliases the pickled command, broadcast compressed (23 pieces,
# about 89 MB), fit (exit 0 after 30 s); with 8,000,000 incompressible aliases (89 pieces,
# about 356 MB, the memory store down to 641 KiB free) it still fit (exit 0 after 127 s).
# pos_receipts_landing_json_files_count (too_many_tasks, PySpark, local[*], driver 512m):
# 300,000 tiny JSON files read with a schema and counted per store; with Spark's packing
# (128 MB splits, about 32 files a task) 9,400 tasks ran at about 30 a second, no error,
# stopped by hand after 90 s; with spark.sql.files.maxPartitionBytes 4m (one file a task)
# 'Submitting 300000 missing tasks' and the tasks ran at a few a second, no error, stopped by
# hand after 148 s.
# supplier_network_graph_edge_partitions (too_many_tasks, Scala, local[*], driver 512m):
# GraphX Graph.fromEdges of 2,000,000 supply edges, partitionBy(EdgePartition2D, 2,000,000);
# with -XX:+UseSerialGC the driver's old generation full (203 full collections in 75 s) and
# no error, stopped by hand after 184 s; with PARALLEL_GC_LIMIT the map tasks (in the driver
# JVM) wrote the edges into 2,000,000 shuffle partitions (LZ4 streams opened one by one, tasks
# waiting for execution memory), 397 full collections and no error, stopped by hand after
# 130 s.
# First tries not kept (made again under the same run id after the fix; see the README):
# card_authorisations_risk_screen_typed_filter on 3.5 (a case class defined in the script:
# 'NullPointerException: Cannot invoke "Object.getClass()" because "obj" is null' at
# OuterScopes.getOuterScope, the REPL's outer scope of the case class; tuples since),
# ticket_priority_token_weights_udf on 3.5 (made again after the file's line numbers
# changed; it had failed the same way), sales_campaign_periods_between_join_sql on 3.5
# (-XX:+UseSerialGC: the old generation full, 109 full collections in 50 s, no error,
# stopped by hand after 72 s), account_usual_device_mode_guest_checkout on 3.5 (its
# usual.count() let the optimizer prune the mode aggregate: 'accounts with a usual device:
# 100001', exit 0 after 21 s; the result filtered on usual_device since) and
# device_click_trails_reduce_by_key_concat on 3.5 (10,000,000 short clicks: the 7,000,000
# click trail fit in the 768m executor, 'longest trail: 7000000 clicks', exit 0 after 62 s;
# 12,000,000 longer clicks since).
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_TICKET = (
    "note: local[*], driver 512m, INFO log: the support triage job loads a small in-house"
    " model (a TokenPriorityModel object holding per-token weights of four priority"
    " classes, 3,000,000 tokens) into the Python driver, prints 'priority model loaded:"
    " 3000000 tokens', and scores every ticket with a Python UDF calling model.predict;"
    " the Python driver (in a container nearly full: RLIMIT_AS set silently at its size +"
    " 96 MB once the model is loaded; the JVM is not capped) pickles the UDF's closure,"
    " model included, when the UDF is applied to a column: 'Traceback ...' in"
    " {cloudpickle} / 'MemoryError' (printed by PySpark's print_exec), then under"
    " 'File \".../scenarios_r55.py\", line 145, in ticket_priority_token_weights_udf'"
    ' (\'triaged = tickets.withColumn("priority", priority("body"))\') <- udf.py'
    " _create_judf <- _wrap_function <- {rdd} _prepare_for_python_RDD '_pickle.PicklingError:"
    " Could not serialize object: MemoryError: '; no job ran, the JVM never saw the UDF;"
    " exit 1 after {secs} s: a big object captured in a UDF's closure, failing in the"
    " driver's serialization of it: labelled large_closure"
)
_SCREEN = (
    "note: spark-shell, local[*], driver 512m: the card authorisations screen; a RiskScreen"
    " object holds the blocked card BINs (an Array[Long] of 26,000,000, 208 MB) beside the"
    " review threshold and countries, 'risk screen loaded: 26000000 blocked BINs' printed;"
    " the typed Dataset.filter(a => screen.needsReview(a._4, a._5)) reads only the"
    " threshold and countries, but the lambda captures the whole object; planning the"
    " count, WholeStageCodegenExec.doExecute <- RDD.mapPartitionsWithIndex <-"
    " SparkContext.clean <- {cleaner} serializes the stage's closure with it and the REPL"
    " prints 'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
    " ByteArrayOutputStream.ensureCapacity <- ByteBufferOutputStream.write <-"
    " JavaSerializerInstance.serialize (the closure cleaner's serializability check); no"
    " ERROR line, no task ran; 'authorisations to review' never printed; exit 0 after"
    " {secs} s (the shell goes on to its end): the object captured by the closure:"
    " labelled large_closure"
)
_SKU = (
    "note: spark-shell, local[*], driver 512m: the weekly sales report by SKU family; the"
    " SKU -> family table (an Array[Int] of 50,000,000, 200 MB) is held by a Scala"
    " function registered with spark.udf.register('sku_family', ...), 'SKU families"
    " loaded: 50000000 SKUs' printed, and the report's SQL text (SELECT sku_family(sku) ..."
    " GROUP BY sku_family(sku) ...) calls it; planning the query, WholeStageCodegenExec"
    " .doExecute <- RDD.mapPartitionsWithIndex <- SparkContext.clean <- {cleaner}"
    " serializes the stage's closure, the function and its array included, and the REPL"
    " prints 'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
    " ByteBufferOutputStream.write <- JavaSerializerInstance.serialize; no ERROR line, no"
    " task ran, the report never shown; exit 0 after {secs} s (the shell goes on to its"
    " end): the captured array: labelled large_closure"
)
_CAMPAIGNS = (
    "note: spark-sql, local[*], driver 512m, -XX:+UseParallelGC -XX:GCTimeLimit=80"
    " -XX:GCHeapFreeLimit=10 (PARALLEL_GC_LIMIT): the script sets"
    " spark.sql.autoBroadcastJoinThreshold=-1 (echoed) and joins 4,000,000 sales (2,000"
    " partitions) to 2,160 campaign periods (2,000 partitions) on a time range only"
    " (sold_at BETWEEN starts_at AND ends_at), which the planner can only make a cartesian"
    " product of 2,000 x 2,000 = 4,000,000 partitions, then aggregates per campaign: {where};"
    " the report never printed: the driver overwhelmed by the number of partitions and"
    " tasks, not by data: labelled too_many_tasks"
)
_MODE = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m (never short of heap):"
    " the fraud team's usual device per account, F.mode(device_fp) per account over"
    " 8,000,000 logins, 6,000,000 of them guest checkouts under the account 'guest' with"
    " their own fingerprints; mode's value -> count map of the 'guest' group runs the"
    " executor out of heap: {where}; the executors' stderr hold the"
    " OutOfMemoryErrors, the driver's log only 'Lost task ...', 'Lost executor' and the"
    " aborted stage: labelled not_driver_oom"
)
_TRAILS = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m (never short of"
    " heap): click trails per device with reduceByKey(_ ++ _) over 12,000,000 clicks, 70 %"
    " under the device 'gw-unknown'; the reduce task of that key concatenates its trail on"
    " one executor and runs it out of heap: {where}; 'longest trail' never printed; the"
    " executors' stderr hold the OutOfMemoryErrors, the driver's log only lost tasks,"
    " executors and the aborted stage: labelled not_driver_oom"
)
OUTCOME_NOTES = {
    "ticket_priority_token_weights_udf--pyspark--spark35--local": _TICKET.format(
        cloudpickle="cloudpickle_fast.py dumps / Pickler.dump",
        rdd="rdd.py",
        secs=10,
    ),
    "ticket_priority_token_weights_udf--pyspark--spark43--local": _TICKET.format(
        cloudpickle="cloudpickle.py dumps / dump (after 'RuntimeWarning: Arrow optimization"
        " failed to enable because PyArrow or Pandas is not installed.')",
        rdd="core/rdd.py",
        secs=12,
    ),
    "card_authorisations_risk_screen_typed_filter--scala--spark35--local": _SCREEN.format(
        cleaner="ClosureCleaner.clean / ClosureCleaner.ensureSerializable", secs=23
    ),
    "card_authorisations_risk_screen_typed_filter--scala--spark43--local": _SCREEN.format(
        cleaner="SparkClosureCleaner.clean", secs=18
    ),
    "sku_family_registered_udf_sql_report--scala--spark35--local": _SKU.format(
        cleaner="ClosureCleaner.clean / ClosureCleaner.ensureSerializable", secs=15
    ),
    "sku_family_registered_udf_sql_report--scala--spark43--local": _SKU.format(
        cleaner="SparkClosureCleaner.clean", secs=20
    ),
    "sales_campaign_periods_between_join_sql--sql--spark35--local": _CAMPAIGNS.format(
        where="the DAG scheduler, submitting the map stage, runs out of heap: 'Exception in"
        ' thread "dag-scheduler-event-loop" java.lang.OutOfMemoryError: Java heap space\' at'
        " Array.fill <- OutputCommitCoordinator$StageState.<init> <- OutputCommitCoordinator"
        ".stageStart <- DAGScheduler.submitMissingTasks <- handleMapStageSubmitted, the only"
        " error line; the CLI hung, killed 60 s after the first OutOfMemoryError (80 s)"
    ),
    "sales_campaign_periods_between_join_sql--sql--spark43--local": _CAMPAIGNS.format(
        where="computing the cartesian RDD's partitions for the shuffle dependency: 'ERROR"
        " SparkSQLDriver: Failed in [SELECT c.campaign_id, count(*) AS sales, ...]' /"
        " 'java.util.concurrent.ExecutionException: Boxed Exception' / 'Caused by:"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' at Integer.valueOf <-"
        " ArrayOps.zipWithIndex <- RDD.partitions <- ShuffleDependency.<init> <-"
        " ShuffleExchangeExec.prepareShuffleDependency, then 'QueryExecutionException:"
        " ... Boxed Exception'; exit 1 after 24 s"
    ),
    "account_usual_device_mode_guest_checkout--pyspark--spark35--cluster": _MODE.format(
        where="'WARN TaskSetManager: Lost task 2.0 in stage 2.0 (TID 10) (192.0.2.2"
        " executor 0): java.lang.OutOfMemoryError: Java heap space', 'ERROR"
        " TaskSchedulerImpl: Lost executor 0 on 192.0.2.2: Command exited with code 52',"
        " FetchFailed / 'ExecutorDeadException: [INTERNAL_ERROR_NETWORK] The relative remote"
        " executor(Id: 0), which maintains the block data to fetch is dead.', the stage"
        " retried (2.1, 2.2, ...) and executors 1 and 2 lost the same way, then under"
        " 'File \".../scenarios_r55.py\", line 214, in account_usual_device_mode_guest_checkout'"
        " 'py4j.protocol.Py4JJavaError: An error occurred while calling o66.count.' / 'Job"
        " aborted due to stage failure: ShuffleMapStage 2 (count at"
        " NativeMethodAccessorImpl.java:0) has failed the maximum allowable number of times:"
        " 4.', and at shutdown 'ERROR Worker: Failed to launch executor"
        " app-...-0000/6 for driver-doctor-account_usual_device_mode_guest_checkout.'; exit 1"
        " after 148 s"
    ),
    "account_usual_device_mode_guest_checkout--pyspark--spark43--cluster": _MODE.format(
        where="'WARN TaskSetManager: Lost task 2.0 in stage 2.0 (TID 10) (192.0.2.2"
        " executor 0): java.lang.OutOfMemoryError: Java heap space', 'ERROR"
        " TaskSchedulerImpl: Lost executor 0 on 192.0.2.2: Command exited with code 52',"
        " FetchFailed, the stage retried with executors 2, 1 and 4 lost the same way about"
        " every 20 s ('Lost task 2.1 in stage 2.3 (TID 37) ...: ExecutorLostFailure"
        " (executor 4 exited caused by one of the running tasks) Reason: Command exited with"
        " code 52'), then under"
        " 'File \".../scenarios_r55.py\", line 214, in account_usual_device_mode_guest_checkout'"
        " 'py4j.protocol.Py4JJavaError: An error occurred while calling o82.count.' / 'Job"
        " aborted due to stage failure: ShuffleMapStage 2 ($anonfun$withThreadLocalCaptured$1"
        " at CompletableFuture.java:1768) has failed the maximum allowable number of times:"
        " 4.', and 'ERROR Worker: Failed to launch executor app-...-0000/6 for"
        " driver-doctor-account_usual_device_mode_guest_checkout.' at shutdown; exit 1 after"
        " 109 s"
    ),
    "device_click_trails_reduce_by_key_concat--scala--spark35--cluster": _TRAILS.format(
        where="'WARN TaskSetManager: Lost task 5.0 in stage 1.0 (TID 13) (192.0.2.2 executor"
        " 0): java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl: Lost"
        " executor 0 on 192.0.2.2: Command exited with code 52', FetchFailed, the stage"
        " retried about once a minute with executors 2, 3 and 1 lost the same way ('Lost"
        " task 0.1 in stage 1.2 (TID 28) ...: ExecutorLostFailure (executor 3 exited caused"
        " by one of the running tasks) Reason: Command exited with code 52'), then"
        " 'org.apache.spark.SparkException: Job aborted due to stage failure: ResultStage 1"
        " (max at .../device_click_trails_reduce_by_key_concat.scala:29) has failed the"
        " maximum allowable number of times: 4.'; exit 0 after 264 s (the shell goes on to its"
        " end)"
    ),
    "device_click_trails_reduce_by_key_concat--scala--spark43--cluster": _TRAILS.format(
        where="'WARN TaskSetManager: Lost task 5.0 in stage 1.0 (TID 13) (192.0.2.2 executor"
        " 1): java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl: Lost"
        " executor 1 on 192.0.2.2: Command exited with code 52', FetchFailed, the stage"
        " retried about once a minute with executors 2, 3 and 4 lost the same way, then"
        " 'org.apache.spark.SparkException: Job aborted due to stage failure: ResultStage 1"
        " (max at .../device_click_trails_reduce_by_key_concat.scala:7) has failed the"
        " maximum allowable number of times: 4.'; exit 0 after 245 s (the shell goes on to its"
        " end)"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r55)


if __name__ == "__main__":
    main()
