#!/usr/bin/env python
"""Run the extra part of the real Spark run matrix under tests/data/runs/ (manifest-extra.jsonl).

    python tests/data/runs/gen_extra.py [--deadline HH:MM] [--list] [run-id ...]

Runs, one at a time, the run ids of RUNS (all of them, in order, or the ones named):
PySpark runs are ``spark-submit scenarios_extra.py <scenario>`` from the venv of the Spark
version (as gen_pyspark.py does), Scala runs are ``spark-shell -i <script>`` from the same
venv's pyspark wheel (as gen_jvm.py does) with the script taken from
scenarios_extra.SCALA. Everything else is reused from gen_pyspark.py by import: the venvs
and masters, trim() of tests/data/spark/generate.py, the hard timeout plus the kill 60 s
after the driver's first OutOfMemoryError (_wait), the zstd event log check and the
`outcome` line. Raw output goes to $DD_SCRATCH (default /tmp/driver-doctor-runs-extra)
/<run-id>/raw.log; the run folder gets driver.log.gz and the event log (compressed by Spark
with zstd, not rolled); the run's line in manifest-extra.jsonl is replaced.

A run gets the scenario's label only if its `expect` pattern is found in the raw driver log
(for the cached-block runs: a java.lang.OutOfMemoryError line that is not a report of a
failed task/executor) and no executor stderr has an OutOfMemoryError; otherwise it is
flagged UNVERIFIED and labelled not_driver_oom. LABEL_OVERRIDES / OUTCOME_NOTES hold what
was decided by reading a log.
"""

import argparse
import gzip
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_pyspark as gp  # noqa: E402  (venvs, masters, trim, _wait, outcome, event log check)
import scenarios_extra  # noqa: E402  (SCALA scripts; pyspark is not imported here)

MANIFEST = HERE / "manifest-extra.jsonl"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-extra"))

# A java.lang.OutOfMemoryError line of the driver itself: not a TaskSetManager/scheduler
# report of a task or executor that failed with one.
DRIVER_OOM = r"^(?!.*(Lost task|TaskSetManager|ExecutorLost|Lost executor|in stage )).*java\.lang\.OutOfMemoryError"
# An OutOfMemoryError in a task thread of the executor that local[*] runs inside the driver.
TASK_THREAD_OOM = (
    r"(?s)(?=.*java\.lang\.OutOfMemoryError)"
    r"(?=.*(Executor task launch worker|ERROR Executor: Exception in task))"
)
UI_SMALL = {
    "spark.ui.retainedJobs": "20",
    "spark.ui.retainedStages": "20",
    "spark.ui.retainedTasks": "1000",
    "spark.sql.ui.retainedExecutions": "10",
}

SCENARIOS = {
    "cached_blocks_many": dict(
        label="cached_block_metadata",
        expect=DRIVER_OOM,
        timeout=300,
        # On local-cluster the driver needs ~550k blocks (~6 min), then thrashes for minutes.
        timeouts={("pyspark", "cluster"): 900, ("scala", "cluster"): 900},
        mem="512m",
        # Parallel GC gives up with "GC overhead limit exceeded" where Serial GC thrashes on.
        # With the default young generation (~1/3 of the heap) the driver thrashed for
        # minutes (full GCs back to back, old gen 99.9% full, eden 80-99% live after each;
        # also with -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=20) until the timeout. A small
        # young generation ends the thrashing with an OutOfMemoryError; -Xlog:gc puts the
        # collections in the driver log.
        gc="-XX:+UseParallelGC -Xmn32m -Xlog:gc",
        # UI history kept small so what piles up is block metadata; AQE off so one action
        # materializes a whole chain of cached DataFrames in one job.
        conf=dict(UI_SMALL, **{"spark.sql.adaptive.enabled": "false"}),
        # PySpark: chains of 20 cached DataFrames (deeper chains overflowed executor task
        # stacks: the cached scans nest); Scala: chains of 40 cached RDDs.
        env={"DD_PARTS": "5000", "DD_DEPTH": "20", "DD_CHAINS": "100"},
        env_scala={"DD_PARTS": "5000", "DD_DEPTH": "40", "DD_CHAINS": "100"},
    ),
    "python_collect_memoryerror": dict(
        label="python_driver_oom", expect=r"^MemoryError", timeout=300, mem="1g"
    ),
    "python_createdataframe_memoryerror": dict(
        label="python_driver_oom", expect=r"^MemoryError", timeout=300, mem="1g"
    ),
    # local[*] only: the job's own working memory (groupBy + collect_list, noop sink) comes
    # out of the driver heap because the tasks run in the driver JVM. Verified only when the
    # OutOfMemoryError is in the log together with a task thread of the in-driver executor.
    "local_small_driver": dict(
        label="client_mode_small_driver",
        expect=TASK_THREAD_OOM,
        timeout=240,
        mem="512m",
        masters=["local"],
    ),
    # The same job with no --driver-memory (Spark's default 1g heap) and
    # .config("spark.driver.memory", "4g") in the script's SparkSession.builder: too late,
    # spark-submit has already started the driver JVM. More rows for the bigger heap.
    "local_small_driver_conf": dict(
        label="client_mode_small_driver",
        expect=TASK_THREAD_OOM,
        timeout=300,
        mem=None,
        mem_note="default (1g); the script's builder sets spark.driver.memory=4g",
        masters=["local"],
        env={"DD_ROWS": "8000000"},
    ),
    # Rate source -> dropDuplicates(event_id) with no watermark -> noop sink, 500 ms trigger;
    # the driver keeps 100,000 recent progress updates and a large UI history.
    "streaming_progress_state": dict(
        label="streaming_state",
        expect=DRIVER_OOM,
        timeout=300,
        timeouts={("pyspark", "cluster"): 330},
        mem="512m",
        gcs={("pyspark", "cluster"): "-XX:+UseSerialGC -Xlog:gc"},
        # 200,000 rows/s put ~3.8M rows in batch 1 (OOM inside that one batch); at 50,000
        # the state grows over several batches first.
        env={"DD_RATE": "50000"},
        # Tried on local-cluster (not in RUNS): the dedup state lives in the two 768m
        # executors; at a low rate they hold it, and what grows in the driver is only the
        # progress/UI history of the batches (live heap 72M -> 77M in 5 min, no full GC).
        envs={("pyspark", "cluster"): {"DD_RATE": "2000"}},
        conf={
            "spark.sql.streaming.numRecentProgressUpdates": "100000",
            "spark.sql.streaming.ui.retainedProgressUpdates": "100000",
            "spark.sql.ui.retainedExecutions": "100000",
            "spark.ui.retainedJobs": "100000",
            "spark.ui.retainedStages": "100000",
            "spark.ui.retainedTasks": "10000000",
        },
    ),
}

# Run order = priority order.
RUNS = []
for _lang in ("pyspark", "scala"):
    for _v in ("4", "35"):
        for _m in ("cluster", "local"):
            RUNS.append(("cached_blocks_many", _lang, _v, _m))
for _s in ("python_collect_memoryerror", "python_createdataframe_memoryerror"):
    for _v, _m in (("4", "local"), ("35", "cluster"), ("35", "local"), ("4", "cluster")):
        RUNS.append((_s, "pyspark", _v, _m))
for _s in ("local_small_driver", "local_small_driver_conf"):
    for _v in ("4", "35"):
        RUNS.append((_s, "pyspark", _v, "local"))
# local[*] only: on local-cluster the state is in the executors and the driver's own growth
# (progress/UI history) was ~1 MB/min, nowhere near full in 5 min (see the README); the
# settings of that try are kept in SCENARIOS (`envs`, `gcs`) but no such run is recorded.
for _v in ("4", "35"):
    RUNS.append(("streaming_progress_state", "pyspark", _v, "local"))

# The driver's heap filled up with cached-block metadata (400,000 blocks, then full GCs back to
# back: "Pause Full (Ergonomics) 505M->489M(509M)" every ~4 s for 6 minutes), but it never
# threw: killed by the timeout. The cause is this label's; the log has no OutOfMemoryError
# (verified stays false).
LABEL_OVERRIDES = {
    "cached_blocks_many--scala--spark43--local": "cached_block_metadata",
    "cached_blocks_many--scala--spark43--cluster": "cached_block_metadata",
    "cached_blocks_many--scala--spark35--cluster": "cached_block_metadata",
}
OUTCOME_NOTES = {
    "cached_blocks_many--scala--spark43--local": (
        "NO OutOfMemoryError: the driver heap filled with the metadata of 400,000 cached blocks "
        "and the driver stalled in back-to-back full GCs (-Xlog:gc: 'Pause Full (Ergonomics) "
        "505M->481M(509M)' ... '505M->489M(509M)', ~4 s each, from ~190 s on) until the timeout"
    ),
    "cached_blocks_many--scala--spark43--cluster": (
        "NO OutOfMemoryError: the driver heap filled with the metadata of 800,000 cached blocks "
        "(~470 bytes each) and the driver stalled in back-to-back full GCs (-Xlog:gc: 'Pause Full "
        "(Ergonomics) 503M->472M(511M)' at 333 s ... '506M->498M(509M)' at 600 s, ~0.9 s each) "
        "until the timeout"
    ),
    "cached_blocks_many--scala--spark35--cluster": (
        "NO OutOfMemoryError: the driver heap filled with the metadata of 800,000 cached blocks "
        "and the driver stalled in back-to-back full GCs (-Xlog:gc: 'Pause Full (Ergonomics) "
        "508M->476M(511M)' at 357 s ... '510M->507M(511M)' at 888 s, ~1 s each) until the timeout"
    ),
}

_FULL = {}


def full_version(v):
    if v not in _FULL:
        _FULL[v] = gp.spark_version(v)
    return _FULL[v]


def run_id(scenario, lang, v):
    major, minor = full_version(v).split(".")[:2]
    return f"{scenario}--{lang}--spark{major}{minor}"


def rid_of(r):
    scenario, lang, v, m = r
    return f"{run_id(scenario, lang, v)}--{m}"


def run(r):
    scenario, lang, v, master = r
    cfg = SCENARIOS[scenario]
    rid = rid_of(r)
    venv = gp.VENVS[v]
    spark_home = venv / "lib/python3.11/site-packages/pyspark"
    work = SCRATCH / rid
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
    mem = cfg.get("mem", "512m")
    launcher = (
        str(venv / "bin/spark-submit") if lang == "pyspark" else str(spark_home / "bin/spark-shell")
    )
    cmd = [launcher, "--master", gp.MASTERS[master]]
    if mem is not None:  # None: no --driver-memory, Spark's default
        cmd += ["--driver-memory", mem]
    cmd += [
        "--driver-java-options",
        cfg.get("gcs", {}).get((lang, master), cfg.get("gc", "-XX:+UseSerialGC")),
    ]
    for k, val in conf.items():
        cmd += ["--conf", f"{k}={val}"]
    if lang == "pyspark":
        cmd += [str(HERE / "scenarios_extra.py"), scenario]
    else:
        script = work / f"{scenario}.scala"
        script.write_text(scenarios_extra.SCALA[scenario].lstrip())
        cmd += ["-i", str(script)]
    env = dict(os.environ, **cfg.get("env_scala" if lang == "scala" else "env", cfg.get("env", {})))
    env.update(cfg.get("envs", {}).get((lang, master), {}))
    env.update(
        SPARK_HOME=str(spark_home),
        PYSPARK_PYTHON=str(venv / "bin/python"),
        PYSPARK_DRIVER_PYTHON=str(venv / "bin/python"),
        PATH=f"{venv / 'bin'}:{os.environ['PATH']}",
    )
    env.pop("PYTHONPATH", None)
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
        timeout = cfg.get("timeouts", {}).get((lang, master), cfg.get("timeout", 300))
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
        mem=mem if mem is not None else cfg.get("mem_note", "default"),
        master=gp.MASTERS[master],
        spark_version=full_version(v),
    )
    (work / "meta.json").write_text(json.dumps(meta))
    print(f"[{rid}] rc={rc} in {secs:.0f}s, raw log {raw.stat().st_size} bytes", flush=True)
    return finish(r)


def finish(r, *, scenarios=None, scratch=None, manifest=None, runs=None, notes=None, labels=None):
    """Run folder + manifest line from the scratch dir of a finished run. The keyword
    arguments let another generator (gen_more.py) finish its runs with its own tables;
    a scenario may say ``executor_oom_ok`` (an executor OOM is what it is about) and
    ``reject`` (a pattern that must not be in the log)."""
    scenarios = SCENARIOS if scenarios is None else scenarios
    scratch = SCRATCH if scratch is None else scratch
    notes = OUTCOME_NOTES if notes is None else notes
    labels = LABEL_OVERRIDES if labels is None else labels
    scenario, lang, v, master = r
    cfg = scenarios[scenario]
    rid = rid_of(r)
    work = scratch / rid
    meta = json.loads((work / "meta.json").read_text())
    text = (work / "raw.log").read_text(errors="replace")
    lines = text.splitlines()
    dest = HERE / rid
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir()
    with gzip.open(dest / "driver.log.gz", "wb") as gz:
        gz.write(gp.trim(lines).encode())

    ev_rel, ev_complete, ev_note = None, False, None
    files = sorted(p for p in (work / "events").iterdir() if p.is_file())
    if files:
        ev = files[0]
        ev_complete = gp._eventlog_complete(ev, gp.VENVS[v])
        size = ev.stat().st_size
        if size > gp.MAX_EVENTLOG:
            ev_note = f"event log {ev.name} dropped: {size} bytes compressed (> 3 MB)"
        else:
            shutil.copyfile(ev, dest / ev.name)
            ev_rel = f"tests/data/runs/{rid}/{ev.name}"

    ex_oom = [
        p
        for p in (work / "executor-work").glob("*/*/stderr")
        if "OutOfMemoryError" in p.read_text(errors="replace")
    ]
    if cfg.get("executor_oom_ok"):
        ex_oom = []
    ok = re.search(cfg["expect"], text, re.M) is not None and not ex_oom
    if cfg.get("reject") and re.search(cfg["reject"], text, re.M):
        ok = False
    label = cfg["label"] if ok else "not_driver_oom"
    label = labels.get(rid, label)
    if not ok:
        print(
            f"[{rid}] UNVERIFIED: /{cfg['expect']}/ not in the log"
            + (f" or executor OOM in {ex_oom}" if ex_oom else "")
            + f"; labelled {label}"
        )
    out = gp.outcome(lines, meta["rc"], meta["seconds"], work)
    if rid in notes:
        out = notes[rid] + " | " + out
    row = {
        "id": rid,
        "scenario": scenario,
        "label": label,
        "spark_version": meta["spark_version"],
        "master": meta["master"],
        "language": lang,
        "driver_memory": meta["mem"],
        "command": meta["command"],
        "outcome": out,
        "log": f"tests/data/runs/{rid}/driver.log.gz",
        "event_log": ev_rel,
        "event_log_complete": ev_complete,
        "seconds": meta["seconds"],
    }
    if ev_note:
        row["event_log_note"] = ev_note
    row["verified"] = ok
    write_manifest(row, manifest, runs)
    print(f"[{rid}] label={label} verified={ok}\n  {out[:700]}", flush=True)
    return row


def write_manifest(row, manifest=None, runs=None):
    """Put ``row`` in ``manifest`` (this generator's by default), in the order of ``runs``."""
    manifest = MANIFEST if manifest is None else manifest
    runs = RUNS if runs is None else runs
    rows = []
    if manifest.exists():
        rows = [json.loads(x) for x in manifest.read_text().splitlines() if x.strip()]
    rows = [x for x in rows if x["id"] != row["id"]] + [row]
    order = {rid_of(r): i for i, r in enumerate(runs)}
    rows.sort(key=lambda x: order.get(x["id"], len(order)))
    manifest.write_text("".join(json.dumps(x) + "\n" for x in rows))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deadline", help="HH:MM UTC: start no run after this")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--finish", action="store_true", help="rebuild folders + manifest from scratch")
    ap.add_argument("runs", nargs="*")
    a = ap.parse_args()
    by_id = {rid_of(r): r for r in RUNS}
    if a.list:
        print("\n".join(by_id))
        return
    chosen = a.runs or list(by_id)
    bad = [c for c in chosen if c not in by_id]
    if bad:
        sys.exit(f"unknown run(s) {bad}; see --list")
    for c in chosen:
        if a.finish:
            if (SCRATCH / c / "meta.json").exists():
                finish(by_id[c])
            continue
        if a.deadline and datetime.now(timezone.utc).strftime("%H:%M") >= a.deadline:
            print(f"deadline {a.deadline} reached, not starting {c}")
            break
        run(by_id[c])


if __name__ == "__main__":
    main()
