"""The real service in a subprocess on loopback: bounded concurrent load, then a SIGKILL mid-load.

Whatever the service acknowledged (200 for a diagnosis, 201 for feedback) must be there after
a restart on the same database. The model-free hash embedder keeps start-up short; its index
is built once, before any server starts. Everything is bounded in requests and in time.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.ports import free_port

WORKERS = 4
REQUESTS_PER_WORKER = 25
# Phase two: at most this many requests per worker; the kill comes long before.
MAX_REQUESTS_BEFORE_KILL = 200
ACKS_BEFORE_KILL = 12
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 15.0
TEXTS = [
    "java.lang.OutOfMemoryError: Java heap space\n\tat org.apache.spark.sql.Dataset.collect",
    "driver dies after toPandas on a big table",
    "Total size of serialized results of 412 tasks (1024.3 MiB) is bigger than "
    "spark.driver.maxResultSize (1024.0 MiB)",
    "broadcast join makes the driver run out of memory",
    "my job is slow",
]


@dataclass
class Acks:
    """What the service acknowledged, and every failure seen, across the client threads."""

    cases: set[str] = field(default_factory=set)
    feedback: dict[int, tuple[str, str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Server:
    data_dir: Path
    index_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCTOR_")}
        env.update(
            DOCTOR_ENVIRONMENT="test",
            DOCTOR_DATA_DIR=str(self.data_dir),
            DOCTOR_INDEX_DIR=str(self.index_dir),
            DOCTOR_EMBEDDER="hash",
            DOCTOR_STATE_SECRET="durability-test-secret",
            DOCTOR_RATE_LIMIT_PER_MINUTE="0",
            HF_HUB_OFFLINE="1",
        )
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "service.api.app:create_app", "--factory"]
            + ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"the server exited at start-up:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"the server was not ready within {START_TIMEOUT} s:\n{self.log()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no shutdown, no flush, no lifespan exit
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return (self.data_dir / "server.log").read_text(errors="replace")[-4000:]


@pytest.fixture
def server(tmp_path: Path, hash_index: Path) -> Iterator[Server]:
    server = Server(data_dir=tmp_path, index_dir=hash_index)
    server.start()
    yield server
    server.stop()


def client_work(url: str, worker: int, requests: int, acks: Acks, stop: threading.Event) -> None:
    """Alternate a diagnosis and feedback on the case it opened; record what was acknowledged."""
    case_id: str | None = None
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        for i in range(requests):
            if stop.is_set():
                return
            try:
                if case_id is None:
                    case_id = diagnose(client, TEXTS[(worker + i) % len(TEXTS)], acks)
                else:
                    give_feedback(client, case_id, f"worker {worker} request {i}", acks)
                    case_id = None
            except httpx.HTTPError as error:
                with acks.lock:
                    acks.errors.append(f"worker {worker} request {i}: {error!r}")
                return


def diagnose(client: httpx.Client, text: str, acks: Acks) -> str | None:
    response = client.post("/v1/diagnose", json={"text": text})
    if response.status_code != 200:
        with acks.lock:
            acks.errors.append(f"diagnose {response.status_code}: {response.text[:200]}")
        return None
    case_id: str = response.json()["case_id"]
    with acks.lock:
        acks.cases.add(case_id)
    return case_id


def give_feedback(client: httpx.Client, case_id: str, comment: str, acks: Acks) -> None:
    outcome = "fixed" if len(comment) % 2 else "not_helped"
    response = client.post(
        f"/v1/cases/{case_id}/feedback", json={"outcome": outcome, "comment": comment}
    )
    if response.status_code != 201:
        with acks.lock:
            acks.errors.append(f"feedback {response.status_code}: {response.text[:200]}")
        return
    with acks.lock:
        acks.feedback[response.json()["id"]] = (case_id, comment)


def run_load(url: str, requests: int, acks: Acks, stop: threading.Event) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=client_work, args=(url, w, requests, acks, stop), daemon=True)
        for w in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    return threads


def missing_writes(url: str, acks: Acks) -> list[str]:
    """Every acknowledged case and feedback row, as read back through the API."""
    missing: list[str] = []
    stored: dict[int, tuple[str, str | None]] = {}
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        for case_id in sorted(acks.cases):
            response = client.get(f"/v1/cases/{case_id}")
            if response.status_code != 200:
                missing.append(f"case {case_id}: {response.status_code}")
                continue
            for note in response.json()["feedback"]:
                stored[note["id"]] = (note["case_id"], note["comment"])
    missing += [f"feedback {i}" for i, row in acks.feedback.items() if stored.get(i) != row]
    return missing


def test_load_acknowledges_every_write(server: Server) -> None:
    acks = Acks()

    started = time.monotonic()
    for thread in run_load(server.url, REQUESTS_PER_WORKER, acks, threading.Event()):
        thread.join(timeout=60)
    elapsed = time.monotonic() - started

    assert acks.errors == []
    assert len(acks.cases) == WORKERS * ((REQUESTS_PER_WORKER + 1) // 2)
    assert len(acks.feedback) == WORKERS * (REQUESTS_PER_WORKER // 2)
    assert missing_writes(server.url, acks) == []
    assert elapsed < 60


def test_kill_mid_load_loses_no_acknowledged_write(server: Server) -> None:
    acks = Acks()
    stop = threading.Event()
    threads = run_load(server.url, MAX_REQUESTS_BEFORE_KILL, acks, stop)
    deadline = time.monotonic() + 30
    while len(acks.feedback) < ACKS_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.01)

    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 5)
    server.start()

    assert len(acks.feedback) >= ACKS_BEFORE_KILL, acks.errors
    assert acks.errors, "the kill should have cut requests in flight"
    assert missing_writes(server.url, acks) == []
    server.stop()
    with sqlite3.connect(server.data_dir / "doctor.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
