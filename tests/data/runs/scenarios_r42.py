"""Bodies of the round-42 scenarios of the run matrix (tests/data/runs/), run by gen_r42.py.

Round 42 mixes PySpark, Scala and SQL, as rounds 35 to 41 do. ``spark-submit scenarios_r42.py
<scenario>`` runs a PySpark body below (the helpers _spark and _log are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
41 do, the others keep spark-submit's INFO log. A SCALA script is run by gen_r42.py as
``spark-shell -i <script>``, a SQL script as ``spark-sql -f <script>`` (stdin /dev/null) from
the launchers of the pip pyspark wheel, as gen_r35.py to gen_r41.py do. Driver memory, master,
GC and event-log settings come from the command line; sizes can be changed with the DD_*
environment variables. Each scenario reaches a failure of the matrix by a code path that no
scenario of the earlier rounds uses; gen_r42.py records what really happened. The scenario
names say what the job does, not how it fails, and the scripts print only what such a job
would print.
"""

import os
import sys

# ---------------------------------------------------------------- client_mode_small_driver


def clinic_visits_weekly_pivot_report(spark):
    # (client_mode_small_driver; WARN log; --driver-memory 160m with
    # spark.testing.reservedMemory=32m so that Spark starts at all) An ordinary clinic
    # report: 3,000,000 visits of 250,000 patients pivoted into one column per week of the
    # year (groupBy(patient).pivot(week, 0..51).count()) and the whole table collected to be
    # written as a local CSV, in a driver sized far too small (the others: a plain collect, a
    # broadcast join, exact medians; this one is a pivot table collected).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_visits = int(os.environ.get("DD_VISITS", "3000000"))
    n_patients = int(os.environ.get("DD_PATIENTS", "250000"))
    visits = spark.range(0, n_visits, 1, 8).select(
        (F.col("id") * 7919 % n_patients).alias("patient"),
        (F.col("id") % 52).alias("week"),
    )
    weekly = visits.groupBy("patient").pivot("week", list(range(52))).count()
    rows = weekly.collect()
    _log("patients in report: %d" % len(rows))
    with open("weekly_visits.csv", "w") as fh:
        for r in rows:
            fh.write(",".join("" if v is None else str(v) for v in r) + "\n")


# ---------------------------------------------------------------- broadcast_too_large


def warehouse_bins_cached_dimension_join(spark):
    # (broadcast_too_large; INFO log, Spark's defaults) A pick-list report: the 2,500,000
    # storage bins of a warehouse (a 200-character padded location each, aisle by aisle) are
    # cached with CACHE TABLE because every report joins them, then 2,000,000 picks are
    # joined to the bins. The cached table's size statistic is that of its compressed column
    # batches (delta-encoded ids, run-length encoded locations: a few MB), under the default
    # 10 MB broadcast threshold, so the planner broadcasts the bins, whose rows are ~600 MB
    # once decompressed on the driver (the others: hints, raised thresholds, AQE runtime
    # statistics, parquet sizes, sc.broadcast; this one is the statistics of a cached table).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_bins = int(os.environ.get("DD_BINS", "2500000"))
    n_picks = int(os.environ.get("DD_PICKS", "2000000"))
    bins = spark.range(0, n_bins, 1, 4).select(
        F.col("id").alias("bin_id"),
        F.lpad(
            F.concat(F.lit("aisle-"), (F.col("id") / 250000).cast("int").cast("string")),
            200,
            "-",
        ).alias("location"),
    )
    bins.createOrReplaceTempView("bins")
    spark.sql("CACHE TABLE bins")
    _log("bins cached: %d" % spark.table("bins").count())
    picks = spark.range(0, n_picks, 1, 4).select(
        (F.col("id") * 7919 % n_bins).alias("bin_id"), (F.col("id") % 13).alias("qty")
    )
    report = (
        picks.join(spark.table("bins"), "bin_id")
        .groupBy(F.substring("location", -2, 2).alias("aisle"))
        .agg(F.sum("qty").alias("units"))
    )
    _log("aisles in pick report: %d" % len(report.collect()))


# ---------------------------------------------------------------- too_many_tasks


def kiosk_heartbeats_rate_stream_per_kiosk_partitions(spark):
    # (too_many_tasks; WARN log) A kiosk monitor: a rate stream of heartbeats read with the
    # source's numPartitions set to the number of kiosks (3,000,000, "one partition per
    # kiosk"), counted per micro-batch into a noop sink; every micro-batch plans that many
    # input partitions and tasks on the driver (the others: range / parallelize slices,
    # shuffle partitions, repartition, Hadoop splits, groupBy numPartitions, unions; this one
    # is a streaming source's partition count).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    kiosks = os.environ.get("DD_KIOSKS", "3000000")
    beats = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", "1000")
        .option("numPartitions", kiosks)
        .load()
        .select((F.col("value") % 1000).alias("kiosk"))
    )
    query = beats.writeStream.format("noop").trigger(processingTime="2 seconds").start()
    for _ in range(60):
        if not query.isActive:
            break
        query.awaitTermination(5)
        p = query.lastProgress
        if p:
            _log("batch %d: %d heartbeats" % (p["batchId"], p["numInputRows"]))
    exc = query.exception()
    _log("monitor stopped: %s" % (str(exc)[:300] if exc else "no error"))
    if exc:
        raise exc


# ---------------------------------------------------------------- not_driver_oom


def org_chart_recursive_udf_flatten(spark):
    # (not_driver_oom; WARN log) An HR report: the reporting depth of each of 200,000
    # employees computed by a Python UDF that walks up the manager chain recursively; the
    # organisation is one long chain in places, so the recursion goes 100,000 levels deep
    # and Python raises RecursionError in the worker. A Python error about a depth limit,
    # not memory running out.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    def manager_of(e):
        return e - 1 if e % 100000 else None

    def depth(e):
        m = manager_of(e)
        return 0 if m is None else 1 + depth(m)

    depth_udf = F.udf(depth, "int")
    staff = spark.range(0, int(os.environ.get("DD_STAFF", "200000")), 1, 4)
    levels = staff.select(depth_udf(F.col("id")).alias("depth")).groupBy("depth").count()
    _log("distinct reporting depths: %d" % levels.count())


SCENARIOS = {
    f.__name__: f
    for f in [
        clinic_visits_weekly_pivot_report,
        warehouse_bins_cached_dimension_join,
        kiosk_heartbeats_rate_stream_per_kiosk_partitions,
        org_chart_recursive_udf_flatten,
    ]
}
WARN_LOG = set(SCENARIOS) - {"warehouse_bins_cached_dimension_join"}

SCALA = {
    # (large_closure) Call billing: a 2,500,000-entry tariff-zone table (Array[String]) built on
    # the driver and held by a typed Aggregator registered with functions.udaf; the aggregator
    # object is part of the physical plan (a ScalaAggregator expression), so it is serialized
    # with the task binary of the aggregation stage (the others: RDD closures, Dataset lambdas,
    # PySpark / Scala UDFs; this one is a udaf Aggregator's field).
    "tariff_zones_udaf_aggregator_lookup": """
// Call billing: tariff of every call summed per carrier by a zone-aware aggregator.
import org.apache.spark.sql.{Encoder, Encoders}
import org.apache.spark.sql.expressions.Aggregator
import org.apache.spark.sql.functions._
val nZones = sys.env.getOrElse("DD_ZONES", "2500000").toInt
val zones: Array[String] = Array.tabulate(nZones)(i => "ZONE-" + i + ":" + java.lang.Long.toHexString(i * 2654435761L) + ":tariff-" + (i % 97))
println(s"tariff zones loaded: ${zones.length}")
class ZoneTariffSum(table: Array[String]) extends Aggregator[Long, Long, Long] {
  def zero: Long = 0L
  def reduce(b: Long, zone: Long): Long = b + table((zone % table.length).toInt).length
  def merge(b1: Long, b2: Long): Long = b1 + b2
  def finish(r: Long): Long = r
  def bufferEncoder: Encoder[Long] = Encoders.scalaLong
  def outputEncoder: Encoder[Long] = Encoders.scalaLong
}
val tariffSum = udaf(new ZoneTariffSum(zones), Encoders.scalaLong)
val calls = spark.range(0, 1000000, 1, 4).select((col("id") % 50).as("carrier"), col("id").as("zone"))
val perCarrier = calls.groupBy("carrier").agg(tariffSum(col("zone")).as("tariff"))
println(s"carriers billed: ${perCarrier.collect().length}")
""",
    # (driver_side_state) A query audit trail: a QueryExecutionListener registered with
    # spark.listenerManager keeps every successful QueryExecution (for a later audit report)
    # while a loader runs 1,000 small batches of 20,000 driver-side records each; every kept
    # QueryExecution holds its plans and their local rows (the others: SparkListeners,
    # accumulators, ArrayBuffers of collects, temp views, union loops; this one is a
    # QueryExecutionListener).
    "audit_trail_query_execution_listener": """
// Loader with a query audit trail.
import org.apache.spark.sql.execution.QueryExecution
import org.apache.spark.sql.util.QueryExecutionListener
import spark.implicits._
val audit = scala.collection.mutable.ArrayBuffer.empty[(String, QueryExecution, Long)]
spark.listenerManager.register(new QueryExecutionListener {
  override def onSuccess(funcName: String, qe: QueryExecution, durationNs: Long): Unit = audit.synchronized { audit += ((funcName, qe, durationNs)) }
  override def onFailure(funcName: String, qe: QueryExecution, exception: Exception): Unit = ()
})
val batches = sys.env.getOrElse("DD_BATCHES", "1000").toInt
val perBatch = sys.env.getOrElse("DD_RECORDS", "20000").toInt
for (batch <- 0 until batches) {
  val records = (0 until perBatch).map(i => (batch, i.toLong, "branch-" + (i % 300) + "/" + java.util.UUID.nameUUIDFromBytes(s"$batch-$i".getBytes).toString))
  val loaded = records.toDF("batch", "ref", "detail").filter($"ref" % 7 =!= 3).count()
  if (batch % 10 == 9) println(s"batch $batch: $loaded records loaded, ${audit.synchronized(audit.size)} queries audited")
}
println(s"audit trail: ${audit.size} queries")
""",
    # (streaming_state; spark.sql.shuffle.partitions=4) A device alert deduplicator: a rate
    # stream of 100,000 alerts/s (sha-512 alert ids) from 16 devices,
    # groupByKey(device).flatMapGroupsWithState keeping the set of every alert id seen per
    # device (no timeout ever fires), emitting only the new ones; the state store runs in the
    # driver JVM in local[*] (the others: SQL aggregations, dropDuplicates, joins, memory
    # sinks, mapGroupsWithState of page histories; this one is flatMapGroupsWithState of id
    # sets).
    "device_alerts_flat_map_groups_with_state_ids": """
// Alert deduplicator: the ids seen per device kept as streaming state.
import org.apache.spark.sql.functions._
import org.apache.spark.sql.streaming.{GroupState, GroupStateTimeout, OutputMode, Trigger}
import spark.implicits._
val rate = sys.env.getOrElse("DD_RATE", "100000")
val alerts = spark.readStream.format("rate").option("rowsPerSecond", rate).option("numPartitions", "2").load().select((col("value") % 16).as("device"), sha2(col("value").cast("string"), 512).as("alert")).as[(Long, String)]
val fresh = alerts.groupByKey(_._1).flatMapGroupsWithState(OutputMode.Append, GroupStateTimeout.ProcessingTimeTimeout) { (device: Long, events: Iterator[(Long, String)], state: GroupState[Set[String]]) =>
  val seen = state.getOption.getOrElse(Set.empty[String])
  val ids = events.map(_._2).toSeq
  val news = ids.filterNot(seen.contains)
  state.update(seen ++ news)
  state.setTimeoutDuration("1 day")
  news.iterator.map(a => (device, a))
}
val query = fresh.writeStream.outputMode(OutputMode.Append).format("noop").option("checkpointLocation", "alerts-checkpoint").trigger(Trigger.ProcessingTime("3 seconds")).start()
while (query.isActive) {
  query.awaitTermination(6000)
  val p = query.lastProgress
  if (p != null) println(s"batch ${p.batchId}: ${p.numInputRows} alerts, state rows ${p.stateOperators.headOption.map(_.numRowsTotal).getOrElse(0L)}, state memory ${p.stateOperators.headOption.map(_.memoryUsedBytes).getOrElse(0L)} bytes")
}
println(s"deduplicator stopped: ${query.exception.map(_.getMessage.take(300)).getOrElse("no error")}")
""",
    # (max_result_size; spark.driver.maxResultSize=32m) Map tile popularity: 8,000,000 tile
    # hits histogrammed into 2,000,000 tile counters per partition with Dataset.mapPartitions
    # and the per-partition histograms added with Dataset.reduce, which brings every
    # partition's 16 MB array to the driver as a task result (the others: collect, toPandas,
    # aggregates of PySpark vectors, treeAggregate, countByValue, takeSample; this one is a
    # Scala Dataset.reduce).
    "tile_hits_dataset_reduce_histogram": """
// Map tile popularity: hit counts per tile.
import spark.implicits._
val tiles = sys.env.getOrElse("DD_TILES", "2000000").toInt
val hits = spark.range(0, 8000000, 1, 8).as[Long]
val perPartition = hits.mapPartitions { it => val h = new Array[Long](tiles); it.foreach(t => h((((t * 2654435761L) % tiles) + tiles).toInt % tiles) += 1); Iterator(h) }
val counts = perPartition.reduce { (a, b) => var i = 0; while (i < a.length) { a(i) += b(i); i += 1 }; a }
println(s"tiles hit: ${counts.count(_ > 0)}")
""",
}

SQL = {
    # (not_driver_oom; local-cluster) Call-centre statistics in SQL: the exact median call
    # duration over 40,000,000 calls with percentile(), whose aggregation buffer is a hash map
    # of every distinct value; the partial and final aggregations run in the executors (768m),
    # which run out of heap; the driver only reports the lost executors (the others: repeat,
    # collect_list / groupByKey / explode / sort skew, UDF buffers; this one is an exact
    # percentile's buffer).
    "call_durations_exact_percentile_sql": """
-- Call centre: exact median call duration.
SELECT percentile(duration_ms, 0.5) AS median_ms, count(*) AS calls
FROM (SELECT id * 7919 % 1000000007 AS duration_ms FROM range(0, 40000000, 1, 8)) calls;
""",
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    if name in WARN_LOG:
        spark.sparkContext.setLogLevel("WARN")
    SCENARIOS[name](spark)
    spark.stop()
