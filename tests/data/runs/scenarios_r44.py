"""Bodies of the round-44 scenarios of the run matrix (tests/data/runs/), run by gen_r44.py.

Round 44 mixes PySpark, Scala and SQL, as rounds 35 to 43 do. ``spark-submit scenarios_r44.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
43 do. A SCALA script is run by gen_r44.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r43.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes can be changed with the DD_* environment variables. Each scenario reaches a
failure of the matrix by a code path that no scenario of the earlier rounds uses; gen_r44.py
records what really happened. The scenario names say what the job does, not how it fails, and
the scripts print only what such a job would print.
"""

import os
import sys

# ---------------------------------------------------------------- python_driver_oom


def product_titles_trigram_search_index(spark):
    # (python_driver_oom; WARN log; the Python driver capped with RLIMIT_AS at its size +
    # 200 MiB, a container nearly full) A small search service built in plain Python: the
    # titles of 200,000 products are collected (a few MB, fine), then an inverted index of
    # character trigrams -> set of product ids is built in a Python dict, ~60 trigrams per
    # title (the others: collect / toPandas / pickle / json / pandas / Counter of rows /
    # itertools pairs / createDataFrame of dicts; this one is a dict of sets built from
    # collected strings).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n_products = int(os.environ.get("DD_PRODUCTS", "200000"))
    titles = (
        spark.range(0, n_products, 1, 4)
        .select(
            F.col("id").alias("product_id"),
            F.concat_ws(
                " ",
                F.lit("Acme"),
                F.sha2(F.col("id").cast("string"), 256).substr(1, 24),
                F.lit("stainless steel kettle 1.7 l"),
            ).alias("title"),
        )
        .collect()
    )
    _log("product titles collected: %d" % len(titles))
    _limit_python(int(os.environ.get("DD_EXTRA_MB", "200")))
    index = {}
    for row in titles:
        t = row["title"].lower()
        for i in range(len(t) - 2):
            index.setdefault(t[i : i + 3], set()).add(row["product_id"])
    _log("trigrams indexed: %d" % len(index))


# ---------------------------------------------------------------- streaming_state


def ad_clicks_impressions_week_attribution_stream(spark):
    # (streaming_state; WARN log; spark.sql.shuffle.partitions=4) Ad attribution: a stream of
    # impressions joined to a stream of clicks on the impression id, a click counting when it
    # comes within 7 days of its impression; both sides have a 7-day watermark, so the
    # stream-stream join keeps a week of both streams' rows as state (50,000 impressions and
    # 50,000 clicks a second); the state store runs in the driver JVM in local[*] (the others:
    # aggregations, dropDuplicates, a join without watermark, memory sinks, the *GroupsWithState
    # and pandas state APIs; this one is a time-bounded join whose watermark delay is long).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    rate = os.environ.get("DD_RATE", "50000")

    def source():
        return (
            spark.readStream.format("rate")
            .option("rowsPerSecond", rate)
            .option("numPartitions", 2)
            .load()
        )

    impressions = source().select(
        F.col("value").alias("impression_id"),
        F.col("timestamp").alias("imp_time"),
        F.sha2(F.col("value").cast("string"), 256).alias("creative_ref"),
    )
    clicks = source().select(
        (F.col("value") - 1000).alias("click_impression_id"),
        F.col("timestamp").alias("click_time"),
        F.sha2((F.col("value") * 31).cast("string"), 256).alias("click_ref"),
    )
    attributed = impressions.withWatermark("imp_time", "7 days").join(
        clicks.withWatermark("click_time", "7 days"),
        F.expr(
            "click_impression_id = impression_id AND click_time BETWEEN imp_time"
            " AND imp_time + interval 7 days"
        ),
    )
    query = (
        attributed.writeStream.format("noop")
        .option("checkpointLocation", "attribution-checkpoint")
        .trigger(processingTime="3 seconds")
        .start()
    )
    while query.isActive:
        query.awaitTermination(6)
        p = query.lastProgress
        if p:
            ops = p.get("stateOperators") or [{}]
            _log(
                "batch %d: %d rows in, state rows %d, state memory %d bytes"
                % (
                    p["batchId"],
                    p["numInputRows"],
                    ops[0].get("numRowsTotal", 0),
                    ops[0].get("memoryUsedBytes", 0),
                )
            )
    _log("attribution stopped: %s" % (query.exception(),))


SCENARIOS = {
    f.__name__: f
    for f in [
        product_titles_trigram_search_index,
        ad_clicks_impressions_week_attribution_stream,
    ]
}
WARN_LOG = set(SCENARIOS)

SCALA = {
    # (collect_to_driver) Parcel scans per barcode for a carrier's reconciliation file:
    # 10,000,000 scans of 5,000,000 parcels counted with RDD.countByKey, which reduces by key
    # on the executors and then collects every (barcode, count) pair into a Map on the driver
    # (the others: collect, toPandas, tail, toLocalIterator, collectAsList, collectAsMap,
    # countByValue, the spark-sql CLI; this one is countByKey of a high-cardinality key).
    "parcel_scans_count_by_key_per_barcode": """
// Scans per parcel barcode, for the carrier's reconciliation file.
val nParcels = sys.env.getOrElse("DD_PARCELS", "5000000").toLong
val scans = sc.parallelize(0L until nParcels * 2, 8).map(i => ("PCL" + java.lang.Long.toHexString((i % nParcels) * 2654435761L).toUpperCase + "-" + (i % nParcels % 97), i % 11))
val perBarcode = scans.countByKey()
println(s"barcodes scanned: ${perBarcode.size}")
""",
    # (driver_side_state) Hourly meter readings pulled from the head-end system on the driver
    # (250,000 a hour), each hour handed to Spark with sc.parallelize, counted, and its RDD
    # kept in an ArrayBuffer for the end-of-day reconciliation; a ParallelCollectionRDD holds
    # its data in the driver, so every hour loaded stays in the driver heap (the others:
    # collected vals, ArrayBuffers of collects, accumulators, listeners, temp views, union
    # loops; this one is parallelized batches kept referenced).
    "meter_readings_hourly_parallelize_kept_rdds": """
// Hourly meter readings from the head-end system, loaded hour by hour.
import scala.collection.mutable.ArrayBuffer
import org.apache.spark.rdd.RDD
val perHour = sys.env.getOrElse("DD_READINGS", "250000").toInt
val hours = ArrayBuffer.empty[RDD[(String, Long, Double)]]
for (h <- 0 until 72) {
  val batch = Array.tabulate(perHour)(i => ("MTR-" + java.lang.Long.toHexString((h.toLong * perHour + i) * 2654435761L), h * 3600L + i % 3600, (i % 9973) / 10.0))
  val readings = sc.parallelize(batch, 4)
  hours += readings
  println(s"hour $h: ${readings.count()} readings, ${hours.size} hours loaded")
}
println(s"day loaded: ${hours.map(_.count()).sum} readings")
""",
    # (large_closure) Coupon redemption audit: 2,000,000 redemptions grouped by customer
    # (groupByKey.flatMapGroups), each checked against the 3,000,000 issued coupon codes held
    # in an Array[String] built on the driver and captured by the group function; the function
    # is part of the plan, serialized with the task binary (the others: RDD closures, Dataset
    # map lambdas, UDFs, a udaf Aggregator, a Partitioner; this one is a flatMapGroups
    # function).
    "coupon_redemptions_flat_map_groups_rules_closure": """
// Coupon redemption audit: every customer's redemptions checked against the issued codes.
import org.apache.spark.sql.functions._
import spark.implicits._
val nCodes = sys.env.getOrElse("DD_CODES", "3000000").toInt
val issued: Array[String] = Array.tabulate(nCodes)(i => "CPN-" + java.lang.Long.toHexString(i * 2654435761L).toUpperCase + "-" + (i % 97))
println(s"issued coupon codes loaded: ${issued.length}")
val redemptions = spark.range(0, 2000000, 1, 8).select((col("id") % 50000).as("customer"), (col("id") * 7919 % nCodes).cast("int").as("code"), (col("id") % 5000 / 100.0).as("amount")).as[(Long, Int, Double)]
val flagged = {
  val codes = issued
  redemptions.groupByKey(_._1).flatMapGroups { (customer: Long, rs: Iterator[(Long, Int, Double)]) => rs.filter(r => codes(r._2).endsWith("-0")).map(r => (customer, codes(r._2), r._3)) }
}
println(s"redemptions flagged: ${flagged.count()}")
""",
    # (not_driver_oom; local-cluster, executors 768m) Settlement review: the exact median card
    # payment per merchant by groupByKey(merchant).mapGroups, each group's amounts put in an
    # array and sorted; one marketplace merchant has 90% of the 45,000,000 payments, so its
    # group's array does not fit an executor heap: executors die of OutOfMemoryError, the
    # driver only reports them (the others: collect_list / collect_set / explode / rpad / a
    # percentile aggregate / Python UDFs on executors; this one is a mapGroups buffer).
    "card_settlements_merchant_median_map_groups": """
// Settlement review: exact median payment per merchant.
import org.apache.spark.sql.functions._
import spark.implicits._
val nPayments = sys.env.getOrElse("DD_PAYMENTS", "45000000").toLong
val payments = spark.range(0, nPayments, 1, 8).select(when(col("id") % 10 < 9, lit(0L)).otherwise(col("id") % 5000).as("merchant"), (col("id") * 7919 % 100000000L / 100.0).as("amount")).as[(Long, Double)]
val medians = payments.groupByKey(_._1).mapGroups { (merchant: Long, ps: Iterator[(Long, Double)]) =>
  val amounts = ps.map(_._2).toArray
  java.util.Arrays.sort(amounts)
  (merchant, amounts.length, amounts(amounts.length / 2))
}
medians.orderBy(desc("_2")).show(5, false)
""",
}

SQL = {
    # (max_result_size; spark.driver.maxResultSize=16m) A bin inventory listing in spark-sql:
    # 1,500,000 stock lines grouped into 60,000 warehouse bins, each bin's SKU references
    # joined into one string (concat_ws of collect_list), the listing printed by the CLI; the
    # final aggregation's tasks return ~100 MB of rows to the driver (the others: collect,
    # toPandas, aggregates of vectors, treeAggregate, countByValue, takeSample, Dataset.reduce,
    # RDD.histogram; this one is a grouped listing printed by the spark-sql CLI).
    "warehouse_bin_sku_lists_sql": """
-- Bin inventory listing: the SKUs stored in every warehouse bin, one line per bin.
CREATE TEMPORARY VIEW bin_stock AS
SELECT concat('A', lpad(CAST(id % 60000 AS STRING), 6, '0')) AS bin_id,
       sha2(CAST(id AS STRING), 256) AS sku_ref,
       id % 40 + 1 AS qty
FROM range(0, 1500000, 1, 8);
SELECT bin_id, count(*) AS skus, sum(qty) AS units,
       concat_ws(',', collect_list(sku_ref)) AS sku_refs
FROM bin_stock
GROUP BY bin_id;
""",
    # (client_mode_small_driver; --driver-memory 160m with spark.testing.reservedMemory=32m so
    # that Spark starts at all) An ordinary merchandising report in spark-sql: 4,000,000 sales
    # lines summed per store and SKU (400,000 groups), ordered and printed for a spreadsheet,
    # in a driver sized far too small (the others: a collect, a broadcast join, exact
    # medians, a pivot collected; this one is a grouped, ordered SQL report in the CLI).
    "store_sku_weekly_margin_report_sql": """
-- Weekly margin report per store and SKU, for the merchandising spreadsheet.
CREATE TEMPORARY VIEW sales AS
SELECT id % 400 AS store_id,
       concat('SKU-', lpad(CAST(CAST(id / 400 AS BIGINT) % 1000 AS STRING), 6, '0')) AS sku,
       CAST((id % 9973) / 100.0 AS DECIMAL(10, 2)) AS revenue,
       CAST((id % 7919) / 100.0 AS DECIMAL(10, 2)) AS cost
FROM range(0, 4000000, 1, 8);
SELECT store_id, sku, count(*) AS units, sum(revenue) AS revenue,
       sum(revenue - cost) AS margin, round(sum(revenue - cost) / sum(revenue), 4) AS margin_rate
FROM sales
GROUP BY store_id, sku
ORDER BY store_id, margin DESC;
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
