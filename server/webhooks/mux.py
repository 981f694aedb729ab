"""`POST /webhooks/mux`: Mux's signed events, verified, stored once by id, then applied.

Mux waits 5 s for an answer, so the work stays small and in the request; the
chat hears of status changes after the answer is committed.
"""

import json
import time

from fastapi import APIRouter, BackgroundTasks, Request

from server.config import Settings
from server.contract.errors import ErrorBody
from server.contract.streams import WebhookReceipt
from server.deps import SessionDep, SettingsDep
from server.errors import FlashError
from server.streams.lifecycle import notify, stream_status_listeners
from server.streams.mux_events import apply_mux_event, parse_event
from server.streams.providers import StreamUrls
from server.streams.repository import StreamsRepository
from server.webhooks import mux_signature

router = APIRouter(tags=["webhooks"], responses={400: {"model": ErrorBody}})


@router.post("/webhooks/mux", response_model=WebhookReceipt)
@router.put("/webhooks/mux", response_model=WebhookReceipt, include_in_schema=False)
async def mux_webhook(
    request: Request, session: SessionDep, settings: SettingsDep, background: BackgroundTasks
) -> WebhookReceipt:
    body = await request.body()
    check_signature(settings, request.headers.get("mux-signature"), body)
    try:
        event = parse_event(json.loads(body))
    except (UnicodeDecodeError, ValueError):
        event = None
    if event is None:
        raise FlashError("the body is not a Mux event", code="malformed_event")
    urls = StreamUrls.build(settings, None)
    is_new, changes = await apply_mux_event(StreamsRepository(session), urls, event)
    background.add_task(notify, stream_status_listeners(request.app), changes)
    return WebhookReceipt(duplicate=not is_new)


def check_signature(settings: Settings, header: str | None, body: bytes) -> None:
    """Always verify when a secret is set. Without one, a live server refuses every event;
    a sandbox server (no Mux account, so no real Mux calling) takes them unsigned, which
    lets a demo play Mux's part by hand."""
    secret = settings.mux_webhook_secret
    if secret:
        mux_signature.verify(
            header, body, secret, tolerance_s=settings.mux_webhook_tolerance_s, now=time.time()
        )
    elif settings.provider_modes()["mux"] == "live":
        raise FlashError(
            "Mux webhooks are refused: FLASH_MUX_WEBHOOK_SECRET is not set",
            code="webhook_not_configured",
        )
