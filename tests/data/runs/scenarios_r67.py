"""Round 67's scenarios (gen_r67.py): PySpark bodies run by ``spark-submit scenarios_r67.py
<scenario>``, and the Scala and SQL scripts (``SCALA``, ``SQL``) that gen_shell.run writes into
a run's scratch dir and runs with spark-shell -i or spark-sql -f.

A second unaimed round: eight ordinary incidents, each the most common way a data engineer
meets its cause in daily work, on a code path no earlier scenario uses.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys


def _cap_address_space(extra_mb):
    """Cap this (driver) Python process's address space at its current size + extra_mb, as a
    container nearly full would; the JVM, already running, is not capped. Prints nothing."""
    import resource

    with open("/proc/self/status") as fh:
        vm = [line for line in fh if line.startswith("VmSize:")][0]
    limit = int(vm.split()[1]) * 1024 + extra_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# ---------------------------------------------------------------- collect_to_driver


def gateway_access_log_text_file_grep_collect(spark):
    # (collect_to_driver, local-cluster, driver 512m) A support ticket from the largest tenant:
    # yesterday's API gateway access log (text files the gateway exports; generated here)
    # read with sc.textFile, filtered to the tenant's lines with a Python lambda, and collected
    # to the driver to be searched there (the others: collect() of rows, collectAsMap, glom,
    # toLocalIterator, toPandas, a column through rdd.flatMap; this one is a text file RDD
    # grepped and collected).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_LINES", "5000000"))
    ids = F.col("id")
    tenants = F.element_at(
        F.array(*[F.lit(t) for t in ["acme-retail"] * 7 + ["northwind", "globex", "initech"]]),
        (ids % 10 + 1).cast("int"),
    )
    spark.range(0, n, 1, 16).select(
        F.format_string(
            '10.%d.%d.%d - - [05/Dec/2026:%02d:%02d:%02d +0000] "GET /v2/accounts/%s/transactions'
            '?page=%d HTTP/1.1" %d %d %dms tenant=%s req=%s',
            ids % 250,
            (ids * 7) % 250,
            (ids * 13) % 250,
            (ids / 208334).cast("int"),
            (ids / 3473).cast("int") % 60,
            ids % 60,
            F.substring(F.sha2(ids.cast("string"), 256), 1, 12),
            ids % 40,
            F.when(ids % 50 == 0, 502).otherwise(200),
            (ids * 7919) % 90000,
            (ids * 31) % 2000,
            tenants,
            F.sha2(F.concat(ids.cast("string"), F.lit("req")), 256),
        )
    ).write.mode("overwrite").text("exports/gateway_access/2026-12-05")
    logs = spark.sparkContext.textFile("exports/gateway_access/2026-12-05")
    lines = logs.filter(lambda line: "tenant=acme-retail" in line).collect()
    _log("acme-retail requests: %d" % len(lines))
    slow = [line for line in lines if " 502 " in line]
    _log("acme-retail 502s: %d" % len(slow))


# ---------------------------------------------------------------- python_driver_oom


def courier_invoice_lines_pandas_astype_str_reconcile(spark):
    # (python_driver_oom, local-cluster, the Python driver's address space capped by the
    # script as a nearly full container would) The finance team's courier invoice check: the
    # month's shipment charges collected and turned into a pandas frame with
    # pd.DataFrame(df.collect(), columns=df.columns), every column then made a string
    # (astype(str)) to compare with the courier's CSV invoice cell by cell (the others:
    # toPandas + merge / pivot / get_dummies / to_dict, asDict, csv, pickle, json_normalize;
    # this one is a frame built from collected Rows and cast to strings).
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _cap_address_space(int(os.environ.get("DD_PY_MB", "700")))
    n = int(os.environ.get("DD_LINES", "700000"))
    ids = F.col("id")
    charges = spark.range(0, n, 1, 8).select(
        F.format_string("INV-2026-11-%06d", (ids / 40).cast("long")).alias("invoice_no"),
        F.format_string("SHP%012d", (ids * 7919) % 1000000000000).alias("shipment_id"),
        (((ids * 31) % 3000) / 100.0).alias("weight_kg"),
        ((ids * 17) % 120 + 10).cast("double").alias("length_cm"),
        ((ids * 13) % 80 + 10).cast("double").alias("width_cm"),
        ((ids * 7) % 60 + 5).cast("double").alias("height_cm"),
        (((ids * 104729) % 2500) / 100.0 + 4.9).alias("base_fee"),
        (((ids * 7) % 300) / 100.0).alias("fuel_surcharge"),
        F.when(ids % 23 == 0, 3.5).otherwise(0.0).alias("remote_area_fee"),
        (((ids * 104729) % 2500) / 100.0 * 0.19).alias("vat"),
    )
    rows = charges.collect()
    _log("shipment charges: %d" % len(rows))
    ours = pd.DataFrame(rows, columns=charges.columns).astype(str)
    _log("charges as text: %d x %d" % ours.shape)
    theirs = ours.copy()
    diff = (ours != theirs).any(axis=1)
    _log("lines differing from the courier's invoice: %d" % int(diff.sum()))


# ---------------------------------------------------------------- driver_side_state


def site_returning_visitors_counter_by_day(spark):
    # (driver_side_state, local-cluster, the Python driver's address space capped by the
    # script as a nearly full container would) The web team's returning-visitor report: one
    # query a day of the month for the day's distinct visitor ids, collected and added to a
    # collections.Counter kept across the days to count returning visitors (the others:
    # collected rows, sets of seen ids, memoized lookups, pandas frames and models kept by day;
    # this one is a running Counter of visitor ids fed by a query a day).
    import datetime
    from collections import Counter

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _cap_address_space(int(os.environ.get("DD_PY_MB", "700")))
    per_day = int(os.environ.get("DD_VISITS", "600000"))
    ids = F.col("id")
    visits = spark.range(0, 30 * per_day, 1, 8).select(
        F.date_add(F.lit("2026-11-01").cast("date"), (ids / per_day).cast("int")).alias("day"),
        F.format_string(
            "v1.%s", F.substring(F.sha2((F.abs(F.hash(ids)) % 15000000).cast("string"), 256), 1, 24)
        ).alias("visitor_id"),
        F.format_string("/p/%d", ids % 5000).alias("page"),
    )
    seen = Counter()
    start = datetime.date(2026, 11, 1)
    for d in range(30):
        day = start + datetime.timedelta(days=d)
        today = visits.where(F.col("day") == F.lit(day)).select("visitor_id").distinct()
        ids_today = [r.visitor_id for r in today.collect()]
        returning = sum(1 for v in ids_today if v in seen)
        seen.update(ids_today)
        _log("%s: %d visitors, %d back, %d seen" % (day, len(ids_today), returning, len(seen)))
    _log("visitors seen on more than one day: %d" % sum(1 for c in seen.values() if c > 1))


# ---------------------------------------------------------------- client_mode_small_driver


def branch_queue_times_topandas_chart(spark):
    # (client_mode_small_driver, local-cluster, the driver at Spark's default 1g) The branch
    # network's quarterly review: the quarter's queue-time samples of the bank's branches
    # (6,000,000 rows, nine columns) turned into a pandas frame with toPandas() for the
    # notebook's charts, on a driver nobody sized (the others: toPandas of invoice lines and
    # stock movements, createDataFrame, broadcast joins, MLlib fits, collectAsList; this one
    # is toPandas of a filtered table for charts).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_SAMPLES", "6000000"))
    ids = F.col("id")
    regions = F.array(*[F.lit(r) for r in ["North", "South", "East", "West", "Central", "TEST"]])
    services = F.array(
        *[F.lit(s) for s in ["cash deposit", "mortgage advice", "account opening", "card issue"]]
    )
    samples = spark.range(0, n, 1, 8).select(
        F.format_string("BR-%05d", ids % 1800).alias("branch_id"),
        F.element_at(regions, (ids % 6 + 1).cast("int")).alias("region"),
        (F.lit(1759276800) + ids * 3).cast("timestamp").alias("sampled_at"),
        F.format_string("TCK-%012d", (ids * 7919) % 1000000000000).alias("ticket_id"),
        F.element_at(services, (ids % 4 + 1).cast("int")).alias("service"),
        ((ids * 104729) % 3600).alias("wait_seconds"),
        ((ids * 31) % 1200).alias("service_seconds"),
        ((ids * 17) % 9).alias("counters_open"),
        F.sha2(ids.cast("string"), 256).alias("customer_ref"),
    )
    pdf = samples.where(F.col("region") != "TEST").toPandas()
    _log("queue samples: %d" % len(pdf))
    weekly = pdf.groupby(["region", pdf["sampled_at"].dt.isocalendar().week])["wait_seconds"]
    _log(weekly.median().unstack(0).to_string())


SCENARIOS = {
    f.__name__: f
    for f in [
        gateway_access_log_text_file_grep_collect,
        courier_invoice_lines_pandas_astype_str_reconcile,
        site_returning_visitors_counter_by_day,
        branch_queue_times_topandas_chart,
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
    # (cached_block_metadata, local-cluster, spark-shell's default WARN log, driver 192m) The
    # ATM withdrawals of the month, one partition per ATM upload file (320,000 of them), as a
    # typed Dataset cached with .cache() because two reports read it, each
    # report a typed groupByKey over coalesce(8) (the others: RDDs and DataFrames persisted
    # per day / step / meter, cacheTable, CACHE LAZY TABLE, OFF_HEAP, replicated levels; this
    # one is a typed Dataset's cache() read by groupByKey / reduceGroups).
    "atm_withdrawals_typed_dataset_cache_reports": """
// ATM withdrawals of the month: one partition per upload file, cached for the two reports.
val files = sys.env.getOrElse("DD_FILES", "320000").toInt
val withdrawals = spark.range(0, files * 4L, 1, files).select(
  format_string("ATM-%05d", $"id" % 9000).as("atmId"),
  substring(sha2($"id".cast("string"), 256), 1, 16).as("cardHash"),
  (($"id" * 7919) % 50 * 10 + 20).as("amount"),
  (lit(1764547200L) + $"id" % 2592000).as("ts")).as[(String, String, Long, Long)].cache()
val perAtm = withdrawals.coalesce(8).groupByKey(_._1).mapValues(_._3).reduceGroups(_ + _)
perAtm.toDF("atm_id", "amount").write.mode("overwrite").parquet("atm_reports/withdrawn_by_atm")
println("withdrawn by atm written")
val large = withdrawals.coalesce(8).filter(_._3 >= 400).groupByKey(_._1).count()
large.toDF("atm_id", "withdrawals").write.mode("overwrite").parquet("atm_reports/large_withdrawals")
println("large withdrawals written")
""",
    # (not_driver_oom, local-cluster, spark-shell's default WARN log, executors 768m) The app
    # analytics team's sessions: device events grouped with groupByKey(_._1) and each
    # device's events sorted in memory (it.toSeq.sortBy) inside flatMapGroups to cut them into
    # sessions at 30-minute gaps; an SDK release sent 60 % of the events with the device id
    # "unknown", so one group holds millions of events on one executor (the others:
    # collect_list / collect_set per key, explode, skewed windows and joins, mapGroups
    # medians; this one is a sessionizer over flatMapGroups).
    "app_events_flat_map_groups_sessionizer": """
// App sessions of the day: every device's events cut at 30-minute gaps.
val n = sys.env.getOrElse("DD_EVENTS", "8000000").toLong
val events = spark.range(0, n, 1, 16).select(
  when($"id" % 10 < 6, lit("unknown")).otherwise(format_string("DEV-%08d", ($"id" / 50).cast("long"))).as("deviceId"),
  (lit(1764979200000L) + $"id" * 7).as("ts"),
  element_at(typedLit(Seq("open", "view", "click", "purchase", "close")), ($"id" % 5 + 1).cast("int")).as("eventType"),
  sha2($"id".cast("string"), 256).as("payload")).as[(String, Long, String, String)]
val sessions = events.groupByKey(_._1).flatMapGroups { (device, it) =>
  val sorted = it.toSeq.sortBy(_._2)
  val out = scala.collection.mutable.ArrayBuffer.empty[(String, Long, Long, Int)]
  var start = sorted.head._2; var last = start; var count = 0
  for (e <- sorted) {
    if (e._2 - last > 30 * 60 * 1000L) { out += ((device, start, last, count)); start = e._2; count = 0 }
    last = e._2; count += 1
  }
  out += ((device, start, last, count))
  out
}.toDF("device_id", "session_start", "session_end", "events")
sessions.write.mode("overwrite").parquet("app_sessions/2026-12-06")
println("sessions written")
""",
    # (not_driver_oom, local-cluster, spark-shell's default WARN log) The depot scanners'
    # label check: the check-digit decoder of the scanners' command-line tool pasted into a
    # UDF, which calls sys.exit(3) on a checksum mismatch as the tool did; one damaged
    # barcode in 400,000 takes the whole executor JVM down (exit code 3), its shuffle output
    # with it, and the retries on the other executors end the same way (the others: a Python
    # worker killed by a native call, RecursionError, heartbeat timeouts, SIGKILL, corrupt
    # files; this one is an executor JVM exiting from library code).
    "depot_scan_labels_checksum_decoder_udf": """
// Depot scan labels: decode the scanned barcodes with the scanner tool's decoder, labels per depot.
object LabelCodec extends Serializable {
  // From the scanners' command-line tool (LabelCodec.scala): exit status 3 on a bad checksum.
  def decode(barcode: String): String = {
    val body = barcode.dropRight(1)
    if (body.map(_.asDigit).sum % 10 != barcode.last.asDigit) {
      Console.err.println(s"label-codec: checksum mismatch in $barcode")
      sys.exit(3)
    }
    body.take(4) + "-" + body.drop(4)
  }
}
val decode = udf((barcode: String) => LabelCodec.decode(barcode))
val n = sys.env.getOrElse("DD_SCANS", "6000000").toLong
val scans = spark.range(0, n, 1, 16).map { id =>
  val body = f"${(id * 7919) % 100000000000L}%011d"
  val check = body.map(_.asDigit).sum % 10
  val digit = if (id % 400000 == 399999) (check + 1) % 10 else check
  (f"DEPOT-${id % 120}%03d", body + digit, id % 86400)
}.toDF("depot", "barcode", "second_of_day")
val labels = scans.repartition(8, $"depot").select($"depot", decode($"barcode").as("label"))
labels.groupBy("depot").agg(countDistinct("label").as("labels"))
  .write.mode("overwrite").parquet("depot_labels/2026-12-06")
println("depot labels written")
""",
}

SQL = {
    # (broadcast_too_large, local-cluster, spark-sql, driver 512m) The loyalty statement run:
    # the analysts' script raises the broadcast threshold to 100m and caches the members table
    # (CACHE TABLE) because several statements read it. Cached, the members are planned at
    # their in-memory size (827 MiB), larger than the month's points transactions, whose
    # parquet files (about 109 MB for 12,000,000 rows, two of four columns read) are estimated
    # under the threshold; so the join broadcasts the 12,000,000 transactions, a hash relation
    # built on the driver several times their size on disk (the others: hints, stale or
    # underestimated file statistics, explode, limits, AQE at run time; this one is a cached
    # dimension turning the fact table into the build side).
    "loyalty_statement_cached_members_join_sql": """
-- Loyalty statements for November: points per tier, segment and home store.
SET spark.sql.autoBroadcastJoinThreshold=100m;
CREATE TABLE loyalty_members USING parquet AS
SELECT id AS member_id,
       element_at(array('bronze', 'silver', 'gold', 'platinum'), CAST(id % 4 + 1 AS INT)) AS tier,
       concat('segment ', CAST(id % 250 AS STRING), ': urban families, weekly basket, price sensitive') AS segment,
       concat('STORE-', lpad(CAST(id % 600 AS STRING), 4, '0'), ' high street superstore and pharmacy') AS home_store,
       element_at(array('active', 'lapsed', 'closed'), CAST(id % 3 + 1 AS INT)) AS status,
       date_add(DATE'2015-01-01', CAST(id % 4000 AS INT)) AS joined_on
FROM range(0, 6000000, 1, 8);
CREATE TABLE points_transactions USING parquet AS
SELECT id AS txn_id,
       (id * 7919) % 6000000 AS member_id,
       (id * 104729) % 500 AS points,
       date_add(DATE'2026-11-01', CAST(id % 30 AS INT)) AS txn_date
FROM range(0, 12000000, 1, 16);
CACHE TABLE loyalty_members;
SELECT m.tier, m.segment, m.home_store, count(*) AS transactions, sum(t.points) AS points
FROM points_transactions t
JOIN loyalty_members m ON t.member_id = m.member_id
GROUP BY m.tier, m.segment, m.home_store
ORDER BY points DESC
LIMIT 20;
""",
}
