"""Bodies of the round-11 scenarios of the run matrix (tests/data/runs/), run by gen_r11.py.

``spark-submit scenarios_r11.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r10.py, gen_jvm.py)
uses; gen_r11.py records what really happened.
"""

import os
import sys
import time

# ---------------------------------------------------------------- collect_to_driver


def binary_files_content_collect(spark):
    # (collect_to_driver) "Gather the scans for the report": 600 image files of 1 MB each
    # read with the binaryFile data source (path, modificationTime, length, content) and
    # collect()ed with their content, maxResultSize 0. The file scan packs 25 files into a
    # partition (each counted with the 4 MB open cost): 24 task results of ~25 MB that the
    # driver JVM receives and deserializes (the others: collect of rows / take / tail /
    # collectAsMap / glom / countByValue / top / orderBy.limit / takeSample /
    # toLocalIterator / show / toJSON / rdd.lookup; this one is whole files as binary
    # content).
    from scenarios_pyspark import _log

    d = os.path.abspath("scans")
    os.makedirs(d, exist_ok=True)
    n = int(os.environ.get("DD_FILES", "600"))
    for i in range(n):
        with open(os.path.join(d, "scan-%05d.png" % i), "wb") as fh:
            fh.write(os.urandom(1024 * 1024))
    scans = spark.read.format("binaryFile").option("pathGlobFilter", "*.png").load(d)
    _log("scans %d in %d partitions" % (scans.count(), scans.rdd.getNumPartitions()))
    rows = scans.select("path", "length", "content").collect()
    _log("collected %d scans, %d bytes" % (len(rows), sum(r.length for r in rows)))


# ---------------------------------------------------------------- max_result_size


def accumulator_rejects_max_result_size(spark):
    # (max_result_size) Input validation with a list accumulator as a "reject channel":
    # every malformed line (1 in 4, ~300 bytes) is added to a Python accumulator and the
    # job itself is only a count(). A Python accumulator's updates travel back with each
    # task's result (PythonAccumulatorV2 in the DirectTaskResult's accumUpdates), so the
    # task results the driver receives are the rejected lines, and their total passes
    # spark.driver.maxResultSize=8m although the action returns one number per task (the
    # others: the rows / partitions / model buffers of an action are the results).
    from pyspark.accumulators import AccumulatorParam
    from scenarios_pyspark import _log

    class RejectsParam(AccumulatorParam):
        def zero(self, value):
            return []

        def addInPlace(self, a, b):
            a.extend(b)
            return a

    sc = spark.sparkContext
    rejects = sc.accumulator([], RejectsParam())

    def line(i):
        body = "%032x" % (i * 2654435761) * 8
        return ("%d;cust-%06d;%s" % (i, i % 100000, body)) if i % 4 else ("%d|%s" % (i, body))

    def parse(s):
        parts = s.split(";")
        if len(parts) != 3:
            rejects.add([s])
            return []
        return [(int(parts[0]), parts[1])]

    n = int(os.environ.get("DD_ROWS", "600000"))
    valid = sc.parallelize(range(n), 32).map(line).flatMap(parse).count()
    _log("valid lines %d, rejected %d" % (valid, len(rejects.value)))


# ---------------------------------------------------------------- python_driver_oom


def topandas_to_dict_records_memoryerror(spark):
    # (python_driver_oom) An export for a REST API: toPandas() of 2,000,000 orders fits
    # (driver 1g), then the Python driver (address space capped at its size + 200 MB, as
    # in a nearly full container) turns the frame into JSON records,
    # pdf.to_dict(orient="records") then json.dumps: one Python dict per row, every
    # value boxed again (the others: collect / toPandas / createDataFrame themselves,
    # asDict, pivot_table, merge, get_dummies, np.array, a CSV string, showString).
    import json

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    orders = spark.range(0, int(os.environ.get("DD_ROWS", "2000000")), 1, 4).select(
        F.col("id").alias("order_id"),
        F.format_string("cust-%06d", F.col("id") % 200000).alias("customer"),
        ((F.col("id") * 31) % 10000 / 100.0).alias("amount"),
        (F.col("id") % 5).alias("status"),
        (F.col("id") % 97).alias("store"),
    )
    pdf = orders.toPandas()
    _log("pandas rows %d" % len(pdf))
    _limit_python(int(os.environ.get("DD_PY_MB", "200")))
    records = pdf.to_dict(orient="records")
    _log("records %d" % len(records))
    payload = json.dumps(records)
    _log("payload %d bytes" % len(payload))


# ---------------------------------------------------------------- broadcast_too_large


def stream_static_broadcast_hint_join(spark):
    # (broadcast_too_large) A streaming enrichment: click events from a rate source joined
    # with a static customers table (parquet, 3,000,000 rows of ~200 bytes) that someone
    # wrapped in F.broadcast() "because dimensions are small". In a stream-static join the
    # static side is planned again in every micro-batch; the first batch's
    # BroadcastExchangeExec collects the whole table to the driver and builds the hash
    # relation there (the others: batch joins with a hint / raised threshold / auto
    # broadcast of parquet / stale or underestimated stats / AQE's runtime conversion /
    # nested-loop join, sc.broadcast).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    base = os.path.abspath("tables")
    n = int(os.environ.get("DD_CUSTOMERS", "3000000"))
    spark.range(0, n, 1, 8).select(
        F.col("id").alias("customer_id"),
        (F.col("id") % 12).alias("segment"),
        F.sha2(F.col("id").cast("string"), 256).alias("email_hash"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("addr")), 512).alias("address_hash"),
    ).write.mode("overwrite").parquet(base + "/customers")
    customers = spark.read.parquet(base + "/customers")
    _log("customers %d" % customers.count())
    clicks = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", 2000)
        .load()
        .select("timestamp", ((F.col("value") * 7919) % n).alias("customer_id"))
    )
    enriched = clicks.join(F.broadcast(customers), "customer_id")
    q = (
        enriched.writeStream.format("noop")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="5 seconds")
        .start()
    )
    t0 = time.time()
    while q.isActive and time.time() - t0 < 600:
        q.awaitTermination(5)
        p = q.lastProgress
        if p:
            _log("batch %s at %.0fs: %s rows" % (p["batchId"], time.time() - t0, p["numInputRows"]))
    if q.exception():
        raise Exception(str(q.exception()))


# ---------------------------------------------------------------- too_many_tasks


def aqe_initial_partition_num_huge(spark):
    # (too_many_tasks; spark.sql.adaptive.coalescePartitions.initialPartitionNum=8000000
    # on the command line, AQE on) Someone read that "AQE coalesces the shuffle partitions
    # anyway" and set the initial partition number in the millions so AQE would "never
    # have too few": the shuffle of a plain groupBy is planned with that many partitions,
    # every map output status and the driver's map-output statistics are sized by it
    # before AQE gets to coalesce (the others: spark.sql.shuffle.partitions with AQE off,
    # spark.default.parallelism, repartition / range / parallelize / reduceByKey(n) /
    # cartesian / textFile minPartitions / maxPartitionBytes / repartitionByRange /
    # sc.union / a JDBC numPartitions).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _log(
        "initial partitions %s"
        % spark.conf.get("spark.sql.adaptive.coalescePartitions.initialPartitionNum")
    )
    sales = spark.range(0, int(os.environ.get("DD_ROWS", "2000000")), 1, 4).select(
        (F.col("id") % 5000).alias("store"), ((F.col("id") * 31) % 1000).alias("amount")
    )
    per_store = sales.groupBy("store").agg(F.sum("amount").alias("revenue"))
    _log("stores %d" % len(per_store.collect()))


# ---------------------------------------------------------------- driver_side_state


def kept_page_frames_driver_state(spark):
    # (driver_side_state) Ingesting an API page by page: each page of 100,000 records is
    # turned into a DataFrame with spark.createDataFrame(list, schema) and kept in a
    # Python list "for one union at the end". createDataFrame of local data parallelizes
    # it: the pickled rows live in the driver JVM (ParallelCollectionRDD partitions) for
    # as long as the DataFrame is referenced, so every kept page adds ~30 MB to the
    # driver's heap (the others: unions / self-joins / temp views / UDF registrations in a
    # loop, accumulators, listeners, UI / plan history, Python lists of collected rows).
    import hashlib
    from functools import reduce

    from pyspark.sql import DataFrame
    from scenarios_pyspark import _log

    jvm = spark.sparkContext._jvm
    rt = jvm.java.lang.Runtime.getRuntime()
    schema = "event_id long, customer string, payload string"
    per_page = int(os.environ.get("DD_PAGE", "100000"))
    frames = []
    for page in range(int(os.environ.get("DD_PAGES", "60"))):
        rows = []
        for i in range(page * per_page, (page + 1) * per_page):
            h = hashlib.sha256(str(i).encode()).hexdigest()
            rows.append((i, "cust-%06d" % (i % 100000), h + h[::-1] + h))
        frames.append(spark.createDataFrame(rows, schema))
        used = (rt.totalMemory() - rt.freeMemory()) >> 20
        _log("page %d kept, %d frames, driver heap used %d MiB" % (page, len(frames), used))
    events = reduce(DataFrame.unionByName, frames)
    _log("events %d" % events.count())


# ---------------------------------------------------------------- large_closure


def sortby_rank_table_closure(spark):
    # (large_closure) Products ordered by a popularity rank looked up in a dict loaded on
    # the driver (8,000,000 sku -> rank entries): rdd.sortBy(lambda kv: rank.get(kv[0])).
    # PySpark's sortBy is keyBy(keyfunc).sortByKey(); the key function, and the dict with
    # it, is pickled into the Python command of the keyBy stage, which the range
    # partitioner's sampling job runs first; a command over 1 MB goes out as a broadcast
    # that the driver JVM reads and cuts into blocks (the others: a UDF / map function /
    # model method / partitionBy function / mapPartitions pandas closure, a numpy zero
    # value in aggregate, literals in the plan, data in the tasks).
    import hashlib

    from scenarios_pyspark import _log

    sc = spark.sparkContext
    n = int(os.environ.get("DD_SKUS", "8000000"))
    rank = {"sku-" + hashlib.sha256(str(i).encode()).hexdigest(): i for i in range(n)}
    _log("rank table %d skus" % len(rank))
    sales = sc.parallelize(range(20000), 8).map(
        lambda i: ("sku-" + hashlib.sha256(str(i % 5000).encode()).hexdigest(), i)
    )
    _log("sales %d" % sales.count())
    ordered = sales.sortBy(lambda kv: rank.get(kv[0], n))
    _log("top sales %s" % ordered.take(3))


# ---------------------------------------------------------------- streaming_state


def stream_latest_per_device_state(spark):
    # (streaming_state; local[*] only) "Latest reading per device" from a rate source
    # (30,000 rows/s, devices = value % 5,000,000): groupBy("device") with
    # max_by(reading, timestamp) and a count, update mode, noop sink, 2 s trigger, 4
    # shuffle partitions and no watermark at all: a streaming aggregation without a
    # watermark never evicts a key, so every device ever seen keeps a row (with its
    # 64-character reading) in the state store, in the driver JVM with local[*] (the
    # others: dropDuplicates, a stream-stream join, windows with a watermark,
    # collect_list state, session windows, memory sinks, a foreachBatch list, progress /
    # SQL-tab history).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", int(os.environ.get("DD_RATE", "30000")))
        .option("numPartitions", 2)
        .load()
        .select(
            "timestamp",
            (F.col("value") % 5000000).alias("device"),
            F.sha2(F.col("value").cast("string"), 256).alias("reading"),
        )
    )
    latest = events.groupBy("device").agg(
        F.max_by("reading", "timestamp").alias("reading"), F.count("*").alias("n")
    )
    q = (
        latest.writeStream.format("noop")
        .outputMode("update")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="2 seconds")
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
                "batch %s at %.0fs: %s input rows, state rows %s, state memory %d MiB"
                % (
                    last,
                    time.time() - t0,
                    p.get("numInputRows"),
                    ops[0].get("numRowsTotal"),
                    (ops[0].get("memoryUsedBytes") or 0) >> 20,
                )
            )
    if q.exception():
        raise Exception(str(q.exception()))


# ---------------------------------------------------------------- client_mode_small_driver


def multiline_json_array_small_driver(spark):
    # (client_mode_small_driver; local[*]) A 300 MB JSON export (one top-level array of
    # 2,000,000 records) read with multiLine=true and converted to parquet (every column)
    # on a laptop-sized driver (512m,
    # local[*], so the tasks share the driver's heap). A multiLine file is one split, and
    # for a top-level array Spark's JacksonParser converts the whole array into rows
    # before the first one is returned: one task holds every record of the file in
    # memory. Nothing is collected (the others: a groupBy / window collect_list, an exact
    # percentile, a builder spark.driver.memory set too late, spark.testing.memory).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    path = os.path.abspath("export.json")
    n = int(os.environ.get("DD_ROWS", "2000000"))
    with open(path, "w") as fh:
        fh.write("[\n")
        for i in range(n):
            fh.write(
                '%s{"order_id": %d, "customer": "cust-%06d", "segment": "seg-%d", '
                '"amount": %.2f, "note": "%064x"}\n'
                % ("," if i else "", i, i % 100000, i % 12, (i * 31) % 10000 / 100.0, i * 7919)
            )
        fh.write("]\n")
    _log("export.json %d bytes" % os.path.getsize(path))
    schema = "order_id long, customer string, segment string, amount double, note string"
    orders = spark.read.schema(schema).option("multiLine", True).json(path)
    orders.write.mode("overwrite").parquet(os.path.abspath("orders_parquet"))
    per_segment = spark.read.parquet(os.path.abspath("orders_parquet")).groupBy("segment")
    _log("segments %s" % per_segment.agg(F.sum("amount")).orderBy("segment").collect()[:3])


# ---------------------------------------------------------------- not_driver_oom


def executor_memory_exceeds_worker(spark):
    # (not_driver_oom; local-cluster only, spark.executor.memory=2g on the command line)
    # An executor memory request larger than any worker offers (the workers of
    # local-cluster[2,1,1024] have 1024 MB). local-cluster checks it when the
    # SparkContext starts and refuses ("Asked to launch cluster with 1024 MiB/worker but
    # requested 2048 MiB/executor"; a standalone cluster would instead wait with "Initial
    # job has not accepted any resources"): a memory setting in the error, but nothing
    # runs out of memory.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _log("executor memory %s" % spark.conf.get("spark.executor.memory"))
    df = spark.range(0, 1000000, 1, 4).select((F.col("id") % 10).alias("k"))
    _log("groups %s" % df.groupBy("k").count().collect())


def executor_sigkill_exit_137(spark):
    # (not_driver_oom; local-cluster only) What the driver sees when an executor's
    # container is killed from outside (the kernel's OOM killer or a resource manager
    # sends SIGKILL): here the first task of partition 1 finds its executor JVM (the parent
    # java process of its Python worker) and sends it SIGKILL, once per run (a marker
    # file), as the OOM killer would. The driver logs the lost executor ("Command exited with code 137"
    # / "Remote RPC client disassociated. Likely due to containers exceeding thresholds")
    # and reruns the tasks on the other executor; the job finishes. The driver's heap is
    # never short.
    import signal

    from pyspark import TaskContext
    from scenarios_pyspark import _log

    def executor_jvm():
        pid = os.getppid()
        while pid > 1:
            with open("/proc/%d/comm" % pid) as fh:
                if fh.read().strip() == "java":
                    return pid
            with open("/proc/%d/stat" % pid) as fh:
                pid = int(fh.read().rsplit(")", 1)[1].split()[1])
        return None

    marker = os.path.abspath("executor-killed")  # the kill happens once per run

    def score(it):
        ctx = TaskContext.get()
        if ctx.partitionId() == 1 and not os.path.exists(marker):
            open(marker, "w").close()
            time.sleep(2)
            jvm = executor_jvm()
            if jvm:
                os.kill(jvm, signal.SIGKILL)
        for x in it:
            yield (x % 100, x * 3)

    sc = spark.sparkContext
    totals = sc.parallelize(range(400000), 4).mapPartitions(score).reduceByKey(lambda a, b: a + b)
    _log("keys %d" % totals.count())
    _log("total %d" % sum(v for _, v in totals.collect()))


def sql_not_in_subquery_broadcast(spark):
    # (broadcast_too_large) A mailing list minus the unsubscribed, in SQL with NOT IN:
    # SELECT ... FROM subscribers WHERE email NOT IN (SELECT email FROM unsubscribed),
    # 6,000,000 unsubscribed addresses (64-character hashes), no hint, default
    # autoBroadcastJoinThreshold (10 MB). NOT IN becomes a null-aware left anti join; too
    # big for the null-aware broadcast hash join, it can only be planned as a
    # BroadcastNestedLoopJoin that broadcasts the subquery's side whatever its size: the
    # driver collects the whole subquery result (the others: a hint / raised threshold /
    # auto broadcast of parquet / stale or underestimated stats / AQE's runtime
    # conversion / a hinted non-equi join / a stream-static join, sc.broadcast).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    base = os.path.abspath("tables")
    n = int(os.environ.get("DD_UNSUBSCRIBED", "6000000"))
    spark.range(0, n, 1, 8).select(
        F.sha2(F.col("id").cast("string"), 256).alias("email")
    ).write.mode("overwrite").parquet(base + "/unsubscribed")
    spark.range(0, 500000, 1, 4).select(
        F.col("id").alias("subscriber_id"),
        F.sha2((F.col("id") * 7).cast("string"), 256).alias("email"),
    ).write.mode("overwrite").parquet(base + "/subscribers")
    spark.read.parquet(base + "/unsubscribed").createOrReplaceTempView("unsubscribed")
    spark.read.parquet(base + "/subscribers").createOrReplaceTempView("subscribers")
    _log("unsubscribed %d" % spark.table("unsubscribed").count())
    mailing = spark.sql(
        "SELECT subscriber_id, email FROM subscribers "
        "WHERE email NOT IN (SELECT email FROM unsubscribed)"
    )
    mailing.write.mode("overwrite").parquet(base + "/mailing")
    _log("mailing list %d" % spark.read.parquet(base + "/mailing").count())


SCENARIOS = {
    f.__name__: f
    for f in [
        binary_files_content_collect,
        accumulator_rejects_max_result_size,
        topandas_to_dict_records_memoryerror,
        stream_static_broadcast_hint_join,
        sql_not_in_subquery_broadcast,
        aqe_initial_partition_num_huge,
        kept_page_frames_driver_state,
        sortby_rank_table_closure,
        stream_latest_per_device_state,
        multiline_json_array_small_driver,
        executor_memory_exceeds_worker,
        executor_sigkill_exit_137,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
