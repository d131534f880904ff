#!/usr/bin/env python
"""Run round 49 of the real Spark run matrix under tests/data/runs/ (manifest-r49.jsonl).

    python tests/data/runs/gen_r49.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r49.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r49.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 48, that reach the
causes of the matrix by code paths none of the earlier rounds uses (see the README section). A
PySpark run is one ``spark-submit scenarios_r49.py <scenario>`` by gen_more.run; a Scala run is
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 48's, the
script being scenarios_r49.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification,
the manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r49).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (CLUSTER, EXECUTOR_*, PARALLEL_GC_LIMIT, SMALL_DRIVER_RUN, main)
import scenarios_r49  # noqa: E402  (SCALA and SQL scripts)

SCENARIOS = {
    # PySpark (WARN log): 200,000 store x SKU x day stock movements in pandas, then
    # reindexed on MultiIndex.from_product(stores, SKUs, days), the Python driver's address
    # space capped at its size + 400 MB after toPandas().
    "sku_daily_stock_calendar_reindex": dict(
        label="python_driver_oom", expect=gm.PY_MEMORYERROR, timeout=240, mem="1g"
    ),
    # PySpark (WARN log): a functools.cache over one day's collect() of
    # ~60,000 visits, asked for day after day, the Python driver's address space capped at
    # its size + 400 MB before the first lookup.
    "store_footfall_memoized_day_lookups": dict(
        label="driver_side_state", expect=gm.PY_MEMORYERROR, timeout=240, mem="1g"
    ),
    # PySpark (WARN log): spark.newSession() per account, each with its time zone, a
    # temporary view and a prepared report, kept in dicts by account.
    "tenant_report_sessions_by_account": dict(
        label="driver_side_state",
        expect=ge.DRIVER_OOM,
        timeout=360,
        gc=gs.PARALLEL_GC_LIMIT,
    ),
    # (local-cluster only) Scala: BlockMatrix.toLocalMatrix() of a 6,000 x 6,000 dense
    # product of item factors.
    "item_similarity_block_matrix_export": dict(
        label="collect_to_driver",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
        variants=gs.CLUSTER,
    ),
    # (local-cluster only) Scala: 8,000,000 scans coalesced to 2 partitions, each sorted with
    # mapPartitions(it => it.toArray.sortBy(...).iterator), on 768m executors.
    "courier_scans_partition_sorted_archive": dict(
        label="not_driver_oom",
        lang="scala",
        expect=gs.EXECUTOR_LOST,
        timeout=360,
        # the executors' GC: with the Serial GC they thrashed without an OutOfMemoryError (below)
        conf={"spark.executor.extraJavaOptions": gs.PARALLEL_GC_LIMIT},
        **gs.EXECUTOR_OOM_RUN,
    ),
    # Scala: Dataset.foreachPartition of a function reading a 160 MB Array[Long] of the shell.
    "partner_export_known_ids_foreach_partition": dict(
        label="large_closure", lang="scala", expect=ge.DRIVER_OOM, timeout=240
    ),
    # SQL: a CTAS of a sort-merge join and aggregation of 4,000,000 sales lines into a
    # Parquet table, in a 160m driver.
    "nightly_margin_summary_ctas_sql": dict(
        label="client_mode_small_driver",
        lang="sql",
        expect=ge.DRIVER_OOM,
        timeout=300,
        **gs.SMALL_DRIVER_RUN,
    ),
}

# The first runs of courier_scans_partition_sorted_archive had the executors' Serial GC: the 4.3
# run (15:14) thrashed in full GC on both executors (jstat at about 100 s: old 100 %, 219 full
# GCs, 82 s of GC) with no OutOfMemoryError and no lost executor and was stopped by hand after
# 106 s; its 3.5 run (15:08) overlapped a second copy of itself started by a generator process
# left running by mistake and was stopped too (see the README). Both runs were made again
# (replaced, 15:16 and 15:18) with the Parallel GC's overhead limit on the executors (the `conf`
# above).
# Tried and not kept (see the README): movie_ratings_als_fine_blocks (Scala, too_many_tasks
# meant; ml.recommendation.ALS with numUserBlocks = numItemBlocks = 1,000, Parallel GC with the
# overhead limit). ALS groups the ratings by (user block, item block) with the default
# partitioner, not one of numUserBlocks x numItemBlocks partitions as assumed: the 3.5 run
# (15:05-15:08) printed 'ratings loaded: 400000' and then ran stage after stage of 1,000 tasks
# (jstack at 130 s: task 327.0 of stage 19.0, old generation 92 %, 12 full GCs) without any
# OutOfMemoryError; stopped by hand after 160 s, no run folder made, the 4.3 run not made, the
# scenario and its script removed.
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_CALENDAR = (
    "note: driver 1g; 200,000 stock movements (200 stores, 4,000 SKUs, 365 days) brought into"
    " pandas with toPandas() ('stock movements in pandas: 200000 rows'), then the Python"
    " driver's address space capped at its size + 400 MB ({vm}) as if its container were nearly"
    " full; pd.MultiIndex.from_product(stores, SKUs, days) for a zero-filled daily calendar has"
    " 292,000,000 entries and numpy could not allocate its first code array (557 MiB of int16,"
    " cartesian_product <- np.repeat); 'daily stock rows' never printed; the JVM had no error: a"
    " pandas operation on the Python driver: labelled python_driver_oom"
)
_FOOTFALL = (
    "note: driver 1g, the Python driver's address space capped at its size + 400 MB ({vm})"
    " before the first lookup; each day's ~60,000 visits are fetched with collect() once and"
    " kept by a functools.cache (maxsize unbounded) for the next stores of that day; 'footfall"
    " day 0' to 'footfall day 11' printed (each lookup small), then the collect() of day 12"
    " raised MemoryError while PySpark turned the rows into Row objects ({where}); the JVM had"
    " no error: what fills the driver is the memo kept across the loop: labelled"
    " driver_side_state"
)
_SESSIONS = (
    "note: Parallel GC with GCTimeLimit=80 / GCHeapFreeLimit=10; no Spark job runs:"
    " spark.newSession() per customer account, each with its time zone, a temporary view over"
    " the shared global view and a prepared (not run) report DataFrame, the sessions and reports"
    " kept in dicts by account; 'account sessions ready' printed up to 1751 (every 250), then"
    " {where}; 'all account sessions ready' never printed: what fills the driver is the"
    " SessionStates kept alive, one per account: labelled driver_side_state"
)
_SIMILARITY = (
    "note: local-cluster, driver 512m, executors 768m: 6,000 item factor vectors of 64"
    " doubles as an IndexedRowMatrix, toBlockMatrix(1000, 1000), multiplied by its transpose on"
    " the executors ('similarity blocks: 6 x 6'), then BlockMatrix.toLocalMatrix(), which"
    " collects every block of the 6,000 x 6,000 dense product (288 MB of doubles) to the"
    " driver; {where}; no executor OutOfMemoryError (their stderr); 'similarity table' never"
    " printed: labelled collect_to_driver"
)
_SCANS = (
    "note: local-cluster, executors 768m with the Parallel GC's overhead limit (GCTimeLimit=80"
    " / GCHeapFreeLimit=10): 8,000,000 parcel scans coalesced to 2 partitions and sorted in"
    " each task with mapPartitions(it => it.toArray.sortBy(...).iterator) before a Parquet"
    " write; each task materializes its 4,000,000 rows as objects on its executor and ran out"
    " ({where}); the driver itself had no OutOfMemoryError; 'parcel scan archive written' never"
    " printed: labelled not_driver_oom"
)
_PARTNER = (
    "note: the ids already exported (20,000,000 sorted longs, an Array[Long] of 160 MB) are a"
    " value of the shell, read with Arrays.binarySearch inside the function given to"
    " Dataset.foreachPartition, so the closure holds the array; 'ids already exported:"
    " 20000000' printed, then the REPL's 'java.lang.OutOfMemoryError: Java heap space' while the"
    " closure was serialized before any job ({frame} <- RDD.foreachPartition <-"
    " Dataset.foreachPartition, ByteArrayOutputStream growing to hold the serialized array);"
    " 'partner export done' never printed, exit 0 (the shell goes on): labelled large_closure"
)
_MARGIN = (
    "note: spark-sql, local[*], driver 160m (spark.testing.reservedMemory=32m lets it start),"
    " Parallel GC with GCTimeLimit=80 / GCHeapFreeLimit=10: an ordinary nightly CTAS of"
    " 4,000,000 sales lines sort-merge joined to 600,000 products (above the broadcast"
    " threshold) and grouped by store, category and day with sums and distinct counts into a"
    " Parquet table; {where}; exit 52: the workload is ordinary, the driver (with the executor of"
    " local[*] inside it) far too small for it: labelled client_mode_small_driver"
)
OUTCOME_NOTES = {
    "sku_daily_stock_calendar_reindex--pyspark--spark35--local": _CALENDAR.format(
        vm="VmSize 466 MiB, RLIMIT_AS 866 MiB"
    ),
    "sku_daily_stock_calendar_reindex--pyspark--spark43--local": _CALENDAR.format(
        vm="VmSize 461 MiB, RLIMIT_AS 861 MiB"
    ),
    "store_footfall_memoized_day_lookups--pyspark--spark35--local": _FOOTFALL.format(
        vm="VmSize 304 MiB, RLIMIT_AS 704 MiB", where="pyspark.sql.types ... fromInternal"
    ),
    "store_footfall_memoized_day_lookups--pyspark--spark43--local": _FOOTFALL.format(
        vm="VmSize 359 MiB, RLIMIT_AS 759 MiB", where="pyspark.sql.types _create_row / Row.__new__"
    ),
    "tenant_report_sessions_by_account--pyspark--spark35--local": _SESSIONS.format(
        where='\'Exception in thread "Thread-19" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded' (a Py4J thread), the Py4J connection lost ('Answer from Java side is"
        " empty') and the report's sql() call failed ('Py4JJavaError: An error occurred while"
        " calling o18881.sql.' / ': java.lang.OutOfMemoryError: GC overhead limit exceeded'),"
        " exit 1"
    ),
    "tenant_report_sessions_by_account--pyspark--spark43--local": _SESSIONS.format(
        where="the CREATE TEMPORARY VIEW sql() call of the next session failed ('Py4JJavaError:"
        " An error occurred while calling o19067.sql.' / ': java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded'), exit 1"
    ),
    "item_similarity_block_matrix_export--scala--spark35--cluster": _SIMILARITY.format(
        where="the driver ran out of heap fetching the blocks as task results ('Failed to fetch"
        " remote block taskresult_N', 'Caused by: java.lang.OutOfMemoryError: Java heap space'"
        " at ByteBuffer.allocate), tasks lost with TaskResultLost (5 times) until 'Task 2 in"
        " stage 8.0 failed 4 times; aborting job' at RDD.collect <- BlockMatrix.toLocalMatrix,"
        " exit 0 (the shell goes on)"
    ),
    "item_similarity_block_matrix_export--scala--spark43--cluster": _SIMILARITY.format(
        where="the driver ran out of heap deserializing a block's task result ('Uncaught"
        " exception in thread task-result-getter-1' / 'java.lang.OutOfMemoryError: Java heap"
        " space' at ObjectInputStream.readArray) and fetching others ('Failed to fetch remote"
        " block taskresult_N', 'Caused by: java.lang.OutOfMemoryError: Java heap space' at"
        " BlockTransferService$$anon$1.onBlockFetchSuccess), tasks lost with TaskResultLost (3"
        " times), then the job hung and the driver was killed 60 s after the first"
        " OutOfMemoryError line"
    ),
    "courier_scans_partition_sorted_archive--scala--spark35--cluster": _SCANS.format(
        where="'Lost task 0.0 in stage 0.0 (TID 0) (192.0.2.2 executor 0):"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded', 3 executors lost, 3 executor"
        " stderr files hold the OutOfMemoryError under TraversableOnce.toArray, each executor"
        " exiting with code 52, until 'Task 0 in stage 0.0 failed 4 times; aborting job' and"
        " 'Job aborted due to stage failure' at the Parquet write; exit 0 (the shell goes on)"
    ),
    "courier_scans_partition_sorted_archive--scala--spark43--cluster": _SCANS.format(
        where="'Lost task 1.0 in stage 0.0 (TID 1) (192.0.2.2 executor 0):"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded', then task 0.0 on executor 1"
        " failed constructing the SHA-256 digest ('NoSuchAlgorithmException ...' / 'Caused by:"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded'), both executors exiting with"
        " code 52; the retries' executors thrashed in GC, executor 3 was removed after 167 s"
        " without heartbeat ('ExecutorLostFailure (executor 3 exited caused by one of the"
        " running tasks)'), and the run hung until the 360 s timeout killed it (no job abort"
        " printed); 2 executor stderr files hold the OutOfMemoryError"
    ),
    "partner_export_known_ids_foreach_partition--scala--spark35--local": _PARTNER.format(
        frame="JavaSerializerInstance.serialize <- ClosureCleaner$.ensureSerializable <-"
        " ClosureCleaner$.clean <- SparkContext.clean"
    ),
    "partner_export_known_ids_foreach_partition--scala--spark43--local": _PARTNER.format(
        frame="JavaSerializerInstance.serialize <- SparkClosureCleaner$.clean <- SparkContext.clean"
    ),
    "nightly_margin_summary_ctas_sql--sql--spark35--local": _MARGIN.format(
        where="a task of the join's sort, run by the executor inside the driver, ran out of heap"
        " while spilling ('ERROR Executor: Exception in task 1.0 in stage 4.0 (TID 13)' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at UnsafeSorterSpillWriter.<init> <-"
        " UnsafeExternalSorter.spill), SparkUncaughtExceptionHandler, 'Job aborted due to stage"
        " failure'"
    ),
    "nightly_margin_summary_ctas_sql--sql--spark43--local": _MARGIN.format(
        where="after 'TaskMemoryManager: Failed to allocate a page (2097152 bytes), try spilling"
        " task memory.' warnings both tasks of the join's sort, run by the executor inside the"
        " driver, ran out of heap ('ERROR Executor: Exception in task 1.0 / 0.0 in stage 4.0' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at"
        " UnsafeExternalSorter.acquireNewPageIfNecessary), SparkUncaughtExceptionHandler, 'Job"
        " aborted due to stage failure'"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r49)


if __name__ == "__main__":
    main()
