"""Tickets: a fan pays a ticketed stream's price and, once the payment succeeds, holds a ticket."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.auth.tokens import read_access_token
from server.config import Settings
from server.db import Database
from server.payments.listeners import TipSucceeded
from server.payments.tickets import has_ticket
from tests.conftest import TEST_SECRET
from tests.support.live_server import LiveServer
from tests.support.payments import (
    bearer,
    guest_token,
    ledger_verify,
    pay,
    register,
    serve_money_app,
    tip,
    wait_for_status,
)

PRICE = {"amount": 50_000, "currency": "KES"}


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    settings.mpesa_sandbox_delay_s = 0
    with serve_money_app(settings) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


def holds(settings: Settings, user_id: str, stream_id: str) -> bool:
    async def check() -> bool:
        database = Database(settings.resolved_database_url)
        try:
            async with database.session() as session:
                return await has_ticket(session, user_id, stream_id)
        finally:
            await database.dispose()

    return asyncio.run(check())


def stream(client: httpx.Client, token: str, **fields: Any) -> str:
    body = {"title": "Concert live", "visibility": "ticketed", "price": PRICE, **fields}
    response = client.post("/streams", json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    stream_id: str = response.json()["id"]
    return stream_id


def ticket(creator_id: str, stream_id: str, **overrides: Any) -> dict[str, Any]:
    return tip(creator_id, kind="ticket", stream_id=stream_id, message=None, **PRICE | overrides)


def test_a_paid_ticket_grants_access_once_it_succeeds(
    server: LiveServer, client: httpx.Client, settings: Settings, tmp_path: Path
) -> None:
    heard: list[TipSucceeded] = []

    async def listener(event: TipSucceeded) -> None:
        heard.append(event)

    server.app.state.payment_listeners.append(listener)
    creator_id, creator = register(client)
    fan_id, fan = register(client, role="fan")
    stream_id = stream(client, creator)
    assert not holds(settings, fan_id, stream_id)
    created = pay(client, fan, ticket(creator_id, stream_id)).json()
    assert wait_for_status(client, fan, created["id"])["status"] == "succeeded"
    assert created["kind"] == "ticket"
    assert holds(settings, fan_id, stream_id)
    # The ticket opens the player for its holder, and for nobody else.
    seen_by_holder = client.get(f"/streams/{stream_id}", headers=bearer(fan)).json()
    assert seen_by_holder["playback_url"]
    assert client.get(f"/streams/{stream_id}").json()["playback_url"] is None
    _, other_fan = register(client, role="fan")
    seen_by_other = client.get(f"/streams/{stream_id}", headers=bearer(other_fan)).json()
    assert seen_by_other["playback_url"] is None
    assert heard == []  # tickets are not announced in chat like tips
    again = pay(client, fan, ticket(creator_id, stream_id))
    assert again.status_code == 409 and again.json()["error"]["code"] == "ticket_already_held"
    (by_stream,) = client.get("/earnings/summary", headers=bearer(creator)).json()["by_stream"]
    assert (by_stream["stream_id"], by_stream["gross"], by_stream["count"]) == (
        stream_id,
        50_000,
        1,
    )
    status, output = ledger_verify(settings.resolved_database_url, str(tmp_path))
    assert status == 0, output
    assert "ok   every succeeded ticket payment, and only those, granted a ticket" in output


def test_a_guest_can_buy_a_ticket(client: httpx.Client, settings: Settings) -> None:
    creator_id, creator = register(client)
    stream_id = stream(client, creator)
    guest = guest_token(client)
    created = pay(client, guest, ticket(creator_id, stream_id)).json()
    assert wait_for_status(client, guest, created["id"])["status"] == "succeeded"
    assert holds(settings, read_access_token(TEST_SECRET, guest).id, stream_id)


def test_a_ticket_payment_that_fails_grants_nothing(
    client: httpx.Client, settings: Settings
) -> None:
    creator_id, creator = register(client)
    fan_id, fan = register(client, role="fan")
    stream_id = stream(client, creator)
    created = pay(client, fan, ticket(creator_id, stream_id, phone="+254712340001")).json()
    assert wait_for_status(client, fan, created["id"])["status"] == "cancelled"
    assert not holds(settings, fan_id, stream_id)


def test_a_ticket_must_match_its_stream_and_price(client: httpx.Client) -> None:
    creator_id, creator = register(client)
    other_id, other = register(client)
    _, fan = register(client, role="fan")
    ticketed = stream(client, creator)
    free = stream(client, creator, visibility="public", price=None)
    others = stream(client, other)
    cases = [
        (ticket(creator_id, ticketed, amount=40_000), "price_mismatch"),
        (ticket(creator_id, free), "not_ticketed"),
        (ticket(creator_id, others), "unknown_stream"),
        (ticket(other_id, ticketed), "unknown_stream"),
    ]
    for body, code in cases:
        response = pay(client, fan, body)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == code
    mismatch = pay(client, fan, ticket(creator_id, ticketed, amount=40_000)).json()["error"]
    assert mismatch["details"]["price"] == PRICE
