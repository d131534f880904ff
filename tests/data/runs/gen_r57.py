#!/usr/bin/env python
"""Run round 57 of the real Spark run matrix under tests/data/runs/ (manifest-r57.jsonl).

    python tests/data/runs/gen_r57.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r57.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r57.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 56, for causes thin
or confused in the run matrix: the driver heap filled by the status of very many cached blocks,
a genuinely large result pulled into a driver of ordinary size, and the driver filled by
Structured Streaming bookkeeping (see the README section). A PySpark run is one
``spark-submit scenarios_r57.py <scenario>`` by gen_more.run; a Scala run is one
``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 56's, the
script being scenarios_r57.SCALA / SQL[scenario] written into the run's scratch dir.
Finishing (trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM
verification, the manifest line) is gen_more.finish with this round's tables handed as a
gen_more.Round. Raw output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r57).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_shell as gs  # noqa: E402  (CLUSTER, RESERVED_32M, main)
import scenarios_r57  # noqa: E402  (SCALA and SQL scripts)

# Round 56's recipe for the driver heap filled with the status of cached blocks
# (local-cluster, a 224m driver let through Spark's start-up check by RESERVED_32M, the
# Parallel collector with a small young generation and a stricter GC overhead limit, adaptive
# query execution off). Unlike round 56, each query reads many cached RDDs or DataFrames of
# 10,000 to 20,000 partitions through a union coalesced to 8 partitions, so that each task
# caches thousands of blocks (one block status message to the driver each) instead of the
# scheduler running one task per block.
SMALL_HEAP_BLOCKS = dict(
    mem="224m",
    gc="-XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    conf={**gs.RESERVED_32M, "spark.sql.adaptive.enabled": "false"},
    variants=gs.CLUSTER,
    timeout=300,
)
# A large result pulled into a driver of ordinary size (512m), the result size limit off.
BIG_RESULT = dict(
    conf={"spark.driver.maxResultSize": "0"},
    variants=gs.CLUSTER,
    timeout=300,
)

SCENARIOS = {
    # Scala: every day's RDD (10,000 partitions) persisted MEMORY_AND_DISK_SER_2 and kept,
    # a week's seven days summed through a union coalesced to 8 partitions.
    "fleet_telemetry_daily_rdds_weekly_rollup": dict(
        label="cached_block_metadata",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **SMALL_HEAP_BLOCKS,
    ),
    # PySpark (INFO log): monthly DataFrames (20,000 partitions) cached and kept, a quarter's
    # three months summed through a union coalesced to 8 partitions.
    "store_sales_monthly_frames_quarter_union": dict(
        label="cached_block_metadata",
        expect=ge.DRIVER_OOM,
        **SMALL_HEAP_BLOCKS,
    ),
    # SQL: CACHE LAZY TABLE per campaign day (10,000 partitions), a week's reach over the
    # UNION ALL of its days with a COALESCE(8) hint.
    "campaign_audience_daily_tables_sql": dict(
        label="cached_block_metadata",
        lang="sql",
        expect=ge.DRIVER_OOM,
        **SMALL_HEAP_BLOCKS,
    ),
    # Scala: RDD.takeSample of 3,000,000 of 5,000,000 transactions.
    "audit_sample_card_transactions_take_sample": dict(
        label="collect_to_driver",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **BIG_RESULT,
    ),
    # SQL: SELECT ... LIMIT 6000000 printed by the CLI.
    "web_sessions_limit_cli_dump_sql": dict(
        label="collect_to_driver",
        lang="sql",
        expect=ge.DRIVER_OOM,
        **BIG_RESULT,
    ),
    # PySpark: CountVectorizer (vocabSize 2^24) over millions of distinct terms.
    "support_ticket_terms_count_vectorizer_vocab": dict(
        label="collect_to_driver",
        expect=ge.DRIVER_OOM,
        **BIG_RESULT,
    ),
    # PySpark: a file source over 400,000 small JSON files, maxFilesPerTrigger 5000, Parquet
    # sink; driver 512m, local-cluster.
    "pos_receipts_landing_text_stream": dict(
        label="streaming_state",
        expect=ge.DRIVER_OOM,
        timeout=300,
        gc=gs.PARALLEL_GC_LIMIT,
        variants=gs.CLUSTER,
    ),
    # Scala: a CSV file source over 300,000 small files in 150 branch directories,
    # maxFilesPerTrigger 4000, Parquet sink; driver 512m, local-cluster. (First try on 3.5,
    # not kept: 200 directories, 400,000 files, which failed listing the directory for the
    # source's partition schema, before the stream started.)
    "branch_till_exports_partitioned_csv_stream": dict(
        label="streaming_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
        gc=gs.PARALLEL_GC_LIMIT,
        variants=gs.CLUSTER,
    ),
}

NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {
    # The driver's BlockManagerMaster ran out of heap while answering the executors' block
    # status updates; an executor whose update was answered with that error prints the
    # driver's OutOfMemoryError (with the driver's BlockManagerMasterEndpoint frames) under
    # 'Caused by: java.util.concurrent.ExecutionException: Boxed Error' in its stderr, which
    # the executor-OOM check counts. No executor ran out of its own heap (their blocks are a
    # few hundred bytes each).
    "fleet_telemetry_daily_rdds_weekly_rollup--scala--spark35--cluster": "cached_block_metadata",
    "store_sales_monthly_frames_quarter_union--pyspark--spark35--cluster": "cached_block_metadata",
}
_FLEET = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false: the fleet's telemetry, every day an RDD of 10,000"
    " partitions persist(MEMORY_AND_DISK_SER_2)ed (replicated to the other executor) and"
    " kept in an ArrayBuffer for the quarter, each week's distance summed over"
    " sc.union(the week's 7 days).coalesce(8): 8 tasks, each computing and caching about"
    " 8,750 blocks (70,000 a week, twice over with the replicas), one block status update"
    " to the driver each; the driver keeps every block's status (BlockManagerMasterEndpoint,"
    " the executors' BlockManagerInfo, the status store's RDD partitions): {where}; 'fleet"
    " rollup done' never printed; nothing is collected but one sum a week, no task is"
    " large: labelled cached_block_metadata"
)
_STORE = (
    "note: local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false, INFO log: store sales per month, each month a"
    " DataFrame of 20,000 partitions cache()d (lazily) and kept in a list, each quarter's"
    " net sales summed over reduce(unionByName, the quarter's 3 months).coalesce(8): 8"
    " tasks a quarter, each caching 7,500 blocks (60,000 a quarter), one block status"
    " update to the driver each; {where}; 'sales months kept' never printed; nothing is"
    " collected but one sum a quarter: labelled cached_block_metadata"
)
_CAMPAIGN = (
    "note: spark-sql, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false: the campaign's daily audience tables, each made"
    " with CACHE LAZY TABLE audience_dNNN AS SELECT ... FROM range(0, 40000, 1, 10000) and"
    " kept, each week's contacts and spend summed by SELECT ... FROM (SELECT /*+"
    " COALESCE(8) */ * FROM (the 7 days' tables UNION ALL)): 8 tasks a week, each caching"
    " 8,750 blocks (70,000 a week), one block status update to the driver each; {where};"
    " 'campaign report done' never printed; nothing is collected but one row a week:"
    " labelled cached_block_metadata"
)
_AUDIT = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m,"
    " spark.driver.maxResultSize=0: the external auditors' sample, 5,000,000 card"
    " transactions (id, card number, reference UUID, amount, merchant) in 16 partitions,"
    " 'transactions: 5000000' counted, then RDD.takeSample(false, 3000000, 2024): Spark"
    " samples a fraction meant to give 3,000,000 rows and collects the whole sample, about"
    " 190,000 tuples a task, sent through the block manager; {where}; 'audit sample rows'"
    " never printed; no executor OutOfMemoryError: labelled collect_to_driver"
)
_WEB = (
    "note: spark-sql, local-cluster[2,1,1024], executors 768m, driver 512m,"
    " spark.driver.maxResultSize=0: a dump of web sessions for the analytics vendor,"
    " SELECT session_id, visitor_id (sha2 256), landing_url (a sha2 512 in a URL),"
    " started_at FROM 8,000,000 generated sessions in 160 partitions LIMIT 6000000, the rows"
    " to be printed by the CLI: CollectLimitExec.executeCollect -> SparkPlan.executeTake,"
    " which runs jobs over 1, then 4, 16 ... partitions and decodes every row into one"
    " buffer in the driver; {where}; no row printed; no executor OutOfMemoryError:"
    " labelled collect_to_driver"
)
_VOCAB = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, INFO log,"
    " spark.driver.maxResultSize=0: the search team's term counts, CountVectorizer(vocabSize"
    "=2^24, minDF=1) fitted on 1,500,000 tickets whose terms include four references (order,"
    " device, ref, error: 6,000,000 distinct terms); the fit counts the terms (job 0, 'count"
    " at CountVectorizer.scala:{cl}') and takes the vocabulary with RDD.top (job 1, 'top at"
    " CountVectorizer.scala:{tl}'), each task sending a queue of its partition's terms"
    " through the block manager: {where}; 'vocabulary size' never printed; {end}; no"
    " executor OutOfMemoryError: labelled collect_to_driver"
)
_RECEIPTS = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT, INFO"
    " log: till receipts landing as one small JSON file each, 400,000 files written into"
    " one landing directory by the driver program before the stream starts (about 24 s), a"
    " Structured Streaming JSON file source (user schema, maxFilesPerTrigger 5000) appending"
    " to Parquet with a checkpoint, 2 s trigger; the source lists the whole directory at"
    " start and at every trigger ('WARN FileStreamSource: Listed 400000 file(s) in ... ms')"
    " and keeps every file it has taken (seenFiles, its metadata log); {where}; exit 1 after"
    " {secs} s: the file source's bookkeeping over very many small files in the driver:"
    " labelled streaming_state"
)
_TILLS = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m,"
    " PARALLEL_GC_LIMIT: till exports written by the shell into landing/branch=Bnnn/ (150"
    " branch directories of 2,000 small CSV files, 300,000 files) before the stream starts,"
    " a Structured Streaming CSV file source over the partitioned landing directory (user"
    " schema, maxFilesPerTrigger 4000) appending to Parquet with a checkpoint, 2 s trigger;"
    " {where}: labelled streaming_state"
)
OUTCOME_NOTES = {
    "fleet_telemetry_daily_rdds_weekly_rollup--scala--spark35--cluster": _FLEET.format(
        where="'week  1: 139984600 km', 'week  2: 139988200 km' (140,000 blocks, 280,000 block"
        " statuses with the replicas), then in week 3 'ERROR Inbox: An error happened while"
        " processing message in the inbox for BlockManagerMaster' / 'java.lang.OutOfMemoryError:"
        " GC overhead limit exceeded' (answering a block status update), 'Exception in thread"
        ' "dispatcher-BlockManagerMaster" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded', executor 0, answered with that error, exits ('ERROR TaskSchedulerImpl:"
        " Lost executor 0 on 192.0.2.2: Command exited with code 0', 'ExecutorLostFailure"
        " (executor 0 exited caused by one of the running tasks)'; its stderr holds the"
        " driver's OutOfMemoryError under 'Caused by: java.util.concurrent.ExecutionException:"
        " Boxed Error', label kept by LABEL_OVERRIDES), the same error in the local Master's"
        " inbox, 'ERROR Utils: uncaught error in thread spark-listener-group-appStatus,"
        " stopping SparkContext', 'ERROR DAGSchedulerEventProcessLoop:"
        " DAGSchedulerEventProcessLoop failed; shutting down SparkContext', in the REPL"
        " 'org.apache.spark.SparkException: Job 2 cancelled as part of cancellation of all"
        " jobs'; exit 0 after 231 s (the shell goes on to its end)"
    ),
    "fleet_telemetry_daily_rdds_weekly_rollup--scala--spark43--cluster": _FLEET.format(
        where="'week  1: 139984600 km', 'week  2: 139988200 km' (140,000 blocks, 280,000 block"
        " statuses with the replicas), then week 3's job cannot even be submitted: 'ERROR"
        " TorrentBroadcast: Store broadcast broadcast_2 fail, remove all pieces of the"
        " broadcast', in the REPL 'org.apache.spark.SparkException: Job aborted due to stage"
        " failure: Task serialization failed: java.lang.OutOfMemoryError: Java heap space' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at ByteBuffer.allocate <-"
        " TorrentBroadcast$.blockifyObject (the task binary of a union of 7 small RDDs, a few"
        " KB, finds no heap left); exit 0 after 111 s (the shell goes on to its end); no"
        " executor OutOfMemoryError"
    ),
    "store_sales_monthly_frames_quarter_union--pyspark--spark35--cluster": _STORE.format(
        where="'Q1 net sales 119994000' to 'Q4 net sales 119992600' (240,000 cached blocks; the"
        " log has 'INFO BlockManagerInfo: Added rdd_N_M in memory on 192.0.2.2:... (size:"
        " 392.0 B, free: ...)' for every block, 406,866 lines, trimmed), then in the fifth"
        " quarter 'ERROR Inbox: An error happened while processing message in the inbox for"
        " BlockManagerMaster' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (in"
        " BlockManagerInfo.updateBlockInfo, formatting that INFO line), 'Exception in thread"
        ' "dispatcher-BlockManagerMaster" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded'; executor 1, whose block update was answered with that error, dies with"
        " it ('ERROR TaskSchedulerImpl: Lost executor 1 on 192.0.2.2: Command exited with code"
        " 50', 'ExecutorLostFailure (executor 1 exited caused by one of the running tasks)';"
        " its stderr holds the driver's OutOfMemoryError with the driver's"
        " BlockManagerMasterEndpoint frames under 'Boxed Error', label kept by"
        " LABEL_OVERRIDES), its blocks dropped ('WARN BlockManagerMasterEndpoint: No more"
        " replicas available for rdd_N_M !', trimmed), which frees the heap for a while:"
        " 'Q5 net sales 119992800', 'Q6 net sales 119994000'; killed 60 s after the first"
        " OutOfMemoryError, 224 s"
    ),
    "store_sales_monthly_frames_quarter_union--pyspark--spark43--cluster": _STORE.format(
        where="'Q1 net sales 119994000' to 'Q4 net sales 119992600' (240,000 cached blocks;"
        " Spark 4.3's INFO log has no per-block 'Added rdd_N_M' lines), then the fifth"
        " quarter's job is being submitted when the heap is full: 'Exception in thread"
        ' "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded'"
        " at OneToOneDependency.getParents <- DAGScheduler.getPreferredLocsInternal (the"
        " scheduler looking up the cache locations of the stage's tasks); the driver hangs"
        " after it, killed 60 s after the OutOfMemoryError, 208 s; no executor"
        " OutOfMemoryError"
    ),
    "campaign_audience_daily_tables_sql--sql--spark35--cluster": _CAMPAIGN.format(
        where="'week 1', '280000', '13998600' (tab-separated) to 'week 4' (the same counts) (280,000 cached"
        " blocks), then week 5's query: 'ERROR SparkSQLDriver: Failed in [SELECT 'week 5'"
        " ...]' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " ParallelCollectionRDD.getPartitions <- RDD.partitions <- MapPartitionsRDD"
        " (listing the 10,000 partitions of a day's range); exit 1 after 174 s; no executor"
        " OutOfMemoryError"
    ),
    "campaign_audience_daily_tables_sql--sql--spark43--cluster": _CAMPAIGN.format(
        where="'week 1', '280000', '13998600' (tab-separated) to 'week 3' (the same counts;"
        " 210,000 cached blocks), then week 4's query, its job being submitted: 'ERROR"
        " SparkSQLDriver: Failed in [SELECT 'week 4' ...]' / 'java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded' at DAGScheduler.getPreferredLocsInternal (the scheduler"
        " looking up the cache locations of the stage's tasks), the CLI printing"
        " 'org.apache.spark.sql.execution.QueryExecutionException: java.lang.OutOfMemoryError:"
        " GC overhead limit exceeded'; exit 1 after 148 s; no executor OutOfMemoryError"
    ),
    "audit_sample_card_transactions_take_sample--scala--spark35--cluster": _AUDIT.format(
        where="the driver runs out of heap taking in the sample's task results: 'ERROR Utils:"
        " Uncaught exception in thread task-result-getter-0' / 'java.lang.OutOfMemoryError:"
        " Java heap space', the same in the driver's RPC threads ('Exception in thread"
        " \"dispatcher-event-loop-1\" java.lang.OutOfMemoryError: Java heap space'), 'WARN"
        " BlockManager: Failed to fetch remote block taskresult_40 ...' / 'Exception thrown in"
        " awaitResult:' / 'Caused by: java.util.concurrent.ExecutionException: Boxed Error' /"
        " 'Caused by: java.lang.OutOfMemoryError: Java heap space', 'Lost task 8.0 in stage"
        " 2.0 (TID 40) ...: TaskResultLost (result lost from block manager)', then an"
        " executor's block manager unreachable ('Connection refused'); the driver hung and"
        " was killed 60 s after the first OutOfMemoryError, 116 s"
    ),
    "web_sessions_limit_cli_dump_sql--sql--spark35--cluster": _WEB.format(
        where="'ERROR SparkSQLDriver: Failed in [SELECT session_id, visitor_id, landing_url,"
        " started_at ... LIMIT 6000000]' / 'java.lang.OutOfMemoryError: Java heap space' at"
        " SparkPlan$$anon$1._next (decoding a row) <- NextIterator.toArray <-"
        " SparkPlan.executeTake <- CollectLimitExec.executeCollect; exit 1 after 19 s"
    ),
    "support_ticket_terms_count_vectorizer_vocab--pyspark--spark35--cluster": _VOCAB.format(
        cl=233,
        tl=236,
        where="'WARN BlockManager: Failed to fetch remote block taskresult_20 ...' / 'Caused by:"
        " java.util.concurrent.ExecutionException: Boxed Error' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space', 'Lost task 5.0 in stage 3.0 (TID 20)"
        " ...: TaskResultLost (result lost from block manager)', 'ERROR Utils: Uncaught"
        " exception in thread task-result-getter-0' / 'java.lang.OutOfMemoryError: Java heap"
        " space', the tasks run again and lost again, 'ERROR TaskSetManager: Task 6 in stage"
        " 3.0 failed 4 times; aborting job'",
        end='under \'File ".../scenarios_r57.py", line 88, in'
        " support_ticket_terms_count_vectorizer_vocab' ('model = cv.fit(tickets)')"
        " 'py4j.protocol.Py4JJavaError: An error occurred while calling o73.fit.'; exit 1"
        " after 50 s",
    ),
    "support_ticket_terms_count_vectorizer_vocab--pyspark--spark43--cluster": _VOCAB.format(
        cl=237,
        tl=243,
        where="'WARN BlockManager: Failed to fetch remote block taskresult_22 ...' / 'Caused by:"
        " java.util.concurrent.ExecutionException: Boxed Exception' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space', 'TaskResultLost (result lost from"
        " block manager)', 'ERROR Utils: Uncaught exception in thread task-result-getter-1' /"
        " 'java.lang.OutOfMemoryError: Java heap space', the tasks run again and lost again,"
        " 'ERROR TaskSetManager: Task 6 in stage 3.0 failed 4 times; aborting job', 'ResultStage"
        " 3 (top at CountVectorizer.scala:243) failed'",
        end="no Python traceback: the driver hung after the job's failure and was killed 60 s"
        " after the first OutOfMemoryError, 116 s",
    ),
    "pos_receipts_landing_text_stream--pyspark--spark35--cluster": _RECEIPTS.format(
        where="batches 0, 1 and 2 committed (15,000 files taken; the first trigger's listing"
        " took 14.7 s), then at the next trigger, listing the directory again: 'ERROR"
        " MicroBatchExecution: Query [id = ..., runId = ...] terminated with error' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at LinkedHashMap.put <-"
        " InMemoryFileIndex.refresh0 <- FileStreamSource.allFilesUsingInMemoryFileIndex <-"
        " fetchAllFiles <- fetchMaxOffset <- latestOffset <-"
        " MicroBatchExecution.constructNextBatch, 'Exception in thread \"stream execution"
        ' thread for [id = ..., runId = ...]" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded', under 'File \".../scenarios_r57.py\", line 123, in"
        " pos_receipts_landing_text_stream' ('query.awaitTermination(...)')"
        " 'pyspark.errors.exceptions.captured.StreamingQueryException: [STREAM_FAILED] Query"
        " [...] terminated with exception: GC overhead limit exceeded'; 'receipts batches'"
        " never printed",
        secs=133,
    ),
    "audit_sample_card_transactions_take_sample--scala--spark43--cluster": _AUDIT.format(
        where="the driver runs out of heap fetching the sample's task results: 'WARN"
        " BlockManager: Failed to fetch remote block taskresult_38 ...' / 'Exception thrown in"
        " awaitResult:' / 'Caused by: java.util.concurrent.ExecutionException: Boxed"
        " Exception' / 'Caused by: java.lang.OutOfMemoryError: Java heap space', 'Lost task"
        " 6.0 in stage 2.0 (TID 38) ...: TaskResultLost (result lost from block manager)', the"
        " same for taskresult_39 and taskresult_40; nothing more printed, the driver hung and"
        " was killed 60 s after the first OutOfMemoryError, 94 s"
    ),
    "pos_receipts_landing_text_stream--pyspark--spark43--cluster": _RECEIPTS.format(
        where="batches 0, 1 and 2 committed (15,000 files taken; the first trigger's listing"
        " took 21.3 s), then at the next trigger, listing the directory again: 'ERROR"
        " MicroBatchExecution: Query [id = ..., runId = ...] terminated with error' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
        " HadoopFSUtils$.listLeafFiles <- parallelListLeafFiles <-"
        " InMemoryFileIndex$.bulkListLeafFiles <- InMemoryFileIndex.refresh0 <-"
        " FileStreamSource.allFilesUsingInMemoryFileIndex <- fetchAllFiles <- fetchMaxOffset"
        " <- latestOffset <- MicroBatchExecution.constructNextBatch, 'Exception in thread"
        ' "stream execution thread for [id = ..., runId = ...]" java.lang.OutOfMemoryError:'
        " Java heap space', under 'File \".../scenarios_r57.py\", line 123, in"
        " pos_receipts_landing_text_stream' ('query.awaitTermination(...)')"
        " 'pyspark.errors.exceptions.captured.StreamingQueryException: [STREAM_FAILED] Query"
        " [...] terminated with exception: Java heap space'; 'receipts batches' never printed",
        secs=120,
    ),
    "web_sessions_limit_cli_dump_sql--sql--spark43--cluster": _WEB.format(
        where="'ERROR SparkSQLDriver: Failed in [SELECT session_id, visitor_id, landing_url,"
        " started_at ... LIMIT 6000000]' / 'java.lang.OutOfMemoryError: Java heap space' at"
        " SparkPlan$$anon$1._next (decoding a row) <- ArrayBuffer.addAll <-"
        " SparkPlan.executeTake <- CollectLimitExec.executeCollect, the CLI printing"
        " 'org.apache.spark.sql.execution.QueryExecutionException: java.lang.OutOfMemoryError:"
        " Java heap space'; exit 1 after 18 s"
    ),
    "branch_till_exports_partitioned_csv_stream--scala--spark35--cluster": _TILLS.format(
        where="the files written (about 40 s), the source's schema and partition listing"
        " ('WARN SharedInMemoryCache: Evicting cached table partition metadata from memory"
        " due to size constraints (spark.sql.hive.filesourcePartitionFileCacheSize = 262144000"
        " bytes)'), then the stream: 'WARN FileStreamSource: Listed 300000 file(s) in 10811 ms'"
        " at the first trigger and 'Listed 300000 file(s) in 15446 ms' at a later one, batches"
        " falling behind ('WARN ProcessingTimeExecutor: Current batch is falling behind. The"
        " trigger interval is 2000 milliseconds, but spent 40971 milliseconds', then 19, 14,"
        ' 6, 30, 11, 10, 5 s), then \'Exception in thread "dispatcher-CoarseGrainedScheduler"'
        " java.lang.OutOfMemoryError: GC overhead limit exceeded', 'ERROR MicroBatchExecution:"
        " Query [id = ..., runId = ...] terminated with error' / 'java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded' (no stack printed), in the REPL"
        " 'org.apache.spark.sql.streaming.StreamingQueryException: [STREAM_FAILED] Query [...]"
        " terminated with exception: GC overhead limit exceeded' from awaitTermination; 'till"
        " export batches' never printed; exit 0 after 189 s (the shell goes on to its end); no"
        " executor OutOfMemoryError. A first try with 200 branch directories (400,000 files)"
        " failed before the stream started, listing the directory for the source's partition"
        " schema (not kept, see the README)"
    ),
    "branch_till_exports_partitioned_csv_stream--scala--spark43--cluster": _TILLS.format(
        where="the files written (about 40 s), the source's schema and partition listing"
        " ('WARN SharedInMemoryCache: Evicting cached table partition metadata from memory"
        " due to size constraints ...'), then the stream: 'WARN FileStreamSource: Listed"
        " 300000 file(s) in 17764 ms' at the first trigger, batches falling behind ('WARN"
        " ProcessingTimeExecutor: Current batch is falling behind. The trigger interval is"
        " 2000 milliseconds, but spent 47946 milliseconds', then 16, 14, 8 s), then 'Exception"
        ' in thread "dispatcher-CoarseGrainedScheduler" java.lang.OutOfMemoryError: GC'
        " overhead limit exceeded', 'ERROR MicroBatchExecution: Query [id = ..., runId = ...]"
        " terminated with error' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (no"
        " stack printed), 'ERROR ContextCleaner: Error cleaning broadcast 3' (the same error"
        " under 'Boxed Exception'), executor 0 exits with the driver's connection closed"
        " ('Lost executor 0 on 192.0.2.2: Command exited with code 0'), in the REPL"
        " 'org.apache.spark.sql.streaming.StreamingQueryException: [STREAM_FAILED] Query [...]"
        " terminated with exception: GC overhead limit exceeded' with 'Current Committed"
        ' Offsets: {FileStreamSource[...landing]: {"logOffset":3}}\' (batches 0 to 3'
        " committed, 16,000 files taken); 'till export batches' never printed; exit 0 after"
        " 166 s (the shell goes on to its end); no executor OutOfMemoryError"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r57)


if __name__ == "__main__":
    main()
