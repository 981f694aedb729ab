"""Run Alembic migrations from code (`flash-server migrate`, tests, the bundled server)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from server.db.engine import _ensure_parent_dir

    if database_url.startswith("sqlite"):
        _ensure_parent_dir(database_url)
    command.upgrade(alembic_config(database_url), revision)
