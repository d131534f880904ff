#!/usr/bin/env python
"""Run round 70 of the real Spark run matrix under tests/data/runs/ (manifest-r70.jsonl).

    python tests/data/runs/gen_r70.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r70.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r70.py --drop run-id ...       # remove a run not kept

A fifth unaimed round, to measure the service on ordinary new incidents: eight new scenarios,
one for each of eight causes, each the most ordinary way a data engineer meets its cause, on a
code path no earlier scenario of its cause uses; PySpark, Scala and SQL, as in rounds 35 to 69.
A PySpark run is one ``spark-submit scenarios_r70.py <scenario>`` by gen_more.run; a Scala run
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 69's, the
script being scenarios_r70.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification, the
manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r70).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (MAX_RESULT, PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (CLUSTER, LOCAL, BROADCAST_OOM, EXECUTOR_LOST, ...)
import scenarios_r70  # noqa: E402  (SCALA and SQL scripts)

# A driver at the launchers' 512m (gen_more's default), its full heap throwing instead of
# thrashing, on local-cluster, with round 68's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# Round 68's streaming driver: 512m on local[*] (the executor, and so the state store, inside
# the driver JVM) with round 67's stricter GC overhead limit (the Parallel collector giving up
# at 50 % of the time in GC and under 20 % freed), round 68's hard timeout.
STREAM_512 = dict(
    gc="-XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    variants=gs.LOCAL,
    timeout=300,
)
# Rounds 67 and 68's recipe for the driver heap filled with the status of cached blocks: a 192m
# driver let through Spark's start-up check by RESERVED_32M, the Parallel collector with a small
# young generation and a stricter GC overhead limit, adaptive execution off, on local-cluster.
BLOCKS_CONF = {**gs.RESERVED_32M, "spark.sql.adaptive.enabled": "false"}
SMALL_HEAP_BLOCKS = dict(
    mem="192m",
    gc="-XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    variants=gs.CLUSTER,
    timeout=300,
)

SCENARIOS = {
    # Scala (WARN): the ERP's price list (1,500,000 SKUs) read into a Map on the driver and
    # read in a pair RDD's mapValues to price the till lines.
    "store_revenue_price_list_map_values_closure": dict(
        label="large_closure",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **DRIVER_512,
    ),
    # PySpark: the loyalty members sorted by points, orderBy(F.desc("points")).collect(), for
    # the partner's CSV.
    "loyalty_members_points_sorted_export_collect": dict(
        label="collect_to_driver",
        expect=ge.DRIVER_OOM,
        reject=gm.MAX_RESULT,
        **DRIVER_512,
    ),
    # SQL: web orders LEFT JOIN the CRM's customers ON customer_id = ... OR email = ... Its first
    # script had 2,000,000 customers; on both versions the driver failed collecting them for the
    # broadcast with only 'ERROR TaskResultGetter: Exception while getting task result' /
    # 'java.lang.IllegalStateException: unread block data', no OutOfMemoryError line; the
    # committed script (its second try) has 1,200,000.
    "web_orders_crm_match_or_condition_join_sql": dict(
        label="broadcast_too_large",
        lang="sql",
        expect=gs.BROADCAST_OOM,
        **DRIVER_512,
    ),
    # SQL: GROUP BY ROLLUP(region, store_id, sku) of 4,000,000 till lines in a CTAS, in a 160m
    # driver on local[*].
    "grocery_sales_rollup_report_ctas_sql": dict(
        label="client_mode_small_driver",
        lang="sql",
        expect=ge.DRIVER_OOM,
        variants=gs.LOCAL,
        timeout=300,
        **gs.SMALL_DRIVER_RUN,
    ),
    # PySpark: a day's orders at a time read with toLocalIterator() into a defaultdict(list) by
    # customer kept across the month, the Python driver capped.
    "customer_order_history_dict_local_iterator_by_day": dict(
        label="driver_side_state",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # Scala (WARN): 320,000 till uploads as an RDD persisted MEMORY_AND_DISK_SER, two reports
    # over coalesce(8).
    "card_swipes_serialized_rdd_persist_store_points": dict(
        label="cached_block_metadata",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf=BLOCKS_CONF,
        **SMALL_HEAP_BLOCKS,
    ),
    # PySpark: groupBy(window(ts, "1 hour"), sensor_id) min / max / avg without watermark, in
    # update mode to the console sink, on local[*].
    "cold_store_sensor_hourly_min_max_console_stream": dict(
        label="streaming_state",
        expect=ge.DRIVER_OOM,
        conf={"spark.sql.shuffle.partitions": "4"},
        **STREAM_512,
    ),
    # Scala (WARN): aggregateByKey(mutable.HashSet.empty[String]) of the URLs each visitor
    # viewed, 60 % of the views under the visitor id "anonymous"; the executors run out. Its
    # first script had 7,000,000 page views: on 3.5 the job finished ('browsing profiles
    # written', 'anonymous,4200000' in the output, exit 0 after 39 s); on 4.3 the executors ran
    # out, and that run was stopped by hand once the second try was decided (115 s); the
    # committed script (its second try) has 12,000,000.
    "web_visitors_distinct_urls_aggregate_by_key_sets": dict(
        label="not_driver_oom",
        lang="scala",
        # An executor OutOfMemoryError may also end a task with code 50 (uncaught exception),
        # as in rounds 67 to 69.
        expect=gs.EXECUTOR_LOST + r"|Command exited with code 50",
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
}

NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_REVENUE = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m, PARALLEL_GC_LIMIT: revenue per store, the ERP's price list of 1,500,000 SKUs written"
    " as CSV by the script and read on the driver with scala.io.Source into an immutable"
    " Map[String, Double] ('price list: 1500000 skus' printed), then 6,000,000 generated till"
    " lines as a pair RDD keyed by store and priced in lines.mapValues {{ case (sku, qty) => qty *"
    " prices.getOrElse(sku, 0.0) }} before reduceByKey and saveAsTextFile: the Map is in the"
    " closure, serialized on the driver with it before any job; {where}; the shell prints only"
    " the top frames of the error, none of Spark's; no job started (the event log holds no job);"
    " 'store revenue written' never printed; no executor OutOfMemoryError: labelled"
    " large_closure"
)
_MEMBERS = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT, INFO log,"
    " spark.driver.maxResultSize at its default 1g: the loyalty programme's partner export,"
    " 3,500,000 generated members (16 partitions; member id, e-mail, name, points, tier, join"
    " date) sorted by points with members.orderBy(F.desc('points')).collect() (line 104) to be"
    " written with the csv module: the sort's sampling and shuffle jobs and the collect's job"
    " (ResultStage 3, 4 tasks after adaptive coalescing, 'Job 2 finished: collect at"
    " .../scenarios_r70.py:104') succeeded, then the driver ran out turning the collected"
    " results into rows for Python; {where}; 'members: ...' never printed; no maxResultSize"
    " abort, no executor OutOfMemoryError: labelled collect_to_driver"
)
_ROLLUP = (
    "note: spark-sql (its default WARN log), local[*] (the executor inside the driver JVM),"
    " SMALL_DRIVER_RUN (driver 160m, RESERVED_32M, PARALLEL_GC_LIMIT): the weekly grocery sales"
    " report from spark-sql on the scheduler's host, a CTAS of 4,000,000 generated till lines"
    " (400 stores in 12 regions and 60,000 SKUs drawn by hash; its parquet writers squeezed into"
    " the heap, 'WARN MemoryManager: Total allocation exceeds 95.00% (N bytes) of heap memory' /"
    " 'Scaling row group sizes to N% for 2 writers'), then CREATE TABLE weekly_sales_rollup USING"
    " parquet AS SELECT region, store_id, sku, sum(qty), round(sum(qty * price), 2) ... GROUP BY"
    " ROLLUP(region, store_id, sku); nothing in it is unusual, the driver (the executor of"
    " local[*] inside it) is far too small for it; {where}; the rollup's aggregation failed in"
    " its map stage (stage 1) before anything was written; 'report_rows' never printed:"
    " labelled client_mode_small_driver"
)
_HISTORY = (
    "note: local-cluster[2,1,1024], executors 768m, driver JVM 1g, PARALLEL_GC_LIMIT, INFO log, the"
    " Python driver's address space capped by the script at its size plus 700 MB (as a nearly"
    " full container would; nothing printed): the recommendations cache, 30 days of 400,000"
    " generated orders a day (4 partitions), each day's orders read with toLocalIterator() and"
    " appended as (order_id, sku, amount, day) tuples to a defaultdict(list) keyed by customer"
    " that lives across the loop (line 151), to be dumped as JSON at the end; {where}; each day"
    " is read a partition at a time, the Python driver full of the tuples the dict keeps from"
    " every day so far; no OutOfMemoryError of the JVM, no executor OutOfMemoryError: labelled"
    " driver_side_state"
)
_SWIPES = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 192m (RESERVED_32M), -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false: the loyalty card swipes of the month, 1,280,000 generated"
    " swipes in 320,000 partitions standing for the tills' uploads (spark.range(...).rdd.map to"
    " (store, card, points) tuples), persisted with swipes.persist(StorageLevel."
    "MEMORY_AND_DISK_SER) because two reports read it, the first"
    " swipes.coalesce(8).map(...).reduceByKey(_ + _).collect(): 8 tasks, each computing and"
    " persisting 40,000 tiny partitions ('WARN TaskSetManager: Stage 0 contains a task of very"
    " large size (1962 KiB)'), one block status update to the driver each; {where}; 'stores:"
    " ...' never printed; no executor OutOfMemoryError (the executors' stderr: 'Executor"
    " self-exiting due to : Driver ... disassociated!' or nothing): labelled"
    " cached_block_metadata"
)
_COLD = (
    "note: local[*] (the executor and its state store inside the driver JVM), driver 512m,"
    " -XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20 (STREAM_512),"
    " spark.sql.shuffle.partitions=4, INFO log: the cold-chain dashboard, a rate source of"
    " 50,000 readings a second from up to 20,000,000 fridge sensors, groupBy(window('ts', '1"
    " hour'), 'sensor_id').agg(min, max, avg, count) with no watermark, outputMode('update')"
    " to the console sink (truncate off, a 3 s trigger; each batch's table printed, 20 rows"
    " shown): every (hour, sensor) group stays in the state store, the progress reports show"
    " it grow ({rows}); {where}; no executor of its own to blame: labelled streaming_state"
)
_ORDERS = (
    "note: spark-sql (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m, PARALLEL_GC_LIMIT, the broadcast threshold at its default 10 MB: web orders matched to"
    " the CRM's customers, 1,200,000 generated customers (e-mail, name, a 128-character address,"
    " country) and 3,000,000 orders (a third of them guest checkouts with no customer id) written"
    " by CTAS, then CREATE TABLE orders_with_customer AS SELECT ... FROM web_orders o LEFT JOIN"
    " crm_customers c ON o.customer_id = c.customer_id OR o.email = c.email: an OR of two"
    " equalities gives no equi-join keys, so the LEFT OUTER join is planned as a"
    " BroadcastNestedLoopJoin building the customers whatever their size; {where}; the job that"
    " failed is the collect of the customers for the broadcast (BroadcastExchangeExec."
    "$anonfun$relationFuture$1 <- SparkPlan.executeCollectIterator in the driver stack);"
    " 'orders_matched' never printed; no executor OutOfMemoryError: labelled"
    " broadcast_too_large. The scenario's second try: its first script had 2,000,000 customers,"
    " and on both versions the driver's only error was 'ERROR TaskResultGetter: Exception while"
    " getting task result' / 'java.lang.IllegalStateException: unread block data' (in"
    " ObjectInputStream.readArray <- DirectTaskResult.value) for the same collect, no"
    " OutOfMemoryError line"
)
_PROFILES = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m (never short of heap), after_oom off: the merchandising team's browsing profiles,"
    " 12,000,000 generated page views (16 partitions) of product URLs with their query strings"
    " (a session token in each), 60 % of them under the visitor id 'anonymous' (no consent"
    " cookie), as a pair RDD, and views.aggregateByKey(mutable.HashSet.empty[String])(_ += _, _"
    " ++= _) for the distinct URLs per visitor, each visitor's count written with"
    " saveAsTextFile: the reduce task of 'anonymous' merges its 7,200,000 URLs into one HashSet"
    " on one executor; {where}; the executors' stderr hold the OutOfMemoryErrors, the driver's"
    " log only the lost tasks and executors; 'browsing profiles written' never printed:"
    " labelled not_driver_oom. The scenario's second try: its first script had 7,000,000 page"
    " views, and its 3.5 run finished (exit 0 after 39 s, 'anonymous,4200000' in the output);"
    " the 4.3 run of that script lost executors the same way and was stopped by hand after"
    " 115 s, once the second try was decided"
)
OUTCOME_NOTES = {
    "web_visitors_distinct_urls_aggregate_by_key_sets--scala--spark43--cluster": _PROFILES.format(
        where="in the result stage (stage 1) 'WARN TaskSetManager: Lost task 13.0 in stage 1.0 (TID"
        " 29) (192.0.2.2 executor 0): java.lang.OutOfMemoryError: Java heap space', 'ERROR"
        " TaskSchedulerImpl: Lost executor 0 on 192.0.2.2: Command exited with code 52', 'Lost task"
        " 13.2 in stage 1.0 (TID 33) ... FetchFailed(...)' / 'Caused by:"
        " org.apache.spark.ExecutorDeadException: [INTERNAL_ERROR_NETWORK] The relative remote"
        " executor(Id: 0), which maintains the block data to fetch is dead.', then in the retry"
        " 'Lost task 0.0 in stage 1.1 (TID 42) (192.0.2.2 executor 1): java.lang.OutOfMemoryError:"
        " Java heap space', 'Lost executor 1 on 192.0.2.2: Command exited with code 52', 'Lost"
        " task 0.1 in stage 1.1 (TID 43) ... FetchFailed(null, ...)' / 'MetadataFetchFailedException:"
        " Missing an output location for shuffle 0 partition 13'; the job still running"
        " (recomputing the lost map outputs), killed by the hard timeout after 300 s; the"
        " executors' OutOfMemoryErrors at ObjectInputStream$BlockDataInputStream.readUTF ... <-"
        " scala.collection.generic.DefaultSerializationProxy.readObject (the map side's sets read"
        " back from the shuffle)"
    ),
    "web_visitors_distinct_urls_aggregate_by_key_sets--scala--spark35--cluster": _PROFILES.format(
        where="in the result stage (stage 1, the shuffle's reduce side) 'WARN TaskSetManager: Lost"
        " task 13.0 in stage 1.0 (TID 29) (192.0.2.2 executor 1): java.lang.OutOfMemoryError:"
        " Java heap space', 'ERROR TaskSchedulerImpl: Lost executor 1 on 192.0.2.2: Command"
        " exited with code 52', 'Lost task 13.2 in stage 1.0 (TID 33) ... FetchFailed(...)', then"
        " the stage's retries 1.1, 1.2 and 1.3 the same way (executors 0, 3 and 4 lost with code"
        " 52, 'MetadataFetchFailedException: Missing an output location for shuffle 0 partition"
        " 13'), 'ERROR SparkHadoopWriter: Aborting job ...', 'Job aborted due to stage failure:"
        " ResultStage 1 (runJob at SparkHadoopWriter.scala:83) has failed the maximum allowable"
        " number of times: 4. Most recent failure reason:' / 'org.apache.spark.shuffle."
        "MetadataFetchFailedException: Missing an output location for shuffle 0 partition 13';"
        " exit 0 after 152 s (the shell goes on)"
    ),
    "web_orders_crm_match_or_condition_join_sql--sql--spark35--cluster": _ORDERS.format(
        where="the two CTAS statements ('Time taken: 10.075 seconds', '6.047 seconds'), then four"
        " times 'WARN BlockManager: Failed to fetch remote block taskresult_N from"
        " [BlockManagerId(...)] after 1 fetch failures. Most recent failure cause:' /"
        " 'org.apache.spark.SparkException: Exception thrown in awaitResult:' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space' (at HeapByteBuffer.<init> <-"
        " ByteBuffer.allocate ... NettyManagedBuffer.nioByteBuffer <-"
        " BlockTransferService$$anon$1.onBlockFetchSuccess: the driver fetching the task's result),"
        " each followed by 'WARN TaskSetManager: Lost task 0.N in stage 2.0 (TID N) (192.0.2.2"
        " executor N): TaskResultLost (result lost from block manager)', then 'ERROR"
        " TaskSetManager: Task 0 in stage 2.0 failed 4 times; aborting job' / 'Job aborted due to"
        " stage failure: Task 0 in stage 2.0 failed 4 times, most recent failure: Lost task 0.3 in"
        " stage 2.0 (TID 28) (192.0.2.2 executor 0): TaskResultLost (result lost from block"
        " manager)'; exit 1 after 35 s"
    ),
    "web_orders_crm_match_or_condition_join_sql--sql--spark43--cluster": _ORDERS.format(
        where="the two CTAS statements ('Time taken: 9.554 seconds', '4.675 seconds'), then once"
        " 'WARN BlockManager: Failed to fetch remote block taskresult_24 ... after 1 fetch"
        " failures.' / 'Caused by: java.lang.OutOfMemoryError: Java heap space' (at"
        " HeapByteBuffer.<init> ... the driver fetching the task's result), 'Lost task 0.0 in"
        " stage 2.0 (TID 24) (192.0.2.2 executor 1): TaskResultLost (result lost from block"
        " manager)', then 'ERROR TaskResultGetter: Exception while getting task result' /"
        " 'java.lang.IllegalStateException: unread block data' / 'Job aborted due to stage"
        " failure: Exception while getting task result: java.lang.IllegalStateException: unread"
        " block data'; exit 1 after 32 s"
    ),
    "store_revenue_price_list_map_values_closure--scala--spark35--cluster": _REVENUE.format(
        where="'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
        " ByteArrayOutputStream.ensureCapacity <- ByteArrayOutputStream.write <-"
        " ByteBufferOutputStream.write (Spark's serializer buffer) <- ObjectOutputStream ... <-"
        " scala.collection.immutable.HashMap$SerializationProxy.writeObject (the price list"
        " being written); exit 0 after 21 s (the shell goes on)"
    ),
    "store_revenue_price_list_map_values_closure--scala--spark43--cluster": _REVENUE.format(
        where="'java.lang.OutOfMemoryError: Java heap space' at"
        " ObjectOutputStream$HandleTable.growEntries <- HandleTable.assign <- ObjectOutputStream"
        " ... <- scala.collection.generic.DefaultSerializationProxy.writeObject <-"
        " BitmapIndexedMapNode.foreach (the price list being written); exit 0 after 23 s"
    ),
    "loyalty_members_points_sorted_export_collect--pyspark--spark35--cluster": _MEMBERS.format(
        where="'WARN TransportChannelHandler: Exception in connection from /192.0.2.2:N' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'ERROR Inbox: An error"
        " happened while processing message in the inbox for CoarseGrainedScheduler', 'Exception"
        ' in thread "dispatcher-CoarseGrainedScheduler" java.lang.OutOfMemoryError: GC overhead'
        " limit exceeded', then the Python traceback at line 104 (members.orderBy(...).collect())"
        " / 'py4j.protocol.Py4JJavaError: An error occurred while calling o83.collectToPython.' /"
        " ': java.lang.OutOfMemoryError: GC overhead limit exceeded'; exit 1 after 31 s"
    ),
    "loyalty_members_points_sorted_export_collect--pyspark--spark43--cluster": _MEMBERS.format(
        where="'ERROR TransportRequestHandler: Error while invoking RpcHandler#receive() on RPC"
        " id N', then the traceback at line 104 / 'py4j.protocol.Py4JJavaError: An error"
        " occurred while calling o107.collectToPython.' / 'Caused by:"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' at SparkPlan$$anon$1._next <-"
        " SparkPlan.$anonfun$executeCollect$1 <- SparkPlan.executeCollect (the rows decoded from"
        " the collected results); exit 1 after 32 s"
    ),
    "grocery_sales_rollup_report_ctas_sql--sql--spark35--local": _ROLLUP.format(
        where="the till lines' CTAS ('Time taken: 7.924 seconds'), then 'WARN TaskMemoryManager:"
        " Failed to allocate a page (2097152 bytes), try again.', 'ERROR Executor: Exception in"
        " task 1.0 in stage 1.0 (TID 17)' / 'java.lang.OutOfMemoryError: GC overhead limit"
        " exceeded', 'Lost task 1.0 in stage 1.0 (TID 17) (192.0.2.2 executor driver):"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded', 'Task 1 in stage 1.0 failed 1"
        " times; aborting job', 'ERROR SparkUncaughtExceptionHandler: Uncaught exception in"
        " thread Thread[Executor task launch worker for task 1.0 in stage 1.0 (TID 17),5,main]';"
        " exit code 52 after 23 s"
    ),
    "grocery_sales_rollup_report_ctas_sql--sql--spark43--local": _ROLLUP.format(
        where="the till lines' CTAS ('Time taken: 8.721 seconds'), then 'ERROR Executor:"
        " Exception in task 0.0 in stage 1.0 (TID 16)' / 'java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded', 'ERROR SparkUncaughtExceptionHandler', 'Lost task 0.0 in"
        " stage 1.0 (TID 16) (192.0.2.2 executor driver): java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded', 'Task 0 in stage 1.0 failed 1 times; aborting job', 'Job"
        " aborted due to stage failure: ...' / 'Caused by: java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded'; exit code 52 after 24 s"
    ),
    "customer_order_history_dict_local_iterator_by_day--pyspark--spark35--cluster": _HISTORY.format(
        where="three days printed ('2026-11-01: 400000 orders, 400000 customers in the cache' ..."
        " '2026-11-03: 400000 orders, 1200000 customers in the cache'), then the Python traceback"
        " at line 151 (history[r.customer_id].append(...), in the fourth day's loop) /"
        " 'MemoryError'; exit 1 after 28 s"
    ),
    "customer_order_history_dict_local_iterator_by_day--pyspark--spark43--cluster": _HISTORY.format(
        where="the same three days ('2026-11-03: 400000 orders, 1200000 customers in the"
        " cache'), then the traceback at line 151 / 'MemoryError'; exit 1 after 34 s"
    ),
    "card_swipes_serialized_rdd_persist_store_points--scala--spark35--cluster": _SWIPES.format(
        where="about 130 s into the first job 'WARN TransportChannelHandler: Exception in"
        " connection from /192.0.2.2:N' / 'java.lang.OutOfMemoryError: GC overhead limit"
        " exceeded', 'Lost executor 0 on 192.0.2.2: Command exited with code 0', 'ERROR Inbox: An"
        " error happened while processing message in the inbox for BlockManagerMaster' /"
        ' \'Exception in thread "dispatcher-BlockManagerMaster" java.lang.OutOfMemoryError: GC'
        " overhead limit exceeded', 'ERROR DAGSchedulerEventProcessLoop: DAGSchedulerEventProcess"
        "Loop failed; shutting down SparkContext', 'Exception in thread \"ExecutorRunner for"
        " app-.../2\"', 'ERROR Utils: uncaught error in thread spark-listener-group-appStatus,"
        " stopping SparkContext' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded',"
        " 'Exception in thread \"task-result-getter-2\"', then 'org.apache.spark.SparkException:"
        " Job 0 cancelled as part of cancellation of all jobs'; exit 0 after 142 s"
    ),
    "card_swipes_serialized_rdd_persist_store_points--scala--spark43--cluster": _SWIPES.format(
        where="about 70 s into the first job 'ERROR Inbox: An error happened while processing"
        " message in the inbox for CoarseGrainedScheduler' / 'java.lang.OutOfMemoryError: Java"
        " heap space' at Arrays.copyOf <- ByteArrayOutputStream.ensureCapacity <-"
        " ByteBufferOutputStream.write ... ParallelCollectionPartition.writeObject <-"
        " CoalescedRDDPartition.writeObject (a task of 40,000 partitions being serialized for"
        ' launch), \'Exception in thread "dispatcher-CoarseGrainedScheduler"'
        " java.lang.OutOfMemoryError: Java heap space', six times in 5 s; the shell hung, killed"
        " 60 s after the first OutOfMemoryError (156 s)"
    ),
    "cold_store_sensor_hourly_min_max_console_stream--pyspark--spark35--local": _COLD.format(
        rows="'numRowsTotal' 100,000 after batch 1 ... 750,000 after batch 6, 'memoryUsedBytes'"
        " 207,679,104",
        where="'WARN ProcessingTimeExecutor: Current batch is falling behind.', then in batch 7"
        " 'ERROR WriteToDataSourceV2Exec: Data source write support MicroBatchWrite[epoch: 7,"
        " writer: ConsoleWriter[numRows=20, truncate=false]] is aborting.', 'ERROR"
        " MicroBatchExecution: Query [id = ..., runId = ...] terminated with error' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (at"
        " Iso8601TimestampFormatter.format <- ToPrettyString.eval <- ConvertToLocalRelation: the"
        " console sink formatting the batch's updated rows), 'Exception in thread \"stream"
        ' execution thread for [id = ..., runId = ...]" java.lang.OutOfMemoryError: GC overhead'
        " limit exceeded', the Python traceback at line 67 (query.awaitTermination) /"
        " 'pyspark.errors.exceptions.captured.StreamingQueryException: [STREAM_FAILED] Query"
        " [...] terminated with exception: GC overhead limit exceeded'; exit 1 after 36 s",
    ),
    "cold_store_sensor_hourly_min_max_console_stream--pyspark--spark43--local": _COLD.format(
        rows="'numRowsTotal' 200,000 after batch 2 ... 650,000 after batch 5, 'memoryUsedBytes'"
        " 196,615,152",
        where="in batch 6 'ERROR WriteToDataSourceV2Exec: Data source write support"
        " MicroBatchWrite[epoch: 6, writer: ConsoleWriter[numRows=20, truncate=false]] is"
        " aborting.', 'ERROR MicroBatchExecution: Query [...] terminated with error' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (at UTF8String.fromBytes <-"
        " UTF8String.copy <- InterpretedMutableProjection: the console sink copying the batch's"
        " rows), 'Exception in thread \"stream execution thread for [...]\"', the traceback at"
        " line 67 / 'StreamingQueryException: [STREAM_FAILED] Query [...] terminated with"
        " exception: GC overhead limit exceeded SQLSTATE: XXKST'; exit 1 after 34 s",
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r70)


if __name__ == "__main__":
    main()
