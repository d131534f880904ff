#!/usr/bin/env python
"""Run round 41 of the real Spark run matrix under tests/data/runs/ (manifest-r41.jsonl).

    python tests/data/runs/gen_r41.py [--deadline HH:MM] [run-id ...]
    python tests/data/runs/gen_r41.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r41.py --drop run-id ...       # remove a run not kept

More scenarios (new names), PySpark, Scala and SQL mixed as in rounds 35 to 40, that reach the
causes of the matrix by code paths none of the earlier rounds uses (see the README section). A
PySpark run is one ``spark-submit scenarios_r41.py <scenario>`` by gen_more.run; a Scala run is
one ``spark-shell -i <script>``, a SQL run one ``spark-sql -f <script>`` (stdin /dev/null) from
the pyspark wheel of the Spark version, launched by gen_shell.run as rounds 35 to 40's, the
script being scenarios_r41.SCALA / SQL[scenario] written into the run's scratch dir. Finishing
(trim, zstd event log check, `outcome`, the `expect` / `reject` / executor-OOM verification,
the manifest line) is gen_more.finish with this round's tables handed as a gen_more.Round. Raw
output under $DD_SCRATCH (default /tmp/driver-doctor-runs-r41).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (OWN_OOM, PY_MEMORYERROR)
import gen_shell as gs  # noqa: E402  (BROADCAST_OOM, EXECUTOR_*, RESERVED_32M, UI_SMALL)
import scenarios_r41  # noqa: E402  (SCALA and SQL scripts)

SCENARIOS = {
    # PySpark (WARN log): a join + aggregate + collect of 400,000 product totals with a 192m
    # driver, let through Spark's start-up check by spark.testing.reservedMemory=32m; Spark's
    # defaults otherwise (AQE and the 10 MB broadcast threshold: the products side is
    # broadcast, and building it is what the 192m heap cannot do; a try with broadcast joins
    # off finished, see NOT_KEPT).
    "store_sales_rollup_reserved_memory_driver": dict(
        label="client_mode_small_driver",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=gs.BROADCAST_OOM,
        timeout=240,
        mem="192m",
        conf=gs.RESERVED_32M,
    ),
    # Scala: rate stream, groupByKey(user).mapGroupsWithState keeping each user's whole page
    # history as state (8 users, 100,000 rows/s, 3 s trigger).
    "user_sessions_map_groups_with_state_history": dict(
        label="streaming_state",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=300,
        conf={"spark.sql.shuffle.partitions": "4"},
    ),
    # Scala: Dataset.mapPartitions whose lambda captures a 2,500,000-entry Array[String].
    "fx_rates_dataset_map_partitions_lookup_table": dict(
        label="large_closure", lang="scala", expect=ge.DRIVER_OOM, timeout=240
    ),
    # PySpark (WARN log): spark.createDataFrame of 1,000,000 local dicts under RLIMIT_AS.
    "price_list_local_rows_create_dataframe": dict(
        label="python_driver_oom", expect=gm.PY_MEMORYERROR, timeout=240
    ),
    # Scala: 400 temporary views over Seq.toDF of 20,000 driver-local orders each.
    "pos_daily_orders_local_temp_views": dict(
        label="driver_side_state", lang="scala", expect=ge.DRIVER_OOM, timeout=300
    ),
    # Scala: sc.broadcast of a 400,000 x 128 Array[Array[Float]].
    "product_embeddings_sc_broadcast_float_matrix": dict(
        label="broadcast_too_large", lang="scala", expect=ge.DRIVER_OOM, timeout=240
    ),
    # Scala: hourly chains of 50 persist(MEMORY_ONLY) steps over 2,000 partitions, all kept,
    # sc.getRDDStorageInfo after each hour; UI task history kept small.
    "feature_steps_hourly_cache_storage_report": dict(
        label="cached_block_metadata",
        lang="scala",
        expect=ge.DRIVER_OOM,
        timeout=360,
        conf=gs.UI_SMALL,
    ),
    # (local-cluster only) SQL: length(repeat(<128 chars>, 6,000,000)) per row, executors of
    # 768m.
    "newsletter_bodies_repeat_template_sql": dict(
        label="not_driver_oom",
        lang="sql",
        expect=gs.EXECUTOR_LOST,
        timeout=300,
        **gs.EXECUTOR_OOM_RUN,
    ),
    # PySpark: --driver-memory 512 (no unit): -Xmx512, the JVM refuses to start.
    "nightly_export_driver_memory_without_unit": dict(
        label="not_driver_oom",
        expect=r"Too small maximum heap",
        reject=gm.OWN_OOM,
        timeout=120,
        mem="512",
    ),
}

# Tried and not kept (see the README): feature_steps_hourly_cache_storage_report (3.5 local[*],
# 08:27-08:33) cached 400,000 one-integer MEMORY_ONLY blocks in 107 s ("hour 3: 200 steps,
# 400000 cached partitions, 107 s"), then the old generation stayed full (jstat -gcutil at
# ~220 s: old 100%, eden 100%, 155 full GCs, 140 s of full GC) and the driver only thrashed,
# printing nothing more and throwing no OutOfMemoryError until the 360 s timeout, although
# sc.getRDDStorageInfo copies every block status each hour; dropped (--drop), the 4.3 run not
# made.
NOT_RUN = {"feature_steps_hourly_cache_storage_report"}
# Runs made and not kept (see the README), each replaced under the same run id: the first
# price_list_local_rows_create_dataframe--pyspark--spark35--local (08:19) built the price list
# as tuples; createDataFrame keeps a tuple row as it is (tuple(t) is t), so nothing was copied
# and the job finished under the cap ("price list rows in Spark: 1000000", exit 0); the rows
# became dicts (the 4.3 run was made after the change). The store_sales_rollup_reserved_
# memory_driver runs were made three times: with Spark's defaults (08:18 / 08:22, failed as the
# kept ones do), again with spark.sql.autoBroadcastJoinThreshold=-1 (08:25 / 08:26: both
# finished in the 192m heap, "products in ranking: 400000", exit 0; the setting was taken out
# again), and once more with the defaults (the kept runs).
NOT_KEPT = set()
LABEL_OVERRIDES = {}
_NO_UNIT = (
    "note: the driver JVM never started: 'Error occurred during initialization of VM' / 'Too"
    " small maximum heap' (--driver-memory 512 without a unit became -Xmx512, i.e. 512 bytes),"
    " exit 1 at once, no SparkContext and no event log: a start-up configuration error, not an"
    " out-of-memory: labelled not_driver_oom"
)
_SMALL = (
    "note: the driver heap is 192m (--driver-memory 192m, let through the start-up check by"
    " spark.testing.reservedMemory=32m); the products side (400,000 rows) was broadcast under"
    " Spark's default 10 MB threshold and building its hash relation is what the heap could not"
    " do (BroadcastExchangeExec's 'Not enough memory to build and broadcast'){extra}; the same"
    " script with --driver-memory 512m finished on both versions ('products in ranking:"
    " 400000', control runs not kept, the 4.3 one with the same broadcast plan in its event"
    " log): an ordinary job in a far too small driver: labelled client_mode_small_driver"
)
OUTCOME_NOTES = {
    "store_sales_rollup_reserved_memory_driver--pyspark--spark35--local": _SMALL.format(
        extra=", no OutOfMemoryError line printed at WARN"
    ),
    "store_sales_rollup_reserved_memory_driver--pyspark--spark43--local": _SMALL.format(
        extra=" after 'java.lang.OutOfMemoryError: Java heap space' in"
        " LongToUnsafeRowMap.grow (HashedRelation) allocating a 64 MB page"
    ),
    "nightly_export_driver_memory_without_unit--pyspark--spark35--local": _NO_UNIT,
    "nightly_export_driver_memory_without_unit--pyspark--spark43--local": _NO_UNIT,
    "pos_daily_orders_local_temp_views--scala--spark35--local": (
        "note: the REPL's java.lang.OutOfMemoryError: Java heap space is in Seq.toDF"
        " (SparkSession.createDataset -> ExpressionEncoder$Serializer.apply ->"
        " UTF8String.fromString) of a day after 'day 119: 120 daily views registered': the"
        " heap holds the LocalRelations (driver-local rows) of every registered temp view:"
        " labelled driver_side_state"
    ),
    "pos_daily_orders_local_temp_views--scala--spark43--local": (
        "note: after 'day 109: 110 daily views registered' the heap, holding the LocalRelations"
        " (driver-local rows) of every registered temp view, ran out while the driver"
        " serialized the task binary of day 119's catalog listing job (ERROR TorrentBroadcast:"
        " Store broadcast broadcast_33 fail / Task serialization failed:"
        " java.lang.OutOfMemoryError): labelled driver_side_state"
    ),
}


ROUND = gs.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)


def main():
    gs.main(ROUND, scenarios_r41)


if __name__ == "__main__":
    main()
