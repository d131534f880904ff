#!/usr/bin/env python
"""Run round 28 of the real Spark run matrix under tests/data/runs/ (manifest-r28.jsonl).

    python tests/data/runs/gen_r28.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r28.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r28.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r27.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r28.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r28).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # HashingTF (default 262,144 features) + LDA(k=100): OnlineLDAOptimizer.initialize draws
    # the 100 x 262,144 topic matrix in the driver.
    "support_ticket_topics_lda": dict(
        label="client_mode_small_driver",
        expect=gm.ge.DRIVER_OOM,
        timeout=150,
    ),
    # MulticlassClassificationEvaluator(accuracy) over 5,000,000 predictions of 500,000
    # categories: MulticlassMetrics' confusion map (collectAsMap) of ~5,000,000 pairs.
    "product_category_classifier_accuracy": dict(
        label="collect_to_driver",
        expect=gm.ge.DRIVER_OOM,
        timeout=180,
    ),
    # 3,000 hashed SparseVectors collected (small), then SparseVector.toArray() per row in a
    # Python driver under RLIMIT_AS.
    "ticket_features_sklearn_dense_matrix": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=120,
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
