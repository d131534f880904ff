"""Bodies of the round-33 scenarios of the run matrix (tests/data/runs/), run by gen_r33.py.

``spark-submit scenarios_r33.py <scenario>``: driver memory, master, GC and event-log
settings come from the command line. The helpers _spark and _log are those of
scenarios_pyspark.py (imported, not copied). Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds (scenarios_pyspark.py,
scenarios_extra.py, scenarios_more.py, scenarios_r3.py ... scenarios_r32.py, gen_jvm.py)
uses; gen_r33.py records what really happened. The scenario names say what the job does,
not how it fails, and the scripts print only what such a job would print. All three keep
Spark's default INFO driver log.
"""

import os
import sys

# ---------------------------------------------------------------- too_many_tasks


def ticket_groupby_numpartitions_rdd(spark):
    # (too_many_tasks) Support tickets grouped by customer with the RDD API: 2,000 Python
    # records (4 slices) and `rdd.groupBy(lambda t: t[0], numPartitions=DD_PARTS)` with
    # DD_PARTS = 4,000,000 ("one partition per customer id we might ever have"), then a
    # count of the groups. PySpark's groupBy is groupByKey -> combineByKey -> partitionBy
    # with a Python hash partitioner of that many partitions, so the reduce stage has
    # 4,000,000 tasks the driver must create and track (the others: repartition(n), range /
    # parallelize partitions, shuffle partitions, reduceByKey(numPartitions=n), Hadoop
    # splits, JDBC partitions, unions / cartesian, SQL hints; this one is RDD.groupBy
    # with numPartitions).
    from scenarios_pyspark import _log

    n = int(os.environ.get("DD_PARTS", "4000000"))
    tickets = spark.sparkContext.parallelize(
        [("c%05d" % (i % 700), i, "ticket %d" % i) for i in range(2000)], 4
    )
    groups = tickets.groupBy(lambda t: t[0], numPartitions=n)
    _log("customers with tickets: %d" % groups.count())


# ---------------------------------------------------------------- large_closure


def item_embedding_map_in_pandas_closure(spark):
    # (large_closure) Nearest catalogue item per query vector: a ~500 MB float32 embedding
    # table (DD_ITEMS x 64, loaded in the driver) is used inside the function given to
    # `df.mapInPandas(score, schema)`, so cloudpickle puts the whole array into the
    # pickled Python function of the plan's MapInPandas node. A pickled command over
    # spark.broadcast.UDFCompressionThreshold is shipped through sc.broadcast, which the
    # 512m driver JVM serializes into broadcast blocks before any task runs (the others:
    # UDFs / RDD functions / foreachPartition / aggregate / partial / module globals
    # capturing big objects; this one is mapInPandas).
    import numpy as np
    import pandas as pd
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    items = int(os.environ.get("DD_ITEMS", "2000000"))
    table = np.random.default_rng(7).random((items, 64), dtype=np.float32)
    _log("embedding table: %d items, %d MB" % (items, table.nbytes // 2**20))

    def score(batches):
        for pdf in batches:
            q = np.stack([np.full(64, v, dtype=np.float32) for v in pdf["v"]])
            best = (q @ table[:1000].T).argmax(axis=1)
            yield pd.DataFrame({"query_id": pdf["query_id"], "item": best})

    queries = spark.range(0, 10000, 1, 8).select(
        F.col("id").alias("query_id"), (F.col("id") % 97 / 97.0).alias("v")
    )
    out = queries.mapInPandas(score, "query_id long, item long")
    _log("scored queries: %d" % out.count())


# ---------------------------------------------------------------- not_driver_oom


def route_distance_matrix_map_in_arrow(spark):
    # (not_driver_oom; spark.executor.pyspark.memory=1g on the command line) Pairwise
    # distances between delivery stops, computed per Arrow batch with
    # `df.mapInArrow(distances, schema)`: 400,000 stops (4 partitions), and each batch of
    # 10,000 stops builds full 10,000 x 10,000 float64 matrices (dx, dy, their squares,
    # the distances: 800 MB each) to find each stop's nearest neighbour. The workers' address
    # space is capped by spark.executor.pyspark.memory (RLIMIT_AS), so numpy fails to
    # allocate inside the executor's Python worker and the task fails; the driver is healthy
    # (the others: a mapPartitions buffer, a numpy allocation in a UDF, a broadcast dict,
    # applyInPandas pivots, a memoised cache, a CUDA message, crashes; this one is
    # mapInArrow).
    import numpy as np
    import pyarrow as pa
    from pyspark.sql import functions as F
    from scenarios_pyspark import _log

    def distances(batches):
        for rb in batches:
            x = rb.column("x").to_numpy()
            y = rb.column("y").to_numpy()
            dx = x[:, None] - x[None, :]
            dy = y[:, None] - y[None, :]
            d = np.sqrt(dx * dx + dy * dy)
            np.fill_diagonal(d, np.inf)
            yield pa.RecordBatch.from_arrays(
                [rb.column("stop_id"), pa.array(d.min(axis=1))], names=["stop_id", "nearest"]
            )

    stops = spark.range(0, int(os.environ.get("DD_STOPS", "400000")), 1, 4).select(
        F.col("id").alias("stop_id"),
        (F.col("id") * 7919 % 100000 / 1000.0).alias("x"),
        (F.col("id") * 104729 % 100000 / 1000.0).alias("y"),
    )
    nearest = stops.mapInArrow(distances, "stop_id long, nearest double")
    _log("mean nearest-stop distance: %.3f" % nearest.agg(F.avg("nearest")).first()[0])


SCENARIOS = {
    f.__name__: f
    for f in [
        ticket_groupby_numpartitions_rdd,
        item_embedding_map_in_pandas_closure,
        route_distance_matrix_map_in_arrow,
    ]
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()
