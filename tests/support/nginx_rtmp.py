"""A reference RTMP server for encoder tests: nginx with the RTMP module, on a free port.

It is a separate process, so a test can stop it mid-stream and start it again
on the same port, exactly as an ingest that drops off the network and returns.
"""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.live_server import free_port

RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")


def nginx_binary() -> str | None:
    """nginx with the RTMP module (Debian: nginx + libnginx-mod-rtmp), or None."""
    found = shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))
    return found if found and RTMP_MODULE.exists() else None


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class NginxRtmp:
    def __init__(self, binary: str, prefix: Path, port: int, *, record: bool = False) -> None:
        self.binary = binary
        self.prefix = prefix
        self.port = port
        self.recordings = prefix / "recordings"
        """With `record`: one `<stream key>.flv` per publish, exactly the bytes received."""
        self._record = record
        self.url = f"rtmp://127.0.0.1:{port}/live"
        self._process: subprocess.Popen[bytes] | None = None

    def _write_config(self) -> Path:
        self.prefix.mkdir(parents=True, exist_ok=True)
        config = self.prefix / "nginx.conf"
        config.write_text(
            f"load_module {RTMP_MODULE};\n"
            "daemon off;\nmaster_process off;\nworker_processes 1;\n"
            f"pid {self.prefix / 'nginx.pid'};\n"
            f"error_log {self.prefix / 'error.log'} warn;\n"
            "events { worker_connections 64; }\n"
            "rtmp { server {\n"
            f"  listen 127.0.0.1:{self.port};\n"
            f"  application live {{ live on; {self._record_directives()} }}\n"
            "} }\n"
        )
        return config

    def _record_directives(self) -> str:
        if not self._record:
            return "record off;"
        self.recordings.mkdir(parents=True, exist_ok=True)
        return f"record all; record_path {self.recordings}; record_unique off;"

    def start(self) -> None:
        config = self._write_config()
        self._process = subprocess.Popen(
            [self.binary, "-c", str(config), "-p", str(self.prefix), "-e",
             str(self.prefix / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not port_answers(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx-rtmp did not start: {self.error_log()}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Gone at once, connections included, like an ingest falling off the network."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None

    def error_log(self) -> str:
        log = self.prefix / "error.log"
        return log.read_text() if log.exists() else ""


@contextmanager
def running_nginx(prefix: Path, *, record: bool = False) -> Iterator[NginxRtmp]:
    """nginx-rtmp on a free port for the test; skipped, saying why, where nginx is missing."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx with the RTMP module is not installed (nginx, libnginx-mod-rtmp)")
    server = NginxRtmp(binary, prefix, free_port(), record=record)
    server.start()
    try:
        yield server
    finally:
        server.stop()
