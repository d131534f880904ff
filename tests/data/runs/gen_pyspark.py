#!/usr/bin/env python
"""Run the PySpark part of the real Spark run matrix under tests/data/runs/.

    python tests/data/runs/gen_pyspark.py [--versions 35,4] [--masters local,cluster]
                                          [--deadline HH:MM] [scenario ...]

Each (scenario, Spark version, master) is one ``spark-submit`` of scenarios_pyspark.py
from the venv of that version (/opt/venvs/spark35: pyspark 3.5.*, /opt/venvs/spark4:
pyspark 4.3.0; override with DD_VENV_35 / DD_VENV_4), with a hard timeout (the whole
process group is killed), a small driver and a zstd-compressed, non-rolling event log.
Raw output goes to $DD_SCRATCH (default /tmp/driver-doctor-runs-pyspark/<run-id>/raw.log).
Each run gets tests/data/runs/<run-id>/driver.log.gz (trimmed with the trim() of
tests/data/spark/generate.py) and the event log under its Spark name, and its line in
manifest-pyspark.jsonl is replaced (lines of runs not redone are kept).

The label written for a run is the scenario's label only when the scenario's `expect`
pattern is found in the raw driver log; otherwise the run is flagged UNVERIFIED on
stdout and labelled from `fallback` (not_driver_oom: it did not fail that way).
`outcome` is built from the first key lines of the log; check it by reading the log.
"""

import argparse
import gzip
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(HERE.parent / "spark"))
from generate import trim  # noqa: E402  (the same trimming as tests/data/spark/)

MANIFEST = HERE / "manifest-pyspark.jsonl"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-runs-pyspark"))
VENVS = {
    "35": Path(os.environ.get("DD_VENV_35", "/opt/venvs/spark35")),
    "4": Path(os.environ.get("DD_VENV_4", "/opt/venvs/spark4")),
}
MASTERS = {"local": "local[*]", "cluster": "local-cluster[2,1,1024]"}
MAX_EVENTLOG = 3 * 1024 * 1024
AFTER_OOM = 60  # seconds a driver may go on after its first OutOfMemoryError line

OOM = r"java\.lang\.OutOfMemoryError"
# name -> settings. label: cause id when `expect` matches the raw driver log.
SCENARIOS = {
    "collect_oom": dict(label="collect_to_driver", expect=OOM, timeout=240),
    "take_large": dict(label="collect_to_driver", expect=OOM, timeout=240),
    # Under heap pressure the result deserializer sometimes fails without an OOM line:
    # "Exception while getting task result: java.lang.IllegalStateException: unread block data".
    "collect_oom_results": dict(
        label="collect_to_driver",
        expect=OOM + "|Exception while getting task result",
        timeout=240,
    ),
    "max_result_size": dict(
        label="max_result_size",
        expect=r"bigger than spark\.driver\.maxResultSize",
        conf={"spark.driver.maxResultSize": "1m"},
    ),
    "topandas_memoryerror": dict(label="python_driver_oom", expect=r"^MemoryError", mem="1g"),
    "broadcast_oom": dict(
        label="broadcast_too_large",
        expect=OOM + "|Not enough memory to build and broadcast",
        timeout=240,
        conf={"spark.sql.autoBroadcastJoinThreshold": "2g", "spark.sql.adaptive.enabled": "false"},
    ),
    "too_many_tasks": dict(
        label="too_many_tasks", expect=OOM, timeout=200, env={"DD_PARTS": "5000000"}
    ),
    "large_task": dict(label="large_closure", expect=OOM, timeout=150),
    "large_closure": dict(
        label="large_closure",
        expect=OOM,
        conf={"spark.broadcast.UDFCompressionThreshold": "1g"},
    ),
    "accumulator_state": dict(label="driver_side_state", expect=r"MemoryError", timeout=240),
    "driver_loop_state": dict(label="driver_side_state", expect=r"^MemoryError", timeout=240),
    # Could not be made to fail in the time a test run has (~100 cached blocks/s here,
    # a 512m driver needs hundreds of thousands): one honest run, Spark 4, local.
    "cached_blocks": dict(
        label="cached_block_metadata",
        expect=OOM,
        timeout=240,
        versions=["4"],
        masters=["local"],
        env={"DD_DFS": "8", "DD_PARTS": "1000"},
    ),
    "memory_sink_stream": dict(label="streaming_state", expect=OOM, timeout=400),
    "executor_oom": dict(
        label="not_driver_oom",
        expect=r"exited caused by one of the running tasks|Lost executor|ExecutorLostFailure",
        masters=["cluster"],
        timeout=360,
        # The driver log reports the executors' OutOfMemoryErrors; the driver itself is
        # fine and goes on retrying, so no early kill after an OOM line here.
        after_oom=None,
    ),
    "python_worker_oom": dict(
        label="not_driver_oom",
        expect=r"MemoryError",
        masters=["cluster"],
        conf={"spark.executor.pyspark.memory": "300m"},
    ),
    "udf_error": dict(label="not_driver_oom", expect=r"ValueError: could not parse amount"),
    "analysis_error": dict(label="not_driver_oom", expect=r"UNRESOLVED_COLUMN|cannot be resolved"),
    "driver_memory_too_small": dict(
        label="not_driver_oom", expect=r"must be at least 471859200", mem="256m"
    ),
    "healthy": dict(label="not_driver_oom", expect=r"^users 1000$"),
    "healthy_join": dict(label="not_driver_oom", expect=r"^orders 200000$"),
}

KEYLINE = re.compile(
    r"OutOfMemoryError|MemoryError|maxResultSize|Not enough memory|SparkException|"
    r"Py4JJavaError|Py4JError|PythonException|AnalysisException|ValueError|"
    r"ERROR |Exception in thread|Lost executor|ExecutorLost|removed: |exit code|"
    r"must be at least|Terminating|StreamingQueryException|Traceback"
)
# Lines the scenario bodies print themselves (scenarios_pyspark._log).
PRINTED = re.compile(
    r"^(collected|took|pandas rows|joined rows|count|sum|rows|iteration|done,|cached|batch|sizes|"
    r"buffered|users|orders|\[Row|python VmSize)\b"
)
TS = re.compile(r"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d |^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[,.]\d+ ")


def spark_version(v):
    out = subprocess.run(
        [str(VENVS[v] / "bin/python"), "-c", "import pyspark; print(pyspark.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def run_id(name, full_version, master):
    major, minor = full_version.split(".")[:2]
    return f"{name}--pyspark--spark{major}{minor}--{master}"


def run(name, v, master, full_version):
    cfg = SCENARIOS[name]
    rid = run_id(name, full_version, master)
    venv = VENVS[v]
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
    cmd = [
        str(venv / "bin/spark-submit"),
        "--master",
        MASTERS[master],
        "--driver-memory",
        mem,
        "--driver-java-options",
        cfg.get("gc", "-XX:+UseSerialGC"),
    ]
    for k, val in conf.items():
        cmd += ["--conf", f"{k}={val}"]
    cmd += [str(HERE / "scenarios_pyspark.py"), name]
    env = dict(os.environ, **cfg.get("env", {}))
    env.update(
        SPARK_HOME=str(spark_home),
        PYSPARK_PYTHON=str(venv / "bin/python"),
        PYSPARK_DRIVER_PYTHON=str(venv / "bin/python"),
        PATH=f"{venv / 'bin'}:{os.environ['PATH']}",
    )
    env.pop("PYTHONPATH", None)
    shutil.rmtree(spark_home / "work", ignore_errors=True)  # local-cluster executor dirs
    raw = work / "raw.log"
    t0 = time.time()
    with open(raw, "wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=work, start_new_session=True
        )
        rc = _wait(proc, raw, cfg.get("timeout", 180), cfg.get("after_oom", AFTER_OOM))
    # Anything the driver left behind in its process group (executors, workers, daemons).
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    secs = round(time.time() - t0, 1)
    if (spark_home / "work").exists():
        shutil.copytree(spark_home / "work", work / "executor-work", dirs_exist_ok=True)
        shutil.rmtree(spark_home / "work", ignore_errors=True)
    text = raw.read_text(errors="replace")
    lines = text.splitlines()
    print(f"[{rid}] rc={rc} in {secs:.0f}s, raw log {raw.stat().st_size} bytes", flush=True)

    dest = HERE / rid
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir()
    with gzip.open(dest / "driver.log.gz", "wb") as gz:
        gz.write(trim(lines).encode())

    ev_rel, ev_complete, ev_note = None, False, None
    files = sorted(p for p in evdir.iterdir() if p.is_file())
    if files:
        ev = files[0]
        ev_complete = _eventlog_complete(ev, venv)
        size = ev.stat().st_size
        if size > MAX_EVENTLOG:
            ev_note = f"event log {ev.name} dropped: {size} bytes compressed (> 3 MB)"
        else:
            shutil.copyfile(ev, dest / ev.name)
            ev_rel = f"tests/data/runs/{rid}/{ev.name}"

    ok = re.search(cfg["expect"], text, re.M) is not None
    label = cfg["label"] if ok else cfg.get("fallback", "not_driver_oom")
    if not ok:
        print(f"[{rid}] UNVERIFIED: /{cfg['expect']}/ not in the log; labelled {label}")
    row = {
        "id": rid,
        "scenario": name,
        "label": label,
        "spark_version": full_version,
        "master": MASTERS[master],
        "language": "pyspark",
        "driver_memory": mem,
        "command": shlex.join(cmd),
        "outcome": outcome(lines, rc, secs, work),
        "log": f"tests/data/runs/{rid}/driver.log.gz",
        "event_log": ev_rel,
        "event_log_complete": ev_complete,
        "seconds": secs,
    }
    if ev_note:
        row["event_log_note"] = ev_note
    row["verified"] = ok
    return row


def _wait(proc, raw, timeout, after_oom):
    """Wait for the driver; kill its process group at the timeout, or AFTER_OOM seconds
    after the first java.lang.OutOfMemoryError line if the driver is still alive then
    (a driver JVM that hit an OOM in a non-fatal thread often hangs instead of exiting)."""
    t0, pos, oom_at = time.time(), 0, None
    while True:
        try:
            return proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        now = time.time()
        if oom_at is None and after_oom is not None:
            with open(raw, "rb") as fh:
                fh.seek(max(0, pos - 64))
                chunk = fh.read()
                pos += len(chunk) - min(pos, 64)
            if b"java.lang.OutOfMemoryError" in chunk:
                oom_at = now
        if now - t0 > timeout or (oom_at is not None and now - oom_at > after_oom):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return "timeout" if now - t0 > timeout else "killed-after-oom"


def _eventlog_complete(path, venv):
    """Whether the zstd event log holds SparkListenerApplicationEnd (decoded with zstd-jni's
    CLI-free path: the `zstd` tool if present, else Python's zstandard if installed)."""
    data = None
    if shutil.which("zstd"):
        p = subprocess.run(["zstd", "-dc", str(path)], capture_output=True)
        data = p.stdout
    else:
        try:
            import zstandard

            with open(path, "rb") as fh:
                data = zstandard.ZstdDecompressor().stream_reader(fh).read()
        except Exception:  # noqa: BLE001
            data = b""
    return b'"Event":"SparkListenerApplicationEnd"' in (data or b"")


def outcome(lines, rc, secs, work):
    """One line: exit status and the first distinct key lines as printed."""
    picked, seen = [], set()
    for line in lines:
        if not KEYLINE.search(line):
            continue
        body = TS.sub("", line).strip()
        shape = re.sub(r"\d+", "N", body)[:120]
        if shape in seen or body.startswith("at ") or len(body) < 8 or body.startswith("Traceback"):
            continue
        seen.add(shape)
        picked.append(body[:300])
        if len(picked) >= 6:
            break
    status = {
        "timeout": "hung, killed by the timeout",
        "killed-after-oom": f"still running {AFTER_OOM} s after the first OutOfMemoryError, killed",
    }.get(rc, f"exit code {rc}")
    ex = []
    for p in (
        sorted((work / "executor-work").glob("*/*/stderr"))
        if (work / "executor-work").exists()
        else []
    ):
        for line in p.read_text(errors="replace").splitlines():
            if re.search(r"OutOfMemoryError|MemoryError|SIGTERM|exit", line) and len(ex) < 2:
                ex.append(f"executor {p.parent.name}: " + TS.sub("", line).strip()[:200])
    if rc == 0 and not picked:
        picked.append("no failure")
    printed = [l.strip() for l in lines if PRINTED.match(l)]
    if printed:
        picked.append("printed: " + " | ".join(printed[-2:])[:300])
    s = f"{status} after {secs:.0f} s; " + (" / ".join(picked) if picked else "no error lines")
    if ex:
        s += "; executor stderr: " + " / ".join(ex)
    return s


def write_manifest(rows):
    old = []
    if MANIFEST.exists():
        old = [json.loads(x) for x in MANIFEST.read_text().splitlines() if x.strip()]
    by_id = {r["id"]: r for r in old}
    for r in rows:
        by_id[r["id"]] = r
    order = {n: i for i, n in enumerate(SCENARIOS)}
    out = sorted(
        by_id.values(),
        key=lambda r: (order.get(r["scenario"], 99), r["spark_version"], r["master"]),
    )
    MANIFEST.write_text("".join(json.dumps(r) + "\n" for r in out))


def refresh():
    """Recompute label and outcome of every manifest row from its raw log in SCRATCH
    (exit status and seconds are kept), e.g. after changing an `expect` pattern."""
    rows = [json.loads(x) for x in MANIFEST.read_text().splitlines() if x.strip()]
    for r in rows:
        raw = SCRATCH / r["id"] / "raw.log"
        cfg = SCENARIOS.get(r["scenario"])
        if not raw.exists() or cfg is None:
            continue
        text = raw.read_text(errors="replace")
        ok = re.search(cfg["expect"], text, re.M) is not None
        r["label"] = cfg["label"] if ok else cfg.get("fallback", "not_driver_oom")
        r["verified"] = ok
        m = re.match(r"(exit code (\S+)|.*?killed)", r["outcome"])
        rc = (
            m.group(2)
            if m and m.group(2)
            else ("timeout" if "timeout" in r["outcome"].split(";")[0] else "killed-after-oom")
        )
        rc = int(rc) if re.fullmatch(r"-?\d+", str(rc)) else rc
        r["outcome"] = outcome(text.splitlines(), rc, r["seconds"], SCRATCH / r["id"])
    write_manifest(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--versions", default="4,35")
    ap.add_argument("--masters", default="local,cluster")
    ap.add_argument(
        "--order", default="", help="version:master pairs in run order, e.g. 4:local,35:cluster"
    )
    ap.add_argument("--deadline", help="HH:MM UTC: start no run after this")
    ap.add_argument("--skip", default="", help="comma-separated run ids not to redo")
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--refresh", action="store_true", help="only recompute labels/outcomes")
    a = ap.parse_args()
    if a.refresh:
        return refresh()
    names = a.scenarios or list(SCENARIOS)
    bad = [n for n in names if n not in SCENARIOS]
    if bad:
        sys.exit(f"unknown scenario(s) {bad}; known: {list(SCENARIOS)}")
    versions = a.versions.split(",")
    a.skip = set(filter(None, a.skip.split(",")))
    full = {
        v: spark_version(v)
        for v in set(versions) | {p.split(":")[0] for p in a.order.split(",") if p}
    }
    pairs = (
        [tuple(x.split(":")) for x in a.order.split(",")]
        if a.order
        else [(v, m) for v in versions for m in a.masters.split(",")]
    )
    for v, m in pairs:
        if True:
            for name in names:
                if m not in SCENARIOS[name].get("masters", ["local", "cluster"]):
                    continue
                if v not in SCENARIOS[name].get("versions", ["4", "35"]):
                    continue
                if run_id(name, full[v], m) in a.skip:
                    continue
                if a.deadline:
                    now = datetime.now(timezone.utc).strftime("%H:%M")
                    if now >= a.deadline:
                        print(f"deadline {a.deadline} reached, stopping")
                        return
                row = run(name, v, m, full[v])
                write_manifest([row])


if __name__ == "__main__":
    main()
