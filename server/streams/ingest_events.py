"""What the sandbox RTMP ingest tells the streams domain, and where it writes HLS.

The ingest (`server/streams/sandbox_ingest*`) knows RTMP and files; the streams
domain knows keys and statuses. They meet only through these types, so the same
status transitions serve Mux webhooks and the sandbox alike.

A broadcast, as on Mux, may span several publishes: an encoder that comes back
within the stream's reconnect window continues the same live and the same
replay. It ends when the window passes with no encoder, or at once when the
stream is completed; then comes `replay_ready` (or `idle` if nothing was
recorded).

RTMP applications: `live` takes the broadcast; `test` takes the studio's
connection test with the same key, measures nothing itself and is never seen
by fans (no status change, no HLS, no replay).

HLS layout under `{FLASH_DATA_DIR}/hls`, served by the app at `/hls/...`:
- live:   `{stream_id}/live/index.m3u8`
- replay: `{stream_id}/replays/{replay_id}/index.m3u8`
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

IngestEventKind = Literal["connected", "active", "disconnected", "replay_ready", "idle"]

INGEST_APP = "live"
CONNECTION_TEST_APP = "test"
DEFAULT_RECONNECT_WINDOW_S = 60.0
"""Mux's default, for a publish whose stream carries no window of its own."""


@dataclass(frozen=True)
class IngestEvent:
    stream_id: str
    kind: IngestEventKind
    replay_id: str | None = None
    duration_s: float | None = None


@dataclass(frozen=True)
class PublishGrant:
    """A key's stream, and how long after a drop its encoder may return to the same live."""

    stream_id: str
    reconnect_window_s: float = DEFAULT_RECONNECT_WINDOW_S


# Answers the grant (or just the stream id, with the default window) for a current,
# usable stream key; None refuses the push.
AuthorizePublish = Callable[[str], Awaitable[PublishGrant | str | None]]
OnIngestEvent = Callable[[IngestEvent], Awaitable[None]]

HLS_URL_PREFIX = "/hls"


def hls_root(data_dir: Path) -> Path:
    return data_dir / "hls"


def live_playlist(data_dir: Path, stream_id: str) -> Path:
    return hls_root(data_dir) / stream_id / "live" / "index.m3u8"


def replay_playlist(data_dir: Path, stream_id: str, replay_id: str) -> Path:
    return hls_root(data_dir) / stream_id / "replays" / replay_id / "index.m3u8"


def live_url(public_url: str, stream_id: str) -> str:
    return f"{public_url.rstrip('/')}{HLS_URL_PREFIX}/{stream_id}/live/index.m3u8"


def replay_url(public_url: str, stream_id: str, replay_id: str) -> str:
    return f"{public_url.rstrip('/')}{HLS_URL_PREFIX}/{stream_id}/replays/{replay_id}/index.m3u8"
