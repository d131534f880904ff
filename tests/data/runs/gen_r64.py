#!/usr/bin/env python
"""Run round 64 of the real Spark run matrix under tests/data/runs/ (manifest-r64.jsonl).

    python tests/data/runs/gen_r64.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r64.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r64.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 63, for causes
still thin or confused in driver logs and event logs: the driver heap filled by what it keeps
across many small jobs, one action bringing too much to the driver, ordinary work failing only
because the driver JVM was left small, and a task closure capturing a big driver-side object.
A PySpark run is one ``spark-submit scenarios_r64.py <scenario>`` by gen_more.run; a Scala run
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 63's, the
script being scenarios_r64.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification,
the manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r64).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (MAX_RESULT)
import gen_shell as gs  # noqa: E402  (BROADCAST_OOM, CLUSTER, PARALLEL_GC_LIMIT, RESERVED_32M, main)
import scenarios_r64  # noqa: E402  (SCALA and SQL scripts)

# A small driver (224m, RESERVED_32M) whose full heap throws instead of thrashing
# (PARALLEL_GC_LIMIT), on local-cluster, with round 63's hard timeout: many small queries, each
# kept by the driver.
SMALL_HEAP = dict(mem="224m", gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# The SQL tab's history raised as a team keeping an audit trail would.
AUDIT_HISTORY = {**gs.RESERVED_32M, "spark.sql.ui.retainedExecutions": "20000"}
# A driver of ordinary size (512m unless given) whose full heap throws instead of thrashing,
# on local-cluster, with round 63's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)

SCENARIOS = {
    # SQL: a restricted-items pattern set once as a variable (SET restricted_terms=...) and
    # substituted into every market's query, 600 statements, the SQL tab's history raised.
    "marketplace_listing_screen_per_market_sql": dict(
        label="driver_side_state",
        lang="sql",
        expect=ge.DRIVER_OOM,
        conf=AUDIT_HISTORY,
        **SMALL_HEAP,
    ),
    # Scala (WARN, spark-shell's default): every store's shelf filtered with isin of the 20,000
    # recalled SKUs and counted, one query a store, Spark's default SQL tab history.
    "store_shelf_recall_checks_per_store_day": dict(
        label="driver_side_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf=gs.RESERVED_32M,
        **SMALL_HEAP,
    ),
    # Scala: collect() of a 32-field case-class Dataset, spark.driver.maxResultSize=0.
    "vehicle_inspections_wide_case_class_collect": dict(
        label="collect_to_driver",
        lang="scala",
        expect=ge.DRIVER_OOM,
        reject=gm.MAX_RESULT,
        conf={"spark.driver.maxResultSize": "0"},
        **DRIVER_512,
    ),
    # PySpark: a distinct id column collected into a Python list for an isin filter.
    "churned_customer_ids_distinct_collect_isin": dict(
        label="collect_to_driver",
        expect=ge.DRIVER_OOM,
        reject=gm.MAX_RESULT,
        **DRIVER_512,
    ),
    # Scala: spark-shell, SparkSession.builder.config('spark.driver.memory', '6g') on the
    # shell's existing session, then a broadcast join of the partner dimension; the driver
    # left at the launcher's default 1g.
    "partner_payouts_shell_session_builder_broadcast_join": dict(
        label="client_mode_small_driver",
        lang="scala",
        expect=gs.BROADCAST_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # PySpark: a multinomial logistic regression over hashed ticket words, the driver left at
    # Spark's default 1g.
    "support_ticket_queue_router_multinomial_logreg": dict(
        label="client_mode_small_driver",
        expect=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # PySpark: rdd.aggregateByKey whose seq function captures an 800 MB numpy price array.
    "basket_totals_aggregate_by_key_price_array": dict(
        label="large_closure",
        expect=ge.DRIVER_OOM,
        **DRIVER_512,
    ),
}

# Dropped after two tries (see the README section and the note in scenarios_r64.py): a
# driver_side_state scenario in PySpark, campaign_audience_overlap_pasted_id_lists (SMALL_HEAP,
# AUDIT_HISTORY), every campaign's customer ids pasted into spark.sql text as an IN list, one
# query a campaign: parsing and analysing the list filled the 224m driver within the fourth
# (25,000 ids, 3.5) or ninth (10,000 ids, 4.3) campaign, not after many jobs.
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_SCREEN = (
    "note: spark-sql, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " PARALLEL_GC_LIMIT, spark.sql.ui.retainedExecutions=20000 (raised by the team for its audit"
    " trail): the marketplace's listing screen run market by market from a generated SQL file,"
    " the trust team's restricted-items pattern (8,000 terms, about 250,000 characters) set once"
    " with 'SET restricted_terms=(?i)(...)' (the CLI printing the whole value back) and"
    " substituted into each market's 'SELECT m AS market, count(*) AS listings,"
    " count_if(title RLIKE '${{restricted_terms}}') AS flagged FROM listings WHERE market_id = m'"
    " over a temp view of 300,000 generated listings (600 markets of 500): each statement a"
    " small query ('N 500 0' printed) whose job description (the substituted statement), SQL"
    " execution and plan (the pattern in both aggregates) the driver keeps; {where}; no executor"
    " OutOfMemoryError; no statement needs more than a few MB, the driver full of what it keeps of"
    " every statement: labelled driver_side_state"
)
_RECALL = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 224m (RESERVED_32M), PARALLEL_GC_LIMIT, Spark's default spark.sql.ui.retainedExecutions"
    " (1000): the supplier's recall notice checked store by store, the 20,000 recalled SKUs a"
    " Scala Seq, each store's shelf items (800,000 generated items, 400 a store)"
    ' filtered with shelf.where($"store_id" === store && $"sku".isin(recalled: _*)).count(), one'
    " small query a store ('store NNNN: N recalled items on the shelf'), each SQL execution's"
    " plan description and plan graph holding the whole SKU list (about 260,000 characters);"
    " {where}; no executor OutOfMemoryError; each query reads a few hundred rows, the driver full"
    " of what it keeps of every query: labelled driver_side_state"
)
_INSPECTIONS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m, PARALLEL_GC_LIMIT, spark.driver.maxResultSize=0 (unlimited, as the team sets it for"
    " exports): the roadworthiness audit, a year's 1,200,000 vehicle inspections as a typed"
    " Dataset[Inspection] of a 32-field case class (fourteen strings among them a 128-character"
    " notes hash and a 64-character owner reference, fifteen doubles, a long, ints and a"
    " boolean; 24 partitions) collected with collect() into an Array[Inspection] for the audit"
    " tool; the results of the 24 tasks, tens of MB each, fetched by the driver as remote"
    " task-result blocks; {where}; 'inspections for the audit tool' never printed; no executor"
    " OutOfMemoryError, no maxResultSize abort: labelled collect_to_driver"
)
_LAPSED = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT, INFO log,"
    " Spark's default spark.driver.maxResultSize (1g): the win-back campaign, the last order of"
    " each of 20,000,000 customers over 24,000,000 orders (groupBy + max on the executors), the"
    " customers without an order since 2026-09-01 (about 12,000,000) brought to the Python"
    " driver as a list for an isin filter, ids_list = [r.customer_id for r in"
    " lapsed.collect()] (line 79); each row one long, the serialized results well under the"
    " result limit, but the JVM decodes every row into the collect's buffer before handing them to Python;"
    " {where}; 'lapsed customers' never printed, no isin filter built; no executor"
    " OutOfMemoryError, no maxResultSize abort: labelled collect_to_driver"
)
_PAYOUTS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 1g (the launcher's default, passed explicitly), PARALLEL_GC_LIMIT: the partner payouts"
    " report written in a spark-shell session whose setup paragraph asks"
    ' SparkSession.builder.appName("partner-payouts").config("spark.driver.memory",'
    ' "6g").config("spark.sql.autoBroadcastJoinThreshold", "1g").getOrCreate() for a 6g driver'
    " and a 1g broadcast threshold; the shell's session already exists, so only the runtime SQL"
    " setting applies ('WARN SparkSession: Using an existing Spark session; only runtime SQL"
    " configurations will take effect.') while the session's conf answers 'driver memory: 6g,"
    " broadcast threshold: 1g' (printed by the script) and the driver JVM keeps its 1g; the"
    " month's 6,000,000 payouts joined with the 2,500,000 partners (three sha2-256 references"
    " each, about 600 MB of rows) broadcast under the raised threshold; {where}; no tier"
    " printed; no executor OutOfMemoryError; a 6g driver would build the broadcast: labelled"
    " client_mode_small_driver"
)
_ROUTER = (
    "note: local-cluster[2,1,1024], executors 768m, driver 1g (Spark's default, passed"
    " explicitly: 'driver memory: 1g' printed, 'MemoryStore started with capacity 366.3 MiB'),"
    " PARALLEL_GC_LIMIT, INFO log: the support desk's queue router, a Pipeline of Tokenizer,"
    " HashingTF(numFeatures=32768) and LogisticRegression(family='multinomial', maxIter=40)"
    " fitted on 200,000 cached tickets of 240 queues (4 partitions; 'tickets: 200000'): 7.9"
    " million coefficients (63 MB), every L-BFGS iteration a treeAggregate at"
    " RDDLossFunction.scala:61 whose 4 task results are dense gradients of that size, summed on"
    " the driver beside the L-BFGS history; {where}; 'router trained' never printed; no executor"
    " OutOfMemoryError; an ordinary text model that a driver of a few GB fits: labelled"
    " client_mode_small_driver"
)
_BASKETS = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT, INFO log: the"
    " basket value report, 2,000,000 basket lines of 300,000 baskets as a Python pair RDD"
    " (lines.rdd.map(...)) summed with aggregateByKey(0.0, add_line, ...), add_line looking each"
    " line's price up in the marketplace's price list, a numpy float64 array indexed by SKU"
    " number ({size}) that the function captures; PySpark pickles the function with the array"
    " and, being over the broadcast threshold, sends the pickled command as a broadcast"
    " variable that the driver JVM reads from a file and cuts into 4 MB pieces; {where}"
)
OUTCOME_NOTES = {
    "marketplace_listing_screen_per_market_sql--sql--spark35--cluster": _SCREEN.format(
        where="markets 0 to 23 answered ('Time taken: 1.5 seconds' at first, 5.2 s for market"
        " 23), then during market 24's statement 'ERROR Utils: uncaught error in thread"
        " spark-listener-group-eventLog, stopping SparkContext' / 'java.lang.OutOfMemoryError:"
        " Java heap space' (Jackson writing an event with the pattern into the event log),"
        " 'Exception in thread \"spark-listener-group-eventLog\"', 'ERROR SparkSQLDriver: Failed"
        " in [SELECT 24 AS market, ... '${{restricted_terms}}' ...]' /"
        " 'java.lang.IllegalStateException: Cannot call methods on a stopped SparkContext.'; the"
        " CLI stopped at the failed statement, exit 1 after 77 s; 24 markets"
        " before the heap ran out"
    ),
    "marketplace_listing_screen_per_market_sql--sql--spark43--cluster": _SCREEN.format(
        where="markets 0 to 141 answered (1.5 to 2.4 s each), then 'ERROR SparkSQLDriver:"
        " Failed in [SELECT 142 AS market, ... '${{restricted_terms}}' ...]' /"
        " 'java.util.concurrent.ExecutionException: Boxed Exception' / 'Caused by:"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' (at"
        " CodeFormatter.stripOverlappingComments, the statement's code being generated); the CLI"
        " stopped, exit 1 after 127 s; 142 markets before the heap ran out"
    ),
    "store_shelf_recall_checks_per_store_day--scala--spark35--cluster": _RECALL.format(
        where="'store 0000' to 'store 0101' printed (about 1.3 s a store, the old generation full"
        " from about store 90 on, 379 full collections by then), then 'WARN"
        " TransportChannelHandler: Exception in connection from /192.0.2.2:N' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'WARN BlockManagerMaster:"
        " Failed to remove broadcast 203 with removeFromMaster = true - Boxed Error', 'ERROR"
        " ContextCleaner: Error cleaning broadcast 203', 'ERROR TaskSchedulerImpl: Lost executor"
        " 0 on 192.0.2.2: Command exited with code 0'; the shell printed"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' for the loop and went on to the"
        " end of the script, exit 0 after 167 s; 102 stores before the heap ran"
        " out"
    ),
    "store_shelf_recall_checks_per_store_day--scala--spark43--cluster": _RECALL.format(
        where="'store 0000' to 'store 0040' printed (about 2.5 s a store, the old generation at"
        " 99.9 % by store 39), then the shell printed 'java.lang.OutOfMemoryError: GC"
        " overhead limit exceeded' for the loop, no other error line (spark-shell's WARN log),"
        " exit 0 after 129 s; 41 stores before the heap ran out"
    ),
    "vehicle_inspections_wide_case_class_collect--scala--spark35--cluster": _INSPECTIONS.format(
        where="'WARN SparkStringUtils: Truncated the string representation of a plan', then 15 s"
        " into the job 'WARN BlockManager: Failed to fetch remote block taskresult_15 from"
        " [BlockManagerId(1, ...)] after 1 fetch failures' / 'Caused by:"
        " java.util.concurrent.ExecutionException: Boxed Error' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space' (the driver's buffer for the fetched result,"
        " at ByteBuffer.allocate <- CompositeByteBuf.nioBuffer), 'Lost task 15.0 ... TaskResultLost"
        " (result lost from block manager)', the same for taskresult_17, then 'ERROR"
        " TaskResultGetter: Exception while getting task result' /"
        " 'java.lang.IllegalStateException: unread block data', 'SparkException: Job aborted due to"
        " stage failure: Exception while getting task result: java.lang.IllegalStateException:"
        " unread block data' at collect; exit 0 after 23 s (the shell goes on)"
    ),
    "vehicle_inspections_wide_case_class_collect--scala--spark43--cluster": _INSPECTIONS.format(
        where="'WARN SparkStringUtils: Truncated the string representation of a plan', then 'WARN"
        " BlockManager: Failed to fetch remote block taskresult_12 ...' / 'Caused by:"
        " java.util.concurrent.ExecutionException: Boxed Exception' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space', 'TaskResultLost (result lost from block"
        " manager)' for tasks 12, 14 and 12.1, 'ERROR TaskResultGetter: Exception while getting"
        " task result' / 'java.lang.IllegalStateException: unread block data', 'Job aborted due to"
        " stage failure: Exception while getting task result: java.lang.IllegalStateException:"
        " unread block data'; exit 0 after 25 s"
    ),
    "churned_customer_ids_distinct_collect_isin--pyspark--spark35--cluster": _LAPSED.format(
        where="the aggregation's jobs done, then the Python driver's traceback at line 79 <-"
        " dataframe.py collect: 'py4j.protocol.Py4JJavaError: An error occurred while calling"
        " o62.collectToPython.' / ': java.lang.OutOfMemoryError: Java heap space' (at"
        " ArrayBuffer.$plus$eq <- SparkPlan.executeCollect, the decoded rows); exit 1 after 30 s"
    ),
    "churned_customer_ids_distinct_collect_isin--pyspark--spark43--cluster": _LAPSED.format(
        where="the Python driver's traceback at line 79 <- classic/dataframe.py collect:"
        " 'py4j.protocol.Py4JJavaError: An error occurred while calling o73.collectToPython.' /"
        " ': java.util.concurrent.ExecutionException: Boxed Exception' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space' (at ArrayBuffer.addOne, the decoded"
        " rows); exit 1 after 32 s. A first start (not kept) failed in 1 s with a NameError while"
        " scenarios_r64.py was being edited (the dropped body's removal); made again"
    ),
    "partner_payouts_shell_session_builder_broadcast_join--scala--spark35--cluster": _PAYOUTS.format(
        where="six seconds into the join 'org.apache.spark.SparkException: Not enough memory to"
        " build and broadcast the table to all worker nodes. As a workaround, you can either"
        " disable broadcast by setting spark.sql.autoBroadcastJoinThreshold to -1 or increase the"
        " spark driver memory by setting spark.driver.memory to a higher value.' at"
        " BroadcastExchangeExec.relationFuture (Spark 3.5's SparkFatalException hides the"
        " OutOfMemoryError line); exit 0 after 17 s (the shell goes on)"
    ),
    "partner_payouts_shell_session_builder_broadcast_join--scala--spark43--cluster": _PAYOUTS.format(
        where="'WARN TaskMemoryManager: Failed to allocate a page (268435456 bytes), try spilling"
        " task memory.' / 'java.lang.OutOfMemoryError: Java heap space' (the driver building the"
        " hashed relation), then 'org.apache.spark.SparkException: Not enough memory to build and"
        " broadcast the table to all worker nodes. ... increase the spark driver memory by setting"
        " spark.driver.memory to a higher value or apply the shuffle sort merge join hint ...' at"
        " BroadcastExchangeExec.relationFuture; exit 0 after 20 s"
    ),
    "support_ticket_queue_router_multinomial_logreg--pyspark--spark35--cluster": _ROUTER.format(
        where="two L-BFGS steps logged ('INFO LBFGS: Val and Grad Norm: 1.79399 (rel: 0.673)"
        " 0.928249', then 0.0202551), then in job 10 (treeAggregate at RDDLossFunction.scala:61)"
        " 'ERROR Utils: Uncaught exception in thread task-result-getter-1' /"
        " 'java.lang.OutOfMemoryError: Java heap space' (at ObjectInputStream.readArray, a task's"
        " gradient being deserialized), the same for task-result-getter-3 and -0; the job hung,"
        " killed 60 s after the first OutOfMemoryError (114 s)"
    ),
    "support_ticket_queue_router_multinomial_logreg--pyspark--spark43--cluster": _ROUTER.format(
        where="three L-BFGS steps logged (the third 'Val and Grad Norm: 0.000420601 (rel: 0.979)'),"
        " then in stage 21 'WARN BlockManager: Failed to fetch remote block taskresult_53 ...' /"
        " 'Caused by: java.lang.OutOfMemoryError: Java heap space', 'TaskResultLost (result lost"
        " from block manager)' four times, 'ERROR TaskSetManager: Task 0 in stage 21.0 failed 4"
        " times; aborting job', 'ERROR Instrumentation: org.apache.spark.SparkException: Job"
        " aborted due to stage failure: ...', the Python driver's traceback at line 127"
        " (pipeline.fit) <- ml/wrapper.py _fit_java: 'Py4JJavaError'; exit 1 after 64 s"
    ),
    "basket_totals_aggregate_by_key_price_array--pyspark--spark35--cluster": _BASKETS.format(
        size="100,000,000 SKU numbers, 762 MB",
        where="'price list: 100000000 SKUs, 762 MB', then 'WARN Utils: Suppressing exception in"
        " finally: Java heap space' / 'java.lang.OutOfMemoryError: Java heap space' (at"
        " TorrentBroadcast.blockifyObject <- ChunkedByteBufferOutputStream), 'ERROR"
        " TorrentBroadcast: Store broadcast broadcast_0 fail, remove all pieces of the"
        " broadcast', the Python driver's traceback at line 159 (the aggregateByKey call) <-"
        " combineByKey <- partitionBy <- _jrdd <- _wrap_function <- _prepare_for_python_RDD <-"
        " broadcast: 'Py4JJavaError: An error occurred while calling o22.broadcast.' /"
        " 'java.lang.OutOfMemoryError: Java heap space'; no job started; exit 1 after 16 s; no"
        " broadcast variable in the program, the broadcast is PySpark's for the pickled"
        " function: labelled large_closure. A first try (not kept) with 50,000,000 SKU numbers"
        " (381 MB) fitted: the pieces of the pickled function went to the driver's memory store"
        " (96 of 4 MB), the executors fetched them and the job finished ('baskets valued:"
        " 300000', exit 0 after 43 s); the committed body has 100,000,000",
    ),
    "basket_totals_aggregate_by_key_price_array--pyspark--spark43--cluster": _BASKETS.format(
        size="100,000,000 SKU numbers, 762 MB",
        where="'price list: 100000000 SKUs, 762 MB', then 'WARN Utils: Suppressing exception in"
        " finally: Java heap space' / 'java.lang.OutOfMemoryError: Java heap space' (at"
        " TorrentBroadcast.blockifyObject <- ChunkedByteBufferOutputStream.allocateNewChunkIfNeeded),"
        " 'ERROR TorrentBroadcast: Store broadcast broadcast_0 fail, remove all pieces of the"
        " broadcast', the Python driver's traceback at line 159 <- core/rdd.py aggregateByKey <-"
        " combineByKey <- partitionBy <- _jrdd <- _wrap_function <- _prepare_for_python_RDD <-"
        " core/context.py broadcast: 'Py4JJavaError: An error occurred while calling"
        " o22.broadcast.' / 'java.lang.OutOfMemoryError: Java heap space'; no job started; exit 1"
        " after 18 s; no broadcast variable in the program, the broadcast is PySpark's for the"
        " pickled function: labelled large_closure",
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r64)


if __name__ == "__main__":
    main()
