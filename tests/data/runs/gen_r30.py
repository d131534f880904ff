#!/usr/bin/env python
"""Run round 30 of the real Spark run matrix under tests/data/runs/ (manifest-r30.jsonl).

    python tests/data/runs/gen_r30.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r30.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r30.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r29.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r30.py <scenario>``; the
first round with pyarrow in the venvs (Arrow toPandas, createDataFrame from pandas,
applyInPandas, applyInPandasWithState). The driver, its scratch and manifest handling and
its labelling rule are gen_more.Round's (raw output under $DD_SCRATCH, default
/tmp/driver-doctor-runs-r30).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # (WARN log) Arrow toPandas of 1,200,000 ledger lines with ~900-character descriptions
    # (~1.1 GB of Arrow batches in 16 task results), maxResultSize unlimited.
    "ledger_snapshot_arrow_topandas": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=180,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # spark.createDataFrame(pandas frame of ~480 MB), Arrow on: the driver JVM reads every
    # Arrow batch into its heap to parallelize them.
    "churn_features_from_pandas_arrow": dict(
        label="large_closure",
        expect=OOM,
        timeout=180,
    ),
    # Arrow toPandas of 1,200,000 string-heavy rows in a Python driver under RLIMIT_AS
    # (pyarrow's to_pandas making Python str objects); driver JVM 1g. pyarrow 17 (3.5)
    # reports `ArrowMemoryError: malloc of size ... failed`; pyarrow 26 (4.3) reports the
    # failed Python str allocation as `ArrowException: Unknown error: Wrapping <value> failed`.
    "support_chat_transcripts_arrow_topandas": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR
        + r"|ArrowMemoryError|ArrowException: Unknown error: Wrapping .* failed",
        timeout=180,
        mem="1g",
    ),
    # (WARN log) applyInPandas per store with one store of 2,400,000 rows pivoted to a
    # 240,000 x 292 grid, Python workers capped by spark.executor.pyspark.memory.
    "store_demand_profile_apply_in_pandas": dict(
        label="not_driver_oom",
        expect=r"PythonException|MemoryError|Python worker exited unexpectedly \(crashed\)",
        timeout=180,
        conf={"spark.executor.pyspark.memory": "1g"},
        reject=gm.OWN_OOM,
    ),
    # MultilayerPerceptronClassifier(layers=[2048, 2048, 10]) in 16 partitions,
    # maxResultSize 64m: the L-BFGS treeAggregate's ~34 MB gradients come back as task
    # results over the limit (Spark 3.5: 4 results). With Spark 4.3 the treeAggregate's job
    # has 1 output partition (one ~34 MB result, under the limit): see LABEL_OVERRIDES.
    "product_image_embedding_mlp_classifier": dict(
        label="max_result_size",
        expect=gm.MAX_RESULT,
        timeout=180,
        conf={"spark.driver.maxResultSize": "64m"},
    ),
    # (local[*] only) applyInPandasWithState keeping every page a user viewed in a
    # `pages string` state (newline-separated), never trimmed, no timeout: the state store
    # grows by ~20 MB a batch in the driver JVM.
    "recently_viewed_items_pandas_state_stream": dict(
        label="streaming_state",
        expect=OOM,
        timeout=360,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = set()

# Runs made and not kept (see the README): left out of RUNS, so --finish does not bring
# them back from the scratch dir.
# The 3.5 local-cluster toPandas lost two task results to driver OOMs (TaskResultLost), the
# retried tasks' results were received and toPandas finished: exit 0, no failure.
NOT_KEPT = {"ledger_snapshot_arrow_topandas--pyspark--spark35--cluster"}

# Decided by reading the log (see the README): the run is kept with the label of what
# really happened.
LABEL_OVERRIDES = {
    # local[*]: the gradient tasks run in the 512m driver JVM; one of them runs out of heap
    # merging ~34 MB gradients and the driver JVM exits 52 before any result is over the limit
    # (as round "extra"'s local_small_driver: an ordinary job, too small a local driver).
    "product_image_embedding_mlp_classifier--pyspark--spark43--local": "client_mode_small_driver",
}
OUTCOME_NOTES = {
    "product_image_embedding_mlp_classifier--pyspark--spark43--local": (
        "note: Spark 4.3's treeAggregate job has 1 output partition (1 result of ~34 MB, under"
        " 64m); the OutOfMemoryError is a task's (executor driver, in the driver JVM) in the"
        " shuffle stage of job 2, the JVM exits 52: labelled client_mode_small_driver"
    ),
    "product_image_embedding_mlp_classifier--pyspark--spark43--cluster": (
        "note: jobs 1-4 (1 output partition each, ~34 MB results) pass; in job 5 the driver"
        " runs out of heap fetching the result (TaskResultLost), the task is rerun and the two"
        " attempts' results together are over maxResultSize: the job aborts for maxResultSize"
    ),
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
