"""Bodies of the round-5 scenarios of the run matrix (tests/data/runs/), run by gen_r5.py.

``spark-submit scenarios_r5.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _padded are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py, scenarios_r4.py, gen_jvm.py) uses;
gen_r5.py records what really happened.
"""

import os
import sys

# ---------------------------------------------------------------- collect_to_driver


def take_sample_collect(spark):
    # (collect_to_driver) df.rdd.takeSample(False, n) of a big n: PySpark's takeSample
    # counts the RDD, then samples it with a fraction that should give n rows and collects
    # the whole sample (PythonRDD.collectAndServe of pickled Rows, ~2 KB each).
    from scenarios_pyspark import _log, _padded

    rdd = _padded(spark, int(os.environ.get("DD_ROWS", "400000")), 8).rdd
    rows = rdd.takeSample(False, int(os.environ.get("DD_SAMPLE", "300000")), seed=7)
    _log("sample rows %d" % len(rows))


# ---------------------------------------------------------------- max_result_size


def collect_list_max_result_size(spark):
    # (max_result_size) A global agg(collect_list(...)) whose single result row (one
    # array of every value, ~20 MB) is the one task result of the final aggregation;
    # spark.driver.maxResultSize is 1m on the command line.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    df = spark.range(0, int(os.environ.get("DD_ROWS", "200000")), 1, 8).select(
        F.sha2(F.col("id").cast("string"), 256).alias("h1")
    )
    row = df.agg(F.collect_list("h1").alias("all")).collect()[0]
    _log("values %d" % len(row["all"]))


# ---------------------------------------------------------------- broadcast_too_large


def semi_join_underestimated_broadcast(spark):
    # (broadcast_too_large) No hint and the default autoBroadcastJoinThreshold (10 MB):
    # `WHERE note IN (SELECT note FROM notes)` becomes a left semi join, and the planner
    # estimates the `notes` side from its row count (exact, a range) times the default
    # size of a string column (20 bytes): ~7 MB, under the threshold, so it is broadcast.
    # Its real size is ~250,000 x 2,000-character strings, ~500 MB built by the driver.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "250000"))
    spark.range(0, n, 1, 8).select(
        F.rpad(F.col("id").cast("string"), 2000, "-").alias("note")
    ).createOrReplaceTempView("notes")
    spark.range(0, n, 1, 8).select(
        "id", F.rpad((F.col("id") * 3).cast("string"), 2000, "-").alias("note")
    ).createOrReplaceTempView("events")
    q = spark.sql("SELECT count(*) FROM events WHERE note IN (SELECT note FROM notes)")
    _log("matching events %s" % q.collect()[0][0])


def string_size_underestimated_broadcast(spark):
    # (broadcast_too_large) No hint and the default autoBroadcastJoinThreshold (10 MB): the
    # planner estimates the `notes` side (a range with a computed string column) from its
    # row count times the default size of a string column (20 bytes): ~4.5 MB, under the
    # threshold, so it is broadcast. Its real size is ~300,000 x 2,000-character strings,
    # ~600 MB, built by the driver (long join key: LongHashedRelation).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "300000"))
    notes = spark.range(0, n, 1, 8).select(
        "id", F.rpad(F.col("id").cast("string"), 2000, "-").alias("note")
    )
    events = spark.range(0, 2000000, 1, 8).withColumnRenamed("id", "eid")
    joined = events.join(notes, events.eid == notes.id)
    _log(
        "join strategy: %s"
        % (
            "broadcast"
            if "BroadcastHashJoin" in joined._jdf.queryExecution().toString()
            else "other"
        )
    )
    _log("sum %s" % joined.agg(F.sum(F.length("note"))).collect()[0][0])


# ---------------------------------------------------------------- large_closure


def isin_large_list(spark):
    # (large_closure) df.filter(col.isin(<DD_N Python strings of DD_CHARS characters>)):
    # every value becomes a Literal of an In expression in the plan, built on the driver
    # from the Python list (one Py4J call per value); the optimizer turns the In into an
    # InSet (a hash set of every value), and the plan is serialized into the task binary
    # broadcast to every task.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    chars = int(os.environ.get("DD_CHARS", "4000"))
    wanted = [
        ("customer-%012d;" % (i * 7)).ljust(chars, "~")
        for i in range(int(os.environ.get("DD_N", "20000")))
    ]
    _log(
        "list of %d values (%d MiB) built on the driver" % (len(wanted), len(wanted) * chars >> 20)
    )
    df = spark.range(0, 100000, 1, 4).select(
        F.rpad(F.format_string("customer-%012d;", "id"), chars, "~").alias("c")
    )
    _log("matches %d" % df.filter(F.col("c").isin(wanted)).count())


# ---------------------------------------------------------------- too_many_tasks


def range_partitions_huge(spark):
    # (too_many_tasks) spark.range(0, 1000, 1, numPartitions=DD_PARTS millions).count():
    # the leaf RangeExec itself has that many partitions (not a shuffle), so the driver
    # plans one task per slice of a 1,000-row range.
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_PARTS", "5000000"))
    _log("rows %d" % spark.range(0, 1000, 1, n).count())


# ---------------------------------------------------------------- driver_side_state


def sql_ui_plan_history(spark):
    # (driver_side_state) Many small queries, each comparing a column with a distinct
    # ~DD_KB KB string literal, with spark.sql.ui.retainedExecutions raised on the command
    # line: the SQL tab keeps every execution's plan description and plan graph (both
    # print the literal) in the driver's status store, so the heap fills with old queries.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    kb = int(os.environ.get("DD_KB", "1200"))
    base = spark.range(0, 10, 1, 1).select(F.col("id").cast("string").alias("s"))
    for i in range(int(os.environ.get("DD_QUERIES", "3000"))):
        lit = ("q%06d-" % i) + "x" * (kb * 1024)
        n = base.filter(F.col("s") == F.lit(lit)).count()
        if i % 50 == 0:
            _log("query %d: %d matches" % (i, n))
    _log("done")


# ---------------------------------------------------------------- not_driver_oom


def write_path_exists(spark):
    # (not_driver_oom) A daily job that writes its output with the default save mode
    # (errorifexists) to a path the previous run already wrote: the write fails on the
    # driver before any task. Nothing is big.
    from scenarios_pyspark import _log

    path = os.path.join(os.getcwd(), "daily-output")
    spark.range(0, 10000, 1, 2).write.parquet(path)
    _log("first write done")
    spark.range(0, 10000, 1, 2).write.parquet(path)
    _log("second write done")


def python_worker_crash(spark):
    # (not_driver_oom) A Python UDF that calls a native library function which kills the
    # Python worker process (os._exit, as a crashing C extension would): the executor sees
    # the worker's socket close ("Python worker exited unexpectedly (crashed)"), a
    # look-alike of a worker killed for memory, with nothing big.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    def score(x):
        if x == 4242:
            os._exit(134)
        return x * 2

    out = spark.range(0, 10000, 1, 4).select(F.udf(score, "long")("id").alias("s"))
    _log("sum %s" % out.agg(F.sum("s")).collect()[0][0])


SCENARIOS = {
    f.__name__: f
    for f in [
        take_sample_collect,
        collect_list_max_result_size,
        semi_join_underestimated_broadcast,
        string_size_underestimated_broadcast,
        isin_large_list,
        range_partitions_huge,
        sql_ui_plan_history,
        write_path_exists,
        python_worker_crash,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
