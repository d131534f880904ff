#!/usr/bin/env python
"""Run round 68 of the real Spark run matrix under tests/data/runs/ (manifest-r68.jsonl).

    python tests/data/runs/gen_r68.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r68.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r68.py --drop run-id ...       # remove a run not kept

A third unaimed round, to measure the service on ordinary new incidents: eight new scenarios,
one for each of eight causes, each the most ordinary way a data engineer meets its cause, on a
code path no earlier scenario uses; PySpark, Scala and SQL, as in rounds 35 to 67. A PySpark
run is one ``spark-submit scenarios_r68.py <scenario>`` by gen_more.run; a Scala run one
``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from the
pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 67's, the script
being scenarios_r68.SCALA / SQL[scenario] written into the run's scratch dir. Finishing (trim,
zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification, the
manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r68).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (MAX_RESULT, PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (CLUSTER, LOCAL, EXECUTOR_LOST, EXECUTOR_OOM_RUN, ...)
import scenarios_r68  # noqa: E402  (SCALA and SQL scripts)

# A driver at the launchers' 512m (gen_more's default), its full heap throwing instead of
# thrashing, on local-cluster, with round 67's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# The same driver on local[*] (the executor inside the driver JVM), round 67's hard timeout.
LOCAL_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.LOCAL, timeout=300)
# The same on local[*] with round 67's stricter GC overhead limit of cached blocks (the Parallel
# collector giving up at 50 % of the time in GC and under 20 % freed), so that a driver whose
# heap fills with join state throws instead of collecting for minutes.
STREAM_512 = dict(
    gc="-XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    variants=gs.LOCAL,
    timeout=300,
)
# Round 67's recipe for the driver heap filled with the status of cached blocks: a 192m driver
# let through Spark's start-up check by RESERVED_32M, the Parallel collector with a small young
# generation and a stricter GC overhead limit, adaptive execution off, on local-cluster, round
# 67's hard timeout.
BLOCKS_CONF = {**gs.RESERVED_32M, "spark.sql.adaptive.enabled": "false"}
SMALL_HEAP_BLOCKS = dict(
    mem="192m",
    gc="-XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    variants=gs.CLUSTER,
    timeout=300,
)

# Round 66's small driver for a stage of very many tasks: 224m (let through Spark's start-up check
# by RESERVED_32M), PARALLEL_GC_LIMIT, local-cluster, round 67's hard timeout.
SMALL_HEAP = dict(mem="224m", gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)

SCENARIOS = {
    # PySpark: a query a day for the day's referrals, added to a defaultdict(set) adjacency
    # kept across the month, the Python driver capped.
    "referral_graph_adjacency_sets_by_day": dict(
        label="driver_side_state",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # PySpark: orders and shipments joined as streams, both with a watermark, the join's time
    # condition with no upper bound (shipped_at >= ordered_at), on local[*].
    "order_shipments_stream_join_lower_bound_only": dict(
        label="streaming_state",
        expect=ge.DRIVER_OOM,
        conf={"spark.sql.shuffle.partitions": "4"},
        **STREAM_512,
    ),
    # PySpark: the month's readings in 320,000 partitions cached with df.cache(), read by two
    # groupBy reports over coalesce(8).
    "heat_pump_telemetry_cached_frame_region_reports": dict(
        label="cached_block_metadata",
        expect=ge.DRIVER_OOM,
        conf=BLOCKS_CONF,
        **SMALL_HEAP_BLOCKS,
    ),
    # Scala (WARN): aggregateByKey with numPartitions = the number of meters (600,000).
    "meter_daily_usage_aggregate_by_key_partition_per_meter": dict(
        label="too_many_tasks",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf=gs.RESERVED_32M,
        **SMALL_HEAP,
    ),
    # Scala (WARN): a hand-written logistic regression whose treeAggregate has a dense zero
    # value of 2^23 + 1 doubles and whose seqOp reads the driver's weights array.
    "click_model_hashed_gradient_tree_aggregate": dict(
        label="large_closure",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **DRIVER_512,
    ),
    # SQL: a BROADCAST hint on a product catalog grown to 2,500,000 products, under the
    # platform's spark.driver.maxResultSize=256m, driver 1g.
    "product_catalog_broadcast_hint_report_sql": dict(
        label="max_result_size",
        lang="sql",
        expect=gm.MAX_RESULT,
        reject=ge.DRIVER_OOM,
        mem="1g",
        conf={"spark.driver.maxResultSize": "256m"},
        **DRIVER_512,
    ),
    # SQL: array_join(collect_list(search_query), ' ') per customer, 70 % of the searches under
    # the customer id 'guest'; the executors run out of heap.
    "search_history_documents_collect_list_sql": dict(
        label="not_driver_oom",
        lang="sql",
        # An executor OutOfMemoryError wrapped in the task's write failure (TASK_WRITE_FAILED)
        # exits with code 50 (uncaught exception), not 52, as in round 67.
        expect=gs.EXECUTOR_LOST + r"|Command exited with code 50",
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
}

# Dropped (see the README section and the notes in scenarios_r68.py): after one try on 3.5,
# erp_orders_jdbc_predicates_per_store_day (Scala, too_many_tasks, LOCAL_512, expect
# gen_extra.DRIVER_OOM), the ERP order extract read with spark.read.jdbc(url, table, predicates,
# props) and one predicate per store and day (1,460,000 partitions) from an in-memory Derby
# database filled by the script: the predicates, kept in the scan's plan, went into the
# whole-stage codegen closure, and the driver ran out serializing it in
# ClosureCleaner$.ensureSerializable before any stage was submitted (exit 0 after 16 s): a
# large closure, not the number of tasks, so the scenario cannot fail as labelled; after two
# tries on 3.5, taxi_fares_tariff_grid_broadcast_value_closure (Scala, large_closure,
# DRIVER_512 then with a 1g driver), the tariff grid (24,000,000 then 48,000,000 doubles)
# broadcast and its value taken on the driver for an rdd.map lambda: the grid did not fit the
# driver's memory store, was persisted to disk, and gridBc.value read a second copy back and ran
# the driver out of heap there (Broadcast.value <- TorrentBroadcast.readBroadcastBlock <-
# BlockManager.getLocalValues, exit 0 after 11 and 12 s), before any closure was serialized.
# Both were replaced by new scenarios of the same causes (the aggregateByKey meters and the
# treeAggregate click model). After two tries on 4.3, ledger_sync_except_all_mismatches_collect
# (PySpark, collect_to_driver, DRIVER_512 with gen_more.MAX_RESULT rejected), the month's
# 3,500,000 general ledger entries compared with the warehouse copy (memos cut to 40
# characters) with ours.exceptAll(theirs).collect(): on 3.5 it failed as labelled (12 of 13 task
# results of 31.2 MiB fetched, 'Failed to fetch remote block taskresult_40' / 'Boxed Error' /
# 'Caused by: java.lang.OutOfMemoryError: Java heap space', TaskResultLost four times, exit 1
# after 44 s), but on 4.3 both tries ended with 'ERROR TaskResultGetter: Exception while getting
# task result' / 'java.lang.IllegalStateException: unread block data' (at
# ObjectInputStream.readArray <- SerializerHelper.deserializeFromChunkedBuffer <-
# DirectTaskResult.value) and 'Job aborted due to stage failure: Exception while getting task
# result: ...' after 11 and 12 of the 13 results (exit 1 after 52 and 50 s), no
# OutOfMemoryError line: whatever ran short, the log does not say it was memory. Its body stays in
# scenarios_r68.py (not run) so that the lines the kept PySpark logs quote hold.
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_REFERRALS = (
    "note: local-cluster[2,1,1024], executors 768m, driver JVM 1g, PARALLEL_GC_LIMIT, INFO log, the"
    " Python driver's address space capped by the script at its size plus 700 MB (as a nearly"
    " full container would; nothing printed): the growth team's referral chains, 30 days of"
    " 200,000 generated referrals a day (referrer ids of 22 characters drawn from 8,000,000, a"
    " new referee id each), one query a day (where(day).select('referrer', 'referee').collect(),"
    " 'collect at .../scenarios_r68.py:115') whose edges are added to a defaultdict(set)"
    " adjacency kept across the month ('2026-11-01: 200000 referrals, 197534 referrers so far'"
    " printed every day); {where}; each day's query is small (200,000 rows), the driver full of"
    " what the loop keeps from every day; no OutOfMemoryError of the JVM, no executor"
    " OutOfMemoryError: labelled driver_side_state"
)
_HEAT = (
    "note: local-cluster[2,1,1024], executors 768m, driver 192m (RESERVED_32M), -XX:+UseParallelGC"
    " -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20, spark.sql.adaptive.enabled=false, INFO"
    " log: the heat pump fleet's monthly reports, 1,280,000 generated readings in 320,000"
    " partitions standing for the units' upload files, a PySpark DataFrame cached with"
    " readings.cache() because two reports read it, the first"
    " readings.coalesce(8).groupBy('region').agg(avg, count) written as parquet ('parquet at"
    " NativeMethodAccessorImpl.java:0', line 213): 8 tasks, each computing and caching 40,000"
    " tiny partitions ('WARN TaskSetManager: Stage 0 contains a task of very large size (1962"
    " KiB)'), one block status update to the driver each; {where}; 'cop by region written'"
    " never printed; no executor OutOfMemoryError: labelled cached_block_metadata"
)
_SEARCH = (
    "note: spark-sql (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m (never short of heap), after_oom off: the recommender's search documents, 8,000,000"
    " generated site searches (CTAS, 16 partitions) of which 70 % carry the customer id 'guest'"
    " (visitors not logged in), then CREATE TABLE customer_search_documents AS SELECT"
    " customer_id, count(*), array_join(collect_list(search_query), ' ') ... GROUP BY"
    " customer_id: the one reduce task that gets 'guest' merges 5,600,000 queries in one"
    " aggregation buffer on an executor; {where}; the executors' stderr hold the"
    " OutOfMemoryErrors, the driver's log only the failed tasks, lost executors and fetch"
    " failures; 'customers' never printed: labelled not_driver_oom"
)
_CATALOG = (
    "note: spark-sql (its default WARN log), local-cluster[2,1,1024], executors 768m, driver 1g,"
    " PARALLEL_GC_LIMIT, spark.driver.maxResultSize=256m (as the platform sets it): the"
    " merchandising review, two CTAS statements (2,500,000 products with a 46-character title"
    " and a 128-character description; 10,000,000 sales lines), then SELECT /*+ BROADCAST(p) */"
    " ... FROM sales_lines s JOIN product_catalog p ON s.product_id = p.product_id GROUP BY the"
    " product's columns ORDER BY revenue DESC LIMIT 50: the hint makes the catalog the"
    " broadcast's build side whatever its size, and its collect to the driver (8 tasks of"
    " about 112 MiB, BroadcastExchangeExec.relationFuture) goes over the result limit; {where};"
    " no OutOfMemoryError, no executor OutOfMemoryError: labelled max_result_size"
)
_METERS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 224m (RESERVED_32M), PARALLEL_GC_LIMIT: the meter team's daily usage, 4,800,000 generated"
    " readings (16 partitions) of 600,000 meters as a pair RDD, the meters counted"
    " (readings.keys.distinct().count(), 'meters: 600000' printed) and passed as numPartitions to"
    " readings.aggregateByKey((0.0, 0L), meters)(...), so that each meter's totals land in their"
    " own part file of saveAsTextFile: a result stage of 600,000 tasks; {where}; 'meter usage"
    " written' never printed; no executor OutOfMemoryError: labelled too_many_tasks"
)
_CLICKS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m, PARALLEL_GC_LIMIT: a hand-written logistic regression on hashed click features,"
    " 2,000,000 generated clicks (three hashed feature indices each, cached), the weights a dense"
    " Array[Double] of 2^23 + 1 (8,388,609) values on the driver (64 MB), each epoch's gradient"
    " summed with clicks.treeAggregate(new Array[Double](dim + 1))(seqOp, combOp), the seqOp"
    " reading the driver's weights: the closure cleaner serializes the seqOp with the 64 MB"
    " array it captures before any job; {where}; 'epoch 1 done' never printed; no job ran, no"
    " executor OutOfMemoryError: labelled large_closure"
)
_SHIPMENTS = (
    "note: local[*] (the executor inside the driver JVM), driver 512m, -XX:+UseParallelGC"
    " -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.shuffle.partitions=4, INFO log: orders matched with their shipments as both"
    " arrive, two rate sources of 50,000 rows a second (2 partitions each; orders with a"
    " sha2-256 basket reference, shipments referring to the orders 150,000 ids earlier) joined"
    " on the order id with both streams under a 2-minute watermark and the condition"
    " 'shipped_order_id = order_id AND shipped_at >= ordered_at' (no upper bound, so the orders'"
    " side of the join state can never be dropped), noop sink, 3 s trigger, query.awaitTermination()"
    " at line 178; the join's state stores (SymmetricHashJoinStateManager, HDFSBackedStateStore)"
    " live in the driver JVM in local[*]; {where}; no other Spark job: labelled streaming_state"
)
OUTCOME_NOTES = {
    "referral_graph_adjacency_sets_by_day--pyspark--spark35--cluster": _REFERRALS.format(
        where="seven days printed, the last '2026-11-07: 200000 referrals, 1284540 referrers so"
        " far', then the Python traceback at line 117 ('graph[referrer].add(referee)', the eighth"
        " day's edges being added) / 'MemoryError': the adjacency of 1,400,000 referrals fills the"
        " capped process; exit 1 after 24 s"
    ),
    "referral_graph_adjacency_sets_by_day--pyspark--spark43--cluster": _REFERRALS.format(
        where="the same seven days ('2026-11-07: 200000 referrals, 1284540 referrers so far'), then"
        " the traceback at line 117 / 'MemoryError'; exit 1 after 25 s"
    ),
    "order_shipments_stream_join_lower_bound_only--pyspark--spark35--local": _SHIPMENTS.format(
        where="'order shipments matcher started', batches 0 to 2 ('numRowsTotal' 300,000 then"
        " 600,000 in the progress reports, 'memoryUsedBytes' 128056176 then 401152192), then in"
        " batch 3 'ERROR Executor: Exception in task 1.0 in stage 11.0 (TID 25)' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'ERROR"
        " SparkUncaughtExceptionHandler: Uncaught exception in thread Thread[Executor task launch"
        " worker for task 1.0 in stage 11.0 (TID 25),5,main]', 'Lost task 1.0 in stage 11.0 (TID 25)"
        " (192.0.2.2 executor driver): java.lang.OutOfMemoryError: GC overhead limit exceeded',"
        " 'ERROR MicroBatchExecution: Query [id = ..., runId = ...] terminated with error'; the JVM"
        " exited with code 52 (the uncaught OutOfMemoryError) before Python printed a traceback;"
        " 25 s"
    ),
    "order_shipments_stream_join_lower_bound_only--pyspark--spark43--local": _SHIPMENTS.format(
        where="'order shipments matcher started', batches 0 to 2 ('numRowsTotal' 200,000 then"
        " 500,000, 'memoryUsedBytes' 88851664 then 327881328), then in batch 3 'ERROR Utils:"
        " Aborting task' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'ERROR"
        " DataWritingSparkTask: Aborting commit for partition 0 (task 24, attempt 0, stage 11.0)',"
        " 'ERROR Executor: Exception in task 0.0 in stage 11.0 (TID 24)', 'ERROR"
        " SparkUncaughtExceptionHandler: Uncaught exception in thread Thread[Executor task launch"
        " worker for task 0.0 in stage 11.0 (TID 24),5,main]', 'WARN TaskSetManager: [queryId ="
        " 931c7] [batchId = 3] Lost task 0.0 in stage 11.0 (TID 24) (192.0.2.2 executor driver):"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded', 'terminated with error'; exit"
        " code 52 after 25 s, no Python traceback"
    ),
    "heat_pump_telemetry_cached_frame_region_reports--pyspark--spark35--cluster": _HEAT.format(
        where="the INFO log lists the cached blocks as they come ('INFO BlockManagerInfo: Added"
        " rdd_4_N in memory on 192.0.2.2:N (size: 1048.0 B, free: ...)', 220,279 of them), then"
        " 109 s into the first job 'WARN TransportChannelHandler: Exception in connection from"
        " /192.0.2.2:N' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'Lost executor"
        " 1 on 192.0.2.2: Command exited with code 0' / 'ExecutorLostFailure (executor 1 exited"
        " caused by one of the running tasks)', 'ERROR Inbox: An error happened while processing"
        " message in the inbox for Worker' / 'Exception in thread \"dispatcher-event-loop-0\"',"
        " 'ERROR Utils: uncaught error in thread spark-listener-group-appStatus, stopping"
        " SparkContext', 'ERROR FileFormatWriter: Aborting job ...' / 'SparkException: Job 0"
        " cancelled because SparkContext was shut down', the Python traceback at line 213:"
        " 'Py4JJavaError: An error occurred while calling o90.parquet.' / ': ... Job 0 cancelled"
        " because SparkContext was shut down'; exit 1 after 132 s"
    ),
    "heat_pump_telemetry_cached_frame_region_reports--pyspark--spark43--cluster": _HEAT.format(
        where="Spark 4.3's INFO log no longer lists the cached blocks; 138 s into the first job"
        " 'WARN TransportChannelHandler: Exception in connection from /192.0.2.2:N' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'Exception in thread"
        " \"dispatcher-HeartbeatReceiver\"', 'ERROR Inbox: An error happened while processing"
        " message in the inbox for Worker', 'Exception in thread \"dispatcher-BlockManagerMaster\"',"
        " 'Lost executor 1 / 0 on 192.0.2.2: Remote RPC client disassociated' / 'ExecutorLostFailure"
        " (executor N exited caused by one of the running tasks)' (the executors' stderr: 'Executor"
        " self-exiting due to : Driver ... disassociated!'), the Python traceback at line 213:"
        " 'Py4JJavaError: An error occurred while calling o116.parquet.' / ':"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded'; exit 1 after 207 s"
    ),
    "meter_daily_usage_aggregate_by_key_partition_per_meter--scala--spark35--cluster": _METERS.format(
        where="'meters: 600000', then, submitting the aggregation's stages, 'Exception in thread"
        ' "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC overhead limit exceeded\' (at'
        " Map$MapBuilderImpl.$plus$eq ... DAGScheduler.submitMissingTasks <-"
        " DAGScheduler.submitStage), no other error line; the shell hung, killed 60 s after the"
        " OutOfMemoryError (114 s)"
    ),
    "meter_daily_usage_aggregate_by_key_partition_per_meter--scala--spark43--cluster": _METERS.format(
        where="'meters: 600000', then 'Exception in thread \"dag-scheduler-event-loop\""
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' (at OneToOneDependency.getParents"
        " <- DAGScheduler.getPreferredLocsInternal); hung, killed 60 s after the OutOfMemoryError"
        " (116 s)"
    ),
    "click_model_hashed_gradient_tree_aggregate--scala--spark35--cluster": _CLICKS.format(
        where="'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
        " ByteArrayOutputStream.ensureCapacity <- JavaSerializerInstance.serialize <-"
        " ClosureCleaner$.ensureSerializable <- ClosureCleaner$.clean <- SparkContext.clean <-"
        " RDD.mapPartitions <- RDD.treeAggregate; exit 0 after 13 s (the shell goes on)"
    ),
    "click_model_hashed_gradient_tree_aggregate--scala--spark43--cluster": _CLICKS.format(
        where="'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
        " ByteArrayOutputStream.ensureCapacity ... SparkClosureCleaner$.clean <-"
        " SparkContext.clean <- RDD.treeAggregate; exit 0 after 16 s"
    ),
    "product_catalog_broadcast_hint_report_sql--sql--spark35--cluster": _CATALOG.format(
        where="the two CTAS statements ('Time taken: 8.416 seconds', '5.053 seconds'), then 'ERROR"
        " TaskSetManager: Total size of serialized results of 3 tasks (336.8 MiB) is bigger than"
        " spark.driver.maxResultSize (256.0 MiB)', 'WARN TaskSetManager: Lost task 3.0 in stage 2.0"
        " (TID 27) (... executor 1): TaskKilled (Tasks result size has exceeded maxResultSize)',"
        " 'org.apache.spark.SparkException: Job aborted due to stage failure: Total size of"
        " serialized results of 3 tasks (336.8 MiB) ...' with"
        " BroadcastExchangeExec.$anonfun$relationFuture$1 in its stack; exit 1 after 25 s"
    ),
    "product_catalog_broadcast_hint_report_sql--sql--spark43--cluster": _CATALOG.format(
        where="the two CTAS statements (8.7 and 3.8 s), then the same 'Total size of serialized"
        " results of 3 tasks (336.8 MiB) is bigger than spark.driver.maxResultSize (256.0 MiB)',"
        " 'TaskKilled (Tasks result size has exceeded maxResultSize)', 'ERROR Utils: Uncaught"
        " exception in thread task-result-getter-1' / 'java.lang.InterruptedException' (the"
        " getter stopped by the abort), the same SparkException through relationFuture; exit 1"
        " after 27 s"
    ),
    "search_history_documents_collect_list_sql--sql--spark35--cluster": _SEARCH.format(
        where="in the documents' result stage 'WARN TaskSetManager: Lost task 2.0 in stage 3.0 (TID"
        " 22) (... executor 0): org.apache.spark.SparkException: [TASK_WRITE_FAILED] Task failed"
        " while writing rows to file:.../customer_search_documents.' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl: Lost executor 0 on"
        " 192.0.2.2: Command exited with code 50' (the OutOfMemoryError wrapped in the write"
        " failure, as round 67's sessions), FetchFailed / ExecutorDeadException for the lost map"
        " outputs, stage retries 3.1 to 3.3 each losing its task the same way (executors 1, 3 and 4,"
        " then 2, exited with code 50), 'ERROR FileFormatWriter: Aborting job ...', 'Job aborted"
        " due to stage failure: ResultStage 3 (processLine at CliDriver.java:336) has failed the"
        " maximum allowable number of times: 4' / 'MetadataFetchFailedException: Missing an output"
        " location for shuffle 0 partition 145'; exit 1 after 71 s"
    ),
    "search_history_documents_collect_list_sql--sql--spark43--cluster": _SEARCH.format(
        where="'WARN TaskSetManager: Lost task 2.0 in stage 3.0 (TID 22) (... executor 1):"
        " java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl: Lost executor 1"
        " on 192.0.2.2: Command exited with code 52', FetchFailed / ExecutorDeadException, stage"
        " retries 3.1 to 3.3 each losing its task to an executor OutOfMemoryError (executors 0, 2"
        " and 4 exited with code 52), 'Job aborted due to stage failure: ResultStage 3"
        " ($anonfun$withThreadLocalCaptured$1 at CompletableFuture.java:1768) has failed the"
        " maximum allowable number of times: 4' / 'MetadataFetchFailedException: Missing an"
        " output location for shuffle 0 partition 145'; exit 1 after 84 s"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r68)


if __name__ == "__main__":
    main()
