"""Bodies of the round-15 scenarios of the run matrix (tests/data/runs/), run by gen_r15.py.

``spark-submit scenarios_r15.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helper _log is that of scenarios_pyspark.py
(imported, not copied). Each scenario reaches a failure of the matrix by a code path that
no scenario of the earlier rounds (scenarios_pyspark.py, scenarios_extra.py,
scenarios_more.py, scenarios_r3.py ... scenarios_r14.py, gen_jvm.py) uses; gen_r15.py
records what really happened.
"""

import os
import sys

# ---------------------------------------------------------------- too_many_tasks


def leaf_node_parallelism_huge(spark):
    # (too_many_tasks; spark.sql.leafNodeDefaultParallelism=4000000 on the command line)
    # A job tuned "for the big cluster" through the SQL setting for leaf nodes: every
    # SQL range() (and file-less leaf) without an explicit partition count takes
    # leafNodeDefaultParallelism slices. A plain 20,000,000-row range grouped into 100
    # buckets is planned as 4,000,000 input partitions, and the driver builds a task for
    # each (the others: an explicit numSlices / range partitions / shuffle partitions /
    # repartition / reduceByKey(n) / cartesian / textFile minPartitions /
    # maxPartitionBytes / repartitionByRange / sc.union / a JDBC numPartitions /
    # spark.default.parallelism / AQE initialPartitionNum; this one is the SQL leaf-node
    # default parallelism). The range is the SQL table function (PySpark's spark.range()
    # passes sc.defaultParallelism itself, so only SQL / Scala ranges get the setting).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _log("leafNodeDefaultParallelism %s" % spark.conf.get("spark.sql.leafNodeDefaultParallelism"))
    events = spark.sql("SELECT id FROM range(20000000)")
    _log("range partitions %d" % events.rdd.getNumPartitions())
    buckets = events.groupBy((F.col("id") % 100).alias("bucket")).count()
    _log("buckets %d" % len(buckets.collect()))


# ---------------------------------------------------------------- broadcast_too_large


def gzip_csv_size_auto_broadcast(spark):
    # (broadcast_too_large) A parts catalogue delivered as one gzip-compressed CSV
    # (1,000,000 rows, ~530 characters each: ~530 MB of text, a few MB on disk), read with
    # an explicit schema and joined to 3,000,000 order lines with no hint and the default
    # spark.sql.autoBroadcastJoinThreshold (10 MB). For text sources the size estimate is
    # the size of the files on disk (spark.sql.sources.fileCompressionFactor = 1.0), so
    # the compressed file passes the threshold and the planner broadcasts ~530 MB of
    # rows built on the driver (the others: broadcast() / SQL hints, thresholds raised,
    # parquet sizes, stale or underestimated statistics, explode / join / string size
    # estimates, AQE, nested loop joins, sc.broadcast, a streaming static side, a pandas
    # frame; this one is the on-disk size of a compressed text file).
    import gzip

    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType, LongType, StringType, StructField, StructType
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_PARTS", "1000000"))
    path = os.path.abspath("parts-catalogue.csv.gz")
    tail = "," + "standard replacement part - see the fitting notes in the catalogue; ships in 2-3 days" * 6 + "\n"
    with gzip.open(path, "wb", compresslevel=6) as g:
        for i in range(0, n, 10000):
            g.write("".join("%d,SKU-%08d,%d%s" % (j, j, j % 97, tail) for j in range(i, min(n, i + 10000))).encode())
    _log("catalogue %d rows, %.1f MiB gzip on disk" % (n, os.path.getsize(path) / 2.0**20))
    schema = StructType(
        [
            StructField("part_id", LongType()),
            StructField("sku", StringType()),
            StructField("family", IntegerType()),
            StructField("notes", StringType()),
        ]
    )
    parts = spark.read.schema(schema).csv("file://" + path)
    lines = spark.range(0, 3000000, 1, 8).select(
        (F.col("id") * 7 % n).alias("part_id"), (F.col("id") % 13 + 1).alias("qty")
    )
    joined = lines.join(parts, "part_id")
    joined.explain()
    _log(
        "lines %s"
        % joined.agg(F.sum("qty"), F.sum(F.length("notes")), F.countDistinct("sku")).collect()
    )


# ---------------------------------------------------------------- not_driver_oom


def udf_cuda_out_of_memory_message(spark):
    # (not_driver_oom) A look-alike: a scoring Python UDF wrapping a GPU model raises the
    # model library's "CUDA out of memory" RuntimeError on the executors for oversized
    # inputs (here simulated, deterministic: documents longer than the model's batch
    # budget). The job dies with a PythonException whose message is all about memory, but
    # no JVM heap and no Python process of the driver ran out of anything (the others:
    # a UDF ValueError, a Python worker crash, executor OOMs, pickling errors; this one is
    # an error message that talks about "out of memory" raised by user code in a task).
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType
    from scenarios_pyspark import _log

    def score(text):
        need_gib = len(text) / 250.0
        if need_gib > 2.0:
            raise RuntimeError(
                "CUDA out of memory. Tried to allocate %.2f GiB (GPU 0; 15.78 GiB total "
                "capacity; 13.12 GiB already allocated; 1.61 GiB free; 13.40 GiB reserved in "
                "total by PyTorch) If reserved memory is >> allocated memory try setting "
                "max_split_size_mb to avoid fragmentation." % need_gib
            )
        return float(len(text) % 17) / 17.0

    docs = spark.range(0, 400000, 1, 8).select(
        "id",
        F.expr("repeat(sha2(cast(id as string), 256), 1 + int(id % 7919 = 7918) * 8)").alias("text"),
    )
    _log("documents %d" % docs.count())
    scored = docs.select("id", F.udf(score, DoubleType())("text").alias("score"))
    _log("mean score %s" % scored.agg(F.avg("score")).collect())


SCENARIOS = {
    f.__name__: f
    for f in [
        leaf_node_parallelism_huge,
        gzip_csv_size_auto_broadcast,
        udf_cuda_out_of_memory_message,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
