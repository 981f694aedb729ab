"""Every studio setting, declared once with its type and default, kept in a JSON file.

Secrets never go here (they live in the vault). The file is read once at
start-up, before the event loop runs; later writes happen off the UI thread.
"""

import asyncio
import json
import locale
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar
from urllib.parse import urlsplit

import platformdirs

from studio import DATA_FOLDER
from studio.core.errors import InvalidInput
from studio.core.events import Event

T = TypeVar("T")


def _server_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("a server address starts with http:// or https://, then the host name")
    if parts.query or parts.fragment:
        raise ValueError("a server address has no ? or # part")
    return value


def _update_feed_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise ValueError("an update feed address starts with http:// or https://, then the host")
    return value


def _ffmpeg_path(value: str) -> str:
    """Only the cheap check here (it also runs when the file is read at start-up);
    `studio.core.ffmpeg_check` proves the program runs before the screen saves it."""
    value = value.strip()
    if value and not Path(value).is_file():
        raise ValueError("there is no file at this path: give the full path of the ffmpeg program")
    return value


def _system_language() -> str:
    code = locale.getlocale()[0] or os.environ.get("LANG", "")
    return "fr" if code.lower().startswith("fr") else "en"


class Setting(NamedTuple, Generic[T]):
    """One setting: its key in the file, type, default, allowed values and extra check.

    A NamedTuple rather than a dataclass: this module is read before the first window
    shows, and `dataclasses` is one import too many there.
    """

    key: str
    type: type[T]
    default: T
    choices: tuple[T, ...] = ()
    check: Callable[[T], T] | None = None

    def parse(self, value: object) -> T:
        """The value as stored, or ValueError saying what is wrong with it."""
        if not isinstance(value, self.type):
            raise ValueError(f"expected {self.type.__name__}, got {type(value).__name__}")
        if self.choices and value not in self.choices:
            raise ValueError(f"must be one of {', '.join(map(str, self.choices))}")
        return self.check(value) if self.check else value


SERVER_URL = Setting("server_url", str, "", check=_server_url)
"""Empty: the studio runs its own bundled server."""
LANGUAGE = Setting("language", str, _system_language(), choices=("en", "fr"))
THEME = Setting("theme", str, "system", choices=("system", "light", "dark"))
UPDATE_FEED_URL = Setting("update_feed_url", str, "", check=_update_feed_url)
"""The release feed `studio.core.updates` reads; empty: the studio never looks for updates."""
ALERT_SOUND = Setting("alert_sound", bool, True)
"""Play a short sound with each tip alert on the dashboard."""
FFMPEG_PATH = Setting("ffmpeg_path", str, "", check=_ffmpeg_path)
"""A system ffmpeg (say, one built with the laptop's GPU encoder); empty: the bundled one."""
SETTINGS: tuple[Setting[Any], ...] = (
    SERVER_URL, LANGUAGE, THEME, UPDATE_FEED_URL, ALERT_SOUND, FFMPEG_PATH
)  # fmt: skip


def default_path() -> Path:
    return platformdirs.user_config_path(DATA_FOLDER) / "studio.json"


class StudioSettings:
    """The current value of every setting in `SETTINGS`."""

    def __init__(self, path: Path, values: dict[str, Any] | None = None) -> None:
        self.path = path
        self._values = {s.key: s.default for s in SETTINGS} | dict(values or {})
        self.problems: list[str] = []
        """Values found in the file that were not usable, one line per setting."""
        self.changed = Event[Setting[Any]]()

    @classmethod
    def load(cls, path: Path | None = None) -> "StudioSettings":
        """Read the file; a missing file means defaults, a wrong value its default."""
        path = path or default_path()
        settings = cls(path)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return settings
        except (OSError, ValueError) as exc:
            settings.problems.append(f"{path}: could not be read ({exc}); using defaults")
            return settings
        for setting in SETTINGS:
            if isinstance(stored, dict) and setting.key in stored:
                try:
                    settings._values[setting.key] = setting.parse(stored[setting.key])
                except ValueError as exc:
                    settings.problems.append(f"{setting.key}: {exc}; using the default")
        return settings

    def get(self, setting: Setting[T]) -> T:
        value: T = self._values[setting.key]
        return value

    async def set(self, setting: Setting[T], value: T) -> None:
        """Check, keep and save a new value; InvalidInput names the setting when it is wrong."""
        try:
            value = setting.parse(value)
        except ValueError as exc:
            fields = {setting.key: str(exc)}
            raise InvalidInput(str(exc), code="invalid_setting", fields=fields) from None
        if self._values[setting.key] == value:
            return
        self._values[setting.key] = value
        await asyncio.to_thread(self._write, dict(self._values))
        self.changed.emit(setting)

    def _write(self, values: dict[str, Any]) -> None:
        """Write beside, then rename: a crash never leaves half a file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(values, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.path)
