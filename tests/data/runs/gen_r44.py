#!/usr/bin/env python
"""Run round 44 of the real Spark run matrix under tests/data/runs/ (manifest-r44.jsonl).

    python tests/data/runs/gen_r44.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r44.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r44.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 43, that reach the
causes of the matrix by code paths none of the earlier rounds uses (see the README section). A
PySpark run is one ``spark-submit scenarios_r44.py <scenario>`` by gen_more.run; a Scala run is
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 43's, the
script being scenarios_r44.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification,
the manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r44).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (MAX_RESULT, PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (EXECUTOR_*, PARALLEL_GC_LIMIT, SMALL_DRIVER_RUN, main)
import scenarios_r44  # noqa: E402  (SCALA and SQL scripts)

SCENARIOS = {
    # Scala: RDD.countByKey of 10,000,000 scans of 5,000,000 parcel barcodes.
    "parcel_scans_count_by_key_per_barcode": dict(
        label="collect_to_driver", lang="scala", expect=ge.DRIVER_OOM, timeout=300
    ),
    # SQL: concat_ws(collect_list) of 1,500,000 SKU references per bin, printed by the CLI,
    # maxResultSize 16m.
    "warehouse_bin_sku_lists_sql": dict(
        label="max_result_size",
        lang="sql",
        expect=gm.MAX_RESULT,
        timeout=240,
        conf={"spark.driver.maxResultSize": "16m"},
    ),
    # PySpark (WARN log): a trigram -> product-id-set index of 200,000 collected titles in a
    # Python dict, RLIMIT_AS at the driver's size + 200 MiB.
    "product_titles_trigram_search_index": dict(
        label="python_driver_oom", expect=gm.PY_MEMORYERROR, timeout=240
    ),
    # Scala: 250,000 readings an hour parallelized from the driver, every hour's RDD kept.
    "meter_readings_hourly_parallelize_kept_rdds": dict(
        label="driver_side_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
        # the Serial GC thrashed without an OutOfMemoryError (below); the Parallel GC's
        # overhead limit ends it, as round 38's parcel_scan_batches_memory_persist_kept
        gc=gs.PARALLEL_GC_LIMIT,
    ),
    # Scala: groupByKey.flatMapGroups capturing a 3,000,000-entry Array[String].
    "coupon_redemptions_flat_map_groups_rules_closure": dict(
        label="large_closure", lang="scala", expect=ge.DRIVER_OOM, timeout=240
    ),
    # PySpark (WARN log): stream-stream join of two rate streams with 7-day watermarks.
    "ad_clicks_impressions_week_attribution_stream": dict(
        label="streaming_state",
        expect=ge.DRIVER_OOM,
        timeout=300,
        # the Serial GC thrashed in batch 2 without an OutOfMemoryError (below)
        gc=gs.PARALLEL_GC_LIMIT,
        conf={"spark.sql.shuffle.partitions": "4"},
    ),
    # SQL: a 400,000-group store/SKU report ordered and printed, with a 160m driver let
    # through Spark's start-up check by spark.testing.reservedMemory=32m.
    "store_sku_weekly_margin_report_sql": dict(
        label="client_mode_small_driver",
        lang="sql",
        expect=ge.DRIVER_OOM,
        timeout=240,
        # its gc: the Serial GC thrashed without an OutOfMemoryError (below)
        **gs.SMALL_DRIVER_RUN,
    ),
    # (local-cluster only) Scala: groupByKey.mapGroups sorting each merchant's amounts, one
    # merchant with 90% of 45,000,000 payments, executors 768m.
    "card_settlements_merchant_median_map_groups": dict(
        label="not_driver_oom",
        lang="scala",
        # Not "Lost executor": every local-cluster shutdown logs "Lost executor N ... code 143".
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
}

# Tried and not kept (see the README): the first 3.5 runs of
# meter_readings_hourly_parallelize_kept_rdds (10:51, 'hour 9: ... 10 hours loaded' at 10:52:13),
# ad_clicks_impressions_week_attribution_stream (10:54, 'batch 1: 400000 rows in, state rows
# 400000') and store_sku_weekly_margin_report_sql (10:55) ran with -XX:+UseSerialGC: each driver
# thrashed in full GC (jstat: old 100%, 102 to 282 full GCs) with no OutOfMemoryError line and
# was killed (kill -9) after 118, 87 and 58 s; made again (the runs replaced) with the Parallel
# GC's overhead limit (the `gc` above). A 4.3 run of meter_readings_hourly_parallelize_kept_rdds
# started with the Serial GC by the first generator process was killed at its start (11:00:45,
# no manifest line) and made again by the second.
NOT_RUN = set()
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_PARCELS = (
    "note: RDD.countByKey of 10,000,000 scans reduces by barcode on the executors and collects"
    " every (barcode, count) pair of the 5,000,000 barcodes to the driver; {where}: the"
    " collect's results in the driver: labelled collect_to_driver"
)
_METERS = (
    "note: every hour's 250,000 readings were built on the driver and handed to"
    " sc.parallelize, whose ParallelCollectionRDD keeps them in the driver, and every hour's RDD"
    " stayed in the script's ArrayBuffer; hours 0 to 7 were loaded and counted, and {where}"
    " while hour 8 was counted: the heap full of the kept hours, not one big result or task:"
    " labelled driver_side_state"
)
_SMALL = (
    "note: the driver heap is 160m (--driver-memory 160m, let through the start-up check by"
    " spark.testing.reservedMemory=32m); the heap, shared with the local[*] tasks, ran out"
    " (GC overhead limit exceeded) in the first stage (range, projection and partial"
    " aggregation; task {task} of stage 0.0) before any row was printed; {control}: an ordinary"
    " report in a far too small driver: labelled client_mode_small_driver"
)
_CONTROL = (
    "the same script with --driver-memory 512m (Spark's defaults otherwise, the JVM's default"
    " GC, no event log) finished on both versions (400,000 rows printed, 11:09 UTC, control runs"
    " not kept)"
)
OUTCOME_NOTES = {
    "ad_clicks_impressions_week_attribution_stream--pyspark--spark43--local": (
        "note: the join's state grew with every batch (batch 2: 'state rows 500000, state memory"
        " 315350304 bytes' of a 512m heap; no row leaves the state before the 7-day watermark"
        " delay) and the heap ran out during batch 3 (GC overhead limit exceeded, thrown in the"
        " Spark Context Cleaner thread); the streaming join's state in the driver JVM of local[*]:"
        " labelled streaming_state"
    ),
    "store_sku_weekly_margin_report_sql--sql--spark35--local": _SMALL.format(
        task="2.0", control=_CONTROL
    ),
    "store_sku_weekly_margin_report_sql--sql--spark43--local": _SMALL.format(
        task="0.0", control=_CONTROL
    ),
    "parcel_scans_count_by_key_per_barcode--scala--spark35--local": _PARCELS.format(
        where="the driver's task-result-getter thread ran out of heap deserializing the"
        " results (JavaDeserializationStream.readObject)"
    ),
    "parcel_scans_count_by_key_per_barcode--scala--spark43--local": _PARCELS.format(
        where="in local[*] the heap, already holding the results of the tasks that had"
        " finished, ran out while task 5.0 of the result stage (stage 1.0) serialized its"
        " result for the driver (Executor$TaskRunner.run -> serializeToChunkedBuffer)"
    ),
    "meter_readings_hourly_parallelize_kept_rdds--scala--spark35--local": _METERS.format(
        where="the heap ran out (GC overhead limit exceeded) in task 1.0 of stage 8.0"
        " deserializing its slice"
    ),
    "meter_readings_hourly_parallelize_kept_rdds--scala--spark43--local": _METERS.format(
        where="the heap ran out in the driver's dispatcher-event-loop serializing the hour's"
        " tasks (TaskSetManager.prepareLaunchingTask)"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r44)


if __name__ == "__main__":
    main()
