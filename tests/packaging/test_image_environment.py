"""The server image's Python environment, built without Docker: the builder stage's COPY and
RUN steps replayed into a folder that stands for the image's root, then the installed
`flash-server` migrated, started and asked for its health, as the container would be.

Needs the package index (pip installs the server's requirements): deselect offline with
`-m "not network"`. pip's own cache is kept on purpose (the Dockerfile sets
PIP_NO_CACHE_DIR to keep layers small; here it would only make the test slower).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dockerfile
import httpx
import pytest
from packaging.utils import canonicalize_name

from tests.packaging import dependencies, image_build
from tests.packaging.image_build import REPO
from tests.packaging.server_process import clean_env, running_server

pytestmark = [pytest.mark.network, pytest.mark.timeout(900)]

VENV = "/opt/flash"


def _copy(root: Path, instruction: dockerfile.Command, rules: image_build.IgnoreRules) -> None:
    *sources, destination = instruction.value
    for source in sources:
        path = REPO / source
        into_folder = path.is_dir() or destination.endswith("/")
        for file in rules.context_files(path):
            relative = file.relative_to(path) if path.is_dir() else Path(file.name)
            target = root / destination.lstrip("/")
            target = target / relative if into_folder else target
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)


def _rooted(root: Path, argv: list[str]) -> list[str]:
    """The command with image paths moved under `root`, and shell globs expanded."""
    if argv[:3] == ["python", "-m", "venv"]:
        program = [sys.executable, "-m", "venv"]
        rest = argv[3:]
    elif argv[0] == f"{VENV}/bin/pip":
        program = [str(root / argv[0].lstrip("/"))]
        rest = argv[1:]
    else:
        raise AssertionError(
            f"the builder stage runs {argv!r}; this replay knows `python -m venv` and the "
            f"venv's pip only: keep the builder to those, or teach the replay the new step"
        )
    moved: list[str] = []
    for arg in rest:
        if arg.startswith("/"):
            arg = str(root / arg.lstrip("/"))
            if "*" in arg:
                matches = sorted(Path("/").glob(arg.lstrip("/")))
                assert len(matches) == 1, f"{arg} matches {matches}"
                arg = str(matches[0])
        moved.append(arg)
    return program + moved


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, (
        f"{argv} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


@pytest.fixture(scope="module")
def image_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out like the builder stage's filesystem after its last step."""
    root = tmp_path_factory.mktemp("image")
    rules = image_build.IgnoreRules.load()
    env = clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1")
    builder = image_build.stage("builder")
    for instruction in builder.instructions:
        if instruction.cmd == "COPY":
            _copy(root, instruction, rules)
        elif instruction.cmd == "RUN":
            for argv in builder.run_commands([instruction]):
                _run(_rooted(root, argv), cwd=root, env=env)
    return root


@pytest.fixture
def venv_bin(image_root: Path) -> Path:
    return image_root / VENV.lstrip("/") / "bin"


def _runtime_env(image_root: Path, tmp_path: Path) -> dict[str, str]:
    """The runtime stage's ENV with image paths under `image_root`; data and port in tmp."""
    env = clean_env()
    for key, value in image_build.stage("runtime").env().items():
        value = value.replace("${PATH}", os.environ["PATH"]).replace(VENV, f"{image_root}{VENV}")
        env[key] = value
    env["FLASH_DATA_DIR"] = str(tmp_path / "data")
    env["FLASH_RTMP_PORT"] = "0"  # the sandbox ingest's port: any free one
    return env


def test_qt_is_not_installed(venv_bin: Path, tmp_path: Path) -> None:
    probe = (
        "import importlib.util as u; "
        "print([m for m in ('PySide6', 'shiboken6', 'qasync') if u.find_spec(m)])"
    )
    result = _run([str(venv_bin / "python"), "-c", probe], cwd=tmp_path, env=clean_env())
    assert result.stdout.strip() == "[]"


def test_the_server_comes_from_the_installed_wheel(
    venv_bin: Path, image_root: Path, tmp_path: Path
) -> None:
    """Not from a source tree: so a module or migration missing from the wheel shows here."""
    probe = "import server.db.migrate as m; print(m.__file__); print(m.MIGRATIONS)"
    result = _run([str(venv_bin / "python"), "-c", probe], cwd=tmp_path, env=clean_env())
    module, migrations = result.stdout.split()
    site = image_root / VENV.lstrip("/") / "lib"
    assert Path(module).is_relative_to(site)
    shipped = {p.name for p in Path(migrations, "versions").glob("*.py")}
    in_tree = {p.name for p in (REPO / "server/db/migrations/versions").glob("*.py")}
    assert shipped == in_tree


def test_pip_finds_no_conflict_and_misses_only_what_the_server_never_imports(
    venv_bin: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [str(venv_bin / "python"), "-m", "pip", "check"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    problems = [line for line in result.stdout.splitlines() if line.strip()]
    conflicts = [line for line in problems if "which is not installed" not in line]
    assert not conflicts, "requirements-server.txt disagrees with pyproject.toml:\n" + "\n".join(
        conflicts
    )
    missing = {
        canonicalize_name(line.split(" requires ")[1].split(",")[0].strip())
        for line in problems
        if line.startswith("flash-africa ")
    }
    needed = dependencies.server_distributions()
    assert not missing & set(needed), f"the server imports {missing & set(needed)}, not installed"


def test_migrate_then_run_serves_health_and_the_healthcheck_passes(
    image_root: Path, venv_bin: Path, tmp_path: Path
) -> None:
    """The image's own commands, found on PATH as in the container: ENTRYPOINT + `migrate`,
    then ENTRYPOINT + CMD (the port moved to a free one: argparse takes the last --port)."""
    runtime = image_build.stage("runtime")
    entrypoint = runtime.exec_form("ENTRYPOINT")
    env = _runtime_env(image_root, tmp_path)
    assert shutil.which(entrypoint[0], path=env["PATH"]) == str(venv_bin / entrypoint[0])
    migrated = _run([*entrypoint, "migrate"], cwd=tmp_path, env=env)
    assert "up to date" in migrated.stdout
    assert (tmp_path / "data" / "flash.db").is_file(), "SQLite lands in FLASH_DATA_DIR"

    command = [*entrypoint, *runtime.exec_form("CMD")]
    with running_server(command, env, tmp_path) as server:
        answer = httpx.get(server.url + "/api/v1/health", timeout=10)
        assert answer.status_code == 200
        assert answer.json()["database"] == "ok", "migrations ran against the same database"

        check = [part.replace(":8000/", f":{server.port}/") for part in runtime.healthcheck()]
        assert subprocess.run(check, env=env, cwd=tmp_path, timeout=30).returncode == 0
