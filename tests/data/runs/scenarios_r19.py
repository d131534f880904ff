"""Bodies of the round-19 scenarios of the run matrix (tests/data/runs/), run by gen_r19.py.

``spark-submit scenarios_r19.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark, _log and _limit_python are those
of scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r18.py, gen_jvm.py)
uses; gen_r19.py records what really happened. Four of them (marked "WARN log"; three of
the six run, sql_repartition_hint_huge was tried and not run, see gen_r19.py) call
``spark.sparkContext.setLogLevel("WARN")`` right after the session is created, as many
real jobs do, so their driver logs have almost no INFO lines.
"""

import os
import sys

# ---------------------------------------------------------------- broadcast_too_large


def limit_capped_products_broadcast(spark):
    # (broadcast_too_large; WARN log) A nightly enrichment job joins 2,000,000 order lines
    # to the product catalog. A guard added after a bad upstream load caps the catalog at
    # 200,000 products per run (`.limit(200000)`). No hint, the default
    # spark.sql.autoBroadcastJoinThreshold (10 MB). A limit's size estimate is its row
    # count times the *default* sizes of its columns (20 bytes for a string), not the
    # child's size: 200,000 x 44 bytes = ~8.4 MiB, under the threshold, so the planner
    # broadcasts the capped catalog, whose attribute JSON is ~3 KB a row (~600 MB of rows
    # to build into a hash relation on the driver). The others: broadcast() / SQL hints,
    # raised thresholds, parquet and gzip file sizes, stale or CBO statistics, explode /
    # join / string size estimates, AQE, nested loop joins, sc.broadcast, a streaming
    # static side, a pandas frame; this one is a limit's row-count estimate.
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    catalog = spark.range(0, 600000, 1, 8).select(
        F.col("id").alias("product_id"),
        (F.col("id") % 1000).alias("category_id"),
        F.rpad(
            F.concat(F.lit('{"sku": "P'), F.col("id").cast("string"), F.lit('", "attrs": "')),
            3000,
            "x",
        ).alias("attributes"),
    )
    capped = catalog.where("category_id < 900").limit(200000)
    orders = spark.range(0, 2000000, 1, 8).select(
        F.col("id").alias("order_line_id"),
        (F.col("id") * 7 % 600000).alias("product_id"),
        ((F.col("id") % 9973) / 100.0).alias("amount"),
    )
    enriched = orders.join(capped, "product_id")
    _log(
        "catalog estimate %s bytes"
        % capped._jdf.queryExecution().optimizedPlan().stats().sizeInBytes()
    )
    rows = (
        enriched.groupBy("category_id")
        .agg(F.sum("amount").alias("revenue"), F.max(F.length("attributes")).alias("attr_len"))
        .collect()
    )
    _log("categories %d" % len(rows))


# ---------------------------------------------------------------- python_driver_oom


def order_pairs_itertools_memoryerror(spark):
    # (python_driver_oom) Near-duplicate customer detection written "the simple way" on
    # the driver: collect the 40,000 customers of one region (small: a few MB), then build
    # every candidate pair with `list(itertools.combinations(customers, 2))` to score them
    # in batches. 40,000 customers are ~800 million pairs; the list of tuples grows in the
    # Python driver, whose address space is capped at its size + DD_PY_MB (a container
    # with little memory left), until MemoryError. The others: toPandas / collect /
    # asDict / json / csv / pivot / get_dummies / merge / to_dict / numpy / print / show /
    # createDataFrame / a local-iterator dict; this one is a pairwise combinatorial
    # blow-up of a small collect in plain Python.
    import itertools

    from pyspark.sql import functions as F
    from scenarios_pyspark import _limit_python, _log

    customers = (
        spark.range(0, int(os.environ.get("DD_CUSTOMERS", "40000")), 1, 4)
        .select(
            F.col("id").alias("customer_id"),
            F.concat(F.lit("name-"), (F.col("id") % 9000).cast("string")).alias("name"),
            F.concat((F.col("id") % 5000).cast("string"), F.lit("@example.com")).alias("email"),
        )
        .collect()
    )
    _log("customers %d" % len(customers))
    _limit_python(int(os.environ.get("DD_PY_MB", "500")))
    pairs = list(itertools.combinations(customers, 2))
    _log("candidate pairs %d" % len(pairs))


# ---------------------------------------------------------------- driver_side_state


def pivot_max_values_raised_plan(spark):
    # (driver_side_state; spark.sql.pivotMaxValues=1000000 on the command line) A
    # store x SKU quantity matrix for a planning spreadsheet: `groupBy("store_id")
    # .pivot("sku").agg(sum("qty"))` without a value list. The first try failed with "The
    # pivot column sku has more than 10000 distinct values", so the job raised
    # spark.sql.pivotMaxValues. Spark collects the 300,000 distinct SKUs (a small job) and
    # then builds a plan with one output column per SKU: 300,000 aliased expressions that
    # the driver analyzes, optimizes and plans (the others: union / withColumn / self-join
    # loops, temp views, UDF registrations, UI and SQL history, listeners, accumulators,
    # observations, pandas history, CrossValidator sub-models; this one is one statement
    # whose plan is as wide as the data's distinct values).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    sales = spark.range(0, int(os.environ.get("DD_SALES", "1200000")), 1, 8).select(
        (F.col("id") % 200).alias("store_id"),
        F.concat(F.lit("SKU-"), F.lpad((F.col("id") % 300000).cast("string"), 7, "0")).alias("sku"),
        (F.col("id") % 13).alias("qty"),
    )
    matrix = sales.groupBy("store_id").pivot("sku").agg(F.sum("qty"))
    _log("matrix columns %d" % len(matrix.columns))
    matrix.write.mode("overwrite").parquet(os.path.abspath("store-sku-matrix"))
    _log("written")


# ---------------------------------------------------------------- too_many_tasks


def sql_repartition_hint_huge(spark):
    # (too_many_tasks; WARN log) A SQL script generated from a template: the number of
    # output files is the row count divided by the "rows per file" setting, put into a
    # `/*+ REPARTITION(n) */` hint of a CREATE TABLE ... AS SELECT. The setting is "2"
    # (meant as 2 million rows, read as rows), so 6,000,000 rows ask for 3,000,000
    # partitions: a 3,000,000-task stage and map output bookkeeping on the driver (the
    # others: repartition(n) / by column / by range, shuffle partitions, range /
    # parallelize / textFile / JDBC partition counts, AQE's initial partition number,
    # unions / cartesian; this one is a repartition hint in SQL text).
    from scenarios_pyspark import _log

    rows = int(os.environ.get("DD_ROWS", "6000000"))
    rows_per_file = int(os.environ.get("DD_ROWS_PER_FILE", "2"))
    files = max(1, rows // rows_per_file)
    spark.range(0, rows, 1, 8).selectExpr(
        "id AS event_id", "id % 100000 AS user_id", "(id % 9973) / 100.0 AS amount"
    ).createOrReplaceTempView("events_staging")
    sql = f"""
        CREATE TABLE events_compacted USING parquet AS
        SELECT /*+ REPARTITION({files}) */ event_id, user_id, amount
        FROM events_staging
    """
    _log("compacting %d rows into %d files" % (rows, files))
    spark.sql("DROP TABLE IF EXISTS events_compacted")
    spark.sql(sql)
    _log("done")


# ---------------------------------------------------------------- collect_to_driver


def threaded_country_exports_collect(spark):
    # (collect_to_driver; WARN log) Per-country exports made "faster" with a thread pool:
    # the job collects each country's rows in its own Python thread
    # (`ThreadPoolExecutor(max_workers=8)`, one `df.where(country == c).collect()` each)
    # to write eight files at once. Each country is 160,000 rows with a ~2 KB padded text
    # column (~320 MB of rows once decoded); the eight collects run as concurrent jobs,
    # and the driver JVM decodes and serves several countries' results at the same time
    # (the others: collect / take / tail / show / toJSON / collectAsMap / countByValue /
    # glom / top / takeSample / local iterators / a sequential loop of toPandas; this one
    # is concurrent collects from driver threads).
    from concurrent.futures import ThreadPoolExecutor

    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    countries = ["DE", "FR", "IT", "ES", "NL", "BE", "AT", "PL"]
    per_country = int(os.environ.get("DD_PER_COUNTRY", "160000"))
    customers = spark.range(0, per_country * len(countries), 1, 8).select(
        F.col("id").alias("customer_id"),
        F.element_at(
            F.array(*[F.lit(c) for c in countries]), (F.col("id") % 8 + 1).cast("int")
        ).alias("country"),
        F.rpad(F.col("id").cast("string"), 2000, "-").alias("profile"),
    )

    def export(country):
        rows = customers.where(F.col("country") == country).collect()
        _log("%s: %d rows" % (country, len(rows)))
        return len(rows)

    with ThreadPoolExecutor(max_workers=len(countries)) as pool:
        counts = list(pool.map(export, countries))
    _log("exported %d rows" % sum(counts))


# ---------------------------------------------------------------- client_mode_small_driver


def mode_aggregate_small_driver(spark):
    # (client_mode_small_driver; local[*] only) The "most common device id" of a day of
    # events for a report: `agg(F.mode("device_id"))` (Spark 3.4+), over 6,000,000 events
    # whose device ids are almost all distinct, run by spark-submit --driver-memory 512m.
    # The mode aggregate keeps a hash map of every distinct value with its count in its
    # buffer; with no grouping key each task's partial buffer holds all of its
    # partition's ~1.5 million distinct ids. Nothing is collected by the user: in
    # local[*] the tasks run in the driver JVM, two at once (the others: collect_list,
    # exact percentiles, window collect_list, whole-text / multi-line JSON files, a
    # random forest; this one is the mode aggregate's buffer).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_EVENTS", "6000000"))
    events = spark.range(0, n, 1, 4).select(
        F.sha2(F.col("id").cast("string"), 256).alias("device_id"),
        (F.col("id") % 24).alias("hour"),
    )
    row = events.agg(F.mode("device_id").alias("top_device"), F.count("*").alias("n")).first()
    _log("top device %s of %d events" % (row["top_device"], row["n"]))


# ---------------------------------------------------------------- not_driver_oom


def udf_mmap_scratch_buffer_enomem(spark):
    # (not_driver_oom; WARN log) A look-alike: a Python UDF decodes a vendor's binary
    # telemetry records; each record's header declares the size of its decoded payload,
    # and the decoder maps an anonymous scratch buffer of that size (`mmap.mmap(-1,
    # size)`). One record has a corrupt header (2**46 bytes, 64 TiB). The kernel refuses
    # the mapping: `OSError: [Errno 12] Cannot allocate memory` in a Python worker, the
    # task fails (4 attempts on local-cluster) and the job is aborted with a memory-like
    # message, while neither the driver nor any JVM is short of memory (the others: a
    # numpy allocation / CUDA message / pyspark.memory cap / crash / SIGKILL in Python
    # workers, executor OOMs, config errors; this one is an OS-level ENOMEM of an mmap
    # in a UDF).
    import struct

    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType
    from scenarios_pyspark import _log

    def decoded_length(record):
        import mmap

        size = struct.unpack(">Q", bytes(record[:8]))[0]
        buf = mmap.mmap(-1, max(size, 1))
        try:
            buf.write(bytes(record[8:]))
            return buf.tell()
        finally:
            buf.close()

    decode = F.udf(decoded_length, IntegerType())
    good = struct.pack(">Q", 4096)
    bad = struct.pack(">Q", 2**46)
    n = int(os.environ.get("DD_RECORDS", "200000"))
    records = (
        spark.range(0, n, 1, 4)
        .select(
            F.col("id").alias("record_id"),
            F.when(F.col("id") == n - 17, F.lit(bad)).otherwise(F.lit(good)).alias("header"),
        )
        .select("record_id", F.concat("header", F.unhex(F.lit("deadbeef" * 16))).alias("record"))
    )
    out = records.select("record_id", decode("record").alias("payload_len"))
    total = out.agg(F.sum("payload_len")).first()[0]
    _log("decoded payload bytes %d" % total)


SCENARIOS = {
    f.__name__: f
    for f in [
        limit_capped_products_broadcast,
        order_pairs_itertools_memoryerror,
        pivot_max_values_raised_plan,
        sql_repartition_hint_huge,
        threaded_country_exports_collect,
        mode_aggregate_small_driver,
        udf_mmap_scratch_buffer_enomem,
    ]
}

# The scenarios whose script sets the WARN log level right after the session starts.
WARN_LOG = {
    "limit_capped_products_broadcast",
    "sql_repartition_hint_huge",
    "threaded_country_exports_collect",
    "udf_mmap_scratch_buffer_enomem",
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
