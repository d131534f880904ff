"""Nothing a client sends makes the service fail: schemathesis over the OpenAPI document (real
engine, real database) finds no 5xx; hypothesis throws arbitrary text at the analyzer and
arbitrary tokens at the walk state decoder."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzzing
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.schemas import OpenApiSchema

from service.api.app import create_app
from service.config import Settings
from service.engine import Engine
from service.engine.analyzer import analyze
from service.engine.state import VERSION, WalkState, _b64, _sign, decode_state
from service.errors import InvalidStateError

SECRET = b"robustness-state-secret"
KB_VERSION = "kb-under-test"
EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def api_schema(settings: Settings, engine: Engine) -> Iterator[OpenApiSchema]:
    app = create_app(settings, engine=engine)
    # The context runs the lifespan (database, engine) for the calls schemathesis makes.
    with TestClient(app):
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        yield schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@fuzzing(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_no_5xx_and_only_what_its_description_says(case: Any) -> None:
    """Every schemathesis check: no 5xx, and status codes, content types, headers and bodies
    as the OpenAPI description documents them. Left out: "a schema-valid request must be
    accepted", which cannot hold for a signed walk token (any string fits its schema)."""
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


# --- analyzer ---------------------------------------------------------------------------------

LOG_ALPHABET = st.characters(codec="utf-8", exclude_categories=["Cs"])
LOG_PIECES = st.sampled_from(
    [
        "java.lang.OutOfMemoryError: Java heap space\n",
        "\tat org.apache.spark.sql.Dataset.collect(Dataset.scala:3575)\n",
        "Caused by: ",
        "Total size of serialized results of 12 tasks (1024.0 MiB) is bigger than ",
        "spark.driver.maxResultSize (1g)",
        "--conf spark.driver.memory=",
        "Container killed by YARN for exceeding memory limits. 5.5 GB of 5.5 GB",
        "26/01/12 10:21:55 ERROR Utils: ",
        "broadcast_12_piece0 stored as bytes in memory (estimated size 2.0 GiB",
        "...",
        "\t",
        "\n",
        " ",
        "=",
        "(",
        ")",
        ":",
    ]
)
LOG_LIKE = st.lists(st.one_of(LOG_PIECES, st.text(LOG_ALPHABET, max_size=40)), max_size=80).map(
    "".join
)


@given(text=st.one_of(st.text(LOG_ALPHABET, max_size=3000), LOG_LIKE))
@fuzzing(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_analyze_never_raises_on_any_text(text: str) -> None:
    analysis = analyze(text)
    assert all(f.name and (f.line is None or f.line >= 1) for f in analysis.facts)


# Repeating shapes that make backtracking regexes explode; each is analyzed at 64 KB and 256 KB:
# the larger one must not take more than ~4x (linear) plus room for noise, nor long in itself.
PATHOLOGICAL = [
    "a" * 64,
    "\tat " * 16,
    "at a.b.c(" * 8,
    "Caused by: " * 6,
    "spark.driver.memory=" * 4,
    "1" * 64,
    "1.5 GB of " * 6,
    "(" * 64,
    " " * 64,
    "x=" * 32,
    "OutOfMemoryError: " * 4,
    "é" * 32,
]


@pytest.mark.parametrize("unit", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_analyze_time_grows_linearly_with_input(unit: str) -> None:
    small = (unit * (64 * 1024 // len(unit) + 1))[: 64 * 1024]
    large = small * 4
    small_seconds = _best_of(3, lambda: analyze(small))
    large_seconds = _best_of(2, lambda: analyze(large))
    assert large_seconds < 2.0, f"{len(large)} characters took {large_seconds:.2f}s"
    assert large_seconds < 4 * small_seconds * 3 + 0.05, (small_seconds, large_seconds)


def _best_of(runs: int, work: Any) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


# --- walk state decoder -----------------------------------------------------------------------


def _signed(payload: str) -> str:
    return f"{payload}.{_sign(payload, SECRET)}"


def _decodes_or_refuses(token: str) -> None:
    """A signed payload either decodes to a well-formed state or is refused with a reason:
    never another exception."""
    try:
        state = decode_state(token, SECRET, KB_VERSION)
    except InvalidStateError as exc:
        assert exc.message.startswith("invalid walk state: ") and exc.field == "state"
        return
    assert isinstance(state, WalkState) and state.kb == KB_VERSION


@given(token=st.text(max_size=400))
@fuzzing(max_examples=500, deadline=None)
def test_decode_state_refuses_arbitrary_text(token: str) -> None:
    # Unsigned text can never pass: every such token is refused, with a reason.
    with pytest.raises(InvalidStateError):
        decode_state(token, SECRET, KB_VERSION)


@given(data=st.binary(max_size=2000))
@fuzzing(max_examples=500, deadline=None)
def test_decode_state_decodes_or_refuses_signed_arbitrary_bytes(data: bytes) -> None:
    # Signed with the right key, so the decoder gets past the signature to the payload.
    _decodes_or_refuses(_signed(_b64(data)))
    _decodes_or_refuses(_signed(_b64(zlib.compress(data))))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
STATE_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "v": st.one_of(st.just(VERSION), JSON_VALUES),
        "kb": st.one_of(st.just(KB_VERSION), JSON_VALUES),
        "tree": JSON_VALUES,
        "answers": JSON_VALUES,
        "facts": JSON_VALUES,
        "ranked": JSON_VALUES,
        "case": JSON_VALUES,
    },
)


@given(value=st.one_of(STATE_LIKE, JSON_VALUES))
@fuzzing(max_examples=500, deadline=None)
def test_decode_state_decodes_or_refuses_signed_arbitrary_json(value: Any) -> None:
    raw = json.dumps(value, allow_nan=True).encode()
    _decodes_or_refuses(_signed(_b64(zlib.compress(raw))))


@pytest.mark.parametrize(
    "raw",
    [b"[" * 100_000, b"{" * 50_000, b" " * 5_000_000, b'{"kb": "' + b"x" * 3_000_000 + b'"}'],
    ids=["nested-lists", "nested-objects", "zip-bomb-blank", "zip-bomb-string"],
)
def test_decode_state_refuses_bombs_quickly(raw: bytes) -> None:
    token = _signed(_b64(zlib.compress(raw, 9)))
    started = time.perf_counter()
    with pytest.raises(InvalidStateError):
        decode_state(token, SECRET, KB_VERSION)
    # A hang guard, not a timing goal: inflating is bounded, so this takes milliseconds.
    assert time.perf_counter() - started < 10


def test_walk_with_non_ascii_state_is_400(client: TestClient) -> None:
    # Found by hypothesis: compare_digest raised TypeError on non-ASCII text, a 500.
    body = {"state": "é.é", "node": "n", "answer": "a"}
    response = client.post("/v1/walk", json=body)
    assert response.status_code == 400
    assert response.json()["field"] == "state"


def test_decode_state_refuses_padding_tricks() -> None:
    issued = f'{{"kb": "kb-under-test", "tree": "triage", "iat": {int(time.time())}}}'
    good = _b64(zlib.compress(issued.encode()))
    assert decode_state(_signed(good), SECRET, KB_VERSION).tree == "triage"
    for token in (
        _signed(good + "="),
        _signed(good[:-1]),
        _signed("!" + good),
        base64.b64encode(b"x").decode() + ".",
    ):
        _decodes_or_refuses(token)


def test_a_paste_of_random_garbage_is_answered_within_the_work_budget(engine: Engine) -> None:
    import random
    import string

    rng = random.Random(7)
    garbage = "".join(rng.choice(string.printable) for _ in range(3_000_000))
    saved = engine.observer.seconds
    engine.observer.seconds = 1.0
    try:
        diagnosis = engine.diagnose(garbage)
    finally:
        engine.observer.seconds = saved
    assert diagnosis.input.cut is not None and "analysis budget ran out" in diagnosis.input.cut
    assert "Read in part" in diagnosis.summary


def test_a_paste_whose_client_went_away_stops_and_stores_nothing(client: TestClient) -> None:
    """``cancelled`` turns True (the client disconnected) partway through a large paste: the
    analysis stops at its next check with AbandonedError, long before its time budget, and
    no case is stored."""
    from sqlalchemy import create_engine, text

    from service.errors import AbandonedError

    doctor = client.app.state.doctor  # type: ignore[attr-defined]
    paste = "\n".join(f"{i:08d} {random_line(i)}" for i in range(14_000))  # under the 1 MB cap
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3

    started = time.monotonic()
    with pytest.raises(AbandonedError, match="disconnected"):
        doctor.troubleshoot(paste, cancelled=cancelled)
    assert time.monotonic() - started < doctor.engine.observer.seconds
    with create_engine(doctor.settings.resolved_database_url).connect() as db:
        assert db.execute(text("select count(*) from cases")).scalar_one() == 0


def test_a_paste_whose_client_stays_gets_its_diagnosis_and_case(client: TestClient) -> None:
    doctor = client.app.state.doctor  # type: ignore[attr-defined]
    result = doctor.troubleshoot("driver OOM on collect", cancelled=lambda: False)
    assert result.diagnosis.causes and doctor.case(result.case_id).id == result.case_id


def random_line(seed: int) -> str:
    """60 characters of printable noise, a different shape for every seed."""
    digest = hashlib.sha256(str(seed).encode()).digest() * 2
    return base64.b64encode(digest).decode()[:60]
