#!/usr/bin/env python
"""Run round 62 of the real Spark run matrix under tests/data/runs/ (manifest-r62.jsonl).

    python tests/data/runs/gen_r62.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r62.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r62.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 61, for causes
still thin or confused in driver logs and event logs: the driver heap filled by Spark's own
machinery that the program feeds job by job, an executor or its Python worker running out
while the driver program only does what looks like a driver-side action, the driver filled
by the bookkeeping of one stage of very many tiny tasks, a job aborted by
spark.driver.maxResultSize for many modest task results, and the Python driver process
running out. A PySpark run is one ``spark-submit scenarios_r62.py <scenario>`` by
gen_more.run; a Scala run one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f
<script>`` (stdin /dev/null) from the pyspark wheel of the Spark version, launched by
gen_shell.run as rounds 35 to 61's, the script being scenarios_r62.SCALA / SQL[scenario]
written into the run's scratch dir. Finishing (trim, zstd event log check, `outcome`, the
`expect` / `reject` / executor-OOM verification, the manifest line) is gen_more.finish with
this round's tables handed as a gen_more.Round. Raw output under $DD_SCRATCH (default
/tmp/driver-doctor-runs-r62).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (MAX_RESULT, PY_MEMORYERROR, OWN_OOM)
import gen_shell as gs  # noqa: E402  (CLUSTER, PARALLEL_GC_LIMIT, RESERVED_32M, main)
import scenarios_r62  # noqa: E402  (SCALA and SQL scripts)

# A small driver (224m, let through Spark's start-up check by RESERVED_32M) whose full heap
# throws instead of thrashing (PARALLEL_GC_LIMIT), on local-cluster (the executors separate
# JVMs), with round 61's hard timeout.
SMALL_HEAP = dict(mem="224m", gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# A driver of ordinary size (512m) whose full heap throws instead of thrashing, on
# local-cluster, with round 61's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# A Python worker's MemoryError as the driver reports it (the failed task's PythonException).
PY_WORKER_MEMORYERROR = r"PythonException|MemoryError|Python worker exited unexpectedly"

SCENARIOS = {
    # Scala: a SparkListener recording every finished task (info, TaskMetrics, accumulables
    # by name) in an ArrayBuffer over a daily backfill of small aggregations.
    "warehouse_pick_waves_task_timing_listener": dict(
        label="driver_side_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf={**gs.RESERVED_32M, **gs.UI_SMALL},
        **SMALL_HEAP,
    ),
    # PySpark: a CountVectorizer fitted per day of search queries, every model kept by day.
    "help_center_search_terms_daily_vocab_models": dict(
        label="driver_side_state",
        expect=ge.DRIVER_OOM,
        conf={**gs.RESERVED_32M, **gs.UI_SMALL},
        **SMALL_HEAP,
    ),
    # PySpark: rdd.join of orders and refunds on a hot order reference, the Python workers
    # capped by spark.executor.pyspark.memory; the driver collects per-seller totals.
    "marketplace_refunds_rdd_join_orders": dict(
        label="not_driver_oom",
        expect=PY_WORKER_MEMORYERROR,
        timeout=300,
        conf={"spark.executor.pyspark.memory": "300m"},
        **gs.EXECUTOR_OOM_RUN,
    ),
    # Scala: RDD.join of orders and customers on a hot customer id, executors 512m; the
    # driver collects 41 region totals.
    "order_region_revenue_rdd_join_customers": dict(
        label="not_driver_oom",
        lang="scala",
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        conf={"spark.executor.memory": "512m"},
        **gs.EXECUTOR_OOM_RUN,
    ),
    # Scala: a parquet extract read back with spark.sql.files.minPartitionNum=300000 and
    # spark.sql.files.openCostInBytes=0.
    "orders_extract_min_partition_num_scan": dict(
        label="too_many_tasks",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf=gs.RESERVED_32M,
        **SMALL_HEAP,
    ),
    # SQL: CTAS with a REBALANCE hint and spark.sql.adaptive.advisoryPartitionSizeInBytes=128.
    "page_views_rebalance_compaction_ctas_sql": dict(
        label="too_many_tasks",
        lang="sql",
        expect=ge.DRIVER_OOM,
        conf=gs.RESERVED_32M,
        **SMALL_HEAP,
    ),
    # Scala: RDD.aggregate of a RoaringBitmap per partition over 400 partitions,
    # spark.driver.maxResultSize=64m.
    "app_daily_active_users_bitmap_aggregate": dict(
        label="max_result_size",
        lang="scala",
        expect=gm.MAX_RESULT,
        reject=ge.DRIVER_OOM,
        conf={"spark.driver.maxResultSize": "64m"},
        **DRIVER_512,
    ),
    # PySpark: per-partition pandas frames built by mapPartitions, collected and concatenated
    # by pd.concat in a Python driver whose address space the script caps.
    "fulfilment_orders_partition_frames_concat": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
}

NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_PICKS = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " PARALLEL_GC_LIMIT, UI_SMALL (the status store keeps 1,000 tasks): the warehouse pick-wave"
    " backfill with a task timing recorder, a SparkListener added with sc.addSparkListener"
    " whose onTaskEnd appends a TaskTiming case class (stage, attempt, task id, index,"
    " executor, host, launch time, duration, the event's TaskMetrics and the task's"
    " accumulables as a Map[String, String] by name) to an ArrayBuffer for a skew report at"
    " the end; every day of the backfill (200,000 picks, 8 slices) one small aggregation"
    " groupBy(wave, picker).agg(avg, max, count).where(...).count() with 400 shuffle"
    " partitions and adaptive execution off (8 + 400 + 1 tasks a day); the recorder keeps every"
    " task of every day; '2026-06-10: pick waves done, 598 slow pickers' (about 4,100 tasks"
    " recorded), then during the next ten days {where}; 'skew report' never printed; no"
    " executor OutOfMemoryError: the per-task records the program's listener keeps across the"
    " daily jobs, each job small: labelled driver_side_state"
)
_VOCAB = (
    "note: local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M), PARALLEL_GC_LIMIT,"
    " UI_SMALL, INFO log: the help centre's search terms day by day, each day's 150,000 queries"
    " (three hashed terms each, spark.range in 8 slices) fitted with"
    " CountVectorizer(inputCol='terms', outputCol='tf') (default vocabSize 262,144) and every"
    " CountVectorizerModel kept in a dict by day to compare the days' term drift at the end;"
    " each fit is two small jobs (a count and a top at CountVectorizer.scala, a second or"
    " two each, the top's 8 task results about 1.2 MB each) and each kept model holds its"
    " 262,144-term vocabulary in the driver JVM; 'search terms: 5 days fitted, last"
    " 2026-09-05', then {where}; 'term drift' never printed; no executor OutOfMemoryError: the"
    " models the program keeps across the daily fits, not one big job: labelled"
    " driver_side_state"
)
_REFUNDS = (
    "note: local-cluster[2,1,1024], executors 768m, spark.executor.pyspark.memory=300m (the"
    " Python workers' address space capped), driver 512m (never short of heap), INFO log:"
    " refunds per seller, the month's 6,000,000 orders (8 slices) and 300,000 refunds (4"
    " slices) as Python pair RDDs keyed by order reference (df.rdd.map) and joined with"
    " orders.join(refunds); 60 % of the orders are unsettled marketplace orders with the"
    " reference 'MKT-PENDING' (300 refunds too), so PySpark's join (a cogroup: union, then"
    " groupByKey, whose map side already combines each key's values into one Python list)"
    " builds a list of about 450,000 orders for that one key in every map task; the driver"
    " only collects the per-seller refund totals (per_seller.collect() at"
    " scenarios_r62.py:111); {where}; exit 1; the driver's heap never short, no"
    " OutOfMemoryError of the driver: labelled not_driver_oom"
)
_REGIONS = (
    "note: spark-shell, local-cluster[2,1,1024], executors 512m (spark.executor.memory),"
    " driver 512m (never short of heap), after_oom off: revenue per region, 8,000,000 orders"
    " (16 slices) keyed by customer id and joined with RDD.join to 3,000,000 customers (plus"
    " one 'GUEST' row); 70 % of the orders are guest checkouts with the customer id 'GUEST',"
    " so the cogroup behind the join (CoGroupedRDD's ExternalAppendOnlyMap, one CompactBuffer"
    " per key and side) buffers 5,600,000 orders for that key in the one reduce task that gets"
    " it; the driver then only collects 41 region totals (revenue.collect()); {where}; the"
    " executors' stderr hold the OutOfMemoryErrors (at CompactBuffer.growToSize <-"
    " CoGroupedRDD), the driver's log only lost tasks, lost executors and the aborted stage;"
    " no region printed: labelled not_driver_oom"
)
_EXTRACT = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " PARALLEL_GC_LIMIT: the orders extract (2,000,000 orders, 4 parquet files, about 150 MB)"
    " written by the upstream step in the script ('orders extract written'), then"
    " spark.conf.set('spark.sql.files.openCostInBytes', '0') and"
    " spark.conf.set('spark.sql.files.minPartitionNum', '300000') before"
    " spark.read.parquet(...).groupBy('status').agg(count, sum).collect(): the scan splits the"
    " files into splits of a few hundred bytes, 300,129 file partitions on 3.5 and 300,130 on"
    " 4.3 (the event log's job 2: one stage of that many tasks); {where}; no executor OutOfMemoryError; the data is"
    " small, the driver overwhelmed by the number of partitions and tasks: labelled"
    " too_many_tasks"
)
_PAGES = (
    "note: spark-sql, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " PARALLEL_GC_LIMIT: the page views compaction, SET spark.sql.shuffle.partitions=300, SET"
    " spark.sql.adaptive.advisoryPartitionSizeInBytes=128 (meant as 128 MB, read as bytes;"
    " echoed by the CLI as 'spark.sql.adaptive.advisoryPartitionSizeInBytes\t128'), a view of"
    " 8,000,000 page views over range(0, 8000000, 1, 2000) and CREATE TABLE"
    " page_views_compacted USING parquet AS SELECT /*+ REBALANCE */ * FROM page_views: the"
    " 2,000 map tasks of the rebalance shuffle ran (the event log's job 0), then adaptive"
    " execution split every one of the 300 rebalanced partitions at every map output"
    " (OptimizeSkewInRebalancePartitions, 128-byte target): a result stage of 600,000 tasks;"
    " {where}; no executor OutOfMemoryError; the data is small, the driver overwhelmed by the number of tasks:"
    " labelled too_many_tasks"
)
_USERS = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT,"
    " spark.driver.maxResultSize=64m: daily active users as one RoaringBitmap,"
    " sc.range(0, 16,000,000, 1, 400) of scattered 31-bit user ids and userIds.aggregate(new"
    " RoaringBitmap())((bm, u) => {{ bm.add(u); bm }}, (a, b) => {{ a.or(b); a }}): each of"
    " the 400 tasks sends its partition's bitmap (about 40,000 ids, some 290 KB serialized)"
    " back to the driver to be merged, no single result big; {where}; 'daily active users'"
    " never printed; no OutOfMemoryError anywhere: labelled max_result_size"
)
_FRAMES = (
    "note: local-cluster[2,1,1024], executors 768m, driver JVM 1g (PARALLEL_GC_LIMIT), the"
    " Python driver's address space capped by the script at its size + 700 MB"
    " (resource.setrlimit(RLIMIT_AS), as a nearly full container would; nothing printed about"
    " it), INFO log: the fulfilment report without Arrow, the day's 2,500,000 order lines"
    " (16 slices, six columns, four of them strings) turned into one pandas DataFrame per"
    " partition by lines.rdd.mapPartitions(to_frame) on the executors, the frames collected"
    " (collect at scenarios_r62.py:149, the pickled frames passing through the driver JVM)"
    " to be put together with pd.concat and pivoted per warehouse and carrier; {where};"
    " 'fulfilment frames received' never printed; no OutOfMemoryError of the driver JVM, no"
    " executor OutOfMemoryError: the Python driver process out of memory building the"
    " frames: labelled python_driver_oom"
)
OUTCOME_NOTES = {
    "warehouse_pick_waves_task_timing_listener--scala--spark35--cluster": _PICKS.format(
        where="'WARN TransportChannelHandler: Exception in connection from ...' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (an RPC message being"
        " deserialized in the full driver heap), 'Exception in thread"
        " \"block-manager-storage-async-thread-pool-114\"', 'SparkException: Job aborted due to"
        " stage failure: Task serialization failed: java.lang.OutOfMemoryError: GC overhead"
        " limit exceeded' (at DAGScheduler.submitMissingTasks, a day's reduce stage), 'Lost"
        " executor 0 ... Command exited with code 0' (cut off from the driver); exit 0 after"
        " 107 s (the shell goes on to its end)"
    ),
    "warehouse_pick_waves_task_timing_listener--scala--spark43--cluster": _PICKS.format(
        where="'ERROR TorrentBroadcast: Store broadcast broadcast_35 fail, remove all pieces of"
        " the broadcast', 'SparkException: Job aborted due to stage failure: Task serialization"
        " failed: java.lang.OutOfMemoryError: Java heap space' (at"
        " TorrentBroadcast.blockifyObject, the next day's task binary being broadcast) <-"
        " classic.Dataset.count at the script's daily count; exit 0 after 131 s"
    ),
    "help_center_search_terms_daily_vocab_models--pyspark--spark35--cluster": _VOCAB.format(
        where="during the ninth day's fit (8 models kept; job 17, 'top at"
        " CountVectorizer.scala:236') 'ERROR Utils: Uncaught exception in thread"
        " task-result-getter-3' / 'java.lang.OutOfMemoryError: Java heap space' at"
        " ObjectInputStream.readString <- DirectTaskResult.value <- TaskResultGetter (a task's"
        " 1.2 MB top result being deserialized), 'Exception in thread \"task-result-getter-3\"';"
        " the job never finished, the script hung, killed 60 s after the OutOfMemoryError (98 s)"
    ),
    "help_center_search_terms_daily_vocab_models--pyspark--spark43--cluster": _VOCAB.format(
        where="during the eighth day's fit (7 models kept; job 15, 'top at"
        " CountVectorizer.scala:243') 'ERROR Utils: Uncaught exception in thread"
        " task-result-getter-0' / 'java.lang.OutOfMemoryError: Java heap space' (a task's top"
        " result being deserialized), 'Exception in thread \"task-result-getter-0\"'; the job"
        " never finished, the script hung, killed 60 s after the OutOfMemoryError (102 s)"
    ),
    "marketplace_refunds_rdd_join_orders--pyspark--spark35--cluster": _REFUNDS.format(
        where="in the map stage of the join ('ShuffleMapStage 0 (join at"
        " .../scenarios_r62.py:109)') 'WARN TaskSetManager: Lost task 1.0 in stage 0.0 ...:"
        " org.apache.spark.api.python.PythonException: Traceback' / 'MemoryError' in the"
        " Python worker at shuffle.py mergeValues <- rdd.py combine (the hot key's list built by"
        " the map-side combine), the same for every task, 'Task 0 in stage 0.0 failed 4 times;"
        " aborting job', the Python driver's Py4JJavaError at per_seller.collect() (line 111);"
        " after 40 s"
    ),
    "marketplace_refunds_rdd_join_orders--pyspark--spark43--cluster": _REFUNDS.format(
        where="in the map stage of the join 'WARN TaskSetManager: Lost task 1.0 in stage 0.0"
        " ...: org.apache.spark.api.python.PythonException: [PYTHON_EXCEPTION] An exception"
        " was thrown from the Python worker' / 'MemoryError' at cloudpickle dumps, then"
        " '_pickle.PicklingError: Could not serialize object: MemoryError' at"
        " rdd.py add_shuffle_key (the hot key's combined list being pickled for the shuffle),"
        " 'Task 1 in stage 0.0 failed 4 times; aborting job', the Python driver's"
        " Py4JJavaError at per_seller.collect() (line 111); after 39 s"
    ),
    "order_region_revenue_rdd_join_customers--scala--spark35--cluster": _REGIONS.format(
        where="in the join's stage (ShuffleMapStage 2, the cogroup and the map before"
        " reduceByKey) 'WARN TaskSetManager: Lost task 8.0 in stage 2.0 (TID 34) (192.0.2.2"
        " executor 1): java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl:"
        " Lost executor 1 on 192.0.2.2: Command exited with code 52', 'ExecutorLostFailure"
        " (executor 2 exited caused by one of the running tasks) Reason: Command exited with"
        " code 52', FetchFailed for the lost executors' map outputs and the stage resubmitted"
        " (five executors lost in all), then 'Job aborted due to stage failure: ShuffleMapStage"
        " 2 (map at ...) has failed the maximum allowable number of times: 4'; exit 0 after 96 s"
        " (the shell goes on)"
    ),
    "order_region_revenue_rdd_join_customers--scala--spark43--cluster": _REGIONS.format(
        where="in the join's stage 'WARN TaskSetManager: Lost task 8.0 in stage 2.0 (TID 34)"
        " (192.0.2.2 executor 1): java.lang.OutOfMemoryError: Java heap space', 'Lost executor"
        " 1 on 192.0.2.2: Command exited with code 52', 'ExecutorLostFailure (executor 3"
        " exited caused by one of the running tasks)', the stage resubmitted after FetchFailed"
        " (four executors lost), then 'Job aborted due to stage failure: ShuffleMapStage 2"
        " (map at ...) has failed the maximum allowable number of times: 4'; exit 0 after 98 s"
    ),
    "orders_extract_min_partition_num_scan--scala--spark35--cluster": _EXTRACT.format(
        where='\'Exception in thread "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC'
        " overhead limit exceeded' at DAGScheduler.submitMissingTasks (the preferred locations"
        " of the 300,129 partitions being gathered, ...toMap) <- handleMapStageSubmitted; the"
        " scheduler's thread gone, the shell hung, killed 60 s after the OutOfMemoryError (90 s)"
    ),
    "orders_extract_min_partition_num_scan--scala--spark43--cluster": _EXTRACT.format(
        where='\'Exception in thread "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC'
        " overhead limit exceeded' at DAGScheduler.getPreferredLocsInternal <-"
        " submitMissingTasks (the preferred locations of the 300,130 partitions) <-"
        " handleMapStageSubmitted; the shell hung, killed 60 s after the OutOfMemoryError (92 s)"
    ),
    "page_views_rebalance_compaction_ctas_sql--sql--spark35--cluster": _PAGES.format(
        where="after the map stage (no SparkListenerJobStart for the write's result stage in"
        " the event log) 'ERROR FileFormatWriter: Aborting job ...' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at RDD.partitions <-"
        " WriteFilesExec.doExecuteWrite (the write's 600,000 partitions being listed), 'ERROR"
        " SparkSQLDriver: Failed in [CREATE TABLE page_views_compacted ...]', 'ERROR Utils:"
        " uncaught error in thread spark-listener-group-eventLog, stopping SparkContext' /"
        " 'Java heap space'; exit 1 after 60 s. A first run (not kept) with 200 shuffle"
        " partitions (400,000 tasks) had failed the same way after 126 s (the"
        " dag-scheduler-event-loop out of memory as the 400,000-task stage was submitted); made"
        " again with the committed script after the 4.3 try"
    ),
    "page_views_rebalance_compaction_ctas_sql--sql--spark43--cluster": _PAGES.format(
        where="after the map stage (no SparkListenerJobStart for the write's result stage in"
        ' the event log) \'Exception in thread "block-manager-ask-thread-pool-6"'
        " java.lang.OutOfMemoryError: Java heap space', 'ERROR Inbox: An error happened while"
        " processing message in the inbox for Worker', 'ERROR Utils: uncaught error in thread"
        " spark-listener-group-appStatus, stopping SparkContext' / 'Java heap space', 'ERROR"
        " FileFormatWriter: Aborting job ...', 'ERROR SparkSQLDriver: Failed in [CREATE TABLE"
        " page_views_compacted ...]' / 'Caused by: java.lang.OutOfMemoryError: Java heap space'"
        " at ResultQueryStageExec.doMaterialize (the 600,000-task result stage); exit 1 after"
        " 127 s. A first try (not kept) with 200 shuffle partitions (400,000 tasks) thrashed in"
        " full collections while the DAG scheduler gathered the preferred locations of the"
        " 400,000 partitions (MapOutputTrackerMaster.getMapLocation), no error, killed by the"
        " 300 s timeout"
    ),
    "app_daily_active_users_bitmap_aggregate--scala--spark35--cluster": _USERS.format(
        where="'ERROR TaskSetManager: Total size of serialized results of 225 tasks (64.2 MiB) is"
        " bigger than spark.driver.maxResultSize (64.0 MiB)', the running tasks killed ('Lost"
        " task 224.0 ... TaskKilled (Tasks result size has exceeded maxResultSize)'),"
        " 'org.apache.spark.SparkException: Job aborted due to stage failure: Total size of"
        " serialized results of 225 tasks (64.2 MiB) ...' at RDD.aggregate; exit 0 after 17 s"
        " (the shell goes on)"
    ),
    "app_daily_active_users_bitmap_aggregate--scala--spark43--cluster": _USERS.format(
        where="'ERROR TaskSetManager: Total size of serialized results of 225 tasks (64.2 MiB) is"
        " bigger than spark.driver.maxResultSize (64.0 MiB)', 'Lost task 223.0 ... TaskKilled"
        " (Tasks result size has exceeded maxResultSize)', 'SparkException: Job aborted due to"
        " stage failure: Total size of serialized results of 225 tasks (64.2 MiB) ...'; exit 0"
        " after 19 s"
    ),
    "fulfilment_orders_partition_frames_concat--pyspark--spark35--cluster": _FRAMES.format(
        where="the job finished ('Job 0 finished: collect at .../scenarios_r62.py:149, took"
        " 13.08 s', 16 task results of about 10 MB), then the Python driver's traceback at"
        " line 149 <- rdd.py collect <- serializers.py load_stream / loads: 'MemoryError' (the"
        " frames being unpickled in the capped Python process); exit 1 after 23 s"
    ),
    "fulfilment_orders_partition_frames_concat--pyspark--spark43--cluster": _FRAMES.format(
        where="the job finished ('Job 0 finished: collect at .../scenarios_r62.py:149, took"
        " 14377.67 ms'), then the Python driver's traceback at line 149 <- core/rdd.py collect"
        " <- serializers.py load_stream / loads: 'MemoryError'; exit 1 after 26 s"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r62)


if __name__ == "__main__":
    main()
