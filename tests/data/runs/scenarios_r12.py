"""Bodies of the round-12 scenarios of the run matrix (tests/data/runs/), run by gen_r12.py.

``spark-submit scenarios_r12.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r11.py, gen_jvm.py)
uses; gen_r12.py records what really happened.
"""

import os
import sys

# ---------------------------------------------------------------- max_result_size


def feature_matrix_wide_collect_max_result_size(spark):
    # (max_result_size; spark.driver.maxResultSize=4m on the command line) Training data
    # for a local scikit-learn model: a feature table of only 20,000 rows but 600 double
    # columns (one per feature, built with a select of 600 expressions) collect()ed "to
    # build the X matrix". The row count looks harmless; the width is what makes each of
    # the 8 task results ~12 MB, and their total passes maxResultSize (the others: many
    # rows / many tasks / toLocalIterator partitions / accumulator updates / model
    # buffers / broadcast sides / collect_list groups / vocabularies; this one is wide
    # rows).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_feat = int(os.environ.get("DD_FEATURES", "600"))
    base = spark.range(0, int(os.environ.get("DD_ROWS", "20000")), 1, 8)
    feats = base.select(
        "id", *[((F.col("id") * (k + 7)) % 1000 / 997.0).alias("f%03d" % k) for k in range(n_feat)]
    )
    _log("feature table: %d columns" % len(feats.columns))
    rows = feats.collect()
    _log("X matrix %d x %d" % (len(rows), len(rows[0]) - 1))


# ---------------------------------------------------------------- python_driver_oom


def local_iterator_lookup_dict_memoryerror(spark):
    # (python_driver_oom) A driver-side "lookup service": customer profiles streamed with
    # df.toLocalIterator() (one partition at a time, so "no big collect") and indexed in a
    # Python dict customer_id -> row.asDict() for fast lookups later in the script. Every
    # row becomes a dict of boxed Python values, several times its size in the JVM; the
    # Python driver's address space is capped at its size + 250 MB (as in a nearly full
    # container) and the index outgrows it (the others: a seen-set of ids from
    # toLocalIterator (driver_side_state), collect / toPandas / createDataFrame,
    # asDict grouping after collect, pandas operations, strings built on the driver).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    profiles = spark.range(0, int(os.environ.get("DD_ROWS", "3000000")), 1, 30).select(
        F.col("id").alias("customer_id"),
        F.format_string("cust-%08d", F.col("id")).alias("name"),
        (F.col("id") % 12).alias("segment"),
        F.sha2(F.col("id").cast("string"), 256).alias("email_hash"),
        ((F.col("id") * 31) % 10000 / 100.0).alias("lifetime_value"),
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "250")))
    index = {}
    for i, row in enumerate(profiles.toLocalIterator()):
        index[row.customer_id] = row.asDict()
        if i % 250000 == 0:
            _log("indexed %d profiles" % len(index))
    _log("index of %d profiles" % len(index))


# ---------------------------------------------------------------- large_closure


def foreach_partition_numpy_closure(spark):
    # (large_closure) Writing recommendations out per partition: a foreachPartition
    # function that scores each user against an item-embedding matrix built on the driver
    # (numpy, 720,000 items x 128 float64, ~700 MB). cloudpickle puts the whole ndarray
    # into the pickled function; above the broadcast threshold PySpark ships the command
    # as a broadcast that the driver JVM (512m) reads and cuts into blocks (the others: a
    # UDF dict / mapPartitions pandas frame / model method / partitionBy function / sortBy
    # key function / aggregate zero value, literals in the plan; this one is an action,
    # foreachPartition, with a numpy array).
    import numpy as np
    from scenarios_pyspark import _log

    items = int(os.environ.get("DD_ITEMS", "720000"))
    emb = np.random.default_rng(0).random((items, 128))
    _log("item embeddings %s (%d MiB)" % (emb.shape, emb.nbytes >> 20))

    def score_and_write(users):
        out = 0
        for u in users:
            out += int(np.argmax(emb[u % items] @ emb[:1000].T))
        return None

    sc = spark.sparkContext
    sc.parallelize(range(100000), 8).foreachPartition(score_and_write)
    _log("recommendations written")


# ---------------------------------------------------------------- client_mode_small_driver


def gzip_log_wholetext_small_driver(spark):
    # (client_mode_small_driver; local[*]) Parsing a day of application logs shipped as
    # one gzip file (~257 MB of text, ~40 MB compressed) whose records span several lines,
    # so the job reads it with spark.read.text(path, wholetext=True) and splits the text
    # itself, on a laptop-sized driver (512m, local[*]: the tasks share the driver's
    # heap). A gzip file cannot be split, and wholetext makes the whole decompressed file
    # one row: the single task reads it into one growing byte array (and a string copy)
    # inside the driver JVM. Nothing is collected (the others: multiLine JSON, a groupBy
    # / window collect_list, an exact percentile, a builder spark.driver.memory set too
    # late, spark.testing.memory).
    import gzip

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    path = os.path.abspath("app-2026-12-03.log.gz")
    n = int(os.environ.get("DD_RECORDS", "1400000"))
    with gzip.open(path, "wt", compresslevel=1) as fh:
        for i in range(n):
            fh.write(
                "2026-12-03T%02d:%02d:%02d level=%s req=%016x user=u%07d\n"
                "  path=/api/v2/orders/%d latency_ms=%d\n"
                "  trace=%064x\n"
                % (
                    i // 60000 % 24,
                    i // 1000 % 60,
                    i % 60,
                    "ERROR" if i % 97 == 0 else "INFO",
                    i * 2654435761,
                    i % 1000000,
                    i,
                    (i * 31) % 2000,
                    i * 7919,
                )
            )
    _log("%s: %d bytes compressed" % (os.path.basename(path), os.path.getsize(path)))
    text = spark.read.text(path, wholetext=True)
    _log("partitions %d" % text.rdd.getNumPartitions())
    records = text.select(F.explode(F.split("value", "\n(?=\\d{4}-)")).alias("record"))
    levels = records.select(F.regexp_extract("record", "level=(\\w+)", 1).alias("level"))
    _log("levels %s" % levels.groupBy("level").count().collect())


# ---------------------------------------------------------------- not_driver_oom


def table_not_found_after_etl(spark):
    # (not_driver_oom) A nightly ETL that runs for a while (a staging write, three
    # aggregations, several jobs of INFO lines) and then reads a downstream table by a
    # name that was renamed (analytics_daily_orders_v2 instead of the registered
    # analytics_daily_orders): [TABLE_OR_VIEW_NOT_FOUND] at analysis time. Nothing is
    # short of memory; the error comes after a long, healthy log (the others: an
    # unresolved column, a missing input path, a schema mismatch, a corrupt file).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    base = os.path.abspath("warehouse")
    orders = spark.range(0, 2000000, 1, 8).select(
        F.col("id").alias("order_id"),
        (F.col("id") % 50000).alias("customer_id"),
        (F.col("id") % 30).alias("day"),
        ((F.col("id") * 31) % 10000 / 100.0).alias("amount"),
    )
    orders.write.mode("overwrite").parquet(base + "/staging_orders")
    staged = spark.read.parquet(base + "/staging_orders")
    daily = staged.groupBy("day").agg(F.sum("amount").alias("revenue"), F.count("*").alias("n"))
    daily.createOrReplaceTempView("analytics_daily_orders")
    _log("days %d" % daily.count())
    per_customer = staged.groupBy("customer_id").agg(F.sum("amount").alias("ltv"))
    _log("customers %d" % per_customer.count())
    _log("top day %s" % (daily.orderBy(F.desc("revenue")).first(),))
    report = spark.table("analytics_daily_orders_v2").join(daily, "day")
    _log("report rows %d" % report.count())


def jdbc_driver_missing(spark):
    # (not_driver_oom) A nightly export to PostgreSQL after a healthy aggregation: the
    # job writes with df.write.jdbc("jdbc:postgresql://...") but the PostgreSQL JDBC jar
    # was never passed with --jars / spark.jars.packages, so java.sql.DriverManager has
    # no driver for the URL: "java.sql.SQLException: No suitable driver" when the write
    # starts. A configuration error of the deployment, not memory (the others: an
    # unresolved column / table, a missing input path, a schema mismatch, a corrupt
    # file, a pickling error).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    sales = spark.range(0, 2000000, 1, 8).select(
        (F.col("id") % 5000).alias("store"), ((F.col("id") * 31) % 1000).alias("amount")
    )
    per_store = sales.groupBy("store").agg(F.sum("amount").alias("revenue"))
    _log("stores %d" % per_store.count())
    per_store.write.mode("overwrite").jdbc(
        "jdbc:postgresql://reporting-db.internal:5432/analytics",
        "public.store_revenue",
        properties={"user": "etl", "password": "not-used"},
    )
    _log("exported")


SCENARIOS = {
    f.__name__: f
    for f in [
        feature_matrix_wide_collect_max_result_size,
        local_iterator_lookup_dict_memoryerror,
        foreach_partition_numpy_closure,
        gzip_log_wholetext_small_driver,
        table_not_found_after_etl,
        jdbc_driver_missing,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
