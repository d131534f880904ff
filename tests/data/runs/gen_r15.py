#!/usr/bin/env python
"""Run round 15 of the real Spark run matrix under tests/data/runs/ (manifest-r15.jsonl).

    python tests/data/runs/gen_r15.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r15.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r15.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r15.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r15.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r15).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # SQL range(20M) without a partition count under leafNodeDefaultParallelism=4000000.
    "leaf_node_parallelism_huge": dict(
        label="too_many_tasks",
        expect=OOM,
        timeout=180,
        conf={"spark.sql.leafNodeDefaultParallelism": "4000000"},
    ),
    # a gzip CSV of a few MB (~530 MB of rows) auto-broadcast under the default 10 MB threshold.
    "gzip_csv_size_auto_broadcast": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=180,
    ),
    # a Python UDF raising "CUDA out of memory" (a RuntimeError) in the tasks.
    "udf_cuda_out_of_memory_message": dict(
        label="not_driver_oom",
        expect=r"RuntimeError: CUDA out of memory",
        timeout=180,
        reject=gm.OWN_OOM,
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = set()

# Runs made and not kept (see the README): left out of RUNS, so --finish does not bring
# them back from the scratch dir.
NOT_KEPT = set()


# Decided by reading the log (see the README): the run is kept with the label of what
# really happened, not its scenario's (verified stays false: the scenario's failure did not
# happen).
LABEL_OVERRIDES = {}
OUTCOME_NOTES = {}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
