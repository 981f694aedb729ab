"""Fresh, migrated databases for tests, each a copy of one template migrated once per test
run (a copy takes milliseconds, a migration a quarter of a second): a SQLite file, or a
PostgreSQL database cloned from its template when FLASH_TEST_DATABASE_URL is set."""

import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from server.db.migrate import upgrade

POSTGRES_URL = os.environ.get("FLASH_TEST_DATABASE_URL")


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def _with_database(url: str, name: str) -> str:
    base, _, _query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name


_template: str | None = None


def _pg_execute(statement: str) -> None:
    import asyncio

    import asyncpg

    async def run() -> None:
        assert POSTGRES_URL
        dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def _pg_template() -> str:
    """Migrate one template database per test run; each test clones it."""
    global _template
    if _template is None:
        assert POSTGRES_URL
        name = f"flash_tpl_{uuid.uuid4().hex[:10]}"
        _pg_execute(f'CREATE DATABASE "{name}"')
        upgrade(_async_url(_with_database(POSTGRES_URL, name)))
        _template = name
    return _template


def _async_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


_sqlite_template: Path | None = None


def _sqlite_template_file() -> Path:
    """Migrate one SQLite template file per test run, its WAL folded into the file so a
    plain copy of it is the whole database."""
    global _sqlite_template
    if _sqlite_template is None:
        path = Path(tempfile.mkdtemp(prefix="flash-tpl-")) / "template.db"
        upgrade(f"sqlite+aiosqlite:///{path}")
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _sqlite_template = path
    return _sqlite_template


@contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yield an async SQLAlchemy URL of an empty, fully migrated database."""
    if backend == "sqlite":
        path = tmp_path / "flash.db"
        shutil.copyfile(_sqlite_template_file(), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    assert POSTGRES_URL, "PostgreSQL tests need FLASH_TEST_DATABASE_URL"
    template = _pg_template()
    name = f"flash_t_{uuid.uuid4().hex[:12]}"
    _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _async_url(_with_database(POSTGRES_URL, name))
    finally:
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_templates() -> None:
    if _template is not None:
        _pg_execute(f'DROP DATABASE IF EXISTS "{_template}" WITH (FORCE)')
    if _sqlite_template is not None:
        shutil.rmtree(_sqlite_template.parent, ignore_errors=True)


__all__ = ["backends", "drop_templates", "fresh_database"]


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> Iterator[str]:
    """For tests about the studio, the fan page or a figure, not about storage: they run on
    SQLite only, since tests/server covers every backend."""
    with fresh_database("sqlite", tmp_path) as url:
        yield url
