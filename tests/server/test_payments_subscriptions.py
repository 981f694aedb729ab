"""Subscriptions: a paid month of membership of a creator, over real HTTP on both databases.

Mobile money (the M-Pesa sandbox) and the card sandbox each pay one month at a time;
paying again adds a month to whatever is left. `ledger verify` checks months against
payments.
"""

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from server.config import Settings
from server.db import Database
from server.payments.memberships import grant_month
from server.payments.models import MembershipMonthRow, PaymentRow
from tests.support import chat
from tests.support.live_server import LiveServer
from tests.support.payments import (
    bearer,
    entries_of,
    guest_token,
    ledger_verify,
    pay,
    query,
    register,
    serve_money_app,
    tip,
    wait_for_status,
)

MONTH_KES = 30_000  # KES 300: the price of one month
VERIFIED = "ok   every succeeded subscription payment, and only those, granted one month"


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    settings.mpesa_sandbox_delay_s = 0
    with serve_money_app(settings) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


def subscription(creator_id: str, amount: int = MONTH_KES, **overrides: Any) -> dict[str, Any]:
    return tip(creator_id, amount, kind="subscription", message=None, **overrides)


def subscriptions(client: httpx.Client, token: str) -> dict[str, Any]:
    response = client.get("/subscriptions", headers=bearer(token))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def paid_until(listed: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(listed["paid_until"])


def months_in_order(settings: Settings) -> list[MembershipMonthRow]:
    """Every month granted, earliest first, read through the ORM (real datetimes on both)."""

    async def read() -> list[MembershipMonthRow]:
        database = Database(settings.resolved_database_url)
        try:
            async with database.session() as session:
                query = select(MembershipMonthRow).order_by(MembershipMonthRow.starts_at)
                return list((await session.execute(query)).scalars())
        finally:
            await database.dispose()

    return asyncio.run(read())


def subscribe(client: httpx.Client, fan: str, body: dict[str, Any]) -> dict[str, Any]:
    created = pay(client, fan, body)
    assert created.status_code == 201, created.text
    done = wait_for_status(client, fan, created.json()["id"])
    assert done["status"] == "succeeded", done
    return done


def test_a_paid_month_makes_a_member_and_paying_again_adds_a_month(
    client: httpx.Client, settings: Settings, tmp_path: Path
) -> None:
    creator_id, creator = register(client)
    fan_id, fan = register(client, role="fan")
    assert subscriptions(client, creator) == {"subscribers": [], "memberships": []}

    first = subscribe(client, fan, subscription(creator_id))
    assert (first["kind"], first["amount"], first["currency"]) == ("subscription", MONTH_KES, "KES")
    (subscriber,) = subscriptions(client, creator)["subscribers"]
    assert (subscriber["subscriber_id"], subscriber["display_name"], subscriber["active"]) == (
        fan_id,
        "Otieno",
        True,
    )
    (membership,) = subscriptions(client, fan)["memberships"]
    assert (membership["creator_id"], membership["display_name"], membership["active"]) == (
        creator_id,
        "Wanjiru",
        True,
    )
    assert subscriptions(client, fan)["subscribers"] == []
    assert paid_until(membership) == paid_until(subscriber)

    # Renewing early adds a whole month after the one still running.
    subscribe(client, fan, subscription(creator_id))
    (renewed,) = subscriptions(client, fan)["memberships"]
    assert paid_until(renewed) - paid_until(membership) == timedelta(days=30)

    # Posted exactly like a tip: a capture and a settlement per payment.
    assert [kind for kind, _ in entries_of(settings, first["id"])] == ["capture", "settlement"]
    status, output = ledger_verify(settings.resolved_database_url, str(tmp_path))
    assert status == 0, output
    assert VERIFIED in output
    assert "ok   every membership is paid until the end of its latest month" in output


def test_two_months_paid_at_once_both_count(
    server: LiveServer, client: httpx.Client, settings: Settings, tmp_path: Path
) -> None:
    creator_id, _ = register(client)
    _, fan = register(client, role="fan")

    def one_month(_: int) -> dict[str, Any]:
        with server.client() as own:
            return subscribe(own, fan, subscription(creator_id))

    with ThreadPoolExecutor(max_workers=2) as pool:
        paid = list(pool.map(one_month, range(2)))
    first, second = months_in_order(settings)
    assert {first.payment_id, second.payment_id} == {p["id"] for p in paid}
    # Back to back: whichever was granted second starts when the first ends.
    assert second.starts_at == first.ends_at
    assert first.ends_at - first.starts_at == timedelta(days=30)
    (membership,) = subscriptions(client, fan)["memberships"]
    assert paid_until(membership) == second.ends_at
    status, output = ledger_verify(settings.resolved_database_url, str(tmp_path))
    assert status == 0, output


def test_a_month_granted_while_another_is_being_granted_waits_for_it(
    client: httpx.Client, settings: Settings
) -> None:
    """The membership row is locked while a month is added: a second grant that starts
    before the first commits must start where the first month ends, not overlap it."""
    creator_id, _ = register(client)
    _, fan = register(client, role="fan")
    # Real payment rows for the months to point at (their outcome does not matter here).
    ids = [
        pay(client, fan, subscription(creator_id, phone="+254712340001")).json()["id"]
        for _ in range(3)
    ]

    async def grant_both() -> None:
        database = Database(settings.resolved_database_url)
        try:
            async with database.session() as session:
                opening, first, second = [await session.get(PaymentRow, i) for i in ids]
            assert opening is not None and first is not None and second is not None
            async with database.session() as session:  # the membership exists: a renewal
                await grant_month(session, opening)

            async def grant(payment: PaymentRow) -> None:
                async with database.session() as session:
                    await grant_month(session, payment)

            async with database.session() as holding:
                await grant_month(holding, first)
                waiting = asyncio.create_task(grant(second))
                await asyncio.sleep(0.5)  # let the second grant reach the locked row
            await waiting
        finally:
            await database.dispose()

    asyncio.run(grant_both())
    _, earlier, later = months_in_order(settings)
    assert (earlier.payment_id, later.payment_id) == tuple(ids[1:])
    assert later.starts_at == earlier.ends_at


def test_an_active_subscriber_may_watch_the_creators_members_only_streams(
    client: httpx.Client,
) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    _, other_fan = register(client, role="fan")
    created = client.post(
        "/streams",
        json={"title": "Members night", "visibility": "members"},
        headers=bearer(creator),
    )
    assert created.status_code == 201, created.text
    stream_id = created.json()["id"]

    def playback(token: str) -> str | None:
        found = client.get(f"/streams/{stream_id}", headers=bearer(token))
        assert found.status_code == 200, found.text
        url: str | None = found.json()["playback_url"]
        return url

    assert playback(fan) is None  # an account alone is not a member
    subscribe(client, fan, subscription(creator_id))
    assert playback(fan)
    assert playback(other_fan) is None
    assert client.get(f"/streams/{stream_id}").json()["playback_url"] is None


def test_a_failed_subscription_payment_grants_nothing(
    client: httpx.Client, settings: Settings, tmp_path: Path
) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    created = pay(client, fan, subscription(creator_id, phone="+254712340001")).json()
    assert wait_for_status(client, fan, created["id"])["status"] == "cancelled"
    assert subscriptions(client, creator)["subscribers"] == []
    assert subscriptions(client, fan)["memberships"] == []
    status, output = ledger_verify(settings.resolved_database_url, str(tmp_path))
    assert status == 0, output


def test_a_membership_needs_an_account_and_the_months_price(
    client: httpx.Client, settings: Settings
) -> None:
    creator_id, _ = register(client)
    _, fan = register(client, role="fan")
    guest = guest_token(client)
    refused = pay(client, guest, subscription(creator_id))
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "account_required"
    cheap = pay(client, fan, subscription(creator_id, amount=20_000))
    assert cheap.status_code == 422
    assert cheap.json()["error"]["code"] == "price_mismatch"
    assert cheap.json()["error"]["details"]["price"] == {"amount": MONTH_KES, "currency": "KES"}
    assert query(settings.resolved_database_url, "SELECT count(*) FROM payments") == [(0,)]
    # Listing is for accounts too: a guest has no memberships to list.
    listed = client.get("/subscriptions", headers=bearer(guest))
    assert listed.status_code == 403 and listed.json()["error"]["code"] == "guest_token"
    assert client.get("/subscriptions").status_code == 401


def test_a_card_sandbox_month_makes_a_member(
    server: LiveServer, client: httpx.Client, settings: Settings, tmp_path: Path
) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    body = {
        "kind": "subscription",
        "method": "card",
        "amount": 499,
        "currency": "USD",
        "creator_id": creator_id,
    }
    created = pay(client, fan, body)
    assert created.status_code == 201, created.text
    payment = created.json()
    with httpx.Client(base_url=server.url, timeout=15) as browser:
        paid = browser.post(
            f"/pay/{payment['id']}/sandbox-card",
            data={"number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"},
        )
        assert paid.status_code == 303, paid.text
    assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"
    (subscriber,) = subscriptions(client, creator)["subscribers"]
    assert subscriber["active"] is True
    status, output = ledger_verify(settings.resolved_database_url, str(tmp_path))
    assert status == 0, output


def test_ledger_verify_finds_a_month_without_its_payment_or_a_stale_membership(
    client: httpx.Client, settings: Settings, tmp_path: Path
) -> None:
    creator_id, _ = register(client)
    _, fan = register(client, role="fan")
    paid = subscribe(client, fan, subscription(creator_id))
    url = settings.resolved_database_url
    query(url, "DELETE FROM membership_months WHERE payment_id = :p", p=paid["id"])
    status, output = ledger_verify(url, str(tmp_path))
    assert status != 0
    assert f"payment {paid['id']} (subscription, succeeded) granted no month" in output
    assert "every membership is paid until the end of its latest month" in output


async def test_the_creator_hears_of_a_new_subscriber_and_the_chat_highlights_it(
    server: LiveServer,
) -> None:
    creator = await chat.register(server, role="creator", name="Awa")
    fan = await chat.register(server, role="fan", name="Moussa")
    stream_id = await chat.create_stream(server, creator["token"])
    studio = await chat.connect(server, creator["token"])  # not joined: the per-user room
    viewer = await chat.connect(server, fan["token"])
    try:
        await viewer.join(stream_id)
        async with httpx.AsyncClient(base_url=server.api, timeout=15) as http:
            headers = {**bearer(fan["token"]), "Idempotency-Key": "sub-during-stream"}
            during = await http.post(
                "/payments",
                json=subscription(creator["id"], stream_id=stream_id),
                headers=headers,
            )
            assert during.status_code == 201, during.text
            in_stream = await studio.wait_for(
                "subscriber", lambda e: e["payment_id"] == during.json()["id"]
            )
            headers = {**bearer(fan["token"]), "Idempotency-Key": "sub-outside-stream"}
            outside = await http.post(
                "/payments", json=subscription(creator["id"]), headers=headers
            )
            assert outside.status_code == 201, outside.text
        offline = await studio.wait_for(
            "subscriber", lambda e: e["payment_id"] == outside.json()["id"]
        )
        highlight = await viewer.wait_for("message", lambda m: m["kind"] == "member")
        await studio.wait_for("message", lambda m: m["kind"] == "member")
        history = (await viewer.join(stream_id))["history"]
    finally:
        await studio.close()
        await viewer.close()
    assert highlight["text"] == "subscribed" and highlight["author"]["name"] == "Moussa"
    assert highlight["author"]["id"] == fan["id"]
    assert (in_stream["stream_id"], in_stream["message_id"]) == (stream_id, highlight["id"])
    assert (in_stream["subscriber_id"], in_stream["subscriber_name"]) == (fan["id"], "Moussa")
    assert offline["stream_id"] is None and offline["message_id"] is None
    assert paid_until(offline) - paid_until(in_stream) == timedelta(days=30)
    assert [m["id"] for m in history if m["kind"] == "member"] == [highlight["id"]]
    assert viewer.events["subscriber"] == []  # only the creator's own clients hear it
