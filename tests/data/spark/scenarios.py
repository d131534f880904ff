"""Bodies of the Spark scenarios used to make real driver logs and event logs.

Run by generate.py through ``spark-submit scenarios.py <scenario>``; the driver
memory, GC and event-log settings come from the spark-submit command line, so
this file only builds the SparkSession and does the work. Each scenario is
meant to fail (or succeed, for ``healthy``) in one specific, real way.
"""

import os
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def _spark(name):
    return SparkSession.builder.appName("driver-doctor-" + name).getOrCreate()


def _wide(spark, rows, parts):
    """A DataFrame of `rows` rows with ~200 bytes of incompressible strings each."""
    return spark.range(0, rows, 1, parts).select(
        "id",
        F.sha2(F.col("id").cast("string"), 256).alias("h1"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("x")), 512).alias("h2"),
        (F.col("id") * 7 % 1000).alias("k"),
    )


def collect_oom(spark):
    # 600k rows with a 2 KB padded text column: each task's result compresses to
    # almost nothing, so every task succeeds, but the driver decodes all rows
    # (~1.3 GB) into a 512m heap inside collect().
    df = spark.range(0, int(os.environ.get("DD_ROWS", "600000")), 1, 40).select(
        "id",
        F.sha2(F.col("id").cast("string"), 256).alias("h1"),
        F.rpad(F.col("id").cast("string"), 2000, "-").alias("payload"),
    )
    rows = df.collect()
    print("collected", len(rows))


def collect_oom_results(spark):
    # ~6M rows x ~230 bytes in 120 partitions (~10 MB result each): results pile
    # up in the driver (in local mode the task threads share its heap) until some
    # thread hits OOM: either the result fetcher (TaskResultLost, job aborted) or
    # a task thread (SparkUncaughtExceptionHandler kills the JVM, exit code 52).
    df = _wide(spark, int(os.environ.get("DD_ROWS", "6000000")), 120)
    rows = df.collect()
    print("collected", len(rows))


def collect_oom_fatal(spark):
    # Same collect as collect_oom, but the driver runs with -XX:+ExitOnOutOfMemoryError
    # (set by generate.py): the JVM dies at once, no ApplicationEnd in the event log.
    collect_oom(spark)


def max_result_size(spark):
    # spark.driver.maxResultSize=1m is set on the command line; ~40 MB of results
    # in 100 tasks of a few hundred KB each, so only the running total is too big.
    df = _wide(spark, 200000, 100)
    rows = df.collect()
    print("collected", len(rows))


def broadcast_oom(spark):
    # A broadcast() hint on a side far larger than a 512m driver can hold.
    big = _wide(spark, int(os.environ.get("DD_ROWS", "8000000")), 8)
    facts = spark.range(0, 1000000, 1, 4).withColumnRenamed("id", "fid")
    joined = facts.join(F.broadcast(big), facts.fid == big.id)
    print("joined rows", joined.count())


def topandas_memoryerror(spark):
    import resource

    # The JVM is already running; only this Python process gets a small address space.
    with open("/proc/self/status") as fh:
        vm = [l for l in fh if l.startswith("VmSize:")][0]
    cur = int(vm.split()[1]) * 1024
    limit = cur + 200 * 1024 * 1024
    print("python VmSize %d MiB, RLIMIT_AS set to %d MiB" % (cur >> 20, limit >> 20), flush=True)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    df = _wide(spark, 1000000, 8)
    pdf = df.toPandas()
    print("pandas rows", len(pdf))


def not_driver_oom_udf(spark):
    @F.udf("int")
    def parse_amount(s):
        if s.endswith("7"):
            raise ValueError("could not parse amount %r" % s)
        return len(s)

    df = spark.range(0, 1000, 1, 4).select(F.col("id").cast("string").alias("s"))
    print(df.select(parse_amount("s").alias("n")).agg(F.sum("n")).collect())


def not_driver_oom_analysis(spark):
    df = spark.range(0, 100).withColumnRenamed("id", "customer_id")
    df.groupBy("customer_idd").count().show()


def too_many_tasks(spark):
    sc = spark.sparkContext
    n = int(os.environ.get("DD_PARTS", "300000"))
    print("count", sc.parallelize(range(n), n).count())


def large_closure(spark):
    sc = spark.sparkContext
    # 200 MB of incompressible bytes captured by f. spark.broadcast.UDFCompressionThreshold
    # is raised on the command line so PySpark ships the pickled function inside the
    # RDD (task binary) instead of as a separate broadcast.
    lookup = os.urandom(200 * 1024 * 1024)

    def f(x):
        return x + len(lookup)

    print("sum", sc.parallelize(range(100), 4).map(f).sum())


def large_task(spark):
    # Local data shipped inside the tasks themselves (ParallelCollectionPartition).
    sc = spark.sparkContext
    data = [os.urandom(1024 * 1024) for _ in range(240)]  # 240 distinct 1 MB records
    print("count", sc.parallelize(data, 4).map(len).sum())


def cached_many(spark):
    sc = spark.sparkContext
    rdds = []
    for i in range(int(os.environ.get("DD_RDDS", "12"))):
        r = sc.parallelize(range(20000), 16).map(lambda x, i=i: (x % 97, x * i))
        r.setName("cached_rdd_%d" % i)
        r.cache()
        r.count()
        rdds.append(r)
    print("cached", len(rdds), "rdds of", rdds[0].getNumPartitions(), "partitions")
    print("storage", [str(r.getStorageLevel()) for r in rdds[:2]])


def healthy(spark):
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
    print(top.limit(5).collect())
    print("orders", orders.count())


def broadcast_join(spark):
    # A broadcast() hint on a ~40 MB side a 1g driver can hold: the join succeeds, and with
    # spark.sql.ui.explainMode=cost the plan in the event log carries the size estimate.
    dim = _wide(spark, 200000, 4)
    facts = spark.range(0, 2000000, 1, 4).select((F.col("id") % 200000).alias("fid"))
    joined = facts.join(F.broadcast(dim), facts.fid == dim.id)
    print("joined rows", joined.count())


def rolling_many_tasks(spark):
    print("count", spark.range(0, 4000, 1, 4000).count())


SCENARIOS = {
    f.__name__: f
    for f in [
        collect_oom,
        collect_oom_fatal,
        collect_oom_results,
        max_result_size,
        broadcast_oom,
        topandas_memoryerror,
        not_driver_oom_udf,
        not_driver_oom_analysis,
        too_many_tasks,
        large_closure,
        large_task,
        cached_many,
        healthy,
        broadcast_join,
        rolling_many_tasks,
    ]
}
for _codec in ("lz4", "lzf", "snappy"):
    SCENARIOS[f"healthy_{_codec}"] = healthy
SCENARIOS["healthy_zstd"] = healthy
SCENARIOS["too_many_tasks_stage"] = too_many_tasks
SCENARIOS["driver_memory_too_small"] = healthy


if __name__ == "__main__":
    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
