"""Which distributions the server imports, and which ones requirements-server.txt brings.

Both are read from installed metadata (importlib.metadata) in the test venv, where the
whole project and its dev extras are installed.
"""

import ast
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

REPO = Path(__file__).resolve().parents[2]
SERVER = REPO / "server"
REQUIREMENTS = REPO / "packaging" / "docker" / "requirements-server.txt"
QT = {canonicalize_name(name) for name in ("PySide6", "PySide6-Essentials", "shiboken6", "qasync")}


def requirements() -> list[Requirement]:
    lines = REQUIREMENTS.read_text().splitlines()
    return [Requirement(line.split("#")[0]) for line in lines if line.split("#")[0].strip()]


def server_imports() -> dict[str, list[str]]:
    """Top-level third-party modules that server/ imports, each with a file that does."""
    found: dict[str, list[str]] = {}
    for path in sorted(SERVER.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "server":
                    continue
                found.setdefault(top, []).append(str(path.relative_to(REPO)))
    return found


def server_distributions() -> dict[NormalizedName, str]:
    """Distribution -> the module (and a file) that needs it. Unknown modules fail loudly."""
    owners = metadata.packages_distributions()
    needed: dict[NormalizedName, str] = {}
    for module, files in server_imports().items():
        dists = owners.get(module)
        assert dists, f"{files[0]} imports {module!r}, which no installed distribution provides"
        for dist in dists:
            needed.setdefault(canonicalize_name(dist), f"{module} ({files[0]})")
    return needed


@cache
def _requires(name: NormalizedName) -> tuple[str, ...]:
    try:
        return tuple(metadata.requires(name) or ())
    except metadata.PackageNotFoundError:
        return ()


def closure(roots: list[Requirement]) -> set[NormalizedName]:
    """The requirements and everything they pull in on this platform, extras included."""
    seen: set[NormalizedName] = set()
    queue = [(canonicalize_name(r.name), frozenset(r.extras)) for r in roots]
    while queue:
        name, extras = queue.pop()
        if name in seen and not extras:
            continue
        seen.add(name)
        for text in _requires(name):
            req = Requirement(text)
            if req.marker is None or any(
                req.marker.evaluate({"extra": extra}) for extra in {"", *extras}
            ):
                queue.append((canonicalize_name(req.name), frozenset(req.extras)))
    return seen
