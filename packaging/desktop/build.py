"""Build the studio's one-folder bundle with PyInstaller, on whichever OS runs it.

    python packaging/desktop/build.py [--dist DIR] [--work DIR]

It checks what a build needs before spending minutes on it (PyInstaller installed, the
project installed at the version pyproject.toml says, every data file present), then runs
`flash-studio.spec`. The output is `DIST/flash-studio/` (Linux, Windows) or
`DIST/Flash Africa Studio.app` (macOS); the per-OS scripts turn it into installers.
"""

import argparse
import importlib.metadata
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app_identity as identity  # beside this script, not an installed module


def bundle_path(dist: Path) -> Path:
    if sys.platform == "darwin":
        return dist / f"{identity.APP_NAME}.app"
    return dist / identity.EXECUTABLE


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def problems() -> list[str]:
    """What would make the build fail or produce a broken bundle, each with its remedy."""
    found: list[str] = []
    if importlib.util.find_spec("PyInstaller") is None:
        found.append("PyInstaller is not installed: pip install -e '.[packaging]'")
    try:
        installed = importlib.metadata.version(identity.DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed != identity.version():
        found.append(
            f"{identity.DISTRIBUTION} {installed or '(not installed)'} is installed but "
            f"pyproject.toml says {identity.version()}: pip install -e . (the bundle copies "
            "the installed metadata, which is where the studio reads its version)"
        )
    for pattern in identity.missing_data():
        found.append(f"no file matches {pattern}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=identity.REPO / "dist" / "desktop")
    parser.add_argument("--work", type=Path, default=identity.REPO / "build" / "desktop")
    args = parser.parse_args(argv)
    found = problems()
    for problem in found:
        print(f"build.py: {problem}", file=sys.stderr)
    if found:
        return 2
    if not any(identity.REPO.glob("resources/translations/*.qm")):
        print(
            "build.py: warning: no compiled translation (resources/translations/*.qm): "
            "the studio will show English only",
            file=sys.stderr,
        )
    started = time.monotonic()
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(args.dist), "--workpath", str(args.work),
        str(identity.HERE / "flash-studio.spec"),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=identity.REPO, check=False)
    if result.returncode != 0:
        print(f"build.py: PyInstaller failed (exit code {result.returncode})", file=sys.stderr)
        return result.returncode
    bundle = bundle_path(args.dist)
    print(
        f"build.py: {bundle} ({folder_size(bundle) / 2**20:.0f} MiB) "
        f"built in {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
