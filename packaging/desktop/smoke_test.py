"""Start an installed studio the way a new user would, and check that it really works.

    python packaging/desktop/smoke_test.py PROGRAM [--quick]

PROGRAM is the installed `flash-studio` (inside a .deb unpacked with `dpkg-deb -x`, an
AppDir, an unpacked AppImage, the .app, or the Windows install folder). It runs with a
fresh home folder, no Python on the PATH, no D-Bus (so no keyring) and Qt's offscreen
platform, then checks, as a user would see it:

1. the window opens, the bundled server starts (a frozen bundle has no `python -m`),
   answers `/api/v1/health` with the release's version, and the studio says it is ready;
2. the server migrated its SQLite database from the migrations inside the bundle;
3. `go-live` finds the bundled ffmpeg (it reaches ffmpeg's own "cannot connect" error);
4. a polite stop (SIGTERM) closes the studio with exit code 0 and stops its server.

`--quick` (Windows, which has no SIGTERM for a windowed program) replaces 1 and 4 with a
start that exits once the window is shown, and `-m server migrate` run directly.
"""

import argparse
import ast
import contextlib
import json
import os
import queue
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app_identity as identity  # beside this script, not an installed module

DATA_FOLDER = "FlashAfrica"
READY_S = 180.0
STOP_S = 30.0
CLEARED = ("PYTHON", "VIRTUAL_ENV", "FLASH_", "QT_", "LD_LIBRARY_PATH", "DBUS_SESSION")
TROUBLE = r"bundled server (stopped|did not answer)|built-in server stopped|Traceback"
"""Lines after which waiting longer is pointless: the studio's own words for a failure."""


class SmokeFailure(Exception):
    """The installed studio did not do what a user needs; the message says what."""


def fresh_environment(home: Path) -> dict[str, str]:
    """A new user's environment: empty home and data folders, nothing from this venv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED)}
    folders = {
        "HOME": home,
        "USERPROFILE": home,
        "APPDATA": home / "AppData" / "Roaming",
        "LOCALAPPDATA": home / "AppData" / "Local",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_RUNTIME_DIR": home / "run",
    }
    for name, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        env[name] = str(folder)
    if sys.platform != "win32":
        env["PATH"] = "/usr/bin:/bin:/usr/sbin:/sbin"
    env.update(QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")
    return env


def data_folder(home: Path) -> Path:
    """Where platformdirs puts the studio's data for this fresh home, on each OS."""
    if sys.platform == "win32":
        return home / "AppData" / "Local" / DATA_FOLDER / DATA_FOLDER
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / DATA_FOLDER
    return home / ".local" / "share" / DATA_FOLDER


class Running:
    """The studio process, its stderr read line by line on a thread (never blocking us)."""

    def __init__(self, program: Path, env: dict[str, str], *args: str) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.process = subprocess.Popen(
            [str(program), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip())
        self.lines.put(None)

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                raise SmokeFailure(f"the studio exited before {pattern!r}:\n{self.output}")
            self.seen.append(line)
            if found := re.search(pattern, line):
                return found
            if re.search(TROUBLE, line):
                self._drain(2.0)
                raise SmokeFailure(f"the studio reported a failure:\n{self.output}")
        raise SmokeFailure(f"no {pattern!r} within {timeout:.0f} s:\n{self.output}")

    def _drain(self, seconds: float) -> None:
        """Collect what follows a failure line for a moment (the traceback that explains it)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return
            if line is None:
                return
            self.seen.append(line)

    @property
    def output(self) -> str:
        return "\n".join(self.seen[-40:])


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:
        body: dict[str, object] = json.load(response)
        return body


def migration_heads(versions: Path) -> set[str]:
    """The revisions no other migration builds on: what `upgrade heads` must reach."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        for node in ast.parse(path.read_text("utf-8")).body:
            if not isinstance(node, ast.AnnAssign | ast.Assign) or node.value is None:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {target.id for target in targets if isinstance(target, ast.Name)}
            if "revision" in names:
                revisions.add(ast.literal_eval(node.value))
            elif "down_revision" in names:
                value = ast.literal_eval(node.value)
                parents.update([value] if isinstance(value, str) else value or ())
    return revisions - parents


def check_database(database: Path) -> str:
    if not database.exists():
        raise SmokeFailure(f"the bundled server made no database at {database}")
    with sqlite3.connect(database) as connection:
        applied = {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
    expected = migration_heads(identity.REPO / "server" / "db" / "migrations" / "versions")
    if applied != expected:
        raise SmokeFailure(f"database at revisions {sorted(applied)}, expected {sorted(expected)}")
    return f"database migrated to {', '.join(sorted(applied))}"


def check_window_and_server(program: Path, home: Path) -> list[str]:
    studio = Running(program, fresh_environment(home))
    try:
        studio.wait_for(r"window shown", READY_S)
        url = studio.wait_for(r"built-in server ready at (http://\S+)", READY_S).group(1)
        health = get_json(f"{url}/api/v1/health")
        if health.get("version") != identity.version():
            raise SmokeFailure(f"health says version {health.get('version')}: {health}")
        screen = studio.wait_for(r"ready: (\w+), server online", READY_S).group(1)
        if sys.platform == "win32":
            raise SmokeFailure("Windows has no SIGTERM for a windowed program: use --quick")
        studio.process.send_signal(signal.SIGTERM)
        code = studio.process.wait(timeout=STOP_S)
    finally:
        if studio.process.poll() is None:
            studio.process.kill()
            studio.process.wait()
    if code != 0:
        raise SmokeFailure(f"the studio exited with code {code} when asked to stop:\n"
                           f"{studio.output}")  # fmt: skip
    try:
        get_json(f"{url}/api/v1/health")
    except (urllib.error.URLError, ConnectionError):
        pass
    else:
        raise SmokeFailure(f"the bundled server still answers at {url} after the studio closed")
    return [
        f"window shown, then {screen} with the bundled server online",
        f"health at {url}: status {health.get('status')}, version {health.get('version')}",
        check_database(data_folder(home) / "flash.db"),
        "stopped by SIGTERM: exit code 0, bundled server gone",
    ]


def check_quick(program: Path, home: Path) -> list[str]:
    env = fresh_environment(home)
    shown = subprocess.run(
        [str(program)], env={**env, "FLASH_STUDIO_EXIT_AFTER_SHOWN": "1"},
        capture_output=True, text=True, timeout=READY_S, check=False,
    )  # fmt: skip
    # The hook exits 0 only once the window is on screen; a windowed .exe may have no stderr.
    logged = "window shown" in shown.stderr or sys.platform == "win32"
    if shown.returncode != 0 or not logged:
        raise SmokeFailure(f"the window did not open (exit code {shown.returncode}):\n"
                           f"{shown.stderr}")  # fmt: skip
    data = home / "server-data"
    migrated = subprocess.run(
        [str(program), "-m", "server", "migrate"],
        env={**env, "FLASH_DATA_DIR": str(data)},
        capture_output=True, text=True, timeout=READY_S, check=False,
    )  # fmt: skip
    if migrated.returncode != 0:
        raise SmokeFailure(f"`-m server migrate` failed:\n{migrated.stdout}{migrated.stderr}")
    return ["window shown", f"bundled server: {check_database(data / 'flash.db')}"]


def bundled_ffmpeg(program: Path) -> Path:
    """The ffmpeg from the imageio-ffmpeg wheel, wherever this OS's bundle keeps data."""
    top = program.resolve().parent
    if sys.platform == "darwin":
        top = top.parent  # Foo.app/Contents: PyInstaller puts data in Resources
    for path in sorted(top.rglob("imageio_ffmpeg/binaries/ffmpeg*")):
        if path.is_file():  # the binaries folder also holds README.md and __init__.py
            return path
    raise SmokeFailure(f"no imageio_ffmpeg/binaries/ffmpeg* under {top}")


def check_ffmpeg(program: Path, home: Path) -> list[str]:
    """The bundled ffmpeg runs, and go-live finds it (ffmpeg's own "cannot connect")."""
    ffmpeg = bundled_ffmpeg(program)
    version = subprocess.run(
        [str(ffmpeg), "-hide_banner", "-version"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if version.returncode != 0 or not version.stdout.startswith("ffmpeg version"):
        raise SmokeFailure(f"{ffmpeg} -version failed:\n{version.stdout}{version.stderr}")
    results = [f"bundled {version.stdout.split(' Copyright')[0].strip()}"]
    if sys.platform == "win32":
        return results  # a windowed .exe may have no stderr to read go-live's words from
    with closed_port() as port:
        result = subprocess.run(
            [str(program), "go-live", "--ingest", f"rtmp://127.0.0.1:{port}/live",
             "--stream-key", "smoke", "--duration", "1", "--video-encoder", "software"],
            env=fresh_environment(home), capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    if "Can't reach the ingest" not in result.stderr:
        raise SmokeFailure(f"go-live did not get as far as the ingest:\n{result.stderr}")
    return [*results, "go-live ran the bundled ffmpeg (it reported the closed ingest)"]


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that is certainly closed: bound by us, never listened on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        yield port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("program", type=Path, help="the installed flash-studio")
    parser.add_argument("--quick", action="store_true", help="no SIGTERM (Windows)")
    args = parser.parse_args(argv)
    if not os.access(args.program, os.X_OK):
        print(f"smoke_test: {args.program} is not an executable program", file=sys.stderr)
        return 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="flash-smoke-") as folder:
        home = Path(folder)
        try:
            check = check_quick if args.quick else check_window_and_server
            results = [*check(args.program, home / "studio"), *check_ffmpeg(args.program, home)]
        except (SmokeFailure, subprocess.TimeoutExpired, OSError) as exc:
            print(f"smoke_test: FAILED for {args.program}: {exc}", file=sys.stderr)
            return 1
    for line in results:
        print(f"smoke_test: ok: {line}")
    print(f"smoke_test: {args.program} passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
