"""Card subscriptions: the real Stripe adapter (Stripe Billing through the `stripe` SDK)
against a local Stripe that sends signed `invoice.*` and `customer.subscription.*`
events, and the card sandbox renewing by itself; over real HTTP on both databases.

Every renewal is one more succeeded payment with its own entries and one more month,
a duplicate or foreign invoice changes nothing, and `ledger verify` stays green.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from server.config import Settings
from tests.support.fake_stripe import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, FakeStripe
from tests.support.live_server import LiveServer, serve
from tests.support.payments import (
    bearer,
    ledger_verify,
    pay,
    query,
    register,
    serve_money_app,
    wait_for_status,
    wait_until,
)

MONTH_USD = 499  # USD 4.99: the price of one month
MONTH = timedelta(days=30)


@pytest.fixture
def stripe_fake(settings: Settings) -> Iterator[FakeStripe]:
    fake = FakeStripe(webhook_url=f"{settings.public_url}/api/v1/webhooks/stripe")
    with serve(fake.app) as server:
        fake.url = server.url
        yield fake
    assert fake.errors == []  # every request we sent had Stripe's shape


@contextmanager
def live(settings: Settings, fake: FakeStripe) -> Iterator[LiveServer]:
    live_settings = settings.model_copy(
        update={
            "stripe_secret_key": SECRET_KEY,
            "stripe_api_base": fake.url,
            "stripe_webhook_secret": WEBHOOK_SECRET,
            "stripe_publishable_key": PUBLISHABLE_KEY,
        }
    )
    with serve_money_app(live_settings) as server:
        yield server


@contextmanager
def people(server: LiveServer) -> Iterator[tuple[httpx.Client, str, str, str, str]]:
    """A client, a creator's id and token, and a fan's id and token."""
    with server.client() as client:
        creator_id, creator = register(client)
        fan_id, fan = register(client, role="fan")
        yield client, creator_id, creator, fan_id, fan


def monthly(creator_id: str) -> dict[str, Any]:
    return {
        "kind": "subscription",
        "method": "card",
        "amount": MONTH_USD,
        "currency": "USD",
        "creator_id": creator_id,
    }


def membership(client: httpx.Client, fan: str, creator_id: str) -> dict[str, Any] | None:
    response = client.get("/subscriptions", headers=bearer(fan))
    assert response.status_code == 200, response.text
    found = [m for m in response.json()["memberships"] if m["creator_id"] == creator_id]
    return found[0] if found else None


def paid_until(client: httpx.Client, fan: str, creator_id: str) -> datetime:
    found = membership(client, fan, creator_id)
    assert found is not None
    return datetime.fromisoformat(found["paid_until"])


def subscription_payments(settings: Settings, subscription_id: str) -> list[tuple[Any, ...]]:
    return query(
        settings.resolved_database_url,
        "SELECT id, status, provider_ref, amount, currency, fee, method FROM payments "
        "WHERE subscription_ref = :s ORDER BY created_at, id",
        s=subscription_id,
    )


def entry_keys(settings: Settings, payment_id: str) -> list[str]:
    rows = query(
        settings.resolved_database_url,
        "SELECT idempotency_key FROM ledger_entries WHERE payment_id = :p ORDER BY idempotency_key",
        p=payment_id,
    )
    return [row[0] for row in rows]


def assert_ledger_green(settings: Settings) -> None:
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status == 0, output
    assert "ok   every succeeded subscription payment, and only those, granted one month" in (
        output
    )


def subscribe(
    client: httpx.Client, fake: FakeStripe, fan: str, creator_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Pay the first month with a good card: answers (the payment, the Stripe subscription)."""
    created = pay(client, fan, monthly(creator_id))
    assert created.status_code == 201, created.text
    payment: dict[str, Any] = created.json()
    subscription = fake.subscription_for(payment["id"])
    answer = fake.pay_invoice(subscription["latest_invoice"], "4242424242424242")
    assert answer is not None and answer.json() == {"received": True, "applied": True}
    done = wait_for_status(client, fan, payment["id"])
    assert done["status"] == "succeeded", done
    return done, subscription


# --- live: Stripe Billing through the SDK ---------------------------------------------


def test_the_first_invoice_pays_a_month_and_each_renewal_one_more(
    settings: Settings, stripe_fake: FakeStripe
) -> None:
    with live(settings, stripe_fake) as server, people(server) as who:
        client, creator_id, creator, fan_id, fan = who
        created = pay(client, fan, monthly(creator_id))
        assert created.status_code == 201, created.text
        payment = created.json()
        assert (payment["kind"], payment["method"], payment["status"]) == (
            "subscription",
            "card",
            "pending",
        )
        subscription = stripe_fake.subscription_for(payment["id"])
        assert subscription["metadata"] == {
            "payment_id": payment["id"],
            "creator_id": creator_id,
            "member_id": fan_id,
        }
        assert subscription["items"]["data"][0]["price"]["unit_amount"] == MONTH_USD
        first_invoice = stripe_fake.invoices[subscription["latest_invoice"]]
        # The fan page confirms the first invoice exactly like a one-off card payment.
        assert payment["next_action"] == {
            "type": "stripe_client_secret",
            "client_secret": first_invoice["confirmation_secret"]["client_secret"],
            "publishable_key": PUBLISHABLE_KEY,
        }
        keys = {(path, key) for method, path, key in stripe_fake.requests if method == "POST"}
        assert ("/v1/customers", f"flash-customer-{fan_id}") in keys
        assert ("/v1/products", f"flash-product-{creator_id}") in keys
        assert ("/v1/subscriptions", f"flash-payment-{payment['id']}") in keys
        (customer,) = stripe_fake.customers.values()
        assert customer["metadata"] == {"user_id": fan_id}
        assert membership(client, fan, creator_id) is None  # nothing paid yet

        answer = stripe_fake.pay_invoice(first_invoice["id"], "4242424242424242")
        assert answer is not None and answer.json() == {"received": True, "applied": True}
        done = wait_for_status(client, fan, payment["id"])
        assert done["status"] == "succeeded" and done["next_action"] is None
        assert entry_keys(settings, payment["id"]) == [
            f"stripe:{first_invoice['id']}",
            f"stripe:{first_invoice['id']}:settlement",
        ]
        member = membership(client, fan, creator_id)
        assert member is not None and (member["active"], member["renews"]) == (True, True)
        first_until = paid_until(client, fan, creator_id)

        # The billing clock passes the period's end: Stripe charges the saved card.
        invoice, answer = stripe_fake.renew(subscription["id"])
        assert answer is not None and answer.json() == {"received": True, "applied": True}
        rows = subscription_payments(settings, subscription["id"])
        assert len(rows) == 2
        renewal_id, status, ref, amount, currency, fee, method = rows[1]
        assert (status, ref, amount, currency, fee, method) == (
            "succeeded",
            invoice["id"],
            MONTH_USD,
            "USD",
            49,
            "card",
        )
        assert entry_keys(settings, renewal_id) == [
            f"stripe:{invoice['id']}",
            f"stripe:{invoice['id']}:settlement",
        ]
        assert paid_until(client, fan, creator_id) - first_until == MONTH
        # The fan and the creator both see the renewal like any payment.
        seen = client.get(f"/payments/{renewal_id}", headers=bearer(fan)).json()
        assert (seen["kind"], seen["status"], seen["amount"]) == (
            "subscription",
            "succeeded",
            MONTH_USD,
        )
        feed = client.get("/earnings/transactions", headers=bearer(creator)).json()["items"]
        assert {item["id"] for item in feed} >= {payment["id"], renewal_id}

        # Stripe sends the same event again: nothing more.
        again = stripe_fake.send_event("invoice.paid", invoice)
        assert again.json() == {"received": True, "applied": False}
        assert len(subscription_payments(settings, subscription["id"])) == 2
        assert paid_until(client, fan, creator_id) - first_until == MONTH
    assert_ledger_green(settings)


def test_a_failed_renewal_grants_nothing(settings: Settings, stripe_fake: FakeStripe) -> None:
    with live(settings, stripe_fake) as server, people(server) as who:
        client, creator_id, _, _, fan = who
        _, subscription = subscribe(client, stripe_fake, fan, creator_id)
        until = paid_until(client, fan, creator_id)
        invoice, answer = stripe_fake.renew(subscription["id"], "4000000000009995")
        assert answer is not None and answer.json() == {"received": True, "applied": False}
        assert invoice["status"] == "open"
        assert len(subscription_payments(settings, subscription["id"])) == 1
        assert paid_until(client, fan, creator_id) == until  # it runs out then

        # Stripe's retry later succeeds: that invoice is the next month after all.
        answer = stripe_fake.pay_invoice(invoice["id"], "4242424242424242")
        assert answer is not None and answer.json()["applied"] is True
        assert paid_until(client, fan, creator_id) - until == MONTH
    assert_ledger_green(settings)


def test_stopping_keeps_the_paid_month_and_renews_no_more(
    settings: Settings, stripe_fake: FakeStripe
) -> None:
    with live(settings, stripe_fake) as server, people(server) as who:
        client, creator_id, _, _, fan = who
        nothing = client.delete(f"/subscriptions/{creator_id}", headers=bearer(fan))
        assert nothing.status_code == 404 and nothing.json()["error"]["code"] == "not_renewing"

        _, subscription = subscribe(client, stripe_fake, fan, creator_id)
        until = paid_until(client, fan, creator_id)
        twice = pay(client, fan, monthly(creator_id))
        assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_renewing"

        for _ in range(2):  # again is the same answer
            stopped = client.delete(f"/subscriptions/{creator_id}", headers=bearer(fan))
            assert stopped.status_code == 200, stopped.text
            body = stopped.json()
            assert (body["creator_id"], body["active"], body["renews"]) == (creator_id, True, False)
            assert datetime.fromisoformat(body["paid_until"]) == until
        assert stripe_fake.subscriptions[subscription["id"]]["cancel_at_period_end"] is True
        updates = [
            r
            for r in stripe_fake.requests
            if r[:2] == ("POST", f"/v1/subscriptions/{subscription['id']}")
        ]
        assert len(updates) == 1
        member = membership(client, fan, creator_id)
        assert member is not None and (member["active"], member["renews"]) == (True, False)

        # At the period's end Stripe ends it.
        ended = stripe_fake.end_subscription(subscription["id"])
        assert ended.json() == {"received": True, "applied": True}
        assert stripe_fake.end_subscription(subscription["id"]).json()["applied"] is False
        gone = client.delete(f"/subscriptions/{creator_id}", headers=bearer(fan))
        assert gone.status_code == 404
        # A new card subscription may start again.
        assert pay(client, fan, monthly(creator_id)).status_code == 201
    assert_ledger_green(settings)


def test_an_invoice_not_ours_changes_nothing(settings: Settings, stripe_fake: FakeStripe) -> None:
    with live(settings, stripe_fake) as server, people(server) as who:
        client, creator_id, _, _, fan = who
        _, subscription = subscribe(client, stripe_fake, fan, creator_id)
        until = paid_until(client, fan, creator_id)
        invoice, _ = stripe_fake.renew(subscription["id"], send_event=False)
        forged = [
            {**invoice, "amount_paid": 1},
            {**invoice, "currency": "eur"},
            {
                **invoice,
                "parent": {
                    "type": "subscription_details",
                    "subscription_details": {"subscription": "sub_someone_else"},
                },
            },
            {**invoice, "billing_reason": "manual"},
        ]
        for body in forged:
            answer = stripe_fake.send_event("invoice.paid", body)
            assert answer.json() == {"received": True, "applied": False}, body
        assert len(subscription_payments(settings, subscription["id"])) == 1
        assert paid_until(client, fan, creator_id) == until
        # The real one still counts.
        assert stripe_fake.send_event("invoice.paid", invoice).json()["applied"] is True
    assert_ledger_green(settings)


def test_refunds_of_card_subscription_payments_reach_the_invoices_charge(
    settings: Settings, stripe_fake: FakeStripe
) -> None:
    with live(settings, stripe_fake) as server, people(server) as who:
        client, creator_id, creator, _, fan = who
        first, subscription = subscribe(client, stripe_fake, fan, creator_id)
        invoice, _ = stripe_fake.renew(subscription["id"])
        renewal_id = subscription_payments(settings, subscription["id"])[1][0]

        # The creator refunds part of the first month: Stripe refunds the invoice's intent.
        headers = {**bearer(creator), "Idempotency-Key": uuid.uuid4().hex}
        refund = client.post(
            f"/payments/{first['id']}/refund", json={"amount": 100}, headers=headers
        )
        assert refund.status_code == 201, refund.text
        assert refund.json()["status"] == "succeeded"
        paid_first = stripe_fake.invoices[first_invoice_id(stripe_fake, subscription)]
        first_intent = paid_first["payments"]["data"][-1]["payment"]["payment_intent"]
        (made,) = stripe_fake.refunds.values()
        assert (made["amount"], made["payment_intent"]) == (100, first_intent)
        # A partial refund is a gesture: the subscription goes on.
        assert stripe_fake.subscriptions[subscription["id"]]["status"] == "active"

        # The renewal is refunded in full at Stripe's Dashboard: its `charge.refunded` counts.
        renewal_intent = stripe_fake.invoices[invoice["id"]]["payments"]["data"][-1]["payment"][
            "payment_intent"
        ]
        charge = stripe_fake.refund_in_dashboard(renewal_intent, MONTH_USD)
        assert stripe_fake.send_event("charge.refunded", charge).json()["applied"] is True
        current = client.get(f"/payments/{renewal_id}", headers=bearer(creator)).json()
        assert current["refunded_amount"] == MONTH_USD
        # A month given back in full is not charged again: the subscription ends at once.
        assert stripe_fake.subscriptions[subscription["id"]]["status"] == "canceled"
        member = membership(client, fan, creator_id)
        assert member is not None and member["renews"] is False
        # Nothing renews any more, so the fan may start a new card subscription.
        again = pay(client, fan, monthly(creator_id))
        assert again.status_code == 201, again.text
    assert_ledger_green(settings)


def first_invoice_id(fake: FakeStripe, subscription: dict[str, Any]) -> str:
    (found,) = [
        i["id"]
        for i in fake.invoices.values()
        if i["billing_reason"] == "subscription_create"
        and i["parent"]["subscription_details"]["subscription"] == subscription["id"]
    ]
    return found


def test_a_declined_first_invoice_fails_and_ends_the_subscription(
    settings: Settings, stripe_fake: FakeStripe
) -> None:
    with live(settings, stripe_fake) as server, people(server) as who:
        client, creator_id, _, _, fan = who
        payment = pay(client, fan, monthly(creator_id)).json()
        subscription = stripe_fake.subscription_for(payment["id"])
        stripe_fake.pay_invoice(subscription["latest_invoice"], "4000000000000002")
        done = wait_for_status(client, fan, payment["id"])
        assert done["status"] == "failed" and done["failure_reason"]["code"] == "card_declined"
        assert stripe_fake.subscriptions[subscription["id"]]["status"] == "canceled"
        assert stripe_fake.invoices[subscription["latest_invoice"]]["status"] == "void"
        assert membership(client, fan, creator_id) is None
        assert entry_keys(settings, payment["id"]) == []
        # Nothing renews: stopping finds nothing, and a new subscription may start.
        assert client.delete(f"/subscriptions/{creator_id}", headers=bearer(fan)).status_code == 404
        assert pay(client, fan, monthly(creator_id)).status_code == 201
    assert_ledger_green(settings)


# --- the card sandbox renews by itself -----------------------------------------------


def test_the_card_sandbox_renews_until_stopped(settings: Settings) -> None:
    fast = settings.model_copy(update={"stripe_sandbox_renewal_s": 1.0})
    with serve_money_app(fast) as server, people(server) as who:
        client, creator_id, creator, _, fan = who
        created = pay(client, fan, monthly(creator_id))
        assert created.status_code == 201, created.text
        payment = created.json()
        assert payment["next_action"] == {
            "type": "redirect",
            "url": f"{server.url}/pay/{payment['id']}/sandbox-card",
        }
        with httpx.Client(base_url=server.url, timeout=15) as browser:
            page = browser.get(f"/pay/{payment['id']}/sandbox-card")
            assert page.status_code == 200 and "USD 4.99" in page.text
            browser.post(f"/pay/{payment['id']}/sandbox-card", data={"number": "4242424242424242"})
        assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"
        (subscription_id,) = query(
            fast.resolved_database_url,
            "SELECT subscription_ref FROM payments WHERE id = :p",
            p=payment["id"],
        )[0]
        assert subscription_id.startswith("sub_sbx_")

        def renewed() -> bool:
            return len(subscription_payments(fast, subscription_id)) >= 3

        wait_until(renewed, message="two sandbox renewals")
        member = membership(client, fan, creator_id)
        assert member is not None and member["renews"] is True
        stopped = client.delete(f"/subscriptions/{creator_id}", headers=bearer(fan))
        assert stopped.status_code == 200 and stopped.json()["renews"] is False

        def ended() -> bool:
            rows = query(
                fast.resolved_database_url,
                "SELECT ended_at FROM card_subscriptions WHERE id = :s",
                s=subscription_id,
            )
            return rows[0][0] is not None

        wait_until(ended, message="the sandbox subscription to end")
        rows = subscription_payments(fast, subscription_id)
        assert all(status == "succeeded" for _, status, *_ in rows)
        months = query(
            fast.resolved_database_url,
            "SELECT COUNT(*) FROM membership_months WHERE payment_id IN "
            "(SELECT id FROM payments WHERE subscription_ref = :s)",
            s=subscription_id,
        )
        assert months[0][0] == len(rows)
        feed = client.get("/earnings/transactions", headers=bearer(creator)).json()["items"]
        assert {row[0] for row in rows} <= {item["id"] for item in feed}
        assert client.delete(f"/subscriptions/{creator_id}", headers=bearer(fan)).status_code == 404
    assert_ledger_green(fast)
