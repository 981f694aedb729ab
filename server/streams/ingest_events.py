"""What the sandbox RTMP ingest tells the streams domain, and where it writes HLS.

The ingest (`server/streams/sandbox_ingest*`) knows RTMP and files; the streams
domain knows keys and statuses. They meet only through these types, so the same
status transitions serve Mux webhooks and the sandbox alike.

HLS layout under `{FLASH_DATA_DIR}/hls`, served by the app at `/hls/...`:
- live:   `{stream_id}/live/index.m3u8`
- replay: `{stream_id}/replays/{replay_id}/index.m3u8`
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

IngestEventKind = Literal["connected", "active", "disconnected", "replay_ready"]


@dataclass(frozen=True)
class IngestEvent:
    stream_id: str
    kind: IngestEventKind
    replay_id: str | None = None
    duration_s: float | None = None


# Answers the stream id for a current, usable stream key; None refuses the push.
AuthorizePublish = Callable[[str], Awaitable[str | None]]
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
