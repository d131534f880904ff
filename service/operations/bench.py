"""``doctor bench``: latency, throughput, memory and accuracy figures (run by hand, not in CI).

Everything runs on this machine: the engine in-process, then the real service started as a
subprocess on a loopback port and driven over HTTP by a bounded load generator.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

from index import OnnxEmbedder
from service.config import Settings
from service.engine import Engine
from service.engine.walk import Walker
from service.evaluation import evaluate, read_cases
from service.runtime import build_engine

REPO = Path(__file__).resolve().parents[2]
SPARK_LOGS = REPO / "tests" / "data" / "spark" / "logs"
CASE_SETS = {
    "dev": REPO / "tests" / "data" / "dev" / "cases.jsonl",
    "spark logs": REPO / "tests" / "data" / "spark" / "cases.jsonl",
    "held-out": REPO / "tests" / "data" / "heldout" / "cases.jsonl",
}
SYMPTOMS = [
    "driver dies after toPandas on a 40 million row table",
    "job aborted, serialized results bigger than maxResultSize",
    "broadcast join of a 2 GB dimension kills the driver",
    "GC overhead limit exceeded in dag-scheduler-event-loop with 500k tasks",
    "structured streaming query driver memory grows every day",
    "we cache hundreds of dataframes and the storage tab shows millions of blocks",
    "spark-submit in client mode on a tiny edge node, the OOM killer kills java",
    "Serialized task exceeds max allowed spark.rpc.message.maxSize",
    "executor lost, container killed by YARN for exceeding memory limits",
    "my loop appends every result to a python list on the driver",
]
BENCH_SLACK_SECRET = "bench-signing-secret"


@dataclass
class Timing:
    name: str
    samples: list[float]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    def row(self) -> str:
        ms = sorted(s * 1000 for s in self.samples)
        q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
        return f"| {self.name} | {len(ms)} | {q[49]:.1f} | {q[94]:.1f} | {q[98]:.1f} |"


def _time(fn: Callable[[], object], runs: int) -> list[float]:
    return _time_in_turn([fn], runs)[0]


def _time_in_turn(fns: Sequence[Callable[[], object]], runs: int) -> list[list[float]]:
    """Each function's ``runs`` timings, taken in turn (one call of each, then again), so that
    what else the machine does at the time weighs on them alike and their ratio holds."""
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, taken in zip(fns, samples, strict=True):
            started = time.perf_counter()
            fn()
            taken.append(time.perf_counter() - started)
    return samples


def stack_trace(lines: int = 50) -> str:
    head = 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'
    frames = [
        f"\tat org.apache.spark.sql.execution.SparkPlan.executeCollect{i}(SparkPlan.scala:{400 + i})"
        for i in range(lines - 1)
    ]
    return "\n".join([head, *frames])


def _finished_task(i: int) -> str:
    return (
        f"Finished task {i}.0 in stage {i // 1000}.0 (TID {i}) in {i % 997} ms on "
        f"10.0.{i % 255}.{i % 13} (executor {i % 40}) ({i}/{i + 5})"
    )


def _noise_then_failure(size: int, line_of: Callable[[int], str]) -> str:
    """About ``size`` bytes: numbered noise lines ``line_of(1)``, ``line_of(2)``, ..., then a
    real failure."""
    tail = (SPARK_LOGS / "collect_oom.log").read_text() if SPARK_LOGS.exists() else stack_trace()
    lines, total, i = [], len(tail), 0
    while total < size:
        i += 1
        line = line_of(i)
        lines.append(line)
        total += len(line) + 1
    return "\n".join([*lines, tail])


def driver_log(size: int) -> str:
    """A driver log of about ``size`` bytes: INFO noise with varying numbers, then a real failure."""
    return _noise_then_failure(
        size,
        lambda i: f"26/11/26 12:{i % 60:02d}:{i % 60:02d} INFO TaskSetManager: {_finished_task(i)}",
    )


def structured_log(size: int) -> str:
    """The same log with its INFO noise as Spark 4's structured (JSON lines) layout prints it."""
    return _noise_then_failure(
        size,
        lambda i: json.dumps(
            {
                "ts": f"2026-11-26T12:{i % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z",
                "level": "INFO",
                "msg": _finished_task(i),
                "context": {"task_id": str(i), "stage_id": str(i // 1000)},
                "logger": "TaskSetManager",
            }
        ),
    )


EMBEDDING_ROW = "embedding alone, distinct text"
SYMPTOM_ROW = "symptom, distinct text (embedding computed)"


def embedding_ratio(rows: Sequence[Timing]) -> str:
    """The issue's symptom target: a distinct symptom's p50 against its embedding's p50."""
    by_name = {r.name: r for r in rows}
    if EMBEDDING_ROW not in by_name:
        return "symptom p50 / embedding p50: no index loaded"
    ratio = by_name[SYMPTOM_ROW].p50_ms / by_name[EMBEDDING_ROW].p50_ms
    return f"symptom p50 / embedding p50: {ratio:.2f} (target <= 1.5)"


def engine_rows(engine: Engine, quick: bool) -> list[Timing]:
    scale = 0.2 if quick else 1.0
    counter = iter(range(10**9))

    def distinct() -> str:
        """Each symptom in turn, made distinct so no cache answers. Calls come in pairs, the
        embedding row's then the symptom row's (timed in turn), and a pair embeds the same
        symptom: its two numbers, 2k and 2k + 1, have as many digits, so the two texts are as
        long in tokens and the rows' ratio is the engine's own cost. (Drawing a new symptom
        per call gave the embedding row the even-numbered symptoms and the symptom row the
        odd ones, which have more tokens: a ratio up to a third too high.)"""
        n = next(counter)
        return f"{SYMPTOMS[(n // 2) % len(SYMPTOMS)]} #{n}"

    inputs: list[tuple[str, Callable[[], str], int]] = [
        ("symptom, repeated text (embedding cached)", lambda: SYMPTOMS[0], 200),
        ("50-line stack trace", lambda: stack_trace(), 100),
    ]
    symptom = partial(_diagnose_made, engine, distinct)
    symptom_runs = max(5, int(200 * scale))
    rows = []
    if engine.index is not None:
        # The target's two rows are timed in turn, so that other load on the machine weighs on
        # both alike and their ratio is the engine's own cost.
        embedder = engine.index.embedder
        embedded, diagnosed = _time_in_turn(
            [lambda: embedder.encode_queries([distinct()]), symptom], symptom_runs
        )
        rows += [Timing(EMBEDDING_ROW, embedded), Timing(SYMPTOM_ROW, diagnosed)]
    else:
        rows.append(Timing(SYMPTOM_ROW, _time(symptom, symptom_runs)))
    for name, make, runs in inputs:
        rows.append(
            Timing(name, _time(partial(_diagnose_made, engine, make), max(5, int(runs * scale))))
        )
    for name, size, runs in (("1 MB driver log", 1 << 20, 20), ("10 MB driver log", 10 << 20, 5)):
        text = driver_log(size)
        rows.append(Timing(name, _time(partial(engine.diagnose, text), max(3, int(runs * scale)))))
    text = structured_log(10 << 20)
    rows.append(
        Timing("10 MB structured (JSON lines) driver log", _time(partial(engine.diagnose, text), 3))
    )
    walker = Walker(engine.kb, b"bench")
    start = walker.start_tree("triage")
    assert start.question is not None
    node = start.question.node
    rows.append(
        Timing("walk step", _time(lambda: walker.answer(start.state, node, "unknown"), 500))
    )
    return rows


# Markers repeated with no secret to close them: the shapes that would make a rule backtrack.
HOSTILE_UNITS = (
    "-----BEGIN RSA PRIVATE KEY-----\n",
    "password=",
    "AWS_SECRET_ACCESS_KEY=",
    '"password": "',
    "spark.password ",
    "'secret','",
    "<name>password</name>",
    "fs.s3a.secret.key   ",
    "jdbc:oracle:thin:a/",
)


def hostile_rows(quick: bool) -> list[Timing]:
    from service.redact import redact

    rows = []
    for unit in HOSTILE_UNITS:
        text = (unit * ((1 << 20) // len(unit) + 1))[: 1 << 20]
        rows.append(
            Timing(repr(unit.strip()[:28]), _time(partial(redact, text), 2 if quick else 5))
        )
    return rows


def _diagnose_made(engine: Engine, make: Callable[[], str]) -> None:
    engine.diagnose(make())


def _post_made(client: httpx.Client, make: Callable[[], str]) -> None:
    client.post("/v1/diagnose", json={"text": make()}).raise_for_status()


def _post_body(client: httpx.Client, body: str) -> None:
    client.post(
        "/v1/diagnose", content=body, headers={"content-type": "application/json"}
    ).raise_for_status()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mib(pid: int) -> float:
    """Resident set size: every page the process maps, shared ones included."""
    return _proc_kib(Path(f"/proc/{pid}/status"), "VmRSS:") / 1024


def pss_mib(pid: int) -> float:
    """Proportional set size: pages shared by n processes count 1/n (forked workers share the
    knowledge base and the index copy-on-write, so RSS counts them once per worker)."""
    return _proc_kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss:") / 1024


def _proc_kib(path: Path, field: str) -> float:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return float("nan")
    for line in lines:
        if line.startswith(field):
            return int(line.split()[1])
    return float("nan")


@contextmanager
def served(workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """The real service (`doctor serve`) on a free loopback port; yields URL, process, cold start."""
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "DOCTOR_DATA_DIR": data,
            "SLACK_SIGNING_SECRET": BENCH_SLACK_SECRET,
            "HF_HUB_OFFLINE": "1",
            # The load generator is one client: the per-client rate limit would cap it at 2/s.
            "DOCTOR_RATE_LIMIT_PER_MINUTE": "0",
        }
        command = [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        url = f"http://127.0.0.1:{port}"
        try:
            cold = _wait_ready(url, started)
            yield url, process, cold
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_ready(url: str, started: float, timeout: float = 120.0) -> float:
    while time.perf_counter() - started < timeout:
        try:
            if httpx.get(f"{url}/readyz", timeout=1.0).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"service at {url} not ready after {timeout} s")


def http_rows(url: str, quick: bool) -> list[Timing]:
    scale = 0.2 if quick else 1.0
    rows = []
    with httpx.Client(base_url=url, timeout=60.0) as client:
        counter = iter(range(10**9))
        for name, make, runs in (
            (
                "HTTP symptom, distinct text",
                lambda: f"{SYMPTOMS[next(counter) % 10]} #{next(counter)}",
                200,
            ),
            ("HTTP 50-line stack trace", lambda: stack_trace(), 100),
        ):
            rows.append(
                Timing(
                    name,
                    _time(
                        partial(_post_made, client, make),
                        max(5, int(runs * scale)),
                    ),
                )
            )
        for name, size, runs in (
            ("HTTP 1 MB driver log", 1 << 20, 20),
            ("HTTP 10 MB driver log", 10 << 20, 5),
        ):
            body = json.dumps({"text": driver_log(size)})
            rows.append(
                Timing(
                    name,
                    _time(
                        partial(_post_body, client, body),
                        max(3, int(runs * scale)),
                    ),
                )
            )
        start = client.post("/v1/walk/start", json={"tree": "triage"}).json()
        walk = {"state": start["state"], "node": start["question"]["node"], "answer": "unknown"}
        rows.append(
            Timing(
                "HTTP walk step",
                _time(
                    lambda: client.post("/v1/walk", json=walk).raise_for_status(),
                    max(20, int(300 * scale)),
                ),
            )
        )
        slack = slack_body(10 << 20)
        rows.append(Timing("Slack ack, 10 MB paste", _time(partial(slack_ack, client, slack), 5)))
    return rows


def slack_body(size: int) -> bytes:
    """A slash-command body with a ``size``-byte paste (built once: urlencoding 10 MB in
    Python takes about a second, which is the client's cost, not the acknowledgement's)."""
    fields = {
        "command": "/sparkdoctor",
        "text": driver_log(size)[:size],
        "response_url": "http://127.0.0.1:9/unused",
        "user_id": "U1",
        "channel_id": "C1",
        "team_id": "T1",
    }
    return urlencode(fields).encode()


def slack_ack(client: httpx.Client, body: bytes) -> None:
    stamp = str(int(time.time()))
    digest = hmac.new(BENCH_SLACK_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    headers = {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
        "content-type": "application/x-www-form-urlencoded",
    }
    client.post("/slack/commands", content=body, headers=headers).raise_for_status()


def throughput(url: str, clients: int, per_client: int) -> tuple[float, int]:
    """Requests/s for symptom queries from ``clients`` threads; returns (rate, errors).

    Each client is a kept-alive ``http.client`` connection: the load generator shares the two
    cores with the service, and the standard library's client costs it less CPU per request
    than httpx (whose figures the latency rows use).
    """
    errors = 0
    lock = threading.Lock()
    parsed = urlsplit(url)

    def run(worker: int) -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(parsed.hostname or "", parsed.port, timeout=60)
        try:
            for i in range(per_client):
                # Every text distinct: each request computes its embedding (none is cached).
                text = f"{SYMPTOMS[(worker + i) % len(SYMPTOMS)]} (client {worker} request {i})"
                body = json.dumps({"text": text})
                headers = {"content-type": "application/json"}
                connection.request("POST", "/v1/diagnose", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    with lock:
                        errors += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return clients * per_client / (time.perf_counter() - started), errors


def cold_starts(workers: int, runs: int) -> list[float]:
    """Seconds from starting ``doctor serve`` to its first 200 from /readyz, ``runs`` times."""
    starts = []
    for _ in range(runs):
        with served(workers) as (_url, _process, cold):
            starts.append(cold)
    return starts


def approach_rows(engine: Engine) -> list[str]:
    from service.evaluation import APPROACHES

    rows = []
    saved = engine.weights
    try:
        for name, path in CASE_SETS.items():
            if not path.exists():
                continue
            cases = read_cases(path)
            for approach in ("signatures", "dense", "keyword", "hybrid"):
                engine.weights = APPROACHES[approach]
                _clear_query_cache(engine)
                report = evaluate(cases, engine.diagnose)
                rows.append(
                    f"| {name} ({len(cases)}) | {approach} | {report.top1:.3f} | "
                    f"{report.top3:.3f} | {report.latency_ms(0.5):.1f} | {report.latency_ms(0.95):.1f} |"
                )
    finally:
        engine.weights = saved
    return rows


def _clear_query_cache(engine: Engine) -> None:
    embedder = engine.index.embedder if engine.index is not None else None
    if isinstance(embedder, OnnxEmbedder):
        embedder.clear_cache()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="doctor bench")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--workers", type=int, default=2, help="HTTP worker processes for the HTTP part"
    )
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument(
        "--hostile",
        action="store_true",
        help="also send the hardening review's hostile inputs (5 GB of empty lines, a 2 GB "
        "line, a 19 MB random paste), each to a fresh process: status, CPU, RSS",
    )
    args = parser.parse_args(argv)
    out: list[str] = [
        f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; "
        f"speed check before: {speed_check_ms():.0f} ms"
    ]

    out.append(index_build_line())
    started = time.perf_counter()
    engine = build_engine(Settings(rebuild_stale_index=True))
    out.append(f"engine load (KB, index, model) in-process: {time.perf_counter() - started:.2f} s")
    engine.diagnose("warm up")

    header = ["| what | runs | p50 ms | p95 ms | p99 ms |", "| --- | --- | --- | --- | --- |"]
    rows = engine_rows(engine, args.quick)
    out += [
        "",
        "### Engine in-process",
        *header,
        *(r.row() for r in rows),
        "",
        embedding_ratio(rows),
    ]
    if not args.skip_http:
        starts = cold_starts(args.workers, 2 if args.quick else 5)
        with served(args.workers) as (url, process, cold):
            starts.append(cold)
            out += [
                "",
                f"### Over HTTP on loopback ({args.workers} workers)",
                f"cold start to /readyz: median {statistics.median(starts):.2f} s of "
                f"{len(starts)} starts ({', '.join(f'{s:.2f}' for s in starts)})",
                *header,
                *(r.row() for r in http_rows(url, args.quick)),
            ]
            for clients in (4, 8, 16):
                rate, errors = throughput(url, clients, 15 if args.quick else 50)
                out.append(
                    f"throughput, {clients} concurrent clients, every query distinct: "
                    f"{rate:.1f} requests/s, {errors} errors"
                )
            children = _children(process.pid)
            out.append(
                "memory per process, MiB RSS / PSS (the supervisor, then its HTTP workers and "
                "the Slack job process): "
                + ", ".join(
                    f"{rss_mib(p):.0f} / {pss_mib(p):.0f}" for p in [process.pid, *children]
                )
            )
    out += [
        "",
        "### Hostile input (1 MB of one repeated marker, redaction alone, wall time)",
        "| input | runs | p50 ms | p95 ms | p99 ms |",
        "| --- | --- | --- | --- | --- |",
        *(r.row() for r in hostile_rows(args.quick)),
    ]
    if args.hostile:
        from service.operations.hostile import hostile_table

        out += ["", "### Hostile inputs, each to a fresh service process", *hostile_table()]
    out += [
        "",
        "### Ranking approaches",
        "| cases | approach | top-1 | top-3 | p50 ms | p95 ms |",
        "| --- | --- | --- | --- | --- | --- |",
        *approach_rows(engine),
    ]
    out.append(f"speed check after: {speed_check_ms():.0f} ms")
    print("\n".join(out))  # noqa: T201
    return 0


def speed_check_ms() -> float:
    """A fixed pure-Python loop, best of three: this machine's speed drifts by tens of percent
    from one minute to the next, so runs are compared with this beside them."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def index_build_line() -> str:
    """`doctor index build` into a scratch folder, timed as a user runs it."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, "-m", "index", "build", "--dir", scratch]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
    if result.returncode != 0:
        return f"index build failed: {result.stderr.strip()[-300:]}"
    return (
        f"index build (`doctor index build`: export to ONNX, check against torch, embed the KB): "
        f"{elapsed:.2f} s; {result.stdout.strip().splitlines()[-1]}"
    )


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


if __name__ == "__main__":
    raise SystemExit(main())
