"""Bodies of the round-53 scenarios of the run matrix (tests/data/runs/), run by gen_r53.py.

Round 53 mixes PySpark, Scala and SQL, as rounds 35 to 52 do. ``spark-submit scenarios_r53.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
52 do. A SCALA script is run by gen_r53.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r52.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes of the PySpark and Scala bodies can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of the
earlier rounds uses; gen_r53.py records what really happened. The scenario names say what the
job does, not how it fails, and the scripts print only what such a job would print.

The round's point: more examples of the causes with few real runs: the driver heap filled by
the bookkeeping of very many cached blocks (cached_block_metadata), Structured Streaming
whose driver-side state grows (streaming_state), broadcasts built on the driver that do not
fit (broadcast_too_large) and a job aborted by spark.driver.maxResultSize (max_result_size).

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- cached_block_metadata


# Dropped (no run kept; see the README's round 53 section): a second cached_block_metadata
# scenario, "order_events_two_sink_foreach_batch_persist" (PySpark, local[*], driver 256m,
# -XX:+UseParallelGC with GCTimeLimit=80 / GCHeapFreeLimit=10): the order events stream
# written to two places, its foreachBatch function persisting every micro-batch
# (StorageLevel.DISK_ONLY, "batches can be big") to read the source once for both writes
# (batch_df.coalesce(4).write.parquet(lake) and the large orders
# .where(amount > 990).coalesce(1).write.json(alerts)), the unpersist() forgotten; the
# rate-micro-batch source (32,000 rows a batch) had 8,000 partitions, so each batch left
# 8,000 cached blocks whose status the driver keeps. Its body stood here; these lines keep
# the line numbers of the bodies below, which the kept PySpark tracebacks quote.
#
# First try, young generation -Xmn8m: on 3.5 'batch 0' to 'batch 30 written to the lake and
# the alert folder' (248,000 blocks), then 'WARN Utils: Suppressing exception in finally:
# Java heap space', 'java.lang.OutOfMemoryError: Java heap space' at
# TorrentBroadcast$.blockifyObject <- DAGScheduler.submitMissingTasks (the next write's task
# binary), 'ERROR FileFormatWriter: Aborting job', the query terminated, exit 1 after 341 s:
# as labelled. On 4.3 'batch 24' (200,000 blocks) was the last line: the old generation full
# (99.98%), 326 full GCs, no error until the 360 s timeout (killed, no OutOfMemoryError).
#
# Second try, both versions with -Xmn4m: on 4.3 'batch 24', then 'ERROR Utils: Aborting
# task' / 'java.lang.OutOfMemoryError: Java heap space' and 'GC overhead limit exceeded' in
# tasks of the write (the executor runs inside the driver), exit 52 after 296 s: as
# labelled. On 3.5 'batch 30' was the last line, then only full GCs until the 360 s timeout.
# Each setting made one version throw and left the other thrashing past the timeout; no
# setting made both fail within it in two tries: dropped (its runs removed with --drop).
#
#
#
#
#
#
#
#
#
#
#
#
#
#
#
#
#


# Dropped (no run kept; see the README's round 53 section): a third cached_block_metadata
# scenario, "hourly_meter_reads_kept_persist_coalesce" (PySpark, local-cluster, driver 256m):
# the smart-meter intake, hour by hour over a backfill, each hour's reads built as a
# DataFrame of 6,000 small partitions (one per head-end export file), persisted and kept in
# a dict for an end-of-backfill reconciliation (a unionByName of all hours and a count),
# each hour appended to the Parquet lake with .coalesce(8), so that one job of 8 tasks would
# cache the hour's 6,000 partitions on the executors and leave their status on the driver;
# nothing unpersisted. Its body stood here; these lines keep the line numbers of the bodies
# below, which the kept PySpark tracebacks quote.
#
# First try (3.5, as "hourly_meter_reads_replicated_persist_coalesce", persisted with
# StorageLevel.MEMORY_AND_DISK_2 "so that a lost executor does not mean reading the head-end
# files again"): every cached block was also replicated to the other executor, and an hour
# took 25-30 s ('hour 000 appended to the lake', 'hour 001 appended to the lake' in 71 s);
# at that rate the ~300,000 block statuses that fill the 256m driver need far more than the
# run's 360 s timeout. Stopped by hand after 71 s, its folder and manifest line removed
# (--drop).
#
# Second try (3.5, MEMORY_AND_DISK, this name): adaptive query execution (on by default)
# plans the cached relation under the write as a table-cache query stage of its own, which
# materializes the cache in a job over all 6,000 partitions (stage 0, 6,000 tasks, ~45 s)
# before the 8-task coalesced write (stage 1): no hour was finished in 52 s, one job of
# 6,000 tiny tasks per hour instead of 8 tasks. Stopped by hand after 52 s, removed with
# --drop. Two tries spent: dropped, no 4.3 run was made. Turning adaptive execution off for
# the job would have been a third change made only to reach the failure.
#
#
#
#
#
#
#
#
#
#


# ---------------------------------------------------------------- streaming_state


def order_status_snapshot_foreach_batch_pandas(spark):
    # (streaming_state; WARN log) The order status board: order status updates arrive as a
    # stream and a foreachBatch function keeps the latest status of every order in a pandas
    # DataFrame on the driver (concat the batch, keep the last row of each order id with
    # np.unique), from which the board's counts per status are printed. Orders are never removed
    # from the snapshot (delivered and cancelled ones included), so the driver's snapshot
    # grows with every batch of new orders (the others: foreachBatch lists of rows, pandas
    # GroupState, memory / console sinks, state stores; this one is a pandas upsert snapshot in
    # foreachBatch).
    import numpy as np
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    statuses = F.array(*[F.lit(s) for s in ["placed", "paid", "packed", "shipped", "delivered"]])
    updates = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "200000")))
        .option("numPartitions", 4)
        .load()
        .select(
            F.format_string("ORD-%010d", F.col("value")).alias("order_id"),
            F.element_at(statuses, (F.col("value") % 5 + 1).cast("int")).alias("status"),
            F.format_string("C-%07d", (F.col("value") * 7919) % 900000).alias("customer_id"),
            F.format_string("WH-%03d", F.col("value") % 120).alias("warehouse"),
            F.col("timestamp").alias("updated_at"),
        )
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "1000")))
    board = {"snapshot": pd.DataFrame()}

    def upsert(batch_df, batch_id):
        pdf = batch_df.toPandas()
        snapshot = pd.concat([board["snapshot"], pdf], ignore_index=True)
        # the latest update of every order: the last row of each order id
        ids = snapshot["order_id"].to_numpy()[::-1]
        _, first = np.unique(ids, return_index=True)
        board["snapshot"] = snapshot.iloc[len(ids) - 1 - first]
        counts = board["snapshot"]["status"].value_counts().to_dict()
        _log("batch %d: %d orders on the board, %s" % (batch_id, len(board["snapshot"]), counts))

    q = (
        updates.writeStream.foreachBatch(upsert)
        .option("checkpointLocation", os.path.abspath("checkpoint/order_status"))
        .start()
    )
    q.awaitTermination()


# ---------------------------------------------------------------- broadcast_too_large


def product_catalog_snapshot_subtract_diff(spark):
    # (broadcast_too_large; WARN log) The nightly catalog change feed: the products that are
    # new or changed since yesterday are today's snapshot minus yesterday's,
    # today.subtract(yesterday) (EXCEPT DISTINCT, planned as a left anti join on every
    # column). The cluster's defaults raise spark.sql.autoBroadcastJoinThreshold to 1g for the
    # star-schema reports, so yesterday's 4,000,000-product snapshot, estimated under 1 GB,
    # is collected to the driver and hashed for a broadcast (the others: hints and MAPJOIN,
    # raised thresholds on inner / left joins and views, NOT IN subqueries, gzip / stale /
    # underestimated statistics, sc.broadcast; this one is DataFrame.subtract).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_products = int(os.environ.get("DD_PRODUCTS", "4000000"))

    def snapshot(day):
        return spark.range(0, n_products, 1, 8).select(
            F.format_string("SKU-%08d", F.col("id")).alias("sku"),
            F.concat(
                F.lit("Garden hose connector, brass, model "), F.col("id").cast("string")
            ).alias("title"),
            F.sha2(F.concat(F.lit("img"), F.col("id").cast("string")), 512).alias("image_hash"),
            F.format_string("CAT-%03d", F.col("id") % 400).alias("category"),
            (
                ((F.col("id") * 104729 + day * (F.col("id") % 50 == 0).cast("int")) % 99999) / 100.0
            ).alias("price"),
            F.format_string("SUP-%05d", F.col("id") % 9000).alias("supplier"),
        )

    today, yesterday = snapshot(1), snapshot(0)
    changed = today.subtract(yesterday)
    changed.write.mode("overwrite").parquet("catalog/changes/day=2026-03-08")
    _log("catalog change feed written")


# ---------------------------------------------------------------- max_result_size


def basket_sequences_prefixspan_items(spark):
    # (max_result_size; WARN log) Sequential pattern mining of the shop's baskets: every
    # customer's basket history (1,000,000 customers, four baskets of one to three SKUs) is
    # mined with pyspark.ml.fpm.PrefixSpan, minSupport set to one in ten million "to keep the
    # long tail". PrefixSpan first collects every frequent single item to the driver (an
    # RDD reduceByKey, sortBy and collect inside MLlib); with a minimum count of one that is
    # every SKU ever bought, millions of strings, which the driver's result limit stops (the
    # others: collect / toPandas / take / tail / collect_list / reduce / aggregate /
    # takeOrdered / sort samples / Summarizer / KMeans / PCA / Word2Vec / FPGrowth /
    # CountVectorizer; this one is PrefixSpan's frequent items).
    from pyspark.ml.fpm import PrefixSpan
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_customers = int(os.environ.get("DD_CUSTOMERS", "1000000"))
    n_skus = int(os.environ.get("DD_SKUS", "20000000"))

    def sku(k):
        return F.format_string("SKU-%08d", (F.col("id") * k) % n_skus)

    baskets = spark.range(0, n_customers, 1, 8).select(
        F.array(
            F.array(sku(7919)),
            F.array(sku(104729), sku(1299709)),
            F.array(sku(15485863)),
            F.array(sku(32452843), sku(49979687), sku(67867967)),
        ).alias("sequence")
    )
    prefix_span = PrefixSpan(minSupport=1e-7, maxPatternLength=3, sequenceCol="sequence")
    patterns = prefix_span.findFrequentSequentialPatterns(baskets)
    _log("frequent patterns: %d" % patterns.count())


SCENARIOS = {
    f.__name__: f
    for f in [
        # (order_events_two_sink_foreach_batch_persist: dropped, see the comment above)
        # (hourly_meter_reads_kept_persist_coalesce: dropped, see the comment above)
        order_status_snapshot_foreach_batch_pandas,
        product_catalog_snapshot_subtract_diff,
        basket_sequences_prefixspan_items,
    ]
}
WARN_LOG = set(SCENARIOS)


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
    # (cached_block_metadata) The catalog team's product rank in the shell: scores propagated
    # over the catalog graph's 3,000 partitions, iteration after iteration, each iteration's
    # RDD localCheckpoint()ed to cut the lineage (as the guides advise for iterative jobs) and
    # kept in an ArrayBuffer to compare iterations at the end; the convergence is printed
    # every 10 iterations, whose one job computes the 10 new iterations in each task. Every
    # local checkpoint is a persisted block per partition on the executors, whose status
    # the driver keeps (the others: chains of persisted RDDs / DataFrames, CACHE TABLE chains,
    # persisted parallelized batches; this one is localCheckpoint in an iterative loop).
    "catalog_graph_rank_local_checkpoint_loop": """
// Product rank over the catalog graph: iterative score propagation.
import org.apache.spark.rdd.RDD
import scala.collection.mutable.ArrayBuffer
val parts = sys.env.getOrElse("DD_PARTS", "3000").toInt
val maxIterations = sys.env.getOrElse("DD_ITERATIONS", "400").toInt
var scores: RDD[(Long, Double)] = sc.range(0L, parts * 10L, 1, parts).map(i => (i, 1.0))
val iterations = ArrayBuffer[RDD[(Long, Double)]]()
for (it <- 1 to maxIterations) {
  scores = scores.mapValues(v => 0.15 + 0.85 * v).localCheckpoint()
  iterations += scores
  if (it % 10 == 0) {
    val total = scores.values.sum()
    println(f"iteration $it%3d: total score $total%.1f")
  }
}
println(s"rank done after ${iterations.length} iterations")
""",
    # (streaming_state) Live checkout session counts in the shell: checkout events from a
    # rate-micro-batch source (400,000 a batch), counted per session in every micro-batch by
    # a foreachBatch function that collects the batch's counts and adds them to a
    # mutable.HashMap of running totals on the driver, never pruned (sessions end but stay),
    # from which the dashboard line is printed (the others: foreachBatch lists of rows,
    # memory / console sinks, state stores of dedup / joins / windows / GroupState; this one
    # is a driver-side map of running totals fed by foreachBatch).
    "checkout_session_counts_foreach_batch_map": """
// Live checkout session counts for the operations dashboard.
import scala.collection.mutable
import org.apache.spark.sql.DataFrame
import org.apache.spark.sql.functions._
val runningTotals = mutable.HashMap.empty[String, Long]
val events = spark.readStream.format("rate-micro-batch")
  .option("rowsPerBatch", sys.env.getOrElse("DD_BATCH_ROWS", "400000"))
  .option("numPartitions", "4")
  .load()
  .select(
    format_string("sess-%012d", (col("value") / 2).cast("long")).as("session_id"),
    (col("value") % 7).as("step"),
    col("timestamp"))
val addCounts: (DataFrame, Long) => Unit = (batch, batchId) => {
  batch.groupBy("session_id").count().collect().foreach { r =>
    val s = r.getString(0)
    runningTotals(s) = runningTotals.getOrElse(s, 0L) + r.getLong(1)
  }
  println(s"batch $batchId: ${runningTotals.size} checkout sessions tracked")
}
val query = events.writeStream
  .foreachBatch(addCounts)
  .option("checkpointLocation", "checkpoint/checkout_sessions")
  .start()
query.awaitTermination(sys.env.getOrElse("DD_RUN_MS", "600000").toLong)
println(s"dashboard stopped: ${runningTotals.size} sessions")
""",
}

SQL = {
    # (broadcast_too_large) The weekly newsletter's send list from spark-sql: the subscribers
    # minus the suppression list (bounces, complaints, unsubscribes: 6,000,000 subscriber ids
    # with their address, reason and bounce report), written as a LEFT ANTI JOIN on the
    # subscriber id with a BROADCAST hint on the suppression list ("it is only a list of
    # ids"), saved with CREATE TABLE ... AS SELECT (the others: hints and MAPJOIN on inner /
    # left joins and views, NOT IN subqueries, raised thresholds; this one is an anti join
    # with the hint on its big side).
    "mailing_list_suppression_anti_join_sql": """
-- Weekly newsletter: the send list is every subscriber not on the suppression list.
CREATE TEMPORARY VIEW subscribers AS
SELECT id AS subscriber_id,
       concat('user', CAST(id AS STRING), '@mail.example.com') AS email,
       concat('First', CAST(id % 5000 AS STRING)) AS first_name,
       CASE WHEN id % 4 = 0 THEN 'de' WHEN id % 4 = 1 THEN 'fr' ELSE 'en' END AS language
FROM range(0, 2000000, 1, 8);
CREATE TEMPORARY VIEW suppressions AS
SELECT id * 3 AS subscriber_id,
       concat('user', CAST(id * 3 AS STRING), '@mail.example.com') AS email,
       CASE WHEN id % 3 = 0 THEN 'hard_bounce' WHEN id % 3 = 1 THEN 'complaint' ELSE 'unsubscribed' END AS reason,
       timestamp_seconds(1735689600 + (id * 7919) % 31536000) AS suppressed_at,
       concat('smtp 550 5.1.1 mailbox unavailable; report ', sha2(CAST(id AS STRING), 256)) AS bounce_report
FROM range(0, 6000000, 1, 8);
CREATE TABLE newsletter_send_list USING parquet AS
SELECT /*+ BROADCAST(s) */ r.subscriber_id, r.email, r.first_name, r.language
FROM subscribers r LEFT ANTI JOIN suppressions s ON r.subscriber_id = s.subscriber_id;
SELECT language, COUNT(*) FROM newsletter_send_list GROUP BY language;
""",
}
