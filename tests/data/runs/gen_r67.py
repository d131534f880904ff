#!/usr/bin/env python
"""Run round 67 of the real Spark run matrix under tests/data/runs/ (manifest-r67.jsonl).

    python tests/data/runs/gen_r67.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r67.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r67.py --drop run-id ...       # remove a run not kept

A second unaimed round, to measure the service on ordinary new incidents: eight new scenarios,
each the most ordinary way a data engineer meets its cause, on a code path no earlier scenario
uses; PySpark, Scala and SQL, as in rounds 35 to 66. A PySpark run is one ``spark-submit
scenarios_r67.py <scenario>`` by gen_more.run; a Scala run one ``spark-shell -i <script>``, a SQL
run one ``spark-sql -f <script>`` (stdin /dev/null) from the pyspark wheel of the Spark version,
launched by gen_shell.run as rounds 35 to 66's, the script being scenarios_r67.SCALA /
SQL[scenario] written into the run's scratch dir. Finishing (trim, zstd event log check,
`outcome`, the `expect` / `reject` / executor-OOM verification, the manifest line) is
gen_more.finish with this round's tables handed as a gen_more.Round. Raw output under
$DD_SCRATCH (default /tmp/driver-doctor-runs-r67).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (BROADCAST_OOM, CLUSTER, EXECUTOR_LOST, EXECUTOR_OOM_RUN, ...)
import scenarios_r67  # noqa: E402  (SCALA and SQL scripts)

# A driver at the launchers' 512m (gen_more's default), its full heap throwing instead of
# thrashing, on local-cluster, with round 66's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# The driver at Spark's default 1g (passed explicitly), PARALLEL_GC_LIMIT, local-cluster, round
# 66's hard timeout.
DEFAULT_1G = dict(mem="1g", gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# Round 65's recipe for the driver heap filled with the status of cached blocks: a 192m driver
# let through Spark's start-up check by RESERVED_32M, the Parallel collector with a small young
# generation and a stricter GC overhead limit, adaptive execution off, on local-cluster, round
# 66's hard timeout.
BLOCKS_CONF = {**gs.RESERVED_32M, "spark.sql.adaptive.enabled": "false"}
SMALL_HEAP_BLOCKS = dict(
    mem="192m",
    gc="-XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    variants=gs.CLUSTER,
    timeout=300,
)

SCENARIOS = {
    # PySpark: sc.textFile of yesterday's gateway access log, filtered to one tenant's lines
    # with a lambda and collected.
    "gateway_access_log_text_file_grep_collect": dict(
        label="collect_to_driver",
        expect=ge.DRIVER_OOM,
        reject=gm.MAX_RESULT,
        **DRIVER_512,
    ),
    # PySpark: pd.DataFrame(df.collect(), columns=df.columns).astype(str) of the month's courier
    # charges, the Python driver capped.
    "courier_invoice_lines_pandas_astype_str_reconcile": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # PySpark: a query a day for the day's distinct visitor ids, added to a Counter kept across
    # the month, the Python driver capped.
    "site_returning_visitors_counter_by_day": dict(
        label="driver_side_state",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # PySpark: toPandas() of 6,000,000 queue-time samples on the default 1g driver.
    "branch_queue_times_topandas_chart": dict(
        label="client_mode_small_driver",
        expect=ge.DRIVER_OOM,
        reject=gm.MAX_RESULT,
        **DEFAULT_1G,
    ),
    # Scala (WARN): a typed Dataset of 320,000 partitions cached, read by two groupByKey reports
    # over coalesce(8).
    "atm_withdrawals_typed_dataset_cache_reports": dict(
        label="cached_block_metadata",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf=BLOCKS_CONF,
        **SMALL_HEAP_BLOCKS,
    ),
    # SQL: a 100m broadcast threshold and CACHE TABLE of the members (planned at their 827 MiB
    # in-memory size): the 12,000,000 points transactions (109 MB of parquet) are broadcast.
    "loyalty_statement_cached_members_join_sql": dict(
        label="broadcast_too_large",
        lang="sql",
        expect=gs.BROADCAST_OOM,
        **DRIVER_512,
    ),
    # Scala (WARN): groupByKey(_._1).flatMapGroups sorting each device's events in memory,
    # 60 % of them under the device id "unknown"; the executors run out of heap.
    "app_events_flat_map_groups_sessionizer": dict(
        label="not_driver_oom",
        lang="scala",
        # The executor's OutOfMemoryError comes wrapped in the task's write failure
        # (TASK_WRITE_FAILED), so the executor exits with code 50 (uncaught exception), not 52.
        expect=gs.EXECUTOR_LOST + r"|Command exited with code 50",
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
    # Scala (WARN): a UDF with the scanner tool's check-digit decoder, which calls sys.exit(3)
    # on a bad checksum; the executors exit, no memory runs out.
    "depot_scan_labels_checksum_decoder_udf": dict(
        label="not_driver_oom",
        lang="scala",
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
}

NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_GATEWAY = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT, INFO log,"
    " Spark's default spark.driver.maxResultSize (1g): a support ticket from the largest tenant,"
    " yesterday's API gateway access log (5,000,000 generated lines of about 190 characters"
    " written as text by the script's first job, 'text at NativeMethodAccessorImpl.java:0')"
    " read with sc.textFile (32 splits), filtered with a Python lambda to the tenant's lines"
    " (70 %, about 3,500,000) and collected ('collect at .../scenarios_r67.py:66'); each task"
    " result a pickled batch of about 22 MiB sent as a remote taskresult block, about 700 MB in"
    " all, under the result limit, which the driver JVM fetches and holds before Python gets"
    " a line; {where}; 'acme-retail requests' never printed; no maxResultSize abort, no"
    " executor OutOfMemoryError: labelled collect_to_driver"
)
_INVOICES = (
    "note: local-cluster[2,1,1024], executors 768m, driver JVM 1g, PARALLEL_GC_LIMIT, INFO log, the"
    " Python driver's address space capped by the script at its size plus 700 MB (as a nearly"
    " full container would; nothing printed): the finance team's courier invoice check, the"
    " month's 700,000 generated shipment charges (two string and eight double columns, 8"
    " partitions) collected ('shipment charges: 700000' printed: the JVM and the Python list"
    " held them), then pd.DataFrame(rows, columns=charges.columns).astype(str) at line 104 to"
    " compare every cell with the courier's CSV invoice; {where}; 'charges as text' never"
    " printed; no OutOfMemoryError of the JVM, no executor OutOfMemoryError: labelled"
    " python_driver_oom"
)
_VISITORS = (
    "note: local-cluster[2,1,1024], executors 768m, driver JVM 1g, PARALLEL_GC_LIMIT, INFO log, the"
    " Python driver's address space capped by the script at its size plus 700 MB (as a nearly"
    " full container would; nothing printed): the web team's returning-visitor report, 30 days"
    " of 600,000 generated visits a day (visitor ids of 27 characters drawn from 15,000,000), one"
    " query a day (where(day).select('visitor_id').distinct().collect(), 'collect at"
    " .../scenarios_r67.py:142') whose ids are added to a collections.Counter kept across the"
    " month ('2026-11-01: 588xxx visitors, N back, N seen' printed every day); {where}; each"
    " day's query is small (about 590,000 ids), the driver full of what the loop keeps from"
    " every day; no OutOfMemoryError of the JVM, no executor OutOfMemoryError: labelled"
    " driver_side_state"
)
_BRANCHES = (
    "note: local-cluster[2,1,1024], executors 768m, driver 1g (Spark's default, passed"
    " explicitly), PARALLEL_GC_LIMIT, INFO log, Spark's default spark.driver.maxResultSize (1g),"
    " no pyarrow (toPandas collects rows): the branch network's quarterly review, 6,000,000"
    " generated queue-time samples of 1,800 branches (nine columns with a sha2-256 customer"
    " reference, 8 partitions), the TEST region filtered out (about 5,000,000 rows), turned into"
    " a pandas frame with toPandas() for the notebook's charts ('toPandas at"
    " .../scenarios_r67.py:179'); each of the 8 task results 64.3 MiB (about 515 MB in all,"
    " under the result limit); {where}; 'queue samples' never printed; no maxResultSize abort,"
    " no executor OutOfMemoryError; a driver of a few GB would hold the rows: labelled"
    " client_mode_small_driver"
)
_LOYALTY = (
    "note: spark-sql (its default WARN log), local-cluster[2,1,1024], executors 768m, driver 512m,"
    " PARALLEL_GC_LIMIT: the loyalty statement run, the analysts' script starting with SET"
    " spark.sql.autoBroadcastJoinThreshold=100m, two CTAS statements (6,000,000 loyalty members"
    " with tier, segment and home store strings, 29 MB of parquet; 12,000,000 points"
    " transactions, 109 MB of parquet), CACHE TABLE loyalty_members (several statements read"
    " it), then the points per tier, segment and home store (JOIN ON member_id, GROUP BY, ORDER"
    " BY points DESC LIMIT 20): the cached members are planned at their in-memory size"
    " ('Statistics(sizeInBytes=827.2 MiB, rowCount=6.00E+6)' in the event log), the"
    " transactions' two read columns estimated under the threshold, so the plan is"
    " 'BroadcastHashJoin Inner BuildLeft' with 'BroadcastExchange' over 'Scan parquet"
    " spark_catalog.default.points_transactions' (12,000,000 rows built into a hash relation on"
    " the driver); {where}; no executor OutOfMemoryError: labelled broadcast_too_large"
)
_SESSIONS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m (never short of heap), after_oom off: the app analytics team's sessions, 8,000,000"
    " generated app events (16 partitions) of which 60 % carry the device id 'unknown' (an SDK"
    " release), as a typed Dataset of tuples, groupByKey(_._1).flatMapGroups with each device's"
    " events materialized and sorted in memory (it.toSeq.sortBy(_._2)) and cut at 30-minute gaps,"
    " written as parquet: the one task that gets 'unknown' holds 4,800,000 events on an executor;"
    " {where}; the executors' stderr hold the OutOfMemoryErrors (java.lang.String from"
    " UTF8String.toString, Iterator.toStream), the driver's log only the failed tasks, lost"
    " executors and fetch failures; 'sessions written' never printed: labelled not_driver_oom"
)
_ATM = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 192m (RESERVED_32M), -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false: the ATM withdrawals of the month, 1,280,000 generated"
    " withdrawals in 320,000 partitions standing for the ATMs' upload files, as a typed"
    " Dataset of tuples cached with .cache() because two reports read it, the first report"
    " groupByKey(_._1).mapValues(_._3).reduceGroups(_ + _) over coalesce(8) written as parquet:"
    " 8 tasks, each computing and caching 40,000 tiny partitions ('WARN TaskSetManager: Stage 0"
    " contains a task of very large size (1962 KiB)'), one block status update to the driver"
    " each; {where}; 'withdrawn by atm written' never printed: labelled cached_block_metadata"
)
_DEPOT = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m (never short of heap), after_oom off: the depot scanners' label check, 6,000,000"
    " generated scans (16 partitions) with 12-digit barcodes whose last digit is a check digit,"
    " one in 400,000 damaged, repartition(8, depot) and a UDF calling the decoder pasted from"
    " the scanners' command-line tool (LabelCodec.decode, which prints 'label-codec: checksum"
    " mismatch in ...' to stderr and calls sys.exit(3)), labels per depot written as parquet:"
    " the task that meets a damaged barcode ends its executor's JVM with exit code 3, the"
    " shuffle output on it lost; {where}; the executors' stderr hold only the checksum"
    " messages, no OutOfMemoryError anywhere, the driver's heap never short; 'depot labels"
    " written' never printed: labelled not_driver_oom"
)
OUTCOME_NOTES = {
    "gateway_access_log_text_file_grep_collect--pyspark--spark35--cluster": _GATEWAY.format(
        where="13 of the 32 tasks finished (results of 22.2 / 22.8 MiB, 'Added taskresult_N in"
        " memory'), then 8 s into the collect 'WARN BlockManager: Failed to fetch remote block"
        " taskresult_28' / 'Exception thrown in awaitResult' / 'Boxed Error' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space' (TaskResultLost), 'ERROR Utils: Uncaught"
        " exception in thread task-result-getter-3' / 'java.lang.OutOfMemoryError: Java heap"
        " space', the same in other task-result-getter threads (heap space, GC overhead limit"
        " exceeded); the job hung, killed 60 s after the first OutOfMemoryError (88 s)"
    ),
    "gateway_access_log_text_file_grep_collect--pyspark--spark43--cluster": _GATEWAY.format(
        where="13 of the 32 tasks finished, then 'Failed to fetch remote block taskresult_28' /"
        " 'Boxed Exception' / 'Caused by: java.lang.OutOfMemoryError: Java heap space'"
        " (TaskResultLost), 'ERROR Utils: Uncaught exception in thread task-result-getter-3' /"
        " 'java.lang.OutOfMemoryError: Java heap space' and more getter threads (heap space, GC"
        " overhead limit exceeded), 'ERROR Utils: uncaught error in thread"
        " spark-listener-group-appStatus, stopping SparkContext', then the Python traceback at"
        " line 66 ('lines = logs.filter(...).collect()', pyspark/core/rdd.py collect):"
        " 'Py4JJavaError: An error occurred while calling"
        " z:org.apache.spark.api.python.PythonRDD.collectAndServe.' / 'SparkException: Job 1"
        " cancelled because SparkContext was shut down'; exit 1 after 38 s"
    ),
    "courier_invoice_lines_pandas_astype_str_reconcile--pyspark--spark35--cluster": _INVOICES.format(
        where="the Python traceback at line 104 through pandas' generic.py astype, managers.py,"
        " blocks.py, astype.py _astype_nansafe to lib.ensure_string_array / 'MemoryError': the"
        " collected rows and the frame fit, the string copy of its cells did not; exit 1 after"
        " 14 s"
    ),
    "courier_invoice_lines_pandas_astype_str_reconcile--pyspark--spark43--cluster": _INVOICES.format(
        where="the same traceback at line 104 to pandas' lib.ensure_string_array / 'MemoryError';"
        " exit 1 after 17 s"
    ),
    "site_returning_visitors_counter_by_day--pyspark--spark35--cluster": _VISITORS.format(
        where="ten days printed, the last '2026-11-10: 588235 visitors, 177506 back, 4947155"
        " seen', then the Python traceback at line 142 (the eleventh day's collect(), through"
        " pyspark's dataframe.py collect and serializers.py load_stream / _read_with_length /"
        " loads) / 'MemoryError': the Counter of about 4,950,000 ids fills the capped process;"
        " exit 1 after 49 s"
    ),
    "site_returning_visitors_counter_by_day--pyspark--spark43--cluster": _VISITORS.format(
        where="the same ten days ('2026-11-10: 588235 visitors, 177506 back, 4947155 seen'), then"
        " the traceback at line 142 (pyspark/sql/classic/dataframe.py collect) / 'MemoryError';"
        " exit 1 after 52 s"
    ),
    "branch_queue_times_topandas_chart--pyspark--spark35--cluster": _BRANCHES.format(
        where="the job finished in 6.5 s ('Job 0 finished: toPandas at .../scenarios_r67.py:179'),"
        " then the Python traceback at line 179 through pyspark's conversion.py toPandas and"
        " dataframe.py collect: 'Py4JJavaError: An error occurred while calling"
        " o95.collectToPython.' / ': java.lang.OutOfMemoryError: GC overhead limit exceeded' (at"
        " SparkPlan.executeCollect <- Dataset.collectToPython: the rows being decoded in the"
        " driver JVM); exit 1 after 17 s"
    ),
    "branch_queue_times_topandas_chart--pyspark--spark43--cluster": _BRANCHES.format(
        where="the job finished in 8 s, then 'WARN TransportChannelHandler: Exception in"
        " connection from ...' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded', the"
        " local-cluster worker disassociated ('Lost executor 0 ... worker lost'), and the Python"
        " traceback at line 179: 'Py4JJavaError: An error occurred while calling"
        " o129.collectToPython.' / ': java.lang.OutOfMemoryError: GC overhead limit exceeded';"
        " exit 1 after 22 s"
    ),
    "atm_withdrawals_typed_dataset_cache_reports--scala--spark35--cluster": _ATM.format(
        where="67 s into the first job 'WARN TransportChannelHandler: Exception in connection from"
        " /192.0.2.2:N' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'ERROR Inbox:"
        " An error happened while processing message in the inbox for Master' and for"
        " CoarseGrainedScheduler, 'Exception in thread \"dispatcher-event-loop-0\"' and"
        " '\"dispatcher-CoarseGrainedScheduler\"', 'ERROR Utils: uncaught error in thread"
        " spark-listener-group-appStatus, stopping SparkContext' (and spark-listener-group-"
        "eventLog), 'ERROR FileFormatWriter: Aborting job ...' / 'SparkException: Job 0"
        " cancelled because SparkContext was shut down'; no executor OutOfMemoryError; exit 0"
        " after 90 s (the shell goes on)"
    ),
    "atm_withdrawals_typed_dataset_cache_reports--scala--spark43--cluster": _ATM.format(
        where="54 s into the first job 'WARN TransportChannelHandler: Exception in connection from"
        " /192.0.2.2:N' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'ERROR Inbox:"
        " An error happened while processing message in the inbox for CoarseGrainedScheduler',"
        " 'Exception in thread \"dispatcher-CoarseGrainedScheduler\"' and '\"ExecutorRunner for"
        " app-.../2\"', 'Lost executor 0 / 1 ... Command exited with code 0', 'ExecutorLostFailure"
        " (executor 1 exited caused by one of the running tasks)'; no executor OutOfMemoryError;"
        " the job hung, killed 60 s after the first OutOfMemoryError (136 s)"
    ),
    "loyalty_statement_cached_members_join_sql--sql--spark35--cluster": _LOYALTY.format(
        where="after the CTAS statements and the cache (6.1, 2.2 and 5.2 s) 'Not enough memory to"
        " build and broadcast the table to all worker nodes. As a workaround, you can either"
        " disable broadcast by setting spark.sql.autoBroadcastJoinThreshold to -1 or increase the"
        " spark driver memory ... or analyze these tables through: ANALYZE TABLE"
        " `spark_catalog`.`default`.`points_transactions` COMPUTE STATISTICS;.' and the same"
        " 'org.apache.spark.SparkException: ...' (Spark 3.5's SparkFatalException hides the"
        " OutOfMemoryError line); exit 1 after 24 s"
    ),
    "loyalty_statement_cached_members_join_sql--sql--spark43--cluster": _LOYALTY.format(
        where="after the CTAS statements and the cache 'WARN TaskMemoryManager: Failed to allocate"
        " a page (268435456 bytes), try spilling task memory.' / 'java.lang.OutOfMemoryError:"
        " Java heap space' (at HeapMemoryAllocator.allocate <- TaskMemoryManager.allocatePage <-"
        " LongToUnsafeRowMap.init), then 'Not enough memory to build and broadcast the table to"
        " all worker nodes. ... `points_transactions` ...' and the same SparkException; exit 1"
        " after 27 s"
    ),
    "app_events_flat_map_groups_sessionizer--scala--spark35--cluster": _SESSIONS.format(
        where="in the reduce stage 'WARN TaskSetManager: Lost task 1.0 in stage 2.0 (TID 17) (..."
        " executor 1): org.apache.spark.SparkException: [TASK_WRITE_FAILED] Task failed while"
        " writing rows to file:.../app_sessions/2026-12-06.' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl: Lost executor 1"
        " on 192.0.2.2: Command exited with code 50' (the OutOfMemoryError wrapped in the write"
        " failure, so the executor's uncaught-exception exit code 50, not 52), FetchFailed /"
        " ExecutorDeadException for the lost map outputs, executors 0, 3 and 4 lost the same way"
        " in the stage's retries, 'Job aborted due to stage failure: ResultStage 2 (parquet at"
        " ...) has failed the maximum allowable number of times: 4'; exit 0 after 157 s (the"
        " shell goes on)"
    ),
    "app_events_flat_map_groups_sessionizer--scala--spark43--cluster": _SESSIONS.format(
        where="in the reduce stage 'WARN TaskSetManager: Lost task 1.0 in stage 2.0 (TID 17) (..."
        " executor 0): java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl:"
        " Lost executor 0 on 192.0.2.2: Command exited with code 52', FetchFailed for the lost"
        " map outputs, 'ExecutorLostFailure (executor 1 exited caused by one of the running"
        " tasks) Reason: Command exited with code 52', 'MetadataFetchFailedException: Missing an"
        " output location for shuffle 0 partition 36', stage retries 2.1 to 2.3 each losing its"
        " task to an executor OutOfMemoryError (executors 1, 3 and 4 exited with code 52), 'Job"
        " aborted due to stage failure: ResultStage 2 ($anonfun$withThreadLocalCaptured$1 at"
        " CompletableFuture.java:1768) has failed the maximum allowable number of times: 4';"
        " exit 0 after 196 s"
    ),
    "depot_scan_labels_checksum_decoder_udf--scala--spark35--cluster": _DEPOT.format(
        where="20 s in 'ERROR TaskSchedulerImpl: Lost executor 0 on 192.0.2.2: Command exited with"
        " code 3', 'WARN TaskSetManager: Lost task 1.0 in stage 2.0 (TID 17) (... executor 0):"
        " ExecutorLostFailure (executor 0 exited caused by one of the running tasks) Reason:"
        " Command exited with code 3', 'FetchFailed(BlockManagerId(0, ...), shuffleId=0, ...)' /"
        " 'ExecutorDeadException: [INTERNAL_ERROR_NETWORK] The relative remote executor(Id: 0),"
        " which maintains the block data to fetch is dead.', executors 1, 2 and 3 ending the same"
        " way in the stage's retries 2.1 to 2.3, 'ERROR FileFormatWriter: Aborting job ...',"
        " 'Job aborted due to stage failure: ResultStage 2 (parquet at ...) has failed the maximum"
        " allowable number of times: 4' / 'ExecutorDeadException ...'; exit 0 after 51 s"
    ),
    "depot_scan_labels_checksum_decoder_udf--scala--spark43--cluster": _DEPOT.format(
        where="the same course as on 3.5: 'Lost executor 0 on 192.0.2.2: Command exited with code"
        " 3', 'ExecutorLostFailure (executor 0 exited caused by one of the running tasks) Reason:"
        " Command exited with code 3', FetchFailed for its shuffle output, executors 2, 3 and 1"
        " ending the same way in the stage's retries 2.1 to 2.3, 'ERROR FileFormatWriter:"
        " Aborting job ...', 'Job aborted due to stage failure: ResultStage 2"
        " ($anonfun$withThreadLocalCaptured$1 at CompletableFuture.java:1768) has failed the"
        " maximum allowable number of times: 4'; exit 0 after 39 s"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r67)


if __name__ == "__main__":
    main()
