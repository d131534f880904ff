"""Event logs through the channels: REST upload (POST /v1/diagnose/event-log) and the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service import cli
from service.api.app import create_app
from service.config import Settings
from service.engine import Engine
from service.engine.eventlog import read_event_log
from tests.conftest import SPARK_DATA

EVENTLOGS = SPARK_DATA / "eventlogs"
URL = "/v1/diagnose/event-log"
PROBLEM = "application/problem+json"


def upload(client: TestClient, path: Path, name: str | None = None) -> dict[str, Any]:
    with path.open("rb") as fh:
        response = client.post(URL, files={"file": (name or path.name, fh)})
    body: dict[str, Any] = response.json()
    return {**body, "status": response.status_code, "media": response.headers["content-type"]}


def test_diagnose_event_log_upload_returns_diagnosis_case_and_step(client: TestClient) -> None:
    body = upload(client, EVENTLOGS / "too_many_tasks_stage")
    assert body["status"] == 200
    assert body["input"]["kind"] == "event_log"
    assert body["causes"][0]["id"] == "too_many_tasks"
    assert any(f["name"] == "num_tasks" and f["source"] == "event_log" for f in body["facts"])
    auto = [a for a in body["step"]["answered"] if a["how"] == "auto"]
    assert any("your event log" in a["because"] for a in auto)
    case = client.get(f"/v1/cases/{body['case_id']}").json()
    assert case["input_text"].startswith("Spark event log too_many_tasks_stage")
    assert case["input_bytes"] > 100_000 and len(case["input_text"]) < 20_000


def test_diagnose_event_log_upload_decodes_compressed_file(client: TestClient) -> None:
    body = upload(client, EVENTLOGS / "healthy.zstd")
    assert body["status"] == 200 and body["verdict"] == "not_driver_oom"


@pytest.mark.parametrize("name", ["collect_oom_fatal.gz", "healthy.lzf", "healthy.snappy"])
def test_diagnose_event_log_upload_decodes_every_codec(client: TestClient, name: str) -> None:
    # An upload arrives as a spooled temporary file opened for writing too: each codec must
    # still read it (gzip once inferred "write" mode from it and failed with a 500).
    body = upload(client, EVENTLOGS / name)
    assert body["status"] == 200, body
    assert body["input"]["kind"] == "event_log"


def test_diagnose_event_log_upload_detects_codec_without_suffix(client: TestClient) -> None:
    body = upload(client, EVENTLOGS / "healthy.lz4", name="upload")
    assert body["status"] == 200 and body["input"]["lines"] > 50


def test_diagnose_event_log_rejects_upload_over_limit_with_413(
    settings: Settings, engine: Engine
) -> None:
    small = settings.model_copy(update={"max_event_log_bytes": 10_000})
    with TestClient(create_app(small, engine=engine)) as client:
        body = upload(client, EVENTLOGS / "healthy.zstd")
    assert body["status"] == 413 and body["media"] == PROBLEM
    assert body["limit"] == 10_000 and "10000" in body["detail"] and body["field"] == "file"


def test_diagnose_event_log_rejects_body_over_limit_before_reading_it(
    settings: Settings, engine: Engine
) -> None:
    small = settings.model_copy(update={"max_event_log_bytes": 10_000})
    with TestClient(create_app(small, engine=engine)) as client:
        body = upload(client, EVENTLOGS / "cached_many")
    assert body["status"] == 413 and body["media"] == PROBLEM


def test_diagnose_event_log_rejects_corrupt_line_with_422_naming_it(
    client: TestClient, tmp_path: Path
) -> None:
    lines = (EVENTLOGS / "healthy").read_bytes().splitlines(keepends=True)
    lines[9] = b"{not json at all\n"
    bad = tmp_path / "bad"
    bad.write_bytes(b"".join(lines))
    body = upload(client, bad)
    assert body["status"] == 422 and body["media"] == PROBLEM
    assert body["line"] == 10 and "line 10" in body["detail"]


def test_diagnose_event_log_rejects_empty_upload_with_422(
    client: TestClient, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    body = upload(client, empty)
    assert body["status"] == 422 and body["field"] == "file"


def test_cli_diagnose_event_log_prints_causes_and_facts(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "build_engine", lambda _settings: engine)
    code = cli.main(["diagnose", "--event-log", str(EVENTLOGS / "rolling_many_tasks")])
    out = capsys.readouterr().out
    assert code == 0
    assert "fact: num_tasks = 4000" in out and "fact: driver_died = no" in out


def test_cli_diagnose_event_log_reports_corrupt_line(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(cli, "build_engine", lambda _settings: engine)
    bad = tmp_path / "bad"
    bad.write_bytes((EVENTLOGS / "healthy").read_bytes().replace(b"\n", b"\n]\n", 1))
    assert cli.main(["diagnose", "--event-log", str(bad)]) == 1
    assert "line 2" in capsys.readouterr().err


def test_a_bad_event_log_line_is_not_echoed_with_its_secret(
    client: TestClient, tmp_path: Path
) -> None:
    lines = (EVENTLOGS / "healthy").read_bytes().splitlines(keepends=True)
    lines[9] = b'{broken password="S3cr3t-Pw-77" and more\n'

    bad = tmp_path / "bad"
    bad.write_bytes(b"".join(lines))
    body = upload(client, bad)
    assert body["status"] == 422 and body["line"] == 10
    assert "line 10" in body["detail"] and "broken password=" in body["detail"]
    assert "S3cr3t-Pw-77" not in json.dumps(body)


def test_a_client_that_disconnects_stops_the_read(tmp_path: Path) -> None:
    """The watcher turns ``cancelled`` True once the client is gone; the reader stops at its
    next check with AbandonedError (408 if anyone were still listening)."""
    import anyio

    from service.api.disconnect import run_unless_disconnected
    from service.engine.eventlog.reader import ReadLimits
    from service.errors import AbandonedError

    big = tmp_path / "app-1"
    start = '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}\n'
    job = '{"Event":"SparkListenerJobStart","Job ID":%d,"Stage Infos":[]}\n'
    big.write_text(start + "".join(job % i for i in range(400_000)))
    polls = iter([False, False])

    async def disconnected() -> bool:
        await anyio.sleep(0.05)
        return next(polls, True)  # the client leaves after the second poll

    def work(cancelled: Callable[[], bool]) -> int:
        while True:  # a read that would go on for minutes
            read_event_log(big, "app-1", ReadLimits(cancelled=cancelled))

    with pytest.raises(AbandonedError, match="client disconnected"):
        anyio.run(run_unless_disconnected, disconnected, work)


def test_a_client_that_stays_gets_its_answer() -> None:
    import anyio

    from service.api.disconnect import run_unless_disconnected

    async def connected() -> bool:
        await anyio.sleep(0.01)
        return False

    def work(cancelled: Callable[[], bool]) -> str:
        return "done" if not cancelled() else "cancelled"

    assert anyio.run(run_unless_disconnected, connected, work) == "done"
