"""Bodies of the round-40 scenarios of the run matrix (tests/data/runs/), run by gen_r40.py.

Round 40 mixes PySpark and Scala, as rounds 36 to 39 do. ``spark-submit scenarios_r40.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py, imported, not copied); every PySpark scenario of this round
(WARN_LOG) calls ``spark.sparkContext.setLogLevel("WARN")`` right after the session is
created, as round 39's do. A SCALA script is run by gen_r40.py as ``spark-shell -i <script>``
(stdin /dev/null, so the shell quits at the end of the script) from the launcher of the pip
pyspark wheel, as gen_r35.py to gen_r39.py do. Driver memory, master, GC and event-log
settings come from the command line; sizes can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of
the earlier rounds uses; gen_r40.py records what really happened. The scenario names say what
the job does, not how it fails, and the scripts print only what such a job would print.
"""

import os
import sys

# ---------------------------------------------------------------- broadcast_too_large


def warehouse_bins_mapjoin_hint_sql_view(spark):
    # (broadcast_too_large; WARN log) A warehouse slotting report in SQL: the picks view is
    # joined to the bins view with a /*+ MAPJOIN(b) */ hint (the Hive-style alias of
    # BROADCAST) written by an analyst who thought the bins table small; it has 4,000,000
    # bins with a 128-character location code each, so the driver collects and builds the
    # broadcast hash relation of ~600 MB (the others: F.broadcast / hint("broadcast"), the
    # auto threshold, SQL BROADCAST hints, sc.broadcast; this one is the MAPJOIN alias on
    # temporary views).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_bins = int(os.environ.get("DD_BINS", "4000000"))
    spark.range(0, n_bins, 1, 8).select(
        F.col("id").alias("bin_id"),
        F.sha2(F.col("id").cast("string"), 512).alias("location_code"),
    ).createOrReplaceTempView("bins")
    spark.range(0, 2000000, 1, 8).select(
        (F.col("id") * 7919 % n_bins).alias("bin_id"), (F.col("id") % 40).alias("qty")
    ).createOrReplaceTempView("picks")
    report = spark.sql(
        "SELECT /*+ MAPJOIN(b) */ substr(b.location_code, 1, 2) AS aisle, sum(p.qty) AS units"
        " FROM picks p JOIN bins b ON p.bin_id = b.bin_id GROUP BY 1"
    )
    _log("aisles in report: %d" % report.count())


# ---------------------------------------------------------------- max_result_size


def survey_respondents_take_sample_panel(spark):
    # (max_result_size; WARN log) A survey panel: 400,000 respondents drawn without
    # replacement with rdd.takeSample(False, n) from 3,000,000 respondent records (an id and
    # two hashed answers each); takeSample counts, then collects an oversampled fraction to
    # the driver, past spark.driver.maxResultSize=2m (the others: collect, toPandas, take,
    # aggregates, countByValue, broadcast joins; this one is RDD.takeSample).
    import hashlib

    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_RESPONDENTS", "3000000"))
    k = int(os.environ.get("DD_PANEL", "400000"))
    sc = spark.sparkContext
    respondents = sc.parallelize(range(n), 12).map(
        lambda i: (i, hashlib.sha256(b"a%d" % i).hexdigest(), hashlib.md5(b"b%d" % i).hexdigest())
    )
    panel = respondents.takeSample(False, k, seed=40)
    _log("panel drawn: %d respondents" % len(panel))


# ---------------------------------------------------------------- python_driver_oom


def tariff_matrix_rows_pickle_cache_file(spark):
    # (python_driver_oom; WARN log) A tariff matrix: 400,000 origin/destination rows are
    # collected (it fits the JVM and Python), then the driver pickles the whole list of Rows
    # with pickle.dumps to write a local cache file for the next run, in a Python process
    # capped near its current size, as in a container whose memory is nearly used up (the
    # others: asDict, json.dumps, pandas pivots, print, csv, toLocalIterator dicts; this one
    # is pickle.dumps of collected Rows).
    import pickle

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n = int(os.environ.get("DD_ROUTES", "400000"))
    tariffs = spark.range(0, n, 1, 8).select(
        F.col("id").alias("route"),
        F.sha2(F.col("id").cast("string"), 256).alias("origin"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("d")), 512).alias("destination"),
        (F.col("id") % 977 / 10.0).alias("rate"),
    )
    rows = tariffs.collect()
    _log("tariff rows: %d" % len(rows))
    _limit_python(int(os.environ.get("DD_PY_EXTRA_MB", "64")))
    blob = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
    with open("tariffs.pkl", "wb") as fh:
        fh.write(blob)
    _log("tariff cache written: %d bytes" % len(blob))


SCENARIOS = {
    f.__name__: f
    for f in [
        warehouse_bins_mapjoin_hint_sql_view,
        survey_respondents_take_sample_panel,
        tariff_matrix_rows_pickle_cache_file,
    ]
}
WARN_LOG = set(SCENARIOS)

SCALA = {
    # (collect_to_driver; spark.driver.maxResultSize=0) An invoice export: 3,000,000 invoice
    # lines with two sha-512 hex columns collected with Dataset.collectAsList() into a
    # java.util.List of Rows for a Java reporting library (the others: collect / take / tail
    # / toLocalIterator / toPandas in PySpark, Scala collect of RDDs; this one is the Java
    # collectAsList of a DataFrame).
    "invoice_lines_dataset_collect_as_list": """
// Invoice export: every invoice line handed to the reporting library as a java.util.List.
import org.apache.spark.sql.functions._
val n = sys.env.getOrElse("DD_LINES", "3000000").toLong
val lines = spark.range(0, n, 1, 24).select(col("id").as("line"), (col("id") % 50000).as("invoice"), sha2(col("id").cast("string"), 512).as("item_hash"), sha2(concat(col("id").cast("string"), lit("-t")), 512).as("tax_hash"))
val rows = lines.collectAsList()
println(s"invoice lines exported: ${rows.size}")
""",
    # (driver_side_state) A fleet tracker: every minute the latest position of 250,000
    # vehicles is collected and appended to a driver-side ArrayBuffer "history" so that the
    # loop can compare each minute with all the earlier ones; every collect fits, the history
    # does not (the others: union loops, accumulators, Python lists of batches, pandas
    # concat loops, listener state; this one is a Scala buffer of collected snapshots).
    "fleet_positions_snapshot_history_buffer": """
// Fleet tracker: keep every minute's positions on the driver to compare minutes.
import org.apache.spark.sql.functions._
import scala.collection.mutable.ArrayBuffer
val vehicles = sys.env.getOrElse("DD_VEHICLES", "250000").toLong
val history = ArrayBuffer[Array[org.apache.spark.sql.Row]]()
for (minute <- 0 until 120) {
  val snap = spark.range(0, vehicles, 1, 4).select(col("id").as("vehicle"), lit(minute).as("minute"), sha2(concat(col("id").cast("string"), lit(s"-$minute")), 256).as("fix"), (rand(minute) * 90).as("lat"), (rand(minute + 1000) * 180).as("lon"))
  history += snap.collect()
  println(s"minute $minute: ${history.map(_.length.toLong).sum} positions kept")
}
""",
    # (large_closure) A fraud filter: 25,000,000 blocked IP numbers (Array[Long], 200 MB,
    # sorted) loaded on the driver, and an RDD filter whose closure binary-searches the
    # array; the closure captures it, so the driver Java-serializes the 200 MB array while
    # checking and shipping the closure (the others: PySpark UDF / RDD closures, Scala UDFs,
    # broadcasts; this one is a Scala RDD.filter closure over a primitive array).
    "fraud_rules_ip_blocklist_rdd_filter_closure": """
// Fraud filter: drop the events whose source IP is on the block list.
val nBlocked = sys.env.getOrElse("DD_BLOCKED", "25000000").toInt
val blocked = { val r = new scala.util.Random(40); val a = Array.fill(nBlocked)(r.nextLong() & 0xffffffffL); java.util.Arrays.sort(a); a }
println(s"blocked IPs loaded: ${blocked.length}")
val events = sc.parallelize(0 until 2000000, 8).map(i => (i.toLong * 2654435761L) & 0xffffffffL)
val clean = events.filter(ip => java.util.Arrays.binarySearch(blocked, ip) < 0)
println(s"clean events: ${clean.count()}")
""",
    # (too_many_tasks) A sensor backfill: one tiny RDD per sensor shard (30,000 shards, 100
    # slices each) unioned with sc.union into one RDD of 3,000,000 partitions and counted
    # (the others: spark.range / sc.range / parallelize slices, shuffle partitions,
    # repartition, many files; this one is SparkContext.union of many RDDs).
    "sensor_shards_union_many_rdds": """
// Sensor backfill: every shard's readings in one RDD.
val shards = sys.env.getOrElse("DD_SHARDS", "30000").toInt
val perShard = (0 until shards).map(s => sc.parallelize(Seq(s), 100))
val all = sc.union(perShard)
println(s"readings: ${all.count()}")
""",
    # (not_driver_oom; local-cluster) A ledger export: 5,000,000 entries grouped under one
    # ledger key with collect_list, so one reduce task on one executor (768m) holds them all
    # and the executor JVM dies of OutOfMemoryError; the driver only reports lost executors
    # (the others: explode, pixel buffers, sort, UDF memory; this one is a skewed
    # collect_list).
    "ledger_entries_collect_list_single_key": """
// Ledger export: all entries of the ledger in one array column.
import org.apache.spark.sql.functions._
val n = sys.env.getOrElse("DD_ENTRIES", "5000000").toLong
val entries = spark.range(0, n, 1, 8).select(lit("GL-MAIN").as("ledger"), sha2(col("id").cast("string"), 512).as("entry"))
val ledgers = entries.groupBy("ledger").agg(collect_list("entry").as("entries"))
println(s"ledger sizes: ${ledgers.select(size(col("entries"))).collect().mkString(", ")}")
""",
    # (not_driver_oom) A lineage-heavy pipeline: 20,000 chained map() steps on an RDD, never
    # checkpointed; serializing the task's RDD chain recurses once per step and the driver
    # fails with a StackOverflowError (a JVM error about the thread stack, not the heap,
    # that reads like memory trouble).
    "catalog_lineage_deep_map_chain": """
// Catalog pipeline: one map step per rule.
val steps = sys.env.getOrElse("DD_STEPS", "20000").toInt
var items = sc.parallelize(1 to 1000, 2)
for (rule <- 1 to steps) items = items.map(_ + 1)
println(s"catalog items: ${items.count()}")
""",
    # (cached_block_metadata; Parallel GC with a 32m young generation) A sessionization
    # pipeline that persists every step: each hour, a chain of 50 map steps over 2,000 tiny
    # partitions, every step persist(MEMORY_ONLY)ed and kept referenced, so one count caches
    # 100,000 one-integer blocks and the driver's block manager tracks every one of them
    # (the others: DISK_ONLY per hour, DataFrame.cache of many partitions, chained persists
    # with Serial / Parallel GC and the default young generation; this one is MEMORY_ONLY
    # with a small young generation).
    "session_events_tiny_blocks_memory_only": """
// Sessionization: every step's output kept in memory for the later steps.
import org.apache.spark.storage.StorageLevel
val parts = sys.env.getOrElse("DD_PARTS", "2000").toInt
val steps = sys.env.getOrElse("DD_STEPS", "50").toInt
val kept = scala.collection.mutable.ArrayBuffer.empty[org.apache.spark.rdd.RDD[Int]]
val t0 = System.nanoTime
for (hour <- 0 until 1000) {
  var events = sc.parallelize(0 until parts, parts)
  for (step <- 0 until steps) { events = events.map(_ + 1).persist(StorageLevel.MEMORY_ONLY); kept += events }
  events.count()
  println(f"hour $hour: ${kept.size} steps kept in memory, ${(System.nanoTime - t0) / 1e9}%.0f s")
}
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
