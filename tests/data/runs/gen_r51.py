#!/usr/bin/env python
"""Run round 51 of the real Spark run matrix under tests/data/runs/ (manifest-r51.jsonl).

    python tests/data/runs/gen_r51.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r51.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r51.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 50: far too small
drivers running ordinary jobs that collect nothing, jobs that collect far too much into drivers
of a usual small size, and executors running out of memory in ordinary wide jobs (see the README
section). A PySpark run is one ``spark-submit scenarios_r51.py <scenario>`` by gen_more.run; a
Scala run is one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin
/dev/null) from the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35
to 50's, the script being scenarios_r51.SCALA / SQL[scenario] written into the run's scratch
dir. Finishing (trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM
verification, the manifest line) is gen_more.finish with this round's tables handed as a
gen_more.Round. Raw output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r51).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_shell as gs  # noqa: E402  (CLUSTER, EXECUTOR_LOST, SMALL_DRIVER_RUN, main)
import scenarios_r51  # noqa: E402  (SCALA and SQL scripts)

# No maxResultSize abort for the collects: the driver's heap, not the limit, is what they meet.
NO_RESULT_LIMIT = {"spark.driver.maxResultSize": "0"}

SCENARIOS = {
    # PySpark (WARN log): 5,000,000 page views grouped by (page, day) with countDistinct of
    # the visitor, count() of the report rows, then CSV, in a 160m driver.
    "page_daily_unique_visitors_count": dict(
        label="client_mode_small_driver",
        expect=ge.DRIVER_OOM,
        timeout=300,
        **gs.SMALL_DRIVER_RUN,
    ),
    # PySpark (WARN log): toPandas() (no Arrow) of 4,000,000 stock movements, driver 1g,
    # maxResultSize 0.
    "stock_movements_topandas_reconciliation": dict(
        label="collect_to_driver",
        expect=ge.DRIVER_OOM,
        timeout=300,
        mem="1g",
        conf=NO_RESULT_LIMIT,
    ),
    # Scala: 3,000,000 order lines joined with 600,000 customers (sort-merge) and written
    # as Parquet, in a 160m driver.
    "order_lines_customer_join_parquet_mart": dict(
        label="client_mode_small_driver",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
        **gs.SMALL_DRIVER_RUN,
    ),
    # (local-cluster only) Scala: Dataset[Shipment].collect() of 3,000,000 shipments,
    # driver 768m, maxResultSize 0.
    "shipment_tracking_dataset_collect_sort": dict(
        label="collect_to_driver",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
        mem="768m",
        conf=NO_RESULT_LIMIT,
        variants=gs.CLUSTER,
    ),
    # Scala: df.rdd.map(_.mkString(";")).collect() of 3,000,000 invoice lines for a local
    # file, driver 768m, maxResultSize 0.
    "supplier_invoice_lines_local_file_export": dict(
        label="collect_to_driver",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
        mem="768m",
        conf=NO_RESULT_LIMIT,
    ),
    # (local-cluster only) Scala: aggregateByKey into a HashSet of devices per client IP,
    # 60 % of 6,000,000 logins behind one IP, executors 768m.
    "login_ip_distinct_devices_aggregate_by_key": dict(
        label="not_driver_oom",
        lang="scala",
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
    # SQL: CREATE TABLE ... USING orc AS SELECT of three COUNT(DISTINCT) per category and
    # week over 4,000,000 sales lines, in a 160m driver.
    "category_weekly_distinct_counts_orc_ctas_sql": dict(
        label="client_mode_small_driver",
        lang="sql",
        expect=ge.DRIVER_OOM,
        timeout=300,
        **gs.SMALL_DRIVER_RUN,
    ),
    # (local-cluster only) SQL: explode(array_repeat(..., quantity)) with one quantity of
    # 40,012,345, executors 768m.
    "rfid_labels_per_unit_array_repeat_sql": dict(
        label="not_driver_oom",
        lang="sql",
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
}

# First tries not kept (each run made again, same run ids, after the fix; see the README):
# supplier_invoice_lines_local_file_export (both versions, 16 s: 'format_string("INV-%09d",
# col("id") / 4)' of a double, java.util.IllegalFormatConversionException: d !=
# java.lang.Double in task 0.0 of stage 0.0, a bug of the script: the invoice number cast to
# long), login_ip_distinct_devices_aggregate_by_key (6,000,000 logins and a sha-256 device id:
# the hot IP's set fitted in a 768m executor, 'shared IPs: 401' printed in 36 / 50 s: 10,000,000
# logins and a sha-512 device id), rfid_labels_per_unit_array_repeat_sql (a quantity of
# 40,012,345: the array of 40 million references to one struct fitted, the 24 printer counts
# printed in 15 / 23 s: 400,123,457).
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_PAGES = (
    "note: local[*], driver 160m (spark.testing.reservedMemory=32m lets it start), Parallel GC"
    " with GCTimeLimit=80 / GCHeapFreeLimit=10: an ordinary daily page report, 5,000,000 page"
    " views groupBy(page_url, day).agg(countDistinct(visitor_id), count(*), avg(dwell_ms)) and"
    " report.count() before a CSV write; nothing is collected (count() returns one number):"
    " in the first stage (stage 0.0, the partial aggregation and its shuffle write), 'ERROR"
    " Executor: Exception in task 3.0 in stage 0.0 (TID 3)' / 'java.lang.OutOfMemoryError:"
    " Java heap space' {where} <- DiskBlockObjectWriter.open <- BypassMergeSortShuffleWriter.write"
    " (one buffered, compressed writer per shuffle partition, 200 of them), run by the executor"
    " inside the driver, SparkUncaughtExceptionHandler, 'Task 3 in stage 0.0 failed 1 times;"
    " aborting job', exit 52; {py}'report rows' never printed: the workload is ordinary, the"
    " driver (with the executor of local[*] inside it) far too small for it: labelled"
    " client_mode_small_driver"
)
_MOVES = (
    "note: local[*], driver 1g, spark.driver.maxResultSize 0 (no limit), Arrow off (no"
    " pyarrow): toPandas() of all 4,000,000 stock movements of the month (SKU, bin, two sha-256"
    " references, quantity) for a pandas reconciliation; the driver JVM decodes the collected"
    " rows before pickling them to Python and runs out of heap holding them: 'Py4JJavaError: An"
    " error occurred while calling {obj}.collectToPython.' / ': java.lang.OutOfMemoryError: Java"
    " heap space' at SparkPlan$$anon$1._next <- SparkPlan.executeCollect <-"
    ' Dataset.collectToPython, under \'File ".../scenarios_r51.py", line 89, in'
    " stock_movements_topandas_reconciliation' (pdf = moves.toPandas()); no Python MemoryError,"
    " no maxResultSize abort; 'movements:' never printed, exit 1: labelled collect_to_driver"
)
_MART = (
    "note: spark-shell, local[*], driver 160m (spark.testing.reservedMemory=32m lets it start),"
    " Parallel GC with GCTimeLimit=80 / GCHeapFreeLimit=10: an ordinary finance mart, 3,000,000"
    " order lines joined with 600,000 customers (sort-merge join, the customers above the"
    " broadcast threshold) and written as Parquet; nothing is collected: in the first stage"
    " (stage 0.0, the shuffle write of the join's input), {where} <-"
    " DiskBlockObjectWriter.open <- BypassMergeSortShuffleWriter.write (one buffered, compressed"
    " writer per shuffle partition, 200 of them), run by the executor inside the driver,"
    " SparkUncaughtExceptionHandler, 'Task 0 in stage 0.0 failed 1 times; aborting job', exit"
    " 52; 'order lines mart written' never printed: the workload is ordinary, the driver (with"
    " the executor of local[*] inside it) far too small for it: labelled client_mode_small_driver"
)
_SHIPMENTS = (
    "note: spark-shell, local-cluster (executors 768m), driver 768m, spark.driver.maxResultSize 0"
    " (no limit): Dataset[Shipment].collect() of 3,000,000 shipments (case class, two sha-256"
    " strings each) to sort and group them in the shell; the executors send their 16"
    " partitions as task results and the driver runs out of heap decoding the collected rows:"
    " the REPL's 'java.lang.OutOfMemoryError: Java heap space' at SparkPlan$$anon$1._next <-"
    " SparkPlan.executeCollect <- Dataset.collectFromPlan <- Dataset.collect ({n}); no"
    " executor OutOfMemoryError (their stderr), no maxResultSize abort; 'shipments:' never"
    " printed; exit 0 (the shell goes on to :quit): labelled collect_to_driver"
)
_INVOICES = (
    "note: spark-shell, local[*], driver 768m, spark.driver.maxResultSize 0 (no limit):"
    ' 3,000,000 invoice lines turned into text with df.rdd.map(_.mkString(";")) and'
    " collect()ed to write one local file with a java.io.PrintWriter; {where}; 'invoice lines"
    " exported' never printed: the driver holding every collected line: labelled"
    " collect_to_driver"
)
_LOGINS = (
    "note: spark-shell, local-cluster, executors 768m, driver 512m: distinct devices per client IP"
    " over 10,000,000 logins with RDD.aggregateByKey(mutable.HashSet.empty[String]), 60 % of"
    " the logins (6,000,000 sha-512 device ids) behind one carrier NAT IP; the reduce task of"
    " the hot IP's partition (stage 1, task 0) runs its executor out of heap ('WARN"
    " TaskSetManager: Lost task 0.0 in stage 1.0 (TID 8) (192.0.2.2 executor N):"
    " java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl: Lost executor N on"
    " 192.0.2.2: Command exited with code 52'), the other reduce tasks then lose their map"
    " outputs (FetchFailed ... ExecutorDeadException), the stages are re-run ({attempts});"
    " executor stderr: 'java.lang.OutOfMemoryError: Java heap space' after 'ExternalAppendOnlyMap:"
    " ... spilling in-memory map'; the driver has no OutOfMemoryError of its own; 'shared IPs'"
    " never printed; {end}: the executors' memory, not the driver's: labelled not_driver_oom"
)
_CATEGORIES = (
    "note: spark-sql, local[*], driver 160m (spark.testing.reservedMemory=32m lets it start),"
    " Parallel GC with GCTimeLimit=80 / GCHeapFreeLimit=10: an ordinary weekly category summary,"
    " CREATE TABLE ... USING orc AS SELECT of three COUNT(DISTINCT ...) (customers, SKUs,"
    " stores), SUM and COUNT(*) per category and week over 4,000,000 sales lines; nothing is"
    " collected: in the first stage (the expanded partial aggregation), {where}, run by the"
    " executor inside the driver, SparkUncaughtExceptionHandler, '{task} in stage 0.0 failed 1"
    " times; aborting job', exit 52: the workload is ordinary, the driver (with the executor of"
    " local[*] inside it) far too small for it: labelled client_mode_small_driver"
)
_LABELS = (
    "note: spark-sql, local-cluster, executors 768m, driver 512m: one RFID label per unit with"
    " explode(array_repeat(named_struct(...), quantity)) over 300,000 order lines, counted per"
    " printer; one line's quantity is 400,123,457 (a delivery note number), so its array is"
    " built in one executor task: 'WARN TaskSetManager: Lost task 3.0 in stage 0.0 (TID 3)"
    " (192.0.2.2 executor N): java.lang.OutOfMemoryError: Java heap space', executors lost with"
    " 'Command exited with code 52' ({lost}), 'Task 3 in stage 0.0 failed 4 times; aborting"
    " job', 'ERROR SparkSQLDriver: Failed in [SELECT label.printer, ...]' / 'Job aborted due to"
    " stage failure'; every executor stderr has the OutOfMemoryError at"
    " ArrayData$.allocateArrayData <- GeneratedIteratorForCodegenStage1.generate_doConsume_0$;"
    " the driver has none of its own; exit 1: labelled not_driver_oom"
)
OUTCOME_NOTES = {
    "page_daily_unique_visitors_count--pyspark--spark35--local": _PAGES.format(
        where="at net.jpountz.lz4.LZ4BlockOutputStream.<init> <- SerializerManager.wrapStream",
        py="the JVM died before Python printed a traceback; ",
    ),
    "page_daily_unique_visitors_count--pyspark--spark43--local": _PAGES.format(
        where="at DiskBlockObjectWriter$ManualCloseBufferedOutputStream$1.<init>",
        py="'Py4JJavaError: An error occurred while calling o104.count.' under 'File"
        ' ".../scenarios_r51.py", line 58, in page_daily_unique_visitors_count\' (the'
        " report.count() call); ",
    ),
    "stock_movements_topandas_reconciliation--pyspark--spark35--local": _MOVES.format(obj="o70"),
    "stock_movements_topandas_reconciliation--pyspark--spark43--local": _MOVES.format(obj="o95"),
    "order_lines_customer_join_parquet_mart--scala--spark35--local": _MART.format(
        where="'ERROR Executor: Exception in task 0.0 in stage 0.0 (TID 0)' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at"
        " DiskBlockObjectWriter$ManualCloseBufferedOutputStream$1.<init>"
    ),
    "order_lines_customer_join_parquet_mart--scala--spark43--local": _MART.format(
        where="'ERROR Executor: Exception in task 0.0 in stage 0.0 (TID 0)' (then task 1.0) /"
        " 'java.lang.OutOfMemoryError: Java heap space' at net.jpountz.lz4.LZ4BlockOutputStream"
        ".<init> <- SerializerManager.wrapStream"
    ),
    "shipment_tracking_dataset_collect_sort--scala--spark35--cluster": _SHIPMENTS.format(
        n="Dataset.scala:3575"
    ),
    "shipment_tracking_dataset_collect_sort--scala--spark43--cluster": _SHIPMENTS.format(
        n="classic.Dataset.scala:1563"
    ),
    "supplier_invoice_lines_local_file_export--scala--spark35--local": _INVOICES.format(
        where="the driver, fetching a task result from its block manager, ran out of heap:"
        " 'WARN BlockManager: Failed to fetch remote block taskresult_4 from"
        " [BlockManagerId(driver, ...)]', 'SparkException: Exception thrown in awaitResult:' at"
        " BlockTransferService.fetchBlockSync <- TaskResultGetter / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space', 'Lost task 4.0 in stage 0.0 (TID 4)"
        " (192.0.2.2 executor driver): TaskResultLost (result lost from block manager)', 'Job"
        " aborted due to stage failure' in the REPL, exit 0 (the shell goes on)"
    ),
    "supplier_invoice_lines_local_file_export--scala--spark43--local": _INVOICES.format(
        where="with the earlier partitions' results held by the driver, task 5.0 of stage 0.0"
        " (run by the executor inside the driver) ran out of heap serializing its result"
        " ('ERROR Executor: Exception in task 5.0 in stage 0.0 (TID 5)' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at"
        " SerializerHelper$.serializeToChunkedBuffer), SparkUncaughtExceptionHandler, 'Task 5 in"
        " stage 0.0 failed 1 times; aborting job', exit 52"
    ),
    "login_ip_distinct_devices_aggregate_by_key--scala--spark35--cluster": _LOGINS.format(
        attempts="stage 1.0 to 1.3; executors 1, 2 and 3 lost with code 52, executor 0 with"
        " code 255",
        end="'Job aborted due to stage failure: ResultStage 1 (count at ...) has failed the"
        " maximum allowable number of times: 4', exit 0 (the shell goes on)",
    ),
    "login_ip_distinct_devices_aggregate_by_key--scala--spark43--cluster": _LOGINS.format(
        attempts="stage 1.0 to 1.2; executors 0, 2 and 3 lost with code 52, slower than on 3.5",
        end="still retrying at the hard timeout (300 s), killed (the event log .inprogress)",
    ),
    "category_weekly_distinct_counts_orc_ctas_sql--sql--spark35--local": _CATEGORIES.format(
        where="'ERROR Executor: Exception in task 1.0 in stage 0.0 (TID 1)' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at UTF8String.fromAddress <-"
        " SpecificOrdering.compare <- UnsafeKVExternalSorter (the hash aggregation map spilled"
        " to a sorter, UnsafeFixedWidthAggregationMap.destructAndCreateExternalSorter)",
        task="Task 1",
    ),
    "category_weekly_distinct_counts_orc_ctas_sql--sql--spark43--local": _CATEGORIES.format(
        where="'ERROR Executor: Exception in task 0.0 in stage 0.0 (TID 0)' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at UTF8String.fromBytes <-"
        " GeneratedIteratorForCodegenStage1.hashAgg_doAggregateWithKeys_0$ <-"
        " BypassMergeSortShuffleWriter.write",
        task="Task 0",
    ),
    "rfid_labels_per_unit_array_repeat_sql--sql--spark35--cluster": _LABELS.format(
        lost="4 executors, the last attempt TID 19 on executor 2"
    ),
    "rfid_labels_per_unit_array_repeat_sql--sql--spark43--cluster": _LABELS.format(
        lost="4 executors, the last attempt TID 13 on executor 3"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r51)


if __name__ == "__main__":
    main()
