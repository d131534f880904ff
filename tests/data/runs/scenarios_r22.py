"""Bodies of the round-22 scenarios of the run matrix (tests/data/runs/), run by gen_r22.py.

``spark-submit scenarios_r22.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r21.py, gen_jvm.py)
uses; gen_r22.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. Two of them
(WARN_LOG) call ``spark.sparkContext.setLogLevel("WARN")`` right after the session is
created, as many real jobs do; the others keep Spark's default INFO driver log.
"""

import os
import sys
import time

# ---------------------------------------------------------------- not_driver_oom


def invoice_dates_week_year_pattern(spark):
    # (not_driver_oom; WARN log) A look-alike of nothing memory-related: monthly revenue
    # from an invoice export whose dates are text like "31/12/2025". The pattern was
    # written "dd/MM/YYYY" (upper-case Y, the week-based year, as in many Java / .NET
    # format strings) instead of "dd/MM/yyyy"; Spark 3+ refuses week-based patterns in
    # its datetime parser and, since the legacy parser would have accepted it, raises the
    # upgrade error (the others: a corrupt parquet footer, missing paths and tables, schema
    # / column-count mismatches, ANSI errors, FAILFAST parsing, a UDF's exception, pickling
    # errors, stack overflows; this one is a datetime pattern Spark 3+ does not accept).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_INVOICES", "2000000"))
    invoices = spark.range(0, n, 1, 8).select(
        F.col("id").alias("invoice_id"),
        F.date_format(
            F.date_add(F.lit("2024-01-01").cast("date"), (F.col("id") % 700).cast("int")),
            "dd/MM/yyyy",
        ).alias("invoice_date"),
        ((F.col("id") * 7919) % 100000 / 100.0).alias("amount"),
    )
    monthly = (
        invoices.withColumn("day", F.to_date("invoice_date", "dd/MM/YYYY"))
        .groupBy(F.date_trunc("month", "day").alias("month"))
        .agg(F.sum("amount").alias("revenue"), F.count("*").alias("invoices"))
        .orderBy("month")
    )
    for r in monthly.collect():
        _log("%s %12.2f %8d" % (r.month, r.revenue, r.invoices))


# ---------------------------------------------------------------- python_driver_oom


def bad_record_ids_set_accumulator(spark):
    # (python_driver_oom) Data-quality pass over an order feed: `df.foreach(check)` adds the
    # id of every order that fails a check to a custom set accumulator (an
    # `AccumulatorParam` whose zero is `set()` and whose addInPlace is a set union), to
    # print how many orders are bad and a few examples. PySpark merges Python accumulator
    # updates in the Python driver (the accumulator server thread unpickles each task's
    # update and unions it into the driver's copy), so the Python driver ends up holding
    # every bad id of the feed: 3,600,000 40-character order-id strings. The Python driver's address
    # space is capped at its size + DD_PY_MB before the job (a container with little memory
    # left) (the others: toPandas / collect / asDict / json / csv / pivot / get_dummies /
    # merge / to_dict / numpy / print / show / createDataFrame / a local-iterator dict /
    # itertools pairs / gzip decompression / a bigram Counter; this one is a Python
    # accumulator's value, merged in the Python driver).
    from pyspark.accumulators import AccumulatorParam
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    class SetParam(AccumulatorParam):
        def zero(self, value):
            return set()

        def addInPlace(self, a, b):
            a |= b
            return a

    n = int(os.environ.get("DD_ORDERS", "6000000"))
    orders = spark.range(0, n, 1, 16).select(
        F.concat(F.lit("ORD-"), F.substring(F.sha2(F.col("id").cast("string"), 256), 1, 36)).alias(
            "order_id"
        ),
        F.when(F.col("id") % 5 == 0, F.lit(None)).otherwise(F.col("id") % 997).alias("qty"),
        F.when(F.col("id") % 5 == 1, F.lit(-1.0)).otherwise(F.col("id") % 10000 / 100.0).alias(
            "price"
        ),
        F.when(F.col("id") % 5 == 2, F.lit("")).otherwise(F.lit("EUR")).alias("currency"),
    )
    bad = spark.sparkContext.accumulator(set(), SetParam())

    def check(row):
        if row.qty is None or row.price < 0 or not row.currency:
            bad.add({row.order_id})

    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    orders.foreach(check)
    ids = bad.value
    _log("bad orders: %d" % len(ids))
    for x in sorted(ids)[:10]:
        _log("  %s" % x)


# ---------------------------------------------------------------- client_mode_small_driver


def orders_unknown_customer_sort_merge_join(spark):
    # (client_mode_small_driver on local[*]; on local-cluster the same tasks run in the
    # executors) Orders joined to customer support notes on customer_id, both large (no
    # broadcast), so a sort-merge join. Both feeds use customer_id 0 for "unknown customer"
    # (guest checkouts, notes not tied to an account): 5% of the 3,000,000 orders and
    # 2,400,000 of the 3,000,000 notes (320-character texts) carry it. A sort-merge join
    # keeps all the buffered side's rows of the current key in memory
    # (spark.sql.sortMergeJoinExec.buffer.in.memory.threshold / spill.threshold are
    # unlimited by default; AQE's skew handling splits only the other side), so the task
    # that meets key 0 holds ~2,400,000 notes; with local[*] under --driver-memory 512m
    # that task runs in the driver JVM (the others: collect_list, exact percentiles, window
    # collect_list, whole-text / multi-line JSON / CSV files, a random forest, the mode
    # aggregate, percentile_approx; this one is a hot key of a sort-merge join).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n_orders = int(os.environ.get("DD_ORDERS", "3000000"))
    n_notes = int(os.environ.get("DD_NOTES", "3000000"))
    orders = spark.range(0, n_orders, 1, 8).select(
        F.col("id").alias("order_id"),
        F.when(F.col("id") % 20 == 0, F.lit(0)).otherwise(F.col("id") % 900000 + 1).alias(
            "customer_id"
        ),
        (F.col("id") % 10000 / 100.0).alias("amount"),
    )
    notes = spark.range(0, n_notes, 1, 8).select(
        F.when(F.col("id") % 5 != 0, F.lit(0)).otherwise(F.col("id") % 900000 + 1).alias(
            "customer_id"
        ),
        F.concat(
            F.sha2(F.col("id").cast("string"), 512),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("n")), 512),
            F.sha2(F.concat(F.col("id").cast("string"), F.lit("t")), 256),
        ).alias("note"),
    )
    joined = orders.join(notes, "customer_id")
    per_customer = joined.groupBy("customer_id").agg(
        F.count("*").alias("rows"),
        F.sum("amount").alias("amount"),
        F.max(F.length("note")).alias("longest_note"),
    )
    top = per_customer.orderBy(F.desc("rows")).take(10)
    for r in top:
        _log("%d %d %.2f %d" % (r.customer_id, r.rows, r.amount, r.longest_note))


# ---------------------------------------------------------------- streaming_state


def sensor_window_union_backfill_stream(spark):
    # (streaming_state; local[*] only) Per-minute averages of sensor readings, in append
    # mode with a proper watermark: `withWatermark("ts", "1 minute")`, then
    # `groupBy(window("ts", "1 minute"), "device")`. The live feed (a rate-micro-batch
    # source, 200,000 readings a batch from 200,000 devices, event time one minute further
    # each batch) alone would close and drop every window two batches later. But the query
    # reads the live feed unioned with a backfill feed of the same sensors (each with its
    # own `withWatermark`), a trickle of 50 readings a batch replaying data from 180 days
    # ago; with the default spark.sql.streaming.multipleWatermarkPolicy=min the query's
    # watermark is the backfill's, so no window is ever closed and the state store keeps
    # every (window, device) of the live feed; in local[*] the state stores live in the
    # driver JVM (the others: no watermark at all, dedup / join / session / sliding-window /
    # collect_list / latest-row / approx-distinct state, retained versions, memory and
    # console sinks, progress and UI history; this one is a watermark held back by a second
    # input of a union).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    now_ms = int(time.time() * 1000)
    live = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", int(os.environ.get("DD_BATCH_ROWS", "200000")))
        .option("numPartitions", 2)
        .option("startTimestamp", now_ms)
        .option("advanceMillisPerBatch", 60000)
        .load()
        .select(
            F.col("timestamp").alias("ts"),
            (F.col("value") % 200000).alias("device"),
            (F.col("value") * 7919 % 1000 / 10.0).alias("reading"),
        )
        .withWatermark("ts", "1 minute")
    )
    backfill = (
        spark.readStream.format("rate-micro-batch")
        .option("rowsPerBatch", 50)
        .option("numPartitions", 1)
        .option("startTimestamp", now_ms - 180 * 86400 * 1000)
        .option("advanceMillisPerBatch", 2000)
        .load()
        .select(
            F.col("timestamp").alias("ts"),
            (F.col("value") % 200000).alias("device"),
            (F.col("value") * 7919 % 1000 / 10.0).alias("reading"),
        )
        .withWatermark("ts", "1 minute")
    )
    per_minute = (
        live.unionByName(backfill)
        .groupBy(F.window("ts", "1 minute"), "device")
        .agg(F.avg("reading").alias("avg_reading"), F.count("*").alias("readings"))
    )
    q = (
        per_minute.writeStream.format("noop")
        .outputMode("append")
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


# ---------------------------------------------------------------- max_result_size


def store_sales_partitioned_export(spark):
    # (max_result_size) The daily export of sales for the stores' own dashboards, written as
    # CSV files with `partitionBy("store")` (one folder per store, named after the store:
    # 12,000 stores, each write task holding 1,500 of them), under the cluster's
    # spark.driver.maxResultSize (on the command line). Nothing is collected: but each
    # write task reports back to the driver, in its task result, its commit message and
    # write statistics, which name every partition (folder) it wrote, so the results of a
    # write grow with the number of partitions written, and the job is aborted like a
    # collect (the others: collect / toPandas / local iterators / reduce / aggregate /
    # treeAggregate / MLlib fits / approxQuantile / accumulators / sort sampling; this one
    # is the commit messages of a partitioned write).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_SALES", "600000"))
    stores = int(os.environ.get("DD_STORES", "12000"))
    store_no = (F.col("id") * stores / n).cast("long")
    sales = spark.range(0, n, 1, 8).select(
        F.format_string(
            "%s-%s-%05d",
            F.element_at(
                F.array(*[F.lit(c) for c in ("Berlin", "Hamburg", "Muenchen", "Koeln")]),
                (store_no % 4 + 1).cast("int"),
            ),
            F.element_at(
                F.array(*[F.lit(c) for c in ("Hauptbahnhof-Mall", "Outlet-Center-Nord",
                                             "Innenstadt-Fussgaengerzone")]),
                (store_no % 3 + 1).cast("int"),
            ),
            store_no,
        ).alias("store"),
        F.col("id").alias("sale_id"),
        (F.col("id") % 5000).alias("sku"),
        (F.col("id") * 7919 % 100000 / 100.0).alias("amount"),
    )
    out = os.path.abspath("export/sales_by_store")
    sales.write.mode("overwrite").partitionBy("store").option("header", True).csv(out)
    _log("written %d store folders" % len(os.listdir(out)))


SCENARIOS = {
    f.__name__: f
    for f in [
        invoice_dates_week_year_pattern,
        bad_record_ids_set_accumulator,
        orders_unknown_customer_sort_merge_join,
        sensor_window_union_backfill_stream,
        store_sales_partitioned_export,
    ]
}

# The scenarios whose script sets the WARN log level right after the session starts.
WARN_LOG = {
    "invoice_dates_week_year_pattern",
    "bad_record_ids_set_accumulator",
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
