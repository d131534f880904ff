"""Bodies of the round-13 scenarios of the run matrix (tests/data/runs/), run by gen_r13.py.

``spark-submit scenarios_r13.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark and _log are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r12.py, gen_jvm.py)
uses; gen_r13.py records what really happened.
"""

import os
import sys
import time

# ---------------------------------------------------------------- streaming_state


def stream_update_agg_memory_sink(spark):
    # (streaming_state) A "live dashboard" table: per-event counts from a rate source
    # (rate-micro-batch, 100,000 new event ids per batch) aggregated with groupBy and
    # written in *update* mode to the memory sink, with two hash columns added after the
    # aggregation for display. In update mode every batch emits the groups it changed, and
    # since every event id is new that is every row of the batch; the memory sink appends
    # each batch's rows to its in-driver table and never drops any (the others: the
    # memory sink in append mode without aggregation, and in complete mode, where the
    # table is replaced each batch; state stores of dedup / joins / windows / sessions).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "100000")))
        .option("numPartitions", 2)
        .load()
    )
    counts = (
        events.groupBy(F.col("value").alias("event_id"))
        .agg(F.count("*").alias("n"), F.max("timestamp").alias("last_seen"))
        .select(
            "event_id",
            "n",
            "last_seen",
            F.sha2(F.col("event_id").cast("string"), 256).alias("h1"),
            F.sha2(F.concat(F.col("event_id").cast("string"), F.lit("x")), 512).alias("h2"),
        )
    )
    q = (
        counts.writeStream.format("memory")
        .queryName("event_counts")
        .outputMode("update")
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
                "batch %s: %s input rows, dashboard table keeps every updated row"
                % (p.get("batchId"), p.get("numInputRows"))
            )
    q.awaitTermination()


# ---------------------------------------------------------------- collect_to_driver


def stream_console_sink_collect(spark):
    # (collect_to_driver) Debugging a streaming job on production volume with the console
    # sink ("just to look at a few rows"): numRows only limits what is printed, but the
    # console sink's writer sends every row of the micro-batch to the driver as task
    # commit messages and the driver builds a DataFrame from all of them before show()
    # picks 20. A rate-micro-batch source of 2,000,000 rows per batch with two hash
    # columns: the first batch's rows pile up in the driver (the others: collect /
    # collectAsMap / glom / take / toPandas / toLocalIterator / memory sinks; this one is
    # the console sink's DataSourceV2 commit messages).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "2000000")))
        .option("numPartitions", 16)
        .load()
        .select(
            "timestamp",
            "value",
            F.sha2(F.col("value").cast("string"), 256).alias("h1"),
            F.sha2(F.concat(F.col("value").cast("string"), F.lit("x")), 512).alias("h2"),
        )
    )
    q = (
        events.writeStream.format("console")
        .option("numRows", 5)
        .option("truncate", "true")
        .outputMode("append")
        .trigger(processingTime="5 seconds")
        .start()
    )
    _log("console query started: %s" % q.id)
    t0 = time.time()
    while q.isActive and time.time() - t0 < 600:
        q.awaitTermination(5)
        p = q.lastProgress
        if p:
            _log("batch %s: %s rows" % (p.get("batchId"), p.get("numInputRows")))
    q.awaitTermination()


# ---------------------------------------------------------------- client_mode_small_driver


def single_line_json_small_driver(spark):
    # (client_mode_small_driver; local[*]) Loading a JSON export on a laptop-sized driver
    # (512m, local[*]: the tasks share the driver's heap): the exporter wrote 1,500,000
    # records back to back *without newlines* (~262 MB, one line), and the job reads it
    # with the ordinary line-based spark.read.json (an explicit schema, no multiLine).
    # The file is splittable, but a line cannot be: the task of the first split reads
    # until the first newline, which never comes, growing one Hadoop Text buffer to the
    # whole file inside the driver JVM (the others: multiLine JSON, a gzip file read with
    # wholetext, collect_list / percentile aggregations, a builder spark.driver.memory set
    # too late, spark.testing.memory).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    path = os.path.abspath("orders-export.json")
    n = int(os.environ.get("DD_RECORDS", "1500000"))
    with open(path, "w") as fh:
        chunk = []
        for i in range(n):
            status = "SHIPPED" if i % 5 else "OPEN"
            rec = (i, i % 1000000, status, i % 997, i % 100, i * 2654435761, i * 7919)
            chunk.append(
                '{"order_id":%d,"customer":"c%07d","status":"%s","amount":%d.%02d,'
                '"sku":"%016x","note":"%064x"}' % rec
            )
            if len(chunk) == 10000:
                fh.write("".join(chunk))
                chunk = []
        fh.write("".join(chunk))
    _log("%s: %d bytes, %d newlines" % (os.path.basename(path), os.path.getsize(path), 0))
    orders = spark.read.schema(
        "order_id long, customer string, status string, amount double, sku string, note string"
    ).json(path)
    _log("partitions %d" % orders.rdd.getNumPartitions())
    _log("by status %s" % orders.groupBy("status").agg(F.count("*"), F.sum("amount")).collect())


# ---------------------------------------------------------------- not_driver_oom


def checkpoint_dir_unset_after_cache_pressure(spark):
    # (not_driver_oom) An iterative job under memory pressure that then fails for a
    # reason that has nothing to do with memory: an enriched 2,000,000-row table
    # (~200 bytes of hashes a row) is persisted MEMORY_AND_DISK and reused (in local[*]
    # the block manager logs "Not enough space to cache ... in memory!" and "Persisting
    # block ... to disk instead"), then the job truncates its lineage with
    # df.checkpoint() but nobody called sc.setCheckpointDir(): "Checkpoint directory has
    # not been set in the SparkContext" (the others: analysis errors, missing / corrupt /
    # mismatched input, a pickling error, JDBC, ANSI errors, executor memory requests).
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    enriched = spark.range(0, int(os.environ.get("DD_ROWS", "2000000")), 1, 8).select(
        "id",
        (F.col("id") % 1000).alias("k"),
        F.sha2(F.col("id").cast("string"), 256).alias("h1"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("x")), 512).alias("h2"),
    )
    enriched.persist(StorageLevel.MEMORY_AND_DISK)
    _log("rows %d" % enriched.count())
    _log("keys %d" % enriched.groupBy("k").count().count())
    _log("h1 prefixes %d" % enriched.select(F.substring("h1", 1, 3)).distinct().count())
    scored = enriched.withColumn("score", F.length("h2") + F.col("k"))
    scored = scored.checkpoint()
    _log("scored %d" % scored.count())


def executor_rpad_width_typo_oom(spark):
    # (not_driver_oom; local-cluster only) A fixed-width export whose column width comes
    # from a config value with a typo (600000000 instead of 600): rpad(note, width)
    # builds a 600 MB string per row in the executor (768m) that evaluates it, more than
    # its heap can hold next to anything else: the executors die of OutOfMemoryError, the
    # driver only sees lost tasks and executors (the others: collect_list / collect_set /
    # sequence + explode / window frames / wholeTextFiles / Python UDF results; this one
    # is one string function with a bad argument).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    width = int(os.environ.get("DD_WIDTH", "600000000"))
    rows = spark.range(0, 8, 1, 4).select(
        F.col("id"), F.rpad(F.col("id").cast("string"), width, " ").alias("note")
    )
    _log("export width %d" % width)
    _log("exported bytes %s" % rows.agg(F.sum(F.length("note"))).collect())


def rpc_message_max_size_parallelize(spark):
    # (not_driver_oom; local-cluster only) Local reference data shipped with
    # sc.parallelize (4 partitions of ~40 MB of records) on a cluster whose
    # spark.rpc.message.maxSize is 32 MB: each task carries its partition's data
    # (ParallelCollectionPartition), and the scheduler refuses to send a task bigger than
    # the RPC limit ("Serialized task ... exceeds max allowed: spark.rpc.message.maxSize
    # ... Consider increasing spark.rpc.message.maxSize or using broadcast variables for
    # large values"). A look-alike of large_closure / too-big tasks with the driver heap
    # far from full (local[*] does not check the limit).
    from scenarios_pyspark import _log

    sc = spark.sparkContext
    data = [os.urandom(256 * 1024) for _ in range(int(os.environ.get("DD_RECORDS", "640")))]
    _log("reference data %d MiB in %d records" % (sum(map(len, data)) >> 20, len(data)))
    _log("sizes %d" % sc.parallelize(data, 4).map(len).sum())


SCENARIOS = {
    f.__name__: f
    for f in [
        stream_update_agg_memory_sink,
        stream_console_sink_collect,
        single_line_json_small_driver,
        checkpoint_dir_unset_after_cache_pressure,
        executor_rpad_width_typo_oom,
        rpc_message_max_size_parallelize,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
