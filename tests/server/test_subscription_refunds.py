"""A subscription refunded in full takes back the unused part of its month, over real HTTP
on both databases; a partial refund keeps it, and a duplicate event changes nothing.

Refunds are for cards only (M-Pesa answers `refund_unsupported`), so the refunded months
here are paid through the card sandbox, or through a local Stripe for its `charge.refunded`;
a card subscription renews by itself (a second one is `already_renewing`), so the other
months are paid by M-Pesa (its sandbox).
"""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from server.config import Settings
from server.db import Database
from server.payments.memberships import MONTH
from server.payments.models import MembershipMonthRow, MembershipRow
from tests.support.fake_stripe import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
)
from tests.support.live_server import LiveServer, serve
from tests.support.payments import (
    bearer,
    ledger_verify,
    pay,
    register,
    serve_money_app,
    tip,
    wait_for_status,
)

MONTH_USD = 499  # the price of one month by card
PRICE: dict[str, Any] = {"amount": MONTH_USD, "currency": "USD"}
MONTH_KES = 30_000  # and by M-Pesa
TAKEN_BACK = "ok   every month of a payment refunded in full was taken back"


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    settings.mpesa_sandbox_delay_s = 0
    with serve_money_app(settings) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


def month_body(creator_id: str) -> dict[str, Any]:
    return {"kind": "subscription", "method": "card", "creator_id": creator_id, **PRICE}


def sandbox_month(server: LiveServer, client: httpx.Client, fan: str, creator_id: str) -> str:
    """One month paid through the card sandbox's own page."""
    created = pay(client, fan, month_body(creator_id))
    assert created.status_code == 201, created.text
    payment_id: str = created.json()["id"]
    with httpx.Client(base_url=server.url, timeout=15) as browser:
        paid = browser.post(f"/pay/{payment_id}/sandbox-card", data={"number": "4242424242424242"})
        assert paid.status_code == 303, paid.text
    assert wait_for_status(client, fan, payment_id)["status"] == "succeeded"
    return payment_id


def mpesa_month(client: httpx.Client, fan: str, creator_id: str) -> str:
    """One month paid through the M-Pesa sandbox (which cannot refund it)."""
    created = pay(client, fan, tip(creator_id, MONTH_KES, kind="subscription", message=None))
    assert created.status_code == 201, created.text
    payment_id: str = created.json()["id"]
    assert wait_for_status(client, fan, payment_id)["status"] == "succeeded"
    return payment_id


def refund(
    client: httpx.Client, creator: str, payment_id: str, amount: int | None = None
) -> httpx.Response:
    headers = {**bearer(creator), "Idempotency-Key": uuid.uuid4().hex}
    body = None if amount is None else {"amount": amount}
    return client.post(f"/payments/{payment_id}/refund", json=body, headers=headers)


def membership(client: httpx.Client, fan: str) -> dict[str, Any]:
    listed = client.get("/subscriptions", headers=bearer(fan))
    assert listed.status_code == 200, listed.text
    (found,) = listed.json()["memberships"]
    assert isinstance(found, dict)
    return found


def paid_until(found: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(found["paid_until"])


def months(settings: Settings) -> dict[str, MembershipMonthRow]:
    """payment id → its month, read through the ORM (real datetimes on both databases)."""

    async def read() -> dict[str, MembershipMonthRow]:
        database = Database(settings.resolved_database_url)
        try:
            async with database.session() as session:
                rows = (await session.execute(select(MembershipMonthRow))).scalars()
                return {row.payment_id: row for row in rows}
        finally:
            await database.dispose()

    return asyncio.run(read())


def members_stream(client: httpx.Client, creator: str) -> str:
    created = client.post(
        "/streams",
        json={"title": "Members night", "visibility": "members"},
        headers=bearer(creator),
    )
    assert created.status_code == 201, created.text
    stream_id: str = created.json()["id"]
    return stream_id


def playback(client: httpx.Client, token: str, stream_id: str) -> str | None:
    found = client.get(f"/streams/{stream_id}", headers=bearer(token))
    assert found.status_code == 200, found.text
    url: str | None = found.json()["playback_url"]
    return url


def assert_verified(settings: Settings) -> str:
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status == 0, output
    assert TAKEN_BACK in output
    return output


def test_refunding_the_only_month_ends_the_membership(
    server: LiveServer, client: httpx.Client, settings: Settings
) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    stream_id = members_stream(client, creator)
    paid = sandbox_month(server, client, fan, creator_id)
    assert membership(client, fan)["active"] is True
    assert playback(client, fan, stream_id)

    made = refund(client, creator, paid)
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "succeeded"
    after = membership(client, fan)
    assert after["active"] is False
    assert playback(client, fan, stream_id) is None
    (subscriber,) = client.get("/subscriptions", headers=bearer(creator)).json()["subscribers"]
    assert subscriber["active"] is False
    # The month now ends when it was refunded: the days used are not clawed back.
    month = months(settings)[paid]
    assert timedelta(0) <= month.ends_at - month.starts_at < MONTH
    assert paid_until(after) == month.ends_at

    again = refund(client, creator, paid)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_refunded"
    assert membership(client, fan) == after
    assert_verified(settings)

    # Paying again makes a member again, from now.
    renewed = mpesa_month(client, fan, creator_id)
    assert membership(client, fan)["active"] is True
    assert playback(client, fan, stream_id)
    assert months(settings)[renewed].ends_at - months(settings)[renewed].starts_at == MONTH
    assert_verified(settings)


def test_refunding_the_second_of_two_months_leaves_one(
    server: LiveServer, client: httpx.Client, settings: Settings
) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    first = mpesa_month(client, fan, creator_id)
    second = sandbox_month(server, client, fan, creator_id)
    granted = months(settings)
    assert granted[second].starts_at == granted[first].ends_at

    made = refund(client, creator, second)
    assert made.status_code == 201 and made.json()["status"] == "succeeded", made.text
    after = months(settings)
    # Not begun yet: all of it comes back; the running month is untouched.
    assert after[second].starts_at == after[second].ends_at == granted[second].starts_at
    assert after[first].ends_at == granted[first].ends_at
    left = membership(client, fan)
    assert left["active"] is True and paid_until(left) == granted[first].ends_at
    assert_verified(settings)


def test_refunding_the_running_month_keeps_the_next_one_whole(
    server: LiveServer, client: httpx.Client, settings: Settings
) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    first = sandbox_month(server, client, fan, creator_id)
    second = mpesa_month(client, fan, creator_id)
    granted = months(settings)

    made = refund(client, creator, first)
    assert made.status_code == 201 and made.json()["status"] == "succeeded", made.text
    after = months(settings)
    assert after[first].starts_at == granted[first].starts_at
    assert after[first].ends_at < granted[first].ends_at
    # The next month moves up to where the refunded one now ends, still a whole month.
    assert after[second].starts_at == after[first].ends_at
    assert after[second].ends_at - after[second].starts_at == MONTH
    left = membership(client, fan)
    assert left["active"] is True and paid_until(left) == after[second].ends_at
    assert_verified(settings)


def test_a_partial_refund_keeps_the_month(
    server: LiveServer, client: httpx.Client, settings: Settings
) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    stream_id = members_stream(client, creator)
    paid = sandbox_month(server, client, fan, creator_id)
    before = membership(client, fan)

    part = refund(client, creator, paid, amount=MONTH_USD - 1)
    assert part.status_code == 201 and part.json()["status"] == "succeeded", part.text
    assert membership(client, fan) == before
    assert playback(client, fan, stream_id)
    month = months(settings)[paid]
    assert month.ends_at - month.starts_at == MONTH
    assert_verified(settings)

    # The last minor unit makes it whole: now the month goes.
    rest = refund(client, creator, paid)
    assert rest.status_code == 201 and rest.json()["amount"] == 1, rest.text
    assert membership(client, fan)["active"] is False
    assert playback(client, fan, stream_id) is None
    assert_verified(settings)


def test_ledger_verify_finds_a_refunded_month_not_taken_back(
    server: LiveServer, client: httpx.Client, settings: Settings
) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    paid = sandbox_month(server, client, fan, creator_id)
    assert refund(client, creator, paid).status_code == 201

    async def give_the_month_back() -> None:  # what the server did before refunds took it
        database = Database(settings.resolved_database_url)
        try:
            async with database.session() as session:
                month = (
                    await session.execute(
                        select(MembershipMonthRow).where(MembershipMonthRow.payment_id == paid)
                    )
                ).scalar_one()
                month.ends_at = month.starts_at + MONTH
                await session.execute(
                    update(MembershipRow)
                    .where(MembershipRow.id == month.membership_id)
                    .values(paid_until=month.ends_at)
                )
        finally:
            await database.dispose()

    asyncio.run(give_the_month_back())
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status != 0
    assert f"payment {paid}: refunded in full at" in output
    assert "ok   every membership is paid until the end of its latest month" in output


# --- a refund made at Stripe's Dashboard ------------------------------------------------


@pytest.fixture
def stripe_fake(settings: Settings) -> Iterator[FakeStripe]:
    fake = FakeStripe(webhook_url=f"{settings.public_url}/api/v1/webhooks/stripe")
    with serve(fake.app) as fake_server:
        fake.url = fake_server.url
        yield fake
    assert fake.errors == []


def test_a_refund_at_stripe_takes_the_month_back_once(
    settings: Settings, stripe_fake: FakeStripe
) -> None:
    live = settings.model_copy(
        update={
            "stripe_secret_key": SECRET_KEY,
            "stripe_api_base": stripe_fake.url,
            "stripe_webhook_secret": WEBHOOK_SECRET,
            "stripe_publishable_key": PUBLISHABLE_KEY,
        }
    )
    with serve_money_app(live) as server, server.client() as client:
        creator_id, creator = register(client)
        _, fan = register(client, role="fan")
        stream_id = members_stream(client, creator)
        created = pay(client, fan, month_body(creator_id))
        assert created.status_code == 201, created.text
        paid = created.json()["id"]
        intent = stripe_fake.intent_for(paid)
        stripe_fake.confirm(intent["id"], "4242424242424242")
        assert wait_for_status(client, fan, paid)["status"] == "succeeded"
        assert playback(client, fan, stream_id)

        part = stripe_fake.refund_in_dashboard(intent["id"], 100)
        assert stripe_fake.send_event("charge.refunded", part).json()["applied"] is True
        assert membership(client, fan)["active"] is True  # partial: the month stays

        whole = stripe_fake.refund_in_dashboard(intent["id"], MONTH_USD - 100)
        body = stripe_fake.event("charge.refunded", whole)
        assert stripe_fake.send_event("", {}, body=body).json()["applied"] is True
        after = membership(client, fan)
        assert after["active"] is False
        assert playback(client, fan, stream_id) is None
        taken = months(settings)[paid]

        # The same event again, and another event with the same total: nothing more.
        assert stripe_fake.send_event("", {}, body=body).json()["applied"] is False
        assert stripe_fake.send_event("charge.refunded", whole).json()["applied"] is False
        assert membership(client, fan) == after
        again = months(settings)[paid]
        assert (again.starts_at, again.ends_at) == (taken.starts_at, taken.ends_at)
        shown = client.get(f"/payments/{paid}", headers=bearer(creator)).json()
        assert shown["refunded_amount"] == MONTH_USD
    assert_verified(settings)
