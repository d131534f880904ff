#!/usr/bin/env python
"""Run round 53 of the real Spark run matrix under tests/data/runs/ (manifest-r53.jsonl).

    python tests/data/runs/gen_r53.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r53.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r53.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 52, for the causes
with few real runs: the driver heap filled by the status of very many cached blocks,
Structured Streaming whose driver-side state grows, broadcasts built on the driver that do
not fit and a job aborted by spark.driver.maxResultSize (see the README section). A PySpark
run is one ``spark-submit scenarios_r53.py <scenario>`` by gen_more.run; a Scala run is one
``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 52's, the
script being scenarios_r53.SCALA / SQL[scenario] written into the run's scratch dir.
Finishing (trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM
verification, the manifest line) is gen_more.finish with this round's tables handed as a
gen_more.Round. Raw output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r53).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (MAX_RESULT, PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (BROADCAST_OOM, CLUSTER, RESERVED_32M, main)
import scenarios_r53  # noqa: E402  (SCALA and SQL scripts)

# A 256m driver (let through Spark's start-up check by RESERVED_32M) with the Parallel
# collector, its stricter GC overhead limit and a small young generation, for the scenarios
# whose driver heap fills with the status of cached blocks.
SMALL_HEAP_BLOCKS = dict(
    mem="256m",
    gc="-XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=80 -XX:GCHeapFreeLimit=10",
    conf=gs.RESERVED_32M,
)

SCENARIOS = {
    # Scala (local-cluster): an iterative rank over 3,000 partitions, every iteration's RDD
    # localCheckpoint()ed and kept, ten iterations computed per job.
    "catalog_graph_rank_local_checkpoint_loop": dict(
        label="cached_block_metadata",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=360,
        variants=gs.CLUSTER,
        **SMALL_HEAP_BLOCKS,
    ),
    # PySpark (WARN log): foreachBatch upserting every batch into a pandas snapshot on the
    # driver (concat + drop_duplicates), RLIMIT_AS 1000 MiB above VmSize.
    "order_status_snapshot_foreach_batch_pandas": dict(
        label="streaming_state",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        timeout=300,
    ),
    # Scala: foreachBatch adding every batch's collected per-session counts to a driver-side
    # mutable.HashMap of running totals.
    "checkout_session_counts_foreach_batch_map": dict(
        label="streaming_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
    ),
    # PySpark (WARN log): today.subtract(yesterday) of a 4,000,000-product snapshot with
    # spark.sql.autoBroadcastJoinThreshold raised to 1g.
    "product_catalog_snapshot_subtract_diff": dict(
        label="broadcast_too_large",
        expect=gs.BROADCAST_OOM,
        timeout=300,
        conf={"spark.sql.autoBroadcastJoinThreshold": "1g"},
    ),
    # SQL: LEFT ANTI JOIN on the subscriber id with a BROADCAST hint on a 6,000,000-row
    # suppression list.
    "mailing_list_suppression_anti_join_sql": dict(
        label="broadcast_too_large",
        lang="sql",
        expect=gs.BROADCAST_OOM,
        timeout=300,
    ),
    # PySpark (WARN log; local-cluster): pyspark.ml.fpm.PrefixSpan with minSupport 1e-7 collecting every
    # SKU as a frequent item, spark.driver.maxResultSize 32m.
    "basket_sequences_prefixspan_items": dict(
        label="max_result_size",
        expect=gm.MAX_RESULT,
        reject=ge.DRIVER_OOM,
        timeout=300,
        variants=gs.CLUSTER,
        conf={"spark.driver.maxResultSize": "32m"},
    ),
}

# Dropped (two tries each, no run kept; the README says how; their bodies in scenarios_r53.py
# are replaced by comments of the same length, so that the kept tracebacks' line numbers hold):
# order_events_two_sink_foreach_batch_persist (cached_block_metadata, PySpark, local[*],
# driver 256m): foreachBatch persisting every micro-batch of 8,000 partitions (DISK_ONLY) for
# two coalesced writes, never unpersisted; with -Xmn8m 3.5 threw and 4.3 only thrashed until
# the 360 s timeout, with -Xmn4m 4.3 threw and 3.5 only thrashed. And
# hourly_meter_reads_kept_persist_coalesce (cached_block_metadata, PySpark, local-cluster;
# first tried as hourly_meter_reads_replicated_persist_coalesce), each hour's 6,000-partition
# input persisted and kept, appended coalesced to 8 files: far too slow to fill the driver
# within the timeout (replicated blocks, then adaptive execution materializing each hour's
# cache in a job of 6,000 tasks); no 4.3 run.
# First tries not kept (made again under the same run id after the fix; see the README):
# order_status_snapshot_foreach_batch_pandas on 3.5 (drop_duplicates: the Python driver died of
# SIGSEGV, exit 139), product_catalog_snapshot_subtract_diff on 3.5 (no image hash: the
# broadcast's hash map retried 'Failed to allocate a page' until the timeout),
# mailing_list_suppression_anti_join_sql on 3.5 (anti join on lower(email): the same retries,
# stopped by hand), basket_sequences_prefixspan_items on 3.5 local[*] (a task of the executor
# inside the driver ran out of heap serializing its result; moved to local-cluster, the old run
# id removed).
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_RANK = (
    "note: spark-shell, local-cluster[2,1,1024], driver 256m (RESERVED_32M), -XX:+UseParallelGC"
    " -Xmn8m -XX:GCTimeLimit=80 -XX:GCHeapFreeLimit=10: the catalog team's product rank"
    " propagates scores over 3,000 partitions, every iteration's RDD localCheckpoint()ed"
    " (MEMORY_AND_DISK blocks on the executors) and kept in an ArrayBuffer, the convergence"
    " printed every 10 iterations by one job that computes the 10 new iterations in each"
    " task; 'iteration  10' to 'iteration  90' (270,000 cached blocks, 30,000 a job, whose"
    " status the driver keeps: BlockManagerMasterEndpoint, the executors' BlockManagerInfo,"
    " the status store's RDD partitions), then the driver's heap is full: {where}; the"
    " executors' stderr have no OutOfMemoryError (their blocks are tiny), nothing is"
    " collected, no task is large: labelled cached_block_metadata"
)
_STATUS = (
    "note: local[*], driver 512m, the Python driver capped by RLIMIT_AS 1000 MiB above its"
    " VmSize ({vm}): the order status board's foreachBatch function turns every micro-batch"
    " of 200,000 status updates (rate-micro-batch source, new order ids every batch) into"
    " pandas with toPandas() and upserts it into a snapshot frame kept on the driver"
    " (pd.concat, then the last row of each order id with np.unique and iloc), never"
    " removing an order; 'batch 0: 200000 orders on the board' to 'batch 8: 1800000 orders"
    " on the board', then in batch 9 under 'File \".../scenarios_r53.py\", line 151, in"
    ' upsert\' (board["snapshot"] = snapshot.iloc[len(ids) - 1 - first]) through pandas'
    " take_nd 'numpy._core._exceptions._ArrayMemoryError: Unable to allocate 61.0 MiB for an"
    " array with shape (4, 2000000) and data type object', returned to the JVM by the"
    " Python proxy: {jvm}, then under line 160 (q.awaitTermination())"
    " 'pyspark.errors.exceptions.captured.StreamingQueryException: [STREAM_FAILED] ...';"
    " no Java OutOfMemoryError; each batch is modest, the driver-side snapshot of the stream"
    " grows: labelled streaming_state; exit 1"
)
_SESSIONS = (
    "note: spark-shell, local[*], driver 512m: the live checkout dashboard's foreachBatch"
    " function counts every micro-batch of 400,000 checkout events per session (200,000 new"
    " sessions a batch) with groupBy().count().collect() and adds the counts to a"
    " mutable.HashMap of running totals on the driver that is never pruned: 'batch 0: 200000"
    " checkout sessions tracked' to 'batch {last}: {sessions} checkout sessions tracked',"
    " then, the heap full of the map, a task of the next batch's shuffle (the executor runs"
    " inside the driver JVM) cannot get a buffer: 'ERROR Executor: Exception in task {task}"
    " in stage {stage}.0 (TID {tid})' / 'java.lang.OutOfMemoryError: Java heap space' at"
    " {frame} <- BypassMergeSortShuffleWriter.write, 'ERROR SparkUncaughtExceptionHandler:"
    " Uncaught exception in thread Thread[Executor task launch worker for task ...]', the"
    " query 'terminated with error'; exit 52 (the JVM killed by the handler); the collected"
    " counts of a batch are small, the driver's map of the stream's sessions grows: labelled"
    " streaming_state"
)
_DIFF = (
    "note: local[*], driver 512m, spark.sql.autoBroadcastJoinThreshold=1g (as the cluster's"
    " defaults): the nightly catalog change feed writes today.subtract(yesterday) of two"
    " 4,000,000-product snapshots (SKU, title, a 128-character image hash, category, price,"
    " supplier); EXCEPT DISTINCT is planned as a left anti join on every column and"
    " yesterday's snapshot, estimated under 1 GB, is broadcast: its collect job (stage 0)"
    " sends each partition's rows to the driver as an indirect task result and the driver"
    " runs out of heap fetching one: 'WARN BlockManager: Failed to fetch remote block"
    " taskresult_2 from [BlockManagerId(driver, ...)]', 'SparkException: Exception thrown in"
    " awaitResult:' at BlockTransferService.fetchBlockSync <- TaskResultGetter, 'Caused by:"
    " java.util.concurrent.ExecutionException: Boxed {boxed}' / 'Caused by:"
    " java.lang.OutOfMemoryError: Java heap space' at ByteBuffer.allocate <- netty"
    " CompositeByteBuf.nioBuffer, 'Task 2 in stage 0.0 failed 1 times; aborting job', under"
    " 'File \".../scenarios_r53.py\", line 196, in product_catalog_snapshot_subtract_diff'"
    " (changed.write...parquet(...)) 'Py4JJavaError: An error occurred while calling"
    " {obj}.parquet.' / 'Job aborted due to stage failure: ... TaskResultLost (result lost"
    " from block manager)' with BroadcastExchangeExec.relationFuture in the trace; exit 1 after"
    " {secs} s: the broadcast's build side, collected to the driver, does not fit: labelled"
    " broadcast_too_large"
)
_SUPPRESS = (
    "note: spark-sql, local[*], driver 512m: the weekly newsletter's send list, CREATE TABLE"
    " newsletter_send_list USING parquet AS SELECT /*+ BROADCAST(s) */ ... FROM subscribers r"
    " LEFT ANTI JOIN suppressions s ON r.subscriber_id = s.subscriber_id, the hint on the"
    " 6,000,000-row suppression list (id, address, reason, timestamp, bounce report); the"
    " driver runs out of heap building its hash map: {where}; exit 1 after {secs} s: a"
    " broadcast built on the driver that does not fit: labelled broadcast_too_large"
)
_PREFIX = (
    "note: local-cluster[2,1,1024], driver 512m, spark.driver.maxResultSize=32m: sequential"
    " pattern mining of 1,000,000 customers' basket histories with pyspark.ml.fpm.PrefixSpan,"
    " minSupport 1e-7 (a minimum count of 1): 'WARN PrefixSpan: Input data is not cached.',"
    " then PrefixSpan's first step collects every frequent item (mllib"
    " PrefixSpan$.findFrequentItems: reduceByKey, sortBy, RDD.collect), every SKU ever bought"
    " (millions of SKU strings, 8 result tasks of ~29 MB each): 'ERROR TaskSetManager: Total size of"
    " serialized results of 3 tasks (86.7 MiB) is bigger than spark.driver.maxResultSize (32.0"
    " MiB)', 'Lost task 1.0 in stage 5.0 (TID 33) (... executor 0): TaskKilled (Tasks result"
    " size has exceeded maxResultSize)', 'ERROR Instrumentation: ... Job aborted due to stage"
    " failure: Total size of serialized results ...', under 'File \".../scenarios_r53.py\","
    " line 232, in basket_sequences_prefixspan_items' (prefix_span.findFrequentSequentialPatterns"
    "(baskets)) 'Py4JJavaError: An error occurred while calling"
    " {obj}.findFrequentSequentialPatterns.'; no OutOfMemoryError anywhere: labelled"
    " max_result_size; exit 1"
)
OUTCOME_NOTES = {
    "catalog_graph_rank_local_checkpoint_loop--scala--spark35--cluster": _RANK.format(
        where="'ERROR Inbox: An error happened while processing message in the inbox for"
        " CoarseGrainedScheduler' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded',"
        " 'Exception in thread \"dispatcher-CoarseGrainedScheduler\"' (twice), then the same"
        " in task-result-getter-1 and 'ERROR Utils: uncaught error in thread"
        " spark-listener-group-eventLog, stopping SparkContext'; in the REPL 'Job 9 cancelled"
        " because SparkContext was shut down' ('... 60 elided'); 'rank done' never printed;"
        " exit 0 after 318 s (the shell goes on to its end)"
    ),
    "catalog_graph_rank_local_checkpoint_loop--scala--spark43--cluster": _RANK.format(
        where="'WARN TransportChannelHandler: Exception in connection from /192.0.2.2:...' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (the driver's RPC thread"
        " handling an executor's message), the connection closed, executor 1 exits ('Executor"
        " self-exiting due to : Driver ... disassociated!' in its stderr; the driver: 'ERROR"
        " TaskSchedulerImpl: Lost executor 1 on 192.0.2.2: Command exited with code 0',"
        " 'ExecutorLostFailure (executor 1 exited caused by one of the running tasks)'), its"
        " blocks lost ('WARN BlockManagerMasterEndpoint: No more replicas available for"
        " rdd_N_M!', 136,680 lines, trimmed), so the running job's tasks fail with"
        " '[CHECKPOINT_RDD_BLOCK_ID_NOT_FOUND] Checkpoint block rdd_108_1354 not found!',"
        " 'Task 1354 in stage 9.0 failed 4 times; aborting job', the same in the REPL ('... 53"
        " elided'); the executor lost is a consequence of the driver's OutOfMemoryError, not an"
        " executor OOM; 'rank done' never printed; exit 0 after 289 s"
    ),
    "order_status_snapshot_foreach_batch_pandas--pyspark--spark35--local": _STATUS.format(
        vm="349 MiB, RLIMIT_AS 1349 MiB",
        jvm="'ERROR MicroBatchExecution: Query [...] terminated with error' /"
        " 'py4j.Py4JException: An exception was raised by the Python Proxy.'",
    ),
    "order_status_snapshot_foreach_batch_pandas--pyspark--spark43--local": _STATUS.format(
        vm="359 MiB, RLIMIT_AS 1359 MiB; Arrow tried for each toPandas() and not found, the"
        " plain collect used",
        jvm="'ERROR MicroBatchExecution: Query [...] terminated with error' /"
        " 'ForeachBatchUserFuncException: [FOREACH_BATCH_USER_FUNCTION_ERROR] An error occurred"
        " in the user provided function in foreach batch sink.'",
    ),
    "checkout_session_counts_foreach_batch_map--scala--spark35--local": _SESSIONS.format(
        last=18,
        sessions=3800000,
        task="0.0",
        stage=38,
        tid=3876,
        frame="BufferedOutputStream.<init> <- DiskBlockObjectWriter.open",
    ),
    "checkout_session_counts_foreach_batch_map--scala--spark43--local": _SESSIONS.format(
        last=15,
        sessions=3200000,
        task="1.0",
        stage=48,
        tid=97,
        frame="LZ4BlockOutputStream.<init> <- DiskBlockObjectWriter.open",
    ),
    "product_catalog_snapshot_subtract_diff--pyspark--spark35--local": _DIFF.format(
        boxed="Error", obj="o129", secs=11
    ),
    "product_catalog_snapshot_subtract_diff--pyspark--spark43--local": _DIFF.format(
        boxed="Exception", obj="o182", secs=12
    ),
    "mailing_list_suppression_anti_join_sql--sql--spark35--local": _SUPPRESS.format(
        where="'Not enough memory to build and broadcast the table to all worker nodes. As a"
        " workaround, you can either disable broadcast by setting"
        " spark.sql.autoBroadcastJoinThreshold to -1 or increase the spark driver memory by"
        " setting spark.driver.memory to a higher value.' / 'org.apache.spark.SparkException:"
        " Not enough memory to build and broadcast the table ...' at"
        " BroadcastExchangeExec.relationFuture (Spark 3.5 hides the OutOfMemoryError line)",
        secs=9,
    ),
    "mailing_list_suppression_anti_join_sql--sql--spark43--local": _SUPPRESS.format(
        where="'java.lang.OutOfMemoryError: Java heap space' at HeapMemoryAllocator.allocate <-"
        " TaskMemoryManager.allocatePage <- LongToUnsafeRowMap.growArray <-"
        " LongHashedRelation$.apply <- HashedRelationBroadcastMode.transform, then 'Not enough"
        " memory to build and broadcast the table to all worker nodes. ... or apply the shuffle"
        " sort merge join hint ...' / 'org.apache.spark.SparkException: Not enough memory to"
        " build and broadcast the table ...'",
        secs=11,
    ),
    "basket_sequences_prefixspan_items--pyspark--spark35--cluster": _PREFIX.format(obj="o97"),
    "basket_sequences_prefixspan_items--pyspark--spark43--cluster": _PREFIX.format(obj="o122"),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r53)


if __name__ == "__main__":
    main()
