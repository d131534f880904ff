#!/usr/bin/env python
"""Regenerate the Scala (spark-shell) and SQL (spark-sql) runs under tests/data/runs/.

    python tests/data/runs/gen_jvm.py                      # every run in RUNS, in order
    python tests/data/runs/gen_jvm.py collect_oom--scala--spark4--local ...   # chosen runs
    python tests/data/runs/gen_jvm.py --list               # print the run ids

Each run is one launcher from the pyspark wheel of the Spark version in use
(SPARK_HOME=<venv>/lib/python3.11/site-packages/pyspark):

    $SPARK_HOME/bin/spark-shell --master M --driver-memory 512m ... -i scala/<scenario>.scala   (stdin /dev/null)
    $SPARK_HOME/bin/spark-sql   --master M --driver-memory 512m ... -f sql/<scenario>.sql

with a hard timeout (the process group is killed), event logging on (compressed by Spark
with zstd, no rolling) and the console progress bar off. Raw output goes to
$DD_SCRATCH/<run-id>/raw.log (default /tmp/driver-doctor-runs-jvm); the run folder gets
driver.log.gz (trimmed with tests/data/spark/generate.py:trim, then gzip) and the event log
under the name Spark gave it. manifest-jvm.jsonl gets one line per run (replaced on re-run).
"""

import gzip
import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(HERE.parent / "spark"))
from generate import trim  # noqa: E402  (the same trim() as the earlier 15 runs)

SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-jvm"))
MANIFEST = HERE / "manifest-jvm.jsonl"
MAX_EVENTLOG = 3 * 1024 * 1024

VENVS = {"spark35": "/opt/venvs/spark35", "spark43": "/opt/venvs/spark4"}  # run-id tag -> venv
MASTERS = {"local": "local[*]", "cluster": "local-cluster[2,1,1024]"}

# Per-scenario settings: label (the cause id, verified in the logs), driver memory, timeout (s),
# extra --conf, extra env for the script, and a different GC if needed.
SCEN = {
    "collect_oom": dict(label="collect_to_driver", timeout=360),
    "take_large": dict(label="collect_to_driver", timeout=360),
    "max_result_size": dict(
        label="max_result_size", timeout=300, conf={"spark.driver.maxResultSize": "1m"}
    ),
    "broadcast_oom": dict(
        label="broadcast_too_large",
        timeout=360,
        conf={"spark.sql.autoBroadcastJoinThreshold": "2g", "spark.sql.adaptive.enabled": "false"},
    ),
    "too_many_tasks": dict(label="too_many_tasks", timeout=300),
    "large_closure": dict(label="large_closure", timeout=300),
    "listener_state": dict(label="driver_side_state", timeout=300),
    "accumulator_state": dict(label="driver_side_state", timeout=300),
    "cached_blocks": dict(
        label="cached_block_metadata",
        timeout=600,
        # With Serial GC (a first try) and Parallel GC the full heap thrashes for minutes without an
        # error; the spark35 run also lowered the GC overhead limits (defaults 98 / 2) so the JVM
        # would give up while thrashing: it did not either. Both runs were killed by the timeout.
        gc="-XX:+UseParallelGC -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=10",
        # Keep the UI's job/stage/task history small, so what piles up is the cached blocks.
        conf={
            "spark.ui.retainedJobs": "20",
            "spark.ui.retainedStages": "20",
            "spark.ui.retainedTasks": "2000",
        },
    ),
    "executor_oom": dict(label="not_driver_oom", timeout=600),
    "cached_blocks--scala--spark43--local": "did not reproduce a driver OOM: rounds of 50 chained cached "
    "RDDs x 2000 partitions reached 400000 cached blocks (round 4), then the driver spent most of its time in "
    "full GC (jstat: old gen full, ~40 full GCs in 4 min) without throwing until the 600 s timeout killed it; "
    "the log shows no error (run with -XX:+UseParallelGC and the default GC overhead limits)",
    "analysis_error": dict(label="not_driver_oom", timeout=240),
    "healthy": dict(label="not_driver_oom", timeout=240),
}

# Run order = priority order (the generator runs them one at a time).
RUNS = []


def _add(scenario, language, version, where, **over):
    RUNS.append(dict(scenario=scenario, language=language, version=version, where=where, **over))


for _v in ("spark43", "spark35"):
    for _s in (
        "collect_oom",
        "take_large",
        "max_result_size",
        "broadcast_oom",
        "too_many_tasks",
        "large_closure",
        "listener_state",
        "accumulator_state",
        "cached_blocks",
        "analysis_error",
        "healthy",
    ):
        _add(_s, "scala", _v, "local")
    for _s in (
        "collect_oom",
        "max_result_size",
        "broadcast_oom",
        "too_many_tasks",
        "analysis_error",
        "healthy",
    ):
        _add(_s, "sql", _v, "local")
for _v in ("spark43", "spark35"):
    for _s in ("executor_oom", "collect_oom", "healthy", "accumulator_state", "broadcast_oom"):
        _add(_s, "scala", _v, "cluster")
    for _s in ("collect_oom", "executor_oom"):
        _add(_s, "sql", _v, "cluster")

# Labels set by hand after reading a run's log, when what happened differs from the scenario's
# intended cause (run-id -> label), and notes prepended to the automatic outcome line.
# OUTCOME_NOTES keys are run ids or run-id prefixes (the longest matching key wins).
LABEL_OVERRIDES = {
    # No error in the log: the driver was thrashing in full GC when the timeout killed it.
    "cached_blocks--scala--spark43--local": "not_driver_oom",
    "cached_blocks--scala--spark35--local": "not_driver_oom",
}
OUTCOME_NOTES = {
    "collect_oom--scala": "the job's tasks finish, then the driver runs out of heap decoding the "
    "collected rows in Dataset.collect -> SparkPlan.executeCollect",
    "collect_oom--sql": "spark-sql collects the whole SELECT result in the driver to print it; the heap "
    "runs out in SparkPlan.executeCollect before anything is printed",
    "take_large--scala": "Dataset.take(600000) -> CollectLimitExec.executeCollect -> SparkPlan.executeTake "
    "fills the driver heap with decoded rows",
    "max_result_size": "no OOM: the job is aborted by the spark.driver.maxResultSize=1m check",
    "broadcast_oom": "the driver runs out of heap building the broadcast relation of the hinted 8M-row side",
    "broadcast_oom--scala--spark35": "the driver runs out of heap building the broadcast relation of the "
    "hinted 8M-row side; Spark 3.5 prints no OutOfMemoryError line, only SparkFatalException / Not enough "
    "memory to build and broadcast (QueryExecutionErrors.notEnoughMemoryToBuildAndBroadcastTableError)",
    "broadcast_oom--sql--spark35": "the driver runs out of heap building the broadcast relation of the "
    "BROADCAST-hinted 8M-row side; Spark 3.5 prints no OutOfMemoryError line, only SparkFatalException / Not "
    "enough memory to build and broadcast",
    "too_many_tasks--scala": "sc.parallelize(1 to 5000000, 5000000).count(): the driver runs out of heap "
    "creating the 5M partitions (ParallelCollectionRDD.getPartitions), before any job starts",
    "too_many_tasks--sql": "range(0, 5000000, 1, 5000000): the driver runs out of heap computing the 5M "
    "partitions (RDD.partitions) while planning the query",
    "large_closure--scala--spark43": "the map function captures a 200 MB byte array; the driver runs out of "
    "heap serializing the closure (SparkClosureCleaner.clean / SparkContext.clean), no job starts",
    "large_closure--scala--spark35": "the map function captures a 200 MB byte array; the driver runs out of "
    "heap serializing the closure (ClosureCleaner.ensureSerializable / ClosureCleaner.clean), no job starts",
    "listener_state--scala--spark43": "the AuditListener holds 8004 objects after job 2 (every TaskEnd + a 64 KB "
    "buffer each); in job 3 the shared driver heap is full and the OOM hits a task thread (local mode: tasks "
    "run in the driver JVM), SparkUncaughtExceptionHandler exits the JVM with code 52",
    "listener_state--scala--spark35": "the AuditListener holds 12006 objects after job 3 (every TaskEnd + a "
    "64 KB buffer each); job 4 fails in the DAGScheduler: task serialization (TorrentBroadcast.blockifyObject) "
    "runs out of heap",
    "accumulator_state": "a named CollectionAccumulator gets one 100-byte string per row (6M rows); the driver "
    "merges every task's list and the event-log listener writes them into the TaskEnd accumulables: the heap "
    "runs out in spark-listener-group-eventLog (EventLoggingListener.logEvent -> JsonProtocol), the SparkContext "
    "is stopped "
    "and job 0 cancelled",
    "executor_oom--scala": "groupByKey with one hot key: the reduce task on an executor (768m) runs out of "
    "heap, the executor JVM exits with code 52 (Spark's OOM exit code; its stderr ends while spilling), "
    "fetch failures and stage retries follow; the driver itself is fine",
    "executor_oom--sql": "collect_list over one hot key: the partial aggregation on the executors (768m) runs "
    "out of heap, executors exit with code 52, the job is aborted after 4 task failures; the driver is fine",
    "cached_blocks--scala--spark43--local": "did not reproduce a driver OOM: rounds of 50 chained cached "
    "RDDs x 2000 partitions reached 400000 cached blocks (round 4), then the driver spent most of its time in "
    "full GC (jstat: old gen full, ~40 full GCs in 4 min) without throwing until the 600 s timeout killed it; "
    "the log shows no error (run with -XX:+UseParallelGC and the default GC overhead limits)",
    "cached_blocks--scala--spark35--local": "did not reproduce a driver OOM: the (.inprogress) event log has 4 "
    "finished jobs of 2000 tasks and ~900 tasks of the 5th (~445000 cached blocks, 50 per task), then the "
    "driver spent most of its time in full GC (jstat: old gen full, 59 full GCs taking 213 s of the first "
    "330 s) without throwing, even with -XX:GCTimeLimit=50 -XX:GCHeapFreeLimit=10, until the 600 s timeout "
    "killed it; none of the loop's progress lines reached the log and it shows no error",
    "analysis_error": "not an OOM: AnalysisException UNRESOLVED_COLUMN at analysis time, no job runs",
    "healthy": "no failure",
}


def run_id(r):
    return f"{r['scenario']}--{r['language']}--{r['version']}--{r['where']}"


def spark_home(version):
    lib = Path(VENVS[version]) / "lib"
    return next(lib.glob("python3*/site-packages/pyspark"))


def spark_version(home):
    jar = next(home.glob("jars/spark-core_*.jar")).name  # spark-core_2.13-4.3.0.jar
    return re.search(r"-(\d+\.\d+\.\d+)\.jar$", jar).group(1)


KEY = re.compile(
    r"OutOfMemoryError|Exception|ERROR|Error:|Killed|exit code|exited|Lost executor|"
    r"Terminating|Aborted|killed|SQLSTATE|^\[[A-Z_]+(\.[A-Z_]+)*\] "
)
# Start-up warnings every run prints: not part of an outcome.
BENIGN = re.compile(
    r"WARN (ObjectStore|NativeCodeLoader|HiveConf|jline|Utils: (Your hostname|Set SPARK_LOCAL_IP"
    r"|Service 'SparkUI'))"
)
TS = re.compile(r"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d ")
STACK = re.compile(r"^\s+(at |\.\.\. \d+ more)")


def key_lines(lines, limit=5):
    """The first distinct error-ish lines (no stack frames), as printed (timestamps dropped)."""
    out, seen = [], set()
    for line in lines:
        if STACK.match(line) or not KEY.search(line) or BENIGN.search(line):
            continue
        body = TS.sub("", line).strip()
        if len(body) > 300:
            body = body[:300] + "..."
        shape = re.sub(r"\d+", "N", body)
        if shape in seen:
            continue
        seen.add(shape)
        out.append(body)
        if len(out) >= limit:
            break
    return out


def first_frame(lines, pattern=r"OutOfMemoryError|Exception"):
    """The first org.apache.spark stack frame after the first line matching pattern."""
    for i, line in enumerate(lines):
        if re.search(pattern, line) and not STACK.match(line):
            for nxt in lines[i + 1 : i + 40]:
                m = re.match(r"^\s+at (org\.apache\.spark\.\S+)", nxt)
                if m:
                    return m.group(1)
                if not STACK.match(nxt):
                    break
    return None


def eventlog_complete(path):
    """True if SparkListenerApplicationEnd is in the event log (zstd read as far as it goes)."""
    data = path.read_bytes()
    if path.name.replace(".inprogress", "").endswith(".zstd"):
        import zstandard

        buf = io.BytesIO()
        try:
            with zstandard.ZstdDecompressor().stream_reader(
                io.BytesIO(data), read_across_frames=True
            ) as rd:
                while True:
                    chunk = rd.read(1 << 16)
                    if not chunk:
                        break
                    buf.write(chunk)
        except zstandard.ZstdError:
            pass  # a driver killed mid-write leaves a truncated frame
        data = buf.getvalue()
    return b'"Event":"SparkListenerApplicationEnd"' in data


def save_executor_logs(home, lines, work):
    """Move this app's executor stderr/stdout (local-cluster: $SPARK_HOME/work/<app-id>) to the scratch dir."""
    apps = set(re.findall(r"\bapp-\d{14}-\d{4}\b", "\n".join(lines)))
    for app in sorted(apps):
        d = home / "work" / app
        if d.is_dir():
            shutil.copytree(d, work / "executors" / app, dirs_exist_ok=True)
            shutil.rmtree(d, ignore_errors=True)


def executor_notes(work, driver_text=""):
    notes = []
    for err in sorted((work / "executors").glob("*/*/stderr"), key=lambda p: int(p.parent.name)):
        el = err.read_text(errors="replace").splitlines()
        oom = [l for l in el if "OutOfMemoryError" in l and not STACK.match(l)]
        # Every executor gets SIGTERM when the app stops: not worth a note.
        el = [l for l in el if "RECEIVED SIGNAL TERM" not in l]
        ks = key_lines(oom, 2) + [k for k in key_lines(el, 3) if "OutOfMemoryError" not in k]
        if ks:
            notes.append(f"executor {err.parent.name} stderr: " + " / ".join(ks[:3]))
        elif el and re.search(rf"Lost executor {err.parent.name}\b", driver_text):
            last = TS.sub("", el[-1]).strip()[:200]
            notes.append(f"executor {err.parent.name} stderr: no error lines, last line: {last}")
    return notes


def run(r):
    rid = run_id(r)
    cfg = SCEN[r["scenario"]]
    home = spark_home(r["version"])
    work = SCRATCH / rid
    shutil.rmtree(work, ignore_errors=True)
    evdir = work / "events"
    evdir.mkdir(parents=True)
    mem = cfg.get("mem", "512m")
    master = MASTERS[r["where"]]
    conf = {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": evdir.as_uri(),
        "spark.eventLog.compress": "true",
        "spark.eventLog.compression.codec": "zstd",
        "spark.eventLog.rolling.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }
    if r["where"] == "cluster":
        conf["spark.executor.memory"] = "768m"
    conf.update(cfg.get("conf", {}))
    launcher = "spark-shell" if r["language"] == "scala" else "spark-sql"
    cmd = [
        str(home / "bin" / launcher),
        "--master",
        master,
        "--driver-memory",
        mem,
        "--driver-java-options",
        cfg.get("gc", "-XX:+UseSerialGC"),
    ]
    for k, v in conf.items():
        cmd += ["--conf", f"{k}={v}"]
    script = HERE / r["language"] / f"{r['scenario']}.{r['language']}"
    cmd += ["-i" if r["language"] == "scala" else "-f", str(script)]
    env = dict(os.environ, SPARK_HOME=str(home), **cfg.get("env", {}))
    env["PATH"] = f"{VENVS[r['version']]}/bin:" + env["PATH"]
    raw = work / "raw.log"
    print(f"[{rid}] start {time.strftime('%H:%M:%S')}", flush=True)
    t0 = time.time()
    with open(raw, "wb") as out, open(os.devnull, "rb") as devnull:
        out.write(("$ " + shlex.join(cmd) + "\n").encode())
        out.flush()
        proc = subprocess.Popen(
            cmd,
            stdin=devnull,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=work,
            start_new_session=True,
        )
        try:
            rc = proc.wait(timeout=cfg["timeout"])
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            rc = "timeout"
    secs = round(time.time() - t0, 1)
    meta = dict(
        rc=rc,
        seconds=secs,
        command=shlex.join(cmd),
        master=master,
        mem=mem,
        timeout=cfg["timeout"],
        spark_version=spark_version(home),
    )
    (work / "meta.json").write_text(json.dumps(meta))
    lines = raw.read_text(errors="replace").splitlines()[1:]
    if r["where"] == "cluster":
        save_executor_logs(home, lines, work)
    print(f"[{rid}] rc={rc} in {secs:.0f}s, {len(lines)} raw lines", flush=True)
    return finish(r)


def finish(r):
    """Build the run folder and its manifest line from the scratch dir of a finished run."""
    rid = run_id(r)
    cfg = SCEN[r["scenario"]]
    work = SCRATCH / rid
    meta = json.loads((work / "meta.json").read_text())
    rc = meta["rc"]
    lines = (work / "raw.log").read_text(errors="replace").splitlines()[1:]
    dest = HERE / rid
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir()
    text = trim(lines)
    with gzip.open(dest / "driver.log.gz", "wb") as gz:
        gz.write(text.encode())

    notes = []
    event_log, complete = None, False
    files = sorted(p for p in (work / "events").iterdir() if p.is_file())
    if files:
        ev = files[0]
        complete = eventlog_complete(ev)
        size = ev.stat().st_size
        if size > MAX_EVENTLOG:
            notes.append(f"event log {ev.name} dropped ({size / 1e6:.1f} MB compressed, over 3 MB)")
        else:
            shutil.copyfile(ev, dest / ev.name)
            event_log = f"tests/data/runs/{rid}/{ev.name}"
    else:
        notes.append("no event log written")

    ks = key_lines(lines)
    status = (
        f"killed by the {meta.get('timeout', cfg['timeout'])} s timeout"
        if rc == "timeout"
        else f"exit code {rc}"
    )
    if ks:
        outcome = f"{status}; " + " / ".join(ks)
        frame = first_frame(lines, r"OutOfMemoryError") or first_frame(lines)
        if frame:
            outcome += f" (first Spark frame: at {frame})"
    else:
        outcome = f"{status}; no failure (no error lines in the driver log)"
    label = LABEL_OVERRIDES.get(rid, cfg["label"])
    if not ks and rc == 0 and rid not in LABEL_OVERRIDES:
        label = "not_driver_oom"
    keys = [k for k in OUTCOME_NOTES if rid.startswith(k)]
    parts = [OUTCOME_NOTES[max(keys, key=len)]] if keys else []
    if r["language"] == "scala" and rc == 0 and ks:
        parts.append(
            "spark-shell printed the error, went on with the script and exited 0 at end of input"
        )
    parts += [outcome] + executor_notes(work, "\n".join(lines)) + notes
    rec = {
        "id": rid,
        "scenario": r["scenario"],
        "label": label,
        "spark_version": meta["spark_version"],
        "master": meta["master"],
        "language": r["language"],
        "driver_memory": meta["mem"],
        "command": meta["command"],
        "outcome": " | ".join(parts),
        "log": f"tests/data/runs/{rid}/driver.log.gz",
        "event_log": event_log,
        "event_log_complete": complete,
        "seconds": meta["seconds"],
    }
    write_manifest(rec)
    print(
        f"[{rid}] label={label} eventlog={event_log} complete={complete}\n  {rec['outcome'][:600]}",
        flush=True,
    )
    return rec


def write_manifest(rec):
    rows = []
    if MANIFEST.exists():
        rows = [json.loads(l) for l in MANIFEST.read_text().splitlines() if l.strip()]
    rows = [x for x in rows if x["id"] != rec["id"]] + [rec]
    order = {run_id(r): i for i, r in enumerate(RUNS)}
    rows.sort(key=lambda x: order.get(x["id"], len(order)))
    MANIFEST.write_text("".join(json.dumps(x) + "\n" for x in rows))


def main(argv):
    if argv == ["--list"]:
        print("\n".join(run_id(r) for r in RUNS))
        return
    by_id = {run_id(r): r for r in RUNS}
    chosen = argv or list(by_id)
    bad = [c for c in chosen if c not in by_id and c not in ("--finish", "--table")]
    if bad:
        sys.exit(f"unknown run(s) {bad}; see --list")
    stop = os.environ.get("DD_STOP_AT")  # e.g. 21:20 (UTC): start no run after that
    if chosen and chosen[0] == "--table":  # markdown rows for README.md from the manifest
        for l in MANIFEST.read_text().splitlines():
            x = json.loads(l)
            ev = (
                "no event log"
                if not x["event_log"]
                else ("yes" if x["event_log_complete"] else "**no**")
            )
            out = x["outcome"].replace("|", "\\|")
            print(f"| `{x['id']}` | {x['label']} | {x['seconds']:.0f} | {ev} | {out} |")
        return
    if chosen and chosen[0] == "--finish":  # rebuild folders + manifest from the scratch dir
        for r in RUNS:
            if (SCRATCH / run_id(r) / "meta.json").exists():
                finish(r)
        return
    for c in chosen:
        if stop and time.strftime("%H:%M", time.gmtime()) >= stop:
            print(f"{stop} reached, not starting {c}")
            break
        run(by_id[c])


if __name__ == "__main__":
    main(sys.argv[1:])
