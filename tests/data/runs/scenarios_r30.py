"""Bodies of the round-30 scenarios of the run matrix (tests/data/runs/), run by gen_r30.py.

``spark-submit scenarios_r30.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r29.py, gen_jvm.py)
uses; gen_r30.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. This round is the
first with pyarrow in the venvs: five scenarios go through Arrow (toPandas, createDataFrame
from pandas, applyInPandas, applyInPandasWithState). Two of them set the WARN log level
right after the session starts (WARN_LOG below), as many users' scripts do; the others keep
Spark's default INFO driver log.
"""

import os
import sys
import time

# ---------------------------------------------------------------- collect_to_driver


def ledger_snapshot_arrow_topandas(spark):
    # (collect_to_driver; WARN log) The month-end ledger snapshot handed to the finance team's
    # pandas reconciliation: 1,200,000 ledger lines (16 partitions) with a ~900-character
    # description each, brought to pandas with `toPandas()` and the team's "fast pandas"
    # setting `spark.sql.execution.arrow.pyspark.enabled=true` (set in the script; the
    # cluster caps nothing, `spark.driver.maxResultSize=0` on the command line). With Arrow,
    # toPandas is `Dataset.collectAsArrowToPython`: each task's result is its partition as
    # Arrow record batches (~70 MB), received, deserialized and kept in the driver JVM
    # (partitions that finish out of order wait there) while they are streamed to Python (the
    # others: collect / take / tail / toLocalIterator / glom / collectAsMap / countByValue /
    # top / takeSample / toJSON / lookup / evaluators' maps / plain toPandas; this one is the
    # Arrow collect of toPandas).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    ledger = spark.range(0, int(os.environ.get("DD_LINES", "1200000")), 1, 16).select(
        F.col("id").alias("line_id"),
        F.concat(F.lit("ACC-"), (F.col("id") % 4000).cast("string")).alias("account"),
        ((F.col("id") % 100000) / 100).cast("decimal(12,2)").alias("amount"),
        F.sha2(F.col("id").cast("string"), 256).alias("document_hash"),
        F.rpad(
            F.concat(F.lit("Invoice settlement for order "), F.col("id").cast("string")),
            900,
            " .",
        ).alias("description"),
    )
    pdf = ledger.toPandas()
    _log("ledger lines for reconciliation: %d" % len(pdf))


# ---------------------------------------------------------------- large_closure


def churn_features_from_pandas_arrow(spark):
    # (large_closure) Churn scoring features computed with numpy / pandas on the driver
    # (6,000,000 customers x 10 numeric columns, ~480 MB) and handed back to Spark with
    # `spark.createDataFrame(pdf)`, Arrow on (set in the script), to be joined and written.
    # With Arrow, createDataFrame writes the frame as Arrow record batches to a temp file,
    # and the driver JVM reads them all into its heap (`PythonSQLUtils
    # .readArrowStreamFromFile`, then `ArrowConverters.toDataFrame`'s `batchesInDriver`) to
    # `parallelize` them, one batch per partition, past
    # `spark.sql.execution.arrow.localRelationThreshold`: the whole local data set sits in
    # the driver to be shipped inside the tasks (the others: closures / UDFs capturing
    # dicts, frames, models, routing tables; big literals and isin lists; sc.parallelize of
    # a big list; plain createDataFrame(pandas) without Arrow; this one is Arrow's
    # createDataFrame from pandas).
    import numpy as np
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    n = int(os.environ.get("DD_CUSTOMERS", "6000000"))
    rng = np.random.default_rng(30)
    pdf = pd.DataFrame({"customer_id": np.arange(n, dtype=np.int64)})
    for name in ("tenure", "spend_30d", "spend_90d", "tickets", "logins", "discount"):
        pdf[name] = rng.random(n)
    pdf["spend_trend"] = pdf["spend_30d"] / (pdf["spend_90d"] + 1.0)
    pdf["engagement"] = pdf["logins"] * pdf["tenure"]
    pdf["churn_score"] = 1.0 / (1.0 + np.exp(pdf["tickets"] - pdf["engagement"]))
    _log("churn features: %d customers, %d MiB" % (n, pdf.memory_usage().sum() >> 20))
    features = spark.createDataFrame(pdf)
    at_risk = features.where(F.col("churn_score") > 0.6)
    _log("customers at risk: %d" % at_risk.count())


# ---------------------------------------------------------------- python_driver_oom


def support_chat_transcripts_arrow_topandas(spark):
    # (python_driver_oom; driver 1g) A weekly review of support chats in pandas: 1,200,000
    # chat messages (16 partitions; chat id, agent, customer e-mail, message text), brought to
    # pandas with `toPandas()` and Arrow on (set in the script), in a Python driver with
    # little room left (`_limit_python(300)`: RLIMIT_AS = current size + 300 MiB, set after a
    # 5-row preview, just before toPandas). The Arrow batches (~200 MB) fit; `pyarrow.Table.to_pandas` then turns
    # every string cell into a Python `str` object (4,800,000 of them) for the object-dtype
    # columns (the others: plain toPandas (+ pivot / get_dummies / merge / to_dict),
    # createDataFrame(pandas), asDict, json.dumps, Counter, itertools, csv.reader, print,
    # show, gzip, numpy, sparse vectors made dense, HTML / XML / fixed-width reports; this one
    # is Arrow's toPandas conversion of string columns).
    import pandas  # noqa: F401  (imported before the limit, as a notebook would have)
    import pyarrow  # noqa: F401
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    chats = spark.range(0, int(os.environ.get("DD_MESSAGES", "1200000")), 1, 16).select(
        F.concat(
            F.lit("CHAT-"), F.lpad((F.col("id") / 12).cast("long").cast("string"), 9, "0")
        ).alias("chat_id"),
        F.concat(F.lit("agent-"), (F.col("id") % 350).cast("string")).alias("agent"),
        F.concat(
            F.lit("customer"), (F.col("id") * 7 % 90001).cast("string"), F.lit("@mail.example")
        ).alias("customer"),
        F.concat(
            F.lit("Hello, my order "),
            F.col("id").cast("string"),
            F.lit(" has not arrived yet, tracking says "),
            F.substring(F.sha2(F.col("id").cast("string"), 256), 1, 40),
        ).alias("message"),
    )
    _log("preview:\n%s" % chats.limit(5).toPandas())
    _limit_python(int(os.environ.get("DD_PY_MB", "300")))
    pdf = chats.toPandas()
    _log("messages to review: %d, %d agents" % (len(pdf), pdf["agent"].nunique()))


# ---------------------------------------------------------------- not_driver_oom


def store_demand_profile_apply_in_pandas(spark):
    # (not_driver_oom; WARN log) A look-alike: per-store seasonal demand profiles with
    # `groupBy("store_id").applyInPandas`, each store's sales pivoted in pandas to a product x
    # day grid (`pivot_table`) to find each product's peak day. 3,000,000 sales (8
    # partitions); the online channel is booked as store 0 and has 80% of them (2,400,000
    # rows; 240,000 products x 292 days in them: a 535 MiB grid), and the cluster caps each
    # Python worker at `spark.executor.pyspark.memory=1g`. The worker of store 0's task runs
    # out (numpy's `_ArrayMemoryError` / `MemoryError` in the worker, or a crashed worker);
    # the driver log shows a pandas / numpy memory error traceback, but in a task, not in
    # the driver (the others: a mapPartitions buffer, a numpy allocation, a broadcast dict,
    # mmap, a CUDA message, a crash / SIGKILL, a memoised UDF cache in Python workers; this
    # one is a grouped pandas function on a skewed group).
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    sales = spark.range(0, int(os.environ.get("DD_SALES", "3000000")), 1, 8).select(
        F.when(F.col("id") % 5 < 4, F.lit(0)).otherwise(F.col("id") % 97 + 1).alias("store_id"),
        (F.col("id") % 300000).alias("product_id"),
        (F.col("id") % 365).cast("int").alias("day_of_year"),
        (F.col("id") % 7 + 1).alias("units"),
    )

    def peak_days(pdf):
        grid = pdf.pivot_table(
            index="product_id", columns="day_of_year", values="units", aggfunc="sum", fill_value=0
        )
        share = grid.div(grid.sum(axis=1), axis=0)
        return pd.DataFrame(
            {
                "store_id": pdf["store_id"].iloc[0],
                "product_id": share.index.values,
                "peak_day": share.idxmax(axis=1).values.astype("int32"),
            }
        )

    profiles = sales.groupBy("store_id").applyInPandas(
        peak_days, "store_id long, product_id long, peak_day int"
    )
    _log("product peak days: %d" % profiles.count())


# ---------------------------------------------------------------- max_result_size


def product_image_embedding_mlp_classifier(spark):
    # (max_result_size) A product-type classifier on 2,048-dimension image embeddings: 600
    # labelled products (16 partitions, 10 product types), `MultilayerPerceptronClassifier(
    # layers=[2048, 2048, 10])`, on a cluster whose defaults cap `spark.driver.maxResultSize`
    # at 64m. The network has 4,216,842 weights; each L-BFGS iteration computes the gradient
    # with a `treeAggregate` of dense gradient vectors the size of the weights (~34 MB each):
    # the 16 partials are merged in an intermediate stage and 4 come back to the driver as
    # task results, together over 64m (the others: collect / toPandas / broadcast build /
    # accumulators / summarizers / KMeans / PCA / FPGrowth / Word2Vec / CountVectorizer /
    # approxQuantile / sort samples / local iterators / VectorIndexer; this one is a
    # neural network's gradient).
    from pyspark.ml.classification import MultilayerPerceptronClassifier
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    dim = int(os.environ.get("DD_DIM", "2048"))
    products = spark.range(0, int(os.environ.get("DD_PRODUCTS", "600")), 1, 16).select(
        (F.col("id") % 10).cast("double").alias("label"),
        array_to_vector(
            F.transform(
                F.sequence(F.lit(1), F.lit(dim)),
                lambda i: F.cos(F.col("id") * i * 0.001 + (F.col("id") % 10) * i),
            )
        ).alias("features"),
    )
    mlp = MultilayerPerceptronClassifier(layers=[dim, 2048, 10], maxIter=20, blockSize=64, seed=30)
    model = mlp.fit(products)
    _log("trained product-type classifier: %d weights" % model.weights.size)


# ---------------------------------------------------------------- streaming_state


def recently_viewed_items_pandas_state_stream(spark):
    # (streaming_state; local[*] only) "Recently viewed items" for the shop's recommendation
    # widget: page views from a rate-micro-batch source (400,000 views a batch, 2,000 users)
    # kept per user with `groupBy("user_id").applyInPandasWithState`, the state one string of
    # newline-separated pages the pandas function extends with every batch's views and never
    # trims ("the widget takes the last 20"), no timeout, update mode, noop sink. Every
    # user's whole history is state: the state store (in the driver JVM with local[*]) grows
    # by ~20 MB a batch, and each batch the JVM also turns every user's state row into a
    # JVM Row to hand it to Python and back (the others: state of dedup / joins / windows /
    # sessions / collect_list / latest rows / retained versions / HLL / percentile sketches,
    # memory and console sinks, foreachBatch lists, progress and UI history; this one is a
    # pandas function's GroupState).
    import pandas as pd
    from pyspark.sql import functions as F
    from pyspark.sql.streaming.state import GroupStateTimeout
    from scenarios_pyspark import _log

    views = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "400000")))
        .option("numPartitions", 2)
        .load()
        .select(
            (F.col("value") % 2000).alias("user_id"),
            F.concat(
                F.lit("/catalog/item/"), (F.col("value") * 7919 % 1000003).cast("string")
            ).alias("page"),
        )
    )

    def recent_pages(key, pdfs, state):
        pages = state.get[0].split("\n") if state.exists else []
        for pdf in pdfs:
            pages.extend(pdf["page"].tolist())
        state.update(("\n".join(pages),))
        yield pd.DataFrame({"user_id": [key[0]], "pages_seen": [len(pages)]})

    recent = views.groupBy("user_id").applyInPandasWithState(
        recent_pages,
        "user_id long, pages_seen long",
        "pages string",
        "Update",
        GroupStateTimeout.NoTimeout,
    )
    q = (
        recent.writeStream.format("noop")
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
                "batch %s: %s page views, %s users, %s state bytes"
                % (
                    p.get("batchId"),
                    p.get("numInputRows"),
                    state.get("numRowsTotal"),
                    state.get("memoryUsedBytes"),
                )
            )
    q.awaitTermination()


SCENARIOS = {
    f.__name__: f
    for f in [
        ledger_snapshot_arrow_topandas,
        churn_features_from_pandas_arrow,
        support_chat_transcripts_arrow_topandas,
        store_demand_profile_apply_in_pandas,
        product_image_embedding_mlp_classifier,
        recently_viewed_items_pandas_state_stream,
    ]
}

# The scenarios whose script sets the WARN log level right after the session starts.
WARN_LOG = {"ledger_snapshot_arrow_topandas", "store_demand_profile_apply_in_pandas"}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    if name in WARN_LOG:
        spark.sparkContext.setLogLevel("WARN")
    SCENARIOS[name](spark)
    spark.stop()
