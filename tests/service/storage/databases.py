"""The databases the storage tests run against: SQLite always, PostgreSQL when one is given.

``DOCTOR_TEST_POSTGRES_URL`` names a PostgreSQL database whose user may create databases;
each test gets a fresh database of its own, dropped afterwards. ``.ci/run`` starts one with
``.ci/postgres``. Unset, the PostgreSQL variants skip locally but fail in CI (``CI`` set),
so the storage behaviour is never silently left untested there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url

POSTGRES_ENV = "DOCTOR_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if in_ci():
        pytest.fail(
            f"{POSTGRES_ENV} is not set: in CI the storage tests must run against PostgreSQL "
            "(.ci/run starts one with .ci/postgres)"
        )
    pytest.skip(f"PostgreSQL not configured: export {POSTGRES_ENV}=$(.ci/postgres) to run it")


@contextmanager
def fresh_postgres_database(url: str) -> Iterator[str]:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"doctor_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of ``backend``, as a SQLAlchemy URL."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'doctor.db'}"
        return
    with fresh_postgres_database(postgres_url()) as url:
        yield url
