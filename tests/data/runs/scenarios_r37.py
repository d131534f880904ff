"""Bodies of the round-37 scenarios of the run matrix (tests/data/runs/), run by gen_r37.py.

Round 37 mixes PySpark and Scala, as round 36 does. ``spark-submit scenarios_r37.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py, imported, not copied); a SCALA script is run by gen_r37.py as
``spark-shell -i <script>`` (stdin /dev/null, so the shell quits at the end of the script)
from the launcher of the pip pyspark wheel, as gen_r35.py / gen_r36.py do. Driver memory,
master, GC and event-log settings come from the command line; sizes can be changed with the
DD_* environment variables. Each scenario reaches a failure of the matrix by a code path
that no scenario of the earlier rounds uses; gen_r37.py records what really happened. The
scenario names say what the job does, not how it fails, and the scripts print only what
such a job would print.
"""

import os
import sys

# ---------------------------------------------------------------- python_driver_oom


def store_inventory_pandas_snapshot_create_dataframe(spark):
    # (python_driver_oom) A nightly inventory job reads the stores' stock snapshot into a
    # pandas DataFrame on the driver (3,000,000 rows: store, sku, on-hand, a 32-character
    # batch code) and hands it to spark.createDataFrame(pdf) with Arrow off (the default;
    # no pyarrow here). Without Arrow PySpark turns the frame into a Python list of one
    # Python list per row before it ships anything to the JVM; the driver's Python process
    # runs with a memory cap (RLIMIT_AS, as in a container nearly full) and the
    # conversion does not fit (the others: toPandas / collect / collectAsMap / local
    # iterators into Python; this one is createDataFrame of a pandas frame).
    import numpy as np
    import pandas as pd
    from scenarios_pyspark import _limit_python, _log

    n = int(os.environ.get("DD_ROWS", "3000000"))
    rng = np.random.default_rng(7)
    pdf = pd.DataFrame(
        {
            "store_id": rng.integers(0, 4000, n),
            "sku": rng.integers(0, 2_000_000, n),
            "on_hand": rng.integers(0, 500, n).astype("float64"),
            "batch_code": pd.util.hash_array(np.arange(n)).astype(str),
        }
    )
    _log("inventory snapshot loaded: %d rows" % len(pdf))
    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    stock = spark.createDataFrame(pdf)
    _log("stores with stock: %d" % stock.where("on_hand > 0").select("store_id").distinct().count())


def customer_timeline_local_iterator_dict(spark):
    # (python_driver_oom) A CRM export builds every customer's event timeline on the
    # driver: it streams 4,000,000 events with df.toLocalIterator() (one partition at a
    # time, so the driver JVM only holds a partition) and appends each event, as a dict,
    # to its customer's list in a Python dict, to dump as JSON later. The Python driver has
    # a memory cap (RLIMIT_AS): the dict of lists of dicts outgrows it (the others:
    # collect / toPandas / collectAsMap; this one is toLocalIterator into a dict of lists).
    from collections import defaultdict

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n = int(os.environ.get("DD_EVENTS", "4000000"))
    events = spark.range(0, n, 1, 16).select(
        (F.col("id") % 250000).alias("customer_id"),
        F.col("id").alias("ts"),
        F.sha2(F.col("id").cast("string"), 256).substr(1, 24).alias("event"),
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "600")))
    timelines = defaultdict(list)
    for i, row in enumerate(events.toLocalIterator()):
        timelines[row.customer_id].append(row.asDict())
        if i % 500000 == 0:
            _log("%d events, %d customers" % (i, len(timelines)))
    _log("timelines built for %d customers" % len(timelines))


SCENARIOS = {
    f.__name__: f
    for f in [
        store_inventory_pandas_snapshot_create_dataframe,
        customer_timeline_local_iterator_dict,
    ]
}

SCALA = {
    # (cached_block_metadata) Hourly clickstream sessionization that persists each hour's
    # sessions with StorageLevel.DISK_ONLY "to reuse them later" and never unpersists
    # them; each hour is an RDD of 50,000 small partitions. The data is on disk;
    # what the driver keeps is the bookkeeping of every block: the block manager master's
    # per-block status, the storage listener's partition info of each cached RDD, the block
    # info of the in-process block manager (local[*]). UI task history kept small (the
    # others: DataFrame.cache() of many partitions, checkpoint files; this one is
    # RDD.persist(DISK_ONLY) per hour).
    "clickstream_sessions_disk_persist_per_hour": """
// Hourly clickstream sessions, kept on disk for the daily rollup.
import org.apache.spark.storage.StorageLevel
val parts = sys.env.getOrElse("DD_PARTS", "50000").toInt
val kept = scala.collection.mutable.ArrayBuffer.empty[org.apache.spark.rdd.RDD[(Int, Long)]]
for (hour <- 0 until 48) {
  val sessions = sc.parallelize(0 until parts, parts).map(p => (p, p.toLong * 31 + hour))
  sessions.persist(StorageLevel.DISK_ONLY)
  val n = sessions.count()
  kept += sessions
  println(s"hour $hour: $n session partitions persisted, ${kept.size} hours kept")
}
println("daily rollup ready")
""",
    # (too_many_tasks) Compaction of a day of ad impressions, read as a range split into
    # 1,000,000 partitions (one per upstream file, as the ingestion wrote them) and counted
    # before being rewritten: a single stage of 1,000,000 tasks that the driver must plan,
    # serialize and track (the other Scala runs: sc.parallelize into 5,000,000 slices,
    # SQL range with 5,000,000 partitions; this one is a Dataset range of 1,000,000
    # partitions counted; 400,000 only thrashed, see the README).
    "impression_log_compaction_range_partitions": """
// Compact one day of ad impressions: one input partition per upstream file.
val files = sys.env.getOrElse("DD_FILES", "1000000").toInt
val impressions = spark.range(0L, files.toLong * 50, 1, files)
  .selectExpr("id", "id % 9000 AS campaign", "sha2(CAST(id AS STRING), 256) AS impression_id")
println(s"input partitions: ${impressions.rdd.getNumPartitions}")
println(s"impressions to compact: ${impressions.count()}")
""",
    # (broadcast_too_large) A pricing job loads the current price of each of 30,000,000
    # SKUs into a driver-side Array[Long] (~240 MB) and shares it with the tasks by
    # sc.broadcast, to look prices up in an rdd.map (the other broadcast runs: join hints
    # and thresholds, Python broadcasts; this one is sc.broadcast of a Scala array).
    "sku_price_table_sc_broadcast_array": """
// Price every order line from the current SKU price table.
val skus = sys.env.getOrElse("DD_SKUS", "30000000").toInt
val prices = Array.tabulate(skus)(i => (i.toLong * 2654435761L) % 100000L)
println(s"price table loaded: ${prices.length} skus")
val priceTable = sc.broadcast(prices)
val revenue = sc.parallelize(0 until 1000000, 8).map(i => priceTable.value(i * 29 % skus)).sum()
println(s"revenue: $revenue")
""",
    # (not_driver_oom; local-cluster, executors 768m) Map tiles rendered in an rdd.map: each
    # tile allocates a 4096 x 4096 RGBA pixel buffer of Ints plus an 8x supersampling
    # buffer of Doubles (~1.1 GB) on the executor. The executors run out of heap and die;
    # the driver only sees the lost tasks / executors and aborts the job (the other
    # executor look-alikes: Python workers, skewed joins, explode; this one is a JVM
    # executor allocating per-record buffers in a Scala map).
    "map_tile_render_pixel_buffers": """
// Render the map tiles of one zoom level.
val side = 4096
val tiles = sc.parallelize(0 until 64, 16).map { t =>
  val rgba = new Array[Int](side * side)
  val samples = new Array[Double](side * side * 8)
  var i = 0
  while (i < rgba.length) { samples(i * 8) = (i ^ t) * 0.5; rgba(i) = samples(i * 8).toInt; i += 1 }
  (t, rgba.count(_ != 0))
}
println(s"tiles rendered: ${tiles.collect().length}")
""",
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
