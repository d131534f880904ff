#!/usr/bin/env python
"""Run round 71 of the real Spark run matrix under tests/data/runs/ (manifest-r71.jsonl).

    python tests/data/runs/gen_r71.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r71.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r71.py --drop run-id ...       # remove a run not kept

A sixth unaimed round, to measure the service on ordinary new incidents: eight new scenarios,
one for each of eight causes, each the most ordinary way a data engineer meets its cause, on a
code path no earlier scenario of its cause uses; PySpark, Scala and SQL, as in rounds 35 to 70.
A PySpark run is one ``spark-submit scenarios_r71.py <scenario>`` by gen_more.run; a Scala run
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 70's, the
script being scenarios_r71.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification, the
manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r71).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (MAX_RESULT, PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (CLUSTER, LOCAL, EXECUTOR_OOM_RUN, ...)
import scenarios_r71  # noqa: E402  (SCALA and SQL scripts)

# A driver at the launchers' 512m (gen_more's default), its full heap throwing instead of
# thrashing, on local-cluster, with round 68's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# The same driver with round 67's stricter GC overhead limit (the Parallel collector giving up
# at 50 % of the time in GC and under 20 % freed), so that a heap full of collected rows throws
# instead of collecting for minutes (round 69's newsletter export).
STRICT_512 = dict(
    gc="-XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    variants=gs.CLUSTER,
    timeout=300,
)
# Round 68's streaming driver: 512m on local[*] (the executor, and so the state store, inside
# the driver JVM) with the stricter GC overhead limit, round 68's hard timeout.
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
# Round 66's small driver for a stage of very many tasks: 224m (let through Spark's start-up
# check by RESERVED_32M), PARALLEL_GC_LIMIT, local-cluster, round 68's hard timeout.
SMALL_HEAP = dict(mem="224m", gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)

SCENARIOS = {
    # PySpark: the month's invoices collected, [row.asDict() for row in ...collect()] and
    # json.dumps into one payload for the accounting API, the Python driver capped.
    "accounting_api_invoice_rows_as_dict_json_payload": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # PySpark: the click stream's (campaign, user) pairs, select(...).distinct() without
    # watermark, in update mode to the console sink, on local[*].
    "ad_campaign_unique_clickers_stream_distinct": dict(
        label="streaming_state",
        expect=ge.DRIVER_OOM,
        conf={"spark.sql.shuffle.partitions": "4"},
        **STREAM_512,
    ),
    # PySpark: rdd.groupByKey().mapValues(sorted) of page views, 60 % under the visitor id
    # "anonymous", under the platform's spark.executor.pyspark.memory=512m; a Python worker
    # runs out on an executor.
    "clickstream_visitor_paths_rdd_group_by_key_sorted": dict(
        label="not_driver_oom",
        expect=r"PythonException",
        conf={"spark.executor.pyspark.memory": "512m"},
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
    # Scala (WARN): the day's 3,000,000 shipments as a Dataset[Shipment] (a case class)
    # collected to be grouped by carrier on the driver.
    "carrier_shipments_typed_dataset_collect_manifest": dict(
        label="collect_to_driver",
        lang="scala",
        expect=ge.DRIVER_OOM,
        reject=gm.MAX_RESULT,
        **STRICT_512,
    ),
    # Scala (WARN): sc.textFile over a glob of 200,000 small receipt uploads, one task each.
    "store_receipts_text_file_per_upload_partitions": dict(
        label="too_many_tasks",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf=gs.RESERVED_32M,
        **SMALL_HEAP,
    ),
    # SQL: SELECT * of a fiscal year's 5,000,000 invoice lines in spark-sql, under the
    # platform's spark.driver.maxResultSize=256m, driver 1g.
    "tax_audit_invoice_lines_select_all_sql": dict(
        label="max_result_size",
        lang="sql",
        expect=gm.MAX_RESULT,
        reject=ge.DRIVER_OOM,
        mem="1g",
        conf={"spark.driver.maxResultSize": "256m"},
        **DRIVER_512,
    ),
    # SQL: CACHE LAZY TABLE ... OPTIONS ('storageLevel' 'DISK_ONLY') of 320,000 partitions,
    # read by the stock report with a COALESCE(8) hint.
    "pharmacy_stock_moves_disk_only_cache_table_sql": dict(
        label="cached_block_metadata",
        lang="sql",
        expect=ge.DRIVER_OOM,
        conf=BLOCKS_CONF,
        **SMALL_HEAP_BLOCKS,
    ),
}

# Dropped (see the README section and the note in scenarios_r71.py): after two tries,
# card_fraud_rules_class_field_closure (Scala, large_closure, DRIVER_512, expect
# gen_extra.DRIVER_OOM), the card fraud check whose FraudRules class holds 2,000,000 blocked card
# numbers in a Set field read by the lambda of its flag(rdd) method. Its first script (3.5 only)
# kept the PrintWriter that wrote the card file as a top-level val of the shell, and the closure,
# capturing FraudRules and through its $outer the shell's line object, failed with
# 'org.apache.spark.SparkException: Task not serializable' / 'Caused by:
# java.io.NotSerializableException: java.io.PrintWriter' (exit 0 after 19 s). Its second script
# wrote the file inside a locally { } block: on both versions the closure was serialized ('WARN
# DAGScheduler: Broadcasting large task binary with size 36.4 MiB') and the job finished ('fraud
# flags written', exit 0 after 47 and 44 s). Its runs were removed with --drop and its entry
# taken out; its script stays in scenarios_r71.SCALA, unused.
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {
    # The driver's BlockManagerMaster ran out of heap while answering the executors' block
    # status updates; the executors whose updates were answered with that error print the
    # driver's OutOfMemoryError (BlockManagerMasterEndpoint.receiveAndReply <-
    # NettyRpcEnv.serialize frames) under 'Caused by: java.util.concurrent.ExecutionException:
    # Boxed Error' in their stderr and exit with code 50, which the executor-OOM check counts
    # (as rounds 57 and 63's). No executor ran out of its own heap; the label is the one the
    # scenario was written for.
    "pharmacy_stock_moves_disk_only_cache_table_sql--sql--spark35--cluster": (
        "cached_block_metadata"
    ),
}
_INVOICES = (
    "note: local-cluster[2,1,1024], executors 768m, driver JVM 1g, PARALLEL_GC_LIMIT, INFO log, the"
    " Python driver's address space capped by the script at its size plus 700 MB (as a nearly"
    " full container would; nothing printed): the month's invoices for the accounting system's"
    " REST API, 1,200,000 generated invoices (8 partitions; number, customer id and name, issue"
    " date, net amount, VAT rate, currency, status) turned into dicts with [row.asDict() for row"
    " in invoices.collect()] (line 62) to be dumped with json.dumps as one payload; the collect's"
    " job finished ('Job 0 finished: collect at .../scenarios_r71.py:62'), then {where}; the"
    " Python driver ran out unpickling the collected rows, before any asDict() call; 'invoices:"
    " ...' never printed; no OutOfMemoryError of the JVM, no executor OutOfMemoryError:"
    " labelled python_driver_oom"
)
_CLICKERS = (
    "note: local[*] (the executor and its state store inside the driver JVM), driver 512m,"
    " -XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20 (STREAM_512),"
    " spark.sql.shuffle.partitions=4, INFO log: the ad team's live list of who clicked which"
    " campaign, a rate source of 50,000 clicks a second (300 campaigns, up to 30,000,000 users),"
    " clicks.select('campaign_id', 'user_id').distinct() with no watermark, outputMode('update')"
    " to the console sink (a 3 s trigger; each batch's new pairs printed, 20 rows shown): every"
    " pair ever seen stays in the state store, the progress reports show it grow ({rows});"
    " {where}; no executor of its own to blame: labelled streaming_state"
)
_PATHS = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m (never short of heap), after_oom"
    " off, spark.executor.pyspark.memory=512m (the platform's cap on the executors' Python"
    " workers), INFO log: each visitor's click path for the UX team, 6,000,000 generated page"
    " views (16 partitions), 60 % under the visitor id 'anonymous' (no consent cookie), as"
    " (visitor, (ts, url)) pairs, views.rdd.map(...).groupByKey().mapValues(sorted) and"
    " saveAsTextFile (line 143): the map stage (ShuffleMapStage 0, groupByKey at"
    " .../scenarios_r71.py:139) finished; {where}; the Python worker of the reduce task of"
    " 'anonymous' ran out merging its values (pyspark/shuffle.py mergeCombiners <-"
    " serializers.loads / 'MemoryError' in the task's PythonException); the driver's heap and"
    " the Python driver untouched, no JVM OutOfMemoryError anywhere; 'visitor paths written'"
    " never printed: labelled not_driver_oom"
)
_SHIPMENTS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m, -XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20 (STRICT_512),"
    " spark.driver.maxResultSize at its default 1g: the carriers' daily manifest, 3,000,000"
    " generated shipments (16 partitions; id, carrier, postcode, weight, a 128-character address,"
    " date) as a typed Dataset[Shipment] of a case class, shipments.collect() to be grouped by"
    " carrier on the driver; {where}; the driver ran out receiving the collect's task results"
    " (SparkPlan.executeCollect in its stack); 'shipments: ...' never printed; no maxResultSize"
    " abort, no executor OutOfMemoryError: labelled collect_to_driver"
)
_RECEIPTS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 224m (RESERVED_32M), PARALLEL_GC_LIMIT: the day's takings per store from the tills'"
    " receipt uploads, 200,000 small CSV files (one line each) written by the script in 400"
    " folders ('uploads: 200000' printed), read with sc.textFile('receipts/2026-12-06/*/*.csv'),"
    " one partition per file, summed with reduceByKey(_ + _, 8) and saved with saveAsTextFile;"
    " {where}; no job started (the event log holds no job); 'daily takings written' never"
    " printed; no executor OutOfMemoryError: labelled too_many_tasks"
)
_AUDIT = (
    "note: spark-sql (its default WARN log), local-cluster[2,1,1024], executors 768m, driver 1g,"
    " PARALLEL_GC_LIMIT, spark.driver.maxResultSize=256m (the platform's setting): the tax"
    " auditor's request, a CTAS of 10,000,000 generated invoice lines (two fiscal years, a"
    " 64-character description), then SELECT * FROM invoice_lines WHERE fiscal_year = 2025,"
    " whose 5,000,000 rows the spark-sql CLI collects to print; {where}; no OutOfMemoryError:"
    " labelled max_result_size"
)
_PHARMACY = (
    "note: spark-sql (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 192m (RESERVED_32M), -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false: the pharmacies' stock movements of the week, 1,280,000"
    " generated movements in 320,000 partitions standing for the branches' uploads, CACHE LAZY"
    " TABLE stock_moves OPTIONS ('storageLevel' 'DISK_ONLY') AS SELECT ..., then the stock"
    " report SELECT pharmacy, sum(qty), count(DISTINCT product) FROM (SELECT /*+ COALESCE(8) */"
    " * FROM stock_moves) GROUP BY pharmacy: 8 tasks, each computing and caching 40,000 tiny"
    " partitions ('WARN TaskSetManager: Stage 0 contains a task of very large size (1962 KiB)'),"
    " one block status update to the driver each; {where}"
)
OUTCOME_NOTES = {
    "accounting_api_invoice_rows_as_dict_json_payload--pyspark--spark35--cluster": _INVOICES.format(
        where="the Python traceback at line 62 (records = [row.asDict() for row in"
        " invoices.collect()]) <- pyspark/sql/dataframe.py collect <- serializers.py load_stream /"
        " loads / 'MemoryError'; exit 1 after 18 s"
    ),
    "ad_campaign_unique_clickers_stream_distinct--pyspark--spark35--local": _CLICKERS.format(
        rows="'numRowsTotal' 100,000 after batch 1 ... 1,150,000 after batch 8, 'memoryUsedBytes'"
        " up to 304,988,880",
        where="in batch 9 'ERROR Executor: Exception in task 2.0 in stage 19.0 (TID 56)' /"
        " 'java.lang.OutOfMemoryError: Java heap space', 'ERROR SparkUncaughtExceptionHandler:"
        " Uncaught exception in thread Thread[Executor task launch worker for task 2.0 in stage"
        " 19.0 (TID 56),5,main]', 'WARN TaskSetManager: Lost task 2.0 in stage 19.0 (TID 56)"
        " (192.0.2.2 executor driver): java.lang.OutOfMemoryError: Java heap space', 'ERROR"
        " WriteToDataSourceV2Exec: Data source write support MicroBatchWrite[epoch: 9, writer:"
        " ConsoleWriter[numRows=20, truncate=true]] is aborting.', 'ERROR MicroBatchExecution:"
        " Query [...] terminated with error', the Python traceback at line 103"
        " (query.awaitTermination) / 'pyspark.errors.exceptions.captured.StreamingQueryException:"
        " [STREAM_FAILED] Query [...] terminated with exception: Job aborted due to stage failure:"
        " ... java.lang.OutOfMemoryError: Java heap space'; exit 52 after 54 s (the executor's"
        " uncaught OutOfMemoryError handler, the task thread being in the driver JVM)",
    ),
    "accounting_api_invoice_rows_as_dict_json_payload--pyspark--spark43--cluster": _INVOICES.format(
        where="the Python traceback at line 62 <- pyspark/sql/classic/dataframe.py collect <-"
        " serializers.py load_stream / loads / 'MemoryError'; exit 1 after 21 s"
    ),
    "ad_campaign_unique_clickers_stream_distinct--pyspark--spark43--local": _CLICKERS.format(
        rows="'numRowsTotal' 50,000 after batch 1 ... 950,000 after batch 7, 'memoryUsedBytes'"
        " 356,325,696",
        where="in batch 8 'ERROR WriteToDataSourceV2Exec: Data source write support"
        " MicroBatchWrite[epoch: 8, writer: ConsoleWriter[numRows=20, truncate=true]] is"
        " aborting.', 'ERROR MicroBatchExecution: Query [...] terminated with error' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (at UTF8String.copy <-"
        " InterpretedMutableProjection <- ConvertToLocalRelation: the console sink copying the"
        " batch's rows), 'Exception in thread \"stream execution thread for [...]\""
        " java.lang.OutOfMemoryError: GC overhead limit exceeded', the traceback at line 103 /"
        " 'pyspark.errors.exceptions.captured.StreamingQueryException: [STREAM_FAILED] Query [...]"
        " terminated with exception: GC overhead limit exceeded SQLSTATE: XXKST'; exit 1 after 41 s",
    ),
    "carrier_shipments_typed_dataset_collect_manifest--scala--spark43--cluster": _SHIPMENTS.format(
        where="three times 'WARN BlockManager: Failed to fetch remote block taskresult_N from"
        " [BlockManagerId(1, ...)] after 1 fetch failures. Most recent failure cause:' /"
        " 'org.apache.spark.SparkException: Exception thrown in awaitResult:' / 'Caused by:"
        " java.util.concurrent.ExecutionException: Boxed Exception' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space' (at HeapByteBuffer.<init> <-"
        " ByteBuffer.allocate <- CompositeByteBuf.nioBuffer ...), each with 'Lost task N.0 in stage"
        " 0.0 ... TaskResultLost (result lost from block manager)', then 'ERROR TaskResultGetter:"
        " Exception while getting task result' / 'java.lang.IllegalStateException: unread block"
        " data' and the job aborted with it; exit 0 after 26 s (the shell goes on)"
    ),
    "tax_audit_invoice_lines_select_all_sql--sql--spark43--cluster": _AUDIT.format(
        where="the CTAS ('Time taken: 19.415 seconds'), then 'ERROR TaskSetManager: Total size of"
        " serialized results of 5 tasks (273.3 MiB) is bigger than spark.driver.maxResultSize"
        " (256.0 MiB)', 'Lost task 4.0 in stage 1.0 (TID 20) ... TaskKilled (Tasks result size has"
        " exceeded maxResultSize)', 'Job aborted due to stage failure: Total size of serialized"
        " results of 5 tasks (273.3 MiB) is bigger than spark.driver.maxResultSize (256.0 MiB)';"
        " exit 1 after 36 s; no row printed"
    ),
    "clickstream_visitor_paths_rdd_group_by_key_sorted--pyspark--spark35--cluster": _PATHS.format(
        where="in the result stage 'WARN TaskSetManager: Lost task 10.0 in stage 1.0 (TID 26)"
        " (192.0.2.2 executor 0): org.apache.spark.SparkException: Task failed while writing"
        " rows' / 'Caused by: org.apache.spark.api.python.PythonException: Traceback (most recent"
        " call last):' ... 'MemoryError', three more attempts '[duplicate 1]' to '[duplicate 3]',"
        " 'ERROR TaskSetManager: Task 10 in stage 1.0 failed 4 times; aborting job', the Python"
        " traceback at line 143 (paths.saveAsTextFile) / 'py4j.protocol.Py4JJavaError: An error"
        " occurred while calling o94.saveAsTextFile.' / ': org.apache.spark.SparkException: Job"
        " aborted.'; exit 1 after 43 s; the executors stayed up (their stderr: no"
        " OutOfMemoryError)"
    ),
    "clickstream_visitor_paths_rdd_group_by_key_sorted--pyspark--spark43--cluster": _PATHS.format(
        where="'WARN TaskSetManager: Lost task 10.0 in stage 1.0 (TID 26) (192.0.2.2 executor 0):"
        " org.apache.spark.SparkException: Task failed while writing rows' / 'Caused by:"
        " org.apache.spark.api.python.PythonException: [PYTHON_EXCEPTION] An exception was thrown"
        " from the Python worker: Traceback (most recent call last):' ... 'MemoryError', three"
        " more attempts, 'ERROR TaskSetManager: Task 10 in stage 1.0 failed 4 times; aborting"
        " job', the traceback at line 143 / 'py4j.protocol.Py4JJavaError: An error occurred while"
        " calling o113.saveAsTextFile.' / ': org.apache.spark.SparkException: Job aborted.'; exit 1"
        " after 47 s; the executors stayed up (executor 0's stderr: the Python workers'"
        " 'MemoryError' tracebacks, no OutOfMemoryError)"
    ),
    "carrier_shipments_typed_dataset_collect_manifest--scala--spark35--cluster": _SHIPMENTS.format(
        where="twice 'WARN BlockManager: Failed to fetch remote block taskresult_N from"
        " [BlockManagerId(1, ...)] after 1 fetch failures. Most recent failure cause:' /"
        " 'org.apache.spark.SparkException: Exception thrown in awaitResult:' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space' (at HeapByteBuffer.<init> <-"
        " ByteBuffer.allocate <- ... NettyManagedBuffer.nioByteBuffer <- BlockTransferService$$anon"
        "$1.onBlockFetchSuccess), each with 'WARN TaskSetManager: Lost task N.0 in stage 0.0 (TID"
        " N) (192.0.2.2 executor 1): TaskResultLost (result lost from block manager)', then 'ERROR"
        " TaskResultGetter: Exception while getting task result' / 'java.lang.IllegalStateException:"
        " unread block data' and 'org.apache.spark.SparkException: Job aborted due to stage"
        " failure: Exception while getting task result: java.lang.IllegalStateException: unread"
        " block data'; exit 0 after 23 s (the shell goes on)"
    ),
    "store_receipts_text_file_per_upload_partitions--scala--spark35--cluster": _RECEIPTS.format(
        where="'ERROR SparkHadoopWriter: Aborting job job_...' / 'java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded' (at String.substring <- URI.<init> <- Path.makeQualified <-"
        " RawLocalFileSystem$DeprecatedRawLocalFileStatus.<init> <- RawLocalFileSystem.listStatus:"
        " the driver listing the 200,000 files for the input splits), then"
        " 'org.apache.spark.SparkException: Job aborted.' / 'Caused by:"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded'; exit 0 after 28 s (the shell"
        " goes on)"
    ),
    "store_receipts_text_file_per_upload_partitions--scala--spark43--cluster": _RECEIPTS.format(
        where="'ERROR SparkHadoopWriter: Aborting job job_...' / 'java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded' (at StringBuilder.append <- URI.toString <- Path.<init> <-"
        " Globber.doGlob <- FileSystem.globStatus <- FileInputFormat.listStatus <-"
        " FileInputFormat.getSplits <- HadoopRDD.getPartitions: the driver expanding the glob"
        " over the 200,000 files), then 'org.apache.spark.SparkException: Job aborted.' / 'Caused"
        " by: java.lang.OutOfMemoryError: GC overhead limit exceeded'; exit 0 after 34 s (the"
        " shell goes on)"
    ),
    "tax_audit_invoice_lines_select_all_sql--sql--spark35--cluster": _AUDIT.format(
        where="the CTAS ('Time taken: 21.276 seconds'), then 'ERROR TaskSetManager: Total size of"
        " serialized results of 5 tasks (273.3 MiB) is bigger than spark.driver.maxResultSize"
        " (256.0 MiB)', 'WARN TaskSetManager: Lost task 5.0 in stage 1.0 (TID 21) (192.0.2.2"
        " executor 1): TaskKilled (Tasks result size has exceeded maxResultSize)', 'Job aborted due"
        " to stage failure: Total size of serialized results of 5 tasks (273.3 MiB) is bigger than"
        " spark.driver.maxResultSize (256.0 MiB)'; exit 1 after 36 s; no row printed"
    ),
    "pharmacy_stock_moves_disk_only_cache_table_sql--sql--spark43--cluster": _PHARMACY.format(
        where="about 110 s into the report's first job 'ERROR Inbox: An error happened while"
        " processing message in the inbox for CoarseGrainedScheduler' / 'java.lang.OutOfMemoryError:"
        " Java heap space' at Arrays.copyOf <- ByteArrayOutputStream.ensureCapacity <-"
        " ByteBufferOutputStream.write ... SerializableBuffer.writeObject <- RequestMessage.serialize"
        " <- NettyRpcEnv.send (a task of 40,000 partitions being sent for launch),"
        ' \'Exception in thread "dispatcher-CoarseGrainedScheduler" java.lang.OutOfMemoryError:'
        " Java heap space', 'ERROR Utils: Uncaught exception in thread task-result-getter-2' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (at"
        " ObjectInputStream.readObject <- ConcurrentHashMap.readObject), more of both until 14:10:32;"
        " spark-sql hung, killed 60 s after the first OutOfMemoryError (190 s); no executor"
        " OutOfMemoryError (their stderr: none): labelled cached_block_metadata"
    ),
    "pharmacy_stock_moves_disk_only_cache_table_sql--sql--spark35--cluster": _PHARMACY.format(
        where="about 170 s into the report's first job 'ERROR Inbox: An error happened while"
        " processing message in the inbox for BlockManagerMaster' / 'java.lang.OutOfMemoryError:"
        " GC overhead limit exceeded', 'Exception in thread \"dispatcher-BlockManagerMaster\"',"
        ' \'Exception in thread "dispatcher-CoarseGrainedScheduler" java.lang.OutOfMemoryError:'
        " GC overhead limit exceeded' (several times), 'WARN TaskSetManager: Lost task 4.0 in"
        " stage 0.0 (TID 4) (192.0.2.2 executor 0): org.apache.spark.SparkException: Exception"
        " thrown in awaitResult:' / 'Caused by: java.util.concurrent.ExecutionException: Boxed"
        " Error' / 'Caused by: java.lang.OutOfMemoryError: GC overhead limit exceeded' (the"
        " driver's error, the answer to the executor's block status update), 'ERROR"
        " TaskSchedulerImpl: Lost executor 0 on 192.0.2.2: Command exited with code 50', 'ERROR"
        " Utils: throw uncaught fatal error in thread spark-listener-group-appStatus', 'Lost"
        " executor 1 ... code 50', thousands of 'WARN BlockManagerMasterEndpoint: No more"
        " replicas available for rdd_4_N !', 'org.apache.spark.SparkException: Job 0 cancelled"
        " because SparkContext was shut down'; exit 1 after 212 s; the executors' stderr hold"
        " only the driver's OutOfMemoryError (BlockManagerMasterEndpoint.receiveAndReply <-"
        " NettyRpcEnv.serialize frames under 'Boxed Error'), none of their own: labelled"
        " cached_block_metadata by LABEL_OVERRIDES"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r71)


if __name__ == "__main__":
    main()
