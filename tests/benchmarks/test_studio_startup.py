"""How fast the studio's window appears, and how much memory the studio holds once idle.

Printed, not asserted (functional tests never assert on time): run with `pytest -s`.
- Cold start: from process start to the main window shown (offscreen), `flash-studio`
  against a bare PySide6 + qasync window measured the same way; median of 5 each.
- Memory: resident set of the studio and its bundled server together, once the
  sign-in screen is up and the server answers.
"""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.benchmark

RUNS = 5
BARE_WINDOW = """
import asyncio, logging, sys
import qasync
from PySide6.QtWidgets import QApplication, QMainWindow
logging.basicConfig(level=logging.INFO, format="flash-studio: %(message)s")
app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1120, 740)
window.show()
async def run():
    await asyncio.sleep(0)
    logging.getLogger("bare").info("window shown")
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
with loop:
    loop.run_until_complete(run())
"""


def studio_command() -> list[str]:
    script = shutil.which("flash-studio", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "studio"]


def fresh_user(home: Path) -> dict[str, str]:
    """A first start for a new user, with the byte-code an installed package has."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # else our modules are compiled at every start
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        QT_QPA_PLATFORM="offscreen",
        FLASH_STUDIO_EXIT_AFTER_SHOWN="1",
    )
    return env


def seconds_to_window(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    shown = None
    for line in process.stderr:
        if shown is None and "window shown" in line:
            shown = time.perf_counter() - started
    process.stderr.close()
    assert process.wait(timeout=60) == 0
    assert shown is not None, "no 'window shown' marker"
    return shown


def test_cold_start_against_a_bare_window(tmp_path: Path) -> None:
    env = fresh_user(tmp_path)
    bare = [sys.executable, "-c", BARE_WINDOW]
    studio = studio_command()
    seconds_to_window(bare, env)  # byte-code and OS caches once, for both
    seconds_to_window(studio, env)
    bare_runs, studio_runs = [], []
    for _ in range(RUNS):
        bare_runs.append(seconds_to_window(bare, env))
        studio_runs.append(seconds_to_window(studio, env))
    bare_s, studio_s = statistics.median(bare_runs), statistics.median(studio_runs)
    print(
        f"\nstudio cold start: flash-studio {studio_s * 1000:.0f} ms, bare PySide6+qasync window "
        f"{bare_s * 1000:.0f} ms, ratio {studio_s / bare_s:.2f} (median of {RUNS}; target <= 1.3)"
    )
    assert bare_s > 0 and studio_s > 0


@pytest.mark.skipif(sys.platform == "win32", reason="stops the studio with SIGTERM")
def test_idle_memory_with_the_bundled_server(tmp_path: Path) -> None:
    env = fresh_user(tmp_path)
    del env["FLASH_STUDIO_EXIT_AFTER_SHOWN"]
    process = subprocess.Popen(
        studio_command(), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "flash-studio: ready" in line:
                break
        time.sleep(2)  # idle: let start-up garbage settle
        studio = psutil.Process(process.pid)
        children = studio.children(recursive=True)
        studio_mb = studio.memory_info().rss / 2**20
        server_mb = sum(child.memory_info().rss for child in children) / 2**20
        # PSS splits pages the two processes share (Python, libc, OpenSSL) between them,
        # as `smem` does: the sum is what the pair really takes from the machine.
        pss_mb = sum(p.memory_full_info().pss for p in [studio, *children]) / 2**20
        print(
            "\nstudio idle memory (sign-in screen, server healthy): "
            f"{studio_mb + server_mb:.0f} MiB RSS in all = studio {studio_mb:.0f} MiB "
            f"+ bundled server {server_mb:.0f} MiB ({len(children)} child process(es)); "
            f"{pss_mb:.0f} MiB PSS in all (target <= 150 MB)"
        )
        assert studio_mb > 0 and server_mb > 0
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
