"""Round 60 scenarios of the real Spark run matrix (gen_r60.py runs them).

PySpark bodies (``spark-submit scenarios_r60.py <scenario>``), and the SCALA / SQL scripts
that gen_shell.run writes into a run's scratch dir and runs with ``spark-shell -i`` or
``spark-sql -f``. Each scenario reaches a cause of the matrix by a code path that no scenario
of the earlier rounds uses; gen_r60.py records what really happened. The scenario names say
what the job does, not how it fails, and the scripts print only what such a job would print.

The round's point: causes still confused with each other in driver logs and event logs: an
executor (not the driver) that runs out of memory under a program that looks like a driver
problem, a client-mode driver whose heap is small because of how it was launched, the
driver's own heap filled across many small jobs by what the program keeps, and the driver
heap filled by the bookkeeping of one stage of a very large number of tiny tasks.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- not_driver_oom


def crm_order_id_strings_per_customer_summary(spark):
    # (not_driver_oom, local-cluster, executors 512m) The CRM export of every customer's order
    # ids as one comma-separated string (array_join of collect_list per customer), where the
    # orders without a loyalty card all carry the placeholder customer C0000000; the driver
    # then joins the per-customer strings to the customer segments with a broadcast hint and
    # brings a small per-segment summary into pandas. The hot placeholder key's reduce task
    # holds millions of order ids in one aggregation buffer on an executor (the others:
    # collect_set / collect_list of one ledger key, windows, explode, Python UDFs; this one
    # is a string export built by array_join(collect_list) under a broadcast join and
    # toPandas of a summary).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ORDERS", "12000000"))
    orders = spark.range(0, n, 1, 16).select(
        F.format_string("ORD-%012d", "id").alias("order_id"),
        F.when(F.col("id") % 10 < 7, F.lit("C0000000"))
        .otherwise(F.format_string("C%07d", (F.col("id") * 7919) % 400000))
        .alias("customer_id"),
        ((F.col("id") * 104729) % 30000 / 100.0).alias("amount"),
    )
    per_customer = orders.groupBy("customer_id").agg(
        F.count(F.lit(1)).alias("orders"),
        F.sum("amount").alias("revenue"),
        F.array_join(F.collect_list("order_id"), ",").alias("order_ids"),
    )
    segments = spark.range(0, 400000, 1, 4).select(
        F.format_string("C%07d", "id").alias("customer_id"),
        F.element_at(
            F.array(F.lit("bronze"), F.lit("silver"), F.lit("gold")),
            (F.col("id") % 3 + 1).cast("int"),
        ).alias("segment"),
    )
    summary = (
        per_customer.join(F.broadcast(segments), "customer_id", "left")
        .groupBy("segment")
        .agg(
            F.count(F.lit(1)).alias("customers"),
            F.sum("orders").alias("orders"),
            F.max(F.length("order_ids")).alias("longest_export"),
        )
    )
    pdf = summary.toPandas()
    _log(pdf.to_string())


# ---------------------------------------------------------------- client_mode_small_driver


def subscription_renewals_account_broadcast_join(_):
    # (client_mode_small_driver, local-cluster) The nightly subscription renewals report: the
    # script makes its own SparkConf / SparkContext with spark.driver.memory=6g (and a 3g
    # result limit), logging its settings first, but spark-submit (client mode) has already
    # started the driver JVM with its own heap, so only the result limit takes effect; the
    # renewals are enriched with the account table through a broadcast hint (5,000,000
    # accounts, a few hundred MB as a hashed relation), which a 6g driver would build (the
    # others: a builder's driver memory before toPandas, small --driver-memory, notebook
    # containers; this one is SparkConf + SparkContext before a broadcast join).
    from pyspark import SparkConf, SparkContext
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    settings = {
        "spark.app.name": "subscription-renewals-nightly",
        "spark.driver.memory": "6g",
        "spark.driver.maxResultSize": "3g",
        "spark.sql.shuffle.partitions": "64",
    }
    print(
        "subscription renewals: starting with "
        + ", ".join("%s=%s" % kv for kv in settings.items()),
        file=sys.stderr,
        flush=True,
    )
    sc = SparkContext(conf=SparkConf().setAll(list(settings.items())))
    spark = SparkSession(sc)
    accounts = spark.range(0, int(os.environ.get("DD_ACCOUNTS", "5000000")), 1, 8).select(
        F.col("id").alias("account_id"),
        F.element_at(
            F.array(F.lit("basic"), F.lit("plus"), F.lit("family"), F.lit("business")),
            (F.col("id") % 4 + 1).cast("int"),
        ).alias("plan"),
        F.format_string(
            "%c%c", (F.col("id") % 26 + 65).cast("int"), (F.col("id") % 7 + 65).cast("int")
        ).alias("country"),
        F.format_string("billing+%09d@example-mail.com", "id").alias("billing_email"),
        F.date_add(F.lit("2019-01-01").cast("date"), (F.col("id") % 2000).cast("int")).alias(
            "signup_date"
        ),
    )
    renewals = spark.range(0, 2000000, 1, 8).select(
        ((F.col("id") * 7919) % 5000000).alias("account_id"),
        ((F.col("id") * 104729) % 5000 / 100.0 + 4.99).alias("amount"),
    )
    report = (
        renewals.join(F.broadcast(accounts), "account_id")
        .groupBy("plan", "country")
        .agg(F.count(F.lit(1)).alias("renewals"), F.sum("amount").alias("revenue"))
        .orderBy(F.desc("revenue"))
        .collect()
    )
    for row in report[:10]:
        _log("%s %s %d %.2f" % (row["plan"], row["country"], row["renewals"], row["revenue"]))
    spark.stop()


# ---------------------------------------------------------------- driver_side_state


def regional_order_previews_open_local_iterators(spark):
    # (driver_side_state, local-cluster) The order desk's regional previews: for each region a
    # cursor over its orders opened with toLocalIterator(), the first rows shown, and the
    # cursor kept in a dict so that the next page can be read later. Each open cursor's JVM
    # serving thread keeps the partition it fetched (pickled rows) until the cursor is read
    # on or closed; one small one-partition job a region (the others: kept collects, frames,
    # views, accumulators, listeners, models, a local-iterator seen set; this one is kept open
    # local iterators).
    import itertools

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    per_region = int(os.environ.get("DD_REGION_ORDERS", "400000"))
    cursors = {}
    for r in range(int(os.environ.get("DD_REGIONS", "60"))):
        region_orders = spark.range(r * per_region, (r + 1) * per_region, 1, 2).select(
            F.format_string("ORD-%012d", "id").alias("order_id"),
            F.lit("region-%02d" % r).alias("region"),
            F.format_string("CUST%08d", (F.col("id") * 7919) % 3000000).alias("customer"),
            ((F.col("id") * 104729) % 90000 / 100.0).alias("amount"),
            F.format_string("%d Harbour Road, Unit %d", F.col("id") % 997, F.col("id") % 89).alias(
                "ship_to"
            ),
        )
        it = region_orders.toLocalIterator()
        first = list(itertools.islice(it, 5))
        cursors["region-%02d" % r] = it
        _log("region-%02d: first order %s" % (r, first[0]["order_id"]))
    _log("previews ready: %d regions" % len(cursors))


SCENARIOS = {
    f.__name__: f
    for f in [
        crm_order_id_strings_per_customer_summary,
        subscription_renewals_account_broadcast_join,
        regional_order_previews_open_local_iterators,
    ]
}
WARN_LOG = set()
# The scenarios that build their own SparkContext / SparkSession (with their own settings).
OWN_SESSION = {"subscription_renewals_account_broadcast_join"}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    if name in OWN_SESSION:
        SCENARIOS[name](None)
        sys.exit(0)
    spark = _spark(name)
    if name in WARN_LOG:
        spark.sparkContext.setLogLevel("WARN")
    SCENARIOS[name](spark)
    spark.stop()


SCALA = {
    # (not_driver_oom, local-cluster, executors 512m) The monthly store review's exact median
    # basket value per store, with a typed Aggregator registered by functions.udaf whose
    # buffer keeps every basket value (Kryo-encoded between the partial and final steps); the
    # web shop's orders all carry store ONLINE, so the reduce task of that key holds most of
    # the baskets on one executor; the driver joins the medians to the store list with a
    # broadcast hint and collects the small report (the others: mapGroups medians,
    # aggregateByKey sets, reduceByKey concatenation, per-partition hash sets; this one is a
    # typed Aggregator through udaf).
    "store_basket_value_exact_median_aggregator": """
// Exact median basket value per store for the monthly store review.
import org.apache.spark.sql.{Encoder, Encoders}
import org.apache.spark.sql.expressions.Aggregator
import org.apache.spark.sql.functions._
import scala.collection.mutable.ArrayBuffer
object ExactMedian extends Aggregator[Double, ArrayBuffer[Double], Double] {
  def zero: ArrayBuffer[Double] = ArrayBuffer.empty[Double]
  def reduce(b: ArrayBuffer[Double], v: Double): ArrayBuffer[Double] = { b += v; b }
  def merge(a: ArrayBuffer[Double], b: ArrayBuffer[Double]): ArrayBuffer[Double] = { a ++= b; a }
  def finish(b: ArrayBuffer[Double]): Double = {
    val s = b.sorted
    if (s.isEmpty) Double.NaN else s(s.size / 2)
  }
  def bufferEncoder: Encoder[ArrayBuffer[Double]] = Encoders.kryo[ArrayBuffer[Double]]
  def outputEncoder: Encoder[Double] = Encoders.scalaDouble
}
val exactMedian = udaf(ExactMedian)
val nBaskets = sys.env.getOrElse("DD_BASKETS", "20000000").toLong
val baskets = spark.range(0, nBaskets, 1, 16).select(
  when($"id" % 10 < 8, lit("ONLINE")).otherwise(format_string("ST%04d", $"id" % 900)).as("store_id"),
  (($"id" * 7919) % 25000 / 100.0).as("basket_value"))
val stores = spark.range(0, 900).select(
  format_string("ST%04d", $"id").as("store_id"), ($"id" % 12).as("region"))
  .union(Seq(("ONLINE", 99L)).toDF("store_id", "region"))
val medians = baskets.groupBy("store_id")
  .agg(exactMedian($"basket_value").as("median_basket"), count(lit(1)).as("baskets"))
val report = medians.join(broadcast(stores), Seq("store_id"), "left")
  .orderBy(desc("baskets")).collect()
report.take(10).foreach(println)
println(s"stores reviewed: ${report.length}")
""",
    # (client_mode_small_driver, local-cluster) The SKU price audit in the shell: the pasted
    # notebook code asks SparkSession.builder for spark.driver.memory=8g (and a 4g result
    # limit), but the shell's session already runs in a driver JVM started with the default
    # 1g, so the builder returns it ('Using an existing Spark session'); the conf then reads
    # 8g; 6,000,000 price points collected as case classes to check price jumps locally,
    # which an 8g driver would hold (the others: toPandas after a builder in PySpark, small
    # --driver-memory, notebook containers; this one is the shell's builder before a typed
    # collect).
    "sku_price_audit_dataset_collect_local_groups": """
// SKU price audit: price points checked locally for jumps between consecutive prices.
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.functions._
val spark = SparkSession.builder().appName("sku-price-audit")
  .config("spark.driver.memory", "8g").config("spark.driver.maxResultSize", "4g").getOrCreate()
import spark.implicits._
println(s"price audit settings: spark.driver.memory=${spark.conf.get("spark.driver.memory")}" +
  s" spark.driver.maxResultSize=${spark.conf.get("spark.driver.maxResultSize")}")
case class PricePoint(sku: String, store: String, validFrom: String, price: Double, currency: String)
val nPoints = sys.env.getOrElse("DD_POINTS", "6000000").toLong
val history = spark.range(0, nPoints, 1, 16).select(
  format_string("SKU%07d", ($"id" * 7919) % 400000).as("sku"),
  format_string("ST%04d", $"id" % 900).as("store"),
  date_format(date_add(lit("2024-01-01").cast("date"), ($"id" % 700).cast("int")), "yyyy-MM-dd").as("validFrom"),
  (($"id" * 104729) % 100000 / 100.0).as("price"),
  lit("EUR").as("currency")).as[PricePoint]
val points = history.collect()
println(s"price points: ${points.length}")
val jumps = points.groupBy(p => (p.sku, p.store)).values.map { ps =>
  val s = ps.sortBy(_.validFrom)
  s.zip(s.drop(1)).count { case (a, b) => b.price > a.price * 1.5 }
}.sum
println(s"price jumps over 50%: $jumps")
""",
    # (driver_side_state, local-cluster) The partner product feed's data-quality report in the
    # shell: for every day and every text column, the column's value frequencies
    # (groupBy(col).count().collect()) turned into a Scala Map and kept in a LinkedHashMap by
    # (day, column) for the drift comparison at the end; each job alone is small (the others:
    # kept collects in vals, accumulators, listeners, broadcasts, futures; this one is a
    # growing driver-side map of per-job value profiles).
    "product_feed_daily_column_value_profiles": """
// Partner product feed: daily value profiles of the text columns, compared at the end for drift.
import scala.collection.mutable
val days = sys.env.getOrElse("DD_DAYS", "30").toInt
val perDay = sys.env.getOrElse("DD_PER_DAY", "120000").toLong
val feed = spark.range(0, days * perDay, 1, 16).select(
  ($"id" % days).cast("int").as("day"),
  format_string("SKU-%08d", ($"id" * 7919) % 2000000).as("sku"),
  format_string("BR-%06d", ($"id" * 104729) % 150000).as("brand"),
  format_string("https://img.example.com/p/%09d.jpg", ($"id" * 31) % 3000000).as("image_url"),
  format_string("Cotton shirt size %d colour %d", $"id" % 97, ($"id" * 13) % 100003).as("title"))
val columns = Seq("sku", "brand", "image_url", "title")
val profiles = mutable.LinkedHashMap[(Int, String), Map[String, Long]]()
for (day <- 0 until days; c <- columns) {
  val counts = feed.where($"day" === day).groupBy(c).count().collect()
    .map(r => r.getString(0) -> r.getLong(1)).toMap
  profiles((day, c)) = counts
  if (c == "sku") println(f"day $day%2d: ${counts.size} distinct skus")
}
val drift = columns.map(c => c -> (1 until days).count(d => profiles((d, c)).size > profiles((d - 1, c)).size * 1.2))
println(s"feed profiles kept: ${profiles.size}, drift: $drift")
""",
    # (too_many_tasks, local-cluster) The changed map tiles re-rendered after a style release,
    # one task per tile (sc.parallelize(tiles, tiles.size)) so that a slow tile holds up no
    # other: one stage of 400,000 tiny tasks (the others: unions of many RDDs, hash and
    # range partitioners, cartesian, small files, sc.range slices in PySpark; this one is
    # parallelize with one slice per element).
    "map_tiles_parallelize_render_farm": """
// Re-render the tiles changed by the style release, one task per tile.
val zooms = 12 to 16
val changed = (for (z <- zooms; x <- 0 until 400; y <- 0 until 200) yield s"$z/${x + 1000}/${y + 2000}").toVector
val nTiles = sys.env.getOrElse("DD_TILES", changed.size.toString).toInt
val tiles = sc.parallelize(changed.take(nTiles), nTiles)
val rendered = tiles.map { t =>
  val Array(z, x, y) = t.split("/").map(_.toInt)
  (t, (z * 31 + x * 17 + y) % 4096)
}.filter(_._2 > 0).count()
println(s"tiles rendered: $rendered of $nTiles")
""",
}

SQL = {
    # (too_many_tasks, local-cluster) The customer events table bucketed by customer_id into
    # 300,000 buckets (spark.sql.sources.bucketing.maxBuckets raised past its 100,000 limit
    # so that 'every customer shard gets its own bucket'), a small day of events inserted,
    # then the daily rollup GROUP BY customer_id, which reads the table bucketed: one task
    # per bucket, 300,000 tasks, most of them empty (the others: shuffle partitions, range
    # numPartitions, hints, unions of views, small files; this one is a bucketed table's
    # bucket count).
    "customer_events_bucketed_table_daily_rollup_sql": """
-- Customer events, bucketed by customer so that the daily rollups need no shuffle.
SET spark.sql.sources.bucketing.maxBuckets=300000;
CREATE TABLE customer_events (customer_id BIGINT, event_type STRING, amount DOUBLE, event_date DATE)
USING parquet CLUSTERED BY (customer_id) INTO 300000 BUCKETS;
INSERT INTO customer_events
SELECT (id * 7919) % 5000000 AS customer_id,
       element_at(array('view', 'cart', 'order', 'return'), CAST(id % 4 + 1 AS INT)) AS event_type,
       round((id * 104729) % 20000 / 100.0, 2) AS amount,
       DATE'2026-12-05' AS event_date
FROM range(0, 3000, 1, 1);
SELECT customer_id, count(*) AS events, sum(amount) AS amount
FROM customer_events
WHERE event_date = DATE'2026-12-05'
GROUP BY customer_id
ORDER BY amount DESC
LIMIT 20;
""",
}
