"""Bodies of the round-23 scenarios of the run matrix (tests/data/runs/), run by gen_r23.py.

``spark-submit scenarios_r23.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r22.py, gen_jvm.py)
uses; gen_r23.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. Two of them
(WARN_LOG) call ``spark.sparkContext.setLogLevel("WARN")`` right after the session is
created, as many real jobs do; the others keep Spark's default INFO driver log.
"""

import os
import sys

# ---------------------------------------------------------------- not_driver_oom


def monthly_orders_union_exports(spark):
    # (not_driver_oom; WARN log) A look-alike of nothing memory-related: a yearly revenue
    # report over twelve monthly order exports (parquet, one folder per month, 50,000
    # orders each), read back one by one and stacked with
    # `functools.reduce(DataFrame.union, months)`. From October on the export gained a
    # sixth column (voucher_code); `union` matches columns by position and refuses inputs
    # with different column counts (NUM_COLUMNS_MISMATCH), before any job of the report
    # (the others: a corrupt parquet footer, missing paths and tables, a parquet schema
    # mismatch on read, insertInto's column count, ANSI errors, FAILFAST parsing, a UDF's
    # exception, pickling errors, stack overflows, a week-based datetime pattern; this one
    # is a positional union of frames whose schemas drifted).
    from functools import reduce

    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    base = os.path.abspath("exports")
    per_month = int(os.environ.get("DD_ORDERS", "50000"))
    for m in range(1, 13):
        orders = spark.range((m - 1) * per_month, m * per_month, 1, 2).select(
            F.col("id").alias("order_id"),
            F.lit("2025-%02d" % m).alias("month"),
            (F.col("id") % 90000 + 1).alias("customer_id"),
            (F.col("id") * 7919 % 100000 / 100.0).alias("amount"),
            F.element_at(
                F.array(*[F.lit(c) for c in ("EUR", "USD", "GBP")]),
                (F.col("id") % 3 + 1).cast("int"),
            ).alias("currency"),
        )
        if m >= 10:
            orders = orders.withColumn(
                "voucher_code",
                F.when(F.col("order_id") % 7 == 0, F.concat(F.lit("XMAS-"), F.col("order_id") % 997)),
            )
        orders.write.mode("overwrite").parquet(os.path.join(base, "2025-%02d" % m))
    _log("exports written: 12 months")

    months = [spark.read.parquet(os.path.join(base, "2025-%02d" % m)) for m in range(1, 13)]
    year = reduce(DataFrame.union, months)
    report = (
        year.groupBy("month", "currency")
        .agg(F.count("*").alias("orders"), F.sum("amount").alias("revenue"))
        .orderBy("month", "currency")
    )
    for r in report.collect():
        _log("%s %s %7d %14.2f" % (r.month, r.currency, r.orders, r.revenue))


# ---------------------------------------------------------------- python_driver_oom


def shipment_events_json_report(spark):
    # (python_driver_oom; WARN log) A carrier-performance report: the job writes the day's
    # shipment events (1,000,000 rows) as JSON lines with Spark, then the same script
    # builds the report in plain Python from the files Spark wrote: it reads every
    # part-*.json back with `json.loads`, keeps the records in a list and groups them by
    # carrier to compute delivery times. No Spark API brings data to the driver: the
    # records are read from disk by the Python driver itself, one dict per event. The
    # Python driver's address space is capped at its size + DD_PY_MB (a container with
    # little memory left) (the others: toPandas / collect / asDict / json.dumps / csv /
    # pivot / get_dummies / merge / to_dict / numpy / print / show / createDataFrame / a
    # local-iterator dict / itertools pairs / gzip decompression / a bigram Counter / a
    # Python accumulator; this one is the job's own output read back with the json module).
    import glob
    import json
    from collections import defaultdict

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    n = int(os.environ.get("DD_EVENTS", "1000000"))
    events = spark.range(0, n, 1, 8).select(
        F.concat(F.lit("SHP-"), F.substring(F.sha2(F.col("id").cast("string"), 256), 1, 24)).alias(
            "shipment_id"
        ),
        F.element_at(
            F.array(*[F.lit(c) for c in ("DHL", "UPS", "DPD", "GLS", "Hermes", "FedEx")]),
            (F.col("id") % 6 + 1).cast("int"),
        ).alias("carrier"),
        F.concat(F.lit("DE-"), F.lpad((F.col("id") % 99999).cast("string"), 5, "0")).alias(
            "origin_zip"
        ),
        F.concat(F.lit("DE-"), F.lpad((F.col("id") * 31 % 99999).cast("string"), 5, "0")).alias(
            "dest_zip"
        ),
        F.timestamp_seconds(F.lit(1764547200) + F.col("id") % 86400).alias("picked_up_at"),
        F.timestamp_seconds(F.lit(1764547200) + F.col("id") % 86400 + 3600 * (12 + F.col("id") % 60)).alias(
            "delivered_at"
        ),
        F.element_at(
            F.array(*[F.lit(c) for c in ("delivered", "delivered_neighbour", "parcel_shop")]),
            (F.col("id") % 3 + 1).cast("int"),
        ).alias("status"),
        (F.col("id") % 3000 / 100.0).alias("weight_kg"),
    )
    out = os.path.abspath("out/shipment_events")
    events.write.mode("overwrite").json(out)
    files = sorted(glob.glob(os.path.join(out, "part-*.json")))
    _log("written %d files" % len(files))

    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    records = []
    for path in files:
        with open(path) as fh:
            for line in fh:
                records.append(json.loads(line))
    _log("read %d shipment events" % len(records))
    by_carrier = defaultdict(list)
    for r in records:
        by_carrier[r["carrier"]].append(r)
    for carrier, rs in sorted(by_carrier.items()):
        _log("%-8s %8d" % (carrier, len(rs)))


# ---------------------------------------------------------------- max_result_size


def support_tickets_tfidf_features(spark):
    # (max_result_size) TF-IDF features for a support-ticket classifier: 400,000 ticket
    # texts of 25 words, Tokenizer -> HashingTF (the default 2^18 features) -> IDF, under
    # the cluster's spark.driver.maxResultSize (on the command line). Nothing is collected
    # by the user's code, but IDF.fit counts in how many documents each feature appears
    # and brings those counts to the driver: a dense vector of every hashed feature per
    # partial result, whatever the vocabulary's real size (the others: collect / toPandas
    # / local iterators / reduce / aggregate / treeAggregate of user code / KMeans /
    # logistic regression / Word2Vec / PCA / CountVectorizer / FPGrowth / approxQuantile /
    # accumulators / sort sampling / a partitioned write's commit messages; this one is
    # IDF's document frequencies).
    from pyspark.ml import Pipeline
    from pyspark.ml.feature import IDF, HashingTF, Tokenizer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_TICKETS", "400000"))
    words = (
        "printer login password reset invoice refund delivery late broken screen battery "
        "charger cable account locked payment failed card declined shipping address wrong "
        "order missing item damaged return label warranty repair update crash error app "
        "slow sync email notification subscription cancel upgrade plan discount code"
    ).split()
    w = F.array(*[F.lit(x) for x in words])
    tickets = spark.range(0, n, 1, 8).select(
        F.col("id").alias("ticket_id"),
        F.concat_ws(
            " ",
            *[
                F.element_at(w, ((F.col("id") * (7919 + 104729 * i) + i * i) % len(words) + 1).cast("int"))
                for i in range(25)
            ],
            F.concat(F.lit("cust"), (F.col("id") % 50000).cast("string")),
            F.concat(F.lit("ord"), (F.col("id") * 13 % 200000).cast("string")),
        ).alias("text"),
    )
    pipeline = Pipeline(
        stages=[
            Tokenizer(inputCol="text", outputCol="tokens"),
            HashingTF(inputCol="tokens", outputCol="tf"),
            IDF(inputCol="tf", outputCol="features"),
        ]
    )
    model = pipeline.fit(tickets)
    idf = model.stages[-1]
    _log("idf vector size %d" % idf.idf.size)
    feats = model.transform(tickets).select("ticket_id", "features")
    _log("tickets featurized: %d" % feats.count())


# ---------------------------------------------------------------- large_closure

# Known-fraud device fingerprints (fingerprint -> fraud case id), filled once per run by
# the job before scoring (card_payments_fraud_device_flags).
KNOWN_FRAUD_DEVICES = {}


def known_fraud_case(device_fp):
    """The fraud case a device fingerprint belongs to, or 0."""
    return KNOWN_FRAUD_DEVICES.get(device_fp, 0)


def card_payments_fraud_device_flags(spark):
    # (large_closure) Flags card payments made from devices on the fraud team's list: the
    # list (12,000,000 device fingerprints, SHA-256 hex digests, each with its fraud
    # case id) is loaded into a module-level dict, and a small helper function defined at
    # the top of the script looks a fingerprint up in it; the job wraps the helper with
    # `F.udf(known_fraud_case, "long")`. The UDF's code names no big object, but the
    # helper lives in the script (`__main__`), so cloudpickle pickles it by value together
    # with the module globals it refers to: the whole dict goes into the pickled function
    # (~900 MB), which PySpark ships as a broadcast because it is over
    # spark.broadcast.UDFCompressionThreshold (the others: a lookup captured by a UDF's
    # own code, partitionBy / sortBy / aggregate / foreachPartition / mapPartitions /
    # model-method closures, a registered SQL UDF, isin lists, big literals, per-column
    # UDFs; this one is a module global reached only through a helper function).
    import hashlib

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_devices = int(os.environ.get("DD_DEVICES", "12000000"))
    for i in range(n_devices):
        KNOWN_FRAUD_DEVICES[hashlib.sha256(b"device-%d" % (i * 7)).hexdigest()] = 100000 + i // 3
    _log("known fraud devices loaded: %d" % len(KNOWN_FRAUD_DEVICES))

    payments = spark.range(0, int(os.environ.get("DD_PAYMENTS", "2000000")), 1, 8).select(
        F.col("id").alias("payment_id"),
        F.sha2(F.concat(F.lit("device-"), (F.col("id") % 3000000).cast("string")), 256).alias("device_fp"),
        (F.col("id") * 7919 % 100000 / 100.0).alias("amount"),
    )
    fraud_case = F.udf(known_fraud_case, "long")
    flagged = payments.withColumn("fraud_case", fraud_case("device_fp"))
    summary = (
        flagged.groupBy((F.col("fraud_case") > 0).alias("known_fraud_device"))
        .agg(F.count("*").alias("payments"), F.sum("amount").alias("amount"))
        .collect()
    )
    for r in summary:
        _log("%s %d %.2f" % (r.known_fraud_device, r.payments, r.amount))


# ---------------------------------------------------------------- streaming_state


def checkout_window_totals_complete_stream(spark):
    # (streaming_state; local[*] only) Per-minute checkout totals per shop for a live
    # dashboard: `withWatermark("ts", "2 minutes")`, `groupBy(window("ts", "1 minute"),
    # "shop")`, `count` / `sum`, written in *complete* output mode (the dashboard sink
    # wants the whole table each trigger). The feed is a rate-micro-batch source, 200,000
    # checkouts a batch from 200,000 shops, event time one minute further each batch. The
    # watermark looks like it bounds the state, but in complete mode Spark never drops an
    # aggregation's old groups (the whole result table must be output every batch), so
    # the state store keeps every (window, shop) ever seen; in local[*] the state stores
    # live in the driver JVM (the others: no watermark at all, a watermark held back by a
    # union's second input, dedup / join / session / sliding-window / collect_list /
    # latest-row / approx-distinct state, retained versions, memory and console sinks,
    # progress and UI history; this one is a watermark that complete mode ignores).
    import time

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    now_ms = int(time.time() * 1000)
    checkouts = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "200000")))
        .option("numPartitions", 2)
        .option("startTimestamp", now_ms)
        .option("advanceMillisPerBatch", 60000)
        .load()
        .select(
            F.col("timestamp").alias("ts"),
            (F.col("value") % 200000).alias("shop"),
            (F.col("value") * 7919 % 20000 / 100.0).alias("amount"),
        )
    )
    per_minute = (
        checkouts.withWatermark("ts", "2 minutes")
        .groupBy(F.window("ts", "1 minute"), "shop")
        .agg(F.count("*").alias("checkouts"), F.sum("amount").alias("amount"))
    )
    q = (
        per_minute.writeStream.format("noop")
        .outputMode("complete")
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
                "batch %s: %s input rows, watermark %s, %s state rows, %s state bytes"
                % (
                    p.get("batchId"),
                    p.get("numInputRows"),
                    (p.get("eventTime") or {}).get("watermark"),
                    state.get("numRowsTotal"),
                    state.get("memoryUsedBytes"),
                )
            )
    q.awaitTermination()


SCENARIOS = {
    f.__name__: f
    for f in [
        monthly_orders_union_exports,
        shipment_events_json_report,
        support_tickets_tfidf_features,
        card_payments_fraud_device_flags,
        checkout_window_totals_complete_stream,
    ]
}

# The scenarios whose script sets the WARN log level right after the session starts.
WARN_LOG = {
    "monthly_orders_union_exports",
    "shipment_events_json_report",
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
