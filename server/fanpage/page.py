"""Which stream a fan link names, and the HTML shell that boots the page with it.

The stream and the payment options are inlined into the HTML, so a fan on a slow
link sees the title and status after one request; the page then keeps them
fresh through the public API and the chat.
"""

import html
import json
from urllib.parse import urlsplit

from server.contract.streams import Stream, StreamStatus
from server.fanpage.assets import asset
from server.fanpage.methods import MethodOption
from server.streams import service
from server.streams.providers import StreamUrls
from server.streams.repository import StreamsRepository

ON_AIR = (StreamStatus.ACTIVE, StreamStatus.DISCONNECTED)
NOT_BUILT = "the fan page is not built: run `npm run build` in web/fanpage"
UPCOMING = (StreamStatus.IDLE,)


async def resolve(repo: StreamsRepository, urls: StreamUrls, ref: str) -> Stream | None:
    """A stream id, or a creator id (accounts have no handle yet): that creator's stream
    on air now, else the next one not yet started, else the latest. None when neither."""
    if await repo.stream(ref) is not None:
        return await service.get_stream(repo, urls, ref, None)
    page = await service.list_streams(repo, urls, None, ref, None, 50)
    streams = [item for item in page.items if item.status != StreamStatus.DISABLED]
    for wanted in (ON_AIR, UPCOMING):
        chosen = [stream for stream in streams if stream.status in wanted]
        if chosen:
            return chosen[0]  # newest first
    return streams[0] if streams else None


class PageNotBuilt(RuntimeError):
    """`static/` lacks a built file: an install that left out the package data."""


def language_of(accept_language: str | None) -> str:
    """French when the browser puts it first, English otherwise (the page can switch)."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return "fr" if first.startswith("fr") else "en"


def _inline_json(value: object) -> str:
    """JSON safe inside `<script>`: no `</script>` or `<!--` can close the element early."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_live(stream: Stream, methods: list[MethodOption], language: str) -> bytes:
    template, style, script, hls = (
        asset(name) for name in ("index.html", "app.css", "app.js", "hls.light.min.js")
    )
    if template is None or style is None or script is None or hls is None:
        raise PageNotBuilt(NOT_BUILT)
    boot = {
        "stream": stream.model_dump(mode="json"),
        "methods": [method.model_dump(mode="json") for method in methods],
        "hls_url": hls.url,
    }
    page = (
        template.body.decode()
        .replace("{{lang}}", language)
        .replace("{{title}}", html.escape(f"{stream.title} · {stream.creator.display_name}"))
        .replace("{{css}}", style.url)
        .replace("{{js}}", script.url)
        .replace("{{boot}}", _inline_json(boot))
    )
    return page.encode()


def render_not_found(language: str) -> bytes:
    page = asset("404.html")
    if page is None:
        raise PageNotBuilt(NOT_BUILT)
    style = asset("app.css")
    css = style.url if style is not None else ""
    return page.body.decode().replace("{{lang}}", language).replace("{{css}}", css).encode()


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def content_security_policy(stream: Stream, host: str) -> str:
    """Only our own server, plus the host the video comes from (Mux's CDN when live): a
    tracker or a script injected into a title could not phone anywhere else."""
    urls = [stream.playback_url, *(replay.playback_url for replay in stream.replays)]
    video = sorted({origin for url in urls if url and (origin := _origin(url))})
    sockets = f"ws://{host} wss://{host}"  # older Android browsers do not read 'self' as ws
    sources = " ".join(video)
    return "; ".join(
        [
            "default-src 'self'",
            f"connect-src 'self' {sockets} {sources}".rstrip(),
            f"media-src 'self' blob: {sources}".rstrip(),
            "worker-src 'self' blob:",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )
