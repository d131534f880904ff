"""Round 59 scenarios of the real Spark run matrix (gen_r59.py runs them).

PySpark bodies (``spark-submit scenarios_r59.py <scenario>``), and the SCALA / SQL scripts
that gen_shell.run writes into a run's scratch dir and runs with ``spark-shell -i`` or
``spark-sql -f``. Each scenario reaches a cause of the matrix by a code path that no scenario
of the earlier rounds uses; gen_r59.py records what really happened. The scenario names say
what the job does, not how it fails, and the scripts print only what such a job would print.

The round's point: causes thin or confused in the run matrix: the driver heap filled by the
bookkeeping of very many cached or persisted blocks (not by the data), the driver's own heap
filled across many small jobs by what the program keeps, a driver whose heap is small because
of how it was launched, and an executor (not the driver) that runs out of memory under a
program that looks like a driver problem.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- cached_block_metadata


def order_events_foreach_batch_persisted_frames(spark):
    # (cached_block_metadata, local-cluster) Order events from a stream (the rate source
    # standing for the order bus, one partition per bus partition, 4,000), each micro-batch
    # handled by foreachBatch: persisted because it is used twice (appended to Parquet in a
    # few files, and summed for the batch's control totals), never unpersisted. Each batch
    # leaves 4,000 cached blocks whose status the driver keeps (the others: persisted
    # RDDs / DataFrames / cached tables kept in a loop, iterative persists; this one is a
    # foreachBatch that persists every micro-batch).
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    sink = os.path.abspath("orders_parquet")
    totals = []

    def write_batch(batch_df, batch_id):
        batch_df.persist(StorageLevel.MEMORY_AND_DISK)
        compact = batch_df.coalesce(8)
        compact.write.mode("append").parquet(sink)
        row = compact.agg(F.count(F.lit(1)).alias("n"), F.sum("amount").alias("amount")).first()
        totals.append((batch_id, row["n"], row["amount"]))

    events = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", int(os.environ.get("DD_ROWS_PER_SECOND", "20000")))
        .option("numPartitions", int(os.environ.get("DD_BUS_PARTITIONS", "4000")))
        .load()
        .select(
            F.format_string("ORD-%012d", "value").alias("order_id"),
            (F.col("value") % 5000).alias("store_id"),
            ((F.col("value") * 7919) % 20000 / 100.0).alias("amount"),
            F.col("timestamp").alias("event_time"),
        )
    )
    q = (
        events.writeStream.foreachBatch(write_batch)
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .start()
    )
    q.awaitTermination(int(os.environ.get("DD_RUN_SECONDS", "270")))
    q.stop()
    _log("batches written: %d, orders: %d" % (len(totals), sum(t[1] for t in totals)))


def checkout_conversion_bootstrap_cached_samples(spark):
    # (cached_block_metadata, local-cluster) Confidence interval of the checkout conversion
    # rate by bootstrap: the sessions (6,000 partitions, one per exported file) resampled with
    # replacement 300 times, every replicate persisted MEMORY_ONLY (serialized) and kept for
    # the per-segment intervals computed at the end, each replicate's rate computed over a
    # coalesce(16) of it (the others: persisted RDDs / DataFrames / cached tables kept in a
    # loop, iterative persists; this one is bootstrap replicates made with sample()).
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    parts = int(os.environ.get("DD_PARTS", "6000"))
    sessions = spark.range(0, parts * 40, 1, parts).select(
        F.col("id").alias("session_id"),
        (F.col("id") % 7).alias("segment"),
        ((F.col("id") * 7919) % 100 < 4).cast("int").alias("converted"),
    )
    replicates = []
    rates = []
    for b in range(int(os.environ.get("DD_REPLICATES", "300"))):
        rep = sessions.sample(withReplacement=True, fraction=1.0, seed=b)
        rep.persist(StorageLevel.MEMORY_ONLY)
        replicates.append(rep)
        rates.append(rep.coalesce(16).agg(F.avg("converted")).first()[0])
    rates.sort()
    _log(
        "conversion 95%% interval: %.5f .. %.5f"
        % (rates[len(rates) // 40], rates[-len(rates) // 40])
    )


# ---------------------------------------------------------------- driver_side_state


def campaign_holdout_audience_frames_by_campaign(spark):
    # (driver_side_state, local-cluster) Uplift analysis of the marketing campaigns: each
    # campaign's holdout list (40,000 customer ids) pasted into the SQL text as an IN list,
    # the audience DataFrame checked with count() and kept in a dict by campaign for the
    # uplift comparison at the end (the others: kept collects, temp views, createDataFrame
    # data, file-source frames, listeners, accumulators, sessions, UDF registrations; this
    # one is parsed SQL frames with long IN lists kept by the program).
    from scenarios_pyspark import _log

    spark.range(0, 2000000, 1, 8).selectExpr(
        "format_string('C%09d', id) AS customer_id",
        "CAST(id % 40 AS INT) AS region",
        "round((id * 7919) % 100000 / 100.0, 2) AS lifetime_value",
    ).createOrReplaceTempView("customers")
    per_campaign = int(os.environ.get("DD_HOLDOUT", "40000"))
    audiences = {}
    sizes = {}
    for c in range(int(os.environ.get("DD_CAMPAIGNS", "400"))):
        ids = ",".join(
            "'C%09d'" % ((i * 48271 + c * 104729) % 2000000) for i in range(per_campaign)
        )
        df = spark.sql(
            "SELECT region, count(*) AS customers, sum(lifetime_value) AS value"
            " FROM customers WHERE customer_id IN (%s) GROUP BY region" % ids
        )
        sizes[c] = df.count()
        audiences["campaign-%04d" % c] = df
    _log("campaign audiences ready: %d" % len(audiences))


# ---------------------------------------------------------------- client_mode_small_driver


def quarterly_invoice_lines_topandas_review(spark):
    # (client_mode_small_driver, local-cluster) The finance analyst's quarterly review of
    # invoice lines in pandas: the script's SparkSession builder asks for a 6g driver and a
    # 4g result limit, but spark-submit has already started the driver JVM with its own
    # (default) heap, so only the result limit takes effect; 8,000,000 lines brought into
    # pandas with toPandas() (no pyarrow), which a 6g driver would hold (the others: small
    # --driver-memory, reserved memory, notebook containers, a local-mode builder setting; this
    # one is the builder's driver memory in client mode with executors of their own).
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    spark = (
        SparkSession.builder.appName("quarterly-invoice-review")
        .config("spark.driver.memory", "6g")
        .config("spark.driver.maxResultSize", "4g")
        .getOrCreate()
    )
    _log("driver memory: %s" % spark.conf.get("spark.driver.memory"))
    lines = spark.range(0, int(os.environ.get("DD_LINES", "8000000")), 1, 16).select(
        F.format_string("INV-2026Q3-%08d", F.floor(F.col("id") / 4)).alias("invoice_id"),
        F.format_string("SKU%06d", (F.col("id") * 7919) % 250000).alias("sku"),
        ((F.col("id") % 12) + 1).cast("int").alias("qty"),
        ((F.col("id") * 104729) % 500000 / 100.0).alias("net_amount"),
        F.format_string("CUST%07d", (F.col("id") * 31) % 900000).alias("customer"),
    )
    pdf = lines.toPandas()
    _log("invoice lines: %d, net %.2f" % (len(pdf), pdf["net_amount"].sum()))
    spark.stop()


# ---------------------------------------------------------------- not_driver_oom


# Dropped (not_driver_oom, local-cluster, executors 768m): an executor meant to run out of
# memory under a program that looks like a driver problem, tried twice, neither kept (see the
# README section).
#
# First try, web_page_snapshots_cached_html_bodies: the SEO audit's product page snapshots,
# 40,000 pages of about 63 KB of HTML (concat of repeat(format_string(<a product card>),
# 700)) in 4 partitions of spark.range, cache()d for several passes, counted, then the page
# size distribution (groupBy(length(html) / 10000).count().orderBy(...).collect()) brought
# to the driver. The idea: a cached column batch of 10,000 rows would hold about 600 MB of
# HTML in one task. But the in-memory columnar cache closes a batch at 10,000 rows or 4 MB,
# whichever comes first, so no task held more than a few MB: 'pages cached: 40000', '60 KB:
# 39900 pages', '50 KB: 100 pages', exit 0 after 29 s on 3.5 (its 4.3 run only failed to
# find the renamed body, not kept either).
#
# Second try, shop_similar_items_als_item_factors: "customers also bought" for the web shop,
# implicit-feedback ALS (rank 500, maxIter 5, 4 user and 4 item blocks) over 2,000,000
# purchases of 400,000 items by 100,000 customers (spark.range(...).select(customer, item,
# quantity)), then model.itemFactors.orderBy('id').limit(300).collect(). The idea: each ALS
# task would hold the factors of every item its customers bought, 400,000 x 500 floats. But
# each task fetched about 52 MB of factors and the executors spent minutes solving the rank
# 500 normal equations of their customers (two cores at 100 %) without running out of heap:
# 'Broadcasting large task binary with size 2025.0 KiB', no error line, killed by the 300 s
# timeout on 3.5 (its 4.3 run stopped by hand at its start, not kept).
#
# The scenario was dropped after these two tries (its generator entry removed with it, as
# round 47 did), the round ending with seven scenarios. These lines keep the place of the
# dropped body so that the line numbers quoted by the kept PySpark tracebacks (the __main__
# block below) are those of the committed file. An executor that runs out of memory would
# need a task that holds one big object at once (a whole file, one huge group, one huge
# row), as the earlier not_driver_oom scenarios of the matrix do; a cache or a factor model
# made of many modest pieces does not, and the executors only grow slow.
# (The SCENARIOS table below has no entry for it.)


SCENARIOS = {
    f.__name__: f
    for f in [
        order_events_foreach_batch_persisted_frames,
        checkout_conversion_bootstrap_cached_samples,
        campaign_holdout_audience_frames_by_campaign,
        quarterly_invoice_lines_topandas_review,
    ]
}
WARN_LOG = set()
# The scenarios that build their own SparkSession (with their builder's settings).
OWN_SESSION = {"quarterly_invoice_lines_topandas_review"}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    if name in OWN_SESSION:
        SCENARIOS[name](None)
        sys.exit(0)
    spark = _spark(name)
    if name in WARN_LOG:
        spark.sparkContext.setLogLevel("WARN")
    SCENARIOS[name](spark)
    spark.stop()


SCALA = {
    # (cached_block_metadata, local-cluster) The demand forecast refined round by round in the
    # shell, a boosting-like residual fit: every round's forecast RDD (3,000 partitions, the
    # store x SKU series) persisted DISK_ONLY so that the rounds survive memory pressure, kept
    # in an ArrayBuffer for the audit of the fit, the error printed every 10 rounds by one job
    # that computes the 10 new rounds in each task (the others: MEMORY_ONLY / MEMORY_AND_DISK
    # / serialized / replicated persists of kept RDDs, frames and tables, localCheckpoint;
    # this one is DISK_ONLY persists of an iterative fit).
    "demand_forecast_residual_rounds_disk_persisted": """
// Store x SKU demand forecast, refined round by round; every round kept for the audit of the fit.
import org.apache.spark.rdd.RDD
import org.apache.spark.storage.StorageLevel
import scala.collection.mutable.ArrayBuffer
val parts = sys.env.getOrElse("DD_PARTS", "3000").toInt
val series = parts * 20L
val actuals: RDD[(Long, Double, Double)] =
  sc.range(0, series, 1, parts).map(i => (i, 100.0 + (i * 7919L % 500L), 0.0))
val rounds = ArrayBuffer[RDD[(Long, Double, Double)]]()
var forecast = actuals
for (round <- 1 to sys.env.getOrElse("DD_ROUNDS", "300").toInt) {
  val rate = 0.1 + 0.2 / round
  forecast = forecast.map { case (k, actual, f) => (k, actual, f + rate * (actual - f)) }
    .persist(StorageLevel.DISK_ONLY)
  rounds += forecast
  if (round % 10 == 0) {
    val mse = forecast.map { case (_, a, f) => (a - f) * (a - f) }.sum() / series
    println(f"round $round%3d: mse $mse%.4f")
  }
}
println(s"forecast rounds kept: ${rounds.size}")
""",
    # (driver_side_state, local-cluster) The partner extracts of the day, in the shell: one
    # small extract per partner (13,000 order lines as CSV text), submitted asynchronously
    # with collectAsync so that a few run at once, every FutureAction kept in an ArrayBuffer
    # with its partner until all are written at the end (the others: kept collects in vals /
    # maps, accumulators, listeners, broadcasts, views, parallelize data; this one is kept
    # async job futures holding their results).
    "partner_extracts_collect_async_futures": """
// The day's partner extracts, a few submitted at a time, written out when all are done.
import org.apache.spark.FutureAction
import scala.collection.mutable.ArrayBuffer
import scala.concurrent.Await
import scala.concurrent.duration._
val nPartners = sys.env.getOrElse("DD_PARTNERS", "300").toInt
val orders = sc.range(0, 4000000, 1, 8).map(i => ((i * 7919L % 300L).toInt, i))
val extracts = ArrayBuffer[(Int, FutureAction[Seq[String]])]()
for (p <- 0 until nPartners) {
  val lines = orders.filter(_._1 == p).map { case (partner, i) =>
    f"PO-$partner%03d-$i%09d;SKU${i * 31 % 250000}%06d;${i % 12 + 1};${(i * 104729L % 500000L) / 100.0}%.2f;EUR;2026-12-05;standard-delivery"
  }
  extracts += ((p, lines.collectAsync()))
  if (extracts.size > 4) Await.ready(extracts(extracts.size - 5)._2, 10.minutes)
}
val written = extracts.map { case (p, f) => Await.result(f, 10.minutes).size }.sum
println(s"partner extracts written: ${extracts.size} partners, $written lines")
""",
}

SQL = {
    # (cached_block_metadata, local-cluster) The analysts' session events table of the day,
    # cached once (CACHE LAZY TABLE ... OPTIONS ('storageLevel' 'MEMORY_ONLY')) over a source
    # of 400,000 tiny partitions (the range's partitions standing for the landing's small
    # files), then queried with a COALESCE hint to keep the queries to a few tasks: the first
    # query caches 400,000 blocks in 8 tasks (the others: CACHE TABLE per day, kept RDDs /
    # frames, iterative persists; this one is one cached table of hundreds of thousands of
    # tiny partitions).
    "session_events_tiny_partitions_cached_table_sql": """
-- Session events of the day, cached once for the analysts' queries.
CACHE LAZY TABLE session_events OPTIONS ('storageLevel' 'MEMORY_ONLY') AS
SELECT id AS event_id, id % 250000 AS session_id, CAST(id % 37 AS INT) AS page_type,
       (id * 7919) % 60000 AS dwell_ms
FROM range(0, 1600000, 1, 400000);
SELECT count(*) AS events, count(DISTINCT session_id) AS sessions, avg(dwell_ms) AS avg_dwell_ms
FROM (SELECT /*+ COALESCE(8) */ * FROM session_events) e;
SELECT page_type, count(*) AS events
FROM (SELECT /*+ COALESCE(8) */ * FROM session_events) e
GROUP BY page_type ORDER BY events DESC LIMIT 10;
""",
}
