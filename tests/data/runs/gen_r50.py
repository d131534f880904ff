#!/usr/bin/env python
"""Run round 50 of the real Spark run matrix under tests/data/runs/ (manifest-r50.jsonl).

    python tests/data/runs/gen_r50.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r50.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r50.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 49, that reach the
causes of the matrix by code paths none of the earlier rounds uses (see the README section). A
PySpark run is one ``spark-submit scenarios_r50.py <scenario>`` by gen_more.run; a Scala run is
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 49's, the
script being scenarios_r50.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification,
the manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r50).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (MAX_RESULT, OWN_OOM, PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (CLUSTER, SMALL_DRIVER_RUN, main)
import scenarios_r50  # noqa: E402  (SCALA and SQL scripts)

SCENARIOS = {
    # PySpark (WARN log): every day's 120,000 supplier quotes collect()ed and appended per SKU
    # to a dict of price histories, the Python driver's address space capped at its size +
    # 400 MB before the first day.
    "supplier_price_change_history_by_sku": dict(
        label="driver_side_state", expect=gm.PY_MEMORYERROR, timeout=240, mem="1g"
    ),
    # PySpark (WARN log): 60,000 stores and 8,000 depots in pandas, then a numpy broadcast
    # great-circle distance matrix, the Python driver's address space capped at its size +
    # 400 MB after toPandas().
    "store_nearest_depot_numpy_distances": dict(
        label="python_driver_oom", expect=gm.PY_MEMORYERROR, timeout=240, mem="1g"
    ),
    # PySpark (WARN log): orderBy(changed_at desc).dropDuplicates(customer_id) of 3,000,000
    # address changes written as Parquet, in a 160m driver.
    "customer_latest_address_sorted_dedup": dict(
        label="client_mode_small_driver",
        expect=ge.DRIVER_OOM,
        timeout=240,
        **gs.SMALL_DRIVER_RUN,
    ),
    # (local-cluster only) PySpark (WARN log): df.rdd.mapPartitions of a dict of each
    # partition's Rows by event key, spark.executor.pyspark.memory 300m.
    "app_events_first_per_key_map_partitions": dict(
        label="not_driver_oom",
        expect=r"MemoryError",
        timeout=240,
        reject=gm.OWN_OOM,
        variants=gs.CLUSTER,
        conf={"spark.executor.pyspark.memory": "300m"},
    ),
    # Scala: LinearRegression.setSolver("normal") over 1,500 features, maxResultSize 8m.
    "delivery_eta_linear_regression_normal_solver": dict(
        label="max_result_size",
        lang="scala",
        expect=gm.MAX_RESULT,
        timeout=240,
        conf={"spark.driver.maxResultSize": "8m"},
    ),
    # SQL: row_number() OVER (PARTITION BY store ORDER BY basket value) of 4,000,000 receipts,
    # the top 100 per store exported with INSERT OVERWRITE DIRECTORY, in a 160m driver.
    "store_ticket_rank_window_export_sql": dict(
        label="client_mode_small_driver",
        lang="sql",
        expect=ge.DRIVER_OOM,
        timeout=240,
        **gs.SMALL_DRIVER_RUN,
    ),
}

# Tried and not kept (see the README): card_transactions_merchant_hint_report_sql (SQL,
# broadcast_too_large meant; /*+ BROADCAST(t) */ naming the 5,000,000-row transactions table of
# the join, driver 512m). The 3.5 run (15:32) failed as meant: the broadcast exchange's job (job
# 0, 'withThreadLocalCaptured') ran the executor inside the driver out of heap serializing a
# task result ('ERROR Executor: Exception in task 6.0 in stage 0.0 (TID 6)' /
# 'java.lang.OutOfMemoryError: Java heap space' at SerializerHelper.serializeToChunkedBuffer),
# exit 52. The 4.3 run (15:35) and its second try (15:36), the same, printed no
# OutOfMemoryError: 'ERROR TaskResultGetter: Exception while getting task result' /
# 'java.lang.IllegalStateException: unread block data' at ObjectInputStream.readArray <-
# DirectTaskResult.value, 'Job aborted due to stage failure: Exception while getting task
# result', exit 1 (verified=False, labelled not_driver_oom by the finishing). Both runs'
# folders and manifest lines removed as --drop does, the scenario and its script removed;
# store_ticket_rank_window_export_sql (SQL) was added in its place.
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_PRICES = (
    "note: driver 1g, the Python driver's address space capped at its size + 400 MB ({vm})"
    " before the first day; each day's 120,000 supplier quotes are fetched with collect() and"
    " appended per SKU to a dict of price histories (sku -> list of (day, supplier, price,"
    " currency) tuples); 'price day 0' to 'price day 10' printed (each collect small), then"
    " MemoryError in the loop appending day 11's quotes to the dict (scenarios_r50.py line 52);"
    " the JVM had no error: what fills the driver is the history kept across the loop:"
    " labelled driver_side_state"
)
_DEPOTS = (
    "note: driver 1g; 60,000 stores and 8,000 depots brought into pandas with toPandas()"
    " ('stores: 60000, depots: 8000'), then the Python driver's address space capped at its"
    " size + 400 MB ({vm}) as if its container were nearly full; the great-circle distance of"
    " every store to every depot by numpy broadcasting could not allocate its first 60,000 x"
    " 8,000 float64 array ('numpy._core._exceptions._ArrayMemoryError: Unable to allocate 3.58"
    " GiB for an array with shape (60000, 8000) and data type float64', scenarios_r50.py line"
    " 93); 'stores assigned' never printed; the JVM had no error: a numpy computation on the"
    " Python driver: labelled python_driver_oom"
)
_ADDRESSES = (
    "note: local[*], driver 160m (spark.testing.reservedMemory=32m lets it start), Parallel GC"
    " with GCTimeLimit=80 / GCHeapFreeLimit=10: an ordinary CRM export, 3,000,000 address"
    " changes of 1,000,000 customers orderBy(changed_at desc).dropDuplicates(['customer_id'])"
    " and written as Parquet; {where}; the write() call failed (Py4JJavaError ... calling"
    " oN.parquet, scenarios_r50.py line 134); 'customer addresses exported' never printed: the"
    " workload is ordinary, the driver (with the executor of local[*] inside it) far too small"
    " for it: labelled client_mode_small_driver"
)
_EVENTS = (
    "note: local-cluster, spark.executor.pyspark.memory 300m: 8,000,000 app events in 4"
    " partitions deduplicated with df.rdd.mapPartitions of a Python function keeping a dict of"
    " the partition's Rows by event key, then written as Parquet; the Python workers on the"
    " executors hit their address-space cap while unpickling the rows ('MemoryError' under"
    " 'File \".../scenarios_r50.py\", line 163, in first_per_key' (for r in rows), in {where}),"
    " {tasks}, 'Task 1 in stage 0.0 failed 4 times; aborting job', the write() call failed"
    " (Py4JJavaError ... calling o78.parquet), exit 1; no java.lang.OutOfMemoryError anywhere,"
    " the driver's heap and the executors' JVMs were fine: a Python worker's memory limit on the"
    " executors: labelled not_driver_oom"
)
_ETA = (
    'note: driver 512m, spark.driver.maxResultSize 8m: LinearRegression.setSolver("normal")'
    " over 4,000 deliveries of 1,500 features ('deliveries: 4000'); WeightedLeastSquares.fit"
    " sums A^T A's upper triangle (1,500 x 1,501 / 2 doubles) in RDD.treeAggregate, whose last"
    " level (RDD.fold) returns each partial sum to the driver as a task result: 'Result is"
    " larger than maxResultSize (8.7 MiB > 8.0 MiB), dropping it', 'Total size of serialized"
    " results of 1 tasks (8.7 MiB) is bigger than spark.driver.maxResultSize (8.0 MiB)',"
    " {where} at RDD.fold <- RDD.treeAggregate <- WeightedLeastSquares.fit <-"
    " LinearRegression.trainWithNormal; 'eta model r2' never printed, exit 0 (the shell goes"
    " on): labelled max_result_size"
)
_TICKETS = (
    "note: spark-sql, local[*], driver 160m (spark.testing.reservedMemory=32m lets it start),"
    " Parallel GC with GCTimeLimit=80 / GCHeapFreeLimit=10: an ordinary weekly ranking of"
    " 4,000,000 receipts, row_number() OVER (PARTITION BY store_id ORDER BY basket_value DESC)"
    " <= 100 exported with INSERT OVERWRITE DIRECTORY ... USING parquet; the top-100 filter is"
    " applied per partition before the shuffle too, so the first stage sorts each input"
    " partition; {where}; 'Job aborted due to stage failure', exit 52: the workload is"
    " ordinary, the driver (with the executor of local[*] inside it) far too small for it:"
    " labelled client_mode_small_driver"
)
OUTCOME_NOTES = {
    "supplier_price_change_history_by_sku--pyspark--spark35--local": _PRICES.format(
        vm="VmSize 303 MiB, RLIMIT_AS 703 MiB"
    ),
    "supplier_price_change_history_by_sku--pyspark--spark43--local": _PRICES.format(
        vm="VmSize 359 MiB, RLIMIT_AS 759 MiB"
    ),
    "store_nearest_depot_numpy_distances--pyspark--spark35--local": _DEPOTS.format(
        vm="VmSize 389 MiB, RLIMIT_AS 789 MiB"
    ),
    "store_nearest_depot_numpy_distances--pyspark--spark43--local": _DEPOTS.format(
        vm="VmSize 383 MiB, RLIMIT_AS 783 MiB"
    ),
    "customer_latest_address_sorted_dedup--pyspark--spark35--local": _ADDRESSES.format(
        where="after 'MemoryManager: Total allocation exceeds 95.00% (149,422,078 bytes) of heap"
        " memory' / 'Scaling row group sizes to 55.66% for 2 writers' a task of the Parquet"
        " write, run by the executor inside the driver, ran out of heap ('ERROR Utils: Aborting"
        " task' / 'java.lang.OutOfMemoryError: Java heap space' at ByteBuffer.allocate <-"
        " parquet CapacityByteArrayOutputStream.addSlab), 'ERROR Executor: Exception in task 1.0"
        " in stage 6.0 (TID 25)' / '[TASK_WRITE_FAILED]' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space', SparkUncaughtExceptionHandler, 'Job"
        " aborted due to stage failure', exit 50"
    ),
    "customer_latest_address_sorted_dedup--pyspark--spark43--local": _ADDRESSES.format(
        where="a task of a sort, run by the executor inside the driver, ran out of heap while"
        " spilling ('ERROR Executor: Exception in task 0.0 in stage 3.0 (TID 16)' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at UnsafeSorterSpillWriter.<init> <-"
        " UnsafeExternalSorter.spill), SparkUncaughtExceptionHandler, 'Job 2 cancelled because"
        " SparkContext was shut down', exit 52"
    ),
    "app_events_first_per_key_map_partitions--pyspark--spark35--cluster": _EVENTS.format(
        where="pyspark.sql.types Row.__new__ / serializers loads",
        tasks="PythonException in 'Lost task' lines and '[TASK_WRITE_FAILED]' (9 Lost task lines)",
    ),
    "app_events_first_per_key_map_partitions--pyspark--spark43--cluster": _EVENTS.format(
        where="pyspark.sql.types fromInternal / serializers loads",
        tasks="'PythonException: [PYTHON_EXCEPTION] An exception was thrown from the Python"
        " worker' in 'Lost task' lines (8 Lost task lines)",
    ),
    "delivery_eta_linear_regression_normal_solver--scala--spark35--local": _ETA.format(
        where="both tasks of stage 5.0 (TID 18, 19) killed ('TaskKilled (Tasks result size has"
        " exceeded maxResultSize)'), 'ERROR Instrumentation: org.apache.spark.SparkException:"
        " Job aborted due to stage failure'"
    ),
    "delivery_eta_linear_regression_normal_solver--scala--spark43--local": _ETA.format(
        where="task 0.0 of stage 6.0 (TID 20) killed ('TaskKilled (Tasks result size has"
        " exceeded maxResultSize)'), 'ERROR Instrumentation: org.apache.spark.SparkException:"
        " Job aborted due to stage failure'"
    ),
    "store_ticket_rank_window_export_sql--sql--spark35--local": _TICKETS.format(
        where="a task of that first stage, run by the executor inside the driver, ran out ('ERROR"
        " Executor: Exception in task 1.0 in stage 0.0 (TID 1)' / 'java.lang.OutOfMemoryError:"
        " GC overhead limit exceeded' at BigInteger.<init> <- UnsafeRow.getDecimal <-"
        " SpecificOrdering.compare), SparkUncaughtExceptionHandler, 'Task 1 in stage 0.0 failed"
        " 1 times; aborting job'"
    ),
    "store_ticket_rank_window_export_sql--sql--spark43--local": _TICKETS.format(
        where="'WARN TaskMemoryManager: Failed to allocate a page (2097152 bytes), try spilling"
        " task memory.' / 'java.lang.OutOfMemoryError: Java heap space' at"
        " HeapMemoryAllocator.allocate, then 'ERROR Executor: Exception in task 0.0 in stage 0.0"
        " (TID 0)' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded', a task of that"
        " first stage run by the executor inside the driver, SparkUncaughtExceptionHandler,"
        " 'Task 0 in stage 0.0 failed 1 times; aborting job'"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r50)


if __name__ == "__main__":
    main()
