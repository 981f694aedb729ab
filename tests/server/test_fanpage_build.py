"""The fan page the server ships (server/fanpage/static/, committed so a server install
needs no Node) is exactly what web/fanpage/src builds to: a source edit without a
rebuild, or a hand edit of the built files, fails here.

Needs node and npm (CI installs them, .ci/run). `npm ci` runs first when
web/fanpage/node_modules is missing, from the committed package-lock.json.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from server.fanpage.assets import STATIC_DIR

FANPAGE = Path(__file__).resolve().parents[2] / "web" / "fanpage"
NODE, NPM = shutil.which("node"), shutil.which("npm")
pytestmark = pytest.mark.skipif(
    NODE is None or NPM is None,
    reason="node and npm are not installed (apt-get install nodejs npm): the fan page "
    "cannot be rebuilt to compare with server/fanpage/static",
)


def run(*command: str) -> subprocess.CompletedProcess[str]:
    ran = subprocess.run(
        command, cwd=FANPAGE, capture_output=True, text=True, timeout=300, check=False
    )
    assert ran.returncode == 0, f"{' '.join(command)} failed:\n{ran.stdout}\n{ran.stderr}"
    return ran


@pytest.fixture(scope="module")
def build_tools() -> None:
    if not (FANPAGE / "node_modules" / ".package-lock.json").is_file():
        assert NPM is not None
        run(NPM, "ci", "--no-audit", "--no-fund", "--loglevel=error")


def files_in(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_the_committed_build_is_what_the_source_builds_to(
    build_tools: None, tmp_path: Path
) -> None:
    assert NODE is not None
    printed = run(NODE, "build.mjs", str(tmp_path)).stdout
    fresh, committed = files_in(tmp_path), files_in(STATIC_DIR)
    assert sorted(fresh) == sorted(committed), "run `npm run build` in web/fanpage and commit"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == [], (
        f"server/fanpage/static/{', '.join(stale)} differ from a fresh build of web/fanpage/src:"
        " run `npm run build` in web/fanpage and commit the result"
    )
    assert "KB gzipped" in printed


def test_the_build_is_the_same_every_time(build_tools: None, tmp_path: Path) -> None:
    assert NODE is not None
    run(NODE, "build.mjs", str(tmp_path / "first"))
    run(NODE, "build.mjs", str(tmp_path / "second"))
    assert files_in(tmp_path / "first") == files_in(tmp_path / "second")


def test_the_source_type_checks(build_tools: None) -> None:
    assert NPM is not None
    run(NPM, "run", "--silent", "typecheck")
