"""Bodies of the round-25 scenarios of the run matrix (tests/data/runs/), run by gen_r25.py.

``spark-submit scenarios_r25.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r24.py, gen_jvm.py)
uses; gen_r25.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. One of them
(WARN_LOG) calls ``spark.sparkContext.setLogLevel("WARN")`` right after the session is
created, as many real jobs do; the others keep Spark's default INFO driver log.
"""

import os
import sys

# ---------------------------------------------------------------- client_mode_small_driver


def search_terms_heavy_hitters_sketch(spark):
    # (client_mode_small_driver in local[*]) Heavy hitters of the site search for the SEO
    # team: the search log (3,000,000 queries, 8 partitions) is summarised with one
    # `count_min_sketch(query, eps, confidence, seed)` aggregate so that any term's
    # frequency can be looked up later without keeping the log. The analyst asked for
    # "one in ten million" accuracy, eps = 1e-7 and confidence 0.999: the sketch is
    # ceil(2 / eps) x 10 longs, ~1.6 GB, and every partial aggregation task allocates one
    # as its aggregation buffer (the others: collect_list, exact percentiles, window
    # collect_list, whole-text / multi-line JSON / CSV files, a random forest, the mode
    # aggregate, percentile_approx, a sort-merge join's hot key, one row's generated
    # array; this one is a sketch aggregate's buffer sized by its error bound).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    terms = ["shoes", "jacket", "rain coat", "sneakers", "wool socks", "backpack", "gloves"]
    searches = spark.range(0, int(os.environ.get("DD_SEARCHES", "3000000")), 1, 8).select(
        F.concat(
            F.element_at(F.array(*[F.lit(t) for t in terms]), (F.col("id") % 7 + 1).cast("int")),
            F.lit(" "),
            (F.col("id") * 7919 % 50000).cast("string"),
        ).alias("query"),
        F.date_add(F.lit("2026-11-01").cast("date"), (F.col("id") % 30).cast("int")).alias("day"),
    )
    _log("searches: %d" % searches.count())
    sketch = searches.agg(
        F.expr("count_min_sketch(query, 0.0000001D, 0.999D, 42)").alias("sketch")
    ).first()["sketch"]
    out = os.path.abspath("search_terms.cms")
    with open(out, "wb") as fh:
        fh.write(sketch)
    _log("sketch of %d bytes written to %s" % (len(sketch), out))


# ---------------------------------------------------------------- python_driver_oom


def legacy_report_sqlite_staging(spark):
    # (python_driver_oom; WARN log) A reporting job ported from a pre-Spark script: the
    # month's order lines (2,500,000) are streamed to the driver with `toLocalIterator()`
    # and loaded with `executemany` into an in-memory SQLite database (`sqlite3.connect(
    # ":memory:")`), so that the team's old report queries can run unchanged. The Python
    # driver's address space is capped at its size + 400 MB before the load (the others:
    # toPandas / collect / asDict / json.dumps / csv / pivot / get_dummies / merge /
    # to_dict / numpy / print / show / createDataFrame / a local-iterator dict / itertools
    # pairs / gzip decompression / a bigram Counter / a Python accumulator / the job's JSON
    # read back / an HTML body; this one is SQLite's own page cache in the Python process).
    import sqlite3

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    lines = spark.range(0, int(os.environ.get("DD_LINES", "2500000")), 1, 8).select(
        F.col("id").alias("line_id"),
        (F.col("id") / 4).cast("long").alias("order_id"),
        F.concat(F.lit("C-"), F.lpad((F.col("id") % 90000).cast("string"), 6, "0")).alias("customer"),
        F.concat(F.lit("SKU-"), F.lpad((F.col("id") * 7919 % 40000).cast("string"), 7, "0")).alias("sku"),
        F.date_add(F.lit("2026-11-01").cast("date"), (F.col("id") % 30).cast("int"))
        .cast("string")
        .alias("order_date"),
        (F.col("id") % 5 + 1).alias("qty"),
        (F.col("id") * 31 % 100000 / 100.0).alias("price"),
        F.concat(F.lit("gift wrap, deliver to back door, ref "), F.col("id").cast("string")).alias("note"),
    )
    _limit_python(int(os.environ.get("DD_PY_MB", "400")))
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE order_lines (line_id INTEGER PRIMARY KEY, order_id INTEGER, customer TEXT,"
        " sku TEXT, order_date TEXT, qty INTEGER, price REAL, note TEXT)"
    )
    db.execute("CREATE INDEX order_lines_customer ON order_lines (customer, order_date)")
    batch = []
    for r in lines.toLocalIterator():
        batch.append(tuple(r))
        if len(batch) == 10000:
            db.executemany("INSERT INTO order_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
            batch = []
    if batch:
        db.executemany("INSERT INTO order_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
    db.commit()
    top = db.execute(
        "SELECT customer, SUM(qty * price) AS revenue FROM order_lines GROUP BY customer"
        " ORDER BY revenue DESC LIMIT 10"
    ).fetchall()
    _log("top customers: %s" % top[:3])


# ---------------------------------------------------------------- large_closure


def _convert_partition(rows, fx_rates, base="EUR"):
    for r in rows:
        rate = fx_rates.get((r.currency, r.day))
        yield (r.payment_id, r.day, round(r.amount * rate[0], 2) if rate else None, base)


def payments_fx_partial_conversion(spark):
    # (large_closure) Converting payments to EUR with the treasury's rate table: the rate
    # table (every currency pair and day of ten years, each with its intraday fixing
    # history as a packed byte string, ~600 MB in the Python driver) is bound to the
    # conversion function with `functools.partial(_convert_partition, fx_rates=rates)` and
    # handed to `df.rdd.mapPartitions`; cloudpickle pickles the partial with its keyword
    # argument, and above spark.broadcast.UDFCompressionThreshold PySpark ships the
    # command as a broadcast that the driver JVM (512m) reads and cuts into blocks (the
    # others: a dict / table captured by a UDF / RDD function / model method, partitionBy
    # and sortBy key functions, a numpy zero value in aggregate, foreachPartition with a
    # numpy array, a mapPartitions pandas closure, a SQL-registered UDF, literals in the
    # plan, data in the tasks; this one is a functools.partial keyword argument).
    import functools
    import random

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    currencies = ["USD", "GBP", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF"]
    days = int(os.environ.get("DD_DAYS", "3650"))
    rnd = random.Random(7)
    rates = {}
    for c in currencies:
        for d in range(days):
            day = "2016-%05d" % d
            rates[(c, day)] = (rnd.uniform(0.5, 1.5), rnd.randbytes(16 * 1024))
    _log("fx rate table: %d currency-days" % len(rates))
    payments = spark.range(0, 200000, 1, 4).select(
        F.col("id").alias("payment_id"),
        F.element_at(F.array(*[F.lit(c) for c in currencies]), (F.col("id") % 10 + 1).cast("int")).alias(
            "currency"
        ),
        F.format_string("2016-%05d", (F.col("id") % days).cast("int")).alias("day"),
        (F.col("id") % 10000 / 10.0).alias("amount"),
    )
    convert = functools.partial(_convert_partition, fx_rates=rates)
    converted = payments.rdd.mapPartitions(convert).toDF(["payment_id", "day", "amount_eur", "currency"])
    out = os.path.abspath("out/payments_eur")
    converted.write.mode("overwrite").parquet(out)
    _log("converted payments written to %s" % out)


# ---------------------------------------------------------------- driver_side_state


def sku_mapping_inline_values_sql(spark):
    # (driver_side_state) A SQL mapping table pasted into the query: the merchandising
    # team's SKU -> category spreadsheet (400,000 rows) is turned into an inline
    # `VALUES (...), (...)` table by a Python template and joined to the sales in one
    # `spark.sql` statement, so no table has to be created. The driver parses the ~20 MB
    # statement with ANTLR, builds the AST and the LocalRelation and analyzes the plan
    # (the others: union / withColumn / self-join loops, temp views, UDF registrations, UI
    # and SQL history, listeners, accumulators, observations, pandas history,
    # CrossValidator sub-models, an isin() list, a pivot with many values, deep CASE WHEN;
    # this one is a SQL statement's inline VALUES table).
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_SKUS", "400000"))
    cats = ["outdoor", "footwear", "kids", "home", "sports", "accessories"]
    values = ",\n".join(
        "('SKU-%07d', '%s', 'Season %d range %d')" % (i, cats[i % 6], i % 4, i % 97) for i in range(n)
    )
    _log("mapping rows: %d, statement %d characters" % (n, len(values)))
    spark.range(0, 2000000, 1, 8).selectExpr(
        "concat('SKU-', lpad(cast(id * 7919 % {n} as string), 7, '0')) as sku".format(n=n),
        "id % 5 + 1 as qty",
    ).createOrReplaceTempView("sales")
    report = spark.sql(
        """
        SELECT m.category, m.range_name, SUM(s.qty) AS units
        FROM sales s
        JOIN (VALUES
        %s
        ) AS m(sku, category, range_name) ON s.sku = m.sku
        GROUP BY m.category, m.range_name
        """
        % values
    )
    rows = report.collect()
    _log("categories x ranges: %d" % len(rows))


# ---------------------------------------------------------------- not_driver_oom


def _top_sellers(rows, k=3):
    import heapq

    heap = []
    for r in rows:
        heapq.heappush(heap, (r.units, r.sku, r.store_id))
        if len(heap) > k:
            heapq.heappop(heap)
    # the k best of the partition, best first
    best = [heapq.heappop(heap) for _ in range(k)]
    return iter(reversed(best))


def store_top_sellers_heap(spark):
    # (not_driver_oom) A look-alike with "heap" in its traceback: the three best-selling
    # SKUs of each store partition, kept with a bounded `heapq` min-heap in
    # `df.rdd.mapPartitions`, after `repartition(48, "store_id")` of the 40 stores' daily
    # sales (48 = the cores of the production cluster). The function pops exactly k items
    # at the end; a partition with fewer than k rows (a hash partition that got no store)
    # makes `heapq.heappop` raise `IndexError: index out of range` in the Python worker
    # (the others: a corrupt parquet footer,
    # missing paths and tables, a parquet schema mismatch on read, insertInto's column
    # count, ANSI errors, FAILFAST parsing, a UDF's exception, pickling errors, stack
    # overflows, a week-based datetime pattern, a positional union, a missing pyarrow;
    # this one is an IndexError of Python's heap queue).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    sales = spark.range(0, int(os.environ.get("DD_SALES", "1000000")), 1, 8).select(
        (F.col("id") % 40).alias("store_id"),
        F.concat(F.lit("SKU-"), (F.col("id") * 7919 % 5000).cast("string")).alias("sku"),
        (F.col("id") % 5 + 1).alias("qty"),
    )
    per_sku = sales.groupBy("store_id", "sku").agg(F.sum("qty").alias("units"))
    _log("store/sku rows: %d" % per_sku.count())
    top = per_sku.repartition(48, "store_id").rdd.mapPartitions(_top_sellers).collect()
    _log("top sellers: %d rows" % len(top))


SCENARIOS = {
    f.__name__: f
    for f in [
        search_terms_heavy_hitters_sketch,
        legacy_report_sqlite_staging,
        payments_fx_partial_conversion,
        sku_mapping_inline_values_sql,
        store_top_sellers_heap,
    ]
}

# The scenarios whose script sets the WARN log level right after the session starts.
WARN_LOG = {
    "legacy_report_sqlite_staging",
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
