"""Round 71's scenarios (gen_r71.py): PySpark bodies run by ``spark-submit scenarios_r71.py
<scenario>``, and the Scala and SQL scripts (``SCALA``, ``SQL``) that gen_shell.run writes into
a run's scratch dir and runs with spark-shell -i or spark-sql -f.

A sixth unaimed round: eight ordinary incidents, each the most common way a data engineer
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


def accounting_api_invoice_rows_as_dict_json_payload(spark):
    # (python_driver_oom, local-cluster, the Python driver's address space capped by the
    # script as a nearly full container would) The month's invoices pushed to the accounting
    # system's REST API: every invoice row collected and turned into a dict with
    # row.asDict(), the list dumped with json.dumps into the one payload the API takes (the
    # others: toPandas melt / pivot_table / merge / astype(str) / get_dummies / to_dict,
    # numpy matrices, Python dicts and Counters kept by day; this one is a list of
    # Row.asDict() dumped as one JSON document).
    import json

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _cap_address_space(int(os.environ.get("DD_PY_MB", "700")))
    n = int(os.environ.get("DD_INVOICES", "1200000"))
    ids = F.col("id")
    invoices = spark.range(0, n, 1, 8).select(
        F.format_string("INV-2026-%08d", ids).alias("invoice_no"),
        F.format_string("CUS-%07d", (ids * 7919) % 400000).alias("customer_id"),
        F.concat(F.lit("Customer "), F.substring(F.sha2(ids.cast("string"), 256), 1, 20)).alias(
            "customer_name"
        ),
        F.date_add(F.lit("2026-11-01").cast("date"), (ids % 30).cast("int"))
        .cast("string")
        .alias("issued_on"),
        (((ids * 104729) % 500000) / 100.0).alias("net_amount"),
        F.lit(0.2).alias("vat_rate"),
        F.element_at(
            F.array(F.lit("EUR"), F.lit("GBP"), F.lit("USD")), (ids % 3 + 1).cast("int")
        ).alias("currency"),
        F.when(ids % 9 == 0, F.lit("overdue")).otherwise(F.lit("open")).alias("status"),
    )
    records = [row.asDict() for row in invoices.collect()]
    _log("invoices: %d" % len(records))
    payload = json.dumps({"period": "2026-11", "invoices": records})
    _log("payload: %d bytes" % len(payload))
    with open("accounting_invoices_2026-11.json", "w") as fh:
        fh.write(payload)


# ---------------------------------------------------------------- streaming_state


def ad_campaign_unique_clickers_stream_distinct(spark):
    # (streaming_state, local[*], driver 512m) The ad team's live list of who clicked which
    # campaign, for the frequency-capping service: the click stream's (campaign, user) pairs
    # de-duplicated with select(...).distinct() in update mode to the console sink while the
    # team checks it, no watermark, so every pair ever seen stays in the state store (the
    # others: joins, dropDuplicates, counts / collect_list / sketches / percentiles / max_by /
    # min / max per key or window, session and sliding windows, memory / noop / console
    # sinks, foreachBatch, the *GroupsWithState and pandas state APIs; this one is a plain
    # distinct() of a streaming DataFrame).
    from pyspark.sql import functions as F

    rate = int(os.environ.get("DD_RATE", "50000"))
    clicks = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", rate)
        .option("numPartitions", 2)
        .load()
        .select(
            F.format_string("CMP-%04d", F.col("value") % 300).alias("campaign_id"),
            F.format_string("USR-%09d", (F.col("value") * 7919) % 30000000).alias("user_id"),
        )
    )
    clickers = clicks.select("campaign_id", "user_id").distinct()
    query = (
        clickers.writeStream.outputMode("update")
        .format("console")
        .option("checkpointLocation", "checkpoints/campaign_clickers")
        .trigger(processingTime="3 seconds")
        .start()
    )
    query.awaitTermination(int(os.environ.get("DD_STREAM_SECONDS", "400")))
    query.stop()


# ---------------------------------------------------------------- not_driver_oom


def clickstream_visitor_paths_rdd_group_by_key_sorted(spark):
    # (not_driver_oom, local-cluster, spark.executor.pyspark.memory=512m as the platform sets
    # it) Each visitor's click path for the UX team: the page views as (visitor, (ts, url))
    # pairs, rdd.groupByKey().mapValues(sorted) to order each visitor's views by time, saved
    # as text; visitors without a consent cookie all carry the id "anonymous" (60 % of the
    # views), so one Python worker sorts millions of views and runs out of its memory on an
    # executor (the others: JVM executors out of heap in collect_list / collect_set,
    # groupByKey, aggregateByKey sets, explode, windows, joins, mapGroups, flatMapGroups,
    # to_json payloads, a UDF calling sys.exit, missing paths, bad files, division by zero;
    # this one is a Python worker's MemoryError in a PySpark groupByKey().mapValues(sorted)).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_VIEWS", "6000000"))
    ids = F.col("id")
    views = spark.range(0, n, 1, 16).select(
        F.when(ids % 10 < 6, F.lit("anonymous"))
        .otherwise(F.format_string("VIS-%08d", (ids / 40).cast("long")))
        .alias("visitor"),
        (F.lit(1764547200) + ids % 86400).alias("ts"),
        F.concat(
            F.lit("https://shop.example.com/p/"),
            F.format_string("SKU-%07d", (ids * 7919) % 900000),
            F.lit("?ref=home&session="),
            F.substring(F.sha2(ids.cast("string"), 256), 1, 32),
        ).alias("url"),
    )
    paths = (
        views.rdd.map(lambda r: (r.visitor, (r.ts, r.url)))
        .groupByKey()
        .mapValues(sorted)
        .map(lambda kv: "%s\t%s" % (kv[0], " > ".join(url for _, url in kv[1])))
    )
    paths.saveAsTextFile("visitor_paths/2026-12-06")
    _log("visitor paths written")


SCENARIOS = {
    f.__name__: f
    for f in [
        accounting_api_invoice_rows_as_dict_json_payload,
        ad_campaign_unique_clickers_stream_distinct,
        clickstream_visitor_paths_rdd_group_by_key_sorted,
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
    # carriers' daily manifest: the day's shipments read as a typed Dataset[Shipment] (a case
    # class) and brought to the driver with .collect() to be grouped by carrier in plain
    # Scala and written one manifest per carrier (the others: DataFrame collect /
    # collectAsList, take, tail, show, toJSON, collectAsMap, countByKey / countByValue, top,
    # takeSample, lookup, local iterators, distinct collects, sorted collects, text grep and
    # flatMap lists; this one is a typed Dataset of a case class collected).
    "carrier_shipments_typed_dataset_collect_manifest": """
// Carrier manifests: the day's shipments grouped by carrier on the driver.
case class Shipment(shipmentId: String, carrier: String, postcode: String, weightKg: Double, address: String, shippedOn: java.sql.Date)
val shipments = spark.range(0, 3000000, 1, 16).select(
  format_string("SHP%010d", $"id").as("shipmentId"),
  element_at(array(lit("DHL"), lit("UPS"), lit("DPD"), lit("GLS"), lit("FedEx")), ($"id" % 5 + 1).cast("int")).as("carrier"),
  format_string("%05d", ($"id" * 7919) % 99999).as("postcode"),
  ((($"id" * 104729) % 30000) / 1000.0).as("weightKg"),
  sha2($"id".cast("string"), 512).as("address"),
  to_date(lit("2026-12-06")).as("shippedOn")).as[Shipment]
val all = shipments.collect()
println(s"shipments: ${all.length}")
all.groupBy(_.carrier).foreach { case (carrier, list) =>
  val out = new java.io.PrintWriter(s"manifest_$carrier.csv")
  list.foreach(s => out.println(s"${s.shipmentId},${s.postcode},${s.weightKg},${s.address}"))
  out.close()
}
println("manifests written")
""",
    # (too_many_tasks, local-cluster, spark-shell's default WARN log, driver 224m) The stores'
    # receipt uploads: every till uploads a small CSV every few minutes, one file each
    # (200,000 files in the day's folders), read with sc.textFile over a glob, one partition
    # and so one task per file, and summed per store (the others: repartition / coalesce to
    # huge counts, partitionBy / foldByKey / aggregateByKey / reduceByKey with a partition per
    # key, shuffle partitions raised, parallelize with a slice per item, range splits; this one
    # is sc.textFile of very many small files).
    "store_receipts_text_file_per_upload_partitions": """
// Daily takings per store from the tills' receipt uploads (one small CSV per upload).
import java.nio.file.{Files, Paths}
val uploads = sys.env.getOrElse("DD_FILES", "200000").toInt
for (i <- 0 until uploads) {
  val dir = Paths.get(f"receipts/2026-12-06/till-${i % 400}%03d")
  if (i < 400) Files.createDirectories(dir)
  Files.write(dir.resolve(f"upload-$i%07d.csv"),
    f"ST${i % 400}%04d,R$i%09d,${(i * 7919L % 20000) / 100.0}%.2f\\n".getBytes)
}
println(s"uploads: $uploads")
val receipts = sc.textFile("receipts/2026-12-06/*/*.csv")
val takings = receipts.map(_.split(",")).map(a => (a(0), a(2).toDouble)).reduceByKey(_ + _, 8)
takings.map { case (store, amount) => f"$store,$amount%.2f" }.saveAsTextFile("daily_takings/2026-12-06")
println("daily takings written")
""",
    # Dropped (large_closure, see gen_r71.py and the README's round 71 section), after two
    # tries: the closure serialized (a 36.4 MiB task binary) and the job finished on both
    # versions with this, the second script; the first kept the card file's PrintWriter as a
    # top-level val and failed with 'Task not serializable'. Not run by gen_r71.py.
    # (large_closure, local-cluster, spark-shell's default WARN log, driver 512m) The card
    # fraud check: a FraudRules class holding the 2,000,000 blocked card numbers (read from
    # the risk team's file into a Set) and a flag(rdd) method that maps each transaction with
    # a lambda reading the class's field, so the closure captures the whole object, its Set
    # with it (the others: arrays, maps, sets and models read directly in rdd.map / filter /
    # flatMap / mapValues / Dataset.map / mapPartitions / UDF lambdas, UDAFs, partitioners,
    # aggregate's and treeAggregate's zero values; this one is a class field reached through
    # the captured this).
    "card_fraud_rules_class_field_closure": """
// Card fraud check: every transaction flagged against the risk team's blocked cards.
val blocked = sys.env.getOrElse("DD_CARDS", "2000000").toInt
locally {
  val risk = new java.io.PrintWriter("blocked_cards.txt")
  for (i <- 0 until blocked) risk.println(f"4${i * 7919L % 1000000000000000L}%015d")
  risk.close()
}
class FraudRules(path: String, val maxAmount: Double) extends Serializable {
  val blockedCards: Set[String] = {
    val src = scala.io.Source.fromFile(path)
    try src.getLines().toSet finally src.close()
  }
  def flag(tx: org.apache.spark.rdd.RDD[(String, String, Double)]) =
    tx.map { case (id, card, amount) => (id, blockedCards.contains(card) || amount > maxAmount) }
}
val rules = new FraudRules("blocked_cards.txt", 5000.0)
println(s"blocked cards: ${rules.blockedCards.size}")
val tx = spark.range(0, 8000000, 1, 16).select(
  format_string("TX%010d", $"id"), format_string("4%015d", ($"id" * 104729) % 1000000000000000L),
  (($"id" * 31) % 700000) / 100.0).rdd.map(r => (r.getString(0), r.getString(1), r.getDouble(2)))
rules.flag(tx).filter(_._2).map(_._1).saveAsTextFile("fraud_flags/2026-12-06")
println("fraud flags written")
""",
}

SQL = {
    # (max_result_size, local-cluster, spark-sql, driver 1g, spark.driver.maxResultSize=256m
    # as the platform sets it) The tax auditor's request: every invoice line of the fiscal
    # year, SELECT * ... WHERE fiscal_year = 2025 run in spark-sql to print the lines for the
    # export (the others: collect / toPandas / collect_list / aggregates / ML summaries, RDD
    # lines, Scala mkString lines, a broadcast hint; this one is a plain SELECT in spark-sql,
    # whose CLI collects the result to print it).
    "tax_audit_invoice_lines_select_all_sql": """
-- Tax audit: every invoice line of fiscal year 2025 for the auditors.
CREATE TABLE invoice_lines USING parquet AS
SELECT id AS line_id,
       format_string('INV-%09d', id DIV 4) AS invoice_no,
       CAST(2025 + id % 2 AS INT) AS fiscal_year,
       format_string('SUP-%06d', (id * 7919) % 90000) AS supplier_id,
       sha2(CAST(id AS STRING), 256) AS description,
       ((id * 104729) % 1000000) / 100.0 AS net_amount,
       element_at(array('S', 'R', 'Z', 'E'), CAST(id % 4 + 1 AS INT)) AS vat_code
FROM range(0, 10000000, 1, 16);
SELECT * FROM invoice_lines WHERE fiscal_year = 2025;
""",
    # (cached_block_metadata, local-cluster, spark-sql, driver 192m) The pharmacies' stock
    # movements, one partition per branch upload (320,000 of them), cached with CACHE LAZY
    # TABLE ... OPTIONS ('storageLevel' 'DISK_ONLY') "so that it does not take the executors'
    # memory", then the stock report over it with a COALESCE(8) hint (the others: RDDs and
    # DataFrames persisted per day / step / meter, cache() of a DataFrame or typed Dataset,
    # MEMORY_AND_DISK_SER, cacheTable, CACHE LAZY TABLE in memory, OFF_HEAP, replicated levels,
    # local checkpoints; this one is a DISK_ONLY cached table in SQL).
    "pharmacy_stock_moves_disk_only_cache_table_sql": """
-- Pharmacy stock movements of the week, cached on disk for the stock report and its follow-ups.
CACHE LAZY TABLE stock_moves OPTIONS ('storageLevel' 'DISK_ONLY') AS
SELECT id AS move_id,
       format_string('PH%04d', id % 1200) AS pharmacy,
       format_string('PZN-%08d', (id * 7919) % 300000) AS product,
       CAST((id * 104729) % 41 - 20 AS INT) AS qty
FROM range(0, 1280000, 1, 320000);
SELECT pharmacy, sum(qty) AS net_qty, count(DISTINCT product) AS products
FROM (SELECT /*+ COALESCE(8) */ * FROM stock_moves) GROUP BY pharmacy ORDER BY pharmacy LIMIT 20;
""",
}
