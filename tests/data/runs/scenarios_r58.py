"""Round 58 scenarios of the real Spark run matrix (gen_r58.py runs them).

PySpark bodies (``spark-submit scenarios_r58.py <scenario>``), and the SCALA / SQL scripts
that gen_shell.run writes into a run's scratch dir and runs with ``spark-shell -i`` or
``spark-sql -f``. Each scenario reaches a cause of the matrix by a code path that no scenario
of the earlier rounds uses; gen_r58.py records what really happened. The scenario names say
what the job does, not how it fails, and the scripts print only what such a job would print.

The round's point: causes the service confuses in driver logs: the driver heap filled across
many small jobs by what the program or Spark keeps, one stage of very many tiny tasks, a task
closure that captures a big driver-side object, and an executor (not the driver) that runs
out of memory under a driver that only looks like it collects.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- driver_side_state


def clickstream_hourly_landing_frames_by_hour(spark):
    # (driver_side_state, local-cluster) Clickstream events land as small JSON files in one
    # directory per hour; a long-running reconciliation driver opens each hour's directory as
    # a DataFrame (user schema), checks its first record and keeps the hour's DataFrame in a
    # dict "for the day's reconciliation queries". Every kept DataFrame holds its file index
    # (the status of every file of its hour) in the driver, and Spark's shared file status
    # cache holds them too (the others: kept collects, temp views, createDataFrame / parallelize
    # data, listeners, accumulators, UDF registrations, sessions; this one is the file listings
    # of kept file-source DataFrames).
    import uuid

    from scenarios_pyspark import _log

    landing = os.path.abspath("landing")
    per_hour = int(os.environ.get("DD_FILES_PER_HOUR", "5000"))
    n_hours = int(os.environ.get("DD_HOURS", "192"))
    for h in range(n_hours):
        d = os.path.join(landing, "dt=2026-11-%02d" % (1 + h // 24), "hour=%02d" % (h % 24))
        os.makedirs(d, exist_ok=True)
        batch = uuid.uuid5(uuid.NAMESPACE_URL, "clickstream/hour/%d" % h)
        for i in range(per_hour):
            name = "part-%05d-%s-c000.json" % (i, batch)
            with open(os.path.join(d, name), "w") as fh:
                fh.write(
                    '{"event_id":"E%05d%06d","visitor":"V%07d","page":"/p/%d","ms":%d}\n'
                    % (h, i, (h * per_hour + i) * 7919 % 5000000, i % 4000, i % 900)
                )
    schema = "event_id STRING, visitor STRING, page STRING, ms INT"
    hours = {}
    for h in range(n_hours):
        d = os.path.join(landing, "dt=2026-11-%02d" % (1 + h // 24), "hour=%02d" % (h % 24))
        df = spark.read.schema(schema).json(d)
        first = df.first()
        if first is None:
            _log("hour %d: empty" % h)
        hours[h] = df
    _log("hours ready: %d" % len(hours))


# ---------------------------------------------------------------- large_closure


def web_log_country_ranges_map_partitions(spark):
    # (large_closure, local-cluster) Country and network of every web log hit from an IP
    # geolocation table loaded on the driver: a sorted list of 3,000,000 ranges (start, end,
    # country, a packed 150-byte location record), looked up with bisect inside the function
    # given to rdd.mapPartitions, which captures the list instead of broadcasting or joining it
    # (the others: UDFs, registered SQL UDFs, flatMap / filter / foreach / aggregate / sortBy /
    # partitioner closures, mapInPandas; this one is a sorted list read with bisect in
    # mapPartitions).
    import bisect
    import random

    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_RANGES", "3000000"))
    rnd = random.Random(58)
    countries = ["DE", "FR", "NL", "US", "GB", "PL", "ES", "IT", "SE", "BR", "IN", "JP"]
    blob = os.urandom(150 * n)
    ranges = []
    start = 16777216
    for i in range(n):
        width = rnd.randint(16, 2048)
        ranges.append((start, start + width - 1, countries[i % 12], blob[i * 150 : i * 150 + 150]))
        start += width
    starts = [r[0] for r in ranges]
    _log("geo ranges loaded: %d" % len(ranges))

    def locate(hits):
        for ip, path in hits:
            k = bisect.bisect_right(starts, ip) - 1
            r = ranges[k] if k >= 0 and ranges[k][1] >= ip else None
            yield (r[2] if r else "??", path)

    hits = spark.sparkContext.parallelize(range(2000000), 16).map(
        lambda i: (16777216 + (i * 2654435761) % 3000000000, "/p/%d" % (i % 5000))
    )
    per_country = (
        hits.mapPartitions(locate).map(lambda t: (t[0], 1)).reduceByKey(lambda a, b: a + b)
    )
    _log("countries: %d" % len(per_country.collect()))


# ---------------------------------------------------------------- not_driver_oom


def upload_archive_checksums_binary_file_frame(spark):
    # (not_driver_oom, local-cluster, executors 768m) A checksum manifest of the nightly
    # archive parts uploaded by the partners: the binaryFile data source over the upload
    # directory, path, length and the SHA-256 of the content selected and brought to the
    # driver with toPandas() (a few rows). Each part is one file of 450 MB, which the scan
    # reads whole into one byte array in the executor (the others: sequence / explode, windows,
    # collect_set / collect_list, rpad / repeat, groupByKey, wholeTextFiles, broadcasts on
    # executors; this one is the binaryFile source's content column).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    uploads = os.path.abspath("uploads")
    os.makedirs(uploads, exist_ok=True)
    size_mb = int(os.environ.get("DD_PART_MB", "450"))
    chunk = os.urandom(1 << 20)
    for p in range(int(os.environ.get("DD_PARTS", "2"))):
        with open(os.path.join(uploads, "partner-archive-2026-12-05.part%02d.bin" % p), "wb") as fh:
            for _ in range(size_mb):
                fh.write(chunk)
    parts = spark.read.format("binaryFile").option("pathGlobFilter", "*.bin").load(uploads)
    manifest = parts.select(
        "path", "length", F.sha2(F.col("content"), 256).alias("sha256")
    ).toPandas()
    _log("manifest rows: %d" % len(manifest))
    for row in manifest.itertuples():
        _log("%s %d %s" % (os.path.basename(row.path), row.length, row.sha256))


SCENARIOS = {
    f.__name__: f
    for f in [
        clickstream_hourly_landing_frames_by_hour,
        web_log_country_ranges_map_partitions,
        upload_archive_checksums_binary_file_frame,
    ]
}
WARN_LOG = set()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    if name in WARN_LOG:
        spark.sparkContext.setLogLevel("WARN")
    SCENARIOS[name](spark)
    spark.stop()


def _daily_sales_union_sql(days=1095, parts=1000, month=30):
    """The store sales comparison's SQL script: a view per day's export (its 1,000 part files
    standing as the range's partitions), a view per 30 days over the UNION ALL of its days,
    then one query over the UNION ALL of every such month."""
    lines = ["-- Daily store sales exports, one view a day, for the three-year comparison."]
    months = []
    for d in range(1, days + 1):
        lines.append(
            f"CREATE TEMPORARY VIEW sales_d{d:04d} AS SELECT {d} AS day, (id * 7919 + {d}) % 900"
            f" AS store_id, (id * 104729 + {d}) % 50000 / 100.0 AS amount"
            f" FROM range(0, {parts * 20}, 1, {parts});"
        )
        if d % month == 0 or d == days:
            m = len(months) + 1
            first = (m - 1) * month + 1
            union = " UNION ALL ".join(f"SELECT * FROM sales_d{x:04d}" for x in range(first, d + 1))
            lines.append(f"CREATE TEMPORARY VIEW sales_m{m:02d} AS {union};")
            months.append(f"sales_m{m:02d}")
    union = " UNION ALL ".join(f"SELECT * FROM {m}" for m in months)
    lines.append(
        "SELECT count(*) AS receipts, count(DISTINCT store_id) AS stores,"
        f" round(sum(amount), 0) AS revenue FROM ({union}) s;"
    )
    return "\n".join(lines) + "\n"


SCALA = {
    # (driver_side_state, local-cluster) Sensor error codes per device, hour by hour, in the
    # shell: every hour's batch gets a new hand-written AccumulatorV2 (device:code -> count,
    # a HashMap) registered unnamed and fed by a foreach over the hour's readings, kept in a
    # ListBuffer with its hour "for the daily data-quality summary" at the end (the others:
    # one growing custom accumulator, named / collection / set accumulators, listeners, kept
    # collects / broadcasts / views / RDDs; this one is a new accumulator per job, all kept).
    "sensor_error_codes_hourly_batch_stats": """
// Sensor error codes per device, hour by hour, for the daily data-quality summary.
import org.apache.spark.util.AccumulatorV2
import scala.collection.mutable
class ErrorCodeCounts extends AccumulatorV2[String, mutable.HashMap[String, Long]] {
  private val counts = mutable.HashMap.empty[String, Long]
  def isZero: Boolean = counts.isEmpty
  def copy(): ErrorCodeCounts = { val c = new ErrorCodeCounts; c.counts ++= counts; c }
  def reset(): Unit = counts.clear()
  def add(key: String): Unit = counts(key) = counts.getOrElse(key, 0L) + 1L
  def merge(other: AccumulatorV2[String, mutable.HashMap[String, Long]]): Unit =
    other.value.foreach { case (k, n) => counts(k) = counts.getOrElse(k, 0L) + n }
  def value: mutable.HashMap[String, Long] = counts
}
val hourly = mutable.ListBuffer[(Int, ErrorCodeCounts)]()
val perHour = sys.env.getOrElse("DD_READINGS", "400000").toLong
for (hour <- 0 until sys.env.getOrElse("DD_HOURS", "168").toInt) {
  val errors = new ErrorCodeCounts
  sc.register(errors)
  sc.range(hour * perHour, (hour + 1) * perHour, 1, 8).foreach { i =>
    if (i % 3 == 0) errors.add(f"sensor-${(i * 7919L) % 9000000L}%07d:E${i % 97}%02d")
  }
  hourly += ((hour, errors))
}
val worst = hourly.map { case (h, e) => (h, e.value.size) }.sortBy(-_._2).take(5)
println(s"hours with most failing sensors: ${worst.mkString(", ")}")
""",
    # (driver_side_state, local-cluster) Ledger check of the flagged counterparties, in the
    # shell, with the platform team's lineage agent pasted in: a SparkListener that keeps every
    # SQL execution start and adaptive plan update event (plan description and plan info) in a
    # buffer to send to the data catalog later; each day the compliance list of 80,000 flagged
    # counterparty IBANs is checked against the ledger with isin, one small aggregate a day
    # (the others: a listener keeping task ends, a QueryExecutionListener keeping
    # QueryExecutions, UI / SQL-tab history; this one is a SparkListener's onOtherEvent keeping
    # SQL execution events).
    "ledger_flagged_accounts_lineage_agent": """
// Daily check of the compliance team's flagged counterparties against the ledger (lineage agent on).
import org.apache.spark.scheduler.{SparkListener, SparkListenerEvent}
import org.apache.spark.sql.execution.ui.{SparkListenerSQLAdaptiveExecutionUpdate, SparkListenerSQLExecutionStart}
import org.apache.spark.sql.functions._
import scala.collection.mutable.ArrayBuffer
class LineageAgent extends SparkListener {
  val pending = ArrayBuffer[SparkListenerEvent]()
  override def onOtherEvent(event: SparkListenerEvent): Unit = event match {
    case e: SparkListenerSQLExecutionStart => pending.synchronized { pending += e }
    case e: SparkListenerSQLAdaptiveExecutionUpdate => pending.synchronized { pending += e }
    case _ =>
  }
}
val lineage = new LineageAgent
sc.addSparkListener(lineage)
val ledger = spark.range(0, 200000, 1, 4).select(
  col("id"),
  format_string("GB%02dNWBK60161331%08d", col("id") % 97, col("id") % 900000).as("counterparty_iban"),
  (col("id") * 7919 % 100000 / 100.0).as("amount"))
val nFlagged = sys.env.getOrElse("DD_FLAGGED", "80000").toInt
var hits = 0L
for (day <- 1 to sys.env.getOrElse("DD_DAYS", "365").toInt) {
  val flagged = (0 until nFlagged).map { i =>
    val n = (i * 15L + day * 7L) % 900000L
    f"GB${n % 97}%02dNWBK60161331$n%08d"
  }
  val r = ledger.filter(col("counterparty_iban").isin(flagged: _*))
    .agg(count(lit(1)), sum("amount")).collect()
  hits += r(0).getLong(0)
}
println(s"flagged ledger entries over the year: $hits")
""",
    # (too_many_tasks, local-cluster) A partner's order feed delivered as one small JSON-lines
    # file per order under feed/batch=NNN/, read in the shell with the RDD API's sc.textFile
    # over a glob of every batch directory: the Hadoop input format makes one split, i.e. one
    # task, per file (500,000), each a few hundred bytes (the others: sc.textFile's
    # minPartitions, file split sizes, range / parallelize slices, shuffle partitions,
    # repartition, unions, cartesian products, JDBC / AQE settings; this one is an RDD text
    # read of very many small files).
    "partner_order_feed_small_files_text_rdd": """
// A partner's order feed, one small JSON-lines file per order, counted per status.
import java.nio.charset.StandardCharsets.UTF_8
import java.nio.file.{Files, Paths}
val feed = Paths.get("feed").toAbsolutePath
val perBatch = sys.env.getOrElse("DD_FILES_PER_BATCH", "2000").toInt
for (b <- 1 to sys.env.getOrElse("DD_BATCHES", "250").toInt) {
  val dir = Files.createDirectories(feed.resolve(f"batch=$b%03d"))
  for (i <- 1 to perBatch) {
    val line = "{\\"order_id\\":\\"PO-%03d-%06d\\",\\"status\\":\\"%s\\",\\"total\\":%.2f}\\n"
      .format(b, i, Seq("NEW", "PAID", "SHIPPED")(i % 3), (i * 7919) % 50000 / 100.0)
    Files.write(dir.resolve(f"order-$i%06d.json"), line.getBytes(UTF_8))
  }
}
val orders = sc.textFile(feed.toString + "/batch=*/*.json")
val byStatus = orders.map(l => (l.split("\\"status\\":\\"")(1).takeWhile(_ != '"'), 1L)).reduceByKey(_ + _, 4).collect()
println(s"orders per status: ${byStatus.mkString(", ")}")
""",
    # (large_closure, local-cluster) Parcel deliveries grouped by delivery zone, in the shell:
    # the zone map rasterised to a grid of 11,000 x 10,000 cells (an Array[Short] of zone ids,
    # 220 MB) is loaded on the driver and read by the key function of Dataset.groupByKey, which
    # captures it (the others: Dataset map / mapPartitions / flatMapGroups, RDD map / filter /
    # foreachPartition / mapPartitionsWithIndex closures, UDFs, a UDAF, a partitioner; this
    # one is a typed groupByKey's key function).
    "parcel_deliveries_zone_grid_group_by_key": """
// Parcel deliveries per delivery zone, from the rasterised zone map.
val gridRows = sys.env.getOrElse("DD_GRID_ROWS", "11000").toInt
val gridCols = sys.env.getOrElse("DD_GRID_COLS", "10000").toInt
val zoneGrid = new Array[Short](gridRows * gridCols)
for (i <- zoneGrid.indices) zoneGrid(i) = ((i / gridCols / 100) * 110 + (i % gridCols) / 100).toShort
println(s"zone grid loaded: $gridRows x $gridCols cells")
val deliveries = spark.range(0, 3000000, 1, 16).map { id =>
  (id, 47.30 + (id * 7919L % 110000L) / 1.0e5, 8.40 + (id * 104729L % 100000L) / 1.0e5)
}
val perZone = deliveries.groupByKey { case (_, lat, lon) =>
  val r = ((lat - 47.30) * 1.0e4).toInt.min(gridRows - 1)
  val c = ((lon - 8.40) * 1.0e4).toInt.min(gridCols - 1)
  zoneGrid(r * gridCols + c)
}.count().collect()
println(s"zones with deliveries: ${perZone.length}")
""",
}

SQL = {
    # (too_many_tasks, local-cluster) The three-year store sales comparison, from spark-sql:
    # every day's export is a temporary view (1,095 of them, each read as 1,000 partitions
    # standing for its 1,000 part files), a view per 30 days over the UNION ALL of its days,
    # one query over the UNION ALL of those without any coalescing: one stage of 1,095,000
    # tiny tasks (the others: shuffle partitions, a
    # REPARTITION hint, the range TVF's own numPartitions, a cartesian join, AQE skew splits;
    # this one is a UNION ALL of very many views).
    "store_sales_three_year_daily_views_union_sql": _daily_sales_union_sql(),
}
