from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from service.api.logs import JsonFormatter, request_id
from tests.ports import free_port

PASTE = "java.lang.OutOfMemoryError: Java heap space at org.apache.spark.sql.Dataset.collect"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Every record, as the server would write it, into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_formatter_writes_one_object_with_extras() -> None:
    record = logging.makeLogRecord(
        {"name": "x", "levelno": 30, "levelname": "WARNING", "msg": "hello %s", "args": ("you",)}
    )
    record.status = 201
    token = request_id.set("abc123")
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id.reset(token)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "warning" and entry["logger"] == "x" and entry["msg"] == "hello you"
    assert entry["request_id"] == "abc123" and entry["status"] == 201
    assert entry["ts"].endswith("+00:00")


def test_json_formatter_redacts_messages_and_tracebacks() -> None:
    secret = "AKIAIOSFODNN7EXAMPLE"
    try:
        raise ValueError(f"bad key {secret}")
    except ValueError:
        record = logging.LogRecord("x", 40, __file__, 1, "got %s", (secret,), sys.exc_info())
    line = JsonFormatter().format(record)
    assert secret not in line
    assert "[REDACTED:aws-access-key]" in json.loads(line)["msg"]


def test_access_log_has_request_id_route_status_and_duration(
    client: TestClient, json_log: io.StringIO
) -> None:
    response = client.post("/v1/diagnose", json={"text": PASTE}, headers={"X-Request-ID": "req-42"})
    assert response.headers["x-request-id"] == "req-42"
    access = [e for e in _lines(json_log) if e["logger"] == "service.access"]
    assert len(access) == 1
    entry = access[0]
    assert entry["request_id"] == "req-42"
    assert entry["route"] == "/v1/diagnose" and entry["method"] == "POST"
    assert entry["status"] == 200 and isinstance(entry["duration_ms"], float)


def test_access_log_never_holds_the_request_body(client: TestClient, json_log: io.StringIO) -> None:
    client.post("/v1/diagnose", json={"text": PASTE + " marker-7f3a9"})
    client.post("/v1/walk", json={"state": "marker-b81c2", "node": "n", "answer": "a"})
    assert "marker-" not in json_log.getvalue()


def test_request_id_is_made_when_missing_or_unsafe(client: TestClient) -> None:
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    unsafe = client.get("/healthz", headers={"X-Request-ID": 'a b"c'}).headers["x-request-id"]
    assert unsafe != 'a b"c'


def test_served_process_logs_json_lines(tmp_path: Path) -> None:
    port = free_port()
    env = os.environ | {
        "DOCTOR_EMBEDDER": "hash",
        "DOCTOR_REBUILD_STALE_INDEX": "true",
        "DOCTOR_INDEX_DIR": str(tmp_path / "index"),
        "DOCTOR_DATA_DIR": str(tmp_path / "data"),
        "DOCTOR_LOG_LEVEL": "info",
    }
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log_file:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None, log_path.read_text()
                time.sleep(0.3)
            response = httpx.get(
                f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "srv-1"}
            )
            assert response.status_code == 200
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(e["logger"].startswith("uvicorn") for e in entries)
    assert any("no API keys configured" in e["msg"] for e in entries)
    health = [e for e in entries if e.get("request_id") == "srv-1"]
    assert health and health[0]["route"] == "/healthz" and health[0]["status"] == 200
