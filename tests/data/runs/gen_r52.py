#!/usr/bin/env python
"""Run round 52 of the real Spark run matrix under tests/data/runs/ (manifest-r52.jsonl).

    python tests/data/runs/gen_r52.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r52.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r52.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 51, all in
local[*]: driver programs whose own state grows over a loop, big objects captured by functions
shipped to tasks, jobs with far too many tasks and pandas work on the Python driver (see the
README section). A PySpark run is one ``spark-submit scenarios_r52.py <scenario>`` by
gen_more.run; a Scala run is one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f
<script>`` (stdin /dev/null) from the pyspark wheel of the Spark version, launched by
gen_shell.run as rounds 35 to 51's, the script being scenarios_r52.SCALA / SQL[scenario]
written into the run's scratch dir. Finishing (trim, zstd event log check, `outcome`, the
`expect` / `reject` / executor-OOM verification, the manifest line) is gen_more.finish with
this round's tables handed as a gen_more.Round. Raw output under $DD_SCRATCH (default
/tmp/driver-doctor-runs-r52).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (main)
import scenarios_r52  # noqa: E402  (SCALA and SQL scripts)

SCENARIOS = {
    # PySpark (WARN log): 80 API pages of 40,000 JSON items, each read with
    # spark.read.json(sc.parallelize(page)) and kept in a list for one unionByName.
    "partner_catalog_api_pages_json": dict(
        label="driver_side_state",
        expect=ge.DRIVER_OOM,
        timeout=300,
    ),
    # PySpark (WARN log): a day's KPI rows toPandas() into a dict by ISO day, the pop of
    # the day leaving the window given a date (never found), RLIMIT_AS 1000 MiB above VmSize.
    "store_kpi_seven_day_pandas_window": dict(
        label="driver_side_state",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        timeout=300,
    ),
    # PySpark (WARN log): DataFrame.foreach(check) whose function captures a 480 MB filter
    # file read into the driver.
    "card_authorisations_fraud_filter_foreach": dict(
        label="large_closure",
        expect=ge.DRIVER_OOM,
        timeout=300,
    ),
    # PySpark (WARN log): repartition(rows * 220 // 128) of 2,000,000 events, the target
    # file size taken as bytes.
    "clickstream_compaction_file_size_repartition": dict(
        label="too_many_tasks",
        expect=ge.DRIVER_OOM,
        timeout=300,
    ),
    # PySpark (WARN log): toPandas() of 200,000 tickets, then str.split("|", expand=True) of
    # the tags, one ticket with 60,000 tags; RLIMIT_AS 1000 MiB above VmSize.
    "support_ticket_tags_split_columns": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        reject=ge.DRIVER_OOM,
        timeout=300,
    ),
    # Scala: hand-written gradient steps over 2^20 hashed features, every step's weights
    # (8 MB) kept in an ArrayBuffer.
    "click_model_hashed_sgd_training": dict(
        label="driver_side_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
    ),
    # Scala: a functions.udf capturing a 400,000 x 96 Array[Array[Float]] of embeddings.
    "product_pair_cosine_udf_embeddings": dict(
        label="large_closure",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
    ),
    # SQL: ROW_NUMBER() window in a CTAS with adaptive execution off and
    # spark.sql.shuffle.partitions 4,000,000.
    "customer_latest_profile_window_sql": dict(
        label="too_many_tasks",
        lang="sql",
        expect=ge.DRIVER_OOM,
        timeout=300,
    ),
}

# First try not kept (made again under the same run id after the fix; see the README):
# partner_catalog_api_pages_json on 3.5 (47 s: each page parallelized in 4 slices, so every
# task carried ~6 MB of JSON text, 'WARN TaskSetManager: Stage N contains a task of very large
# size (5981 KiB)' twice a page, which is what a big closure also prints; the OOM came at page
# 18 in a task deserializing its slice): 40 slices a page (~600 KB a task), changed before the
# 4.3 run, which is the first try with 40.
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_PAGES = (
    "note: local[*], driver 512m: the partner catalog import reads the partner API page by"
    " page (80 pages of 40,000 JSON items of ~600 characters, made up in Python as the API"
    " would return them), turns every page into a DataFrame with"
    " spark.read.json(sc.parallelize(items, 40)) and keeps it in a Python list for one"
    " unionByName and one Parquet write at the end; each kept DataFrame holds its page's"
    " parallelized JSON text (~24 MB) in the driver JVM (ParallelCollectionRDD), so the heap"
    " fills page after page: 'page 1: 40000 items' to 'page {last}: 40000 items', then {where};"
    " no single page is large, nothing is collected, no task is over the size warning: the"
    " driver program keeps every page: labelled driver_side_state"
)
_KPIS = (
    "note: local[*], driver 512m, the Python driver capped by RLIMIT_AS 1000 MiB above its"
    " VmSize ({vm}): the store KPI monitor reads each day's 150,000 KPI rows (store, SKU,"
    " sales, units, margin, promo) with toPandas() into a dict keyed by the day's ISO string"
    " and pops the day leaving the seven-day window with a datetime.date key, which is never"
    " found, so every day's frame stays; the printed '7-day sales' grows every day"
    ' (74997017.76 on 2026-01-01 to {last}), then under \'File ".../scenarios_r52.py", line'
    " 110, in store_kpi_seven_day_pandas_window' (window[day.isoformat()] = kpis.toPandas())"
    " {where}; no Java OutOfMemoryError, the JVM is fine; each day's read is modest, the dict"
    " grows over the loop: labelled driver_side_state; exit 1"
)
_FILTER = (
    "note: local[*], driver 512m: the card authorisation screen reads the fraud consortium's"
    " 480 MB Bloom filter file into the Python driver (fraud_bits = fh.read(); 'fraud filter"
    " loaded: 4026531840 bits') and runs auths.foreach(check) over 2,000,000 authorisations,"
    " check() testing seven bits of the filter per card hash; PySpark pickles check() with"
    " the captured bytes and, the command being over the broadcast threshold, broadcasts it"
    " (rdd.py _prepare_for_python_RDD -> context.py broadcast); the driver JVM runs out of"
    " heap cutting the broadcast into blocks: 'WARN Utils: Suppressing exception in finally:"
    " Java heap space' / 'java.lang.OutOfMemoryError: Java heap space' at"
    " TorrentBroadcast$.blockifyObject <- TorrentBroadcast.writeBlocks <-"
    " JavaSparkContext.broadcast, 'ERROR TorrentBroadcast: Store broadcast broadcast_0 fail,"
    " remove all pieces of the broadcast', then under 'File \".../scenarios_r52.py\", line"
    " 160, in card_authorisations_fraud_filter_foreach' (auths.foreach(check))"
    " 'py4j.protocol.Py4JJavaError: An error occurred while calling {obj}.broadcast.' / ':"
    " java.lang.OutOfMemoryError: Java heap space'; no task ran; 'authorisations screened'"
    " never printed; exit 1: the function shipped to the tasks carries the filter: labelled"
    " large_closure"
)
_COMPACTION = (
    "note: local[*], driver 512m: the nightly clickstream compaction computes its file count"
    " as rows * 220 bytes // 128 (the target file size written as 128 MB but used as bytes)"
    " and prints 'compacting 2000000 events into 3437500 files', then"
    " events.repartition(3437500).write.parquet(...): {where}: the job has 3,437,500 reduce"
    " partitions (tasks), nothing in it is large but their number: labelled too_many_tasks"
)
_SPLIT = (
    "note: local[*], driver 512m, the Python driver capped by RLIMIT_AS 1000 MiB above its"
    " VmSize after the collect ({vm}): toPandas() of 200,000 support tickets fits ('tickets:"
    " 200000'), then under 'File \".../scenarios_r52.py\", line 230, in"
    ' support_ticket_tags_split_columns\' pdf["tags"].str.split("|", expand=True), one'
    " ticket having 60,000 tags (an escalation bot's), pads every ticket to 60,000 columns:"
    " pandas lib.to_object_array 'numpy._core._exceptions._ArrayMemoryError: Unable to"
    " allocate 89.4 GiB for an array with shape (200000, 60000) and data type object'; no"
    " Java error, the JVM is fine; one pandas step on the Python driver: labelled"
    " python_driver_oom; exit 1"
)
_CLICKS = (
    "note: spark-shell, local[*], driver 512m: the ads team's click-through model trained by"
    " hand in the shell, a logistic regression over 2^20 hashed features, each gradient step"
    " a mapPartitions + reduce over 200,000 examples with the weights broadcast (and"
    " destroyed after the step); every step's new weight vector (8 MB) is appended to an"
    " ArrayBuffer 'to roll back to the best step': 'step   5: log loss 0.6907' to 'step"
    " {last}: log loss {loss}', then at step {step} the driver runs out of heap fetching a"
    " task's 8 MB gradient: 'WARN BlockManager: Failed to fetch remote block taskresult_{tid}"
    " from [BlockManagerId(driver, ...)]', 'SparkException: Exception thrown in awaitResult:'"
    " at BlockTransferService.fetchBlockSync <- TaskResultGetter / 'Caused by:"
    " java.lang.OutOfMemoryError: Java heap space' ({frame}), 'Job aborted due to stage"
    " failure: Task 0 in stage {stage}.0 failed 1 times, ... TaskResultLost (result lost from"
    " block manager)' in the REPL ('... {elided} elided'); 'training done' never printed; exit"
    " 0 (the shell goes on); each step is small, the kept weights grow over the loop:"
    " labelled driver_side_state"
)
_COSINE = (
    "note: spark-shell, local[*], driver 512m: the similar-products job loads the item"
    " embeddings (400,000 x 96 floats, ~160 MB) into an Array[Array[Float]] on the driver"
    " ('embeddings loaded: 400000 products') and scores 2,000,000 candidate pairs with a"
    " functions.udf whose function reads both products from the array; writing the result"
    " as Parquet, Spark cleans the whole-stage-codegen closure that holds the UDF and the"
    " array and runs out of heap serializing it: 'ERROR FileFormatWriter: Aborting job ...' /"
    " 'java.lang.OutOfMemoryError: Java heap space' at ByteBufferOutputStream.write <-"
    " JavaSerializationStream.writeObject <- {cleaner} <- SparkContext.clean <-"
    " RDD.mapPartitionsWithIndex <- WholeStageCodegenExec.doExecute, the same in the REPL; no"
    " task ran; 'similar products written' never printed; exit 0 (the shell goes on): the"
    " function shipped to the tasks carries the embeddings: labelled large_closure"
)
_PROFILES = (
    "note: spark-sql, local[*], driver 512m: the CRM sync's script header sets"
    " spark.sql.adaptive.enabled=false and spark.sql.shuffle.partitions=4000000 (both echoed),"
    " then CREATE TABLE crm_latest_profiles USING parquet AS SELECT the first row of"
    " ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY updated_at DESC) over 600,000"
    " profile updates: {where}: the window's shuffle has 4,000,000 partitions, nothing in"
    " the query is large but their number: labelled too_many_tasks"
)
OUTCOME_NOTES = {
    "partner_catalog_api_pages_json--pyspark--spark35--local": _PAGES.format(
        last=19,
        where='parallelizing page 20, under \'File ".../scenarios_r52.py", line 69, in'
        " partner_catalog_api_pages_json' (page_df = spark.read.json(sc.parallelize(items,"
        " 40))) through context.py parallelize / _serialize_to_jvm, 'py4j.protocol.Py4JJavaError:"
        " An error occurred while calling"
        " z:org.apache.spark.api.python.PythonRDD.readRDDFromFile.' / ':"
        " java.lang.OutOfMemoryError: Java heap space' (the JVM reading the new page's"
        " pickled items into its heap); exit 1 after 90 s",
    ),
    "partner_catalog_api_pages_json--pyspark--spark43--local": _PAGES.format(
        last=18,
        where="in the next page's schema-inference job 'ERROR Executor: Exception in task 14.0"
        " in stage 72.0 (TID 1472)' / 'java.lang.OutOfMemoryError: Java heap space' at"
        " SerializerHelper$.serializeToChunkedBuffer (serializing its result), run by the"
        " executor inside the driver, SparkUncaughtExceptionHandler, 'Task 14 in stage 72.0"
        " failed 1 times; aborting job', under 'File \".../scenarios_r52.py\", line 69, in"
        " partner_catalog_api_pages_json' 'Py4JJavaError: An error occurred while calling"
        " o267.json.' / 'Job aborted due to stage failure: ... java.lang.OutOfMemoryError:"
        " Java heap space'; exit 52 after 75 s",
    ),
    "store_kpi_seven_day_pandas_window--pyspark--spark35--local": _KPIS.format(
        vm="349 MiB, RLIMIT_AS 1349 MiB",
        last="1499967575.88 on 2026-01-20",
        where="'MemoryError' unpickling the rows in pyspark serializers.py loads (20 days"
        " kept, the 21st being read)",
    ),
    "store_kpi_seven_day_pandas_window--pyspark--spark43--local": _KPIS.format(
        vm="354 MiB, RLIMIT_AS 1354 MiB; Arrow tried and not found, the plain collect used",
        last="1424968036.05 on 2026-01-19",
        where="'numpy._core._exceptions._ArrayMemoryError: Unable to allocate 4.58 MiB for an"
        " array with shape (4, 150000) and data type object' in pandas DataFrame.from_records"
        " (consolidating the 20th day's frame)",
    ),
    "card_authorisations_fraud_filter_foreach--pyspark--spark35--local": _FILTER.format(obj="o20"),
    "card_authorisations_fraud_filter_foreach--pyspark--spark43--local": _FILTER.format(obj="o20"),
    "clickstream_compaction_file_size_repartition--pyspark--spark35--local": _COMPACTION.format(
        where="planning the write's job the DAGScheduler runs out of heap, 'Exception in"
        ' thread "dag-scheduler-event-loop" java.lang.OutOfMemoryError: Java heap space\' at'
        " HashSet$HashSetBuilder <- DAGScheduler.createResultStage (the set of its 3,437,500"
        " partitions), the Python call left waiting; killed 60 s after the OutOfMemoryError"
        " (232 s), the event log .inprogress"
    ),
    "clickstream_compaction_file_size_repartition--pyspark--spark43--local": _COMPACTION.format(
        where='the map stage is aborted: under \'File ".../scenarios_r52.py", line 189, in'
        " clickstream_compaction_file_size_repartition' 'Py4JJavaError: An error occurred"
        " while calling o81.parquet.' / 'Job aborted due to stage failure: Task serialization"
        " failed: java.lang.OutOfMemoryError: Java heap space' at ByteBufferOutputStream.write"
        " <- JavaSerializerInstance.serialize <- DAGScheduler.submitMissingTasks <-"
        " handleMapStageSubmitted (Spark's own task binary for a shuffle of 3,437,500"
        " partitions; no function of the script captures anything large), exit 1 after 8 s"
    ),
    "support_ticket_tags_split_columns--pyspark--spark35--local": _SPLIT.format(
        vm="463 MiB, RLIMIT_AS 1463 MiB"
    ),
    "support_ticket_tags_split_columns--pyspark--spark43--local": _SPLIT.format(
        vm="457 MiB, RLIMIT_AS 1457 MiB"
    ),
    "click_model_hashed_sgd_training--scala--spark35--local": _CLICKS.format(
        last=" 40",
        loss="0.6695",
        step=41,
        tid=164,
        frame="at ByteBuffer.allocate <- io.netty CompositeByteBuf.nioBuffer, 'Caused by:"
        " java.util.concurrent.ExecutionException: Boxed Error'",
        stage=41,
        elided=60,
    ),
    "click_model_hashed_sgd_training--scala--spark43--local": _CLICKS.format(
        last=" 35",
        loss="0.6724",
        step=39,
        tid=156,
        frame="at ByteBuffer.allocate <- BlockTransferService$$anon$1.onBlockFetchSuccess,"
        " 'Caused by: java.util.concurrent.ExecutionException: Boxed Exception'",
        stage=39,
        elided=53,
    ),
    "product_pair_cosine_udf_embeddings--scala--spark35--local": _COSINE.format(
        cleaner="ClosureCleaner$.ensureSerializable <- ClosureCleaner$.clean"
    ),
    "product_pair_cosine_udf_embeddings--scala--spark43--local": _COSINE.format(
        cleaner="SparkClosureCleaner$.clean"
    ),
    "customer_latest_profile_window_sql--sql--spark35--local": _PROFILES.format(
        where="planning the CTAS the driver runs out of heap, first 'ERROR Utils: uncaught"
        " error in thread Spark Context Cleaner, stopping SparkContext' /"
        " 'java.lang.OutOfMemoryError: Java heap space', then 'ERROR FileFormatWriter: Aborting"
        " job ...' and 'ERROR SparkSQLDriver: Failed in [CREATE TABLE crm_latest_profiles"
        " ...]' / 'java.lang.OutOfMemoryError: Java heap space' at ShuffledRowRDD.<init> <-"
        " ShuffleExchangeExec.doExecute (one partition spec per shuffle partition); exit 1"
        " after 17 s"
    ),
    "customer_latest_profile_window_sql--sql--spark43--local": _PROFILES.format(
        where="planning the CTAS (about 90 s after the SET lines, the heap full) the driver"
        " runs out of heap: 'ERROR FileFormatWriter: Aborting job ...' /"
        " 'java.lang.OutOfMemoryError: Java heap space' (printed without frames), 'ERROR Utils:"
        " Uncaught exception in thread executor-heartbeater' / the same error, 'ERROR"
        " SparkSQLDriver: Failed in [CREATE TABLE crm_latest_profiles ...]' /"
        " 'QueryExecutionException: java.lang.OutOfMemoryError: Java heap space' at"
        " SparkSQLDriver.run; exit 1 after 95 s"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r52)


if __name__ == "__main__":
    main()
