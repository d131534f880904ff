"""Bodies of the round-32 scenarios of the run matrix (tests/data/runs/), run by gen_r32.py.

``spark-submit scenarios_r32.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log, _padded, _wide and
_limit_python are those of scenarios_pyspark.py (imported, not copied). Each scenario
reaches a failure of the matrix by a code path that no scenario of the earlier rounds
(scenarios_pyspark.py, scenarios_extra.py, scenarios_more.py, scenarios_r3.py ...
scenarios_r31.py, gen_jvm.py) uses; gen_r32.py records what really happened. The scenario
names say what the job does, not how it fails, and the scripts print only what such a job
would print. One scenario gets its log level from the command line
(`--conf spark.log.level=WARN`, set by gen_r32.py) rather than from setLogLevel in the
script; the others keep Spark's default INFO driver log.
"""

import os
import sys
import time

# ---------------------------------------------------------------- python_driver_oom


def sensor_snapshot_pickle_dump(spark):
    # (python_driver_oom; driver 1g) A nightly snapshot of the latest sensor readings for an
    # offline notebook: 800,000 readings (16 partitions; sensor id, timestamp, value, site
    # hash) brought to the Python driver with `collect()` and saved as one pickle file with
    # `pickle.dumps(rows)` ("so the notebook can load it without Spark"), in a Python driver
    # with little room left (`_limit_python(120)`: RLIMIT_AS = current size + 120 MiB, set
    # after the collect). The pickler keeps a memo entry and a reference for every object it
    # writes and grows one output buffer for the whole list (the others: toPandas, asDict,
    # json.dumps, Counter, itertools, csv, print / show, gzip, numpy, reports; this one is
    # pickle.dumps of collected Rows).
    import pickle

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    readings = spark.range(0, int(os.environ.get("DD_READINGS", "800000")), 1, 16).select(
        (F.col("id") % 5000).alias("sensor_id"),
        (F.lit(1796000000) + F.col("id")).alias("ts"),
        (F.col("id") % 1000 / 10.0).alias("value"),
        F.sha2(F.col("id").cast("string"), 256).alias("site"),
    )
    rows = readings.collect()
    _log("collected %d readings" % len(rows))
    _limit_python(int(os.environ.get("DD_PY_EXTRA_MB", "120")))
    blob = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
    with open("sensor_snapshot.pkl", "wb") as fh:
        fh.write(blob)
    _log("snapshot written: %d bytes" % len(blob))


def campaign_audience_fold_sets(spark):
    # (python_driver_oom; driver 1g) The distinct audience of a marketing campaign as a Python
    # set, for a de-duplication step in the driver: 4,000,000 impressions (24 partitions) of
    # 4,000,000 customer keys, `rdd.fold(set(), add_reach)` (each partition folded into a
    # set in its task, the 24 sets merged in the driver), in a Python driver with little
    # room left (`_limit_python(250)`, set just before the fold). RDD.fold collects every
    # partition's set to the driver at once and unpickles them all before reducing them
    # (the others: collect / toLocalIterator / collectAsMap / countByValue into dicts and
    # lists; this one is RDD.fold into sets).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    def add_reach(acc, item):
        if isinstance(item, (set, frozenset)):
            acc |= item
        else:
            acc.add(item)
        return acc

    impressions = spark.range(0, int(os.environ.get("DD_IMPRESSIONS", "4000000")), 1, 24).select(
        F.substring(F.sha2(F.col("id").cast("string"), 256), 1, 20).alias("customer_key")
    )
    keys = impressions.rdd.map(lambda r: r.customer_key)
    _limit_python(int(os.environ.get("DD_PY_EXTRA_MB", "250")))
    audience = keys.fold(set(), add_reach)
    _log("campaign audience: %d customers" % len(audience))


# ---------------------------------------------------------------- broadcast_too_large


def shipment_delay_window_range_join(spark):
    # (broadcast_too_large; WARN log from --conf spark.log.level) Shipments matched to the
    # carrier's delay windows: 2,000 shipments with a timestamp, 3,000,000 one-minute delay
    # windows (16 partitions; start, end, carrier reference, route), joined on
    # `ts BETWEEN start_s AND end_s` with `windows.hint("broadcast")` ("the windows table
    # is a dimension, broadcast it"). A join with no equality condition and a broadcast
    # hint is planned as a BroadcastNestedLoopJoinExec whose build side is the hinted
    # table: the driver collects all 3,000,000 window rows to broadcast them (the others:
    # broadcast() on equi-joins, SQL BROADCAST hints, autoBroadcastJoinThreshold raised,
    # sc.broadcast of Python objects; this one is DataFrame.hint on a range join).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_WINDOWS", "3000000"))
    windows = spark.range(0, n, 1, 16).select(
        F.col("id").alias("window_id"),
        (F.col("id") * 60).alias("start_s"),
        (F.col("id") * 60 + 59).alias("end_s"),
        F.sha2(F.col("id").cast("string"), 256).alias("carrier_ref"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("r")), 512).alias("route"),
    )
    shipments = spark.range(0, 2000, 1, 4).select(
        F.col("id").alias("shipment_id"), (F.col("id") * 89123 % (n * 60)).alias("ts")
    )
    delayed = shipments.join(
        windows.hint("broadcast"),
        F.col("ts").between(F.col("start_s"), F.col("end_s")),
        "inner",
    )
    _log("delayed shipment windows: %d" % delayed.dropDuplicates().count())


# ---------------------------------------------------------------- driver_side_state


def hourly_rates_global_temp_views(spark):
    # (driver_side_state) A long-running driver that loads each hour's FX quotes from a
    # Python client library (a list of tuples) with `spark.createDataFrame(rows, schema)`
    # and registers them as a global temp view `global_temp.fx_quotes_hNNNN` for other
    # sessions of the app, with a row count per hour; no view is ever dropped. A DataFrame
    # made from a local list is a ParallelCollectionRDD whose data (the pickled rows) lives
    # in the driver JVM, and the global temp view keeps its plan, so every hour's quotes stay
    # in the driver heap (the others: temp views of plans, UDF registry, listeners,
    # accumulators, UI history, plan growth; this one is local data kept by global temp
    # views).
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType
    from scenarios_pyspark import _log

    schema = StructType(
        [
            StructField("pair", StringType()),
            StructField("quote_id", StringType()),
            StructField("rate", DoubleType()),
            StructField("ts", LongType()),
        ]
    )
    per_hour = int(os.environ.get("DD_QUOTES", "150000"))
    pairs = ["EURUSD", "USDJPY", "GBPUSD", "USDCHF", "AUDUSD", "USDCAD", "NZDUSD", "EURGBP"]
    t0 = time.time()
    for hour in range(int(os.environ.get("DD_HOURS", "2000"))):
        base = hour * per_hour
        rows = [
            (
                pairs[i % 8],
                "q%015d-%08x" % (base + i, (base + i) * 2654435761 % 4294967296),
                1.0 + (base + i) % 9973 / 10000.0,
                1796000000 + hour * 3600 + i % 3600,
            )
            for i in range(per_hour)
        ]
        name = "fx_quotes_h%04d" % hour
        spark.createDataFrame(rows, schema).createGlobalTempView(name)
        n = spark.sql("SELECT count(*) AS n FROM global_temp.%s" % name).first().n
        _log("hour %d at %4.0fs: %d quotes in global_temp.%s" % (hour, time.time() - t0, n, name))


# ---------------------------------------------------------------- collect_to_driver


def vendor_export_skip_header_offset(spark):
    # (collect_to_driver) A vendor export whose first line is a header read as data: the job
    # drops it with `df.offset(1)` and brings the rest to the driver with `collect()` for a
    # reconciliation loop: 600,000 rows with a 2 KB padded description (40 partitions). An
    # offset with no limit is planned as CollectLimitExec(limit=-1, offset=1), whose
    # executeCollect gathers every row in the driver JVM (the others: collect / take / tail /
    # toLocalIterator / limit + collect; this one is Dataset.offset + collect).
    from scenarios_pyspark import _log, _padded

    rows = _padded(spark, int(os.environ.get("DD_ROWS", "600000")), 40).offset(1).collect()
    _log("reconciling %d vendor rows" % len(rows))


SCENARIOS = {
    f.__name__: f
    for f in [
        sensor_snapshot_pickle_dump,
        campaign_audience_fold_sets,
        shipment_delay_window_range_join,
        hourly_rates_global_temp_views,
        vendor_export_skip_header_offset,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
