"""Bodies of the round-28 scenarios of the run matrix (tests/data/runs/), run by gen_r28.py.

``spark-submit scenarios_r28.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r27.py, gen_jvm.py)
uses; gen_r28.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. All of them keep
Spark's default INFO driver log.
"""

import os
import sys

# ---------------------------------------------------------------- LDA topic model


def support_ticket_topics_lda(spark):
    # Topic modelling of support tickets: 20,000 tickets tokenized and hashed with
    # `HashingTF`'s default size (262,144 features), then `LDA(k=100)` (the default "online"
    # optimizer). `OnlineLDAOptimizer.initialize` draws the variational topic matrix
    # `lambda` (k x vocabSize = 100 x 262,144 = 26,214,400 doubles, ~200 MB as doubles,
    # drawn as one sequence of boxed Gamma samples) in the driver, before any iteration,
    # and every iteration broadcasts exp(E[log beta]) of the same size (the others: logistic
    # regression's summarizer, PCA, KMeans, CountVectorizer, Word2Vec, NaiveBayes, FPGrowth,
    # random forests, Correlation, StandardScaler; this one is the LDA topic matrix).
    from pyspark.ml.clustering import LDA
    from pyspark.ml.feature import HashingTF, Tokenizer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    tickets = spark.range(0, int(os.environ.get("DD_TICKETS", "20000")), 1, 4).select(
        F.concat_ws(
            " ",
            F.element_at(
                F.array(*[F.lit(w) for w in ("login", "invoice", "refund", "shipping", "app")]),
                (F.col("id") % 5 + 1).cast("int"),
            ),
            F.lit("problem with order"),
            F.concat(F.lit("ord"), (F.col("id") * 7919 % 100000).cast("string")),
            F.element_at(
                F.array(*[F.lit(w) for w in ("urgent", "please", "help", "again", "today")]),
                (F.col("id") % 7 % 5 + 1).cast("int"),
            ),
        ).alias("text")
    )
    words = Tokenizer(inputCol="text", outputCol="words").transform(tickets)
    tf = HashingTF(inputCol="words", outputCol="tf").transform(words)
    lda = LDA(k=int(os.environ.get("DD_TOPICS", "100")), maxIter=10, featuresCol="tf", seed=7)
    model = lda.fit(tf)
    _log("topics: %d, vocabulary: %d" % (model.getK(), model.vocabSize()))
    model.describeTopics(5).show(truncate=False)


# ---------------------------------------------------------------- collect_to_driver


def product_category_classifier_accuracy(spark):
    # (collect_to_driver) Offline evaluation of a product-category classifier: 5,000,000
    # scored products (8 partitions) whose label and prediction are leaf categories out of
    # 500,000, then `MulticlassClassificationEvaluator(metricName="accuracy").evaluate`.
    # `MulticlassMetrics` computes every metric from its confusion map,
    # `predLabelsWeight.map(((label, prediction), weight)).reduceByKey(_ + _).collectAsMap()`:
    # one entry per distinct (label, prediction) pair, here nearly one per row, all brought
    # to the driver as boxed Scala tuples (the others: collect / take / tail /
    # toLocalIterator / glom / collectAsMap of a Python RDD / countByValue / top / takeSample
    # / toJSON / lookup / collect_list rows / binary files / model coefficients / PCA's
    # Gramian / BlockMatrix / Correlation; this one is an ml evaluator's confusion map).
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    cats = int(os.environ.get("DD_CATEGORIES", "500000"))
    scored = spark.range(0, int(os.environ.get("DD_PRODUCTS", "5000000")), 1, 8).select(
        F.col("id").alias("product_id"),
        F.pmod(F.hash(F.col("id")), F.lit(cats)).cast("double").alias("label"),
        F.when(F.col("id") % 3 == 0, F.pmod(F.hash(F.col("id")), F.lit(cats)))
        .otherwise(F.pmod(F.hash(F.col("id"), F.lit("model-v2")), F.lit(cats)))
        .cast("double")
        .alias("prediction"),
    )
    _log("scored products: %d" % scored.count())
    evaluator = MulticlassClassificationEvaluator(
        labelCol="label", predictionCol="prediction", metricName="accuracy"
    )
    _log("accuracy: %.4f" % evaluator.evaluate(scored))


# ---------------------------------------------------------------- python_driver_oom


def ticket_features_sklearn_dense_matrix(spark):
    # (python_driver_oom) Handing Spark features to scikit-learn: 3,000 tickets tokenized and
    # hashed with `HashingTF`'s default size (262,144 features), the sparse `features` and
    # labels collected (small: a few non-zeros per row), then the feature matrix built the
    # usual way, `np.array([r.tf.toArray() for r in rows])`: every `SparseVector.toArray()`
    # is a dense float64 array of 262,144 values (2 MiB), 3,000 of them ~6 GB, in a Python
    # driver with little room left (RLIMIT_AS: current size + DD_PY_MB) (the others:
    # collect, toPandas (+ pivot / get_dummies / merge / to_dict), createDataFrame(pandas),
    # asDict, json.dumps, a Counter of bigrams, itertools pairs, csv.reader, print,
    # show, gzip, numpy collect; this one is sparse ml vectors made dense on the driver).
    import numpy as np
    from pyspark.ml.feature import HashingTF, Tokenizer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    tickets = spark.range(0, int(os.environ.get("DD_TICKETS", "3000")), 1, 4).select(
        (F.col("id") % 2).cast("double").alias("label"),
        F.concat_ws(
            " ",
            F.lit("cannot"),
            F.element_at(
                F.array(*[F.lit(w) for w in ("login", "pay", "track", "return", "cancel")]),
                (F.col("id") % 5 + 1).cast("int"),
            ),
            F.concat(F.lit("ord"), (F.col("id") * 7919 % 100000).cast("string")),
        ).alias("text"),
    )
    words = Tokenizer(inputCol="text", outputCol="words").transform(tickets)
    tf = HashingTF(inputCol="words", outputCol="tf").transform(words)
    rows = tf.select("label", "tf").collect()
    _log("collected %d tickets, %d features" % (len(rows), rows[0].tf.size))
    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    X = np.array([r.tf.toArray() for r in rows])
    y = np.array([r.label for r in rows])
    _log("feature matrix %s, labels %s" % (X.shape, y.shape))


SCENARIOS = {
    f.__name__: f
    for f in [
        support_ticket_topics_lda,
        product_category_classifier_accuracy,
        ticket_features_sklearn_dense_matrix,
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
