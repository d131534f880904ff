"""Bodies of the round-29 scenarios of the run matrix (tests/data/runs/), run by gen_r29.py.

``spark-submit scenarios_r29.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r28.py, gen_jvm.py)
uses; gen_r29.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. All of them keep
Spark's default INFO driver log.
"""

import os
import sys
import time

# ---------------------------------------------------------------- too_many_tasks


def clickstream_load_test_rate_stream(spark):
    # (too_many_tasks) A load test of the clickstream pipeline: a `rate` stream at the target
    # 2,000,000 events a second, with the source's `numPartitions` set to the same number
    # ("one partition per event each second, for maximum parallelism"), mapped to users and
    # pages and written to parquet every 10 seconds. Each micro-batch of the rate source is
    # planned as `numPartitions` input partitions: the driver builds 2,000,000
    # RateStreamMicroBatchInputPartitions, a DataSourceRDD of 2,000,000 partitions and a
    # stage of 2,000,000 tasks for the first batch (the others: parallelize / range /
    # repartition / shuffle partitions / AQE initial partitions / split sizes / min
    # partitions / JDBC / unions / cartesian / range partitioning; this one is a streaming
    # source's partition count).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    target = int(os.environ.get("DD_EVENTS_PER_SECOND", "2000000"))
    clicks = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", target)
        .option("numPartitions", target)
        .load()
        .select(
            "timestamp",
            (F.col("value") % 50000).alias("user_id"),
            F.concat(F.lit("/product/"), (F.col("value") % 997).cast("string")).alias("page"),
        )
    )
    q = (
        clicks.writeStream.format("parquet")
        .option("path", os.path.abspath("clicks"))
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="10 seconds")
        .start()
    )
    t0, last = time.time(), None
    while q.isActive and time.time() - t0 < 600:
        q.awaitTermination(5)
        p = q.lastProgress
        if p and p.get("batchId") != last:
            last = p.get("batchId")
            _log("batch %s: %s rows/s" % (last, p.get("processedRowsPerSecond")))
    q.awaitTermination()


# ---------------------------------------------------------------- client_mode_small_driver


def customer_embedding_segments_gmm(spark):
    # (client_mode_small_driver) Customer segmentation on text embeddings: 2,000 customers
    # (4 partitions) with a 3,072-dimension embedding of their reviews (an ml `DenseVector`
    # made with `array_to_vector`), clustered with `GaussianMixture(k=20)`. The mixture's
    # model is k full covariance matrices of d x d: `GaussianMixture.initRandom` draws a
    # small sample (k x 5 rows) and builds the 20 initial Gaussians in the driver, each with
    # a packed covariance of d (d + 1) / 2 = 4,720,128 doubles (~36 MB), ~720 MB in all,
    # before the first EM iteration (the others: LDA's topic matrix, logistic regression's
    # summarizer, PCA, KMeans, CountVectorizer, Word2Vec, NaiveBayes, FPGrowth, random
    # forests, Correlation, StandardScaler; this one is a Gaussian mixture's covariances).
    from pyspark.ml.clustering import GaussianMixture
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    dim = int(os.environ.get("DD_DIM", "3072"))
    customers = spark.range(0, int(os.environ.get("DD_CUSTOMERS", "2000")), 1, 4).select(
        F.col("id").alias("customer_id"),
        array_to_vector(
            F.transform(
                F.sequence(F.lit(1), F.lit(dim)),
                lambda i: F.sin(F.col("id") * i + i) * F.lit(0.5),
            )
        ).alias("features"),
    )
    _log("customers: %d" % customers.count())
    gmm = GaussianMixture(k=int(os.environ.get("DD_SEGMENTS", "20")), maxIter=20, seed=7)
    model = gmm.fit(customers)
    _log("segment weights: %s" % [round(w, 3) for w in model.weights])


# ---------------------------------------------------------------- streaming_state


def api_latency_percentiles_per_path_stream(spark):
    # (streaming_state; local[*] only) A live API latency dashboard: request logs from a
    # rate-micro-batch source (1,000,000 requests a batch) grouped by request path with
    # `F.percentile_approx("latency_ms", [0.5, 0.99])`, in update mode and without a
    # watermark. The path is the raw URL, which carries the order id
    # (`/api/orders/<id>`), so every batch brings 5,000 new keys that never expire, each
    # with ~200 latencies; the aggregate's buffer is a QuantileSummaries object, kept
    # serialized per key in the state store (sampled values of every path), and in local[*]
    # the state stores live in the driver JVM (the others: state of dedup / joins /
    # windows / sessions / collect_list / latest rows / retained versions / HLL sketches,
    # memory and console sinks, progress and UI history; this one is a percentile sketch
    # per unbounded key).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    requests = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "1000000")))
        .option("numPartitions", 2)
        .load()
        .select(
            F.concat(F.lit("/api/orders/"), (F.col("value") / 200).cast("long")).alias("path"),
            (F.pmod(F.hash(F.col("value")), F.lit(2000)) + 5).alias("latency_ms"),
        )
    )
    latency = requests.groupBy("path").agg(
        F.percentile_approx("latency_ms", [0.5, 0.99]).alias("p50_p99"),
        F.count("*").alias("requests"),
    )
    q = (
        latency.writeStream.format("noop")
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
                "batch %s: %s requests, %s paths, %s state bytes"
                % (
                    p.get("batchId"),
                    p.get("numInputRows"),
                    state.get("numRowsTotal"),
                    state.get("memoryUsedBytes"),
                )
            )
    q.awaitTermination()


# ---------------------------------------------------------------- not_driver_oom


def address_geocode_udf_memo_cache(spark):
    # (not_driver_oom) A look-alike: address normalisation of 2,000,000 deliveries (4
    # partitions) with a Python UDF that "geocodes" an address string into a normalised
    # record (street, city, tokens), memoised in a dict captured by the UDF because the same
    # addresses repeat. Almost every address is distinct, so the memo of each task's copy of
    # the UDF keeps every address of its partition with its record (~500,000 of them);
    # `spark.executor.pyspark.memory` caps each Python worker's address space (RLIMIT_AS),
    # and the worker raises `MemoryError` in the middle of the task. The driver log shows a
    # Python `MemoryError` traceback, but it was raised in a Python worker of a task, not in
    # the driver (the others: a mapPartitions buffer, a numpy allocation, a broadcast dict,
    # mmap, a CUDA message, a crash / SIGKILL in Python workers; this one is a memoised
    # UDF's cache).
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType
    from scenarios_pyspark import _log

    memo = {}

    def normalise(address):
        record = memo.get(address)
        if record is None:
            street, _, rest = address.partition(",")
            record = (street.strip().title(), rest.strip().upper(), street.lower().split())
            memo[address] = record
        return "%s, %s [%d tokens]" % (record[0], record[1], len(record[2]))

    normalise_udf = F.udf(normalise, StringType())
    deliveries = spark.range(0, int(os.environ.get("DD_DELIVERIES", "2000000")), 1, 4).select(
        F.col("id").alias("delivery_id"),
        F.concat(
            (F.col("id") % 9973 + 1).cast("string"),
            F.lit(" Harbour View Road, apartment "),
            F.col("id").cast("string"),
            F.lit(", Springfield"),
        ).alias("address"),
    )
    normalised = deliveries.withColumn("address_norm", normalise_udf("address"))
    _log("distinct normalised addresses: %d" % normalised.select("address_norm").distinct().count())


# ---------------------------------------------------------------- python_driver_oom


def partner_catalog_xml_feed(spark):
    # (python_driver_oom) The nightly product feed for a marketplace partner, who wants
    # XML: 400,000 products (8 partitions) collected (~80 MB of rows, fine), then the feed
    # built with `xml.etree.ElementTree`, one `<product>` element with nine child elements
    # per row, before `ET.tostring`. Every element is a Python object with its tag, attribute
    # dict and text (~4,000,000 of them), in a Python driver with little room left
    # (RLIMIT_AS: current size + DD_PY_MB) (the others: collect, toPandas (+ pivot /
    # get_dummies / merge / to_dict), createDataFrame(pandas), asDict, json.dumps, a Counter
    # of bigrams, itertools pairs, csv.reader, print, show, gzip, numpy, sparse vectors
    # made dense, an HTML report, a fixed-width statement; this one is an XML DOM tree).
    import xml.etree.ElementTree as ET

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    products = spark.range(0, int(os.environ.get("DD_PRODUCTS", "400000")), 1, 8).select(
        F.concat(F.lit("SKU-"), F.lpad(F.col("id").cast("string"), 8, "0")).alias("sku"),
        F.concat(F.lit("Product "), F.col("id").cast("string")).alias("title"),
        F.concat(F.lit("brand-"), (F.col("id") % 300).cast("string")).alias("brand"),
        F.concat(F.lit("category-"), (F.col("id") % 120).cast("string")).alias("category"),
        ((F.col("id") % 10000) / 100 + 1).cast("decimal(10,2)").alias("price"),
        (F.col("id") % 50).alias("stock"),
        F.concat(F.lit("https://shop.example/p/"), F.col("id").cast("string")).alias("url"),
        F.sha2(F.col("id").cast("string"), 256).substr(1, 13).alias("gtin"),
    )
    rows = products.collect()
    _log("collected %d products" % len(rows))
    _limit_python(int(os.environ.get("DD_PY_MB", "300")))
    feed = ET.Element("feed", version="2.1", partner="marketplace")
    for r in rows:
        p = ET.SubElement(feed, "product", id=r.sku)
        for field in ("title", "brand", "category", "price", "stock", "url", "gtin"):
            ET.SubElement(p, field).text = str(r[field])
        ET.SubElement(p, "availability").text = "in stock" if r.stock else "out of stock"
        ET.SubElement(p, "condition").text = "new"
    data = ET.tostring(feed, encoding="utf-8")
    _log("feed: %d bytes" % len(data))


# ---------------------------------------------------------------- max_result_size


def wide_features_vector_indexer(spark):
    # (max_result_size) Preparing a wide feature table for a tree model, as in the Spark docs'
    # decision-tree example: 2,000 rows (200 partitions) of a 16,000-feature vector, the
    # features low-cardinality codes, then `VectorIndexer(maxCategories=20).fit` to find the
    # categorical features, on a cluster whose defaults cap `spark.driver.maxResultSize` at
    # 64m. VectorIndexer.fit is a `treeReduce` of per-partition CategoryStats: each holds one
    # OpenHashSet of the values seen for each of the 16,000 features (up to maxCategories + 1
    # values each); the 200 partials are merged in an intermediate shuffle stage and the
    # ~14 merged ones come back to the driver as task results of ~10 MB each, together over
    # 64m (the others: collect / toPandas / broadcast build / accumulators / summarizers /
    # KMeans / PCA / FPGrowth / Word2Vec / CountVectorizer / approxQuantile / sort samples /
    # local iterators; this one is VectorIndexer's per-feature category sets).
    from pyspark.ml.feature import VectorIndexer
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    width = int(os.environ.get("DD_FEATURES", "16000"))
    table = spark.range(0, int(os.environ.get("DD_ROWS", "2000")), 1, 200).select(
        F.col("id").alias("row_id"),
        array_to_vector(
            F.transform(
                F.sequence(F.lit(1), F.lit(width)),
                lambda i: ((F.col("id") * 31 + i * 17) % (i % 12 + 3)).cast("double"),
            )
        ).alias("features"),
    )
    indexer = VectorIndexer(inputCol="features", outputCol="indexed", maxCategories=20)
    model = indexer.fit(table)
    _log("categorical features: %d of %d" % (len(model.categoryMaps), model.numFeatures))


SCENARIOS = {
    f.__name__: f
    for f in [
        clickstream_load_test_rate_stream,
        customer_embedding_segments_gmm,
        api_latency_percentiles_per_path_stream,
        address_geocode_udf_memo_cache,
        partner_catalog_xml_feed,
        wide_features_vector_indexer,
    ]
}

# The scenarios whose script sets the WARN log level right after the session starts (none
# in this round).
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
