"""Bodies of the round-51 scenarios of the run matrix (tests/data/runs/), run by gen_r51.py.

Round 51 mixes PySpark, Scala and SQL, as rounds 35 to 50 do. ``spark-submit scenarios_r51.py
<scenario>`` runs a PySpark body below (the helpers _spark and _log are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
50 do. A SCALA script is run by gen_r51.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r50.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes of the PySpark and Scala bodies can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of the
earlier rounds uses; gen_r51.py records what really happened. The scenario names say what the
job does, not how it fails, and the scripts print only what such a job would print.

The round's point: a far too small driver running an ordinary job that collects nothing
(client_mode_small_driver) beside jobs that pull far too much into a driver of a usual small
size (collect_to_driver), and executors running out of memory in an ordinary wide job
(not_driver_oom).

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- client_mode_small_driver


def page_daily_unique_visitors_count(spark):
    # (client_mode_small_driver; WARN log; driver 160m) The daily page report of the web
    # analytics team: 5,000,000 page views grouped by (page, day) with countDistinct of the
    # visitor, a page-view count and the mean dwell time; the job logs the number of report
    # rows with count() before writing them as CSV. Nothing is collected; the driver it runs
    # in (the executor of local[*] inside it) is far too small for an ordinary aggregation
    # (the others: a collect, a broadcast join, exact medians, a pivot, a grouped report, a
    # Parquet export, an aggregated toPandas(), a CTAS of a join, a sort and dropDuplicates,
    # a ranking window; this one is a distinct count per group followed by count()).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_views = int(os.environ.get("DD_VIEWS", "5000000"))
    views = spark.range(0, n_views, 1, 8).select(
        F.concat(
            F.lit("https://shop.example.com/catalog/"),
            (F.col("id") % 20000).cast("string"),
            F.lit("/product-details?ref=newsletter&utm_campaign=spring"),
        ).alias("page_url"),
        F.to_date(F.timestamp_seconds(F.lit(1767225600) + (F.col("id") % 2592000))).alias("day"),
        F.sha2((F.col("id") * 7919 % 3000000).cast("string"), 256).alias("visitor_id"),
        ((F.col("id") * 104729) % 600000).alias("dwell_ms"),
    )
    report = views.groupBy("page_url", "day").agg(
        F.countDistinct("visitor_id").alias("unique_visitors"),
        F.count("*").alias("page_views"),
        F.avg("dwell_ms").alias("avg_dwell_ms"),
    )
    _log("report rows: %d" % report.count())
    report.write.mode("overwrite").option("header", True).csv("reports/page_daily_visitors")
    _log("page report written")


# ---------------------------------------------------------------- collect_to_driver


def stock_movements_topandas_reconciliation(spark):
    # (collect_to_driver; WARN log; driver 1g, maxResultSize 0) The month-end stock
    # reconciliation of the warehouse team, written in pandas: all 4,000,000 stock movements of
    # the month (SKU, bin, lot, quantity, document references) brought to the driver with
    # toPandas() (Arrow off, as in the venv: no pyarrow) "because the reconciliation rules are
    # in pandas", then summed per SKU and bin. toPandas() without Arrow collects every row into
    # the driver JVM before pickling them to Python (the others: collect / take / tail /
    # toLocalIterator / collectAsMap / countByKey / countByValue / takeOrdered / top / glom /
    # runJob, toPandas failing in Python or at maxResultSize; this one: its JVM side runs out).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_moves = int(os.environ.get("DD_MOVES", "4000000"))
    moves = spark.range(0, n_moves, 1, 8).select(
        F.col("id").alias("movement_id"),
        F.format_string("SKU-%08d", F.col("id") % 250000).alias("sku"),
        F.format_string(
            "BIN-%03d-%02d-%02d", F.col("id") % 400, F.col("id") % 30, F.col("id") % 7
        ).alias("bin"),
        F.sha2(F.col("id").cast("string"), 256).alias("lot_ref"),
        F.sha2(F.concat(F.lit("doc-"), F.col("id").cast("string")), 256).alias("document_ref"),
        (F.col("id") % 97 - 48).alias("quantity"),
    )
    pdf = moves.toPandas()
    _log("movements: %d" % len(pdf))
    balance = pdf.groupby(["sku", "bin"])["quantity"].sum()
    _log("bins out of balance: %d" % int((balance < 0).sum()))


SCENARIOS = {
    f.__name__: f
    for f in [
        page_daily_unique_visitors_count,
        stock_movements_topandas_reconciliation,
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
    # (client_mode_small_driver; driver 160m) The denormalised order lines of the finance
    # data mart built in the shell: 3,000,000 order lines joined with 600,000 customers
    # (sort-merge join: the customers are far above the broadcast threshold) and written as
    # Parquet. Nothing is collected; the driver it runs in (the executor of local[*] inside
    # it) is far too small for an ordinary join and write (the others: a collect, a broadcast
    # join, exact medians, a pivot, a grouped report, an aggregated toPandas(), a CTAS of a
    # join, a sort and dropDuplicates, a ranking window, an ordinary aggregation in a
    # container; this one is a sort-merge join written as Parquet from the shell).
    "order_lines_customer_join_parquet_mart": """
// Finance mart: order lines with their customer, written as Parquet.
import org.apache.spark.sql.functions._
val nLines = sys.env.getOrElse("DD_LINES", "3000000").toLong
val nCustomers = sys.env.getOrElse("DD_CUSTOMERS", "600000").toLong
val lines = spark.range(0, nLines, 1, 8).select(
  col("id").as("order_line_id"),
  (col("id") * 7919 % nCustomers).as("customer_id"),
  format_string("SKU-%08d", col("id") % 90000).as("sku"),
  (col("id") % 9 + 1).as("quantity"),
  ((col("id") * 104729 % 99999) / 100.0).as("unit_price"),
  sha2(col("id").cast("string"), 256).as("order_ref"))
val customers = spark.range(0, nCustomers, 1, 4).select(
  col("id").as("customer_id"),
  concat(lit("Customer "), col("id").cast("string"), lit(" Trading Company Limited")).as("customer_name"),
  concat(col("id").cast("string"), lit(" Industrial Estate Road, Unit "), (col("id") % 90).cast("string")).as("billing_street"),
  format_string("%05d", col("id") % 99999).as("billing_postcode"),
  sha2(concat(lit("vat-"), col("id").cast("string")), 256).as("vat_ref"))
val mart = lines.join(customers, "customer_id")
mart.write.mode("overwrite").parquet("finance_mart/order_lines")
println("order lines mart written")
""",
    # (collect_to_driver; local-cluster, driver 768m, maxResultSize 0) The carriers' late
    # shipments report built in the shell: a typed Dataset of 3,000,000 shipments (case
    # class) read from the tracking table and brought to the driver with Dataset.collect()
    # "to sort and group them in Scala", then sorted by delay. The executors send their
    # partitions as task results; the driver holds them all (the others: collect /
    # collectAsList / take / tail / toLocalIterator into a map / top / runJob; this one is a
    # typed Dataset[case class] collect on a cluster).
    "shipment_tracking_dataset_collect_sort": """
// Late shipments per carrier, sorted in the shell.
case class Shipment(shipmentId: String, carrier: String, status: String, promisedAt: Long, deliveredAt: Long, lastScan: String)
val nShipments = sys.env.getOrElse("DD_SHIPMENTS", "3000000").toLong
val shipments = spark.range(0, nShipments, 1, 16).selectExpr(
  "sha2(CAST(id AS STRING), 256) AS shipmentId",
  "concat('CARRIER-', CAST(id % 40 AS STRING)) AS carrier",
  "CASE WHEN id % 5 = 0 THEN 'DELIVERED_LATE' ELSE 'DELIVERED' END AS status",
  "1767225600 + id AS promisedAt",
  "1767225600 + id + (id * 7919) % 200000 AS deliveredAt",
  "concat('Hub ', CAST(id % 300 AS STRING), ' / sorter ', CAST(id % 12 AS STRING), ' / ', sha2(CAST(id * 3 AS STRING), 256)) AS lastScan"
).as[Shipment]
val all = shipments.collect()
println(s"shipments: ${all.length}")
val late = all.filter(s => s.deliveredAt - s.promisedAt > 86400).sortBy(s => s.promisedAt - s.deliveredAt)
late.groupBy(_.carrier).mapValues(_.length).toSeq.sortBy(-_._2).take(10).foreach(println)
""",
    # (collect_to_driver; driver 768m, maxResultSize 0) The supplier invoice export for the
    # accounts payable system built in the shell: 3,000,000 invoice lines turned into
    # semicolon-separated text with df.rdd.map(_.mkString(";")), collect()ed and written to
    # one local file with a java.io.PrintWriter "because the AP system wants one file"
    # (the others: collect / collectAsList / Dataset.collect / take / tail / toLocalIterator
    # / top / runJob; this one is an RDD of formatted lines collected to write a local file).
    "supplier_invoice_lines_local_file_export": """
// Accounts payable export: one semicolon-separated file.
import org.apache.spark.sql.functions._
val nLines = sys.env.getOrElse("DD_INVOICE_LINES", "3000000").toLong
val invoiceLines = spark.range(0, nLines, 1, 8).select(
  format_string("INV-%09d", (col("id") / 4).cast("long")).as("invoice_no"),
  (col("id") % 4 + 1).as("line_no"),
  format_string("SUP-%06d", col("id") % 45000).as("supplier"),
  concat(lit("Purchase order line "), col("id").cast("string"), lit(" spare parts and consumables")).as("description"),
  ((col("id") * 104729 % 999999) / 100.0).as("net_amount"),
  sha2(col("id").cast("string"), 256).as("approval_ref"))
val lines = invoiceLines.rdd.map(_.mkString(";")).collect()
val out = new java.io.PrintWriter("ap_invoice_lines.csv")
lines.foreach(out.println)
out.close()
println(s"invoice lines exported: ${lines.length}")
""",
    # (not_driver_oom; local-cluster, executors 768m) The shared-IP report of the fraud
    # team: the distinct devices seen behind each client IP over a week of 10,000,000
    # logins, computed with RDD.aggregateByKey into a mutable.HashSet per IP; one IP is a
    # mobile carrier's NAT gateway behind which 60 % of the logins come, so its set of
    # device ids grows in one executor task (the others: groupByKey of a hot key, collect_list
    # / collect_set / percentile / mapGroups / windows / explode / rpad on executors; this one
    # is aggregateByKey with a set per key).
    "login_ip_distinct_devices_aggregate_by_key": """
// Shared IPs: distinct devices per client IP over a week of logins.
import scala.collection.mutable
val nLogins = sys.env.getOrElse("DD_LOGINS", "10000000").toLong
val logins = spark.range(0, nLogins, 1, 8).selectExpr(
  "CASE WHEN id % 5 < 3 THEN '100.64.0.1' ELSE concat('81.2.', CAST(id % 250 AS STRING), '.', CAST(id % 200 AS STRING)) END AS client_ip",
  "concat('device-', sha2(CAST(id AS STRING), 512)) AS device_id"
).rdd.map(r => (r.getString(0), r.getString(1)))
val devicesPerIp = logins.aggregateByKey(mutable.HashSet.empty[String])((s, d) => s += d, (a, b) => a ++= b)
val shared = devicesPerIp.mapValues(_.size).filter(_._2 > 20).count()
println(s"shared IPs: $shared")
""",
}

SQL = {
    # (client_mode_small_driver; driver 160m) The weekly category summary of the buyers
    # from spark-sql: 4,000,000 sales lines aggregated per category and week with three
    # COUNT(DISTINCT ...) (customers, SKUs, stores) and sums, saved with CREATE TABLE ...
    # USING orc AS SELECT. Nothing is collected; the driver it runs in (the executor of
    # local[*] inside it) is far too small for an ordinary aggregation (the others: a
    # collect, a broadcast join, exact medians, a pivot, a grouped report, a Parquet export,
    # a CTAS of a join, a sort and dropDuplicates, a ranking window; this one is an ORC CTAS
    # of several distinct counts).
    "category_weekly_distinct_counts_orc_ctas_sql": """
-- Weekly category summary for the buyers.
CREATE TEMPORARY VIEW sales_lines AS
SELECT id AS sales_line_id,
       concat('Category ', CAST(id % 1500 AS STRING), ' / ', CAST(id % 7 AS STRING)) AS category,
       weekofyear(to_date(timestamp_seconds(1767225600 + id * 7))) AS week,
       sha2(CAST((id * 7919) % 2000000 AS STRING), 256) AS customer_ref,
       concat('SKU-', CAST((id * 31) % 300000 AS STRING)) AS sku,
       concat('STORE-', CAST(id % 700 AS STRING)) AS store,
       ((id * 104729) % 99999) / 100.0 AS amount
FROM range(0, 4000000, 1, 8);
CREATE TABLE category_weekly_summary USING orc AS
SELECT category, week,
       COUNT(DISTINCT customer_ref) AS customers,
       COUNT(DISTINCT sku) AS skus,
       COUNT(DISTINCT store) AS stores,
       SUM(amount) AS revenue,
       COUNT(*) AS lines
FROM sales_lines
GROUP BY category, week;
SELECT COUNT(*) FROM category_weekly_summary;
""",
    # (not_driver_oom; local-cluster, executors 768m) The RFID label run of the warehouse
    # from spark-sql: each order line expanded into one label per unit with
    # explode(array_repeat(named_struct(...), quantity)) and the labels counted per
    # printer; one line of the 300,000 has a delivery note number (400,123,457) pasted into its
    # quantity, so
    # its array is built in one executor task (the others: sequence / rpad / repeat /
    # collect_list / collect_set / percentile / mapGroups / windows on executors; this one
    # is array_repeat by quantity).
    "rfid_labels_per_unit_array_repeat_sql": """
-- RFID labels: one per unit shipped, counted per label printer.
CREATE TEMPORARY VIEW order_lines AS
SELECT id AS order_line_id,
       concat('SKU-', CAST(id % 90000 AS STRING)) AS sku,
       CASE WHEN id = 123457 THEN 400123457 ELSE CAST(id % 12 + 1 AS INT) END AS quantity,
       concat('PRN-', CAST(id % 24 AS STRING)) AS printer
FROM range(0, 300000, 1, 8);
SELECT label.printer, COUNT(*) AS labels
FROM (
  SELECT explode(array_repeat(named_struct('printer', printer, 'sku', sku, 'order_line_id', order_line_id), quantity)) AS label
  FROM order_lines
) GROUP BY label.printer
ORDER BY labels DESC;
""",
}
