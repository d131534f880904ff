#!/usr/bin/env python
"""Run round 58 of the real Spark run matrix under tests/data/runs/ (manifest-r58.jsonl).

    python tests/data/runs/gen_r58.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r58.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r58.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 57, for causes the
service confuses in driver logs: the driver heap filled across many small jobs by what the
program or Spark keeps, one stage of very many tiny tasks, a task closure that captures a big
driver-side object, and an executor that runs out of memory under a driver that only looks
like it collects (see the README section). A PySpark run is one
``spark-submit scenarios_r58.py <scenario>`` by gen_more.run; a Scala run is one
``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 57's, the
script being scenarios_r58.SCALA / SQL[scenario] written into the run's scratch dir.
Finishing (trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM
verification, the manifest line) is gen_more.finish with this round's tables handed as a
gen_more.Round. Raw output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r58).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_shell as gs  # noqa: E402  (CLUSTER, PARALLEL_GC_LIMIT, UI_SMALL, main)
import scenarios_r58  # noqa: E402  (SCALA and SQL scripts)

# A driver of ordinary size (512m) whose full heap throws instead of thrashing, on
# local-cluster (the executors separate JVMs), with round 57's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# The same with round 57's stricter GC overhead limit (50 % / 20 %), for the scenarios whose
# driver fills slowly, a few MB a job, and would otherwise thrash until the timeout.
DRIVER_512_STRICT = dict(
    DRIVER_512, gc="-XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20"
)

SCENARIOS = {
    # Scala: a new unnamed custom AccumulatorV2 (device:code -> count) per hourly batch, all
    # kept in a ListBuffer for the day's summary.
    "sensor_error_codes_hourly_batch_stats": dict(
        label="driver_side_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **DRIVER_512,
    ),
    # PySpark: an hour's landing directory (5,000 small JSON files) opened as a DataFrame per
    # hour, its first record checked, every hour's DataFrame kept in a dict (first try with 96
    # hours and short file names not kept: no failure).
    "clickstream_hourly_landing_frames_by_hour": dict(
        label="driver_side_state",
        expect=ge.DRIVER_OOM,
        **DRIVER_512,
    ),
    # Scala: a lineage SparkListener keeping every SQL execution start and adaptive plan update
    # event; a daily isin check of 80,000 flagged IBANs (Spark's own SQL-tab history kept
    # small). First try (start events only, 60,000 short ids, PARALLEL_GC_LIMIT) not kept: 3.5
    # failed after 290 s, 4.3 not in 300 s.
    "ledger_flagged_accounts_lineage_agent": dict(
        label="driver_side_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf=gs.UI_SMALL,
        **DRIVER_512_STRICT,
    ),
    # SQL: UNION ALL of 1,095 daily views of 1,000 partitions each (through 37 views of 30
    # days: one flat chain of 1,095 UNION ALLs overflowed the parser's stack on the first try).
    "store_sales_three_year_daily_views_union_sql": dict(
        label="too_many_tasks",
        lang="sql",
        expect=ge.DRIVER_OOM,
        **DRIVER_512,
    ),
    # Scala: sc.textFile over 500,000 small files (one split each).
    "partner_order_feed_small_files_text_rdd": dict(
        label="too_many_tasks",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **DRIVER_512,
    ),
    # PySpark: rdd.mapPartitions whose function captures a 3,000,000-range IP table.
    "web_log_country_ranges_map_partitions": dict(
        label="large_closure",
        expect=ge.DRIVER_OOM,
        variants=gs.CLUSTER,
        timeout=300,
    ),
    # Scala: Dataset.groupByKey whose key function captures a 220 MB zone grid.
    "parcel_deliveries_zone_grid_group_by_key": dict(
        label="large_closure",
        lang="scala",
        expect=ge.DRIVER_OOM,
        variants=gs.CLUSTER,
        timeout=300,
    ),
    # PySpark: binaryFile source of two 450 MB files, sha2(content) brought back by toPandas().
    "upload_archive_checksums_binary_file_frame": dict(
        label="not_driver_oom",
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
}

NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_SENSOR = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m,"
    " PARALLEL_GC_LIMIT: sensor error codes hour by hour, every hour a new ErrorCodeCounts (a"
    " hand-written AccumulatorV2[String, mutable.HashMap[String, Long]]) registered unnamed with"
    " sc.register, fed by sc.range(hour's 400,000 readings, 8 slices).foreach (one reading in"
    " three an error, about 133,000 distinct 'sensor-NNNNNNN:ENN' keys an hour) and kept in a"
    " ListBuffer with its hour for the daily summary; each job alone is 8 tiny tasks, the kept"
    " maps add up in the driver; {where}; 'hours with most failing sensors' never printed; no"
    " executor OutOfMemoryError: labelled driver_side_state"
)
_PARTNER = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m,"
    " PARALLEL_GC_LIMIT: a partner's order feed written by the shell as 500,000 small JSON-lines"
    " files (250 batch=NNN directories of 2,000), read with sc.textFile(feed/batch=*/*.json),"
    " one Hadoop split and so one task per file, the orders counted per status with"
    " reduceByKey(_ + _, 4).collect() (3 rows); {where}; 'orders per status' never printed; no"
    " executor OutOfMemoryError: labelled too_many_tasks"
)
_GEO = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, INFO log: an IP geolocation"
    " table of 3,000,000 ranges (start, end, country, a 150-byte packed location record) built"
    " as a sorted Python list on the driver and read with bisect in the function given to"
    " rdd.mapPartitions over 2,000,000 web log hits, instead of a broadcast or a join; the"
    " pickled command (about 500 MB) is over the broadcast threshold, so PySpark ships it as a"
    " broadcast (sc.broadcast from _prepare_for_python_RDD, under reduceByKey at line 102):"
    " 'geo ranges loaded: 3000000', then 'java.lang.OutOfMemoryError: Java heap space' at"
    " ByteBuffer.allocate <- ChunkedByteBufferOutputStream.allocateNewChunkIfNeeded <-"
    " TorrentBroadcast$.blockifyObject, 'ERROR TorrentBroadcast: Store broadcast broadcast_0"
    " fail, remove all pieces of the broadcast', under line 102 'Py4JJavaError: An error"
    " occurred while calling o22.broadcast.' / ': java.lang.OutOfMemoryError: Java heap"
    " space'; no job ran; {end}: labelled large_closure"
)
_ZONES = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m: parcel"
    " deliveries per delivery zone, the zone map rasterised to an Array[Short] of 11,000 x"
    " 10,000 cells (220 MB) filled in the shell and read by the key function of"
    " Dataset.groupByKey over 3,000,000 deliveries (spark.range(...).map to (id, lat, lon)),"
    " then .count().collect(): 'zone grid loaded: 11000 x 10000 cells', then the REPL's"
    " 'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
    " ByteArrayOutputStream.ensureCapacity <- ObjectOutputStream <-"
    " JavaSerializerInstance.serialize <- {cleaner} <- SparkContext.clean <-"
    " RDD.mapPartitionsWithIndex <- WholeStageCodegenExec.doExecute <-"
    " ShuffleExchangeExec.inputRDD (the grouping key's AppendColumns in the whole-stage"
    " function); no ERROR line, no task ran; exit 0 after {secs} s (the shell goes on to its"
    " end): labelled large_closure"
)
_UPLOAD = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, INFO log: a checksum manifest"
    " of two 450 MB archive parts (random bytes) written by the program, read with the"
    " binaryFile data source (pathGlobFilter *.bin) and select(path, length,"
    " sha2(content, 256)).toPandas() (2 rows): each part is one task that reads the whole file"
    " into one byte array in the executor (BinaryFileFormat.parse reading the whole stream,"
    " {reader} in the executors' stderr); {where}; the driver only plans the job and reports the lost"
    " executors, no OutOfMemoryError of its own: labelled not_driver_oom"
)
_UNION = (
    "note: spark-sql, local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT:"
    " the three-year store sales comparison, every day's export a temporary view (1,095 views,"
    " each SELECT ... FROM range(0, 20000, 1, 1000), the 1,000 partitions standing for the"
    " day's part files), a view per 30 days over the UNION ALL of its days (37 of them), then"
    " SELECT count(*), count(DISTINCT store_id), round(sum(amount), 0) over the UNION ALL of"
    " the 37: one map stage of 1,095,000 tiny tasks (Job 0's stage 0 with 1,095,000 tasks in"
    " the event log); {where}; no row printed; no executor OutOfMemoryError: labelled"
    " too_many_tasks"
)
_CLICKS = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT, INFO log:"
    " clickstream events landing as small JSON files, 5,000 an hour in"
    " dt=2026-11-DD/hour=HH directories (Spark-style part-NNNNN-<uuid>-c000.json names), 192"
    " hours written by the program first; then each hour's directory opened with"
    " spark.read.schema(...).json(dir), its first record checked with df.first() (one small"
    " job, 'first at .../scenarios_r58.py:56') and the DataFrame kept in a dict by hour: every"
    " kept DataFrame holds its InMemoryFileIndex (the status of its 5,000 files) in the driver,"
    " and 'WARN SharedInMemoryCache: Evicting cached table partition metadata from memory due"
    " to size constraints (spark.sql.hive.filesourcePartitionFileCacheSize = 262144000 bytes)'"
    " after about 40 hours; {where}; 'hours ready' never printed; no executor OutOfMemoryError:"
    " labelled driver_side_state"
)
_LEDGER = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m,"
    " -XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20, UI_SMALL (so that the SQL"
    " tab keeps 20 executions): the platform team's lineage agent pasted into the shell, a"
    " SparkListener whose onOtherEvent keeps every SparkListenerSQLExecutionStart and"
    " SparkListenerSQLAdaptiveExecutionUpdate (plan description, plan info) in an ArrayBuffer"
    " to send to the data catalog later; each day the compliance team's 80,000 flagged"
    " counterparty IBANs checked against a 200,000-row ledger with"
    " filter(isin(...)).agg(count, sum).collect() (one small query a day; its plan"
    " description, about 2 MB with the IBAN list, in three events a query on 3.5 and four on"
    " 4.3: the start and two or three adaptive updates); {where}; 'flagged ledger entries over the year' never printed; no"
    " executor OutOfMemoryError: labelled driver_side_state"
)
OUTCOME_NOTES = {
    "ledger_flagged_accounts_lineage_agent--scala--spark35--cluster": _LEDGER.format(
        where="'WARN DAGScheduler: Broadcasting large task binary with size 2.1 MiB' once a day"
        " (the stage holding the IBAN list) 26 times, slower and slower, then the REPL's"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at UTF8String.toString <-"
        " Literal.toString <- InSet.toString <- Expression.simpleString <- TreeNode.argString"
        " (the next day's plan being turned into text), no ERROR line; exit 0 after 63 s (the"
        " shell goes on to its end)"
    ),
    "ledger_flagged_accounts_lineage_agent--scala--spark43--cluster": _LEDGER.format(
        where="'WARN DAGScheduler: Broadcasting large task binary with size ...' once a day (the"
        " stage holding the IBAN list) 33 times, then 'ERROR Utils: uncaught error in thread"
        " spark-listener-group-eventLog, stopping SparkContext' / 'java.lang.OutOfMemoryError:"
        " Java heap space' at StringBuilder.append <- ScalaRunTime._toString <-"
        " SparkListenerSQLExecutionStart.toString (an event being logged), 'ERROR Utils: throw"
        " uncaught fatal error in thread spark-listener-group-eventLog', 'Exception in thread"
        ' "spark-listener-group-eventLog" java.lang.OutOfMemoryError: Java heap space\', in the'
        " REPL 'java.lang.IllegalStateException: Cannot call methods on a stopped"
        " SparkContext.'; exit 0 after 154 s (the shell goes on to its end)"
    ),
    "store_sales_three_year_daily_views_union_sql--sql--spark35--cluster": _UNION.format(
        where="the 1,133 statements before it run ('Time taken: 0.003 seconds' each), then 'ERROR"
        " Inbox: An error happened while processing message in the inbox for"
        " CoarseGrainedScheduler' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " TaskSchedulerImpl.resourceOffers, 'Exception in thread"
        ' "dispatcher-CoarseGrainedScheduler" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded', 'Exception in thread \"dag-scheduler-event-loop\" java.lang.OutOfMemoryError:"
        " GC overhead limit exceeded' at immutable.HashMap$HashMapBuilder.addOne; the CLI hung,"
        " killed 60 s after the first OutOfMemoryError (128 s)"
    ),
    "store_sales_three_year_daily_views_union_sql--sql--spark43--cluster": _UNION.format(
        where="the 1,133 statements before it run, then 'Exception in thread"
        ' "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC overhead limit exceeded\' at'
        " Integer.valueOf <- List.apply <- OneToOneDependency.getParents <-"
        " DAGScheduler.getPreferredLocsInternal (placing the stage's tasks); the CLI hung, killed"
        " 60 s after the first OutOfMemoryError (132 s)"
    ),
    "clickstream_hourly_landing_frames_by_hour--pyspark--spark35--cluster": _CLICKS.format(
        where="96 hours opened and kept (jobs 0 to 95, 480,000 files), then job 96's task"
        " serialization: 'ERROR TorrentBroadcast: Store broadcast broadcast_193 fail, remove all"
        " pieces of the broadcast' (an 11.5 KiB task binary), 'Job aborted due to stage failure:"
        " Task serialization failed: java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " ByteBuffer.allocate <- TorrentBroadcast$.blockifyObject <- SparkContext.broadcast, under"
        " line 56 (first = df.first()) 'Py4JJavaError: An error occurred while calling"
        " o1196.collectToPython.'; exit 1 after 98 s"
    ),
    "sensor_error_codes_hourly_batch_stats--scala--spark35--cluster": _SENSOR.format(
        where="twice 'ERROR TransportRequestHandler: Error while invoking RpcHandler#receive() on"
        " RPC id ...' / 'java.io.OptionalDataException' at HashMap.readObject (an executor's"
        " heartbeat carries the running task's accumulator map, serialized while the task"
        " thread adds to it), then the REPL's 'java.lang.OutOfMemoryError: GC overhead limit"
        " exceeded' at HashMap.foreach <- ErrorCodeCounts.copy <- AccumulatorV2.copyAndReset <-"
        " AccumulatorV2.writeReplace <- ... ListBuffer.writeObject: the shell's line wrapper"
        " drags the ListBuffer of kept accumulators into the next job's closure, and Java"
        " serialization replaces each by an empty copy (copyAndReset copies the whole map"
        " first), so the driver, its heap already full of the kept maps, fails while copying"
        " one; exit 0 after 121 s (the shell goes on to its end)"
    ),
    "sensor_error_codes_hourly_batch_stats--scala--spark43--cluster": _SENSOR.format(
        where="'ERROR Utils: Uncaught exception in thread task-result-getter-3' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at mutable.HashMap.<init> <-"
        " HashMap$DeserializationFactory.newBuilder <- DefaultSerializationProxy.readObject (a"
        " task result's accumulator update, one hour's partial map), 'Exception in thread"
        ' "task-result-getter-3"\', the same in task-result-getter-2; the shell hung, killed 60 s'
        " after the first OutOfMemoryError (100 s)"
    ),
    "partner_order_feed_small_files_text_rdd--scala--spark35--cluster": _PARTNER.format(
        where="no job started (no SparkListenerJobStart in the event log): the REPL's"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " UserGroupInformation.getCurrentUser <- FileSystem.get <- Path.getFileSystem <-"
        " FileInputFormat.getSplits <- HadoopRDD.getPartitions <- RDD.partitions <-"
        " MapPartitionsRDD.getPartitions (the 500,000 splits being made for the job); exit 0"
        " after 64 s (the shell goes on to its end)"
    ),
    "partner_order_feed_small_files_text_rdd--scala--spark43--cluster": _PARTNER.format(
        where="the 500,000 splits made, the job submitted, then 'Exception in thread"
        ' "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC overhead limit exceeded\''
        " at HashSet.growTable <- DAGScheduler.submitMissingTasks (the map stage's 500,000"
        " tasks); the shell hung, killed 60 s after the first OutOfMemoryError (132 s)"
    ),
    "web_log_country_ranges_map_partitions--pyspark--spark35--cluster": _GEO.format(
        end="exit 1 after 24 s"
    ),
    "web_log_country_ranges_map_partitions--pyspark--spark43--cluster": _GEO.format(
        end="exit 1 after 27 s"
    ),
    "parcel_deliveries_zone_grid_group_by_key--scala--spark35--cluster": _ZONES.format(
        cleaner="ClosureCleaner$.ensureSerializable <- ClosureCleaner$.clean", secs=17
    ),
    "parcel_deliveries_zone_grid_group_by_key--scala--spark43--cluster": _ZONES.format(
        cleaner="SparkClosureCleaner$.clean", secs=16
    ),
    "upload_archive_checksums_binary_file_frame--pyspark--spark35--cluster": _UPLOAD.format(
        reader="ByteStreams.toByteArray",
        where="'WARN TaskSetManager: Lost task 0.0 in stage 0.0 (TID 0) (192.0.2.2 executor 1):"
        " java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl: Lost executor 1"
        " on 192.0.2.2: Command exited with code 52', the same for executors 0, 2, 3 and 4 (the"
        " retries on new executors), 'ExecutorLostFailure (executor 3 exited caused by one of"
        " the running tasks)', 'ERROR TaskSetManager: Task 0 in stage 0.0 failed 4 times;"
        " aborting job', under line 132 (toPandas) 'Py4JJavaError: An error occurred while"
        " calling o45.collectToPython.' / 'Job aborted due to stage failure: ... Lost task 0.6"
        " in stage 0.0 (TID 8) (192.0.2.2 executor 4): java.lang.OutOfMemoryError: Java heap"
        " space'; exit 1 after 27 s",
    ),
    "upload_archive_checksums_binary_file_frame--pyspark--spark43--cluster": _UPLOAD.format(
        reader="InputStream.readNBytes",
        where="'WARN TaskSetManager: Lost task 1.0 in stage 0.0 (TID 1) (192.0.2.2 executor 0):"
        " java.lang.OutOfMemoryError: Java heap space', 'ERROR TaskSchedulerImpl: Lost executor 0"
        " on 192.0.2.2: Command exited with code 52', the same for executors 1 to 5, 'ERROR"
        " TaskSetManager: Task 1 in stage 0.0 failed 4 times; aborting job', under line 132"
        " (toPandas) 'Py4JJavaError' / ': An error occurred while calling o50.collectToPython.' /"
        " 'Job aborted due to stage failure: ... Lost task 1.5 in"
        " stage 0.0 (TID 7) (192.0.2.2 executor 5): java.lang.OutOfMemoryError: Java heap"
        " space'; exit 1 after 28 s",
    ),
    "clickstream_hourly_landing_frames_by_hour--pyspark--spark43--cluster": _CLICKS.format(
        where="91 hours opened and kept (jobs 0 to 90, 455,000 files), then opening hour 92's"
        " directory ('INFO InMemoryFileIndex: It took 2138 ms to list leaf files for 1 paths.'),"
        " under line 55 (df = spark.read.schema(schema).json(d)) 'Py4JJavaError: An error"
        " occurred while calling o765.json.' / ': java.lang.OutOfMemoryError: GC overhead limit"
        " exceeded' at Path.getParent <- InMemoryFileIndex.refresh0 <-"
        " DataSource.createInMemoryFileIndex (grouping that hour's 5,000 file statuses by"
        " directory, a small listing in a full heap), the executors lost as the driver exits;"
        " exit 1 after 96 s"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r58)


if __name__ == "__main__":
    main()
