#!/usr/bin/env python
"""Run round 24 of the real Spark run matrix under tests/data/runs/ (manifest-r24.jsonl).

    python tests/data/runs/gen_r24.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r24.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r24.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r23.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r24.py <scenario>``.
One of them sets the WARN log level right after the session starts (scenarios_r24.WARN_LOG).
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r24).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # explode(sequence(start, coalesce(end, now), 1 second)) per session; a few kiosk
    # sessions have been open since early 2025. local[*]: the task in the driver JVM;
    # local-cluster: the executors' tasks.
    "device_sessions_concurrency_timeline": dict(
        label="client_mode_small_driver",
        expect=gm.ge.TASK_THREAD_OOM,
        timeout=300,
        after_oom=None,  # on local-cluster the driver only reports the executors' OOMs
    ),
    # partner master data (a small parquet file) padded with rpad to 2,000-character
    # header records, equi-joined to 2,000,000 transactions: broadcast by its estimate.
    "partner_fixed_width_statement_export": dict(
        label="broadcast_too_large",
        expect=r"OutOfMemoryError|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # every order formatted as an HTML <tr> line from toLocalIterator() in the Python
    # driver under RLIMIT_AS.
    "weekly_orders_html_email_report": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=240,
    ),
    # toPandas() with Arrow on and its fallback off, in venvs without pyarrow.
    "store_sales_pandas_forecast_input": dict(
        label="not_driver_oom",
        expect=r"PyArrow >= [0-9.]+ must be installed",
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
# really happened, not its scenario's (verified stays false: the scenario's failure did not
# happen).
LABEL_OVERRIDES = {}
OUTCOME_NOTES = {
    f"store_sales_pandas_forecast_input--pyspark--spark{v}--{m}": (
        "the count job succeeded (store/product series: 700), then toPandas() stopped "
        "before any conversion job with %s (after ModuleNotFoundError: No module named "
        "'pyarrow'); no OutOfMemoryError" % err
    )
    for v, err in (
        ("35", "ImportError: PyArrow >= 4.0.0 must be installed; however, it was not found."),
        (
            "43",
            "pyspark.errors.exceptions.base.PySparkImportError: [PACKAGE_NOT_INSTALLED] "
            "PyArrow >= 18.0.0 must be installed; however, it was not found.",
        ),
    )
    for m in ("local", "cluster")
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
