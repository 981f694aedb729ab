"""MTN MoMo payments: the real adapter against a local MoMo, end to end over HTTP; the sandbox.

Each outcome, callbacks duplicated, forged or lost, MoMo failing before or after
it created the request: every payment ends once, on MoMo's own word, with
exactly its ledger entries, and a retry never makes a second request to pay.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.config import Settings
from server.payments.listeners import TipSucceeded
from server.providers.mtn_momo import COLLECTION, momo_reference_id
from tests.support.fake_momo import API_KEY, API_USER, SUBSCRIPTION_KEY, FakeMomo
from tests.support.live_server import LiveServer, serve
from tests.support.payments import (
    bearer,
    creator_and_fan,
    entries_of,
    ledger_verify,
    pay,
    query,
    register,
    serve_money_app,
    wait_for_status,
    wait_until,
)

PHONE = "+256772123456"
MSISDN = "256772123456"
UGANDA = {"country": "UG", "currency": "UGX"}
FAST_SWEEPER = {"payment_query_after_s": 0, "payment_sweep_interval_s": 0.1}


def momo_settings(settings: Settings, momo: FakeMomo, **overrides: Any) -> Settings:
    """Live MoMo mode against the local MoMo."""
    return settings.model_copy(
        update={
            "momo_base_url": momo.url,
            "momo_subscription_key": SUBSCRIPTION_KEY,
            "momo_api_user": API_USER,
            "momo_api_key": API_KEY,
            "momo_target_environment": momo.target_environment,
            **overrides,
        }
    )


@contextmanager
def live(settings: Settings, momo: FakeMomo, **overrides: Any) -> Iterator[LiveServer]:
    with serve_money_app(momo_settings(settings, momo, **overrides)) as server:
        yield server


def people(server: LiveServer) -> AbstractContextManager[tuple[httpx.Client, str, str]]:
    """A client, a creator's id and a fan's token, both in Uganda."""
    return creator_and_fan(server, creator=UGANDA, fan=UGANDA)


def momo_tip(creator_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "tip",
        "method": "mtn_momo",
        "amount": 5_000,
        "currency": "UGX",
        "creator_id": creator_id,
        "phone": PHONE,
        "message": "Webale!",
        **overrides,
    }
    return {k: v for k, v in body.items() if v is not None}


def paid_entries(reference: str) -> list[tuple[str, str]]:
    return [
        ("capture", f"mtn_momo:{reference}"),
        ("settlement", f"mtn_momo:{reference}:settlement"),
    ]


OUTCOMES = [
    ("SUCCESSFUL", None, "succeeded", None),
    ("FAILED", "APPROVAL_REJECTED", "cancelled", "payer_cancelled"),
    ("FAILED", "EXPIRED", "expired", "payer_timeout"),
    ("FAILED", "NOT_ENOUGH_FUNDS", "failed", "insufficient_funds"),
    ("FAILED", "PAYER_NOT_FOUND", "failed", "payer_not_found"),
    ("FAILED", "INTERNAL_PROCESSING_ERROR", "failed", "provider_declined"),
]


@pytest.mark.parametrize(("momo_status", "reason", "status", "failure"), OUTCOMES)
def test_each_momo_answer_ends_the_payment(
    settings: Settings,
    momo: FakeMomo,
    momo_status: str,
    reason: str | None,
    status: str,
    failure: str | None,
) -> None:
    momo.behave(MSISDN, status=momo_status, reason=reason)
    with live(settings, momo) as server, people(server) as (client, creator_id, fan):
        created = pay(client, fan, momo_tip(creator_id))
        assert created.status_code == 201, created.text
        started = created.json()
        assert started["status"] == "pending"
        assert started["next_action"]["type"] == "approve_on_phone"
        assert "UGX 5000" in started["next_action"]["message"]
        assert "MTN MoMo" in started["next_action"]["message"]
        done = wait_for_status(client, fan, started["id"])
    assert done["status"] == status
    assert (done["failure_reason"] or {}).get("code") == failure
    assert done["failure_reason"] is None or done["failure_reason"]["message"]
    reference = momo_reference_id(COLLECTION, done["id"])
    sent = momo.request_for(MSISDN)
    assert sent.reference_id == reference
    # MoMo's sandbox environment takes EUR: the same 5000 major units, labelled EUR.
    assert (sent.body["amount"], sent.body["currency"]) == ("5000", "EUR")
    assert sent.body["externalId"] == done["id"]
    assert sent.target_environment == "sandbox"
    assert sent.callback_url.startswith(f"{server.api}/webhooks/mtn-momo/")
    expected = paid_entries(reference) if status == "succeeded" else []
    assert entries_of(settings, done["id"]) == expected


def test_duplicate_callbacks_change_nothing(settings: Settings, momo: FakeMomo) -> None:
    momo.behave(MSISDN, callback="twice")
    heard: list[TipSucceeded] = []

    async def listener(event: TipSucceeded) -> None:
        heard.append(event)

    with live(settings, momo) as server, people(server) as (client, creator_id, fan):
        server.app.state.payment_listeners.append(listener)
        created = pay(client, fan, momo_tip(creator_id)).json()
        assert wait_for_status(client, fan, created["id"])["status"] == "succeeded"
        sent = momo.request_for(MSISDN)
        wait_until(lambda: sent.callbacks_sent == 2, message="both callbacks")
        queries = momo.status_queries
        momo.deliver_held_callback(sent.reference_id)  # and a third, later
        assert momo.status_queries == queries  # already settled: not even a query
        url = f"/payments/{created['id']}"
        assert client.get(url, headers=bearer(fan)).json()["status"] == "succeeded"
    assert len(entries_of(settings, created["id"])) == 2
    assert [event.payment_id for event in heard] == [created["id"]]


def test_a_forged_success_changes_nothing_while_momo_says_otherwise(
    settings: Settings, momo: FakeMomo
) -> None:
    """MoMo's callbacks are not signed: a body claiming success only makes us ask MoMo."""
    momo.behave(MSISDN, status="FAILED", reason="NOT_ENOUGH_FUNDS", answers=False)
    with live(settings, momo) as server, people(server) as (client, creator_id, fan):
        created = pay(client, fan, momo_tip(creator_id)).json()
        sent = momo.request_for(MSISDN)
        forged = {
            "financialTransactionId": "123456789",
            "externalId": created["id"],
            "amount": "5000",
            "currency": "EUR",
            "payer": {"partyIdType": "MSISDN", "partyId": MSISDN},
            "status": "SUCCESSFUL",
        }
        answer = httpx.put(sent.callback_url, json=forged)
        assert answer.status_code == 200
        assert httpx.post(sent.callback_url, json=forged).status_code == 200  # POST works too
        assert momo.status_queries >= 2  # it asked MoMo, which said PENDING
        url = f"/payments/{created['id']}"
        assert client.get(url, headers=bearer(fan)).json()["status"] == "pending"
        momo.complete(sent.reference_id)  # MoMo fails it; the real callback comes
        done = wait_for_status(client, fan, created["id"])
        assert httpx.put(sent.callback_url, json=forged).status_code == 200  # and again, late
        assert client.get(url, headers=bearer(fan)).json()["status"] == "failed"
    assert done["status"] == "failed"
    assert done["failure_reason"]["code"] == "insufficient_funds"
    assert entries_of(settings, created["id"]) == []


def test_bad_callbacks_are_refused(settings: Settings, momo: FakeMomo) -> None:
    momo.behave(MSISDN, callback="hold")
    with live(settings, momo) as server, people(server) as (client, creator_id, fan):
        created = pay(client, fan, momo_tip(creator_id)).json()
        sent = momo.request_for(MSISDN)
        unknown = httpx.put(f"{server.api}/webhooks/mtn-momo/{'0' * 40}", json={})
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
        not_json = httpx.put(sent.callback_url, content=b"<xml/>")
        assert not_json.status_code == 400
        # An M-Pesa callback URL does not take MoMo's payment, nor the reverse.
        other_provider = sent.callback_url.replace("/mtn-momo/", "/mpesa/")
        assert httpx.post(other_provider, json={"Body": {}}).status_code == 404
        pending = client.get(f"/payments/{created['id']}", headers=bearer(fan)).json()
        assert pending["status"] == "pending"
        momo.deliver_held_callback(sent.reference_id)
        assert wait_for_status(client, fan, created["id"])["status"] == "succeeded"


def test_a_lost_callback_is_recovered_by_the_sweeper(settings: Settings, momo: FakeMomo) -> None:
    momo.behave(MSISDN, callback="drop")
    with (
        live(settings, momo, **FAST_SWEEPER) as server,
        people(server) as (client, creator_id, fan),
    ):
        created = pay(client, fan, momo_tip(creator_id)).json()
        done = wait_for_status(client, fan, created["id"])
    assert done["status"] == "succeeded"
    assert momo.request_for(MSISDN).callbacks_sent == 0
    assert entries_of(settings, created["id"]) == paid_entries(
        momo_reference_id(COLLECTION, created["id"])
    )


def test_momo_down_is_502_and_a_replay_reuses_the_same_reference(
    settings: Settings, momo: FakeMomo
) -> None:
    with live(settings, momo) as server, people(server) as (client, creator_id, fan):
        body = momo_tip(creator_id)
        momo.requests_down = True
        first = pay(client, fan, body, key="k1")
        assert first.status_code == 502, first.text
        error = first.json()["error"]
        assert error["code"] == "provider_unavailable"
        assert "MTN MoMo" in error["message"] and "same Idempotency-Key" in error["message"]
        payment_id = error["details"]["payment_id"]
        stored = query(
            settings.resolved_database_url,
            "SELECT status, push_state FROM payments WHERE id = :p",
            p=payment_id,
        )
        assert stored == [("pending", "not_sent")]
        momo.requests_down = False
        retry = pay(client, fan, body, key="k1")
        assert retry.status_code == 201 and retry.json()["id"] == payment_id
        assert wait_for_status(client, fan, payment_id)["status"] == "succeeded"
        assert pay(client, fan, body, key="k1").content == retry.content
    reference = momo_reference_id(COLLECTION, payment_id)
    assert momo.attempted_references == [reference, reference]
    assert list(momo.requests) == [reference]
    assert int(query(settings.resolved_database_url, "SELECT COUNT(*) FROM payments")[0][0]) == 1


def test_a_request_momo_made_before_failing_is_not_made_twice(
    settings: Settings, momo: FakeMomo
) -> None:
    """MoMo created the request, then answered 500: the retry meets 409 and goes on with it."""
    momo.behave(MSISDN, callback="hold")
    momo.fail_after_create = True
    with live(settings, momo) as server, people(server) as (client, creator_id, fan):
        body = momo_tip(creator_id)
        first = pay(client, fan, body, key="k1")
        assert first.status_code == 502, first.text
        payment_id = first.json()["error"]["details"]["payment_id"]
        momo.fail_after_create = False
        retry = pay(client, fan, body, key="k1")
        assert retry.status_code == 201 and retry.json()["status"] == "pending"
        momo.deliver_held_callback(momo.request_for(MSISDN).reference_id)
        assert wait_for_status(client, fan, payment_id)["status"] == "succeeded"
    assert (len(momo.requests), momo.duplicates) == (1, 1)
    assert len(entries_of(settings, payment_id)) == 2


def test_an_unanswered_request_is_asked_again_under_the_same_reference(
    settings: Settings, momo: FakeMomo
) -> None:
    """The answer to the first request is lost; asking again meets 409: one request at MoMo."""
    momo.slow_answers = 1
    with (
        live(settings, momo, momo_timeout_s=0.3) as server,
        people(server) as (client, creator_id, fan),
    ):
        created = pay(client, fan, momo_tip(creator_id))
        assert created.status_code == 201, created.text
        assert wait_for_status(client, fan, created.json()["id"])["status"] == "succeeded"
    assert (len(momo.requests), momo.duplicates) == (1, 1)


def test_a_request_left_in_doubt_is_settled_by_momos_callback(
    settings: Settings, momo: FakeMomo
) -> None:
    """Both answers are lost: 502 "do not pay again", and MoMo's callback brings the outcome."""
    momo.behave(MSISDN, callback="hold")
    momo.slow_answers = 2
    with (
        live(settings, momo, momo_timeout_s=0.3) as server,
        people(server) as (client, creator_id, fan),
    ):
        body = momo_tip(creator_id)
        first = pay(client, fan, body, key="slow")
        assert first.status_code == 502, first.text
        assert "do not pay again" in first.json()["error"]["message"]
        payment_id = first.json()["error"]["details"]["payment_id"]
        assert pay(client, fan, body, key="slow").status_code == 502  # never sent again
        momo.deliver_held_callback(momo.request_for(MSISDN).reference_id)
        assert wait_for_status(client, fan, payment_id)["status"] == "succeeded"
        final = pay(client, fan, body, key="slow")
    assert final.status_code == 201 and final.json()["status"] == "succeeded"
    assert len(momo.requests) == 1 and len(momo.attempted_references) == 2
    assert len(entries_of(settings, payment_id)) == 2


def test_wrong_credentials_are_502_and_send_nothing(settings: Settings, momo: FakeMomo) -> None:
    with (
        live(settings, momo, momo_api_key="wrong-key") as server,
        people(server) as (client, creator_id, fan),
    ):
        response = pay(client, fan, momo_tip(creator_id))
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "provider_unavailable"
    assert momo.requests == {} and momo.attempted_references == []


BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"currency": "KES", "amount": 10_000}, "currency_unsupported"),
    ({"phone": None}, "phone_required"),
    ({"phone": "+254712345678"}, "phone_unsupported"),  # Kenyan: not a Ugandan MoMo number
    ({"currency": "GHS", "amount": 1_000}, "phone_unsupported"),  # Ghana's MoMo needs +233
]


def test_bad_input_is_refused_and_changes_nothing(settings: Settings, momo: FakeMomo) -> None:
    momo.behave(MSISDN, callback="drop")  # the app stops before a callback could come
    with live(settings, momo) as server, people(server) as (client, creator_id, fan):
        for overrides, code in BAD_BODIES:
            response = pay(client, fan, momo_tip(creator_id, **overrides))
            assert response.status_code == 422, (overrides, response.text)
            assert response.json()["error"]["code"] == code, overrides
        local = pay(client, fan, momo_tip(creator_id, phone="0772123456"))  # the fan's country
        assert local.status_code == 201, local.text
    assert len(momo.requests) == 1
    assert int(query(settings.resolved_database_url, "SELECT COUNT(*) FROM payments")[0][0]) == 1


def test_a_production_market_sends_its_own_currency(settings: Settings) -> None:
    momo = FakeMomo(target_environment="mtnuganda", currency="UGX")
    with serve(momo.app) as fake:
        momo.url = fake.url
        with live(settings, momo) as server, people(server) as (client, creator_id, fan):
            ghana = pay(client, fan, momo_tip(creator_id, currency="GHS", phone="+233241234567"))
            assert ghana.status_code == 422
            assert ghana.json()["error"]["code"] == "currency_unsupported"
            created = pay(client, fan, momo_tip(creator_id, amount=20_000)).json()
            assert wait_for_status(client, fan, created["id"])["status"] == "succeeded"
    sent = momo.request_for(MSISDN)
    assert (sent.body["amount"], sent.body["currency"]) == ("20000", "UGX")
    assert sent.target_environment == "mtnuganda"
    assert momo.errors == []


SANDBOX_TABLE = [
    ("+256772340001", "cancelled", "payer_cancelled"),
    ("+256772340002", "failed", "insufficient_funds"),
    ("+256772340003", "failed", "payer_not_found"),
    ("+256772340004", "expired", "payer_timeout"),
    ("+256772345678", "succeeded", None),
]


def test_the_sandbox_phone_number_chooses_the_outcome(settings: Settings, tmp_path: Path) -> None:
    """Without credentials MoMo is sandboxed: README's table, then a ledger that verifies."""
    sandboxed = settings.model_copy(update={"momo_sandbox_delay_s": 0.1})
    with serve_money_app(sandboxed) as server, server.client() as client:
        assert {"name": "mtn_momo", "mode": "sandbox"} in client.get("/health").json()["providers"]
        creator_id, _ = register(client, country="UG", currency="UGX")
        _, fan = register(client, role="fan", country="UG", currency="UGX")
        for phone, status, failure in SANDBOX_TABLE:
            created = pay(client, fan, momo_tip(creator_id, phone=phone)).json()
            assert created["status"] == "pending"
            done = wait_for_status(client, fan, created["id"])  # the sandbox's callback
            assert (done["status"], (done["failure_reason"] or {}).get("code")) == (
                status,
                failure,
            ), phone
            expected = paid_entries(momo_reference_id(COLLECTION, done["id"]))
            assert entries_of(settings, done["id"]) == (expected if failure is None else [])
    status_code, output = ledger_verify(settings.resolved_database_url, str(tmp_path))
    assert status_code == 0, output
    assert output.strip().endswith("ledger verify: OK")


def test_a_lost_sandbox_callback_is_settled_by_the_sweeper(settings: Settings) -> None:
    sandboxed = settings.model_copy(update={"momo_sandbox_delay_s": 0.1, **FAST_SWEEPER})
    with serve_money_app(sandboxed) as server, server.client() as client:
        creator_id, _ = register(client, country="UG", currency="UGX")
        _, fan = register(client, role="fan", country="UG", currency="UGX")
        created = pay(client, fan, momo_tip(creator_id, phone="+256772340005")).json()
        assert wait_for_status(client, fan, created["id"])["status"] == "succeeded"
