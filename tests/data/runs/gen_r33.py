#!/usr/bin/env python
"""Run round 33 of the real Spark run matrix under tests/data/runs/ (manifest-r33.jsonl).

    python tests/data/runs/gen_r33.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r33.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r33.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r32.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r33.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r33).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # rdd.groupBy(key function, numPartitions=4,000,000) of 2,000 Python records.
    "ticket_groupby_numpartitions_rdd": dict(
        label="too_many_tasks",
        expect=OOM,
        timeout=150,
    ),
    # mapInPandas whose function captures a ~500 MB numpy embedding table.
    "item_embedding_map_in_pandas_closure": dict(
        label="large_closure",
        expect=OOM,
        timeout=150,
    ),
    # mapInArrow building a ~2 GB pairwise distance matrix per batch in Python workers
    # capped by spark.executor.pyspark.memory=1g.
    "route_distance_matrix_map_in_arrow": dict(
        label="not_driver_oom",
        expect=r"PythonException|MemoryError|Python worker exited unexpectedly \(crashed\)",
        timeout=150,
        conf={"spark.executor.pyspark.memory": "1g"},
        reject=gm.OWN_OOM,
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = set()

# Runs made and not kept (see the README): left out of RUNS, so --finish does not bring
# them back from the scratch dir. The RDD groupBy on Spark 4.3 local-cluster: the map stage
# finished, then the driver sat in "Submitting ResultStage 1" (4,000,000 tasks) with no
# error line until the 150 s timeout killed it.
NOT_KEPT = {"ticket_groupby_numpartitions_rdd--pyspark--spark43--cluster"}

# Decided by reading the log (see the README): the run is kept with the label of what
# really happened.
LABEL_OVERRIDES = {}
OUTCOME_NOTES = {}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
