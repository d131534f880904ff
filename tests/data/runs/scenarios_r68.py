"""Round 68's scenarios (gen_r68.py): PySpark bodies run by ``spark-submit scenarios_r68.py
<scenario>``, and the Scala and SQL scripts (``SCALA``, ``SQL``) that gen_shell.run writes into
a run's scratch dir and runs with spark-shell -i or spark-sql -f.

A third unaimed round: eight ordinary incidents, each the most common way a data engineer
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


def ledger_sync_except_all_mismatches_collect(spark):
    # (collect_to_driver, dropped: not run, see gen_r68.py) The month-end ledger sync check: the
    # general ledger's entries compared with the warehouse copy with ours.exceptAll(theirs),
    # the entries missing from the warehouse collected to be listed in the finance team's
    # ticket; the warehouse loader cut the memo to 40 characters, so nearly every entry
    # differs (the others: collect() of rows, collectAsMap, glom, toLocalIterator, toPandas, a
    # column through rdd.flatMap, a text file RDD; this one is the result of exceptAll).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ENTRIES", "3500000"))
    ids = F.col("id")
    suppliers = F.array(
        *[
            F.lit(s)
            for s in ["Northwind Traders", "Contoso Facilities", "Fabrikam Freight", "Litware"]
        ]
    )
    spark.range(0, n, 1, 16).select(
        F.format_string("JE-2026-11-%08d", ids).alias("entry_id"),
        F.format_string("ACC-%06d", (ids * 7919) % 250000).alias("account"),
        F.date_add(F.lit("2026-11-01").cast("date"), (ids % 30).cast("int")).alias("posted_on"),
        (((ids * 104729) % 1000000) / 100.0).alias("amount"),
        F.element_at(
            F.array(F.lit("EUR"), F.lit("USD"), F.lit("GBP")), (ids % 3 + 1).cast("int")
        ).alias("currency"),
        F.sha2(ids.cast("string"), 256).alias("source_ref"),
        F.concat_ws(
            " ",
            F.lit("invoice"),
            F.format_string("INV-%07d", (ids * 31) % 9000000),
            F.element_at(suppliers, (ids % 4 + 1).cast("int")),
            F.lit("cost centre"),
            F.format_string("CC-%04d", ids % 3000),
            F.lit("accrual reversal"),
        ).alias("memo"),
    ).write.mode("overwrite").parquet("ledger/gl_entries_2026_11")
    ours = spark.read.parquet("ledger/gl_entries_2026_11")
    ours.withColumn("memo", F.substring("memo", 1, 40)).write.mode("overwrite").parquet(
        "warehouse/gl_entries_2026_11"
    )
    theirs = spark.read.parquet("warehouse/gl_entries_2026_11")
    missing = ours.exceptAll(theirs).collect()
    _log("entries missing from the warehouse: %d" % len(missing))
    for row in missing[:20]:
        _log("  %s %s %s %.2f" % (row.entry_id, row.account, row.posted_on, row.amount))


# ---------------------------------------------------------------- driver_side_state


def referral_graph_adjacency_sets_by_day(spark):
    # (driver_side_state, local-cluster, the Python driver's address space capped by the
    # script as a nearly full container would) The growth team's referral chains: a query a
    # day of the month for the day's referrals (referrer, referee), collected and added to an
    # adjacency dict of sets (defaultdict(set)) kept on the driver across the days, to walk
    # the chains at the end (the others: collected rows, Counters and sets of seen ids,
    # memoized lookups, pandas frames and models kept by day; this one is a graph grown in a
    # dict of sets).
    import datetime
    from collections import defaultdict

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _cap_address_space(int(os.environ.get("DD_PY_MB", "700")))
    per_day = int(os.environ.get("DD_REFERRALS", "200000"))
    ids = F.col("id")
    referrals = spark.range(0, 30 * per_day, 1, 8).select(
        F.date_add(F.lit("2026-11-01").cast("date"), (ids / per_day).cast("int")).alias("day"),
        F.format_string(
            "u-%s", F.substring(F.sha2((F.abs(F.hash(ids)) % 8000000).cast("string"), 256), 1, 20)
        ).alias("referrer"),
        F.format_string(
            "u-%s", F.substring(F.sha2((ids + 100000000).cast("string"), 256), 1, 20)
        ).alias("referee"),
        F.element_at(
            F.array(F.lit("link"), F.lit("qr"), F.lit("email"), F.lit("sms")),
            (ids % 4 + 1).cast("int"),
        ).alias("channel"),
    )
    graph = defaultdict(set)
    start = datetime.date(2026, 11, 1)
    for d in range(30):
        day = start + datetime.timedelta(days=d)
        edges = referrals.where(F.col("day") == F.lit(day)).select("referrer", "referee").collect()
        for referrer, referee in edges:
            graph[referrer].add(referee)
        _log("%s: %d referrals, %d referrers so far" % (day, len(edges), len(graph)))
    longest = max(len(v) for v in graph.values())
    _log("referrers: %d, most referrals by one member: %d" % (len(graph), longest))


# ---------------------------------------------------------------- streaming_state


def order_shipments_stream_join_lower_bound_only(spark):
    # (streaming_state, local[*], driver 512m) Orders matched with their shipments as both
    # arrive: a stream-stream inner join on the order id, both streams with a 2-minute
    # watermark, the join condition saying only that a shipment comes after its order
    # (shipped_at >= ordered_at), with no upper bound, so the orders' side of the join state
    # can never be dropped (the others: aggregations, dropDuplicates, a join without
    # watermark, a join with a 7-day range, memory sinks, the *GroupsWithState and pandas
    # state APIs; this one is a join whose time condition has no upper bound).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    rate = int(os.environ.get("DD_RATE", "50000"))
    orders = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", rate)
        .option("numPartitions", 2)
        .load()
        .select(
            F.col("value").alias("order_id"),
            F.col("timestamp").alias("ordered_at"),
            F.format_string("CUST-%08d", F.col("value") % 5000000).alias("customer_id"),
            F.sha2(F.col("value").cast("string"), 256).alias("basket_ref"),
            ((F.col("value") * 7919) % 30000 / 100.0).alias("order_total"),
        )
        .withWatermark("ordered_at", "2 minutes")
    )
    shipments = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", rate)
        .option("numPartitions", 2)
        .load()
        .select(
            (F.col("value") - 150000).alias("shipped_order_id"),
            F.col("timestamp").alias("shipped_at"),
            F.element_at(
                F.array(F.lit("DHL"), F.lit("UPS"), F.lit("DPD"), F.lit("GLS")),
                (F.col("value") % 4 + 1).cast("int"),
            ).alias("carrier"),
            F.sha2(F.concat(F.col("value").cast("string"), F.lit("trk")), 256).alias("tracking_no"),
        )
        .withWatermark("shipped_at", "2 minutes")
    )
    matched = orders.join(
        shipments, F.expr("shipped_order_id = order_id AND shipped_at >= ordered_at")
    )
    query = (
        matched.writeStream.format("noop")
        .option("checkpointLocation", "checkpoints/order_shipments")
        .trigger(processingTime="3 seconds")
        .start()
    )
    _log("order shipments matcher started")
    query.awaitTermination()


# ---------------------------------------------------------------- cached_block_metadata


def heat_pump_telemetry_cached_frame_region_reports(spark):
    # (cached_block_metadata, local-cluster, driver 192m) The heat pump fleet's monthly
    # reports: the month's readings, one partition per unit's upload file (320,000 of them),
    # cached with df.cache() because two reports read it, each report reading it through
    # coalesce(8) to keep the number of tasks down (the others: Scala RDDs, typed Datasets
    # and DataFrames persisted per day / step / meter, cacheTable, CACHE LAZY TABLE, OFF_HEAP,
    # replicated levels, bootstrap samples, foreachBatch frames; this one is a PySpark frame's
    # cache() read by groupBy reports over coalesce).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    files = int(os.environ.get("DD_FILES", "320000"))
    ids = F.col("id")
    regions = F.array(
        *[F.lit(r) for r in ["north", "midlands", "south-east", "south-west", "wales"]]
    )
    readings = spark.range(0, files * 4, 1, files).select(
        F.format_string("HP-%06d", ids % 90000).alias("unit_id"),
        F.element_at(regions, (ids % 5 + 1).cast("int")).alias("region"),
        (F.lit(1761955200) + ids % 2592000).cast("timestamp").alias("read_at"),
        (((ids * 7919) % 400) / 10.0 + 25.0).alias("flow_temp"),
        (((ids * 31) % 300) / 100.0 + 2.0).alias("cop"),
    )
    readings.cache()
    by_region = (
        readings.coalesce(8)
        .groupBy("region")
        .agg(F.avg("cop").alias("avg_cop"), F.count("*").alias("readings"))
    )
    by_region.write.mode("overwrite").parquet("heat_pump_reports/cop_by_region")
    _log("cop by region written")
    hot = readings.coalesce(8).where(F.col("flow_temp") > 55).groupBy("unit_id").count()
    hot.write.mode("overwrite").parquet("heat_pump_reports/high_flow_temp_units")
    _log("high flow temperature units written")


SCENARIOS = {
    f.__name__: f
    for f in [
        ledger_sync_except_all_mismatches_collect,
        referral_graph_adjacency_sets_by_day,
        order_shipments_stream_join_lower_bound_only,
        heat_pump_telemetry_cached_frame_region_reports,
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
    # Dropped (too_many_tasks, local[*], see the README's round 68 section), after one try on
    # 3.5: erp_orders_jdbc_predicates_per_store_day, the ERP order extract read over JDBC (an
    # in-memory Derby database filled by the script) with spark.read.jdbc(url, table,
    # predicates, props), one predicate per store and day (2,000 stores x 730 days, 1,460,000
    # partitions). The predicates are the scan's partitions, kept in the plan, and the
    # whole-stage codegen closure that holds the plan was serialized by the closure cleaner
    # before any stage was submitted: 'java.lang.OutOfMemoryError: Java heap space' at
    # ByteArrayOutputStream.ensureCapacity <- ClosureCleaner$.ensureSerializable <-
    # WholeStageCodegenExec.doExecute (exit 0 after 16 s), a failure of a large closure, not
    # of the number of tasks.
    # Dropped (large_closure, local-cluster, see the README's round 68 section), after two
    # tries on 3.5: taxi_fares_tariff_grid_broadcast_value_closure, the taxi fares priced with
    # a tariff grid (Array[Double] of 24,000,000, then 48,000,000 cells) broadcast with
    # sc.broadcast and unwrapped on the driver (val tariff = gridBc.value) before an rdd.map
    # lambda read it. The grid did not fit the driver's memory store ('WARN MemoryStore: Not
    # enough space to cache broadcast_0 in memory! (computed 183.1 MiB so far)' / 366.2 MiB
    # with a 1g driver, 'Persisting block broadcast_0 to disk instead.'), so gridBc.value read
    # it back from disk and the driver ran out deserializing a second copy
    # ('java.lang.OutOfMemoryError: Java heap space' at KryoDeserializationStream.readObject <-
    # BlockManager.getLocalValues <- TorrentBroadcast.readBroadcastBlock <- Broadcast.value,
    # exit 0 after 11 and 12 s): the broadcast, not the closure.
    #
    # (too_many_tasks, local-cluster, spark-shell's default WARN log, driver 224m) The meter
    # team's daily usage per meter: readings as a pair RDD keyed by meter, summed with
    # aggregateByKey((0.0, 0L), meters)(...), the number of meters (600,000, counted first) passed
    # as numPartitions so that each meter's totals land in their own partition and part file
    # of saveAsTextFile (the others: RDD join / groupBy / reduceByKey / sortByKey numPartitions,
    # HashPartitioner, shuffle partitions, repartition, range / parallelize slices, file
    # splits, unions, cartesian products, bucket counts; this one is aggregateByKey's
    # numPartitions).
    "meter_daily_usage_aggregate_by_key_partition_per_meter": """
// Daily usage per meter: kWh and number of readings, one part file per meter.
val readings = spark.range(0, 4800000, 1, 16).select(
  format_string("MTR-%07d", $"id" % 600000).as("meter"),
  ((($"id" * 7919) % 500) / 100.0).as("kwh")).rdd.map(r => (r.getString(0), r.getDouble(1)))
val meters = readings.keys.distinct().count().toInt
println(s"meters: $meters")
val usage = readings.aggregateByKey((0.0, 0L), meters)(
  (acc, kwh) => (acc._1 + kwh, acc._2 + 1),
  (a, b) => (a._1 + b._1, a._2 + b._2))
usage.map { case (m, (kwh, n)) => s"$m,$kwh,$n" }.saveAsTextFile("meter_usage/2026-12-05")
println("meter usage written")
""",
    # (large_closure, local-cluster, spark-shell's default WARN log, driver 512m) A
    # hand-written logistic regression on hashed click features: each epoch sums the gradients
    # with treeAggregate, its zero value a dense Array[Double] of the 2^23 (8,388,608) hashed
    # feature weights' size plus the bias, about 64 MB, and its seqOp reading the weights array; Spark clones the zero value and ships
    # it in the task closure of every task (the others: arrays, maps and models read in
    # rdd.map / Dataset.map / mapPartitions / UDF lambdas, aggregate's zero value in PySpark,
    # UDAFs, partitioners; this one is treeAggregate's zero value in Scala).
    "click_model_hashed_gradient_tree_aggregate": """
// Click model: logistic regression on hashed features, gradients summed with treeAggregate.
val dim = sys.env.getOrElse("DD_DIM", "8388608").toInt
val clicks = spark.range(0, 2000000, 1, 16).select(
  (($"id" * 7919) % 2).cast("double").as("label"),
  array((($"id" * 31) % dim).cast("int"), (($"id" * 104729) % dim).cast("int"), (($"id" * 17) % dim).cast("int")).as("features"))
  .rdd.map(r => (r.getDouble(0), r.getSeq[Int](1).toArray)).cache()
val weights = new Array[Double](dim + 1)
for (epoch <- 1 to 5) {
  val gradient = clicks.treeAggregate(new Array[Double](dim + 1))(
    (g, p) => {
      val margin = p._2.map(weights(_)).sum + weights(dim)
      val err = 1.0 / (1.0 + math.exp(-margin)) - p._1
      p._2.foreach(i => g(i) += err); g(dim) += err; g
    },
    (a, b) => { var i = 0; while (i < a.length) { a(i) += b(i); i += 1 }; a })
  var i = 0; while (i < weights.length) { weights(i) -= 0.1 * gradient(i) / 2000000; i += 1 }
  println(s"epoch $epoch done")
}
println("click model trained")
""",
}

SQL = {
    # (max_result_size, local-cluster, spark-sql, driver 1g, spark.driver.maxResultSize=256m
    # as the platform sets it) The merchandising review of November's sales per product:
    # the analysts' query carries a BROADCAST(p) hint on the product catalog, copied from a
    # query written when the catalog was small; the catalog now has 2,500,000 products with
    # long titles and descriptions, and the broadcast's collect of it goes over the result
    # limit (the others: collect / collect_list / toPandas / aggregates, a DataFrame
    # F.broadcast under a 1m limit; this one is a SQL broadcast hint on a grown dimension).
    "product_catalog_broadcast_hint_report_sql": """
-- November sales per product for the merchandising review.
CREATE TABLE product_catalog USING parquet AS
SELECT id AS product_id,
       concat('SKU-', lpad(CAST(id AS STRING), 8, '0')) AS sku,
       concat(element_at(array('Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'), CAST(id % 5 + 1 AS INT)),
              ' ', substring(sha2(CAST(id AS STRING), 256), 1, 40)) AS title,
       sha2(concat(CAST(id AS STRING), 'description'), 512) AS description,
       element_at(array('garden', 'kitchen', 'outdoor', 'toys', 'lighting', 'storage'), CAST(id % 6 + 1 AS INT)) AS category
FROM range(0, 2500000, 1, 8);
CREATE TABLE sales_lines USING parquet AS
SELECT id AS line_id,
       (id * 7919) % 2500000 AS product_id,
       CAST(id % 5 + 1 AS INT) AS qty,
       ((id * 104729) % 20000) / 100.0 AS price,
       date_add(DATE'2026-11-01', CAST(id % 30 AS INT)) AS sold_on
FROM range(0, 10000000, 1, 16);
SELECT /*+ BROADCAST(p) */ p.category, p.sku, p.title, p.description,
       sum(s.qty) AS units, round(sum(s.qty * s.price), 2) AS revenue
FROM sales_lines s
JOIN product_catalog p ON s.product_id = p.product_id
GROUP BY p.category, p.sku, p.title, p.description
ORDER BY revenue DESC
LIMIT 50;
""",
    # (not_driver_oom, local-cluster, spark-sql, executors 768m) The recommender's search
    # documents: every customer's site searches of the month joined into one document with
    # array_join(collect_list(search_query), ' ') for the topic model; 70 % of the searches
    # are made by visitors not logged in, all under the customer id 'guest', so one group
    # holds 5,600,000 queries on one executor (the others: collect_list / collect_set of
    # structs per key in Scala and PySpark, explode, sequence, repeat, exact percentiles;
    # this one is a SQL array_join of collect_list per customer).
    "search_history_documents_collect_list_sql": """
-- Search history documents per customer for the recommender's topic model.
CREATE TABLE site_searches USING parquet AS
SELECT id AS search_id,
       CASE WHEN id % 10 < 7 THEN 'guest'
            ELSE concat('C', lpad(CAST((id * 7919) % 900000 AS STRING), 7, '0')) END AS customer_id,
       concat(element_at(array('red', 'blue', 'kids', 'mens', 'womens', 'garden', 'kitchen', 'outdoor'), CAST(id % 8 + 1 AS INT)),
              ' ', element_at(array('shoes', 'jacket', 'lamp', 'chair', 'tent', 'kettle', 'rug'), CAST(id % 7 + 1 AS INT)),
              ' ', substring(sha2(CAST(id AS STRING), 256), 1, 24)) AS search_query,
       timestamp_seconds(1764547200 + id % 2592000) AS searched_at
FROM range(0, 8000000, 1, 16);
CREATE TABLE customer_search_documents USING parquet AS
SELECT customer_id, count(*) AS searches, array_join(collect_list(search_query), ' ') AS document
FROM site_searches
GROUP BY customer_id;
SELECT count(*) AS customers FROM customer_search_documents;
""",
}
