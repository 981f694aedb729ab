"""Serving the sandbox's HLS files over HTTP, with the types and caching players expect.

Playlists change under the player (the live one every segment), so they are
never cached; segment names are unique per publish, so they are cached freely.
Only HLS files are served: ffmpeg's half-written `.tmp` files never are.
"""

import os
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

from server.streams import ingest_events

MEDIA_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
}
LIVE_PLAYLIST_CACHE = "no-store"
PLAYLIST_CACHE = "no-cache"
SEGMENT_CACHE = "public, max-age=86400, immutable"


class HlsFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        if os.path.splitext(path)[1] not in MEDIA_TYPES:
            raise HTTPException(status_code=404)
        return await super().get_response(path, scope)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        path = Path(full_path)
        if path.suffix == ".m3u8":
            live = path.parent.name == "live"
            cache = LIVE_PLAYLIST_CACHE if live else PLAYLIST_CACHE
        else:
            cache = SEGMENT_CACHE
        response = FileResponse(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            media_type=MEDIA_TYPES[path.suffix],
            headers={"Cache-Control": cache},
        )
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


def mount_hls(app: FastAPI, data_dir: Path) -> None:
    """Serve `{data_dir}/hls` at `/hls` (created if missing, so the app starts on a clean disk)."""
    root = ingest_events.hls_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    app.mount(ingest_events.HLS_URL_PREFIX, HlsFiles(directory=root), name="hls")
