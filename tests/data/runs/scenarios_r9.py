"""Bodies of the round-9 scenarios of the run matrix (tests/data/runs/), run by gen_r9.py.

``spark-submit scenarios_r9.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark and _log are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the
matrix by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r8.py, gen_jvm.py)
uses; gen_r9.py records what really happened.
"""

import os
import sys
import time

# ---------------------------------------------------------------- collect_to_driver


def rdd_top_n_collect(spark):
    # (collect_to_driver) "The top 1.5 million sessions by score" with the RDD API:
    # rdd.top(n, key=...). PySpark runs it as mapPartitions(heapq.nlargest(n, ...)) and
    # reduce(): every task returns ONE pickled list of up to n rows, i.e. its whole
    # partition when n is larger than the partition, and reduce() collects all of them
    # (PythonRDD.collectAndServe) in the driver JVM before Python merges them (the others:
    # collect / take / collectAsMap / glom / countByValue / tail / orderBy.limit /
    # takeSample / toLocalIterator; this one is a top-n that is not small).
    import hashlib

    from scenarios_pyspark import _log

    sc = spark.sparkContext
    n = int(os.environ.get("DD_ROWS", "2000000"))

    def session(i):
        h = hashlib.sha256(str(i).encode()).hexdigest()
        return ((i * 7919) % 1000003, "session-%09d" % i, h + h[::-1] + h)

    sessions = sc.parallelize(range(n), 16).map(session)
    _log("sessions %d" % sessions.count())
    _log("best session %s" % (sessions.top(1, key=lambda r: r[0]),))
    top = sessions.top(int(os.environ.get("DD_TOP", "1500000")), key=lambda r: r[0])
    _log("top sessions %d" % len(top))


# ---------------------------------------------------------------- max_result_size


def word2vec_syn_max_result_size(spark):
    # (max_result_size) pyspark.ml Word2Vec on a ~10,000-word vocabulary with
    # vectorSize=300, spark.driver.maxResultSize=8m. The vocabulary collect fits (~4 MB);
    # each training iteration then collects the updated word vectors of every partition
    # (mllib Word2Vec.doFit: partial.reduceByKey(...).collect(), vocab x vectorSize floats
    # for syn0 and for syn1, ~24 MB) to the driver (the others: collect / toPandas / a
    # broadcast build side / toLocalIterator / rdd.reduce / collect_list / PCA's Gramian /
    # KMeans centers / CountVectorizer's vocabulary / the sort's sampling job).
    from pyspark.ml.feature import Word2Vec
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    vocab = int(os.environ.get("DD_VOCAB", "10000"))
    docs = spark.range(0, int(os.environ.get("DD_DOCS", "10000")), 1, 4).select(
        F.array(
            *[
                F.concat(F.lit("tok"), ((F.col("id") * (j + 13) + j * 7919) % vocab).cast("string"))
                for j in range(20)
            ]
        ).alias("words")
    )
    _log("documents %d" % docs.count())
    _log("vocabulary %d" % docs.select(F.explode("words")).distinct().count())
    w2v = Word2Vec(
        vectorSize=int(os.environ.get("DD_DIM", "300")),
        minCount=1,
        maxIter=1,
        inputCol="words",
        outputCol="vec",
        seed=7,
    )
    model = w2v.fit(docs)
    _log("vectors %d" % model.getVectors().count())


# ---------------------------------------------------------------- large_closure


def aggregate_initial_weights_closure(spark):
    # (large_closure) A hand-written gradient step warm-started from the previous model:
    # rdd.aggregate(w0, seqOp, combOp) with w0 a numpy vector of DD_WEIGHTS float64s
    # (~560 MB of random values, so nothing compresses). PySpark's aggregate() defines
    # func(iterator) with `acc = zeroValue` and runs mapPartitions(func): the zero value
    # is pickled into the task's Python command, over 1 MB so it goes out as a broadcast
    # that the driver JVM reads and cuts into blocks (the others: a captured dict / table
    # in a UDF / RDD function / model method, literals in the plan, data in the tasks).
    import numpy as np
    from scenarios_pyspark import _log

    sc = spark.sparkContext
    dim = int(os.environ.get("DD_WEIGHTS", "70000000"))
    points = sc.parallelize(range(20000), 8).map(lambda i: (i % 997, float(i % 13) / 13.0))
    _log("points %d" % points.count())
    w0 = np.random.default_rng(7).standard_normal(dim)
    _log("initial weights %d floats (%d MiB)" % (dim, w0.nbytes >> 20))

    def seq(acc, p):
        acc[p[0]] += p[1]
        return acc

    grad = points.aggregate(w0, seq, lambda a, b: a + b)
    _log("gradient norm %.3f" % float(np.linalg.norm(grad)))


# ---------------------------------------------------------------- streaming_state


def stream_collect_list_update_state(spark):
    # (streaming_state; local[*] only) "The session so far" per device: a rate source
    # (DD_RATE rows/s), groupBy(device).agg(collect_list(event)) with no watermark,
    # update mode, noop sink, 2 s trigger, 4 shuffle partitions. The state is not just
    # one row per key: each key's aggregation buffer is the whole list of its events,
    # rewritten every batch, and the HDFS-backed state store keeps the loaded versions
    # in memory; with local[*] that is the driver JVM (the others: dropDuplicates with
    # and without watermark, a stream-stream join, a sliding window count, memory sinks,
    # a foreachBatch list, progress / SQL-tab history).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = (
        spark.readStream.format("rate")
        .option("rowsPerSecond", int(os.environ.get("DD_RATE", "20000")))
        .option("numPartitions", 2)
        .load()
        .select(
            (F.col("value") % 2000).alias("device"),
            F.concat(F.lit("evt:"), F.sha2(F.col("value").cast("string"), 256)).alias("event"),
        )
    )
    sessions = events.groupBy("device").agg(
        F.collect_list("event").alias("events"), F.count("*").alias("n")
    )
    q = (
        sessions.writeStream.format("noop")
        .outputMode("update")
        .option("checkpointLocation", os.path.abspath("checkpoint"))
        .trigger(processingTime="2 seconds")
        .start()
    )
    t0, last = time.time(), None
    while q.isActive and time.time() - t0 < 900:
        q.awaitTermination(5)
        p = q.lastProgress
        if p and p.get("batchId") != last:
            last = p.get("batchId")
            ops = p.get("stateOperators") or [{}]
            _log(
                "batch %s at %.0fs: %s input rows, state rows %s, state memory %d MiB"
                % (
                    last,
                    time.time() - t0,
                    p.get("numInputRows"),
                    ops[0].get("numRowsTotal"),
                    (ops[0].get("memoryUsedBytes") or 0) >> 20,
                )
            )
    if q.exception():
        raise Exception(str(q.exception()))


# ---------------------------------------------------------------- client_mode_small_driver


def window_collect_list_small_driver(spark):
    # (client_mode_small_driver; local[*]) An enrichment job run with a 512m driver and
    # no executors of its own: every event gets its day's event list attached
    # (collect_list(event) over Window.partitionBy("day"), unbounded frame), then the list
    # size is written (noop). The window operator buffers each day's rows and builds the
    # day's list in the task, and in local[*] the tasks run in the driver JVM (the
    # others: a groupBy collect_list with a 512m driver, a builder spark.driver.memory set
    # too late, spark.testing.memory). In local-cluster the same job fails in the
    # executors instead (labelled by what happened).
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    events = spark.range(0, int(os.environ.get("DD_ROWS", "3000000")), 1, 8).select(
        (F.col("id") % 4).alias("day"),
        F.concat(
            F.lit("click:"),
            F.sha2(F.col("id").cast("string"), 512),
            F.lit(":"),
            F.sha2(F.col("id").cast("string"), 256),
        ).alias("event"),
    )
    _log("events %d" % events.count())
    w = Window.partitionBy("day")
    enriched = events.withColumn("day_events", F.collect_list("event").over(w)).select(
        "day", "event", F.size("day_events").alias("events_that_day")
    )
    enriched.write.format("noop").mode("overwrite").save()
    _log("enriched")


# ---------------------------------------------------------------- too_many_tasks


def jdbc_num_partitions_huge(spark):
    # (too_many_tasks) A partitioned JDBC read whose numPartitions was derived from the id
    # range ("one partition per 500 order ids", ids up to 10^10): spark.read.jdbc(...,
    # column="ORDER_ID", lowerBound=0, upperBound=10^10, numPartitions=DD_PARTS). The driver
    # plans the read when it is loaded: JDBCRelation.columnPartition builds one
    # JDBCPartition with its own WHERE clause string per partition, DD_PARTS of them, before
    # any task runs (the others: parallelize / range slices, shuffle partitions,
    # repartition, reduceByKey, cartesian, textFile minPartitions, maxPartitionBytes,
    # repartitionByRange, sc.union). The database is an in-memory Derby in the driver JVM
    # (the derby jar ships in the pyspark wheel).
    from scenarios_pyspark import _log

    url = "jdbc:derby:memory:shop;create=true"
    props = {"driver": "org.apache.derby.jdbc.EmbeddedDriver"}
    jvm = spark.sparkContext._jvm
    jvm.java.lang.Class.forName(props["driver"])
    conn = jvm.java.sql.DriverManager.getConnection(url)
    st = conn.createStatement()
    st.execute("CREATE TABLE ORDERS (ORDER_ID BIGINT, CUSTOMER VARCHAR(40), AMOUNT DOUBLE)")
    for b in range(10):
        st.execute(
            "INSERT INTO ORDERS VALUES "
            + ", ".join(
                "(%d, 'customer-%d', %.2f)" % (i * 5000000, i % 700, (i * 7919) % 10000 / 100.0)
                for i in range(b * 200, b * 200 + 200)
            )
        )
    _log("orders in the database: 2000, ids up to %d" % (1999 * 5000000))
    small = spark.read.jdbc(
        url,
        "ORDERS",
        column="ORDER_ID",
        lowerBound=0,
        upperBound=10**10,
        numPartitions=4,
        properties=props,
    )
    _log("schema %s, %d partitions" % (small.schema.simpleString(), small.rdd.getNumPartitions()))
    if spark.sparkContext.master.startswith("local["):
        _log("orders read with 4 partitions: %d" % small.count())
    parts = int(os.environ.get("DD_PARTS", "20000000"))
    _log("reading with numPartitions=%d" % parts)
    orders = spark.read.jdbc(
        url,
        "ORDERS",
        column="ORDER_ID",
        lowerBound=0,
        upperBound=10**10,
        numPartitions=parts,
        properties=props,
    )
    _log("partitions %d" % orders.rdd.getNumPartitions())
    _log("orders %d" % orders.count())


# ---------------------------------------------------------------- driver_side_state


def session_per_tenant_state(spark):
    # (driver_side_state) A multi-tenant service keeps one SparkSession per tenant
    # (spark.newSession(), for isolated temp views and SQL confs) in a dict and never
    # drops them. Each session has its own SessionState (catalog, function registry,
    # analyzer, conf, cache of parsed plans); each tenant registers its views, sets its
    # confs and runs a query, so every session's state is built and kept in the driver
    # JVM (the others: accumulators, listeners, loop state, temp views in one session,
    # job descriptions, plan history, UDF registrations).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    base = spark.range(0, 2000, 1, 2).select(
        "id",
        (F.col("id") % 50).alias("tenant"),
        ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
    )
    base.cache().count()
    sessions = {}
    tenants = int(os.environ.get("DD_TENANTS", "20000"))
    t0 = time.time()
    jvm = spark.sparkContext._jvm
    rt = jvm.java.lang.Runtime.getRuntime()
    for t in range(tenants):
        s = spark.newSession()
        s.conf.set("spark.sql.shuffle.partitions", "4")
        s.conf.set("spark.myapp.tenant", "tenant-%05d" % t)
        df = s.createDataFrame(base.rdd, base.schema).where(F.col("tenant") == t % 50)
        for v in range(20):
            df.withColumn("v", F.lit(v)).createOrReplaceTempView("orders_%d" % v)
        s.sql("SELECT count(*) FROM orders_0 WHERE amount > 10").collect()
        sessions[t] = s
        if t % 100 == 0:
            used = (rt.totalMemory() - rt.freeMemory()) >> 20
            _log(
                "tenant sessions %d at %.0fs, driver heap used %d MiB"
                % (t + 1, time.time() - t0, used)
            )
    _log("tenant sessions %d" % len(sessions))


def observation_collect_set_state(spark):
    # (driver_side_state) Data-quality metrics gathered "for free" with
    # DataFrame.observe(Observation("audit"), count, countDistinct-like collect_set(customer))
    # on the way to the output: observed metrics travel as an AggregatingAccumulator, each
    # task sends its partial aggregation buffer (its customers' set) with its result and the
    # driver merges them into the observation's accumulator, so the set of every customer id
    # ends up in the driver heap (the others: list accumulators in Scala and Python,
    # listeners, loop state, temp views, UDF registrations, UI / plan history).
    from pyspark.sql import Observation
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    orders = spark.range(0, int(os.environ.get("DD_ROWS", "4000000")), 1, 16).select(
        "id",
        F.concat(F.lit("cust-"), F.sha2(F.col("id").cast("string"), 256)).alias("customer"),
        ((F.col("id") * 7919) % 10000 / 100.0).alias("amount"),
    )
    audit = Observation("audit")
    observed = orders.observe(
        audit,
        F.count(F.lit(1)).alias("rows"),
        F.sum("amount").alias("amount"),
        F.collect_set("customer").alias("customers"),
    )
    observed.write.format("noop").mode("overwrite").save()
    m = audit.get
    _log(
        "audit: %d rows, %.2f amount, %d customers" % (m["rows"], m["amount"], len(m["customers"]))
    )


# ---------------------------------------------------------------- not_driver_oom


def python_udf_huge_values_executor_oom(spark):
    # (not_driver_oom; local-cluster) A Python UDF that renders each document as one big
    # HTML string (DD_MB MB per row). BatchEvalPython sends rows to the Python worker in
    # batches of 100 and reads each batch of results back as one pickled block, which the
    # executor JVM (768m) unpickles into Java strings and UnsafeRows: the executors run
    # out of heap, are lost (exit 52) and the job is aborted after 4 tries. The driver is
    # fine (the others: explode, collect_set, a skewed window, wholeTextFiles, a JVM
    # executor OOM in a map, a Python worker over spark.executor.pyspark.memory).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    mb = int(os.environ.get("DD_MB", "60"))

    @F.udf("string")
    def render(doc_id):
        return ("<html><body><!-- page %d -->" % doc_id) + "<p>lorem ipsum</p>" * (
            mb * 1024 * 1024 // 18
        )

    docs = spark.range(0, 40, 1, 4)
    _log("documents %d" % docs.count())
    pages = docs.select("id", render("id").alias("html"))
    _log("total html bytes %s" % pages.agg(F.sum(F.length("html"))).first()[0])


def codegen_64kb_fallback_success(spark):
    # (not_driver_oom) A scoring job with a rule table written as one big CASE WHEN
    # (DD_RULES=300 branches, each a comparison on three columns) per output column: the
    # generated Java method grows beyond the JVM's 64 KB limit, Janino fails to compile it
    # (ERROR CodeGenerator ... grows beyond 64 KB / failed to compile) and Spark falls
    # back to interpreted evaluation (WARN ... Whole-stage codegen disabled). Long stack
    # traces, ERROR lines, nothing runs out of memory, the job finishes (exit 0). (First
    # try with 1,500 branches: the driver ran out of heap inside Janino compiling the
    # generated class; not kept, see the README.)
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    rules = int(os.environ.get("DD_RULES", "300"))
    df = spark.range(0, 200000, 1, 4).select(
        "id",
        (F.col("id") % 997).alias("a"),
        (F.col("id") % 991).alias("b"),
        (F.col("id") % 983).alias("c"),
    )

    def score(seed):
        e = F.when(
            (F.col("a") == seed) & (F.col("b") > seed % 7) & (F.col("c") < 900),
            F.lit("r%d-0" % seed),
        )
        for r in range(1, rules):
            e = e.when(
                (F.col("a") == (seed + r) % 997)
                & (F.col("b") > r % 7)
                & (F.col("c") < 900 - r % 50),
                F.lit("r%d-%d" % (seed, r)),
            )
        return e.otherwise(F.lit("none"))

    scored = df.select("id", *[score(s).alias("s%d" % s) for s in range(3)])
    _log("rules %d x 3 columns" % rules)
    counts = scored.groupBy("s0").count().orderBy(F.desc("count")).limit(3).collect()
    _log("top segments %s" % counts)
    _log("scored rows %d" % scored.where(F.col("s1") != "none").count())


def deep_case_when_stack_overflow(spark):
    # (not_driver_oom) The same kind of rule table built as NESTED when/otherwise
    # (each rule's otherwise() holds the rest: DD_DEPTH levels): the expression tree is
    # DD_DEPTH deep and Catalyst walks it recursively in the driver (analysis,
    # transformUp/Down, codegen) until java.lang.StackOverflowError (no heap involved).
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    depth = int(os.environ.get("DD_DEPTH", "6000"))
    df = spark.range(0, 100000, 1, 4).select("id", (F.col("id") % 9973).alias("a"))
    e = F.lit("none")
    for r in range(depth):
        e = F.when(F.col("a") == r, F.lit("r%d" % r)).otherwise(e)
    _log("rule expression built, depth %d" % depth)
    _log("top rules %s" % df.select(e.alias("rule")).groupBy("rule").count().limit(3).collect())


SCENARIOS = {
    f.__name__: f
    for f in [
        rdd_top_n_collect,
        word2vec_syn_max_result_size,
        aggregate_initial_weights_closure,
        stream_collect_list_update_state,
        window_collect_list_small_driver,
        jdbc_num_partitions_huge,
        session_per_tenant_state,
        observation_collect_set_state,
        python_udf_huge_values_executor_oom,
        codegen_64kb_fallback_success,
        deep_case_when_stack_overflow,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
