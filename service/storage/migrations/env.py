"""Alembic environment: the service's own tables, on the connection the caller hands in.

``service.storage.cases.migrate`` passes an open connection in ``config.attributes["connection"]``;
the ``alembic`` command line (new revisions) connects to the URL from the service's settings.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from service.config import Settings
from service.storage.cases import make_engine, metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection: Connection | None = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(Settings().resolved_database_url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
_run_online()
