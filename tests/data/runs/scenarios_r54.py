"""Bodies of the round-54 scenarios of the run matrix (tests/data/runs/), run by gen_r54.py.

Round 54 mixes PySpark, Scala and SQL, as rounds 35 to 53 do. ``spark-submit scenarios_r54.py
<scenario>`` runs a PySpark body below (the helpers _spark and _log are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
53 do. A SCALA script is run by gen_r54.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r53.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes of the PySpark and Scala bodies can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of the
earlier rounds uses; gen_r54.py records what really happened. The scenario names say what the
job does, not how it fails, and the scripts print only what such a job would print.

The round's point: driver logs the engine still misreads: the driver heap filled by the
status of very many cached blocks, Structured Streaming whose state grows in the driver JVM
of a local run, driver-side state kept across jobs by a program that prints little or
nothing, a driver heap set too small for ordinary work and a collect through an API the
matrix did not have.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- cached_block_metadata


# Dropped (no run kept; see the README's round 54 section): a second cached_block_metadata
# scenario, "device_graph_components_lazy_local_checkpoint" (PySpark, WARN log,
# local-cluster, driver 256m, -XX:+UseParallelGC -Xmn8m): connected components of the device
# graph by label propagation over DataFrames of 3,000 partitions (spark.range of 30,000
# devices), every round's labels recomputed with F.least and localCheckpoint(eager=False)ed
# to cut the plan that grows round after round, every round kept in a list, the label sum
# checked every 10 rounds (labels.agg(F.sum("component")).first()[0]) by one job that
# materializes the 10 new rounds in each task: 30,000 cached blocks a job on the executors,
# whose status the driver keeps. Its body stood here; these lines keep the line numbers of
# the bodies below, which the kept PySpark tracebacks quote.
#
# First try, round 53's -XX:GCTimeLimit=80 -XX:GCHeapFreeLimit=10: on 3.5 'round  10:
# label sum 11459325' to 'round 110: label sum 1921189' (330,000 blocks, at about 230 s),
# then only full collections and no error until the 360 s timeout (killed, no
# OutOfMemoryError).
#
# Second try, -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20: on 3.5 'round 110', then 'ERROR
# Utils: uncaught error in thread spark-listener-group-appStatus, stopping SparkContext' /
# 'java.lang.OutOfMemoryError: GC overhead limit exceeded', under the label-sum line
# 'Py4JJavaError: An error occurred while calling o1722.collectToPython.' / 'Job 22
# cancelled because SparkContext was shut down', exit 1 after 320 s: as labelled. On 4.3
# 'round 110' was the last line again, then only full collections and no error until the
# 360 s timeout (killed, no OutOfMemoryError). Two tries spent without a setting that makes
# both versions fail within the timeout: dropped (its runs removed with --drop).
#
#
#
#
#
#
#


# ---------------------------------------------------------------- streaming_state


def member_points_balances_complete_foreach_batch(spark):
    # (streaming_state) The loyalty app's balances table: points transactions arrive as a
    # stream, a streaming aggregation per member (sum of points, number of transactions, last
    # activity) runs in complete mode and a foreachBatch function overwrites the serving
    # table with the whole result every micro-batch. Nothing is printed. The aggregation's
    # state keeps a row per member ever seen (new members every batch) in the state store,
    # which a local[*] run holds in the driver JVM (the others: foreachBatch lists / maps /
    # pandas snapshots, memory / console sinks, update-mode counts, windows, dedup,
    # collect_list / sketches, *GroupsWithState; this one is complete mode feeding a
    # foreachBatch overwrite).
    from pyspark.sql import functions as F

    transactions = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "200000")))
        .option("numPartitions", 4)
        .load()
        .select(
            F.format_string("M%010d", F.col("value")).alias("member_id"),
            ((F.col("value") * 7919) % 500).alias("points"),
            F.format_string("STORE-%04d", F.col("value") % 800).alias("store"),
            F.col("timestamp").alias("ts"),
        )
    )
    balances = transactions.groupBy("member_id").agg(
        F.sum("points").alias("balance"),
        F.count("*").alias("transactions"),
        F.max("ts").alias("last_activity"),
    )

    def publish(batch_df, batch_id):
        batch_df.write.mode("overwrite").parquet("serving/member_balances")

    q = (
        balances.writeStream.outputMode("complete")
        .foreachBatch(publish)
        .option("checkpointLocation", os.path.abspath("checkpoint/member_balances"))
        .start()
    )
    q.awaitTermination(int(os.environ.get("DD_RUN_S", "600")))


# ---------------------------------------------------------------- driver_side_state


def daily_query_indexers_kept_models(spark):
    # (driver_side_state) Search query vocabularies for the ranking team: one StringIndexer
    # fitted per day of search logs (about 400,000 distinct queries a day) and kept in a dict
    # by day, so that any day can be re-encoded later with the vocabulary it was trained on.
    # Nothing is printed before the report at the end. Each fit's vocabulary is moderate,
    # but every kept StringIndexerModel holds its label array in the driver JVM (the others:
    # CrossValidator sub-models, kept broadcasts / temp views / DataFrames / pandas frames,
    # accumulators, listeners; this one is fitted ML models kept in a driver-side dict).
    from pyspark.ml.feature import StringIndexer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_queries = int(os.environ.get("DD_QUERIES", "400000"))
    days = int(os.environ.get("DD_DAYS", "60"))
    models = {}
    for day in range(1, days + 1):
        logs = spark.range(0, n_queries, 1, 8).select(
            F.concat(
                F.lit("cheap flights from "),
                F.format_string("city %05d", (F.col("id") * 7919 + day * 104729) % 99991),
                F.lit(" to "),
                F.format_string(
                    "city %05d day %d q%07d", F.col("id") % 997, F.lit(day), F.col("id")
                ),
            ).alias("query")
        )
        models["2026-02-%02d" % day if day <= 28 else "day-%d" % day] = StringIndexer(
            inputCol="query", outputCol="query_idx", handleInvalid="keep"
        ).fit(logs)
    _log(
        "vocabularies: %d days, %d queries on the last"
        % (len(models), len(models[max(models)].labels))
    )


SCENARIOS = {
    f.__name__: f
    for f in [
        # (device_graph_components_lazy_local_checkpoint: dropped, see the comment above)
        member_points_balances_complete_foreach_batch,
        daily_query_indexers_kept_models,
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


SCALA = {
    # (cached_block_metadata) The replenishment team's stock simulation in the shell: the
    # stock of every SKU simulated day by day (sales out, weekly deliveries in) over 3,000
    # partitions, every simulated day's RDD persisted (MEMORY_AND_DISK_SER, "so the what-if
    # report can read any day without recomputing the chain") and kept in a map by day; the
    # units in stock are printed every 10 days, whose one job computes the 10 new days in
    # each task. Every persisted day leaves a block per partition on the executors, whose
    # status the driver keeps (the others: localCheckpoint loops, CACHE TABLE chains,
    # parallelized batches kept; this one is a lazily persisted day-by-day simulation).
    "warehouse_stock_simulation_persisted_days": """
// Stock simulation for the replenishment what-if report.
import org.apache.spark.rdd.RDD
import org.apache.spark.storage.StorageLevel
import scala.collection.mutable
val parts = sys.env.getOrElse("DD_PARTS", "3000").toInt
val horizon = sys.env.getOrElse("DD_DAYS", "400").toInt
var stock: RDD[(Long, Double)] = sc.range(0L, parts * 10L, 1, parts).map(sku => (sku, 120.0))
val stockByDay = mutable.LinkedHashMap[Int, RDD[(Long, Double)]]()
for (day <- 1 to horizon) {
  val delivery = if (day % 7 == 0) 60.0 else 0.0
  stock = stock.map { case (sku, q) => (sku, math.max(0.0, q - (sku % 9) + delivery)) }
    .persist(StorageLevel.MEMORY_AND_DISK_SER)
  stockByDay(day) = stock
  if (day % 10 == 0) {
    val units = stock.values.sum()
    println(f"day $day%3d: $units%.0f units in stock")
  }
}
println(s"simulation done: ${stockByDay.size} days")
""",
    # (streaming_state) Card payments landed into the lake from the shell: the payment
    # events (300,000 a micro-batch) deduplicated on the transaction id with
    # dropDuplicates("txn_id") ("the gateway redelivers") and appended to a Parquet sink;
    # no watermark, so the deduplication state keeps every transaction id ever seen, held by
    # the state store in the driver JVM of a local[*] run (the others: PySpark dedup of a
    # file source, dropDuplicatesWithinWatermark, *GroupsWithState, typed aggregators,
    # sketches, foreachBatch maps; this one is a Scala dedup to a file sink).
    "card_payments_txn_dedup_parquet_stream": """
// Card payments into the lake, deduplicated on the transaction id.
import org.apache.spark.sql.functions._
val payments = spark.readStream.format("rate-micro-batch")
  .option("rowsPerBatch", sys.env.getOrElse("DD_BATCH_ROWS", "300000"))
  .option("numPartitions", "4")
  .load()
  .select(
    format_string("TXN-%014d", col("value")).as("txn_id"),
    format_string("CARD-%08d", (col("value") * 7919) % 2000000).as("card_id"),
    ((col("value") * 104729) % 100000 / 100.0).as("amount"),
    format_string("MER-%05d", col("value") % 40000).as("merchant_id"),
    col("timestamp").as("event_time"))
val unique = payments.dropDuplicates("txn_id")
val query = unique.writeStream
  .format("parquet")
  .option("path", "lake/card_payments")
  .option("checkpointLocation", "checkpoint/card_payments")
  .start()
query.awaitTermination(sys.env.getOrElse("DD_RUN_MS", "600000").toLong)
""",
    # (driver_side_state) Referrer hosts over a backfill, in the shell: a custom
    # AccumulatorV2 of a mutable.HashMap (host -> visits) fed by a foreach over every day's
    # page views (300,000 a day from ever new partner hosts), the daily loop printing
    # nothing, the top hosts to be printed at the end. The driver's copy merges every
    # task's map and keeps every host ever seen (the others: named / collection / set
    # accumulators, listeners, kept broadcasts / views / RDDs; this one is a custom
    # AccumulatorV2 of a map).
    "referrer_hosts_map_accumulator_backfill": """
// Referrer hosts of the page views, backfilled day by day.
import org.apache.spark.util.AccumulatorV2
import scala.collection.mutable
class HostVisits extends AccumulatorV2[String, mutable.HashMap[String, Long]] {
  private val visits = mutable.HashMap.empty[String, Long]
  def isZero: Boolean = visits.isEmpty
  def copy(): HostVisits = { val c = new HostVisits; c.visits ++= visits; c }
  def reset(): Unit = visits.clear()
  def add(host: String): Unit = visits(host) = visits.getOrElse(host, 0L) + 1L
  def merge(other: AccumulatorV2[String, mutable.HashMap[String, Long]]): Unit =
    other.value.foreach { case (h, n) => visits(h) = visits.getOrElse(h, 0L) + n }
  def value: mutable.HashMap[String, Long] = visits
}
val hostVisits = new HostVisits
sc.register(hostVisits)
val perDay = sys.env.getOrElse("DD_VIEWS", "300000").toLong
for (day <- 1 to sys.env.getOrElse("DD_DAYS", "90").toInt) {
  sc.range(day * perDay, (day + 1) * perDay, 1, 8)
    .map(i => s"https://partner-${i % 99991}-${i}.shop-affiliates.example.com/landing")
    .foreach(url => hostVisits.add(url.stripPrefix("https://").takeWhile(_ != '/')))
}
hostVisits.value.toSeq.sortBy(-_._2).take(20).foreach(println)
""",
    # (collect_to_driver) The order service's cache warm-up from the shell: the last order
    # of every customer (6,000,000 customers) as a pair RDD reduced by key and brought to
    # the driver with PairRDDFunctions.collectAsMap() to be dumped as the service's lookup
    # (the others: collect / collectAsList / take / tail / top / takeOrdered /
    # toLocalIterator / countByKey / PySpark collectAsMap; this one is Scala collectAsMap).
    "customer_last_order_collect_as_map": """
// Warm-up lookup of every customer's last order for the order service.
import org.apache.spark.sql.functions._
val orders = spark.range(0, sys.env.getOrElse("DD_ORDERS", "12000000").toLong, 1, 8).select(
  format_string("CUST-%09d", col("id") % 6000000).as("customer_id"),
  format_string("ORD-%012d", col("id")).as("order_id"),
  (col("id") * 104729 % 50000 / 100.0).as("total"),
  date_add(lit("2024-01-01"), (col("id") % 700).cast("int")).cast("string").as("order_date"))
val lastOrder = orders.rdd
  .map(r => (r.getString(0), (r.getString(3), r.getString(1), r.getDouble(2))))
  .reduceByKey((a, b) => if (a._1 >= b._1) a else b)
val lookup = lastOrder.collectAsMap()
println(s"lookup ready: ${lookup.size} customers")
""",
}

SQL = {
    # (client_mode_small_driver) The regional sales report from spark-sql on a small edge
    # node: units, revenue and margin by store and SKU for the quarter (500 stores x 2,000
    # SKUs, 1,000,000 rows), printed by the CLI and redirected into the report file. A
    # driver of a gigabyte or two holds this result; the shell's driver memory was set to
    # 384m (the others: CTAS / window / export / distinct counts with a small driver; this
    # one is a moderate report printed by the CLI).
    "regional_store_sku_report_cli_sql": """
-- Quarterly regional sales by store and SKU, printed for the report file.
CREATE TEMPORARY VIEW store_sales AS
SELECT id % 500 AS store_id,
       concat('SKU-', lpad(CAST((id DIV 500) % 2000 AS STRING), 6, '0')) AS sku,
       CASE WHEN id % 500 < 120 THEN 'North' WHEN id % 500 < 260 THEN 'South' ELSE 'West' END AS region,
       1 + id % 5 AS units,
       ((id * 104729) % 9000) / 100.0 AS revenue,
       ((id * 15485863) % 2500) / 100.0 AS cost
FROM range(0, 6000000, 1, 8);
SELECT region, store_id, sku, SUM(units) AS units, ROUND(SUM(revenue), 2) AS revenue,
       ROUND(SUM(revenue) - SUM(cost), 2) AS margin
FROM store_sales
GROUP BY region, store_id, sku
ORDER BY region, store_id, sku;
""",
}
