#!/usr/bin/env python
"""Run round 21 of the real Spark run matrix under tests/data/runs/ (manifest-r21.jsonl).

    python tests/data/runs/gen_r21.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r21.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r21.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py ... gen_r20.py / gen_jvm.py uses
(see the README section), each run one ``spark-submit scenarios_r21.py <scenario>``.
Two of them set the WARN log level right after the session starts (scenarios_r21.WARN_LOG).
The driver, its scratch and manifest handling and its labelling rule are gen_more.Round's
(raw output under $DD_SCRATCH, default /tmp/driver-doctor-runs-r21).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OOM, PY_MEMORYERROR, OWN_OOM; Round and the driver)

OOM = gm.OOM

SCENARIOS = {
    # clicks.join(ip_ranges, ip between start_ip and end_ip, "left"), no hint, default
    # threshold: the planner's BroadcastNestedLoopJoin fallback builds the 2,500,000 ranges.
    "ip_range_left_join_fallback_broadcast": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # collect() of 300,000 review texts fits; a Counter of their bigrams in the Python
    # driver under RLIMIT_AS.
    "review_bigram_counter_memoryerror": dict(
        label="python_driver_oom",
        expect=gm.PY_MEMORYERROR,
        timeout=200,
    ),
    # (local[*] only) multiLine CSV read whose one unclosed quote makes the rest of the
    # file a single field, driver 512m.
    "csv_multiline_unclosed_quote_small_driver": dict(
        label="client_mode_small_driver",
        expect=gm.ge.TASK_THREAD_OOM,
        timeout=200,
        variants=[("35", "local"), ("4", "local")],
    ),
    # (local[*] only) rate-micro-batch -> groupBy(article) -> approx_count_distinct(reader,
    # 0.01) -> update mode, 4,000 new articles a batch: a ~13 KB HyperLogLog++ buffer per
    # article kept in the state store.
    "stream_approx_distinct_per_article_state": dict(
        label="streaming_state",
        expect=OOM,
        timeout=240,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
    ),
    # JSON-lines load with mode=FAILFAST, one file ends with a truncated record.
    "json_failfast_truncated_record": dict(
        label="not_driver_oom",
        expect=r"MALFORMED_RECORD_IN_PARSING|Malformed records are detected in record parsing",
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
    "stream_approx_distinct_per_article_state--pyspark--spark43--local": (
        "the state grew batch by batch (28,000 articles, 642452480 state bytes after batch 6); "
        "from batch 6 on the tasks' page allocations failed with java.lang.OutOfMemoryError "
        "(WARN TaskMemoryManager: Failed to allocate a page (2097152 bytes), try spilling "
        "task memory.), which Spark 4.3 caught and spilled, falling back to sort based "
        "aggregation, so the driver never died on its own: killed 60 s after the first "
        "OutOfMemoryError, during batch 7; labelled streaming_state (the heap was full of the "
        "state stores, as in the 3.5 run, which died of it)"
    ),
}


# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
ROUND = gm.round_of(__file__, SCENARIOS, NOT_RUN, NOT_KEPT, OUTCOME_NOTES, LABEL_OVERRIDES)

if __name__ == "__main__":
    gm.main(ROUND)
