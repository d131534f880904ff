"""Bodies of the PySpark scenarios of the run matrix (tests/data/runs/).

Run by gen_pyspark.py as ``spark-submit scenarios_pyspark.py <scenario>``; driver
memory, master, GC and event-log settings come from the spark-submit command line,
so this file only builds the SparkSession and does the work. Works with PySpark 3.5
and 4.x. Each scenario is meant to fail (or succeed, for the healthy ones) in one
specific, real way; gen_pyspark.py records what really happened.
"""

import os
import sys
import time

from pyspark import AccumulatorParam, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def _spark(name):
    return SparkSession.builder.appName("driver-doctor-" + name).getOrCreate()


def _log(msg):
    print(msg, flush=True)


def _wide(spark, rows, parts):
    """A DataFrame of `rows` rows with ~200 bytes of incompressible strings each."""
    return spark.range(0, rows, 1, parts).select(
        "id",
        F.sha2(F.col("id").cast("string"), 256).alias("h1"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("x")), 512).alias("h2"),
        (F.col("id") * 7 % 1000).alias("k"),
    )


def _padded(spark, rows, parts):
    """`rows` rows with a 2 KB padded text column (compresses to almost nothing)."""
    return spark.range(0, rows, 1, parts).select(
        "id",
        F.sha2(F.col("id").cast("string"), 256).alias("h1"),
        F.rpad(F.col("id").cast("string"), 2000, "-").alias("payload"),
    )


def _limit_python(extra_mb):
    """Cap this (driver) Python process's address space at its current size + extra_mb.

    The JVM is already running; only the Python driver gets the limit, as if it ran in
    a container whose memory is nearly used up.
    """
    import resource

    with open("/proc/self/status") as fh:
        vm = [line for line in fh if line.startswith("VmSize:")][0]
    cur = int(vm.split()[1]) * 1024
    limit = cur + extra_mb * 1024 * 1024
    _log("python VmSize %d MiB, RLIMIT_AS set to %d MiB" % (cur >> 20, limit >> 20))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# ---------------------------------------------------------------- collect_to_driver


def collect_oom(spark):
    # Every task result compresses to ~1.4 MB, but the driver decodes all rows
    # (~1.3 GB) into a 512m heap inside collect().
    rows = _padded(spark, int(os.environ.get("DD_ROWS", "600000")), 40).collect()
    _log("collected %d" % len(rows))


def take_large(spark):
    # take(n) with a huge n: CollectLimitExec -> executeTake scans more and more
    # partitions and decodes every row it gets on the driver.
    df = _padded(spark, int(os.environ.get("DD_ROWS", "600000")), 40)
    rows = df.take(int(os.environ.get("DD_TAKE", "550000")))
    _log("took %d" % len(rows))


def collect_oom_results(spark):
    # ~6M rows x ~230 bytes in 120 partitions (~10 MB result each): serialized task
    # results pile up in the driver until some thread runs out of heap.
    rows = _wide(spark, int(os.environ.get("DD_ROWS", "6000000")), 120).collect()
    _log("collected %d" % len(rows))


# ---------------------------------------------------------------- max_result_size


def max_result_size(spark):
    # spark.driver.maxResultSize=1m is on the command line; ~40 MB of results in 100 tasks.
    rows = _wide(spark, 200000, 100).collect()
    _log("collected %d" % len(rows))


# ---------------------------------------------------------------- python_driver_oom


def topandas_memoryerror(spark):
    _limit_python(200)
    pdf = _wide(spark, 1000000, 8).toPandas()
    _log("pandas rows %d" % len(pdf))


# ---------------------------------------------------------------- broadcast_too_large


def broadcast_oom(spark):
    # A broadcast() hint on a side far larger than a 512m driver can hold.
    big = _wide(spark, int(os.environ.get("DD_ROWS", "8000000")), 8)
    facts = spark.range(0, 1000000, 1, 4).withColumnRenamed("id", "fid")
    joined = facts.join(F.broadcast(big), facts.fid == big.id)
    _log("joined rows %d" % joined.count())


# ---------------------------------------------------------------- too_many_tasks


def too_many_tasks(spark):
    sc = spark.sparkContext
    n = int(os.environ.get("DD_PARTS", "5000000"))
    _log("count %d" % sc.parallelize(range(n), n).count())


# ---------------------------------------------------------------- large_closure


def large_closure(spark):
    sc = spark.sparkContext
    # 200 MB of incompressible bytes captured by f. spark.broadcast.UDFCompressionThreshold
    # is raised on the command line so PySpark ships the pickled function through Py4J
    # inside the RDD instead of as a separate broadcast.
    lookup = os.urandom(200 * 1024 * 1024)

    def f(x):
        return x + len(lookup)

    _log("sum %d" % sc.parallelize(range(100), 4).map(f).sum())


def large_task(spark):
    # Local data shipped inside the tasks themselves (ParallelCollectionPartition).
    sc = spark.sparkContext
    data = [os.urandom(1024 * 1024) for _ in range(240)]  # 240 distinct 1 MB records
    _log("count %d" % sc.parallelize(data, 4).map(len).sum())


# ---------------------------------------------------------------- driver_side_state


class _ListParam(AccumulatorParam):
    def zero(self, value):
        return []

    def addInPlace(self, a, b):
        a.extend(b)
        return a


def accumulator_state(spark):
    # A list-valued accumulator used as a "side output": every task adds ~15 MB of
    # strings, and the driver merges all updates into one ever-growing Python list.
    # The Python driver runs with its address space capped at +400 MB.
    sc = spark.sparkContext
    seen = sc.accumulator([], _ListParam())
    _limit_python(int(os.environ.get("DD_PY_MB", "400")))

    def track(it):
        n = 0
        for x in it:
            seen.add(["event-%09d:" % x + "%032x" % (x * 2654435761) * 30])
            n += 1
        yield n

    total = (
        sc.parallelize(range(int(os.environ.get("DD_ROWS", "600000"))), 40)
        .mapPartitions(track)
        .sum()
    )
    _log("rows %d, tracked events %d" % (total, len(seen.value)))


def driver_loop_state(spark):
    # An iterative job that keeps every iteration's collected rows in a driver list
    # "for the final report". The Python driver's address space is capped at +600 MB.
    _limit_python(int(os.environ.get("DD_PY_MB", "600")))
    history = []
    for i in range(int(os.environ.get("DD_ITERS", "40"))):
        batch = (
            _wide(spark, 200000, 4)
            .withColumn("iteration", F.lit(i))
            .where(F.col("k") != i)
            .collect()
        )
        history.extend(batch)
        _log("iteration %d: %d rows kept on the driver" % (i, len(history)))
    _log("done, %d rows" % len(history))


# ---------------------------------------------------------------- cached_block_metadata


def cached_blocks(spark):
    # Many small DataFrames, each persisted with thousands of tiny partitions and never
    # unpersisted: the driver tracks every block (block manager master, storage status,
    # UI store). Prints the driver JVM heap in use as it goes.
    rt = spark.sparkContext._jvm.java.lang.Runtime.getRuntime()
    parts = int(os.environ.get("DD_PARTS", "1000"))
    n = int(os.environ.get("DD_DFS", "8"))
    level = getattr(StorageLevel, os.environ.get("DD_LEVEL", "MEMORY_AND_DISK"))
    kept = []
    t0 = time.time()
    for i in range(n):
        df = spark.range(0, parts, 1, parts).withColumn("df", F.lit(i)).persist(level)
        df.count()
        kept.append(df)
        used = (rt.totalMemory() - rt.freeMemory()) >> 20
        _log(
            "%4.0fs cached dataframe %d: %d blocks so far, driver heap used %d MiB"
            % (time.time() - t0, i, (i + 1) * parts, used)
        )
    _log("cached %d dataframes" % len(kept))


# ---------------------------------------------------------------- streaming_state


def memory_sink_stream(spark):
    # A rate source written to the memory sink: every micro-batch is collected and kept
    # in the driver for the in-memory table, and nothing ever removes it. The
    # rate-micro-batch source gives every batch the same number of rows (~35 MB kept each).
    stream = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "100000")))
        .option("numPartitions", 2)
        .load()
        .select(
            "timestamp",
            "value",
            F.sha2(F.col("value").cast("string"), 256).alias("h1"),
            F.sha2(F.concat(F.col("value").cast("string"), F.lit("x")), 512).alias("h2"),
        )
    )
    q = (
        stream.writeStream.format("memory")
        .queryName("events")
        .outputMode("append")
        .trigger(processingTime="2 seconds")
        .start()
    )
    t0, last = time.time(), None
    while q.isActive and time.time() - t0 < 600:
        q.awaitTermination(2)
        p = q.lastProgress
        if p and p.get("batchId") != last:
            last = p.get("batchId")
            _log(
                "batch %s: %s rows in this batch, sink keeps everything"
                % (p.get("batchId"), p.get("numInputRows"))
            )
    q.awaitTermination()


# ---------------------------------------------------------------- not_driver_oom


def executor_oom(spark):
    # collect_list over a single key: each executor builds one huge array in its own
    # heap (768m executors); the driver only ever sees one small row.
    df = spark.range(0, int(os.environ.get("DD_ROWS", "3000000")), 1, 4).select(
        F.lit(1).alias("k"), F.rpad(F.col("id").cast("string"), 500, "x").alias("payload")
    )
    out = df.groupBy("k").agg(F.collect_list("payload").alias("all")).select(F.size("all"))
    _log("sizes %s" % out.collect())


def python_worker_oom(spark):
    # Python workers are capped by spark.executor.pyspark.memory (on the command line);
    # a mapPartitions function that buffers its whole partition runs out of memory.
    sc = spark.sparkContext

    def buffer_all(it):
        buf = []
        for x in it:
            buf.append(os.urandom(64 * 1024) + bytes([x % 256]))
        yield len(buf)

    _log("buffered %s" % sc.parallelize(range(20000), 2).mapPartitions(buffer_all).collect())


def udf_error(spark):
    @F.udf("int")
    def parse_amount(s):
        if s.endswith("7"):
            raise ValueError("could not parse amount %r" % s)
        return len(s)

    df = spark.range(0, 1000, 1, 4).select(F.col("id").cast("string").alias("s"))
    _log(str(df.select(parse_amount("s").alias("n")).agg(F.sum("n")).collect()))


def analysis_error(spark):
    df = spark.range(0, 100).withColumnRenamed("id", "customer_id")
    df.groupBy("customer_idd").count().show()


def healthy(spark):
    events = spark.range(0, 2000000, 1, 8).select(
        (F.col("id") % 1000).alias("user"), (F.col("id") % 97).alias("amount")
    )
    stats = events.groupBy("user").agg(F.sum("amount").alias("total"), F.count("*").alias("n"))
    _log(str(stats.orderBy(F.desc("total")).limit(3).collect()))
    _log("users %d" % stats.count())


def healthy_join(spark):
    orders = spark.range(0, 200000, 1, 4).select(
        F.col("id").alias("order_id"),
        (F.col("id") % 500).alias("customer_id"),
        (F.col("id") % 97).alias("amount"),
    )
    customers = spark.range(0, 500).select(
        F.col("id").alias("customer_id"), F.concat(F.lit("c"), F.col("id")).alias("name")
    )
    top = (
        orders.join(customers, "customer_id")
        .groupBy("name")
        .agg(F.sum("amount").alias("total"))
        .orderBy(F.desc("total"))
    )
    _log(str(top.limit(5).collect()))
    _log("orders %d" % orders.count())


SCENARIOS = {
    f.__name__: f
    for f in [
        collect_oom,
        take_large,
        collect_oom_results,
        max_result_size,
        topandas_memoryerror,
        broadcast_oom,
        too_many_tasks,
        large_task,
        large_closure,
        accumulator_state,
        driver_loop_state,
        cached_blocks,
        memory_sink_stream,
        executor_oom,
        python_worker_oom,
        udf_error,
        analysis_error,
        healthy,
        healthy_join,
    ]
}
# 256m is below Spark's minimum: the driver refuses to start before any work.
SCENARIOS["driver_memory_too_small"] = healthy


if __name__ == "__main__":
    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
