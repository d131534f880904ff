#!/usr/bin/env python
"""Run round 12 of the real Spark run matrix under tests/data/runs/ (manifest-r12.jsonl).

    python tests/data/runs/gen_r12.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r12.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r12.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r11.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r12.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r12).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OWN_OOM; Round and the driver)

OOM = gm.OOM
MAX_RESULT = gm.MAX_RESULT

SCENARIOS = {
    # 20,000 rows x 600 double columns collect()ed, maxResultSize 4m.
    "feature_matrix_wide_collect_max_result_size": dict(
        label="max_result_size",
        expect=MAX_RESULT,
        timeout=240,
        conf={"spark.driver.maxResultSize": "4m"},
    ),
    # df.toLocalIterator() into a dict customer_id -> row.asDict(), RLIMIT_AS.
    "local_iterator_lookup_dict_memoryerror": dict(
        label="python_driver_oom", expect=gm.PY_MEMORYERROR, timeout=300
    ),
    # foreachPartition function capturing a ~700 MB numpy embedding matrix.
    "foreach_partition_numpy_closure": dict(label="large_closure", expect=OOM, timeout=240),
    # a ~257 MB (decompressed) gzip log read with spark.read.text(wholetext=True) on a
    # 512m driver.
    "gzip_log_wholetext_small_driver": dict(
        label="client_mode_small_driver",
        expect=gm.ge.TASK_THREAD_OOM,
        timeout=240,
    ),
    # spark.table() of a renamed table after a healthy ETL: TABLE_OR_VIEW_NOT_FOUND.
    "table_not_found_after_etl": dict(
        label="not_driver_oom",
        expect=r"TABLE_OR_VIEW_NOT_FOUND",
        timeout=180,
        reject=gm.OWN_OOM,
    ),
    # df.write.jdbc("jdbc:postgresql://...") without the PostgreSQL JDBC jar.
    "jdbc_driver_missing": dict(
        label="not_driver_oom",
        expect=r"No suitable driver",
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
OUTCOME_NOTES = {
    # kept as not_driver_oom (verified false, as the label rule gives): what the same job
    # does on real executors.
    "gzip_log_wholetext_small_driver--pyspark--spark35--cluster": (
        "kept as not_driver_oom after reading the log: with real executors the single "
        "wholetext task ran in the executors (768m), which died of OutOfMemoryError (exit "
        "code 52) until the task had failed 4 times; the driver only reported the lost "
        "executors and tasks"
    ),
    "gzip_log_wholetext_small_driver--pyspark--spark43--cluster": (
        "kept as not_driver_oom after reading the log: with real executors the single "
        "wholetext task ran in the executors (768m), which died of OutOfMemoryError (exit "
        "code 52) until the task had failed 4 times; the driver only reported the lost "
        "executors and tasks"
    ),
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
