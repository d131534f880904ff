"""Bodies of the round-7 scenarios of the run matrix (tests/data/runs/), run by gen_r7.py.

``spark-submit scenarios_r7.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r6.py, gen_jvm.py)
uses; gen_r7.py records what really happened.
"""

import os
import sys
import time

# ---------------------------------------------------------------- collect_to_driver


def show_all_rows(spark):
    # (collect_to_driver) "Let me see everything": df.show(df.count(), truncate=False).
    # Dataset.showString takes n + 1 rows to the driver (CollectLimit / executeTake), turns
    # every cell into a Java String (getRows) and formats the whole table into one
    # StringBuilder, all in the driver JVM, before Python prints anything.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    df = spark.range(0, int(os.environ.get("DD_ROWS", "3000000")), 1, 8).select(
        "id",
        F.concat(F.lit("customer-"), (F.col("id") % 100000).cast("string")).alias("customer"),
        F.sha2(F.col("id").cast("string"), 256).alias("order_hash"),
        ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
    )
    n = df.count()
    _log("showing all %d rows" % n)
    df.show(n, truncate=False)


# ---------------------------------------------------------------- max_result_size


def countvectorizer_vocab_max_result_size(spark):
    # (max_result_size) pyspark.ml.feature.CountVectorizer(vocabSize=2**18, the default)
    # fitted on documents with ~DD_WORDS distinct tokens: MLlib counts the words with
    # reduceByKey and picks the vocabulary with RDD.top(vocabSize), a takeOrdered whose
    # per-partition top-N (every word of the partition, since there are fewer than 2**18)
    # is sent to the driver as task results and merged there (RDD.reduce);
    # spark.driver.maxResultSize is 4m on the command line.
    from pyspark.ml.feature import CountVectorizer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    words = int(os.environ.get("DD_WORDS", "600000"))
    docs = spark.range(0, int(os.environ.get("DD_DOCS", "60000")), 1, 8).select(
        F.transform(
            F.sequence(F.lit(1), F.lit(40)),
            lambda x: F.concat(F.lit("token_"), ((F.col("id") * 40 + x) * 7919 % words).cast("string")),
        ).alias("tokens")
    )  # fmt: skip
    _log("fitting CountVectorizer on %d documents, ~%d distinct tokens" % (docs.count(), words))
    model = CountVectorizer(inputCol="tokens", outputCol="features", minDF=1.0).fit(docs)
    _log("vocabulary %d" % len(model.vocabulary))


# ---------------------------------------------------------------- python_driver_oom


def csv_report_string_memoryerror(spark):
    # (python_driver_oom) collect() of a 2,000,000-row report fits (driver 1g); then the
    # Python driver writes it as CSV into an in-memory io.StringIO and calls
    # .getvalue().encode() to hand the bytes to an upload client (no temp file), under an
    # address space capped at its size + DD_PY_MB: the CSV text (~300 MB) is built, copied
    # and encoded in the Python heap.
    import csv
    import io

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    rows = (
        spark.range(0, int(os.environ.get("DD_ROWS", "2000000")), 1, 8)
        .select(
            "id",
            F.concat(F.lit("customer-"), (F.col("id") % 50000).cast("string")).alias("customer"),
            F.sha2(F.col("id").cast("string"), 256).alias("order_hash"),
            ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
        )
        .collect()
    )
    _log("collected %d rows" % len(rows))
    _limit_python(int(os.environ.get("DD_PY_MB", "300")))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "customer", "order_hash", "amount"])
    w.writerows(rows)
    _log("csv buffer at %d characters" % buf.tell())
    payload = buf.getvalue().encode("utf-8")
    _log("payload %d bytes ready for upload" % len(payload))


# ---------------------------------------------------------------- broadcast_too_large


def explode_underestimated_broadcast(spark):
    # (broadcast_too_large) No hint, default autoBroadcastJoinThreshold (10 MB): a small
    # parquet table of DD_REGIONS regions, each with its postal codes as one
    # comma-separated string (DD_CODES codes) and a DD_CHARS (800) character description, is
    # exploded into (region, postal_code) rows and joined to the orders. Spark's
    # size-only statistics do not multiply rows for Generate (explode): the exploded side
    # is estimated from the file's few MB, under the threshold, so it is broadcast; its
    # real size is DD_REGIONS x DD_CODES rows (~2,000,000 x ~830 bytes), built by the
    # driver. (The first tries ended in count(), summing only the quantity per region,
    # then also max(length(description)) but still counted: the optimizer pruned the
    # description from the broadcast side, a ~232 MiB relation of (region, postal_code)
    # that fitted. The report is now collected, description included. The column was
    # first called `zip`, which Spark 4.3's `orders.zip` does not resolve to a column.)
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    codes = int(os.environ.get("DD_CODES", "20000"))
    path = os.path.abspath("regions.parquet")
    spark.range(0, int(os.environ.get("DD_REGIONS", "100")), 1, 1).select(
        F.concat(F.lit("region-"), F.col("id").cast("string")).alias("region"),
        F.rpad(
            F.concat(F.lit("Region "), F.col("id").cast("string"), F.lit(": ")),
            int(os.environ.get("DD_CHARS", "800")),
            "sales territory ",
        ).alias("description"),  # fmt: skip
        F.concat_ws(
            ",",
            F.transform(
                F.sequence(F.lit(0), F.lit(codes - 1)),
                lambda x: F.format_string("%06d", F.col("id") * codes + x),
            ),
        ).alias("postal_codes"),
    ).write.mode("overwrite").parquet(path)
    size = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))
    _log("regions.parquet: %d bytes" % size)
    regions = spark.read.parquet(path).select(
        "region", "description", F.explode(F.split("postal_codes", ",")).alias("postal_code")
    )
    orders = spark.range(0, 3000000, 1, 8).select(
        F.format_string("%06d", (F.col("id") * 7919) % (100 * codes)).alias("zip_code"),
        (F.col("id") % 13).alias("qty"),
    )
    joined = orders.join(regions, orders["zip_code"] == regions["postal_code"])
    plan = joined._jdf.queryExecution().toString()
    _log("join strategy: %s" % ("broadcast" if "BroadcastHashJoin" in plan else "other"))
    report = joined.groupBy("region").agg(F.sum("qty").alias("qty"), F.max(F.length("description")).alias("w"))  # fmt: skip
    rows = report.collect()
    _log("regions in the report %d" % len(rows))


# ---------------------------------------------------------------- too_many_tasks


def repartition_by_range_huge(spark):
    # (too_many_tasks) "one output partition per customer, in key order":
    # df.repartitionByRange(n, "customer") with n = the number of distinct customers
    # (3,000,000). The RangePartitioner samples the keys (a sketch job, up to 1,000,000
    # samples brought to the driver), computes the range bounds, and the shuffle's reduce
    # side has n partitions, all planned and scheduled by the driver.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    orders = spark.range(0, int(os.environ.get("DD_ROWS", "6000000")), 1, 8).select(
        (F.col("id") % int(os.environ.get("DD_CUSTOMERS", "3000000"))).alias("customer"),
        ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
    )
    n = orders.select("customer").distinct().count()
    _log("distinct customers %d: repartitionByRange(%d, 'customer')" % (n, n))
    out = orders.repartitionByRange(n, "customer")
    _log("partitions %d, rows %d" % (out.rdd.getNumPartitions(), out.count()))


# ---------------------------------------------------------------- driver_side_state


def job_description_ui_history(spark):
    # (driver_side_state) An ingestion loop that labels every job for the UI with
    # sc.setJobDescription("load batch N: " + the batch's DD_FILES input paths) and then
    # runs a small job. Nothing is big in the jobs; the driver's status store keeps each
    # job's description (and its stages' and SQL executions') for the UI, up to the default
    # spark.ui.retainedJobs / retainedStages (1,000 each), ~DD_FILES x 80 bytes a job.
    from scenarios_pyspark import _log

    sc = spark.sparkContext
    nfiles = int(os.environ.get("DD_FILES", "6000"))
    t0 = time.time()
    for batch in range(int(os.environ.get("DD_BATCHES", "3000"))):
        paths = ",".join(
            "s3a://landing-bucket/events/dt=2026-12-%02d/batch=%06d/part-%05d-c000.snappy.parquet"
            % (batch % 28 + 1, batch, i)
            for i in range(nfiles)
        )
        sc.setJobDescription("load batch %d: %s" % (batch, paths))
        sc.parallelize([batch], 1).count()
        if batch % 100 == 0:
            _log("batch %d at %4.0fs (description %d characters)" % (batch, time.time() - t0, len(paths)))  # fmt: skip


# ---------------------------------------------------------------- large_closure


class _ChurnModel:
    """A scoring "model" whose weights (a numpy array) live on the instance."""

    def __init__(self, n):
        import numpy as np

        self.weights = np.random.default_rng(0).random(n)
        self.bias = 0.1

    def score(self, row):
        return (row[0], float(self.weights[row[0] % len(self.weights)] + self.bias))


def model_method_closure(spark):
    # (large_closure) df.rdd.map(model.score): the bound method carries its instance, so
    # cloudpickle pickles the whole model object, including its DD_WEIGHTS float64 weights
    # (~600 MB numpy array), into the RDD's command. Above the broadcast threshold PySpark
    # ships the pickled command as a broadcast, which the driver JVM reads and cuts into
    # blocks in its own heap.
    from scenarios_pyspark import _log

    model = _ChurnModel(int(os.environ.get("DD_WEIGHTS", "75000000")))
    _log("model weights: %d MiB" % (model.weights.nbytes >> 20))
    users = spark.range(0, 100000, 1, 4)
    scored = users.rdd.map(model.score)
    _log("scored %d" % scored.count())


# ---------------------------------------------------------------- streaming_state


def stream_sliding_window_state(spark):
    # (streaming_state) A streaming count per (user, window) with a *sliding* window of 5
    # minutes every 1 second and a 10-minute watermark, update mode, noop sink: the
    # watermark bounds the state in time, but every input row falls into 300 windows, so
    # every row adds up to 300 groups to the aggregation's state store, which with local[*]
    # lives in the driver JVM.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", int(os.environ.get("DD_RATE", "10000")))
        .option("numPartitions", 2)
        .load()
        .select("timestamp", F.concat(F.lit("user-"), (F.col("value") % 200000).cast("string")).alias("user"))
    )  # fmt: skip
    counts = (
        events.withWatermark("timestamp", "10 minutes")
        .groupBy(F.window("timestamp", "5 minutes", "1 second"), "user")
        .count()
    )
    q = (
        counts.writeStream.format("noop")
        .outputMode("update")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="2 seconds")
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
                "batch %s at %4.0fs: %s input rows, state rows %s, state memory %s MiB"
                % (
                    p.get("batchId"),
                    time.time() - t0,
                    p.get("numInputRows"),
                    ops[0].get("numRowsTotal"),
                    (ops[0].get("memoryUsedBytes") or 0) >> 20,
                )
            )
    q.awaitTermination()


# ---------------------------------------------------------------- not_driver_oom


def offheap_pool_too_small(spark):
    # (not_driver_oom) Off-heap Tungsten memory turned on with a placeholder size left in a
    # shared defaults file: spark.memory.offHeap.enabled=true, spark.memory.offHeap.size=1m
    # on the command line. Every execution page now comes from a ~0.5 MB off-heap pool,
    # and the first hash aggregation / sort cannot get its memory: "SparkOutOfMemoryError:
    # Unable to acquire ... bytes of memory, got 0" in the task. The heap is nowhere near
    # full; a look-alike. (The first try, offHeap.size=2048 meant as MB, failed at start:
    # "spark.memory.offHeap.size must be > 0" - 2048 bytes round down to 0 MB.)
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    orders = spark.range(0, 2000000, 1, 4).select(
        (F.col("id") % 50000).alias("customer"),
        ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
    )
    top = orders.groupBy("customer").agg(F.sum("amount").alias("total")).orderBy(F.desc("total"))
    _log("top customers %s" % top.limit(5).collect())


def offheap_size_no_unit(spark):
    # NOT RUN in gen_r7.py (tried once: Spark refused to start, see the README). The body of
    # offheap_pool_too_small with spark.memory.offHeap.size=2048 on the command line (meant
    # as 2048 MB; the setting is in bytes): "spark.memory.offHeap.size must be > 0 when
    # spark.memory.offHeap.enabled == true" at SparkContext start (2048 bytes are 0 MB).
    offheap_pool_too_small(spark)


def whole_text_files_executor_oom(spark):
    # (not_driver_oom; local-cluster only) sc.wholeTextFiles(dir) on a folder with one
    # ~DD_MB MB log file: WholeTextFileRecordReader reads each file whole into one byte
    # array and turns it into one String record, in the executor (768m), which runs out
    # of heap. The driver only plans the job and reports the lost executors.
    from scenarios_pyspark import _log

    d = os.path.abspath("logs")
    os.makedirs(d, exist_ok=True)
    line = "2026-12-03T10:00:00.000Z INFO  [ingest-worker-07] request completed status=200 bytes=%08d\n"
    block = "".join(line % i for i in range(10000))
    with open(os.path.join(d, "app-2026-12-03.log"), "w") as fh:
        for _ in range(int(os.environ.get("DD_MB", "520")) * 1000000 // len(block)):
            fh.write(block)
    _log(
        "input %s: %d bytes" % (d, sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)))
    )
    files = spark.sparkContext.wholeTextFiles(d)
    _log("lines %s" % files.map(lambda kv: kv[1].count("\n")).collect())


SCENARIOS = {
    f.__name__: f
    for f in [
        show_all_rows,
        countvectorizer_vocab_max_result_size,
        csv_report_string_memoryerror,
        explode_underestimated_broadcast,
        repartition_by_range_huge,
        job_description_ui_history,
        model_method_closure,
        stream_sliding_window_state,
        offheap_pool_too_small,
        offheap_size_no_unit,
        whole_text_files_executor_oom,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
