"""Bodies of the round-43 scenarios of the run matrix (tests/data/runs/), run by gen_r43.py.

Round 43 mixes PySpark, Scala and SQL, as rounds 35 to 42 do. ``spark-submit scenarios_r43.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
42 do, the others keep spark-submit's INFO log. A SCALA script is run by gen_r43.py as
``spark-shell -i <script>``, a SQL script as ``spark-sql -f <script>`` (stdin /dev/null) from
the launchers of the pip pyspark wheel, as gen_r35.py to gen_r42.py do. Driver memory, master,
GC and event-log settings come from the command line; sizes can be changed with the DD_*
environment variables. Each scenario reaches a failure of the matrix by a code path that no
scenario of the earlier rounds uses; gen_r43.py records what really happened. The scenario
names say what the job does, not how it fails, and the scripts print only what such a job
would print.
"""

import os
import sys

# ---------------------------------------------------------------- max_result_size


def order_amounts_cent_histogram_rdd(spark):
    # (max_result_size; WARN log; spark.driver.maxResultSize=32m) A pricing analysis: the
    # distribution of 8,000,000 order amounts with one bucket per cent (5,000,000 buckets)
    # by RDD.histogram(5000000); every partition builds its own 5,000,000-counter list in the
    # Python worker and RDD.histogram merges them with reduce, which brings each partition's
    # list to the driver as a task result (the others: collect, toPandas, aggregates of
    # vectors, treeAggregate, countByValue, takeSample, Dataset.reduce; this one is
    # RDD.histogram with a bucket count).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_orders = int(os.environ.get("DD_ORDERS", "8000000"))
    n_buckets = int(os.environ.get("DD_BUCKETS", "5000000"))
    amounts = spark.range(0, n_orders, 1, 8).select(
        ((F.col("id") * 7919) % n_buckets).alias("cents")
    )
    edges, counts = amounts.rdd.map(lambda r: r.cents).histogram(n_buckets)
    _log("amount buckets filled: %d of %d" % (sum(1 for c in counts if c), len(counts)))


# ---------------------------------------------------------------- python_driver_oom


def grocery_baskets_pair_counts_python_dict(spark):
    # (python_driver_oom; WARN log; the Python driver capped with RLIMIT_AS at its size +
    # 200 MiB, a container nearly full) Market-basket analysis in plain Python: 60,000
    # baskets of 25 items are collected (a few MB, fine), then every pair of items of every
    # basket is counted in a Python dict keyed by (item, item) tuples: 18,000,000 mostly
    # distinct pairs (the others: collect / toPandas / pickle / json / pandas / Counter of
    # rows / createDataFrame of dicts; this one is itertools.combinations of collected
    # arrays into a dict).
    import itertools

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n_baskets = int(os.environ.get("DD_BASKETS", "60000"))
    baskets = (
        spark.range(0, n_baskets, 1, 4)
        .select(
            F.col("id").alias("basket"),
            F.expr("transform(sequence(0, 24), i -> pmod(hash(id, i), 50000))").alias(
                "items",
            ),
        )
        .collect()
    )
    _log("baskets collected: %d" % len(baskets))
    _limit_python(int(os.environ.get("DD_EXTRA_MB", "200")))
    pairs = {}
    for b in baskets:
        for a, c in itertools.combinations(sorted(b["items"]), 2):
            pairs[(a, c)] = pairs.get((a, c), 0) + 1
    _log("item pairs counted: %d" % len(pairs))


# ---------------------------------------------------------------- not_driver_oom


def shipment_manifests_zlib_payload_udf(spark):
    # (not_driver_oom; WARN log; spark.executor.pyspark.memory=512m) A logistics job: 8
    # shipment manifests stored zlib-compressed (about 1 MB each: the XML line items of a
    # container compress ~800:1) are decompressed by a Python UDF that counts their line
    # items; each manifest is ~800 MB of XML once decompressed, more than the Python worker
    # may use (spark.executor.pyspark.memory), so the worker raises MemoryError in the task.
    # A Python worker's limit, not the driver's memory.
    import zlib

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    line = b"<item sku='000000' qty='1' lot='A'/>\n"
    chunk = line * ((1 << 20) // len(line) + 1)
    z = zlib.compressobj(9)
    parts = [z.compress(chunk) for _ in range(int(os.environ.get("DD_MANIFEST_MB", "800")))]
    blob = b"".join(parts) + z.flush()
    _log("manifest payload: %d bytes compressed" % len(blob))
    manifests = spark.createDataFrame(
        [(i, bytearray(blob)) for i in range(8)], "shipment_id long, manifest binary"
    ).repartition(8)

    def line_items(payload):
        return zlib.decompress(bytes(payload)).count(b"<item ")

    items = F.udf(line_items, "long")
    total = manifests.select(items("manifest").alias("n")).agg(F.sum("n")).first()[0]
    _log("line items in manifests: %d" % total)


SCENARIOS = {
    f.__name__: f
    for f in [
        order_amounts_cent_histogram_rdd,
        grocery_baskets_pair_counts_python_dict,
        shipment_manifests_zlib_payload_udf,
    ]
}
WARN_LOG = set(SCENARIOS)

_DAYS = int(os.environ.get("DD_DAYS", "40"))

SCALA = {
    # (driver_side_state) Daily order review in a notebook-like spark-shell session: each day's
    # 150,000 orders are pulled to the driver with its own `val dayN = ... collect()` and
    # summed, one statement per day, to be compared later; every day's rows stay referenced by
    # the shell's vals (the others: ArrayBuffers of collects, accumulators, listeners, temp
    # views, union loops; this one is a script's per-day vals of collected rows).
    "daily_orders_shell_review_per_day_vals": """
// Daily order review: each day's orders pulled to the driver and looked at.
import org.apache.spark.sql.functions._
val orders = spark.range(0, 6000000, 1, 8).select((col("id") % 40).as("day"), col("id").as("order_id"), sha2(col("id").cast("string"), 256).as("customer_ref"), (col("id") % 9973 / 100.0).as("amount"))
"""
    + "".join(
        f'val day{d} = orders.filter(col("day") === {d}).collect(); println(s"day {d}: '
        f'${{day{d}.length}} orders, total ${{day{d}.map(_.getDouble(3)).sum}}")\n'
        for d in range(_DAYS)
    ),
    # (large_closure) Regional shuffle: 1,000,000 orders routed to their region's partition by
    # a custom Partitioner holding a 3,000,000-entry customer -> region table (Array[String])
    # built on the driver; the partitioner is part of the ShuffleDependency, so it is
    # serialized with the task binary of the map stage (the others: RDD closures, Dataset
    # lambdas, UDFs, a udaf Aggregator; this one is a Partitioner's field).
    "customer_region_custom_partitioner_table": """
// Orders routed to their region's partition through the customer -> region table.
import org.apache.spark.Partitioner
val nCustomers = sys.env.getOrElse("DD_CUSTOMERS", "3000000").toInt
val regionOf: Array[String] = Array.tabulate(nCustomers)(i => "region-" + (i % 37) + "/cust-" + java.lang.Long.toHexString(i * 2654435761L))
println(s"customer regions loaded: ${regionOf.length}")
class RegionPartitioner(table: Array[String], parts: Int) extends Partitioner {
  def numPartitions: Int = parts
  def getPartition(key: Any): Int = (table((key.asInstanceOf[Long] % table.length).toInt).split('/')(0).hashCode & Int.MaxValue) % parts
}
val orders = sc.parallelize(0L until 1000000L, 8).map(id => (id * 7919 % 3000000L, id))
val byRegion = orders.partitionBy(new RegionPartitioner(regionOf, 37))
println(s"orders routed: ${byRegion.count()}")
""",
    # (too_many_tasks; spark.sql.sources.bucketing.maxBuckets=4000000) A customer event store
    # written with bucketBy(3000000, "customer_id") ("one bucket per customer, for fast
    # lookups"), 8,000 events; the per-customer count reads it with a bucketed scan, one
    # partition and one task per bucket, empty buckets included (the others: range /
    # parallelize slices, shuffle partitions, repartition, Hadoop splits, unions, a rate
    # source's partitions; this one is a bucketed table's bucket count).
    "customer_events_bucket_per_customer_table": """
// Customer event store, bucketed by customer.
import org.apache.spark.sql.functions._
val nBuckets = sys.env.getOrElse("DD_BUCKETS", "3000000").toInt
val events = spark.range(0, 8000, 1, 2).select((col("id") * 7919 % nBuckets).as("customer_id"), col("id").as("event_id"), (col("id") % 17).as("event_type"))
events.write.bucketBy(nBuckets, "customer_id").mode("overwrite").saveAsTable("customer_events")
println("customer_events written")
val perCustomer = spark.table("customer_events").groupBy("customer_id").count()
println(s"customers with events: ${perCustomer.count()}")
""",
    # (streaming_state; spark.sql.shuffle.partitions=4) Payment terminals: the distinct card
    # tokens seen per terminal, counted by a streaming groupByKey(terminal).agg of a typed
    # Aggregator whose buffer is the Set of tokens (kryo-encoded), update mode, from a rate
    # stream of 100,000 taps/s over 16 terminals; the state store runs in the driver JVM in
    # local[*] (the others: SQL aggregations, dropDuplicates, joins, memory sinks,
    # map/flatMapGroupsWithState; this one is a typed Aggregator's buffer as state).
    "payment_terminals_stream_typed_aggregator_tokens": """
// Distinct card tokens per payment terminal, as a streaming aggregation.
import org.apache.spark.sql.{Encoder, Encoders}
import org.apache.spark.sql.expressions.Aggregator
import org.apache.spark.sql.functions._
import org.apache.spark.sql.streaming.{OutputMode, Trigger}
import spark.implicits._
class DistinctTokens extends Aggregator[(Long, String), Set[String], Int] {
  def zero: Set[String] = Set.empty[String]
  def reduce(b: Set[String], e: (Long, String)): Set[String] = b + e._2
  def merge(a: Set[String], b: Set[String]): Set[String] = a ++ b
  def finish(r: Set[String]): Int = r.size
  def bufferEncoder: Encoder[Set[String]] = Encoders.kryo[Set[String]]
  def outputEncoder: Encoder[Int] = Encoders.scalaInt
}
val rate = sys.env.getOrElse("DD_RATE", "100000")
val taps = spark.readStream.format("rate").option("rowsPerSecond", rate).option("numPartitions", "2").load().select((col("value") % 16).as("terminal"), sha2(col("value").cast("string"), 512).as("token")).as[(Long, String)]
val perTerminal = taps.groupByKey(_._1).agg(new DistinctTokens().toColumn.name("cards"))
val query = perTerminal.writeStream.outputMode(OutputMode.Update).format("noop").option("checkpointLocation", "terminals-checkpoint").trigger(Trigger.ProcessingTime("3 seconds")).start()
while (query.isActive) {
  query.awaitTermination(6000)
  val p = query.lastProgress
  if (p != null) println(s"batch ${p.batchId}: ${p.numInputRows} taps, state rows ${p.stateOperators.headOption.map(_.numRowsTotal).getOrElse(0L)}, state memory ${p.stateOperators.headOption.map(_.memoryUsedBytes).getOrElse(0L)} bytes")
}
println(s"terminal monitor stopped: ${query.exception.map(_.getMessage.take(300)).getOrElse("no error")}")
""",
}

SQL = {
    # (collect_to_driver) A finance export in the spark-sql shell: `SELECT * FROM order_lines`
    # of 1,500,000 lines (two hex references each) run in spark-sql to be redirected to a
    # file; the CLI collects the whole result into the driver and turns every row into a
    # string before printing any (the others: collect, toPandas, tail, toLocalIterator,
    # Dataset.collectAsList; this one is the spark-sql CLI's result printing).
    "order_lines_full_select_cli_export_sql": """
-- Finance export: every order line of the quarter.
CREATE TEMPORARY VIEW order_lines AS
SELECT id AS line_id, id % 50000 AS order_id,
       sha2(CAST(id AS STRING), 256) AS sku_ref,
       sha2(CAST(id * 31 AS STRING), 512) AS payment_ref,
       CAST((id % 9973) / 100.0 AS DECIMAL(10, 2)) AS amount
FROM range(0, 1500000, 1, 8);
SELECT * FROM order_lines;
""",
    # (broadcast_too_large) Copy review in SQL: the clicks on a sample of 240,000 product pages
    # (`SELECT * FROM product_pages LIMIT 240000`, a 2,500-character HTML page each) joined to
    # 2,000,000 clicks. The planner estimates a LIMIT's size as its row count times the
    # columns' default sizes (20 bytes for a string), 8.6 MB, under the 10 MB broadcast
    # threshold, so the pages are broadcast: ~600 MB once built on the driver (the others:
    # hints, raised thresholds, AQE runtime statistics, parquet sizes, stale ANALYZE
    # statistics, nested-loop joins, sc.broadcast; this one is a LIMIT's size estimate).
    "product_pages_sample_limit_join_sql": """
-- Copy review: clicks on a sample of the product pages.
CREATE TEMPORARY VIEW product_pages AS
SELECT id AS product_id,
       rpad(concat('<html><body><h1>product ', CAST(id AS STRING), '</h1>'), 2500, '<p>lorem ipsum</p>') AS page_html
FROM range(0, 5000000, 1, 8);
CREATE TEMPORARY VIEW page_sample AS SELECT * FROM product_pages LIMIT 240000;
CREATE TEMPORARY VIEW clicks AS SELECT id * 7919 % 240000 AS product_id FROM range(0, 2000000, 1, 4);
SELECT count(*) AS clicks, sum(length(page_html)) AS html_bytes
FROM clicks JOIN page_sample USING (product_id);
""",
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
