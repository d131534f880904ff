"""Bodies of the round-8 scenarios of the run matrix (tests/data/runs/), run by gen_r8.py.

``spark-submit scenarios_r8.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r7.py, gen_jvm.py)
uses; gen_r8.py records what really happened.
"""

import os
import sys
import time

# ---------------------------------------------------------------- collect_to_driver


def local_iterator_one_partition(spark):
    # (collect_to_driver) An export job that "streams" the sorted orders to a local CSV
    # with toLocalIterator() to spare the driver, after coalesce(1) to keep the global
    # order. toLocalIterator brings one partition at a time to the driver
    # (PythonRDD.toLocalIteratorAndServe runs a job per partition and keeps that
    # partition's pickled rows as one array in the driver JVM), and there is only one
    # partition: the whole table.
    import csv

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    orders = spark.range(0, int(os.environ.get("DD_ROWS", "1200000")), 1, 8).select(
        "id",
        F.concat(F.lit("customer-"), (F.col("id") % 200000).cast("string")).alias("customer"),
        F.date_add(F.lit("2026-01-01"), (F.col("id") % 300).cast("int")).alias("order_date"),
        F.sha2(F.col("id").cast("string"), 256).alias("order_hash"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("/line")), 512).alias("line_hash"),
        ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
    )
    _log("orders %d" % orders.count())
    daily = orders.groupBy("order_date").agg(F.sum("amount").alias("revenue"))
    _log("days %d, first %s" % (daily.count(), daily.orderBy("order_date").first()))
    export = orders.orderBy("order_date", "id").coalesce(1)
    _log("export partitions %d" % export.rdd.getNumPartitions())
    n = 0
    with open("orders_export.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        for row in export.toLocalIterator():
            w.writerow(row)
            n += 1
            if n % 200000 == 0:
                _log("exported %d rows" % n)
    _log("exported %d rows" % n)


# ---------------------------------------------------------------- max_result_size


def sort_sample_max_result_size(spark):
    # (max_result_size) A page-view table sorted by its (long, ~1.5 KB) URL before writing,
    # spark.driver.maxResultSize=8m. A global sort plans a range exchange: the
    # RangePartitioner first runs a sampling job (RangePartitioner.sketch, a collect of
    # 3 x 100 (rangeExchange.sampleSizePerPartition) x 200 shuffle partitions / 8 input
    # partitions = 7,500 sort keys per task) whose task results are the sampled URLs.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    views = spark.range(0, int(os.environ.get("DD_ROWS", "80000")), 1, 8).select(
        "id",
        F.concat(
            F.lit("https://shop.example.com/search?session="),
            F.sha2(F.col("id").cast("string"), 256),
            F.lit("&filters="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("f")), 512),
            F.lit("&trace="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("t")), 512),
            F.lit("&ctx="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("c")), 512),
            F.lit("&ref="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("r")), 512),
            F.lit("&v="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("v")), 512),
            F.lit("&u="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("u")), 512),
            F.lit("&x="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("x")), 512),
            F.lit("&y="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("y")), 512),
            F.lit("&z="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("z")), 512),
            F.lit("&w="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("w")), 512),
            F.lit("&q="),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("q")), 512),
        ).alias("url"),
        (F.col("id") % 5000).alias("user_id"),
        ((F.col("id") * 37) % 60000).alias("dwell_ms"),
    )
    _log("page views %d" % views.count())
    _log("avg url length %s" % views.agg(F.avg(F.length("url"))).first()[0])
    _log("users %d" % views.select("user_id").distinct().count())
    out = os.path.abspath("views_by_url")
    _log("writing %s sorted by url" % out)
    views.orderBy("url").write.mode("overwrite").parquet(out)
    _log("written")


# ---------------------------------------------------------------- too_many_tasks


def union_many_rdds_partitions(spark):
    # (too_many_tasks) An hourly backfill: each hour's records become an RDD (parallelized
    # with DD_SLICES slices "to spread the load"), the hours are combined with sc.union()
    # and counted. UnionRDD.getPartitions asks every parent for its partitions and wraps
    # each one in a UnionPartition: DD_HOURS x DD_SLICES partitions (and as many tasks)
    # planned in the driver. (The others: parallelize / range with millions of slices,
    # shuffle partitions, repartition, reduceByKey, cartesian, textFile minPartitions,
    # maxPartitionBytes, repartitionByRange.)
    from scenarios_pyspark import _log

    sc = spark.sparkContext
    hours = int(os.environ.get("DD_HOURS", "1500"))
    slices = int(os.environ.get("DD_SLICES", "3000"))
    first = sc.parallelize([("h0", i) for i in range(100)], 4)
    _log("sample hour count %d" % first.count())
    rdds = []
    t0 = time.time()
    for h in range(hours):
        rdds.append(sc.parallelize([("h%d" % h, i) for i in range(100)], slices))
        if h % 250 == 0:
            _log("hour %d loaded at %.0fs" % (h, time.time() - t0))
    allh = sc.union(rdds)
    _log("union of %d hourly RDDs" % len(rdds))
    _log("partitions %d" % allh.getNumPartitions())
    _log("records %d" % allh.count())


# ---------------------------------------------------------------- driver_side_state


def udf_registry_loop(spark):
    # (driver_side_state) A multi-tenant job registers one SQL UDF per tenant
    # (spark.udf.register("map_<tenant>", make_mapper(tenant))) so that the tenants' SQL
    # can call them; each mapper closes over the shared product-code table (~700 KB
    # pickled, under the 1 MB spark.broadcast.UDFCompressionThreshold, so the command stays
    # inline). The session's FunctionRegistry keeps every registered function, and with it
    # its pickled command bytes, in the driver JVM. (The others: accumulators, listeners,
    # loop state, temp views, job descriptions, plan history, Python-side collections.)
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType
    from scenarios_pyspark import _log

    table = {"P%07d" % i: "category-%04d/%s" % (i % 5000, "x" * 4) for i in range(22000)}

    def make_mapper(tenant):
        prefix = "t%04d:" % tenant

        def mapper(code):
            return prefix + table.get(code, "unknown")

        return mapper

    events = spark.range(0, 200000, 1, 8).select(
        "id",
        F.format_string("P%07d", (F.col("id") * 7) % 40000).alias("code"),
        (F.col("id") % 50).alias("tenant"),
    )
    events.createOrReplaceTempView("events")
    tenants = int(os.environ.get("DD_TENANTS", "1500"))
    t0 = time.time()
    for t in range(tenants):
        spark.udf.register("map_%04d" % t, make_mapper(t), StringType())
        if t == 2:
            r = spark.sql(
                "SELECT map_0001(code) AS c, count(*) AS n FROM events WHERE tenant = 1 "
                "GROUP BY 1 ORDER BY n DESC LIMIT 3"
            ).collect()
            _log("tenant 1 top categories %s" % r)
        if t % 100 == 0:
            _log("registered %d tenant UDFs at %.0fs" % (t + 1, time.time() - t0))
    _log("registered %d tenant UDFs" % tenants)
    _log(
        "tenant 7: %s"
        % spark.sql("SELECT map_0007(code) FROM events WHERE tenant = 7 LIMIT 1").collect()
    )


# ---------------------------------------------------------------- large_closure


def per_column_udf_task_binary(spark):
    # (large_closure) A survey table with DD_COLS answer columns, each decoded by its own
    # Python UDF made by a factory (F.udf(make_decoder(question))) that closes over the
    # shared codebook (~700 KB pickled). Each UDF's pickled command stays under the 1 MB
    # spark.broadcast.UDFCompressionThreshold, so it is kept inline in the plan; one
    # select() puts all of them in one BatchEvalPython stage, whose task binary (the
    # stage's RDD and function, every UDF's command included) the driver serializes and
    # broadcasts (the others: one UDF / one RDD function / one model over the threshold,
    # literals in the plan, data in the tasks).
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType
    from scenarios_pyspark import _log

    codebook = {"A%06d" % i: "answer-%05d/%s" % (i % 20000, "y" * 4) for i in range(22000)}

    def make_decoder(question):
        prefix = "q%03d=" % question

        def decode(code):
            return prefix + codebook.get(code, "n/a")

        return decode

    cols = int(os.environ.get("DD_COLS", "300"))
    survey = spark.range(0, 20000, 1, 4).select(
        "id",
        *[
            F.format_string("A%06d", (F.col("id") * (q + 7)) % 25000).alias("q%03d" % q)
            for q in range(cols)
        ],
    )
    _log("survey %d rows x %d questions" % (survey.count(), cols))
    first = F.udf(make_decoder(0), StringType())
    _log("q000 sample %s" % survey.select(first("q000")).limit(3).collect())
    decoded = survey.select(
        "id",
        *[
            F.udf(make_decoder(q), StringType())("q%03d" % q).alias("q%03d" % q)
            for q in range(cols)
        ],
    )
    _log("decoded plan built (%d Python UDFs)" % cols)
    out = os.path.abspath("survey_decoded")
    decoded.write.mode("overwrite").parquet(out)  # every column: no UDF is pruned
    _log("decoded survey written to %s" % out)


# ---------------------------------------------------------------- python_driver_oom


def show_string_py4j_memoryerror(spark):
    # (python_driver_oom) A notebook-style "print the whole result": df.show(n,
    # truncate=False) of ~900,000 rows with a JVM driver big enough (1536m) to build the
    # table string, but a Python driver with little room left (RLIMIT_AS at its size +
    # DD_PY_MB): Dataset.showString's ~100 MB result comes back over the Py4J socket as one
    # text line, which py4j reads, decodes and unescapes in the Python process before
    # print() (the others: collect / toPandas / createDataFrame / pandas / numpy / csv /
    # asDict in Python; show_all_rows fails in the JVM).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    df = spark.range(0, int(os.environ.get("DD_ROWS", "900000")), 1, 8).select(
        "id",
        F.concat(F.lit("customer-"), (F.col("id") % 100000).cast("string")).alias("customer"),
        F.sha2(F.col("id").cast("string"), 256).alias("order_hash"),
        ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
    )
    df.show(5, truncate=False)
    n = df.count()
    _log("rows %d" % n)
    _limit_python(int(os.environ.get("DD_PY_MB", "250")))
    _log("showing all %d rows" % n)
    df.show(n, truncate=False)


# ---------------------------------------------------------------- broadcast_too_large


def join_product_estimate_broadcast(spark):
    # (broadcast_too_large) No hint, default threshold (10 MB): two small parquet config
    # tables (segment -> promo, segment -> banner; ~6.5 KB files of DD_ROWS rows each) are
    # joined on `segment` only (a many-to-many join by mistake) and the result joined to
    # the orders on its promo key. Without CBO, Spark estimates a join's output as the
    # product of its inputs' sizes (SizeInBytesOnlyStatsPlanVisitor: ~6.5 KB x ~6.5 KB <
    # 10 MB), so the joined config is planned as the broadcast side; its real size is 20
    # segments x 500 x 500 = 5,000,000 rows with the banner text, built into a hashed
    # relation by the driver (the others: a hint, a raised threshold with file statistics,
    # AQE's runtime broadcast, a non-equi join, string / explode / semi-join
    # underestimates, stale table statistics). (First 3.5 local[*] try: joined on
    # (segment, promo_id), a two-column key, i.e. an UnsafeHashedRelation whose pages come
    # from the TaskMemoryManager: 3.5 looped in "Failed to allocate a page (2097152 bytes),
    # try again." like round 7's explode_underestimated_broadcast. Now one bigint key,
    # i.e. a LongHashedRelation.)
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ROWS", "10000"))
    promos, banners = os.path.abspath("segment_promos"), os.path.abspath("segment_banners")
    spark.range(0, n, 1, 1).select(
        (F.col("id") % 20).alias("segment"), (F.col("id") % 100).alias("promo_id")
    ).write.mode("overwrite").parquet(promos)
    spark.range(0, n, 1, 1).select(
        (F.col("id") % 20).alias("segment"),
        F.concat(
            F.lit("banner-"), (F.col("id") % 50).cast("string"), F.lit("-spring-sale-" + "x" * 48)
        ).alias("banner"),
    ).write.mode("overwrite").parquet(banners)
    config = (
        spark.read.parquet(promos)
        .join(spark.read.parquet(banners), "segment")
        .select((F.col("segment") * 1000 + F.col("promo_id")).alias("promo_key"), "banner")
    )
    _log(
        "config tables: %d + %d rows; estimated join size %s bytes"
        % (
            spark.read.parquet(promos).count(),
            spark.read.parquet(banners).count(),
            config._jdf.queryExecution().optimizedPlan().stats().sizeInBytes(),
        )
    )
    orders = spark.range(0, int(os.environ.get("DD_ORDERS", "5000000")), 1, 8).select(
        F.col("id").alias("order_id"),
        ((F.col("id") % 20) * 1000 + F.col("id") % 100).alias("promo_key"),
        ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
    )
    _log("orders %d" % orders.count())
    report = (
        orders.join(config, "promo_key")
        .groupBy("banner")
        .agg(F.sum("amount").alias("revenue"), F.count("*").alias("orders"))
    )
    plan = report._jdf.queryExecution().executedPlan().toString()
    _log("join strategy: %s" % ("broadcast" if "BroadcastHashJoin" in plan else "shuffle"))
    _log("top banners %s" % report.orderBy(F.desc("revenue")).limit(5).collect())


# ---------------------------------------------------------------- not_driver_oom


def rdd_lineage_stack_overflow(spark):
    # (not_driver_oom) An incremental job that folds each new batch into a running RDD
    # (running = running.union(batch).coalesce(4)) and never checkpoints: the lineage grows
    # by two RDDs per batch, and a job over it serializes (and computes) the whole chain
    # recursively, until a java.lang.StackOverflowError (no heap involved).
    from scenarios_pyspark import _log

    sc = spark.sparkContext
    running = sc.parallelize([(0, i) for i in range(50)], 4)
    batches = int(os.environ.get("DD_BATCHES", "6000"))
    t0 = time.time()
    for b in range(1, batches + 1):
        batch = sc.parallelize([(b, i) for i in range(50)], 4)
        running = running.union(batch).coalesce(4)
        if b % 50 == 0:
            _log("batch %d: %d records at %.0fs" % (b, running.count(), time.time() - t0))
    _log("final %d records" % running.count())


def cache_spill_to_disk_success(spark):
    # (not_driver_oom) A healthy job under memory pressure: an enriched fact table bigger
    # than the storage memory is cache()d (MEMORY_AND_DISK), reused by three reports and a
    # sort; the block manager cannot keep it in memory ("Not enough space to cache ...",
    # blocks persisted to disk) and the sort spills, but everything finishes (exit 0).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    facts = spark.range(0, int(os.environ.get("DD_ROWS", "3000000")), 1, 8).select(
        "id",
        (F.col("id") % 20000).alias("customer"),
        (F.col("id") % 365).alias("day"),
        F.sha2(F.col("id").cast("string"), 256).alias("h1"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("x")), 512).alias("h2"),
        ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
    )
    facts.cache()
    _log("facts cached: %d rows" % facts.count())
    _log("days %d" % facts.groupBy("day").agg(F.sum("amount")).count())
    top = facts.groupBy("customer").agg(F.sum("amount").alias("t")).orderBy(F.desc("t"))
    _log("top customers %s" % top.limit(3).collect())
    _log("distinct h1 prefixes %d" % facts.select(F.substring("h1", 1, 4)).distinct().count())
    out = os.path.abspath("facts_sorted")
    facts.orderBy("h2").write.mode("overwrite").parquet(out)
    _log("sorted copy written to %s" % out)
    facts.unpersist()
    _log("done")


# ---------------------------------------------------------------- streaming_state


def stream_dedup_within_watermark_state(spark):
    # (streaming_state; local[*] only) Event de-duplication with the Spark 3.5 API
    # dropDuplicatesWithinWatermark(["event_id"]) and a generous watermark ("1 day") on a
    # rate source (40,000 rows/s), noop sink, 2 s trigger, 4 shuffle partitions: every
    # event id of the last day stays in the deduplication state store
    # (StreamingDeduplicateWithinWatermarkExec), which with local[*] lives in the driver
    # JVM (the others: dropDuplicates without watermark, a stream-stream join, a sliding
    # window aggregation, memory sinks, a foreachBatch list, progress / SQL-tab history).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", int(os.environ.get("DD_RATE", "40000")))
        .option("numPartitions", 2)
        .load()
        .select(
            F.sha2(F.col("value").cast("string"), 256).alias("event_id"),
            "timestamp",
            (F.col("value") % 1000).alias("device"),
        )
        .withWatermark("timestamp", "1 day")
    )
    deduped = events.dropDuplicatesWithinWatermark(["event_id"])
    q = (
        deduped.writeStream.format("noop")
        .outputMode("append")
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


SCENARIOS = {
    f.__name__: f
    for f in [
        local_iterator_one_partition,
        sort_sample_max_result_size,
        union_many_rdds_partitions,
        udf_registry_loop,
        per_column_udf_task_binary,
        show_string_py4j_memoryerror,
        join_product_estimate_broadcast,
        rdd_lineage_stack_overflow,
        cache_spill_to_disk_success,
        stream_dedup_within_watermark_state,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
