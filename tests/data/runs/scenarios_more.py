"""Bodies of the "more" scenarios of the run matrix (tests/data/runs/), run by gen_more.py.

``spark-submit scenarios_more.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a different code path than the scenario of the same cause in
scenarios_pyspark.py / scenarios_extra.py; gen_more.py records what really happened.
"""

import os
import sys
import time

# ---------------------------------------------------------------- collect_to_driver


def collect_as_map_rdd(spark):
    # A pair RDD built by Python functions (no DataFrame), brought to the driver with
    # collectAsMap(): PythonRDD.collectAndServe gathers every task's pickled batches in the
    # driver JVM (~2 KB per value, DD_ROWS values) before Python builds the dict.
    from scenarios_pyspark import _log

    sc = spark.sparkContext
    n = int(os.environ.get("DD_ROWS", "300000"))
    pairs = sc.parallelize(range(n), 40).map(lambda i: (i, ("%08d" % i) * 250))
    lookup = pairs.collectAsMap()
    _log("collected %d keys" % len(lookup))


# ---------------------------------------------------------------- max_result_size


def max_result_size_many_tasks(spark):
    # A tiny one-column result spread over DD_PARTS tasks: each task result is a few KB
    # (a handful of rows plus its metrics), but spark.driver.maxResultSize (1m on the
    # command line) counts the sum over all tasks of the stage.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    parts = int(os.environ.get("DD_PARTS", "20000"))
    rows = spark.range(0, parts * 5, 1, parts).select((F.col("id") % 7).alias("k")).collect()
    _log("collected %d rows" % len(rows))


# ---------------------------------------------------------------- broadcast_too_large


def broadcast_variable_large(spark):
    # An explicit broadcast VARIABLE (no join): a lookup table of DD_MB x 1 MB random
    # values built in Python. PySpark pickles it to a file and the driver JVM reads it
    # back to cut it into torrent blocks (TorrentBroadcast.writeBlocks) in its own heap.
    from scenarios_pyspark import _log

    sc = spark.sparkContext
    mb = int(os.environ.get("DD_MB", "700"))
    table = {i: os.urandom(1 << 20) for i in range(mb)}
    _log("rows %d in the lookup table built on the driver (%d MiB)" % (len(table), mb))
    bc = sc.broadcast(table)
    total = sc.parallelize(range(1000), 4).map(lambda i: len(bc.value.get(i % mb, b""))).sum()
    _log("sum %d" % total)


# ---------------------------------------------------------------- large_closure


def udf_captured_lookup(spark):
    # A Python UDF (F.udf, DataFrame API) whose function refers to a big driver dict: the
    # dict is pickled with the function. Above spark.broadcast.UDFCompressionThreshold
    # (default 1 MB) PySpark ships the pickled function as a broadcast, which the driver
    # JVM blockifies in its heap.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    keys = int(os.environ.get("DD_KEYS", "160000"))
    lookup = {i: os.urandom(4096) for i in range(keys)}
    _log("rows %d in the dict captured by the UDF (%d MiB)" % (keys, keys * 4096 >> 20))

    @F.udf("long")
    def enrich(x):
        return len(lookup.get(x % keys, b""))

    out = spark.range(0, 10000, 1, 4).select(enrich("id").alias("n")).agg(F.sum("n"))
    _log("sum %s" % out.collect()[0][0])


# ---------------------------------------------------------------- too_many_tasks


def shuffle_partitions_huge(spark):
    # A small groupBy with spark.sql.shuffle.partitions set to millions (and AQE off, so
    # nothing coalesces them), both on the command line: the map side is 2 tasks, but the
    # driver must plan, track and schedule millions of reduce partitions/tasks.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    df = spark.range(0, 100000, 1, 2).groupBy((F.col("id") % 100).alias("k")).count()
    _log("rows %d" % len(df.collect()))


# ---------------------------------------------------------------- driver_side_state


def ui_history_many_jobs(spark):
    # A long-running app that runs many small jobs (DD_PARTS tiny tasks each) with the UI
    # history limits raised (spark.ui.retainedJobs/Stages/Tasks,
    # spark.sql.ui.retainedExecutions on the command line): the driver's status store keeps
    # every job, stage, SQL execution and task.
    from scenarios_pyspark import _log

    rt = spark.sparkContext._jvm.java.lang.Runtime.getRuntime()
    parts = int(os.environ.get("DD_PARTS", "2000"))
    t0 = time.time()
    for j in range(int(os.environ.get("DD_JOBS", "2000"))):
        spark.range(0, parts, 1, parts).write.format("noop").mode("overwrite").save()
        if j % 10 == 9:
            used = (rt.totalMemory() - rt.freeMemory()) >> 20
            _log(
                "iteration %d at %4.0fs: %d tasks run so far, driver heap used %d MiB of %d MiB"
                % (j + 1, time.time() - t0, (j + 1) * parts, used, rt.maxMemory() >> 20)
            )


def pandas_history_loop(spark):
    # An iterative job that brings every iteration's result to the driver with toPandas()
    # and appends it to one driver-side pandas "history" frame (pd.concat) for a final
    # report. The Python driver's address space is capped at its size + DD_PY_MB.
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log, _wide

    _limit_python(int(os.environ.get("DD_PY_MB", "500")))
    history = None
    for i in range(int(os.environ.get("DD_ITERS", "60"))):
        pdf = _wide(spark, 100000, 4).withColumn("iteration", F.lit(i)).toPandas()
        history = pdf if history is None else pd.concat([history, pdf], ignore_index=True)
        _log("iteration %d: %d rows in the driver-side history frame" % (i, len(history)))
    _log("done, %d rows" % len(history))


# ---------------------------------------------------------------- python_driver_oom


def collect_asdict_memoryerror(spark):
    # The rows fit once collected; the Python driver (address space capped at its size +
    # DD_PY_MB once the session is up) then turns every Row into a dict and groups them
    # per customer in plain Python.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    df = spark.range(0, int(os.environ.get("DD_ROWS", "1000000")), 1, 8).select(
        "id",
        (F.col("id") % 1000).alias("customer"),
        F.concat(F.lit("order-"), F.col("id").cast("string")).alias("ref"),
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "450")))
    rows = df.collect()
    _log("collected %d rows" % len(rows))
    records = [r.asDict() for r in rows]
    _log("rows %d turned into dicts" % len(records))
    by_customer = {}
    for rec in records:
        by_customer.setdefault(rec["customer"], []).append(dict(rec, note="seen"))
    _log("done, %d customers" % len(by_customer))


# ---------------------------------------------------------------- streaming_state


def foreach_batch_driver_list(spark):
    # A streaming query whose foreachBatch function (run in the Python driver) collects
    # every micro-batch and appends the rows to a driver-side list that is never trimmed.
    # The Python driver's address space is capped at its size + DD_PY_MB.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    kept = []

    def keep(batch_df, batch_id):
        rows = batch_df.collect()
        kept.extend(rows)
        _log(
            "batch %d: %d rows collected, %d rows kept on the driver"
            % (batch_id, len(rows), len(kept))
        )

    stream = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "200000")))
        .option("numPartitions", 2)
        .load()
        .select("timestamp", "value", F.sha2(F.col("value").cast("string"), 256).alias("h1"))
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "500")))
    q = (
        stream.writeStream.foreachBatch(keep)
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="1 second")
        .start()
    )
    q.awaitTermination()


# ---------------------------------------------------------------- not_driver_oom


def executor_explode_oom(spark):
    # (local-cluster) Each row explodes into a 40M-element sequence built in one executor
    # task: the 768m executors die of OutOfMemoryError; the driver only sees lost tasks.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_SEQ", "40000000"))
    # The upper bound depends on the row (a literal one is constant-folded: the optimizer
    # then builds the whole sequence in the driver, see the README).
    df = spark.range(0, 4, 1, 4).select(F.sequence(F.lit(1), F.col("id") + n).alias("xs"))
    out = df.select(F.sort_array(F.col("xs"), False).alias("xs")).select(F.explode("xs").alias("x"))
    _log("count %d" % out.groupBy().sum("x").collect()[0][0])


def corrupt_input_file(spark):
    # A "parquet" directory where one file is not parquet at all (a truncated upload):
    # the read fails in a task with a SparkException about the file, no memory involved.
    from scenarios_pyspark import _log

    path = os.path.abspath("orders_parquet")
    spark.range(0, 10000, 1, 4).write.mode("overwrite").parquet(path)
    with open(os.path.join(path, "part-99999-truncated.snappy.parquet"), "wb") as fh:
        fh.write(b"PAR1" + os.urandom(2000))
    _log("count %d" % spark.read.parquet(path).where("id % 3 = 0").count())


# ---------------------------------------------------------------- runs2: more code paths


def glom_collect_partitions(spark):
    # (collect_to_driver) A DataFrame turned into a Python RDD of whole partitions
    # (df.rdd.glom()) and collected: each task result is one pickled list of ~2 KB rows
    # (DD_ROWS rows in 40 partitions), gathered by PythonRDD.collectAndServe.
    from scenarios_pyspark import _log, _padded

    parts = _padded(spark, int(os.environ.get("DD_ROWS", "400000")), 40).rdd.glom().collect()
    _log("collected %d partitions" % len(parts))


def topandas_max_result_size(spark):
    # (max_result_size) toPandas() with Arrow on (spark.sql.execution.arrow.pyspark.enabled
    # and spark.driver.maxResultSize=1m on the command line): the Arrow batches of ~40 MB
    # of rows are task results counted against the limit.
    from scenarios_pyspark import _log, _wide

    pdf = _wide(spark, int(os.environ.get("DD_ROWS", "200000")), 50).toPandas()
    _log("pandas rows %d" % len(pdf))


def broadcast_join_max_result_size(spark):
    # (max_result_size) A broadcast() join whose build side (~40 MB) is collected to the
    # driver by BroadcastExchangeExec; spark.driver.maxResultSize=1m on the command line.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log, _wide

    dim = _wide(spark, int(os.environ.get("DD_ROWS", "200000")), 20)
    facts = spark.range(0, 1000000, 1, 4).withColumnRenamed("id", "fid")
    # (a plain count() would prune the build side to its id column: ~1 MB)
    joined = facts.join(F.broadcast(dim), facts.fid == dim.id)
    _log("sum %s" % joined.agg(F.sum(F.length("h1") + F.length("h2"))).collect()[0][0])


def auto_broadcast_parquet(spark):
    # (broadcast_too_large) No hint: a parquet table written first (~2 KB padded rows that
    # compress to almost nothing on disk) is small by its file-size statistics, and
    # spark.sql.autoBroadcastJoinThreshold=2g (command line) makes the planner broadcast
    # it; in memory it is ~800 MB.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log, _padded

    path = os.path.abspath("dim_parquet")
    _padded(spark, int(os.environ.get("DD_ROWS", "400000")), 8).write.mode("overwrite").parquet(
        path
    )
    size = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))
    _log("dim parquet written: %d MiB on disk" % (size >> 20))
    dim = spark.read.parquet(path)
    facts = spark.range(0, 200000000, 1, 8).withColumnRenamed("id", "fid")
    joined = facts.join(dim, facts.fid == dim.id)
    _log(
        "join strategy: %s"
        % ("broadcast" if "Broadcast" in joined._jdf.queryExecution().toString() else "other")
    )
    # (not a count(): that would prune the build side to its id column)
    _log("sum %s" % joined.agg(F.sum(F.length("payload"))).collect()[0][0])


def topandas_pivot_memoryerror(spark):
    # (python_driver_oom) toPandas() of 200,000 narrow rows fits; then a pivot_table on
    # two high-cardinality keys (~20,000 x 20,000 cells) in the Python driver, whose
    # address space is capped at its size + DD_PY_MB.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    pdf = (
        spark.range(0, int(os.environ.get("DD_ROWS", "200000")), 1, 4)
        .select(
            (F.col("id") % 20000).alias("customer"),
            (F.col("id") * 7919 % 20011).alias("product"),
            (F.col("id") % 97).cast("double").alias("amount"),
        )
        .toPandas()
    )
    _log("pandas rows %d" % len(pdf))
    _limit_python(int(os.environ.get("DD_PY_MB", "500")))
    wide = pdf.pivot_table(index="customer", columns="product", values="amount", aggfunc="sum")
    _log("pivot shape %s" % (wide.shape,))


def missing_input_path(spark):
    # (not_driver_oom) A read of an input path that does not exist.
    from scenarios_pyspark import _log

    path = os.path.abspath("landing/orders/dt=2026-12-02")
    _log("count %d" % spark.read.parquet(path).count())


def ansi_divide_by_zero(spark):
    # (not_driver_oom) spark.sql.ansi.enabled=true (command line): a division whose
    # divisor is 0 for one row fails the task with DIVIDE_BY_ZERO.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    df = spark.range(0, 1000000, 1, 4).select(
        (F.col("id") * 3 / (F.col("id") % 100000 - 4242)).alias("ratio")
    )
    _log("sum %s" % df.agg(F.sum("ratio")).collect()[0][0])


def tiny_files_listing(spark):
    # (too_many_tasks) DD_FILES tiny JSON files written with plain Python, read back with
    # spark.sql.files.maxPartitionBytes / openCostInBytes tiny (command line): one
    # partition (task) per file, and the driver lists and plans them all.
    from scenarios_pyspark import _log

    path = os.path.abspath("events_json")
    os.makedirs(path, exist_ok=True)
    n = int(os.environ.get("DD_FILES", "50000"))
    for i in range(n):
        with open(os.path.join(path, "part-%06d.json" % i), "w") as fh:
            fh.write('{"id": %d, "kind": "click"}\n' % i)
    _log("%d files written" % n)
    df = spark.read.json(path)
    _log("partitions %d" % df.rdd.getNumPartitions())
    _log("count %d" % df.count())


def union_loop_plan(spark):
    # (driver_side_state) A loop that unions a small new DataFrame into a growing one
    # DD_ITERS times without checkpoint: the logical plan kept by the driver grows.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    acc = spark.range(0, 10, 1, 1).withColumn("it", F.lit(0))
    t0 = time.time()
    for i in range(1, int(os.environ.get("DD_ITERS", "3000"))):
        acc = acc.union(spark.range(0, 10, 1, 1).withColumn("it", F.lit(i)))
        if i % 250 == 0:
            _log("iteration %d at %4.0fs" % (i, time.time() - t0))
    _log("count %d" % acc.count())


def repartition_huge(spark):
    # (too_many_tasks) A tiny DataFrame repartitioned to DD_PARTS (millions of) partitions
    # by an explicit df.repartition(n) (round-robin shuffle; AQE does not coalesce a
    # user-given number), then counted.
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_PARTS", "3000000"))
    _log("count %d" % spark.range(0, 1000, 1, 2).repartition(n).count())


SCENARIOS = {
    f.__name__: f
    for f in [
        collect_as_map_rdd,
        max_result_size_many_tasks,
        broadcast_variable_large,
        udf_captured_lookup,
        shuffle_partitions_huge,
        ui_history_many_jobs,
        pandas_history_loop,
        collect_asdict_memoryerror,
        foreach_batch_driver_list,
        executor_explode_oom,
        corrupt_input_file,
        glom_collect_partitions,
        topandas_max_result_size,
        broadcast_join_max_result_size,
        auto_broadcast_parquet,
        topandas_pivot_memoryerror,
        missing_input_path,
        ansi_divide_by_zero,
        tiny_files_listing,
        union_loop_plan,
        repartition_huge,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
