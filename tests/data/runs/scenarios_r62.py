"""Round 62's scenarios (see gen_r62.py and the README section "Round 62").

Eight new scenarios, PySpark, Scala and SQL mixed, for causes still thin or confused in driver
logs and event logs: the driver filled by Spark's own machinery that the program feeds job by
job, an executor (or its Python worker) running out while the driver program only does what
looks like a driver-side action, the driver filled by the bookkeeping of one stage of very
many tiny tasks, a job aborted by spark.driver.maxResultSize for many modest task results, and
the Python driver process running out while it builds something big from what it collected.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys


def _cap_address_space(extra_mb):
    """Cap this (driver) Python process's address space at its current size + extra_mb, as a
    container nearly full would; the JVM, already running, is not capped. Prints nothing."""
    import resource

    with open("/proc/self/status") as fh:
        vm = [line for line in fh if line.startswith("VmSize:")][0]
    limit = int(vm.split()[1]) * 1024 + extra_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# ---------------------------------------------------------------- driver_side_state


def help_center_search_terms_daily_vocab_models(spark):
    # (driver_side_state, local-cluster) The help centre's search terms, day by day: each
    # day's queries get their own CountVectorizer vocabulary (to compare the days' term
    # drift at the end), every fitted model kept in a dict by day; each fit is one small job,
    # but each CountVectorizerModel holds its vocabulary (up to 262,144 terms) in the driver
    # JVM (the others: IDF, NaiveBayes and StringIndexer models per key, CV sub-models; this
    # one is CountVectorizer vocabularies per day in PySpark).
    import datetime

    from pyspark.ml.feature import CountVectorizer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    days = int(os.environ.get("DD_DAYS", "60"))
    per_day = int(os.environ.get("DD_QUERIES", "150000"))
    start = datetime.date(2026, 9, 1)
    vocab = {}
    for d in range(days):
        day = (start + datetime.timedelta(days=d)).isoformat()
        ids = F.col("id")
        queries = spark.range(d * per_day, (d + 1) * per_day, 1, 8).select(
            F.split(
                F.format_string(
                    "q%x r%x s%x",
                    (ids * 7919) % 9000011,
                    (ids * 104729) % 9000041,
                    (ids * 31) % 9000049,
                ),
                " ",
            ).alias("terms")
        )
        vocab[day] = CountVectorizer(inputCol="terms", outputCol="tf").fit(queries)
        if (d + 1) % 5 == 0:
            _log("search terms: %d days fitted, last %s" % (len(vocab), day))
    _log("term drift over %d days" % len(vocab))


# ---------------------------------------------------------------- not_driver_oom


def marketplace_refunds_rdd_join_orders(spark):
    # (not_driver_oom, local-cluster, Python workers capped by spark.executor.pyspark.memory)
    # Refunds per seller: the month's orders and refunds as pair RDDs keyed by order
    # reference and joined with rdd.join; marketplace orders not yet settled all carry the
    # reference "MKT-PENDING" (60 % of the orders), so PySpark's join (a cogroup: union,
    # groupByKey, then the values of each key put into two Python lists) buffers millions of
    # orders for that one key in one Python worker; the driver then only collects the
    # per-seller totals (the others: mapPartitions buffers, UDF values, grouped pandas; this
    # one is RDD.join on a hot key in the Python workers).
    from operator import add

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ORDERS", "6000000"))
    ids = F.col("id")
    orders = (
        spark.range(0, n, 1, 8)
        .select(
            F.when(ids % 10 < 6, F.lit("MKT-PENDING"))
            .otherwise(F.format_string("ORD-%010d", ids))
            .alias("order_ref"),
            F.format_string("SELLER-%05d", (ids * 7919) % 20000).alias("seller"),
            ((ids * 104729) % 50000 / 100.0).alias("amount"),
        )
        .rdd.map(lambda r: (r.order_ref, (r.seller, r.amount)))
    )
    refunds = (
        spark.range(0, n // 20, 1, 4)
        .select(
            F.when(ids % 1000 == 0, F.lit("MKT-PENDING"))
            .otherwise(F.format_string("ORD-%010d", ids * 19))
            .alias("order_ref"),
            ((ids * 31) % 5000 / 100.0).alias("refund"),
        )
        .rdd.map(lambda r: (r.order_ref, r.refund))
    )
    joined = orders.join(refunds)
    per_seller = joined.map(lambda kv: (kv[1][0][0], kv[1][1])).reduceByKey(add)
    top = sorted(per_seller.collect(), key=lambda kv: -kv[1])[:20]
    for seller, refunded in top:
        _log("%s %.2f" % (seller, refunded))


# ---------------------------------------------------------------- python_driver_oom


def fulfilment_orders_partition_frames_concat(spark):
    # (python_driver_oom, local-cluster, the Python driver's address space capped by the
    # script as a nearly full container would) The fulfilment report without Arrow: each
    # partition of the day's order lines turned into a pandas DataFrame by mapPartitions on
    # the executors ("faster than toPandas"), the frames collected and put together with
    # pd.concat on the driver, then pivoted per warehouse; the frames and their concatenation
    # fill the Python driver (the others: toPandas, collect + dict / json / csv / pickle,
    # toLocalIterator dicts; this one is per-partition pandas frames and pd.concat).
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _cap_address_space(int(os.environ.get("DD_PY_MB", "700")))
    n = int(os.environ.get("DD_LINES", "2500000"))
    ids = F.col("id")
    lines = spark.range(0, n, 1, 16).select(
        F.format_string("ORD-%010d", (ids / 3).cast("long")).alias("order_id"),
        F.format_string("SKU-%07d", (ids * 7919) % 400000).alias("sku"),
        F.format_string("WH-%03d", ids % 37).alias("warehouse"),
        F.format_string("CARRIER-%02d", ids % 11).alias("carrier"),
        ((ids * 104729) % 20 + 1).alias("qty"),
        ((ids * 31) % 90000 / 100.0).alias("amount"),
    )
    cols = lines.columns

    def to_frame(rows):
        import pandas as pd

        yield pd.DataFrame(list(rows), columns=cols)

    frames = lines.rdd.mapPartitions(to_frame).collect()
    _log("fulfilment frames received: %d" % len(frames))
    report = pd.concat(frames, ignore_index=True)
    pivot = report.pivot_table(index="warehouse", columns="carrier", values="qty", aggfunc="sum")
    _log(pivot.head().to_string())


SCENARIOS = {
    f.__name__: f
    for f in [
        help_center_search_terms_daily_vocab_models,
        marketplace_refunds_rdd_join_orders,
        fulfilment_orders_partition_frames_concat,
    ]
}
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


SCALA = {
    # (driver_side_state, local-cluster) Pick-wave timings in the warehouse backfill: a
    # SparkListener added with sc.addSparkListener records every finished task (its info,
    # its TaskMetrics and its accumulables by name) in an ArrayBuffer, for a skew report at
    # the end; every day of the backfill is one small aggregation (8 map tasks, 400 reduce
    # tasks), but the recorder keeps every task of every day (the others: a listener keeping
    # TaskEnd events with padding, a lineage agent keeping SQL executions, a
    # QueryExecutionListener; this one is per-task metrics and accumulables by name).
    "warehouse_pick_waves_task_timing_listener": """
// Pick-wave backfill, with a task timing recorder for the skew report at the end.
import org.apache.spark.executor.TaskMetrics
import org.apache.spark.scheduler.{SparkListener, SparkListenerTaskEnd}
import org.apache.spark.sql.functions._
import scala.collection.mutable.ArrayBuffer
case class TaskTiming(stageId: Int, attempt: Int, taskId: Long, index: Int, executorId: String,
  host: String, launchTime: Long, durationMs: Long, metrics: TaskMetrics, accumulables: Map[String, String])
class TaskTimingRecorder extends SparkListener {
  val timings = ArrayBuffer[TaskTiming]()
  override def onTaskEnd(e: SparkListenerTaskEnd): Unit = synchronized {
    val i = e.taskInfo
    timings += TaskTiming(e.stageId, e.stageAttemptId, i.taskId, i.index, i.executorId, i.host,
      i.launchTime, i.duration, e.taskMetrics,
      i.accumulables.map(a => a.name.getOrElse(s"acc-${a.id}") -> a.update.map(_.toString).getOrElse("")).toMap)
  }
}
val recorder = new TaskTimingRecorder
sc.addSparkListener(recorder)
spark.conf.set("spark.sql.shuffle.partitions", "400")
spark.conf.set("spark.sql.adaptive.enabled", "false")
val days = sys.env.getOrElse("DD_DAYS", "120").toInt
val perDay = 200000L
val start = java.time.LocalDate.of(2026, 6, 1)
for (d <- 0 until days) {
  val day = start.plusDays(d)
  val picks = spark.range(d * perDay, (d + 1) * perDay, 1, 8).select(
    ($"id" % 40).as("wave"), ($"id" % 1200).as("picker"), (($"id" * 7919) % 600).as("seconds"))
  val slow = picks.groupBy("wave", "picker")
    .agg(avg("seconds").as("avg_s"), max("seconds").as("max_s"), count(lit(1)).as("picks"))
    .where($"avg_s" > 300.0).count()
  if ((d + 1) % 10 == 0) println(s"$day: pick waves done, $slow slow pickers")
}
val bySkew = recorder.timings.groupBy(_.stageId).map { case (s, ts) => (s, ts.map(_.durationMs).max) }
println(s"skew report: ${bySkew.size} stages")
""",
    # (not_driver_oom, local-cluster, executors 512m) Revenue per region: orders joined to
    # the customer table with RDD.join; guest checkouts all carry the customer id "GUEST"
    # (70 % of the orders), so the cogroup behind the join buffers millions of orders for
    # that one key in one executor; the driver then collects 41 region totals (the others:
    # reduceByKey concat, groupByKey, aggregateByKey sets, SQL sort-merge join; this one is
    # RDD.join on a hot key).
    "order_region_revenue_rdd_join_customers": """
// Revenue per region: orders joined to the customer table.
val nOrders = sys.env.getOrElse("DD_ORDERS", "8000000").toLong
val orders = sc.range(0, nOrders, 1, 16).map { i =>
  val customer = if (i % 10 < 7) "GUEST" else f"CUST-${(i * 7919) % 3000000}%08d"
  (customer, (f"ORD-$i%010d", ((i * 104729) % 50000) / 100.0))
}
val customers = sc.range(0, 3000000, 1, 8).map(i => (f"CUST-$i%08d", f"REGION-${i % 40}%02d")) ++
  sc.parallelize(Seq(("GUEST", "REGION-WEB")))
val revenue = orders.join(customers).map { case (_, ((_, amount), region)) => (region, amount) }
  .reduceByKey(_ + _)
val byRegion = revenue.collect().sortBy(-_._2)
byRegion.take(10).foreach { case (r, a) => println(f"$r $a%.2f") }
""",
    # (too_many_tasks, local-cluster) The orders extract written by the upstream step (one
    # parquet file per writer) and read back for the daily counts with
    # spark.sql.files.minPartitionNum raised "so that every core of the big cluster gets
    # work" and spark.sql.files.openCostInBytes set to 0 ("the files are big"): the scan
    # splits the files into 300,000 partitions of a few hundred bytes (the others: a
    # maxPartitionBytes without a unit, range / shuffle / repartition / leaf parallelism,
    # many small files; this one is minPartitionNum with no open cost).
    "orders_extract_min_partition_num_scan": """
// Orders extract: written by the upstream step, read back for the daily counts.
import org.apache.spark.sql.functions._
val rows = sys.env.getOrElse("DD_ROWS", "2000000").toLong
spark.range(0, rows, 1, 4).select(
  format_string("ORD-%010d", $"id").as("order_id"),
  sha2($"id".cast("string"), 256).as("payment_ref"),
  element_at(array(lit("placed"), lit("packed"), lit("shipped"), lit("delivered")), ($"id" % 4 + 1).cast("int")).as("status"),
  (($"id" * 104729) % 50000 / 100.0).as("amount")
).write.mode("overwrite").parquet("orders_extract")
println("orders extract written")
spark.conf.set("spark.sql.files.openCostInBytes", "0")
spark.conf.set("spark.sql.files.minPartitionNum", sys.env.getOrElse("DD_MIN_PARTITIONS", "300000"))
val orders = spark.read.parquet("orders_extract")
orders.groupBy("status").agg(count(lit(1)).as("orders"), sum("amount").as("amount"))
  .collect().foreach(println)
""",
    # (max_result_size, local-cluster, spark.driver.maxResultSize=64m) Daily active users per
    # app as RoaringBitmaps: RDD.aggregate with a bitmap per partition (seqOp adds the user
    # id, combOp ORs), so every one of the 400 tasks sends its partition's bitmap of about
    # 40,000 scattered user ids back to the driver to be merged (the others: numpy fold /
    # reduce, Dataset.reduce of histograms, collects over many partitions, accumulators; this
    # one is RDD.aggregate of bitmaps in Scala).
    "app_daily_active_users_bitmap_aggregate": """
// Daily active users: the distinct user ids of the day as one bitmap.
import org.roaringbitmap.RoaringBitmap
val events = sys.env.getOrElse("DD_EVENTS", "16000000").toLong
val userIds = sc.range(0, events, 1, 400).map(i => ((i * 2654435761L) & 0x7fffffffL).toInt)
val active = userIds.aggregate(new RoaringBitmap())(
  (bm, u) => { bm.add(u); bm },
  (a, b) => { a.or(b); a })
println(s"daily active users: ${active.getLongCardinality}")
""",
}

SQL = {
    # (too_many_tasks, spark-sql, local-cluster) The page views compaction before the
    # downstream readers: CTAS with a /*+ REBALANCE */ hint so that the files come out even,
    # 300 shuffle partitions, and spark.sql.adaptive.advisoryPartitionSizeInBytes set to 128
    # (meant as 128 MB, read as 128 bytes), so adaptive execution splits every one of the 300
    # rebalanced partitions at every map output, 2,000 pieces each: one stage of 600,000
    # tasks (the others: shuffle partitions, bucket counts, range / repartition hints,
    # unions, cross joins; this one is REBALANCE with a tiny advisory size).
    "page_views_rebalance_compaction_ctas_sql": """
-- Page views compaction: rebalanced so that the files come out even for the downstream readers.
SET spark.sql.shuffle.partitions=300;
SET spark.sql.adaptive.advisoryPartitionSizeInBytes=128;
CREATE TEMPORARY VIEW page_views AS
SELECT id AS view_id,
       id % 50000 AS page_id,
       format_string('VIS-%09d', (id * 7919) % 3000000) AS visitor_id,
       date_add(DATE'2026-10-01', CAST(id % 31 AS INT)) AS view_date,
       (id * 104729) % 600 AS dwell_s
FROM range(0, 8000000, 1, 2000);
CREATE TABLE page_views_compacted USING parquet AS
SELECT /*+ REBALANCE */ * FROM page_views;
SELECT view_date, count(*) AS views, sum(dwell_s) AS dwell FROM page_views_compacted GROUP BY view_date ORDER BY view_date;
""",
}
