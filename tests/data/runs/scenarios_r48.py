"""Bodies of the round-48 scenarios of the run matrix (tests/data/runs/), run by gen_r48.py.

Round 48 mixes PySpark, Scala and SQL, as rounds 35 to 47 do. ``spark-submit scenarios_r48.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
47 do. A SCALA script is run by gen_r48.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r47.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes of the PySpark and Scala bodies can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of the
earlier rounds uses; gen_r48.py records what really happened. The scenario names say what the
job does, not how it fails, and the scripts print only what such a job would print.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- client_mode_small_driver


def weekly_sku_sales_pandas_review(spark):
    # (client_mode_small_driver; WARN log; driver 160m) The weekly store x SKU sales review
    # for the category managers: 3,000,000 sales summed by store, SKU and week (~600,000
    # rows) and brought into pandas with toPandas() to be sorted and written out as a CSV
    # for the spreadsheet. Nothing in it is unusual for a notebook; the driver it runs in
    # is far too small for it (the others: a collect, a broadcast join, exact medians, a
    # pivot, a grouped report, a Parquet export, an ordinary aggregation in a container;
    # this one is an aggregated toPandas() of ordinary size).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_sales = int(os.environ.get("DD_SALES", "3000000"))
    line = F.col("id") % 600000
    sales = spark.range(0, n_sales, 1, 8).select(
        F.concat(F.lit("STORE-"), F.format_string("%04d", line % 400)).alias("store"),
        F.concat(F.lit("SKU-"), F.format_string("%07d", (line / 400).cast("int"))).alias("sku"),
        (line % 13 + 1).alias("week"),
        (F.col("id") % 7 + 1).alias("qty"),
        ((F.col("id") % 4999) / 100).alias("net_amount"),
    )
    weekly = sales.groupBy("store", "sku", "week").agg(
        F.sum("qty").alias("units"),
        F.sum("net_amount").alias("revenue"),
        F.count(F.lit(1)).alias("tickets"),
    )
    pdf = weekly.toPandas()
    pdf = pdf.sort_values(["store", "week", "revenue"], ascending=[True, True, False])
    pdf.to_csv("weekly_sku_sales_review.csv", index=False)
    _log("weekly review rows: %d" % len(pdf))


# ---------------------------------------------------------------- python_driver_oom


def boiler_sensor_readings_second_resample(spark):
    # (python_driver_oom; WARN log; driver 1g, Python address space capped) The boiler
    # readings of the heating plant (one reading every 150 s for 40 boilers over a year,
    # 200,000 rows) brought into pandas, then resampled per boiler to one row a second and
    # interpolated "so that they line up with the 1 s control-loop log". toPandas() is
    # small; the per-second grid of a whole year is ~31,000,000 rows per boiler, built by
    # pandas on the driver (the others: pivot_table / merge / get_dummies / to_dict / json /
    # pickle / sqlite / xml / zip / html on the driver; this one is a pandas time resample
    # to a far finer grid).
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n_rows = int(os.environ.get("DD_READINGS", "200000"))
    readings = spark.range(0, n_rows, 1, 4).select(
        (F.col("id") % 40).alias("boiler_id"),
        (F.lit(1767225600) + F.col("id") * 150).alias("epoch_s"),
        (60 + (F.col("id") * 37 % 250) / 10).alias("flow_temp_c"),
        (1.2 + (F.col("id") * 11 % 90) / 100).alias("pressure_bar"),
    )
    pdf = readings.toPandas()
    _log("boiler readings in pandas: %d rows" % len(pdf))
    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    pdf["ts"] = pd.to_datetime(pdf["epoch_s"], unit="s")
    per_second = (
        pdf.set_index("ts")
        .groupby("boiler_id")[["flow_temp_c", "pressure_bar"]]
        .resample("1s")
        .mean()
        .interpolate()
    )
    _log("per-second readings: %d rows" % len(per_second))


# ---------------------------------------------------------------- streaming_state


def kiosk_energy_minute_windows_late_data_stream(spark):
    # (streaming_state; WARN log) Energy use of self-service kiosks per kiosk and minute,
    # from JSON meter files landing in a folder (24 files of 100,000 readings, written by
    # the script first), as a file-source stream with a watermark of 3650 days "so that no
    # late reading is ever dropped", a 1-minute tumbling window per kiosk in append mode,
    # checked with the noop sink (maxFilesPerTrigger=4, Trigger.AvailableNow). A window is
    # only emitted and dropped from the state once the watermark passes its end, which a
    # ten-year delay never does, so every (minute, kiosk) group stays in the state store, in
    # the driver JVM in local[*] (the others: no watermark at all, complete / update modes,
    # session / sliding windows, dedup, mapGroupsWithState, stream joins; this one is a
    # watermark whose delay is far longer than the data).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_files = int(os.environ.get("DD_FILES", "24"))
    per_file = int(os.environ.get("DD_READINGS_PER_FILE", "100000"))
    landing = os.path.abspath("landing/kiosk_meter_readings")
    spark.range(0, n_files * per_file, 1, n_files).select(
        F.concat(F.lit("KIOSK-"), F.sha2((F.col("id") % 350000).cast("string"), 256)).alias(
            "kiosk_id"
        ),
        F.timestamp_seconds(F.lit(1767225600) + F.col("id") * 13).alias("reading_ts"),
        ((F.col("id") % 977) / 1000).alias("kwh"),
    ).write.mode("overwrite").json(landing)
    _log("landing folder ready: %d files" % n_files)
    schema = "kiosk_id STRING, reading_ts TIMESTAMP, kwh DOUBLE"
    readings = spark.readStream.schema(schema).option("maxFilesPerTrigger", 4).json(landing)
    per_minute = (
        readings.withWatermark("reading_ts", "3650 days")
        .groupBy(F.window("reading_ts", "1 minute"), "kiosk_id")
        .agg(F.sum("kwh").alias("kwh"), F.count(F.lit(1)).alias("readings"))
    )
    query = (
        per_minute.writeStream.outputMode("append")
        .format("noop")
        .option("checkpointLocation", os.path.abspath("checkpoints/kiosk_energy_minutes"))
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()
    _log("kiosk minutes aggregated: %s" % query.lastProgress)


# ---------------------------------------------------------------- driver_side_state


def customer_order_views_lookup_dict(spark):
    # (driver_side_state; WARN log) A customer-service notebook that prepares "one view per
    # customer" up front: a dict of customer id -> orders.filter(customer_id == id) with
    # the service columns selected and renamed, over a wide orders table (60 columns),
    # for the 60,000 customers of the region, so that an agent's lookup is instant. No job
    # runs; every DataFrame is analyzed when it is made, and each one kept in the dict keeps
    # its JVM Dataset, QueryExecution and analyzed plan alive in the driver through Py4J
    # (the others: temp views, parallelized RDDs, broadcasts, UDF registrations, listeners,
    # accumulators, observations, UI history, union / withColumn / self-join loops, pandas
    # history; this one is a dict of filtered DataFrames).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_customers = int(os.environ.get("DD_CUSTOMERS", "60000"))
    n_cols = int(os.environ.get("DD_ORDER_COLUMNS", "60"))
    orders = spark.range(0, 5000000, 1, 8).select(
        (F.col("id") % n_customers).alias("customer_id"),
        F.col("id").alias("order_id"),
        *[((F.col("id") * (i + 3)) % 1000 / 10).alias("attr_%02d" % i) for i in range(n_cols)],
    )
    service_cols = [F.col("order_id")] + [
        F.col("attr_%02d" % i).alias("service_%02d" % i) for i in range(n_cols)
    ]
    views = {}
    for cid in range(n_customers):
        views[cid] = orders.filter(F.col("customer_id") == cid).select(*service_cols)
        if cid % 250 == 0:
            _log("customer views prepared: %d" % len(views))
    _log("customer views ready: %d" % len(views))


SCENARIOS = {
    f.__name__: f
    for f in [
        weekly_sku_sales_pandas_review,
        boiler_sensor_readings_second_resample,
        kiosk_energy_minute_windows_late_data_stream,
        customer_order_views_lookup_dict,
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
    # (large_closure) Hourly rainfall at 2,000,000 weather stations, interpolated from the
    # national radar grid: the grid (4,000 x 4,000 cells, 128 MB of doubles) is loaded into
    # an array on the driver and read by the stations' mapPartitionsWithIndex function, so
    # the array is captured by the closure and serialized into the task (the others: UDFs,
    # RDD map / filter / flatMap / partitioner / sortBy / aggregate / reduceByKey closures,
    # Dataset map / mapPartitions / flatMapGroups, a UDAF, model methods, a registered SQL
    # UDF, isin lists, big literals; this one is a Scala mapPartitionsWithIndex over an
    # RDD reading a driver-side array of the shell).
    "rainfall_grid_station_interpolation": """
// Hourly rainfall at the weather stations, interpolated from the national radar grid.
val gridRows = sys.env.getOrElse("DD_GRID_ROWS", "4000").toInt
val gridCols = sys.env.getOrElse("DD_GRID_COLS", "4000").toInt
val radarGrid = Array.tabulate(gridRows * gridCols)(i => ((i * 2654435761L) % 1000L) / 10.0)
println(s"radar grid loaded: $gridRows x $gridCols cells")
val stations = sc.parallelize(0L until 2000000L, 16)
val rainfall = stations.mapPartitionsWithIndex { (part, ids) =>
  ids.map { s =>
    val r = (s % gridRows).toInt
    val c = ((s * 31L) % gridCols).toInt
    (s, (radarGrid(r * gridCols + c) + radarGrid(((r + 1) % gridRows) * gridCols + c)) / 2.0)
  }
}
val wetStations = rainfall.filter(_._2 > 50.0).count()
println(s"stations with more than 50 mm: $wetStations")
""",
    # (not_driver_oom; local-cluster, executors 768m) The page paths of every visitor for the
    # journey analysis: 8,000,000 page views keyed by visitor id and grouped with
    # RDD.groupByKey(). Views without a consent cookie all carry the visitor id "anonymous"
    # (70 % of them), so one key's values (~5,600,000 URLs) are built into one buffer in one
    # reduce task on an executor (the others: collect_list / collect_set / explode / rpad /
    # repeat / sequence / mapGroups / percentile / windows / top-K / broadcasts on executors;
    # this one is an RDD groupByKey with one huge key).
    "web_sessions_page_paths_by_visitor": """
// Page paths of every visitor, for the journey analysis.
val nViews = sys.env.getOrElse("DD_VIEWS", "8000000").toLong
val views = sc.parallelize(0L until nViews, 16).map { i =>
  val visitor = if (i % 10 < 7) "anonymous" else f"VIS-${i % 400000}%07d"
  (visitor, s"/catalog/category-${i % 300}/product-${i % 90000}?utm_source=newsletter&utm_campaign=spring-sale-2026&view=$i")
}
val paths = views.groupByKey()
val longest = paths.mapValues(_.size).values.max()
println(s"longest visitor path: $longest pages")
""",
    # (too_many_tasks) Monthly customer statements, "one partition per customer so that each
    # statement is written on its own": 3,000,000 statement lines keyed by customer,
    # RDD.partitionBy(new HashPartitioner(nCustomers)) with the number of customers
    # (1,500,000) counted first, then one statement per partition. The reduce stage has
    # 1,500,000 tasks (the others: repartition / shuffle partitions / range / parallelize /
    # textFile / union / cartesian / groupByKey(n) / file splits / AQE / JDBC / rate
    # streams / hints; this one is an RDD partitionBy with a HashPartitioner sized by a
    # count of keys).
    "customer_statements_hash_partitioned_export": """
// Monthly customer statements, one partition per customer.
import org.apache.spark.HashPartitioner
val nLines = sys.env.getOrElse("DD_LINES", "3000000").toLong
val lines = sc.parallelize(0L until nLines, 8).map(i => (i % (nLines / 2), f"STMT-LINE-$i%09d amount ${(i % 99999) / 100.0}%.2f"))
val nCustomers = lines.keys.distinct().count().toInt
println(s"customers with statement lines: $nCustomers")
val byCustomer = lines.partitionBy(new HashPartitioner(nCustomers))
val statements = byCustomer.mapPartitions(it => Iterator(it.size)).filter(_ > 0).count()
println(s"statements written: $statements")
""",
}

SQL = {
    # (broadcast_too_large) Orders of loyalty members enriched with their profile for the
    # marketing mart. The session raises spark.sql.autoBroadcastJoinThreshold to 1 GB
    # ("dimension joins should always broadcast", from a tuning checklist); the profile view
    # (2,000,000 members, sha-512 e-mail hash, sha-256 phone hash, name, address) is
    # estimated from its column types at ~100 MB, so it is broadcast, but it is ~600 MB of
    # rows built into a hash table on the driver (the others: hints, MAPJOIN, CBO, NOT IN,
    # limits, stale stats, gzip CSV sizes, explode / string underestimates, AQE runtime
    # broadcasts, a threshold raised in the application conf over Parquet; this one is a
    # SQL session's SET over a view whose rows are far wider than their estimate).
    "loyalty_orders_member_profiles_join_sql": """
-- Orders of loyalty members enriched with their profile, for the marketing mart.
SET spark.sql.autoBroadcastJoinThreshold=1073741824;
CREATE TEMPORARY VIEW member_profiles AS
SELECT id AS member_id,
       concat('Member ', CAST(id AS STRING)) AS full_name,
       sha2(CAST(id AS STRING), 512) AS email_hash,
       sha2(CAST(id * 3 AS STRING), 256) AS phone_hash,
       concat(CAST(id % 9999 AS STRING), ' Harbour View Road, Apartment ', CAST(id % 300 AS STRING)) AS address,
       CAST(id % 5 AS INT) AS tier
FROM range(0, 2000000, 1, 4);
CREATE TEMPORARY VIEW loyalty_orders AS
SELECT id AS order_id, (id * 7919) % 2000000 AS member_id, (id % 20000) / 100.0 AS amount
FROM range(0, 6000000, 1, 8);
SELECT p.tier, count(*) AS orders, sum(o.amount) AS revenue, count(DISTINCT p.email_hash) AS members
FROM loyalty_orders o JOIN member_profiles p ON o.member_id = p.member_id
GROUP BY p.tier
ORDER BY p.tier;
""",
}
