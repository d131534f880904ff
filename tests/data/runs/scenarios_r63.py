"""Round 63's scenarios (see gen_r63.py and the README section "Round 63").

Eight new scenarios, PySpark, Scala and SQL mixed, for causes still thin or confused in driver
logs and event logs: the driver heap filled by the status of very many tiny cached blocks, the
driver filled by what it keeps of every micro-batch of a Structured Streaming query, jobs
aborted by spark.driver.maxResultSize, and the driver filled by the bookkeeping of one stage of
very many tiny tasks.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys
import time

# ---------------------------------------------------------------- cached_block_metadata


def web_clicks_hourly_views_catalog_cached(spark):
    # (cached_block_metadata, local-cluster) The web clicks of the day, hour by hour: every
    # hour's landing (30,000 small files, one partition each) registered as a temp view and
    # cached with spark.catalog.cacheTable for the analysts' later queries, never uncached;
    # each hour's click summary written with coalesce(8) "so that the export is 8 files", so
    # each of the 8 tasks computes and caches 3,750 tiny partitions, one block status to the
    # driver each (the others: cache() / persist() of frames and RDDs in lists, CACHE TABLE
    # in SQL, localCheckpoint, foreachBatch persist; this one is catalog.cacheTable of views).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    hours = int(os.environ.get("DD_HOURS", "24"))
    parts = int(os.environ.get("DD_FILES", "30000"))
    per_hour = parts * 4
    for h in range(hours):
        ids = F.col("id")
        clicks = spark.range(h * per_hour, (h + 1) * per_hour, 1, parts).select(
            F.format_string("VIS-%08d", (ids * 7919) % 2000000).alias("visitor_id"),
            (ids % 5000).alias("page_id"),
            F.when(ids % 7 == 0, F.lit("mobile")).otherwise(F.lit("desktop")).alias("device"),
            ((ids * 104729) % 90000).alias("dwell_ms"),
        )
        name = "web_clicks_h%02d" % h
        clicks.createOrReplaceTempView(name)
        spark.catalog.cacheTable(name)
        summary = (
            spark.table(name)
            .coalesce(8)
            .groupBy("device")
            .agg(F.count(F.lit(1)).alias("clicks"), F.sum("dwell_ms").alias("dwell_ms"))
        )
        summary.write.mode("overwrite").parquet("click_summary/hour=%02d" % h)
        _log("hour %02d: clicks summarised" % h)
    _log("day done: %d hours cached" % hours)


# ---------------------------------------------------------------- streaming_state


def support_chat_blocked_terms_mask_stream(spark):
    # (streaming_state, local-cluster) The live support chat with blocked terms masked before
    # the agents' wallboard: the trust team's list of 12,000 blocked terms joined into one
    # case-insensitive pattern and applied with regexp_replace; every micro-batch (trigger
    # 0) is a new SQL execution whose plan description and plan graph hold the whole
    # pattern, and the job keeps the SQL tab's and the query's history long
    # (spark.sql.ui.retainedExecutions, spark.sql.streaming.numRecentProgressUpdates) for the
    # on-call's dashboard (the others: an isin allow-list, an rlike filter in Scala, state
    # stores, memory sinks, collected batches; this one is regexp_replace in PySpark).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_TERMS", "12000"))
    terms = ["blocked-term-%05d-%s" % (i, "x" * (i % 13)) for i in range(n)]
    pattern = "(?i)\\b(" + "|".join(terms) + ")\\b"
    msgs = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", 200)
        .option("numPartitions", 2)
        .load()
        .select(
            F.format_string("CHAT-%07d", F.col("value") % 40000).alias("chat_id"),
            F.format_string(
                "hello, order %d is late, blocked-term-%05d", "value", F.col("value") % 9000
            ).alias("text"),
            "timestamp",
        )
        .withColumn("text", F.regexp_replace("text", pattern, "***"))
    )
    q = (
        msgs.writeStream.format("noop")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="0 seconds")
        .start()
    )
    t0, last = time.time(), -1
    while q.isActive and time.time() - t0 < 900:
        q.awaitTermination(10)
        p = q.lastProgress
        if p and p["batchId"] != last:
            last = p["batchId"]
            _log("batch %d at %4.0fs: %d messages" % (last, time.time() - t0, p["numInputRows"]))
    q.awaitTermination()


# ---------------------------------------------------------------- max_result_size


def churn_features_wide_to_pandas(spark):
    # (max_result_size, local-cluster, spark.driver.maxResultSize=256m set by the platform
    # team) The churn model's training set pulled to pandas for scikit-learn: 300,000
    # customers with 400 numeric features each (no pyarrow: the plain toPandas collect), the
    # rows of 64 partitions, each task's result a few MB (the others: toPandas of narrow
    # frames, limit + toPandas, collects of rows, lists, sketches and models; this one is a
    # wide feature table).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_CUSTOMERS", "300000"))
    width = int(os.environ.get("DD_FEATURES", "400"))
    ids = F.col("id")
    feats = [(F.sin(ids * (i + 1)) * F.cos(ids / (i + 2))).alias("f%03d" % i) for i in range(width)]
    train = spark.range(0, n, 1, 64).select(
        F.format_string("CUST-%08d", ids).alias("customer_id"),
        (ids % 9 == 0).cast("int").alias("churned"),
        *feats,
    )
    pdf = train.toPandas()
    _log("training set: %d rows x %d columns" % pdf.shape)


# ---------------------------------------------------------------- too_many_tasks


def account_statements_sorted_partitions_rdd(spark):
    # (too_many_tasks, local-cluster) The monthly account statements: the postings keyed by
    # (account, posting time) and put in order with
    # rdd.repartitionAndSortWithinPartitions(numPartitions=300000) "one partition per
    # account, so each statement is one sorted partition", then each partition rendered and
    # the statements counted: the reduce stage has 300,000 tasks of a few postings each (the
    # others: reduceByKey / groupByKey numPartitions, range / shuffle / repartition
    # parallelism, many files; this one is repartitionAndSortWithinPartitions).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    accounts = int(os.environ.get("DD_ACCOUNTS", "300000"))
    n = accounts * 3
    ids = F.col("id")
    postings = (
        spark.range(0, n, 1, 8)
        .select(
            ((ids * 7919) % accounts).alias("account"),
            (ids * 37 % 2592000).alias("posted_s"),
            ((ids * 104729) % 200000 / 100.0 - 1000.0).alias("amount"),
        )
        .rdd.map(lambda r: ((r.account, r.posted_s), r.amount))
    )
    ordered = postings.repartitionAndSortWithinPartitions(
        numPartitions=accounts, partitionFunc=lambda key: key[0]
    )

    def render(rows):
        lines = ["%d %d %.2f" % (acc, ts, amt) for (acc, ts), amt in rows]
        yield len(lines)

    statements = ordered.mapPartitions(render).filter(lambda c: c > 0).count()
    _log("statements rendered: %d" % statements)


SCENARIOS = {
    f.__name__: f
    for f in [
        web_clicks_hourly_views_catalog_cached,
        support_chat_blocked_terms_mask_stream,
        churn_features_wide_to_pandas,
        account_statements_sorted_partitions_rdd,
    ]
}
WARN_LOG = set()


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
    # (cached_block_metadata, local-cluster, spark-shell's default WARN log) The smart meters'
    # readings of the day: the meter ids parallelized one meter per partition ("so that each
    # meter's series stays together"), each meter's four six-hour readings generated in the
    # partition, the RDD persisted MEMORY_ONLY for the day's reports and never unpersisted;
    # the day's totals per tariff computed over coalesce(8), so each of the 8 tasks computes
    # and caches 30,000 one-meter partitions, one block status to the driver each (the
    # others: persisted RDD / DataFrame chains and days, partitionBy, localCheckpoint, CACHE
    # TABLE; this one is parallelize with one slice per meter).
    "meter_readings_one_partition_per_meter_persisted": """
// Smart meter readings of the day: one partition per meter, kept for the day's reports.
import org.apache.spark.storage.StorageLevel
val meters = sys.env.getOrElse("DD_METERS", "240000").toInt
val meterIds = (0 until meters).map(i => f"MTR-$i%07d")
val readings = sc.parallelize(meterIds, meterIds.size).mapPartitions { it =>
  it.flatMap { m =>
    val base = math.abs(m.hashCode % 500)
    (0 until 4).map(q => (m, q, (base + q * 7) % 900 / 10.0))
  }
}.persist(StorageLevel.MEMORY_ONLY)
val byTariff = readings.coalesce(8).map { case (m, q, kwh) => (if (q == 1 || q == 2) "day" else "night", kwh) }
  .reduceByKey(_ + _).collect()
byTariff.foreach { case (t, kwh) => println(f"$t%-6s $kwh%.1f kWh") }
val peak = readings.coalesce(8).map(_._3).max()
println(s"peak six-hour reading: $peak kWh")
""",
    # (streaming_state, local-cluster) The bot filter of the live page views: a regular
    # expression of 4,000 known crawler user-agent fragments joined with "|" and applied
    # with rlike, the views of humans counted; every micro-batch (Trigger.ProcessingTime(0))
    # is a new SQL execution whose plan description and plan graph hold the whole pattern,
    # and the team keeps the SQL tab's and the query's history long for the on-call
    # (spark.sql.ui.retainedExecutions, spark.sql.streaming.numRecentProgressUpdates) (the
    # others: state stores, memory sinks, an isin allow-list, kept progress; this one is an
    # rlike pattern in the plan of each batch in Scala).
    "page_views_bot_filter_regex_stream": """
// Live page views without the crawlers: the known bot user-agent fragments as one pattern.
import org.apache.spark.sql.functions._
import org.apache.spark.sql.streaming.Trigger
val nBots = sys.env.getOrElse("DD_BOTS", "4000").toInt
val botPattern = (0 until nBots).map(i => f"crawler-agent-$i%05d/[0-9.]+ \\\\(compatible; fetch-bot-${i * 37}%06d\\\\)").mkString("|")
val views = spark.readStream.format("rate").option("rowsPerSecond", "200").option("numPartitions", "2").load()
  .select(
    format_string("Mozilla/5.0 (compatible; agent-%05d)", $"value" % 9000).as("user_agent"),
    ($"value" % 5000).as("page_id"),
    $"timestamp")
val humans = views.where(not($"user_agent".rlike(botPattern)))
val q = humans.writeStream.format("noop")
  .option("checkpointLocation", new java.io.File("checkpoint").getAbsolutePath)
  .trigger(Trigger.ProcessingTime(0)).start()
val t0 = System.currentTimeMillis
var last = -1L
while (q.isActive && System.currentTimeMillis - t0 < 900000L) {
  q.awaitTermination(10000)
  val p = q.lastProgress
  if (p != null && p.batchId != last) {
    last = p.batchId
    println(f"batch $last at ${(System.currentTimeMillis - t0) / 1000}%4ds: ${p.numInputRows} views")
  }
}
""",
    # (max_result_size, local-cluster, spark.driver.maxResultSize=128m) The finance export:
    # the month's invoices as a typed Dataset collected with collectAsList() for the Java
    # reporting library that renders the statement workbook; 900,000 invoices of about 300
    # bytes each (hashes, references), 24 partitions (the others: collectAsList into a heap
    # too small, collects, takes, tails, sketches; this one is a typed Dataset's collectAsList
    # under a result-size limit).
    "finance_invoices_dataset_collect_as_list_export": """
// Finance export: the month's invoices for the statement workbook.
import org.apache.spark.sql.functions._
case class Invoice(invoiceId: String, customerRef: String, paymentHash: String, lineDigest: String, amount: Double)
val n = sys.env.getOrElse("DD_INVOICES", "900000").toLong
val invoices = spark.range(0, n, 1, 24).select(
  format_string("INV-2026-11-%08d", $"id").as("invoiceId"),
  sha2(concat(lit("cust"), $"id".cast("string")), 256).as("customerRef"),
  sha2(concat(lit("pay"), $"id".cast("string")), 512).as("paymentHash"),
  sha2(concat(lit("line"), $"id".cast("string")), 256).as("lineDigest"),
  (($"id" * 104729) % 500000 / 100.0).as("amount")).as[Invoice]
val rows = invoices.collectAsList()
println(s"invoices for the workbook: ${rows.size}")
""",
}

SQL = {
    # (cached_block_metadata, spark-sql, local-cluster) The analysts' pipeline with every
    # step cached: the raw landing (200,000 small files, one partition each) cached lazily
    # as raw_events, the cleaned events (a narrow filter and projection of it, the same
    # 200,000 partitions) cached lazily as clean_events, and the day's figures read through a
    # COALESCE(8) hint: each of the 8 tasks computes and caches both tables' partitions,
    # 400,000 blocks in all, one block status to the driver each (the others: one cached
    # table, daily tables in a loop; this one is two cached steps of one pipeline).
    "checkout_events_cached_pipeline_steps_sql": """
-- Checkout events: every step of the pipeline cached for the analysts' follow-up queries.
SET spark.sql.adaptive.enabled=false;
CACHE LAZY TABLE raw_events AS
SELECT id AS event_id,
       format_string('SES-%09d', (id * 7919) % 5000000) AS session_id,
       CASE WHEN id % 11 = 0 THEN 'abandon' WHEN id % 5 = 0 THEN 'pay' ELSE 'view' END AS step,
       (id * 104729) % 30000 AS amount_cents
FROM range(0, 800000, 1, 200000);
CACHE LAZY TABLE clean_events AS
SELECT event_id, session_id, step, amount_cents / 100.0 AS amount
FROM raw_events WHERE step <> 'view' OR amount_cents > 0;
SELECT step, count(*) AS events, count(DISTINCT session_id) AS sessions, sum(amount) AS amount
FROM (SELECT /*+ COALESCE(8) */ * FROM clean_events) GROUP BY step ORDER BY step;
""",
}

# Dropped (no run kept; see the README's round 63 section): a streaming_state scenario,
# "store_orders_sku_category_map_stream" (PySpark, local-cluster, driver 384m, the SQL tab's and
# the query's history raised): live orders from a rate source tagged with a category by 3,000
# (SKU prefix, category) rules folded with functools.reduce into one F.when(...).when(...)
# chain, noop sink, trigger 0. Its generated code grew beyond 64 KB (whole-stage codegen
# disabled, the generated class logged every batch), about 0.3 micro-batches a second, the old
# generation freed by a full collection after about 150 s, no error; stopped by hand. Replaced by
# support_chat_blocked_terms_mask_stream above.
