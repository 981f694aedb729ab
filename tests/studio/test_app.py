"""`flash-studio` as a process: the window first, go-live dispatch, a clean exit."""

import os
import signal
import subprocess
import sys
import types
from pathlib import Path

import psutil
import pytest

from studio import app

STUDIO = [sys.executable, "-m", "studio"]


def studio_environment(home: Path) -> dict[str, str]:
    """A fresh user: own config and data folders, and no keyring (never the real one)."""
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def test_go_live_is_handed_to_the_encoder_command(monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[list[str]] = []

    def go_live(argv: list[str]) -> int:
        received.append(argv)
        return 3

    module = types.ModuleType("studio.core.go_live_cli")
    module.main = go_live  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "studio.core.go_live_cli", module)
    code = app.main(["go-live", "--ingest", "rtmp://127.0.0.1/live", "--duration", "2"])
    assert code == 3
    assert received == [["--ingest", "rtmp://127.0.0.1/live", "--duration", "2"]]


def test_the_window_opens_before_anything_heavy(tmp_path: Path) -> None:
    env = studio_environment(tmp_path) | {app.EXIT_AFTER_SHOWN: "1"}
    probe = (
        "import sys; sys.argv = ['flash-studio']\n"
        "from studio.app import main\n"
        "code = main([])\n"
        "heavy = ('httpx', 'pydantic', 'keyring', 'server.contract')\n"
        "heavy = [name for name in heavy if name in sys.modules]\n"
        "print('heavy:', ','.join(heavy))\n"
        "raise SystemExit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "flash-studio: window shown" in result.stderr
    assert "heavy: \n" in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a POSIX signal")
def test_closing_the_studio_stops_its_bundled_server(tmp_path: Path) -> None:
    process = subprocess.Popen(
        STUDIO,
        env=studio_environment(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "flash-studio: ready" in line:
                break
        else:
            pytest.fail("the studio exited before it was ready")
        children = psutil.Process(process.pid).children(recursive=True)
        assert any("server" in child.cmdline() for child in children)

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert alive == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
