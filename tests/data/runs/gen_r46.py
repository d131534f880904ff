#!/usr/bin/env python
"""Run round 46 of the real Spark run matrix under tests/data/runs/ (manifest-r46.jsonl).

    python tests/data/runs/gen_r46.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r46.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r46.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 45, that reach the
causes of the matrix by code paths none of the earlier rounds uses (see the README section). A
PySpark run is one ``spark-submit scenarios_r46.py <scenario>`` by gen_more.run; a Scala run is
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 45's, the
script being scenarios_r46.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification,
the manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r46).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (OOM)
import gen_shell as gs  # noqa: E402  (BROADCAST_OOM, EXECUTOR_*, PARALLEL_GC_LIMIT, main)
import scenarios_r46  # noqa: E402  (SCALA and SQL scripts)

SCENARIOS = {
    # SQL: a star join of 6,000,000 sales with four 400,000-row dimensions, all broadcast
    # under a threshold raised to 64MB.
    "retail_sales_star_schema_report_sql": dict(
        label="broadcast_too_large", lang="sql", expect=gs.BROADCAST_OOM, timeout=300
    ),
    # Scala: new CountVectorizerModel(vocabulary of 1,400,000 terms).transform, which
    # broadcasts a term -> index Map of the vocabulary.
    "search_queries_vocabulary_featurize": dict(
        label="broadcast_too_large", lang="scala", expect=ge.DRIVER_OOM, timeout=240
    ),
    # (local-cluster only) SQL: array_contains against a scalar subquery's collect_set of
    # 750,000 lot codes, a literal in the task binary; the subquery's aggregation runs on the
    # executors, the driver only holds its value.
    "recalled_lots_order_lines_screen_sql": dict(
        label="large_closure",
        lang="sql",
        expect=ge.DRIVER_OOM,
        timeout=300,
        variants=gs.CLUSTER,
    ),
    # PySpark (WARN log): a Python UDTF registered for SQL whose eval uses a 320,000-bundle
    # dict from the driver.
    "order_bundle_components_python_udtf": dict(
        label="large_closure", expect=ge.DRIVER_OOM, timeout=240
    ),
    # SQL: a skew join of 1,200 x 1,200 pieces (AQE sizes given in bytes by mistake).
    "visitor_page_views_clicks_funnel_sql": dict(
        label="too_many_tasks",
        lang="sql",
        expect=ge.DRIVER_OOM,
        timeout=360,
        gc=gs.PARALLEL_GC_LIMIT,
    ),
    # PySpark (WARN log): FPGrowth with numPartitions=2,500,000.
    "basket_rules_fpgrowth_partitions": dict(
        label="too_many_tasks", expect=ge.DRIVER_OOM, timeout=300, gc=gs.PARALLEL_GC_LIMIT
    ),
    # (local-cluster only) SQL: ORDER BY amount DESC LIMIT 3000000 written as Parquet; each
    # TakeOrderedAndProject map task keeps its 1,500,000 rows in a 768m executor.
    "top_transactions_audit_extract_sql": dict(
        label="not_driver_oom",
        lang="sql",
        # Not "Lost executor": every local-cluster shutdown logs "Lost executor N ... code 143".
        expect=gs.EXECUTOR_LOST,
        timeout=420,
        **gs.EXECUTOR_OOM_RUN,
    ),
    # Scala: an rdd.map closure capturing an FX rate cache of a class that is not
    # Serializable: "Task not serializable", no OutOfMemoryError.
    "fx_rate_cache_trade_valuation": dict(
        label="not_driver_oom",
        lang="scala",
        expect=r"Task not serializable",
        reject=gm.OOM,
        timeout=180,
    ),
}

# Tried and not kept (see the README): customer_master_fixed_width_enrichment (Scala,
# broadcast_too_large meant: a 120,000-record fixed-width extract of 3,000 mostly blank
# characters joined to 3,000,000 orders at Spark's defaults, expecting adaptive execution to
# broadcast it because its compressed shuffle was ~6 MB) ran once on 3.5 (12:45, 54 s) and
# finished (exit 0, the 40 regions printed): the shuffle wrote 6,294,227 bytes, but AQE sized
# the stage by its uncompressed rows ('Statistics(sizeInBytes=346.1 MiB, rowCount=1.20E+5)' in
# the event log's plan) and kept the sort-merge join; the run dropped, the scenario replaced by
# search_queries_vocabulary_featurize. The first 3.5 run of search_queries_vocabulary_featurize
# (12:46, 2,000,000 terms of 34 characters) ran out of heap after 60 s of garbage collection
# with no frame of its own (the REPL's bare 'java.lang.OutOfMemoryError: Java heap space', then
# the driver-heartbeater and spark-listener-group-appStatus threads), so the log did not say
# whether the heap ran out building the term map or broadcasting it; made again (the run
# replaced) with 1,400,000 terms of 98 characters. The first 3.5 run of
# recalled_lots_order_lines_screen_sql (12:48, local[*], 600,000 lot codes) ran out of heap in
# the subquery's own aggregation, in a task thread of the in-driver executor
# (ObjectAggregationIterator -> UnsafeWriter.write -> BufferHolder.grow, exit 52), before the
# value reached any task binary; the run dropped and the scenario made a local-cluster one (the
# subquery's aggregation on the executors) with 750,000 lot codes. The first 3.5 run of
# order_bundle_components_python_udtf (12:49, 600 random bytes per bundle) registered the UDTF
# without error (its ~380 MB pickled command fitted) and then stopped at a ParseException of
# its own selectExpr ('id %% 3 + 1 AS qty'); made again (the run replaced) with 1,200 bytes
# per bundle and the expression fixed.
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_STAR = (
    "note: the script raises spark.sql.autoBroadcastJoinThreshold to 64MB; each of the four"
    " dimensions (400,000 rows, a sha-512 and a sha-256 text column) is estimated at ~11 MB (row"
    " count times the default 20 bytes of a string), so all four joins are planned as"
    " BroadcastHashJoin (the event log's plan), and adaptive execution started the four"
    " dimensions' collect jobs within {ms} ms of each other (the JobStart events); {where}: the"
    " driver building several broadcast relations of one star join at once: labelled"
    " broadcast_too_large"
)
_VOCAB = (
    "note: new CountVectorizerModel(vocabulary) of the 1,400,000 98-character query fingerprints"
    " built in the shell; its transform builds a term -> index Map of the whole vocabulary on the"
    " driver and broadcasts it with SparkContext.broadcast; the heap ran out while the broadcast"
    " stored its driver copy (TorrentBroadcast.writeBlocks -> BlockManager.putSingle ->"
    " MemoryStore.putIteratorAsValues -> SizeEstimator sizing the Map){where}, before any job (no"
    " job in the event log); 'queries featurized' never printed, exit 0 (the shell goes on): an"
    " implicit broadcast of a driver-built dictionary: labelled broadcast_too_large"
)
_RECALL = (
    "note: local-cluster (driver 512m, executors 768m): the scalar subquery (SELECT"
    " collect_set(lot_code) FROM recalled_lots) ran first, its two jobs (8 map tasks and the final"
    " aggregation task) on the executors, which did not run out of memory, and returned one array"
    " of 750,000 132-character lot codes (~100 MB) to the driver; array_contains(<that value>,"
    " lot_code) made it a literal in the generated code of the screening stage, and the driver ran"
    " out of heap serializing that stage's closure (UnsafeArrayData.writeExternal <-"
    " JavaSerializerInstance.serialize <- {cleaner} <- SparkContext.clean <-"
    " RDD.mapPartitionsWithIndex) before the screening job started (the event log has only the"
    " subquery's jobs): labelled large_closure"
)
_FUNNEL = (
    "note: the script sets spark.sql.adaptive.advisoryPartitionSizeInBytes=64 and"
    " spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes=256 (bytes; meant in MB); both"
    " 1,200-task map stages finished and adaptive execution re-planned the join as"
    " 'SortMergeJoin(skew=true)' with both sides' shuffle reads 'coalesced and skewed' (the event"
    " log's SparkListenerSQLAdaptiveExecutionUpdate): the 'anonymous' partition split into up to"
    " one piece per map task on each side (1,200), every left piece paired with every right piece"
    " (up to 1,440,000 tasks); {where}, before the join stage was submitted (no third job in the"
    " event log): labelled too_many_tasks"
)
_BASKETS = (
    "note: FPGrowth(numPartitions=2500000): MLlib's FP-growth counts the items with reduceByKey"
    " over a HashPartitioner of that many partitions and collects them (genFreqItems), a job"
    " whose result stage has 2,500,000 tasks; {where}: labelled too_many_tasks"
)
_TOP = (
    "note: local-cluster, executors 768m: ORDER BY amount DESC LIMIT 3000000 is planned as"
    " TakeOrderedAndProject; the single final task, which keeps the best 3,000,000 rows (~450"
    " bytes each) in memory (Utils.takeOrdered / Guava Ordering.leastOf, UnsafeRow.copy), ran out"
    " of heap on its executor each time ({n} executor stderr files hold the OutOfMemoryError at"
    " TakeOrderedAndProjectExec {frame}), each such executor exiting with code 52, then fetch"
    " failures and stage retries until ResultStage 1 had failed 4 times; the driver itself had no"
    " OutOfMemoryError: labelled not_driver_oom"
)
_FX = (
    "note: a look-alike of large_closure: the closure of trades.map captures fx, an FxRateCache"
    " (a plain Scala class, not Serializable) holding 1,728,000 minute rates; the closure"
    " cleaner's serializability check ({cleaner}) fails at once with 'Task not serializable' /"
    " 'java.io.NotSerializableException: FxRateCache' (the frames a closure too large to"
    " serialize also shows), no job started (none in the event log) and nothing ran out of memory"
    " (no OutOfMemoryError); 'trades valued' never printed, exit 0 (the shell goes on): labelled"
    " not_driver_oom"
)
OUTCOME_NOTES = {
    "retail_sales_star_schema_report_sql--sql--spark35--local": _STAR.format(
        ms=178,
        where="two had finished when the next build failed ('Not enough space to cache"
        " broadcast_4 in memory! (computed 131.1 MiB so far)', then 'Not enough memory to build"
        " and broadcast the table'; 3.5 prints no OutOfMemoryError line)",
    ),
    "retail_sales_star_schema_report_sql--sql--spark43--local": _STAR.format(
        ms=172,
        where="two had finished when the third relation ran out of heap"
        " (LongToUnsafeRowMap.grow <- LongHashedRelation <- HashedRelationBroadcastMode.transform"
        " <- BroadcastExchangeExec.relationFuture), then 'Not enough memory to build and"
        " broadcast the table'",
    ),
    "search_queries_vocabulary_featurize--scala--spark35--local": _VOCAB.format(
        where=" (the REPL's trace goes on to CountVectorizerModel.transform(CountVectorizer.scala:"
        "309))"
    ),
    "search_queries_vocabulary_featurize--scala--spark43--local": _VOCAB.format(
        where=" (the REPL's trace stops at TorrentBroadcast.writeBlocks(TorrentBroadcast.scala:155)"
        " with '... 11 elided')"
    ),
    "recalled_lots_order_lines_screen_sql--sql--spark35--cluster": _RECALL.format(
        cleaner="ClosureCleaner.ensureSerializable"
    ),
    "recalled_lots_order_lines_screen_sql--sql--spark43--cluster": _RECALL.format(
        cleaner="SparkClosureCleaner.clean"
    ),
    "visitor_page_views_clicks_funnel_sql--sql--spark35--local": _FUNNEL.format(
        where="the driver ran out (GC overhead limit exceeded) in the"
        " spark-listener-group-appStatus thread, then the query in"
        " AQEShuffleReadExec.sendDriverMetrics / shuffleRDD, building the skew-split shuffle read"
    ),
    "visitor_page_views_clicks_funnel_sql--sql--spark43--local": _FUNNEL.format(
        where="the driver ran out (GC overhead limit exceeded) in the Spark Context Cleaner"
        " thread and in the query's shuffle future ('Boxed Exception' / 'Caused by:"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded')"
    ),
    "basket_rules_fpgrowth_partitions--pyspark--spark35--local": _BASKETS.format(
        where="the driver's dag-scheduler-event-loop thread ran out (GC overhead limit exceeded)"
        " in DAGScheduler.createResultStage creating that stage, so the job never started (the"
        " event log has only FPGrowth's two count jobs); the driver hung and was killed 60 s"
        " after"
    ),
    "basket_rules_fpgrowth_partitions--pyspark--spark43--local": _BASKETS.format(
        where="the job started (the event log's stage 3, 'collect at FPGrowth.scala:257', of"
        " 2,500,000 tasks) and its map tasks, which in local[*] run in the driver JVM, ran out of"
        " heap allocating per-reduce-partition shuffle checksums for the 2,500,000 partitions"
        " (ShuffleChecksumSupport.getChecksumValues <- ExternalSorter.getChecksums <-"
        " SortShuffleWriter.write), exit 52"
    ),
    "top_transactions_audit_extract_sql--sql--spark35--cluster": _TOP.format(
        n=4, frame="$anonfun$doExecute$13 (limit.scala:338)"
    ),
    "top_transactions_audit_extract_sql--sql--spark43--cluster": _TOP.format(
        n=5, frame="$anonfun$doExecute$15 (limit.scala:375)"
    ),
    "fx_rate_cache_trade_valuation--scala--spark35--local": _FX.format(
        cleaner="ClosureCleaner.ensureSerializable"
    ),
    "fx_rate_cache_trade_valuation--scala--spark43--local": _FX.format(
        cleaner="SparkClosureCleaner.clean"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r46)


if __name__ == "__main__":
    main()
