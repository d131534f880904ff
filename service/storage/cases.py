"""Cases and feedback in a real database: SQLite (WAL) by default, any SQLAlchemy URL otherwise.

A write returns only after its transaction committed, so whatever the API acknowledged
survives a restart (SQLite runs with ``synchronous=FULL`` in WAL mode for that). The schema is
Alembic's (``service/storage/migrations``): ``CaseStore`` upgrades the database to head when it
opens.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from alembic import command
from alembic.config import Config
from pydantic import AfterValidator, BaseModel, ValidationError
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine, RowMapping

from service.engine.types import Diagnosis, InputStats, Verdict
from service.errors import NotFoundError

Outcome = Literal["fixed", "not_helped"]

metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("kb_version", String(64), nullable=False),
    Column("input_text", Text, nullable=False),
    Column("input_bytes", Integer, nullable=False),
    Column("redactions", Text, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("top_cause", String(64)),
    Column("diagnosis", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("leaf_cause", String(64)),
    Column("fixes", Text, nullable=False),
    # The tree the walk is in, and the question it stopped at (NULL once at a fix page).
    Column("walk_tree", String(64)),
    Column("open_node", String(64)),
    # The walk's last signed state token (it expires on its own): reopening continues there.
    Column("walk_state", Text),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("cause_id", String(64)),
    Column("fix_id", String(128)),
    Column("comment", Text),
)


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every moment stored here is UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_utc)]


class FeedbackRecord(BaseModel):
    id: int
    case_id: str
    created_at: UtcDateTime
    outcome: Outcome
    cause_id: str | None
    fix_id: str | None
    comment: str | None


class CaseRecord(BaseModel):
    id: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    channel: str
    kb_version: str
    input_text: str
    input_bytes: int
    redactions: dict[str, int]
    verdict: str
    top_cause: str | None
    diagnosis: Diagnosis
    path: list[dict[str, Any]]
    leaf_cause: str | None
    fixes: list[str]
    walk_tree: str | None = None
    open_node: str | None = None
    walk_state: str | None = None
    feedback: list[FeedbackRecord]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: serializes concurrent start-ups (several workers) migrating one PostgreSQL.
_MIGRATION_LOCK = 0x0D0C7012


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest schema; a no-op when it is already there."""
    config = alembic_config()
    with engine.begin() as connection:
        _lock_for_migration(connection)
        config.attributes["connection"] = connection
        tables = set(inspect(connection).get_table_names())
        if "cases" in tables and "alembic_version" not in tables:
            # Made by create_all before migrations existed: that schema is revision 0001.
            command.stamp(config, "0001")
        command.upgrade(config, "head")


def _lock_for_migration(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":
        # pysqlite runs DDL outside a transaction; an explicit write lock makes a second
        # process wait (busy_timeout) and then find the schema already at head.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    # Switching a new database to WAL can answer "database is locked" at once, busy timeout
    # or not, while another process (a worker starting beside this one) is switching it too.
    for attempt in itertools.count(1):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt >= WAL_SWITCH_ATTEMPTS:
                raise
            time.sleep(0.05 * attempt)
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


WAL_SWITCH_ATTEMPTS = 20


@dataclass(frozen=True)
class WalkPosition:
    """Where a case's walk is: the answers so far, and its fix page or the open question."""

    path: list[dict[str, Any]] = field(default_factory=list)
    leaf_cause: str | None = None
    fixes: list[str] = field(default_factory=list)
    tree: str | None = None
    open_node: str | None = None
    state: str | None = None

    def values(self) -> dict[str, Any]:
        return {
            "path": json.dumps(self.path),
            "leaf_cause": self.leaf_cause,
            "fixes": json.dumps(self.fixes),
            "walk_tree": self.tree,
            "open_node": self.open_node,
            "walk_state": self.state,
        }


class CaseStore:
    """Every diagnosis as a case, the walk it took, the fix it reached, and the feedback."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        migrate(self.engine)

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    @staticmethod
    def new_case_id() -> str:
        return uuid.uuid4().hex

    def create_case(
        self,
        *,
        channel: str,
        kb_version: str,
        input_text: str,
        input_bytes: int,
        redactions: dict[str, int],
        verdict: str,
        top_cause: str | None,
        diagnosis: Diagnosis,
        case_id: str | None = None,
        walk: WalkPosition | None = None,
    ) -> str:
        """Save a new case, with where its walk starts when that is known: one transaction."""
        case_id = case_id or self.new_case_id()
        now = _now()
        with self._tx() as tx:
            tx.execute(
                insert(cases).values(
                    id=case_id,
                    created_at=now,
                    updated_at=now,
                    channel=channel,
                    kb_version=kb_version,
                    input_text=input_text,
                    input_bytes=input_bytes,
                    redactions=json.dumps(redactions),
                    verdict=verdict,
                    top_cause=top_cause,
                    diagnosis=diagnosis.model_dump_json(),
                    **(walk or WalkPosition()).values(),
                )
            )
        return case_id

    def record_walk(self, case_id: str, position: WalkPosition) -> None:
        """Save where a walk is: its tree, answers, and its fix page or the question open."""
        with self._tx() as tx:
            result = tx.execute(
                update(cases)
                .where(cases.c.id == case_id)
                .values(**position.values(), updated_at=_now())
            )
            if result.rowcount == 0:
                raise NotFoundError("case", case_id)

    def add_feedback(
        self, case_id: str, outcome: Outcome, fix_id: str | None, comment: str | None
    ) -> FeedbackRecord:
        with self._tx() as tx:
            row = tx.execute(
                select(cases.c.leaf_cause, cases.c.top_cause, cases.c.fixes).where(
                    cases.c.id == case_id
                )
            ).first()
            if row is None:
                raise NotFoundError("case", case_id)
            shown = json.loads(row.fixes)
            fix = fix_id or (shown[0] if shown else None)
            values = {
                "case_id": case_id,
                "created_at": _now(),
                "outcome": outcome,
                "cause_id": row.leaf_cause or row.top_cause,
                "fix_id": fix,
                "comment": comment,
            }
            new_id = tx.execute(insert(feedback).values(**values)).inserted_primary_key
            assert new_id is not None
        return FeedbackRecord(id=int(new_id[0]), **values)

    def get_case(self, case_id: str) -> CaseRecord:
        with self.engine.connect() as connection:
            row = connection.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
            if row is None:
                raise NotFoundError("case", case_id)
            notes = connection.execute(
                select(feedback).where(feedback.c.case_id == case_id).order_by(feedback.c.id)
            ).mappings()
            return CaseRecord(
                **{
                    **row,
                    "redactions": json.loads(row["redactions"]),
                    "diagnosis": _stored_diagnosis(row),
                    "path": json.loads(row["path"]),
                    "fixes": json.loads(row["fixes"]),
                },
                feedback=[FeedbackRecord(**n) for n in notes],
            )

    def confirmed_cases(self, limit: int = 5000) -> list[tuple[str, str, str]]:
        """(case id, cause, redacted input) of the newest cases whose feedback said a fix
        worked, one per case: what the service learned from its own outcomes."""
        query = (
            select(cases.c.id, feedback.c.cause_id, cases.c.input_text)
            .join(feedback, feedback.c.case_id == cases.c.id)
            .where(feedback.c.outcome == "fixed", feedback.c.cause_id.is_not(None))
            .order_by(feedback.c.id.desc())
        )
        seen: dict[str, tuple[str, str, str]] = {}
        with self.engine.connect() as connection:
            for case_id, cause_id, text in connection.execute(query):
                if case_id not in seen:
                    seen[case_id] = (case_id, cause_id, text)
                if len(seen) >= limit:
                    break
        return list(seen.values())

    def fix_stats(self, cause_id: str) -> dict[str, tuple[int, int]]:
        """(fixed, not helped) counts per fix for one cause."""
        query = (
            select(feedback.c.fix_id, feedback.c.outcome, func.count())
            .where(feedback.c.cause_id == cause_id, feedback.c.fix_id.is_not(None))
            .group_by(feedback.c.fix_id, feedback.c.outcome)
        )
        stats: dict[str, tuple[int, int]] = {}
        with self.engine.connect() as connection:
            for fix_id, outcome, count in connection.execute(query):
                fixed, not_helped = stats.get(fix_id, (0, 0))
                if outcome == "fixed":
                    fixed += count
                else:
                    not_helped += count
                stats[fix_id] = (fixed, not_helped)
        return stats

    def close(self) -> None:
        self.engine.dispose()


def _stored_diagnosis(row: RowMapping) -> Diagnosis:
    """The case's diagnosis as stored; one stored by a version whose diagnosis had another
    shape reads as an empty diagnosis with the row's verdict that says so, never as an error."""
    try:
        return Diagnosis.model_validate_json(row["diagnosis"])
    except ValidationError:
        return Diagnosis(
            verdict=row["verdict"] if row["verdict"] in get_args(Verdict) else "unknown",
            summary="This case was stored by an earlier version of the service and its "
            "diagnosis cannot be shown here; paste the input again to diagnose it anew.",
            causes=[],
            facts=[],
            findings=[],
            kb_version=row["kb_version"],
            input=InputStats(bytes=row["input_bytes"], lines=0, distinct_lines=0, kind="words"),
        )
