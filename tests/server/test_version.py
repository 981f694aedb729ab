"""One version everywhere: the installed distribution's, as `/health` and the studio say it."""

import asyncio
import importlib.metadata
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import server
from server.version import DISTRIBUTION, UNKNOWN
from studio.core import updates
from tests.support.live_server import LiveServer

REPO = Path(__file__).resolve().parents[2]


def test_health_and_the_studio_report_the_installed_version(live_server: LiveServer) -> None:
    installed = importlib.metadata.version(DISTRIBUTION)
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert installed == pyproject, "the installed metadata is stale: pip install -e ."
    with live_server.client() as client:
        health = client.get("/health").json()
    assert health["version"] == server.__version__ == updates.installed_version() == installed
    assert live_server.app.version == installed, "the OpenAPI document says the same"


def test_an_uninstalled_source_tree_says_it_does_not_know(tmp_path: Path) -> None:
    """A copy of the package beside no metadata, run without site-packages (-I -S)."""
    (tmp_path / "server").mkdir()
    for name in ("__init__.py", "version.py"):
        shutil.copy(REPO / "server" / name, tmp_path / "server" / name)
    path = str(tmp_path)
    code = f"import sys; sys.path.insert(0, {path!r}); import server; print(server.__version__)"
    ran = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == UNKNOWN


def test_an_unknown_version_is_never_told_to_update() -> None:
    # Nothing is fetched: the address would refuse a connection if it were.
    found = asyncio.run(updates.check_for_update("http://127.0.0.1:9/feed.json", current=UNKNOWN))
    assert found is None
