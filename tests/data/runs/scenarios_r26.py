"""Bodies of the round-26 scenarios of the run matrix (tests/data/runs/), run by gen_r26.py.

``spark-submit scenarios_r26.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark and _log are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r25.py, gen_jvm.py)
uses; gen_r26.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. All of them keep
Spark's default INFO driver log.
"""

import os
import sys

# ---------------------------------------------------------------- collect_to_driver


def _average_feature_weights(rows, dim):
    import json

    from pyspark import BarrierTaskContext

    ctx = BarrierTaskContext.get()
    sums = [0.0] * dim
    n = 0
    for r in rows:
        sums[r.feature] += r.weight
        n += 1
    # every partition sends its sums to every other one (a hand-rolled all-reduce)
    gathered = ctx.allGather(json.dumps({"n": n, "sums": sums}))
    parts = [json.loads(m) for m in gathered]
    total = sum(p["n"] for p in parts) or 1
    avg = [sum(p["sums"][i] for p in parts) / total for i in range(dim)]
    if ctx.partitionId() == 0:
        best = sorted(range(dim), key=lambda i: -avg[i])[:10]
        yield [(i, avg[i]) for i in best]


def feature_hash_barrier_weight_average(spark):
    # (collect_to_driver) A hand-rolled "distributed averaging" step of a hashed-feature
    # model: the click log (4,000,000 rows, 2 partitions = the cluster's 2 slots) is run
    # as a barrier stage, `df.rdd.barrier().mapPartitions(...)`, and every task sums the
    # weights of its rows into a 15,000,000-slot hashed feature vector and shares it with
    # `BarrierTaskContext.allGather(json.dumps(...))` so that each task can average them.
    # allGather goes through the driver: the BarrierCoordinator in the driver JVM receives
    # every task's message (~300 MB of JSON each) and answers every task with all of them
    # (the others: collect / take / tail / toLocalIterator / glom / collectAsMap /
    # countByValue / top / takeSample / toJSON / lookup / collect_list rows / binary files;
    # this one is a barrier stage's allGather messages).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    dim = int(os.environ.get("DD_DIM", "15000000"))
    clicks = spark.range(0, int(os.environ.get("DD_CLICKS", "4000000")), 1, 2).select(
        (F.xxhash64(F.concat(F.lit("term-"), F.col("id").cast("string"))) % dim)
        .cast("int")
        .alias("feature_raw"),
        ((F.col("id") * 7919 % 1000) / 997.0).alias("weight"),
    )
    clicks = clicks.select(
        F.when(F.col("feature_raw") < 0, F.col("feature_raw") + dim)
        .otherwise(F.col("feature_raw"))
        .alias("feature"),
        "weight",
    )
    _log("clicks: %d, hashed features: %d" % (clicks.count(), dim))
    top = (
        clicks.rdd.barrier()
        .mapPartitions(lambda rows: _average_feature_weights(rows, dim))
        .collect()
    )
    _log("top features: %s" % (top[0][:3] if top else None))


# ---------------------------------------------------------------- broadcast_too_large


def campaign_attribution_mapjoin_view_ctas(spark):
    # (broadcast_too_large) Campaign attribution for marketing: a view written for the old
    # Hive job, `touch_orders`, joins the orders to the web touchpoints with a Hive-era
    # `/*+ MAPJOIN(t) */` hint (from when the touchpoints were a small lookup table); today
    # the touchpoints are 6,000,000 rows. The job materialises the attribution with a
    # `CREATE TABLE ... USING parquet AS SELECT ... FROM touch_orders GROUP BY ...`, so
    # the hint, inside the view, makes Spark broadcast the touchpoints: collected to the
    # driver (512m) and built into a hash relation there (the others: BROADCAST hints in a
    # SELECT / a stream-static join / a NOT IN subquery, F.broadcast of a filtered /
    # limited / pandas DataFrame, raised thresholds, stale / cached / CBO / underestimated
    # statistics, AQE runtime broadcast, nested-loop joins; this one is a MAPJOIN hint in
    # a view read by a CTAS).
    from scenarios_pyspark import _log

    spark.range(0, int(os.environ.get("DD_TOUCHES", "6000000")), 1, 8).selectExpr(
        "id AS touch_id",
        "concat('cust-', cast(id % 400000 AS string)) AS customer_id",
        "concat('https://shop.example.com/landing?utm_source=newsletter&utm_medium=email"
        "&utm_campaign=winter_sale_', cast(id % 97 AS string), '&utm_content=banner_',"
        " cast(id % 13 AS string)) AS landing_url",
        "timestamp_seconds(1764547200 + id * 2) AS touched_at",
    ).createOrReplaceTempView("touchpoints")
    spark.range(0, 300000, 1, 4).selectExpr(
        "id AS order_id",
        "concat('cust-', cast(id * 7 % 400000 AS string)) AS customer_id",
        "id % 300 + 0.99 AS revenue",
        "timestamp_seconds(1764547200 + id * 20) AS ordered_at",
    ).createOrReplaceTempView("orders")
    spark.sql(
        """
        CREATE OR REPLACE TEMP VIEW touch_orders AS
        SELECT /*+ MAPJOIN(t) */ o.order_id, o.revenue, t.landing_url, t.touched_at
        FROM orders o JOIN touchpoints t
          ON o.customer_id = t.customer_id AND t.touched_at <= o.ordered_at
        """
    )
    spark.sql("DROP TABLE IF EXISTS campaign_attribution")
    spark.sql(
        """
        CREATE TABLE campaign_attribution USING parquet AS
        SELECT regexp_extract(landing_url, 'utm_campaign=([^&]+)', 1) AS campaign,
               count(*) AS touches, count(DISTINCT order_id) AS orders, sum(revenue) AS revenue
        FROM touch_orders
        GROUP BY 1
        """
    )
    _log("campaigns: %d" % spark.table("campaign_attribution").count())


# ---------------------------------------------------------------- collect_to_driver (2)


def product_cooccurrence_local_matrix(spark):
    # (collect_to_driver) Product co-purchase matrix for the recommendations prototype:
    # the pairs of products bought in the same basket (1,000,000 baskets, 12,000 products)
    # are counted with a groupBy and turned into an mllib `CoordinateMatrix` of
    # `MatrixEntry(i, j, count)`, `.toBlockMatrix(1024, 1024)`, then `.toLocalMatrix()` so
    # that the data scientist can hand it to numpy. The matrix is sparse, but `BlockMatrix.toLocalMatrix()` collects the blocks to the driver and builds one
    # dense 12,000 x 12,000 array of doubles there (~1.1 GB) (the others: collect / take /
    # tail / toLocalIterator / glom / collectAsMap / countByValue / top / takeSample /
    # toJSON / lookup / collect_list rows / binary files / model coefficients; this one is
    # a distributed matrix made local).
    from pyspark.mllib.linalg.distributed import CoordinateMatrix, MatrixEntry
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    products = int(os.environ.get("DD_PRODUCTS", "12000"))
    lines = spark.range(0, int(os.environ.get("DD_BASKETS", "1000000")), 1, 8).select(
        F.col("id").alias("basket"),
        F.explode(F.array(*[((F.col("id") * p + p * p) % products).cast("int") for p in (7, 31, 131)])).alias(
            "product"
        ),
    )
    pairs = (
        lines.alias("a")
        .join(lines.alias("b"), "basket")
        .where(F.col("a.product") != F.col("b.product"))
        .groupBy(F.col("a.product").alias("i"), F.col("b.product").alias("j"))
        .count()
    )
    entries = pairs.rdd.map(lambda r: MatrixEntry(r.i, r.j, float(r["count"])))
    cooc = CoordinateMatrix(entries, products, products).toBlockMatrix(1024, 1024).cache()
    _log("co-purchase matrix %d x %d, %d blocks" % (cooc.numRows(), cooc.numCols(), cooc.blocks.count()))
    local = cooc.toLocalMatrix().toArray()
    _log("local matrix shape %s, nonzero %d" % (local.shape, (local != 0).sum()))


# ---------------------------------------------------------------- not_driver_oom


def _parse_log_line(line):
    from datetime import datetime

    day, clock, level, rest = line.split(" ", 3)
    ts = datetime.strptime(day + " " + clock, "%Y-%m-%d %H:%M:%S")
    return (ts.strftime("%Y-%m-%d %H:00"), level, rest.split(":", 1)[0])


def executor_log_error_timeline(spark):
    # (not_driver_oom) The platform team's error timeline of last month's application
    # logs: the log files (text, one line per record, written here from 1,200,000 records
    # of 8 partitions) are read with `sc.textFile`, each line split into date, time, level
    # and logger by a Python function (`line.split(" ", 3)` + `datetime.strptime`) and
    # counted per hour and level. The logs hold stack traces: a record's continuation
    # lines have no timestamp, and the first such line the parser meets is the logged
    # application's "java.lang.OutOfMemoryError: Java heap space", so the job fails with a
    # Python ValueError that quotes it (the others: a corrupt parquet footer, missing paths
    # and tables, a schema mismatch, insertInto's column count, ANSI errors, FAILFAST
    # parsing, a UDF's exception, a CUDA message, pickling errors, stack overflows, a
    # week-based datetime pattern, a positional union, a heapq IndexError; this one is a
    # strptime ValueError quoting an OutOfMemoryError line of the data).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    out = os.path.abspath("out/app_logs")
    records = spark.range(0, int(os.environ.get("DD_RECORDS", "1200000")), 1, 8)
    stamp = F.date_format(F.timestamp_seconds(F.lit(1764547200) + F.col("id") * 2), "yyyy-MM-dd HH:mm:ss")
    lines = F.when(
        F.col("id") % 5000 == 4321,
        F.array(
            F.concat(stamp, F.lit(" ERROR Executor: Exception in task 3.0 in stage 7.0 (TID 41)")),
            F.lit("java.lang.OutOfMemoryError: Java heap space"),
            F.lit("\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)"),
            F.lit("\tat java.base/java.lang.AbstractStringBuilder.ensureCapacityInternal(AbstractStringBuilder.java:228)"),
        ),
    ).otherwise(
        F.array(
            F.concat(
                stamp,
                F.lit(" INFO TaskSetManager: Finished task "),
                (F.col("id") % 200).cast("string"),
                F.lit(".0 in stage 7.0 in 412 ms on worker-3 (executor 2)"),
            )
        )
    )
    records.select(F.explode(lines).alias("value")).write.mode("overwrite").text(out)
    _log("application logs written to %s" % out)
    parsed = spark.sparkContext.textFile(out).map(_parse_log_line).toDF(["hour", "level", "logger"])
    timeline = parsed.groupBy("hour", "level").count().orderBy("hour", "level").collect()
    _log("timeline rows: %d" % len(timeline))
    for r in timeline:
        if r.level == "ERROR":
            _log("%s %s %d" % (r.hour, r.level, r["count"]))


SCENARIOS = {
    f.__name__: f
    for f in [
        feature_hash_barrier_weight_average,
        campaign_attribution_mapjoin_view_ctas,
        product_cooccurrence_local_matrix,
        executor_log_error_timeline,
    ]
}

# The scenarios whose script sets the WARN log level right after the session starts (none
# in this round).
WARN_LOG = set()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    if name in WARN_LOG:
        spark.sparkContext.setLogLevel("WARN")
    SCENARIOS[name](spark)
    spark.stop()
