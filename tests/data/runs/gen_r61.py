#!/usr/bin/env python
"""Run round 61 of the real Spark run matrix under tests/data/runs/ (manifest-r61.jsonl).

    python tests/data/runs/gen_r61.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r61.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r61.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark and Scala mixed as in rounds 35 to 60, for causes still
thin or confused in driver logs and event logs: the driver heap filled by the bookkeeping of
very many cached or persisted blocks, a client-mode driver whose heap is small because of how
it was launched, and a task closure that drags a big driver-side object along (four more
scenarios, two cached_block_metadata and two streaming_state, dropped; see the README section
and the comment in scenarios_r61.py). A PySpark run is one ``spark-submit scenarios_r61.py
<scenario>`` by gen_more.run; a Scala run is one ``spark-shell -i <script>`` (stdin
/dev/null) from the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35
to 60's, the script being scenarios_r61.SCALA[scenario] written into the run's scratch dir.
Finishing (trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM
verification, the manifest line) is gen_more.finish with this round's tables handed as a
gen_more.Round. Raw output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r61).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_shell as gs  # noqa: E402  (CLUSTER, PARALLEL_GC_LIMIT, RESERVED_32M, main)
import scenarios_r61  # noqa: E402  (SCALA scripts)

# Rounds 56 to 59's recipe for the driver heap filled with the status of cached blocks
# (local-cluster, a 224m driver let through Spark's start-up check by RESERVED_32M, the
# Parallel collector with a small young generation and a stricter GC overhead limit, adaptive
# query execution off), with round 60's hard timeout.
SMALL_HEAP_BLOCKS = dict(
    mem="224m",
    gc="-XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20",
    conf={**gs.RESERVED_32M, "spark.sql.adaptive.enabled": "false"},
    variants=gs.CLUSTER,
    timeout=300,
)
# A driver of ordinary size (512m) whose full heap throws instead of thrashing, on
# local-cluster (the executors separate JVMs), with round 60's hard timeout.
DRIVER_512 = dict(gc=gs.PARALLEL_GC_LIMIT, variants=gs.CLUSTER, timeout=300)

SCENARIOS = {
    # Scala: every day's balances partitionBy(HashPartitioner(20,000)) and persisted
    # MEMORY_AND_DISK, kept by day, a weekly rollup over the partitioner-aware union written
    # as 8 files (coalesce(8)).
    "customer_daily_balances_partitioned_persisted_rdds": dict(
        label="cached_block_metadata",
        lang="scala",
        expect=ge.DRIVER_OOM,
        **SMALL_HEAP_BLOCKS,
    ),
    # Scala: SparkContext.getOrCreate(SparkConf with spark.driver.memory=8g) in the shell
    # (the default 1g driver), collectAsList of 10,000,000 loan applications.
    "loan_applications_review_collect_as_list": dict(
        label="client_mode_small_driver", lang="scala", expect=ge.DRIVER_OOM, mem="1g", **DRIVER_512
    ),
    # PySpark: PYSPARK_SUBMIT_ARGS with --driver-memory 6g set by the script under
    # spark-submit (the default 1g driver), createDataFrame of 5,000,000 pandas rows.
    "claims_history_pandas_create_dataframe_notebook_args": dict(
        label="client_mode_small_driver", expect=ge.DRIVER_OOM, mem="1g", **DRIVER_512
    ),
    # Scala: an RDD map whose lambda reads a field of its helper class, capturing the helper
    # and its 1,400,000 user-agent patterns.
    "web_sessions_device_family_enricher_class": dict(
        label="large_closure", lang="scala", expect=ge.DRIVER_OOM, **DRIVER_512
    ),
    # Dropped after their 3.5 try (see the README section and the comment in
    # scenarios_r61.py; no folder or manifest line): clickstream_day_rows_python_rdd_persisted
    # and tenant_usage_cached_aggregates_sql (cached_block_metadata, PySpark and SQL: the
    # blocks came too slowly for the 300 s timeout), store_footfall_streams_query_per_store
    # and venue_quotes_union_of_rate_streams (streaming_state, PySpark and Scala: the
    # progress history grew too slowly), their second versions not run before the round's
    # deadline.
}

NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_BALANCES = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 224m (RESERVED_32M),"
    " -XX:+UseParallelGC -Xmn8m -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20,"
    " spark.sql.adaptive.enabled=false: the customer balances of every day (40,000 postings,"
    " sc.range in one slice) as a pair RDD partitionBy(new HashPartitioner(20000)) and"
    " persist(StorageLevel.MEMORY_AND_DISK)ed, kept in a LinkedHashMap by day so that the"
    " rollups need no shuffle; every seventh day the week's rollup, sc.union(the 7 days)"
    " (partitioner-aware) .reduceByKey(byCustomer, _ + _).filter(...).map(csv).coalesce(8)"
    ".saveAsTextFile(weekly/<day>): 8 tasks, each computing and caching 2,500 partitions of"
    " each of the 7 days (140,000 blocks a week), one block status update to the driver"
    " each; the driver keeps every block's status (BlockManagerMasterEndpoint, the"
    " executors' BlockManagerInfo, the status store's RDD storage info); 'week ending"
    " 2026-10-07: report written' (140,000 cached blocks), then during week 2's job {where};"
    " no executor OutOfMemoryError: labelled cached_block_metadata"
)
_LOANS = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, PARALLEL_GC_LIMIT: the loan"
    " applications review pasted from a notebook, val conf = new SparkConf().setAppName("
    "'loan-applications-review').set('spark.driver.memory', '8g')"
    ".set('spark.driver.maxResultSize', '4g') handed to SparkContext.getOrCreate(conf) in the"
    " shell, whose driver JVM runs with --driver-memory 1g (Spark's default, passed"
    " explicitly): 'WARN SparkContext: Using an existing SparkContext; some configuration may"
    " not take effect.', then the script's 'loan review settings: spark.driver.memory=8g"
    " spark.driver.maxResultSize=4g' (the values of its own SparkConf, not the heap);"
    " 10,000,000 applications (id, applicant, branch, amount, term, status) in 16 partitions"
    " collected with collectAsList() as a java.util.List[LoanApplication] of case classes"
    " to flag large short loans locally, which an 8g driver would hold; {where};"
    " 'applications:' never printed; no executor OutOfMemoryError: labelled"
    " client_mode_small_driver"
)
_CLAIMS = (
    "note: local-cluster[2,1,1024], executors 768m, PARALLEL_GC_LIMIT, INFO log: the claims"
    " history load copied from a notebook, the script sets"
    " os.environ['PYSPARK_SUBMIT_ARGS'] = '--driver-memory 6g --conf"
    " spark.driver.maxResultSize=3g pyspark-shell' and prints it to stderr ('claims history"
    " load: PYSPARK_SUBMIT_ARGS=--driver-memory 6g ...', among the log's first lines) before"
    " SparkSession.builder.appName('claims-history-load').getOrCreate(); under spark-submit"
    " (client mode) the driver JVM was already running with --driver-memory 1g (Spark's"
    " default, passed explicitly), so the variable had no effect ('MemoryStore started with"
    " capacity 366.3 MiB'); 5,000,000 claims in a pandas frame ('claims read: 5000000 rows,"
    " 1356 MB in pandas') handed to spark.createDataFrame(pdf) (no pyarrow: the rows turned"
    " into Python tuples, pickled and read into the driver JVM as the data of a"
    " ParallelCollectionRDD of 2 slices, which a 6g driver would hold), then a per-status"
    " summary collect() at line 155; {where}; no executor OutOfMemoryError: labelled"
    " client_mode_small_driver"
)
_DEVICES = (
    "note: spark-shell, local-cluster[2,1,1024], executors 768m, driver 512m,"
    " PARALLEL_GC_LIMIT: web sessions tagged with a device family by a helper class"
    " DeviceEnricher(patternCount) extends Serializable whose constructor builds the full"
    " user-agent pattern table (val uaPatterns: Array[String] of 1,400,000 strings of about"
    " 110 characters, used by another method) and whose tag(sessions) maps each session with"
    " a lambda that reads only the field defaultFamily, so the lambda captures the helper"
    " (this) and its table: 'device patterns loaded: 1400000', then at"
    " enricher.tag(sessions) (sessions.map, before any job) {where}; 'sessions by device"
    " family' never printed, no job ran; no executor OutOfMemoryError: labelled large_closure"
)
OUTCOME_NOTES = {
    "customer_daily_balances_partitioned_persisted_rdds--scala--spark35--cluster": _BALANCES.format(
        where="'ERROR Inbox: An error happened while processing message in the inbox for"
        " Worker' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded' (the local-cluster"
        " worker's RPC endpoint in the full driver heap), 'Exception in thread"
        " \"dispatcher-event-loop-1\"', 'ERROR TaskSchedulerImpl: Lost executor 1 on"
        " 192.0.2.2: Command exited with code 0' (the executor cut off from the driver, its"
        " stderr: 'Driver from 192.0.2.2:46705 disconnected during shutdown'), 'ERROR Inbox: An"
        " error happened while processing message in the inbox for BlockManagerMaster' /"
        " 'GC overhead limit exceeded', 41 'WARN BlockManagerMasterEndpoint: No more replicas"
        " available for rdd_N_M !', 'ERROR DAGSchedulerEventProcessLoop:"
        " DAGSchedulerEventProcessLoop failed; shutting down SparkContext' (at"
        " BlockManagerMaster.removeExecutor, 'Caused by: java.util.concurrent.ExecutionException:"
        " Boxed Error' / 'Caused by: java.lang.OutOfMemoryError: GC overhead limit exceeded'),"
        " then the save's 'org.apache.spark.SparkException: Job aborted.' / 'Job 1 cancelled as"
        " part of cancellation of all jobs'; exit 0 after 195 s (the shell goes on to its end)."
        " A first try (not kept) without the coalesce ran 20,000 tasks a week at about 125 a"
        " second and was stopped by hand after 123 s in its first week"
    ),
    "customer_daily_balances_partitioned_persisted_rdds--scala--spark43--cluster": _BALANCES.format(
        where="'ERROR Utils: uncaught error in thread spark-listener-group-appStatus, stopping"
        " SparkContext' / 'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " LiveRDD.doUpdate <- AppStatusListener.updateRDDBlock <- AppStatusListener.onBlockUpdated"
        " (the status store's record of the cached RDDs' blocks), 'Exception in thread"
        " \"spark-listener-group-appStatus\"', 'ERROR SparkHadoopWriter: Aborting job ...' /"
        " 'Job 1 cancelled because SparkContext was shut down', 'Exception in thread"
        ' "stop-spark-context" java.lang.OutOfMemoryError: GC overhead limit exceeded\', the'
        " executors lost as the local-cluster worker shut down ('Reason: Worker shutting"
        " down'); exit 0 after 224 s"
    ),
    "loan_applications_review_collect_as_list--scala--spark35--cluster": _LOANS.format(
        where="'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " SparkPlan$$anon$1._next <- SparkPlan.executeCollect <- Dataset.collectFromPlan <-"
        " Dataset.collectAsList (the collected rows being decoded); exit 0 after 30 s (the"
        " shell goes on to its end). A first try (not kept) with 6,000,000 applications"
        " thrashed in full collections for three minutes without an error (its heap just"
        " short of the GC overhead limit) and was stopped by hand after 195 s"
    ),
    "loan_applications_review_collect_as_list--scala--spark43--cluster": _LOANS.format(
        where="'java.lang.OutOfMemoryError: GC overhead limit exceeded' at"
        " SparkPlan$$anon$1._next <- SparkPlan.executeCollect <- classic.Dataset.collectFromPlan"
        " <- classic.Dataset.collectAsList; exit 0 after 30 s"
    ),
    "claims_history_pandas_create_dataframe_notebook_args--pyspark--spark35--cluster": _CLAIMS.format(
        where="the frame's rows converted and pickled by the Python driver for about 110 s, then"
        " job 0 ('Got map stage job 0 (collect at .../scenarios_r61.py:155) with 2 output"
        " partitions'), and as its 2 tasks were being launched 'ERROR Inbox: An error happened"
        " while processing message in the inbox for CoarseGrainedScheduler' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
        " ByteArrayOutputStream.ensureCapacity <- JavaSerializerInstance.serialize <-"
        " TaskSetManager.prepareLaunchingTask <- TaskSchedulerImpl.resourceOffers (a task with"
        " its slice of the pickled rows being serialized), 'Exception in thread"
        ' "dispatcher-CoarseGrainedScheduler" java.lang.OutOfMemoryError: Java heap space\''
        " (twice); the job never started a task, the script hung, killed 60 s after the first"
        " OutOfMemoryError (184 s)"
    ),
    "claims_history_pandas_create_dataframe_notebook_args--pyspark--spark43--cluster": _CLAIMS.format(
        where="the frame's rows converted and pickled by the Python driver for about 125 s, then"
        " job 0 ('Got map stage job 0 (collect at .../scenarios_r61.py:155) with 2 output"
        " partitions'), and as its 2 tasks were being launched 'ERROR Inbox: An error happened"
        " while processing message in the inbox for CoarseGrainedScheduler' /"
        " 'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
        " ByteArrayOutputStream.ensureCapacity <- JavaSerializerInstance.serialize <-"
        " TaskSetManager.prepareLaunchingTask, 'Exception in thread"
        ' "dispatcher-CoarseGrainedScheduler" java.lang.OutOfMemoryError: Java heap space\''
        " (twice); no task started, the script hung, killed 60 s after the first"
        " OutOfMemoryError (200 s)"
    ),
    "web_sessions_device_family_enricher_class--scala--spark35--cluster": _DEVICES.format(
        where="'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
        " ByteArrayOutputStream.ensureCapacity <- ObjectOutputStream.writeString <-"
        " ObjectOutputStream.writeArray <- JavaSerializerInstance.serialize <-"
        " ClosureCleaner$.ensureSerializable <- ClosureCleaner$.clean <- SparkContext.clean <-"
        " RDD.map (the closure, with the helper and its array, serialized by the driver's"
        " serializability check); exit 0 after 25 s (the shell goes on to its end)"
    ),
    "web_sessions_device_family_enricher_class--scala--spark43--cluster": _DEVICES.format(
        where="'java.lang.OutOfMemoryError: Java heap space' at Arrays.copyOf <-"
        " ByteArrayOutputStream.ensureCapacity <- JavaSerializerInstance.serialize <-"
        " SparkClosureCleaner$.clean <- SparkContext.clean <- RDD.map (Spark 4's closure"
        " cleaner serializing the closure with the helper and its array); exit 0 after 16 s"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r61)


if __name__ == "__main__":
    main()
