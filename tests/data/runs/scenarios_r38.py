"""Bodies of the round-38 scenarios of the run matrix (tests/data/runs/), run by gen_r38.py.

Round 38 mixes PySpark and Scala, as rounds 36 and 37 do. ``spark-submit scenarios_r38.py
<scenario>`` runs a PySpark body below (the helpers _spark and _log are those of
scenarios_pyspark.py, imported, not copied); a SCALA script is run by gen_r38.py as
``spark-shell -i <script>`` (stdin /dev/null, so the shell quits at the end of the script)
from the launcher of the pip pyspark wheel, as gen_r35.py / gen_r36.py / gen_r37.py do.
Driver memory, master, GC and event-log settings come from the command line; sizes can be
changed with the DD_* environment variables. Each scenario reaches a failure of the matrix
by a code path that no scenario of the earlier rounds uses; gen_r38.py records what really
happened. The scenario names say what the job does, not how it fails, and the scripts print
only what such a job would print.
"""

import os
import sys

# ---------------------------------------------------------------- broadcast_too_large


def recsys_item_embedding_matrix_sc_broadcast(spark):
    # (broadcast_too_large) A recommendation job loads the item embedding matrix (2,000,000
    # items x 64 float32, ~488 MiB) as a numpy array on the driver and shares it with the
    # scoring tasks by sc.broadcast(emb). PySpark pickles the array to a file on the
    # driver and the driver JVM reads that file back to cut the broadcast into pieces
    # (the other Python broadcasts: a dict of 1 MB values, pandas frames, UDF closures;
    # this one is sc.broadcast of a numpy ndarray).
    import numpy as np
    from scenarios_pyspark import _log

    n_items = int(os.environ.get("DD_ITEMS", "2000000"))
    dim = int(os.environ.get("DD_DIM", "64"))
    emb = np.random.default_rng(3).standard_normal((n_items, dim), dtype=np.float32)
    _log("item embeddings loaded: %d x %d (%d MiB)" % (n_items, dim, emb.nbytes >> 20))
    sc = spark.sparkContext
    b_emb = sc.broadcast(emb)
    pairs = sc.parallelize(range(200000), 8)
    sims = pairs.map(lambda i: float(b_emb.value[i % n_items] @ b_emb.value[i * 7919 % n_items]))
    _log("mean item-item similarity: %.4f" % sims.mean())


# ---------------------------------------------------------------- not_driver_oom


def invoice_pdf_render_udf_blob(spark):
    # (not_driver_oom; local-cluster, executors 768m) Invoices rendered to PDF by a Python
    # UDF returning the document as bytes; a template bug repeats the page body so each
    # invoice comes back as a ~400 MiB blob. The executor JVM reads each blob back from its
    # Python worker and runs out of heap; the driver only sees lost tasks and executors
    # (the other executor look-alikes: Scala maps, skewed joins, explode, Python worker
    # caps; this one is a Python UDF's result too big for the executor JVM).
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    from scenarios_pyspark import _log

    blob_mb = int(os.environ.get("DD_BLOB_MB", "400"))

    @F.udf(T.BinaryType())
    def render_pdf(invoice_id):
        page = (b"%%PDF-1.7 invoice %d " % invoice_id).ljust(4096, b".")
        return page * (blob_mb * 256)

    invoices = spark.range(0, 16, 1, 16).withColumnRenamed("id", "invoice_id")
    pdfs = invoices.select("invoice_id", render_pdf("invoice_id").alias("pdf"))
    total = pdfs.select(F.sum(F.length("pdf"))).first()[0]
    _log("invoices rendered: %d bytes" % total)


# ---------------------------------------------------------------- large_closure


def chargeback_blocklist_rdd_filter_set_closure(spark):
    # (large_closure) A chargeback screening job keeps a blocklist of 32,000,000 card
    # fingerprints as a Python set on the driver and screens the day's transactions with
    # rdd.filter(lambda fp: fp in blocked). The lambda closes over the set, so cloudpickle
    # pickles the whole set into the task's command; over 1 MB, PySpark hands the pickled
    # command to the driver JVM as a broadcast (the other Python closures: UDFs,
    # mapPartitions, foreachPartition, flatMap, sortBy, aggregate; this one is rdd.filter
    # over a set of strings).
    from scenarios_pyspark import _log

    n_blocked = int(os.environ.get("DD_BLOCKED", "32000000"))
    mask = 0xFFFFFFFFFFFFFFFF
    blocked = {"%016x" % (i * 0x9E3779B97F4A7C15 & mask) for i in range(n_blocked)}
    _log("blocklist loaded: %d card fingerprints" % len(blocked))
    sc = spark.sparkContext
    txns = sc.parallelize(range(2000000), 8).map(lambda i: "%016x" % (i * 0x2545F491 & mask))
    flagged = txns.filter(lambda fp: fp in blocked).count()
    _log("transactions flagged for chargeback review: %d" % flagged)


SCENARIOS = {
    f.__name__: f
    for f in [
        recsys_item_embedding_matrix_sc_broadcast,
        invoice_pdf_render_udf_blob,
        chargeback_blocklist_rdd_filter_set_closure,
    ]
}

SCALA = {
    # (cached_block_metadata) Parcel scan batches of a sorting centre, each an RDD of 5,000
    # small partitions persisted MEMORY_ONLY "for the end-of-shift reconciliation" and kept
    # in a driver-side buffer, never unpersisted. The data is a few bytes a block; what
    # grows is the bookkeeping of every block on the driver (block manager master, the
    # storage status of each cached RDD, the in-process block manager of local[*]). The
    # driver runs the Parallel collector with a stricter GC overhead limit, so a heap full
    # of live block records ends in an OutOfMemoryError instead of endless full GCs (the
    # others: chains of cached RDDs / DataFrames, DISK_ONLY per hour; this one is
    # MEMORY_ONLY batches under -XX:GCTimeLimit / -XX:GCHeapFreeLimit).
    "parcel_scan_batches_memory_persist_kept": """
// Parcel scan batches, kept in memory for the end-of-shift reconciliation.
import org.apache.spark.storage.StorageLevel
val parts = sys.env.getOrElse("DD_PARTS", "5000").toInt
val batches = sys.env.getOrElse("DD_BATCHES", "400").toInt
val kept = scala.collection.mutable.ArrayBuffer.empty[org.apache.spark.rdd.RDD[(Int, Long)]]
val t0 = System.nanoTime
for (b <- 0 until batches) {
  val scans = sc.parallelize(0 until parts, parts).map(p => (p, p.toLong * 31 + b))
  scans.persist(StorageLevel.MEMORY_ONLY)
  scans.count()
  kept += scans
  if (b % 10 == 9) println(s"batch $b: ${kept.size} scan batches cached, ${kept.size.toLong * parts} partitions, ${(System.nanoTime - t0) / 1000000000L} s")
}
println(s"shift reconciliation ready: ${kept.size} batches")
""",
    # (max_result_size; spark.driver.maxResultSize=4m) Month-end audit: the auditors want the
    # latest 50,000 ledger entries with every column; Dataset.tail(n) keeps the last n rows
    # of each of the 30 partitions and sends them to the driver, ~1 KB a row (16 hash
    # columns), so each task's result is several MiB (the others: collect / take /
    # toPandas / aggregates / ML summaries; this one is a Scala Dataset.tail of wide rows).
    "ledger_audit_latest_entries_tail_wide": """
// Month-end audit: the latest ledger entries with every column, for the auditors' sheet.
val n = sys.env.getOrElse("DD_ENTRIES", "600000").toLong
val cols = (0 until 16).map(i => s"sha2(CAST(id * 31 + $i AS STRING), 256) AS attr_$i")
val ledger = spark.range(0L, n, 1, 30).selectExpr(Seq("id AS entry_id", "id % 5000 AS account") ++ cols: _*)
val latest = ledger.tail(50000)
println(s"latest entries for the audit sheet: ${latest.length}")
""",
    # (not_driver_oom; local-cluster) A nightly reconciliation whose spark.executor.memory was
    # trimmed to 300m "to fit more executors on the node". Spark refuses the setting before
    # anything runs: the driver's SparkContext checks the executors' memory against the
    # memory manager's minimum and fails to start with an error that names memory and
    # spark.executor.memory, though nothing ran out of memory (the other look-alikes:
    # executor OOMs, timeouts, analysis errors; this one is a refused memory setting).
    "reconcile_job_executor_memory_trimmed": """
// Nightly reconciliation of payments against the bank statement lines.
val lines = spark.range(0L, 2000000L, 1, 16).selectExpr("id % 100000 AS account", "id * 3 % 997 AS cents")
println(s"accounts reconciled: ${lines.groupBy("account").sum("cents").count()}")
""",
}


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from scenarios_pyspark import _spark

    name = sys.argv[1]
    spark = _spark(name)
    SCENARIOS[name](spark)
    spark.stop()


# Added to SCALA after the PySpark runs were made, below the __main__ block so that no line
# quoted by a PySpark traceback moved; gen_r38.py imports the module, so it is there.
SCALA.update(
    {
        # (driver_side_state) Courier routing loads every stop of the day on the driver to
        # plan the routes: Dataset.toLocalIterator() (one partition at a time, so "no big
        # collect") and each Row, with its ~2 KB address blob, kept in an ArrayBuffer (the
        # others: toLocalIterator into Python dicts, accumulators, listeners; this one is a
        # Scala toLocalIterator into a driver-side buffer).
        "route_stops_local_iterator_buffer": """
// Courier routing: every stop of the day kept in memory to plan the routes.
import org.apache.spark.sql.Row
val n = sys.env.getOrElse("DD_STOPS", "600000").toLong
val stops = spark.range(0L, n, 1, 40).selectExpr("id AS stop_id", "id % 800 AS route", "repeat(sha2(CAST(id AS STRING), 256), 32) AS address_blob")
val buffer = scala.collection.mutable.ArrayBuffer.empty[Row]
val it = stops.toLocalIterator()
while (it.hasNext) {
  buffer += it.next()
  if (buffer.size % 100000 == 0) println(s"${buffer.size} stops loaded")
}
println(s"stops loaded for routing: ${buffer.size}")
""",
    }
)
