"""The hostile inputs of the hardening review, measured the way a server feels them.

Each input is built streaming into a scratch folder (nothing of its expanded size is ever in
memory here) and sent to a fresh service process of its own, in-process over the ASGI
interface, so its CPU seconds and peak RSS are that one request's:

- a 5 MB gzip event log that expands to 5 GB of empty lines,
- a 2 MB gzip event log that expands to one 2 GB line,
- a 10 KB zstd event log that expands to 300 MB of empty lines,
- a 57 KB zstd event log of 2,000 SQL queries with one 168 KB plan each (337 MB expanded):
  not hostile, but what a real log that repeats a plan looks like to a bomb check,
- a 19 MB paste of random printable characters (a real 19 MB log takes about 1 s).

``doctor bench --hostile`` prints one row per input: status, what the answer said, CPU
seconds, wall seconds and peak RSS.
"""

from __future__ import annotations

import json
import os
import random
import resource
import string
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


@dataclass(frozen=True)
class Hostile:
    name: str
    what: str
    build: Callable[[Path], Path]
    kind: str  # "event_log" or "paste"


def _gzip_of(path: Path, total: int, unit: bytes) -> Path:
    """A gzip file of ``unit`` repeated to ``total`` bytes, written chunk by chunk."""
    block = unit * (CHUNK // len(unit))
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    with path.open("wb") as out:
        left = total
        while left > 0:
            piece = block if left >= len(block) else block[:left]
            out.write(packer.compress(piece))
            left -= len(piece)
        out.write(packer.flush())
    return path


def _empty_lines(folder: Path) -> Path:
    return _gzip_of(folder / "empty-lines.gz", 5 << 30, b"\n")


def _one_line(folder: Path) -> Path:
    return _gzip_of(folder / "one-line.gz", 2 << 30, b"a")


def _zstd_empty_lines(folder: Path) -> Path:
    import zstandard

    path = folder / "empty-lines.zstd"
    with path.open("wb") as out:
        writer = zstandard.ZstdCompressor(level=3).stream_writer(out)
        for _ in range(300):
            writer.write(b"\n" * CHUNK)
        writer.flush(zstandard.FLUSH_FRAME)
    return path


def _repeated_plan(folder: Path) -> Path:
    """The events of a small application whose 2,000 queries each record the same large plan."""
    import zstandard

    plan = "Project [id#1L, concat(value#2, 'abcdefghijklmnopqrstuvwxyz0123456789') AS v#3]\n"
    plan = (plan + "+- Filter isnotnull(id#1L)\n   ") * 1500
    head = [
        {"Event": "SparkListenerLogStart", "Spark Version": "3.5.9"},
        {
            "Event": "SparkListenerApplicationStart",
            "App Name": "plans",
            "App ID": "local-1",
            "Timestamp": 1,
            "User": "u",
        },
    ]
    path = folder / "repeated-plan.zstd"
    with path.open("wb") as out:
        writer = zstandard.ZstdCompressor(level=3).stream_writer(out)
        for event in head:
            writer.write(json.dumps(event).encode() + b"\n")
        for query in range(2000):
            start = {
                "Event": "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart",
                "executionId": query,
                "description": "query",
                "details": "",
                "physicalPlanDescription": plan,
                "time": 2 + query,
                "sparkPlanInfo": {
                    "nodeName": "Project",
                    "simpleString": "Project",
                    "children": [],
                    "metadata": {},
                    "metrics": [],
                },
            }
            end = {
                "Event": "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd",
                "executionId": query,
                "time": 3 + query,
            }
            writer.write(json.dumps(start).encode() + b"\n" + json.dumps(end).encode() + b"\n")
        end_app = {"Event": "SparkListenerApplicationEnd", "Timestamp": 5000}
        writer.write(json.dumps(end_app).encode() + b"\n")
        writer.flush(zstandard.FLUSH_FRAME)
    return path


def _random_paste(folder: Path) -> Path:
    rng = random.Random(19)
    alphabet = string.ascii_letters + string.digits + string.punctuation + " "
    path = folder / "random.txt"
    with path.open("w", encoding="ascii") as out:
        for _ in range(19 * 1024 * 1024 // 100):
            out.write("".join(rng.choices(alphabet, k=99)) + "\n")
    return path


INPUTS = (
    Hostile(
        "empty-lines", "5 GB of empty lines in a 5 MB gzip event log", _empty_lines, "event_log"
    ),
    Hostile("one-line", "one 2 GB line in a 2 MB gzip event log", _one_line, "event_log"),
    Hostile(
        "zstd-empty-lines",
        "300 MB of empty lines in a 10 KB zstd event log",
        _zstd_empty_lines,
        "event_log",
    ),
    Hostile(
        "repeated-plan",
        "2,000 queries repeating one 168 KB plan: 337 MB in a 57 KB zstd event log (real shape)",
        _repeated_plan,
        "event_log",
    ),
    Hostile("random-paste", "19 MB paste of random printable characters", _random_paste, "paste"),
)


def measure_one(kind: str, path: Path) -> dict[str, object]:
    """Send one input to a service built in this process; what it cost this process."""
    from fastapi.testclient import TestClient

    from service.api.app import create_app
    from service.config import Settings

    with tempfile.TemporaryDirectory() as data:
        settings = Settings(data_dir=Path(data), environment="test")
        with TestClient(create_app(settings)) as client:
            client.post("/v1/diagnose", json={"text": "warm up"})
            before = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            if kind == "paste":
                body = json.dumps({"text": path.read_text(encoding="ascii")})
                response = client.post(
                    "/v1/diagnose", content=body, headers={"content-type": "application/json"}
                )
            else:
                with path.open("rb") as upload:
                    response = client.post(
                        "/v1/diagnose/event-log", files={"file": (path.name, upload)}
                    )
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_SELF)
    answer = response.json()
    said = answer.get("detail") or (answer.get("input") or {}).get("cut") or answer.get("summary")
    return {
        "status": response.status_code,
        "said": str(said or "")[:160],
        "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "wall_s": wall,
        "rss_before_mib": before.ru_maxrss / 1024,
        "peak_rss_mib": after.ru_maxrss / 1024,
    }


def hostile_table() -> list[str]:
    rows = [
        "| input | status | CPU s | wall s | RSS MiB before → peak | the answer said |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        for hostile in INPUTS:
            path = hostile.build(Path(scratch))
            done = subprocess.run(
                [sys.executable, "-m", "service.operations.hostile", hostile.kind, str(path)],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "HF_HUB_OFFLINE": "1"},
            )
            path.unlink()
            if done.returncode != 0:
                rows.append(f"| {hostile.what} | failed | | | | {done.stderr.strip()[-160:]} |")
                continue
            m = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(
                f"| {hostile.what} | {m['status']} | {m['cpu_s']:.2f} | {m['wall_s']:.2f} | "
                f"{m['rss_before_mib']:.0f} → {m['peak_rss_mib']:.0f} | "
                f"{str(m['said']).replace('|', '/')} |"
            )
    return rows


if __name__ == "__main__":
    print(json.dumps(measure_one(sys.argv[1], Path(sys.argv[2]))))  # noqa: T201
