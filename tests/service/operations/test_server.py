"""``doctor serve``: the pre-fork supervisor, with real processes on loopback.

Most tests use the model-free hash embedder, whose index is built once, so that a start takes
a second or two. One starts the real MiniLM model with two workers: each must open its own inference session
after the fork (see ``service/operations/server.py``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector

from index import usable_cores
from service import cli
from tests.conftest import REPO
from tests.ports import free_port
from tests.service.channels.slack_helpers import (
    SIGNING_SECRET,
    command_body,
    loopback_receiver,
    sign,
)

START_TIMEOUT = 120.0
STOP_TIMEOUT = 40.0


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, what: str, check: object, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if callable(check) and check():
                return
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}:\n{self.log()[-3000:]}")


def _gone(pid: int) -> bool:
    """Exited: no such process, or a zombie waiting for whoever adopted it to reap it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


@contextmanager
def served(
    tmp_path: Path, workers: int, env: dict[str, str], *, wait_ready: bool = True
) -> Iterator[Served]:
    port = free_port()
    log_path = tmp_path / "server.log"
    environment = os.environ | {
        "DOCTOR_DATA_DIR": str(tmp_path / "data"),
        "DOCTOR_RATE_LIMIT_PER_MINUTE": "0",
        "HF_HUB_OFFLINE": "1",
        **env,
    }
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
            + ["--workers", str(workers)],
            cwd=REPO,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Served(process, f"http://127.0.0.1:{port}", log_path)
    try:
        if wait_ready:
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                assert process.poll() is None, f"the server exited:\n{server.log()[-3000:]}"
                try:
                    if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            else:
                pytest.fail(f"not ready within {START_TIMEOUT} s:\n{server.log()[-3000:]}")
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _hash_env(index: Path, **extra: str) -> dict[str, str]:
    return {"DOCTOR_EMBEDDER": "hash", "DOCTOR_INDEX_DIR": str(index), **extra}


def _diagnose(url: str, text: str) -> dict[str, object]:
    response = httpx.post(f"{url}/v1/diagnose", json={"text": text}, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_workers_serve_and_the_worker_that_acks_a_slack_command_posts_the_diagnosis(
    tmp_path: Path, hash_index: Path
) -> None:
    env = _hash_env(hash_index, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    with served(tmp_path, 2, env) as server, loopback_receiver() as receiver:
        assert len(server.children()) == 2  # the HTTP workers only: no process of Slack's own
        log = server.log()
        assert log.count('"http worker ') == 2 and "slack-jobs" not in log
        assert f"model threads: {usable_cores()} per worker" in log
        for i in range(6):
            _diagnose(server.url, f"driver dies after toPandas, run {i}")

        body = command_body("java.lang.OutOfMemoryError: Java heap space", receiver.url("/h"))
        ack = httpx.post(f"{server.url}/slack/commands", content=body, headers=sign(body))
        assert ack.status_code == 200 and "Looking at your paste" in ack.json()["text"]
        posted = receiver.next(timeout=30)
        assert posted.path == "/h"
        assert posted.body["blocks"][0]["type"] == "header"
        server.wait_for("the job's log line", lambda: "opened from slack" in server.log())


def test_a_killed_worker_is_replaced(tmp_path: Path, hash_index: Path) -> None:
    with served(tmp_path, 2, _hash_env(hash_index)) as server:
        before = server.children()
        assert len(before) == 2
        os.kill(before[0], signal.SIGKILL)
        server.wait_for(
            "a replacement worker",
            lambda: len(server.children()) == 2 and before[0] not in server.children(),
        )
        assert f"worker {before[0]} exited with -9" in server.log()
        for i in range(4):
            _diagnose(server.url, f"broadcast join kills the driver, run {i}")


def _diagnose_count(metrics: str) -> float:
    for line in metrics.splitlines():
        if line.startswith("doctor_http_requests_total{") and 'route="/v1/diagnose"' in line:
            if 'status="200"' in line:
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def _diagnoses_in(counts: Path) -> float:
    """One process's own count of answered diagnoses, from its file of counters."""
    if not counts.exists():
        return 0.0
    merged = MultiProcessCollector.merge([str(counts)], accumulate=True)
    return sum(
        sample.value
        for metric in merged
        for sample in metric.samples
        if sample.name == "doctor_http_requests_total"
        and sample.labels.get("route") == "/v1/diagnose"
    )


def test_metrics_add_up_every_worker_whichever_answers(tmp_path: Path, hash_index: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    with served(tmp_path, 2, _hash_env(hash_index, TMPDIR=str(scratch))) as server:

        def post(i: int) -> bool:
            # A connection each, eight at a time: a busy worker leaves the next to the other.
            return httpx.post(f"{server.url}/v1/diagnose", json={"text": f"oom {i}"}).is_success

        with ThreadPoolExecutor(8) as pool:
            assert all(pool.map(post, range(40)))
        (shared,) = scratch.glob("doctor-serve-*/metrics")

        def per_worker() -> list[float]:
            return [_diagnoses_in(shared / f"counter_{pid}.db") for pid in server.children()]

        # A worker counts a request once its answer is sent, so the last count can trail the
        # client's last answer by a moment on a busy machine.
        server.wait_for("every answer counted", lambda: sum(per_worker()) == 40)
        assert min(per_worker()) > 0  # both workers answered some
        for _ in range(6):
            assert _diagnose_count(httpx.get(f"{server.url}/metrics").text) == 40.0
    assert not list(scratch.iterdir())  # the service's folder is removed with it


def test_sigterm_stops_the_supervisor_and_its_workers(tmp_path: Path, hash_index: Path) -> None:
    with served(tmp_path, 2, _hash_env(hash_index)) as server:
        workers = server.children()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=STOP_TIMEOUT) == 0
        assert all(_gone(pid) for pid in workers)


def test_workers_die_with_a_killed_supervisor(tmp_path: Path, hash_index: Path) -> None:
    with served(tmp_path, 2, _hash_env(hash_index)) as server:
        workers = server.children()
        server.process.kill()
        server.process.wait(timeout=10)
        server.wait_for("the orphaned workers to exit", lambda: all(_gone(p) for p in workers))
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{server.url}/healthz", timeout=2)


def test_a_worker_that_cannot_start_stops_the_service(tmp_path: Path, hash_index: Path) -> None:
    # The database path's parent is a file: every worker fails in its start-up (migrations).
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    env = _hash_env(hash_index, DOCTOR_DATABASE_URL=f"sqlite:///{blocker}/doctor.db")
    with served(tmp_path, 2, env, wait_ready=False) as server:
        assert server.process.wait(timeout=START_TIMEOUT) == 3
        assert "could not start the application; stopping" in server.log()


def test_a_stale_index_is_rebuilt_in_a_separate_process_when_allowed(
    tmp_path: Path, hash_index: Path
) -> None:
    empty = tmp_path / "no-index-yet"
    env = _hash_env(empty, DOCTOR_REBUILD_STALE_INDEX="true")
    with served(tmp_path, 1, env) as server:
        assert "rebuilding it in a separate process" in server.log()
        assert (empty / "manifest.json").exists()
        _diagnose(server.url, "job dies after collect")


def test_a_missing_index_stops_the_start_with_what_to_run(tmp_path: Path) -> None:
    env = {"DOCTOR_EMBEDDER": "hash", "DOCTOR_INDEX_DIR": str(tmp_path / "none")}
    with served(tmp_path, 1, env, wait_ready=False) as server:
        assert server.process.wait(timeout=START_TIMEOUT) != 0
        assert "doctor index build" in server.log()


def test_real_model_answers_from_two_forked_workers(tmp_path: Path) -> None:
    # The prebuilt MiniLM index (the README's test command builds it first).
    with served(tmp_path, 2, {}) as server:
        for i in range(6):
            body = _diagnose(server.url, f"my pyspark job dies after toPandas, attempt {i}")
            causes = body["causes"]
            assert isinstance(causes, list) and causes[0]["id"] == "python_driver_oom"


@pytest.mark.parametrize("workers", ["0", "65", "two"])
def test_serve_refuses_a_bad_worker_count(workers: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["serve", "--workers", workers])
    assert exit_info.value.code == 2
    assert "--workers takes a number from 1 to 64" in capsys.readouterr().err
