#!/usr/bin/env python
"""Run round 32 of the real Spark run matrix under tests/data/runs/ (manifest-r32.jsonl).

    python tests/data/runs/gen_r32.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r32.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r32.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r31.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r32.py <scenario>``; one
of them gets the WARN log level from the command line (``--conf spark.log.level=WARN``).
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r32).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # (driver 1g) collect of 800,000 readings, then pickle.dumps of the Rows in a Python
    # driver with RLIMIT_AS = its size + 120 MiB.
    "sensor_snapshot_pickle_dump": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=240,
        mem="1g",
    ),
    # (driver 1g) rdd.fold(set(), ...) of 4,000,000 customer keys in 24 partitions, in a
    # Python driver with RLIMIT_AS = its size + 250 MiB.
    "campaign_audience_fold_sets": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=240,
        mem="1g",
    ),
    # (WARN log from the command line) range join of 2,000 shipments with 3,000,000 delay
    # windows hinted for broadcast: a BroadcastNestedLoopJoin building the big side.
    "shipment_delay_window_range_join": dict(
        label="broadcast_too_large",
        expect=OOM,
        timeout=240,
        conf={"spark.log.level": "WARN"},
    ),
    # createDataFrame of 150,000 local quotes an hour, each kept as a global temp view.
    "hourly_rates_global_temp_views": dict(
        label="driver_side_state",
        expect=OOM,
        timeout=360,
    ),
    # offset(1) + collect of 600,000 rows with a 2 KB padded description.
    "vendor_export_skip_header_offset": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
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
    "shipment_delay_window_range_join--pyspark--spark35--local": "broadcast_too_large",
    "shipment_delay_window_range_join--pyspark--spark43--local": "broadcast_too_large",
}
_RANGE_JOIN_LOCAL = (
    "labelled broadcast_too_large after reading the log: the job that fails is the broadcast "
    "build's collect (BroadcastExchangeExec.relationFuture in the stack), and the 512m driver "
    "fails to deserialize the collected window rows (TaskResultGetter: "
    "java.lang.IllegalStateException: unread block data) with no OutOfMemoryError line; "
    "on local-cluster the same job shows java.lang.OutOfMemoryError fetching the task results, "
    "and a probe with a 2g driver (not kept) collected them and failed with 'Not enough memory "
    "to build and broadcast the table'"
)
OUTCOME_NOTES = {
    "shipment_delay_window_range_join--pyspark--spark35--local": _RANGE_JOIN_LOCAL,
    "shipment_delay_window_range_join--pyspark--spark43--local": _RANGE_JOIN_LOCAL,
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
