#!/usr/bin/env python
"""Run round 6 of the real Spark run matrix under tests/data/runs/ (manifest-r6.jsonl).

    python tests/data/runs/gen_r6.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_r6.py --finish [run-id ...]   # folders + manifest from scratch
    python tests/data/runs/gen_r6.py --drop run-id ...       # remove a run not kept

More scenarios (new names) that reach the causes of the matrix by code paths none of
gen_pyspark.py / gen_extra.py / gen_more.py / gen_r3.py / gen_r4.py / gen_r5.py / gen_jvm.py uses (see
the README section). Each run is one
``spark-submit scenarios_r6.py <scenario>`` from the venv of the Spark version, one at a
time. The driver is gen_more.py's (run, finish, drop and the command line), handed this
round's tables as a ``gen_more.Round``; through it come the venvs and masters, trim() of
tests/data/spark/generate.py, the hard timeout plus the kill 60 s after the driver's first
OutOfMemoryError (gen_pyspark._wait), the zstd event-log check and the `outcome` line, the
full Spark version, and gen_extra.finish() (run folder + manifest line). Raw output goes
to $DD_SCRATCH (default /tmp/driver-doctor-runs-r6)/<run-id>/raw.log; the run folder gets driver.log.gz and the
event log (compressed by Spark with zstd, not rolled, dropped above 3 MB); the run's line
in manifest-r6.jsonl is replaced. ``DD_STOP_AT=HH:MM`` (UTC) works like --deadline.

A run gets its scenario's label only if the scenario's `expect` pattern is in the raw
driver log and (for driver-OOM labels) no executor stderr has an OutOfMemoryError
(`verified: true`); otherwise it is labelled not_driver_oom, `verified: false`.
LABEL_OVERRIDES / OUTCOME_NOTES hold what was decided by reading a log.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_more as gm  # noqa: E402  (OWN_OOM; Round and the driver)

MANIFEST = HERE / "manifest-r6.jsonl"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-r6"))
OOM = gm.OOM
# Default variants of a scenario: (Spark version, master), in this order (the first two are
# the ones every scenario must have: Spark 3.5; the Spark 4.3 ones when time allows).
VARIANTS = [("35", "local"), ("35", "cluster"), ("4", "local"), ("4", "cluster")]

SCENARIOS = {
    # pyspark.ml PCA on 2,000-dimensional vectors: the Gramian treeAggregate's last level
    # (~16 MB a partition) collected past maxResultSize 8m. MLlib's own pre-check ("Cannot
    # aggregate object of size ... as it's bigger than maxResultSize") counts as well.
    "pca_gramian_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize|bigger than maxResultSize",
        timeout=240,
        conf={"spark.driver.maxResultSize": "8m"},
    ),
    # pyspark.ml KMeans(initMode="random"), k=1,000 centers of 1,000 dimensions: the k
    # initial centers (~8 MB, MLlib's takeSample) collected past maxResultSize 4m.
    "kmeans_centers_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=240,
        conf={"spark.driver.maxResultSize": "4m"},
    ),
    # NOT in RUNS: df.stat.crosstab of 4,000 x 997 values, meant to bring the pair counts
    # (up to 1,000,000) to the driver past maxResultSize 8m. The one try (3.5 local[*])
    # finished in 26 s without an error: Spark 3.5's crosstab is a groupBy().pivot() that
    # runs on the executors and returns 4,000 small rows. Dropped.
    "crosstab_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=240,
        conf={"spark.driver.maxResultSize": "8m"},
    ),
    # NOT in RUNS: no hint, default threshold, meant to broadcast the dimension side once
    # it is cached (sized by its dictionary-encoded in-memory columns). The one try (3.5
    # local[*]) printed `join strategy after cache: sort-merge/other` and finished: the
    # cache's size statistic counts the columns' uncompressed sizes. Dropped, replaced by
    # stale_table_stats_broadcast.
    "cached_stats_broadcast": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # a catalog table analyzed when small, then grown by files written straight into its
    # location: the stale catalog size (default threshold) makes the planner broadcast it.
    "stale_table_stats_broadcast": dict(
        label="broadcast_too_large",
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
    ),
    # sc.textFile(<4 MB file>, minPartitions=4,000,000): one split per byte.
    "text_file_min_partitions": dict(label="too_many_tasks", expect=OOM, timeout=240),
    # spark.sql.files.maxPartitionBytes=16 (meant as MB, read as bytes): one ~64 MB CSV
    # file planned as ~4,000,000 splits.
    "max_partition_bytes_no_unit": dict(
        label="too_many_tasks",
        expect=OOM,
        timeout=240,
        conf={"spark.sql.files.maxPartitionBytes": "16"},
    ),
    # stream-stream join of two rate sources, no watermark (local[*] only: with
    # local-cluster the join state lives in the executors, not in the driver).
    "stream_join_no_watermark": dict(
        label="streaming_state",
        expect=OOM,
        # 3.5 local[*]: the first OutOfMemoryError came after ~190 s (GC-bound from ~30 s on).
        timeout=420,
        conf={"spark.sql.shuffle.partitions": "4"},
        variants=[("35", "local"), ("4", "local")],
    ),
    # a rate-source query with an isin() allow-list (~1.2 MB literal) and a 100 ms trigger:
    # every micro-batch's plan kept by the SQL tab (default retainedExecutions).
    "stream_allowlist_ui_history": dict(
        label="streaming_state",
        expect=gm.ge.DRIVER_OOM,
        timeout=300,
    ),
    # --driver-memory 256m made to start with spark.testing.memory=2147480000; an
    # ordinary aggregation + a 1,500,000-row summary collect (~100 MB). local[*] only: the
    # one local-cluster try (3.5) finished without an error (the 256m driver only planned
    # and collected; the aggregation ran in the executors), not kept.
    "testing_memory_small_driver": dict(
        label="client_mode_small_driver",
        expect=OOM,
        timeout=240,
        mem="256m",
        conf={"spark.testing.memory": "2147480000"},
        variants=[("35", "local"), ("4", "local")],
    ),
    # NOT in RUNS: Kryo with spark.kryoserializer.buffer.max=1m, meant to overflow the
    # buffer with ~2.5 MB task results. The one try (3.5 local[*]) finished in 17 s with no
    # error: since Spark 3.4 the executor serializes task results as a stream
    # (SerializerHelper.serializeToChunkedBuffer), which the buffer limit does not bound.
    # Dropped, replaced by string_indexer_kryo_overflow.
    "kryo_buffer_overflow": dict(
        label="not_driver_oom",
        expect=r"Buffer overflow",
        timeout=180,
        conf={
            "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
            "spark.kryoserializer.buffer.max": "1m",
        },
        reject=gm.OWN_OOM,
    ),
    # StringIndexer on 400,000 distinct labels: its Kryo-encoded aggregation buffer
    # overflows spark.kryoserializer.buffer.max=4m on the executor. Spark 3.5 only: 4.3's
    # StringIndexer counts the labels without that Kryo-encoded buffer (its runs finished
    # with `labels 400000`, no error; not kept).
    "string_indexer_kryo_overflow": dict(
        label="not_driver_oom",
        expect=r"Buffer overflow",
        timeout=180,
        conf={"spark.kryoserializer.buffer.max": "4m"},
        reject=gm.OWN_OOM,
        variants=[("35", "local"), ("35", "cluster")],
    ),
    # (local-cluster only) executors die of OOM in a global collect_set's partial
    # aggregation (2,400 distinct ~2 MB documents).
    "executor_collect_set_oom": dict(
        label="not_driver_oom",
        # Not "Lost executor": every local-cluster shutdown logs "Lost executor N ... code 143".
        expect=r"exited caused by one of the running tasks|ExecutorLostFailure|exited with code 52",
        timeout=240,
        after_oom=None,  # the driver only reports the executors' OOMs
        executor_oom_ok=True,
        reject=gm.OWN_OOM,  # an OutOfMemoryError of the driver itself: not this label
        variants=[("35", "cluster"), ("4", "cluster")],
    ),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = {"crosstab_max_result_size", "cached_stats_broadcast", "kryo_buffer_overflow"}

# Runs made and not kept (no OutOfMemoryError in the driver log; see the README): left out of
# RUNS, so --finish does not bring them back from the scratch dir.
NOT_KEPT = set()

# Run order = priority order: every scenario's first variant (3.5 local[*]) first, then the
# second (3.5 local-cluster), then the Spark 4.3 ones.
RUNS = gm.ordered_runs(SCENARIOS, VARIANTS, NOT_RUN, NOT_KEPT)

LABEL_OVERRIDES = {}
OUTCOME_NOTES = {}


ROUND = gm.Round(
    scenarios=SCENARIOS,
    runs=RUNS,
    script=HERE / "scenarios_r6.py",
    scratch=SCRATCH,
    manifest=MANIFEST,
    notes=OUTCOME_NOTES,
    labels=LABEL_OVERRIDES,
)


def main():
    """gen_more.py's driver (run, finish, drop, deadline) over this round's tables."""
    gm.main(ROUND)


if __name__ == "__main__":
    main()
