#!/usr/bin/env python
"""Run round 48 of the real Spark run matrix under tests/data/runs/ (manifest-r48.jsonl).

    python tests/data/runs/gen_r48.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r48.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r48.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 47, that reach the
causes of the matrix by code paths none of the earlier rounds uses (see the README section). A
PySpark run is one ``spark-submit scenarios_r48.py <scenario>`` by gen_more.run; a Scala run is
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 47's, the
script being scenarios_r48.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification,
the manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r48).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (BROADCAST_OOM, EXECUTOR_*, PARALLEL_GC_LIMIT, SMALL_DRIVER_RUN, main)
import scenarios_r48  # noqa: E402  (SCALA and SQL scripts)

SCENARIOS = {
    # PySpark (WARN log): an aggregated toPandas() of ~600,000 weekly store x SKU rows, with a
    # 160m driver let through Spark's start-up check by spark.testing.reservedMemory=32m.
    "weekly_sku_sales_pandas_review": dict(
        label="client_mode_small_driver", expect=ge.DRIVER_OOM, timeout=240, **gs.SMALL_DRIVER_RUN
    ),
    # PySpark (WARN log): 200,000 boiler readings in pandas resampled per boiler to 1 s, the
    # Python driver's address space capped at its size + 400 MB after toPandas().
    "boiler_sensor_readings_second_resample": dict(
        label="python_driver_oom", expect=gm.PY_MEMORYERROR, timeout=240, mem="1g"
    ),
    # PySpark (WARN log): a JSON file-source stream, 1-minute windows per kiosk in append
    # mode under a 3650-day watermark, into the noop sink.
    "kiosk_energy_minute_windows_late_data_stream": dict(
        label="streaming_state", expect=ge.DRIVER_OOM, timeout=360
    ),
    # PySpark (WARN log): a dict of 60,000 filtered DataFrames of a 62-column orders table.
    "customer_order_views_lookup_dict": dict(
        label="driver_side_state", expect=ge.DRIVER_OOM, timeout=360
    ),
    # Scala: mapPartitionsWithIndex reading a 128 MB radar grid array of the shell.
    "rainfall_grid_station_interpolation": dict(
        label="large_closure", lang="scala", expect=ge.DRIVER_OOM, timeout=240
    ),
    # (local-cluster only) Scala: RDD.groupByKey() of 8,000,000 page views, 70 % of them
    # under the visitor id "anonymous", on 768m executors.
    "web_sessions_page_paths_by_visitor": dict(
        label="not_driver_oom",
        lang="scala",
        expect=gs.EXECUTOR_LOST,
        timeout=360,
        **gs.EXECUTOR_OOM_RUN,
    ),
    # Scala: RDD.partitionBy(new HashPartitioner(1,500,000)), the count of customers.
    "customer_statements_hash_partitioned_export": dict(
        label="too_many_tasks",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
        # its gc: with the Serial GC the 4.3 driver thrashed without an OutOfMemoryError (below)
        gc=gs.PARALLEL_GC_LIMIT,
    ),
    # SQL: SET spark.sql.autoBroadcastJoinThreshold=1073741824, then a join to a
    # 2,000,000-member profile view estimated at ~100 MB.
    "loyalty_orders_member_profiles_join_sql": dict(
        label="broadcast_too_large", lang="sql", expect=gs.BROADCAST_OOM, timeout=300
    ),
}

# The first runs of customer_statements_hash_partitioned_export (14:34 and 14:44) had the Serial
# GC: the 3.5 driver threw 'Exception in thread "dag-scheduler-event-loop"
# java.lang.OutOfMemoryError: Java heap space' after 74 s (killed 60 s later), but the 4.3 driver
# printed the customer count, then thrashed in full GC (jstat at 208 s: old 94 %, 882 full GCs,
# 179 s of GC) with no OutOfMemoryError line until the 300 s timeout killed it. Both runs were
# made again (replaced, 14:51 and 14:53) with the Parallel GC's overhead limit (the `gc` above).
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_WEEKLY = (
    "note: local[*], driver 160m (spark.testing.reservedMemory=32m lets it start), Parallel GC"
    " with GCTimeLimit=80 / GCHeapFreeLimit=10: an ordinary weekly store x SKU report, 3,000,000"
    " sales summed into ~600,000 (store, SKU, week) rows and brought into pandas with"
    " toPandas(); {where}; 'weekly review rows' never printed: the workload is ordinary, the"
    " driver (with the executor of local[*] inside it) far too small for it: labelled"
    " client_mode_small_driver"
)
_BOILER = (
    "note: driver 1g; 200,000 boiler readings (40 boilers, one every 150 s) brought into pandas"
    " with toPandas() ('boiler readings in pandas: 200000 rows'), then the Python driver's"
    " address space capped at its size + 400 MB ({vm}) as if its container were nearly full;"
    " groupby('boiler_id').resample('1s') bins the readings' whole time axis to one row a second"
    " and numpy could not allocate the first boiler's 29,999,851 one-second bins (229 MiB,"
    " pandas._libs.lib.generate_bins_dt64); the JVM had no error: a pandas operation on the"
    " Python driver: labelled python_driver_oom"
)
_KIOSK = (
    "note: file source, maxFilesPerTrigger=4, a 1-minute window per kiosk in append mode under a"
    " watermark of 3650 days, noop sink: micro-batches 0 to 2 committed (the checkpoint's"
    " commits), no window ever emitted (a ten-year delay never passes a window's end), then a"
    " task of batch 3 of the in-driver executor (task 1.0 in stage 7.0, TID 631{extra}) ran out"
    " of heap, the heap holding the state of every (minute, kiosk) window seen; exit 52:"
    " labelled streaming_state"
)
_VIEWS = (
    "note: no Spark job runs: a dict of customer id -> orders.filter(customer_id == id)"
    " .select(61 renamed columns) over a 62-column orders DataFrame; every DataFrame is analyzed"
    " when made and kept alive by the dict (its JVM Dataset, QueryExecution and analyzed plan"
    " through Py4J); 'customer views prepared' printed up to {last} (every 250), then the driver"
    " heap ran out: {where}; 'customer views ready' never printed: what fills the driver is"
    " the per-customer DataFrames kept in the dict: labelled driver_side_state"
)
_RAIN = (
    "note: the 4,000 x 4,000 radar grid (16,000,000 doubles, 128 MB) is an array of the shell,"
    " read inside the stations' mapPartitionsWithIndex function, so the closure holds it;"
    " 'radar grid loaded' printed, then the driver ran out of heap serializing the closure"
    " before any job ({frame} <- SparkContext.clean <- RDD.mapPartitionsWithIndex,"
    " ByteArrayOutputStream growing to hold the serialized grid); 'stations with more than 50"
    " mm' never printed, exit 0 (the shell goes on): labelled large_closure"
)
_PATHS = (
    "note: local-cluster, executors 768m: RDD.groupByKey() of 8,000,000 page views, 70 % of"
    " them under the visitor id 'anonymous', so one reduce task builds that key's ~5,600,000"
    " URLs in one buffer; it ran out of heap on its executor ({n} executor stderr files hold the"
    " OutOfMemoryError, at Kryo Input.readString reading the shuffled values), each executor"
    " exiting with code 52, the lost map outputs re-run after FetchFailed ({fetch} in the log),"
    " until 'ResultStage 1 (max at ...) has failed the maximum allowable number of times: 4';"
    " the driver itself had no OutOfMemoryError; exit 0 (the shell goes on): labelled"
    " not_driver_oom"
)
_STATEMENTS = (
    "note: local[*], driver 512m, Parallel GC with GCTimeLimit=80 / GCHeapFreeLimit=10: 3,000,000"
    " statement lines partitioned with partitionBy(new HashPartitioner(nCustomers)), nCustomers"
    " = 1,500,000 counted first ('customers with statement lines: 1500000'), i.e. a reduce stage"
    " of 1,500,000 tasks; {where}; 'statements written' never printed: the number of"
    " partitions: labelled too_many_tasks"
)
_LOYALTY = (
    "note: spark-sql, local[*], driver 512m: the script's SET spark.sql.autoBroadcastJoinThreshold"
    "=1073741824, then a join of 6,000,000 orders to a 2,000,000-member profile view (sha-512"
    " and sha-256 hashes, name, address) that Spark estimates from its column types at ~100 MB,"
    " so it is broadcast; {where}: the broadcast's build side: labelled broadcast_too_large"
)
OUTCOME_NOTES = {
    "weekly_sku_sales_pandas_review--pyspark--spark35--local": _WEEKLY.format(
        where="the aggregation's partial hash maps spilled (16 'Calling spill() on"
        " RowBasedKeyValueBatch' warnings), then the toPandas() call failed: 'Py4JJavaError: An"
        " error occurred while calling o86.collectToPython.' / ': java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded' (no stack printed), exit 1"
    ),
    "weekly_sku_sales_pandas_review--pyspark--spark43--local": _WEEKLY.format(
        where="a task of the aggregation's first stage, run by the executor inside the driver,"
        " ran out (task 1.0 in stage 0.0, 'java.lang.OutOfMemoryError: GC overhead limit"
        " exceeded', SparkUncaughtExceptionHandler) and the toPandas() call failed with"
        " 'Py4JJavaError: An error occurred while calling o110.collectToPython.' / 'Job aborted"
        " due to stage failure: ... GC overhead limit exceeded', exit 52"
    ),
    "boiler_sensor_readings_second_resample--pyspark--spark35--local": _BOILER.format(
        vm="VmSize 387 MiB, RLIMIT_AS 787 MiB"
    ),
    "boiler_sensor_readings_second_resample--pyspark--spark43--local": _BOILER.format(
        vm="VmSize 379 MiB, RLIMIT_AS 779 MiB"
    ),
    "kiosk_energy_minute_windows_late_data_stream--pyspark--spark35--local": _KIOSK.format(
        extra=""
    ),
    "kiosk_energy_minute_windows_late_data_stream--pyspark--spark43--local": _KIOSK.format(
        extra=", and task 0.0, TID 630, at the same moment; a first OutOfMemoryError caught by"
        " TaskMemoryManager 49 s earlier"
    ),
    "customer_order_views_lookup_dict--pyspark--spark35--local": _VIEWS.format(
        last=501,
        where="'Exception: java.lang.OutOfMemoryError thrown from the UncaughtExceptionHandler in"
        ' thread "spark-listener-group-appStatus"\', the driver- and executor-heartbeater'
        " threads, then the next select() call ('Py4JJavaError: An error occurred while calling"
        " o4322.select.' / ': java.lang.OutOfMemoryError: Java heap space'), exit 1",
    ),
    "customer_order_views_lookup_dict--pyspark--spark43--local": _VIEWS.format(
        last=2251,
        where="OutOfMemoryErrors in the driver's own threads (RemoteBlock-temp-file-clean-thread,"
        " driver-heartbeater, executor-heartbeater, Py4J's threads), then the Py4J connection"
        " lost ('Py4JNetworkError: Answer from Java side is empty', 'Py4JError: An error"
        " occurred while calling z:org.apache.spark.sql.classic.SparkSession.getActiveSession'"
        " at the filter() call), exit 1",
    ),
    "rainfall_grid_station_interpolation--scala--spark35--local": _RAIN.format(
        frame="JavaSerializerInstance.serialize <- ClosureCleaner$.ensureSerializable <-"
        " ClosureCleaner$.clean"
    ),
    "rainfall_grid_station_interpolation--scala--spark43--local": _RAIN.format(
        frame="JavaSerializerInstance.serialize <- SparkClosureCleaner$.clean"
    ),
    "web_sessions_page_paths_by_visitor--scala--spark35--cluster": _PATHS.format(n=5, fetch=11),
    "web_sessions_page_paths_by_visitor--scala--spark43--cluster": _PATHS.format(n=4, fetch=12),
    "customer_statements_hash_partitioned_export--scala--spark35--local": _STATEMENTS.format(
        where="the map stage finished, then the DAG scheduler ran out of heap creating the reduce"
        " stage's tasks: 'Exception in thread \"dag-scheduler-event-loop\""
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' at Integer.valueOf <-"
        " DAGScheduler.submitMissingTasks <- submitWaitingChildStages <-"
        " processShuffleMapStageCompletion; nothing ran after it and the driver was killed 60 s"
        " after that line"
    ),
    "customer_statements_hash_partitioned_export--scala--spark43--local": _STATEMENTS.format(
        where="the driver spent three and a half minutes in GC without the overhead limit firing,"
        ' then \'Exception in thread "dag-scheduler-event-loop" java.lang.OutOfMemoryError:'
        " Java heap space' (no stack printed), OutOfMemoryErrors in the driver-heartbeater,"
        " executor-heartbeater and Spark Context Cleaner threads ('uncaught error in thread"
        " Spark Context Cleaner, stopping SparkContext'), 'org.apache.spark.SparkException: Job"
        " 1 cancelled because SparkContext was shut down' at RDD.count; exit 0 (the shell goes"
        " on)"
    ),
    "loyalty_orders_member_profiles_join_sql--sql--spark35--local": _LOYALTY.format(
        where="a few seconds into the query 'org.apache.spark.SparkException: Not enough memory"
        " to build and broadcast the table to all worker nodes. ...' at"
        " QueryExecutionErrors.notEnoughMemoryToBuildAndBroadcastTableError <-"
        " BroadcastExchangeExec.relationFuture (Spark 3.5 turns the driver's OutOfMemoryError"
        " into this message; no OutOfMemoryError line printed), exit 1"
    ),
    "loyalty_orders_member_profiles_join_sql--sql--spark43--local": _LOYALTY.format(
        where="the driver ran out of heap fetching the build side's task results"
        " ('Failed to fetch remote block taskresult_0', 'Caused by: java.lang.OutOfMemoryError:"
        " Java heap space' at ByteBuffer.allocate <- BlockTransferService$$anon$1"
        ".onBlockFetchSuccess; 'TaskResultLost (result lost from block manager)', the job of"
        " BroadcastExchangeExec.relationFuture <- SparkPlan.executeCollectIterator aborted),"
        " exit 1"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r48)


if __name__ == "__main__":
    main()
