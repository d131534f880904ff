"""Bodies of the round-20 scenarios of the run matrix (tests/data/runs/), run by gen_r20.py.

``spark-submit scenarios_r20.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r19.py, gen_jvm.py)
uses; gen_r20.py records what really happened. Three of them (WARN_LOG) call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as many
real jobs do; the other three keep Spark's default INFO driver log.
"""

import os
import sys

# ---------------------------------------------------------------- max_result_size


def approx_quantile_exact_max_result_size(spark):
    # (max_result_size; spark.driver.maxResultSize=64m on the command line, as a platform
    # default) Latency percentiles for an SLA report with `df.approxQuantile("latency_ms",
    # [0.5, 0.95, 0.99], 0.0)`: the docs say a relative error of 0 computes the exact
    # quantiles "which could be very expensive". DataFrameStatFunctions builds one
    # QuantileSummaries per partition in the tasks and merges them on the driver; with a
    # relative error of 0 a summary never compresses, so every task result is a sample of
    # its whole partition (the others: collect / toPandas / collect_list / broadcast build
    # sides / local iterators / RDD reduce and treeAggregate / MLlib summaries / sort
    # sampling / limit's take / top-N queues; this one is the stat function approxQuantile).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "4000000"))
    requests = spark.range(0, n, 1, 16).select(
        F.col("id").alias("request_id"),
        (F.col("id") * 7919 % n / 1000.0 + F.rand(7)).alias("latency_ms"),
    )
    q = requests.approxQuantile("latency_ms", [0.5, 0.95, 0.99], 0.0)
    _log("p50 %.3f p95 %.3f p99 %.3f" % tuple(q))


# ---------------------------------------------------------------- collect_to_driver


def local_iterator_prefetch_export_collect(spark):
    # (collect_to_driver) An export of the customer table to a local file that must not
    # "collect everything": `df.toLocalIterator(prefetchPartitions=True)`, the option the
    # docs offer to make the iterator faster. The iterator brings one partition at a time
    # to the driver JVM, which holds it and serves it to Python; with prefetching, the
    # next partition's job runs and its result is brought in while the current one is
    # still held. The table is 6 partitions of 100,000 rows with a ~1.5 KB profile each
    # (the others: collect / take / tail / show / toJSON / collectAsMap / countByValue /
    # glom / top / takeSample / concurrent collects / toLocalIterator of one partition or
    # under a small maxResultSize; this one is toLocalIterator with prefetched partitions).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    per_part = int(os.environ.get("DD_PER_PART", "100000"))
    parts = int(os.environ.get("DD_PARTS", "6"))
    customers = spark.range(0, per_part * parts, 1, parts).select(
        F.col("id").alias("customer_id"),
        F.sha2(F.col("id").cast("string"), 256).alias("token"),
        F.rpad(F.concat(F.lit("profile-"), F.col("id").cast("string")), 1500, ".").alias("profile"),
    )
    out = os.path.abspath("customers-export.csv")
    n = 0
    with open(out, "w") as fh:
        for row in customers.toLocalIterator(prefetchPartitions=True):
            fh.write("%d,%s,%d\n" % (row.customer_id, row.token, len(row.profile)))
            n += 1
            if n % per_part == 0:
                _log("exported %d rows" % n)
    _log("export done: %d rows" % n)


# ---------------------------------------------------------------- python_driver_oom


def gzip_binary_files_decompress_memoryerror(spark):
    # (python_driver_oom; WARN log) "Pull the vendor's daily gzip drops to the driver and
    # parse them there": `sc.binaryFiles(dir).collect()` of two .csv.gz files (~188 MiB of
    # CSV each, ~57 MiB gzipped: the collect fits the driver), then, in the Python driver,
    # `gzip.decompress(content).decode().splitlines()` and a split of every line into a list
    # of rows. The Python driver's address space is capped at its size + DD_PY_MB after
    # the collect (a container with little memory left); the decompressed text and the
    # row lists do not fit (the others: toPandas / collect / asDict / json / csv / pivot /
    # get_dummies / merge / to_dict / numpy / print / show / createDataFrame / a
    # local-iterator dict / itertools pairs; this one is decompressing collected files in
    # the Python driver).
    import gzip

    from scenarios_pyspark import _limit_python, _log

    d = os.path.abspath("vendor-drops")
    os.makedirs(d, exist_ok=True)
    block = "".join(
        "%09d,store-%03d,sku-%06d,%d.%02d\n" % (i, i % 500, (i * 7) % 999983, i % 997, i % 100)
        for i in range(40000)
    ).encode()
    reps = int(os.environ.get("DD_REPS", "130"))
    for f in range(2):
        with gzip.open(os.path.join(d, "drop-%d.csv.gz" % f), "wb", compresslevel=1) as fh:
            for _ in range(reps):
                fh.write(block)
    files = spark.sparkContext.binaryFiles(d).collect()
    _log(
        "collected %d files, %d compressed bytes"
        % (len(files), sum(len(content) for _path, content in files))
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "500")))
    rows = []
    for path, content in files:
        text = gzip.decompress(content).decode()
        rows.extend(line.split(",") for line in text.splitlines())
        _log("%s: %d rows so far" % (os.path.basename(path), len(rows)))
    _log("parsed %d rows" % len(rows))


# ---------------------------------------------------------------- not_driver_oom


def python_worker_broadcast_dict_memory_cap(spark):
    # (not_driver_oom; WARN log; spark.executor.pyspark.memory=400m on the command line) A
    # look-alike: a product lookup dict (1,200,000 SKUs with a ~185-character description)
    # is built on the driver, which has room for it, and shipped with `sc.broadcast` to a
    # Python UDF. Every Python worker unpickles its own copy of the broadcast value on
    # first use, under the per-worker cap spark.executor.pyspark.memory sets (RLIMIT_AS):
    # the worker raises MemoryError while loading the broadcast, the task fails and the job
    # is aborted, while the driver JVM and the Python driver are fine (the others: a
    # mapPartitions buffer / numpy allocation / mmap / CUDA message / crash / SIGKILL in
    # Python workers, executor OOMs, config errors; this one is a broadcast value too big
    # for a capped Python worker).
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_SKUS", "1200000"))
    lookup = {
        "SKU-%07d" % i: "description of product %d: " % i + ("%x" % (i * 2654435761)) * 12
        for i in range(n)
    }
    sc = spark.sparkContext
    bc = sc.broadcast(lookup)
    _log("lookup %d SKUs broadcast" % len(lookup))

    def description_length(sku):
        return len(bc.value.get(sku, ""))

    desc_len = F.udf(description_length, IntegerType())
    orders = spark.range(0, 400000, 1, 4).select(
        F.concat(F.lit("SKU-"), F.lpad((F.col("id") * 13 % n).cast("string"), 7, "0")).alias("sku")
    )
    total = orders.select(desc_len("sku").alias("n")).agg(F.sum("n")).first()[0]
    _log("description characters %d" % total)


# ---------------------------------------------------------------- too_many_tasks


def hadoop_split_maxsize_partitions(spark):
    # (too_many_tasks; WARN log) A log file read through the Hadoop new-API TextInputFormat
    # with a per-read Hadoop conf "for more parallelism": the split size comes from a
    # settings file in MB ("split_size_mb": 1) and is passed as
    # mapreduce.input.fileinputformat.split.maxsize without the conversion to bytes. The
    # input format cuts the 6 MB file into 1-byte splits: the driver computes ~6,000,000
    # splits / partitions before any task (the others: a literal repartition(n), shuffle
    # partitions, range / parallelize / textFile minPartitions / JDBC partition counts,
    # AQE's initial partition number, maxPartitionBytes without a unit, repartitionByRange,
    # unions / cartesian, a repartition by a count from the data; this one is Hadoop's
    # input split size).
    from scenarios_pyspark import _log

    path = os.path.abspath("app.log")
    line = "2026-12-04T10:00:00 INFO request served in 12 ms by worker-%02d\n"
    with open(path, "w") as fh:
        for i in range(int(os.environ.get("DD_LINES", "100000"))):
            fh.write(line % (i % 64))
    _log("log file %d bytes" % os.path.getsize(path))
    settings = {"split_size_mb": 1}
    lines = spark.sparkContext.newAPIHadoopFile(
        path,
        "org.apache.hadoop.mapreduce.lib.input.TextInputFormat",
        "org.apache.hadoop.io.LongWritable",
        "org.apache.hadoop.io.Text",
        conf={"mapreduce.input.fileinputformat.split.maxsize": str(settings["split_size_mb"])},
    )
    _log("lines %d" % lines.count())


# ---------------------------------------------------------------- client_mode_small_driver


def percentile_approx_accuracy_small_driver(spark):
    # (client_mode_small_driver; local[*] only) "Almost exact" latency percentiles for a
    # dashboard: `F.percentile_approx("latency_ms", [0.5, 0.99], 10000000)`, the accuracy
    # raised far above its default (10,000) so the answer matches the exact one, over
    # 12,000,000 requests with distinct latencies, run by spark-submit --driver-memory 512m.
    # The aggregate's buffer is a QuantileSummaries whose relative error is 1 / accuracy,
    # so it keeps nearly every value; nothing is collected by the user, but in local[*] the
    # partial and final aggregations run in the driver JVM (the others: collect_list,
    # exact percentiles, window collect_list, whole-text / multi-line JSON files, a random
    # forest, the mode aggregate; this one is percentile_approx with a huge accuracy).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "12000000"))
    requests = spark.range(0, n, 1, 4).select(
        (F.col("id") * 7919 % n / 1000.0).alias("latency_ms"),
        (F.col("id") % 12).alias("service"),
    )
    row = requests.agg(
        F.percentile_approx("latency_ms", [0.5, 0.99], 10000000).alias("q"),
        F.count("*").alias("n"),
    ).first()
    _log("p50 %.3f p99 %.3f of %d requests" % (row["q"][0], row["q"][1], row["n"]))


SCENARIOS = {
    f.__name__: f
    for f in [
        approx_quantile_exact_max_result_size,
        local_iterator_prefetch_export_collect,
        gzip_binary_files_decompress_memoryerror,
        python_worker_broadcast_dict_memory_cap,
        hadoop_split_maxsize_partitions,
        percentile_approx_accuracy_small_driver,
    ]
}

# The scenarios whose script sets the WARN log level right after the session starts.
WARN_LOG = {
    "gzip_binary_files_decompress_memoryerror",
    "python_worker_broadcast_dict_memory_cap",
    "hadoop_split_maxsize_partitions",
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    if name in WARN_LOG:
        spark.sparkContext.setLogLevel("WARN")
    SCENARIOS[name](spark)
    spark.stop()
