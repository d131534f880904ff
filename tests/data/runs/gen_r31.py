#!/usr/bin/env python
"""Run round 31 of the real Spark run matrix under tests/data/runs/ (manifest-r31.jsonl).

    python tests/data/runs/gen_r31.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r31.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r31.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r30.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r31.py <scenario>``; one
of them with the ERROR log level, one with WARN, one with its own log4j2 layout
(log4j2-r31.properties).
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r31).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, MAX_RESULT; Round and the driver)

OOM = gm.OOM
# The driver JVM's options of the scenario with its own log layout: the round's GC and the
# log4j2 configuration file beside this generator.
LOG4J2 = HERE / "log4j2-r31.properties"

SCENARIOS = {
    # 4,000 partitions, rounds of 30 lazy DataFrame localCheckpoint(eager=False) steps, a
    # count and a getRDDStorageInfo report after each round, nothing unpersisted. NOT in
    # RUNS: tried in 3.5 local[*] with -XX:+UseSerialGC, G1 and -XX:+UseParallelGC (this
    # table's last setting); each time the 512m driver filled with the metadata of
    # 360,000-480,000 cached blocks and then crawled in back-to-back full GCs without an
    # OutOfMemoryError until the timeout or until stopped (see the README).
    "feature_smoothing_local_checkpoints": dict(
        label="cached_block_metadata",
        expect=OOM,
        timeout=360,
        gc="-XX:+UseParallelGC",
        variants=[("35", "local"), ("4", "local")],
    ),
    # (ERROR log) rdd.reduceByKeyLocally of 600,000 SKUs in 24 partitions, maxResultSize 16m.
    "sku_stock_totals_reduce_by_key_locally": dict(
        label="max_result_size",
        expect=gm.MAX_RESULT,
        timeout=180,
        conf={"spark.driver.maxResultSize": "16m"},
    ),
    # rdd.histogram with 3,000,001 bucket edges in 32 partitions, maxResultSize 64m.
    "delivery_time_histogram_fine_buckets": dict(
        label="max_result_size",
        expect=gm.MAX_RESULT,
        timeout=180,
        conf={"spark.driver.maxResultSize": "64m"},
    ),
    # (local[*] only) bitmap_construct_agg per (article, bucket) on a rate-micro-batch
    # stream, no watermark, 3,000 new articles a batch.
    "article_unique_readers_bitmap_stream": dict(
        label="streaming_state",
        expect=OOM,
        timeout=360,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
    ),
    # (local[*] only) F.mode("referrer") per page on a rate-micro-batch stream, no
    # watermark, a new referrer (tracking query string) with nearly every view.
    "page_top_referrer_mode_stream": dict(
        label="streaming_state",
        expect=OOM,
        timeout=360,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
    ),
    # (own log4j2 layout) crossJoin of two 3,000-partition DataFrames, auto broadcast off.
    "store_pair_affinity_cross_join": dict(
        label="too_many_tasks",
        expect=OOM,
        timeout=180,
        conf={"spark.sql.autoBroadcastJoinThreshold": "-1"},
        gc=f"-XX:+UseSerialGC -Dlog4j2.configurationFile={LOG4J2}",
    ),
    # (WARN log) df.stat.crosstab of 500 stores x 1,999 products to pandas, maxResultSize 1m.
    "store_product_sales_crosstab": dict(
        label="max_result_size",
        expect=gm.MAX_RESULT,
        timeout=180,
        conf={"spark.driver.maxResultSize": "1m"},
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = {"feature_smoothing_local_checkpoints"}

# Runs made and not kept (see the README): left out of RUNS, so --finish does not bring
# them back from the scratch dir.
NOT_KEPT = set()

# Decided by reading the log (see the README): the run is kept with the label of what
# really happened.
LABEL_OVERRIDES = {}
OUTCOME_NOTES = {}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
