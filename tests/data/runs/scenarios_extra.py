"""Bodies of the extra scenarios of the run matrix (tests/data/runs/), run by gen_extra.py.

PySpark: ``spark-submit scenarios_extra.py <scenario>`` (driver memory, master, GC and
event-log settings come from the command line). The helpers _spark, _log and
_limit_python are those of scenarios_pyspark.py (imported, not copied).

Scala: SCALA[<scenario>] is the spark-shell script of the same scenario; gen_extra.py
writes it to the run's scratch dir and runs ``spark-shell -i <it>`` with stdin /dev/null.

This module imports pyspark only when run as a script, so gen_extra.py can read SCALA
from any Python.
"""

import os
import sys
import time

# ---------------------------------------------------------------- cached_block_metadata
#
# An "iterative pipeline" that persists every intermediate step and never unpersists:
# each chain is DD_DEPTH DataFrames/RDDs, each derived from the previous one and
# persisted (MEMORY_ONLY) with DD_PARTS partitions of one tiny row, and one action on
# the last step of a chain materializes (caches) all DD_DEPTH x DD_PARTS blocks of the
# chain in DD_PARTS tasks. The data is a few bytes per block; what grows without bound
# is the driver's bookkeeping of the blocks (BlockManagerMasterEndpoint block locations,
# one BlockManagerInfo entry per block, the status store's RDD storage info, plus in
# local[*] the driver's own block manager), DD_DEPTH x DD_PARTS more entries per chain.


def cached_blocks_many(spark):
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    rt = spark.sparkContext._jvm.java.lang.Runtime.getRuntime()
    parts = int(os.environ.get("DD_PARTS", "5000"))
    depth = int(os.environ.get("DD_DEPTH", "40"))
    chains = int(os.environ.get("DD_CHAINS", "100"))
    level = getattr(StorageLevel, os.environ.get("DD_LEVEL", "MEMORY_ONLY"))
    kept = []
    t0 = time.time()
    for c in range(chains):
        df = spark.range(c * parts, (c + 1) * parts, 1, parts)
        for d in range(depth):
            df = df.select((F.col("id") + 1).alias("id")).persist(level)
            kept.append(df)
        # One action on the last step caches every step of the chain.
        df.write.format("noop").mode("overwrite").save()
        used = (rt.totalMemory() - rt.freeMemory()) >> 20
        _log(
            "cached chain %d at %4.0fs: %d persisted DataFrames, %d blocks so far, "
            "driver heap used %d MiB of %d MiB"
            % (c, time.time() - t0, len(kept), len(kept) * parts, used, rt.maxMemory() >> 20)
        )
    _log("cached %d DataFrames, never unpersisted" % len(kept))


SCALA = {
    "cached_blocks_many": r"""
// cached_blocks_many: chains of RDDs, every step persist()ed (MEMORY_ONLY) and never
// unpersisted; one count() per chain caches DD_DEPTH x DD_PARTS tiny blocks in DD_PARTS tasks.
import org.apache.spark.rdd.RDD
import org.apache.spark.storage.StorageLevel
import scala.collection.mutable.ArrayBuffer
val parts = sys.env.getOrElse("DD_PARTS", "5000").toInt
val depth = sys.env.getOrElse("DD_DEPTH", "40").toInt
val chains = sys.env.getOrElse("DD_CHAINS", "100").toInt
val level = StorageLevel.fromString(sys.env.getOrElse("DD_LEVEL", "MEMORY_ONLY"))
val rt = Runtime.getRuntime
val kept = ArrayBuffer.empty[RDD[Long]]
val t0 = System.nanoTime
for (c <- 0 until chains) {
  var r: RDD[Long] = sc.range(0L, parts.toLong, 1L, parts)
  for (d <- 1 to depth) {
    r = r.map(_ + 1).setName(s"step_${c}_$d")
    r.persist(level)
    kept += r
  }
  r.count()
  val used = (rt.totalMemory - rt.freeMemory) >> 20
  println(f"cached chain $c at ${(System.nanoTime - t0) / 1e9}%4.0fs: ${kept.size} persisted RDDs, ${kept.size.toLong * parts} blocks so far, driver heap used $used MiB of ${rt.maxMemory >> 20} MiB")
}
println(s"cached ${kept.size} RDDs, never unpersisted")
""",
}


# ---------------------------------------------------------------- python_driver_oom


def python_collect_memoryerror(spark):
    # collect() of a few million narrow rows: small for the JVM (1g driver heap), but each
    # row becomes a Python Row (tuple + int + str objects, ~150-200 bytes) in the Python
    # driver, whose address space is capped at its size + DD_PY_MB once the session is up.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    _limit_python(int(os.environ.get("DD_PY_MB", "250")))
    df = spark.range(0, int(os.environ.get("DD_ROWS", "3000000")), 1, 8).select(
        "id",
        (F.col("id") % 1000).alias("customer"),
        F.concat(F.lit("order-"), F.col("id").cast("string")).alias("ref"),
    )
    rows = df.collect()
    _log("collected %d rows" % len(rows))


def python_createdataframe_memoryerror(spark):
    # A pandas frame built on the driver (fits), then spark.createDataFrame(pdf) without
    # Arrow: PySpark turns the frame into Python records and pickles them to the JVM,
    # several times the frame's size in Python objects, under a capped address space.
    import numpy as np
    import pandas as pd
    from scenarios_pyspark import _limit_python, _log

    n = int(os.environ.get("DD_ROWS", "2000000"))
    pdf = pd.DataFrame(
        {
            "id": np.arange(n, dtype="int64"),
            "amount": np.random.default_rng(1).random(n),
            "customer": np.arange(n, dtype="int64") % 1000,
            "ref": ["order-%d" % i for i in range(n)],
        }
    )
    _log(
        "pandas rows %d built on the driver, %d MiB"
        % (len(pdf), pdf.memory_usage(deep=True).sum() >> 20)
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "300")))
    df = spark.createDataFrame(pdf)
    _log("rows %d" % df.count())


# ---------------------------------------------------------------- client_mode_small_driver
#
# An ordinary job that needs a few hundred MB of working memory, run with master local[*]:
# there the only executor ("executor driver") lives inside the driver JVM and every task
# runs in one of its "Executor task launch worker" threads, so the job's working memory
# comes out of the driver's heap. Nothing is collected or broadcast to the driver: the
# result goes to the noop sink.


def _sessions(spark):
    """Every day's events gathered into one list per day (groupBy + collect_list), then the
    number of distinct events per day written to the noop sink."""
    from pyspark.sql import functions as F

    n = int(os.environ.get("DD_ROWS", "6000000"))
    days = int(os.environ.get("DD_DAYS", "4"))
    sid = F.col("id").cast("string")
    events = spark.range(0, n, 1, 8).select(
        (F.col("id") % days).alias("day"),
        F.col("id").alias("ts"),
        # ~200 bytes of text per event
        F.concat(F.lit("click:"), F.sha2(sid, 512), F.lit(":"), F.sha2(sid, 256)).alias("event"),
    )
    per_day = events.groupBy("day").agg(
        F.count("*").alias("n"), F.collect_list("event").alias("events")
    )
    per_day.select(
        "day", "n", F.size(F.array_distinct("events")).alias("distinct_events")
    ).write.format("noop").mode("overwrite").save()


def local_small_driver(spark):
    # spark-submit --master 'local[*]' --driver-memory 512m (on the command line).
    from scenarios_pyspark import _log

    _sessions(spark)
    _log("sessions written")


def local_small_driver_conf(spark):
    # The same job; the session was built with .config("spark.driver.memory", "4g") (see
    # __main__), which cannot resize the driver JVM spark-submit already started: the
    # heap is Spark's default 1g (no --driver-memory on the command line).
    from scenarios_pyspark import _log

    _sessions(spark)
    _log("sessions written")


# ---------------------------------------------------------------- streaming_state
#
# A Structured Streaming query that deduplicates a fast rate source on an event id with
# no watermark: every id ever seen stays in the dedup state forever. The state store
# (HDFSBackedStateStoreProvider, in memory, the last versions kept) lives in the
# executors, i.e. in the driver JVM with local[*]. The driver also keeps many recent
# progress updates and the UI's streaming history (raised on the command line).


def streaming_progress_state(spark):
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", int(os.environ.get("DD_RATE", "50000")))
        .option("numPartitions", 2)
        .load()
        .select(
            F.sha2(F.col("value").cast("string"), 256).alias("event_id"),
            "timestamp",
            "value",
        )
    )
    deduped = events.dropDuplicates(["event_id"])  # no withWatermark: state never expires
    q = (
        deduped.writeStream.format("noop")
        .outputMode("append")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime=os.environ.get("DD_TRIGGER", "500 milliseconds"))
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
                "batch %s at %4.0fs: %s input rows, state rows %s, state memory %s MiB, "
                "%d progress updates kept"
                % (
                    p.get("batchId"),
                    time.time() - t0,
                    p.get("numInputRows"),
                    ops[0].get("numRowsTotal"),
                    (ops[0].get("memoryUsedBytes") or 0) >> 20,
                    len(q.recentProgress),
                )
            )
    q.awaitTermination()


SCENARIOS = {
    f.__name__: f
    for f in [
        cached_blocks_many,
        python_collect_memoryerror,
        python_createdataframe_memoryerror,
        local_small_driver,
        local_small_driver_conf,
        streaming_progress_state,
    ]
}
# What the script of a scenario sets in SparkSession.builder.config(...) itself.
BUILDER_CONF = {"local_small_driver_conf": {"spark.driver.memory": "4g"}}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from pyspark.sql import SparkSession
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    if name in BUILDER_CONF:
        builder = SparkSession.builder.appName("driver-doctor-" + name)
        for k, v in BUILDER_CONF[name].items():
            builder = builder.config(k, v)
        spark = builder.getOrCreate()
    else:
        spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
