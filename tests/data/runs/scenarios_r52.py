"""Bodies of the round-52 scenarios of the run matrix (tests/data/runs/), run by gen_r52.py.

Round 52 mixes PySpark, Scala and SQL, as rounds 35 to 51 do. ``spark-submit scenarios_r52.py
<scenario>`` runs a PySpark body below (the helpers _spark, _log and _limit_python are those of
scenarios_pyspark.py, imported, not copied); the PySpark scenarios in WARN_LOG call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as rounds 39 to
51 do. A SCALA script is run by gen_r52.py as ``spark-shell -i <script>``, a SQL script as
``spark-sql -f <script>`` (stdin /dev/null) from the launchers of the pip pyspark wheel, as
gen_r35.py to gen_r51.py do. Driver memory, master, GC and event-log settings come from the
command line; sizes of the PySpark and Scala bodies can be changed with the DD_* environment
variables. Each scenario reaches a failure of the matrix by a code path that no scenario of the
earlier rounds uses; gen_r52.py records what really happened. The scenario names say what the
job does, not how it fails, and the scripts print only what such a job would print.

The round's point: more local-mode examples of a driver program whose own state grows over a
loop (driver_side_state), of a big object captured by a function shipped to tasks
(large_closure), of a job with far too many tasks (too_many_tasks) and of pandas work that
runs the Python driver out of memory after a modest collect (python_driver_oom), with varied
code, so that these four are told apart.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- driver_side_state


def partner_catalog_api_pages_json(spark):
    # (driver_side_state; WARN log) The partner catalog import: the partner's REST API is read
    # page by page (here each page of 40,000 JSON items is made up in Python, as the API would
    # return it), every page turned into a DataFrame with spark.read.json(sc.parallelize(page))
    # and kept in a list for one unionByName and one Parquet write at the end. Each page's
    # DataFrame holds its parallelized JSON text in the driver JVM for as long as the list
    # holds the DataFrame (the others: createDataFrame of rows, temp views, parallelized RDDs
    # in Scala, unions of file reads; this one is read.json over parallelized API pages).
    import functools
    import hashlib
    import json

    from pyspark.sql import DataFrame
    from scenarios_pyspark import _log

    n_pages = int(os.environ.get("DD_PAGES", "80"))
    per_page = int(os.environ.get("DD_PAGE_ITEMS", "40000"))
    sc = spark.sparkContext
    frames = []
    for page in range(1, n_pages + 1):
        items = []
        for i in range(per_page):
            n = page * per_page + i
            h = hashlib.sha256(str(n).encode()).hexdigest()
            items.append(
                json.dumps(
                    {
                        "partner_sku": "PS-%09d" % n,
                        "title": "Replacement part %d for series %d" % (n, n % 700),
                        "description": " ".join(h[j : j + 16] for j in range(0, 64, 16)) * 4,
                        "price": {"amount": (n * 104729 % 99999) / 100.0, "currency": "EUR"},
                        "stock": n % 250,
                        "images": [
                            "https://cdn.partner.example/%s/%d.jpg" % (h[:12], k) for k in range(3)
                        ],
                    }
                )
            )
        page_df = spark.read.json(sc.parallelize(items, 40))
        frames.append(page_df)
        _log("page %d: %d items" % (page, page_df.count()))
    catalog = functools.reduce(DataFrame.unionByName, frames)
    catalog.write.mode("overwrite").parquet("partner_catalog/items")
    _log("partner catalog imported: %d pages" % len(frames))


def store_kpi_seven_day_pandas_window(spark):
    # (driver_side_state; WARN log) The store KPI monitor: day by day over the backfill
    # period, the day's KPI rows (one per store and SKU) are read with toPandas() into a
    # dict keyed by the day, and the day that falls out of the seven-day window is popped;
    # the seven-day sales are summed from the frames in the dict. The dict's keys are ISO
    # strings while the pop is given a date, so no day is ever popped and every day's frame
    # stays in the Python driver (the others: pd.concat of a growing history, dicts of
    # DataFrames, lists of collected rows; this one is a windowed dict of frames that never
    # evicts).
    import datetime

    import pandas as pd  # noqa: F401  (toPandas)
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n_days = int(os.environ.get("DD_DAYS", "120"))
    per_day = int(os.environ.get("DD_DAY_ROWS", "150000"))
    _limit_python(int(os.environ.get("DD_PY_MB", "1000")))
    start = datetime.date(2026, 1, 1)
    window = {}
    for i in range(n_days):
        day = start + datetime.timedelta(days=i)
        kpis = spark.range(i * per_day, (i + 1) * per_day, 1, 4).select(
            F.lit(day.isoformat()).alias("day"),
            F.format_string("STORE-%04d", F.col("id") % 1200).alias("store"),
            F.format_string("SKU-%08d", (F.col("id") * 7919) % 900000).alias("sku"),
            ((F.col("id") * 104729 % 99999) / 100.0).alias("sales"),
            (F.col("id") % 40).alias("units"),
            ((F.col("id") * 31 % 5000) / 100.0).alias("margin"),
            F.concat(F.lit("promo "), (F.col("id") % 97).cast("string"), F.lit(" spring")).alias(
                "promo"
            ),
        )
        window[day.isoformat()] = kpis.toPandas()
        window.pop(day - datetime.timedelta(days=7), None)
        seven_day_sales = sum(float(f["sales"].sum()) for f in window.values())
        _log("%s: 7-day sales %.2f" % (day.isoformat(), seven_day_sales))
    _log("backfill done: %d days" % n_days)


# ---------------------------------------------------------------- large_closure


def card_authorisations_fraud_filter_foreach(spark):
    # (large_closure; WARN log) The card authorisation screen: the fraud consortium's daily
    # Bloom filter of compromised card hashes (a 480 MB bit array; written here first as the
    # stand-in for the shared file) is read into the driver and every authorisation of the
    # day is checked against it with DataFrame.foreach(check), the hits counted in an
    # accumulator for the alerting job. The function shipped to the tasks captures the whole
    # bit array (the others: UDFs, mapPartitions, foreachPartition, filter, flatMap,
    # aggregate, sortBy, partitionBy, mapInPandas, UDTFs capturing big objects; this one is
    # DataFrame.foreach with a captured filter file).
    import hashlib

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    filter_mb = int(os.environ.get("DD_FILTER_MB", "480"))
    path = "consortium_filter.bin"
    with open(path, "wb") as fh:
        for _ in range(filter_mb):
            fh.write(os.urandom(1 << 20))
    with open(path, "rb") as fh:
        fraud_bits = fh.read()
    n_bits = len(fraud_bits) * 8
    _log("fraud filter loaded: %d bits" % n_bits)
    hits = spark.sparkContext.accumulator(0)

    def check(row):
        d = hashlib.sha256(row.card_hash.encode()).digest()
        for k in range(0, 28, 4):
            bit = int.from_bytes(d[k : k + 4], "big") * 2654435761 % n_bits
            if not fraud_bits[bit >> 3] & (1 << (bit & 7)):
                return
        hits.add(1)

    auths = spark.range(0, int(os.environ.get("DD_AUTHS", "2000000")), 1, 8).select(
        F.sha2(F.concat(F.lit("card-"), (F.col("id") % 900000).cast("string")), 256).alias(
            "card_hash"
        ),
        ((F.col("id") * 104729 % 99999) / 100.0).alias("amount"),
        F.format_string("MERCHANT-%06d", F.col("id") % 40000).alias("merchant"),
    )
    auths.foreach(check)
    _log("authorisations screened: %d listed" % hits.value)


# ---------------------------------------------------------------- too_many_tasks


def clickstream_compaction_file_size_repartition(spark):
    # (too_many_tasks; WARN log) The nightly compaction of the clickstream: the day's events
    # are rewritten into files of a target size, the number of files computed from the row
    # count and an average row size; the target is written down as 128 "MB" but used as
    # bytes, so the day's 2,000,000 events get repartition(n) with n in the millions (the
    # others: repartition / repartitionByRange / partitionBy / numSlices / shuffle
    # partitions set to a huge constant; this one is a partition count computed from a
    # size estimate with a unit slip).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    target_file_size = 128  # MB per output file
    avg_row_bytes = 220
    events = spark.range(0, int(os.environ.get("DD_EVENTS", "2000000")), 1, 8).select(
        F.sha2(F.col("id").cast("string"), 256).alias("event_id"),
        F.format_string("V-%010d", (F.col("id") * 7919) % 3000000).alias("visitor_id"),
        F.concat(F.lit("/catalog/item/"), (F.col("id") % 50000).cast("string")).alias("page"),
        F.timestamp_seconds(F.lit(1772928000) + F.col("id") % 86400).alias("event_ts"),
    )
    n_rows = events.count()
    n_files = max(1, n_rows * avg_row_bytes // target_file_size)
    _log("compacting %d events into %d files" % (n_rows, n_files))
    events.repartition(n_files).write.mode("overwrite").parquet(
        "clickstream/compacted/day=2026-03-08"
    )
    _log("compaction done")


# ---------------------------------------------------------------- python_driver_oom


def support_ticket_tags_split_columns(spark):
    # (python_driver_oom; WARN log) The support ticket tag report: 200,000 tickets (id, queue,
    # a "|"-separated tag list) brought to the driver with toPandas() (about 30 MB), the tag
    # list split into one column per tag with pdf["tags"].str.split("|", expand=True) and the
    # tag columns counted per queue. One ticket's tags were appended to by the escalation
    # bot on every retry (60,000 tags), so the expanded frame has 60,000 columns for every
    # ticket (the others: pivot_table, merge, get_dummies, resample, reindex, crosstab,
    # itertools pairs, dict grouping, numpy distances; this one is str.split(expand=True)).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n_tickets = int(os.environ.get("DD_TICKETS", "200000"))
    tickets = spark.range(0, n_tickets, 1, 4).select(
        F.format_string("TCK-%08d", F.col("id")).alias("ticket_id"),
        F.concat(F.lit("queue-"), (F.col("id") % 30).cast("string")).alias("queue"),
        F.when(
            F.col("id") == 48213,
            F.concat_ws("|", F.array_repeat(F.lit("sla-breach-escalated"), 60000)),
        )
        .otherwise(
            F.concat_ws(
                "|",
                F.concat(F.lit("product-"), (F.col("id") % 40).cast("string")),
                F.concat(F.lit("channel-"), (F.col("id") % 5).cast("string")),
                F.when(F.col("id") % 3 == 0, F.lit("refund")).otherwise(F.lit("question")),
            )
        )
        .alias("tags"),
    )
    pdf = tickets.toPandas()
    _log("tickets: %d" % len(pdf))
    _limit_python(int(os.environ.get("DD_PY_MB", "1000")))
    tag_cols = pdf["tags"].str.split("|", expand=True)
    tag_cols.columns = ["tag_%d" % i for i in range(tag_cols.shape[1])]
    per_queue = tag_cols.join(pdf["queue"]).groupby("queue").count()
    _log("queues: %d" % len(per_queue))


SCENARIOS = {
    f.__name__: f
    for f in [
        partner_catalog_api_pages_json,
        store_kpi_seven_day_pandas_window,
        card_authorisations_fraud_filter_foreach,
        clickstream_compaction_file_size_repartition,
        support_ticket_tags_split_columns,
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
    # (driver_side_state) The click-through model of the ads team trained in the shell: a
    # logistic regression over 2^20 hashed features with plain gradient steps, each step's
    # gradient summed over 200,000 examples with mapPartitions and reduce, the weights
    # broadcast per step (and destroyed after it); every step's weight vector (8 MB) is kept
    # in an ArrayBuffer "to roll back to the step with the best validation loss" (the others:
    # CrossValidator sub-models, kept broadcasts, kept DataFrames, collected snapshots,
    # accumulators, listeners; this one is a hand-written training loop keeping every step's
    # weights).
    "click_model_hashed_sgd_training": """
// Click-through model: logistic regression on hashed features, plain gradient steps.
import scala.collection.mutable.ArrayBuffer
def trainClickModel(nExamples: Int, steps: Int): ArrayBuffer[Array[Double]] = {
  val dim = 1 << 20
  val examples = sc.parallelize(0 until nExamples, 4).map { i =>
    val r = new scala.util.Random(i)
    val features = Array.fill(24)(r.nextInt(dim))
    val clicked = if (r.nextDouble() < 0.08) 1.0 else 0.0
    (clicked, features)
  }
  val learningRate = 5.0
  var weights = new Array[Double](dim)
  val snapshots = ArrayBuffer[Array[Double]]()
  for (step <- 1 to steps) {
    val bw = sc.broadcast(weights)
    val (grad, loss) = examples.mapPartitions { it =>
      val w = bw.value
      val g = new Array[Double](dim)
      var l = 0.0
      it.foreach { case (y, f) =>
        var m = 0.0
        f.foreach(j => m += w(j))
        val p = 1.0 / (1.0 + math.exp(-m))
        f.foreach(j => g(j) += p - y)
        l -= y * math.log(p + 1e-12) + (1 - y) * math.log(1 - p + 1e-12)
      }
      Iterator((g, l))
    }.reduce { (a, b) =>
      var i = 0
      while (i < dim) { a._1(i) += b._1(i); i += 1 }
      (a._1, a._2 + b._2)
    }
    bw.destroy()
    val next = new Array[Double](dim)
    var i = 0
    while (i < dim) { next(i) = weights(i) - learningRate * grad(i) / nExamples; i += 1 }
    weights = next
    snapshots += next
    if (step % 5 == 0) println(f"step $step%3d: log loss ${loss / nExamples}%.4f")
  }
  snapshots
}
val trained = trainClickModel(sys.env.getOrElse("DD_EXAMPLES", "200000").toInt, sys.env.getOrElse("DD_STEPS", "150").toInt)
println(s"training done: ${trained.length} steps")
""",
    # (large_closure) Similar products for the recommendations page, built in the shell: the
    # item embeddings (400,000 products x 96 floats, about 160 MB) are loaded into an
    # Array[Array[Float]] on the driver and a Scala UDF computes the cosine similarity of
    # 2,000,000 candidate pairs by looking both products up in it; the UDF's function
    # captures the whole array (the others: Dataset.map / mapPartitions, RDD filter,
    # flatMapGroups, a partitioner, foreachPartition, a UDAF, an RDD map with model weights;
    # this one is a functions.udf over a captured embedding matrix).
    "product_pair_cosine_udf_embeddings": """
// Similar products: cosine similarity of candidate pairs from the item embeddings.
import org.apache.spark.sql.functions._
val nProducts = sys.env.getOrElse("DD_PRODUCTS", "400000").toInt
val rnd = new scala.util.Random(7)
val embeddings: Array[Array[Float]] = Array.fill(nProducts)(Array.fill(96)(rnd.nextFloat() - 0.5f))
println(s"embeddings loaded: ${embeddings.length} products")
val cosine = udf { (a: Long, b: Long) =>
  val x = embeddings(a.toInt)
  val y = embeddings(b.toInt)
  var dot = 0.0; var nx = 0.0; var ny = 0.0; var i = 0
  while (i < x.length) { dot += x(i) * y(i); nx += x(i) * x(i); ny += y(i) * y(i); i += 1 }
  dot / math.sqrt(nx * ny)
}
val pairs = spark.range(0, 2000000, 1, 8).select(
  (col("id") % nProducts).as("product_id"),
  ((col("id") * 7919) % nProducts).as("candidate_id"))
val scored = pairs.withColumn("similarity", cosine(col("product_id"), col("candidate_id")))
scored.filter(col("similarity") > 0.3).write.mode("overwrite").parquet("recommendations/similar_products")
println("similar products written")
""",
}

SQL = {
    # (too_many_tasks) The CRM sync's latest profile per customer from spark-sql: 600,000
    # profile updates ranked with ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY
    # updated_at DESC) and the first kept, saved with CREATE TABLE ... USING parquet AS
    # SELECT; the script's header pins the plan (adaptive execution off) and sets
    # spark.sql.shuffle.partitions to 4,000,000, so the window's shuffle has 4,000,000
    # partitions and its stage as many tasks (the others: the range TVF's numPartitions, a
    # REPARTITION hint, AQE advisory sizes, shuffle partitions under a groupBy in PySpark;
    # this one is a window's shuffle in a CTAS).
    "customer_latest_profile_window_sql": """
-- CRM sync: the latest profile of every customer.
SET spark.sql.adaptive.enabled=false;
SET spark.sql.shuffle.partitions=4000000;
CREATE TEMPORARY VIEW profile_updates AS
SELECT CAST(id % 250000 AS BIGINT) AS customer_id,
       concat('customer', CAST(id % 250000 AS STRING), '@mail.example.com') AS email,
       CASE WHEN id % 10 = 0 THEN 'gold' WHEN id % 3 = 0 THEN 'silver' ELSE 'bronze' END AS tier,
       timestamp_seconds(1767225600 + (id * 7919) % 31536000) AS updated_at
FROM range(0, 600000, 1, 8);
CREATE TABLE crm_latest_profiles USING parquet AS
SELECT customer_id, email, tier, updated_at
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY updated_at DESC) AS rn
  FROM profile_updates
) WHERE rn = 1;
SELECT COUNT(*) FROM crm_latest_profiles;
""",
}
