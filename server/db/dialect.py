"""Dialect-aware statements that SQLite and PostgreSQL both support but spell through
different SQLAlchemy modules (`INSERT ... ON CONFLICT`)."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT that offers `on_conflict_do_nothing` / `on_conflict_do_update` on both."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
