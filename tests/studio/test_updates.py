"""Update checks and downloads against a real HTTP server serving a feed and installers.

The server is a small Starlette app on loopback: a feed the test rewrites, a good file,
a corrupt one (same size, one byte changed), a short one (a complete response, but fewer
bytes than announced), one whose connection is cut halfway, and one that is too long.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from studio.core import updates
from studio.core.settings import UPDATE_FEED_URL, StudioSettings
from studio.core.updates import (
    UpdateAvailable,
    UpdateError,
    UpdateRefused,
    check_for_update,
    download_update,
    installer_command,
    open_installer,
    verify_download,
)
from tests.support.live_server import LiveServer, free_port, serve

PAYLOAD = bytes(range(256)) * 4096 + b"the end"  # ~1 MB: several chunks
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


@dataclass
class ReleaseHost:
    """What the test server serves, and which paths were asked for."""

    feed: Any = None
    requests: list[str] = field(default_factory=list)


class CutConnection:
    """Announces the whole file, sends half, then fails: the connection closes mid-body."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(PAYLOAD)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": PAYLOAD[: len(PAYLOAD) // 2],
                    "more_body": True})  # fmt: skip
        raise ConnectionResetError("the release host went away")


def release_app(host: ReleaseHost) -> Starlette:
    async def feed(request: Request) -> Response:
        host.requests.append(request.url.path)
        if isinstance(host.feed, bytes):
            return Response(host.feed, media_type="application/json")
        return JSONResponse(host.feed)

    def file(body: bytes) -> Any:
        async def serve_file(request: Request) -> Response:
            host.requests.append(request.url.path)
            return Response(body, media_type="application/octet-stream")

        return serve_file

    corrupt = bytearray(PAYLOAD)
    corrupt[len(corrupt) // 2] ^= 0xFF
    return Starlette(
        routes=[
            Route("/feed.json", feed),
            Route("/files/FlashAfricaStudio-0.2.0.AppImage", file(PAYLOAD)),
            Route("/files/corrupt.AppImage", file(bytes(corrupt))),
            Route("/files/short.AppImage", file(PAYLOAD[: len(PAYLOAD) // 3])),
            Route("/files/long.AppImage", file(PAYLOAD + b"and more")),
            Route("/files/cut.AppImage", CutConnection()),
        ]
    )


@pytest.fixture
def host() -> ReleaseHost:
    return ReleaseHost()


@pytest.fixture
def server(host: ReleaseHost) -> Iterator[LiveServer]:
    with serve(release_app(host)) as live:
        yield live


def feed(url: str, *, version: str = "0.2.0", **extra: Any) -> dict[str, Any]:
    return {"version": version, "url": url, "sha256": DIGEST, "size": len(PAYLOAD),
            "notes": "Faster start", **extra}  # fmt: skip


def names_in(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def announced(server: LiveServer, name: str) -> UpdateAvailable:
    return UpdateAvailable(
        version="0.2.0",
        url=f"{server.url}/files/{name}",
        sha256=DIGEST,
        size=len(PAYLOAD),
        notes="",
        current="0.1.0",
    )


async def test_a_newer_release_is_announced_with_an_absolute_url(
    host: ReleaseHost, server: LiveServer
) -> None:
    host.feed = feed("files/FlashAfricaStudio-0.2.0.AppImage")
    update = await check_for_update(f"{server.url}/feed.json", current="0.1.0")
    assert update == UpdateAvailable(
        version="0.2.0",
        url=f"{server.url}/files/FlashAfricaStudio-0.2.0.AppImage",
        sha256=DIGEST,
        size=len(PAYLOAD),
        notes="Faster start",
        current="0.1.0",
    )


@pytest.mark.parametrize("version", ["0.1.0", "0.0.9", "0.1.0rc1"])
async def test_the_same_or_an_older_release_is_not_an_update(
    host: ReleaseHost, server: LiveServer, version: str
) -> None:
    host.feed = feed("files/x", version=version)
    assert await check_for_update(f"{server.url}/feed.json", current="0.1.0") is None


async def test_versions_compare_as_versions_not_as_text(
    host: ReleaseHost, server: LiveServer
) -> None:
    host.feed = feed("files/x", version="0.10.0")
    update = await check_for_update(f"{server.url}/feed.json", current="0.9.0")
    assert update is not None and update.version == "0.10.0"


async def test_the_running_version_is_the_installed_distributions(
    host: ReleaseHost, server: LiveServer
) -> None:
    host.feed = feed("files/x", version="9999.0")
    update = await check_for_update(f"{server.url}/feed.json")
    assert update is not None and update.current == updates.installed_version()


async def test_no_feed_or_a_sandbox_studio_asks_nothing(
    host: ReleaseHost, server: LiveServer
) -> None:
    host.feed = feed("files/x", version="9.0")
    assert await check_for_update("", current="0.1.0") is None
    assert await check_for_update("  ", current="0.1.0") is None
    assert await check_for_update(f"{server.url}/feed.json", current="0.1.0", sandbox=True) is None
    assert host.requests == []


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<html>not json</html>", "not valid"),
        (json.dumps({"version": "0.2.0", "url": "x", "size": 1}).encode(), "sha256"),
        (json.dumps(feed("x", sha256="abc")).encode(), "sha256"),
        (json.dumps(feed("x", size=0)).encode(), "size"),
        (json.dumps(feed("x", version="next")).encode(), "not a version"),
        (json.dumps(feed("ftp://host/file")).encode(), "http(s)"),
        (b" " * (updates.FEED_LIMIT + 1), "larger than"),
    ],
)
async def test_a_feed_that_makes_no_sense_is_an_error_that_says_why(
    host: ReleaseHost, server: LiveServer, body: bytes, says: str
) -> None:
    host.feed = body
    with pytest.raises(UpdateError, match="feed") as caught:
        await check_for_update(f"{server.url}/feed.json", current="0.1.0")
    assert says in caught.value.message
    assert not isinstance(caught.value, UpdateRefused)


async def test_a_missing_or_unreachable_feed_is_an_error(server: LiveServer) -> None:
    with pytest.raises(UpdateError) as missing:
        await check_for_update(f"{server.url}/nothing.json", current="0.1.0")
    assert missing.value.status == 404
    with pytest.raises(UpdateError) as unreachable:
        await check_for_update(f"http://127.0.0.1:{free_port()}/feed.json", current="0.1.0")
    assert unreachable.value.code == "update_feed_unreachable"


async def test_a_whole_download_is_kept_under_its_own_name(
    server: LiveServer, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    update = announced(server, "FlashAfricaStudio-0.2.0.AppImage")
    path = await download_update(update, tmp_path, progress=lambda got, of: seen.append((got, of)))
    assert path == tmp_path / "FlashAfricaStudio-0.2.0.AppImage"
    assert path.read_bytes() == PAYLOAD
    assert names_in(tmp_path) == [path.name]
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert [got for got, _ in seen] == sorted(got for got, _ in seen)
    await verify_download(path, update)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("corrupt.AppImage", "update_corrupt"),
        ("short.AppImage", "update_incomplete"),
        ("cut.AppImage", "update_incomplete"),
        ("long.AppImage", "update_too_large"),
    ],
)
async def test_a_damaged_download_is_refused_and_nothing_is_left_behind(
    server: LiveServer, tmp_path: Path, name: str, code: str
) -> None:
    with pytest.raises(UpdateRefused) as refused:
        await download_update(announced(server, name), tmp_path)
    assert refused.value.code == code
    assert names_in(tmp_path) == []


async def test_a_download_the_host_does_not_have_is_an_error(
    server: LiveServer, tmp_path: Path
) -> None:
    with pytest.raises(UpdateError) as missing:
        await download_update(announced(server, "gone.AppImage"), tmp_path)
    assert missing.value.status == 404
    assert names_in(tmp_path) == []


async def test_a_download_that_cannot_be_saved_is_an_error_not_a_crash(
    server: LiveServer, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    with pytest.raises(UpdateError) as unsaved:
        await download_update(announced(server, "FlashAfricaStudio-0.2.0.AppImage"), blocker)
    assert unsaved.value.code == "update_not_saved"


async def test_an_installer_damaged_after_download_is_not_opened(
    server: LiveServer, tmp_path: Path
) -> None:
    update = announced(server, "FlashAfricaStudio-0.2.0.AppImage")
    path = await download_update(update, tmp_path)
    with path.open("r+b") as stream:
        stream.truncate(len(PAYLOAD) - 1)
    with pytest.raises(UpdateRefused, match="incomplete"):
        await open_installer(path, update)
    assert path.stat().st_mode & 0o111 == 0  # refused before it was made runnable


def test_each_os_opens_its_installer_with_its_own_tool(tmp_path: Path) -> None:
    assert installer_command(tmp_path / "s.dmg", "darwin") == ["open", str(tmp_path / "s.dmg")]
    appimage = tmp_path / "s.AppImage"
    assert installer_command(appimage, "linux") == [str(appimage)]
    deb = tmp_path / "s.deb"
    assert installer_command(deb, "linux") == ["xdg-open", str(deb)]


def test_the_feed_is_a_studio_setting_that_is_off_until_set(tmp_path: Path) -> None:
    assert StudioSettings.load(tmp_path / "studio.json").get(UPDATE_FEED_URL) == ""
    feed_url = " https://releases.flash.africa/feed-windows.json?channel=stable "
    assert UPDATE_FEED_URL.parse(feed_url) == feed_url.strip()
    with pytest.raises(ValueError, match="http"):
        UPDATE_FEED_URL.parse("ftp://releases.flash.africa/feed.json")
