#!/usr/bin/env python
"""Run round 56 of the real Spark run matrix under tests/data/runs/ (manifest-r56.jsonl).

    python tests/data/runs/gen_r56.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r56.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r56.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 55, for causes the
engine confuses in driver logs: the driver's own memory filled across many small jobs by what
the program keeps, a driver heap set far too small for ordinary work, and the driver heap
filled by the status of very many cached blocks (see the README section). A PySpark run is
one ``spark-submit scenarios_r56.py <scenario>`` by gen_more.run; a Scala run is one
``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 55's, the
script being scenarios_r56.SCALA / SQL[scenario] written into the run's scratch dir.
Finishing (trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM
verification, the manifest line) is gen_more.finish with this round's tables handed as a
gen_more.Round. Raw output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r56).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (CLUSTER, RESERVED_32M, SMALL_DRIVER_RUN, main)
import scenarios_r56  # noqa: E402  (SCALA and SQL scripts)

# Rounds 53 and 54's recipe for the scenarios whose driver heap fills with the status of
# cached blocks (local-cluster, the Parallel collector with a small young generation, Spark's
# start-up check passed by RESERVED_32M), with a 224m driver and a stricter GC overhead limit
# (GCTimeLimit 50 %, GCHeapFreeLimit 20 %: round 54's second try of its dropped scenario) so
# that the full heap throws within round 55's 300 s timeout instead of thrashing. Adaptive
# query execution off (as the extra round's cached_blocks_many): with it on, Spark 3.5 and
# later materialize every cached DataFrame not yet computed as its own query stage (one job of
# 3,000 one-block tasks per step, ten times the tasks of one job computing ten steps a task).
SMALL_HEAP_BLOCKS = dict(
    mem="224m",
    gc="-XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    conf={**gs.RESERVED_32M, "spark.sql.adaptive.enabled": "false"},
    variants=gs.CLUSTER,
    timeout=300,
)

SCENARIOS = {
    # Scala (local-cluster): a price what-if path, every step a DataFrame of 3,000 partitions
    # persisted (MEMORY_AND_DISK_SER) and kept, ten steps computed per job.
    "pricing_what_if_cached_scenario_frames": dict(
        label="cached_block_metadata",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **SMALL_HEAP_BLOCKS,
    ),
    # Scala: a NaiveBayes model (2^17 hashed features, 16 queues) fitted per week and kept.
    "helpdesk_ticket_router_weekly_bayes_models": dict(
        label="driver_side_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
        gc=gs.PARALLEL_GC_LIMIT,
    ),
    # PySpark: an IDF model (2^20 hashed features) fitted per merchant segment and kept.
    "merchant_text_features_segment_idf_models": dict(
        label="driver_side_state",
        expect=ge.DRIVER_OOM,
        timeout=300,
        gc=gs.PARALLEL_GC_LIMIT,
    ),
    # PySpark: every day's collected manifest kept in a dict; the Python driver capped at its
    # size + 640 MB (RLIMIT_AS) once the session is up.
    "carrier_manifest_rows_kept_by_day": dict(
        label="driver_side_state",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        timeout=300,
    ),
    # SQL: collect_set, count(DISTINCT) and string min / max per customer over 6,000,000
    # order lines, exported as JSON, driver 160m (made after the footfall cube was dropped).
    "customer_channel_mix_collect_set_json_export_sql": dict(
        label="client_mode_small_driver",
        lang="sql",
        expect=ge.DRIVER_OOM,
        timeout=300,
        **gs.SMALL_DRIVER_RUN,
    ),
    # Scala: an ALS fit on 1,500,000 ratings, driver 160m.
    "shop_product_recommendations_als_fit": dict(
        label="client_mode_small_driver",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
        **gs.SMALL_DRIVER_RUN,
    ),
    # PySpark: orderBy().limit(100000).collect() of per-member spend, driver 160m.
    "loyalty_top_spenders_limit_collect_csv": dict(
        label="client_mode_small_driver",
        expect=ge.DRIVER_OOM,
        timeout=300,
        **gs.SMALL_DRIVER_RUN,
    ),
}

# Dropped (two tries each, no run kept; the README says how; the PySpark body in
# scenarios_r56.py is replaced by comments of the same length, so that the kept tracebacks'
# line numbers hold, the SQL script removed):
# store_footfall_hourly_cube_csv_export_sql (client_mode_small_driver, SQL, local[*], driver
# 160m, SMALL_DRIVER_RUN): 4,000,000 store visits grouped by CUBE(region, store, zone, hour)
# and exported with INSERT OVERWRITE DIRECTORY ... USING csv; with 1,200 stores the cube was
# written, 'footfall cube exported', exit 0 after 13 s; with 2,400 stores and a DECIMAL basket
# value summed too, again written, exit 0 after 17 s (customer_channel_mix_collect_set_json_
# export_sql made in its place).
# tariff_backtest_cached_daily_views (cached_block_metadata, PySpark, local-cluster, driver
# 224m, SMALL_HEAP_BLOCKS): a temp view per simulated day made by spark.sql from the day
# before and cached with spark.catalog.cacheTable; with 3,000 partitions and ten days a query,
# 'day  70' (210,000 cached blocks), then 'Task serialization failed:
# java.lang.StackOverflowError' (the lineage of 80 cached views), exit 1 after 218 s, no
# OutOfMemoryError; with 6,000 partitions and five days a query, 'day  35' (210,000 blocks),
# no error, killed by the 300 s timeout.
# First tries not kept (see the README): pricing_what_if_cached_scenario_frames on 3.5 with
# adaptive query execution on (every cached step materialized as its own query stage, one job
# of 3,000 one-block tasks a step: 'step  10' after 12 jobs and about 110 s, stopped by hand;
# spark.sql.adaptive.enabled=false given to SMALL_HEAP_BLOCKS since), and
# merchant_text_features_segment_idf_models made first as
# "merchant_text_features_segment_scalers" on 3.5 (a StandardScaler per segment: its model's
# vectors are stored compressed, sparse for hashed terms; 80 models fit, 'segment scalers
# ready: 80', exit 0 after 39 s; its run removed, IDF models, whose idf vector and document
# frequencies are dense, since).
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_PRICING = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false: the pricing committee's what-if path, every step a"
    " DataFrame over 3,000 partitions (the SKUs) persist(MEMORY_AND_DISK_SER)ed (lazily) and"
    " kept in an ArrayBuffer, the revenue printed every 10 steps by one job that computes the"
    " 10 new steps in each task (30,000 cached blocks a job on the executors, whose status"
    " the driver keeps: BlockManagerMasterEndpoint, the executors' BlockManagerInfo, the"
    " status store's RDD partitions): {where}; the executors' stderr have no"
    " OutOfMemoryError (their blocks are tiny), nothing is collected but one sum a job, no"
    " task is large: labelled cached_block_metadata"
)
_BAYES = (
    "note: spark-shell, local[*], driver 512m, PARALLEL_GC_LIMIT, nothing printed by the job"
    " before the failure: the helpdesk's ticket router fits a multinomial NaiveBayes (HashingTF"
    " of 2^17 features, 16 queues) for every week of the year on 30,000 tickets and keeps"
    " every NaiveBayesModel in a LinkedHashMap by week; each fit is two small jobs, but each"
    " kept model holds a dense 16 x 131,072 matrix (16 MB) in the driver JVM: {fits} weekly"
    " fits done ({jobs} jobs), then the next fit's aggregation (per-queue sums of the feature"
    " vectors, Summarizer), run by the executor inside the driver JVM, finds no heap left:"
    " {where}, 'ERROR SparkUncaughtExceptionHandler: Uncaught exception in thread"
    " Thread[Executor task launch worker for task 1.0 in stage {stage}.0 ...]', 'ERROR"
    " Instrumentation: org.apache.spark.SparkException: Job aborted due to stage failure:"
    " ...'; 'weekly models ready' never printed; exit 52 after {secs} s: the models the"
    " program keeps across the weekly fits, not one big job: labelled driver_side_state"
)
_IDF = (
    "note: local[*], driver 512m, PARALLEL_GC_LIMIT, INFO log, nothing printed by the job"
    " before the failure: merchant descriptions weighted per merchant segment, an IDF model"
    " (HashingTF of 2^20 features) fitted on 10,000 descriptions for each segment and every"
    " IDFModel kept in a dict for the scoring step; each fit is one small job, but each kept"
    " model holds a dense idf vector and the document frequencies of the feature size (16 MB)"
    " in the driver JVM: 20 fits done ({jobs} jobs), then the 21st fails: {where}, then under"
    " 'File \".../scenarios_r56.py\", line 65, in merchant_text_features_segment_idf_models'"
    " ('weights[\"SEG-%03d\" % seg] = IDF(...).fit(tf.transform(desc))'){py}; 'segment"
    " weights ready' never printed; exit {rc} after {secs} s: the models the program keeps"
    " across the fits, not one big job: labelled driver_side_state"
)
_MANIFEST = (
    "note: local[*], driver 512m, INFO log: the carrier manifests checked for shipments"
    " manifested twice, each day's manifest (150,000 shipments, four columns) collected into"
    " the Python driver with DataFrame.collect() and kept in a dict by day for the cross-day"
    " check at the end; the Python driver (in a container nearly full: RLIMIT_AS set silently"
    " at its size + 640 MB once the session is up; the JVM is not capped) holds 8 days of"
    " Rows, then the 9th day's collect (job 8, finished in the JVM) fails unpickling the"
    " rows: 'Traceback ...' under 'File \".../scenarios_r56.py\", line 94, in"
    " carrier_manifest_rows_kept_by_day' ('.collect()') <- {df} collect <- serializers.py"
    " load_stream / _read_with_length / loads, 'MemoryError'{extra}; 'shipments manifested"
    " twice' never printed; exit 1 after {secs} s; each job alone is a few tens of MB: the"
    " rows the program keeps across the daily jobs: labelled driver_side_state"
)
_CHANNEL = (
    "note: spark-sql, local[*], driver 160m (spark.testing.reservedMemory=32m lets it start),"
    " Parallel GC with GCTimeLimit=80 / GCHeapFreeLimit=10: the CRM team's channel mix per"
    " customer, 6,000,000 order lines of 1,500,000 customers grouped per customer with"
    " count(DISTINCT sku), sort_array(collect_set(channel)), min(sku) / max(sku) and sum(amount),"
    " exported with INSERT OVERWRITE DIRECTORY ... USING json; ordinary work for a driver of"
    " a gigabyte; nothing is collected: in the first stage (stage 0.0, the partial"
    " aggregation), run by the executor inside the driver JVM, the heap runs out: {where},"
    " 'ERROR SparkUncaughtExceptionHandler: Uncaught exception in thread Thread[Executor task"
    " launch worker for task 1.0 in stage 0.0 (TID 1),5,main]'; {end}; 'channel mix"
    " exported' never printed: the driver heap set far too small for ordinary work:"
    " labelled client_mode_small_driver"
)
_ALS = (
    "note: spark-shell, local[*], driver 160m (spark.testing.reservedMemory=32m lets it"
    " start), Parallel GC with GCTimeLimit=80 / GCHeapFreeLimit=10: the web shop's newsletter"
    " recommendations, ALS (rank 10, 5 iterations) fitted on 1,500,000 ratings of 60,000"
    " customers and 8,000 products; ordinary work for a driver of a gigabyte; nothing is"
    " collected: while ALS builds its rating blocks, a task run by the executor inside the"
    " driver JVM runs out of heap: {where}, 'ERROR SparkUncaughtExceptionHandler: Uncaught"
    " exception in thread Thread[Executor task launch worker for task ...]', 'ERROR"
    " Instrumentation: org.apache.spark.SparkException: Job aborted due to stage failure:"
    " ...'; 'customers with recommendations' never printed; exit 52 after {secs} s: the"
    " driver heap set far too small for ordinary work: labelled client_mode_small_driver"
)
_LOYALTY = (
    "note: local[*], driver 160m (spark.testing.reservedMemory=32m lets it start), Parallel"
    " GC with GCTimeLimit=80 / GCHeapFreeLimit=10, INFO log: the loyalty team's quarterly"
    " top-spenders file, 3,000,000 purchases summed per member (with first(email)), the"
    " 100,000 best members taken with orderBy().limit() and collected to write the mailing"
    " CSV; ordinary work for a driver of a gigabyte; the collect's first stage (stage 0.0,"
    " the partial aggregation and its shuffle write, 200 partitions), run by the executor"
    " inside the driver JVM, runs out of heap before any row reaches the driver: {where},"
    " 'ERROR SparkUncaughtExceptionHandler: ... Uncaught exception in thread"
    " Thread[Executor task launch worker for task ...]', then under 'File"
    ' ".../scenarios_r56.py", line 122, in loyalty_top_spenders_limit_collect_csv\''
    " ('top = spend.orderBy(F.col(\"spend\").desc()).limit(100000).collect()')"
    " 'py4j.protocol.Py4JJavaError: An error occurred while calling {obj}.collectToPython.' /"
    " 'Job aborted due to stage failure: ...'; 'top spenders written' never printed; exit 52"
    " after {secs} s: the driver heap set far too small for ordinary work: labelled"
    " client_mode_small_driver"
)
OUTCOME_NOTES = {
    "pricing_what_if_cached_scenario_frames--scala--spark35--cluster": _PRICING.format(
        where="'step  10: revenue 151521726' to 'step  50: revenue 158649825' (150,000 cached"
        " blocks, then the sixth job's 30,000 under way), then the heap full: 'ERROR Utils:"
        " uncaught error in thread spark-listener-group-appStatus, stopping SparkContext' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', the same in"
        " spark-listener-group-eventLog, task-result-getter-2 and the driver's RPC thread"
        " ('WARN TransportChannelHandler: Exception in connection from /192.0.2.2:...'), in the"
        " REPL 'org.apache.spark.SparkException: Job 5 cancelled because SparkContext was shut"
        " down'; 'what-if done' never printed; exit 0 after 266 s (the shell goes on to its"
        " end); the event log has 6 job starts and 5 job ends"
    ),
    "pricing_what_if_cached_scenario_frames--scala--spark43--cluster": _PRICING.format(
        where="'step  10: revenue 151521726' to 'step  40: revenue 156691074' (120,000 cached"
        " blocks, then the fifth job's under way), then the heap full: 'ERROR Inbox: An error"
        " happened while processing message in the inbox for CoarseGrainedScheduler' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded', 'Exception in thread"
        ' "dispatcher-CoarseGrainedScheduler" java.lang.OutOfMemoryError: GC overhead limit'
        " exceeded', the driver's RPC thread ('WARN TransportChannelHandler: Exception in"
        " connection from /192.0.2.2:...'), the connection closed and executor 0 exits"
        " ('Executor self-exiting due to : Driver ... disassociated!' in its stderr; the"
        " driver: 'ERROR TaskSchedulerImpl: Lost executor 0 on 192.0.2.2: Command exited with"
        " code 0'), its blocks lost ('WARN BlockManagerMasterEndpoint: No more replicas"
        " available for rdd_N_M !', 65,740 lines, trimmed), then the same OutOfMemoryError in"
        " spark-listener-group-eventLog (stopping SparkContext) and in the local cluster"
        " Master's inbox; in the REPL 'org.apache.spark.SparkException: Job 4 cancelled"
        " because SparkContext was shut down'; 'what-if done' never printed; exit 0 after"
        " 240 s (the shell goes on to its end); the event log has 5 job starts, 4 job ends and"
        " no SparkListenerApplicationEnd; the executor lost is a consequence of the driver's"
        " OutOfMemoryError, not an executor OOM"
    ),
    "helpdesk_ticket_router_weekly_bayes_models--scala--spark35--local": _BAYES.format(
        fits=14,
        jobs=29,
        stage=42,
        where="'ERROR Executor: Exception in task 1.0 in stage 42.0 (TID 43)' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at ByteArrayOutputStream.ensureCapacity"
        " <- ObjectOutputStream.writeDoubles <- SummaryBuilderImpl$MetricsAggregate.serialize"
        " <- ObjectAggregationIterator.next <- BypassMergeSortShuffleWriter.write",
        secs=40,
    ),
    "helpdesk_ticket_router_weekly_bayes_models--scala--spark43--local": _BAYES.format(
        fits=13,
        jobs=27,
        stage=39,
        where="'ERROR Executor: Exception in task 1.0 in stage 39.0 (TID 40)' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " SparseVector.activeIterator (the Summarizer adding the feature vectors)",
        secs=44,
    ),
    "merchant_text_features_segment_idf_models--pyspark--spark35--local": _IDF.format(
        jobs=21,
        where="the executor inside the driver JVM finishes its task but the driver cannot"
        " take in its 8 MB result: 'WARN BlockManager: Failed to fetch remote block"
        " taskresult_41 ...' / 'org.apache.spark.SparkException: Exception thrown in"
        " awaitResult:' / 'Caused by: java.lang.OutOfMemoryError: Java heap space' at"
        " HeapByteBuffer.<init> <- BlockTransferService$$anon$1.onBlockFetchSuccess, 'Lost"
        " task 1.0 in stage 20.0 (TID 41) (192.0.2.2 executor driver): TaskResultLost (result"
        " lost from block manager)'",
        py=" 'py4j.protocol.Py4JJavaError: An error occurred while calling o1360.fit.' / 'Job"
        " aborted due to stage failure: Task 1 in stage 20.0 failed 1 times, ...:"
        " TaskResultLost (result lost from block manager)'",
        rc=1,
        secs=15,
    ),
    "merchant_text_features_segment_idf_models--pyspark--spark43--local": _IDF.format(
        jobs="21 started",
        where="'ERROR Executor: Exception in task 1.0 in stage 40.0 (TID 61)' /"
        " '[FAILED_EXECUTE_UDF] User defined function (`HashingTF$$Lambda$...`: (array<string>)"
        " => struct<...>) failed due to: java.lang.OutOfMemoryError: GC overhead limit"
        " exceeded.', 'ERROR SparkUncaughtExceptionHandler: Uncaught exception in thread"
        " Thread[Executor task launch worker for task 1.0 in stage 40.0 (TID 61),5,main]',"
        ' then \'Exception in thread "spark-listener-group-eventLog"'
        " java.lang.OutOfMemoryError: GC overhead limit exceeded'",
        py=" 'py4j.protocol.Py4JJavaError: An error occurred while calling o1804.fit.'",
        rc=52,
        secs=21,
    ),
    "carrier_manifest_rows_kept_by_day--pyspark--spark35--local": _MANIFEST.format(
        df="dataframe.py", extra="", secs=16
    ),
    "carrier_manifest_rows_kept_by_day--pyspark--spark43--local": _MANIFEST.format(
        df="sql/classic/dataframe.py",
        extra=" (the JVM's serving thread then 'WARN Utils: Suppressing exception in"
        " finally: Broken pipe')",
        secs=16,
    ),
    "customer_channel_mix_collect_set_json_export_sql--sql--spark35--local": _CHANNEL.format(
        where="'ERROR Executor: Exception in task 1.0 in stage 0.0 (TID 1)' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at HashSet.<init> <-"
        " CollectSet.createAggregationBuffer <- ObjectAggregationIterator",
        end='then the CLI fails at its end (\'Exception in thread "main"'
        ' java.lang.NullPointerException: Cannot invoke "...SQLContext.conf()" because the'
        ' return value of "...SparkSQLEnv$.sqlContext()" is null\'); exit 52 after 15 s',
    ),
    "customer_channel_mix_collect_set_json_export_sql--sql--spark43--local": _CHANNEL.format(
        where="'WARN TaskMemoryManager: Failed to allocate a page (2097152 bytes), try"
        " spilling task memory.' / 'java.lang.OutOfMemoryError: Java heap space' at"
        " HeapMemoryAllocator.allocate <- TaskMemoryManager.allocatePage (twice), then 'ERROR"
        " Executor: Exception in task 1.0 in stage 0.0 (TID 1)' / 'java.lang.OutOfMemoryError:"
        " Java heap space'",
        end="the CLI prints 'Job aborted due to stage failure: Task 1 in stage 0.0 failed 1"
        " times, ...: java.lang.OutOfMemoryError: Java heap space'; exit 52 after 19 s",
    ),
    "shop_product_recommendations_als_fit--scala--spark35--local": _ALS.format(
        where="'ERROR Executor: Exception in task 7.0 in stage 6.0 (TID 30)' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " ALS$UncompressedInBlockSort.copyElement <- TimSort <- ALS$UncompressedInBlock.compress"
        " (ALS.makeBlocks)",
        secs=33,
    ),
    "shop_product_recommendations_als_fit--scala--spark43--local": _ALS.format(
        where="'ERROR Executor: Exception in task 3.0 in stage 2.0 (TID 8)' and task 2.0 /"
        " 'java.lang.OutOfMemoryError: Java heap space' at ArrayBuilder$ofInt.resize <-"
        " ALS$RatingBlockBuilder.merge <- ALS.partitionRatings",
        secs=30,
    ),
    "loyalty_top_spenders_limit_collect_csv--pyspark--spark35--local": _LOYALTY.format(
        where="'ERROR Executor: Exception in task 2.0 in stage 0.0 (TID 2)' /"
        " 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at UnsafeRow.copy <-"
        " SortBasedAggregationIterator.processCurrentSortedGroup (first(email) makes the"
        " aggregate sort-based), and task 3.0 'java.lang.OutOfMemoryError: Java heap space' at"
        " LZ4BlockOutputStream.<init> <- DiskBlockObjectWriter.open <-"
        " BypassMergeSortShuffleWriter.write",
        obj="o75",
        secs=13,
    ),
    "loyalty_top_spenders_limit_collect_csv--pyspark--spark43--local": _LOYALTY.format(
        where="'ERROR Executor: Exception in task 0.0 in stage 0.0 (TID 0)' and task 1.0 /"
        " 'java.lang.OutOfMemoryError: Java heap space' at LZ4BlockOutputStream.<init> <-"
        " DiskBlockObjectWriter.open <- BypassMergeSortShuffleWriter.write (a compressed"
        " stream per shuffle partition)",
        obj="o95",
        secs=12,
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r56)


if __name__ == "__main__":
    main()
