"""Bodies of the round-21 scenarios of the run matrix (tests/data/runs/), run by gen_r21.py.

``spark-submit scenarios_r21.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r20.py, gen_jvm.py)
uses; gen_r21.py records what really happened. Two of them (WARN_LOG) call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as many
real jobs do; the other three keep Spark's default INFO driver log.
"""

import os
import sys
import time

# ---------------------------------------------------------------- broadcast_too_large


def ip_range_left_join_fallback_broadcast(spark):
    # (broadcast_too_large) Geolocation of click events by IP range, with no hint and the
    # default autoBroadcastJoinThreshold: `clicks.join(ranges, (ip >= start_ip) & (ip <=
    # end_ip), "left")`. A non-equi LEFT OUTER join has no sort-merge or hash strategy and
    # cannot be a cartesian product, and neither side is under the threshold, so the
    # planner falls back to a BroadcastNestedLoopJoin ("This join could be very slow or
    # OOM"), building the smaller side by estimate: the 2,500,000 IP ranges (with ISP and
    # city strings), ~340 MB of rows collected into the driver to be broadcast (the
    # others: broadcast() / SQL hints, raised thresholds, AQE's runtime statistics, size
    # estimates that a limit / explode / filter / gzip / stale statistics get wrong, a
    # pandas frame, a stream-static hint, NOT IN subqueries, an explicit sc.broadcast;
    # this one is the planner's own fallback for a non-equi outer join).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_ranges = int(os.environ.get("DD_RANGES", "2500000"))
    n_clicks = int(os.environ.get("DD_CLICKS", "20000000"))
    ranges = spark.range(0, n_ranges, 1, 32).select(
        (F.col("id") * 1000).alias("start_ip"),
        (F.col("id") * 1000 + 999).alias("end_ip"),
        F.concat(F.lit("isp-"), F.sha2(F.col("id").cast("string"), 256)).alias("isp"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("city")), 512).alias("city"),
    )
    clicks = spark.range(0, n_clicks, 1, 8).select(
        F.col("id").alias("click_id"),
        (F.col("id") * 7919 % (n_ranges * 1000)).alias("ip"),
        F.concat(F.lit("https://shop.example/p/"), (F.col("id") % 100000).cast("string")).alias(
            "url"
        ),
        F.concat(F.lit("session-"), (F.col("id") % 3000000).cast("string")).alias("session"),
    )
    located = clicks.join(
        ranges, (clicks.ip >= ranges.start_ip) & (clicks.ip <= ranges.end_ip), "left"
    )
    per_city = located.groupBy("city").agg(F.count("*").alias("clicks"))
    _log("cities with clicks: %d" % per_city.count())


# ---------------------------------------------------------------- python_driver_oom


def review_bigram_counter_memoryerror(spark):
    # (python_driver_oom; WARN log) "Top phrases in the product reviews": the review texts
    # (300,000 reviews of 20 words, ~48 MB of text) are collected, which fits, and the
    # bigrams are counted in the Python driver with `collections.Counter` over
    # `zip(tokens, tokens[1:])` to take `most_common(50)`. Nearly every bigram is
    # distinct, so the Counter grows to millions of tuple keys of two strings; the Python
    # driver's address space is capped at its size + DD_PY_MB after the collect (a
    # container with little memory left) (the others: toPandas / collect / asDict / json /
    # csv / pivot / get_dummies / merge / to_dict / numpy / print / show / createDataFrame /
    # a local-iterator dict / itertools pairs / gzip decompression; this one is an n-gram
    # Counter over collected text).
    from collections import Counter

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n = int(os.environ.get("DD_REVIEWS", "300000"))
    words = [
        F.concat(F.lit("w"), ((F.col("id") * (7919 + 104729 * j) + j * 31) % 1000003).cast("string"))
        for j in range(20)
    ]
    reviews = spark.range(0, n, 1, 8).select(
        F.col("id").alias("review_id"), F.concat_ws(" ", *words).alias("text")
    )
    rows = reviews.select("text").collect()
    _log("collected %d reviews, %d characters" % (len(rows), sum(len(r.text) for r in rows)))
    _limit_python(int(os.environ.get("DD_PY_MB", "500")))
    counts = Counter()
    for i, r in enumerate(rows):
        tokens = r.text.lower().split()
        counts.update(zip(tokens, tokens[1:], strict=False))
        if (i + 1) % 100000 == 0:
            _log("%d reviews, %d distinct bigrams" % (i + 1, len(counts)))
    for (a, b), c in counts.most_common(50):
        _log("%s %s\t%d" % (a, b, c))


# ---------------------------------------------------------------- client_mode_small_driver


def csv_multiline_unclosed_quote_small_driver(spark):
    # (client_mode_small_driver; local[*] only) A partner's order export read with
    # `spark.read.option("multiLine", True)` (its comments may hold line breaks) and a
    # schema, run by spark-submit --driver-memory 512m. One comment near the top of the
    # ~300 MB file opens a double quote that is never closed (no other line quotes its
    # comment), so the CSV parser reads the rest of the file as that one quoted field (Spark leaves maxCharsPerColumn unlimited);
    # a multiLine file is one split, and in local[*] its task runs in the driver JVM (the
    # others: collect_list, exact percentiles, window collect_list, whole-text / multi-line
    # JSON files, a random forest, the mode aggregate, percentile_approx; this one is a
    # multi-line CSV field that never ends).
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType
    from scenarios_pyspark import _log

    path = os.path.abspath("partner-orders.csv")
    line = "%d,customer-%05d,delivered on time,%d.%02d\n"
    block = "".join(line % (i, i % 50000, i % 997, i % 100) for i in range(100000))
    with open(path, "w") as fh:
        fh.write("order_id,customer,comment,amount\n")
        fh.write('17,customer-00017,"box arrived damaged, 10.00\n')  # the quote never closes
        for _ in range(int(os.environ.get("DD_BLOCKS", "65"))):
            fh.write(block)
    _log("export file %d bytes" % os.path.getsize(path))
    schema = StructType(
        [
            StructField("order_id", LongType()),
            StructField("customer", StringType()),
            StructField("comment", StringType()),
            StructField("amount", DoubleType()),
        ]
    )
    orders = (
        spark.read.schema(schema)
        .option("header", True)
        .option("multiLine", True)
        .csv(path)
    )
    top = orders.groupBy("customer").agg(F.sum("amount").alias("total")).orderBy(F.desc("total"))
    for r in top.take(10):
        _log("%s %.2f" % (r.customer, r.total))


# ---------------------------------------------------------------- streaming_state


def stream_approx_distinct_per_article_state(spark):
    # (streaming_state; local[*] only) A "live readers per article" dashboard of a news
    # site: read events from a rate-micro-batch source (100,000 a batch; new articles keep
    # being published, 4,000 a batch, each read a few dozen times) grouped by article with
    # `F.approx_count_distinct("reader", 0.01)`, the relative error lowered from its default
    # 0.05 "for accurate numbers", in update mode and without a watermark. The aggregate's
    # buffer is a HyperLogLog++ sketch whose size depends on the error only: at 0.01 it is
    # 2^14 registers, ~13 KB per article, and the streaming aggregation keeps every
    # article's buffer in its state store across micro-batches (nothing ever expires); in
    # local[*] the state stores live in the driver JVM (the others: state of dedup / joins /
    # windows / sessions / collect_list / latest rows / retained versions, memory and
    # console sinks, progress and UI history; this one is the size of each key's state,
    # an approximate-distinct sketch with a small error).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "100000")))
        .option("numPartitions", 2)
        .load()
        .select(
            (F.col("value") / int(os.environ.get("DD_READS", "25"))).cast("long").alias("article"),
            (F.col("value") * 2654435761 % 10000000).alias("reader"),
        )
    )
    readers = events.groupBy("article").agg(
        F.approx_count_distinct("reader", 0.01).alias("readers")
    )
    q = (
        readers.writeStream.format("noop")
        .outputMode("update")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="2 seconds")
        .start()
    )
    t0, last = time.time(), None
    while q.isActive and time.time() - t0 < 600:
        q.awaitTermination(2)
        p = q.lastProgress
        if p and p.get("batchId") != last:
            last = p.get("batchId")
            state = (p.get("stateOperators") or [{}])[0]
            _log(
                "batch %s: %s input rows, %s state rows, %s state bytes"
                % (
                    p.get("batchId"),
                    p.get("numInputRows"),
                    state.get("numRowsTotal"),
                    state.get("memoryUsedBytes"),
                )
            )
    q.awaitTermination()


# ---------------------------------------------------------------- not_driver_oom


def json_failfast_truncated_record(spark):
    # (not_driver_oom; WARN log) A look-alike of nothing memory-related: the nightly load of
    # JSON-lines event files with `mode=FAILFAST` (the team wants a bad file to stop the
    # load) and a schema. One of the 8 files ends with a record cut in the middle (the
    # upstream writer crashed while writing it); the task reading it raises the parse
    # error, the job is aborted (the others: a corrupt parquet footer, missing paths and
    # tables, schema / column-count mismatches, ANSI errors, a UDF's exception, pickling
    # errors, stack overflows; this one is FAILFAST parsing of a truncated JSON record).
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StringType, StructField, StructType
    from scenarios_pyspark import _log

    d = os.path.abspath("events-json")
    os.makedirs(d, exist_ok=True)
    for f in range(8):
        with open(os.path.join(d, "part-%05d.json" % f), "w") as fh:
            for i in range(50000):
                fh.write(
                    '{"event_id": %d, "user": "u%05d", "kind": "%s"}\n'
                    % (f * 50000 + i, i % 20000, ("view", "cart", "buy")[i % 3])
                )
            if f == 5:
                fh.write('{"event_id": %d, "user": "u0' % (f * 50000 + 50000))
    schema = StructType(
        [
            StructField("event_id", LongType()),
            StructField("user", StringType()),
            StructField("kind", StringType()),
        ]
    )
    events = spark.read.schema(schema).option("mode", "FAILFAST").json(d)
    counts = events.groupBy("kind").agg(F.count("*").alias("n")).collect()
    _log("kinds: %s" % sorted((r.kind, r.n) for r in counts))


SCENARIOS = {
    f.__name__: f
    for f in [
        ip_range_left_join_fallback_broadcast,
        review_bigram_counter_memoryerror,
        csv_multiline_unclosed_quote_small_driver,
        stream_approx_distinct_per_article_state,
        json_failfast_truncated_record,
    ]
}

# The scenarios whose script sets the WARN log level right after the session starts.
WARN_LOG = {
    "review_bigram_counter_memoryerror",
    "json_failfast_truncated_record",
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
