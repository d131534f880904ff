"""Bodies of the round-14 scenarios of the run matrix (tests/data/runs/), run by gen_r14.py.

``spark-submit scenarios_r14.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r13.py, gen_jvm.py)
uses; gen_r14.py records what really happened.
"""

import os
import sys

# ---------------------------------------------------------------- collect_to_driver


def collect_set_per_key_collect(spark):
    # (collect_to_driver) "All the distinct order digests of each customer" for a
    # downstream dedup service: groupBy(customer).agg(collect_set(digest)) over 2,000,000
    # orders (1,000 customers, a 128-character digest per order), then collect(). The
    # aggregation runs in the tasks (200 shuffle partitions, ~1.4 MB each); it is the
    # collect() of the 1,000 result rows, ~2,000 digests each (~270 MB of strings in all),
    # that brings every digest to the driver (the others: collect of plain rows /
    # collectAsMap / glom / take / tail / toPandas / toLocalIterator / countByValue /
    # lookup / console and memory sinks; this one collects array columns built by an
    # aggregation).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    orders = spark.range(0, int(os.environ.get("DD_ROWS", "2000000")), 1, 8).select(
        (F.col("id") % 1000).alias("customer"),
        F.sha2(F.col("id").cast("string"), 512).alias("digest"),
    )
    per_customer = orders.groupBy("customer").agg(F.collect_set("digest").alias("digests"))
    _log("customers %d" % per_customer.count())
    rows = per_customer.collect()
    _log("collected %d customers" % len(rows))


# ---------------------------------------------------------------- max_result_size


def aggregate_feature_sums_max_result_size(spark):
    # (max_result_size) Summing hashed feature vectors (the "hashing trick", 2**21
    # buckets, a 16 MB numpy array) over a corpus of 800,000 documents with
    # rdd.aggregate(zeros, seqOp, combOp): every one of the 8 partitions returns its own
    # 16 MB partial sum, and PySpark's aggregate folds them on the driver after collecting
    # them all (fold -> collect), 128 MB of task results against a maxResultSize of 64m
    # (the others: collect / reduce / toPandas / toLocalIterator / accumulators / sort
    # samples / ML summarizers; this one is RDD.aggregate of per-partition arrays).
    import numpy as np
    from scenarios_pyspark import _log

    dim = 1 << 21
    sc = spark.sparkContext
    docs = sc.parallelize(range(int(os.environ.get("DD_DOCS", "800000"))), 8).map(
        lambda i: ["tok%d" % ((i * 31 + j * 7919) % 5000000) for j in range(5)]
    )

    def seq(acc, tokens):
        for t in tokens:
            acc[hash(t) % dim] += 1.0
        return acc

    _log("feature dim %d (%d MiB a vector)" % (dim, (dim * 8) >> 20))
    sums = docs.aggregate(np.zeros(dim), seq, lambda a, b: a + b)
    _log("non-zero buckets %d" % int((sums > 0).sum()))


# ---------------------------------------------------------------- python_driver_oom


def json_dumps_all_rows_memoryerror(spark):
    # (python_driver_oom) Exporting a table as one JSON document from the Python driver:
    # the 1,000,000 rows are collected (they fit), then json.dumps(rows) (a Row is a
    # tuple, so every row becomes a JSON array) builds the whole document as one string
    # in the Python process, whose address space is capped at its size + DD_PY_MB once the
    # rows are in (as if in a container whose memory is nearly used up). The others:
    # toPandas and pandas operations, Row.asDict, numpy arrays, a CSV string, a dict of
    # toLocalIterator rows, show(); this one is the json encoder.
    import json

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    df = spark.range(0, int(os.environ.get("DD_ROWS", "1000000")), 1, 8).select(
        "id",
        (F.col("id") % 1000).alias("customer"),
        F.concat(F.lit("order-"), F.col("id").cast("string")).alias("ref"),
        F.sha2(F.col("id").cast("string"), 256).alias("h1"),
    )
    rows = df.collect()
    _log("collected %d rows" % len(rows))
    _limit_python(int(os.environ.get("DD_PY_MB", "100")))
    doc = json.dumps({"orders": rows})
    _log("document %d characters" % len(doc))


# ---------------------------------------------------------------- broadcast_too_large


def pandas_frame_broadcast_join(spark):
    # (broadcast_too_large) A product catalogue prepared in pandas on the driver
    # (1,000,000 rows, a 40-character title and a 64-character hash each) turned into a
    # DataFrame with spark.createDataFrame(pdf) (no pyarrow: the rows go through
    # parallelize) and joined to the facts with an explicit broadcast() "because it is a
    # small local table": the join collects the whole catalogue to the driver and builds
    # the broadcast hash relation there (the others: broadcast() / SQL hints on parquet
    # and range tables, thresholds, stale or underestimated statistics, AQE, nested loop
    # joins, sc.broadcast of a dict, a streaming static side; this one is a DataFrame made
    # from a local pandas frame).
    import numpy as np
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "1000000"))
    ids = np.arange(n)
    pdf = pd.DataFrame(
        {
            "sku": ids,
            "title": ["product %032d" % i for i in ids],
            "digest": ["%064x" % (i * 2654435761) for i in ids],
        }
    )
    _log(
        "catalogue %d rows, %d MiB in pandas" % (len(pdf), pdf.memory_usage(deep=True).sum() >> 20)
    )
    catalogue = spark.createDataFrame(pdf)
    facts = spark.range(0, 2000000, 1, 4).select(
        F.col("id").alias("order_id"), (F.col("id") % n).alias("sku")
    )
    joined = facts.join(F.broadcast(catalogue), "sku")
    stats = joined.agg(F.sum(F.length("title")), F.countDistinct("digest"))
    _log("joined %s" % stats.collect())


# ---------------------------------------------------------------- not_driver_oom


def avro_source_missing_after_etl(spark):
    # (not_driver_oom) A healthy ETL (a 2,000,000-row enrichment, two aggregations)
    # whose last step writes the result as Avro for a downstream team, submitted without
    # the spark-avro package (--packages org.apache.spark:spark-avro_...): Avro is a
    # built-in but external data source since Spark 2.4, so the write fails with "Failed
    # to find data source: avro" after a long healthy log (the others: analysis errors,
    # missing / corrupt / mismatched input, a missing JDBC driver class, pickling, ANSI,
    # checkpoint directory; this one is a missing data source package).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    orders = spark.range(0, int(os.environ.get("DD_ROWS", "2000000")), 1, 8).select(
        "id",
        (F.col("id") % 1000).alias("customer"),
        (F.col("id") % 97 * 1.5).alias("amount"),
        F.sha2(F.col("id").cast("string"), 256).alias("h1"),
    )
    _log("orders %d" % orders.count())
    daily = orders.groupBy("customer").agg(F.count("*").alias("n"), F.sum("amount").alias("total"))
    _log("customers %d" % daily.count())
    _log("top %s" % daily.orderBy(F.desc("total")).limit(3).collect())
    daily.write.mode("overwrite").format("avro").save(os.path.abspath("daily_customers.avro"))
    _log("written")


def insert_into_column_count_mismatch(spark):
    # (not_driver_oom) A daily load into an existing table with df.write.insertInto():
    # the table (created with saveAsTable) has six columns, but a new column was added to
    # the table and not to the job, which still produces five; insertInto matches by
    # position and refuses (INSERT_COLUMN_ARITY_MISMATCH / not enough data columns) after
    # the job's healthy aggregations (the others: analysis errors on read / select, a
    # parquet schema mismatch on read, a path that exists on write; this one is the
    # write's column check).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    spark.range(0, 10).selectExpr(
        "id as day",
        "cast(id as string) as store",
        "id * 1.0 as revenue",
        "id as orders",
        "id as returns",
        "cast(null as string) as region",
    ).write.mode("overwrite").saveAsTable("store_daily")
    sales = spark.range(0, int(os.environ.get("DD_ROWS", "2000000")), 1, 8).select(
        (F.col("id") % 30).alias("day"),
        (F.col("id") % 500).cast("string").alias("store"),
        (F.col("id") % 97 * 1.5).alias("amount"),
        (F.col("id") % 13 == 0).alias("returned"),
    )
    daily = sales.groupBy("day", "store").agg(
        F.sum("amount").alias("revenue"),
        F.count("*").alias("orders"),
        F.sum(F.col("returned").cast("int")).alias("returns"),
    )
    _log("daily rows %d" % daily.count())
    _log("revenue %s" % daily.agg(F.sum("revenue")).collect())
    daily.write.insertInto("store_daily")
    _log("loaded")


SCENARIOS = {
    f.__name__: f
    for f in [
        collect_set_per_key_collect,
        aggregate_feature_sums_max_result_size,
        json_dumps_all_rows_memoryerror,
        pandas_frame_broadcast_join,
        avro_source_missing_after_etl,
        insert_into_column_count_mismatch,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
