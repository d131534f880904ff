"""Two replicas behind a load balancer: the walk's state travels with each request, so any
replica holding the same state secret continues any walk; the case lives in the shared
database. A replica with another secret refuses the state."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.api.app import create_app
from service.config import Settings
from service.engine import Engine

SHARED_SECRET = "replicas-share-this-state-secret"
VAGUE = "our spark job keeps dying on the driver, no idea why"


@pytest.fixture
def shared(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'shared.db'}",
        state_secret=SecretStr(SHARED_SECRET),
        rate_limit_per_minute=0,
    )


@pytest.fixture
def replicas(shared: Settings, engine: Engine) -> Iterator[tuple[TestClient, TestClient]]:
    with ExitStack() as stack:
        a = stack.enter_context(TestClient(create_app(shared, engine=engine)))
        b = stack.enter_context(TestClient(create_app(shared, engine=engine)))
        yield a, b


def _answer(client: TestClient, step: dict[str, Any]) -> dict[str, Any]:
    question = step["question"]
    body = {"state": step["state"], "node": question["node"], "answer": "unknown"}
    response = client.post("/v1/walk", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_walk_started_on_a_continues_on_b_and_finishes_on_a(
    replicas: tuple[TestClient, TestClient],
) -> None:
    a, b = replicas
    diagnosed = a.post("/v1/diagnose", json={"text": VAGUE})
    assert diagnosed.status_code == 200, diagnosed.text
    case_id = diagnosed.json()["case_id"]
    step = diagnosed.json()["step"]
    assert step["kind"] == "question", "a vague paste should leave questions to ask"

    step = _answer(b, step)
    assert step["kind"] == "question", "the walk should outlast one answer"
    answers = 1
    while step["kind"] == "question":
        step = _answer(a, step)
        answers += 1
    assert step["kind"] == "fix" and step["fix_page"]["fixes"]

    # Both replicas wrote to one case in the shared database, and both read it whole.
    for replica in (a, b):
        case = replica.get(f"/v1/cases/{case_id}")
        assert case.status_code == 200
        assert len(case.json()["path"]) == answers
        assert case.json()["leaf_cause"] == step["fix_page"]["cause"]


def test_every_step_can_go_to_either_replica(replicas: tuple[TestClient, TestClient]) -> None:
    a, b = replicas
    started = a.post("/v1/walk/start", json={"tree": "triage"}).json()
    # The same state answered on A and on B gives the same next step.
    on_a, on_b = _answer(a, started), _answer(b, started)
    assert on_a == on_b


def test_replica_with_another_secret_refuses_the_state(
    shared: Settings, engine: Engine, replicas: tuple[TestClient, TestClient]
) -> None:
    a, _ = replicas
    step = a.post("/v1/diagnose", json={"text": VAGUE}).json()["step"]
    stranger = shared.model_copy(update={"state_secret": SecretStr("another-secret")})
    with TestClient(create_app(stranger, engine=engine)) as c:
        body = {"state": step["state"], "node": step["question"]["node"], "answer": "unknown"}
        response = c.post("/v1/walk", json=body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == "state"
    assert "another server" in response.json()["detail"]
