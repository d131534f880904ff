"""Scripts of the round-35 scenarios of the run matrix (tests/data/runs/), run by gen_r35.py.

Round 35 is Scala and SQL only: each SCALA script is run as ``spark-shell -i <script>``
(stdin /dev/null, so the shell quits at the end of the script), each SQL script as
``spark-sql -f <script>``, from the launchers of the pip pyspark wheel (as gen_jvm.py and
gen_extra.py do). gen_r35.py writes the script into the run's scratch dir and records what
really happened. Driver memory, master, GC and event-log settings come from the command
line; sizes can be changed with the DD_* environment variables. The scenario names say what
the job does, not how it fails, and the scripts print only what such a job would print.
Each reaches a cause of the matrix by a code path that no earlier Scala / SQL run
(gen_jvm.py, gen_extra.py) uses.
"""

SCALA = {
    # (collect_to_driver; spark.driver.maxResultSize=0) A CRM cache warm-up that loads every
    # customer profile into the driver with Dataset.collectAsList() (the others: collect,
    # take; this one is collectAsList of a wide typed-less Dataset).
    "crm_profiles_collect_as_list": """
// Load every customer profile into the CRM lookup cache of the driver.
import org.apache.spark.sql.functions._
val n = sys.env.getOrElse("DD_ROWS", "4000000").toLong
val profiles = spark.range(0, n, 1, 16).select(
  col("id").as("customer_id"),
  concat(lit("customer-"), col("id")).as("name"),
  sha2(col("id").cast("string"), 256).as("address"),
  sha2(concat(col("id").cast("string"), lit("@")), 256).as("email_hash"),
  (col("id") % 97).as("segment"))
val rows = profiles.collectAsList()
println(s"loaded ${rows.size} profiles into the CRM cache")
""",
    # (large_closure) Model scoring whose map function captures the model's weights, a
    # Map of 20,000 feature vectors of 1,000 doubles (~160 MB), instead of broadcasting them
    # (the other Scala run: a captured byte array; this one is a Map of arrays).
    "model_weights_map_scoring_closure": """
// Score every user with the per-feature weight vectors of the model.
val features = sys.env.getOrElse("DD_FEATURES", "20000").toInt
val dims = 1000
val rnd = new scala.util.Random(7)
val weights: Map[Int, Array[Double]] =
  (0 until features).map(f => f -> Array.fill(dims)(rnd.nextGaussian())).toMap
println(s"model loaded: ${weights.size} feature vectors of $dims weights")
val scores = sc.parallelize(1 to 1000000, 8).map { u =>
  val w = weights(u % features)
  w(u % dims) * u
}
println(s"total score ${scores.sum()}")
""",
    # (too_many_tasks) Candidate user-item pairs for a recommender with RDD.cartesian of two
    # RDDs of 2,500 partitions each: 6,250,000 partitions (the other Scala run: parallelize
    # with 5M slices; this one is cartesian).
    "user_item_candidate_pairs_cartesian": """
// Every (user, item) candidate pair for the recommender.
val users = sc.parallelize(1 to 50000, 2500).map(u => s"user-$u")
val items = sc.parallelize(1 to 20000, 2500).map(i => s"item-$i")
val pairs = users.cartesian(items)
println(s"candidate pairs: ${pairs.count()}")
""",
    # (max_result_size; spark.driver.maxResultSize=64m) A latency histogram of 2,000,000
    # buckets built per partition with mapPartitions and merged with RDD.reduce: every task
    # sends its 16 MB long[] back to the driver (the other Scala run: collect of rows; this
    # one is RDD.reduce of big per-partition arrays).
    "latency_histogram_partition_reduce": """
// Request latency histogram (2M buckets of 1 us), one per partition, merged with reduce.
val buckets = sys.env.getOrElse("DD_BUCKETS", "2000000").toInt
val hist = sc.parallelize(1 to 4000000, 16).mapPartitions { it =>
  val h = new Array[Long](buckets)
  it.foreach(x => h(((x.toLong * 2654435761L) % buckets).toInt) += 1)
  Iterator(h)
}.reduce { (a, b) =>
  var i = 0
  while (i < a.length) { a(i) += b(i); i += 1 }
  a
}
println(s"histogram of ${hist.sum} requests")
""",
    # (broadcast_too_large) Order lines enriched with the product catalog by a typed
    # Dataset.joinWith, the catalog marked broadcast() "because dimension tables are small":
    # 8,000,000 products with ~200 bytes of text each (the other Scala run: a DataFrame
    # join with broadcast(); this one is a typed joinWith of case classes).
    "order_lines_catalog_joinwith_broadcast": """
// Order lines joined with the product catalog (typed Datasets).
import org.apache.spark.sql.functions._
case class Product(sku: Long, title: String, description: String, category: Long)
case class OrderLine(order_id: Long, sku: Long, qty: Long)
val nProducts = sys.env.getOrElse("DD_PRODUCTS", "8000000").toLong
val catalog = spark.range(0, nProducts, 1, 8).select(
  col("id").as("sku"),
  concat(lit("product "), col("id")).as("title"),
  sha2(col("id").cast("string"), 512).as("description"),
  (col("id") % 500).as("category")).as[Product]
val lines = spark.range(0, 2000000L, 1, 4).select(
  col("id").as("order_id"), (col("id") * 13 % nProducts).as("sku"), (col("id") % 5 + 1).as("qty")
).as[OrderLine]
val enriched = lines.joinWith(broadcast(catalog), lines("sku") === catalog("sku"))
println(s"enriched order lines: ${enriched.count()}")
""",
    # (driver_side_state) A daily stats job run in a loop over 200 days that keeps every
    # day's collected per-user stats in a driver-side ArrayBuffer "for the final report"
    # (each collect is small; what grows is the history the driver keeps; the other Scala
    # runs: a listener, an accumulator; this one is a results history in the driver program).
    "daily_user_stats_history_loop": """
// Per-user daily stats for 200 days, kept for the final report.
import org.apache.spark.sql.functions._
import scala.collection.mutable.ArrayBuffer
val users = sys.env.getOrElse("DD_USERS", "200000").toLong
val events = spark.range(0, 2000000L, 1, 4).select(
  (col("id") % users).as("user"), sha2(col("id").cast("string"), 256).as("h"))
val history = ArrayBuffer.empty[Array[org.apache.spark.sql.Row]]
for (day <- 1 to 200) {
  val stats = events.groupBy("user")
    .agg(count(lit(1)).as("n"), max(concat(lit(s"d$day-"), col("h"))).as("last_event"))
    .collect()
  history += stats
  println(s"day $day: ${stats.length} user stats, ${history.size} days kept")
}
println(s"report over ${history.size} days")
""",
    # (not_driver_oom; local-cluster only) Distinct click ids per site counted with an
    # in-memory HashSet per partition after repartition(2, site): each executor task must
    # hold ~4,000,000 128-character ids in its 768m heap; the executors fail, the job is
    # aborted and the driver only reports it.
    "site_click_ids_partition_hashset": """
// Distinct click ids per site, deduplicated in memory per partition.
import org.apache.spark.sql.functions._
val n = sys.env.getOrElse("DD_CLICKS", "8000000").toLong
val clicks = spark.range(0, n, 1, 8).select(
  (col("id") % 2).as("site"), sha2(col("id").cast("string"), 512).as("click_id"))
val perSite = clicks.repartition(2, col("site")).rdd.mapPartitions { it =>
  val seen = scala.collection.mutable.HashSet.empty[String]
  it.foreach(r => seen += r.getString(1))
  Iterator(seen.size)
}.collect()
println(s"distinct clicks per site: ${perSite.mkString(", ")}")
""",
}

SQL = {
    # (too_many_tasks) A REPARTITION(3000000) hint "to spread the events evenly" before a
    # distinct count: the shuffle has 3,000,000 reduce partitions (the other SQL run: range
    # with 5M slices; this one is a REPARTITION hint).
    "events_repartition_hint_distinct": """
-- Events spread evenly with a REPARTITION hint, then the distinct payloads counted.
CREATE TEMPORARY VIEW events AS
SELECT id AS event_id, id % 1000 AS user_id, sha2(cast(id AS string), 256) AS payload
FROM range(0, 1000000, 1, 4);
SELECT count(DISTINCT payload) AS distinct_payloads
FROM (SELECT /*+ REPARTITION(3000000) */ * FROM events) e;
""",
}
