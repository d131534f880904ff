"""Round 66's scenarios (gen_r66.py): PySpark bodies run by ``spark-submit scenarios_r66.py
<scenario>``, and the Scala and SQL scripts (``SCALA``, ``SQL``) that gen_shell.run writes into
a run's scratch dir and runs with spark-shell -i or spark-sql -f.

An unaimed round: eight ordinary incidents (one dropped), each the most common way a data
engineer meets its cause in daily work, on a code path no earlier scenario uses.

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


# ---------------------------------------------------------------- collect_to_driver


def push_device_tokens_column_flatmap_list(spark):
    # (collect_to_driver, local-cluster, driver 512m) The app team's push campaign: the push
    # tokens of every opted-in device turned into a Python list with the usual
    # df.select(col).rdd.flatMap(lambda x: x).collect() idiom, to be sent to the push service
    # in batches of 500 from the driver; the pickled tokens, well under
    # spark.driver.maxResultSize, are held by the driver JVM before Python gets them (the
    # others: collect() of rows, collectAsMap, glom, toLocalIterator, toPandas; this one is
    # a column turned into a list through the RDD API).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_DEVICES", "5000000"))
    ids = F.col("id")
    devices = spark.range(0, n, 1, 16).select(
        F.format_string("DEV-%010d", ids).alias("device_id"),
        F.concat(
            F.substring(F.sha2(ids.cast("string"), 256), 1, 22),
            F.lit(":APA91b"),
            F.sha2(F.concat(ids.cast("string"), F.lit("fcm")), 512),
        ).alias("push_token"),
        ((ids * 7919) % 100 < 92).alias("opted_in"),
    )
    tokens = devices.where("opted_in").select("push_token").rdd.flatMap(lambda x: x).collect()
    _log("push tokens: %d" % len(tokens))
    batches = [tokens[i : i + 500] for i in range(0, len(tokens), 500)]
    _log("push batches ready: %d" % len(batches))


# ---------------------------------------------------------------- python_driver_oom


def webhook_payloads_json_normalize_review(spark):
    # (python_driver_oom, local-cluster, the Python driver's address space capped by the
    # script as a nearly full container would) The payments team's review of yesterday's
    # webhook deliveries: the JSON payloads collected (they fit the driver JVM), parsed with
    # json.loads and flattened with pandas.json_normalize into one wide frame for the
    # analyst's checks (the others: toPandas + merge / pivot / get_dummies, asDict, csv,
    # pickle, per-partition frames; this one is json.loads + json_normalize).
    import json

    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _cap_address_space(int(os.environ.get("DD_PY_MB", "700")))
    n = int(os.environ.get("DD_EVENTS", "300000"))
    ids = F.col("id")
    events = spark.range(0, n, 1, 8).select(
        F.to_json(
            F.struct(
                F.format_string("evt_%016x", ids * 104729).alias("id"),
                F.lit("payment_intent.succeeded").alias("type"),
                (F.lit(1764547200) + ids).alias("created"),
                F.struct(
                    F.struct(
                        F.format_string("pi_%024x", ids * 7919).alias("id"),
                        ((ids * 31) % 500000).alias("amount"),
                        F.lit("eur").alias("currency"),
                        F.format_string("cus_%014d", (ids * 13) % 2000000).alias("customer"),
                        F.sha2(ids.cast("string"), 256).alias("client_secret"),
                        F.struct(
                            F.format_string("ORD-%010d", ids).alias("order_id"),
                            F.format_string("WEB-%03d", ids % 40).alias("channel"),
                            F.sha2(F.concat(ids.cast("string"), F.lit("c")), 256).alias("cart"),
                        ).alias("metadata"),
                        F.struct(
                            F.lit("card").alias("type"),
                            F.element_at(
                                F.array(F.lit("visa"), F.lit("mastercard"), F.lit("amex")),
                                (ids % 3 + 1).cast("int"),
                            ).alias("brand"),
                            F.format_string("%04d", (ids * 17) % 10000).alias("last4"),
                            F.lit("DE").alias("country"),
                        ).alias("payment_method"),
                    ).alias("object")
                ).alias("data"),
                F.struct(
                    F.format_string("req_%014x", ids * 31337).alias("id"),
                    F.expr("uuid()").alias("idempotency_key"),
                ).alias("request"),
            )
        ).alias("payload")
    )
    payloads = [r.payload for r in events.collect()]
    _log("webhook payloads: %d" % len(payloads))
    flat = pd.json_normalize([json.loads(p) for p in payloads])
    _log("payload columns: %d" % len(flat.columns))
    _log(flat.groupby("data.object.payment_method.brand")["data.object.amount"].sum().to_string())


# ---------------------------------------------------------------- large_closure


def search_terms_custom_transformer_vocab_udf(spark):
    # (large_closure, local-cluster, driver 512m) The search team's query tagger as a custom
    # pyspark.ml Transformer: it holds the term index (2,000,000 query terms) and their term
    # vectors (a 2,000,000 x 64 float32 numpy matrix, 512 MB, loaded on the driver) as
    # attributes, and its _transform applies a UDF whose function reads self.index and
    # self.vectors, so the whole transformer, vectors and all, is pickled into the UDF's
    # command (the others: a dict in rdd.map / F.udf, a pandas frame in mapPartitions, numpy
    # arrays in functions, a bound method, a partition function; this one is a custom
    # Transformer whose UDF captures self).
    import numpy as np
    from pyspark.ml import Pipeline, Transformer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    class QueryTopicTagger(Transformer):
        def __init__(self, index, vectors, topics):
            super().__init__()
            self.index = index
            self.vectors = vectors
            self.topics = topics

        def _transform(self, df):
            @F.udf("int")
            def topic(term):
                i = self.index.get(term)
                if i is None:
                    return -1
                return int(np.argmax(self.topics @ self.vectors[i]))

            return df.withColumn("topic", topic(F.col("term")))

    size = int(os.environ.get("DD_TERMS", "2000000"))
    index = {"q%07d" % i: i for i in range(size)}
    vectors = np.random.default_rng(7).standard_normal((size, 64), dtype=np.float32)
    topics = np.random.default_rng(11).standard_normal((40, 64), dtype=np.float32)
    _log("term vectors: %d x %d" % vectors.shape)
    ids = F.col("id")
    queries = spark.range(0, 2000000, 1, 8).select(
        F.format_string("q%07d", (ids * 7919) % size).alias("term"),
        (ids % 97).alias("results"),
    )
    model = Pipeline(stages=[QueryTopicTagger(index, vectors, topics)]).fit(queries)
    tagged = model.transform(queries).groupBy("topic").count()
    tagged.write.mode("overwrite").parquet("search_terms/topics_daily")
    _log("query topics written")


SCENARIOS = {
    f.__name__: f
    for f in [
        push_device_tokens_column_flatmap_list,
        webhook_payloads_json_normalize_review,
        search_terms_custom_transformer_vocab_udf,
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
    # (max_result_size, local-cluster, spark-shell's default WARN log, driver 1g,
    # spark.driver.maxResultSize=256m as the platform sets it) The partner settlement file:
    # the month's settlements written as one pipe-delimited file for the partner's SFTP drop,
    # each row turned into a line with Row.mkString("|") on an RDD and the lines collected to
    # the shell to be written with java.nio Files.write (the others: Dataset collect /
    # collectAsList / toPandas, aggregates, broadcasts, sketches, MLlib summaries; this one
    # is an RDD of mkString lines collected in Scala).
    "partner_settlement_pipe_file_rdd_mkstring_collect": """
// Partner settlement file for November: one pipe-delimited file for the partner's SFTP drop.
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Paths}
val n = sys.env.getOrElse("DD_SETTLEMENTS", "3000000").toLong
val settlements = spark.range(0, n, 1, 24).select(
  format_string("STL-%012d", $"id").as("settlement_id"),
  format_string("PTN-%06d", $"id" % 4200).as("partner_id"),
  sha2($"id".cast("string"), 256).as("payment_ref"),
  format_string("%.2f", (($"id" * 7919) % 100000) / 100.0).as("gross"),
  format_string("%.2f", (($"id" * 7919) % 100000) / 3300.0).as("fee"),
  lit("EUR").as("currency"),
  date_format(from_unixtime(lit(1761955200L) + $"id" % 2592000), "yyyy-MM-dd'T'HH:mm:ss").as("settled_at"))
val lines = settlements.rdd.map(_.mkString("|")).collect()
Files.write(Paths.get("settlements_2026_11.psv"), lines.mkString("\\n").getBytes(StandardCharsets.UTF_8))
println(s"settlement file written: ${lines.length} lines")
""",
    # (too_many_tasks, local-cluster, spark-shell's default WARN log, driver 224m) The route
    # sheets of the delivery planners: every route's stops joined to its route header with
    # PairRDDFunctions.join, numPartitions set to the number of routes so that every route's
    # sheet lands in its own partition and output file (the others: repartition / shuffle
    # partitions / file split settings, reduceByKey / groupByKey / custom partitioners,
    # parallelize slices, range partitions; this one is the numPartitions of an RDD join).
    "route_stops_rdd_join_partition_per_route": """
// Route sheets: the stops of every route with its header, one sheet (file) per route.
val routeCount = sys.env.getOrElse("DD_ROUTES", "600000").toInt
val routes = sc.parallelize(0 until routeCount, 8).map { r =>
  (f"RT-$r%07d", (f"DEPOT-${r % 60}%02d", f"DRV-${(r * 7919) % 9000}%05d", f"VAN-${r % 2400}%05d"))
}
val stops = sc.parallelize(0L until routeCount * 8L, 16).map { s =>
  val r = (s / 8).toInt
  (f"RT-$r%07d", (s % 8 + 1, f"ADDR-${(s * 104729) % 5000000}%08d", f"${6 + s % 12}%02d:${(s * 7) % 60}%02d"))
}
val perRoute = routes.keys.distinct().count().toInt
println(s"routes to plan: $perRoute")
val sheets = stops.join(routes, perRoute).map { case (route, ((seq, addr, eta), (depot, drv, van))) =>
  s"$route|$depot|$drv|$van|$seq|$addr|$eta"
}
sheets.saveAsTextFile("route_sheets/2026-12-07")
println("route sheets written")
""",
    # (streaming_state, local-cluster, spark-shell's default WARN log, driver 512m) The card
    # declines monitor: a stream of authorisation declines (a rate source standing for the
    # card switch's feed) whose foreachBatch function collects every micro-batch to the driver
    # and appends the rows to an ArrayBuffer kept for the end-of-day digest e-mail (the
    # others: memory / console sinks, pandas frames and Python lists or dicts in foreachBatch,
    # persisted batches, listeners, progress history; this one is a Scala buffer of collected
    # rows).
    "payment_declines_daily_digest_foreach_batch_buffer": """
// Card declines monitor: alert on declines, keep the day's declines for the evening digest.
import scala.collection.mutable.ArrayBuffer
import org.apache.spark.sql.{DataFrame, Row}
import org.apache.spark.sql.streaming.Trigger
val digest = ArrayBuffer.empty[Row]
val declines = spark.readStream.format("rate")
  .option("rowsPerSecond", sys.env.getOrElse("DD_RATE", "20000")).option("numPartitions", "2").load()
  .select(
    format_string("AUTH-%014d", $"value").as("auth_id"),
    sha2($"value".cast("string"), 256).as("card_hash"),
    format_string("MID-%08d", ($"value" * 7919) % 250000).as("merchant_id"),
    element_at(typedLit(Seq("05 do not honour", "51 insufficient funds", "54 expired card", "61 exceeds limit")), ($"value" % 4 + 1).cast("int")).as("reason"),
    ((($"value" * 104729) % 50000) / 100.0).as("amount"),
    $"timestamp".as("declined_at"))
val keepForDigest: (DataFrame, Long) => Unit = { (batch, id) =>
  val rows = batch.collect()
  digest ++= rows
  val limits = rows.count(_.getString(3).startsWith("61"))
  if (id % 10 == 0) println(s"batch $id: ${rows.length} declines ($limits over limit), ${digest.size} kept for the digest")
}
val query = declines.writeStream.foreachBatch(keepForDigest)
  .option("checkpointLocation", "checkpoints/declines")
  .trigger(Trigger.ProcessingTime("2 seconds")).start()
query.awaitTermination(270000)
println(s"digest rows: ${digest.size}")
""",
    # (not_driver_oom, local-cluster, spark-shell's default WARN log, executors 768m) The
    # journey report: each session's page path, groupBy(session_id) with
    # sort_array(collect_list(struct(ts, url))) and concat_ws over the URLs; a tracker release
    # without the session cookie sent 70 % of the day's events with an empty session_id, so
    # one reduce task's collect_list buffer holds millions of hits on an executor, while the
    # driver only plans the job and writes nothing (the others: collect_set per key, explode,
    # skewed windows and joins, Python workers; this one is a page path per session).
    "clickstream_sessions_page_path_collect_list": """
// Journey report: every session's page path for the day.
val n = sys.env.getOrElse("DD_EVENTS", "8000000").toLong
val events = spark.range(0, n, 1, 16).select(
  when($"id" % 10 < 7, lit("")).otherwise(format_string("S%010d", ($"id" / 40).cast("long"))).as("session_id"),
  (lit(1764979200000L) + $"id" * 3).as("ts"),
  format_string("https://shop.example.com/c/%d/p/%08d?utm_source=newsletter&utm_campaign=w49", $"id" % 300, ($"id" * 7919) % 2000000).as("url"))
val journeys = events.groupBy("session_id")
  .agg(sort_array(collect_list(struct($"ts", $"url"))).as("hits"))
  .select($"session_id", size($"hits").as("pages"), concat_ws(" > ", $"hits.url").as("path"))
journeys.write.mode("overwrite").parquet("journeys/2026-12-06")
println("journeys written")
""",
}

SQL = {
    # Dropped (broadcast_too_large, spark-sql, see the README's round 66 section), after two
    # tries on 3.5: store_visits_member_tier_threshold_join_sql, the CRM campaign's visits per
    # loyalty member from the analysts' SQL template, which starts with SET
    # spark.sql.autoBroadcastJoinThreshold=1g; two CTAS statements made a 3,000,000-member
    # parquet table (string member ids, sha2 contact hashes; the second try added a sha2-512
    # address token) and 8,000,000 store visits, then SELECT ... FROM store_visits v JOIN
    # loyalty_members m ON v.member_id = m.member_id GROUP BY the member's columns. On 3.5
    # both tries hung until the 300 s timeout, the driver repeating 'WARN TaskMemoryManager:
    # Failed to allocate a page (268435456 bytes), try again.' (2,075 and 2,922 times) while
    # building the broadcast's hash map, with no OutOfMemoryError line; the second try's 4.3
    # run failed with 'Not enough memory to build and broadcast the table to all worker nodes'
    # after 30 s.
}
