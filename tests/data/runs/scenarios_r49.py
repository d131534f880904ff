"""Bodies of the round-49 scenarios of the run matrix (tests/data/runs/), run by gen_r49.py.

Round 49 mixes PySpark, Scala and SQL, as rounds 35 to 48 do. ``spark-submit scenarios_r49.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
48 do. A SCALA script is run by gen_r49.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r48.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes of the PySpark and Scala bodies can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of the
earlier rounds uses; gen_r49.py records what really happened. The scenario names say what the
job does, not how it fails, and the scripts print only what such a job would print.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- python_driver_oom


def sku_daily_stock_calendar_reindex(spark):
    # (python_driver_oom; WARN log; driver 1g, Python address space capped) The daily stock
    # movements of the stores (200,000 store x SKU x day rows with a movement) brought into
    # pandas, then "every store, every SKU, every day of the year, zero where nothing moved"
    # for the replenishment model: pd.MultiIndex.from_product(stores, skus, days) and
    # reindex(fill_value=0). toPandas() is small; the full calendar is 200 x 4,000 x 365 =
    # 292,000,000 index entries, built by pandas on the driver (the others: pivot_table /
    # merge / get_dummies / to_dict / json / pickle / sqlite / xml / zip / html / resample
    # on the driver; this one is a MultiIndex.from_product cartesian calendar).
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n_rows = int(os.environ.get("DD_MOVEMENTS", "200000"))
    movements = spark.range(0, n_rows, 1, 4).select(
        F.format_string("ST%03d", F.col("id") % 200).alias("store"),
        F.format_string("SKU%05d", (F.col("id") * 7) % 4000).alias("sku"),
        F.date_add(F.lit("2026-01-01").cast("date"), ((F.col("id") * 13) % 365).cast("int")).alias(
            "day"
        ),
        ((F.col("id") % 41) - 20).alias("qty_change"),
    )
    pdf = movements.toPandas()
    _log("stock movements in pandas: %d rows" % len(pdf))
    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    calendar = pd.MultiIndex.from_product(
        [sorted(pdf["store"].unique()), sorted(pdf["sku"].unique()), sorted(pdf["day"].unique())],
        names=["store", "sku", "day"],
    )
    daily = pdf.groupby(["store", "sku", "day"])["qty_change"].sum().reindex(calendar, fill_value=0)
    _log("daily stock rows: %d" % len(daily))


# ---------------------------------------------------------------- driver_side_state


def store_footfall_memoized_day_lookups(spark):
    # (driver_side_state; WARN log; driver 1g, Python address space capped) A footfall
    # report service answering "visits of store S on day D" for the store managers: the
    # day's visits are fetched with collect() once and memoized with
    # functools.cache "so that the other stores of that day are instant".
    # Each lookup is small (one day, ~60,000 visits); the memo keeps every day asked for,
    # and the requests walk through the quarter (the others: pandas history, per-day stats
    # lists, collected micro-batches, dicts of DataFrames, broadcasts / views / accumulators
    # kept over a loop; this one is a functools.cache over collect()).
    import functools

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    per_day = int(os.environ.get("DD_VISITS_PER_DAY", "60000"))
    n_days = int(os.environ.get("DD_DAYS", "90"))
    visits = spark.range(0, per_day * n_days, 1, 8).select(
        (F.col("id") / per_day).cast("int").alias("visit_day"),
        F.format_string("STORE-%03d", F.col("id") % 150).alias("store_id"),
        F.sha2(F.concat(F.lit("visitor-"), (F.col("id") % 900001).cast("string")), 256).alias(
            "visitor_hash"
        ),
        F.timestamp_seconds(F.lit(1767225600) + F.col("id")).alias("entered_at"),
        ((F.col("id") * 37) % 3600).alias("dwell_s"),
    )

    @functools.cache
    def visits_of_day(day):
        return visits.filter(F.col("visit_day") == day).collect()

    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    for day in range(n_days):
        for store in ("STORE-001", "STORE-042", "STORE-117"):
            rows = [r for r in visits_of_day(day) if r.store_id == store]
        _log("footfall day %d: %d visits at %s" % (day, len(rows), store))
    _log("footfall report done: %d days" % n_days)


def tenant_report_sessions_by_account(spark):
    # (driver_side_state; WARN log; Parallel GC with the overhead limit) A multi-tenant
    # reporting service that gives every customer account its own SparkSession
    # (spark.newSession(), "so that each account's time zone and views are isolated"): the
    # account's time zone set, a temporary view of its orders over a shared global view, and
    # its daily revenue report prepared (not run), each session kept in a dict by account for
    # the account's later requests. No job runs; every session has its own SessionState
    # (catalog, conf, analyzer, function registry) in the driver JVM (the others: temp views,
    # parallelized RDDs, broadcasts, UDF registrations, listeners, accumulators, observations,
    # UI history, union / withColumn / self-join loops, pandas history, dicts of DataFrames;
    # this one is a session per account).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_accounts = int(os.environ.get("DD_ACCOUNTS", "30000"))
    zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
    orders = spark.range(0, 2000000, 1, 8).select(
        (F.col("id") % n_accounts).alias("account_id"),
        F.col("id").alias("order_id"),
        F.timestamp_seconds(F.lit(1767225600) + F.col("id") * 7).alias("ordered_at"),
        ((F.col("id") % 99999) / 100).alias("amount"),
    )
    orders.createOrReplaceGlobalTempView("orders")
    sessions = {}
    reports = {}
    for account in range(n_accounts):
        s = spark.newSession()
        s.conf.set("spark.sql.session.timeZone", zones[account % len(zones)])
        s.sql(
            "CREATE TEMPORARY VIEW account_orders AS SELECT * FROM global_temp.orders"
            " WHERE account_id = %d" % account
        )
        reports[account] = s.sql(
            "SELECT to_date(ordered_at) AS order_day, count(*) AS orders, sum(amount) AS revenue"
            " FROM account_orders GROUP BY to_date(ordered_at)"
        )
        sessions[account] = s
        if account % 250 == 0:
            _log("account sessions ready: %d" % len(sessions))
    _log("all account sessions ready: %d" % len(sessions))


SCENARIOS = {
    f.__name__: f
    for f in [
        sku_daily_stock_calendar_reindex,
        store_footfall_memoized_day_lookups,
        tenant_report_sessions_by_account,
    ]
}
WARN_LOG = set(SCENARIOS)


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
    # (collect_to_driver; local-cluster, driver 512m, executors 768m) The item-to-item
    # similarity table of the recommender: 6,000 item vectors of 64 latent factors as an
    # IndexedRowMatrix, turned into a BlockMatrix (1,000 x 1,000 blocks) and multiplied by
    # its transpose on the executors, then BlockMatrix.toLocalMatrix() "to write the table
    # the serving layer loads". toLocalMatrix() collects every block of the 6,000 x 6,000
    # dense product (288 MB of doubles) and copies it into one local array on the driver
    # (the others: collect / take / toPandas / toLocalIterator / collectAsMap / countByKey /
    # countByValue / takeOrdered / top / glom / runJob / aggregate; this one is an MLlib
    # distributed matrix turned into a local one).
    "item_similarity_block_matrix_export": """
// Item-to-item similarity table for the recommender's serving layer.
import org.apache.spark.mllib.linalg.Vectors
import org.apache.spark.mllib.linalg.distributed.{IndexedRow, IndexedRowMatrix}
val nItems = sys.env.getOrElse("DD_ITEMS", "6000").toLong
val rank = 64
val itemFactors = sc.parallelize(0L until nItems, 12).map { i =>
  IndexedRow(i, Vectors.dense(Array.tabulate(rank)(k => ((i * 31 + k * 17) % 1000) / 1000.0)))
}
val factors = new IndexedRowMatrix(itemFactors, nItems, rank).toBlockMatrix(1000, 1000).cache()
val similarity = factors.multiply(factors.transpose)
println(s"similarity blocks: ${similarity.numRowBlocks} x ${similarity.numColBlocks}")
val table = similarity.toLocalMatrix()
println(s"similarity table: ${table.numRows} x ${table.numCols}")
""",
    # (not_driver_oom; local-cluster, executors 768m) The parcel scan archive of the
    # courier network, written as two files sorted by barcode and scan time "so that the
    # archive viewer can binary-search it": 8,000,000 scans coalesced to 2 partitions, each
    # sorted in its task with mapPartitions(it => it.toArray.sortBy(...).iterator). Each
    # task materializes its 4,000,000 rows as objects on its executor (the others:
    # collect_list / collect_set / explode / rpad / repeat / sequence / mapGroups /
    # percentile / windows / top-K / broadcasts / groupByKey on executors; this one is a
    # whole partition materialized in mapPartitions).
    "courier_scans_partition_sorted_archive": """
// Parcel scan archive, two files sorted by barcode and scan time.
import org.apache.spark.sql.Row
val nScans = sys.env.getOrElse("DD_SCANS", "8000000").toLong
val scans = spark.range(0, nScans, 1, 16).selectExpr(
  "id AS scan_id",
  "concat('PARCEL-', lpad(CAST(id % 900000 AS STRING), 9, '0')) AS barcode",
  "timestamp_seconds(1767225600 + id) AS scan_ts",
  "concat('DEPOT-', CAST(id % 120 AS STRING)) AS depot",
  "sha2(CAST(id AS STRING), 256) AS device_sig")
val sorted = scans.rdd.coalesce(2).mapPartitions { it =>
  it.toArray.sortBy(r => (r.getString(1), r.getTimestamp(2).getTime)).iterator
}
spark.createDataFrame(sorted, scans.schema).write.mode("overwrite").parquet("archive/parcel_scans")
println("parcel scan archive written")
""",
    # (large_closure) The nightly partner export of new accounts: the ids already sent to
    # the partner (20,000,000 of them, sorted, an Array[Long] of 160 MB loaded on the
    # driver) are checked with a binary search inside the function given to
    # Dataset.foreachPartition, which pushes the remaining accounts; the function reads the
    # shell's array, so the closure holds it and is serialized with it (the others: UDFs,
    # RDD map / filter / flatMap / partitioner / sortBy / aggregate / reduceByKey /
    # mapPartitionsWithIndex closures, Dataset map / mapPartitions / flatMapGroups, a UDAF,
    # model methods, a registered SQL UDF, isin lists, big literals; this one is a
    # Dataset.foreachPartition action).
    "partner_export_known_ids_foreach_partition": """
// Nightly partner export of the accounts not yet sent.
import org.apache.spark.sql.Row
val nKnown = sys.env.getOrElse("DD_KNOWN_IDS", "20000000").toInt
val exportedIds: Array[Long] = Array.tabulate(nKnown)(i => i.toLong * 3L + 7L)
println(s"ids already exported: ${exportedIds.length}")
val accounts = spark.range(0, 3000000, 1, 8).selectExpr(
  "id * 2 AS account_id", "concat('ACC-', CAST(id * 2 AS STRING)) AS account_ref")
val pushPartition: Iterator[Row] => Unit = { rows =>
  var pushed = 0
  rows.foreach { r =>
    if (java.util.Arrays.binarySearch(exportedIds, r.getLong(0)) < 0) pushed += 1
  }
}
accounts.foreachPartition(pushPartition)
println("partner export done")
""",
}

SQL = {
    # (client_mode_small_driver; driver 160m) The nightly margin summary of the retail mart,
    # run from spark-sql: 4,000,000 sales lines joined to 600,000 products (sort-merge
    # join, the products are above the broadcast threshold), grouped by store, category and
    # day with sums, averages and distinct customer counts, and written as a Parquet table
    # with CREATE TABLE ... AS SELECT. Nothing in it is unusual for a nightly batch; the
    # driver it runs in (the executor of local[*] inside it) is far too small for it (the
    # others: a collect, a broadcast join, exact medians, a pivot, a grouped report, a Parquet
    # export, an ordinary aggregation in a container, an aggregated toPandas(); this one is a
    # spark-sql CTAS of a join and aggregation).
    "nightly_margin_summary_ctas_sql": """
-- Nightly margin summary of the retail mart.
CREATE TEMPORARY VIEW sales_lines AS
SELECT id AS line_id,
       CAST(id % 400 AS INT) AS store_id,
       (id * 7919) % 600000 AS product_id,
       (id * 104729) % 900000 AS customer_id,
       date_add(DATE'2026-01-01', CAST(id % 90 AS INT)) AS sale_day,
       CAST(id % 9 + 1 AS INT) AS qty,
       (id % 19999) / 100.0 AS net_amount
FROM range(0, 4000000, 1, 8);
CREATE TEMPORARY VIEW products AS
SELECT id AS product_id,
       concat('Category ', CAST(id % 250 AS STRING)) AS category,
       concat('Product ', CAST(id AS STRING), ' ', sha2(CAST(id AS STRING), 256)) AS product_name,
       (id % 7777) / 100.0 AS unit_cost
FROM range(0, 600000, 1, 4);
CREATE TABLE margin_summary USING parquet AS
SELECT s.store_id, p.category, s.sale_day,
       sum(s.qty) AS units,
       sum(s.net_amount) AS revenue,
       sum(s.net_amount - s.qty * p.unit_cost) AS margin,
       avg(s.net_amount) AS avg_line,
       count(DISTINCT s.customer_id) AS customers,
       count(DISTINCT s.product_id) AS products_sold
FROM sales_lines s JOIN products p ON s.product_id = p.product_id
GROUP BY s.store_id, p.category, s.sale_day;
SELECT count(*) AS summary_rows FROM margin_summary;
""",
}
