"""Cards: the real Stripe adapter (the `stripe` SDK) against a local Stripe, the card
sandbox through its own page, the return pages, and refunds; all over real HTTP.

Every payment ends once with exactly its ledger entries, every refund gives back
once, and `flash-server ledger verify` stays green.
"""

import asyncio
import html
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from server.config import Settings
from tests.support.fake_stripe import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    sign,
)
from tests.support.live_server import LiveServer, serve
from tests.support.payments import (
    bearer,
    guest_token,
    ledger_verify,
    pay,
    query,
    register,
    serve_money_app,
    wait_for_status,
)


@pytest.fixture
def stripe_fake(settings: Settings) -> Iterator[FakeStripe]:
    fake = FakeStripe(webhook_url=f"{settings.public_url}/api/v1/webhooks/stripe")
    with serve(fake.app) as server:
        fake.url = server.url
        yield fake
    assert fake.errors == []  # every request we sent had Stripe's shape


@contextmanager
def live(settings: Settings, fake: FakeStripe, **overrides: Any) -> Iterator[LiveServer]:
    live_settings = settings.model_copy(
        update={
            "stripe_secret_key": SECRET_KEY,
            "stripe_api_base": fake.url,
            "stripe_webhook_secret": WEBHOOK_SECRET,
            "stripe_publishable_key": PUBLISHABLE_KEY,
            **overrides,
        }
    )
    with serve_money_app(live_settings) as server:
        yield server


@contextmanager
def people(server: LiveServer) -> Iterator[tuple[httpx.Client, str, str, str]]:
    """A client, a creator's id and token, and a fan's token."""
    with server.client() as client:
        creator_id, creator = register(client)
        _, fan = register(client, role="fan")
        yield client, creator_id, creator, fan


def card_tip(
    creator_id: str, amount: int = 500, currency: str = "USD", **extra: Any
) -> dict[str, Any]:
    return {
        "kind": "tip",
        "method": "card",
        "amount": amount,
        "currency": currency,
        "creator_id": creator_id,
        "message": "Asante!",
        **extra,
    }


def entries_of(settings: Settings, payment_id: str) -> list[tuple[Any, ...]]:
    return query(
        settings.resolved_database_url,
        "SELECT kind, idempotency_key FROM ledger_entries WHERE payment_id = :p "
        "ORDER BY created_at, idempotency_key",
        p=payment_id,
    )


def balance(settings: Settings, code: str, currency: str) -> int:
    rows = query(
        settings.resolved_database_url,
        "SELECT balance FROM ledger_accounts WHERE code = :c AND currency = :cur",
        c=code,
        cur=currency,
    )
    return int(rows[0][0]) if rows else 0


def assert_ledger_green(settings: Settings) -> None:
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status == 0, output


# --- live: Stripe through the SDK ---------------------------------------------------


@pytest.mark.parametrize(("amount", "currency"), [(500, "USD"), (1_000, "XOF")])
def test_a_card_payment_succeeds_when_stripe_says_so(
    settings: Settings, stripe_fake: FakeStripe, amount: int, currency: str
) -> None:
    with live(settings, stripe_fake) as server, people(server) as people_there:
        client, creator_id, creator, fan = people_there
        response = pay(client, fan, card_tip(creator_id, amount, currency))
        assert response.status_code == 201, response.text
        payment = response.json()
        assert payment["status"] == "pending"
        intent = stripe_fake.intent_for(payment["id"])
        # Minor units are Stripe's units for both (XOF has no decimals at Stripe either).
        assert (intent["amount"], intent["currency"]) == (amount, currency.lower())
        assert payment["next_action"] == {
            "type": "stripe_client_secret",
            "client_secret": intent["client_secret"],
            "publishable_key": PUBLISHABLE_KEY,
        }
        assert ("POST", "/v1/payment_intents", f"flash-payment-{payment['id']}") in (
            stripe_fake.requests
        )
        # A later read shows the same action, while the fan has not paid.
        again = client.get(f"/payments/{payment['id']}", headers=bearer(fan)).json()
        assert again["next_action"] == payment["next_action"]
        # The receiving creator sees the payment, never the payer's client secret.
        seen = client.get(f"/payments/{payment['id']}", headers=bearer(creator)).json()
        assert seen["status"] == "pending" and seen["next_action"] is None

        answer = stripe_fake.confirm(intent["id"], "4242424242424242")
        assert answer is not None and answer.status_code == 200, answer and answer.text
        done = wait_for_status(client, fan, payment["id"])
        assert done["status"] == "succeeded" and done["next_action"] is None
        assert entries_of(settings, payment["id"]) == [
            ("capture", f"stripe:{intent['id']}"),
            ("settlement", f"stripe:{intent['id']}:settlement"),
        ]
    assert_ledger_green(settings)


@pytest.mark.parametrize(
    ("card", "failure"),
    [("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds")],
)
def test_a_declined_card_fails_the_payment_and_cancels_its_intent(
    settings: Settings, stripe_fake: FakeStripe, card: str, failure: str
) -> None:
    with live(settings, stripe_fake) as server, people(server) as (client, creator_id, _, fan):
        payment = pay(client, fan, card_tip(creator_id)).json()
        intent = stripe_fake.intent_for(payment["id"])
        stripe_fake.confirm(intent["id"], card)
        done = wait_for_status(client, fan, payment["id"])
        assert done["status"] == "failed"
        assert done["failure_reason"]["code"] == failure
        assert stripe_fake.intents[intent["id"]]["status"] == "canceled"  # no second card
        assert entries_of(settings, payment["id"]) == []


def test_a_bad_stale_or_missing_signature_is_400_and_changes_nothing(
    settings: Settings, stripe_fake: FakeStripe
) -> None:
    with live(settings, stripe_fake) as server, people(server) as (client, creator_id, _, fan):
        payment = pay(client, fan, card_tip(creator_id)).json()
        intent = stripe_fake.intent_for(payment["id"])
        stripe_fake.confirm(intent["id"], "4242424242424242", send_event=False)
        body = stripe_fake.event("payment_intent.succeeded", dict(intent))
        stale = int(time.time()) - 301
        for header in (
            sign(body, "whsec_forged"),
            sign(body, WEBHOOK_SECRET, timestamp=stale),
            "",
            "t=123,v1=",
        ):
            answer = stripe_fake.send_event("", {}, body=body, header=header)
            assert answer.status_code == 400, answer.text
            assert answer.json()["error"]["code"] == "invalid_signature"
        # A body changed after signing is refused too.
        tampered = body.replace(b'"succeeded"', b'"succeeded" ', 1)
        answer = stripe_fake.send_event("", {}, body=tampered, header=sign(body, WEBHOOK_SECRET))
        assert answer.status_code == 400
        current = client.get(f"/payments/{payment['id']}", headers=bearer(fan)).json()
        assert current["status"] == "pending"
        assert entries_of(settings, payment["id"]) == []
        # A valid event of a type we do not use is 200.
        assert stripe_fake.send_event("customer.created", {"id": "cus_1"}).status_code == 200
        # ... and the real event still goes through.
        assert stripe_fake.send_event("", {}, body=body).status_code == 200
        assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"


def test_webhook_secrets_rotate(settings: Settings, stripe_fake: FakeStripe) -> None:
    rotating = f"whsec_old_secret_1234,{WEBHOOK_SECRET}"
    with (
        live(settings, stripe_fake, stripe_webhook_secret=rotating) as server,
        people(server) as (client, creator_id, _, fan),
    ):
        first = pay(client, fan, card_tip(creator_id)).json()
        intent = stripe_fake.intent_for(first["id"])
        stripe_fake.confirm(intent["id"], "4242424242424242", send_event=False)
        # Stripe signs with every secret during a rotation: one v1 per secret.
        body = stripe_fake.event("payment_intent.succeeded", dict(intent))
        t = int(time.time())
        old, new = sign(body, "whsec_old_secret_1234", t), sign(body, "whsec_unknown", t)
        header = f"{old},v1={new.split('v1=')[1]}"
        assert stripe_fake.send_event("", {}, body=body, header=header).status_code == 200
        assert wait_for_status(client, fan, first["id"])["status"] == "succeeded"

        second = pay(client, fan, card_tip(creator_id)).json()
        stripe_fake.confirm(stripe_fake.intent_for(second["id"])["id"], "4242424242424242")
        assert wait_for_status(client, fan, second["id"])["status"] == "succeeded"


def test_a_duplicate_event_changes_nothing(settings: Settings, stripe_fake: FakeStripe) -> None:
    with live(settings, stripe_fake) as server, people(server) as (client, creator_id, _, fan):
        payment = pay(client, fan, card_tip(creator_id)).json()
        intent = stripe_fake.intent_for(payment["id"])
        stripe_fake.confirm(intent["id"], "4242424242424242", send_event=False)
        body = stripe_fake.event(
            "payment_intent.succeeded", dict(stripe_fake.intents[intent["id"]])
        )
        first = stripe_fake.send_event("", {}, body=body)
        second = stripe_fake.send_event("", {}, body=body)
        assert (first.json()["applied"], second.json()["applied"]) == (True, False)
        assert len(entries_of(settings, payment["id"])) == 2
    assert_ledger_green(settings)


def test_an_event_for_another_amount_changes_nothing(
    settings: Settings, stripe_fake: FakeStripe
) -> None:
    with live(settings, stripe_fake) as server, people(server) as (client, creator_id, _, fan):
        payment = pay(client, fan, card_tip(creator_id, 500)).json()
        intent = dict(stripe_fake.intent_for(payment["id"]))
        for wrong in ({"amount": 50}, {"currency": "eur"}, {"id": "pi_someone_else"}):
            answer = stripe_fake.send_event(
                "payment_intent.succeeded", {**intent, **wrong, "status": "succeeded"}
            )
            assert answer.status_code == 200 and answer.json()["applied"] is False
        current = client.get(f"/payments/{payment['id']}", headers=bearer(fan)).json()
        assert current["status"] == "pending"
        assert entries_of(settings, payment["id"]) == []


def test_stripe_down_is_502_and_a_retry_charges_once(
    settings: Settings, stripe_fake: FakeStripe
) -> None:
    with live(settings, stripe_fake) as server, people(server) as (client, creator_id, _, fan):
        stripe_fake.fail_with = 503
        key = uuid.uuid4().hex
        down = pay(client, fan, card_tip(creator_id), key=key)
        assert down.status_code == 502, down.text
        assert down.json()["error"]["code"] == "provider_unavailable"
        payment_id = down.json()["error"]["details"]["payment_id"]
        assert stripe_fake.intents == {}
        sent = [r for r in stripe_fake.requests if r[1] == "/v1/payment_intents"]
        assert sent and {r[2] for r in sent} == {f"flash-payment-{payment_id}"}

        stripe_fake.fail_with = None
        retried = pay(client, fan, card_tip(creator_id), key=key)
        assert retried.status_code == 201, retried.text
        assert retried.json()["id"] == payment_id
        replay = pay(client, fan, card_tip(creator_id), key=key)
        assert replay.text == retried.text
        assert len(stripe_fake.intents) == 1
        sent = [r for r in stripe_fake.requests if r[1] == "/v1/payment_intents"]
        assert {r[2] for r in sent} == {f"flash-payment-{payment_id}"}


def test_refunds_at_stripe_and_from_its_dashboard(
    settings: Settings, stripe_fake: FakeStripe
) -> None:
    with (
        live(settings, stripe_fake) as server,
        people(server) as (client, creator_id, creator, fan),
    ):
        payment = pay(client, fan, card_tip(creator_id, 1_000)).json()
        intent = stripe_fake.intent_for(payment["id"])
        stripe_fake.confirm(intent["id"], "4242424242424242")
        assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"

        refund = refund_of(client, creator, payment["id"], {"amount": 300})
        assert refund.status_code == 201, refund.text
        assert refund.json()["status"] == "succeeded"
        (made,) = stripe_fake.refunds.values()
        assert (made["amount"], made["payment_intent"]) == (300, intent["id"])
        assert ("POST", "/v1/refunds", f"flash-refund-{refund.json()['id']}") in (
            stripe_fake.requests
        )

        # Refunded again at Stripe's Dashboard: its `charge.refunded` says 500 in all.
        charge = stripe_fake.refund_in_dashboard(intent["id"], 200)
        body = stripe_fake.event("charge.refunded", charge)
        assert stripe_fake.send_event("", {}, body=body).json()["applied"] is True
        assert stripe_fake.send_event("", {}, body=body).json()["applied"] is False
        again = stripe_fake.send_event("charge.refunded", charge)  # another event, same total
        assert again.json()["applied"] is False
        current = client.get(f"/payments/{payment['id']}", headers=bearer(creator)).json()
        assert current["refunded_amount"] == 500
    assert balance(settings, f"creator:{creator_id}:available", "USD") == 450  # (1000-100)/2
    assert_ledger_green(settings)


# --- the card sandbox, its page and the return pages --------------------------------


def sandbox_pay(
    server: LiveServer, client: httpx.Client, fan: str, creator_id: str, **extra: Any
) -> dict[str, Any]:
    response = pay(client, fan, card_tip(creator_id, **extra))
    assert response.status_code == 201, response.text
    payment: dict[str, Any] = response.json()
    assert payment["next_action"] == {
        "type": "redirect",
        "url": f"{server.url}/pay/{payment['id']}/sandbox-card",
    }
    return payment


def test_the_sandbox_card_page_pays_like_stripe(settings: Settings) -> None:
    with serve_money_app(settings) as server, people(server) as (client, creator_id, _, fan):
        stream_id = "stream-for-the-back-link"
        payment = sandbox_pay(server, client, fan, creator_id, stream_id=stream_id)
        with httpx.Client(base_url=server.url, timeout=15) as browser:
            form = browser.get(f"/pay/{payment['id']}/sandbox-card")
            assert form.status_code == 200
            assert "Sandbox — no real money" in form.text and "USD 5.00" in form.text

            wrong = browser.post(
                f"/pay/{payment['id']}/sandbox-card", data={"number": "4242 4242 4242 4241"}
            )
            assert wrong.status_code == 422 and "not valid" in wrong.text

            paid = browser.post(
                f"/pay/{payment['id']}/sandbox-card",
                data={"number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"},
            )
            assert paid.status_code == 303
            assert paid.headers["location"] == f"/pay/{payment['id']}"
            shown = browser.get(paid.headers["location"])
            assert shown.status_code == 200
            assert "Your payment went through" in shown.text
            assert f'href="/live/{stream_id}"' in shown.text
            assert 'http-equiv="refresh"' not in shown.text
        done = client.get(f"/payments/{payment['id']}", headers=bearer(fan)).json()
        assert done["status"] == "succeeded"
    assert_ledger_green(settings)


@pytest.mark.parametrize(
    ("card", "failure"),
    [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
    ],
)
def test_a_declined_sandbox_card_fails_in_the_payers_language(
    settings: Settings, card: str, failure: str
) -> None:
    with serve_money_app(settings) as server, server.client() as client:
        creator_id, _ = register(client)
        guest = guest_token(client)
        response = client.post(
            "/payments",
            json=card_tip(creator_id),
            headers={**bearer(guest), "Idempotency-Key": uuid.uuid4().hex, "Accept-Language": "fr"},
        )
        payment = response.json()
        with httpx.Client(base_url=server.url, timeout=15, follow_redirects=True) as browser:
            assert "Bac à sable" in browser.get(f"/pay/{payment['id']}/sandbox-card").text
            shown = browser.post(f"/pay/{payment['id']}/sandbox-card", data={"number": card})
            assert shown.status_code == 200
            assert "Le paiement n'a pas abouti" in html.unescape(shown.text)
        done = client.get(f"/payments/{payment['id']}", headers=bearer(guest)).json()
        assert done["status"] == "failed" and done["failure_reason"]["code"] == failure


def test_the_cancel_page_cancels_only_what_was_not_paid(settings: Settings) -> None:
    with serve_money_app(settings) as server, people(server) as (client, creator_id, _, fan):
        left = sandbox_pay(server, client, fan, creator_id)
        paid = sandbox_pay(server, client, fan, creator_id)
        with httpx.Client(base_url=server.url, timeout=15, follow_redirects=True) as browser:
            pending = browser.get(f"/pay/{left['id']}")
            assert 'http-equiv="refresh"' in pending.text  # pending: the page refreshes
            shown = browser.get(f"/pay/{left['id']}/cancel")
            assert "The payment was cancelled" in shown.text
            browser.post(f"/pay/{paid['id']}/sandbox-card", data={"number": "4242424242424242"})
            assert "went through" in browser.get(f"/pay/{paid['id']}/cancel").text
            assert browser.get("/pay/does-not-exist").status_code == 404
        cancelled = client.get(f"/payments/{left['id']}", headers=bearer(fan)).json()
        assert cancelled["status"] == "cancelled"
        assert cancelled["failure_reason"]["code"] == "payer_left"
        still = client.get(f"/payments/{paid['id']}", headers=bearer(fan)).json()
        assert still["status"] == "succeeded"


# --- refunds ------------------------------------------------------------------------


def refund_of(
    client: httpx.Client, token: str, payment_id: str, body: dict[str, Any] | None, key: str = ""
) -> httpx.Response:
    headers = {**bearer(token), "Idempotency-Key": key or uuid.uuid4().hex}
    return client.post(f"/payments/{payment_id}/refund", json=body, headers=headers)


def paid_card_tip(
    server: LiveServer, client: httpx.Client, fan: str, creator_id: str, amount: int = 1_000
) -> dict[str, Any]:
    payment = sandbox_pay(server, client, fan, creator_id, amount=amount)
    with httpx.Client(base_url=server.url, timeout=15) as browser:
        browser.post(f"/pay/{payment['id']}/sandbox-card", data={"number": "4242424242424242"})
    done = wait_for_status(client, fan, payment["id"])
    assert done["status"] == "succeeded"
    return done


def test_refunds_partial_then_the_rest_never_more(settings: Settings) -> None:
    with serve_money_app(settings) as server, people(server) as (client, creator_id, creator, fan):
        payment = paid_card_tip(server, client, fan, creator_id, amount=1_000)
        pid = payment["id"]
        available = f"creator:{creator_id}:available"
        assert balance(settings, available, "USD") == 900

        part = refund_of(client, creator, pid, {"amount": 333})
        assert part.status_code == 201, part.text
        assert part.json() | {"id": None, "created_at": None} == {
            "id": None,
            "payment_id": pid,
            "amount": 333,
            "currency": "USD",
            "fee": 33,
            "status": "succeeded",
            "failure_reason": None,
            "payment_refunded_amount": 333,
            "created_at": None,
        }
        too_much = refund_of(client, creator, pid, {"amount": 668})
        assert too_much.status_code == 422
        assert too_much.json()["error"]["code"] == "refund_too_large"
        assert too_much.json()["error"]["details"]["refundable"] == 667

        rest = refund_of(client, creator, pid, None)
        assert rest.status_code == 201, rest.text
        assert (rest.json()["amount"], rest.json()["fee"]) == (667, 67)  # fees add up to 100
        done = refund_of(client, creator, pid, {})
        assert done.status_code == 409 and done.json()["error"]["code"] == "already_refunded"

        shown = client.get(f"/payments/{pid}", headers=bearer(fan)).json()
        assert (shown["status"], shown["refunded_amount"]) == ("succeeded", 1_000)
        summary = client.get("/earnings/summary", headers=bearer(creator)).json()
        (usd,) = [t for t in summary["totals"] if t["currency"] == "USD"]
        assert (usd["net"], usd["available"]) == (0, 0)
    assert balance(settings, available, "USD") == 0
    assert balance(settings, "platform:fees", "USD") == 0
    assert_ledger_green(settings)
    # The audit holds the payments table to the ledger: a refund not booked is caught.
    query(
        settings.resolved_database_url,
        "UPDATE payments SET refunded_amount = 10 WHERE id = :p",
        p=pid,
    )
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status == 1 and "refunds match its refund entries" in output, output


def test_only_the_receiving_creator_refunds_and_a_key_refunds_once(settings: Settings) -> None:
    with serve_money_app(settings) as server, people(server) as (client, creator_id, creator, fan):
        payment = paid_card_tip(server, client, fan, creator_id)
        pid = payment["id"]
        _, other_creator = register(client)
        for token in (fan, other_creator):
            refused = refund_of(client, token, pid, None)
            assert refused.status_code == 404, refused.text
        key = uuid.uuid4().hex
        first = refund_of(client, creator, pid, {"amount": 100}, key=key)
        again = refund_of(client, creator, pid, {"amount": 100}, key=key)
        assert first.status_code == again.status_code == 201
        assert first.text == again.text
        other_body = refund_of(client, creator, pid, {"amount": 200}, key=key)
        assert other_body.status_code == 409
        assert other_body.json()["error"]["code"] == "idempotency_key_reused"
        no_key = client.post(f"/payments/{pid}/refund", json=None, headers=bearer(creator))
        assert no_key.status_code == 400
        shown = client.get(f"/payments/{pid}", headers=bearer(creator)).json()
        assert shown["refunded_amount"] == 100

        pending = sandbox_pay(server, client, fan, creator_id)
        not_yet = refund_of(client, creator, pending["id"], None)
        assert not_yet.status_code == 409 and not_yet.json()["error"]["code"] == "not_refundable"
    assert_ledger_green(settings)


def test_mpesa_payments_are_not_refunded_here(settings: Settings) -> None:
    fast = settings.model_copy(update={"mpesa_sandbox_delay_s": 0.0})
    with serve_money_app(fast) as server, people(server) as (client, creator_id, creator, fan):
        body = {
            "kind": "tip",
            "method": "mpesa",
            "amount": 10_000,
            "currency": "KES",
            "creator_id": creator_id,
            "phone": "+254712345678",
        }
        payment = pay(client, fan, body).json()
        assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"
        refused = refund_of(client, creator, payment["id"], None)
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "refund_unsupported"


def test_cards_are_offered_on_the_fan_page(settings: Settings) -> None:
    from server.fanpage.methods import available_methods
    from server.payments.gateways import build_gateways

    gateways = build_gateways(settings)
    try:
        assert "card" in [option.method.value for option in available_methods(gateways)]
    finally:
        asyncio.run(gateways.aclose())


def test_a_refund_stripe_refuses_or_cannot_take_gives_the_money_back_to_the_creator(
    settings: Settings, stripe_fake: FakeStripe
) -> None:
    with (
        live(settings, stripe_fake) as server,
        people(server) as (client, creator_id, creator, fan),
    ):
        payment = pay(client, fan, card_tip(creator_id, 1_000)).json()
        intent = stripe_fake.intent_for(payment["id"])
        stripe_fake.confirm(intent["id"], "4242424242424242")
        assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"
        available = f"creator:{creator_id}:available"

        # Stripe is down: 502, the refund waits (its money held), a retry refunds once.
        stripe_fake.fail_with = 500
        key = uuid.uuid4().hex
        down = refund_of(client, creator, payment["id"], {"amount": 100}, key=key)
        assert down.status_code == 502 and down.json()["error"]["code"] == "provider_unavailable"
        assert balance(settings, available, "USD") == 900 - 90
        stripe_fake.fail_with = None
        retried = refund_of(client, creator, payment["id"], {"amount": 100}, key=key)
        assert retried.status_code == 201 and retried.json()["status"] == "succeeded"
        assert len(stripe_fake.refunds) == 1

        # Refunded in full at Stripe, and the event never came: Stripe refuses ours.
        stripe_fake.refund_in_dashboard(intent["id"], 900)
        refused = refund_of(client, creator, payment["id"], {"amount": 500})
        assert refused.status_code == 201, refused.text
        assert refused.json()["status"] == "failed"
        assert refused.json()["failure_reason"]["code"] == "refund_refused"
        assert refused.json()["payment_refunded_amount"] == 100
        assert balance(settings, available, "USD") == 900 - 90
    assert_ledger_green(settings)


def test_a_card_payment_never_confirmed_expires(settings: Settings) -> None:
    quick = settings.model_copy(
        update={
            "payment_query_after_s": 0.0,
            "payment_sweep_interval_s": 0.2,
            "payment_unconfirmed_expiry_s": 1.0,
        }
    )
    with serve_money_app(quick) as server, people(server) as (client, creator_id, _, fan):
        payment = sandbox_pay(server, client, fan, creator_id)
        done = wait_for_status(client, fan, payment["id"])
        assert done["status"] == "expired"
        assert done["failure_reason"]["code"] == "card_not_completed"
        with httpx.Client(base_url=server.url, timeout=15) as browser:
            late = browser.post(
                f"/pay/{payment['id']}/sandbox-card", data={"number": "4242424242424242"}
            )
            assert late.status_code == 303  # shown as it ended: nothing is charged any more
        still = client.get(f"/payments/{payment['id']}", headers=bearer(fan)).json()
        assert still["status"] == "expired"


def test_the_return_pages_ask_stripe_itself(settings: Settings, stripe_fake: FakeStripe) -> None:
    with live(settings, stripe_fake) as server, people(server) as (client, creator_id, _, fan):
        paid = pay(client, fan, card_tip(creator_id)).json()
        left = pay(client, fan, card_tip(creator_id)).json()
        paid_intent = stripe_fake.intent_for(paid["id"])["id"]
        left_intent = stripe_fake.intent_for(left["id"])["id"]
        # Back from Stripe before its event: the return page asks Stripe and shows the outcome.
        stripe_fake.confirm(paid_intent, "4242424242424242", send_event=False)
        with httpx.Client(base_url=server.url, timeout=15, follow_redirects=True) as browser:
            assert "went through" in browser.get(f"/pay/{paid['id']}").text
            assert "Sandbox" not in browser.get(f"/pay/{paid['id']}").text
            assert "was cancelled" in browser.get(f"/pay/{left['id']}/cancel").text
        assert stripe_fake.intents[left_intent]["status"] == "canceled"
        assert stripe_fake.intents[left_intent]["cancellation_reason"] == "requested_by_customer"
        statuses = [
            client.get(f"/payments/{p['id']}", headers=bearer(fan)).json()["status"]
            for p in (paid, left)
        ]
        assert statuses == ["succeeded", "cancelled"]
        # Stripe's own `payment_intent.canceled` event for it changes nothing now.
        event = stripe_fake.send_event("payment_intent.canceled", stripe_fake.intents[left_intent])
        assert event.status_code == 200 and event.json()["applied"] is False


def test_a_wholly_refunded_ticket_no_longer_admits(settings: Settings) -> None:
    with serve_money_app(settings) as server, people(server) as (client, creator_id, creator, fan):
        price = {"amount": 500, "currency": "USD"}
        body = {"title": "Concert live", "visibility": "ticketed", "price": price}
        created = client.post("/streams", json=body, headers=bearer(creator))
        stream_id = created.raise_for_status().json()["id"]
        ticket = card_tip(creator_id, kind="ticket", stream_id=stream_id, message=None, **price)
        payment = pay(client, fan, ticket).json()
        with httpx.Client(base_url=server.url, timeout=15) as browser:
            browser.post(f"/pay/{payment['id']}/sandbox-card", data={"number": "4242424242424242"})
        assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"
        seen = client.get(f"/streams/{stream_id}", headers=bearer(fan)).json()
        assert seen["playback_url"]

        part = refund_of(client, creator, payment["id"], {"amount": 100})
        assert part.status_code == 201, part.text
        seen = client.get(f"/streams/{stream_id}", headers=bearer(fan)).json()
        assert seen["playback_url"]  # a partial refund is a gesture, the seat stays

        rest = refund_of(client, creator, payment["id"], None)
        assert rest.status_code == 201, rest.text
        seen = client.get(f"/streams/{stream_id}", headers=bearer(fan)).json()
        assert seen["playback_url"] is None
        again = pay(client, fan, ticket)  # the fan may buy the seat again
        assert again.status_code == 201, again.text
    assert_ledger_green(settings)
