"""Bodies of the round-34 scenarios of the run matrix (tests/data/runs/), run by gen_r34.py.

``spark-submit scenarios_r34.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark and _log are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r33.py, gen_jvm.py)
uses; gen_r34.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. All keep
Spark's default INFO driver log.
"""

import os
import sys
import time

# ---------------------------------------------------------------- cached_block_metadata


def hourly_feature_frames_cache_no_unpersist(spark):
    # (cached_block_metadata) An hourly feature backfill that builds one small feature
    # frame per hour, `.cache()`s it "because the next hours join against it" and keeps a
    # reference in a dict, never unpersisting. Each frame is `spark.range` with DD_PARTS
    # (20,000) partitions of a few rows (the source's partition count inherited), so every
    # `count()` caches DD_PARTS tiny blocks, and the driver tracks each one: the block
    # manager master's block statuses and locations, and the status store's per-partition
    # storage info of every cached RDD (the others: chains of persisted steps, DataFrames of
    # 1,000-5,000 partitions, lazy localCheckpoints; this one is very many partitions per
    # cached frame in an hourly loop).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    parts = int(os.environ.get("DD_PARTS", "20000"))
    hours = int(os.environ.get("DD_HOURS", "200"))
    rt = spark.sparkContext._jvm.java.lang.Runtime.getRuntime()
    frames = {}
    t0 = time.time()
    for h in range(hours):
        df = (
            spark.range(0, parts * 2, 1, parts)
            .select(
                F.lit(h).alias("hour"),
                (F.col("id") % 977).alias("sensor"),
                (F.col("id") * 31 % 1000 / 10.0).alias("reading"),
            )
            .cache()
        )
        df.count()
        frames[h] = df
        used = (rt.totalMemory() - rt.freeMemory()) >> 20
        _log(
            "hour %3d cached at %4.0fs: %d frames, %d blocks, driver heap used %d MiB"
            % (h, time.time() - t0, len(frames), len(frames) * parts, used)
        )
    _log("backfill done: %d hourly frames" % len(frames))


# ---------------------------------------------------------------- max_result_size


def longest_sessions_take_ordered_rdd(spark):
    # (max_result_size; spark.driver.maxResultSize=64m on the command line) "The 500,000
    # longest sessions" with the RDD API: 3,000,000 Python session records (200 slices) and
    # `rdd.takeOrdered(DD_TOP, key=lambda s: -s[1])`. PySpark's takeOrdered is
    # mapPartitions(heapq.nsmallest(n)) + reduce, and reduce collects every partition's
    # list: with n larger than a partition, each of the 200 tasks sends all its ~15,000
    # records back as its result, and their sum passes spark.driver.maxResultSize (the
    # others: collect, toPandas, aggregate / treeAggregate buffers, accumulators,
    # histograms, countByValue, a SQL ORDER BY ... LIMIT, toLocalIterator; this one is
    # RDD.takeOrdered with a large n).
    from scenarios_pyspark import _log

    top = int(os.environ.get("DD_TOP", "500000"))
    sessions = spark.sparkContext.range(0, int(os.environ.get("DD_SESSIONS", "3000000")), 1, 200)
    sessions = sessions.map(
        lambda i: ("session-%012d-%s" % (i, "web" if i % 3 else "app"), (i * 7919) % 86400, i % 977)
    )
    longest = sessions.takeOrdered(top, key=lambda s: -s[1])
    _log("longest sessions: %d, first %s" % (len(longest), longest[0]))


# ---------------------------------------------------------------- streaming_state


def device_event_counts_update_stream(spark):
    # (streaming_state) Events per device id, kept up to date by a streaming aggregation:
    # `readStream.format("rate")` at DD_RATE rows/s, `device = sha2(value)` (every event a
    # new device id: the ids are never reused, as with per-install ids), then
    # `groupBy("device").count()` in update output mode with no watermark, written to the
    # noop sink. The aggregation's state keeps one row per device for ever; in local[*] the
    # state store (HDFSBackedStateStoreProvider, in memory) is in the driver JVM (the
    # others: dropDuplicates, stream-stream joins, windows, sessions, collect_list /
    # approx / percentile / mode aggregates, applyInPandasWithState; this one is a plain
    # count per high-cardinality key).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", int(os.environ.get("DD_RATE", "50000")))
        .option("numPartitions", 2)
        .load()
        .select(F.sha2(F.col("value").cast("string"), 256).alias("device"), "timestamp")
    )
    counts = events.groupBy("device").count()
    q = (
        counts.writeStream.outputMode("update")
        .format("noop")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="500 milliseconds")
        .start()
    )
    t0 = time.time()
    last = None
    while q.isActive and time.time() - t0 < float(os.environ.get("DD_SECONDS", "600")):
        p = q.lastProgress
        if p and p["batchId"] != last:
            last = p["batchId"]
            st = (p.get("stateOperators") or [{}])[0]
            _log(
                "batch %d at %ds: %d input rows, state rows %s, state memory %d MiB"
                % (
                    p["batchId"],
                    time.time() - t0,
                    p["numInputRows"],
                    st.get("numRowsTotal"),
                    (st.get("memoryUsedBytes") or 0) >> 20,
                )
            )
        time.sleep(1)
    q.awaitTermination()


# ---------------------------------------------------------------- not_driver_oom


def order_customer_shuffle_hash_hint_join(spark):
    # (not_driver_oom; local-cluster only; AQE off) Orders enriched with customer profiles, the
    # profile side hinted `shuffle_hash` "so the big side need not be sorted": 3,000,000
    # profiles with ~390 bytes of text each, but a third of them share one placeholder
    # customer id ("unknown" imports), so one shuffle partition's hash table must hold
    # ~1,000,000 profiles. A shuffled hash join builds its hash relation in the executor's
    # memory without spilling; the 768m executor fails the task, the job is aborted after 4
    # attempts and the driver only reports it (the others: skewed windows, explode, collect_list,
    # pandas UDFs, Python workers; this one is a SHUFFLE_HASH join hint on a skewed build
    # side).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_PROFILES", "3000000"))
    profiles = spark.range(0, n, 1, 8).select(
        F.when(F.col("id") % 3 == 0, F.lit(-1)).otherwise(F.col("id")).alias("customer_id"),
        F.sha2(F.col("id").cast("string"), 512).alias("address"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("e")), 512).alias("email_hash"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("n")), 512).alias("notes"),
    )
    orders = spark.range(0, n, 1, 8).select(
        (F.col("id") * 7 % n).alias("customer_id"), (F.col("id") % 500).alias("amount")
    )
    joined = orders.join(profiles.hint("shuffle_hash"), "customer_id")
    _log("longest profile text: %s" % joined.agg(F.max(F.concat("address", "notes"))).first())


SCENARIOS = {
    f.__name__: f
    for f in [
        hourly_feature_frames_cache_no_unpersist,
        longest_sessions_take_ordered_rdd,
        device_event_counts_update_stream,
        order_customer_shuffle_hash_hint_join,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
