"""The sandboxes' memory across restarts: one JSON object a line in a file of the data dir.

A provider keeps what it was asked to do while our server is down, so a sandbox that
stands in for one must too, or a payment or payout pending at a restart is never answered
(and a creator's withdrawn amount stays held). Each sandbox appends a line per request
(or per change of one) and reads them all back at its first use after a start.

Appends are plain (no fsync): a crash can at worst cut the last line short, and such a
line is skipped when read back, as if the request never reached the provider.
"""

import json
import os
from pathlib import Path
from typing import Any


class SandboxJournal:
    """Append-only JSON lines at `path`; with no path it keeps nothing (a sandbox in tests)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._checked_end = False

    def read(self) -> list[dict[str, Any]]:
        """Every whole line written so far, oldest first; a torn or foreign line is skipped."""
        if self.path is None or not self.path.exists():
            return []
        records: list[dict[str, Any]] = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash
            if isinstance(record, dict):
                records.append(record)
        return records

    def append(self, record: dict[str, Any]) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record) + "\n"
        if not self._checked_end:
            # After a crash the file may end in a torn line: end it first, so the new line
            # is whole and only the torn one is lost.
            self._checked_end = True
            if _ends_mid_line(self.path):
                line = "\n" + line
        # Readable by the server's user only: some lines hold a callback URL's token.
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as file:
            file.write(line)


def _ends_mid_line(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with path.open("rb") as file:
        file.seek(-1, 2)
        return file.read(1) != b"\n"
