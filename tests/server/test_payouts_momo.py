"""Creator payouts by MTN MoMo end to end: the real app over HTTP, the real Disbursements client
against a local MoMo (which also collects the tip that funds the creator), SQLite and
PostgreSQL. Every payout is held, then paid or released once, on MoMo's answer to our own
status query, and `flash-server ledger verify` stays green after each story."""

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from server.config import Settings
from server.ledger.command import verify_database
from server.ledger.verify import render
from server.logs import redact_path
from server.payments.audit import audit_payments
from server.payouts.audit import audit_payouts
from server.providers.mtn_momo import momo_reference_id
from server.providers.mtn_momo_disbursement import DISBURSEMENT
from tests.support.fake_momo import (
    API_KEY,
    API_USER,
    DISBURSEMENT_API_KEY,
    DISBURSEMENT_API_USER,
    DISBURSEMENT_SUBSCRIPTION_KEY,
    SUBSCRIPTION_KEY,
    FakeMomo,
)
from tests.support.live_server import LiveServer
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

PHONE = "+256772123456"  # the creator's MoMo wallet
MSISDN = "256772123456"
FAN_PHONE = "+256700000009"
UGANDA = {"country": "UG", "currency": "UGX"}
FUNDED = 90_000  # a UGX 100,000 tip, less the 10 % fee
FAST_SWEEPER = {"payout_query_after_s": 0.2, "payment_sweep_interval_s": 0.1}


def momo_payout_settings(settings: Settings, momo: FakeMomo, **overrides: Any) -> Settings:
    """Live MoMo collections and disbursements, both against the local MoMo."""
    return settings.model_copy(
        update={
            "momo_base_url": momo.url,
            "momo_subscription_key": SUBSCRIPTION_KEY,
            "momo_api_user": API_USER,
            "momo_api_key": API_KEY,
            "momo_disbursement_subscription_key": DISBURSEMENT_SUBSCRIPTION_KEY,
            "momo_disbursement_api_user": DISBURSEMENT_API_USER,
            "momo_disbursement_api_key": DISBURSEMENT_API_KEY,
            "momo_target_environment": momo.target_environment,
            **overrides,
        }
    )


def fund(client: httpx.Client, amount: int = 100_000) -> tuple[str, str]:
    """A Ugandan creator (id, token) whose fan tipped `amount` UGX by MoMo."""
    creator_id, creator = register(client, **UGANDA)
    _, fan = register(client, role="fan", **UGANDA)
    body = {
        "kind": "tip",
        "method": "mtn_momo",
        "amount": amount,
        "currency": "UGX",
        "creator_id": creator_id,
        "phone": FAN_PHONE,
        "message": "Webale!",
    }
    paid = pay(client, fan, body)
    assert paid.status_code == 201, paid.text
    assert wait_for_status(client, fan, paid.json()["id"])["status"] == "succeeded"
    return creator_id, creator


@contextmanager
def funded(
    settings: Settings, momo: FakeMomo, **overrides: Any
) -> Iterator[tuple[LiveServer, httpx.Client, str]]:
    """A live server, a client, and a creator's token with `FUNDED` UGX available."""
    with serve_money_app(momo_payout_settings(settings, momo, **overrides)) as server:
        with server.client() as client:
            _, creator = fund(client)
            yield server, client, creator


def withdraw(
    client: httpx.Client, token: str, amount: int, key: str | None = None, **body: Any
) -> httpx.Response:
    payload = {"amount": amount, "currency": "UGX", "method": "mtn_momo", "phone": PHONE, **body}
    headers = {**bearer(token), "Idempotency-Key": key or uuid.uuid4().hex}
    return client.post("/payouts", json=payload, headers=headers)


def wait_for_payout(
    client: httpx.Client, token: str, payout_id: str, timeout: float = 15
) -> dict[str, Any]:
    return wait_for_status(client, token, payout_id, timeout, of="payouts")


def payout_now(client: httpx.Client, token: str, payout_id: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/payouts/{payout_id}", headers=bearer(token)).json()
    return found


def totals(client: httpx.Client, token: str) -> dict[str, int]:
    summary = client.get("/earnings/summary", headers=bearer(token)).json()
    (ugx,) = [t for t in summary["totals"] if t["currency"] == "UGX"]
    return {name: ugx[name] for name in ("available", "pending", "paid_out")}


def entry_keys(settings: Settings, like: str) -> list[tuple[str, str]]:
    rows = query(
        settings.resolved_database_url,
        "SELECT kind, idempotency_key FROM ledger_entries WHERE idempotency_key LIKE :k "
        "ORDER BY kind",
        k=like,
    )
    return [(str(kind), str(key)) for kind, key in rows]


def assert_ledger_ok(settings: Settings) -> None:
    report = asyncio.run(
        verify_database(settings.resolved_database_url, [audit_payments, audit_payouts])
    )
    assert report.ok, render(report)


def reference_of(payout_id: str) -> str:
    return momo_reference_id(DISBURSEMENT, payout_id)


def test_a_momo_payout_is_held_then_settled(settings: Settings, momo: FakeMomo) -> None:
    momo.behave(MSISDN, callback="hold")
    with funded(settings, momo) as (server, client, creator):
        created = withdraw(client, creator, 20_000)
        assert created.status_code == 201, created.text
        payout = created.json()
        assert (payout["status"], payout["amount"], payout["method"], payout["phone"]) == (
            "pending",
            20_000,
            "mtn_momo",
            PHONE,
        )
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 0}
        sent = momo.transfer_to(MSISDN)
        assert sent.reference_id == reference_of(payout["id"])  # the same on every retry
        assert (sent.body["amount"], sent.body["currency"], sent.body["externalId"]) == (
            "20000",
            "EUR",  # MoMo's sandbox environment: the same major units, labelled EUR
            payout["id"],
        )
        assert sent.callback_url.startswith(f"{server.api}/webhooks/mtn-momo-payout/")
        assert_ledger_ok(settings)

        momo.deliver_held_callback(sent.reference_id)
        assert wait_for_payout(client, creator, payout["id"])["status"] == "succeeded"
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 20_000}
    assert entry_keys(settings, "payout:%") == [("payout_hold", f"payout:{payout['id']}:hold")]
    assert entry_keys(settings, "mtn-momo-payout:%") == [
        ("disbursement", f"mtn-momo-payout:{sent.reference_id}:disbursed"),
        ("payout", f"mtn-momo-payout:{sent.reference_id}"),
    ]
    stored = query(
        settings.resolved_database_url,
        "SELECT provider, conversation_id, transaction_id FROM payouts WHERE id = :p",
        p=payout["id"],
    )
    assert stored == [("mtn_momo_payout", sent.reference_id, sent.financial_transaction_id)]
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status == 0, output
    assert "ok   every payout (1) has exactly the entries of its status" in output


@pytest.mark.parametrize(
    ("reason", "code", "words"),
    [
        ("PAYEE_NOT_FOUND", "recipient_unregistered", "no MTN MoMo account"),
        ("NOT_ENOUGH_FUNDS", "provider_insufficient_funds", "paused"),
        ("NOT_ALLOWED", "provider_declined", "declined"),
    ],
)
def test_a_failed_momo_payout_releases_the_hold(
    settings: Settings, momo: FakeMomo, reason: str, code: str, words: str
) -> None:
    momo.behave(MSISDN, status="FAILED", reason=reason)
    with funded(settings, momo) as (_server, client, creator):
        payout = withdraw(client, creator, 50_000).json()
        done = wait_for_payout(client, creator, payout["id"])
        assert done["status"] == "failed"
        assert done["failure_reason"]["code"] == code
        assert words in done["failure_reason"]["message"]
        assert totals(client, creator) == {"available": FUNDED, "pending": 0, "paid_out": 0}
    assert entry_keys(settings, "payout:%") == [
        ("payout_hold", f"payout:{payout['id']}:hold"),
        ("reversal", f"payout:{payout['id']}:release"),
    ]
    assert entry_keys(settings, "mtn-momo-payout:%") == []
    assert_ledger_ok(settings)


def forged_success(payout_id: str) -> dict[str, Any]:
    return {
        "financialTransactionId": "123456789",
        "externalId": payout_id,
        "amount": "20000",
        "currency": "EUR",
        "payee": {"partyIdType": "MSISDN", "partyId": MSISDN},
        "status": "SUCCESSFUL",
    }


def test_forged_and_duplicate_callbacks_change_nothing(settings: Settings, momo: FakeMomo) -> None:
    """MoMo signs nothing: a callback only makes us ask MoMo, once the payout is ours."""
    momo.behave(MSISDN, answers=False, callback="twice")
    with funded(settings, momo) as (server, client, creator):
        payout = withdraw(client, creator, 20_000).json()
        sent = momo.transfer_to(MSISDN)
        unknown = httpx.put(f"{server.api}/webhooks/mtn-momo-payout/{'0' * 40}", json={})
        assert unknown.status_code == 404
        assert httpx.put(sent.callback_url, content=b"<xml/>").status_code == 400
        other = httpx.put(sent.callback_url, json={**forged_success("another"), "amount": "1"})
        assert other.status_code == 400 and other.json()["error"]["code"] == "result_mismatch"
        # An M-Pesa result URL does not take MoMo's payout, nor MoMo's payments URL.
        for path in ("/mpesa-b2c/", "/mtn-momo/"):
            wrong = sent.callback_url.replace("/mtn-momo-payout/", path)
            assert httpx.put(wrong, json=forged_success(payout["id"])).status_code == 404
        queries = momo.transfer_status_queries
        for send in (httpx.put, httpx.post):  # MoMo PUTs; POST is taken too
            assert send(sent.callback_url, json=forged_success(payout["id"])).status_code == 200
        assert momo.transfer_status_queries == queries + 2  # it asked; MoMo said PENDING
        assert payout_now(client, creator, payout["id"])["status"] == "pending"
        assert totals(client, creator)["available"] == 70_000  # still held

        momo.complete(sent.reference_id)  # MoMo pays, and calls back twice
        assert wait_for_payout(client, creator, payout["id"])["status"] == "succeeded"
        wait_until(lambda: sent.callbacks_sent == 2, message="both callbacks")
        queries = momo.transfer_status_queries
        momo.deliver_held_callback(sent.reference_id)  # and a third, later
        failed = {**forged_success(payout["id"]), "status": "FAILED", "reason": "NOT_ALLOWED"}
        assert httpx.put(sent.callback_url, json=failed).status_code == 200  # too late
        assert momo.transfer_status_queries == queries  # ended already: not even a query
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 20_000}
    assert len(entry_keys(settings, "mtn-momo-payout:%")) == 2
    assert len(entry_keys(settings, "payout:%")) == 1
    assert_ledger_ok(settings)


def test_a_callback_the_status_query_contradicts_applies_momos_answer(
    settings: Settings, momo: FakeMomo
) -> None:
    momo.behave(MSISDN, status="FAILED", reason="NOT_ENOUGH_FUNDS", callback="hold")
    with funded(settings, momo) as (_server, client, creator):
        payout = withdraw(client, creator, 20_000).json()
        sent = momo.transfer_to(MSISDN)
        assert httpx.put(sent.callback_url, json=forged_success(payout["id"])).status_code == 200
        done = payout_now(client, creator, payout["id"])
        assert done["status"] == "failed"  # MoMo said FAILED, whatever the body claimed
        assert done["failure_reason"]["code"] == "provider_insufficient_funds"
        assert totals(client, creator) == {"available": FUNDED, "pending": 0, "paid_out": 0}
    assert entry_keys(settings, "mtn-momo-payout:%") == []
    assert_ledger_ok(settings)


def test_a_status_query_never_fails_a_payout_that_is_not_final(
    settings: Settings, momo: FakeMomo
) -> None:
    """PENDING, or a reference MoMo does not know (yet), keeps the amount held; a lost
    callback is recovered by the sweeper's query once MoMo has the answer."""
    momo.behave(MSISDN, answers=False, callback="drop")
    with funded(settings, momo, **FAST_SWEEPER) as (_server, client, creator):
        payout = withdraw(client, creator, 20_000).json()
        sent = momo.transfer_to(MSISDN)
        wait_until(lambda: momo.transfer_status_queries >= 3, message="a few status queries")
        assert payout_now(client, creator, payout["id"])["status"] == "pending"
        assert totals(client, creator)["available"] == 70_000
        momo.complete(sent.reference_id)  # paid, but its callback is lost
        assert wait_for_payout(client, creator, payout["id"])["status"] == "succeeded"
        assert sent.callbacks_sent == 0
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 20_000}
    assert_ledger_ok(settings)


def test_momo_5xx_keeps_the_payout_held_until_the_same_reference_goes_through(
    settings: Settings, momo: FakeMomo
) -> None:
    """A 5xx may come from a MoMo that is still making the transfer: the payout is never
    released on MoMo's "not found" alone. The sweeper sends it again under the same
    X-Reference-Id, which MoMo would refuse (409) had the first one arrived."""
    with funded(settings, momo, **FAST_SWEEPER) as (_server, client, creator):
        momo.transfers_down = True
        first = withdraw(client, creator, 20_000, key="k1")
        assert first.status_code == 502, first.text
        error = first.json()["error"]
        assert error["code"] == "provider_unavailable"
        assert "do not withdraw it again" in error["message"]
        payout_id = error["details"]["payout_id"]
        stored = query(
            settings.resolved_database_url,
            "SELECT status, push_state FROM payouts WHERE id = :p",
            p=payout_id,
        )
        assert stored == [("pending", "uncertain")]
        assert totals(client, creator)["available"] == 70_000  # held, never released
        assert_ledger_ok(settings)

        momo.transfers_down = False
        assert wait_for_payout(client, creator, payout_id)["status"] == "succeeded"
        replay = withdraw(client, creator, 20_000, key="k1")
        assert replay.status_code == 201 and replay.json()["id"] == payout_id
    reference = reference_of(payout_id)
    assert list(momo.transfers) == [reference]
    assert momo.attempted_references.count(reference) >= 2
    assert_ledger_ok(settings)


def test_a_transfer_momo_made_before_failing_is_not_made_twice(
    settings: Settings, momo: FakeMomo
) -> None:
    with funded(settings, momo) as (_server, client, creator):
        momo.fail_after_create = True  # MoMo creates the transfer, then answers 500
        created = withdraw(client, creator, 20_000)
        assert created.status_code == 201, created.text  # MoMo's status: it was made
        momo.fail_after_create = False
        assert wait_for_payout(client, creator, created.json()["id"])["status"] == "succeeded"
    assert len(momo.transfers) == 1
    assert_ledger_ok(settings)


def test_a_timed_out_transfer_is_settled_by_asking_momo(settings: Settings, momo: FakeMomo) -> None:
    with funded(settings, momo, momo_timeout_s=0.5) as (_server, client, creator):
        momo.slow_answers, momo.slow_answer_s = 1, 1.5  # made, but the answer comes too late
        created = withdraw(client, creator, 20_000)
        assert created.status_code == 201, created.text
        assert wait_for_payout(client, creator, created.json()["id"])["status"] == "succeeded"
    assert len(momo.transfers) == 1
    assert_ledger_ok(settings)


def test_the_same_key_replays_and_another_body_is_409(settings: Settings, momo: FakeMomo) -> None:
    with funded(settings, momo) as (_server, client, creator):
        first = withdraw(client, creator, 20_000, key="withdraw-1")
        assert first.status_code == 201
        wait_for_payout(client, creator, first.json()["id"])
        again = withdraw(client, creator, 20_000, key="withdraw-1")
        assert (again.status_code, again.content) == (201, first.content)
        other = withdraw(client, creator, 30_000, key="withdraw-1")
        assert other.status_code == 409
        assert other.json()["error"]["code"] == "idempotency_key_reused"
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 20_000}
    assert len(momo.transfers) == 1
    assert_ledger_ok(settings)


def test_what_momo_cannot_pay_is_refused_before_anything_is_held(
    settings: Settings, momo: FakeMomo
) -> None:
    with funded(settings, momo) as (_server, client, creator):
        refusals = [
            ({"currency": "KES"}, "currency_unsupported", "currency"),
            ({"phone": "+254712345678"}, "phone_unsupported", "phone"),
            ({"amount": 100}, "amount_too_small", "amount"),
            ({"method": "orange_money"}, "method_unavailable", "method"),
        ]
        for change, code, field in refusals:
            body = {"amount": 20_000, **change}
            answer = withdraw(client, creator, **body)
            assert answer.status_code == 422, answer.text
            error = answer.json()["error"]
            assert (error["code"], error["details"]["field"]) == (code, field)
            if code == "method_unavailable":
                assert "no public API" in error["message"]
        assert totals(client, creator)["available"] == FUNDED
    assert momo.transfers == {}
    assert query(settings.resolved_database_url, "SELECT COUNT(*) FROM payouts") == [(0,)]


def test_the_sandbox_pays_out_by_phone_number(settings: Settings) -> None:
    """No disbursement settings: the sandbox answers, and the last digits choose the outcome."""
    sandbox = settings.model_copy(
        update={
            "momo_sandbox_delay_s": 0.05,
            "payout_query_after_s": 0.2,
            "payment_sweep_interval_s": 0.1,
        }
    )
    with serve_money_app(sandbox) as server, server.client() as client:
        health = client.get("/health").json()
        assert {"name": "mtn_momo_payout", "mode": "sandbox"} in health["providers"]
        _, creator = fund(client)
        ok = withdraw(client, creator, 20_000).json()
        refused = withdraw(client, creator, 20_000, phone="+256772340003").json()
        lost = withdraw(client, creator, 10_000, phone="+256772340005").json()
        assert wait_for_payout(client, creator, ok["id"])["status"] == "succeeded"
        failed = wait_for_payout(client, creator, refused["id"])
        assert failed["failure_reason"]["code"] == "recipient_unregistered"
        assert wait_for_payout(client, creator, lost["id"])["status"] == "succeeded"  # sweeper
        assert totals(client, creator) == {"available": 60_000, "pending": 0, "paid_out": 30_000}
    assert_ledger_ok(settings)


def test_callback_urls_never_reach_the_logs() -> None:
    token = "fa9d9b92c6d2ef4ac753f0d477114893338bae9f"
    assert token not in redact_path(f"/api/v1/webhooks/mtn-momo-payout/{token}")
