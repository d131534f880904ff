"""Bodies of the round-47 scenarios of the run matrix (tests/data/runs/), run by gen_r47.py.

Round 47 mixes PySpark, Scala and SQL, as rounds 35 to 46 do. ``spark-submit scenarios_r47.py
<scenario>`` runs a PySpark body below (the helpers _spark and _log are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
46 do. A SCALA script is run by gen_r47.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r46.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes of the PySpark and Scala bodies can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of the
earlier rounds uses; gen_r47.py records what really happened. The scenario names say what the
job does, not how it fails, and the scripts print only what such a job would print.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- streaming_state


def checkout_events_landing_files_stream_dedup(spark):
    # (streaming_state; WARN log) Checkout events delivered as JSON files into a landing
    # folder (24 files of 100,000 events, written by the upstream export at the start) are
    # de-duplicated on their event id before the downstream load, as a file-source stream
    # (readStream.json, maxFilesPerTrigger=4, Trigger.AvailableNow) with dropDuplicates on the
    # 128-character event id and no watermark, its output checked with the noop sink. Without
    # a watermark every event id seen stays in the deduplication state, which in local[*]
    # lives in the driver JVM (the others: rate sources, memory / console / foreachBatch
    # sinks, window / session / mapGroupsWithState / applyInPandasWithState state,
    # dropDuplicatesWithinWatermark, stream joins; this one is a file source deduplicated
    # without watermark into the noop sink).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_files = int(os.environ.get("DD_FILES", "24"))
    per_file = int(os.environ.get("DD_EVENTS_PER_FILE", "100000"))
    landing = os.path.abspath("landing/checkout_events")
    spark.range(0, n_files * per_file, 1, n_files).select(
        F.sha2(F.concat(F.lit("evt"), F.col("id").cast("string")), 512).alias("event_id"),
        F.concat(F.lit("session-"), (F.col("id") % 500000).cast("string")).alias("session_id"),
        F.lit("checkout_step").alias("event_type"),
        (F.col("id") % 9999 / 100).alias("basket_value"),
    ).write.mode("overwrite").json(landing)
    _log("landing folder ready: %d files" % n_files)
    schema = "event_id STRING, session_id STRING, event_type STRING, basket_value DOUBLE"
    events = spark.readStream.schema(schema).option("maxFilesPerTrigger", 4).json(landing)
    query = (
        events.dropDuplicates(["event_id"])
        .writeStream.format("noop")
        .option("checkpointLocation", os.path.abspath("checkpoints/checkout_events_dedup"))
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()
    _log("checkout events de-duplicated: %s" % query.lastProgress)


# ---------------------------------------------------------------- collect_to_driver


def store_receipts_partition_run_job_export(spark):
    # (collect_to_driver; WARN log; local-cluster, driver 512m, executors 768m) The
    # receipts of 3,500,000 store sales handed to the finance export partition by partition:
    # SparkContext.runJob(receipts_rdd, <a function turning a partition into a list of
    # tuples>) "so that each partition is formatted where it lives". runJob returns the
    # function's result for every partition to the driver, as collect does (the others:
    # collect / take / toPandas / toLocalIterator / collectAsMap / countByKey / countByValue /
    # takeOrdered / top / glom / aggregate; this one is SparkContext.runJob).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_receipts = int(os.environ.get("DD_RECEIPTS", "3500000"))
    receipts = spark.range(0, n_receipts, 1, 16).select(
        F.concat(F.lit("RCPT-"), F.col("id").cast("string")).alias("receipt_id"),
        F.sha2(F.col("id").cast("string"), 256).alias("payment_token"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("s")), 256).alias("basket_hash"),
        (F.col("id") % 50000 / 100).alias("amount"),
    )

    def format_partition(rows):
        return [(r.receipt_id, r.payment_token, r.basket_hash, float(r.amount)) for r in rows]

    parts = spark.sparkContext.runJob(receipts.rdd, format_partition)
    _log("receipts formatted for the finance export: %d" % len(parts))


SCENARIOS = {
    f.__name__: f
    for f in [
        checkout_events_landing_files_stream_dedup,
        store_receipts_partition_run_job_export,
    ]
}
WARN_LOG = set(SCENARIOS)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    if name in WARN_LOG:
        spark.sparkContext.setLogLevel("WARN")
    SCENARIOS[name](spark)
    spark.stop()


SCALA = {
    # (collect_to_driver) The supplier price index for the pricing service, built in the
    # shell: 2,500,000 supplier SKU prices read with Dataset.toLocalIterator() "so that only
    # one partition is in the driver at a time" and put one by one into a java.util.HashMap
    # of SKU -> (unit price, contract reference). The iterator fetches a partition at a time,
    # but the map keeps every row (the others: collect / collectAsList / take / tail /
    # toPandas / collectAsMap / countByKey / countByValue / takeOrdered / top / glom, PySpark
    # toLocalIterator into a dict or a set; this one is a Scala toLocalIterator into a map).
    "supplier_price_index_local_iterator_map": """
// The supplier price index for the pricing service, built from a local iterator.
import org.apache.spark.sql.functions._
val nPrices = sys.env.getOrElse("DD_PRICES", "2500000").toInt
val prices = spark.range(0, nPrices, 1, 16).select(concat(lit("SUP-"), (col("id") % 5000).cast("string"), lit("-"), sha2(col("id").cast("string"), 256)).as("supplier_sku"), (col("id") % 100000 / 100.0).as("unit_price"), sha2(concat(col("id").cast("string"), lit("c")), 256).as("contract_ref"))
val priceIndex = new java.util.HashMap[String, (Double, String)]()
val rows = prices.toLocalIterator()
while (rows.hasNext) { val r = rows.next(); priceIndex.put(r.getString(0), (r.getDouble(1), r.getString(2))) }
println(s"price index built: ${priceIndex.size} supplier SKUs")
""",
    # (collect_to_driver; local-cluster) The longest deliveries of the year for the courier
    # performance review: RDD.top(5,000,000) by duration over 8,000,000 deliveries in 16
    # partitions. Each task keeps its partition's best 5,000,000 (so all of its 500,000
    # deliveries) in a bounded priority queue and sends it to the driver, which merges the
    # queues into one of 5,000,000 (the others: collect / take / takeOrdered in local[*],
    # Dataset sort + limit; this one is RDD.top with a huge n whose merge is on the driver of
    # a cluster).
    "courier_delivery_durations_rdd_top": """
// The longest deliveries of the year, for the courier performance review.
val nDeliveries = sys.env.getOrElse("DD_DELIVERIES", "8000000").toLong
val deliveries = sc.parallelize(0L until nDeliveries, 16).map(i => (((i * 7919L) % 86400000L) / 1000.0, f"DLV-$i%010d-C${i % 4000}%04d"))
val longest = deliveries.top(5000000)(Ordering.by[(Double, String), Double](_._1))
println(s"longest deliveries: ${longest.length}, from ${longest.head._1} s down to ${longest.last._1} s")
""",
    # (driver_side_state) Daily re-rating of call records with the day's tariff table: each
    # day's table (3,000,000 cell rates, 24 MB) is built on the driver, broadcast, used for
    # the day's re-rating job, and kept with its broadcast in a map by day "for re-runs of
    # late call records" over a 60-day backfill. Every single table is small; what fills the
    # driver is every day's table kept (the others: temp views, parallelized RDDs, UDF
    # registrations, listeners, accumulators, Observations, UI history kept over a loop; this
    # one is a broadcast per iteration kept with its table).
    "daily_tariff_tables_kept_broadcasts": """
// Daily re-rating of call records with the day's tariff table (60-day backfill).
import org.apache.spark.broadcast.Broadcast
val days = sys.env.getOrElse("DD_DAYS", "60").toInt
val cells = sys.env.getOrElse("DD_CELLS", "3000000").toInt
val tariffs = scala.collection.mutable.Map[Int, (Array[Double], Broadcast[Array[Double]])]()
for (day <- 1 to days) {
  val table = Array.tabulate(cells)(i => 0.01 + ((i * 31L + day * 7L) % 99991) / 100000.0)
  val bc = sc.broadcast(table)
  tariffs(day) = (table, bc)
  val revenue = sc.parallelize(0L until 400000L, 8).map(i => bc.value(((i * 7919L + day) % cells).toInt) * (i % 600)).sum()
  println(f"day $day%02d re-rated: revenue $revenue%.2f")
}
println(s"backfill done: ${tariffs.size} days")
""",
    # (driver_side_state; local-cluster) Claims loaded day by day (30 days of 160,000 claim
    # lines) with a named CollectionAccumulator "rejected_claims" collecting the reject
    # reasons, created once before the loop and never reset, so it holds every day's rejects
    # (40,000 a day). The driver merges every task's rejects into it, and for a named
    # accumulator it records the accumulator's value at every task end for the UI and the
    # event log (the others: one CollectionAccumulator in one job, many named LongAccumulators,
    # a Python set accumulator; this one is a named collection accumulator kept across a
    # loop of jobs on a cluster).
    "daily_claims_rejects_accumulator_loop": """
// Claims loaded day by day; reject reasons collected for the data quality report.
val days = sys.env.getOrElse("DD_DAYS", "30").toInt
val rejected = sc.collectionAccumulator[String]("rejected_claims")
for (day <- 1 to days) {
  val loaded = sc.parallelize(0L until 160000L, 8).map { i =>
    val claimId = f"CLM-2026$day%02d-$i%08d"
    if (i % 4 == 0) { rejected.add(s"$claimId rejected: provider NPI missing or not on the payer roster for plan year 2026, line " + (i % 97)); 0L } else 1L
  }.sum()
  println(f"day $day%02d loaded: ${loaded.toLong} claim lines, rejects so far ${rejected.value.size}")
}
""",
}

SQL = {
    # (not_driver_oom; local-cluster, executors 768m) A per-minute occupancy grid of EV
    # charging sessions for the capacity model: each of 200,000 sessions (30 to 120 minutes)
    # is exploded into its minutes with explode(sequence(start_ts, end_ts, INTERVAL 1
    # MINUTE)) and counted per hour. One session was closed by the charger firmware with
    # year 2206 instead of 2026, so its sequence has ~94,600,000 minutes, one array built in
    # one task on an executor (the others: collect_list / collect_set / explode of arrays /
    # rpad / repeat / mapGroups / percentile / windows / top-K / broadcasts on executors; this
    # one is sequence() with a bad end timestamp).
    "ev_charging_sessions_minute_grid_sql": """
-- Per-minute occupancy of EV charging sessions for the capacity model.
CREATE TEMPORARY VIEW charging_sessions AS
SELECT id AS session_id,
       concat('CHG-', CAST(id % 1800 AS STRING)) AS charger_id,
       timestamp'2026-03-01 00:00:00' + make_interval(0, 0, 0, 0, 0, CAST(id * 7 % 43200 AS INT), 0) AS start_ts,
       CASE WHEN id = 123457 THEN timestamp'2206-03-09 18:30:00'
            ELSE timestamp'2026-03-01 00:00:00' + make_interval(0, 0, 0, 0, 0, CAST(id * 7 % 43200 + 30 + id % 91 AS INT), 0)
       END AS end_ts
FROM range(0, 200000, 1, 8);
SELECT date_trunc('HOUR', minute_ts) AS hour, count(*) AS occupied_charger_minutes
FROM (SELECT charger_id, explode(sequence(start_ts, end_ts, INTERVAL 1 MINUTE)) AS minute_ts FROM charging_sessions) g
GROUP BY date_trunc('HOUR', minute_ts)
ORDER BY hour
LIMIT 48;
""",
}
