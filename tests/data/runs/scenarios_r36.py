"""Bodies of the round-36 scenarios of the run matrix (tests/data/runs/), run by gen_r36.py.

Round 36 mixes PySpark and Scala. ``spark-submit scenarios_r36.py <scenario>`` runs a
PySpark body below (the helpers _spark and _log are those of scenarios_pyspark.py,
imported, not copied); a SCALA script is run by gen_r36.py as ``spark-shell -i <script>``
(stdin /dev/null, so the shell quits at the end of the script) from the launcher of the pip
pyspark wheel, as gen_r35.py does. Driver memory, master, GC and event-log settings come
from the command line; sizes can be changed with the DD_* environment variables. Each
scenario reaches a failure of the matrix by a code path that no scenario of the earlier
rounds uses; gen_r36.py records what really happened. The scenario names say what the job
does, not how it fails, and the scripts print only what such a job would print. The
PySpark ones keep Spark's default INFO driver log, the Scala one the shell's WARN.
"""

import os
import sys
import time

# ---------------------------------------------------------------- driver_side_state


def sensor_batches_create_dataframe_union_loop(spark):
    # (driver_side_state) A sensor ingest loop that turns each polled batch of readings (a
    # Python list built on the driver) into a DataFrame with spark.createDataFrame and
    # unions it into the running result "to write everything at the end", logging the
    # running count after each batch. No checkpoint, no write in between: the union's plan
    # keeps every batch, and each batch's rows live in the driver JVM (the parallelized
    # local data behind the DataFrame), so the driver's state grows with every small job
    # (the others: unions of range/file DataFrames, collected histories, listeners,
    # accumulators, observe(); this one is createDataFrame of driver-side lists unioned in
    # a loop).
    from pyspark.sql import types as T
    from scenarios_pyspark import _log

    batches = int(os.environ.get("DD_BATCHES", "60"))
    per_batch = int(os.environ.get("DD_PER_BATCH", "25000"))
    schema = T.StructType(
        [
            T.StructField("sensor", T.StringType()),
            T.StructField("ts", T.LongType()),
            T.StructField("reading", T.DoubleType()),
            T.StructField("raw_frame", T.StringType()),
        ]
    )
    result = None
    t0 = time.time()
    for b in range(batches):
        rows = [
            (
                "sensor-%05d" % (i % 5000),
                b * per_batch + i,
                (i * 37 % 1000) / 10.0,
                os.urandom(500).hex(),
            )
            for i in range(per_batch)
        ]
        df = spark.createDataFrame(rows, schema)
        result = df if result is None else result.unionByName(df)
        _log("batch %d at %.0fs: %d readings so far" % (b, time.time() - t0, result.count()))
    _log("ingested %d readings" % result.count())


# ---------------------------------------------------------------- large_closure


def search_synonym_ids_flatmap_closure(spark):
    # (large_closure) Query expansion for search logs: every query is expanded with its
    # synonyms by rdd.flatMap over a Python function that looks them up in `synonyms`, a
    # dict of 300,000 terms -> their synonyms' term ids (300 packed 4-byte ids, as the
    # thesaurus export stores them, hex-encoded; ~720 MB) built on the driver and captured
    # by the lambda instead of being broadcast or joined. PySpark pickles the function with
    # the dict; the command is bigger than the broadcast threshold, so the driver JVM must
    # take it in as a broadcast (the others: UDFs, registered SQL UDFs, mapPartitions /
    # aggregate / foreach closures; this one is an RDD flatMap over a synonyms dict).
    from scenarios_pyspark import _log

    terms = int(os.environ.get("DD_TERMS", "300000"))
    synonyms = {"term%06d" % k: os.urandom(1200).hex() for k in range(terms)}
    _log("synonym dictionary loaded: %d terms" % len(synonyms))

    def expand(q):
        packed = synonyms.get(q, "")
        return [q] + ["term%06d" % (int(packed[i : i + 8], 16) % terms) for i in range(0, 80, 8)]

    queries = spark.sparkContext.range(0, 2000000, 1, 8).map(lambda i: "term%06d" % (i * 7 % terms))
    _log("expanded queries: %d" % queries.flatMap(expand).count())


# ---------------------------------------------------------------- client_mode_small_driver


def weekly_active_user_sets_dashboard(spark):
    # (client_mode_small_driver; local[*], driver 512m) A weekly dashboard of daily active
    # users: 12,000,000 events of ~9,000,000 user ids over 7 days, groupBy(day) with
    # collect_set(user) "so the dashboard can show the lists" and its size. An ordinary job
    # for executors of a few GB; in local[*] its tasks run in the 512m driver JVM, and the
    # per-day sets of the partial aggregation (object hash aggregate buffers) must be held
    # there (the others: mode, percentile_approx, random forests, JSON/CSV/gzip reads; this
    # one is collect_set per day).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_EVENTS", "12000000"))
    events = spark.range(0, n, 1, 4).select(
        (F.col("id") % 7).alias("day"),
        F.concat(F.lit("user-"), (F.col("id") * 7919 % 9000000).cast("string")).alias("user_id"),
    )
    daily = events.groupBy("day").agg(F.collect_set("user_id").alias("users"))
    for r in daily.select("day", F.size("users").alias("dau")).orderBy("day").collect():
        _log("day %d: %d active users" % (r["day"], r["dau"]))


# ---------------------------------------------------------------- not_driver_oom


def review_shingles_python_udf(spark):
    # (not_driver_oom; local-cluster, spark.executor.pyspark.memory=300m) Near-duplicate
    # detection of product reviews: a Python UDF builds every shingle (substring of 8-256
    # characters) of a ~19,000-character review and returns how many distinct ones there
    # are. Each call needs several hundred MB in the Python worker, which is limited by
    # spark.executor.pyspark.memory: the workers fail with MemoryError, the task fails 4
    # times and the job is aborted; the driver only reports it (the others: pandas UDFs,
    # mapInArrow, mmap, explode; this one is a plain row-at-a-time Python UDF).
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    from scenarios_pyspark import _log

    @F.udf(T.IntegerType())
    def distinct_shingles(text):
        shingles = [text[i : i + w] for w in range(8, 257) for i in range(len(text) - w)]
        return len(set(shingles))

    reviews = spark.range(0, 200, 1, 4).select(
        F.col("id").alias("review_id"),
        F.repeat(F.sha2(F.col("id").cast("string"), 256), 300).alias("text"),
    )
    scored = reviews.select("review_id", distinct_shingles("text").alias("shingles"))
    _log("max distinct shingles: %s" % scored.agg(F.max("shingles")).first()[0])


SCENARIOS = {
    f.__name__: f
    for f in [
        sensor_batches_create_dataframe_union_loop,
        search_synonym_ids_flatmap_closure,
        weekly_active_user_sets_dashboard,
        review_shingles_python_udf,
    ]
}

SCALA = {
    # (driver_side_state) An incremental order import that deduplicates against every order
    # id seen so far, kept in a driver-side mutable.HashSet: each of up to 100 hourly
    # batches collects its 300,000 ids (sha-256 hex) and adds them to the set, which is
    # never trimmed. Each collect is small; what grows is the set the driver program keeps
    # (the others: listeners, accumulators, a history of collected rows; this one is a
    # dedup set of ids in the driver program).
    "seen_order_ids_driver_dedup_set": """
// Hourly order import, deduplicated against every order id seen so far.
import org.apache.spark.sql.functions._
val perBatch = sys.env.getOrElse("DD_PER_BATCH", "300000").toLong
val seen = scala.collection.mutable.HashSet.empty[String]
for (hour <- 0 until 100) {
  val ids = spark.range(hour * perBatch, (hour + 1) * perBatch, 1, 4)
    .select(sha2(col("id").cast("string"), 256).as("order_id"))
    .collect().map(_.getString(0))
  val fresh = ids.filterNot(seen.contains)
  seen ++= fresh
  println(s"hour $hour: ${fresh.length} new orders, ${seen.size} order ids seen")
}
println(s"import done: ${seen.size} orders")
""",
    # (large_closure) Geofencing of vehicle pings with a typed Dataset.map whose function
    # captures the fences, an Array of 50,000 polygons of 250 (lon, lat) points (~200 MB of
    # doubles) loaded in the driver, instead of broadcasting them or joining: Spark
    # serializes the function with the plan of every task on the driver (the other Scala
    # runs: a captured byte array in rdd.map, a Map of weight arrays in rdd.map; this one is
    # a typed Dataset.map of tuples capturing an Array of polygons).
    "geofence_polygons_dataset_map_closure": """
// Tag every vehicle ping with the geofence it falls in.
import spark.implicits._
// (vehicle, lon, lat) -> (vehicle, fence or -1)
val nFences = sys.env.getOrElse("DD_FENCES", "50000").toInt
val rnd = new scala.util.Random(11)
val fences: Array[Array[Double]] = Array.fill(nFences)(Array.fill(500)(rnd.nextDouble() * 180 - 90))
println(s"loaded ${fences.length} geofences")
val pings = spark.range(0, 2000000L, 1, 8).selectExpr(
  "id % 5000 AS vehicle", "CAST(id % 3600 / 20 - 90 AS DOUBLE) AS lon", "CAST(id % 1800 / 10 - 90 AS DOUBLE) AS lat").as[(Long, Double, Double)]
val tagged = pings.map { case (vehicle, lon, lat) =>
  val f = ((lon + 90) * 1000).toInt % nFences
  val poly = fences(f)
  (vehicle, if (lat > poly(0) && lat < poly(poly.length - 1)) f else -1)
}
println(s"pings inside a fence: ${tagged.filter(_._2 >= 0).count()}")
""",
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
