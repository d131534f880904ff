#!/usr/bin/env python
"""Run round 27 of the real Spark run matrix under tests/data/runs/ (manifest-r27.jsonl).

    python tests/data/runs/gen_r27.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r27.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r27.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r26.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r27.py <scenario>``.
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r27).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # ml.stat.Correlation.corr over a 4,000-wide DenseVector column (2 partitions):
    # RowMatrix.computeCovariance sends two ~64 MB packed Gramians to the driver as task
    # results and builds 4,000 x 4,000 matrices there.
    "sensor_feature_correlation_matrix": dict(
        label="collect_to_driver",
        expect=gm.ge.DRIVER_OOM,
        timeout=240,
    ),
    # HashingTF(numFeatures=1 << 23) + StandardScaler.fit: Summarizer.metrics("mean", "std")
    # over 8,388,608 features; in local[*] the aggregation tasks run in the driver JVM (512m),
    # in local-cluster in the executors.
    "search_query_hashed_features_standardize": dict(
        label="client_mode_small_driver",
        expect=gm.ge.DRIVER_OOM,
        timeout=240,
    ),
    # spark.read.json over readings keyed by timestamp: schema inference makes every key a field.
    "device_readings_json_dynamic_keys": dict(
        label="driver_side_state",
        expect=gm.ge.DRIVER_OOM,
        timeout=240,
    ),
    # spark.conf.set("spark.driver.memory", "4g") on a running session: an AnalysisException
    # naming a memory setting, no memory trouble.
    "monthly_sales_notebook_export": dict(
        label="not_driver_oom",
        expect=r"Cannot modify the value of (the|a) Spark config: \"?spark\.driver\.memory",
        timeout=150,
        reject=gm.OWN_OOM,
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = set()

# Runs made and not kept (see the README): left out of RUNS, so --finish does not bring
# them back from the scratch dir.
NOT_KEPT = set()

# Decided by reading the log (see the README): the run is kept with the label of what
# really happened.
LABEL_OVERRIDES = {
    # local-cluster: the executors (768m) ran out of heap serializing the Summarizer's
    # aggregation buffer; the driver did not fail. The generator's fallback label, kept on
    # purpose.
    "search_query_hashed_features_standardize--pyspark--spark35--cluster": "not_driver_oom",
    "search_query_hashed_features_standardize--pyspark--spark43--cluster": "not_driver_oom",
}
OUTCOME_NOTES = {
    f"search_query_hashed_features_standardize--pyspark--spark{v}--cluster": (
        "labelled not_driver_oom after reading the log: the executors that ran stage 0.0 (the "
        "Summarizer aggregation of StandardScaler.fit) died one after another with "
        "java.lang.OutOfMemoryError: Java heap space at SummaryBuilderImpl$MetricsAggregate."
        "serialize <- TypedImperativeAggregate.serializeAggregateBufferInPlace (exit code 52; "
        "%d executors' stderr has it), Task %d in stage 0.0 failed 4 times; aborting job; the "
        "driver only reported it (Py4JJavaError from fit), no OutOfMemoryError of the driver"
        % (n, t)
    )
    for v, n, t in (("35", 8, 2), ("43", 6, 1))
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
