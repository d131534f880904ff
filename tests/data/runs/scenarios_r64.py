#!/usr/bin/env python
"""Round 64's scenarios (gen_r64.py): PySpark bodies run by ``spark-submit scenarios_r64.py
<scenario>``, and the Scala and SQL scripts (``SCALA``, ``SQL``) that gen_shell.run writes into
a run's scratch dir and runs with spark-shell -i or spark-sql -f.

More scenarios for causes still thin or confused in driver logs and event logs: the driver heap
filled by what it keeps across many small jobs, one action bringing too much to the driver,
ordinary work failing only because the driver JVM was left small, and a task closure capturing
a big driver-side object.

The PySpark bodies and the ``__main__`` block come first and the SCALA and SQL scripts last, so
that editing a script moves no line that a PySpark traceback quotes.
"""

import os
import sys

# ---------------------------------------------------------------- driver_side_state


# Dropped (driver_side_state, PySpark, local-cluster, driver 224m, see the README's round 64
# section): campaign_audience_overlap_pasted_id_lists, the marketing analysts' audience overlap
# report, every campaign's audience (customer ids from the CRM export) pasted into the SQL text
# with an f-string (spark.sql(f"SELECT count(*) AS visits, count(DISTINCT customer_id) AS
# visitors FROM site_visits WHERE customer_id IN ({members})").first()), one small query a
# campaign over a temp view of 400,000 generated visits, spark.sql.ui.retainedExecutions raised
# to 20000. The idea: every query's SQL execution, its plan holding the whole id list, kept by
# the driver until it fills after dozens of campaigns. But parsing and analysing an IN list of
# that size needs much more of the driver than what each query leaves behind: with 25,000 ids a
# campaign (first try, 3.5) the 224m driver was in back-to-back full collections within the
# fourth campaign (stopped by hand after 100 s); with 10,000 ids (second try, 4.3) it failed in
# the ninth campaign's spark.sql call ('Py4JJavaError: An error occurred while calling o36.sql.'
# / 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 8 jobs in all, 28 s). Neither
# failed after many jobs, so the scenario was dropped after these two tries (its generator entry
# removed). These lines keep the place of the dropped body so that the line numbers quoted by
# the kept PySpark tracebacks stay those of the committed file.
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


# ---------------------------------------------------------------- collect_to_driver


def churned_customer_ids_distinct_collect_isin(spark):
    # (collect_to_driver, local-cluster) The win-back campaign: the ids of every customer
    # without an order in the last quarter brought to the Python driver as a list
    # ([r.customer_id for r in ... .distinct().collect()]) to filter the mailing table with
    # isin(ids); about 10,000,000 distinct ids, a few bytes each, but the JVM decodes every
    # row before handing them to Python (the others: collects of wide rows, maps, glom,
    # toPandas, takes; this one is a distinct id column collected for an isin filter).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_ORDERS", "24000000"))
    ids = F.col("id")
    orders = spark.range(0, n, 1, 16).select(
        ((ids * 7919) % 20000000).alias("customer_id"),
        F.expr("date_add(date'2026-01-01', cast(id % 330 as int))").alias("order_date"),
    )
    lapsed = (
        orders.groupBy("customer_id")
        .agg(F.max("order_date").alias("last_order"))
        .where(F.col("last_order") < F.lit("2026-09-01"))
        .select("customer_id")
        .distinct()
    )
    ids_list = [r.customer_id for r in lapsed.collect()]
    _log("lapsed customers: %d" % len(ids_list))
    mailing = spark.range(0, 20000000, 1, 16).select(F.col("id").alias("customer_id"))
    _log("win-back mailing: %d" % mailing.where(F.col("customer_id").isin(ids_list)).count())


# ---------------------------------------------------------------- client_mode_small_driver


def support_ticket_queue_router_multinomial_logreg(spark):
    # (client_mode_small_driver, local-cluster) The support desk's queue router: a multinomial
    # logistic regression over hashed ticket words (32,768 features, 240 queues: 7.9 million
    # coefficients, 63 MB) fitted on 200,000 tickets, submitted in client mode with the
    # driver left at Spark's default heap (1g); the driver-side work of the fit (L-BFGS and
    # its history, the gradients summed from the tasks) is that of an ordinary text model that
    # a few GB of driver would hold (the others: GMM, random forest, ALS, MLP, LDA, scaler,
    # broadcast joins, toPandas; this one is a multinomial logistic regression).
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import HashingTF, Tokenizer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    _log("driver memory: %s" % spark.conf.get("spark.driver.memory", "(default)"))
    n = int(os.environ.get("DD_TICKETS", "200000"))
    queues = int(os.environ.get("DD_QUEUES", "240"))
    ids = F.col("id")
    words = [
        F.format_string("w%05d", (ids * (7919 + 104729 * i) + i * 31) % 20000) for i in range(14)
    ]
    tickets = (
        spark.range(0, n, 1, 4)
        .select(
            (ids % queues).cast("double").alias("queue"),
            F.concat_ws(" ", F.format_string("q%03d", ids % queues), *words).alias("body"),
        )
        .cache()
    )
    _log("tickets: %d" % tickets.count())
    pipeline = Pipeline(
        stages=[
            Tokenizer(inputCol="body", outputCol="tokens"),
            HashingTF(inputCol="tokens", outputCol="features", numFeatures=32768),
            LogisticRegression(
                featuresCol="features", labelCol="queue", family="multinomial", maxIter=40
            ),
        ]
    )
    model = pipeline.fit(tickets)
    _log("router trained: %d iterations" % model.stages[-1].summary.totalIterations)


# ---------------------------------------------------------------- large_closure


def basket_totals_aggregate_by_key_price_array(spark):
    # (large_closure, local-cluster) The basket value report: each basket's lines summed with
    # rdd.aggregateByKey, the seq function looking each line's price up in the price list held
    # as a numpy array indexed by SKU number (100,000,000 SKU numbers of the marketplace, 800 MB)
    # that the function captures; the pickled function goes out with the job (the others: UDFs,
    # flatMap, filter, foreachPartition, mapInPandas, partitioners, sortBy; this one is the
    # seq function of aggregateByKey).
    import numpy as np
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    skus = int(os.environ.get("DD_SKUS", "100000000"))
    prices = np.round(np.random.default_rng(64).uniform(0.5, 500.0, skus), 2)
    _log("price list: %d SKUs, %d MB" % (skus, prices.nbytes // 2**20))
    ids = F.col("id")
    lines = spark.range(0, 2000000, 1, 8).select(
        (ids % 300000).alias("basket_id"),
        ((ids * 7919) % skus).alias("sku"),
        (ids % 5 + 1).alias("qty"),
    )

    def add_line(total, line):
        sku, qty = line
        return total + float(prices[sku]) * qty

    totals = lines.rdd.map(lambda r: (r.basket_id, (r.sku, r.qty))).aggregateByKey(
        0.0, add_line, lambda a, b: a + b
    )
    _log("baskets valued: %d" % totals.count())


SCENARIOS = {
    f.__name__: f
    for f in [
        # campaign_audience_overlap_pasted_id_lists: dropped (see the comment above)
        churned_customer_ids_distinct_collect_isin,
        support_ticket_queue_router_multinomial_logreg,
        basket_totals_aggregate_by_key_price_array,
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
    # (driver_side_state, local-cluster, spark-shell's default WARN log) The recall check of
    # every store's shelves: the 20,000 recalled SKUs of the supplier's notice as a Scala Seq,
    # each store's shelf items filtered with $"sku".isin(recalled: _*) and counted, one small
    # query a store (at Spark's default spark.sql.ui.retainedExecutions of 1,000); every
    # query's SQL execution (plan description and plan graph holding the whole SKU list) is
    # kept by the driver (the others: UI history in PySpark and SQL, listeners, kept frames;
    # this one is a per-store isin loop in Scala).
    "store_shelf_recall_checks_per_store_day": """
// Recall notice: which stores still have recalled SKUs on their shelves.
val stores = sys.env.getOrElse("DD_STORES", "2000").toInt
val recalled = (0 until 20000).map(i => f"SKU-${(i.toLong * 7919) % 900000}%07d")
val shelf = spark.range(0, 800000, 1, 2).select(
  ($"id" % stores).as("store_id"),
  format_string("SKU-%07d", ($"id" * 104729) % 900000).as("sku"),
  ($"id" % 40).as("facings"))
for (store <- 0 until stores) {
  val hits = shelf.where($"store_id" === store && $"sku".isin(recalled: _*)).count()
  println(f"store $store%04d: $hits%d recalled items on the shelf")
}
""",
    # (collect_to_driver, local-cluster, spark.driver.maxResultSize=0) The roadworthiness
    # audit: a year's vehicle inspections as a typed Dataset of a 32-field case class
    # (identifiers, station, inspector, notes, measurements) collected with collect() into an
    # Array[Inspection] for the audit tool; 1,200,000 inspections (the others: collectAsList
    # of narrow typed Datasets, collects of rows, takes; this one is the collect of a wide
    # case-class Dataset).
    "vehicle_inspections_wide_case_class_collect": """
// Roadworthiness audit: the year's inspections for the audit tool.
case class Inspection(
  inspectionId: String, vin: String, plate: String, stationId: String, inspectorId: String,
  make: String, model: String, fuelType: String, colour: String, result: String,
  defectCodes: String, inspectorNotes: String, ownerRef: String, certificateNo: String,
  odometerKm: Long, modelYear: Int, brakeFrontPct: Double, brakeRearPct: Double,
  parkingBrakePct: Double, emissionsCo: Double, emissionsHc: Double, noiseDb: Double,
  tyreFl: Double, tyreFr: Double, tyreRl: Double, tyreRr: Double, headlightAim: Double,
  suspensionFront: Double, suspensionRear: Double, durationMin: Int, fee: Double,
  retest: Boolean)
val n = sys.env.getOrElse("DD_INSPECTIONS", "1200000").toLong
val makes = Seq("VOLVO", "SKODA", "TOYOTA", "FORD", "RENAULT", "KIA", "TESLA", "FIAT")
val makeCol = element_at(typedLit(makes), ($"id" % makes.size + 1).cast("int"))
def m(k: Int) = (($"id" * (7919 + k)) % 1000) / 10.0
val inspections = spark.range(0, n, 1, 24).select(
  format_string("INS-2026-%08d", $"id").as("inspectionId"),
  upper(substring(sha2($"id".cast("string"), 256), 1, 17)).as("vin"),
  format_string("AB%05d", ($"id" * 31) % 99999).as("plate"),
  format_string("ST-%04d", $"id" % 700).as("stationId"),
  format_string("EMP-%05d", ($"id" * 13) % 4000).as("inspectorId"),
  makeCol.as("make"),
  format_string("model-%03d", $"id" % 350).as("model"),
  when($"id" % 5 === 0, "electric").when($"id" % 3 === 0, "diesel").otherwise("petrol").as("fuelType"),
  element_at(typedLit(Seq("black", "white", "grey", "blue", "red")), ($"id" % 5 + 1).cast("int")).as("colour"),
  when($"id" % 9 === 0, "FAIL").otherwise("PASS").as("result"),
  format_string("D%03d;D%03d;D%03d", $"id" % 211, $"id" % 97, $"id" % 53).as("defectCodes"),
  sha2(concat(lit("notes"), $"id".cast("string")), 512).as("inspectorNotes"),
  sha2(concat(lit("owner"), $"id".cast("string")), 256).as("ownerRef"),
  format_string("CERT-%010d", $"id" * 3).as("certificateNo"),
  (($"id" * 104729) % 400000).as("odometerKm"),
  (($"id" % 25) + 2001).cast("int").as("modelYear"),
  m(1).as("brakeFrontPct"), m(2).as("brakeRearPct"), m(3).as("parkingBrakePct"),
  m(4).as("emissionsCo"), m(5).as("emissionsHc"), m(6).as("noiseDb"), m(7).as("tyreFl"),
  m(8).as("tyreFr"), m(9).as("tyreRl"), m(10).as("tyreRr"), m(11).as("headlightAim"),
  m(12).as("suspensionFront"), m(13).as("suspensionRear"),
  (($"id" % 40) + 15).cast("int").as("durationMin"),
  ((($"id" % 3) * 10) + 54.5).as("fee"),
  ($"id" % 9 === 0).as("retest")).as[Inspection]
val all = inspections.collect()
println(s"inspections for the audit tool: ${all.length}, failed: ${all.count(_.result == "FAIL")}")
""",
    # (client_mode_small_driver, local-cluster) The partner payouts report, written in a
    # spark-shell session: the analyst's "setup" paragraph asks the session builder for a 6g
    # driver and a 1g broadcast threshold (SparkSession.builder.config(...).getOrCreate()),
    # but the shell's session already exists, so only the runtime SQL setting applies (Spark
    # warns "Using an existing Spark session; only runtime SQL configurations will take
    # effect.") and the driver JVM keeps the launcher's default 1g; the partner dimension
    # (2,500,000 partners, a few hundred MB) is then broadcast for the join, which a 6g driver
    # would hold (the others: SparkContext(conf) and builder settings under spark-submit,
    # PYSPARK_SUBMIT_ARGS, small --driver-memory; this one is a session builder in
    # spark-shell).
    "partner_payouts_shell_session_builder_broadcast_join": """
// Partner payouts: session setup, then the month's payouts by partner tier.
import org.apache.spark.sql.SparkSession
val session = SparkSession.builder.appName("partner-payouts")
  .config("spark.driver.memory", "6g")
  .config("spark.sql.autoBroadcastJoinThreshold", "1g")
  .getOrCreate()
println(s"driver memory: ${session.conf.get("spark.driver.memory")}, broadcast threshold: ${session.conf.get("spark.sql.autoBroadcastJoinThreshold")}")
val partners = session.range(0, 2500000, 1, 8).select(
  $"id".as("partner_id"),
  element_at(typedLit(Seq("bronze", "silver", "gold", "platinum")), ($"id" % 4 + 1).cast("int")).as("tier"),
  sha2(concat(lit("iban"), $"id".cast("string")), 256).as("iban_hash"),
  sha2(concat(lit("tax"), $"id".cast("string")), 256).as("tax_ref"),
  sha2(concat(lit("legal"), $"id".cast("string")), 256).as("legal_name_hash"))
val payouts = session.range(0, 6000000, 1, 16).select(
  (($"id" * 7919) % 2500000).as("partner_id"),
  ((($"id" * 104729) % 100000) / 100.0).as("amount"))
val byTier = payouts.join(partners, "partner_id").groupBy("tier")
  .agg(count(lit(1)).as("payouts"), sum("amount").as("amount"), countDistinct("iban_hash").as("accounts"))
byTier.orderBy("tier").show()
""",
}

_MARKETS = int(os.environ.get("DD_MARKETS", "600"))
_TERMS = "|".join("restricted-item-%05d-%s" % (i, "z" * (i % 17)) for i in range(8000))

SQL = {
    # (driver_side_state, spark-sql, local-cluster) The marketplace's listing screen, run
    # market by market from a generated SQL file: the trust team's restricted-items pattern
    # (8,000 terms, about 250,000 characters) set once as a variable (SET restricted_terms=...)
    # and substituted into every market's query ('${restricted_terms}'), one small query a
    # market; the team raised spark.sql.ui.retainedExecutions for the audit trail, so every
    # statement's SQL execution (its description, the substituted SQL text, and its plan
    # holding the pattern) stays on the driver (the others: inline VALUES, CLI exports,
    # cached tables; this one is a SQL CLI variable substituted into many statements).
    "marketplace_listing_screen_per_market_sql": (
        "-- Listing screen: restricted items per market.\n"
        "SET restricted_terms=(?i)(" + _TERMS + ");\n"
        "CREATE OR REPLACE TEMPORARY VIEW listings AS\n"
        "SELECT id AS listing_id, id % " + str(_MARKETS) + " AS market_id,\n"
        "       format_string('listing %d: vintage lamp restricted-item-%05d', id, id % 9000)"
        " AS title,\n"
        "       (id * 104729) % 50000 / 100.0 AS price\n"
        "FROM range(0, 300000, 1, 2);\n"
        + "".join(
            "SELECT %d AS market, count(*) AS listings,"
            " count_if(title RLIKE '${restricted_terms}') AS flagged"
            " FROM listings WHERE market_id = %d;\n" % (m, m)
            for m in range(_MARKETS)
        )
    ),
}
