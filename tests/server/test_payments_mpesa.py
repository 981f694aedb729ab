"""Live M-Pesa mode: the real Daraja adapter against a local Daraja, end to end over HTTP.

Each outcome, callbacks duplicated, forged, early, late or lost, a restart, and
Daraja down or silent: every payment ends once, with exactly its ledger entries.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from server.config import Settings
from server.payments.listeners import TipSucceeded
from tests.support.fake_daraja import FakeDaraja
from tests.support.live_server import LiveServer
from tests.support.payments import (
    bearer,
    creator_and_fan,
    daraja_settings,
    entries_of,
    pay,
    query,
    serve_money_app,
    tip,
    wait_for_status,
    wait_until,
)

PHONE = "+254712345678"
DARAJA_PHONE = "254712345678"


@contextmanager
def live(settings: Settings, daraja: FakeDaraja, **overrides: Any) -> Iterator[LiveServer]:
    with serve_money_app(daraja_settings(settings, daraja.url, **overrides)) as server:
        yield server


OUTCOMES = [
    (0, "succeeded", None),
    (1032, "cancelled", "payer_cancelled"),
    (1037, "expired", "payer_timeout"),
    (1, "failed", "insufficient_funds"),
    (2001, "failed", "wrong_pin"),
    (1025, "failed", "provider_declined"),
]


@pytest.mark.parametrize(("result_code", "status", "failure"), OUTCOMES)
def test_each_daraja_result_ends_the_payment(
    settings: Settings, daraja: FakeDaraja, result_code: int, status: str, failure: str | None
) -> None:
    daraja.behave(DARAJA_PHONE, result_code=result_code, result_desc="as Daraja says")
    with live(settings, daraja) as server, creator_and_fan(server) as (client, creator_id, fan):
        created = pay(client, fan, tip(creator_id, amount=10_000))
        assert created.status_code == 201, created.text
        done = wait_for_status(client, fan, created.json()["id"])
    assert done["status"] == status
    assert (done["failure_reason"] or {}).get("code") == failure
    checkout = daraja.checkout_for(DARAJA_PHONE)
    assert (checkout.amount, daraja.pushes) == (100, 1)  # KES 100.00 is 100 whole shillings
    assert checkout.account_reference == f"FA{done['id'][:10]}"
    assert checkout.callback_url.startswith(f"{server.api}/webhooks/mpesa/")
    expected = (
        [
            ("capture", f"mpesa:{checkout.checkout_id}"),
            ("settlement", f"mpesa:{checkout.checkout_id}:settlement"),
        ]
        if status == "succeeded"
        else []
    )
    assert entries_of(settings, done["id"]) == expected


def test_duplicate_callbacks_change_nothing(settings: Settings, daraja: FakeDaraja) -> None:
    daraja.behave(DARAJA_PHONE, callback="twice")
    heard: list[TipSucceeded] = []

    async def listener(event: TipSucceeded) -> None:
        heard.append(event)

    with live(settings, daraja) as server, creator_and_fan(server) as (client, creator_id, fan):
        server.app.state.payment_listeners.append(listener)
        created = pay(client, fan, tip(creator_id)).json()
        assert wait_for_status(client, fan, created["id"])["status"] == "succeeded"
        checkout = daraja.checkout_for(DARAJA_PHONE)
        wait_until(lambda: checkout.callbacks_sent == 2, message="both callbacks")
        daraja.deliver_held_callback(checkout.checkout_id)  # and a third, later
        assert (
            client.get(f"/payments/{created['id']}", headers=bearer(fan)).json()["status"]
            == "succeeded"
        )
    assert len(entries_of(settings, created["id"])) == 2
    assert [event.payment_id for event in heard] == [created["id"]]


def test_a_callback_changes_nothing_until_daraja_confirms(
    settings: Settings, daraja: FakeDaraja
) -> None:
    """A success callback that Daraja's query does not back (forged, or early) is ignored."""
    daraja.behave(
        DARAJA_PHONE, result_code=1032, result_desc="Request cancelled by user", answers=False
    )
    with live(settings, daraja) as server, creator_and_fan(server) as (client, creator_id, fan):
        created = pay(client, fan, tip(creator_id)).json()
        checkout = daraja.checkout_for(DARAJA_PHONE)
        forged = {
            "Body": {
                "stkCallback": {
                    "MerchantRequestID": checkout.merchant_id,
                    "CheckoutRequestID": checkout.checkout_id,
                    "ResultCode": 0,
                    "ResultDesc": "The service request is processed successfully.",
                    "CallbackMetadata": {"Item": [{"Name": "Amount", "Value": 100}]},
                }
            }
        }
        answer = httpx.post(checkout.callback_url, json=forged)
        assert answer.status_code == 200 and answer.json()["ResultCode"] == 0
        assert daraja.queries >= 1  # it asked Daraja, which said "still being processed"
        url = f"/payments/{created['id']}"
        assert client.get(url, headers=bearer(fan)).json()["status"] == "pending"
        daraja.complete(checkout.checkout_id)  # the payer cancels; the real callback comes
        done = wait_for_status(client, fan, created["id"])
    assert done["status"] == "cancelled"
    assert entries_of(settings, created["id"]) == []


def test_forged_callbacks_change_nothing(settings: Settings, daraja: FakeDaraja) -> None:
    daraja.behave(DARAJA_PHONE, result_code=2001, callback="hold")
    with live(settings, daraja) as server, creator_and_fan(server) as (client, creator_id, fan):
        created = pay(client, fan, tip(creator_id)).json()
        checkout = daraja.checkout_for(DARAJA_PHONE)
        unknown = httpx.post(f"{server.api}/webhooks/mpesa/{'0' * 40}", json={"Body": {}})
        assert unknown.status_code == 404
        not_json = httpx.post(checkout.callback_url, content=b"<xml/>")
        assert not_json.status_code == 400
        other_ref = {
            "Body": {"stkCallback": {"CheckoutRequestID": "ws_CO_someone_else", "ResultCode": 0}}
        }
        assert httpx.put(checkout.callback_url, json=other_ref).status_code == 200
        done = wait_for_status(client, fan, created["id"])  # our own reference was queried
    assert done["status"] == "failed" and done["failure_reason"]["code"] == "wrong_pin"
    assert entries_of(settings, created["id"]) == []


def test_a_lost_callback_is_recovered_by_the_sweeper(
    settings: Settings, daraja: FakeDaraja
) -> None:
    daraja.behave(DARAJA_PHONE, callback="drop")
    fast_sweeper = {"payment_query_after_s": 0, "payment_sweep_interval_s": 0.1}
    with (
        live(settings, daraja, **fast_sweeper) as server,
        creator_and_fan(server) as (client, creator_id, fan),
    ):
        created = pay(client, fan, tip(creator_id)).json()
        done = wait_for_status(client, fan, created["id"])
    assert done["status"] == "succeeded"
    assert daraja.checkout_for(DARAJA_PHONE).callbacks_sent == 0
    assert len(entries_of(settings, created["id"])) == 2


def test_a_callback_after_the_sweeper_settled_changes_nothing(
    settings: Settings, daraja: FakeDaraja
) -> None:
    daraja.behave(DARAJA_PHONE, callback="hold")
    fast_sweeper = {"payment_query_after_s": 0, "payment_sweep_interval_s": 0.1}
    with (
        live(settings, daraja, **fast_sweeper) as server,
        creator_and_fan(server) as (client, creator_id, fan),
    ):
        created = pay(client, fan, tip(creator_id)).json()
        assert wait_for_status(client, fan, created["id"])["status"] == "succeeded"
        queries = daraja.queries
        daraja.deliver_held_callback(daraja.checkout_for(DARAJA_PHONE).checkout_id)
        assert daraja.queries == queries  # already settled: not even a query
    assert len(entries_of(settings, created["id"])) == 2


def test_a_restart_settles_pending_payments_without_pushing_again(
    settings: Settings, daraja: FakeDaraja
) -> None:
    daraja.behave(DARAJA_PHONE, callback="drop")
    with live(settings, daraja) as server, creator_and_fan(server) as (client, creator_id, fan):
        body = tip(creator_id)
        created = pay(client, fan, body, key="before-restart").json()
        assert created["status"] == "pending"
    assert daraja.pushes == 1
    restarted = {"payment_query_after_s": 0, "payment_sweep_interval_s": 60}
    with live(settings, daraja, **restarted) as server, server.client() as client:
        done = wait_for_status(client, fan, created["id"])  # swept once, at start-up
        replay = pay(client, fan, body, key="before-restart")
    assert done["status"] == "succeeded"
    assert replay.status_code == 201 and replay.json()["id"] == created["id"]
    assert daraja.pushes == 1
    assert len(entries_of(settings, created["id"])) == 2


def test_daraja_down_is_502_and_a_replay_retries_under_the_same_key(
    settings: Settings, daraja: FakeDaraja
) -> None:
    with live(settings, daraja) as server, creator_and_fan(server) as (client, creator_id, fan):
        body = tip(creator_id)
        daraja.down = True
        first = pay(client, fan, body, key="k1")
        assert first.status_code == 502, first.text
        error = first.json()["error"]
        assert (
            error["code"] == "provider_unavailable" and "same Idempotency-Key" in error["message"]
        )
        payment_id = error["details"]["payment_id"]
        stored = query(
            settings.resolved_database_url,
            "SELECT status, push_state FROM payments WHERE id = :p",
            p=payment_id,
        )
        assert stored == [("pending", "not_sent")]  # stored first, nothing sent
        daraja.down = False
        retry = pay(client, fan, body, key="k1")
        assert retry.status_code == 201 and retry.json()["id"] == payment_id
        assert wait_for_status(client, fan, payment_id)["status"] == "succeeded"
        assert pay(client, fan, body, key="k1").content == retry.content
    assert daraja.pushes == 1
    assert int(query(settings.resolved_database_url, "SELECT COUNT(*) FROM payments")[0][0]) == 1


def test_a_push_that_may_have_reached_daraja_is_never_sent_again(
    settings: Settings, daraja: FakeDaraja
) -> None:
    """Daraja has no idempotency key: after a timeout we wait for its callback instead."""
    daraja.behave(DARAJA_PHONE, callback="hold")
    daraja.push_delay_s = 1.5
    with (
        live(settings, daraja, mpesa_timeout_s=0.3) as server,
        creator_and_fan(server) as (client, creator_id, fan),
    ):
        body = tip(creator_id)
        first = pay(client, fan, body, key="slow")
        assert first.status_code == 502 and "do not pay again" in first.json()["error"]["message"]
        payment_id = first.json()["error"]["details"]["payment_id"]
        wait_until(lambda: daraja.pushes == 1, message="Daraja to finish the slow push")
        again = pay(client, fan, body, key="slow")
        assert again.status_code == 502 and daraja.pushes == 1
        # The callback brings the reference we never got; Daraja's query confirms it.
        daraja.deliver_held_callback(daraja.checkout_for(DARAJA_PHONE).checkout_id)
        assert wait_for_status(client, fan, payment_id)["status"] == "succeeded"
        final = pay(client, fan, body, key="slow")
    assert final.status_code == 201 and final.json()["status"] == "succeeded"
    assert daraja.pushes == 1
    assert len(entries_of(settings, payment_id)) == 2


def test_a_push_daraja_refuses_fails_the_payment(settings: Settings, daraja: FakeDaraja) -> None:
    daraja.refuse_pushes = True
    with live(settings, daraja) as server, creator_and_fan(server) as (client, creator_id, fan):
        response = pay(client, fan, tip(creator_id))
    assert response.status_code == 201
    assert response.json()["status"] == "failed"
    assert response.json()["failure_reason"]["code"] == "provider_rejected"


def test_the_access_token_is_cached_and_renewed_when_refused(
    settings: Settings, daraja: FakeDaraja
) -> None:
    with live(settings, daraja) as server, creator_and_fan(server) as (client, creator_id, fan):
        for _ in range(2):
            created = pay(client, fan, tip(creator_id)).json()
            assert wait_for_status(client, fan, created["id"])["status"] == "succeeded"
        assert daraja.token_requests == 1
        daraja.expire_tokens()
        created = pay(client, fan, tip(creator_id)).json()
        assert wait_for_status(client, fan, created["id"])["status"] == "succeeded"
    assert daraja.token_requests == 2


def test_concurrent_requests_with_one_key_make_one_payment_and_one_push(
    settings: Settings, daraja: FakeDaraja
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    daraja.behave(DARAJA_PHONE, callback="twice")
    fast_sweeper = {"payment_query_after_s": 0, "payment_sweep_interval_s": 0.05}
    with (
        live(settings, daraja, **fast_sweeper) as server,
        creator_and_fan(server) as (client, creator_id, fan),
    ):
        body = tip(creator_id)

        def attempt(_: int) -> httpx.Response:
            with server.client() as http:
                return pay(http, fan, body, key="one-key")

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(attempt, range(8)))
        assert {a.status_code for a in answers} <= {201, 409}
        ids = {a.json()["id"] for a in answers if a.status_code == 201}
        assert len(ids) == 1
        done = wait_for_status(client, fan, ids.pop())
    assert done["status"] == "succeeded"
    assert daraja.pushes == 1
    assert int(query(settings.resolved_database_url, "SELECT COUNT(*) FROM payments")[0][0]) == 1
    assert len(entries_of(settings, done["id"])) == 2
