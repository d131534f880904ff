#!/usr/bin/env python
"""Run round 40 of the real Spark run matrix under tests/data/runs/ (manifest-r40.jsonl).

    python tests/data/runs/gen_r40.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r40.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r40.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark and Scala mixed as in rounds 36 to 39, that reach the causes
of the matrix by code paths none of the earlier rounds uses (see the README section). A PySpark
run is one ``spark-submit scenarios_r40.py <scenario>`` by gen_more.run; a Scala run is one
``spark-shell -i <script>`` (stdin /dev/null) from the pyspark wheel of the Spark version,
launched by gen_shell.run as rounds 35 to 39's, the script being scenarios_r40.SCALA[scenario]
written into the run's scratch dir. Finishing (trim, zstd event log check, `outcome`, the
`expect` / `reject` / executor-OOM verification, the manifest line) is gen_more.finish with
this round's tables handed as a gen_more.Round. Raw output under $DD_SCRATCH (default
/tmp/driver-doctor-runs-r40).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (OWN_OOM, MAX_RESULT, PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (BROADCAST_OOM, EXECUTOR_*, UI_SMALL, main)
import scenarios_r40  # noqa: E402  (SCALA scripts)

# ObjectInputStream masking an OutOfMemoryError while task results are deserialized (round 39).
UNREAD_BLOCK = (
    r"Exception while getting task result: java\.lang\.IllegalStateException: unread block data"
)

SCENARIOS = {
    # Scala: Dataset.collectAsList() of 3,000,000 rows with two sha-512 hex columns,
    # maxResultSize unlimited so the heap, not the limit, is what runs out.
    "invoice_lines_dataset_collect_as_list": dict(
        label="collect_to_driver",
        lang="scala",
        expect=ge.DRIVER_OOM + "|" + UNREAD_BLOCK,
        timeout=240,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # Scala: a loop of collect()s of 250,000 positions appended to a driver-side ArrayBuffer.
    "fleet_positions_snapshot_history_buffer": dict(
        label="driver_side_state", lang="scala", expect=ge.DRIVER_OOM, timeout=300
    ),
    # Scala: RDD.filter whose closure captures a sorted 25,000,000-element Array[Long].
    "fraud_rules_ip_blocklist_rdd_filter_closure": dict(
        label="large_closure", lang="scala", expect=ge.DRIVER_OOM, timeout=240
    ),
    # PySpark (WARN log): SQL /*+ MAPJOIN(bins) */ of 4,000,000 bins with 128-char codes.
    "warehouse_bins_mapjoin_hint_sql_view": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=gs.BROADCAST_OOM,
        timeout=240,
    ),
    # PySpark (WARN log): rdd.takeSample(False, 400,000) of 3,000,000 records, maxResultSize 2m.
    "survey_respondents_take_sample_panel": dict(
        label="max_result_size",
        expect=gm.MAX_RESULT,
        timeout=240,
        conf={"spark.driver.maxResultSize": "2m"},
    ),
    # PySpark (WARN log): collect() fits; pickle.dumps of the Rows under RLIMIT_AS.
    "tariff_matrix_rows_pickle_cache_file": dict(
        label="python_driver_oom", expect=gm.PY_MEMORYERROR, timeout=240
    ),
    # Scala: sc.union of 30,000 RDDs of 100 slices (3,000,000 partitions), counted.
    "sensor_shards_union_many_rdds": dict(
        label="too_many_tasks", lang="scala", expect=ge.DRIVER_OOM, timeout=240
    ),
    # (local-cluster only) Scala: collect_list of 5,000,000 entries under one key, executors
    # of 768m.
    "ledger_entries_collect_list_single_key": dict(
        label="not_driver_oom",
        lang="scala",
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
    # Scala: 20,000 chained RDD.map steps, counted (StackOverflowError, not the heap).
    "catalog_lineage_deep_map_chain": dict(
        label="not_driver_oom",
        lang="scala",
        expect=r"java\.lang\.StackOverflowError",
        reject=gm.OWN_OOM,
        timeout=240,
    ),
    # Scala: hourly chains of 50 persist(MEMORY_ONLY) map steps over 2,000 partitions, all kept
    # referenced; Parallel GC with a 32m young generation (earlier tries with Serial / G1 /
    # Parallel GC and the default young generation only thrashed); UI task history kept small.
    "session_events_tiny_blocks_memory_only": dict(
        label="cached_block_metadata",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=360,
        gc="-XX:+UseParallelGC -Xmn32m",
        conf=gs.UI_SMALL,
    ),
}

# Tried and not kept (see the README): session_events_tiny_blocks_memory_only (3.5 local[*],
# 08:03-08:09) cached 250 steps x 2,000 blocks (500,000 one-integer MEMORY_ONLY blocks) in 72 s
# ("hour 4: 250 steps kept in memory, 72 s"), then the old generation stayed full (jstat
# -gcutil: old 99.98-100%, no young GC after 2,222, 92 full GCs and 108 s of full GC at 190 s)
# and the driver only thrashed, printing nothing more and throwing no OutOfMemoryError (nor
# "GC overhead limit exceeded") until the 360 s timeout; dropped (--drop), the 4.3 run not
# made: the small young generation did not turn the thrashing into an error either.
NOT_RUN = {"session_events_tiny_blocks_memory_only"}
# Runs made and not kept (see the README), each replaced under the same run id:
# warehouse_bins_mapjoin_hint_sql_view first with the hint /*+ MAPJOIN(bins) */ on a query that
# aliases the view as b (3.5, 07:56, 17 s): "WARN HintErrorLogger: Count not find relation 'bins'
# specified in hint 'MAPJOIN(bins)'", the join was planned without the hint and the job
# finished ("aisles in report: 256", exit 0); the hint became MAPJOIN(b) (the same line of the
# file) and the run was made again (the 4.3 run was made after the change). The first
# survey_respondents_take_sample_panel and tariff_matrix_rows_pickle_cache_file runs on 3.5
# (07:56) failed as the kept ones do, but their tracebacks quote the file's `<module>` line
# before a Scala script was added above it; both were made again with the committed file.
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_MAPJOIN = (
    "note: the OutOfMemoryError is in a task thread of local[*] (executor driver, the same 512m"
    " JVM) serializing its result for job 0, whose job group in the event log is 'broadcast"
    " exchange' (the MAPJOIN build side, 4,000,000 bins with 128-character codes, collected to"
    " the driver to be broadcast); the JVM's uncaught-exception handler ended it (exit 52)"
    " before BroadcastExchangeExec could report it, so no broadcast line is in the driver log:"
    " labelled broadcast_too_large"
)
_UNION = (
    "note: the spark-shell printed java.lang.OutOfMemoryError: Java heap space with no frame of"
    " its own (and OutOfMemoryErrors in the executor-heartbeater thread, on 4.3 also in"
    " RemoteBlock-temp-file-clean-thread); the event log has no job start: the heap ran out"
    " before the count's job was submitted, while the driver built the 3,000,000 partitions"
    " of the union of 30,000 RDDs: labelled too_many_tasks"
)
_STACK = (
    "note: the spark-shell printed java.lang.StackOverflowError (RDD.partitions ->"
    " MapPartitionsRDD.getPartitions -> RDD.firstParent -> RDD.dependencies, once per step of"
    " the 20,000-step chain) and went on, exit 0, no job run: the driver thread's stack, not"
    " its heap, ran out: labelled not_driver_oom"
)
OUTCOME_NOTES = {
    "invoice_lines_dataset_collect_as_list--scala--spark35--local": (
        "note: the OutOfMemoryError is in task threads of local[*] (executor driver, the same"
        " 512m JVM) serializing their DirectTaskResult (SerializerHelper.serializeToChunkedBuffer)"
        " while the driver held the results of the first tasks (~37 MB of rows each) for"
        " collectAsList; the JVM's uncaught-exception handler ended it (exit 52): labelled"
        " collect_to_driver"
    ),
    "warehouse_bins_mapjoin_hint_sql_view--pyspark--spark35--local": _MAPJOIN,
    "warehouse_bins_mapjoin_hint_sql_view--pyspark--spark43--local": _MAPJOIN,
    "sensor_shards_union_many_rdds--scala--spark35--local": _UNION,
    "sensor_shards_union_many_rdds--scala--spark43--local": _UNION,
    "catalog_lineage_deep_map_chain--scala--spark35--local": _STACK,
    "catalog_lineage_deep_map_chain--scala--spark43--local": _STACK,
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r40)


if __name__ == "__main__":
    main()
