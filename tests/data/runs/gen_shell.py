"""The spark-shell / spark-sql driver of the mixed rounds (gen_r35.py to gen_r38.py).

A round hands its tables as a gen_more.Round and its scenarios module (``SCALA`` and, for
SQL, ``SQL`` scripts by scenario). A Scala run is one ``spark-shell -i <script>``, a SQL run
one ``spark-sql -f <script>`` (stdin /dev/null), from the pyspark wheel of the Spark version
(SPARK_HOME=<venv>/lib/python3.11/site-packages/pyspark, as gen_jvm.py / gen_extra.py launch
them); the script is written into the run's scratch dir. A PySpark run is gen_more.run's
``spark-submit``. The rest is gen_more's driver (scratch dir and Spark conf, the hard timeout
and the kill after the first OutOfMemoryError, meta.json, gen_more.finish, drop and the
command line, without --list). It also holds what the rounds' scenario tables share:
BROADCAST_OOM and EXECUTOR_LOST (expect patterns), UI_SMALL and RESERVED_32M (Spark conf),
PARALLEL_GC_LIMIT (driver JVM options), SMALL_DRIVER_RUN and EXECUTOR_OOM_RUN (a scenario's run
settings).
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM)
import gen_more as gm  # noqa: E402  (OWN_OOM, Round, rid_of, prepare, launch, run, main)
import gen_pyspark as gp  # noqa: E402  (masters)

LOCAL = [("35", "local"), ("4", "local")]
CLUSTER = [("35", "cluster"), ("4", "cluster")]
# The broadcast build side: an OutOfMemoryError of the driver, or Spark 3.5's
# "Not enough memory to build and broadcast" (its SparkFatalException hides the OOM line).
BROADCAST_OOM = ge.DRIVER_OOM + r"|Not enough memory to build and broadcast"
# An executor's OutOfMemoryError as the driver reports it (local-cluster). Not "Lost
# executor": every local-cluster shutdown logs "Lost executor N ... code 143".
EXECUTOR_LOST = r"exited caused by one of the running tasks|ExecutorLostFailure|exited with code 52"
# The UI's job, stage, task and SQL execution history kept small.
UI_SMALL = {
    "spark.ui.retainedJobs": "50",
    "spark.ui.retainedStages": "50",
    "spark.ui.retainedTasks": "1000",
    "spark.sql.ui.retainedExecutions": "20",
}
# Spark's reserved memory lowered to 32 MiB, which lets a small driver through Spark's
# start-up check (a heap of at least 1.5 times the reserved memory, 300 MiB by default).
RESERVED_32M = {"spark.testing.reservedMemory": str(32 * 1024 * 1024)}
# Parallel GC with a stricter GC overhead limit (GCTimeLimit 80 %, GCHeapFreeLimit 10 %; the
# JVM's defaults are 98 % / 2 %), so a driver whose heap is full of live objects throws
# instead of thrashing.
PARALLEL_GC_LIMIT = "-XX:+UseParallelGC -XX:GCTimeLimit=80 -XX:GCHeapFreeLimit=10"
# The run settings of a far too small driver: a 160m heap let through Spark's start-up check
# by RESERVED_32M, with PARALLEL_GC_LIMIT so that the full heap throws instead of thrashing.
SMALL_DRIVER_RUN = dict(mem="160m", gc=PARALLEL_GC_LIMIT, conf=RESERVED_32M)
# The run settings of a scenario whose executors, not the driver, run out of memory (with
# expect=EXECUTOR_LOST and its timeout): its local-cluster variants only, no kill after the
# first OutOfMemoryError line (the driver only reports the executors' OOMs), the executors'
# OOMs allowed, and an OutOfMemoryError of the driver itself rejected (not this label).
EXECUTOR_OOM_RUN = dict(
    variants=CLUSTER,
    after_oom=None,
    executor_oom_ok=True,
    reject=gm.OWN_OOM,
)


def ordered_runs(scenarios, not_run=(), not_kept=()):
    """Every scenario's first variant, then every scenario's second (LOCAL by default), each
    with its scenario's ``lang`` (pyspark by default); the scenarios in ``not_run`` and the
    run ids in ``not_kept`` are left out."""
    runs = []
    for i in range(2):
        for scenario, cfg in scenarios.items():
            vs = cfg.get("variants", LOCAL)
            if scenario not in not_run and i < len(vs):
                runs.append((scenario, cfg.get("lang", "pyspark"), *vs[i]))
    return [r for r in runs if gm.rid_of(r) not in not_kept]


def round_of(generator, scenarios, not_run, not_kept, notes, labels):
    """The gen_more.Round of ``generator`` (a gen_rN.py file): its runs in the order of
    ordered_runs, spark-submit of scenarios_rN.py beside it, lines in manifest-rN.jsonl, raw
    output under $DD_SCRATCH (default /tmp/driver-doctor-runs-rN)."""
    here = Path(generator).resolve().parent
    name = Path(generator).stem.removeprefix("gen_")  # "r36"
    return gm.Round(
        scenarios=scenarios,
        runs=ordered_runs(scenarios, not_run, not_kept),
        script=here / f"scenarios_{name}.py",
        scratch=Path(os.environ.get("DD_SCRATCH", f"/tmp/driver-doctor-runs-{name}")),
        manifest=here / f"manifest-{name}.jsonl",
        notes=notes,
        labels=labels,
    )


def run(r, rnd, scripts):
    """One spark-shell (lang scala) or spark-sql (lang sql) run of ``rnd``, its script taken
    from ``scripts`` (the round's scenarios module)."""
    scenario, lang, v, master = r
    la = gm.prepare(r, rnd)
    launcher = "spark-shell" if lang == "scala" else "spark-sql"
    cmd = [str(la.spark_home / "bin" / launcher), "--master", gp.MASTERS[master]]
    cmd += [
        "--driver-memory",
        la.mem,
        "--driver-java-options",
        la.cfg.get("gc", "-XX:+UseSerialGC"),
    ]
    for k, val in la.conf.items():
        cmd += ["--conf", f"{k}={val}"]
    script = la.work / f"{scenario}.{lang}"
    script.write_text((scripts.SCALA if lang == "scala" else scripts.SQL)[scenario].lstrip())
    cmd += ["-i" if lang == "scala" else "-f", str(script)]
    env = dict(os.environ, **la.cfg.get("env", {}))
    env.update(SPARK_HOME=str(la.spark_home), PATH=f"{la.venv / 'bin'}:{os.environ['PATH']}")
    env.pop("PYTHONPATH", None)
    return gm.launch(r, rnd, la, cmd, env)


def main(rnd, scripts):
    """--finish, --drop, or run the chosen runs (all by default) until the deadline
    (--deadline or DD_STOP_AT, HH:MM UTC): PySpark runs by gen_more.run, the others by run."""

    def run_one(r, rnd):
        if r[1] == "pyspark":
            return gm.run(r, rnd)
        return run(r, rnd, scripts)

    gm.main(rnd, run_one, listing=False)
