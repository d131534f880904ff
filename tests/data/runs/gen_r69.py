#!/usr/bin/env python
"""Run round 69 of the real Spark run matrix under tests/data/runs/ (manifest-r69.jsonl).

    python tests/data/runs/gen_r69.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r69.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r69.py --drop run-id ...       # remove a run not kept

A fourth unaimed round, to measure the service on ordinary new incidents: eight new scenarios,
one for each of eight causes, each the most ordinary way a data engineer meets its cause, on a
code path no earlier scenario of its cause uses; PySpark, Scala and SQL, as in rounds 35 to 68.
A PySpark run is one ``spark-submit scenarios_r69.py <scenario>`` by gen_more.run; a Scala run
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 68's, the
script being scenarios_r69.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification, the
manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r69).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (MAX_RESULT, PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (CLUSTER, LOCAL, BROADCAST_OOM, EXECUTOR_LOST, ...)
import scenarios_r69  # noqa: E402  (SCALA and SQL scripts)

# A driver at the launchers' 512m (gen_more's default), its full heap throwing instead of
# thrashing, on local-cluster, with round 68's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# The same driver with round 67's stricter GC overhead limit (the Parallel collector giving up at
# 50 % of the time in GC and under 20 % freed), so that a heap full of collected rows throws
# instead of collecting for minutes (the second setting of the newsletter export: with
# PARALLEL_GC_LIMIT its 3.5 driver did full GCs without end).
STRICT_512 = dict(
    gc="-XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    variants=gs.CLUSTER,
    timeout=300,
)
# Round 66's small driver for a stage of very many tasks: 224m (let through Spark's start-up check
# by RESERVED_32M), PARALLEL_GC_LIMIT, local-cluster, round 68's hard timeout.
SMALL_HEAP = dict(mem="224m", gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)

SCENARIOS = {
    # PySpark: 24 monthly balance columns of 360,000 accounts brought to pandas with toPandas()
    # and melted to the long format of the BI tool, the Python driver capped.
    "account_balances_monthly_melt_long_format": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # PySpark: a query a day for the day's churn features, collected into a numpy block kept in
    # a list for np.vstack at the end, the Python driver capped.
    "churn_retrain_daily_feature_arrays_kept": dict(
        label="driver_side_state",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # PySpark: the bank's payment file, df.rdd.map(lambda r: fixed-width line).collect(),
    # under the platform's spark.driver.maxResultSize=256m, driver 1g.
    "supplier_payment_file_rdd_lines_collect": dict(
        label="max_result_size",
        expect=gm.MAX_RESULT,
        reject=ge.DRIVER_OOM,
        mem="1g",
        conf={"spark.driver.maxResultSize": "256m"},
        **DRIVER_512,
    ),
    # Scala (WARN): .select("email").distinct().collect() of 5,000,000 subscribers. Its first
    # try (3.5, DRIVER_512) did full GCs without end after the collect's job (jstat: old 99.95 %,
    # about 3 full GCs a second), no error line, and was stopped by hand after 160 s; the 4.3 run
    # of that setting was stopped by hand as it started; both kept runs use STRICT_512.
    "newsletter_subscribers_distinct_emails_collect": dict(
        label="collect_to_driver",
        lang="scala",
        expect=ge.DRIVER_OOM,
        reject=gm.MAX_RESULT,
        **STRICT_512,
    ),
    # Scala (WARN): spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "1g") in the job,
    # a vendor master of 2,000,000 vendors broadcast in the payment run's join.
    "vendor_master_raised_broadcast_threshold_payment_run": dict(
        label="broadcast_too_large",
        lang="scala",
        expect=gs.BROADCAST_OOM,
        **DRIVER_512,
    ),
    # Scala (WARN): foldByKey with numPartitions = the number of SKUs (600,000).
    "warehouse_stock_fold_by_key_partition_per_sku": dict(
        label="too_many_tasks",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf=gs.RESERVED_32M,
        **SMALL_HEAP,
    ),
    # SQL: CREATE TABLE ... PARTITIONED BY (sale_date) AS SELECT of a month's till lines summed
    # per store, SKU and day, in a 160m driver on local[*]. Its first script drew store, SKU
    # and day from the line id by multiplication, so a month had only 60,000 store / SKU / day
    # groups, and both versions finished (rows_loaded 60000, exit 0 after 19 and 29 s); the
    # committed script (its second try) draws store and SKU by hash, nearly 4,000,000 groups.
    "pos_sales_daily_partitioned_ctas_sql": dict(
        label="client_mode_small_driver",
        lang="sql",
        expect=ge.DRIVER_OOM,
        variants=gs.LOCAL,
        timeout=300,
        **gs.SMALL_DRIVER_RUN,
    ),
    # SQL: to_json(collect_list(named_struct(...))) per merchant, 65 % of the orders under the
    # merchant id 'MKT-OWN'; the executors run out of heap.
    "marketplace_merchant_order_payloads_to_json_sql": dict(
        label="not_driver_oom",
        lang="sql",
        # An executor OutOfMemoryError wrapped in the task's write failure (TASK_WRITE_FAILED)
        # exits with code 50 (uncaught exception), not 52, as in rounds 67 and 68.
        expect=gs.EXECUTOR_LOST + r"|Command exited with code 50",
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
}

NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_BALANCES = (
    "note: local-cluster[2,1,1024], executors 768m, driver JVM 1g, PARALLEL_GC_LIMIT, INFO log, the"
    " Python driver's address space capped by the script at its size plus 700 MB (as a nearly"
    " full container would; nothing printed), no pyarrow: the finance BI feed, the month-end"
    " balances of 360,000 generated accounts in 24 month columns (plus account, branch and"
    " product), brought to pandas with balances.toPandas() (line 54) to be melted to the BI"
    " tool's long format with pdf.melt(); {where}; 'accounts: ...' never printed, so the"
    " melt never ran: the Python driver ran out building the pandas frame from the collected"
    " rows; no OutOfMemoryError of the JVM, no executor OutOfMemoryError: labelled"
    " python_driver_oom"
)
_CHURN = (
    "note: local-cluster[2,1,1024], executors 768m, driver JVM 1g, PARALLEL_GC_LIMIT, INFO log, the"
    " Python driver's address space capped by the script at its size plus 700 MB: the monthly"
    " churn model retrain, 30 days of 200,000 generated customer feature rows a day (16 float"
    " features), one query a day (where(day).select(features).collect(), line 93) whose rows are"
    " turned into a numpy block (np.array(rows, dtype=np.float64), 25.6 MB a day) kept in a list"
    " for np.vstack at the end ('2026-11-01: 200000 rows, 200000 rows kept' printed every"
    " day); {where}; each day's query is small (200,000 rows), the driver full of the blocks"
    " the loop keeps from every day (384 MB after 15 days); no OutOfMemoryError of the JVM, no"
    " executor OutOfMemoryError: labelled driver_side_state"
)
_PAYMENTS = (
    "note: local-cluster[2,1,1024], executors 768m, driver 1g, PARALLEL_GC_LIMIT, INFO log,"
    " spark.driver.maxResultSize=256m (as the platform sets it): the weekly supplier payment run,"
    " 3,000,000 generated payments (16 partitions) turned into fixed-width lines of the bank's"
    " payment file with payments.rdd.map(lambda r: '%-12s%-10s%-34s%-70s%015d' % (...)) and"
    " collected (.collect(), line 134; PythonRDD.collectAndServe) to be written to the file;"
    " {where}; 'payment lines: ...' never printed; no OutOfMemoryError, no executor"
    " OutOfMemoryError: labelled max_result_size"
)
_EMAILS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m, -XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20 (STRICT_512, the"
    " scenario's second setting), spark.driver.maxResultSize at its default 1g: the newsletter"
    " export, 6,000,000 generated sign-ups (16 partitions) of 5,000,000 distinct e-mail"
    ' addresses of 42 characters, signups.select("email").distinct().collect() to write the'
    " mailing vendor's CSV on the driver: the collect's job (16 map tasks, 3 result tasks after"
    " adaptive coalescing) succeeded, as the event log shows, and the driver ran out turning the"
    " 5,000,000 collected rows into Rows; {where}; 'subscribers: ...' never printed; no"
    " maxResultSize abort, no executor OutOfMemoryError: labelled collect_to_driver"
)
_SALES = (
    "note: spark-sql (its default WARN log), local[*] (the executor inside the driver JVM),"
    " SMALL_DRIVER_RUN (driver 160m, RESERVED_32M, PARALLEL_GC_LIMIT): the nightly sales mart"
    " load from spark-sql on the scheduler's host, a CTAS of 4,000,000 generated till lines"
    " (400 stores and 60,000 SKUs drawn by hash, 30 days), then CREATE TABLE pos_sales_daily"
    " USING parquet PARTITIONED BY (sale_date) AS SELECT store_id, sku, sum(qty), sum(qty *"
    " price), sale_date ... GROUP BY sale_date, store_id, sku (nearly 4,000,000 groups);"
    " nothing in it is unusual, the driver (the executor of local[*] inside it) is far too"
    " small for it; {where}; the aggregation's map stage (stage 1) failed before anything was"
    " written to the partitioned table; 'rows_loaded' never printed: labelled"
    " client_mode_small_driver"
)
_VENDORS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m, PARALLEL_GC_LIMIT: the weekly payment proposal of accounts payable, a vendor master"
    " of 2,000,000 generated vendors (name, a 128-character address, IBAN, country; about 358 MB"
    " of parquet) and 4,000,000 open invoices written as parquet by the script, then"
    ' spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "1g") in the job\'s code'
    " ('Broadcast joins were faster than the sort-merge join on the test data') and the invoices"
    " due in two weeks joined with the vendor master on vendor_id, written as parquet: the"
    " vendor master is under the raised threshold, so it is the broadcast's build side;"
    " {where}; 'payment proposal written' never printed; no executor OutOfMemoryError: labelled"
    " broadcast_too_large"
)
_STOCK = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 224m (RESERVED_32M), PARALLEL_GC_LIMIT: the warehouse stock levels, 4,800,000 generated"
    " stock movements (16 partitions) of 600,000 SKUs as a pair RDD, the SKUs counted"
    " (movements.keys.distinct().count(), 'skus: 600000' printed) and passed as numPartitions to"
    " movements.foldByKey(0L, skus)(_ + _), so that each SKU's stock lands in its own part file"
    " of saveAsTextFile: a result stage of 600,000 tasks; {where}; 'stock levels written' never"
    " printed; no executor OutOfMemoryError: labelled too_many_tasks"
)
_PAYLOADS = (
    "note: spark-sql (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m (never short of heap), after_oom off: the marketplace's settlement feed, 8,000,000"
    " generated orders (CTAS, 16 partitions) of which 65 % carry the marketplace's own merchant"
    " id 'MKT-OWN', then CREATE TABLE merchant_order_payloads AS SELECT merchant_id, count(*),"
    " to_json(collect_list(named_struct('order_id', ..., 'sku', ..., 'amount', ...,"
    " 'ordered_at', ...))) ... GROUP BY merchant_id: each task of the aggregation's map stage"
    " holds its share of 'MKT-OWN's orders in one collect_list buffer on an executor; {where};"
    " the executors' stderr hold the OutOfMemoryErrors, the driver's log only the failed"
    " tasks and lost executors; 'merchants' never printed: labelled not_driver_oom"
)
OUTCOME_NOTES = {
    "account_balances_monthly_melt_long_format--pyspark--spark35--cluster": _BALANCES.format(
        where="the Python traceback at line 54 ('pdf = balances.toPandas()') into pandas'"
        " DataFrame.from_records <- to_arrays <- convert_object_array <-"
        " lib.maybe_convert_objects / 'numpy._core._exceptions._ArrayMemoryError: Unable to"
        " allocate 2.75 MiB for an array with shape (360000,) and data type uint64'; exit 1 after"
        " 23 s"
    ),
    "account_balances_monthly_melt_long_format--pyspark--spark43--cluster": _BALANCES.format(
        where="Spark 4.3 tries Arrow for toPandas by default ('UserWarning: toPandas attempted"
        " Arrow optimization because 'spark.sql.execution.arrow.pyspark.enabled' is set to true;"
        " however, failed' / '[PACKAGE_NOT_INSTALLED] PyArrow >= 18.0.0 must be installed', then"
        " the non-Arrow path), then the traceback at line 54 into pandas' from_records <-"
        " arrays_to_mgr <- _form_blocks <- _stack_arrays / 'numpy._core._exceptions."
        "_ArrayMemoryError: Unable to allocate 65.9 MiB for an array with shape (24, 360000) and"
        " data type float64'; exit 1 after 19 s"
    ),
    "churn_retrain_daily_feature_arrays_kept--pyspark--spark35--cluster": _CHURN.format(
        where="fifteen days printed, the last '2026-11-15: 200000 rows, 3000000 rows kept', then"
        " the Python traceback at line 93 (the sixteenth day's collect(), in"
        " serializers.load_stream <- _read_with_length <- loads) / 'MemoryError'; exit 1 after"
        " 65 s"
    ),
    "churn_retrain_daily_feature_arrays_kept--pyspark--spark43--cluster": _CHURN.format(
        where="the same fifteen days ('2026-11-15: 200000 rows, 3000000 rows kept'), then the"
        " traceback at line 93 (in serializers.loads <- types.fromInternal) / 'MemoryError'; exit 1"
        " after 78 s"
    ),
    "supplier_payment_file_rdd_lines_collect--pyspark--spark35--cluster": _PAYMENTS.format(
        where="'ERROR TaskSetManager: Total size of serialized results of 10 tasks (258.9 MiB) is"
        " bigger than spark.driver.maxResultSize (256.0 MiB)', 'WARN TaskSetManager: Lost task 9.0"
        " in stage 0.0 (TID 9) (192.0.2.2 executor 1): TaskKilled (Tasks result size has exceeded"
        " maxResultSize)', the Python traceback at line 134: 'py4j.protocol.Py4JJavaError: An"
        " error occurred while calling z:org.apache.spark.api.python.PythonRDD.collectAndServe.' /"
        " ': org.apache.spark.SparkException: Job aborted due to stage failure: Total size of"
        " serialized results of 10 tasks (258.9 MiB) ...'; exit 1 after 30 s"
    ),
    "newsletter_subscribers_distinct_emails_collect--scala--spark35--cluster": _EMAILS.format(
        where="'ERROR Inbox: An error happened while processing message in the inbox for Worker'"
        " / 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (at"
        " JavaSerializerInstance.serializeStream <- NettyRpcEnv.send), the same for"
        " CoarseGrainedScheduler (at TaskSchedulerImpl.resourceOffers), 'Exception in thread"
        ' "dispatcher-event-loop-0"\', \'"worker-forward-message-scheduler"\' and'
        ' \'"dispatcher-CoarseGrainedScheduler" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded', then the shell's own 'java.lang.OutOfMemoryError: GC overhead limit"
        " exceeded' for the collect line (no stack); exit 0 after 40 s (the shell goes on)"
    ),
    "newsletter_subscribers_distinct_emails_collect--scala--spark43--cluster": _EMAILS.format(
        where="'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " SparkPlan$$anon$1._next <- SparkPlan$$anon$1.getNext <- NextIterator.hasNext <-"
        " SparkPlan.$anonfun$executeCollect$1 <- SparkPlan.executeCollect <-"
        " AdaptiveSparkPlanExec.$anonfun$executeCollect$1 <-"
        " ResultQueryStageExec.$anonfun$doMaterialize$1 (the rows decoded from the collected"
        " result blocks), no other error line; exit 0 after 36 s"
    ),
    "vendor_master_raised_broadcast_threshold_payment_run--scala--spark35--cluster": _VENDORS.format(
        where="the two parquet writes, then 'org.apache.spark.SparkException: Not enough memory to"
        " build and broadcast the table to all worker nodes. As a workaround, you can either"
        " disable broadcast by setting spark.sql.autoBroadcastJoinThreshold to -1 or increase the"
        " spark driver memory ...' at QueryExecutionErrors$.notEnoughMemoryToBuildAndBroadcast"
        "TableError <- BroadcastExchangeExec.$anonfun$relationFuture$1 (Spark 3.5's wrapping of"
        " the driver's OutOfMemoryError, whose line it does not print); exit 0 after 29 s (the"
        " shell goes on)"
    ),
    "supplier_payment_file_rdd_lines_collect--pyspark--spark43--cluster": _PAYMENTS.format(
        where="the same 'ERROR TaskSetManager: Total size of serialized results of 10 tasks"
        " (258.9 MiB) is bigger than spark.driver.maxResultSize (256.0 MiB)', 'Lost task 9.0 in"
        " stage 0.0 (TID 9) (192.0.2.2 executor 0): TaskKilled (Tasks result size has exceeded"
        " maxResultSize)', the traceback at line 134: 'Py4JJavaError: An error occurred while"
        " calling z:org.apache.spark.api.python.PythonRDD.collectAndServe.' / ': ..."
        " SparkException: Job aborted due to stage failure: Total size of serialized results of"
        " 10 tasks (258.9 MiB) ...' (then, while the application was removed, 'Lost task 11.0 ..."
        " ExecutorLostFailure (executor 0 exited caused by one of the running tasks) Reason:"
        " Command exited with code 143', the shutdown's kill); exit 1 after 29 s"
    ),
    "vendor_master_raised_broadcast_threshold_payment_run--scala--spark43--cluster": _VENDORS.format(
        where="the two parquet writes, then 'WARN TaskMemoryManager: Failed to allocate a page"
        " (134217728 bytes), try spilling task memory.' / 'java.lang.OutOfMemoryError: Java heap"
        " space' at HeapMemoryAllocator.allocate ... LongToUnsafeRowMap.grow <-"
        " LongHashedRelation$.apply <- HashedRelationBroadcastMode.transform <-"
        " BroadcastExchangeExec.$anonfun$relationFuture$1, 'Failed to allocate a page (134217728"
        " bytes) after 1 spill retries.', then 'org.apache.spark.SparkException: Not enough memory"
        " to build and broadcast the table to all worker nodes. As a workaround, ... or apply the"
        " shuffle sort merge join hint ...' at BroadcastExchangeExec.$anonfun$relationFuture$1;"
        " exit 0 after 32 s"
    ),
    "warehouse_stock_fold_by_key_partition_per_sku--scala--spark35--cluster": _STOCK.format(
        where="'skus: 600000', then, submitting the fold's stages, 'Exception in thread"
        ' "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC overhead limit exceeded\' (at'
        " HashMap$HashMapBuilder.addOne ... TraversableOnce.toMap <-"
        " DAGScheduler.submitMissingTasks <- DAGScheduler.submitStage), no other error line; the"
        " shell hung, killed 60 s after the OutOfMemoryError (124 s)"
    ),
    "warehouse_stock_fold_by_key_partition_per_sku--scala--spark43--cluster": _STOCK.format(
        where="'skus: 600000', then 'Exception in thread \"dag-scheduler-event-loop\""
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' (at RDD.preferredLocations <-"
        " DAGScheduler.getPreferredLocsInternal <- DAGScheduler.getPreferredLocs <-"
        " DAGScheduler.submitMissingTasks); hung, killed 60 s after the OutOfMemoryError (136 s)"
    ),
    "pos_sales_daily_partitioned_ctas_sql--sql--spark35--local": _SALES.format(
        where="the till lines' CTAS ('Time taken: 8.217 seconds'), then 'WARN TaskMemoryManager:"
        " Failed to allocate a page (8388608 bytes), try again.' (twice), 'ERROR Executor:"
        " Exception in task 1.0 in stage 1.0 (TID 17)' / 'java.lang.OutOfMemoryError: GC overhead"
        " limit exceeded', 'ERROR SparkUncaughtExceptionHandler: Uncaught exception in thread"
        " Thread[Executor task launch worker for task 1.0 in stage 1.0 (TID 17),5,main]', 'Lost"
        " task 1.0 in stage 1.0 (TID 17) (192.0.2.2 executor driver): java.lang.OutOfMemoryError:"
        " GC overhead limit exceeded', 'Task 1 in stage 1.0 failed 1 times; aborting job', 'Job"
        " aborted due to stage failure: ...' / 'Caused by: java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded'; exit code 52 after 19 s"
    ),
    "pos_sales_daily_partitioned_ctas_sql--sql--spark43--local": _SALES.format(
        where="the till lines' CTAS ('Time taken: 7.784 seconds'), then 'WARN TaskMemoryManager:"
        " Failed to allocate a page (8388608 bytes), try spilling task memory.' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at HeapMemoryAllocator.allocate ..."
        " BytesToBytesMap.allocate (three times), 'ERROR Executor: Exception in task 1.0 in stage"
        " 1.0 (TID 17)' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded',"
        " SparkUncaughtExceptionHandler, 'Lost task 1.0 in stage 1.0 (TID 17) (192.0.2.2 executor"
        " driver): java.lang.OutOfMemoryError: GC overhead limit exceeded', 'Task 1 in stage 1.0"
        " failed 1 times; aborting job', 'Caused by: java.lang.OutOfMemoryError: GC overhead"
        " limit exceeded'; exit code 52 after 24 s"
    ),
    "marketplace_merchant_order_payloads_to_json_sql--sql--spark35--cluster": _PAYLOADS.format(
        where="the orders' CTAS ('Time taken: 12.509 seconds'), then in the aggregation's map"
        " stage 'WARN TaskSetManager: Lost task 0.0 in stage 1.0 (TID 16) (192.0.2.2 executor 1):"
        " java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl: Lost executor 1"
        " on 192.0.2.2: Command exited with code 52', executors 0, 3, 2, 5 and 4 lost the same way"
        " ('ExecutorLostFailure (executor N exited caused by one of the running tasks) Reason:"
        " Command exited with code 52'; the executors' stderr: 'ERROR Executor: Exception in task"
        " 1.0 in stage 1.0 (TID 17)' / 'java.lang.OutOfMemoryError: Java heap space' at"
        " Decimal$.apply <- UnsafeRow.getDecimal ... CreateNamedStruct.eval), 'ERROR"
        " TaskSetManager: Task 1 in stage 1.0 failed 4 times; aborting job', 'Job aborted due to"
        " stage failure: Task 1 in stage 1.0 failed 4 times, most recent failure: Lost task 1.3 in"
        " stage 1.0 (TID 25) ... ExecutorLostFailure ...'; exit 1 after 233 s"
    ),
    "marketplace_merchant_order_payloads_to_json_sql--sql--spark43--cluster": _PAYLOADS.format(
        where="the orders' CTAS ('Time taken: 11.455 seconds'), then in the aggregation's map"
        " stage 'WARN TaskSetManager: Lost task 0.0 in stage 1.0 (TID 16) (192.0.2.2 executor 0):"
        " java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl: Lost executor 0"
        " on 192.0.2.2: Command exited with code 52' (the executor's stderr: 'ERROR Executor:"
        " Exception in task 0.0 in stage 1.0 (TID 16)' / 'java.lang.OutOfMemoryError: Java heap"
        " space' at InternalRow$.apply <- CreateNamedStruct.eval <- CollectList.update), executors"
        " 1, 3, 2 and 4 lost the same way ('ExecutorLostFailure (executor N exited caused by one"
        " of the running tasks) Reason: Command exited with code 52' or the task's own"
        " OutOfMemoryError), 'ERROR TaskSetManager: Task 1 in stage 1.0 failed 4 times; aborting"
        " job', 'Job aborted due to stage failure: Task 1 in stage 1.0 failed 4 times, most recent"
        " failure: Lost task 1.3 in stage 1.0 (TID 22) (192.0.2.2 executor 4):"
        " java.lang.OutOfMemoryError: Java heap space' / 'Caused by: java.lang.OutOfMemoryError:"
        " Java heap space'; exit 1 after 277 s"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r69)


if __name__ == "__main__":
    main()
