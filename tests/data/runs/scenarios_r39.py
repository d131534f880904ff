"""Bodies of the round-39 scenarios of the run matrix (tests/data/runs/), run by gen_r39.py.

Round 39 mixes PySpark and Scala, as rounds 36 to 38 do. ``spark-submit scenarios_r39.py
<scenario>`` runs a PySpark body below (the helpers _spark and _log are those of
scenarios_pyspark.py, imported, not copied); every PySpark scenario of this round (WARN_LOG)
calls ``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as many
real jobs do, so their driver logs have Spark's start-up INFO lines and then WARN and ERROR
only. A SCALA script is run by gen_r39.py as ``spark-shell -i <script>`` (stdin /dev/null, so
the shell quits at the end of the script) from the launcher of the pip pyspark wheel, as
gen_r35.py to gen_r38.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes can be changed with the DD_* environment variables. Each scenario reaches
a failure of the matrix by a code path that no scenario of the earlier rounds uses;
gen_r39.py records what really happened. The scenario names say what the job does, not how
it fails, and the scripts print only what such a job would print.
"""

import os
import sys
import time

# ---------------------------------------------------------------- collect_to_driver


def claims_lines_wide_collect_rows(spark):
    # (collect_to_driver; WARN log) An insurance claims export: every claim line with its
    # 20 hashed attribute columns (~1.4 KB a row) collected into Python Row objects to be
    # written to a spreadsheet by the driver (the others: collect of padded / narrow rows,
    # toPandas, take, tail, toLocalIterator; this one is a WARN-level collect of a wide
    # frame).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_LINES", "600000"))
    cols = [
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("-%d" % i)), 256).alias("attr_%d" % i)
        for i in range(20)
    ]
    lines = spark.range(0, n, 1, 30).select(
        F.col("id").alias("claim_line"), (F.col("id") % 9000).alias("policy"), *cols
    )
    rows = lines.collect()
    _log("claim lines exported: %d" % len(rows))


# ---------------------------------------------------------------- too_many_tasks


def meter_readings_backfill_sc_range_slices(spark):
    # (too_many_tasks; WARN log) A smart-meter backfill: one slice per meter-hour "so each
    # task stays tiny", sc.range(0, n, numSlices=n) with n = 2,000,000, then the readings are
    # summed. PySpark turns sc.range into an empty parallelize of n slices mapped per
    # partition index, so the driver plans a job of two million tasks (the others: spark.range,
    # shuffle partitions, repartition, many files; this one is PySpark sc.range slices).
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_SLICES", "2000000"))
    sc = spark.sparkContext
    readings = sc.range(0, n, numSlices=n).map(lambda h: (h * 37) % 1000 / 10.0)
    _log("meter-hours backfilled, total kWh: %.1f" % readings.sum())


# ---------------------------------------------------------------- streaming_state


def live_sessions_last_seen_complete_memory_table(spark):
    # (streaming_state; WARN log) A live-sessions dashboard: a rate source stands for the
    # click feed, grouped by session id (every click a new session: unbounded keys) with
    # the last-seen time and page hash, written in complete mode to the memory sink, whose
    # table the dashboard loop queries every few seconds. Complete mode sends the whole
    # aggregate to the driver every batch and the state keeps growing (the others: append
    # memory sinks, update mode, windows, dedup, joins; this one is a complete-mode
    # unbounded groupBy into a memory table queried in a loop).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    clicks = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "300000")))
        .option("numPartitions", 2)
        .load()
        .select(
            F.col("value").alias("session_id"),
            "timestamp",
            F.sha2(F.col("value").cast("string"), 256).alias("page"),
        )
    )
    sessions = clicks.groupBy("session_id").agg(
        F.max("timestamp").alias("last_seen"), F.max("page").alias("last_page")
    )
    q = (
        sessions.writeStream.format("memory")
        .queryName("live_sessions")
        .outputMode("complete")
        .trigger(processingTime="2 seconds")
        .start()
    )
    t0 = time.time()
    while q.isActive and time.time() - t0 < 600:
        q.awaitTermination(4)
        live = spark.sql("SELECT count(*) AS n FROM live_sessions").first()[0]
        _log("dashboard: %d live sessions" % live)
    q.awaitTermination()


# ---------------------------------------------------------------- large_closure


def loyalty_points_reduce_by_key_member_caps(spark):
    # (large_closure; WARN log) Loyalty points: purchases are reduced per member with
    # rdd.reduceByKey(merge), where merge caps the running total with the member's cap from
    # a numpy array of 80,000,000 caps (float64, ~610 MiB) loaded on the driver. The merge
    # function closes over the array, so cloudpickle pickles it into the command of the
    # map-side combine, which PySpark (over 1 MB) hands to the driver JVM as a broadcast (the
    # others: UDFs, registered UDFs, mapPartitions, foreachPartition, flatMap, sortBy,
    # aggregate, filter, bound methods, partial; this one is reduceByKey's function).
    import numpy as np
    from scenarios_pyspark import _log

    n_members = int(os.environ.get("DD_MEMBERS", "80000000"))
    caps = np.random.default_rng(7).uniform(500.0, 5000.0, n_members)
    _log("member caps loaded: %d (%d MiB)" % (n_members, caps.nbytes >> 20))

    def merge(a, b):
        return (a[0], min(a[1] + b[1], caps[a[0] % n_members]))

    sc = spark.sparkContext
    purchases = sc.parallelize(range(2000000), 8).map(lambda i: (i % 50000, (i % 50000, i % 97)))
    totals = purchases.reduceByKey(merge)
    _log("members credited: %d" % totals.count())


SCENARIOS = {
    f.__name__: f
    for f in [
        claims_lines_wide_collect_rows,
        meter_readings_backfill_sc_range_slices,
        live_sessions_last_seen_complete_memory_table,
        loyalty_points_reduce_by_key_member_caps,
    ]
}
WARN_LOG = set(SCENARIOS)

SCALA = {
    # (max_result_size; spark.driver.maxResultSize=4m) Referrer report: the referrer host of
    # 3,000,000 page views counted with rdd.countByValue(), which in Scala is a reduceByKey of
    # (host, 1) pairs whose every (host, count) is collected to the driver; most hosts are
    # long-tail (one view each), so each reduce task's result is several MiB (the others:
    # collect / take / tail / toPandas / aggregates / ML summaries; this one RDD.countByValue).
    "clickstream_referrer_hosts_count_by_value": """
// Referrer report: page views per referrer host.
val n = sys.env.getOrElse("DD_VIEWS", "3000000").toInt
val views = sc.parallelize(0 until n, 20).map(i => f"ref-${(i.toLong * 2654435761L) % 100000000L}%08d.example.com")
val perHost = views.countByValue()
println(s"referrer hosts: ${perHost.size}")
""",
    # (not_driver_oom; local-cluster) A product image export run with Kryo, whose
    # spark.kryoserializer.buffer.max was lowered to 1m; each product row carries its
    # ~3 MB thumbnail blob, so the executors cannot serialize a task's result and the job
    # fails with "Kryo serialization failed: Buffer overflow" (an error about a buffer
    # setting, not memory running out; the others: executor OOMs, refused memory settings,
    # timeouts, analysis errors; this one is Kryo's result buffer).
    "product_images_kryo_result_rows": """
// Product image export: every product with its thumbnail, for the catalogue site.
val n = sys.env.getOrElse("DD_PRODUCTS", "40").toInt
val products = sc.parallelize(0 until n, 8).map(i => (i, ("img-" + i + "-").padTo(3 * 1024 * 1024, 'x')))
val exported = products.collect()
println(s"products exported: ${exported.length}, ${exported.map(_._2.length.toLong).sum} bytes")
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
