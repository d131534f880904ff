"""Bodies of the round-27 scenarios of the run matrix (tests/data/runs/), run by gen_r27.py.

``spark-submit scenarios_r27.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark and _log are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r26.py, gen_jvm.py)
uses; gen_r27.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. All of them keep
Spark's default INFO driver log.
"""

import os
import sys

# ---------------------------------------------------------------- collect_to_driver


def sensor_feature_correlation_matrix(spark):
    # (collect_to_driver) A data scientist's first look at the sensor features: 5,000
    # readings per snapshot (1,200 snapshots, 8 partitions) as one ml `DenseVector` column,
    # then `pyspark.ml.stat.Correlation.corr(df, "features")` to find correlated sensors.
    # Pearson correlation goes through `RowMatrix.computeCovariance`: each partition's
    # packed Gramian (4,000 x 4,001 / 2 doubles, ~64 MB) is sent to the driver as its task
    # result (2 partitions; in Spark 3.5 no intermediate treeAggregate stage), merged and
    # builds the dense 4,000 x 4,000 covariance and correlation matrices there
    # (the others: collect / take / tail / toLocalIterator / glom / collectAsMap /
    # countByValue / top / takeSample / toJSON / lookup / collect_list rows / binary files /
    # model coefficients / PCA's Gramian / a BlockMatrix made local; this one is
    # ml.stat.Correlation).
    import random

    from pyspark.ml.linalg import Vectors
    from pyspark.ml.stat import Correlation
    from scenarios_pyspark import _log

    dim = int(os.environ.get("DD_SENSORS", "4000"))
    snaps = int(os.environ.get("DD_SNAPSHOTS", "1200"))

    def snapshot(i):
        rnd = random.Random(i)
        base = rnd.random()
        return (i, Vectors.dense([base * (k % 7) + rnd.random() for k in range(dim)]))

    rdd = spark.sparkContext.parallelize(range(snaps), 2).map(snapshot)
    df = spark.createDataFrame(rdd, ["snapshot", "features"])
    _log("snapshots: %d, sensors: %d" % (df.count(), dim))
    corr = Correlation.corr(df, "features").head()[0]
    _log("correlation matrix %d x %d" % (corr.numRows, corr.numCols))


# ---------------------------------------------------------------- standardize hashed features


def search_query_hashed_features_standardize(spark):
    # A search-ranking prototype: 400,000 search queries tokenized and hashed with
    # `HashingTF(numFeatures=1 << 23)` (the "use a big hash space to avoid collisions"
    # advice), then `StandardScaler(withStd=True)` fitted before the model. StandardScaler
    # computes the mean and the standard deviation of every one of the 8,388,608 features
    # with `Summarizer.metrics("mean", "std")`, a DataFrame aggregate whose buffer holds
    # several dense arrays of 8,388,608 doubles (~64 MB each) per task, merged into one
    # row that the driver reads back (the others: logistic regression's summarizer, PCA's
    # Gramian, KMeans centers, CountVectorizer's vocabulary, Word2Vec; this one is
    # StandardScaler.fit on a wide hashed vector).
    from pyspark.ml.feature import HashingTF, StandardScaler, Tokenizer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    queries = spark.range(0, int(os.environ.get("DD_QUERIES", "400000")), 1, 8).select(
        F.concat_ws(
            " ",
            F.concat(F.lit("brand"), (F.col("id") % 5000).cast("string")),
            F.concat(F.lit("item"), (F.col("id") * 7919 % 200000).cast("string")),
            F.lit("size"),
            (F.col("id") % 48).cast("string"),
        ).alias("query")
    )
    words = Tokenizer(inputCol="query", outputCol="words").transform(queries)
    tf = HashingTF(
        inputCol="words", outputCol="tf", numFeatures=int(os.environ.get("DD_HASH", str(1 << 23)))
    ).transform(words)
    scaler = StandardScaler(inputCol="tf", outputCol="features", withStd=True, withMean=False)
    model = scaler.fit(tf)
    _log("scaler fitted, std of %d features" % model.std.size)
    _log("scaled rows: %d" % model.transform(tf).count())


# ---------------------------------------------------------------- JSON with dynamic keys


def device_readings_json_dynamic_keys(spark):
    # IoT device readings as JSON lines whose `readings` object is keyed by timestamp
    # (6,000 devices x 40 readings, every key different); `spark.read.json` infers the
    # schema: 240,000 fields under `readings`, which the driver then plans over (the others:
    # schema mismatches, FAILFAST, multiline JSON, tiny files; this one is JSON schema
    # inference over data-dependent keys).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    out = os.path.abspath("out/device_readings")
    per = int(os.environ.get("DD_READINGS", "40"))
    devices = spark.range(0, int(os.environ.get("DD_DEVICES", "6000")), 1, 8)
    readings = F.map_from_entries(
        F.transform(
            F.sequence(F.lit(0), F.lit(per - 1)),
            lambda k: F.struct(
                F.date_format(
                    F.timestamp_seconds(F.lit(1764583200) + (F.col("id") * per + k) * 7),
                    "yyyy-MM-dd'T'HH:mm:ss",
                ),
                ((F.col("id") + k) % 300 / 10.0),
            ),
        )
    )
    devices.select(
        F.to_json(
            F.struct(
                F.concat(F.lit("dev-"), F.col("id").cast("string")).alias("device_id"),
                readings.alias("readings"),
            )
        ).alias("value")
    ).write.mode("overwrite").text(out)
    _log("device readings written to %s" % out)
    df = spark.read.json(out)
    _log("fields under readings: %d" % len(df.schema["readings"].dataType.fields))
    per_device = df.select("device_id", F.col("readings.*")).count()
    _log("devices: %d" % per_device)


# ---------------------------------------------------------------- not_driver_oom


def monthly_sales_notebook_export(spark):
    # (not_driver_oom) A look-alike whose error names the driver's memory: a notebook-style
    # monthly sales job (2,000,000 sales, 8 partitions) aggregates per store and month,
    # shows the top stores, and before the "big" export step raises the driver's memory
    # the way a notebook user would, `spark.conf.set("spark.driver.memory", "4g")`, on the
    # running session. spark.driver.memory is a Spark core config read when the driver JVM
    # starts; `RuntimeConfig.set` rejects it (`spark.sql.legacy.setCommandRejectsSparkCoreConfs`
    # is true by default) with an AnalysisException naming spark.driver.memory (the others:
    # memory / size settings without a unit or with a decimal, an executor bigger than the
    # worker, a too-small heap at startup, an off-heap pool too small; this one is a core
    # memory setting changed on a running session).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    sales = spark.range(0, int(os.environ.get("DD_SALES", "2000000")), 1, 8).select(
        (F.col("id") % 250).alias("store"),
        F.date_format(F.timestamp_seconds(F.lit(1733011200) + F.col("id") * 15), "yyyy-MM").alias(
            "month"
        ),
        (F.col("id") * 7919 % 10000 / 100.0).alias("amount"),
    )
    monthly = sales.groupBy("store", "month").agg(F.sum("amount").alias("revenue")).cache()
    _log("store-months: %d" % monthly.count())
    monthly.orderBy(F.desc("revenue")).show(5)
    # the export below collects every store-month: give the driver more room first
    spark.conf.set("spark.driver.memory", "4g")
    spark.conf.set("spark.driver.maxResultSize", "2g")
    rows = monthly.collect()
    _log("exported %d rows" % len(rows))


SCENARIOS = {
    f.__name__: f
    for f in [
        sensor_feature_correlation_matrix,
        search_query_hashed_features_standardize,
        device_readings_json_dynamic_keys,
        monthly_sales_notebook_export,
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
