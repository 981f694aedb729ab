"""The page's static files, read once, gzipped once and served with long-lived caching.

Why not Starlette's `GZipMiddleware` on the whole app: it would also wrap the
Socket.IO, HLS and API responses that other parts of the server stream. The
fan page is a handful of small files, so compressing each once at level 9 costs
nothing per request and gives the smallest transfer for fans on metered data.
"""

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

STATIC_DIR = Path(str(resources.files("server.fanpage") / "static"))
ASSET_PREFIX = "/fanpage"
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
}
# Asset URLs carry their content hash (`?v=`), so a changed file is a new URL.
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


@dataclass(frozen=True)
class Asset:
    name: str
    body: bytes
    gzipped: bytes
    media_type: str
    version: str

    @property
    def url(self) -> str:
        return f"{ASSET_PREFIX}/{self.name}?v={self.version}"


@cache
def asset(name: str) -> Asset | None:
    """A file of `static/` by its bare name (no folders, so no path can escape it)."""
    path = STATIC_DIR / name
    media_type = MEDIA_TYPES.get(path.suffix)
    if "/" in name or "\\" in name or media_type is None or not path.is_file():
        return None
    body = path.read_bytes()
    version = hashlib.sha256(body).hexdigest()[:12]
    return Asset(name, body, gzip.compress(body, 9, mtime=0), media_type, version)


def accepts_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "").lower()


def send(
    request: Request,
    body: bytes,
    media_type: str,
    *,
    status_code: int = 200,
    cache_control: str = "no-cache",
    gzipped: bytes | None = None,
) -> Response:
    """Answer gzipped when the client takes it (every browser does), plain otherwise."""
    headers = {"Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if accepts_gzip(request):
        headers["Content-Encoding"] = "gzip"
        payload = gzipped if gzipped is not None else gzip.compress(body, 6)
    else:
        payload = body
    return Response(payload, status_code=status_code, media_type=media_type, headers=headers)
