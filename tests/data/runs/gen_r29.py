#!/usr/bin/env python
"""Run round 29 of the real Spark run matrix under tests/data/runs/ (manifest-r29.jsonl).

    python tests/data/runs/gen_r29.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r29.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r29.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r28.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r29.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r29).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # A rate stream whose numPartitions is the target rate (2,000,000): the driver plans
    # 2,000,000 input partitions / tasks for the first micro-batch. The timeout was 180 s
    # for the first three runs; the 4.3 local-cluster run, GC-bound at 180 s with no error
    # yet, was made again with 360 s (see the README).
    "clickstream_load_test_rate_stream": dict(
        label="too_many_tasks",
        expect=gm.ge.DRIVER_OOM,
        timeout=360,
    ),
    # 3,072-dimension embeddings + GaussianMixture(k=20): GaussianMixture.initRandom builds
    # 20 packed covariances of 4,720,128 doubles in the driver.
    "customer_embedding_segments_gmm": dict(
        label="client_mode_small_driver",
        expect=gm.ge.DRIVER_OOM,
        timeout=150,
    ),
    # (local[*] only) rate-micro-batch -> groupBy(raw URL path) -> percentile_approx, update
    # mode, no watermark: 5,000 new paths a batch, a QuantileSummaries buffer per path kept
    # in the state store.
    "api_latency_percentiles_per_path_stream": dict(
        label="streaming_state",
        expect=OOM,
        timeout=240,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
    ),
    # A Python UDF memoised in a captured dict over distinct addresses, Python workers
    # capped by spark.executor.pyspark.memory: MemoryError in a worker, which may have no
    # room left to report it (then it is seen as a crash of the worker).
    "address_geocode_udf_memo_cache": dict(
        label="not_driver_oom",
        expect=r"PythonException|MemoryError|Python worker exited unexpectedly \(crashed\)",
        timeout=180,
        conf={"spark.executor.pyspark.memory": "300m"},
        reject=gm.OWN_OOM,
    ),
    # 400,000 products collected, then an xml.etree.ElementTree feed built in a Python
    # driver under RLIMIT_AS.
    "partner_catalog_xml_feed": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=150,
    ),
    # VectorIndexer.fit on a 16,000-feature vector in 200 partitions, maxResultSize 64m: the
    # treeReduce's merged CategoryStats come back as task results over the limit.
    "wide_features_vector_indexer": dict(
        label="max_result_size",
        expect=gm.MAX_RESULT,
        timeout=180,
        conf={"spark.driver.maxResultSize": "64m"},
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = set()

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
