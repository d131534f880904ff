"""Persistence: cases and feedback in a SQLAlchemy database (SQLite by default, PostgreSQL
when one machine is not enough), its Alembic migrations, and the report built from them."""
