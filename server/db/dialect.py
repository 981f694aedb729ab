"""Dialect-aware statements that SQLite and PostgreSQL both support but spell through
different SQLAlchemy modules (`INSERT ... ON CONFLICT`).

Each dialect's module is imported when a statement needs it: a SQLite server (the one
bundled with the studio) never loads PostgreSQL's (~2 MB).
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT that offers `on_conflict_do_nothing` / `on_conflict_do_update` on both."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)
