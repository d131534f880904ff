"""Bodies of the round-45 scenarios of the run matrix (tests/data/runs/), run by gen_r45.py.

Round 45 mixes PySpark, Scala and SQL, as rounds 35 to 44 do. ``spark-submit scenarios_r45.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
44 do. A SCALA script is run by gen_r45.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r44.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes can be changed with the DD_* environment variables. Each scenario reaches a
failure of the matrix by a code path that no scenario of the earlier rounds uses; gen_r45.py
records what really happened. The scenario names say what the job does, not how it fails, and
the scripts print only what such a job would print (and, like _limit_python, the line saying
how the container of a driver was set up).
"""

import os
import sys

# ---------------------------------------------------------------- python_driver_oom


def store_statements_zip_archive(spark):
    # (python_driver_oom; WARN log; the Python driver capped with RLIMIT_AS at its size +
    # 200 MiB, a container nearly full) Month-end statements for finance: 800,000 statement
    # lines of 4,000 stores collected (fine), one CSV per store rendered with the csv module
    # and written into a ZIP archive held in memory (zipfile on an io.BytesIO, with zipfile's
    # default ZIP_STORED), which is then base64-encoded to be attached to the finance mail
    # (the others: collect / toPandas / pickle / json / pandas / Counter / itertools / dicts
    # of sets / sqlite / xml / one big string; this one is an in-memory zip archive and its
    # base64 copy).
    import base64
    import csv
    import io
    import zipfile

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n_lines = int(os.environ.get("DD_LINES", "800000"))
    lines = (
        spark.range(0, n_lines, 1, 8)
        .select(
            (F.col("id") % 4000).alias("store_id"),
            F.col("id").alias("line_id"),
            F.sha2(F.col("id").cast("string"), 256).alias("invoice_ref"),
            F.sha2((F.col("id") * 31).cast("string"), 256).alias("payment_ref"),
            ((F.col("id") * 7919 % 100000) / 100.0).alias("amount"),
        )
        .orderBy("store_id", "line_id")
        .collect()
    )
    _log("statement lines collected: %d" % len(lines))
    by_store = {}
    for row in lines:
        by_store.setdefault(row["store_id"], []).append(row)
    _limit_python(int(os.environ.get("DD_EXTRA_MB", "200")))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for store_id, rows in sorted(by_store.items()):
            text = io.StringIO()
            w = csv.writer(text)
            w.writerow(["line_id", "invoice_ref", "payment_ref", "amount"])
            for r in rows:
                w.writerow([r["line_id"], r["invoice_ref"], r["payment_ref"], r["amount"]])
            zf.writestr("statement-store-%04d.csv" % store_id, text.getvalue())
    _log("statements archived: %d stores, %d bytes" % (len(by_store), archive.tell()))
    attachment = base64.b64encode(archive.getvalue())
    _log("attachment ready: %d bytes" % len(attachment))


# ---------------------------------------------------------------- max_result_size


def product_catalog_freq_items_profile(spark):
    # (max_result_size; WARN log; spark.driver.maxResultSize=16m) Data profiling of the
    # product catalog before a migration: the frequent values of all 30 attribute columns
    # with DataFrame.freqItems at support 1e-4 (the lowest it takes: up to 10,000 values kept
    # per column), over 400,000 products whose attributes have ~10,000 distinct codes each
    # (68 characters); the one result row holds every value kept for every column (the
    # others: collect, toPandas, aggregate buffers, treeAggregate, histograms, countByValue,
    # takeSample, takeOrdered, Dataset.reduce, crosstab, a spark-sql listing; this one is
    # DataFrame.freqItems).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_products = int(os.environ.get("DD_PRODUCTS", "400000"))
    n_attrs = int(os.environ.get("DD_ATTRIBUTES", "30"))

    def attribute(i):
        code = (F.col("id") * (2 * i + 3)) % 9973
        return F.concat(F.lit("A%02d-" % i), F.sha2(code.cast("string"), 256))

    catalog = spark.range(0, n_products, 1, 8).select(
        F.col("id").alias("product_id"),
        *[attribute(i).alias("attr_%02d" % i) for i in range(1, n_attrs + 1)],
    )
    attrs = [c for c in catalog.columns if c.startswith("attr_")]
    profile = catalog.freqItems(attrs, support=0.0001)
    row = profile.first()
    for name in profile.columns:
        _log("%s: %d frequent values" % (name, len(row[name])))


SCENARIOS = {
    f.__name__: f
    for f in [
        store_statements_zip_archive,
        product_catalog_freq_items_profile,
    ]
}
WARN_LOG = set(SCENARIOS)

SCALA = {
    # (collect_to_driver) Distinct loyalty members who redeemed points in the quarter, counted
    # the "simple" way with RDD.aggregate: every partition builds a mutable.HashSet of its
    # member ids (seqOp), and the sets are merged (combOp) on the driver as the task results
    # arrive, so all 6,000,000 member ids end up in one set in the driver (the others:
    # collect, toPandas, tail, toLocalIterator, collectAsList, collectAsMap, countByValue,
    # countByKey, the spark-sql CLI; this one is RDD.aggregate whose combOp runs on the
    # driver).
    "loyalty_members_distinct_rdd_aggregate": """
// Distinct loyalty members with a redemption this quarter.
import scala.collection.mutable
val nMembers = sys.env.getOrElse("DD_MEMBERS", "6000000").toLong
val redemptions = sc.parallelize(0L until nMembers * 2, 16).map(i => ("LM-" + java.lang.Long.toHexString((i % nMembers) * 2654435761L).toUpperCase, i % 500))
val members = redemptions.aggregate(mutable.HashSet.empty[String])((s, r) => s += r._1, (a, b) => a ++= b)
println(s"distinct members with a redemption: ${members.size}")
""",
    # (driver_side_state) Data-quality counters for the payments team: one named
    # LongAccumulator per merchant ("rejected_payments_merchant_<id>", 40,000 of them, so each
    # shows up in the Spark UI), added to in an RDD.foreach over 20,000,000 payments. Each
    # task updates most merchants' accumulators; the driver keeps each task's
    # updates in its TaskInfo, the UI store and the event log (the others: a collection
    # accumulator, listeners, collected vals and buffers, temp views, kept RDDs, UI history;
    # this one is many named accumulators).
    "merchant_rule_hits_named_accumulators": """
// Rejected payments per merchant, counted with one named accumulator per merchant.
val nMerchants = sys.env.getOrElse("DD_MERCHANTS", "40000").toInt
val rejected = Array.tabulate(nMerchants)(m => sc.longAccumulator(s"rejected_payments_merchant_$m"))
println(s"merchant counters registered: ${rejected.length}")
val payments = sc.parallelize(0L until 20000000L, 200)
payments.foreach { p => if (p % 5 != 0) rejected((p % nMerchants).toInt).add(1L) }
println(s"rejected payments: ${rejected.map(_.value.longValue).sum}")
""",
    # (streaming_state) Referrer statistics per campaign landing page for the marketing
    # dashboard: a rate stream of page views (20,000 a second), a new landing page every 400
    # views, and per page a count-min sketch of its referrers (count_min_sketch with eps
    # 0.0005 and confidence 0.999: a 10 x 4,000 table of longs, ~320 KB per page) kept as the
    # aggregation's state, update mode, no watermark (the others: counts, dedup, joins,
    # windows, sessions, collect_list / approx / percentile / mode / bitmap aggregates, typed
    # Aggregators, *GroupsWithState, pandas state, memory sinks; this one is a
    # count_min_sketch buffer per unbounded key).
    "landing_page_referrer_sketch_stream": """
// Referrer sketches per campaign landing page, kept up to date by a stream.
import org.apache.spark.sql.functions._
import org.apache.spark.sql.streaming.{OutputMode, Trigger}
val rate = sys.env.getOrElse("DD_RATE", "20000")
val views = spark.readStream.format("rate").option("rowsPerSecond", rate).option("numPartitions", "2").load().select(concat(lit("/lp/spring-"), (col("value") / 400).cast("long").cast("string")).as("landing_page"), concat(lit("https://ref"), (col("value") * 7919 % 100000).cast("string"), lit(".example/")).as("referrer"))
val perPage = views.groupBy("landing_page").agg(count(lit(1)).as("views"), expr("count_min_sketch(referrer, 0.0005D, 0.999D, 42)").as("referrer_sketch"))
val query = perPage.writeStream.outputMode(OutputMode.Update).format("noop").option("checkpointLocation", "landing-pages-checkpoint").trigger(Trigger.ProcessingTime("2 seconds")).start()
while (query.isActive) {
  query.awaitTermination(5000)
  val p = query.lastProgress
  if (p != null) println(s"batch ${p.batchId}: ${p.numInputRows} views, state rows ${p.stateOperators.headOption.map(_.numRowsTotal).getOrElse(0L)}, state memory ${p.stateOperators.headOption.map(_.memoryUsedBytes).getOrElse(0L)} bytes")
}
println(s"landing page monitor stopped: ${query.exception.map(_.getMessage.take(300)).getOrElse("no error")}")
""",
    # (not_driver_oom; local-cluster, driver 1g, executors 512m) Order lines priced from the
    # current price list: 40,000,000 SKU prices loaded into an Array[Long] on the driver
    # (~320 MB, fits the 1g driver) and shared with sc.broadcast; every executor must fetch
    # and deserialize the whole array into its 512m heap, which it cannot: the executors die
    # of OutOfMemoryError reading the broadcast, the driver only reports them (the others:
    # collect_list / collect_set / explode / rpad / mapGroups / percentiles / Python workers
    # on executors; this one is a broadcast that fits the driver but not the executors).
    "order_lines_price_list_broadcast_executors": """
// Order lines priced from the current price list.
val nSkus = sys.env.getOrElse("DD_SKUS", "40000000").toInt
val prices: Array[Long] = Array.tabulate(nSkus)(i => 100L + (i.toLong * 2654435761L) % 9999900L)
println(s"price list loaded: ${prices.length} skus")
val priceList = sc.broadcast(prices)
val lines = sc.parallelize(0L until 4000000L, 8).map(i => ((i * 7919) % nSkus, 1L + i % 5))
val revenue = lines.map { case (sku, qty) => qty * priceList.value(sku.toInt) }.sum()
println(s"order revenue: $revenue")
""",
    # (client_mode_small_driver; --driver-memory 2g on a shared notebook host with 640 MiB
    # left for this driver) The nightly order totals per customer: 20,000,000 order lines
    # summed per customer (5,000,000 customers), sorted by total and written as CSV, in
    # local[*]. The job is ordinary for a 2g driver, but the host is not: the script's first
    # lines put the running driver JVM into a memory cgroup that lets it touch 640 MiB more
    # (what it already uses is not counted; cgroup v1 here cannot move it), as a host whose
    # other notebooks hold the rest would, so when the heap grows towards the 2g it was
    # promised the kernel's OOM killer ends the JVM with SIGKILL and the log just stops (the
    # others: a small --driver-memory, spark.testing.memory / reservedMemory, a builder
    # spark.driver.memory set too late; this one is a host with less memory than the heap).
    "nightly_order_totals_notebook_container": """
// Nightly order totals per customer, run from the team's notebook host.
import java.nio.file.{Files, Paths}
import org.apache.spark.sql.functions._
val hostFreeMb = sys.env.getOrElse("DD_HOST_FREE_MB", "640").toLong
if (hostFreeMb > 0) {
  val rel = scala.io.Source.fromFile("/proc/self/cgroup").getLines().find(_.contains(":memory:")).get.split(":", 3)(2)
  val cg = Paths.get(s"/sys/fs/cgroup/memory$rel/driver-doctor-notebook-driver")
  Files.createDirectories(cg)
  Files.write(cg.resolve("memory.limit_in_bytes"), (hostFreeMb << 20).toString.getBytes)
  Files.write(cg.resolve("cgroup.procs"), ProcessHandle.current.pid.toString.getBytes)
  val rssMb = scala.io.Source.fromFile("/proc/self/status").getLines().find(_.startsWith("VmRSS:")).get.filter(_.isDigit).toLong >> 10
  println(s"notebook host: $hostFreeMb MiB free for this driver (driver RSS now $rssMb MiB, driver heap max ${Runtime.getRuntime.maxMemory >> 20} MiB)")
}
val nLines = sys.env.getOrElse("DD_LINES", "20000000").toLong
val orders = spark.range(0, nLines, 1, 16).select((col("id") * 2654435761L % 5000000).as("customer_id"), sha2(col("id").cast("string"), 256).as("order_ref"), (col("id") * 7919 % 100000 / 100.0).as("amount"))
val totals = orders.groupBy("customer_id").agg(count(lit(1)).as("lines"), sum("amount").as("total"), max("order_ref").as("last_order_ref")).orderBy(desc("total"))
totals.write.mode("overwrite").option("header", "true").csv("nightly-order-totals")
println(s"nightly totals written: ${spark.read.option("header", "true").csv("nightly-order-totals").count()} customers")
""",
}

SQL = {
    # (client_mode_small_driver; --driver-memory 160m with spark.testing.reservedMemory=32m so
    # that Spark starts at all) The customer contact export for the CRM vendor, written from
    # spark-sql as Parquet files (INSERT OVERWRITE DIRECTORY ... USING parquet) in local[*]:
    # 3,000,000 customers with hashed e-mail, phone and display name in 2 partitions; each
    # task's Parquet writer buffers a row group (128 MB by default, scaled down by Parquet's
    # memory manager to share 95% of the heap) before writing it, in a driver sized far too
    # small (the others: a collect, a broadcast join, exact medians, a pivot, a grouped
    # report; this one is a Parquet export).
    "customer_contacts_parquet_export_sql": """
-- Customer contact export for the CRM vendor, as Parquet files.
CREATE TEMPORARY VIEW customer_contacts AS
SELECT id AS customer_id,
       sha2(CAST(id AS STRING), 512) AS email_hash,
       sha2(CAST(id * 31 AS STRING), 256) AS phone_hash,
       concat('Customer ', CAST(id AS STRING), ' ', sha2(CAST(id * 7 AS STRING), 256)) AS display_name,
       id % 120 AS region_id
FROM range(0, 3000000, 1, 2);
INSERT OVERWRITE DIRECTORY 'crm-contacts-export' USING parquet
SELECT * FROM customer_contacts;
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
