"""Bodies of the round-16 scenarios of the run matrix (tests/data/runs/), run by gen_r16.py.

``spark-submit scenarios_r16.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _log and _limit_python are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r15.py, gen_jvm.py)
uses; gen_r16.py records what really happened.
"""

import os
import sys
import time

# ---------------------------------------------------------------- collect_to_driver


def sql_cube_report_collect(spark):
    # (collect_to_driver; spark.driver.maxResultSize=0) A "sales cube" report written in
    # SQL text: GROUP BY CUBE(region, product, customer) with a sum, a count and the
    # latest note of each cell, collected to be written out by the driver. A cube returns
    # one row per combination of every subset of its columns, so 500,000 sales rows come
    # back as ~1,700,000 result rows (each with its ~170-character note), far more than the
    # table itself (the others: collect() / take / tail / show / toJSON / collectAsMap /
    # countByValue / glom / takeSample / toLocalIterator / order-by-limit / collect_set per
    # key / binary files / the console sink; this one is a CUBE that multiplies the rows).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_SALES", "500000"))
    spark.range(0, n, 1, 8).select(
        F.concat(F.lit("region-"), (F.col("id") % 7).cast("string")).alias("region"),
        F.concat(F.lit("sku-"), (F.col("id") % 997).cast("string")).alias("product"),
        F.concat(F.lit("cust-"), (F.col("id") % 200000).cast("string")).alias("customer"),
        (F.col("id") % 100).alias("amount"),
        F.rpad(F.sha2(F.col("id").cast("string"), 256), 170, ".").alias("note"),
    ).createOrReplaceTempView("sales")
    _log("sales rows %d" % spark.table("sales").count())
    report = spark.sql(
        """
        SELECT region, product, customer, sum(amount) AS total, count(*) AS n,
               max(note) AS last_note
        FROM sales
        GROUP BY CUBE(region, product, customer)
        """
    )
    rows = report.collect()
    _log("cube rows %d" % len(rows))


# ---------------------------------------------------------------- max_result_size


def fpgrowth_items_max_result_size(spark):
    # (max_result_size; spark.driver.maxResultSize=4m) Market-basket analysis with
    # pyspark.ml.fpm.FPGrowth and a minSupport so low (1e-6 of 500,000 baskets: one
    # occurrence) that every item is "frequent". Before it mines anything, MLlib's
    # FPGrowth.genFreqItems counts the items with reduceByKey and collect()s every
    # (item, count) pair to the driver to sort them; with one distinct SKU per basket that
    # is ~500,000 pairs, several MB per task (the others: collect / toPandas /
    # toLocalIterator / a broadcast's build side / rdd.reduce / aggregate / collect_list /
    # treeAggregate of PCA, Summarizer, Word2Vec / KMeans takeSample / CountVectorizer
    # vocabulary / range-partitioner samples / accumulators; this one is FPGrowth's item
    # count collect).
    from pyspark.ml.fpm import FPGrowth
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_BASKETS", "500000"))
    baskets = spark.range(0, n, 1, 8).select(
        F.array(
            F.concat(F.lit("sku-"), F.substring(F.sha2(F.col("id").cast("string"), 256), 1, 40)),
            F.concat(F.lit("aisle-"), (F.col("id") % 300).cast("string")),
            F.concat(F.lit("promo-"), (F.col("id") % 17).cast("string")),
        ).alias("items")
    )
    _log("baskets %d" % baskets.count())
    fp = FPGrowth(itemsCol="items", minSupport=1e-6, minConfidence=0.5)
    model = fp.fit(baskets)
    _log("frequent itemsets %d" % model.freqItemsets.count())


# ---------------------------------------------------------------- python_driver_oom


def parallelize_csv_reader_memoryerror(spark):
    # (python_driver_oom; driver 1g) Loading a local CSV export (1,500,000 customer lines,
    # ~200 MB) "into Spark" with sc.parallelize(csv.reader(open(path)), 16): parallelize
    # needs the length of its input, so PySpark turns anything without __len__ (here the
    # reader, an iterator) into a Python list first (`c = list(c)` in
    # SparkContext.parallelize): every line becomes a list of five str objects in the
    # Python driver before anything is sent to the JVM. The Python driver's address
    # space is capped at its size + DD_PY_MB (400 MB) (the others: collect / toPandas /
    # createDataFrame / asDict / json.dumps / a CSV string / numpy arrays / pivot /
    # get_dummies / merge / to_dict / a toLocalIterator dict / showString; this one is
    # PySpark's own list() of an iterator in parallelize).
    import csv

    from scenarios_pyspark import _limit_python, _log

    path = os.path.abspath("customers-export.csv")
    n = int(os.environ.get("DD_LINES", "1500000"))
    with open(path, "w") as fh:
        fh.write("customer_id,name,email,segment,notes\n")
        for i in range(0, n, 10000):
            fh.write(
                "".join(
                    "%d,Customer %d,customer%d@example.com,%s,%s\n"
                    % (
                        j,
                        j,
                        j,
                        ("retail", "wholesale", "online")[j % 3],
                        "%064x" % (j * 2654435761),
                    )
                    for j in range(i, min(n, i + 10000))
                )
            )
    _log("export %d lines, %.0f MiB" % (n, os.path.getsize(path) / 2.0**20))
    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rdd = spark.sparkContext.parallelize(reader, 16)
        _log("columns %s, partitions %d" % (header, rdd.getNumPartitions()))
    _log("customers %d" % rdd.count())


# ---------------------------------------------------------------- streaming_state


def stream_state_versions_retained(spark):
    # (streaming_state; spark.sql.streaming.maxBatchesToRetainInMemory=1000) "Latest
    # reading per meter" for a fixed set of 200,000 meters: a rate-micro-batch source
    # (200,000 rows a batch, every meter once a batch) grouped by meter (count,
    # max_by(reading, value)), update mode, noop sink, 1 s trigger, 4 shuffle partitions.
    # The state itself stays the same size (200,000 rows), but the state store provider
    # (HDFSBackedStateStoreProvider) keeps the last maxBatchesToRetainInMemory versions of
    # each store's map in memory (the default is 2), and every batch rewrites every key,
    # so each kept version is a full copy; with local[*] the state stores live in the
    # driver JVM (the others: dropDuplicates, stream-stream joins, windows, session
    # windows, collect_list / max_by state over ever new keys, memory / console sinks, a
    # foreachBatch list, progress / SQL-tab history; this one is old state versions kept
    # in memory for a constant-size state).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    meters = int(os.environ.get("DD_METERS", "200000"))
    _log(
        "maxBatchesToRetainInMemory %s"
        % spark.conf.get("spark.sql.streaming.maxBatchesToRetainInMemory")
    )
    readings = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", meters)
        .option("numPartitions", 2)
        .load()
        .select(
            (F.col("value") % meters).alias("meter"),
            "value",
            F.sha2(F.col("value").cast("string"), 256).alias("reading"),
        )
    )
    latest = readings.groupBy("meter").agg(
        F.max_by("reading", "value").alias("reading"), F.count("*").alias("n")
    )
    q = (
        latest.writeStream.format("noop")
        .outputMode("update")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="1 second")
        .start()
    )
    t0, last = time.time(), None
    while q.isActive and time.time() - t0 < 900:
        q.awaitTermination(3)
        p = q.lastProgress
        if p and p.get("batchId") != last:
            last = p.get("batchId")
            ops = p.get("stateOperators") or [{}]
            _log(
                "batch %s at %.0fs: %s input rows, state rows %s, state memory %d MiB"
                % (
                    last,
                    time.time() - t0,
                    p.get("numInputRows"),
                    ops[0].get("numRowsTotal"),
                    (ops[0].get("memoryUsedBytes") or 0) >> 20,
                )
            )
    if q.exception():
        raise Exception(str(q.exception()))


# ---------------------------------------------------------------- driver_side_state


def cv_collect_sub_models_state(spark):
    # (driver_side_state) Model selection with pyspark.ml.tuning.CrossValidator and
    # collectSubModels=True ("to look at every fold later"): a Pipeline of
    # StringIndexer(customer, handleInvalid="keep") -> VectorAssembler ->
    # LinearRegression, 6 regParam values x 3 folds (18 sub-models) over 800,000 rows
    # with 200,000 distinct customers. Every fitted sub-model is kept by the
    # CrossValidator, and each holds its StringIndexerModel with the ~200,000 customer
    # labels of its training fold (plus the label -> index map built when it is
    # evaluated), as JVM objects in the driver that Py4J keeps alive for the Python
    # sub-model lists. A logging evaluator prints the driver heap in use after a
    # System.gc() after each sub-model (the others: a Python list of
    # collected rows / pandas frames, kept DataFrames / temp views / UDF registrations /
    # unions / self-joins, accumulators, listeners, observations, UI / plan history; this
    # one is MLlib models retained by the tuning API).
    from pyspark.ml import Pipeline
    from pyspark.ml.evaluation import RegressionEvaluator
    from pyspark.ml.feature import StringIndexer, VectorAssembler
    from pyspark.ml.regression import LinearRegression
    from pyspark.ml.tuning import CrossValidator, ParamGridBuilder
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    jvm = spark.sparkContext._jvm
    runtime = jvm.java.lang.Runtime.getRuntime()
    done = []

    class LoggedEvaluator(RegressionEvaluator):
        def evaluate(self, dataset, params=None):
            metric = super().evaluate(dataset, params)
            done.append(metric)
            jvm.System.gc()
            _log(
                "sub-model %d evaluated: rmse %.3f, driver heap in use after GC %d MiB"
                % (len(done), metric, (runtime.totalMemory() - runtime.freeMemory()) >> 20)
            )
            return metric

    n = int(os.environ.get("DD_ROWS", "800000"))
    customers = int(os.environ.get("DD_CUSTOMERS", "200000"))
    data = spark.range(0, n, 1, 4).select(
        F.concat(F.lit("customer-"), F.sha2((F.col("id") % customers).cast("string"), 256)).alias(
            "customer"
        ),
        (F.col("id") % 100).cast("double").alias("visits"),
        ((F.col("id") % 100) * 1.5 + F.col("id") % 7).cast("double").alias("label"),
    )
    _log("rows %d, customers %d" % (data.count(), customers))
    indexer = StringIndexer(inputCol="customer", outputCol="customer_idx", handleInvalid="keep")
    assembler = VectorAssembler(inputCols=["customer_idx", "visits"], outputCol="features")
    lr = LinearRegression(maxIter=5)
    pipeline = Pipeline(stages=[indexer, assembler, lr])
    grid = ParamGridBuilder().addGrid(lr.regParam, [0.0, 0.001, 0.01, 0.1, 0.5, 1.0]).build()
    cv = CrossValidator(
        estimator=pipeline,
        estimatorParamMaps=grid,
        evaluator=LoggedEvaluator(metricName="rmse"),
        numFolds=3,
        collectSubModels=True,
        seed=7,
    )
    model = cv.fit(data)
    _log(
        "best avg rmse %s, sub-models kept %d"
        % (min(model.avgMetrics), sum(map(len, model.subModels)))
    )


# ---------------------------------------------------------------- not_driver_oom


def udf_numpy_alloc_memoryerror(spark):
    # (not_driver_oom) A look-alike: a Python UDF builds a dense co-occurrence matrix per
    # document with numpy, sized by the document's vocabulary size from its metadata; one
    # record has a corrupt vocab_size (3,000,000 instead of ~50), so np.zeros asks for a
    # 3,000,000 x 3,000,000 float32 matrix (~33 TiB) and numpy raises its MemoryError
    # subclass (_ArrayMemoryError: Unable to allocate ...) in the Python worker of an
    # executor. The driver log shows a MemoryError traceback, but it was raised in a task,
    # not in the driver's Python, and no JVM heap ran out (the others: a UDF ValueError, a
    # "CUDA out of memory" RuntimeError, a Python worker past spark.executor.pyspark.memory,
    # a crashed Python worker, executor OOMs; this one is numpy's allocation error for one
    # bad input in a UDF).
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType
    from scenarios_pyspark import _log

    def cooccurrence_density(tokens, vocab_size):
        import numpy as np

        ids = [int(t) % vocab_size for t in tokens.split()]
        m = np.zeros((vocab_size, vocab_size), dtype=np.float32)
        for a, b in zip(ids, ids[1:], strict=False):
            m[a, b] += 1.0
        return float(np.count_nonzero(m)) / float(vocab_size * vocab_size)

    docs = spark.range(0, 200000, 1, 8).select(
        "id",
        F.expr(
            "concat_ws(' ', transform(sequence(1, 12), i -> cast(id * i * 7919 % 1000 AS string)))"
        ).alias("tokens"),
        F.when(F.col("id") == 123457, F.lit(3000000))
        .otherwise(F.lit(40) + F.col("id") % 20)
        .cast("int")
        .alias("vocab_size"),
    )
    _log("documents %d" % docs.count())
    density = F.udf(cooccurrence_density, DoubleType())
    scored = docs.select("id", density("tokens", "vocab_size").alias("density"))
    _log("mean density %s" % scored.agg(F.avg("density")).collect())


SCENARIOS = {
    f.__name__: f
    for f in [
        sql_cube_report_collect,
        fpgrowth_items_max_result_size,
        parallelize_csv_reader_memoryerror,
        stream_state_versions_retained,
        cv_collect_sub_models_state,
        udf_numpy_alloc_memoryerror,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
