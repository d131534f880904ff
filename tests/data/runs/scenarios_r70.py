"""Round 70's scenarios (gen_r70.py): PySpark bodies run by ``spark-submit scenarios_r70.py
<scenario>``, and the Scala and SQL scripts (``SCALA``, ``SQL``) that gen_shell.run writes into
a run's scratch dir and runs with spark-shell -i or spark-sql -f.

A fifth unaimed round: eight ordinary incidents, each the most common way a data engineer
meets its cause in daily work, on a code path no earlier scenario of its cause uses.

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


# ---------------------------------------------------------------- streaming_state


def cold_store_sensor_hourly_min_max_console_stream(spark):
    # (streaming_state, local[*], driver 512m) The cold-chain dashboard of the warehouses'
    # fridges and freezers: every sensor's minimum, maximum and average temperature per hour,
    # groupBy(window(ts, "1 hour"), sensor_id) in update mode to the console sink while the
    # team checks the numbers, with no watermark, so every (hour, sensor) group stays in the
    # state store for good (the others: joins, dropDuplicates, counts / collect_list / sketches
    # / percentiles per key, session and sliding windows, memory and noop sinks, foreachBatch,
    # the *GroupsWithState and pandas state APIs; this one is a tumbling window's min / max /
    # avg per sensor without watermark in update mode to the console).
    from pyspark.sql import functions as F

    rate = int(os.environ.get("DD_RATE", "50000"))
    readings = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", rate)
        .option("numPartitions", 2)
        .load()
        .select(
            F.col("timestamp").alias("ts"),
            F.format_string("FRIDGE-%08d", (F.col("value") * 7919) % 20000000).alias("sensor_id"),
            (((F.col("value") * 104729) % 400) / 10.0 - 25.0).alias("temp_c"),
        )
    )
    hourly = readings.groupBy(F.window("ts", "1 hour"), "sensor_id").agg(
        F.min("temp_c").alias("min_temp"),
        F.max("temp_c").alias("max_temp"),
        F.avg("temp_c").alias("avg_temp"),
        F.count("*").alias("readings"),
    )
    query = (
        hourly.writeStream.outputMode("update")
        .format("console")
        .option("truncate", False)
        .option("checkpointLocation", "checkpoints/cold_store_hourly")
        .trigger(processingTime="3 seconds")
        .start()
    )
    query.awaitTermination(int(os.environ.get("DD_STREAM_SECONDS", "400")))
    query.stop()


# ---------------------------------------------------------------- collect_to_driver


def loyalty_members_points_sorted_export_collect(spark):
    # (collect_to_driver, local-cluster, driver 512m) The loyalty programme's partner export:
    # every member with points, tier and e-mail, sorted by points (highest first) with
    # orderBy(F.desc("points")).collect() and written by the driver with the csv module for
    # the partner's SFTP drop (the others: collect / collectAsList, take, tail, show, toJSON,
    # collectAsMap, countByKey / countByValue, top, takeSample, lookup, local iterators,
    # distinct collects, text grep and flatMap lists; this one is a globally sorted
    # DataFrame's collect()).
    import csv

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_MEMBERS", "3500000"))
    ids = F.col("id")
    members = spark.range(0, n, 1, 16).select(
        F.format_string("LM%010d", ids).alias("member_id"),
        F.concat(F.substring(F.sha2(ids.cast("string"), 256), 1, 16), F.lit("@example.net")).alias(
            "email"
        ),
        F.concat(F.lit("Member "), F.substring(F.sha2(ids.cast("string"), 512), 1, 24)).alias(
            "full_name"
        ),
        ((ids * 7919) % 250000).alias("points"),
        F.element_at(
            F.array(F.lit("bronze"), F.lit("silver"), F.lit("gold"), F.lit("platinum")),
            (ids % 4 + 1).cast("int"),
        ).alias("tier"),
        F.date_add(F.lit("2015-01-01").cast("date"), (ids % 4000).cast("int")).alias("joined_on"),
    )
    rows = members.orderBy(F.desc("points")).collect()
    _log("members: %d" % len(rows))
    with open("loyalty_members_by_points.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(members.columns)
        w.writerows(rows)
    _log("partner export written")


# ---------------------------------------------------------------- driver_side_state


def customer_order_history_dict_local_iterator_by_day(spark):
    # (driver_side_state, local-cluster, the Python driver's address space capped by the
    # script as a nearly full container would) The recommendations cache: the last 30 days
    # of orders of every customer, read a day at a time with toLocalIterator() (to keep the
    # driver small, as the team was told) and appended to a defaultdict(list) keyed by
    # customer that lives across the loop, to be dumped as JSON at the end (the others:
    # collected rows, Counters and sets of seen ids, memoized lookups, pandas frames, numpy
    # blocks, models and graphs kept by day; this one is a dict of per-customer lists filled
    # from toLocalIterator day by day).
    import datetime
    import json
    from collections import defaultdict

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _cap_address_space(int(os.environ.get("DD_PY_MB", "700")))
    per_day = int(os.environ.get("DD_PER_DAY", "400000"))
    ids = F.col("id")
    orders = spark.range(0, 30 * per_day, 1, 4).select(
        F.date_add(F.lit("2026-11-01").cast("date"), (ids / per_day).cast("int")).alias("day"),
        F.format_string("ORD-%010d", ids).alias("order_id"),
        F.format_string("CUS-%08d", (ids * 7919) % 3000000).alias("customer_id"),
        F.format_string("SKU-%07d", (ids * 104729) % 900000).alias("sku"),
        (((ids * 31) % 20000) / 100.0).alias("amount"),
    )
    history = defaultdict(list)
    start = datetime.date(2026, 11, 1)
    for d in range(30):
        day = start + datetime.timedelta(days=d)
        day_orders = orders.where(F.col("day") == F.lit(day)).select(
            "customer_id", "order_id", "sku", "amount"
        )
        n = 0
        for r in day_orders.toLocalIterator():
            history[r.customer_id].append((r.order_id, r.sku, r.amount, day.isoformat()))
            n += 1
        _log("%s: %d orders, %d customers in the cache" % (day, n, len(history)))
    with open("recent_orders_by_customer.json", "w") as fh:
        json.dump(history, fh)
    _log("recommendations cache written")


SCENARIOS = {
    f.__name__: f
    for f in [
        cold_store_sensor_hourly_min_max_console_stream,
        loyalty_members_points_sorted_export_collect,
        customer_order_history_dict_local_iterator_by_day,
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
    # (large_closure, local-cluster, spark-shell's default WARN log, driver 512m) Revenue per
    # store from the till lines: the ERP's price list (1,500,000 SKUs) read on the driver from
    # its CSV export into a Map, and each line priced in
    # lines.mapValues { case (sku, qty) => qty * prices.getOrElse(sku, 0.0) } before
    # reduceByKey, so the Map travels in the closure (the others: arrays, maps, sets and models
    # read in rdd.map / filter / flatMap / Dataset.map / mapPartitions / UDF lambdas, UDAFs,
    # partitioners, aggregate's and treeAggregate's zero values; this one is a Map read in a
    # pair RDD's mapValues).
    "store_revenue_price_list_map_values_closure": """
// Revenue per store: every till line priced from the ERP's price list.
val skus = sys.env.getOrElse("DD_SKUS", "1500000").toInt
val erp = new java.io.PrintWriter("price_list.csv")
erp.println("sku,price")
for (i <- 0 until skus) erp.println(f"SKU-$i%07d,${(i * 7919L % 50000) / 100.0}%.2f")
erp.close()
val src = scala.io.Source.fromFile("price_list.csv")
val prices: Map[String, Double] = src.getLines().drop(1).map { l =>
  val Array(sku, price) = l.split(",")
  sku -> price.toDouble
}.toMap
src.close()
println(s"price list: ${prices.size} skus")
val lines = spark.range(0, 6000000, 1, 16).select(
  format_string("ST%04d", $"id" % 400).as("store"),
  format_string("SKU-%07d", ($"id" * 104729) % skus).as("sku"),
  ($"id" % 4 + 1).as("qty")).rdd.map(r => (r.getString(0), (r.getString(1), r.getLong(2))))
val revenue = lines.mapValues { case (sku, qty) => qty * prices.getOrElse(sku, 0.0) }.reduceByKey(_ + _)
revenue.map { case (store, amount) => f"$store,$amount%.2f" }.saveAsTextFile("store_revenue/2026-12-06")
println("store revenue written")
""",
    # (cached_block_metadata, local-cluster, spark-shell's default WARN log, driver 192m) The
    # loyalty card swipes of the month, one partition per till upload (320,000 of them), as
    # an RDD persisted with StorageLevel.MEMORY_AND_DISK_SER (the ops guide's advice for big
    # RDDs) because two reports read it, each over coalesce(8) (the others: RDDs and
    # DataFrames persisted per day / step / meter, cache() of a DataFrame or typed Dataset,
    # cacheTable, CACHE LAZY TABLE, OFF_HEAP, replicated levels, local checkpoints; this one is
    # an RDD persisted MEMORY_AND_DISK_SER).
    "card_swipes_serialized_rdd_persist_store_points": """
// Loyalty card swipes of the month: one partition per till upload, kept for the two reports.
import org.apache.spark.storage.StorageLevel
val uploads = sys.env.getOrElse("DD_FILES", "320000").toInt
val swipes = spark.range(0, uploads * 4L, 1, uploads).rdd.map { id =>
  val i = id.longValue
  (f"ST${i % 900}%04d", f"CARD-${i * 7919 % 4000000}%08d", i * 31 % 500)
}
swipes.persist(StorageLevel.MEMORY_AND_DISK_SER)
val pointsPerStore = swipes.coalesce(8).map { case (store, _, pts) => (store, pts) }.reduceByKey(_ + _).collect()
println(s"stores: ${pointsPerStore.length}")
val activeCards = swipes.coalesce(8).map(_._2).distinct().count()
println(s"active cards: $activeCards")
""",
    # (not_driver_oom, local-cluster, spark-shell's default WARN log, executors 768m) The
    # merchandising team's browsing profile: the distinct product URLs (with their query
    # strings) each visitor viewed, built with aggregateByKey(mutable.HashSet.empty[String])(
    # _ += _, _ ++= _); visitors without a consent cookie all carry the id "anonymous" (60 % of
    # the page views), so one key's set holds millions of URLs on one executor (the others:
    # collect_list / collect_set per key, groupByKey, explode, sequence, repeat, skewed
    # windows and joins, mapGroups medians, flatMapGroups sessionizers, exact percentiles; this
    # one is aggregateByKey into a HashSet per key).
    "web_visitors_distinct_urls_aggregate_by_key_sets": """
// Browsing profile: the distinct product pages each visitor viewed.
import scala.collection.mutable
val views = spark.range(0, 12000000, 1, 16).select(
  when($"id" % 10 < 6, lit("anonymous")).otherwise(format_string("VIS-%08d", ($"id" / 40).cast("long"))).as("visitor"),
  concat(lit("https://shop.example.com/p/"), format_string("SKU-%07d", ($"id" * 7919) % 900000),
    lit("?utm_source=newsletter&session="), substring(sha2($"id".cast("string"), 256), 1, 32)).as("url")
).rdd.map(r => (r.getString(0), r.getString(1)))
val pages = views.aggregateByKey(mutable.HashSet.empty[String])(_ += _, _ ++= _)
pages.map { case (visitor, urls) => s"$visitor,${urls.size}" }.saveAsTextFile("browsing_profiles/2026-12-06")
println("browsing profiles written")
""",
}

SQL = {
    # (client_mode_small_driver, local[*], spark-sql, driver 160m) The weekly grocery sales
    # report from spark-sql on the scheduler's host: 4,000,000 till lines summed by region,
    # store and SKU with subtotals per store, per region and a grand total, GROUP BY
    # ROLLUP(region, store_id, sku) written with CREATE TABLE ... AS SELECT; nothing in it
    # is unusual, the driver (the executor of local[*] inside it) is far too small for it (the
    # others: a collect, a broadcast join, exact medians, a pivot, a grouped report, a Parquet
    # export, a CTAS of a join, distinct counts, a ranking window, a partitioned CTAS; this one
    # is a ROLLUP).
    "grocery_sales_rollup_report_ctas_sql": """
-- Weekly sales report: units and revenue by region, store and SKU, with subtotals.
CREATE TABLE till_lines USING parquet AS
SELECT id AS line_id,
       concat('R', CAST(pmod(hash(id), 400) % 12 AS STRING)) AS region,
       concat('ST', lpad(CAST(pmod(hash(id), 400) AS STRING), 4, '0')) AS store_id,
       concat('SKU-', lpad(CAST(pmod(hash(id, 'sku'), 60000) AS STRING), 7, '0')) AS sku,
       CAST(id % 4 + 1 AS INT) AS qty,
       ((id * 104729) % 5000) / 100.0 AS price
FROM range(0, 4000000, 1, 16);
CREATE TABLE weekly_sales_rollup USING parquet AS
SELECT region, store_id, sku, sum(qty) AS units, round(sum(qty * price), 2) AS revenue
FROM till_lines
GROUP BY ROLLUP(region, store_id, sku);
SELECT count(*) AS report_rows FROM weekly_sales_rollup;
""",
    # (broadcast_too_large, local-cluster, spark-sql, driver 512m) Web orders matched to the
    # CRM's customers, by customer id for signed-in orders or by e-mail for guest checkouts:
    # LEFT JOIN crm_customers c ON o.customer_id = c.customer_id OR o.email = c.email. An OR
    # of two equalities gives the planner no equi-join keys, and a LEFT OUTER join with no
    # keys can only be a BroadcastNestedLoopJoin, which broadcasts the 1,200,000 customers
    # whatever their size (the others: hints, broadcast(), raised thresholds at submit, in
    # SET or spark.conf.set, size estimates too low, AQE, cached tables, NOT IN subqueries, a
    # BETWEEN range join in PySpark, sc.broadcast; this one is an OR join condition in SQL).
    "web_orders_crm_match_or_condition_join_sql": """
-- Orders with their CRM customer: by customer id when signed in, by e-mail for guests.
CREATE TABLE crm_customers USING parquet AS
SELECT id AS customer_id,
       concat(substring(sha2(CAST(id AS STRING), 256), 1, 20), '@example-mail.com') AS email,
       concat('Customer ', substring(sha2(CAST(id AS STRING), 512), 1, 30)) AS full_name,
       sha2(concat(CAST(id AS STRING), 'address'), 512) AS address,
       element_at(array('DE', 'FR', 'NL', 'PL', 'IT'), CAST(id % 5 + 1 AS INT)) AS country
FROM range(0, 1200000, 1, 8);
CREATE TABLE web_orders USING parquet AS
SELECT id AS order_id,
       CASE WHEN id % 3 = 0 THEN NULL ELSE (id * 7919) % 1200000 END AS customer_id,
       concat(substring(sha2(CAST((id * 7919) % 1200000 AS STRING), 256), 1, 20), '@example-mail.com') AS email,
       ((id * 104729) % 30000) / 100.0 AS amount,
       timestamp_seconds(1764547200 + id % 2592000) AS ordered_at
FROM range(0, 3000000, 1, 16);
CREATE TABLE orders_with_customer USING parquet AS
SELECT o.order_id, o.ordered_at, o.amount, c.customer_id, c.full_name, c.address, c.country
FROM web_orders o
LEFT JOIN crm_customers c
  ON o.customer_id = c.customer_id OR o.email = c.email;
SELECT count(*) AS orders_matched FROM orders_with_customer WHERE customer_id IS NOT NULL;
""",
}
