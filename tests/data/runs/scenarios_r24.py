"""Bodies of the round-24 scenarios of the run matrix (tests/data/runs/), run by gen_r24.py.

``spark-submit scenarios_r24.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r23.py, gen_jvm.py)
uses; gen_r24.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. One of them
(WARN_LOG) calls ``spark.sparkContext.setLogLevel("WARN")`` right after the session is
created, as many real jobs do; the others keep Spark's default INFO driver log.
"""

import os
import sys

# ---------------------------------------------------------------- client_mode_small_driver


def device_sessions_concurrency_timeline(spark):
    # (client_mode_small_driver in local[*]) Concurrent app sessions per second for a
    # capacity dashboard: every session is expanded to one row per second it was open with
    # `explode(sequence(start, end, INTERVAL 1 SECOND))`, then counted per second. Sessions
    # still open have no end and get `coalesce(ended_at, current_timestamp())`; a few kiosk
    # terminals have been logged in since early 2025, so their one session becomes one
    # array of ~60,000,000 timestamps built inside a single task (the others: collect_list,
    # exact percentiles, window collect_list, whole-text / multi-line JSON / CSV files, a
    # random forest, the mode aggregate, percentile_approx, a sort-merge join's hot key;
    # this one is one row's generated array).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_SESSIONS", "300000"))
    day = 1764547200  # 2025-12-01
    sessions = spark.range(0, n, 1, 8).select(
        F.col("id").alias("session_id"),
        (F.col("id") % 20000).alias("device_id"),
        F.timestamp_seconds(F.lit(day) + F.col("id") * 7 % 86400).alias("started_at"),
        F.when(
            F.col("id") % 50 != 0,
            F.timestamp_seconds(F.lit(day) + F.col("id") * 7 % 86400 + 60 + F.col("id") % 1800),
        ).alias("ended_at"),
    )
    kiosks = spark.createDataFrame(
        [(n + i, 90000 + i, "2025-01-0%d 08:00:00" % (i + 2)) for i in range(3)],
        "session_id long, device_id long, started_at string",
    ).select(
        "session_id",
        "device_id",
        F.to_timestamp("started_at").alias("started_at"),
        F.lit(None).cast("timestamp").alias("ended_at"),
    )
    all_sessions = sessions.unionByName(kiosks)
    _log("sessions: %d" % all_sessions.count())
    per_second = (
        all_sessions.withColumn("ended_at", F.coalesce("ended_at", F.current_timestamp()))
        .select(
            F.explode(F.sequence("started_at", "ended_at", F.expr("INTERVAL 1 SECOND"))).alias(
                "second"
            )
        )
        .groupBy("second")
        .agg(F.count("*").alias("open_sessions"))
    )
    peak = per_second.orderBy(F.desc("open_sessions")).first()
    _log("peak: %s open sessions at %s" % (peak["open_sessions"], peak["second"]))


# ---------------------------------------------------------------- broadcast_too_large


def partner_fixed_width_statement_export(spark):
    # (broadcast_too_large) Monthly statements for a bank's partners in the fixed-width
    # format of the partners' legacy system: each transaction line carries the partner's
    # header record, built with `rpad` from the partner master data (150,000 partners, a
    # parquet file of a few MB) to 2,000 characters, and the 2,000,000 transactions are
    # joined to it on partner_id. The planner sizes the header side from the file's size
    # scaled by the columns' default sizes (20 bytes a string, whatever `rpad` makes of it),
    # so it broadcasts ~300 MB of records (the others: broadcast() / SQL hints, raised
    # thresholds, AQE's runtime statistics, size estimates that a limit / explode / filter
    # / gzip / stale statistics get wrong, a pandas frame, a stream-static hint, NOT IN
    # subqueries, an explicit sc.broadcast, a non-equi outer join; this one is strings
    # padded wide by a projection).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_partners = int(os.environ.get("DD_PARTNERS", "150000"))
    master = os.path.abspath("partners")
    spark.range(0, n_partners, 1, 2).select(
        F.col("id").alias("partner_id"),
        F.concat(F.lit("Partner "), F.col("id"), F.lit(" GmbH")).alias("name"),
        F.concat(F.lit("Hauptstrasse "), F.col("id") % 300).alias("street"),
        F.concat(F.lpad((F.col("id") % 99999).cast("string"), 5, "0"), F.lit(" Berlin")).alias("city"),
        F.concat(F.lit("DE"), F.lpad(F.col("id").cast("string"), 20, "0")).alias("iban"),
    ).write.mode("overwrite").parquet(master)
    partners = spark.read.parquet(master)
    header = partners.select(
        "partner_id",
        F.concat(
            F.lit("H"),
            F.rpad(F.col("partner_id").cast("string"), 12, " "),
            F.rpad("name", 487, " "),
            F.rpad("street", 500, " "),
            F.rpad("city", 500, " "),
            F.rpad("iban", 500, " "),
        ).alias("header_record"),
    )
    txns = spark.range(0, int(os.environ.get("DD_TXNS", "2000000")), 1, 8).select(
        F.col("id").alias("txn_id"),
        (F.col("id") * 7919 % n_partners).alias("partner_id"),
        (F.col("id") * 31 % 1000000 / 100.0).alias("amount"),
        F.date_add(F.lit("2026-11-01").cast("date"), (F.col("id") % 30).cast("int")).alias("booked_on"),
    )
    lines = txns.join(header, "partner_id").select(
        F.concat(
            "header_record",
            F.lit("T"),
            F.rpad(F.col("txn_id").cast("string"), 16, " "),
            F.lpad(F.format_number("amount", 2), 16, " "),
            F.date_format("booked_on", "yyyyMMdd"),
        ).alias("value")
    )
    out = os.path.abspath("out/statements")
    lines.write.mode("overwrite").text(out)
    _log("statements written to %s" % out)


# ---------------------------------------------------------------- python_driver_oom


def weekly_orders_html_email_report(spark):
    # (python_driver_oom; WARN log) The weekly order list mailed to the sales team as an
    # HTML table: the week's orders (1,500,000) are read with `toLocalIterator()` (so no
    # collect) and each one is formatted as a `<tr>` line into a list, joined into one HTML
    # body at the end. The Python driver's address space is capped at its size + 400 MB
    # before the loop (the others: toPandas / collect / asDict / json.dumps / csv / pivot /
    # get_dummies / merge / to_dict / numpy / print / show / createDataFrame / a
    # local-iterator dict / itertools pairs / gzip decompression / a bigram Counter / a
    # Python accumulator / the job's JSON read back; this one is an HTML body built from
    # every row).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    orders = spark.range(0, int(os.environ.get("DD_ORDERS", "1500000")), 1, 8).select(
        F.col("id").alias("order_id"),
        F.concat(F.lit("C-"), F.lpad((F.col("id") % 90000).cast("string"), 6, "0")).alias("customer"),
        F.element_at(
            F.array(*[F.lit(c) for c in ("Hamburg", "Berlin", "Munich", "Cologne", "Leipzig")]),
            (F.col("id") % 5 + 1).cast("int"),
        ).alias("store"),
        F.date_add(F.lit("2026-11-23").cast("date"), (F.col("id") % 7).cast("int")).alias("order_date"),
        (F.col("id") * 7919 % 100000 / 100.0).alias("amount"),
        F.element_at(
            F.array(*[F.lit(c) for c in ("paid", "shipped", "returned")]),
            (F.col("id") % 3 + 1).cast("int"),
        ).alias("status"),
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    rows = []
    for r in orders.toLocalIterator():
        rows.append(
            '<tr><td class="id">%d</td><td>%s</td><td>%s</td><td>%s</td>'
            '<td class="num">%.2f</td><td class="status-%s">%s</td></tr>'
            % (r.order_id, r.customer, r.store, r.order_date, r.amount, r.status, r.status)
        )
    body = "<html><body><table>" + "\n".join(rows) + "</table></body></html>"
    _log("report: %d orders, %d characters" % (len(rows), len(body)))


# ---------------------------------------------------------------- not_driver_oom


def store_sales_pandas_forecast_input(spark):
    # (not_driver_oom) A look-alike in a driver-memory setting: the daily sales per store
    # and product (2,000,000 sales aggregated to 700 series) are brought to pandas with
    # `toPandas()` as the input of a forecasting notebook turned job. The job follows the
    # team's "fast pandas" settings, `spark.sql.execution.arrow.pyspark.enabled=true` with
    # `spark.sql.execution.arrow.pyspark.fallback.enabled=false` (fail instead of falling
    # back silently), set in the script; the cluster image has no pyarrow, so toPandas stops
    # before any conversion with an import error (the others: a corrupt parquet footer,
    # missing paths and tables, a parquet schema mismatch on read, insertInto's column
    # count, ANSI errors, FAILFAST parsing, a UDF's exception, pickling errors, stack
    # overflows, a week-based datetime pattern, a positional union; this one is a missing
    # Python package with Arrow's fallback turned off).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    spark.conf.set("spark.sql.execution.arrow.pyspark.fallback.enabled", "false")
    sales = spark.range(0, int(os.environ.get("DD_SALES", "2000000")), 1, 8).select(
        (F.col("id") % 50).alias("store_id"),
        (F.col("id") * 7919 % 700).alias("product_id"),
        F.date_add(F.lit("2026-10-01").cast("date"), (F.col("id") % 61).cast("int")).alias("day"),
        (F.col("id") % 5 + 1).alias("qty"),
    )
    daily = sales.groupBy("store_id", "product_id").agg(
        F.sum("qty").alias("units"), F.countDistinct("day").alias("days")
    )
    _log("store/product series: %d" % daily.count())
    pdf = daily.toPandas()
    _log("pandas frame: %d rows, %d columns" % pdf.shape)


SCENARIOS = {
    f.__name__: f
    for f in [
        device_sessions_concurrency_timeline,
        partner_fixed_width_statement_export,
        weekly_orders_html_email_report,
        store_sales_pandas_forecast_input,
    ]
}

# The scenarios whose script sets the WARN log level right after the session starts.
WARN_LOG = {
    "weekly_orders_html_email_report",
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
