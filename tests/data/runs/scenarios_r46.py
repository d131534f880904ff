"""Bodies of the round-46 scenarios of the run matrix (tests/data/runs/), run by gen_r46.py.

Round 46 mixes PySpark, Scala and SQL, as rounds 35 to 45 do. ``spark-submit scenarios_r46.py
<scenario>`` runs a PySpark body below (the helpers _spark and _log are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
45 do. A SCALA script is run by gen_r46.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r45.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes of the PySpark and Scala bodies can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of the
earlier rounds uses; gen_r46.py records what really happened. The scenario names say what the
job does, not how it fails, and the scripts print only what such a job would print.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- large_closure


def order_bundle_components_python_udtf(spark):
    # (large_closure; WARN log) Pick lists for bundle orders: a Python UDTF registered for SQL
    # (spark.udtf.register) turns each ordered bundle into its component SKUs, looking the
    # bundle up in the bundle catalog, a dict of 320,000 bundles -> their components packed
    # as in the catalog export (100 x a 22-hex-digit SKU and a 2-digit quantity, 2,400
    # characters, ~730 MiB in all) built on the driver and used by the UDTF's eval instead of being joined.
    # cloudpickle pickles the class with the dict it refers to, and above
    # spark.broadcast.UDFCompressionThreshold (1 MB) PySpark hands the pickled command to the
    # driver JVM as a broadcast (the others: rdd.map / filter / flatMap / reduceByKey /
    # aggregate / sortBy / partitionBy / foreachPartition / mapPartitions closures, F.udf,
    # spark.udf.register, bound methods; this one is a Python UDTF).
    from pyspark.sql.functions import udtf
    from scenarios_pyspark import _log

    n_bundles = int(os.environ.get("DD_BUNDLES", "320000"))
    catalog = {b: os.urandom(1200).hex() for b in range(n_bundles)}
    _log("bundle catalog loaded: %d bundles" % len(catalog))

    @udtf(returnType="component_sku: string, units: int")
    class BundleComponents:
        def eval(self, bundle_id: int, qty: int):
            packed = catalog.get(bundle_id, "")
            for i in range(0, len(packed), 24):
                yield "C-" + packed[i : i + 22], qty * (int(packed[i + 22 : i + 24], 16) % 4 + 1)

    spark.udtf.register("bundle_components", BundleComponents)
    spark.range(0, 2000000, 1, 8).selectExpr(
        "id AS order_line_id", "id * 7919 %% %d AS bundle_id" % n_bundles, "id % 3 + 1 AS qty"
    ).createOrReplaceTempView("bundle_order_lines")
    picks = spark.sql(
        "SELECT c.component_sku, sum(c.units) AS units FROM bundle_order_lines o,"
        " LATERAL bundle_components(o.bundle_id, o.qty) c GROUP BY c.component_sku"
    )
    _log("component SKUs to pick: %d" % picks.count())


# ---------------------------------------------------------------- too_many_tasks


def basket_rules_fpgrowth_partitions(spark):
    # (too_many_tasks; WARN log) Market-basket rules for the category team with
    # pyspark.ml.fpm.FPGrowth on 400,000 baskets of up to 8 of 2,000 products, its
    # numPartitions set to the size of the product catalog (2,500,000, "one partition per
    # product"); MLlib's FP-growth uses a HashPartitioner of that many partitions from its
    # first step on (counting the items with reduceByKey), so the driver must plan a stage of
    # 2,500,000 tasks (the others: range / parallelize slices, shuffle partitions,
    # repartition, Hadoop splits, groupBy(numPartitions=), unions, cartesian,
    # leafNodeDefaultParallelism, a rate source's numPartitions; this one is an MLlib
    # estimator's numPartitions).
    from pyspark.ml.fpm import FPGrowth
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_baskets = int(os.environ.get("DD_BASKETS", "400000"))
    n_catalog = int(os.environ.get("DD_CATALOG", "2500000"))
    primes = [7919, 104729, 1299709, 15485863, 179424673, 2038074743, 31, 613]
    items = [F.concat(F.lit("SKU-"), ((F.col("id") * p) % 2000).cast("string")) for p in primes]
    baskets = spark.range(0, n_baskets, 1, 8).select(
        F.col("id").alias("basket_id"), F.array_distinct(F.array(*items)).alias("items")
    )
    fp = FPGrowth(itemsCol="items", minSupport=0.003, minConfidence=0.3, numPartitions=n_catalog)
    model = fp.fit(baskets)
    _log("frequent itemsets: %d" % model.freqItemsets.count())
    _log("association rules: %d" % model.associationRules.count())


SCENARIOS = {
    f.__name__: f
    for f in [
        order_bundle_components_python_udtf,
        basket_rules_fpgrowth_partitions,
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
    # (broadcast_too_large) Search queries featurized with the search team's query
    # vocabulary: the 1,400,000 most frequent normalized queries (a 98-character fingerprint
    # each), exported by the search team, loaded on the driver and made into a
    # CountVectorizerModel (new CountVectorizerModel(vocabulary)) to turn the terms of 500,000
    # logged queries into count vectors. The model's transform builds a term -> index Map of
    # the whole vocabulary on the driver and broadcasts it with sc.broadcast, which the driver
    # serializes and cuts into blocks (the others: join build sides by hint, threshold, AQE,
    # file sizes and estimates, an explicit sc.broadcast of an array or a matrix, a
    # stream-static join; this one is the broadcast an ML model makes in transform).
    "search_queries_vocabulary_featurize": """
// Logged search queries featurized with the search team's query vocabulary.
import org.apache.spark.ml.feature.CountVectorizerModel
import org.apache.spark.sql.functions._
val nTerms = sys.env.getOrElse("DD_TERMS", "1400000").toInt
val fingerprint = (i: Long) => "q:" + (1L to 6L).map(k => java.lang.Long.toHexString((i * 6 + k) * 0x9E3779B97F4A7C15L | Long.MinValue)).mkString
val vocabulary = Array.tabulate(nTerms)(i => fingerprint(i))
println(s"query vocabulary loaded: ${vocabulary.length} terms")
val vectorizer = new CountVectorizerModel(vocabulary).setInputCol("terms").setOutputCol("features")
val queries = spark.range(0, 500000, 1, 8).select(col("id").as("query_id"), split(concat_ws(" ", lit("q:"), sha2(col("id").cast("string"), 256), lit("q:"), sha2((col("id") % 977).cast("string"), 256)), " ").as("terms"))
val featurized = vectorizer.transform(queries)
println(s"queries featurized: ${featurized.count()}")
""",
    # (not_driver_oom; a look-alike of large_closure) Trades valued in EUR with the treasury
    # team's FX rate cache: an object of a plain class (not Serializable) holding 1,728,000
    # minute rates (20 currencies x 60 days) in a java.util.HashMap, built on the driver and
    # used in an rdd.map over 2,000,000 trades. The closure cleaner's serializability check
    # fails at once: "Task not serializable" with ClosureCleaner / JavaSerializer frames like
    # those of a closure too large to serialize, but nothing ran out of memory (the others:
    # executor OOMs, stack overflows, memory settings refused, Python pickling errors, timeouts;
    # this one is a Scala closure capturing a non-serializable object).
    "fx_rate_cache_trade_valuation": """
// Trades valued in EUR with the treasury team's FX rate cache.
class FxRateCache(currencies: Array[String], minutes: Int) {
  private val rates = new java.util.HashMap[String, java.lang.Double]()
  for (c <- currencies; m <- 0 until minutes) rates.put(s"$c|$m", 0.5 + ((c.hashCode * 31 + m) & 0xffff) / 65536.0)
  def size: Int = rates.size
  def toEur(ccy: String, minute: Int, amount: Double): Double = amount * rates.get(s"$ccy|$minute")
}
val currencies = Array("USD", "GBP", "JPY", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CAD", "AUD", "NZD", "SGD", "HKD", "CNY", "INR", "BRL", "MXN", "ZAR")
val minutes = sys.env.getOrElse("DD_MINUTES", "86400").toInt
val fx = new FxRateCache(currencies, minutes)
println(s"FX rate cache loaded: ${fx.size} minute rates")
val trades = sc.parallelize(0L until 2000000L, 16).map(i => (currencies((i % currencies.length).toInt), (i * 7919 % minutes).toInt, (i % 100000) / 100.0))
val totalEur = trades.map { case (ccy, minute, amount) => fx.toEur(ccy, minute, amount) }.sum()
println(f"trades valued: EUR $totalEur%.2f")
""",
}

SQL = {
    # (broadcast_too_large; spark.sql.autoBroadcastJoinThreshold raised to 64MB by the script)
    # The weekly sales report over the retail star schema: 6,000,000 sales joined to four
    # dimensions (products, customers, coupons, delivery addresses; 400,000 rows each, a
    # sha-512 and a sha-256 text column each, ~90 MB of rows) that the team made broadcast by
    # raising the threshold to 64MB, "each dimension is well under it". Every dimension is
    # estimated at ~11 MB, all four are broadcast, and adaptive execution starts their
    # broadcast stages at the same time, so the driver collects and builds four relations at
    # once (the others: one hinted or auto-broadcast table, AQE runtime broadcasts, parquet
    # sizes, default string sizes, LIMIT / explode / join estimates, stale or CBO statistics,
    # sc.broadcast; this one is several dimensions broadcast by one star join).
    "retail_sales_star_schema_report_sql": """
-- Weekly sales report over the retail star schema.
SET spark.sql.autoBroadcastJoinThreshold=64MB;
CREATE TEMPORARY VIEW products AS
SELECT id AS product_id, concat('PRD-', sha2(CAST(id AS STRING), 512)) AS product_name,
       sha2(CAST(id * 3 AS STRING), 256) AS brand_code
FROM range(0, 400000, 1, 4);
CREATE TEMPORARY VIEW customers AS
SELECT id AS customer_id, sha2(concat('c', CAST(id AS STRING)), 512) AS email_hash,
       sha2(concat('h', CAST(id AS STRING)), 256) AS household_key
FROM range(0, 400000, 1, 4);
CREATE TEMPORARY VIEW coupons AS
SELECT id AS coupon_id, concat('CPN-', sha2(concat('k', CAST(id AS STRING)), 512)) AS coupon_code,
       sha2(concat('m', CAST(id AS STRING)), 256) AS campaign_key
FROM range(0, 400000, 1, 4);
CREATE TEMPORARY VIEW addresses AS
SELECT id AS address_id, sha2(concat('a', CAST(id AS STRING)), 512) AS address_line,
       sha2(concat('p', CAST(id AS STRING)), 256) AS postcode_key
FROM range(0, 400000, 1, 4);
CREATE TEMPORARY VIEW sales AS
SELECT id AS sale_id, id * 7919 % 400000 AS product_id, id * 104729 % 400000 AS customer_id,
       id * 31 % 400000 AS coupon_id, id * 613 % 400000 AS address_id,
       CAST(id % 10000 AS DOUBLE) / 100 AS amount
FROM range(0, 6000000, 1, 8);
SELECT substr(p.brand_code, 1, 1) AS brand_group,
       count(*) AS sales_lines,
       round(sum(s.amount), 2) AS revenue,
       approx_count_distinct(c.email_hash) AS buyers,
       approx_count_distinct(c.household_key) AS households,
       approx_count_distinct(a.address_line) AS delivery_addresses,
       max(a.postcode_key) AS last_postcode_key,
       max(k.coupon_code) AS last_coupon_code,
       approx_count_distinct(k.campaign_key) AS campaigns,
       max(p.product_name) AS last_product_name
FROM sales s
JOIN products p ON s.product_id = p.product_id
JOIN customers c ON s.customer_id = c.customer_id
JOIN coupons k ON s.coupon_id = k.coupon_id
JOIN addresses a ON s.address_id = a.address_id
GROUP BY substr(p.brand_code, 1, 1)
ORDER BY revenue DESC;
""",
    # (large_closure; local-cluster, driver 512m, executors 768m) Order lines shipped from
    # lots on a supplier's recall notice, screened in SQL: the recall notice's 750,000 lot
    # codes (132 characters) are gathered by a scalar subquery, (SELECT collect_set(lot_code)
    # FROM recalled_lots), and each of 3,000,000 order lines is tested with array_contains
    # against it "to avoid a join". The subquery runs first (its aggregation on the
    # executors) and its value, one array of ~100 MB, becomes a literal in the generated code
    # of the screening stage, so the driver serializes it with that stage's task binary (the
    # others: RDD / Dataset closures, UDFs, a udaf, a Partitioner, Python closures, a big
    # literal built in PySpark, an inline VALUES table; this one is a SQL scalar subquery's
    # result).
    "recalled_lots_order_lines_screen_sql": """
-- Order lines shipped from lots on the supplier's recall notice.
CREATE TEMPORARY VIEW recalled_lots AS
SELECT concat('LOT-', sha2(CAST(id * 7 AS STRING), 512)) AS lot_code, 'RECALL-2026-117' AS notice
FROM range(0, 750000, 1, 8);
CREATE TEMPORARY VIEW order_lines AS
SELECT id AS line_id, concat('LOT-', sha2(CAST(id AS STRING), 512)) AS lot_code, id % 24 + 1 AS units
FROM range(0, 3000000, 1, 8);
SELECT count(*) AS affected_lines, sum(units) AS affected_units
FROM order_lines
WHERE array_contains((SELECT collect_set(lot_code) FROM recalled_lots), lot_code);
""",
    # (too_many_tasks; AQE skew-join settings given without their unit) The click funnel per
    # landing page: 600,000 page views joined to 600,000 ad clicks on the visitor id, each
    # side read in 1,200 partitions, where the not-logged-in visitor 'anonymous' is 99% of
    # both sides. The team's AQE settings were copied from a tuning page that gives them in
    # MB, without the unit: advisoryPartitionSizeInBytes=64 and
    # skewJoin.skewedPartitionThresholdInBytes=256 (bytes). Adaptive execution finds the
    # 'anonymous' partition skewed on both sides and splits it on each side into one piece
    # per map task (1,200), and a skew join runs every left piece against every right piece:
    # 1,440,000 tasks for the driver to plan (the others: range / parallelize slices, shuffle
    # partitions, initialPartitionNum, repartition and its hint, Hadoop splits,
    # groupBy(numPartitions=), unions, cartesian, leafNodeDefaultParallelism, a rate source;
    # this one is AQE's skew-join splitting).
    "visitor_page_views_clicks_funnel_sql": """
-- Click funnel per landing page: page views joined to ad clicks on the visitor id.
SET spark.sql.adaptive.advisoryPartitionSizeInBytes=64;
SET spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes=256;
CREATE TEMPORARY VIEW page_views AS
SELECT CASE WHEN id % 100 = 0 THEN concat('V-', CAST(id AS STRING)) ELSE 'anonymous' END AS visitor_id,
       concat('/landing/', CAST(id % 5000 AS STRING)) AS page,
       sha2(CAST(id AS STRING), 256) AS view_ref
FROM range(0, 600000, 1, 1200);
CREATE TEMPORARY VIEW ad_clicks AS
SELECT CASE WHEN id % 100 = 0 THEN concat('V-', CAST(id AS STRING)) ELSE 'anonymous' END AS visitor_id,
       concat('cmp-', CAST(id % 300 AS STRING)) AS campaign,
       sha2(CAST(id * 7 AS STRING), 256) AS click_ref
FROM range(0, 600000, 1, 1200);
SELECT v.page, count(*) AS clicks_after_view, count(DISTINCT c.campaign) AS campaigns
FROM page_views v JOIN ad_clicks c ON v.visitor_id = c.visitor_id
GROUP BY v.page
ORDER BY clicks_after_view DESC
LIMIT 20;
""",
    # (not_driver_oom; local-cluster, executors 768m) The year's largest card transactions
    # for the external audit sample, written from spark-sql as Parquet: the top 3,000,000 of
    # 12,000,000 transactions by amount (ORDER BY amount DESC LIMIT 3000000, INSERT OVERWRITE
    # DIRECTORY ... USING parquet). A sort with a limit is planned as TakeOrderedAndProject,
    # whose every map task keeps its partition's best `limit` rows in memory (Guava's
    # leastOf): with the limit above a partition's 1,500,000 rows (~450 bytes each) each task
    # holds its whole partition in its executor (the others: collect_list / collect_set /
    # explode / rpad / repeat / mapGroups / percentile / windows / a shuffled hash join /
    # broadcasts / Python workers on executors; this one is a top-K with a large K).
    "top_transactions_audit_extract_sql": """
-- The year's largest card transactions, extracted for the external audit sample.
CREATE TEMPORARY VIEW card_transactions AS
SELECT id AS txn_id,
       sha2(CAST(id AS STRING), 512) AS card_token,
       sha2(CAST(id * 31 AS STRING), 512) AS authorization_ref,
       concat('MERCHANT ', CAST(id % 90000 AS STRING), ' ', sha2(CAST(id * 13 AS STRING), 256)) AS merchant_descriptor,
       CAST((id * 7919) % 10000000 AS DECIMAL(12, 0)) / 100 AS amount,
       date_add(DATE'2026-01-01', CAST(id % 365 AS INT)) AS txn_date
FROM range(0, 12000000, 1, 8);
INSERT OVERWRITE DIRECTORY 'audit-top-transactions' USING parquet
SELECT * FROM card_transactions ORDER BY amount DESC LIMIT 3000000;
""",
}
