#!/usr/bin/env python
"""Run round 23 of the real Spark run matrix under tests/data/runs/ (manifest-r23.jsonl).

    python tests/data/runs/gen_r23.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r23.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r23.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r22.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r23.py <scenario>``.
Two of them set the WARN log level right after the session starts (scenarios_r23.WARN_LOG).
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r23).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # reduce(DataFrame.union, months): the exports from October on have a sixth column.
    "monthly_orders_union_exports": dict(
        label="not_driver_oom",
        expect=r"NUM_COLUMNS_MISMATCH",
        timeout=150,
        reject=gm.OWN_OOM,
    ),
    # the job's own JSON output read back with json.loads in the Python driver under
    # RLIMIT_AS.
    "shipment_events_json_report": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=240,
    ),
    # Tokenizer -> HashingTF (2^18) -> IDF.fit: the document-frequency vectors.
    "support_tickets_tfidf_features": dict(
        label="max_result_size",
        expect=gm.MAX_RESULT,
        timeout=240,
        conf={"spark.driver.maxResultSize": "1m"},
    ),
    # F.udf(helper) where the helper, defined in the script, reads a module-level dict of
    # 12,000,000 fingerprints: cloudpickle ships the dict with the function.
    "card_payments_fraud_device_flags": dict(
        label="large_closure",
        expect=OOM,
        timeout=240,
    ),
    # (local[*] only) a windowed aggregation with a watermark, written in complete mode:
    # complete mode keeps every group, so the watermark drops nothing.
    "checkout_window_totals_complete_stream": dict(
        label="streaming_state",
        expect=OOM,
        timeout=300,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
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
