"""`GET /live/{ref}` (the fan page) and `GET /fanpage/{name}` (its scripts and styles)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from starlette.responses import Response

from server.contract.payments import PaymentMethod
from server.deps import SessionDep
from server.errors import InvalidInput
from server.fanpage.assets import ASSET_PREFIX, IMMUTABLE, SHORT, asset, send
from server.fanpage.methods import available_methods
from server.fanpage.page import (
    PageNotBuilt,
    content_security_policy,
    language_of,
    render_live,
    render_not_found,
    resolve,
)
from server.payments.gateways import Gateways
from server.payments.service import PaymentsContext
from server.streams.providers import StreamUrls
from server.streams.repository import StreamsRepository
from server.streams.routes import stream_urls

router = APIRouter(include_in_schema=False)
HTML = "text/html; charset=utf-8"
REF_MAX = 64


@router.get("/live/{ref}")
async def live_page(
    ref: str,
    request: Request,
    session: SessionDep,
    urls: Annotated[StreamUrls, Depends(stream_urls)],
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    language = language_of(accept_language)
    stream = None
    if len(ref) <= REF_MAX:
        stream = await resolve(StreamsRepository(session), urls, ref)
    payments: PaymentsContext = request.app.state.payments
    try:
        if stream is None:
            return send(request, render_not_found(language), HTML, status_code=404)
        body = render_live(stream, available_methods(payments.gateways), language)
    except PageNotBuilt as exc:
        # Say so in words (the operator reads it in the browser) rather than a bare 500.
        return send(request, str(exc).encode(), "text/plain; charset=utf-8", status_code=503)
    # The shell holds the stream's status at this moment; never serve a stale one.
    response = send(request, body, HTML, cache_control="no-cache")
    host = request.headers.get("host", "localhost")
    response.headers["Content-Security-Policy"] = content_security_policy(
        stream, host, urls, cards=_stripe_cards(payments.gateways)
    )
    return response


def _stripe_cards(gateways: Gateways) -> bool:
    """Live cards are confirmed in the page with Stripe.js; the card sandbox is our own page."""
    try:
        return gateways.for_method(PaymentMethod.CARD).mode == "live"
    except InvalidInput:
        return False


@router.get(ASSET_PREFIX + "/{name}")
async def fanpage_asset(name: str, request: Request, v: str | None = None) -> Response:
    found = asset(name)
    if found is None or found.name.endswith(".html"):
        return send(request, b"not found", "text/plain; charset=utf-8", status_code=404)
    cache_control = IMMUTABLE if v == found.version else SHORT
    return send(
        request, found.body, found.media_type, cache_control=cache_control, gzipped=found.gzipped
    )
