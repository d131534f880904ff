"""Bodies of the round-3 scenarios of the run matrix (tests/data/runs/), run by gen_r3.py.

``spark-submit scenarios_r3.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log, _wide, _padded and
_limit_python are those of scenarios_pyspark.py (imported, not copied). Each scenario
reaches a failure of the matrix by a code path that no scenario of scenarios_pyspark.py,
scenarios_extra.py or scenarios_more.py uses; gen_r3.py records what really happened.
"""

import os
import sys
import time

# ---------------------------------------------------------------- collect_to_driver


def tojson_collect(spark):
    # (collect_to_driver) df.toJSON().collect(): the DataFrame becomes a JVM RDD of JSON
    # strings (Dataset.toJSON), collected through PythonRDD.collectAndServe; every ~2 KB
    # row comes to the driver as a Java String (DD_ROWS rows in 40 partitions).
    from scenarios_pyspark import _log, _padded

    rows = _padded(spark, int(os.environ.get("DD_ROWS", "500000")), 40).toJSON().collect()
    _log("collected %d JSON strings" % len(rows))


def count_by_value_distinct(spark):
    # (collect_to_driver) rdd.countByValue() over millions of distinct keys: each task
    # builds a Counter of its partition (1M distinct 48-char session ids) and the driver
    # gathers all of them (reduce -> collect) to merge them into one dict.
    from scenarios_pyspark import _log

    sc = spark.sparkContext
    parts = int(os.environ.get("DD_PARTS", "12"))
    per = int(os.environ.get("DD_PER_PART", "1000000"))

    def sessions(p):
        return ("session-%040d" % (p * per + i) for i in range(per))

    counts = sc.parallelize(range(parts), parts).flatMap(sessions).countByValue()
    _log("rows %d distinct sessions counted" % len(counts))


# ---------------------------------------------------------------- max_result_size


def local_iterator_max_result_size(spark):
    # (max_result_size) df.toLocalIterator(), meant to bring one partition at a time: every
    # partition is its own job, and one partition's result (~11 MB of _wide rows) is more
    # than spark.driver.maxResultSize (1m on the command line).
    from scenarios_pyspark import _log, _wide

    n = 0
    for _row in _wide(spark, int(os.environ.get("DD_ROWS", "200000")), 4).toLocalIterator():
        n += 1
    _log("rows %d iterated" % n)


# ---------------------------------------------------------------- broadcast_too_large


def nested_loop_join_broadcast(spark):
    # (broadcast_too_large) A non-equi (range) join with a broadcast() hint on the BIG
    # side: the planner picks BroadcastNestedLoopJoin, whose build side is broadcast as a
    # plain array of rows (IdentityBroadcastMode, not a hashed relation) built by the
    # driver: ~800 MB of 2 KB padded rows (DD_ROWS).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log, _padded

    big = _padded(spark, int(os.environ.get("DD_ROWS", "400000")), 8)
    ranges = spark.range(0, 1000, 1, 2).select(
        (F.col("id") * 400).alias("lo"), (F.col("id") * 400 + 10).alias("hi")
    )
    joined = ranges.join(F.broadcast(big), (big.id >= ranges.lo) & (big.id < ranges.hi))
    plan = joined._jdf.queryExecution().toString()
    _log(
        "join strategy: %s"
        % ("BroadcastNestedLoopJoin" if "BroadcastNestedLoopJoin" in plan else "other")
    )
    _log("sum %s" % joined.agg(F.sum(F.length("payload"))).collect()[0][0])


# ---------------------------------------------------------------- large_closure


def mappartitions_pandas_closure(spark):
    # (large_closure) An RDD mapPartitions function that uses a reference pandas DataFrame
    # (DD_ROWS x 10 random floats, ~650 MB) built on the driver: cloudpickle puts the frame
    # into the pickled function; above the broadcast threshold PySpark ships it as a
    # broadcast, which the driver JVM cuts into blocks in its own heap.
    import numpy as np
    import pandas as pd
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "8500000"))
    ref = pd.DataFrame(np.random.default_rng(0).random((n, 10)))
    _log("rows %d in the reference pandas frame (%d MiB)" % (n, ref.memory_usage().sum() >> 20))

    def score(it):
        for x in it:
            yield float(ref.iat[x % n, 0])

    total = spark.sparkContext.parallelize(range(1000), 4).mapPartitions(score).sum()
    _log("sum %s" % total)


# ---------------------------------------------------------------- too_many_tasks


def cartesian_partitions(spark):
    # (too_many_tasks) rdd.cartesian() of two RDDs of DD_PARTS small partitions each: the
    # CartesianRDD has DD_PARTS^2 (16M) partitions, all built by the driver.
    from scenarios_pyspark import _log

    sc = spark.sparkContext
    parts = int(os.environ.get("DD_PARTS", "4000"))
    a = sc.parallelize(range(parts), parts)
    _log("count %d" % a.cartesian(a).count())


# ---------------------------------------------------------------- driver_side_state


def local_iterator_seen_set(spark):
    # (driver_side_state) A driver loop that streams the rows with toLocalIterator() (one
    # partition at a time: no big collect) and keeps every event id it has seen in a Python
    # set, never trimmed; the Python driver's address space is capped at its size + DD_PY_MB.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    df = spark.range(0, int(os.environ.get("DD_ROWS", "20000000")), 1, 40).select(
        F.sha2(F.col("id").cast("string"), 256).alias("event_id")
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "300")))
    seen = set()
    for i, row in enumerate(df.toLocalIterator()):
        seen.add(row.event_id)
        if i % 250000 == 0:
            _log("iteration %d: %d event ids kept in the driver-side set" % (i, len(seen)))
    _log("done, %d event ids" % len(seen))


# ---------------------------------------------------------------- python_driver_oom


def topandas_merge_memoryerror(spark):
    # (python_driver_oom) toPandas() of 200,000 narrow rows fits (driver 1g); then a pandas
    # self-merge on a 50-value key (a many-to-many join: ~800M result rows) in the Python
    # driver, whose address space is capped at its size + DD_PY_MB.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    pdf = (
        spark.range(0, int(os.environ.get("DD_ROWS", "200000")), 1, 4)
        .select(
            (F.col("id") % 50).alias("store"),
            F.col("id").alias("order_id"),
            (F.col("id") % 97).cast("double").alias("amount"),
        )
        .toPandas()
    )
    _log("pandas rows %d" % len(pdf))
    _limit_python(int(os.environ.get("DD_PY_MB", "500")))
    pairs = pdf.merge(pdf, on="store", suffixes=("", "_other"))
    _log("rows %d order pairs" % len(pairs))


# ---------------------------------------------------------------- streaming_state


def complete_mode_memory_sink(spark):
    # (streaming_state) A streaming aggregation per session id (one new group per input
    # row, no watermark) written in *complete* output mode to the memory sink: every
    # micro-batch the whole, growing result table is sent to the driver (the sink's commit
    # messages) and kept there; in local[*] the state store is in the driver JVM too.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    stream = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "150000")))
        .option("numPartitions", 2)
        .load()
    )
    totals = stream.groupBy(F.sha2(F.col("value").cast("string"), 256).alias("session")).agg(
        F.count("*").alias("events"), F.max("timestamp").alias("last_seen")
    )
    q = (
        totals.writeStream.format("memory")
        .queryName("session_totals")
        .outputMode("complete")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="1 second")
        .start()
    )
    last, t0 = -1, time.time()
    while q.isActive:
        p = q.lastProgress
        if p and p["batchId"] != last:
            last = p["batchId"]
            state = p["stateOperators"][0]["numRowsTotal"] if p["stateOperators"] else -1
            _log(
                "batch %d at %3.0fs: %d input rows, %d groups in the state and in the"
                " complete result kept by the memory sink"
                % (last, time.time() - t0, p["numInputRows"], state)
            )
        time.sleep(0.5)
    q.awaitTermination()


# ---------------------------------------------------------------- not_driver_oom


def skewed_window_executor_oom(spark):
    # (not_driver_oom, local-cluster) A window over a skewed key: 99% of the rows have
    # account -1, and collect_list over the whole window partition (unbounded frame) holds
    # ~1 GB of 500-byte notes in one 768m executor task. The driver only gets lost tasks.
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "2000000"))
    df = spark.range(0, n, 1, 4).select(
        F.when(F.col("id") % 100 == 0, F.col("id") % 7).otherwise(F.lit(-1)).alias("account"),
        F.col("id").alias("ts"),
        F.rpad(F.col("id").cast("string"), 500, "x").alias("note"),
    )
    w = Window.partitionBy("account")
    out = df.select("account", F.size(F.collect_list("note").over(w)).alias("notes"))
    _log("rows %s" % out.agg(F.max("notes")).collect()[0][0])


def parquet_schema_mismatch(spark):
    # (not_driver_oom) A parquet directory appended to by two writers that disagree on a
    # column's type (amount: bigint, then string); the read (no mergeSchema) takes one
    # file's schema and the task reading the other files fails. No memory involved.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    path = os.path.abspath("payments_parquet")
    spark.range(0, 10000, 1, 2).select("id", (F.col("id") % 7).alias("amount")).write.mode(
        "overwrite"
    ).parquet(path)
    spark.range(10000, 20000, 1, 2).select(
        "id", F.concat(F.lit("EUR "), (F.col("id") % 7).cast("string")).alias("amount")
    ).write.mode("append").parquet(path)
    df = spark.read.parquet(path)
    _log("rows read with schema %s" % df.schema.simpleString())
    _log("sum %s" % df.agg(F.sum("amount")).collect()[0][0])


def broadcast_timeout(spark):
    # (not_driver_oom) A broadcast() join whose small build side is slow to compute (a
    # Python UDF that sleeps 10 ms per row: ~10 s per partition) with
    # spark.sql.broadcastTimeout=2 and AQE off (command line): the broadcast times out;
    # nothing is big.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    @F.udf("long")
    def slow_key(x):
        time.sleep(0.01)
        return x

    dim = spark.range(0, int(os.environ.get("DD_ROWS", "2000")), 1, 2).select(
        slow_key("id").alias("id"), (F.col("id") % 13).alias("segment")
    )
    facts = spark.range(0, 100000, 1, 4)
    _log("count %d" % facts.join(F.broadcast(dim), "id").count())


SCENARIOS = {
    f.__name__: f
    for f in [
        tojson_collect,
        count_by_value_distinct,
        local_iterator_max_result_size,
        nested_loop_join_broadcast,
        mappartitions_pandas_closure,
        cartesian_partitions,
        local_iterator_seen_set,
        topandas_merge_memoryerror,
        complete_mode_memory_sink,
        skewed_window_executor_oom,
        parquet_schema_mismatch,
        broadcast_timeout,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
