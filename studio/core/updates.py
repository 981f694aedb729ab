"""Tell the creator a newer studio exists; fetch it only when asked, and only whole.

The release feed is a small JSON document (the release workflow publishes one per OS
beside the installers):

    {"version": "0.2.0", "url": "https://.../FlashAfricaStudio-0.2.0-setup.exe",
     "sha256": "<64 hex digits>", "size": 98765432, "notes": "What changed"}

Nothing here installs anything on its own. `check_for_update` only says whether a newer
version exists. `download_update` runs when the user asked for it and hands over a file
only after its size and SHA-256 match the feed: a truncated or corrupt download is
deleted and refused. `open_installer` runs when the user asked again, and checks the file
once more first, since it has sat on disk in between.
"""

import asyncio
import contextlib
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import unquote, urljoin, urlsplit

import httpx
import platformdirs
from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from server import version
from studio import DATA_FOLDER
from studio.core.errors import FlashError

FEED_LIMIT = 64 * 1024
"""A feed is a few hundred bytes; anything bigger is not a feed and is not read whole."""
CHUNK = 256 * 1024
TIMEOUT_S = 20.0

Progress = Callable[[int, int], None]
"""Called with (bytes received, bytes expected) as a download goes."""


class UpdateError(FlashError):
    """The release feed could not be read, or does not say what a feed must say."""


class UpdateRefused(UpdateError):
    """A downloaded update is not the file the feed announced (truncated, corrupt, too big)."""


@dataclass(frozen=True)
class UpdateAvailable:
    """A newer release than the running studio, as the feed describes it."""

    version: str
    url: str
    """Absolute: a relative `url` in the feed is resolved against the feed's own address."""
    sha256: str
    """Lower-case hex."""
    size: int
    """Bytes."""
    notes: str
    current: str
    """The version running now."""


class _Feed(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: str = Field(min_length=1, max_length=64)
    url: str = Field(min_length=1, max_length=2048)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")
    size: int = Field(gt=0)
    notes: str = Field(default="", max_length=20_000)


def installed_version() -> str:
    """The running studio's version, from the same source as the server's `/health`."""
    return version.installed_version()


def default_download_folder() -> Path:
    return platformdirs.user_cache_path(DATA_FOLDER) / "updates"


async def check_for_update(
    feed_url: str,
    *,
    current: str | None = None,
    sandbox: bool = False,
    client: httpx.AsyncClient | None = None,
) -> UpdateAvailable | None:
    """The newer release the feed announces, or None (none newer, no feed, or sandbox).

    A studio on a sandbox server is a demo or a rehearsal, often offline, so it asks
    nothing of the outside world. Raises `UpdateError` when the feed cannot be read or
    makes no sense: a broken feed is worth a log line, not silence.
    """
    running = current or installed_version()
    if not feed_url.strip() or sandbox or running == version.UNKNOWN:
        return None  # an uninstalled source tree knows no version to compare
    async with _client(client) as http:
        try:
            async with http.stream("GET", feed_url) as response:
                if response.status_code != 200:
                    raise UpdateError(
                        f"the update feed answered {response.status_code}",
                        code="update_feed_status",
                        status=response.status_code,
                    )
                body = await _read_at_most(response, FEED_LIMIT)
        except httpx.HTTPError as exc:
            raise UpdateError(
                f"the update feed could not be reached ({exc})", code="update_feed_unreachable"
            ) from exc
    feed = _parse_feed(body)
    try:
        newer = Version(feed.version) > Version(running)
    except InvalidVersion as exc:
        raise UpdateError(
            f"the update feed's version is not a version: {exc}", code="update_feed_invalid"
        ) from exc
    if not newer:
        return None
    url = urljoin(feed_url, feed.url)
    if urlsplit(url).scheme not in ("http", "https"):
        raise UpdateError(
            "the update feed's url is not an http(s) address", code="update_feed_invalid"
        )
    return UpdateAvailable(
        version=feed.version,
        url=url,
        sha256=feed.sha256.lower(),
        size=feed.size,
        notes=feed.notes,
        current=running,
    )


async def download_update(
    update: UpdateAvailable,
    folder: Path | None = None,
    *,
    client: httpx.AsyncClient | None = None,
    progress: Progress | None = None,
) -> Path:
    """Fetch the installer into `folder` and answer its path once size and SHA-256 match.

    It is written to a `.part` file first and renamed only when whole and verified, so a
    crash or a cut connection never leaves something that looks like an installer.
    Raises `UpdateRefused` (after deleting what it received) when the file differs from
    the feed, `UpdateError` when it cannot be fetched or saved at all.
    """
    folder = folder or default_download_folder()
    target = folder / _file_name(update)
    sink = _Sink(target.with_name(target.name + ".part"))
    try:
        await asyncio.to_thread(sink.open)
        async with _client(client) as http:
            await _receive(http, update, sink, progress)
        await asyncio.to_thread(sink.close)
        if sink.size != update.size or sink.digest != update.sha256:
            raise _refusal(update, sink.size, sink.digest)
        await asyncio.to_thread(os.replace, sink.path, target)
    except BaseException as exc:
        await asyncio.to_thread(sink.discard)
        if isinstance(exc, OSError):  # a full disk, a folder we may not write
            raise UpdateError(
                f"the update could not be saved in {folder} ({exc})", code="update_not_saved"
            ) from exc
        raise
    return target


async def verify_download(path: Path, update: UpdateAvailable) -> None:
    """Raise `UpdateRefused` unless the file at `path` is exactly the announced update."""
    size, digest = await asyncio.to_thread(_measure, path)
    if size != update.size or digest != update.sha256:
        raise _refusal(update, size, digest)


async def open_installer(path: Path, update: UpdateAvailable) -> None:
    """Hand the verified installer to the OS; call it only after the user said yes."""
    await verify_download(path, update)
    if sys.platform == "win32":
        await asyncio.to_thread(os.startfile, path)  # type: ignore[attr-defined,unused-ignore]
        return
    command = installer_command(path, sys.platform)
    if path.suffix == ".AppImage":
        await asyncio.to_thread(path.chmod, 0o755)
    await asyncio.to_thread(
        subprocess.Popen, command, env=_system_environment(), start_new_session=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def installer_command(path: Path, platform: str) -> list[str]:
    """How to open the installer on macOS and Linux (Windows uses `os.startfile`)."""
    if platform == "darwin":
        return ["open", str(path)]  # a .dmg: Finder mounts it and shows the app to drag
    if path.suffix == ".AppImage":
        return [str(path)]  # an AppImage is the new studio itself
    return ["xdg-open", str(path)]  # a .deb: the desktop's software installer asks first


def _system_environment() -> dict[str, str]:
    """The environment without what a frozen bundle added, so system tools load system libs."""
    env = dict(os.environ)
    if getattr(sys, "frozen", False):
        original = env.pop("LD_LIBRARY_PATH_ORIG", None)  # saved by PyInstaller's bootloader
        if original is None:
            env.pop("LD_LIBRARY_PATH", None)
        else:
            env["LD_LIBRARY_PATH"] = original
    return env


def _client(
    client: httpx.AsyncClient | None,
) -> contextlib.AbstractAsyncContextManager[httpx.AsyncClient]:
    """The caller's client (left open), or a new one closed after use."""
    if client is not None:
        return contextlib.nullcontext(client)
    # Release downloads redirect (GitHub sends them on to its storage host).
    return httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=True)


async def _read_at_most(response: httpx.Response, limit: int) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise UpdateError(
                f"the update feed is larger than {limit} bytes", code="update_feed_invalid"
            )
    return bytes(body)


def _parse_feed(body: bytes) -> _Feed:
    try:
        return _Feed.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "feed"
        raise UpdateError(
            f"the update feed is not valid ({where}: {first.get('msg', 'invalid')})",
            code="update_feed_invalid",
        ) from exc


async def _receive(
    http: httpx.AsyncClient, update: UpdateAvailable, sink: "_Sink", progress: Progress | None
) -> None:
    try:
        async with http.stream("GET", update.url) as response:
            if response.status_code != 200:
                raise UpdateError(
                    f"the update download answered {response.status_code}",
                    code="update_download_status",
                    status=response.status_code,
                )
            async for chunk in response.aiter_bytes(CHUNK):
                if sink.size + len(chunk) > update.size:
                    raise UpdateRefused(
                        f"the download is larger than the {update.size} bytes announced",
                        code="update_too_large",
                    )
                await asyncio.to_thread(sink.write, chunk)
                if progress is not None:
                    progress(sink.size, update.size)
    except httpx.HTTPError as exc:
        # A connection cut before Content-Length bytes arrived lands here.
        raise UpdateRefused(
            f"the download stopped after {sink.size} of {update.size} bytes ({exc})",
            code="update_incomplete",
        ) from exc


def _refusal(update: UpdateAvailable, size: int, digest: str) -> UpdateRefused:
    if size != update.size:
        return UpdateRefused(
            f"the update is incomplete or damaged: {size} bytes instead of {update.size}",
            code="update_incomplete",
        )
    return UpdateRefused(
        f"the update is damaged: its SHA-256 is {digest}, the feed says {update.sha256}",
        code="update_corrupt",
    )


def _file_name(update: UpdateAvailable) -> str:
    """The installer's own name from its URL (never a path), or one made from the version."""
    name = PurePosixPath(unquote(urlsplit(update.url).path)).name
    safe = "".join(c for c in name if c.isalnum() or c in "._-+")
    return safe.lstrip(".") or f"flash-africa-studio-{update.version}"


def _measure(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class _Sink:
    """The `.part` file being written and the running SHA-256 of what went into it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = 0
        self._hash = hashlib.sha256()
        self._stream: IO[bytes] | None = None

    @property
    def digest(self) -> str:
        return self._hash.hexdigest()

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._stream = self.path.open("wb")

    def write(self, chunk: bytes) -> None:
        assert self._stream is not None
        self._stream.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

    def discard(self) -> None:
        """Best effort: it runs while another error is on its way to the caller."""
        with contextlib.suppress(OSError):
            self.close()
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
