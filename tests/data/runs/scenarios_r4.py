"""Bodies of the round-4 scenarios of the run matrix (tests/data/runs/), run by gen_r4.py.

``spark-submit scenarios_r4.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log, _wide, _padded and
_limit_python are those of scenarios_pyspark.py (imported, not copied). Each scenario
reaches a failure of the matrix by a code path that no scenario of scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py or scenarios_r3.py uses; gen_r4.py records what
really happened.
"""

import os
import sys

# ---------------------------------------------------------------- collect_to_driver


def tail_collect(spark):
    # (collect_to_driver) df.tail(n) of a big n: Dataset.tailToPython -> CollectTailExec,
    # which takes partitions from the end (executeTail) until it has n rows, all of them
    # decoded on the driver (DD_TAIL of DD_ROWS ~2 KB padded rows).
    from scenarios_pyspark import _log, _padded

    n = int(os.environ.get("DD_ROWS", "400000"))
    rows = _padded(spark, n, 8).tail(int(os.environ.get("DD_TAIL", "300000")))
    _log("tail rows %d" % len(rows))


def order_by_limit_collect(spark):
    # (collect_to_driver) orderBy(...).limit(n).collect() of a big n: the planner picks
    # TakeOrderedAndProjectExec, whose executeCollect is RDD.takeOrdered: every task sends
    # its bounded priority queue (up to n ~2 KB rows) to the driver, which merges them.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log, _padded

    df = _padded(spark, int(os.environ.get("DD_ROWS", "300000")), 8)
    rows = df.orderBy(F.desc("h1")).limit(int(os.environ.get("DD_LIMIT", "200000"))).collect()
    _log("top rows %d" % len(rows))


# ---------------------------------------------------------------- max_result_size


def rdd_reduce_max_result_size(spark):
    # (max_result_size) rdd.reduce() of numpy vectors: PySpark's reduce is
    # mapPartitions(partial reduce).collect(), so every partition's partial sum (one
    # pickled 200,000-float vector, ~1.6 MB) is a task result; spark.driver.maxResultSize
    # is 1m on the command line.
    import numpy as np
    from scenarios_pyspark import _log

    parts = int(os.environ.get("DD_PARTS", "16"))
    size = int(os.environ.get("DD_VEC", "200000"))

    def vec(i):
        return np.random.default_rng(i).random(size)

    total = spark.sparkContext.parallelize(range(parts * 4), parts).map(vec).reduce(np.add)
    _log("sum of vectors: %d entries, total %.1f" % (len(total), total.sum()))


# ---------------------------------------------------------------- broadcast_too_large


def aqe_runtime_broadcast(spark):
    # (broadcast_too_large) No hint and no static broadcast (autoBroadcastJoinThreshold=-1
    # on the command line): the left outer join is planned as a sort-merge join; adaptive
    # query execution then re-plans it at run time from the shuffle stages' statistics and
    # turns it into a broadcast hash join of its right side, which is under
    # spark.sql.adaptive.autoBroadcastJoinThreshold (2g, command line): ~800 MB of ~2 KB
    # padded rows built by the driver.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log, _wide

    n = int(os.environ.get("DD_ROWS", "400000"))
    notes = spark.range(0, n, 1, 8).select(
        "id", F.rpad(F.col("id").cast("string"), 2000, "-").alias("note")
    )
    events = _wide(spark, n, 8)
    joined = events.join(notes, "id", "left")
    _log("sum %s" % joined.agg(F.sum(F.length("note") + F.length("h1"))).collect()[0][0])


# ---------------------------------------------------------------- large_closure


def big_literal_in_plan(spark):
    # (large_closure) A DataFrame column that may take a DD_MB MB string literal built on
    # the Python driver (F.lit inside a CASE WHEN on the row, so it is not constant-folded
    # away): the literal goes into the SQL plan, and the plan is serialized into the task
    # binary that the stage ships (as a broadcast) to every task.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    mb = int(os.environ.get("DD_MB", "60"))
    tag = ("campaign-%08d;" % 7) * (mb * 1024 * 1024 // 18)
    _log("literal of %d MiB built on the driver" % (len(tag) >> 20))
    df = spark.range(0, 1000, 1, 4).withColumn(
        "tag", F.when(F.col("id") < 0, F.lit(tag)).otherwise(F.lit(""))
    )
    _log("sum %s" % df.agg(F.sum(F.length("tag"))).collect()[0][0])


# ---------------------------------------------------------------- too_many_tasks


def reduce_by_key_partitions(spark):
    # (too_many_tasks) A small Python pair RDD reduced with reduceByKey(numPartitions=
    # DD_PARTS millions): PySpark's partitionBy (PythonPartitioner) makes a ShuffledRDD
    # with that many reduce partitions, all planned by the driver.
    from operator import add

    from scenarios_pyspark import _log

    sc = spark.sparkContext
    n = int(os.environ.get("DD_PARTS", "5000000"))
    pairs = sc.parallelize(range(1000), 2).map(lambda i: (i % 100, 1))
    _log("keys %d" % pairs.reduceByKey(add, numPartitions=n).count())


# ---------------------------------------------------------------- driver_side_state


def temp_view_loop(spark):
    # (driver_side_state) A driver loop that turns every batch of local records into a
    # DataFrame (createDataFrame of a Python list) and registers it as a temp view
    # "batch_<i>" that is never dropped: each view's plan holds its RDD, whose data (the
    # pickled records, ~5 MB per batch) stays in the driver JVM's heap.
    import random

    from scenarios_pyspark import _log

    rows = int(os.environ.get("DD_BATCH_ROWS", "2000"))
    for i in range(int(os.environ.get("DD_ITERS", "400"))):
        rnd = random.Random(i)
        batch = [(i, j, "%x" % rnd.getrandbits(10000)) for j in range(rows)]
        spark.createDataFrame(batch, "batch int, seq int, blob string").createOrReplaceTempView(
            "batch_%d" % i
        )
        if i % 10 == 0:
            n = spark.table("batch_%d" % i).count()
            _log("iteration %d: %d temp views kept, %d rows in the last one" % (i, i + 1, n))
    _log("done")


# ---------------------------------------------------------------- python_driver_oom


def numpy_array_collect_memoryerror(spark):
    # (python_driver_oom) collect() of 500,000 narrow rows fits (driver 1g); then
    # np.array(rows) in the Python driver, whose address space is capped at its size +
    # DD_PY_MB: numpy turns the mixed int/str Row tuples into a fixed-width unicode array
    # (4 bytes per character of the longest string, for every cell).
    import numpy as np
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    rows = (
        spark.range(0, int(os.environ.get("DD_ROWS", "500000")), 1, 4)
        .select("id", F.sha2(F.col("id").cast("string"), 256).alias("h1"), (F.col("id") % 7))
        .collect()
    )
    _log("collected %d rows" % len(rows))
    _limit_python(int(os.environ.get("DD_PY_MB", "300")))
    arr = np.array(rows)
    _log("array %s %s" % (arr.shape, arr.dtype))


# ---------------------------------------------------------------- not_driver_oom


def closure_pickling_error(spark):
    # (not_driver_oom) An RDD map function that uses a driver-side object cloudpickle
    # cannot serialize (a threading.Lock guarding a small cache): building the task
    # closure fails on the driver with a PicklingError. Nothing is big.
    import threading

    from scenarios_pyspark import _log

    lock = threading.Lock()
    cache = {}

    def lookup(x):
        with lock:
            return cache.get(x, x)

    _log("sum %d" % spark.sparkContext.parallelize(range(1000), 4).map(lookup).sum())


def kryo_buffer_overflow(spark):
    # (not_driver_oom) spark.serializer=KryoSerializer with spark.kryoserializer.buffer.max
    # =1m (command line): a task result (one partition of incompressible ~200-byte rows,
    # ~10 MB) does not fit the Kryo buffer when the executor serializes it. Nothing runs
    # out of memory.
    from scenarios_pyspark import _log, _wide

    rows = _wide(spark, int(os.environ.get("DD_ROWS", "100000")), 2).collect()
    _log("rows %d" % len(rows))


def regex_stack_overflow(spark):
    # (not_driver_oom) regexp_extract with a backtracking pattern "(a|b|-|[0-9])*#" over
    # 200,000-character strings (built per row, so not constant-folded on the driver):
    # java.util.regex recurses once per character and the task thread overflows its stack
    # (StackOverflowError, a fatal error for the executor). Nothing runs out of memory.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_CHARS", "200000"))
    df = spark.range(0, 8, 1, 4).select(F.rpad(F.col("id").cast("string"), n, "ab-").alias("text"))
    out = df.select(F.length(F.regexp_extract("text", "(a|b|-|[0-9])*#", 0)).alias("m"))
    _log("max match %s" % out.agg(F.max("m")).collect()[0][0])


SCENARIOS = {
    f.__name__: f
    for f in [
        tail_collect,
        order_by_limit_collect,
        rdd_reduce_max_result_size,
        aqe_runtime_broadcast,
        reduce_by_key_partitions,
        big_literal_in_plan,
        temp_view_loop,
        numpy_array_collect_memoryerror,
        kryo_buffer_overflow,
        closure_pickling_error,
        regex_stack_overflow,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
