"""Bodies of the round-10 scenarios of the run matrix (tests/data/runs/), run by gen_r10.py.

``spark-submit scenarios_r10.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r9.py, gen_jvm.py)
uses; gen_r10.py records what really happened.
"""

import os
import sys
import time

# ---------------------------------------------------------------- collect_to_driver


def rdd_lookup_hot_key(spark):
    # (collect_to_driver) "All events of one customer" with the RDD API on a pair RDD
    # that was partitioned by customer: rdd.lookup(key). With a partitioner PySpark runs
    # sc.runJob(values, lambda x: x, [partition of the key]) (PythonRDD.runJob: the one
    # partition's pickled batches come back as one task result, deserialized in the driver
    # JVM before they are served to Python). The key asked for is the catch-all "guest"
    # customer that holds ~90% of the events (the others: collect / take / collectAsMap /
    # glom / countByValue / tail / top / orderBy.limit / takeSample / toLocalIterator /
    # show; this one is a lookup of one key that is not small).
    import hashlib

    from scenarios_pyspark import _log

    sc = spark.sparkContext
    n = int(os.environ.get("DD_ROWS", "1400000"))

    def event(i):
        h = hashlib.sha256(str(i).encode()).hexdigest()
        cust = "cust-%06d" % (i % 100000) if i % 10 == 0 else "guest"
        return (cust, (i, h + h[::-1]))

    by_customer = sc.parallelize(range(n), 16).map(event).partitionBy(16)
    _log("events %d in %d partitions" % (by_customer.count(), by_customer.getNumPartitions()))
    _log("events of cust-000010: %d" % len(by_customer.lookup("cust-000010")))
    guest = by_customer.lookup("guest")
    _log("events of guest: %d" % len(guest))


# ---------------------------------------------------------------- max_result_size


def logreg_summarizer_max_result_size(spark):
    # (max_result_size) pyspark.ml LogisticRegression on hashed sparse features
    # (numFeatures 1,000,000, 20 active per row), spark.driver.maxResultSize=16m. Before
    # the first iteration the trainer summarizes the features (mean / std / nnz per
    # feature) with a treeAggregate of SummarizerBuffers: each buffer holds several dense
    # arrays of numFeatures doubles (~8 MB each), and the final level of the tree comes
    # back to the driver as task results far over the limit (the others: collect /
    # toPandas / a broadcast build side / toLocalIterator / rdd.reduce / collect_list /
    # PCA's Gramian / KMeans centers / CountVectorizer's vocabulary / the sort's sampling
    # job / Word2Vec's vectors).
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.linalg import Vectors, VectorUDT
    from pyspark.sql.types import DoubleType, StructField, StructType
    from scenarios_pyspark import _log

    dim = int(os.environ.get("DD_DIM", "1000000"))

    def row(i):
        idx = sorted({(i * 7919 + k * 104729) % dim for k in range(20)})
        return (float(i % 2), Vectors.sparse(dim, idx, [1.0] * len(idx)))

    schema = StructType([StructField("label", DoubleType()), StructField("features", VectorUDT())])
    df = spark.createDataFrame(spark.sparkContext.parallelize(range(4000), 8).map(row), schema)
    _log("training rows %d, %d features" % (df.count(), dim))
    model = LogisticRegression(maxIter=3, regParam=0.01).fit(df)
    _log("iterations %d" % model.summary.totalIterations)


# ---------------------------------------------------------------- python_driver_oom


def topandas_get_dummies_memoryerror(spark):
    # (python_driver_oom) Feature preparation in pandas: toPandas() of 200,000 order lines
    # fits (driver 1g), then the Python driver (address space capped at its size + 500 MB,
    # as in a nearly full container) one-hot encodes the product column with
    # pd.get_dummies(): ~20,000 products make a dense 200,000 x 20,000 indicator matrix
    # (the others: collect / toPandas / createDataFrame / asDict / pivot_table / merge /
    # np.array / a CSV string / showString over Py4J).
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    lines = spark.range(0, int(os.environ.get("DD_ROWS", "200000")), 1, 4).select(
        "id",
        F.format_string("sku-%05d", (F.col("id") * 7919) % 20000).alias("product"),
        ((F.col("id") * 31) % 1000 / 10.0).alias("amount"),
    )
    pdf = lines.toPandas()
    _log("pandas rows %d, products %d" % (len(pdf), pdf["product"].nunique()))
    _limit_python(int(os.environ.get("DD_PY_MB", "500")))
    onehot = pd.get_dummies(pdf, columns=["product"])
    _log("features %d" % onehot.shape[1])


# ---------------------------------------------------------------- broadcast_too_large


def sql_broadcast_hint_dimension(spark):
    # (broadcast_too_large) A SQL report in which someone pinned the join strategy with a
    # hint, /*+ BROADCAST(c) */, on the customers table "because it is a dimension": the
    # table has since grown to 2,000,000 rows of ~200 bytes, and the report writes each
    # order with its customer's columns. The hint bypasses
    # autoBroadcastJoinThreshold (left at its default) and AQE: the driver collects the
    # whole customer table and builds the hash relation (the others: a raised threshold,
    # auto broadcast of parquet / stale or underestimated stats, AQE's runtime conversion,
    # sc.broadcast, a nested-loop join).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    base = os.path.abspath("tables")
    spark.range(0, int(os.environ.get("DD_CUSTOMERS", "2000000")), 1, 8).select(
        F.col("id").alias("customer_id"),
        (F.col("id") % 12).alias("segment"),
        F.sha2(F.col("id").cast("string"), 256).alias("email_hash"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("addr")), 512).alias("address_hash"),
    ).write.mode("overwrite").parquet(base + "/customers")
    spark.range(0, 300000, 1, 4).select(
        F.col("id").alias("order_id"),
        ((F.col("id") * 7919) % 2000000).alias("customer_id"),
        ((F.col("id") * 31) % 10000 / 100.0).alias("amount"),
    ).write.mode("overwrite").parquet(base + "/orders")
    spark.read.parquet(base + "/customers").createOrReplaceTempView("customers")
    spark.read.parquet(base + "/orders").createOrReplaceTempView("orders")
    _log("customers %d" % spark.table("customers").count())
    report = spark.sql(
        "SELECT /*+ BROADCAST(c) */ o.order_id, o.amount, c.segment, c.email_hash, "
        "c.address_hash FROM orders o JOIN customers c ON o.customer_id = c.customer_id"
    )
    report.write.mode("overwrite").parquet(base + "/order_report")
    _log("order report written: %d rows" % spark.read.parquet(base + "/order_report").count())


# ---------------------------------------------------------------- too_many_tasks


def default_parallelism_huge(spark):
    # (too_many_tasks; spark.default.parallelism=3000000 on the command line) A job
    # tuned "for the big cluster": spark.default.parallelism set in the millions, and the
    # code never gives a partition count: sc.parallelize(data) takes defaultParallelism
    # slices, and reduceByKey without numPartitions uses it too (PySpark's
    # _defaultReducePartitions reads spark.default.parallelism when it is set). The driver
    # builds millions of partitions and tasks for a 200,000-record job (the others: an
    # explicit numSlices / range partitions / shuffle partitions / repartition /
    # reduceByKey(n) / cartesian / textFile minPartitions / maxPartitionBytes /
    # repartitionByRange / sc.union / a JDBC numPartitions).
    from operator import add

    from scenarios_pyspark import _log

    sc = spark.sparkContext
    _log("default parallelism %d" % sc.defaultParallelism)
    clicks = sc.parallelize(range(int(os.environ.get("DD_ROWS", "200000"))))
    _log("partitions %d" % clicks.getNumPartitions())
    per_page = clicks.map(lambda i: ("page-%d" % (i % 5000), 1)).reduceByKey(add)
    _log("pages %d" % per_page.count())


# ---------------------------------------------------------------- driver_side_state


def self_join_loop_plan_growth(spark):
    # (driver_side_state) An iterative score smoothing written with DataFrames and no
    # checkpoint: every iteration joins the scores with an aggregate of themselves
    # (df.join(df.groupBy("k").agg(avg), "k")). The new plan holds the previous one twice,
    # so the logical plan the driver keeps (and re-analyzes, deduplicating the self-join's
    # attributes) doubles with every iteration (the others: unions in a loop, temp views,
    # UDF registrations, accumulators, listeners, UI / plan history, loop state in Python).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    jvm = spark.sparkContext._jvm
    rt = jvm.java.lang.Runtime.getRuntime()
    df = spark.range(0, 2000, 1, 2).select(
        "id", (F.col("id") % 10).alias("k"), (F.col("id") % 7 / 7.0).alias("score")
    )
    t0 = time.time()
    for i in range(int(os.environ.get("DD_ITER", "40"))):
        agg = df.groupBy("k").agg(F.avg("score").alias("m"))
        df = df.join(agg, "k").select(
            "id", "k", (F.col("score") * 0.5 + F.col("m") * 0.5).alias("score")
        )
        used = (rt.totalMemory() - rt.freeMemory()) >> 20
        _log("iteration %d at %.0fs, driver heap used %d MiB" % (i + 1, time.time() - t0, used))
        if i % 4 == 3:
            _log("mean score %s" % df.agg(F.avg("score")).first()[0])


# ---------------------------------------------------------------- large_closure


def partition_func_routing_table_closure(spark):
    # (large_closure) Events sent to their customer's shard with a custom partitioner:
    # rdd.partitionBy(64, lambda c: routing.get(c, ...)) where `routing` is the
    # customer -> shard table loaded on the driver (8,000,000 entries). PySpark's
    # partitionBy wraps partitionFunc in add_shuffle_key, so the whole table is pickled into
    # the map side's Python command; a command over 1 MB goes out as a broadcast that the
    # driver JVM reads and cuts into blocks (the others: a dict / table captured by a UDF /
    # RDD function / model method, a numpy zero value in aggregate, literals in the plan,
    # data in the tasks).
    import hashlib

    from scenarios_pyspark import _log

    sc = spark.sparkContext
    n = int(os.environ.get("DD_CUSTOMERS", "8000000"))
    routing = {"cust-" + hashlib.sha256(str(i).encode()).hexdigest(): i % 64 for i in range(n)}
    _log("routing table %d customers" % len(routing))
    events = sc.parallelize(range(20000), 8).map(
        lambda i: ("cust-" + hashlib.sha256(str(i % 5000).encode()).hexdigest(), i)
    )
    _log("events %d" % events.count())
    sharded = events.partitionBy(64, lambda c: routing.get(c, hash(c) % 64))
    _log("shard sizes %s" % sharded.glom().map(len).collect()[:8])


# ---------------------------------------------------------------- streaming_state


def stream_session_window_state(spark):
    # (streaming_state; local[*] only) User sessions from a rate source with
    # session_window(timestamp, "30 minutes") per user, a 2-hour watermark (so no session
    # closes while the run lasts), append mode, noop sink, 2 s trigger, 4 shuffle
    # partitions. Every user's open session is kept in the session-window state store
    # (MergingSessionsExec / SessionWindowStateStoreSaveExec), in the driver JVM with
    # local[*] (the others: dropDuplicates with / without watermark, a stream-stream join,
    # a sliding-window count, collect_list state, memory sinks, a foreachBatch list,
    # progress / SQL-tab history).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", int(os.environ.get("DD_RATE", "30000")))
        .option("numPartitions", 2)
        .load()
        .select("timestamp", (F.col("value") % 3000000).alias("user"))
    )
    sessions = (
        events.withWatermark("timestamp", "2 hours")
        .groupBy(F.session_window("timestamp", "30 minutes"), "user")
        .agg(F.count("*").alias("clicks"))
    )
    q = (
        sessions.writeStream.format("noop")
        .outputMode("append")
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


# ---------------------------------------------------------------- client_mode_small_driver


def exact_median_small_driver(spark):
    # (client_mode_small_driver; local[*]) An exact median per sensor, run on a laptop-sized
    # driver (512m, local[*], so the tasks share the driver's heap): percentile(value, 0.5)
    # is an exact aggregate whose buffer is a hash map of every distinct value of the group
    # with its count; 2 sensors with 10,000,000 distinct readings each. Nothing is
    # collected: the final aggregation task builds each sensor's map in the driver JVM (the
    # others: a groupBy collect_list, a window collect_list, a builder spark.driver.memory
    # set too late, spark.testing.memory). In local-cluster the same job runs in the
    # executors (labelled by what happened).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    readings = spark.range(0, int(os.environ.get("DD_ROWS", "20000000")), 1, 8).select(
        (F.col("id") % 2).alias("sensor"),
        (((F.col("id") * 2654435761) % 1000000000039) / 1000.0).alias("value"),
    )
    _log("readings %d" % readings.count())
    medians = readings.groupBy("sensor").agg(F.percentile("value", 0.5).alias("median"))
    _log("medians %s" % medians.collect())


# ---------------------------------------------------------------- not_driver_oom


def deleted_input_file_stale_listing(spark):
    # (not_driver_oom) A DataFrame read once and reused after another job (a compaction)
    # rewrote its input directory: the file listing Spark took when the DataFrame was
    # created still names the old files, and the next action's tasks fail with
    # FileNotFoundException ("It is possible the underlying files have been updated" /
    # FAILED_READ_FILE.FILE_NOT_EXIST); no memory involved (the others: a corrupt file, a
    # missing path, a schema mismatch).
    import glob

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    path = os.path.abspath("page_events")
    spark.range(0, 400000, 1, 8).select(
        "id", (F.col("id") % 100).alias("page"), F.sha2(F.col("id").cast("string"), 256).alias("h")
    ).write.mode("overwrite").parquet(path)
    events = spark.read.parquet(path)
    _log("events %d" % events.count())
    old = sorted(glob.glob(path + "/part-*.parquet"))
    for f in old[::2]:
        os.remove(f)
    _log("compaction removed %d of %d files" % (len(old[::2]), len(old)))
    _log("page views %s" % events.groupBy("page").count().orderBy("page").limit(3).collect())


def flaky_lookup_udf_retries(spark):
    # (not_driver_oom) A Python UDF that enriches rows from a remote lookup service and
    # fails on the first attempt of every task (ConnectionResetError: the service resets
    # cold connections). With local-cluster the tasks are retried (spark.task.maxFailures
    # 4) and the job ends cleanly after a wall of "Lost task" warnings and Python
    # tracebacks; with local[*] (one attempt per task) the first failure aborts the job.
    # No memory involved (the others: a UDF ValueError, a Python worker crash, pickling).
    from pyspark import TaskContext
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    @F.udf("string")
    def enrich(i):
        ctx = TaskContext.get()
        if ctx.attemptNumber() == 0 and i % 5000 == 17:
            raise ConnectionResetError(
                104,
                "Connection reset by peer (lookup-service:8443, partition %d)" % ctx.partitionId(),
            )
        return "segment-%d" % (i % 7)

    rows = spark.range(0, 200000, 1, 8).select("id", enrich("id").alias("segment"))
    _log("segments %s" % rows.groupBy("segment").count().orderBy("segment").collect())


SCENARIOS = {
    f.__name__: f
    for f in [
        rdd_lookup_hot_key,
        logreg_summarizer_max_result_size,
        topandas_get_dummies_memoryerror,
        sql_broadcast_hint_dimension,
        default_parallelism_huge,
        self_join_loop_plan_growth,
        partition_func_routing_table_closure,
        stream_session_window_state,
        exact_median_small_driver,
        deleted_input_file_stale_listing,
        flaky_lookup_udf_retries,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
