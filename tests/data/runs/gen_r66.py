#!/usr/bin/env python
"""Run round 66 of the real Spark run matrix under tests/data/runs/ (manifest-r66.jsonl).

    python tests/data/runs/gen_r66.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r66.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r66.py --drop run-id ...       # remove a run not kept

An unaimed round, to measure the service on ordinary new incidents: eight new scenarios (one
dropped), each the most ordinary way a data engineer meets its cause, on a code path no
earlier scenario uses; PySpark and Scala (the one SQL scenario dropped), as in rounds 35 to 65. A
PySpark run is one ``spark-submit scenarios_r66.py <scenario>`` by gen_more.run; a Scala run
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 65's, the
script being scenarios_r66.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification,
the manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r66).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (MAX_RESULT, PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (CLUSTER, EXECUTOR_LOST, EXECUTOR_OOM_RUN, PARALLEL_GC_LIMIT, main)
import scenarios_r66  # noqa: E402  (SCALA and SQL scripts)

# A driver at the launchers' 512m (gen_more's default), its full heap throwing instead of
# thrashing, on local-cluster, with round 65's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)
# A small driver (224m, RESERVED_32M), PARALLEL_GC_LIMIT, on local-cluster, round 65's timeout.
SMALL_HEAP = dict(mem="224m", gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)

SCENARIOS = {
    # PySpark: df.select("push_token").rdd.flatMap(lambda x: x).collect() of 4.6 million
    # opted-in devices.
    "push_device_tokens_column_flatmap_list": dict(
        label="collect_to_driver",
        expect=ge.DRIVER_OOM,
        reject=gm.MAX_RESULT,
        **DRIVER_512,
    ),
    # Scala (WARN): settlements.rdd.map(_.mkString("|")).collect() of 3,000,000 settlements,
    # the platform's spark.driver.maxResultSize=256m, driver 1g.
    "partner_settlement_pipe_file_rdd_mkstring_collect": dict(
        label="max_result_size",
        lang="scala",
        expect=gm.MAX_RESULT,
        reject=ge.DRIVER_OOM,
        mem="1g",
        conf={"spark.driver.maxResultSize": "256m"},
        **DRIVER_512,
    ),
    # PySpark: 300,000 webhook payloads collected, json.loads and pandas.json_normalize under
    # a capped address space.
    "webhook_payloads_json_normalize_review": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        mem="1g",
        **DRIVER_512,
    ),
    # Scala (WARN): stops.join(routes, numPartitions = number of routes), 600,000 routes.
    "route_stops_rdd_join_partition_per_route": dict(
        label="too_many_tasks",
        lang="scala",
        expect=ge.DRIVER_OOM,
        conf=gs.RESERVED_32M,
        **SMALL_HEAP,
    ),
    # Scala (WARN): foreachBatch collecting every micro-batch into an ArrayBuffer for the
    # evening digest, a rate source of 20,000 rows a second.
    "payment_declines_daily_digest_foreach_batch_buffer": dict(
        label="streaming_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **DRIVER_512,
    ),
    # PySpark: a custom pyspark.ml Transformer holding a 512 MB term-vector matrix, its UDF
    # reading self.
    "search_terms_custom_transformer_vocab_udf": dict(
        label="large_closure",
        expect=ge.DRIVER_OOM,
        **DRIVER_512,
    ),
    # Scala (WARN): groupBy(session_id) with sort_array(collect_list(struct(ts, url))), 70 % of
    # the events with an empty session id; the executors run out of heap.
    "clickstream_sessions_page_path_collect_list": dict(
        label="not_driver_oom",
        lang="scala",
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
}

# Dropped (see the README section and the note in scenarios_r66.py), after two tries on 3.5:
# store_visits_member_tier_threshold_join_sql (spark-sql, broadcast_too_large, DRIVER_512 with
# expect gen_shell.BROADCAST_OOM), the CRM campaign's visits per loyalty member from a SQL
# template starting with SET spark.sql.autoBroadcastJoinThreshold=1g, the 3,000,000-member
# parquet table (string member ids) built on the driver as a broadcast. On 3.5 both tries (the
# second with a 128-character address token added to the members) hung for the rest of the 300 s
# timeout after the two CTAS statements, the driver logging 'WARN TaskMemoryManager: Failed to
# allocate a page (268435456 bytes), try again.' 2,075 and 2,922 times (the BytesToBytesMap of the
# UnsafeHashedRelation asking for its 256 MiB pointer array, the JVM refusing, the memory manager
# of the broadcast, unbounded, granting it again) with no OutOfMemoryError line; the second try's
# 4.3 run failed as labelled ('Failed to allocate a page (268435456 bytes), try spilling task
# memory.' / 'java.lang.OutOfMemoryError: Java heap space' at BytesToBytesMap.allocate <-
# UnsafeHashedRelation$.apply <- BroadcastExchangeExec, then 'SparkException: Not enough memory to
# build and broadcast the table to all worker nodes', exit 1 after 30 s), but a scenario must fail
# on both versions.
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_TOKENS = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT, INFO log,"
    " Spark's default spark.driver.maxResultSize (1g): the app team's push campaign, the push"
    " tokens of the opted-in devices among 5,000,000 generated devices (16 partitions, about"
    " 4,600,000 opted in, each token about 180 characters) turned into a Python list with"
    " devices.where('opted_in').select('push_token').rdd.flatMap(lambda x: x).collect()"
    " ('collect at .../scenarios_r66.py:52'), to be sent in batches of 500 from the driver; each"
    " of the 16 task results a pickled batch of 44.1 MiB, sent as a remote taskresult block"
    " (about 700 MB in all, under the result limit) that the driver JVM fetches and holds before"
    " Python gets any token; {where}; 'push tokens' never printed; no maxResultSize abort, no"
    " executor OutOfMemoryError: labelled collect_to_driver"
)
_SETTLEMENT = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver 1g,"
    " PARALLEL_GC_LIMIT, spark.driver.maxResultSize=256m (the platform's setting): the partner"
    " settlement file for November, 3,000,000 generated settlements (24 partitions, seven columns"
    " with a sha2-256 payment reference) turned into pipe-delimited lines with"
    ' settlements.rdd.map(_.mkString("|")).collect() to be written as one file with java.nio'
    " Files.write for the partner's SFTP drop; each task result about 16 MiB of Java-serialized"
    " strings; {where}; 'settlement file written' never printed; no OutOfMemoryError: labelled"
    " max_result_size"
)
_WEBHOOKS = (
    "note: local-cluster[2,1,1024], executors 768m, driver JVM 1g, PARALLEL_GC_LIMIT, INFO log, the"
    " Python driver's address space capped by the script at its size plus 700 MB (as a nearly"
    " full container would; nothing printed): the payments team's review of yesterday's webhook"
    " deliveries, 300,000 generated JSON payloads (nested event / data.object / metadata /"
    " payment_method / request objects, to_json of structs, 8 partitions) collected"
    " ([r.payload for r in events.collect()], 'webhook payloads: 300000' printed: the JVM and"
    " the list held them), then pd.json_normalize([json.loads(p) for p in payloads]) at line 115"
    " to flatten them into one wide frame; {where}; 'payload columns' never printed; no"
    " OutOfMemoryError of the JVM, no executor OutOfMemoryError: labelled python_driver_oom"
)
_ROUTES = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 224m (RESERVED_32M), PARALLEL_GC_LIMIT: the delivery planners' route sheets, 600,000"
    " generated routes (8 slices) and their 4,800,000 stops (16 slices) as pair RDDs keyed by"
    " route, the number of routes counted (routes.keys.distinct().count(), 'routes to plan:"
    " 600000' printed) and passed as numPartitions to stops.join(routes, perRoute) so that every"
    " route's sheet lands in its own partition and file, then saveAsTextFile; {where}; 'route"
    " sheets written' never printed; no executor OutOfMemoryError; the data is a few hundred MB"
    " at most, the driver overwhelmed by the join's 600,000 partitions: labelled too_many_tasks"
)
_DECLINES = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m, PARALLEL_GC_LIMIT: the card declines monitor, a rate source of 20,000 rows a second"
    " (2 partitions) standing for the card switch's decline feed, six columns (authorisation id,"
    " a sha2-256 card hash, merchant, decline reason, amount, time), foreachBatch(keepForDigest)"
    " with Trigger.ProcessingTime('2 seconds'), the function collecting every micro-batch"
    " (batch.collect()) and appending the rows to an ArrayBuffer[Row] kept in the shell for the"
    " end-of-day digest e-mail ('batch N: N declines (N over limit), N kept for the digest'"
    " every tenth batch); {where}; no executor OutOfMemoryError; each micro-batch is 40,000 rows,"
    " the driver full of what the stream's function keeps from every batch: labelled"
    " streaming_state"
)
_TAGGER = (
    "note: local-cluster[2,1,1024], executors 768m, driver 512m, PARALLEL_GC_LIMIT, INFO log: the"
    " search team's query tagger, a custom pyspark.ml Transformer (QueryTopicTagger) holding the"
    " term index (a dict of 2,000,000 query terms), their term vectors (a 2,000,000 x 64 float32"
    " numpy matrix, 512 MB) and 40 topic vectors as attributes ('term vectors: 2000000 x 64'"
    " printed), used as the only stage of a Pipeline; its _transform applies an F.udf whose"
    " function reads self.index and self.vectors, so cloudpickle pickles the whole transformer"
    " into the UDF's command, which, over the broadcast threshold, PySpark hands to the driver"
    " JVM as a broadcast variable; the traceback through model.transform (line 165) and"
    " _transform (line 152, the withColumn) to udf.py's _create_judf / _wrap_function and"
    " context.py's broadcast; {where}; 'query topics written' never printed; no job ran, no"
    " executor OutOfMemoryError: labelled large_closure"
)
_JOURNEYS = (
    "note: spark-shell (its default WARN log), local-cluster[2,1,1024], executors 768m, driver"
    " 512m (never short of heap), after_oom off: the journey report, 8,000,000 generated"
    " page-view events (16 partitions) of which 70 % carry an empty session_id (a tracker"
    " release without the session cookie), groupBy('session_id') with"
    " sort_array(collect_list(struct(ts, url))) and concat_ws(' > ', hits.url) written as"
    " parquet: the one reduce task that gets the empty key merges the map-side lists of 5,600,000"
    " hits in one aggregation buffer on an executor; {where}; the executors' stderr hold the"
    " OutOfMemoryErrors, the driver's log only the lost tasks, lost executors and the aborted"
    " stage; 'journeys written' never printed: labelled not_driver_oom"
)
OUTCOME_NOTES = {
    "push_device_tokens_column_flatmap_list--pyspark--spark35--cluster": _TOKENS.format(
        where="7 of the 16 tasks finished (results of 44.1 MiB each, 'Added taskresult_N in"
        " memory'), then 11 s into the job 'ERROR Utils: Uncaught exception in thread"
        " task-result-getter-2' / 'java.lang.OutOfMemoryError: Java heap space' (at"
        " ObjectInputStream.readArray <- DirectTaskResult.value: a fetched result being"
        " deserialized), 'WARN BlockManager: Failed to fetch remote block taskresult_9 ...' /"
        " 'SparkException: Exception thrown in awaitResult' / 'Boxed Error' / 'Caused by:"
        " java.lang.OutOfMemoryError: Java heap space', the same OutOfMemoryError (heap space or"
        " GC overhead limit exceeded) in task-result-getter-1, -3 and -4; the job hung, killed"
        " 60 s after the first OutOfMemoryError (80 s)"
    ),
    "push_device_tokens_column_flatmap_list--pyspark--spark43--cluster": _TOKENS.format(
        where="5 of the 16 tasks finished, then 'ERROR Utils: Uncaught exception in thread"
        " task-result-getter-1' / 'java.lang.OutOfMemoryError: Java heap space', 'Exception"
        " thrown in awaitResult' / 'Caused by: java.lang.OutOfMemoryError: Java heap space', the"
        " same in task-result-getter-2 and -0 and 'GC overhead limit exceeded'; the job hung,"
        " killed 60 s after the first OutOfMemoryError (78 s); executor 1's stderr only 'Executor"
        " self-exiting due to : Driver ... disassociated!'"
    ),
    "partner_settlement_pipe_file_rdd_mkstring_collect--scala--spark35--cluster": _SETTLEMENT.format(
        where="'ERROR TaskSetManager: Total size of serialized results of 17 tasks (267.9 MiB) is"
        " bigger than spark.driver.maxResultSize (256.0 MiB)', 'Lost task 16.0 in stage 0.0 ..."
        " TaskKilled (Tasks result size has exceeded maxResultSize)', 'SparkException: Job aborted"
        " due to stage failure: Total size of serialized results of 17 tasks (267.9 MiB) is bigger"
        " than spark.driver.maxResultSize (256.0 MiB)' printed by the shell, then 'Could not find"
        " CoarseGrainedScheduler' at shutdown; exit 0 after 42 s"
    ),
    "partner_settlement_pipe_file_rdd_mkstring_collect--scala--spark43--cluster": _SETTLEMENT.format(
        where="the same three lines as on 3.5 (17 tasks, 267.9 MiB, 256.0 MiB); exit 0 after 23 s"
    ),
    "webhook_payloads_json_normalize_review--pyspark--spark35--cluster": _WEBHOOKS.format(
        where="the Python traceback at line 115 ending in json/decoder.py's raw_decode"
        " ('obj, end = self.scan_once(s, idx)') / 'MemoryError' (three chained MemoryErrors while"
        " the traceback was handled), the list of parsed payloads filling the capped Python"
        " process before json_normalize was called; exit 1 after 27 s"
    ),
    "webhook_payloads_json_normalize_review--pyspark--spark43--cluster": _WEBHOOKS.format(
        where="the same traceback at line 115 (the list comprehension's json.loads ->"
        " decoder.py) / 'MemoryError'; exit 1 after 18 s"
    ),
    "route_stops_rdd_join_partition_per_route--scala--spark35--cluster": _ROUTES.format(
        where="right after 'routes to plan: 600000', while the join's stages were being"
        ' submitted, \'Exception in thread "dag-scheduler-event-loop"'
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " DAGScheduler.getPreferredLocsInternal (the preferred locations of the 600,000"
        " partitions), no other error line (spark-shell's WARN log); the job hung, killed 60 s"
        " after the OutOfMemoryError (104 s)"
    ),
    "route_stops_rdd_join_partition_per_route--scala--spark43--cluster": _ROUTES.format(
        where="right after 'routes to plan: 600000', 'Exception in thread"
        ' "dag-scheduler-event-loop" java.lang.OutOfMemoryError: GC overhead limit exceeded\''
        " (at List.prependedAll <- List$.from, building the stage's lists of partitions), no"
        " other error line; the job hung, killed 60 s after the OutOfMemoryError (104 s)"
    ),
    "payment_declines_daily_digest_foreach_batch_buffer--scala--spark35--cluster": _DECLINES.format(
        where="'batch 0' and 'batch 10: 40000 declines (10000 over limit), 380000 kept for the"
        " digest' printed, then about 50 s after the start of the query 'ERROR"
        " MicroBatchExecution: Query [id = ..., runId = ...] terminated with error' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (at UTF8String.toString <-"
        " SpecificSafeProjection.createExternalRow <- ExpressionEncoder$Deserializer: the"
        " batch's rows being turned into Rows for collect()), 'Exception in thread \"stream"
        ' execution thread for [id = ...]" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded', the shell's 'StreamingQueryException: [STREAM_FAILED] Query [...]"
        " terminated with exception: GC overhead limit exceeded' / 'Caused by:"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded' from awaitTermination; 'digest"
        " rows' never printed; exit 0 after 62 s"
    ),
    "payment_declines_daily_digest_foreach_batch_buffer--scala--spark43--cluster": _DECLINES.format(
        where="'batch 0' and 'batch 10: 40000 declines (10000 over limit), 400000 kept for the"
        " digest' printed, then 'ERROR MicroBatchExecution: Query [...] terminated with error' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'Exception in thread"
        ' "stream execution thread for [...]" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded', 'StreamingQueryException: [STREAM_FAILED] Query [...] terminated with"
        " exception: GC overhead limit exceeded SQLSTATE: XXKST' / 'Caused by:"
        " java.lang.OutOfMemoryError: GC overhead limit exceeded'; 'digest rows' never printed;"
        " exit 0 after 56 s"
    ),
    "search_terms_custom_transformer_vocab_udf--pyspark--spark35--cluster": _TAGGER.format(
        where="'WARN Utils: Suppressing exception in finally: Java heap space' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at ByteBuffer.allocate <-"
        " TorrentBroadcast$.blockifyObject (ChunkedByteBufferOutputStream, under"
        " LZ4BlockOutputStream.finish), 'ERROR TorrentBroadcast: Store broadcast broadcast_0 fail,"
        " remove all pieces of the broadcast', 'Py4JJavaError: An error occurred while calling"
        " o22.broadcast.' / ': java.lang.OutOfMemoryError: Java heap space'; exit 1 after 14 s"
    ),
    "search_terms_custom_transformer_vocab_udf--pyspark--spark43--cluster": _TAGGER.format(
        where="'java.lang.OutOfMemoryError: Java heap space' at ByteBuffer.allocate <-"
        " TorrentBroadcast$.blockifyObject, 'ERROR TorrentBroadcast: Store broadcast broadcast_0"
        " fail, remove all pieces of the broadcast', 'Py4JJavaError: An error occurred while"
        " calling o22.broadcast.' / ': java.lang.OutOfMemoryError: Java heap space' (the traceback"
        " through pyspark/ml/pipeline.py and udf.py's _wrap_function); exit 1 after 15 s"
    ),
    "clickstream_sessions_page_path_collect_list--scala--spark35--cluster": _JOURNEYS.format(
        where="in the aggregation's reduce stage 'WARN TaskSetManager: Lost task 1.0 in stage 2.0"
        " (TID 17) (... executor 0): java.lang.OutOfMemoryError: Java heap space', 'ERROR"
        " TaskSchedulerImpl: Lost executor 0 on 192.0.2.2: Command exited with code 52',"
        " FetchFailed / ExecutorDeadException for the lost map outputs, stage retries 2.1 to 2.3"
        " each losing its task to an executor OutOfMemoryError (executors 1, 2, 4 and 5 exited"
        " with code 52), 'ERROR FileFormatWriter: Aborting job ...', 'SparkException: Job aborted"
        " due to stage failure: ResultStage 2 (parquet at .../...scala:31) has failed the maximum"
        " allowable number of times: 4' / 'MetadataFetchFailedException: Missing an output"
        " location for shuffle 0 partition 172'; exit 0 after 63 s (the shell goes on)"
    ),
    "clickstream_sessions_page_path_collect_list--scala--spark43--cluster": _JOURNEYS.format(
        where="the same course as on 3.5: 'Lost task 1.0 in stage 2.0 (TID 17) (... executor 1):"
        " java.lang.OutOfMemoryError: Java heap space', 'Lost executor 1 ... Command exited with"
        " code 52', FetchFailed / ExecutorDeadException, stage retries 2.1 to 2.3 each losing"
        " its task to an executor OutOfMemoryError (executors 2, 0, 4 and 3 exited with code"
        " 52, 'ExecutorLostFailure (executor 3 exited caused by one of the running tasks)'),"
        " 'ERROR FileFormatWriter: Aborting job ...', 'Job aborted due to stage failure:"
        " ResultStage 2 ($anonfun$withThreadLocalCaptured$1 at CompletableFuture.java:1768) has"
        " failed the maximum allowable number of times: 4' / 'MetadataFetchFailedException:"
        " Missing an output location for shuffle 0 partition 172'; exit 0 after 68 s"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r66)


if __name__ == "__main__":
    main()
