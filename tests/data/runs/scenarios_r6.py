"""Bodies of the round-6 scenarios of the run matrix (tests/data/runs/), run by gen_r6.py.

``spark-submit scenarios_r6.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark and _log are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py, scenarios_r4.py, scenarios_r5.py,
gen_jvm.py) uses; gen_r6.py records what really happened.
"""

import os
import sys
import time

# ---------------------------------------------------------------- max_result_size


def pca_gramian_max_result_size(spark):
    # (max_result_size) pyspark.ml.feature.PCA fitted on DD_DIM-dimensional dense vectors:
    # MLlib's RowMatrix computes the covariance from the Gramian matrix, an
    # RDD.treeAggregate whose per-partition value is the packed upper triangle of a
    # DD_DIM x DD_DIM matrix (~16 MB for 2,000 features); the last level of the tree is
    # collected by the driver, and spark.driver.maxResultSize is 8m on the command line.
    from pyspark.ml.feature import PCA
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    dim = int(os.environ.get("DD_DIM", "2000"))
    rows = spark.range(0, int(os.environ.get("DD_ROWS", "800")), 1, 8).select(
        array_to_vector(
            F.transform(
                F.sequence(F.lit(1), F.lit(dim)),
                lambda x: ((x * (F.col("id") + 1)) % 97).cast("double"),
            )
        ).alias("features")
    )
    _log("fitting PCA(k=10) on %d-dimensional vectors" % dim)
    model = PCA(k=10, inputCol="features", outputCol="pca").fit(rows)
    _log("explained variance %s" % model.explainedVariance)


def kmeans_centers_max_result_size(spark):
    # (max_result_size) pyspark.ml.clustering.KMeans(k=DD_K, initMode="random") on
    # DD_DIM-dimensional dense vectors: MLlib picks the k initial centers with
    # RDD.takeSample on the JVM side, i.e. brings k points (k x DD_DIM doubles, ~8 MB) to the
    # driver before the first iteration (each Lloyd iteration would also collect k new
    # centers); maxResultSize 4m on the command line.
    from pyspark.ml.clustering import KMeans
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    dim = int(os.environ.get("DD_DIM", "1000"))
    k = int(os.environ.get("DD_K", "1000"))
    rows = spark.range(0, int(os.environ.get("DD_ROWS", "3000")), 1, 8).select(
        array_to_vector(
            F.transform(
                F.sequence(F.lit(1), F.lit(dim)),
                lambda x: ((x * (F.col("id") + 1)) % 101).cast("double"),
            )
        ).alias("features")
    )
    _log("fitting KMeans(k=%d) on %d-dimensional vectors" % (k, dim))
    model = KMeans(k=k, maxIter=5, initMode="random", seed=1, featuresCol="features").fit(rows)
    _log("cost %s" % model.summary.trainingCost)


def crosstab_max_result_size(spark):
    # NOT RUN in gen_r6.py (tried once, no error: Spark 3.5's crosstab pivots on the
    # executors; see the README).
    # (max_result_size) df.stat.crosstab(col1, col2) of two high-cardinality columns:
    # Spark counts every (col1, col2) pair and brings up to 1,000,000 of those counts to
    # the driver before it pivots them; maxResultSize 8m on the command line.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "2000000"))
    df = spark.range(0, n, 1, 8).select(
        F.concat(F.lit("customer-"), (F.col("id") % 4000).cast("string")).alias("customer"),
        F.concat(F.lit("product-"), (F.col("id") % 997).cast("string")).alias("product"),
    )
    ct = df.stat.crosstab("customer", "product")
    _log("crosstab rows %d" % ct.count())


# ---------------------------------------------------------------- broadcast_too_large


def cached_stats_broadcast(spark):
    # NOT RUN in gen_r6.py (tried once, not broadcast: the cache's size statistic is
    # uncompressed; see the README).
    # (broadcast_too_large) No hint and the default autoBroadcastJoinThreshold (10 MB): a
    # dimension table of DD_ROWS rows with a ~1,000-character description (a handful of
    # distinct texts) is too big to broadcast by the planner's estimate before it is
    # cached; after df.cache() + count(), the planner sizes it by the bytes of the
    # in-memory columnar cache, where the descriptions are dictionary-encoded (2 bytes a
    # row), so the join broadcasts it. The broadcast relation holds every row's full
    # description: ~DD_ROWS KB, built by the driver.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "600000"))
    dims = spark.range(0, n, 1, 8).select(
        F.col("id").alias("product_id"),
        F.rpad(
            F.concat(F.lit("category-"), (F.col("id") % 4).cast("string"), F.lit(": ")),
            int(os.environ.get("DD_CHARS", "1000")),
            "lorem ipsum ",
        ).alias("description"),
    )
    sales = spark.range(0, 2000000, 1, 8).select(
        (F.col("id") % n).alias("pid"), (F.col("id") % 13).alias("qty")
    )

    def strategy(df):
        plan = df._jdf.queryExecution().toString()
        return "broadcast" if "BroadcastHashJoin" in plan else "sort-merge/other"

    joined = sales.join(dims, sales.pid == dims.product_id)
    _log("join strategy before cache: %s" % strategy(joined))
    dims = dims.cache()
    _log("dimension rows cached: %d" % dims.count())
    joined = sales.join(dims, sales.pid == dims.product_id)
    _log("join strategy after cache: %s" % strategy(joined))
    _log("total %s" % joined.agg(F.sum(F.length("description") * F.col("qty"))).collect()[0][0])


def stale_table_stats_broadcast(spark):
    # (broadcast_too_large) No hint and the default autoBroadcastJoinThreshold (10 MB): a
    # catalog table `dims` was analyzed (ANALYZE TABLE ... COMPUTE STATISTICS) while it
    # held 1,000 rows; a later load appended DD_ROWS rows by writing parquet files straight
    # into the table's location, which leaves the catalog statistics as they were. The
    # planner believes the table is a few hundred KB and broadcasts it: the driver
    # collects and builds the whole (~DD_ROWS KB) table.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    def rows(start, end):
        return spark.range(start, end, 1, 8).select(
            F.col("id").alias("product_id"),
            F.rpad(
                F.concat(F.lit("product "), F.col("id").cast("string"), F.lit(": ")),
                int(os.environ.get("DD_CHARS", "1000")),
                "lorem ipsum ",
            ).alias("description"),
        )

    rows(0, 1000).write.format("parquet").saveAsTable("dims")
    spark.sql("ANALYZE TABLE dims COMPUTE STATISTICS")
    stats = [r for r in spark.sql("DESCRIBE TABLE EXTENDED dims").collect() if r[0] in ("Statistics", "Location")]  # fmt: skip
    _log("after ANALYZE: %s" % "; ".join("%s=%s" % (r[0], r[1]) for r in stats))
    location = [r[1] for r in stats if r[0] == "Location"][0]
    n = int(os.environ.get("DD_ROWS", "600000"))
    rows(1000, n).write.mode("append").parquet(location)  # the nightly load, by path
    spark.catalog.refreshTable("dims")
    _log("dims rows now %d" % spark.table("dims").count())
    dims = spark.table("dims")
    sales = spark.range(0, 2000000, 1, 8).select(
        (F.col("id") % n).alias("pid"), (F.col("id") % 13).alias("qty")
    )
    joined = sales.join(dims, sales.pid == dims.product_id)
    plan = joined._jdf.queryExecution().toString()
    _log("join strategy: %s" % ("broadcast" if "BroadcastHashJoin" in plan else "other"))
    _log("total %s" % joined.agg(F.sum(F.length("description") * F.col("qty"))).collect()[0][0])


# ---------------------------------------------------------------- too_many_tasks


def text_file_min_partitions(spark):
    # (too_many_tasks) sc.textFile(path, minPartitions=DD_PARTS millions) of one ~4 MB text
    # file: Hadoop's FileInputFormat.getSplits aims at totalSize / minPartitions bytes a
    # split, which rounds to 0, so the split size falls to the 1-byte minimum and the
    # driver makes one FileSplit (and one HadoopPartition) per byte of the file.
    from scenarios_pyspark import _log

    path = os.path.join(os.getcwd(), "events.txt")
    with open(path, "w") as fh:
        for i in range(int(os.environ.get("DD_LINES", "100000"))):
            fh.write("event-%09d,customer-%06d,click,page-%05d\n" % (i, i % 5000, i % 977))
    _log("input %s: %d bytes" % (path, os.path.getsize(path)))
    lines = spark.sparkContext.textFile(path, minPartitions=int(os.environ.get("DD_PARTS", "4000000")))  # fmt: skip
    _log("lines %d" % lines.count())


def max_partition_bytes_no_unit(spark):
    # (too_many_tasks) spark.sql.files.maxPartitionBytes=16 on the command line, meant as
    # 16 MB but read as 16 bytes (the setting's unit is bytes): spark.read.csv of one ~64 MB
    # file is split into ~4,000,000 16-byte PartitionedFiles (FilePartition.splitFiles /
    # getFilePartitions), planned on the driver before any task runs. With a header the
    # read itself already plans that scan (of the file's lines, to find the first one).
    from scenarios_pyspark import _log

    path = os.path.join(os.getcwd(), "orders.csv")
    with open(path, "w") as fh:
        fh.write("order_id,customer,amount,ref\n")
        line = "%09d,customer-%06d,%d.%02d,ref-%032x\n"
        for i in range(int(os.environ.get("DD_LINES", "900000"))):
            fh.write(line % (i, i % 50000, i % 997, i % 100, i * 2654435761))
    _log("input %s: %d bytes" % (path, os.path.getsize(path)))
    df = spark.read.option("header", True).csv(path)
    _log("rows %d" % df.count())


# ---------------------------------------------------------------- streaming_state


def stream_join_no_watermark(spark):
    # (streaming_state) A stream-stream inner join of two rate sources with no watermark
    # on either side: Spark must keep every row of both inputs in the join's state
    # (SymmetricHashJoinStateManager, HDFSBackedStateStore) forever, since a later row of
    # the other side could still match. With local[*] the state stores live in the
    # driver JVM's executor. The keys never match, so nothing is output.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    rate = int(os.environ.get("DD_RATE", "40000"))
    pad = int(os.environ.get("DD_CHARS", "400"))

    def side(name, offset):
        return (
            spark.readStream.format("rate")
            .option("rowsPerSecond", rate)
            .option("numPartitions", 2)
            .load()
            .select(
                (F.col("value") + offset).alias(name + "_key"),
                F.col("timestamp").alias(name + "_ts"),
                F.rpad(F.concat(F.lit(name + ":"), F.col("value").cast("string")), pad, "~").alias(
                    name + "_payload"
                ),
            )
        )

    clicks = side("click", 0)
    orders = side("order", 10**12)
    joined = clicks.join(orders, F.expr("click_key = order_key"))  # no withWatermark
    q = (
        joined.writeStream.format("noop")
        .outputMode("append")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="1 second")
        .start()
    )
    t0, last = time.time(), None
    while q.isActive and time.time() - t0 < 900:
        q.awaitTermination(5)
        p = q.lastProgress
        if p and p.get("batchId") != last:
            last = p.get("batchId")
            ops = p.get("stateOperators") or [{}]
            _log(
                "batch %s at %4.0fs: %s input rows, join state rows %s, state memory %s MiB"
                % (
                    p.get("batchId"),
                    time.time() - t0,
                    p.get("numInputRows"),
                    ops[0].get("numRowsTotal"),
                    (ops[0].get("memoryUsedBytes") or 0) >> 20,
                )
            )
    q.awaitTermination()


def stream_allowlist_ui_history(spark):
    # (streaming_state) A rate-source query that keeps only events whose code is in an
    # allow-list of DD_N codes (each code padded to DD_CHARS characters, ~1.2 MB in all),
    # written with isin(): the list is a literal InSet in the plan, and every micro-batch
    # (trigger 100 ms) is a new SQL execution whose plan description and plan graph (both
    # print the whole list) the driver keeps for the SQL tab, up to the default
    # spark.sql.ui.retainedExecutions (1,000 executions, ~2.5 MB each here), plus the
    # recent progress of the query. Nothing is kept by the executors.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    chars = int(os.environ.get("DD_CHARS", "12000"))
    allow = [("code-%06d;" % (i * 37)).ljust(chars, "~") for i in range(int(os.environ.get("DD_N", "100")))]  # fmt: skip
    events = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", 100)
        .option("numPartitions", 2)
        .load()
        .select(F.rpad(F.format_string("code-%06d;", F.col("value") % 5000), chars, "~").alias("code"), "value")
    )  # fmt: skip
    q = (
        events.filter(F.col("code").isin(allow))
        .writeStream.format("noop")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="100 milliseconds")
        .start()
    )
    t0, last = time.time(), -1
    while q.isActive and time.time() - t0 < 900:
        q.awaitTermination(5)
        p = q.lastProgress
        if p and p.get("batchId", -1) // 25 != last // 25:
            last = p.get("batchId")
            _log("batch %s at %4.0fs: %s input rows" % (last, time.time() - t0, p.get("numInputRows")))  # fmt: skip
    q.awaitTermination()


# ---------------------------------------------------------------- client_mode_small_driver


def testing_memory_small_driver(spark):
    # (client_mode_small_driver) The driver was started with --driver-memory 256m, which
    # Spark refuses ("System memory ... must be at least 471859200"); the submit script
    # "fixes" that with spark.testing.memory=2147480000 (a common forum answer), so the
    # JVM heap stays at 256m while Spark's memory manager believes it has 2 GB. Then an
    # ordinary daily report: per-customer totals of 4,000,000 orders, sorted, and the
    # 1,500,000 summary rows (~100 MB) brought to the driver to be written as a local CSV
    # file, which a default 1g driver does without trouble.
    import csv

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "4000000"))
    orders = spark.range(0, n, 1, 8).select(
        (F.col("id") % int(os.environ.get("DD_CUSTOMERS", "1500000"))).alias("customer"),
        ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
        F.concat(F.lit("order-"), F.col("id").cast("string")).alias("ref"),
    )
    report = (
        orders.groupBy("customer")
        .agg(F.count("*").alias("orders"), F.sum("amount").alias("total"), F.max("ref").alias("last_ref"))
        .orderBy(F.desc("total"))
    )  # fmt: skip
    rows = report.collect()
    with open("report.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        for r in rows:
            w.writerow(r)
    _log("report rows %d" % len(rows))


# ---------------------------------------------------------------- not_driver_oom


def kryo_buffer_overflow(spark):
    # NOT RUN in gen_r6.py (tried once, no error: task results are serialized as a stream;
    # see the README).
    # (not_driver_oom) spark.serializer=KryoSerializer with spark.kryoserializer.buffer.max
    # set to 1m on the command line: every task's result (the serialized rows of its
    # partition, ~5 MB) is serialized with Kryo on the executor and overflows the buffer:
    # "Kryo serialization failed: Buffer overflow". A look-alike of a memory limit; no heap
    # runs out anywhere.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    df = spark.range(0, int(os.environ.get("DD_ROWS", "200000")), 1, 4).select(
        "id", F.sha2(F.col("id").cast("string"), 256).alias("h1")
    )
    rows = df.collect()
    _log("rows %d" % len(rows))


def string_indexer_kryo_overflow(spark):
    # (not_driver_oom) pyspark.ml.feature.StringIndexer fitted on a column with DD_N
    # distinct values: Spark counts the labels with a typed Aggregator whose buffer (an
    # OpenHashMap of every label) is encoded with Encoders.kryo, i.e. serialized by a Kryo
    # instance whose output buffer is capped by spark.kryoserializer.buffer.max (4m on the
    # command line). A partition's partial map (up to 250,000 labels) does not fit when the
    # partial aggregation serializes it for the shuffle: "Kryo serialization failed:
    # Buffer overflow ... increase spark.kryoserializer.buffer.max value" on the executor.
    # A look-alike of a memory limit; no heap runs out anywhere.
    from pyspark.ml.feature import StringIndexer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_N", "400000"))
    df = spark.range(0, 2000000, 1, 8).select(
        F.concat(F.lit("customer-"), (F.col("id") % n).cast("string")).alias("customer")
    )
    model = StringIndexer(inputCol="customer", outputCol="customer_idx").fit(df)
    _log("labels %d" % len(model.labels))


def executor_collect_set_oom(spark):
    # (not_driver_oom; local-cluster only) agg(collect_set(body)) over the whole table (no
    # grouping) of DD_ROWS documents of ~DD_KB KB each: each executor task's partial
    # aggregation keeps every distinct document of its partition in one on-heap set, which
    # the memory manager does not track, until the executor (768m) runs out of heap. The
    # driver only reports the lost executors and tasks. (The first try, 24,000,000
    # 64-character hashes, left both executors in back-to-back full GCs instead.)
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    kb = int(os.environ.get("DD_KB", "2000"))
    df = spark.range(0, int(os.environ.get("DD_ROWS", "2400")), 1, 4).select(
        F.rpad(F.sha2(F.col("id").cast("string"), 256), kb * 1000, "<p>lorem ipsum</p>").alias("body")
    )  # fmt: skip
    row = df.agg(F.size(F.collect_set("body")).alias("n")).collect()[0]
    _log("distinct documents %d" % row["n"])


SCENARIOS = {
    f.__name__: f
    for f in [
        pca_gramian_max_result_size,
        kmeans_centers_max_result_size,
        crosstab_max_result_size,
        cached_stats_broadcast,
        stale_table_stats_broadcast,
        text_file_min_partitions,
        max_partition_bytes_no_unit,
        stream_join_no_watermark,
        stream_allowlist_ui_history,
        testing_memory_small_driver,
        kryo_buffer_overflow,
        string_indexer_kryo_overflow,
        executor_collect_set_oom,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
