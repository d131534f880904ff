"""Round 57 scenarios of the real Spark run matrix (gen_r57.py runs them).

PySpark bodies (``spark-submit scenarios_r57.py <scenario>``), and the SCALA / SQL scripts
that gen_shell.run writes into a run's scratch dir and runs with ``spark-shell -i`` or
``spark-sql -f``. Each scenario reaches a cause of the matrix by a code path that no scenario
of the earlier rounds uses; gen_r57.py records what really happened. The scenario names say
what the job does, not how it fails, and the scripts print only what such a job would print.

The round's point: causes thin or confused in the run matrix: the driver heap filled by the
status of very many cached blocks, a genuinely large result pulled into a driver of ordinary
size, and the driver filled by Structured Streaming bookkeeping.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- cached_block_metadata


def store_sales_monthly_frames_quarter_union(spark):
    # (cached_block_metadata, local-cluster) Store sales per month, each month's DataFrame
    # cached (lazily) and kept for the quarter and year comparisons; the quarter's net sales
    # summed over the union of its three months, coalesced to 8 partitions "so that the
    # quarter is not 60,000 tiny tasks" (the others: Scala chains of persisted RDDs / Datasets,
    # localCheckpoint loops, cached temp views; this one is many independent cached PySpark
    # DataFrames read together by a coalesced union).
    from functools import reduce

    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    parts = int(os.environ.get("DD_PARTS", "20000"))
    months = []
    for quarter in range(1, int(os.environ.get("DD_QUARTERS", "8")) + 1):
        for m in range(3):
            month = (quarter - 1) * 3 + m + 1
            sales = spark.range(0, parts * 4, 1, parts).select(
                (F.col("id") % 1200).alias("store_id"),
                ((F.col("id") * 7919 + month) % 100000 / 100.0).alias("net_sales"),
            )
            months.append(sales.cache())
        q = reduce(DataFrame.unionByName, months[-3:]).coalesce(8)
        total = q.agg(F.sum("net_sales")).first()[0]
        _log("Q%d net sales %.0f" % (quarter, total))
    _log("sales months kept: %d" % len(months))


# ---------------------------------------------------------------- collect_to_driver


def support_ticket_terms_count_vectorizer_vocab(spark):
    # (collect_to_driver, local-cluster) Term counts of the support tickets for the search
    # team: a CountVectorizer fitted with a vocabulary "big enough for every term" (2^24) on
    # tickets whose terms include order / device references, i.e. millions of distinct terms;
    # spark.driver.maxResultSize=0. The fit brings the vocabulary (every term with its count)
    # to the driver (the others: collect / take / toPandas / toLocalIterator / countByValue /
    # collectAsMap / top / takeSample / NaiveBayes theta; this one is MLlib's vocabulary).
    from pyspark.ml.feature import CountVectorizer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    tickets = spark.range(0, int(os.environ.get("DD_TICKETS", "1500000")), 1, 8).select(
        F.split(
            F.concat_ws(
                " ",
                F.format_string(
                    "ord%s", F.substring(F.sha2(F.col("id").cast("string"), 256), 1, 18)
                ),
                F.format_string(
                    "dev%s", F.substring(F.sha2(F.col("id").cast("string"), 224), 1, 18)
                ),
                F.format_string(
                    "ref%s", F.substring(F.sha2(F.col("id").cast("string"), 384), 1, 18)
                ),
                F.format_string(
                    "err%s", F.substring(F.sha2(F.col("id").cast("string"), 512), 1, 18)
                ),
                F.lit("printer not working after update"),
            ),
            " ",
        ).alias("terms")
    )
    cv = CountVectorizer(inputCol="terms", outputCol="tf", vocabSize=1 << 24, minDF=1.0)
    model = cv.fit(tickets)
    _log("vocabulary size: %d" % len(model.vocabulary))


# ---------------------------------------------------------------- streaming_state


def pos_receipts_landing_text_stream(spark):
    # (streaming_state) Till receipts from the shops land as one small JSON file per receipt
    # in a landing directory (the uploaders' backlog of the last days is already there); a
    # Structured Streaming file source picks them up (maxFilesPerTrigger 5000) and appends
    # them to Parquet. The file source lists the whole directory at every trigger and keeps
    # every file it has seen, with its metadata log, in the driver (the others: state stores,
    # memory sinks, progress / SQL-tab history, a foreachBatch list; this one is the file
    # source's own bookkeeping over very many small files).
    from scenarios_pyspark import _log

    landing = os.path.abspath("landing")
    os.makedirs(landing, exist_ok=True)
    n = int(os.environ.get("DD_FILES", "400000"))
    for i in range(n):
        with open(os.path.join(landing, "receipt-%08d.json" % i), "w") as fh:
            fh.write(
                '{"receipt_id":"R%010d","store":"S%04d","till":%d,"total":%.2f}\n'
                % (i, i % 900, i % 12, (i * 7919) % 20000 / 100.0)
            )
    schema = "receipt_id STRING, store STRING, till INT, total DOUBLE"
    receipts = spark.readStream.schema(schema).option("maxFilesPerTrigger", 5000).json(landing)
    query = (
        receipts.writeStream.format("parquet")
        .option("path", os.path.abspath("receipts_parquet"))
        .option("checkpointLocation", os.path.abspath("receipts_chk"))
        .trigger(processingTime="2 seconds")
        .start()
    )
    query.awaitTermination(int(os.environ.get("DD_RUN_SECONDS", "280")))
    _log("receipts batches: %d" % len(query.recentProgress))
    query.stop()


SCENARIOS = {
    f.__name__: f
    for f in [
        store_sales_monthly_frames_quarter_union,
        support_ticket_terms_count_vectorizer_vocab,
        pos_receipts_landing_text_stream,
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


def _daily_audience_sql(days=84, parts=10000):
    """The campaign's SQL script: a lazily cached table per day, then the reach of every week
    over the union of its seven days, coalesced to 8 partitions."""
    lines = ["-- Daily audience tables of the spring campaign, cached for the weekly reach report."]
    for d in range(1, days + 1):
        lines.append(
            f"CACHE LAZY TABLE audience_d{d:03d} AS SELECT (id * 7919 + {d}) % 500000 AS member_id,"
            f" (id * 104729 + {d}) % 10000 / 100.0 AS spend FROM range(0, {parts * 4}, 1, {parts});"
        )
        if d % 7 == 0:
            union = " UNION ALL ".join(
                f"SELECT * FROM audience_d{x:03d}" for x in range(d - 6, d + 1)
            )
            lines.append(
                f"SELECT 'week {d // 7}' AS week, count(*) AS contacts, round(sum(spend), 0) AS"
                f" spend FROM (SELECT /*+ COALESCE(8) */ * FROM ({union}) u) w;"
            )
    lines.append("SELECT 'campaign report done';")
    return "\n".join(lines) + "\n"


SCALA = {
    # (cached_block_metadata, local-cluster) Fleet telemetry, in the shell: each day's
    # per-vehicle readings an RDD of 10,000 partitions persisted replicated
    # (MEMORY_AND_DISK_SER_2, "so losing an executor does not lose the day") and kept for the
    # quarter; the week's distance summed over the union of its seven days coalesced to 8
    # partitions (the others: chains of persisted RDDs / Datasets, localCheckpoint loops,
    # PySpark cached frames; this one is replicated RDD blocks read by a coalesced union).
    "fleet_telemetry_daily_rdds_weekly_rollup": """
// Fleet telemetry: every day's readings kept (replicated) for the weekly rollups.
import org.apache.spark.rdd.RDD
import org.apache.spark.storage.StorageLevel
import scala.collection.mutable
val parts = sys.env.getOrElse("DD_PARTS", "10000").toInt
val days = mutable.ArrayBuffer[RDD[(Int, Double)]]()
for (week <- 1 to sys.env.getOrElse("DD_WEEKS", "13").toInt) {
  for (d <- 1 to 7) {
    val day = (week - 1) * 7 + d
    days += sc.parallelize(0 until parts * 4, parts)
      .map(v => (v % 800, ((v * 7919L + day) % 100000) / 100.0))
      .persist(StorageLevel.MEMORY_AND_DISK_SER_2)
  }
  val km = sc.union(days.takeRight(7).toSeq).coalesce(8).map(_._2).sum()
  println(f"week $week%2d: $km%.0f km")
}
println(s"fleet rollup done: ${days.size} days")
""",
    # (streaming_state, local-cluster) Till exports of every branch, in the shell: the tills
    # upload one small CSV file per export under landing/branch=Bnnn/ (the backlog of the
    # last days already there when the stream starts); a Structured Streaming CSV file source
    # over the partitioned landing directory (maxFilesPerTrigger 4000) appends them to
    # Parquet. At every trigger the source lists all branch directories (more than 32, so
    # Spark lists them with a job and brings every file status to the driver) and keeps every
    # file it has seen, with its metadata log (the others: state stores, memory sinks,
    # progress / SQL-tab history, a foreachBatch list, PySpark's source over one flat
    # directory).
    "branch_till_exports_partitioned_csv_stream": """
// Till exports of every branch land under landing/branch=Bnnn/; a stream appends them to Parquet.
import java.nio.charset.StandardCharsets.UTF_8
import java.nio.file.{Files, Paths}
import org.apache.spark.sql.streaming.Trigger
val landing = Paths.get("landing").toAbsolutePath
val perBranch = sys.env.getOrElse("DD_FILES_PER_BRANCH", "2000").toInt
for (b <- 1 to sys.env.getOrElse("DD_BRANCHES", "150").toInt) {
  val dir = Files.createDirectories(landing.resolve(f"branch=B$b%03d"))
  for (i <- 1 to perBranch) {
    val line = f"T$b%03d-$i%06d,${i % 12},${(i * 7919) % 20000 / 100.0}%.2f\\n"
    Files.write(dir.resolve(f"till-export-$i%06d.csv"), line.getBytes(UTF_8))
  }
}
val exports = spark.readStream.schema("txn STRING, till INT, amount DOUBLE")
  .option("maxFilesPerTrigger", "4000").csv(landing.toString)
val query = exports.writeStream.format("parquet")
  .option("path", Paths.get("till_sales").toAbsolutePath.toString)
  .option("checkpointLocation", Paths.get("till_sales_chk").toAbsolutePath.toString)
  .trigger(Trigger.ProcessingTime("2 seconds")).start()
query.awaitTermination(sys.env.getOrElse("DD_RUN_MS", "240000").toLong)
println(s"till export batches: ${query.recentProgress.length}")
query.stop()
""",
    # (collect_to_driver, local-cluster) The external auditors' sample, in the shell: 3,000,000
    # of 5,000,000 card transactions drawn with RDD.takeSample for their workbook,
    # spark.driver.maxResultSize=0 (the others: PySpark's own takeSample, collect /
    # collectAsList / take / top / countByKey / collectAsMap / toLocalIterator; this one is
    # the JVM's RDD.takeSample).
    "audit_sample_card_transactions_take_sample": """
// Audit sample of card transactions for the external auditors' workbook.
val txns = sc.parallelize(0L until sys.env.getOrElse("DD_TXNS", "5000000").toLong, 16).map { id =>
  val card = f"4${(id * 7919L) % 1000000000000000L}%015d"
  val ref = java.util.UUID.nameUUIDFromBytes(BigInt(id).toByteArray).toString
  (id, card, ref, ((id * 104729L) % 500000L) / 100.0, "MERCH-" + (id % 40000))
}
println(s"transactions: ${txns.count()}")
val sample = txns.takeSample(withReplacement = false, sys.env.getOrElse("DD_SAMPLE", "3000000").toInt, 2024L)
println(s"audit sample rows: ${sample.length}")
""",
}

SQL = {
    # (cached_block_metadata, local-cluster) The spring campaign's weekly reach, from
    # spark-sql: a table per campaign day made with CACHE LAZY TABLE ... AS SELECT (10,000
    # partitions each) and kept for the whole campaign, every week's reach summed over the
    # UNION ALL of its seven days with a COALESCE(8) hint (the others: Scala / PySpark
    # persist, localCheckpoint; this one is SQL CACHE TABLE of many tables).
    "campaign_audience_daily_tables_sql": _daily_audience_sql(),
    # (collect_to_driver, local-cluster) A dump of recent web sessions for the analytics
    # vendor, from spark-sql: SELECT ... LIMIT 6000000 whose rows the CLI prints (its output
    # redirected to a file), spark.driver.maxResultSize=0 (the others: a full SELECT printed by
    # the CLI, collect / take / toPandas; this one is a LIMIT that the driver takes partition
    # by partition).
    "web_sessions_limit_cli_dump_sql": """
-- Recent web sessions for the analytics vendor (the CLI output is redirected to a file).
SELECT session_id, visitor_id, landing_url, started_at
FROM (
  SELECT format_string('S-%012d', id) AS session_id,
         sha2(CAST(id AS STRING), 256) AS visitor_id,
         concat('https://shop.example.com/p/', sha2(CAST(id * 7 AS STRING), 512)) AS landing_url,
         timestamp_seconds(1700000000 + id) AS started_at
  FROM range(0, 8000000, 1, 160)
) s
LIMIT 6000000;
""",
}
