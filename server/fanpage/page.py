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


# Stripe's documented sources for Stripe.js and its Payment Element (card number frames).
STRIPE_SCRIPTS = "https://js.stripe.com https://*.js.stripe.com"
STRIPE_FRAMES = "https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
STRIPE_API = "https://api.stripe.com"
STRIPE_IMAGES = "https://*.stripe.com"


def content_security_policy(
    stream: Stream, host: str, urls: StreamUrls, *, cards: bool = False
) -> str:
    """Only our own server, plus the host the video comes from (Mux's CDN when live): a
    tracker or a script injected into a title could not phone anywhere else.

    The video host is named even when this (anonymous) view withholds the playback URL:
    a ticket holder's page fetches it afterwards with their token, and the host itself
    is no secret. `cards`: the page may load Stripe.js, from Stripe, for a card payment.
    """
    found = [stream.playback_url, *(replay.playback_url for replay in stream.replays)]
    found.append(urls.mux_playback_base_url if stream.mode == "live" else urls.public_url)
    video = sorted({origin for url in found if url and (origin := _origin(url))})
    sockets = [f"ws://{host}", f"wss://{host}"]  # older Android browsers do not read 'self' as ws

    def directive(name: str, *sources: str, stripe: str = "") -> str:
        return " ".join([name, *sources, *([stripe] if cards and stripe else [])])

    return "; ".join(
        [
            "default-src 'self'",
            directive("script-src", "'self'", stripe=STRIPE_SCRIPTS),
            directive("frame-src", stripe=STRIPE_FRAMES) if cards else "frame-src 'none'",
            directive("connect-src", "'self'", *sockets, *video, stripe=STRIPE_API),
            directive("media-src", "'self'", "blob:", *video),
            "worker-src 'self' blob:",
            directive("img-src", "'self'", "data:", stripe=STRIPE_IMAGES),
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )
