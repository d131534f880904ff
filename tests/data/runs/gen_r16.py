#!/usr/bin/env python
"""Run round 16 of the real Spark run matrix under tests/data/runs/ (manifest-r16.jsonl).

    python tests/data/runs/gen_r16.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r16.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r16.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r15.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r16.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r16).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # SQL text GROUP BY CUBE(region, product, customer) collected: ~3x more rows than the table.
    "sql_cube_report_collect": dict(
        label="collect_to_driver",
        expect=ge.DRIVER_OOM,
        timeout=240,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # ml.fpm.FPGrowth with minSupport 1e-6: genFreqItems collects every (item, count).
    "fpgrowth_items_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=240,
        conf={"spark.driver.maxResultSize": "4m"},
    ),
    # sc.parallelize(csv.reader(...)): PySpark's list() of the iterator under RLIMIT_AS.
    "parallelize_csv_reader_memoryerror": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=240,
        mem="1g",
    ),
    # (local[*] only: with local-cluster the state stores are in the executors) streaming
    # aggregation over a fixed key set, maxBatchesToRetainInMemory=1000.
    "stream_state_versions_retained": dict(
        label="streaming_state",
        expect=OOM,
        timeout=300,
        variants=[("35", "local"), ("4", "local")],
        conf={
            "spark.sql.streaming.maxBatchesToRetainInMemory": "1000",
            "spark.sql.shuffle.partitions": "4",
        },
    ),
    # CrossValidator(collectSubModels=True) keeping 12 StringIndexer pipelines.
    "cv_collect_sub_models_state": dict(
        label="driver_side_state",
        expect=OOM,
        timeout=300,
    ),
    # a Python UDF's np.zeros((3000000, 3000000)) for one bad record: MemoryError in a task.
    "udf_numpy_alloc_memoryerror": dict(
        label="not_driver_oom",
        expect=r"_ArrayMemoryError: Unable to allocate",
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
