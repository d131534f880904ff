"""Round 56 scenarios of the real Spark run matrix (gen_r56.py runs them).

PySpark bodies (``spark-submit scenarios_r56.py <scenario>``), and the SCALA / SQL scripts
that gen_shell.run writes into a run's scratch dir and runs with ``spark-shell -i`` or
``spark-sql -f``. Each scenario reaches a cause of the matrix by a code path that no scenario
of the earlier rounds uses; gen_r56.py records what really happened. The scenario names say
what the job does, not how it fails, and the scripts print only what such a job would print.

The round's point: causes the engine confuses in driver logs: the driver's own memory filled
across many small jobs by what the program keeps, a driver heap set far too small for ordinary
work, and the driver heap filled by the status of very many cached blocks.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys


def _cap_address_space(extra_mb):
    """Cap this (driver) Python process's address space at its current size + extra_mb, as a
    container nearly full would; the JVM, already running, is not capped. Prints nothing."""
    import resource

    with open("/proc/self/status") as fh:
        vm = [line for line in fh if line.startswith("VmSize:")][0]
    limit = int(vm.split()[1]) * 1024 + extra_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# ---------------------------------------------------------------- driver_side_state


def merchant_text_features_segment_idf_models(spark):
    # (driver_side_state) Merchant descriptions weighted per merchant segment: the hashed
    # description terms (HashingTF, 2^20 features) of each segment get their own IDF model,
    # fitted in a loop and every fitted model kept in a dict for the scoring step; each fit is
    # one small job, but each IDFModel holds a dense idf vector and the document frequencies
    # of the feature size in the driver JVM (the others: StringIndexer models per day, Scala
    # NaiveBayes models per week, kept broadcasts / RDDs / views; this one is TF-IDF weights
    # per segment in PySpark).
    from pyspark.ml.feature import IDF, HashingTF
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_seg = int(os.environ.get("DD_SEGMENTS", "80"))
    rows = int(os.environ.get("DD_ROWS", "10000"))
    tf = HashingTF(inputCol="terms", outputCol="tf", numFeatures=1 << 20)
    weights = {}
    for seg in range(n_seg):
        desc = spark.range(0, rows, 1, 2).select(
            F.split(
                F.format_string(
                    "m%d t%d t%d t%d t%d",
                    F.col("id") % 997,
                    (F.col("id") * 7 + seg * 7919) % 400000,
                    (F.col("id") * 13 + seg * 104729) % 400000,
                    (F.col("id") * 31 + seg) % 400000,
                    (F.col("id") * 61 + seg * 31) % 400000,
                ),
                " ",
            ).alias("terms")
        )
        weights["SEG-%03d" % seg] = IDF(inputCol="tf", outputCol="tfidf").fit(tf.transform(desc))
    _log("segment weights ready: %d" % len(weights))


def carrier_manifest_rows_kept_by_day(spark):
    # (driver_side_state) The carrier manifests of the last weeks checked for shipments
    # manifested twice: each day's manifest (150,000 shipments) collected into the Python
    # driver and kept in a dict by day, the cross-day check run at the end; the Python driver
    # runs in a container that is nearly full (the others: pandas frames kept per page / day,
    # memoized lookups, local iterators into a set; this one is lists of collected Rows kept
    # per day).
    from collections import Counter

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _cap_address_space(int(os.environ.get("DD_PY_MB", "640")))
    per_day = int(os.environ.get("DD_PER_DAY", "150000"))
    manifests = {}
    for day in range(1, int(os.environ.get("DD_DAYS", "45")) + 1):
        first = (day - 1) * per_day * 9 // 10
        manifests[day] = (
            spark.range(first, first + per_day, 1, 4)
            .select(
                F.format_string("SHP-%010d", F.col("id")).alias("shipment_id"),
                F.format_string("CAR-%03d", F.col("id") % 180).alias("carrier"),
                ((F.col("id") * 7919) % 30000 / 1000.0).alias("weight_kg"),
                F.format_string("%05d", (F.col("id") * 104729) % 99999).alias("postcode"),
            )
            .collect()
        )
    seen = Counter(r.shipment_id for rows in manifests.values() for r in rows)
    _log("shipments manifested twice: %d" % sum(1 for c in seen.values() if c > 1))


# ---------------------------------------------------------------- client_mode_small_driver


def loyalty_top_spenders_limit_collect_csv(spark):
    # (client_mode_small_driver) The loyalty team's quarterly top-spenders file: 3,000,000
    # purchases summed per member, the 100,000 best members taken with orderBy().limit() and
    # collected to write the mailing CSV with Python's csv module; ordinary work for a
    # driver of a gigabyte, this one set far too small (the others: pivots, toPandas,
    # sorted dedups, windows, Parquet / ORC writes; this one is a top-N collect).
    import csv

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    purchases = spark.range(0, int(os.environ.get("DD_PURCHASES", "3000000")), 1, 8).select(
        F.format_string("MBR-%08d", (F.col("id") * 7919) % 1200000).alias("member_id"),
        F.format_string("%s@example.com", F.sha2(F.col("id").cast("string"), 224)).alias("email"),
        ((F.col("id") * 104729) % 25000 / 100.0).alias("amount"),
    )
    spend = purchases.groupBy("member_id").agg(
        F.round(F.sum("amount"), 2).alias("spend"), F.first("email").alias("email")
    )
    top = spend.orderBy(F.col("spend").desc()).limit(100000).collect()
    with open("top_spenders.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["member_id", "email", "spend"])
        for r in top:
            w.writerow([r.member_id, r.email, r.spend])
    _log("top spenders written: %d" % len(top))


# ---------------------------------------------------------------- cached_block_metadata


# Dropped (no run kept; see the README's round 56 section): a cached_block_metadata scenario,
# "tariff_backtest_cached_daily_views" (PySpark, INFO log, local-cluster[2,1,1024], driver 224m,
# -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20, adaptive execution off):
# the energy tariff backtest, each simulated day a temp view made by spark.sql from the previous
# day's view over the meters of the region and cached with spark.catalog.cacheTable (lazy), kept
# for the comparison at the end; the running bill printed every few days by one query that
# computes the new days in each task. Its body stood here; these lines keep the line numbers of
# the code below, which the kept PySpark tracebacks quote.
#
# First try, 3,000 partitions a day, ten days a query: 'day  10' to 'day  70' (210,000 cached
# blocks), then the next query failed in the driver with 'Job aborted due to stage failure: Task
# serialization failed: java.lang.StackOverflowError' (the lineage of 80 cached views, each
# reading the one before, serialized with the task), the executors lost at the shutdown; exit 1
# after 218 s, no OutOfMemoryError.
#
# Second try, 6,000 partitions a day, five days a query (half the lineage for as many blocks):
# 'day   5' to 'day  35' (210,000 cached blocks, 6,000 tasks a query), no error line; the
# driver was still running when the 300 s timeout killed it.
# Two tries spent without a driver OutOfMemoryError on 3.5: dropped (its run removed with
# --drop), the 4.3 run not made.
#
#
#
#
#


SCENARIOS = {
    f.__name__: f
    for f in [
        merchant_text_features_segment_idf_models,
        carrier_manifest_rows_kept_by_day,
        loyalty_top_spenders_limit_collect_csv,
        # (tariff_backtest_cached_daily_views: dropped, see the comment above)
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
    # (driver_side_state) Helpdesk ticket routing, in the shell: a multinomial NaiveBayes
    # over hashed ticket words (2^17 features, 16 queues) fitted for every week of the year
    # and every weekly model kept in a LinkedHashMap for the routing A/B review; each fit is
    # a small job, but each NaiveBayesModel holds a dense 16 x 131,072 matrix in the driver
    # JVM (the others: StringIndexer models per day in PySpark, kept broadcasts / RDDs / views
    # / accumulators / listener buffers in Scala; this one is MLlib models kept per week).
    "helpdesk_ticket_router_weekly_bayes_models": """
// Weekly ticket routing models, kept for the routing A/B review.
import org.apache.spark.ml.classification.{NaiveBayes, NaiveBayesModel}
import org.apache.spark.ml.feature.HashingTF
import org.apache.spark.sql.functions._
import scala.collection.mutable
val tf = new HashingTF().setInputCol("words").setOutputCol("features").setNumFeatures(1 << 17)
val modelsByWeek = mutable.LinkedHashMap[Int, NaiveBayesModel]()
for (week <- 1 to sys.env.getOrElse("DD_WEEKS", "52").toInt) {
  val tickets = spark.range(0, sys.env.getOrElse("DD_TICKETS", "30000").toLong, 1, 2).select(
    (col("id") % 16).cast("double").as("label"),
    split(format_string("q%d w%d w%d w%d w%d", col("id") % 16,
      (col("id") * 7 + week * 7919) % 120000, (col("id") * 13 + week) % 120000,
      (col("id") * 31 + week * 17) % 120000, (col("id") * 61) % 120000), " ").as("words"))
  modelsByWeek(week) = new NaiveBayes().setSmoothing(1.0).fit(tf.transform(tickets))
}
println(s"weekly models ready: ${modelsByWeek.size}")
""",
    # (client_mode_small_driver) Product recommendations for a small web shop, in the shell:
    # ALS (rank 10, 5 iterations) fitted on 1,500,000 ratings of 60,000 customers and 8,000
    # products, the top 10 products per customer counted before the export; ordinary work for
    # a driver of a gigabyte, this one set far too small (the others: random forests, GMM,
    # LDA, MLP, PySpark reports; this one is an ALS fit in Scala).
    "shop_product_recommendations_als_fit": """
// Top 10 product recommendations per customer for the shop's newsletter.
import org.apache.spark.ml.recommendation.ALS
import org.apache.spark.sql.functions._
val ratings = spark.range(0, sys.env.getOrElse("DD_RATINGS", "1500000").toLong, 1, 4).select(
  ((col("id") * 7919) % 60000).cast("int").as("customerId"),
  ((col("id") * 104729) % 8000).cast("int").as("productId"),
  (col("id") % 5 + 1).cast("float").as("rating"))
val als = new ALS().setUserCol("customerId").setItemCol("productId").setRatingCol("rating")
  .setRank(10).setMaxIter(5).setRegParam(0.05).setColdStartStrategy("drop")
val model = als.fit(ratings)
val recs = model.recommendForAllUsers(10)
println(s"customers with recommendations: ${recs.count()}")
""",
    # (cached_block_metadata, local-cluster) Price what-if runs for the pricing committee, in
    # the shell: every step of the simulated price path is a DataFrame over 3,000 partitions
    # (the SKUs of the assortment) persisted (lazily) and kept in an ArrayBuffer so that any
    # two steps can be compared; the revenue is printed every 10 steps by one job that
    # computes the 10 new steps in each task (the others: RDDs persisted per day, RDD
    # localCheckpoint loops, PySpark DataFrames localCheckpointed; this one is a Scala
    # Dataset.persist chain).
    "pricing_what_if_cached_scenario_frames": """
// Price what-if path for the pricing committee: every step kept to compare any two.
import org.apache.spark.sql.DataFrame
import org.apache.spark.sql.functions._
import org.apache.spark.storage.StorageLevel
import scala.collection.mutable
val parts = sys.env.getOrElse("DD_PARTS", "3000").toInt
var frame: DataFrame = spark.range(0, parts * 10L, 1, parts)
  .select(col("id").as("sku"), lit(100.0).as("price"), lit(50.0).as("demand"))
val steps = mutable.ArrayBuffer[DataFrame]()
for (step <- 1 to sys.env.getOrElse("DD_STEPS", "400").toInt) {
  val cut = 0.001 * (step % 13)
  frame = frame.select(col("sku"), (col("price") * (lit(1.0 - cut) + (col("sku") % 7) / 1000.0)).as("price"),
    (col("demand") * (lit(1.0 + cut) - (col("sku") % 5) / 1000.0)).as("demand"))
    .persist(StorageLevel.MEMORY_AND_DISK_SER)
  steps += frame
  if (step % 10 == 0) {
    val revenue = frame.agg(sum(col("price") * col("demand"))).first().getDouble(0)
    println(f"step $step%3d: revenue $revenue%.0f")
  }
}
println(s"what-if done: ${steps.size} steps")
""",
}

SQL = {
    # (store_footfall_hourly_cube_csv_export_sql, client_mode_small_driver: 4,000,000 store
    # visits grouped by CUBE(region, store, zone, hour) and exported with INSERT OVERWRITE
    # DIRECTORY ... USING csv, driver 160m; dropped after two tries, its script removed; see
    # gen_r56.py and the README.)
    # (client_mode_small_driver) The CRM team's channel mix per customer, from spark-sql:
    # 6,000,000 order lines of 1,500,000 customers grouped per customer with the distinct SKUs,
    # the set of channels used, the first and last SKU (min / max of the SKU code) and the
    # spend, exported with INSERT OVERWRITE DIRECTORY ... USING json; ordinary work for a
    # driver of a gigabyte, this one set far too small (the others: CTAS to Parquet / ORC, a
    # window export, a CLI report, distinct counts; this one is a per-customer collect_set and
    # string min / max exported as JSON); made after the footfall cube was dropped.
    "customer_channel_mix_collect_set_json_export_sql": """
-- Channel mix per customer for the CRM export.
CREATE TEMPORARY VIEW order_lines AS
SELECT format_string('CUST-%08d', (id * 7919) % 1500000) AS customer_id,
       format_string('SKU-%06d', (id * 104729) % 250000) AS sku,
       element_at(array('web', 'app', 'store', 'phone', 'marketplace'), CAST(id % 5 + 1 AS INT)) AS channel,
       CAST(((id * 104729) % 25000) / 100.0 AS DECIMAL(10, 2)) AS amount
FROM range(0, 6000000, 1, 8);
INSERT OVERWRITE DIRECTORY 'customer_channel_mix' USING json
SELECT customer_id, count(*) AS order_lines, count(DISTINCT sku) AS skus,
       sort_array(collect_set(channel)) AS channels, min(sku) AS first_sku, max(sku) AS last_sku,
       sum(amount) AS spend
FROM order_lines
GROUP BY customer_id;
SELECT 'channel mix exported';
""",
}
