#!/usr/bin/env python
"""Run round 65 of the real Spark run matrix under tests/data/runs/ (manifest-r65.jsonl).

    python tests/data/runs/gen_r65.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r65.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r65.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 64, for causes
still thin or confused in driver logs and event logs: the driver heap filled by the status of
very many cached blocks, the driver heap filled by what the program or Spark keeps across many
small jobs, and ordinary work failing only because the driver JVM was left small. A PySpark run
is one ``spark-submit scenarios_r65.py <scenario>`` by gen_more.run; a Scala run one
``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from the
pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 64's, the script
being scenarios_r65.SCALA / SQL[scenario] written into the run's scratch dir. Finishing (trim,
zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification, the
manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r65).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_shell as gs  # noqa: E402  (CLUSTER, PARALLEL_GC_LIMIT, RESERVED_32M, main)
import scenarios_r65  # noqa: E402  (SCALA and SQL scripts)

# Round 56's recipe for the driver heap filled with the status of cached blocks (as round 63),
# with a 192m driver (224m in rounds 56 to 63, so that the heap fills within the timeout) let
# through Spark's start-up check by RESERVED_32M, the Parallel collector with a small young
# generation and a stricter GC overhead limit, adaptive execution off, on local-cluster, with
# round 64's hard timeout.
BLOCKS_CONF = {**gs.RESERVED_32M, "spark.sql.adaptive.enabled": "false"}
SMALL_HEAP_BLOCKS = dict(
    mem="192m",
    gc="-XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    variants=gs.CLUSTER,
    timeout=300,
)
# A small driver (224m, RESERVED_32M) whose full heap throws instead of thrashing
# (PARALLEL_GC_LIMIT), on local-cluster, with round 64's hard timeout: many small jobs.
SMALL_HEAP = dict(mem="224m", gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# The driver at Spark's default 1g (passed explicitly), its full heap throwing instead of
# thrashing, on local-cluster, with round 64's hard timeout.
DEFAULT_1G = dict(mem="1g", gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)

SCENARIOS = {
    # Scala (WARN, spark-shell's default): 320,000 tiny partitions persisted with
    # StorageLevel.OFF_HEAP (spark.memory.offHeap.enabled, 256m), depot totals over
    # coalesce(8).
    "parcel_scans_off_heap_persist_depot_totals": dict(
        label="cached_block_metadata",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf={
            **BLOCKS_CONF,
            "spark.memory.offHeap.enabled": "true",
            "spark.memory.offHeap.size": "256m",
        },
        **SMALL_HEAP_BLOCKS,
    ),
    # Scala (WARN): a timing helper that adds a new SparkListener on every call, one small job
    # a batch.
    "store_sales_batch_loader_stage_timer_per_call": dict(
        label="driver_side_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf=gs.RESERVED_32M,
        **SMALL_HEAP,
    ),
    # PySpark: every day's landing registered as an external CSV table of 400 columns and
    # counted, never dropped.
    "vendor_feed_daily_landing_tables_wide_schema": dict(
        label="driver_side_state",
        expect=ge.DRIVER_OOM,
        conf=gs.RESERVED_32M,
        **SMALL_HEAP,
    ),
    # PySpark: StringIndexer + OneHotEncoder + LogisticRegression over 1,500,000 merchants,
    # the driver at Spark's default 1g.
    "ad_clicks_ctr_pipeline_merchant_one_hot": dict(
        label="client_mode_small_driver",
        expect=ge.DRIVER_OOM,
        **DEFAULT_1G,
    ),
    # Scala: Correlation.corr of 5,000 basket categories, the launcher's default 1g driver.
    "category_affinity_basket_correlation_matrix": dict(
        label="client_mode_small_driver",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **DEFAULT_1G,
    ),
}

# Dropped (see the README section and the notes in scenarios_r65.py), two cached_block_metadata
# scenarios for which the round's time for new tries (45 minutes) ran out:
# loyalty_events_replicated_persist_export (PySpark, SMALL_HEAP_BLOCKS with BLOCKS_CONF), 150,000
# tiny partitions persisted MEMORY_AND_DISK_2 and exported over coalesce(8), whose first try on
# 3.5 finished (all 150,000 blocks and their replicas cached, both exports written, 174 s) and
# whose 4.3 try was stopped by hand after 27 s; web_orders_year_daily_views_union_cached_sql
# (spark-sql, the same settings), 365 daily views of 800 partitions put together with UNION ALL
# in one CACHE LAZY TABLE, never run. And after two tries a driver_side_state scenario in
# spark-sql, fulfilment_sla_checks_daily_sql (SMALL_HEAP with
# spark.ui.retainedJobs=100000, retainedStages=100000 and retainedTasks=10000000, raised by the
# team for its post-mortems), one small SLA statement per ship day over a view of 3,000,000
# shipments in 480 partitions: the job, stage and task records of each statement filled the
# driver too slowly for the 300 s timeout (224m, 274 statements in 300 s, first try; 176m with a
# carriers join, 62 statements in 160 s, the old generation at 73 to 81 %, second try).
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {
    # The driver's BlockManagerMaster ran out of heap while answering the executors' block
    # status updates; executor 0, whose update was answered with that error, exited with code
    # 52 (its uncaught-exception handler finding the OutOfMemoryError in the cause chain) and
    # its stderr holds the driver's OutOfMemoryError under 'Caused by:
    # java.util.concurrent.ExecutionException: Boxed Exception' with the driver's frames
    # (NettyRpcEnv.serialize <- BlockManagerMasterEndpoint.receiveAndReply), which the
    # executor-OOM check counts (as rounds 57 and 63). No executor ran out of its own heap.
    "parcel_scans_off_heap_persist_depot_totals--scala--spark43--cluster": "cached_block_metadata",
}
_TIMER = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 224m (RESERVED_32M), PARALLEL_GC_LIMIT: the store sales loader, 400 batches of a"
    " 4,800,000-row sales frame in 96 partitions, each batch"
    ' sales.where($"batch_id" === b).groupBy("store_id").agg(sum("amount")).count()'
    " wrapped in the team's helper timed(batch) {{ ... }}, which adds a new StageTimer (a"
    " SparkListener appending a TaskTiming case class for every onTaskEnd it sees) with"
    " sc.addSparkListener on each call and never removes it ('batch BNNNN: N ms, slowest task N"
    " ms' printed a batch); every timer added so far records the task ends of every later"
    " batch, so the timings grow with the square of the batches; {where}; each job reads a"
    " 400th of a few MB, no job or result is large, the driver full of what the program's"
    " listeners keep: labelled driver_side_state"
)
_FEED = (
    "note: local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " PARALLEL_GC_LIMIT, INFO log: the vendor catalogue feed, every day's landing folder (one"
    " CSV file of 3 rows written by the script) registered as its own external table with the"
    " vendor's 400-attribute schema, spark.sql('CREATE TABLE IF NOT EXISTS vendor_feed_<day>"
    " (sku STRING, attr_0000_value STRING, ...) USING csv OPTIONS (header 'true') LOCATION"
    " ...'), then spark.table(...).count() for the landing check ('feed <day>: 3 rows landed'),"
    " one table a day, none dropped (the session's in-memory catalog, its cache of table"
    " relations and the SQL executions of the DDL keep every day's 401-column schema); {where};"
    " no executor OutOfMemoryError; each day is one small DDL and one count of 3 rows, the"
    " driver full of what Spark keeps of every registered table: labelled driver_side_state"
)
_CTR = (
    "note: local-cluster[2,1,1024], executors 768m, driver 1g (Spark's default, passed"
    " explicitly: 'driver memory: 1g' printed, 'MemoryStore started with capacity 366.3 MiB'),"
    " PARALLEL_GC_LIMIT, INFO log: the ads team's click-through model, a Pipeline of"
    " StringIndexer(inputCols=[merchant_id, device_model], handleInvalid='keep'),"
    " OneHotEncoder, VectorAssembler and LogisticRegression(maxIter=30, regParam=0.01) fitted"
    " on 4,000,000 generated clicks (8 partitions) of 1,500,000 merchants and 20,000 device"
    " models: the indexer's label counts (one collect at StringIndexer.scala:204, a result of"
    " about 18 MB) sorted on the driver into 1,520,000 labels, carried as the one-hot column's"
    " metadata into a 1.52-million-feature logistic regression; {where}; 'ctr model trained'"
    " never printed; no executor OutOfMemoryError; an ordinary one-hot model that a driver of a"
    " few GB fits: labelled client_mode_small_driver"
)
_AFFINITY = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 1g (the launcher's default, passed explicitly: 'driver memory: 1g, max heap 910 MB'"
    " printed), PARALLEL_GC_LIMIT: the category managers' affinity report,"
    ' Correlation.corr(baskets, "categories").head of 600,000 generated baskets (4'
    " partitions), each a sparse 0/1 vector of up to 12 of 5,000 categories: the Gramian of"
    " 5,000 columns (12.5 million doubles, 100 MB) summed from the 4 tasks on the driver,"
    " expanded to the 5,000 x 5,000 covariance and correlation matrix (200 MB) and handed back"
    " as a one-row DataFrame; {where}; no pair count printed; no executor OutOfMemoryError; a"
    " correlation matrix a driver of a few GB holds: labelled client_mode_small_driver"
)
_PARCELS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m (and 256m"
    " off-heap), driver 192m (RESERVED_32M), -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50"
    " -XX:GCHeapFreeLimit=20, spark.sql.adaptive.enabled=false, spark.memory.offHeap.enabled=true"
    " and spark.memory.offHeap.size=256m (the team's caches moved off the heap; 'off-heap: true,"
    " 256m' printed): the parcel scans of the week, 1,280,000 generated scans in 320,000"
    " partitions standing for the scanners' small files, persist(StorageLevel.OFF_HEAP), then the"
    " depot totals groupBy(depot_id, scan_type).count() written as parquet over coalesce(8): 8"
    " tasks, each computing and caching 40,000 tiny partitions off the executors' heaps ('WARN"
    " TaskSetManager: Stage 0 contains a task of very large size (1962 KiB)', the coalesced task"
    " carrying its 40,000 parent partitions), one block status update to the driver each;"
    " {where}; 'depot totals written' never printed; the data is a few tens of MB and off the"
    " heap, the driver full of the status of the cached blocks: labelled cached_block_metadata"
)
OUTCOME_NOTES = {
    "parcel_scans_off_heap_persist_depot_totals--scala--spark35--cluster": _PARCELS.format(
        where="73 s into the first job 'WARN TransportChannelHandler: Exception in connection from"
        " /192.0.2.2:N' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'ERROR Inbox:"
        " An error happened while processing message in the inbox for AppClient', 'Exception in"
        ' thread "dispatcher-event-loop-1"\', \'Exception in thread "ExecutorRunner for'
        " app-.../2\"', 'Lost executor 1 ... Command exited with code 0' and 'ExecutorLostFailure"
        " (executor 1 exited caused by one of the running tasks)', 'Lost executor 0 ... Remote RPC"
        " client disassociated', 'ERROR Utils: uncaught error in thread"
        " spark-listener-group-appStatus, stopping SparkContext', the same for"
        " spark-listener-group-eventLog and dispatcher-BlockManagerMaster (all GC overhead limit"
        " exceeded), 1,541 'WARN BlockManagerMasterEndpoint: No more replicas available for"
        " rdd_4_N !' lines (trimmed), 'SparkException: Job 0 cancelled because SparkContext was"
        " shut down' for the write; the shell went to the end of the script, exit 0 after 99 s;"
        " no executor OutOfMemoryError (the executors lost with their connections)"
    ),
    "parcel_scans_off_heap_persist_depot_totals--scala--spark43--cluster": _PARCELS.format(
        where="70 s into the first job 'ERROR Inbox: An error happened while processing message"
        " in the inbox for BlockManagerMaster' / 'java.lang.OutOfMemoryError: GC overhead limit"
        " exceeded' / 'Exception in thread \"dispatcher-BlockManagerMaster\"', the same for"
        " CoarseGrainedScheduler, 'Lost task 1.0 in stage 0.0 (TID 1) ... UnknownReason', 'ERROR"
        " Utils: Uncaught exception in thread task-result-getter-0', 'Lost executor 0 ... Command"
        " exited with code 52' (its block status update answered with the driver's"
        " OutOfMemoryError: 'Boxed Exception' with the driver's"
        " BlockManagerMasterEndpoint.receiveAndReply frames in its stderr, see"
        " LABEL_OVERRIDES), 'Exception in thread \"dag-scheduler-event-loop\"', 'ERROR"
        " DAGSchedulerEventProcessLoop: DAGSchedulerEventProcessLoop failed; shutting down"
        " SparkContext' (many times), '[SPARK_JOB_CANCELLED] Job 0 cancelled as part of"
        " cancellation of all jobs'; exit 1 after 121 s; no executor ran out of its own heap"
    ),
    "store_sales_batch_loader_stage_timer_per_call--scala--spark35--cluster": _TIMER.format(
        where="'batch B0000' to 'batch B0167' printed (about 1 s a batch at first, 2 to 6 s from"
        " batch 110 on, the old generation full from about batch 100), then 'WARN"
        " TransportChannelHandler: Exception in connection from /192.0.2.2:N' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'ERROR TaskSchedulerImpl:"
        " Lost executor 0 on 192.0.2.2: Command exited with code 0', 'ERROR TorrentBroadcast:"
        " Store broadcast broadcast_505 fail, remove all pieces of the broadcast',"
        " 'org.apache.spark.SparkException: Job aborted due to stage failure: Task serialization"
        " failed: java.lang.OutOfMemoryError: GC overhead limit exceeded' for batch 168; the"
        " shell printed the error for the loop and went to the end of the script ('loader done'"
        " never printed), exit 0 after 283 s; 168 jobs before the heap ran out"
    ),
    "store_sales_batch_loader_stage_timer_per_call--scala--spark43--cluster": _TIMER.format(
        where="'batch B0000' to 'batch B0152' printed (about 1 s a batch at first, 4 s at the"
        " end, the old generation at 99 % from about batch 35 on), then 'ERROR Inbox: An error"
        " happened while processing message in the inbox for CoarseGrainedScheduler' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'Exception in thread"
        ' "dispatcher-CoarseGrainedScheduler" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded'; the shell hung, killed 60 s after the first OutOfMemoryError (272 s); 153"
        " batches before the heap ran out"
    ),
    "vendor_feed_daily_landing_tables_wide_schema--pyspark--spark35--cluster": _FEED.format(
        where="'feed 20260101' to 'feed 20260216' printed (47 days, 47 count jobs), then the"
        " Python driver's traceback at line 98 (the day's count) <- dataframe.py count:"
        " 'py4j.protocol.Py4JJavaError: An error occurred while calling o226.count.' / ':"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded'; exit 1 after 27 s. A first"
        " try (not kept) with the vendor's schema at 1,500 attributes failed in the eighth day's"
        " count (7 days printed, 'o66.count' / 'GC overhead limit exceeded', 33 s): the working"
        " memory of one day's 1,501-column DDL and count, not what the days left behind, so not"
        " after many jobs; the committed body has 400 attributes"
    ),
    "vendor_feed_daily_landing_tables_wide_schema--pyspark--spark43--cluster": _FEED.format(
        where="'feed 20260101' to 'feed 20260908' printed (251 days, 251 count jobs, the old"
        " generation full from about day 200), then 'ERROR TorrentBroadcast: Store broadcast"
        " broadcast_753 fail, remove all pieces of the broadcast' (the next count's task"
        " binary), the Python driver's traceback at line 98 <- classic/dataframe.py count:"
        " 'Py4JJavaError: An error occurred while calling o1043.count.' / ':"
        " java.util.concurrent.ExecutionException: Boxed Exception' / 'Caused by:"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded'; exit 1 after 110 s"
    ),
    "ad_clicks_ctr_pipeline_merchant_one_hot--pyspark--spark35--cluster": _CTR.format(
        where="the indexer's job done ('Job 1 finished: collect at StringIndexer.scala:204, took"
        " 3.0 s'), 36 s without a log line while the driver sorted the labels and built the"
        " one-hot stage, then 'Instrumentation: ... Stage class: LogisticRegression', 'training:"
        " numPartitions=8 storageLevel=StorageLevel(1 replicas)', and before any job of the"
        " regression the Python driver's traceback at line 147 (pipeline.fit) <- ml/pipeline.py"
        " _fit <- ml/wrapper.py _fit_java: 'py4j.protocol.Py4JJavaError: An error occurred while"
        " calling o64.fit.' / ': java.lang.OutOfMemoryError: Java heap space' (no Java stack"
        " printed); exit 1 after 80 s"
    ),
    "ad_clicks_ctr_pipeline_merchant_one_hot--pyspark--spark43--cluster": _CTR.format(
        where="the indexer's jobs done (Job 2 at 08:58:47), 21 s without a log line, then"
        " 'Stage class: LogisticRegression', 'training: numPartitions=8 ...', and before any job"
        " of the regression the Python driver's traceback at line 147 (pipeline.fit) <-"
        " ml/util.py wrapped <- ml/wrapper.py _fit_java: 'Py4JJavaError: An error occurred while"
        " calling o81.fit.' / ': java.lang.OutOfMemoryError: Java heap space'; exit 1 after 52"
        " s"
    ),
    "category_affinity_basket_correlation_matrix--scala--spark35--cluster": _AFFINITY.format(
        where="in the Gramian's treeAggregate (stage 4, 4 tasks, results of about 100 MB fetched"
        " from the executors) 'WARN BlockManager: Failed to fetch remote block taskresult_12 from"
        " [BlockManagerId(1, ...)] after 1 fetch failures' / 'Caused by:"
        " java.util.concurrent.ExecutionException: Boxed Error' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space', 'Lost task 3.0 in stage 4.0 (TID 12)"
        " ... TaskResultLost (result lost from block manager)', 'ERROR Utils: Uncaught exception"
        " in thread task-result-getter-3' / 'java.lang.OutOfMemoryError: Java heap space', the"
        " same for task-result-getter-0; the job hung, killed 60 s after the first"
        " OutOfMemoryError (82 s)"
    ),
    "category_affinity_basket_correlation_matrix--scala--spark43--cluster": _AFFINITY.format(
        where="the Gramian summed and the matrix built, then the shell printed"
        " 'java.lang.OutOfMemoryError: Java heap space' at BufferHolder.grow <-"
        " UnsafeWriter.write <- SpecificUnsafeProjection <- LocalTableScanExec.unsafeRows <-"
        " LocalTableScanExec.executeCollect (the one-row DataFrame of the 200 MB matrix being"
        " turned into an UnsafeRow for .head), no other error line (spark-shell's WARN log);"
        " the shell went to the end of the script, exit 0 after 23 s. Two earlier starts of"
        " this run were stopped by hand within 20 s while the run order was changed (not kept)"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r65)


if __name__ == "__main__":
    main()
