#!/usr/bin/env python
"""Run the "more" part of the real Spark run matrix under tests/data/runs/ (manifest-more.jsonl).

    python tests/data/runs/gen_more.py [--deadline HH:MM] [--list] [run-id ...]
    python tests/data/runs/gen_more.py --finish [run-id ...]   # folders + manifest from scratch

Its driver (run, finish, drop, the command line) also runs later rounds (gen_r3.py), each
handing it its own tables as a ``Round``. ``DD_STOP_AT=HH:MM`` (UTC) works like --deadline.

New scenarios that reach the causes of the matrix by other code paths than the scenarios
of gen_pyspark.py / gen_extra.py (see the README section). Each run is one
``spark-submit scenarios_more.py <scenario>`` from the venv of the Spark version, one at a
time. Everything else is reused from gen_pyspark.py / gen_extra.py by import: the venvs
and masters, trim() of tests/data/spark/generate.py, the hard timeout plus the kill 60 s
after the driver's first OutOfMemoryError (gen_pyspark._wait), the zstd event-log check
and the `outcome` line, the DRIVER_OOM pattern, the full Spark version. Raw output goes to
$DD_SCRATCH (default /tmp/driver-doctor-runs-more)/<run-id>/raw.log; the run folder gets
driver.log.gz and the event log (compressed by Spark with zstd, not rolled, dropped above
3 MB); the run's line in manifest-more.jsonl is replaced.

A run gets its scenario's label only if the scenario's `expect` pattern is in the raw
driver log and (for driver-OOM labels) no executor stderr has an OutOfMemoryError
(`verified: true`); otherwise it is labelled not_driver_oom, `verified: false`.
LABEL_OVERRIDES / OUTCOME_NOTES hold what was decided by reading a log.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_extra as ge  # noqa: E402  (DRIVER_OOM, full_version)
import gen_pyspark as gp  # noqa: E402  (venvs, masters, trim, _wait, outcome, event log check)

MANIFEST = HERE / "manifest-more.jsonl"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-more"))
OOM = r"java\.lang\.OutOfMemoryError"
# A job aborted for its results: "Total size of serialized results ... is bigger than
# spark.driver.maxResultSize".
MAX_RESULT = r"bigger than spark\.driver\.maxResultSize"
# A Python driver's own MemoryError (or numpy's), for the PySpark-side scenarios of later rounds.
PY_MEMORYERROR = r"^MemoryError|^numpy\S*\._ArrayMemoryError: Unable to allocate"
# For not_driver_oom scenarios: an OutOfMemoryError line of the driver itself. Like
# gen_extra.DRIVER_OOM, and also not a "Caused by:" line (the driver prints the executor's
# OOM as the cause of "Job aborted due to stage failure").
OWN_OOM = r"^(?!.*(Lost task|TaskSetManager|ExecutorLost|Lost executor|in stage |Caused by)).*java\.lang\.OutOfMemoryError"


SCENARIOS = {
    # rdd.collectAsMap() of a Python pair RDD (PythonRDD.collectAndServe), not a DataFrame
    # collect; maxResultSize unlimited so the heap, not the limit, is what runs out.
    "collect_as_map_rdd": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=240,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # 20,000 tasks of a tiny one-column collect(), maxResultSize 1m.
    "max_result_size_many_tasks": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=240,
        conf={"spark.driver.maxResultSize": "1m"},
    ),
    # sc.broadcast(700 x 1 MB dict) from the Python driver.
    "broadcast_variable_large": dict(label="broadcast_too_large", expect=OOM, timeout=240),
    # F.udf whose function captures a ~625 MB dict (default UDFCompressionThreshold: the
    # pickled function goes out as a broadcast).
    "udf_captured_lookup": dict(label="large_closure", expect=OOM, timeout=240),
    # groupBy with spark.sql.shuffle.partitions in the millions, AQE off. With 4,000,000 the
    # 4.3 local-cluster driver was still planning (GC-bound) at the 240 s timeout; all four
    # runs were redone with 8,000,000.
    "shuffle_partitions_huge": dict(
        label="too_many_tasks",
        expect=OOM,
        timeout=240,
        conf={
            "spark.sql.shuffle.partitions": "8000000",
            "spark.sql.adaptive.enabled": "false",
        },
    ),
    # Many small jobs with the UI history limits raised. NOT in RUNS: the one try (3.5,
    # local[*]) ran 120 jobs x 2000 tasks (240,000 tasks, ~1,100 tasks/s) in 240 s with the
    # driver heap in use at 190-255 MiB of 494 MiB, no error; killed by the timeout, not kept.
    "ui_history_many_jobs": dict(
        label="driver_side_state",
        expect=ge.DRIVER_OOM,
        timeout=240,
        conf={
            "spark.ui.retainedJobs": "1000000",
            "spark.ui.retainedStages": "1000000",
            "spark.ui.retainedTasks": "100000000",
            "spark.sql.ui.retainedExecutions": "1000000",
        },
    ),
    # A loop of toPandas() results appended to one pandas frame (pd.concat), RLIMIT_AS.
    # numpy's _ArrayMemoryError (pd.concat allocating) is a subclass of MemoryError.
    "pandas_history_loop": dict(
        label="driver_side_state",
        expect=r"^MemoryError|^numpy\S*\._ArrayMemoryError: Unable to allocate",
        timeout=240,
        mem="1g",
    ),
    # collect() fits; r.asDict() + grouping in plain Python under RLIMIT_AS.
    "collect_asdict_memoryerror": dict(
        label="python_driver_oom", expect=r"^MemoryError", timeout=240, mem="1g"
    ),
    # foreachBatch appends every collected micro-batch to a Python list, RLIMIT_AS.
    "foreach_batch_driver_list": dict(
        label="streaming_state", expect=r"MemoryError", timeout=240, mem="1g"
    ),
    # (local-cluster only) executors die of OOM in sequence/sort_array/explode.
    "executor_explode_oom": dict(
        label="not_driver_oom",
        # Not "Lost executor": every local-cluster shutdown logs "Lost executor N ... code 143".
        expect=r"exited caused by one of the running tasks|ExecutorLostFailure|exited with code 52",
        timeout=240,
        masters=["cluster"],
        after_oom=None,  # the driver only reports the executors' OOMs
        executor_oom_ok=True,
        reject=OWN_OOM,  # an OutOfMemoryError of the driver itself: not this label
    ),
    # A corrupt parquet file in the input directory.
    "corrupt_input_file": dict(
        label="not_driver_oom",
        expect=r"is not a Parquet file|Could not read footer|CANNOT_READ_FILE_FOOTER|FAILED_READ_FILE",
        timeout=180,
        reject=OWN_OOM,
    ),
    # ---- runs2 (2026-12-03, 07:08-07:35 UTC; see the README)
    # df.rdd.glom().collect(): whole partitions as pickled lists (PythonRDD.collectAndServe).
    "glom_collect_partitions": dict(
        label="collect_to_driver",
        expect=OOM,
        timeout=200,
        conf={"spark.driver.maxResultSize": "0"},
    ),
    # toPandas(), maxResultSize 1m (Arrow asked for, but no pyarrow in the venvs: PySpark
    # warns and falls back to the plain toPandas() collect).
    "topandas_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=200,
        conf={
            "spark.driver.maxResultSize": "1m",
            "spark.sql.execution.arrow.pyspark.enabled": "true",
        },
    ),
    # broadcast() join whose build side is collected past maxResultSize 1m.
    "broadcast_join_max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        timeout=200,
        conf={"spark.driver.maxResultSize": "1m"},
    ),
    # automatic broadcast (no hint) of a parquet table, threshold raised to 2g.
    "auto_broadcast_parquet": dict(
        label="broadcast_too_large",
        # BroadcastExchangeExec turns the driver's OutOfMemoryError into this SparkException
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=200,
        conf={"spark.sql.autoBroadcastJoinThreshold": "2g"},
    ),
    # toPandas() fits, then pdf.pivot_table() of ~20,000 x 20,000 cells, RLIMIT_AS.
    "topandas_pivot_memoryerror": dict(
        label="python_driver_oom",
        expect=r"^MemoryError|^numpy\S*\._ArrayMemoryError: Unable to allocate",
        timeout=200,
        mem="1g",
    ),
    # read of a path that does not exist.
    "missing_input_path": dict(
        label="not_driver_oom",
        expect=r"PATH_NOT_FOUND|Path does not exist",
        timeout=150,
        reject=OWN_OOM,
    ),
    # ANSI mode division by zero in a task.
    "ansi_divide_by_zero": dict(
        label="not_driver_oom",
        expect=r"DIVIDE_BY_ZERO|Division by zero",
        timeout=150,
        conf={"spark.sql.ansi.enabled": "true"},
        reject=OWN_OOM,
    ),
    # 50,000 tiny JSON files, one partition each.
    "tiny_files_listing": dict(
        label="too_many_tasks",
        expect=OOM,
        timeout=200,
        conf={
            "spark.sql.files.maxPartitionBytes": "1",
            "spark.sql.files.openCostInBytes": "1",
        },
    ),
    # 3,000 unions without checkpoint (only an OutOfMemoryError counts, not a
    # StackOverflowError).
    "union_loop_plan": dict(label="driver_side_state", expect=ge.DRIVER_OOM, timeout=200),
    # df.repartition(3,000,000).count() of 1,000 rows.
    "repartition_huge": dict(label="too_many_tasks", expect=OOM, timeout=200),
}

# Scenarios tried and not reproduced (see the README): no run ids.
NOT_RUN = {"ui_history_many_jobs", "union_loop_plan", "tiny_files_listing"}

# Run order = priority order: Spark 3.5 first, then 4.3; local[*] before local-cluster.
RUNS = []
for _v in ("35", "4"):
    for _m in ("local", "cluster"):
        for _s, _cfg in SCENARIOS.items():
            if _s in NOT_RUN:
                continue
            if _m in _cfg.get("masters", ["local", "cluster"]):
                RUNS.append((_s, "pyspark", _v, _m))

LABEL_OVERRIDES = {}
OUTCOME_NOTES = {}


@dataclass(frozen=True)
class Round:
    """One generator's tables: what gen_r3.py and later rounds hand to the driver below.

    The driver (run, finish, drop and the command line) runs each of ``runs`` as one
    ``spark-submit <script> <scenario>`` from the venv of its Spark version, one at a time:
    the venvs and masters, trim() of tests/data/spark/generate.py, the hard timeout plus the
    kill 60 s after the driver's first OutOfMemoryError (gen_pyspark._wait), the zstd
    event-log check and the `outcome` line, the full Spark version, and gen_extra.finish()
    (run folder + manifest line). Raw output goes to ``scratch`` (a round's $DD_SCRATCH)
    /<run-id>/raw.log; the run folder gets driver.log.gz and the event log (compressed by
    Spark with zstd, not rolled, dropped above 3 MB); the run's line in ``manifest`` is
    replaced. ``DD_STOP_AT=HH:MM`` (UTC) works like --deadline.

    A run gets its scenario's label only if the scenario's `expect` pattern is in the raw
    driver log and (for driver-OOM labels) no executor stderr has an OutOfMemoryError
    (`verified: true`); otherwise it is labelled not_driver_oom, `verified: false`.
    ``labels`` (LABEL_OVERRIDES) and ``notes`` (OUTCOME_NOTES) hold what was decided by
    reading a log.
    """

    scenarios: dict
    runs: list
    script: Path  # the scenarios_*.py that spark-submit runs
    scratch: Path
    manifest: Path
    notes: dict
    labels: dict


def rid_of(r):
    scenario, lang, v, m = r
    return f"{ge.run_id(scenario, lang, v)}--{m}"


def ordered_runs(scenarios, variants, not_run=(), not_kept=()):
    """A round's PySpark runs in priority order: every scenario's first variant, then every
    scenario's second, and so on (a scenario's own ``variants`` override the round's); the
    scenarios in ``not_run`` and the run ids in ``not_kept`` are left out."""
    runs = []
    for i in range(max((len(c.get("variants", variants)) for c in scenarios.values()), default=0)):
        for scenario, cfg in scenarios.items():
            vs = cfg.get("variants", variants)
            if scenario not in not_run and i < len(vs):
                runs.append((scenario, "pyspark", *vs[i]))
    return [r for r in runs if rid_of(r) not in not_kept]


# A round's default variants of a scenario: (Spark version, master), in this order (the first
# two are the ones every scenario must have: Spark 3.5; the Spark 4.3 ones when time allows).
ROUND_VARIANTS = [("35", "local"), ("35", "cluster"), ("4", "local"), ("4", "cluster")]


def round_of(generator, scenarios, not_run=(), not_kept=(), notes=None, labels=None):
    """The Round of ``generator`` (a gen_rN.py file): its scenarios run in priority order
    (ordered_runs over ROUND_VARIANTS) by spark-submit of scenarios_rN.py beside it, lines in
    manifest-rN.jsonl, raw output under $DD_SCRATCH (default /tmp/driver-doctor-runs-rN)."""
    here = Path(generator).resolve().parent
    name = Path(generator).stem.removeprefix("gen_")  # "r12"
    return Round(
        scenarios=scenarios,
        runs=ordered_runs(scenarios, ROUND_VARIANTS, not_run, not_kept),
        script=here / f"scenarios_{name}.py",
        scratch=Path(os.environ.get("DD_SCRATCH", f"/tmp/driver-doctor-runs-{name}")),
        manifest=here / f"manifest-{name}.jsonl",
        notes=notes or {},
        labels=labels or {},
    )


@dataclass
class Launch:
    """One run being set up: its scenario's cfg, run id, venv, SPARK_HOME, scratch dir (made
    empty, with events/ in it), Spark conf (event log, console progress off, the executors of
    a local-cluster, the scenario's conf) and driver memory."""

    cfg: dict
    rid: str
    venv: Path
    spark_home: Path
    work: Path
    conf: dict
    mem: str


def prepare(r, rnd):
    """The Launch of run ``r`` of ``rnd``, its scratch dir made afresh."""
    scenario, lang, v, master = r
    cfg = rnd.scenarios[scenario]
    rid = rid_of(r)
    venv = gp.VENVS[v]
    spark_home = venv / "lib/python3.11/site-packages/pyspark"
    work = rnd.scratch / rid
    shutil.rmtree(work, ignore_errors=True)
    evdir = work / "events"
    evdir.mkdir(parents=True)
    conf = {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": evdir.as_uri(),
        "spark.eventLog.rolling.enabled": "false",
        "spark.eventLog.compress": "true",
        "spark.eventLog.compression.codec": "zstd",
        "spark.ui.showConsoleProgress": "false",
    }
    if master == "cluster":
        conf["spark.executor.memory"] = "768m"
        conf["spark.executor.extraJavaOptions"] = "-XX:+UseSerialGC"
    conf.update(cfg.get("conf", {}))
    return Launch(cfg, rid, venv, spark_home, work, conf, cfg.get("mem", "512m"))


def run(r, rnd=None):
    rnd = rnd or ROUND
    scenario, lang, v, master = r
    la = prepare(r, rnd)
    cfg, venv, spark_home, conf, mem = la.cfg, la.venv, la.spark_home, la.conf, la.mem
    cmd = [str(venv / "bin/spark-submit"), "--master", gp.MASTERS[master]]
    cmd += ["--driver-memory", mem]
    cmd += ["--driver-java-options", cfg.get("gc", "-XX:+UseSerialGC")]
    for k, val in conf.items():
        cmd += ["--conf", f"{k}={val}"]
    cmd += [str(rnd.script), scenario]
    env = dict(os.environ, **cfg.get("env", {}))
    env.update(
        SPARK_HOME=str(spark_home),
        PYSPARK_PYTHON=str(venv / "bin/python"),
        PYSPARK_DRIVER_PYTHON=str(venv / "bin/python"),
        PATH=f"{venv / 'bin'}:{os.environ['PATH']}",
    )
    env.pop("PYTHONPATH", None)
    return launch(r, rnd, la, cmd, env)


def launch(r, rnd, la, cmd, env):
    """Run ``cmd`` (stdin /dev/null, output to raw.log, its own process group, in the scratch
    dir) under the scenario's hard timeout and the kill after the first OutOfMemoryError
    (gen_pyspark._wait); copy this app's executor dirs, write meta.json and finish the run."""
    scenario, lang, v, master = r
    cfg, rid, spark_home, work = la.cfg, la.rid, la.spark_home, la.work
    raw = work / "raw.log"
    print(f"[{rid}] start {time.strftime('%H:%M:%S')}", flush=True)
    t0 = time.time()
    with open(raw, "wb") as out, open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(
            cmd,
            stdin=devnull,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=work,
            start_new_session=True,
        )
        timeout = cfg.get("timeout", 240)
        rc = gp._wait(proc, raw, timeout, cfg.get("after_oom", gp.AFTER_OOM))
    try:
        os.killpg(proc.pid, 9)
    except ProcessLookupError:
        pass
    secs = round(time.time() - t0, 1)
    text = raw.read_text(errors="replace")
    # Only this app's executor dirs (other generators share $SPARK_HOME/work).
    for app in sorted(set(re.findall(r"\bapp-\d{14}-\d{4}\b", text))):
        d = spark_home / "work" / app
        if d.is_dir():
            shutil.copytree(d, work / "executor-work" / app, dirs_exist_ok=True)
            shutil.rmtree(d, ignore_errors=True)
    meta = dict(
        rc=rc,
        seconds=secs,
        timeout=timeout,
        command=shlex.join(cmd),
        mem=la.mem,
        master=gp.MASTERS[master],
        spark_version=ge.full_version(v),
    )
    (work / "meta.json").write_text(json.dumps(meta))
    print(f"[{rid}] rc={rc} in {secs:.0f}s, raw log {raw.stat().st_size} bytes", flush=True)
    return finish(r, rnd)


def finish(r, rnd=None):
    """Run folder + manifest line from the scratch dir of a finished run (gen_extra's
    finishing, with the round's scenarios, scratch dir, manifest and notes)."""
    rnd = rnd or ROUND
    return ge.finish(
        r,
        scenarios=rnd.scenarios,
        scratch=rnd.scratch,
        manifest=rnd.manifest,
        runs=rnd.runs,
        notes=rnd.notes,
        labels=rnd.labels,
    )


def drop(rid, rnd=None):
    """Remove a run's folder and manifest line (a run that is not kept)."""
    rnd = rnd or ROUND
    shutil.rmtree(HERE / rid, ignore_errors=True)
    if rnd.manifest.exists():
        rows = [json.loads(x) for x in rnd.manifest.read_text().splitlines() if x.strip()]
        rnd.manifest.write_text("".join(json.dumps(x) + "\n" for x in rows if x["id"] != rid))


def main(rnd=None, run_one=None, listing=True):
    """--list, --finish, --drop, or run the chosen runs (all by default) until the deadline
    (--deadline or DD_STOP_AT, HH:MM UTC). ``run_one(r, rnd)`` runs one run (``run`` by
    default); ``listing=False`` leaves --list out (gen_shell.main)."""
    rnd = rnd or ROUND
    run_one = run_one or run
    ap = argparse.ArgumentParser()
    ap.add_argument("--deadline", help="HH:MM UTC: start no run after this")
    if listing:
        ap.add_argument("--list", action="store_true")
    ap.add_argument("--finish", action="store_true", help="rebuild folders + manifest from scratch")
    ap.add_argument("--drop", action="store_true", help="remove the named runs' folders + lines")
    ap.add_argument("runs", nargs="*")
    a = ap.parse_args()
    deadline = a.deadline or os.environ.get("DD_STOP_AT")
    by_id = {rid_of(r): r for r in rnd.runs}
    if listing and a.list:
        print("\n".join(by_id))
        return
    chosen = a.runs or list(by_id)
    bad = [c for c in chosen if c not in by_id]
    if bad:
        sys.exit(f"unknown run(s) {bad}" + ("; see --list" if listing else ""))
    for c in chosen:
        if a.drop:
            drop(c, rnd)
            continue
        if a.finish:
            if (rnd.scratch / c / "meta.json").exists():
                finish(by_id[c], rnd)
            continue
        if deadline and datetime.now(timezone.utc).strftime("%H:%M") >= deadline:
            print(f"deadline {deadline} reached, not starting {c}")
            break
        run_one(by_id[c], rnd)


ROUND = Round(
    scenarios=SCENARIOS,
    runs=RUNS,
    script=HERE / "scenarios_more.py",
    scratch=SCRATCH,
    manifest=MANIFEST,
    notes=OUTCOME_NOTES,
    labels=LABEL_OVERRIDES,
)


if __name__ == "__main__":
    main()
