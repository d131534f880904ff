"""Bodies of the round-17 scenarios of the run matrix (tests/data/runs/), run by gen_r17.py.

``spark-submit scenarios_r17.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _log and _limit_python are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r16.py, gen_jvm.py)
uses; gen_r17.py records what really happened.
"""

import os
import sys

# ---------------------------------------------------------------- broadcast_too_large


def sql_cbo_skewed_filter_broadcast(spark):
    # (broadcast_too_large) A Spark SQL script of several statements, as a data engineer
    # writes it after reading that the cost-based optimizer "picks better joins": it turns
    # the CBO on, analyzes the columns it filters and joins on, and runs a report with two
    # CTEs (the active customers, the order totals per customer) joined and written to
    # parquet. No hint and the default spark.sql.autoBroadcastJoinThreshold (10 MB). With
    # the CBO on, a filter `status = 'active'` is estimated from the column's statistics:
    # without a histogram the selectivity of an equality is 1 / (distinct values), 1/400
    # here, but 95% of the customers are 'active'. The estimate (a few thousand rows, well
    # under the threshold) makes the planner broadcast ~1.4 million rows of three 128-
    # character hashes, built on the driver (the others: broadcast() / SQL hints, raised
    # thresholds, parquet and gzip file sizes, stale table statistics, explode / join /
    # string size estimates, AQE, nested loop joins, sc.broadcast, a streaming static
    # side, a pandas frame; this one is the CBO's filter selectivity on a skewed column).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_CUSTOMERS", "1500000"))
    customers = spark.range(0, n, 1, 8).select(
        F.col("id").alias("customer_id"),
        F.when(F.col("id") % 20 != 0, F.lit("active"))
        .otherwise(F.concat(F.lit("closed-"), (F.col("id") % 399).cast("string")))
        .alias("status"),
        F.sha2(F.col("id").cast("string"), 512).alias("email_hash"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("@addr")), 512).alias("address_hash"),
        F.sha2(F.concat(F.col("id").cast("string"), F.lit("@phone")), 512).alias("phone_hash"),
    )
    customers.write.mode("overwrite").saveAsTable("customers")
    orders = spark.range(0, 3000000, 1, 8).select(
        F.col("id").alias("order_id"),
        (F.col("id") * 7 % n).alias("customer_id"),
        ((F.col("id") % 9973) / 100.0).alias("amount"),
    )
    orders.write.mode("overwrite").saveAsTable("orders")
    _log("tables written: customers %d, orders 3000000" % n)

    script = """
        SET spark.sql.cbo.enabled = true;
        ANALYZE TABLE customers COMPUTE STATISTICS FOR COLUMNS customer_id, status;
        ANALYZE TABLE orders COMPUTE STATISTICS FOR COLUMNS customer_id, amount;
        CREATE OR REPLACE TEMPORARY VIEW active_customer_revenue AS
        WITH active_customers AS (
            SELECT customer_id, email_hash, address_hash, phone_hash
            FROM customers
            WHERE status = 'active'
        ),
        order_totals AS (
            SELECT customer_id, sum(amount) AS revenue, count(*) AS orders
            FROM orders
            GROUP BY customer_id
        )
        SELECT c.customer_id, c.email_hash, c.address_hash, c.phone_hash, t.revenue, t.orders
        FROM order_totals t
        JOIN active_customers c ON t.customer_id = c.customer_id
    """
    for statement in script.split(";"):
        if statement.strip():
            spark.sql(statement)
    for row in spark.sql("DESCRIBE TABLE EXTENDED customers status").collect():
        if row[0] in ("distinct_count", "num_nulls"):
            _log("status column statistics: %s %s" % (row[0], row[1]))
    report = spark.table("active_customer_revenue")
    plan = report._jdf.queryExecution().optimizedPlan()
    _log("estimated active customers: %s bytes" % plan.stats().sizeInBytes())
    report.explain()
    report.write.mode("overwrite").parquet("active_customer_revenue")
    _log("report written")


# ---------------------------------------------------------------- collect_to_driver


def naive_bayes_theta_collect(spark):
    # (collect_to_driver) A product-category classifier: 500,000 product titles of 30
    # tokens, 250 categories, Tokenizer -> HashingTF (the default 2^18 features) ->
    # NaiveBayes (multinomial). Nothing is collected by the user's code, but
    # NaiveBayes.fit aggregates the term frequencies per label
    # (groupBy(label).agg(Summarizer.metrics("sum", "count"))) and collect()s one row per
    # label, each with a dense vector of every feature: 250 x 262,144 doubles (~500 MB)
    # decoded in the driver before the model's theta matrix (as large again) is built
    # (the others: collect / take / tail / show / toJSON / collectAsMap / countByValue /
    # glom / takeSample / toLocalIterator / order-by-limit / collect_set per key / binary
    # files / the console sink / a CUBE; this one is an MLlib estimator's own collect,
    # sized by labels x features). The titles are ordered by category, as exported, so
    # each input partition holds only a few categories.
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import NaiveBayes
    from pyspark.ml.feature import HashingTF, Tokenizer
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_TITLES", "500000"))
    labels = int(os.environ.get("DD_LABELS", "250"))
    titles = spark.range(0, n, 1, 16).select(
        (F.floor(F.col("id") * labels / n)).cast("double").alias("label"),
        F.expr(
            "concat_ws(' ', transform(sequence(1, 30), i -> "
            "concat('w', cast((id * i * 7919 + i * 104729) % 300000 as string))))"
        ).alias("title"),
    )
    _log("titles %d, categories %d" % (titles.count(), labels))
    pipeline = Pipeline(
        stages=[
            Tokenizer(inputCol="title", outputCol="tokens"),
            HashingTF(inputCol="tokens", outputCol="features"),
            NaiveBayes(modelType="multinomial", smoothing=1.0),
        ]
    )
    model = pipeline.fit(titles)
    _log("model trained: %d classes" % model.stages[-1].numClasses)


def per_region_topandas_loop_collect(spark):
    # (collect_to_driver) A per-key report loop, as written in a notebook: the distinct
    # regions are collected, then for each region `df.where(region == r).toPandas()` and a
    # pandas top-5 of its customers. Every region is a few thousand rows except the
    # catch-all 'ZZ-UNASSIGNED', which holds 90% of the 1,000,000 orders (each with a
    # ~1,200-character order note): the loop works for the first twelve regions, then the
    # hot key's toPandas() (no Arrow: a plain collect) brings ~900,000 rows to the driver
    # (the others: one collect / take / tail / show of a whole table; this one is a loop
    # whose last key is skewed).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    orders = spark.range(0, 1000000, 1, 8).select(
        F.col("id").alias("order_id"),
        F.when(
            F.col("id") % 10 == 0,
            F.concat(F.lit("R-"), F.lpad((F.floor(F.col("id") / 10) % 12).cast("string"), 2, "0")),
        )
        .otherwise(F.lit("ZZ-UNASSIGNED"))
        .alias("region"),
        F.concat(F.lit("cust-"), (F.col("id") % 50000).cast("string")).alias("customer"),
        ((F.col("id") % 9973) / 100.0).alias("amount"),
        F.rpad(F.concat(F.lit("order note "), F.col("id").cast("string")), 1200, " .").alias(
            "note"
        ),
    )
    _log("orders %d" % orders.count())
    regions = [r.region for r in orders.select("region").distinct().orderBy("region").collect()]
    _log("regions %s" % regions)
    for region in regions:
        pdf = orders.where(F.col("region") == region).toPandas()
        top = pdf.groupby("customer")["amount"].sum().nlargest(5)
        _log("region %s: %d orders, top customer %s" % (region, len(pdf), top.index[0]))


# ---------------------------------------------------------------- python_driver_oom


def print_collected_rows_memoryerror(spark):
    # (python_driver_oom; driver 1g) The day's orders (1,500,000 narrow rows) are
    # collect()ed to be sent to a billing API in batches; that fits. A debugging
    # `print("loaded orders:", rows)` left in the job then asks Python for the repr of
    # the whole list: every Row's repr is built and appended to one string of ~120 MB,
    # in a Python driver whose address space is capped at its size + 100 MB
    # (_limit_python, as if in a container whose memory is nearly used up) (the others:
    # collect / toPandas / createDataFrame / asDict / json.dumps / a CSV string / numpy
    # arrays / pandas operations / a toLocalIterator dict / showString / parallelize of
    # an iterator; this one is the repr of a list of Rows).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    orders = spark.range(0, 1500000, 1, 8).select(
        F.col("id").alias("order_id"),
        F.concat(F.lit("cust-"), (F.col("id") % 200000).cast("string")).alias("customer"),
        F.concat(F.lit("SKU-"), F.lpad((F.col("id") % 40000).cast("string"), 8, "0")).alias("sku"),
        ((F.col("id") % 9973) / 100.0).alias("amount"),
    )
    rows = orders.collect()
    _log("collected %d orders" % len(rows))
    _limit_python(100)
    print("loaded orders:", rows, flush=True)
    for i in range(0, len(rows), 10000):
        batch = rows[i : i + 10000]
        _log("batch %d: %d orders" % (i // 10000, len(batch)))


# ---------------------------------------------------------------- not_driver_oom


def driver_memory_decimal_size(spark):
    # (not_driver_oom; `--driver-memory 1.5g` on the command line) A look-alike: someone
    # gives the driver "one and a half gigabytes". spark-submit hands the value to the JVM
    # as -Xmx1.5g, which the JVM does not accept (sizes are whole numbers with a unit), so
    # the driver never starts: "Invalid maximum heap size", nothing ran out of memory (the
    # others: a driver below Spark's 450 MB minimum, executor memory over the worker's,
    # off-heap pools, config errors inside a running SparkContext; this one fails before
    # any JVM exists). The body is the healthy report it was meant to run.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    sales = spark.range(0, 2000000, 1, 8).select(
        (F.col("id") % 1000).alias("store"), ((F.col("id") % 9973) / 100.0).alias("amount")
    )
    _log("stores %d" % sales.groupBy("store").agg(F.sum("amount")).count())


def executor_heartbeat_timeout_stall(spark):
    # (not_driver_oom; local-cluster only) A look-alike: what the driver sees when an
    # executor stops answering, as in a multi-minute GC pause of a full executor heap or a
    # frozen node: "Executor heartbeat timed out", the executor is removed and its tasks
    # are run again elsewhere. Here the first attempt of partition 1's task of a
    # mapPartitions job freezes its executor JVM (the `java` parent of its Python worker)
    # with SIGSTOP, once per run (a marker file); spark.network.timeout is lowered to 20 s
    # (so the timeout comes within the run) and the job finishes on the other executor.
    # The driver's heap is never short (the others: executors dying of a real
    # OutOfMemoryError, an executor killed with SIGKILL, exit code 137).
    from scenarios_pyspark import _log

    marker = os.path.abspath("executor-frozen.marker")

    def score(index, rows):
        import signal

        if index == 1 and not os.path.exists(marker):
            open(marker, "w").close()
            pid = os.getpid()
            while pid > 1:
                with open("/proc/%d/stat" % pid) as fh:
                    pid = int(fh.read().rsplit(")", 1)[1].split()[1])
                with open("/proc/%d/cmdline" % pid, "rb") as fh:
                    if fh.read().split(b"\0")[0].endswith(b"java"):
                        os.kill(pid, signal.SIGSTOP)
                        break
        total = 0
        for r in rows:
            total += (r * 7919) % 1000
        yield index % 100, total

    sums = spark.sparkContext.parallelize(range(4000000), 8).mapPartitionsWithIndex(score)
    result = sums.reduceByKey(lambda a, b: a + b).collect()
    _log("keys %d, total %d" % (len(result), sum(v for _, v in result)))


SCENARIOS = {
    f.__name__: f
    for f in [
        sql_cbo_skewed_filter_broadcast,
        naive_bayes_theta_collect,
        per_region_topandas_loop_collect,
        print_collected_rows_memoryerror,
        driver_memory_decimal_size,
        executor_heartbeat_timeout_stall,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
