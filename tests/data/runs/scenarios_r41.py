"""Bodies of the round-41 scenarios of the run matrix (tests/data/runs/), run by gen_r41.py.

Round 41 mixes PySpark, Scala and SQL, as rounds 35 to 40 do. ``spark-submit scenarios_r41.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py, imported, not copied); every PySpark scenario of this round
(WARN_LOG) calls ``spark.sparkContext.setLogLevel("WARN")`` right after the session is
created, as rounds 39 and 40 do. A SCALA script is run by gen_r41.py as ``spark-shell -i
<script>``, a SQL script as ``spark-sql -f <script>`` (stdin /dev/null) from the launchers of
the pip pyspark wheel, as gen_r35.py to gen_r40.py do. Driver memory, master, GC and event-log
settings come from the command line; sizes can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of
the earlier rounds uses; gen_r41.py records what really happened. The scenario names say what
the job does, not how it fails, and the scripts print only what such a job would print.
"""

import os
import sys

# ---------------------------------------------------------------- client_mode_small_driver


def store_sales_rollup_reserved_memory_driver(spark):
    # (client_mode_small_driver; WARN log; --driver-memory 192m with
    # spark.testing.reservedMemory=32m so that Spark starts at all) An ordinary store report
    # run in local[*] with a driver sized "like a notebook": 4,000,000 sales lines joined to
    # 400,000 products, revenue per product, the whole ranking collected to be written as a
    # local CSV. Nothing about the job is big (it runs in a 512m driver); the heap is far too
    # small (the others: a 512m driver, a builder spark.driver.memory set too late,
    # spark.testing.memory; this one is a 192m heap let through by spark.testing.reservedMemory).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_sales = int(os.environ.get("DD_SALES", "4000000"))
    n_products = int(os.environ.get("DD_PRODUCTS", "400000"))
    sales = spark.range(0, n_sales, 1, 8).select(
        (F.col("id") * 7919 % n_products).alias("product"),
        (F.col("id") % 997 / 10.0).alias("amount"),
    )
    products = spark.range(0, n_products, 1, 4).select(
        F.col("id").alias("product"),
        F.sha2(F.col("id").cast("string"), 256).alias("name"),
        (F.col("id") % 40).alias("category"),
    )
    ranking = (
        sales.join(products, "product")
        .groupBy("product", "name", "category")
        .agg(F.sum("amount").alias("revenue"), F.count(F.lit(1)).alias("lines"))
        .orderBy(F.desc("revenue"))
    )
    rows = ranking.collect()
    _log("products in ranking: %d" % len(rows))
    with open("ranking.csv", "w") as fh:
        for r in rows:
            fh.write("%d,%s,%d,%.1f,%d\n" % (r.product, r.name, r.category, r.revenue, r.lines))


# ---------------------------------------------------------------- python_driver_oom


def price_list_local_rows_create_dataframe(spark):
    # (python_driver_oom; WARN log) A price list built in plain Python on the driver
    # (1,000,000 SKU records as dicts, as a JSON API returns them, with an md5 digest) is
    # handed to spark.createDataFrame with a DDL schema, in a Python process capped near its
    # current size as in a container whose memory is nearly used up; createDataFrame turns
    # every dict into a new tuple (its internal form) in the driver before it is
    # parallelized (the others: collect / toPandas / pickle / json / pandas work on
    # results; this one is createDataFrame from a local list of dicts).
    import hashlib

    from scenarios_pyspark import _limit_python, _log

    n = int(os.environ.get("DD_SKUS", "1000000"))
    rows = [
        {
            "sku_id": i,
            "sku": "SKU-%08d" % i,
            "digest": hashlib.md5(b"%d" % i).hexdigest(),
            "price": (i % 997) / 10.0,
        }
        for i in range(n)
    ]
    _log("price list rows built: %d" % len(rows))
    _limit_python(int(os.environ.get("DD_PY_EXTRA_MB", "40")))
    prices = spark.createDataFrame(rows, "sku_id long, sku string, digest string, price double")
    _log("price list rows in Spark: %d" % prices.count())


# ---------------------------------------------------------------- not_driver_oom


def nightly_export_driver_memory_without_unit(spark):
    # (not_driver_oom; --driver-memory 512, no unit) A nightly export whose launch script
    # passes the driver memory as a bare number (meant as MB). spark-submit hands it to the
    # JVM as -Xmx512, i.e. 512 bytes, and the driver JVM refuses to start ("Too small
    # maximum heap"); this body never runs. A start-up configuration error that reads like
    # a driver memory problem.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    orders = spark.range(0, 200000, 1, 4).select((F.col("id") % 1000).alias("customer"))
    _log("customers exported: %d" % orders.distinct().count())


SCENARIOS = {
    f.__name__: f
    for f in [
        store_sales_rollup_reserved_memory_driver,
        price_list_local_rows_create_dataframe,
        nightly_export_driver_memory_without_unit,
    ]
}
WARN_LOG = set(SCENARIOS)

SCALA = {
    # (streaming_state; spark.sql.shuffle.partitions=4) A clickstream sessionizer: a rate
    # stream of page views (sha-512 page ids) for 8 users, grouped by user with the typed
    # Dataset API groupByKey(...).mapGroupsWithState, whose state is the user's whole page
    # history (a Seq[String] that only grows, no timeout). The state store runs in the
    # driver JVM in local[*] and keeps the state of the last versions in memory (the
    # others: SQL aggregations, dropDuplicates, stream-stream joins, memory sinks,
    # applyInPandasWithState; this one is Scala mapGroupsWithState).
    "user_sessions_map_groups_with_state_history": """
// Clickstream sessionizer: every user's page history kept as streaming state.
import org.apache.spark.sql.functions._
import org.apache.spark.sql.streaming.{GroupState, GroupStateTimeout, OutputMode, Trigger}
import spark.implicits._
val rate = sys.env.getOrElse("DD_RATE", "100000")
val views = spark.readStream.format("rate").option("rowsPerSecond", rate).option("numPartitions", "2").load().select((col("value") % 8).as("user"), sha2(col("value").cast("string"), 512).as("page")).as[(Long, String)]
val sessions = views.groupByKey(_._1).mapGroupsWithState(GroupStateTimeout.NoTimeout) { (user: Long, events: Iterator[(Long, String)], state: GroupState[Seq[String]]) =>
  val history = state.getOption.getOrElse(Seq.empty[String]) ++ events.map(_._2).toSeq
  state.update(history)
  (user, history.size)
}
val query = sessions.writeStream.outputMode(OutputMode.Update).format("noop").option("checkpointLocation", "sessions-checkpoint").trigger(Trigger.ProcessingTime("3 seconds")).start()
while (query.isActive) {
  query.awaitTermination(6000)
  val p = query.lastProgress
  if (p != null) println(s"batch ${p.batchId}: ${p.numInputRows} views, state rows ${p.stateOperators.headOption.map(_.numRowsTotal).getOrElse(0L)}, state memory ${p.stateOperators.headOption.map(_.memoryUsedBytes).getOrElse(0L)} bytes")
}
println(s"sessionizer stopped: ${query.exception.map(_.getMessage.take(300)).getOrElse("no error")}")
""",
    # (large_closure) An FX pricing job: a 2,500,000-entry rate table (Array[String]) built on
    # the driver and used inside Dataset.mapPartitions; the typed Dataset operator does not go
    # through the closure cleaner, so the captured table is serialized with the task binary by
    # the DAGScheduler when the stage is submitted (the others: RDD map / filter closures,
    # PySpark UDFs, Scala UDFs; this one is a Dataset.mapPartitions lambda).
    "fx_rates_dataset_map_partitions_lookup_table": """
// FX pricing: every trade priced from the rate table.
import spark.implicits._
val nRates = sys.env.getOrElse("DD_RATES", "2500000").toInt
val rates: Array[String] = Array.tabulate(nRates)(i => "EURUSD:" + i + ":" + java.lang.Long.toHexString(i * 2654435761L) + ":1.0" + (i % 9973))
println(s"rate table loaded: ${rates.length} entries")
val trades = spark.range(0, 1000000, 1, 4).as[Long]
val priced = trades.mapPartitions(it => it.map(t => rates((t % rates.length).toInt).length.toLong))
println(s"priced trades: ${priced.count()}")
""",
    # (driver_side_state) A point-of-sale loader: each day's 20,000 orders arrive as a local
    # Scala collection on the driver and are registered as a temporary view (Seq.toDF ->
    # LocalRelation, the rows held by the plan in the driver) to be queried together at the
    # end; 400 days of views are kept in the session catalog (the others: ArrayBuffers of
    # collects, union loops, accumulators, listeners, Python lists; this one is temp views
    # over driver-local data).
    "pos_daily_orders_local_temp_views": """
// POS loader: one temporary view per day, queried together at the end.
import spark.implicits._
val days = sys.env.getOrElse("DD_DAYS", "400").toInt
val perDay = sys.env.getOrElse("DD_ORDERS", "20000").toInt
for (day <- 0 until days) {
  val orders = (0 until perDay).map(i => (day, i.toLong, "store-" + (i % 300) + "/till-" + (i % 7) + "/" + java.util.UUID.nameUUIDFromBytes(s"$day-$i".getBytes).toString, (i % 997) / 10.0))
  orders.toDF("day", "order_id", "till_ref", "amount").createOrReplaceTempView(f"pos_orders_day_$day%03d")
  if (day % 10 == 9) println(s"day $day: ${spark.catalog.listTables().count()} daily views registered")
}
val all = (0 until days).map(d => spark.table(f"pos_orders_day_$d%03d")).reduce(_ union _)
println(s"orders loaded: ${all.count()}")
""",
    # (broadcast_too_large) A recommender: a 400,000 x 128 product embedding matrix
    # (Array[Array[Float]], ~210 MB) loaded on the driver and shipped with sc.broadcast for a
    # nearest-neighbour lookup; TorrentBroadcast serializes the whole matrix into blocks on the
    # driver (the others: SQL broadcast joins, MAPJOIN / BROADCAST hints, PySpark
    # sc.broadcast; this one is a Scala sc.broadcast of a float matrix).
    "product_embeddings_sc_broadcast_float_matrix": """
// Recommender: the embedding matrix shipped to every task.
val nProducts = sys.env.getOrElse("DD_PRODUCTS", "400000").toInt
val dim = 128
val embeddings = { val r = new scala.util.Random(41); Array.fill(nProducts)(Array.fill(dim)(r.nextFloat())) }
println(s"embeddings loaded: ${embeddings.length} x $dim")
val bEmb = sc.broadcast(embeddings)
val queries = sc.parallelize(0 until 10000, 4)
val best = queries.map(q => { val e = bEmb.value(q % nProducts); e.sum }).max()
println(s"best score: $best")
""",
    # (cached_block_metadata; spark.ui.retained* small) A cache-heavy feature pipeline that
    # persists every step and reports its cache each "hour": hourly chains of 50
    # persist(MEMORY_ONLY) map steps over 2,000 tiny partitions, all kept referenced (100,000
    # one-integer blocks an hour), and after each hour sc.getRDDStorageInfo, which has the
    # driver's block manager master copy the status of every block into StorageStatus
    # objects (the others: chained persists that only thrashed, DISK_ONLY per hour,
    # DataFrame.cache of many partitions; this one adds the driver's own storage report).
    "feature_steps_hourly_cache_storage_report": """
// Feature pipeline: every step cached for the later steps, the cache reported every hour.
import org.apache.spark.storage.StorageLevel
val parts = sys.env.getOrElse("DD_PARTS", "2000").toInt
val steps = sys.env.getOrElse("DD_STEPS", "50").toInt
val kept = scala.collection.mutable.ArrayBuffer.empty[org.apache.spark.rdd.RDD[Int]]
val t0 = System.nanoTime
for (hour <- 0 until 1000) {
  var features = sc.parallelize(0 until parts, parts)
  for (step <- 0 until steps) { features = features.map(_ + 1).persist(StorageLevel.MEMORY_ONLY); kept += features }
  features.count()
  val cached = sc.getRDDStorageInfo.map(_.numCachedPartitions.toLong).sum
  println(f"hour $hour: ${kept.size} steps, $cached cached partitions, ${(System.nanoTime - t0) / 1e9}%.0f s")
}
""",
}

SQL = {
    # (not_driver_oom; local-cluster) A newsletter renderer in SQL: each of 64 bodies is a
    # template (a sha-512 hex block) repeated 6,000,000 times with repeat(), and only the
    # body length is reported. Every value is one ~768 MB string built in an executor (768m),
    # which runs out of heap; the driver only reports the lost executors (the others:
    # collect_list / groupByKey / explode / sort skew, UDF buffers; this one is one huge
    # value from a built-in string function).
    "newsletter_bodies_repeat_template_sql": """
-- Newsletter renderer: body length per issue.
SELECT count(*) AS issues, max(body_len) AS longest
FROM (
  SELECT id AS issue, length(repeat(sha2(CAST(id AS STRING), 512), 6000000)) AS body_len
  FROM range(0, 64, 1, 8)
) bodies;
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
