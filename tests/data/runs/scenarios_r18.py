"""Bodies of the round-18 scenarios of the run matrix (tests/data/runs/), run by gen_r18.py.

``spark-submit scenarios_r18.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _log and _spark are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r17.py, gen_jvm.py)
uses; gen_r18.py records what really happened.
"""

import os
import sys

# ---------------------------------------------------------------- too_many_tasks


def one_file_per_customer_repartition(spark):
    # (too_many_tasks) "One output file per customer" for a downstream system that reads
    # one file per account: the job counts the distinct customers and repartitions by the
    # customer column into that many partitions before writing, so that each customer's
    # orders land in their own file. With ~2 million customers the shuffle has ~2 million
    # reduce partitions: every map task's shuffle writer and the driver's map output
    # tracker / scheduler work per partition (the others: a literal repartition(n),
    # shuffle partitions, range / parallelize / textFile partition counts, AQE's initial
    # partition number, repartitionByRange, union / cartesian, JDBC partitions; this one
    # is a partition count computed from the data, a hash repartition by a column).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ORDERS", "4000000"))
    orders = spark.range(0, n, 1, 8).select(
        F.col("id").alias("order_id"),
        (F.col("id") % (n // 2)).alias("customer_id"),
        ((F.col("id") % 9973) / 100.0).alias("amount"),
    )
    customers = orders.select("customer_id").distinct().count()
    _log("orders %d, customers %d: one file each" % (n, customers))
    out = os.path.abspath("orders-by-customer")
    orders.repartition(customers, "customer_id").write.mode("overwrite").parquet(out)
    _log("written to %s" % out)


# ---------------------------------------------------------------- max_result_size


def _events(spark, rows, parts):
    from pyspark.sql import functions as F

    return spark.range(0, rows, 1, parts).select(
        F.col("id").alias("event_id"),
        (F.col("id") % 50000).alias("user_id"),
        ((F.col("id") * 7919 % 100003) / 100.0).alias("amount"),
        F.sha2(F.col("id").cast("string"), 256).alias("session"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("ua")), 512).alias("user_agent"),
    )


def limit_topandas_max_result_size(spark):
    # (max_result_size; spark.driver.maxResultSize=64m on the command line, a platform
    # default) A notebook "sample" for pandas: `events.limit(1_000_000).toPandas()`.
    # CollectLimitExec runs it as a take: one partition first (250,000 rows, under the
    # limit), then four more at once, whose compressed results together pass 64 MiB and
    # the job is aborted (the others: a full collect / toPandas, collect_list, broadcast
    # build sides, local iterators, RDD reduce / aggregate, MLlib summaries, sort
    # sampling; this one is the scale-up of a limit's incremental take).
    from scenarios_pyspark import _log

    events = _events(spark, int(os.environ.get("DD_EVENTS", "3000000")), 12)
    pdf = events.limit(1000000).toPandas()
    _log("sample %d rows, %d columns" % pdf.shape)


def top_orders_sort_limit_max_result_size(spark):
    # (max_result_size; spark.driver.maxResultSize=100m on the command line) An export of
    # the "top 600,000 orders by amount" for the finance team: `orderBy(desc).limit(n)`
    # collected to the driver. The plan is TakeOrderedAndProject: each of the 16 tasks
    # keeps its own top 600,000 rows (a whole partition here, 250,000 rows) in a bounded
    # priority queue and sends the queue to the driver, which merges them; the serialized
    # queues pass 100 MiB long before the merge (the others: limit / take, collect,
    # RDD reduce / treeAggregate, sortBy's sampling; this one is a top-N's per-task
    # queues).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = _events(spark, int(os.environ.get("DD_EVENTS", "4000000")), 16)
    top = events.orderBy(F.col("amount").desc()).limit(600000).collect()
    _log("top orders %d, first %s" % (len(top), top[0]["amount"]))


# ---------------------------------------------------------------- large_closure


def sql_registered_udf_catalog_closure(spark):
    # (large_closure) A Python function registered for SQL (`spark.udf.register`) so
    # analysts can call it from their queries: `product_text(sku)` looks the SKU up in the
    # product catalog, a Python dict of 320,000 descriptions (~2 KB each) loaded on the
    # driver. The dict is pickled with the function; above
    # spark.broadcast.UDFCompressionThreshold (1 MB) PySpark ships the pickled command as
    # a broadcast, which the driver JVM reads and blockifies in its heap, at registration
    # time, before any query (the others: rdd.map / F.udf / aggregate zero values /
    # foreachPartition / mapPartitions / partitionBy / sortBy closures, tasks carrying
    # their data, big literals; this one is the SQL registration of a Python UDF).
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_SKUS", "320000"))
    catalog = {"SKU-%08d" % i: os.urandom(1000).hex() for i in range(n)}
    _log("catalog %d SKUs, ~%d MiB of descriptions" % (n, n * 2000 >> 20))

    def product_text(sku):
        return catalog.get(sku, "")

    spark.udf.register("product_text", product_text, "string")
    _log("registered product_text")
    spark.range(0, 100000, 1, 4).selectExpr(
        "concat('SKU-', lpad(cast(id % 320000 as string), 8, '0')) AS sku"
    ).createOrReplaceTempView("order_lines")
    rows = spark.sql(
        "SELECT count(*) AS n, sum(length(product_text(sku))) AS chars FROM order_lines"
    ).collect()
    _log("order lines %d, description chars %d" % (rows[0][0], rows[0][1]))


# ---------------------------------------------------------------- client_mode_small_driver


def random_forest_small_driver(spark):
    # (client_mode_small_driver; local[*] only) A RandomForestClassifier trained with
    # its defaults (maxMemoryInMB=256, maxBins=32) on a modest table (30,000 rows, 300
    # numeric features, 20 classes, 20 trees) by spark-submit with --driver-memory 512m.
    # Nothing is collected by the user: in local[*] the training tasks run in the driver
    # JVM, and each task allocates the statistics of a group of tree nodes up to
    # maxMemoryInMB, two tasks at once on two cores, in a heap of ~500 MB. On a cluster
    # (or with a bigger driver, or a lower maxMemoryInMB) the same fit runs (the others:
    # collect_list / exact percentiles / window collect_list / whole-text / multi-line
    # JSON in the local executor; this one is an MLlib estimator's per-task aggregates).
    from pyspark.ml.classification import RandomForestClassifier
    from pyspark.ml.feature import VectorAssembler
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    rows = int(os.environ.get("DD_ROWS", "30000"))
    nf = int(os.environ.get("DD_FEATURES", "300"))
    base = spark.range(0, rows, 1, 4)
    cols = [(F.rand(seed=i) * 100).alias("f%d" % i) for i in range(nf)]
    data = base.select((F.col("id") % 20).cast("double").alias("label"), *cols)
    features = VectorAssembler(inputCols=["f%d" % i for i in range(nf)], outputCol="features")
    train = features.transform(data).select("label", "features").cache()
    _log("training rows %d, features %d" % (train.count(), nf))
    rf = RandomForestClassifier(numTrees=20, maxDepth=10, seed=7)
    model = rf.fit(train)
    _log("trees %d" % len(model.trees))


# ---------------------------------------------------------------- not_driver_oom


def cache_then_overwrite_source_path(spark):
    # (not_driver_oom) A look-alike: a daily job that rewrites its own input in place
    # (read the customer table, fix a column, write it back to the same path), cached
    # (MEMORY_ONLY) and counted first "so the data is in memory" before the source is
    # overwritten. The cache does not fit (in local[*] the driver log fills with "Not
    # enough space to cache ... in memory!" / "Putting block ... failed" warnings), the
    # overwrite deletes the input files first, and the partitions that were not cached
    # are read again from files that no longer exist: the job fails with a missing file,
    # not for memory (the others: missing paths / tables, corrupt files, files deleted by
    # another job, schema mismatches, config errors; this one is an overwrite of its own
    # source behind a cache that did not fit).
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    path = os.path.abspath("customers-table")
    n = int(os.environ.get("DD_CUSTOMERS", "1500000"))
    spark.range(0, n, 1, 8).select(
        F.col("id").alias("customer_id"),
        F.sha2(F.col("id").cast("string"), 512).alias("email_hash"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("@addr")), 512).alias("address_hash"),
        F.lit(" Gold ").alias("tier"),
    ).write.mode("overwrite").parquet(path)
    customers = spark.read.parquet(path)
    fixed = customers.withColumn("tier", F.trim(F.lower(F.col("tier"))))
    fixed.persist(StorageLevel.MEMORY_ONLY)
    _log("cached %d customers" % fixed.count())
    fixed.write.mode("overwrite").parquet(path)
    _log("rewrote %s" % path)


SCENARIOS = {
    f.__name__: f
    for f in [
        one_file_per_customer_repartition,
        limit_topandas_max_result_size,
        top_orders_sort_limit_max_result_size,
        sql_registered_udf_catalog_closure,
        random_forest_small_driver,
        cache_then_overwrite_source_path,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
