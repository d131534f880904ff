from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from service.engine.types import Verdict
from service.errors import NotFoundError
from service.storage.cases import (
    CaseStore,
    WalkPosition,
    alembic_config,
    make_engine,
    metadata,
    migrate,
)
from tests.service.builders import diagnosis_of
from tests.service.storage.databases import BACKENDS, database

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
PATH = [{"node": "q1", "question": "Q?", "option": "yes", "label": "Yes", "how": "user"}]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Iterator[CaseStore]:
    store = CaseStore(database_url)
    yield store
    store.close()


def new_case(store: CaseStore, verdict: Verdict = "driver_oom", top: str | None = "collect") -> str:
    return store.create_case(
        channel="api",
        kb_version="kb-1",
        input_text="java.lang.OutOfMemoryError: Java heap space",
        input_bytes=44,
        redactions={"password": 1},
        verdict=verdict,
        top_cause=top,
        diagnosis=diagnosis_of(verdict),
    )


def schema(url: str) -> dict[str, dict[str, tuple[str, bool]]]:
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        return {
            table: {
                c["name"]: (type(c["type"]).__name__, c["nullable"])
                for c in inspector.get_columns(table)
            }
            for table in inspector.get_table_names()
            if table != "alembic_version"
        }
    finally:
        engine.dispose()


def differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), metadata))
    finally:
        engine.dispose()


def version(store: CaseStore) -> list[str]:
    with store.engine.connect() as connection:
        return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def test_create_case_round_trips(store: CaseStore) -> None:
    case_id = new_case(store)

    case = store.get_case(case_id)

    assert (case.id, case.channel, case.verdict, case.top_cause) == (
        case_id,
        "api",
        "driver_oom",
        "collect",
    )
    assert case.redactions == {"password": 1}
    assert case.diagnosis == diagnosis_of("driver_oom")  # read back typed, field for field
    assert (case.path, case.fixes, case.feedback) == ([], [], [])


def test_record_walk_saves_open_question_then_fix(store: CaseStore) -> None:
    case_id = new_case(store)

    store.record_walk(case_id, WalkPosition(tree="collect-tree", open_node="q1"))
    open_case = store.get_case(case_id)
    store.record_walk(case_id, WalkPosition(PATH, "collect", ["fix-a", "fix-b"], "collect-tree"))
    done = store.get_case(case_id)

    assert (open_case.walk_tree, open_case.open_node, open_case.leaf_cause) == (
        "collect-tree",
        "q1",
        None,
    )
    assert (done.walk_tree, done.open_node, done.leaf_cause) == ("collect-tree", None, "collect")
    assert done.path == PATH
    assert done.fixes == ["fix-a", "fix-b"]


def test_record_walk_rejects_unknown_case(store: CaseStore) -> None:
    with pytest.raises(NotFoundError):
        store.record_walk("missing", WalkPosition())


def test_add_feedback_defaults_to_first_fix_shown(store: CaseStore) -> None:
    case_id = new_case(store)
    store.record_walk(case_id, WalkPosition(PATH, "broadcast", ["fix-a", "fix-b"], "t"))

    note = store.add_feedback(case_id, "fixed", None, "worked")

    assert (note.case_id, note.outcome, note.cause_id, note.fix_id) == (
        case_id,
        "fixed",
        "broadcast",
        "fix-a",
    )
    assert [f.id for f in store.get_case(case_id).feedback] == [note.id]


def test_add_feedback_uses_top_cause_without_leaf(store: CaseStore) -> None:
    case_id = new_case(store, top="collect")

    note = store.add_feedback(case_id, "not_helped", "fix-z", None)

    assert (note.cause_id, note.fix_id, note.comment) == ("collect", "fix-z", None)


def test_add_feedback_rejects_unknown_case(store: CaseStore) -> None:
    with pytest.raises(NotFoundError):
        store.add_feedback("missing", "fixed", None, None)


def test_get_case_rejects_unknown_case(store: CaseStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_case("missing")


def test_fix_stats_counts_outcomes_per_fix(store: CaseStore) -> None:
    case_id = new_case(store)
    store.record_walk(case_id, WalkPosition(PATH, "collect", ["fix-a", "fix-b"], "t"))
    for outcome, fix in [("fixed", "fix-a"), ("fixed", "fix-a"), ("not_helped", "fix-a")]:
        store.add_feedback(case_id, outcome, fix, None)  # type: ignore[arg-type]
    store.add_feedback(case_id, "not_helped", "fix-b", None)

    assert store.fix_stats("collect") == {"fix-a": (2, 1), "fix-b": (0, 1)}
    assert store.fix_stats("other") == {}


def test_reopen_store_keeps_cases_and_feedback(database_url: str) -> None:
    first = CaseStore(database_url)
    case_id = new_case(first)
    first.add_feedback(case_id, "fixed", "fix-a", None)
    first.close()

    second = CaseStore(database_url)
    case = second.get_case(case_id)
    second.close()

    assert [f.fix_id for f in case.feedback] == ["fix-a"]


def test_migrate_builds_schema_equal_to_metadata(store: CaseStore, database_url: str) -> None:
    expected = {table.name: {c.name for c in table.columns} for table in metadata.sorted_tables}

    tables = schema(database_url)

    assert {name: set(columns) for name, columns in tables.items()} == expected
    assert differences(database_url) == []
    assert version(store) == [HEAD]


def test_migrate_twice_is_noop(store: CaseStore, database_url: str) -> None:
    case_id = new_case(store)
    before = schema(database_url)

    migrate(store.engine)
    CaseStore(database_url).close()

    assert schema(database_url) == before
    assert version(store) == [HEAD]
    assert store.get_case(case_id).id == case_id


def test_migrate_adopts_database_made_before_migrations(database_url: str) -> None:
    # The schema create_all made before Alembic: revision 0001 without the version table.
    engine = make_engine(database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(
            text(
                "INSERT INTO cases (id, created_at, updated_at, channel, kb_version, input_text,"
                " input_bytes, redactions, verdict, diagnosis, path, fixes) VALUES ('old',"
                " '2024-01-01 00:00:00', '2024-01-01 00:00:00', 'api', 'kb', 'x', 1, '{}',"
                " 'unknown', '{}', '[]', '[]')"
            )
        )
    engine.dispose()

    store = CaseStore(database_url)
    case = store.get_case("old")
    store.close()

    assert (case.verdict, case.walk_tree, case.open_node) == ("unknown", None, None)
    # Its diagnosis ('{}') has an older shape: it reads as an empty one that says so.
    assert case.diagnosis.verdict == "unknown" and case.diagnosis.causes == []
    assert "earlier version" in case.diagnosis.summary
    assert differences(database_url) == []


def test_migrations_downgrade_to_base_and_back(store: CaseStore, database_url: str) -> None:
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert schema(database_url) == {}

    migrate(store.engine)

    assert differences(database_url) == []


def test_concurrent_startups_migrate_one_fresh_database(database_url: str) -> None:
    # Several workers starting at once on an empty database: exactly one migrates.
    def start(_: int) -> str:
        CaseStore(database_url).close()
        return "ok"

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(start, range(6)))

    assert results == ["ok"] * 6
    assert differences(database_url) == []


def test_create_case_saves_where_the_walk_starts_in_the_same_write(store: CaseStore) -> None:
    case_id = store.new_case_id()
    made = store.create_case(
        channel="api",
        kb_version="v1",
        input_text="driver died",
        input_bytes=11,
        redactions={},
        verdict="driver_oom",
        top_cause="collect_to_driver",
        diagnosis=diagnosis_of("driver_oom"),
        case_id=case_id,
        walk=WalkPosition(tree="collect-tree", open_node="q1"),
    )
    assert made == case_id
    record = store.get_case(case_id)
    assert record.walk_tree == "collect-tree" and record.open_node == "q1"
    assert record.path == [] and record.fixes == []


def test_case_and_feedback_times_are_utc_with_their_offset(tmp_path: Path) -> None:
    store = CaseStore(f"sqlite:///{tmp_path / 'doctor.db'}")
    case_id = store.create_case(
        channel="api",
        kb_version="v",
        input_text="x",
        input_bytes=1,
        redactions={},
        verdict="unknown",
        top_cause=None,
        diagnosis=diagnosis_of("unknown"),
    )
    store.add_feedback(case_id, "fixed", None, None)
    record = store.get_case(case_id)
    for moment in (record.created_at, record.updated_at, record.feedback[0].created_at):
        assert moment.utcoffset() == dt.timedelta(0)
    assert record.model_dump_json().count('Z"') + record.model_dump_json().count("+00:00") >= 3
    store.close()


def test_a_case_keeps_its_walk_state_and_the_api_shows_that_step(client: TestClient) -> None:
    body = client.post("/v1/diagnose", json={"text": "the driver died, no idea why"}).json()
    record = client.get(f"/v1/cases/{body['case_id']}").json()
    assert record["walk_state"] == body["step"]["state"]
    again = client.post("/v1/walk/step", json={"state": record["walk_state"]})
    assert again.status_code == 200
    assert again.json()["question"]["node"] == body["step"]["question"]["node"]
    tampered = client.post("/v1/walk/step", json={"state": record["walk_state"][:-3] + "xyz"})
    assert tampered.status_code == 400 and tampered.json()["field"] == "state"
