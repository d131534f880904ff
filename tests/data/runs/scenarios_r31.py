"""Bodies of the round-31 scenarios of the run matrix (tests/data/runs/), run by gen_r31.py.

``spark-submit scenarios_r31.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark and _log are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r30.py, gen_jvm.py)
uses; gen_r31.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. Three scenarios
change how the failure is printed: one sets the ERROR log level right after the session
starts (ERROR_LOG below), one the WARN level (WARN_LOG), one runs with its own log4j2
layout (log4j2-r31.properties, passed by gen_r31.py); the others keep Spark's default INFO
driver log.
"""

import os
import sys
import time

# ---------------------------------------------------------------- cached_block_metadata


def feature_smoothing_local_checkpoints(spark):
    # (cached_block_metadata) An iterative smoothing of per-sensor scores (label-propagation
    # style): 4,000 sensors in 4,000 partitions ("one partition per sensor, for parallelism"),
    # 30 smoothing steps per round, each step's DataFrame cut from its lineage with a lazy
    # `localCheckpoint(eager=False)` ("so the plan does not grow"), a `count()` and a storage
    # report (`SparkContext.getRDDStorageInfo`, the Storage tab's numbers) after each round,
    # every step's DataFrame kept in a list for the convergence check, nothing unpersisted.
    # One task computes a whole round's chain and persists one block per step, so every
    # round adds 120,000 blocks; the block manager master, the status store and (local[*])
    # the block manager in the driver JVM keep an entry for each, and the storage report
    # copies them all into StorageStatus maps (the others: persist / cache loops, CACHE
    # LAZY TABLE chains, chained persisted RDDs; this one is lazy local checkpoints of
    # DataFrames).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    sensors = int(os.environ.get("DD_SENSORS", "4000"))
    steps = int(os.environ.get("DD_STEPS", "30"))
    scores = spark.range(0, sensors, 1, sensors).select(
        F.col("id").alias("sensor_id"), (F.col("id") % 97 / 97.0).alias("score")
    )
    jsc = spark.sparkContext._jsc.sc()
    history = []
    t0 = time.time()
    for rnd in range(int(os.environ.get("DD_ROUNDS", "40"))):
        for step in range(steps):
            scores = scores.select(
                "sensor_id",
                (F.col("score") * 0.85 + F.lit(0.15 / (rnd * steps + step + 1))).alias("score"),
            ).localCheckpoint(eager=False)
            history.append(scores)
        n = scores.count()
        infos = jsc.getRDDStorageInfo()
        blocks = sum(i.numCachedPartitions() for i in infos)
        mem = sum(i.memSize() for i in infos)
        _log(
            "round %d at %4.0fs: %d sensors, %d cached RDDs, %d cached partitions, %d MiB"
            % (rnd, time.time() - t0, n, len(infos), blocks, mem >> 20)
        )


# ---------------------------------------------------------------- max_result_size


def sku_stock_totals_reduce_by_key_locally(spark):
    # (max_result_size; ERROR log) Stock totals per SKU for the pricing service, wanted as a
    # plain Python dict: 2,400,000 warehouse stock lines (24 partitions) of 600,000 SKUs,
    # `rdd.reduceByKeyLocally(add)` on a cluster whose defaults cap
    # `spark.driver.maxResultSize` at 16m. reduceByKeyLocally merges each partition's lines
    # into a dict in the task and sends the whole dict back as the task's result (~100,000
    # SKUs each), to be merged in the driver: 24 results of ~2 MB (the others: collect /
    # toPandas / broadcast build / accumulators / summarizers / treeAggregate / aggregate /
    # countByValue / approxQuantile / sort samples / local iterators; this one is a pair
    # RDD's reduceByKeyLocally).
    from operator import add

    from scenarios_pyspark import _log

    skus = int(os.environ.get("DD_SKUS", "600000"))
    lines = spark.sparkContext.parallelize(
        range(int(os.environ.get("DD_LINES", "2400000"))), 24
    ).map(lambda i: ("SKU-%07d" % (i * 7919 % skus), i % 40 + 1))
    totals = lines.reduceByKeyLocally(add)
    _log("stock totals for %d SKUs" % len(totals))


def delivery_time_histogram_fine_buckets(spark):
    # (max_result_size) A delivery-time histogram for the logistics dashboard at one-second
    # resolution: 3,000,000 deliveries (32 partitions) with durations up to ~35 days,
    # `rdd.histogram(buckets)` with one bucket per second (3,000,001 edges), on a cluster
    # whose defaults cap `spark.driver.maxResultSize` at 64m. RDD.histogram counts each
    # partition into a list as long as the buckets and sends the whole list back as the
    # task's result, to be added up in the driver: 32 results of ~6 MB (the others: collect /
    # toPandas / broadcast build / accumulators / summarizers / treeAggregate / aggregate /
    # countByValue / approxQuantile / sort samples / local iterators; this one is a pair
    # RDD's histogram with explicit buckets).
    from scenarios_pyspark import _log

    seconds = int(os.environ.get("DD_MAX_SECONDS", "3000000"))
    durations = spark.range(0, int(os.environ.get("DD_DELIVERIES", "3000000")), 1, 32).rdd.map(
        lambda r: (r.id * 2654435761) % seconds
    )
    buckets = list(range(0, seconds + 1))
    counts = durations.histogram(buckets)[1]
    _log("deliveries counted: %d" % sum(counts))


# ---------------------------------------------------------------- streaming_state


def article_unique_readers_bitmap_stream(spark):
    # (streaming_state; local[*] only) Exact unique readers per article for the newsroom
    # dashboard, the way Spark's docs suggest for exact distinct counts: page reads from a
    # rate-micro-batch source (300,000 reads a batch, 30,000 reader ids), grouped by article
    # and `bitmap_bucket_number(reader_id)`, aggregated with
    # `bitmap_construct_agg(bitmap_bit_position(reader_id))` and `bitmap_count`, update mode,
    # no watermark. New articles are published all the time (every batch brings 6,000 new
    # article ids) and none ever leaves the state; each key's aggregation buffer is a
    # 4 KiB bitmap, kept in the state store, and in local[*] the state stores live in the
    # driver JVM (the others: state of dedup / joins / windows / sessions / collect_list /
    # latest rows / retained versions / HLL / percentile sketches / pandas GroupState,
    # memory and console sinks, foreachBatch lists, progress and UI history; this one is a
    # bitmap aggregate per unbounded key).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    reads = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "300000")))
        .option("numPartitions", 2)
        .load()
        .select(
            (F.col("value") / 50).cast("long").alias("article_id"),
            (F.col("value") * 2654435761 % 30000 + 1).alias("reader_id"),
        )
    )
    readers = reads.groupBy(
        "article_id", F.expr("bitmap_bucket_number(reader_id)").alias("bucket")
    ).agg(F.expr("bitmap_construct_agg(bitmap_bit_position(reader_id))").alias("readers"))
    unique = readers.select("article_id", "bucket", F.expr("bitmap_count(readers)").alias("n"))
    q = (
        unique.writeStream.format("noop")
        .outputMode("update")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="2 seconds")
        .start()
    )
    t0, last = time.time(), None
    while q.isActive and time.time() - t0 < 600:
        q.awaitTermination(2)
        p = q.lastProgress
        if p and p.get("batchId") != last:
            last = p.get("batchId")
            state = (p.get("stateOperators") or [{}])[0]
            _log(
                "batch %s: %s reads, %s article buckets, %s state bytes"
                % (
                    p.get("batchId"),
                    p.get("numInputRows"),
                    state.get("numRowsTotal"),
                    state.get("memoryUsedBytes"),
                )
            )
    q.awaitTermination()


def page_top_referrer_mode_stream(spark):
    # (streaming_state; local[*] only) The most common referrer per page for the editors'
    # live dashboard: page views from a rate-micro-batch source (100,000 views a batch, 200
    # pages), `groupBy("page").agg(F.mode("referrer"))`, update mode, no watermark. The
    # referrer is the full URL with its tracking query string (`?utm_id=<id>`), so nearly
    # every view brings a new value; the `mode` aggregate's buffer is a map of every value
    # seen to its count, kept per page in the state store and rewritten every batch, and in
    # local[*] the state stores live in the driver JVM (the others: state of dedup / joins /
    # windows / sessions / collect_list / latest rows / retained versions / HLL / percentile
    # sketches / pandas GroupState / bitmaps, memory and console sinks, foreachBatch lists,
    # progress and UI history; this one is the mode aggregate's value counts per key).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    views = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "100000")))
        .option("numPartitions", 2)
        .load()
        .select(
            F.concat(F.lit("/news/story-"), (F.col("value") % 200).cast("string")).alias("page"),
            F.concat(
                F.lit("https://social.example/share/feed?utm_source=share&utm_id="),
                F.sha2(F.col("value").cast("string"), 256),
            ).alias("referrer"),
        )
    )
    top = views.groupBy("page").agg(F.mode("referrer").alias("top_referrer"))
    q = (
        top.writeStream.format("noop")
        .outputMode("update")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="2 seconds")
        .start()
    )
    t0, last = time.time(), None
    while q.isActive and time.time() - t0 < 600:
        q.awaitTermination(2)
        p = q.lastProgress
        if p and p.get("batchId") != last:
            last = p.get("batchId")
            state = (p.get("stateOperators") or [{}])[0]
            _log(
                "batch %s: %s page views, %s pages, %s state bytes"
                % (
                    p.get("batchId"),
                    p.get("numInputRows"),
                    state.get("numRowsTotal"),
                    state.get("memoryUsedBytes"),
                )
            )
    q.awaitTermination()


# ---------------------------------------------------------------- too_many_tasks


def store_pair_affinity_cross_join(spark):
    # (too_many_tasks; own log4j2 layout) Store-to-store affinity for the assortment team:
    # every pair of 3,000 stores, `stores.crossJoin(stores2)` and a distance per pair, on a
    # cluster that turns automatic broadcast joins off
    # (`spark.sql.autoBroadcastJoinThreshold=-1`). The store table was read with one
    # partition per store (3,000 partitions, as it came from a per-store export). Without a
    # broadcast, a join with no condition is planned as a CartesianProductExec, whose
    # UnsafeCartesianRDD has one partition per pair of input partitions: 9,000,000
    # partitions built in the driver for one stage (the others: parallelize / range /
    # repartition / shuffle partitions / AQE initial partitions / split sizes / min
    # partitions / JDBC / unions / RDD.cartesian / range partitioning / streaming source
    # partitions; this one is a DataFrame cross join).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_STORES", "3000"))
    stores = spark.range(0, n, 1, n).select(
        F.col("id").alias("store_id"),
        (F.col("id") % 180 - 90.0).alias("lat"),
        (F.col("id") * 7 % 360 - 180.0).alias("lon"),
    )
    other = stores.select(
        F.col("store_id").alias("other_id"), F.col("lat").alias("lat2"), F.col("lon").alias("lon2")
    )
    pairs = stores.crossJoin(other).where(F.col("store_id") < F.col("other_id"))
    near = pairs.where(
        F.sqrt((F.col("lat") - F.col("lat2")) ** 2 + (F.col("lon") - F.col("lon2")) ** 2) < 5.0
    )
    _log("near store pairs: %d" % near.count())


def store_product_sales_crosstab(spark):
    # (max_result_size; WARN log) A store x product sales matrix for the category managers'
    # spreadsheet: 3,000,000 sales lines (16 partitions) of 500 stores and 1,999 products,
    # `df.stat.crosstab("store", "product")` brought to pandas with `toPandas()`, on a
    # cluster whose defaults cap `spark.driver.maxResultSize` at 1m. crosstab is a lazy
    # `groupBy("store").pivot("product").count()` (the distinct products are collected
    # first as pivot values): a 500 x 2,000 table of counts, whose 500 wide rows (~8 MB)
    # toPandas collects as task results (the others: collect / toPandas / broadcast build /
    # accumulators / summarizers / treeAggregate / aggregate / countByValue / approxQuantile /
    # sort samples / local iterators; this one is the wide result of DataFrame.stat.crosstab).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    sales = spark.range(0, int(os.environ.get("DD_SALES", "3000000")), 1, 16).select(
        F.concat(F.lit("store-"), F.lpad((F.col("id") % 500).cast("string"), 4, "0")).alias(
            "store"
        ),
        F.concat(
            F.lit("product-"), F.lpad((F.rand(31) * 1999).cast("int").cast("string"), 5, "0")
        ).alias("product"),
    )
    matrix = sales.stat.crosstab("store", "product")
    _log("sales matrix: %d stores x %d columns" % matrix.toPandas().shape)


SCENARIOS = {
    f.__name__: f
    for f in [
        feature_smoothing_local_checkpoints,
        sku_stock_totals_reduce_by_key_locally,
        delivery_time_histogram_fine_buckets,
        article_unique_readers_bitmap_stream,
        page_top_referrer_mode_stream,
        store_pair_affinity_cross_join,
        store_product_sales_crosstab,
    ]
}

# The scenarios whose script sets the ERROR log level right after the session starts.
ERROR_LOG = {"sku_stock_totals_reduce_by_key_locally"}
# The scenarios whose script sets the WARN log level right after the session starts.
WARN_LOG = {"store_product_sales_crosstab"}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    if name in ERROR_LOG:
        spark.sparkContext.setLogLevel("ERROR")
    if name in WARN_LOG:
        spark.sparkContext.setLogLevel("WARN")
    SCENARIOS[name](spark)
    spark.stop()
