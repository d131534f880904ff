"""Bodies of the round-50 scenarios of the run matrix (tests/data/runs/), run by gen_r50.py.

Round 50 mixes PySpark, Scala and SQL, as rounds 35 to 49 do. ``spark-submit scenarios_r50.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
49 do. A SCALA script is run by gen_r50.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r49.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes of the PySpark and Scala bodies can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of the
earlier rounds uses; gen_r50.py records what really happened. The scenario names say what the
job does, not how it fails, and the scripts print only what such a job would print.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- driver_side_state


def supplier_price_change_history_by_sku(spark):
    # (driver_side_state; WARN log; driver 1g, Python address space capped) The supplier
    # price monitor of the purchasing team: every day's supplier quotes (120,000 SKUs) are
    # fetched with collect() and appended, per SKU, to a dict of price histories
    # (sku -> list of (day, supplier, price, currency)) "so that the price change report can
    # look back over the quarter". Each day's collect is small; the dict keeps every quote of
    # every day (the others: pandas history, per-day stats lists, collected micro-batches,
    # dicts of DataFrames, memoized collects, snapshot buffers, broadcasts / views /
    # accumulators kept over a loop; this one is a per-key history dict grown day by day).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n_skus = int(os.environ.get("DD_SKUS", "120000"))
    n_days = int(os.environ.get("DD_DAYS", "90"))
    quotes = spark.range(0, n_skus * n_days, 1, 8).select(
        (F.col("id") / n_skus).cast("int").alias("quote_day"),
        F.format_string("SKU-%07d", F.col("id") % n_skus).alias("sku"),
        F.format_string("SUPPLIER-%04d", (F.col("id") * 31) % 700).alias("supplier"),
        (((F.col("id") * 7919) % 99999) / 100).alias("unit_price"),
        F.element_at(
            F.array(F.lit("EUR"), F.lit("USD"), F.lit("GBP")), (F.col("id") % 3 + 1).cast("int")
        ).alias("currency"),
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    history = {}
    for day in range(n_days):
        for r in quotes.filter(F.col("quote_day") == day).collect():
            history.setdefault(r.sku, []).append((day, r.supplier, r.unit_price, r.currency))
        changed = sum(1 for h in history.values() if len(h) > 1 and h[-1][2] != h[-2][2])
        _log("price day %d: %d skus, %d price changes" % (day, len(history), changed))
    _log("price history complete: %d days" % n_days)


# ---------------------------------------------------------------- python_driver_oom


def store_nearest_depot_numpy_distances(spark):
    # (python_driver_oom; WARN log; driver 1g, Python address space capped) The depot
    # assignment of the delivery planners: the coordinates of 60,000 stores and 8,000 depots
    # brought into pandas (small), then the great-circle distance of every store to every
    # depot computed with numpy broadcasting (lat[:, None] - lat[None, :]) to pick the
    # nearest depot. The inputs are a few MB; the distance matrix is 60,000 x 8,000 float64,
    # built by numpy on the driver (the others: pivot_table / merge / get_dummies / to_dict /
    # json / pickle / sqlite / xml / zip / html / resample / MultiIndex calendars /
    # itertools pairs / sklearn matrices; this one is a numpy broadcast distance matrix).
    import numpy as np
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n_stores = int(os.environ.get("DD_STORES", "60000"))
    n_depots = int(os.environ.get("DD_DEPOTS", "8000"))
    stores = spark.range(0, n_stores, 1, 4).select(
        F.format_string("STORE-%06d", F.col("id")).alias("store_id"),
        (35 + (F.col("id") * 7919 % 20000) / 1000.0).alias("lat"),
        (-10 + (F.col("id") * 104729 % 40000) / 1000.0).alias("lon"),
    )
    depots = spark.range(0, n_depots, 1, 2).select(
        F.format_string("DEPOT-%05d", F.col("id")).alias("depot_id"),
        (35 + (F.col("id") * 6151 % 20000) / 1000.0).alias("lat"),
        (-10 + (F.col("id") * 3571 % 40000) / 1000.0).alias("lon"),
    )
    s = stores.toPandas()
    d = depots.toPandas()
    _log("stores: %d, depots: %d" % (len(s), len(d)))
    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    lat1, lon1 = np.radians(s["lat"].to_numpy()), np.radians(s["lon"].to_numpy())
    lat2, lon2 = np.radians(d["lat"].to_numpy()), np.radians(d["lon"].to_numpy())
    a = (
        np.sin((lat2[None, :] - lat1[:, None]) / 2) ** 2
        + np.cos(lat1)[:, None]
        * np.cos(lat2)[None, :]
        * np.sin((lon2[None, :] - lon1[:, None]) / 2) ** 2
    )
    km = 2 * 6371.0 * np.arcsin(np.sqrt(a))
    s["depot_id"] = d["depot_id"].to_numpy()[km.argmin(axis=1)]
    s.to_csv("store_depot_assignment.csv", index=False)
    _log("stores assigned: %d" % len(s))


# ---------------------------------------------------------------- client_mode_small_driver


def customer_latest_address_sorted_dedup(spark):
    # (client_mode_small_driver; WARN log; driver 160m) The current address of every
    # customer for the CRM export: 3,000,000 address changes of 1,000,000 customers,
    # orderBy(changed_at desc) and dropDuplicates(["customer_id"]) "to keep the latest",
    # written as Parquet. Nothing in it is unusual for a notebook; the driver it runs in (the
    # executor of local[*] inside it) is far too small for it (the others: a collect, a
    # broadcast join, exact medians, a pivot, a grouped report, a Parquet export, an ordinary
    # aggregation in a container, an aggregated toPandas(), a CTAS of a join; this one is a
    # sort followed by dropDuplicates).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_changes = int(os.environ.get("DD_CHANGES", "3000000"))
    changes = spark.range(0, n_changes, 1, 8).select(
        ((F.col("id") * 7919) % 1000000).alias("customer_id"),
        F.timestamp_seconds(F.lit(1704067200) + F.col("id") * 11).alias("changed_at"),
        F.concat(
            (F.col("id") % 9999).cast("string"),
            F.lit(" Harbour View Road, Apartment "),
            (F.col("id") % 300).cast("string"),
        ).alias("street"),
        F.format_string("%05d", F.col("id") % 99999).alias("postcode"),
        F.concat(F.lit("City "), (F.col("id") % 4000).cast("string")).alias("city"),
        F.sha2(F.col("id").cast("string"), 256).alias("address_hash"),
        F.sha2(F.concat(F.lit("src-"), F.col("id").cast("string")), 256).alias("source_ref"),
    )
    latest = changes.orderBy(F.col("changed_at").desc()).dropDuplicates(["customer_id"])
    latest.write.mode("overwrite").parquet("crm_export/customer_addresses")
    _log("customer addresses exported")


# ---------------------------------------------------------------- not_driver_oom


def app_events_first_per_key_map_partitions(spark):
    # (not_driver_oom; WARN log; local-cluster, spark.executor.pyspark.memory 300m) The
    # deduplication of mobile app events before the daily load: the first event of each
    # event key is kept with df.rdd.mapPartitions of a Python function that fills a dict of
    # the partition's Rows by key, then written as Parquet. 8,000,000 events in 4
    # partitions; each Python worker holds its partition's Row objects in the dict and hits
    # the worker memory cap (the others: a Python UDF's huge values, a broadcast dict in a
    # UDF, a worker allocating in a UDF, a crashed worker; this one is a per-partition dict
    # in mapPartitions).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_events = int(os.environ.get("DD_EVENTS", "8000000"))
    events = spark.range(0, n_events, 1, 4).select(
        F.sha2((F.col("id") % 5000000).cast("string"), 256).alias("event_key"),
        F.format_string("device-%07d", F.col("id") % 700000).alias("device_id"),
        F.timestamp_seconds(F.lit(1767225600) + F.col("id")).alias("event_ts"),
        F.concat(F.lit("screen_view:"), (F.col("id") % 300).cast("string")).alias("event_name"),
    )

    def first_per_key(rows):
        first = {}
        for r in rows:
            if r.event_key not in first:
                first[r.event_key] = r
        return iter(first.values())

    deduped = spark.createDataFrame(events.rdd.mapPartitions(first_per_key), events.schema)
    deduped.write.mode("overwrite").parquet("landing/app_events_dedup")
    _log("app events deduplicated")


SCENARIOS = {
    f.__name__: f
    for f in [
        supplier_price_change_history_by_sku,
        store_nearest_depot_numpy_distances,
        customer_latest_address_sorted_dedup,
        app_events_first_per_key_map_partitions,
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
    # (max_result_size; maxResultSize 8m) The delivery ETA model of the logistics team: a
    # linear regression over 1,500 route features of 4,000 past deliveries, fitted with
    # LinearRegression.setSolver("normal") "for the exact least-squares solution".
    # WeightedLeastSquares sums the upper triangle of A^T A (1,500 x 1,501 / 2 doubles, 9 MB)
    # in a treeAggregate whose last level sends each partial sum to the driver as a task
    # result (the others: collect / aggregate / reduce / treeAggregate of Gramians and
    # summarizers, KMeans / Word2Vec / FPGrowth / CountVectorizer / LDA models, histograms,
    # samples, sketches, accumulators; this one is the normal-equation solver of
    # LinearRegression).
    "delivery_eta_linear_regression_normal_solver": """
// Delivery ETA model over route features.
import org.apache.spark.ml.linalg.Vectors
import org.apache.spark.ml.regression.LinearRegression
val nDeliveries = sys.env.getOrElse("DD_DELIVERIES", "4000").toInt
val nFeatures = sys.env.getOrElse("DD_FEATURES", "1500").toInt
val deliveries = sc.parallelize(0 until nDeliveries, 8).map { i =>
  val f = Array.tabulate(nFeatures)(k => ((i * 31L + k * 17L) % 1009) / 1009.0)
  (f.sum * 0.7 + (i % 13), Vectors.dense(f))
}.toDF("eta_minutes", "features")
println(s"deliveries: ${deliveries.count()}")
val model = new LinearRegression().setSolver("normal").setLabelCol("eta_minutes").setRegParam(0.0).fit(deliveries)
println(s"eta model r2: ${model.summary.r2}")
""",
}

SQL = {
    # (client_mode_small_driver; driver 160m) The weekly ticket ranking of the stores from
    # spark-sql: 4,000,000 receipts ranked within their store by basket value with
    # row_number() OVER (PARTITION BY store_id ORDER BY basket_value DESC), the top 100 of each
    # store exported as Parquet with INSERT OVERWRITE DIRECTORY. Nothing in it is unusual for
    # a weekly batch; the driver it runs in (the executor of local[*] inside it) is far too
    # small for it (the others: a collect, a broadcast join, exact medians, a pivot, a grouped
    # report, a Parquet export, an ordinary aggregation in a container, an aggregated
    # toPandas(), a CTAS of a join, a sort and dropDuplicates; this one is a ranking window).
    "store_ticket_rank_window_export_sql": """
-- Weekly top receipts per store for the store managers.
CREATE TEMPORARY VIEW receipts AS
SELECT id AS receipt_id,
       CAST(id % 400 AS INT) AS store_id,
       concat('TILL-', CAST(id % 12 AS STRING)) AS till,
       timestamp_seconds(1767225600 + id) AS closed_at,
       (id * 7919) % 900000 AS customer_id,
       sha2(CAST(id AS STRING), 256) AS receipt_hash,
       concat('Cashier ', CAST(id % 3000 AS STRING), ' / shift ', CAST(id % 3 AS STRING)) AS cashier,
       ((id * 104729) % 99999) / 100.0 AS basket_value
FROM range(0, 4000000, 1, 8);
INSERT OVERWRITE DIRECTORY 'exports/store_top_receipts' USING parquet
SELECT * FROM (
  SELECT r.*, row_number() OVER (PARTITION BY store_id ORDER BY basket_value DESC) AS rank_in_store
  FROM receipts r
) WHERE rank_in_store <= 100;
""",
}
