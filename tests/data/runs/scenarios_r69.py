"""Round 69's scenarios (gen_r69.py): PySpark bodies run by ``spark-submit scenarios_r69.py
<scenario>``, and the Scala and SQL scripts (``SCALA``, ``SQL``) that gen_shell.run writes into
a run's scratch dir and runs with spark-shell -i or spark-sql -f.

A fourth unaimed round: eight ordinary incidents, each the most common way a data engineer
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


# ---------------------------------------------------------------- python_driver_oom


def account_balances_monthly_melt_long_format(spark):
    # (python_driver_oom, local-cluster, the Python driver's address space capped by the
    # script as a nearly full container would) The finance BI feed: the month-end balance of
    # every account for the last 24 months, one column per month, brought to pandas with
    # toPandas() and turned into the long format the BI tool reads (account, month, balance)
    # with pdf.melt() (the others: astype(str), pivot_table, merge, get_dummies, to_dict,
    # reindex, resample, json_normalize, str.split, numpy distances, dense matrices; this one
    # is a wide frame melted to long).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _cap_address_space(int(os.environ.get("DD_PY_MB", "700")))
    n = int(os.environ.get("DD_ACCOUNTS", "360000"))
    months = ["%d-%02d" % (2025 + m // 12, m % 12 + 1) for m in range(24)]
    ids = F.col("id")
    balances = spark.range(0, n, 1, 8).select(
        F.format_string("ACC-%09d", ids).alias("account_id"),
        F.format_string("BR-%03d", ids % 240).alias("branch"),
        F.element_at(
            F.array(F.lit("current"), F.lit("savings"), F.lit("business"), F.lit("isa")),
            (ids % 4 + 1).cast("int"),
        ).alias("product"),
        *[(((ids * (7919 + i)) % 2000000) / 100.0).alias(m) for i, m in enumerate(months)],
    )
    pdf = balances.toPandas()
    _log("accounts: %d" % len(pdf))
    long = pdf.melt(
        id_vars=["account_id", "branch", "product"], var_name="month", value_name="balance"
    )
    _log("balance rows for the BI feed: %d" % len(long))
    os.makedirs("bi_feed", exist_ok=True)
    long.to_csv("bi_feed/account_balances_long.csv", index=False)


# ---------------------------------------------------------------- driver_side_state


def churn_retrain_daily_feature_arrays_kept(spark):
    # (driver_side_state, local-cluster, the Python driver's address space capped by the
    # script) The monthly churn model retrain: for each day of the month the day's customer
    # feature rows are queried, collected and turned into a numpy block kept in a list, to be
    # stacked with np.vstack for scikit-learn at the end (the others: collected rows, Counters
    # and sets of seen ids, memoized lookups, pandas frames, models and graphs kept by day;
    # this one is numpy feature blocks kept by day).
    import datetime

    import numpy as np
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _cap_address_space(int(os.environ.get("DD_PY_MB", "700")))
    per_day = int(os.environ.get("DD_PER_DAY", "200000"))
    features = ["f%02d" % i for i in range(16)]
    ids = F.col("id")
    activity = spark.range(0, 30 * per_day, 1, 8).select(
        F.date_add(F.lit("2026-11-01").cast("date"), (ids / per_day).cast("int")).alias("day"),
        F.format_string("CUS-%08d", (ids * 7919) % 4000000).alias("customer_id"),
        *[(((ids * (104729 + i)) % 10000) / 1000.0).alias(f) for i, f in enumerate(features)],
    )
    blocks = []
    start = datetime.date(2026, 11, 1)
    for d in range(30):
        day = start + datetime.timedelta(days=d)
        rows = activity.where(F.col("day") == F.lit(day)).select(*features).collect()
        blocks.append(np.array(rows, dtype=np.float64))
        _log("%s: %d rows, %d rows kept" % (day, len(rows), sum(len(b) for b in blocks)))
    X = np.vstack(blocks)
    _log("training matrix: %s" % (X.shape,))


# ---------------------------------------------------------------- max_result_size


def supplier_payment_file_rdd_lines_collect(spark):
    # (max_result_size, local-cluster, driver 1g, spark.driver.maxResultSize=256m as the
    # platform sets it) The weekly supplier payment run: every approved invoice turned into
    # one fixed-width line of the bank's payment file with df.rdd.map(lambda row: ...), the
    # lines collected to the driver and written to the file that is uploaded to the bank
    # (the others: collect / toPandas / collect_list / aggregates / ML summaries, Scala RDD
    # mkString lines; this one is a PySpark RDD's map(...).collect()).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_PAYMENTS", "3000000"))
    ids = F.col("id")
    payments = spark.range(0, n, 1, 16).select(
        F.format_string("PAY%09d", ids).alias("payment_ref"),
        F.format_string("SUP-%06d", (ids * 7919) % 90000).alias("supplier_id"),
        F.format_string("GB%02dBANK%014d", ids % 97, (ids * 104729) % 100000000000000).alias(
            "iban"
        ),
        F.concat(
            F.lit("Invoice "),
            F.format_string("INV-%08d", (ids * 31) % 50000000),
            F.lit(" "),
            F.substring(F.sha2(ids.cast("string"), 256), 1, 40),
        ).alias("remittance"),
        ((ids * 7919) % 5000000 + 100).alias("amount_pence"),
    )
    lines = payments.rdd.map(
        lambda r: (
            "%-12s%-10s%-34s%-70s%015d"
            % (r.payment_ref, r.supplier_id, r.iban, r.remittance, r.amount_pence)
        )
    ).collect()
    _log("payment lines: %d" % len(lines))
    with open("bank_payments_2026-12-04.txt", "w") as out:
        out.write("\n".join(lines))


SCENARIOS = {
    f.__name__: f
    for f in [
        account_balances_monthly_melt_long_format,
        churn_retrain_daily_feature_arrays_kept,
        supplier_payment_file_rdd_lines_collect,
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
    # (collect_to_driver, local-cluster, spark-shell's default WARN log, driver 512m) The
    # newsletter export: the distinct e-mail addresses of every sign-up (web, app, checkout;
    # many people signed up twice) collected to the driver with
    # .select("email").distinct().collect() and written to the mailing vendor's CSV (the
    # others: collect / collectAsList of rows and case classes, collectAsMap, countByKey, take,
    # top, takeSample, local iterators, a PySpark distinct collect; this one is a Scala
    # distinct().collect()).
    "newsletter_subscribers_distinct_emails_collect": """
// Newsletter export: every distinct subscriber e-mail, for the mailing vendor's CSV.
val signups = spark.range(0, 6000000, 1, 16).select(
  concat(substring(sha2(($"id" % 5000000).cast("string"), 256), 1, 14), lit("."),
    substring(sha2(($"id" % 5000000).cast("string"), 224), 1, 10), lit("@example-mail.com")).as("email"),
  element_at(array(lit("web"), lit("app"), lit("checkout")), ($"id" % 3 + 1).cast("int")).as("source"),
  (lit(1764547200L) + $"id" % 2592000).cast("timestamp").as("signed_up_at"))
val emails = signups.select("email").distinct().collect().map(_.getString(0))
println(s"subscribers: ${emails.length}")
val out = new java.io.PrintWriter("newsletter_subscribers.csv")
out.println("email"); emails.foreach(e => out.println(e)); out.close()
println("newsletter export written")
""",
    # (broadcast_too_large, local-cluster, spark-shell's default WARN log, driver 512m) The
    # weekly payment run of accounts payable: the open invoices joined with the vendor master
    # (name, address, IBAN) to print the payment proposal; a developer raised the broadcast
    # threshold in the job's code (spark.conf.set("spark.sql.autoBroadcastJoinThreshold",
    # "1g")) when the sort-merge join was slow on the test data, and the vendor master of
    # 2,000,000 vendors (about 400 MB of parquet) is now broadcast (the others: hints, the
    # broadcast() function, raised thresholds at submit, estimates too low, cached tables,
    # sc.broadcast of arrays and maps; this one is the threshold raised by spark.conf.set in a
    # Scala job).
    "vendor_master_raised_broadcast_threshold_payment_run": """
// Weekly payment proposal: open invoices with the vendor's name, address and bank account.
spark.range(0, 2000000, 1, 8).select(
  $"id".as("vendor_id"),
  concat(lit("Vendor "), substring(sha2($"id".cast("string"), 256), 1, 40)).as("vendor_name"),
  sha2(concat($"id".cast("string"), lit("address")), 512).as("address"),
  format_string("DE%02d%018d", $"id" % 97, ($"id" * 104729) % 1000000000000000000L).as("iban"),
  element_at(array(lit("DE"), lit("FR"), lit("NL"), lit("PL"), lit("IT")), ($"id" % 5 + 1).cast("int")).as("country")
).write.mode("overwrite").parquet("ap/vendor_master")
spark.range(0, 4000000, 1, 16).select(
  $"id".as("invoice_id"),
  (($"id" * 7919) % 2000000).as("vendor_id"),
  ((($"id" * 104729) % 5000000) / 100.0).as("amount"),
  date_add(lit("2026-12-01").cast("date"), ($"id" % 30).cast("int")).as("due_on")
).write.mode("overwrite").parquet("ap/open_invoices")
// Broadcast joins were faster than the sort-merge join on the test data.
spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "1g")
val invoices = spark.read.parquet("ap/open_invoices")
val vendors = spark.read.parquet("ap/vendor_master")
val proposal = invoices.where($"due_on" <= "2026-12-14")
  .join(vendors, Seq("vendor_id"))
  .select($"invoice_id", $"vendor_name", $"address", $"iban", $"country", $"amount", $"due_on")
proposal.write.mode("overwrite").parquet("ap/payment_proposal_2026-12-07")
println("payment proposal written")
""",
    # (too_many_tasks, local-cluster, spark-shell's default WARN log, driver 224m) The
    # warehouse stock levels: stock movements as a pair RDD keyed by SKU, summed with
    # foldByKey(0L, skus)(_ + _), the number of SKUs (600,000, counted first) passed as
    # numPartitions so that each SKU's stock lands in its own part file for the warehouse
    # system (the others: RDD join / groupBy / reduceByKey / sortByKey / aggregateByKey
    # numPartitions, HashPartitioner, shuffle partitions, repartition, range / parallelize
    # slices, file splits, unions, cartesian products, bucket counts; this one is foldByKey's
    # numPartitions).
    "warehouse_stock_fold_by_key_partition_per_sku": """
// Stock level per SKU from the movements, one part file per SKU for the warehouse system.
val movements = spark.range(0, 4800000, 1, 16).select(
  format_string("SKU-%07d", ($"id" * 7919) % 600000).as("sku"),
  (($"id" % 41) - 20).as("qty")).rdd.map(r => (r.getString(0), r.getLong(1)))
val skus = movements.keys.distinct().count().toInt
println(s"skus: $skus")
val stock = movements.foldByKey(0L, skus)(_ + _)
stock.map { case (sku, qty) => s"$sku,$qty" }.saveAsTextFile("stock_levels/2026-12-07")
println("stock levels written")
""",
}

SQL = {
    # (client_mode_small_driver, local[*], spark-sql, driver 160m) The nightly sales mart
    # load of the point-of-sale lines from spark-sql on the scheduler's host: a month of
    # 4,000,000 till lines summed per store, SKU and day and written as a table partitioned
    # by day with CREATE TABLE ... USING parquet PARTITIONED BY (sale_date) AS SELECT;
    # nothing in it is unusual, the driver (the executor of local[*] inside it) is far too
    # small for it (the others: a collect, a broadcast join, exact medians, a pivot, a
    # grouped report, a Parquet export, a CTAS of a join, distinct counts, a ranking window;
    # this one is a partitioned CTAS).
    "pos_sales_daily_partitioned_ctas_sql": """
-- Nightly sales mart: till lines summed per store, SKU and day, partitioned by day.
CREATE TABLE pos_lines USING parquet AS
SELECT id AS line_id,
       concat('ST', lpad(CAST(pmod(hash(id), 400) AS STRING), 4, '0')) AS store_id,
       concat('SKU-', lpad(CAST(pmod(hash(id, 'sku'), 60000) AS STRING), 7, '0')) AS sku,
       CAST(id % 4 + 1 AS INT) AS qty,
       ((id * 104729) % 5000) / 100.0 AS price,
       date_add(DATE'2026-11-01', CAST(id % 30 AS INT)) AS sale_date
FROM range(0, 4000000, 1, 16);
CREATE TABLE pos_sales_daily USING parquet PARTITIONED BY (sale_date) AS
SELECT store_id, sku, sum(qty) AS units, round(sum(qty * price), 2) AS revenue, sale_date
FROM pos_lines
GROUP BY sale_date, store_id, sku;
SELECT count(*) AS rows_loaded FROM pos_sales_daily;
""",
    # (not_driver_oom, local-cluster, spark-sql, executors 768m) The marketplace's settlement
    # feed: one JSON payload of the month's orders per merchant with
    # to_json(collect_list(named_struct(...))), for the merchants' API; 65 % of the orders
    # are the marketplace's own sales under the merchant id 'MKT-OWN', so one group holds
    # 5,200,000 orders on one executor (the others: collect_list / collect_set of structs per
    # key in Scala and PySpark, array_join of collect_list, explode, sequence, repeat, exact
    # percentiles; this one is a SQL to_json of collect_list of structs per merchant).
    "marketplace_merchant_order_payloads_to_json_sql": """
-- Monthly settlement payload per merchant for the merchants' API.
CREATE TABLE marketplace_orders USING parquet AS
SELECT id AS order_id,
       CASE WHEN id % 20 < 13 THEN 'MKT-OWN'
            ELSE concat('M', lpad(CAST((id * 7919) % 40000 AS STRING), 6, '0')) END AS merchant_id,
       concat('SKU-', lpad(CAST((id * 31) % 900000 AS STRING), 7, '0')) AS sku,
       ((id * 104729) % 30000) / 100.0 AS amount,
       timestamp_seconds(1761955200 + id % 2592000) AS ordered_at
FROM range(0, 8000000, 1, 16);
CREATE TABLE merchant_order_payloads USING parquet AS
SELECT merchant_id, count(*) AS orders,
       to_json(collect_list(named_struct('order_id', order_id, 'sku', sku, 'amount', amount,
                                         'ordered_at', ordered_at))) AS payload
FROM marketplace_orders
GROUP BY merchant_id;
SELECT count(*) AS merchants FROM merchant_order_payloads;
""",
}
