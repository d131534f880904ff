#!/usr/bin/env python
"""Regenerate the real Spark driver logs and event logs under tests/data/spark/.

    python tests/data/spark/generate.py [scenario ...]

Each scenario (bodies in scenarios.py) runs as its own ``spark-submit`` in local
mode with a small driver, a hard timeout and event logging on. The raw
stdout+stderr go to a scratch dir (DD_SCRATCH, default /tmp/driver-doctor-spark);
a trimmed copy goes to logs/<scenario>.log, the event log to
eventlogs/<scenario>[.zstd], and cases.jsonl is rebuilt from all logs present.
Needs pyspark (spark-submit on PATH), Java 17 and pandas (for toPandas).
"""

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOGS = HERE / "logs"
EVENTLOGS = HERE / "eventlogs"
SCRATCH = Path(os.environ.get("DD_SCRATCH", "/tmp/driver-doctor-spark"))

# name -> settings. label is the cause id written to cases.jsonl (None: no case line).
SCENARIOS = {
    "collect_oom": dict(label="collect_to_driver", mem="512m", timeout=420),
    "collect_oom_fatal": dict(
        label="collect_to_driver", mem="512m", timeout=420, java_opts="-XX:+ExitOnOutOfMemoryError"
    ),
    "collect_oom_results": dict(label="collect_to_driver", mem="512m", timeout=420),
    "max_result_size": dict(
        label="max_result_size", mem="512m", timeout=300, conf={"spark.driver.maxResultSize": "1m"}
    ),
    "broadcast_oom": dict(
        label="broadcast_too_large",
        mem="512m",
        timeout=420,
        conf={"spark.sql.autoBroadcastJoinThreshold": "2g", "spark.sql.adaptive.enabled": "false"},
    ),
    "topandas_memoryerror": dict(label="python_driver_oom", mem="1g", timeout=300),
    "not_driver_oom_udf": dict(label="not_driver_oom", mem="512m", timeout=300),
    "not_driver_oom_analysis": dict(label="not_driver_oom", mem="512m", timeout=300),
    "too_many_tasks": dict(
        label="too_many_tasks", mem="512m", timeout=300, env={"DD_PARTS": "5000000"}
    ),
    "too_many_tasks_stage": dict(
        label="too_many_tasks",
        mem="512m",
        timeout=360,
        env={"DD_PARTS": "2500000"},
        # Parallel GC gives up quickly (GC overhead limit); Serial GC can thrash for minutes.
        gc="-XX:+UseParallelGC",
    ),
    # 256m is below Spark's 450 MiB minimum: the driver refuses to start at all.
    "driver_memory_too_small": dict(label="not_driver_oom", mem="256m", timeout=300),
    "large_closure": dict(
        label="large_closure",
        mem="512m",
        timeout=300,
        conf={"spark.broadcast.UDFCompressionThreshold": "1g"},
    ),
    "large_task": dict(label="large_closure", mem="512m", timeout=150),
    "cached_many": dict(label="not_driver_oom", mem="512m", timeout=300),
    "healthy": dict(label="not_driver_oom", mem="512m", timeout=300),
    # Same body as healthy, event log compressed with Spark's default codec (zstd).
    "healthy_zstd": dict(
        label=None, mem="512m", timeout=300, compress=True, eventlog_name="healthy"
    ),
    # The same body again with each of Spark's other event log codecs.
    **{
        f"healthy_{codec}": dict(
            label=None,
            mem="512m",
            timeout=300,
            compress=True,
            eventlog_name="healthy",
            conf={"spark.eventLog.compression.codec": codec},
        )
        for codec in ("lz4", "lzf", "snappy")
    },
    # A successful broadcast join whose plans carry the build side's size estimate.
    "broadcast_join": dict(
        label=None, mem="1g", timeout=300, conf={"spark.sql.ui.explainMode": "cost"}
    ),
    # 4000 tasks write over 10 MiB of events: a rolling event log of two or more files
    # (eventlogs/rolling_many_tasks/ is the eventlog_v2_<app> directory as Spark wrote it).
    "rolling_many_tasks": dict(
        label=None,
        mem="512m",
        timeout=300,
        compress=True,
        conf={
            "spark.eventLog.rolling.enabled": "true",
            "spark.eventLog.rolling.maxFileSize": "10m",
        },
    ),
}
# A gzip copy of these event logs is written as eventlogs/<name>.gz.
GZIP_COPIES = ["collect_oom_fatal"]

HEAD, TAIL, BEFORE, AFTER = 60, 80, 3, 30
MAX_LOG_BYTES = 200_000
KEY = re.compile(
    r"ERROR|WARN|Exception|OutOfMemoryError|MemoryError|Traceback|Error:|Killed|exit code"
)
TS = re.compile(r"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d ")


def run(name):
    cfg = SCENARIOS[name]
    work = SCRATCH / name
    shutil.rmtree(work, ignore_errors=True)
    evdir = work / "events"
    evdir.mkdir(parents=True)
    conf = {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": evdir.as_uri(),
        "spark.eventLog.rolling.enabled": "false",
        "spark.eventLog.compress": "true" if cfg.get("compress") else "false",
        "spark.ui.showConsoleProgress": "false",
    }
    conf.update(cfg.get("conf", {}))
    cmd = [
        "spark-submit",
        "--master",
        "local[2]",
        "--driver-memory",
        cfg["mem"],
        "--driver-java-options",
        " ".join([cfg.get("gc", "-XX:+UseSerialGC"), cfg.get("java_opts", "")]).strip(),
    ]
    for k, v in conf.items():
        cmd += ["--conf", f"{k}={v}"]
    cmd += [str(HERE / "scenarios.py"), name]
    env = dict(os.environ, **cfg.get("env", {}))
    raw = work / "raw.log"
    t0 = time.time()
    with open(raw, "wb") as out:
        out.write(("$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=work, start_new_session=True
        )
        try:
            rc = proc.wait(timeout=cfg["timeout"])
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            rc = "timeout"
    secs = time.time() - t0
    print(f"[{name}] rc={rc} in {secs:.0f}s, raw log {raw.stat().st_size} bytes", flush=True)

    lines = raw.read_text(errors="replace").splitlines()[1:]  # drop our own command line
    if cfg.get("label") is not None:
        LOGS.mkdir(exist_ok=True)
        text = trim(lines)
        (LOGS / f"{name}.log").write_text(text)
        print(f"[{name}] trimmed log {len(text.encode())} bytes ({len(lines)} raw lines)")

    rolling = [p for p in evdir.iterdir() if p.is_dir()]
    if rolling:
        dest = EVENTLOGS / cfg.get("eventlog_name", name)
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(rolling[0], dest)
        print(f"[{name}] rolling event log {rolling[0].name} -> {dest.name}/")
    files = [p for p in evdir.iterdir() if p.is_file()]
    if files:
        ev = files[0]
        base = cfg.get("eventlog_name", name)
        suffix = "".join(s for s in ev.suffixes if s != ".inprogress")
        EVENTLOGS.mkdir(exist_ok=True)
        for old in EVENTLOGS.glob(base + ".*"):
            if old.suffix == suffix or (not suffix and old.suffix == ".gz"):
                old.unlink()
        dest = EVENTLOGS / (base + suffix)
        shutil.copyfile(ev, dest)
        print(f"[{name}] event log {ev.name} -> {dest.name} {dest.stat().st_size} bytes")
        if base in GZIP_COPIES and not suffix:
            with open(dest, "rb") as src, gzip.open(str(dest) + ".gz", "wb") as gz:
                shutil.copyfileobj(src, gz)
    return rc


def trim(lines):
    """Keep head, tail and context around errors/warnings; collapse repeated lines."""
    n = len(lines)
    keep = set(range(min(HEAD, n))) | set(range(max(0, n - TAIL), n))
    before, after = BEFORE, AFTER
    while True:
        k = set(keep)
        for i, line in enumerate(lines):
            if KEY.search(line):
                k.update(range(max(0, i - before), min(n, i + after + 1)))
        text = _render(lines, k)
        if len(text.encode()) < MAX_LOG_BYTES or after == 0:
            return text
        before, after = max(0, before - 1), after // 2


def _render(lines, keep):
    out, gap, prev, reps = [], 0, None, 0
    seen_msgs = {}
    for i, line in enumerate(lines):
        if i not in keep:
            gap += 1
            continue
        body = TS.sub("", line)
        # Log lines repeated many times (e.g. one per task) are kept only a few times.
        if TS.match(line):
            shape = re.sub(r"\d+(\.\d+)?", "N", body)
            seen_msgs[shape] = seen_msgs.get(shape, 0) + 1
            if seen_msgs[shape] > 5:
                gap += 1
                continue
        if body == prev:
            reps += 1
            continue
        if reps:
            out.append(f"... [previous line repeated {reps} more times] ...")
            reps = 0
        if gap:
            out.append(f"... [{gap} lines trimmed] ...")
            gap = 0
        out.append(line)
        prev = body
    if reps:
        out.append(f"... [previous line repeated {reps} more times] ...")
    if gap:
        out.append(f"... [{gap} lines trimmed] ...")
    return "\n".join(out) + "\n"


def write_cases():
    rows = []
    for name, cfg in SCENARIOS.items():
        p = LOGS / f"{name}.log"
        if cfg.get("label") and p.exists():
            rows.append(
                {
                    "id": f"spark-{name.replace('_', '-')}",
                    "kind": "log",
                    "label": cfg["label"],
                    "text": p.read_text(),
                }
            )
    with open(HERE / "cases.jsonl", "w") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    print(f"cases.jsonl: {len(rows)} cases")


def main(argv):
    names = argv or list(SCENARIOS)
    bad = [n for n in names if n not in SCENARIOS]
    if bad:
        sys.exit(f"unknown scenario(s) {bad}; known: {list(SCENARIOS)}")
    for name in names:
        run(name)
    write_cases()


if __name__ == "__main__":
    main(sys.argv[1:])
