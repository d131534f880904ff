#!/usr/bin/env python
"""Run round 60 of the real Spark run matrix under tests/data/runs/ (manifest-r60.jsonl).

    python tests/data/runs/gen_r60.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r60.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r60.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 59, for causes
still confused with each other in driver logs and event logs: an executor (not the driver)
that runs out of memory under a program that looks like a driver problem, a client-mode
driver whose heap is small because of how it was launched, the driver's own heap filled
across many small jobs by what the program keeps, and the driver heap filled by the
bookkeeping of one stage of a very large number of tiny tasks. A PySpark run is one
``spark-submit scenarios_r60.py <scenario>`` by gen_more.run; a Scala run is one
``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from the
pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 59's, the script
being scenarios_r60.SCALA / SQL[scenario] written into the run's scratch dir. Finishing (trim,
zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification, the
manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r60).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_shell as gs  # noqa: E402  (CLUSTER, EXECUTOR_OOM_RUN, PARALLEL_GC_LIMIT, main)
import scenarios_r60  # noqa: E402  (SCALA and SQL scripts)

# An executor that runs out of its own heap (512m, below the 768m of the other runs) while the
# driver (512m) stays healthy: gen_shell.EXECUTOR_OOM_RUN (no kill after the first
# OutOfMemoryError, the executors' OOMs allowed, an OOM of the driver itself rejected), with
# round 59's hard timeout.
EXECUTOR_512 = dict(
    expect=gs.EXECUTOR_LOST,
    conf={"spark.executor.memory": "512m"},
    timeout=300,
    **gs.EXECUTOR_OOM_RUN,
)
# A driver of ordinary size (512m) whose full heap throws instead of thrashing, on
# local-cluster (the executors separate JVMs), with round 59's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# Rounds 56 to 59's small driver (224m let through Spark's start-up check by RESERVED_32M, the
# Parallel collector with a small young generation and a stricter GC overhead limit) for the
# bookkeeping of one stage of very many tasks.
SMALL_HEAP_TASKS = dict(
    mem="224m",
    gc="-XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    conf=gs.RESERVED_32M,
    variants=gs.CLUSTER,
    timeout=300,
)

SCENARIOS = {
    # PySpark: array_join(collect_list(order_id)) per customer with one placeholder customer
    # for 70 % of the orders, a broadcast join to the segments, toPandas of a summary.
    "crm_order_id_strings_per_customer_summary": dict(label="not_driver_oom", **EXECUTOR_512),
    # Scala: exact median per store by a typed Aggregator (udaf) keeping every value, 80 % of
    # the baskets in store ONLINE, a broadcast join to the stores, collect of the report.
    "store_basket_value_exact_median_aggregator": dict(
        label="not_driver_oom", lang="scala", **EXECUTOR_512
    ),
    # PySpark: SparkConf(spark.driver.memory=6g) + SparkContext after spark-submit started the
    # driver JVM at 1g; a broadcast join with 5,000,000 accounts.
    "subscription_renewals_account_broadcast_join": dict(
        label="client_mode_small_driver", expect=gs.BROADCAST_OOM, mem="1g", **DRIVER_512
    ),
    # Scala: the shell's SparkSession.builder with spark.driver.memory=8g (an existing
    # session, the default 1g driver); 6,000,000 price points collected as case classes.
    "sku_price_audit_dataset_collect_local_groups": dict(
        label="client_mode_small_driver", lang="scala", expect=ge.DRIVER_OOM, mem="1g", **DRIVER_512
    ),
    # PySpark: one toLocalIterator() cursor a region, the first rows read, every cursor kept.
    "regional_order_previews_open_local_iterators": dict(
        label="driver_side_state", expect=ge.DRIVER_OOM, **DRIVER_512
    ),
    # Scala: per (day, column) value frequencies collected into Maps kept by the program.
    "product_feed_daily_column_value_profiles": dict(
        label="driver_side_state", lang="scala", expect=ge.DRIVER_OOM, **DRIVER_512
    ),
    # Scala: sc.parallelize(tiles, tiles.size), one task per tile, 400,000 tasks.
    "map_tiles_parallelize_render_farm": dict(
        label="too_many_tasks", lang="scala", expect=ge.DRIVER_OOM, **SMALL_HEAP_TASKS
    ),
    # SQL: a table bucketed into 300,000 buckets (maxBuckets raised), a bucketed GROUP BY.
    "customer_events_bucketed_table_daily_rollup_sql": dict(
        label="too_many_tasks", lang="sql", expect=ge.DRIVER_OOM, **SMALL_HEAP_TASKS
    ),
}

NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_ORDER_IDS = (
    "note: local-cluster[2,1,1024], executors 512m, driver 512m, EXECUTOR_OOM_RUN, INFO log:"
    " the CRM export of every customer's order ids as one comma-separated string,"
    " groupBy(customer_id).agg(count, sum(amount), array_join(collect_list(order_id), ','))"
    " over 12,000,000 orders in 16 partitions, 70 % of them (8,400,000) under the placeholder"
    " customer C0000000 of the orders without a loyalty card, joined to 400,000 customer"
    " segments with F.broadcast (built on the driver without trouble), then toPandas() of a"
    " three-row summary per segment: the reduce task of the placeholder key merges the"
    " partial collect_list buffers of millions of ids on one executor; {where}; the driver"
    " never ran out of memory (no OutOfMemoryError of its own, the summary never printed):"
    " labelled not_driver_oom"
)
_MEDIANS = (
    "note: spark-shell, local-cluster[2,1,1024], executors 512m, driver 512m,"
    " EXECUTOR_OOM_RUN: the monthly store review's exact median basket value per store, a"
    " typed Aggregator[Double, ArrayBuffer[Double], Double] (Encoders.kryo buffer) registered"
    " with functions.udaf, over 20,000,000 baskets in 16 partitions, 80 % of them in store"
    " ONLINE (the web shop), joined to the 901 stores with broadcast() and collected"
    " (orderBy(desc(baskets)).collect()): the reduce task of ONLINE deserializes and merges"
    " the partial buffers of 16,000,000 boxed doubles on one executor; {where}; the driver"
    " never ran out of memory, 'stores reviewed' never printed: labelled not_driver_oom"
)
_RENEWALS = (
    "note: local-cluster[2,1,1024], executors 768m, INFO log, PARALLEL_GC_LIMIT: the nightly"
    " subscription renewals report, whose script prints its settings to stderr ('subscription"
    " renewals: starting with spark.app.name=subscription-renewals-nightly,"
    " spark.driver.memory=6g, spark.driver.maxResultSize=3g, spark.sql.shuffle.partitions=64')"
    " and makes its own SparkContext(conf=SparkConf().setAll(...)), but spark-submit (client"
    " mode) had already started the driver JVM with --driver-memory 1g (Spark's default,"
    " passed explicitly), so only the result limit and the shuffle partitions took effect:"
    " 'MemoryStore started with capacity 366.3 MiB' (the 1g heap); 2,000,000 renewals joined"
    " to 5,000,000 accounts (bigint key, plan, country, billing e-mail, signup date) with"
    " F.broadcast(accounts), the driver building the hashed relation (a few hundred MB) that"
    " a 6g driver would hold; 'Job 0 finished: collect at .../scenarios_r60.py:125' (the"
    " accounts collected for the broadcast), then {where}; no executor OutOfMemoryError:"
    " labelled client_mode_small_driver"
)
_PRICES = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, PARALLEL_GC_LIMIT: the SKU"
    " price audit pasted from a notebook, SparkSession.builder().appName('sku-price-audit')"
    " .config('spark.driver.memory', '8g').config('spark.driver.maxResultSize', '4g')"
    ".getOrCreate() in the shell, whose driver JVM runs with --driver-memory 1g (Spark's"
    " default, passed explicitly): 'WARN SparkSession: Using an existing Spark session; only"
    " runtime SQL configurations will take effect.', then the script's 'price audit settings:"
    " spark.driver.memory=8g spark.driver.maxResultSize=4g' (the values in the session conf,"
    " not the heap); 6,000,000 price points (sku, store, valid from, price, currency)"
    " collected as a Dataset[PricePoint] of case classes to check price jumps locally, which"
    " an 8g driver would hold; {where}; 'price points' never printed; no executor"
    " OutOfMemoryError: labelled client_mode_small_driver"
)
_CURSORS = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT, INFO log"
    " ('MemoryStore started with capacity 93.3 MiB'): the order desk's regional previews, for"
    " each of 60 regions a DataFrame of 400,000 orders in 2 partitions, a cursor opened with"
    " toLocalIterator(), its first 5 rows read (itertools.islice) and the cursor kept in a dict"
    " for the next page: each open cursor's serving thread in the driver JVM keeps the"
    " partition it fetched (200,000 pickled rows, 'Added taskresult_N ... (size: 23.9 MiB"
    " ...)') until it is read on; one small one-partition job a region; {where}; 'previews"
    " ready' never printed; no executor OutOfMemoryError: labelled driver_side_state"
)
_PROFILES = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m,"
    " PARALLEL_GC_LIMIT: the partner product feed's data-quality report, 30 days x 120,000"
    " rows, for every day and every text column (sku, brand, image_url, title)"
    " where(day).groupBy(col).count().collect() turned into a Map[String, Long] and kept in"
    " a LinkedHashMap by (day, column) for the drift comparison at the end (up to 120,000"
    " values a profile); each job alone small; {where}; 'feed profiles kept' never printed;"
    " no executor OutOfMemoryError: labelled driver_side_state"
)
_TILES = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20: the map tiles"
    " changed by a style release (zooms 12 to 16, 400 x 200 tiles each, 400,000 tile ids)"
    " re-rendered one task per tile, sc.parallelize(tiles, tiles.size).map(render)"
    ".filter(...).count(): one stage of 400,000 tiny tasks; {where}; 'tiles rendered' never"
    " printed; no executor OutOfMemoryError: labelled too_many_tasks"
)
_BUCKETS = (
    "note: spark-sql, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20: SET"
    " spark.sql.sources.bucketing.maxBuckets=300000 (past its 100,000 limit), CREATE TABLE"
    " customer_events (...) USING parquet CLUSTERED BY (customer_id) INTO 300000 BUCKETS, an"
    " INSERT of 3,000 events of the day (one file per bucket written, {files}), then SELECT"
    " customer_id, count(*), sum(amount) ... GROUP BY customer_id ORDER BY amount DESC LIMIT"
    " 20, which reads the table bucketed (no shuffle): one task per bucket, 300,000 tasks,"
    " almost all of them empty; {where}; no row printed; no executor OutOfMemoryError:"
    " labelled too_many_tasks"
)
OUTCOME_NOTES = {
    "crm_order_id_strings_per_customer_summary--pyspark--spark35--cluster": _ORDER_IDS.format(
        where="the two map stages done, then in ShuffleMapStage 3 (the final aggregation) 'WARN"
        " TaskSetManager: Lost task 1.0 in stage 3.0 (TID 21) (192.0.2.2 executor 0):"
        " java.lang.OutOfMemoryError: Java heap space' (executor 0's stderr: at"
        " UnsafeRow.getBinary <- TypedImperativeAggregate.merge, a partial buffer being"
        " merged), 'ERROR TaskSchedulerImpl: Lost executor 0 on 192.0.2.2: Command exited with"
        " code 52', the stage resubmitted after FetchFailed ('The relative remote executor(Id:"
        " 0), which maintains the block data to fetch is dead') and executors 1, 3 and 2 lost the"
        " same way in attempts 3.1 to 3.3 ('ExecutorLostFailure (executor 3 exited caused by one"
        " of the running tasks) Reason: Command exited with code 52'), under line 67 (toPandas)"
        " 'Py4JJavaError: An error occurred while calling o119.collectToPython.' / 'Job aborted"
        " due to stage failure: ShuffleMapStage 3 (toPandas at .../scenarios_r60.py:67) has"
        " failed the maximum allowable number of times: 4'; exit 1 after 72 s"
    ),
    "crm_order_id_strings_per_customer_summary--pyspark--spark43--cluster": _ORDER_IDS.format(
        where="in ShuffleMapStage 3 'Lost task 1.0 in stage 3.0 (TID 21) (192.0.2.2 executor"
        " 1): java.lang.OutOfMemoryError: Java heap space' (executor 1's stderr: at"
        " ArrayBuffer.ensureSize <- ArrayBuffer.addOne, the collect_list buffer growing),"
        " 'Lost executor 1 on 192.0.2.2: Command exited with code 52', then executors 0, 2 and"
        " 3 the same way in the resubmitted attempts, under line 67 'Py4JJavaError: An error"
        " occurred while calling o148.collectToPython.' / 'Job aborted due to stage failure:"
        " ShuffleMapStage 3 (toPandas at .../scenarios_r60.py:67) has failed the maximum"
        " allowable number of times: 4'; exit 1 after 94 s"
    ),
    "store_basket_value_exact_median_aggregator--scala--spark35--cluster": _MEDIANS.format(
        where="'WARN TaskSetManager: Lost task 1.0 in stage 3.0 (TID 20) (192.0.2.2 executor"
        " 0): java.lang.OutOfMemoryError: Java heap space' (the executors' stderr: at"
        " Double.valueOf <- Kryo DoubleSerializer.read, a partial buffer being deserialized),"
        " 'ERROR TaskSchedulerImpl: Lost executor 0 on 192.0.2.2: Command exited with code"
        " 52', FetchFailed for the dead executor's shuffle output and the stage resubmitted,"
        " executors 1, 3 and 4 lost the same way ('ExecutorLostFailure (executor 1 exited caused"
        " by one of the running tasks) Reason: Command exited with code 52'),"
        " 'org.apache.spark.SparkException: Job aborted due to stage failure: ResultStage 3"
        " (collect at .../store_basket_value_exact_median_aggregator.scala:49) has failed the"
        " maximum allowable number of times: 4'; exit 0 after 80 s (the shell goes on to its"
        " end)"
    ),
    "store_basket_value_exact_median_aggregator--scala--spark43--cluster": _MEDIANS.format(
        where="'Lost task 1.0 in stage 3.0 (TID 20) (192.0.2.2 executor 1):"
        " java.lang.OutOfMemoryError: Java heap space' (the executors' stderr: at Double.valueOf"
        " <- Kryo DoubleSerializer.read), 'Lost executor 1 on 192.0.2.2: Command exited with"
        " code 52', then executors 0, 2 and 3 the same way in the resubmitted attempts,"
        " 'org.apache.spark.SparkException: Job aborted due to stage failure: ResultStage 3"
        " ($anonfun$withThreadLocalCaptured$1 at CompletableFuture.java:1768) has failed the"
        " maximum allowable number of times: 4. Most recent failure reason:"
        " org.apache.spark.shuffle.MetadataFetchFailedException: Missing an output location"
        " ...'; exit 0 after 88 s"
    ),
    "subscription_renewals_account_broadcast_join--pyspark--spark35--cluster": _RENEWALS.format(
        where="under line 125 (collect) 'Py4JJavaError: An error occurred while calling"
        " o117.collectToPython.' / ': org.apache.spark.SparkException: Not enough memory to build"
        " and broadcast the table to all worker nodes. As a workaround, you can either disable"
        " broadcast by setting spark.sql.autoBroadcastJoinThreshold to -1 or increase the spark"
        " driver memory by setting spark.driver.memory to a higher value.' (Spark 3.5's"
        " SparkFatalException hides the OutOfMemoryError line); exit 1 after 14 s. A first try"
        " with a string account key (not kept) looped for two minutes on 'WARN"
        " TaskMemoryManager: Failed to allocate a page (268435456 bytes), try again.' (the"
        " driver-side hashed relation's memory manager is unbounded and catches the"
        " OutOfMemoryError of each page), stopped by hand"
    ),
    "subscription_renewals_account_broadcast_join--pyspark--spark43--cluster": _RENEWALS.format(
        where="'WARN TaskMemoryManager: Failed to allocate a page (268435456 bytes), try"
        " spilling task memory.' / 'java.lang.OutOfMemoryError: Java heap space' at"
        " HeapMemoryAllocator.allocate <- LongToUnsafeRowMap.growArray (the hashed relation"
        " growing), under line 125 'Py4JJavaError: An error occurred while calling"
        " o154.collectToPython.' / ': org.apache.spark.SparkException: Not enough memory to"
        " build and broadcast the table to all worker nodes. As a workaround, you can either"
        " disable broadcast by setting spark.sql.autoBroadcastJoinThreshold to -1 or increase"
        " the spark driver memory by setting spark.driver.memory to a higher value ...'; exit 1"
        " after 17 s"
    ),
    "sku_price_audit_dataset_collect_local_groups--scala--spark35--cluster": _PRICES.format(
        where="'ERROR Utils: Uncaught exception in thread driver-heartbeater' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', then the collect's own"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at SparkPlan$$anon$1._next <-"
        " SparkPlan.executeCollect <- Dataset.collect (the collected rows being decoded); exit"
        " 0 after 31 s (the shell goes on to its end)"
    ),
    "sku_price_audit_dataset_collect_local_groups--scala--spark43--cluster": _PRICES.format(
        where="'java.lang.OutOfMemoryError: GC overhead limit exceeded' at SparkPlan$$anon$1._next"
        " <- SparkPlan.executeCollect (the collected rows being decoded); exit 0 after 32 s"
    ),
    "regional_order_previews_open_local_iterators--pyspark--spark35--cluster": _CURSORS.format(
        where="'region-00: first order ORD-000000000000' to 'region-11: first order"
        " ORD-000004400000' (12 cursors open, about 290 MB of fetched partitions), then the 13th"
        " region's job: 'ERROR Utils: Uncaught exception in thread task-result-getter-0' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at ObjectInputStream.readArray <-"
        " DirectTaskResult.value <- TaskResultGetter (the partition's result being"
        " deserialized), 'Exception in thread \"task-result-getter-0\"'; the job never"
        " finished, the script hung, killed 60 s after the first OutOfMemoryError (84 s)"
    ),
    "regional_order_previews_open_local_iterators--pyspark--spark43--cluster": _CURSORS.format(
        where="'region-00: first order ...' to 'region-11: first order ORD-000004400000' (12"
        " cursors open), then the 13th region's job: 'ERROR Utils: Uncaught exception in thread"
        " task-result-getter-0' / 'java.lang.OutOfMemoryError: Java heap space' at"
        " ObjectInputStream.readArray <- DirectTaskResult.value; hung, killed 60 s after the"
        " first OutOfMemoryError (84 s)"
    ),
    "product_feed_daily_column_value_profiles--scala--spark35--cluster": _PROFILES.format(
        where="'day  0: 120000 distinct skus' to 'day  6: 120000 distinct skus' (28 profiles"
        " kept), then during the eighth day's collects 'java.lang.OutOfMemoryError: GC overhead"
        " limit exceeded' at UTF8String.toString <- SpecificSafeProjection <-"
        " ExpressionEncoder$Deserializer (a 120,000-row result being decoded, itself about 10"
        " MB); exit 0 after 91 s (the shell goes on to its end)"
    ),
    "product_feed_daily_column_value_profiles--scala--spark43--cluster": _PROFILES.format(
        where="'day  0: 120000 distinct skus' to 'day  8: 120000 distinct skus' (36 profiles"
        " kept; Scala 2.13's maps are smaller), then during the tenth day's collects 'ERROR"
        " Utils: Uncaught exception in thread driver-heartbeater' / 'java.lang.OutOfMemoryError:"
        " GC overhead limit exceeded', and the collect's own 'java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded' at Arrays.copyOfRange (the result being decoded, the rest of"
        " the trace elided by the shell); exit 0 after 112 s"
    ),
    "map_tiles_parallelize_render_farm--scala--spark35--cluster": _TILES.format(
        where='nothing printed, then \'Exception in thread "dag-scheduler-event-loop"'
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " DAGScheduler.submitMissingTasks (the stage's 400,000 tasks being made); the shell"
        " hung, killed 60 s after the first OutOfMemoryError (82 s)"
    ),
    "map_tiles_parallelize_render_farm--scala--spark43--cluster": _TILES.format(
        where="nothing printed, then 'ERROR Inbox: An error happened while processing message"
        " in the inbox for Worker' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded'"
        " (the local worker's RPC thread in the full driver heap), 'Exception in thread"
        ' "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded' (no trace printed) while the stage's 400,000 tasks were being made,"
        " 'Exception in thread \"dispatcher-event-loop-1\"'; the shell hung, killed 60 s after"
        " the first OutOfMemoryError (86 s)"
    ),
    "customer_events_bucketed_table_daily_rollup_sql--sql--spark35--cluster": _BUCKETS.format(
        files="5,982 files, 'Time taken: 35.49 seconds'",
        where="during the query's one stage 'ERROR Utils: uncaught error in thread"
        " spark-listener-group-appStatus, stopping SparkContext' / 'java.lang.OutOfMemoryError:"
        " Java heap space' at LiveStageMetrics.updateTaskMetrics <-"
        " SQLAppStatusListener.onTaskEnd (the SQL tab's per-task metrics of the stage),"
        " 'Exception in thread \"spark-listener-group-appStatus\"', 'Job 1 cancelled because"
        " SparkContext was shut down'; exit 1 after 58 s",
    ),
    "customer_events_bucketed_table_daily_rollup_sql--sql--spark43--cluster": _BUCKETS.format(
        files="5,982 files, 'Time taken: 31.198 seconds'",
        where="during the query's one stage 'ERROR Utils: uncaught error in thread"
        " spark-listener-group-appStatus, stopping SparkContext' / 'java.lang.OutOfMemoryError:"
        " Java heap space' at LiveStageMetrics.updateTaskMetrics <-"
        " SQLAppStatusListener.onTaskEnd, 'Job 1 cancelled because SparkContext was shut down',"
        " then 'GC overhead limit exceeded' in shutdown-hook-0, stop-spark-context and Thread-0;"
        " exit 1 after 60 s",
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r60)


if __name__ == "__main__":
    main()
