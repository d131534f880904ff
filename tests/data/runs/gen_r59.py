#!/usr/bin/env python
"""Run round 59 of the real Spark run matrix under tests/data/runs/ (manifest-r59.jsonl).

    python tests/data/runs/gen_r59.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r59.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r59.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 58, for causes thin
or confused in the run matrix: the driver heap filled by the bookkeeping of very many cached or
persisted blocks, the driver's own heap filled across many small jobs by what the program
keeps, a driver whose heap is small because of how it was launched, and an executor that runs
out of memory under a program that looks like a driver problem (dropped after two tries; see
the README section). A
PySpark run is one ``spark-submit scenarios_r59.py <scenario>`` by gen_more.run; a Scala run
is one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null)
from the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 58's,
the script being scenarios_r59.SCALA / SQL[scenario] written into the run's scratch dir.
Finishing (trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM
verification, the manifest line) is gen_more.finish with this round's tables handed as a
gen_more.Round. Raw output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r59).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_shell as gs  # noqa: E402  (CLUSTER, PARALLEL_GC_LIMIT, RESERVED_32M, UI_SMALL, main)
import scenarios_r59  # noqa: E402  (SCALA and SQL scripts)

# Rounds 56 and 57's recipe for the driver heap filled with the status of cached blocks
# (local-cluster, a 224m driver let through Spark's start-up check by RESERVED_32M, the
# Parallel collector with a small young generation and a stricter GC overhead limit, adaptive
# query execution off), with round 58's hard timeout.
SMALL_HEAP_BLOCKS = dict(
    mem="224m",
    gc="-XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    conf={**gs.RESERVED_32M, "spark.sql.adaptive.enabled": "false"},
    variants=gs.CLUSTER,
    timeout=300,
)
# A driver of ordinary size (512m) whose full heap throws instead of thrashing, on
# local-cluster (the executors separate JVMs), with round 58's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)

SCENARIOS = {
    # Scala: an iterative demand forecast, every round's RDD (3,000 partitions) persisted
    # DISK_ONLY and kept, the error computed every 10 rounds.
    "demand_forecast_residual_rounds_disk_persisted": dict(
        label="cached_block_metadata",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **SMALL_HEAP_BLOCKS,
    ),
    # SQL: one CACHE LAZY TABLE (MEMORY_ONLY) over 400,000 tiny partitions, queried through
    # a COALESCE(8) hint.
    "session_events_tiny_partitions_cached_table_sql": dict(
        label="cached_block_metadata",
        lang="sql",
        expect=ge.DRIVER_OOM,
        **SMALL_HEAP_BLOCKS,
    ),
    # PySpark: a rate stream of 4,000 partitions whose foreachBatch persists every
    # micro-batch (MEMORY_AND_DISK) and never unpersists it.
    "order_events_foreach_batch_persisted_frames": dict(
        label="cached_block_metadata",
        expect=ge.DRIVER_OOM,
        **SMALL_HEAP_BLOCKS,
    ),
    # PySpark: bootstrap replicates (sample with replacement of 6,000 partitions) persisted
    # MEMORY_ONLY and kept, each one's rate over a coalesce(16).
    "checkout_conversion_bootstrap_cached_samples": dict(
        label="cached_block_metadata",
        expect=ge.DRIVER_OOM,
        **SMALL_HEAP_BLOCKS,
    ),
    # Scala: per-partner extracts submitted with collectAsync, every FutureAction kept.
    "partner_extracts_collect_async_futures": dict(
        label="driver_side_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **DRIVER_512,
    ),
    # PySpark: per-campaign audience frames, spark.sql with a 40,000-id IN list, kept in a
    # dict (Spark's own SQL-tab history kept small).
    "campaign_holdout_audience_frames_by_campaign": dict(
        label="driver_side_state",
        expect=ge.DRIVER_OOM,
        conf=gs.UI_SMALL,
        **DRIVER_512,
    ),
    # PySpark: the builder's spark.driver.memory=6g after spark-submit started the driver JVM
    # at the default 1g; toPandas() of 8,000,000 invoice lines.
    "quarterly_invoice_lines_topandas_review": dict(
        label="client_mode_small_driver",
        expect=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # Dropped after two tries (see the README section and the note in scenarios_r59.py): a
    # not_driver_oom scenario, first 40,000 HTML pages of 60 KB cached and counted
    # (web_page_snapshots_cached_html_bodies: the cache closes its column batches at 4 MB, no
    # failure), then an implicit ALS of rank 500 over 400,000 items
    # (shop_similar_items_als_item_factors: the executors solved for minutes without running
    # out of heap, killed by the timeout).
}

NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {
    # As round 57's: the driver's BlockManagerMaster ran out of heap while answering the
    # executors' block status updates; an executor whose update was answered with that error
    # prints the driver's OutOfMemoryError (with the driver's BlockManagerMasterEndpoint
    # frames) under 'Caused by: java.util.concurrent.ExecutionException: Boxed Error' in its
    # stderr, which the executor-OOM check counts. No executor ran out of its own heap.
    "session_events_tiny_partitions_cached_table_sql--sql--spark35--cluster": (
        "cached_block_metadata"
    ),
}
_FORECAST = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false: the store x SKU demand forecast refined round by round"
    " (a boosting-like residual fit), every round's RDD of 3,000 partitions"
    " persist(StorageLevel.DISK_ONLY)ed (lazily) and kept in an ArrayBuffer for the audit of"
    " the fit, the error printed every 10 rounds by one job whose 3,000 tasks each compute"
    " and write the 10 new rounds (30,000 DISK_ONLY blocks a job on the executors, whose"
    " status the driver keeps: BlockManagerMasterEndpoint, the executors' BlockManagerInfo,"
    " the status store's RDD storage info); {where}; 'forecast rounds kept' never printed; no"
    " executor OutOfMemoryError: labelled cached_block_metadata"
)
_SESSIONS = (
    "note: spark-sql, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false: the analysts' session events of the day cached once"
    " with CACHE LAZY TABLE session_events OPTIONS ('storageLevel' 'MEMORY_ONLY') AS SELECT"
    " ... FROM range(0, 1600000, 1, 400000) (400,000 tiny partitions standing for the"
    " landing's small files), then SELECT count(*), count(DISTINCT session_id),"
    " avg(dwell_ms) FROM (SELECT /*+ COALESCE(8) */ * FROM session_events): 8 tasks, each"
    " computing and caching 50,000 blocks of four rows, one block status update to the"
    " driver each ('WARN TaskSetManager: Stage 0 contains a task of very large size ...');"
    " {where}; no row printed; {ex}: labelled cached_block_metadata"
)
_BATCHES = (
    "note: local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false, INFO log: order events from a rate stream"
    " (rowsPerSecond 20,000, numPartitions 4,000 standing for the bus partitions), every"
    " micro-batch handled by foreachBatch: batch_df.persist(StorageLevel.MEMORY_AND_DISK)"
    " (used twice), batch_df.coalesce(8) appended to Parquet and summed with"
    " agg(count, sum).first(), never unpersisted: 8 tasks a batch caching its 4,000 blocks,"
    " one block status update to the driver each; {where}; 'batches written' never printed;"
    " no executor OutOfMemoryError: labelled cached_block_metadata"
)
_BOOTSTRAP = (
    "note: local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false, INFO log: a bootstrap interval of the checkout"
    " conversion rate, 240,000 sessions in 6,000 partitions resampled with"
    " sample(withReplacement=True, fraction=1.0, seed=b), every replicate"
    " persist(StorageLevel.MEMORY_ONLY)ed and kept in a list for the per-segment intervals,"
    " its rate computed with coalesce(16).agg(avg(converted)).first(): 16 tasks a replicate"
    " caching its 6,000 blocks, one block status update to the driver each; {where}; the"
    " interval never printed; no executor OutOfMemoryError: labelled cached_block_metadata"
)
_FUTURES = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m,"
    " PARALLEL_GC_LIMIT: the day's partner extracts, one per partner (about 13,300 order"
    " lines of ~100 characters, about 2 MB), each submitted with"
    " orders.filter(partner).map(to a CSV line).collectAsync() over an RDD of 4,000,000"
    " orders in 8 slices, at most five in flight (Await.ready on the fifth last), every"
    " FutureAction kept in an ArrayBuffer with its partner until all are written at the end;"
    " each job alone is 8 small tasks, the completed futures keep their results in the"
    " driver; {where}; 'partner extracts written' never printed; no executor"
    " OutOfMemoryError: labelled driver_side_state"
)
_CAMPAIGNS = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT, UI_SMALL"
    " (so that the SQL tab keeps 20 executions), INFO log: the campaigns' uplift analysis, a"
    " 2,000,000-customer temporary view, then per campaign spark.sql('SELECT region,"
    " count(*), sum(lifetime_value) FROM customers WHERE customer_id IN (<40,000 quoted"
    " ids>) GROUP BY region') (about 520 KB of SQL text), checked with count() (one small"
    " job) and the DataFrame kept in a dict by campaign: every kept DataFrame holds its"
    " parsed and analyzed plan with the 40,000 string literals in the driver; {where};"
    " 'campaign audiences ready' never printed; no executor OutOfMemoryError: labelled"
    " driver_side_state"
)
_INVOICES = (
    "note: local-cluster[2,1,1024], executors 768m, INFO log, PARALLEL_GC_LIMIT: the finance"
    " analyst's quarterly review of invoice lines in pandas, the script's own"
    " SparkSession.builder asking for .config('spark.driver.memory', '6g') and"
    " .config('spark.driver.maxResultSize', '4g'), but spark-submit (client mode) had already"
    " started the driver JVM with --driver-memory 1g (Spark's default, passed explicitly),"
    " so only the result limit took effect: 'MemoryStore started with capacity 366.3 MiB'"
    " (the 1g heap) while the script prints 'driver memory: 6g' (the value in the conf);"
    " then 8,000,000 invoice lines (five columns, 16 partitions) brought into pandas with"
    " toPandas() (no pyarrow: collectToPython), the task results (a few hundred MB) under the"
    " raised 4g limit; {where}; a driver of the 6g asked for would hold them; no executor"
    " OutOfMemoryError: labelled client_mode_small_driver"
)
OUTCOME_NOTES = {
    "demand_forecast_residual_rounds_disk_persisted--scala--spark35--cluster": _FORECAST.format(
        where="'round  10: mse 4335.6342' to 'round  70: mse 0.0060' (210,000 blocks), then in"
        " the eighth job 'ERROR Utils: uncaught error in thread spark-listener-group-appStatus,"
        " stopping SparkContext' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " LiveRDDDistribution.toApi <- LiveRDD.doUpdate <- AppStatusListener.updateRDDBlock (the"
        " UI's storage status of the persisted RDDs being updated for a block), 'Exception in"
        " thread \"spark-listener-group-appStatus\"', 'Job 7 cancelled because SparkContext was"
        " shut down'; exit 0 after 276 s (the shell goes on to its end)"
    ),
    "demand_forecast_residual_rounds_disk_persisted--scala--spark43--cluster": _FORECAST.format(
        where="'round  10: mse 4335.6342' to 'round  60: mse 0.0527' (180,000 blocks), then"
        " during the seventh job (rounds 61 to 70) 'WARN TransportChannelHandler: Exception in connection from"
        " /192.0.2.2:...' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " LinkedBlockingQueue.offer <- MessageLoop.setActive <- Dispatcher.postRemoteMessage"
        " (the driver's RPC thread taking an executor's message), 'ERROR TaskSchedulerImpl: Lost"
        " executor 1 on 192.0.2.2: Remote RPC client disassociated. Likely due to containers"
        " exceeding thresholds, or network issues.', its running tasks lost as 'ExecutorLostFailure"
        " (executor 1 exited caused by one of the running tasks)' (the executor gone with its"
        " connection, not out of memory: its stderr has no OutOfMemoryError), the job's 'round  70:"
        " mse 0.0060' still printed after them; the shell hung, killed 60 s after the first"
        " OutOfMemoryError (278 s)"
    ),
    "session_events_tiny_partitions_cached_table_sql--sql--spark35--cluster": _SESSIONS.format(
        where="'ERROR Inbox: An error happened while processing message in the inbox for"
        " BlockManagerMaster' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " RDDBlockId.name <- BlockManagerInfo.updateBlockInfo <-"
        " BlockManagerMasterEndpoint.updateBlockInfo (a block status update being recorded),"
        " 'Exception in thread \"dispatcher-BlockManagerMaster\"', the same in"
        " task-result-getter-0 and dispatcher-CoarseGrainedScheduler, 'ERROR TaskSchedulerImpl:"
        " Lost executor 1 on 192.0.2.2: Command exited with code 50' (the executor's block"
        " manager answered with the driver's error), 'ERROR DAGSchedulerEventProcessLoop:"
        " DAGSchedulerEventProcessLoop failed; shutting down SparkContext'; exit 1 after 166 s",
        ex="executor 1's stderr has the driver's OutOfMemoryError (BlockManagerMasterEndpoint"
        " frames) under 'Caused by: java.util.concurrent.ExecutionException: Boxed Error', the"
        " answer to its block status update, which the executor-OOM check counts (label kept by"
        " LABEL_OVERRIDES); no executor ran out of its own heap",
    ),
    "session_events_tiny_partitions_cached_table_sql--sql--spark43--cluster": _SESSIONS.format(
        where="'ERROR Inbox: An error happened while processing message in the inbox for"
        " CoarseGrainedScheduler' / 'java.lang.OutOfMemoryError: Java heap space' at"
        " ByteArrayOutputStream.ensureCapacity <- ByteBufferOutputStream.write <-"
        " ObjectOutputStream (a message being serialized by the scheduler), twice, then 'ERROR"
        " Inbox: ... inbox for Worker' / 'GC overhead limit exceeded', 'Exception in thread"
        ' "dispatcher-event-loop-0"\', the executors gone with their connections and 93,072'
        " 'WARN BlockManagerMasterEndpoint: No more replicas available for rdd_4_N !' lines; the"
        " CLI hung, killed 60 s after the first OutOfMemoryError (160 s)",
        ex="no executor OutOfMemoryError",
    ),
    "order_events_foreach_batch_persisted_frames--pyspark--spark35--cluster": _BATCHES.format(
        where="65 batches with rows written (260,000 cached blocks, 'INFO BlockManagerInfo: Added"
        " rdd_N_M in memory on 192.0.2.2:... (size: ...)' for every block, trimmed), then the"
        " next batch's Parquet write: 'java.lang.OutOfMemoryError: Java heap space' at"
        " ByteBuffer.allocate <- TorrentBroadcast$.blockifyObject, 'ERROR TorrentBroadcast:"
        " Store broadcast broadcast_197 fail, remove all pieces of the broadcast', 'Job aborted"
        " due to stage failure: Task serialization failed: java.lang.OutOfMemoryError: Java"
        " heap space', 'ERROR FileFormatWriter: Aborting job ...', 'ERROR MicroBatchExecution:"
        " Query [id = ...] terminated with error' / 'py4j.Py4JException: An exception was raised"
        " by the Python Proxy.' (under line 43, compact.write...parquet, 'An error occurred while"
        " calling o1590.parquet.'), under line 64 (awaitTermination)"
        " 'pyspark.errors.exceptions.captured.StreamingQueryException: [STREAM_FAILED]'; exit 1"
        " after 245 s"
    ),
    "order_events_foreach_batch_persisted_frames--pyspark--spark43--cluster": _BATCHES.format(
        where="54 batches with rows written (about 216,000 cached blocks; Spark 4.3's INFO log"
        " has no per-block 'Added rdd_N_M' lines), then the next batch's Parquet write:"
        " 'java.lang.OutOfMemoryError: Java heap space', 'ERROR TorrentBroadcast: Store"
        " broadcast broadcast_164 fail, remove all pieces of the broadcast', 'Job aborted due"
        " to stage failure: Task serialization failed: java.lang.OutOfMemoryError: Java heap"
        " space', 'ERROR FileFormatWriter: Aborting job ...', under line 43 'An error occurred"
        " while calling o1461.parquet.', under line 64 'StreamingQueryException:"
        " [STREAM_FAILED]'; exit 1 after 227 s"
    ),
    "checkout_conversion_bootstrap_cached_samples--pyspark--spark35--cluster": _BOOTSTRAP.format(
        where="47 replicates made and cached (282,000 blocks, an 'Added rdd_N_M' INFO line each,"
        " trimmed), then the 48th replicate's job: 'ERROR TorrentBroadcast: Store broadcast"
        " broadcast_94 fail, remove all pieces of the broadcast' / 'Job aborted due to stage"
        " failure: Task serialization failed: java.lang.OutOfMemoryError: Java heap space' at"
        " ByteBuffer.allocate <- TorrentBroadcast$.blockifyObject (a small task binary), 'ShuffleMapStage 94"
        " (first at .../scenarios_r59.py:92) failed', under line 92 'Py4JJavaError: An error"
        " occurred while calling o721.collectToPython.'; exit 1 after 201 s"
    ),
    "checkout_conversion_bootstrap_cached_samples--pyspark--spark43--cluster": _BOOTSTRAP.format(
        where="40 replicates made and cached (240,000 blocks), then the 41st replicate's job:"
        " 'ERROR TorrentBroadcast: Store broadcast broadcast_81 fail, remove all pieces of the"
        " broadcast' / 'Job aborted due to stage failure: Task serialization failed:"
        " java.lang.OutOfMemoryError: Java heap space', 'ResultStage 81 (first at"
        " .../scenarios_r59.py:92) failed', then 'rpc-server-4-1 ERROR An exception occurred"
        " processing Appender console' / 'GC overhead limit exceeded' and 'ERROR Inbox: ...'"
        " for Worker, under line 92 'Py4JJavaError: An error occurred while calling"
        " o637.collectToPython.'; exit 1 after 246 s"
    ),
    "partner_extracts_collect_async_futures--scala--spark35--cluster": _FUTURES.format(
        where="nothing printed, about 250 extracts done, then 'ERROR Utils: Uncaught exception in"
        " thread task-result-getter-0' / 'java.lang.OutOfMemoryError: GC overhead limit"
        " exceeded' at ObjectInputStream.readUTF <- JavaDeserializationStream.readObject (a"
        " task's result, its lines, being read), 'ERROR TorrentBroadcast: Store broadcast"
        " broadcast_254 fail', 'Exception in thread \"dag-scheduler-event-loop\""
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' at EventLoop.post <-"
        " DAGScheduler.taskStarted, 'ERROR DAGSchedulerEventProcessLoop:"
        " DAGSchedulerEventProcessLoop failed; shutting down SparkContext' again and again; the"
        " shell hung, killed 60 s after the first OutOfMemoryError (110 s)"
    ),
    "campaign_holdout_audience_frames_by_campaign--pyspark--spark35--cluster": _CAMPAIGNS.format(
        where="12 campaigns parsed, counted and kept (jobs 0 to 35, three a campaign with adaptive"
        " execution, the last 'count at NativeMethodAccessorImpl.java:0'), then the 13th"
        " campaign's spark.sql:"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " SparkParserUtils.unescapeSQLString <- AstBuilder.createString (a literal of the IN"
        " list being parsed), under line 124 'Py4JJavaError: An error occurred while calling"
        " o37.sql.' / ': java.lang.OutOfMemoryError: GC overhead limit exceeded', the local"
        " worker losing its master in the full heap; exit 1 after 71 s"
    ),
    "partner_extracts_collect_async_futures--scala--spark43--cluster": _FUTURES.format(
        where='nothing printed, then \'Exception in thread "dag-scheduler-event-loop"'
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' at ObjectStreamClass <-"
        " JavaSerializerInstance.serialize <- DAGScheduler.submitMissingTasks (the next"
        " extract's task binary being serialized), 'ERROR DAGSchedulerEventProcessLoop:"
        " DAGSchedulerEventProcessLoop failed; shutting down SparkContext' again and again,"
        " 'dispatcher-CoarseGrainedScheduler ERROR An exception occurred processing Appender"
        " console', 'Exception in thread \"SparkUI-37\" java.lang.OutOfMemoryError'; the shell"
        " hung, killed 60 s after the first OutOfMemoryError (120 s)"
    ),
    "campaign_holdout_audience_frames_by_campaign--pyspark--spark43--cluster": _CAMPAIGNS.format(
        where="9 campaigns parsed, counted and kept (jobs 0 to 26, three a campaign with adaptive"
        " execution), then the 10th campaign's spark.sql: under line 124 'Py4JJavaError: An"
        " error occurred while calling o38.sql.' / ': java.lang.OutOfMemoryError: GC overhead"
        " limit exceeded' at ParserRuleContext.getRuleContexts <-"
        " SqlBaseParser$StringLitContext.singleStringLit <- AstBuilder.createString (a literal"
        " of the IN list being parsed), the local worker shutting down its executors as the"
        " driver exits; exit 1 after 53 s"
    ),
    "quarterly_invoice_lines_topandas_review--pyspark--spark35--cluster": _INVOICES.format(
        where="'Job 0 finished: toPandas at .../scenarios_r59.py:162, took 7.389008 s' (every"
        " result in the driver), then 'java.lang.OutOfMemoryError: GC overhead limit exceeded'"
        " (the local worker's thread in the full heap: 'ERROR Worker: Connection to master"
        " failed!', 'Lost executor 1 on 192.0.2.2: worker lost'), under line 162"
        " 'Py4JJavaError: An error occurred while calling o72.collectToPython.' / ':"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' at SparkPlan$$anon$1._next <-"
        " SparkPlan.executeCollect (the collected rows being decoded); exit 1 after 24 s"
    ),
    "quarterly_invoice_lines_topandas_review--pyspark--spark43--cluster": _INVOICES.format(
        where="'Job 0 finished: toPandas at .../scenarios_r59.py:162, took 7906.765768 ms', then"
        " 'ERROR Utils: Uncaught exception in thread driver-heartbeater' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', under line 162"
        " 'Py4JJavaError: An error occurred while calling o95.collectToPython.' / ':"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' at SparkPlan$$anon$1._next <-"
        " SparkPlan.executeCollect (the collected rows being decoded); exit 1 after 30 s"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r59)


if __name__ == "__main__":
    main()
