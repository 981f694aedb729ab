"""Orange Money: the real WebPay adapter against a local Orange, end to end over HTTP, and the
sandbox's own payment page.

Each outcome, notifications forged, duplicated or lost, Orange down: every payment ends
once, on Orange's `transactionstatus` word, with exactly its ledger entries.
"""

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import httpx
import pytest

from server.config import Settings
from server.payments.gateways.orange_money import order_id_for
from server.payments.listeners import TipSucceeded
from tests.support.fake_orange import CLIENT_ID, CLIENT_SECRET, MERCHANT_KEY, FakeOrange
from tests.support.live_server import LiveServer
from tests.support.payments import (
    bearer,
    creator_and_fan,
    entries_of,
    guest_token,
    ledger_verify,
    pay,
    query,
    register,
    serve_money_app,
    wait_for_status,
)

IVORIAN = {"country": "CI", "currency": "XOF", "language": "fr"}
FAST_SWEEPER = {"payment_query_after_s": 0, "payment_sweep_interval_s": 0.1}


def orange_settings(settings: Settings, base_url: str, **overrides: Any) -> Settings:
    """Live Orange Money mode against a local WebPay."""
    return settings.model_copy(
        update={
            "orange_base_url": base_url,
            "orange_client_id": CLIENT_ID,
            "orange_client_secret": CLIENT_SECRET,
            "orange_merchant_key": MERCHANT_KEY,
            **overrides,
        }
    )


@contextmanager
def live(settings: Settings, orange: FakeOrange, **overrides: Any) -> Iterator[LiveServer]:
    with serve_money_app(orange_settings(settings, orange.url, **overrides)) as server:
        yield server


def people(server: LiveServer) -> AbstractContextManager[tuple[httpx.Client, str, str]]:
    """A client, a creator's id and a fan's token; the fan pays from Côte d'Ivoire."""
    return creator_and_fan(server, fan=IVORIAN)


def orange_tip(creator_id: str, amount: int = 500, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "tip",
        "method": "orange_money",
        "amount": amount,
        "currency": "XOF",
        "creator_id": creator_id,
        "message": "Merci !",
        **overrides,
    }


def stored(settings: Settings, payment_id: str, columns: str) -> tuple[Any, ...]:
    [row] = query(
        settings.resolved_database_url,
        f"SELECT {columns} FROM payments WHERE id = :p",
        p=payment_id,
    )
    return row


OUTCOMES = [
    ("SUCCESS", "succeeded", None),
    ("FAILED", "failed", "provider_declined"),
    ("EXPIRED", "expired", "payment_expired"),
]


@pytest.mark.parametrize(("orange_status", "status", "failure"), OUTCOMES)
def test_each_orange_outcome_ends_the_payment(
    settings: Settings, orange: FakeOrange, orange_status: str, status: str, failure: str | None
) -> None:
    with live(settings, orange) as server, people(server) as (client, creator_id, fan):
        created = pay(client, fan, orange_tip(creator_id, amount=1_500))
        assert created.status_code == 201, created.text
        payment = created.json()
        session = orange.session_for(order_id_for(payment["id"]))
        assert payment["status"] == "pending"
        assert payment["next_action"] == {"type": "redirect", "url": session.payment_url}
        assert httpx.get(session.payment_url).status_code == 200
        # Orange's sandbox country plays in OUV; the amount is whole francs; no phone asked.
        assert (session.currency, session.amount, session.lang) == ("OUV", 1_500, "fr")
        assert session.return_url == f"{server.url}/pay/{payment['id']}"
        assert session.cancel_url == f"{server.url}/pay/{payment['id']}/cancel"
        assert session.notif_url.startswith(f"{server.api}/webhooks/orange-money/")
        again = client.get(f"/payments/{payment['id']}", headers=bearer(fan)).json()
        assert again["next_action"] == payment["next_action"], "a later read shows it too"
        orange.pay(session.pay_token, orange_status)
        done = wait_for_status(client, fan, payment["id"])
    assert done["status"] == status
    assert (done["failure_reason"] or {}).get("code") == failure
    assert done["next_action"] is None
    ref = f"{session.order_id}:1500:{session.pay_token}"
    assert stored(settings, payment["id"], "provider_ref, provider_result") == (ref, orange_status)
    expected = (
        [("capture", f"orange_money:{ref}"), ("settlement", f"orange_money:{ref}:settlement")]
        if status == "succeeded"
        else []
    )
    assert entries_of(settings, payment["id"]) == expected
    code, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert code == 0, output


def test_the_notif_token_is_kept_only_as_a_hash(settings: Settings, orange: FakeOrange) -> None:
    import hashlib

    with live(settings, orange) as server, people(server) as (client, creator_id, fan):
        payment = pay(client, fan, orange_tip(creator_id)).json()
    session = orange.session_for(order_id_for(payment["id"]))
    row = query(
        settings.resolved_database_url,
        "SELECT * FROM payments WHERE id = :p",
        p=payment["id"],
    )[0]
    assert session.notif_token not in [str(value) for value in row]
    digest = hashlib.sha256(session.notif_token.encode()).hexdigest()
    assert stored(settings, payment["id"], "callback_proof_hash") == (digest,)


def test_a_production_country_sends_the_real_currency(
    settings: Settings, orange: FakeOrange
) -> None:
    with (
        live(settings, orange, orange_country="ci") as server,
        people(server) as (client, creator_id, fan),
    ):
        payment = pay(client, fan, orange_tip(creator_id, amount=2_000)).json()
        xaf = pay(client, fan, orange_tip(creator_id, currency="XAF"))
    session = orange.session_for(order_id_for(payment["id"]))
    assert (session.country, session.currency, session.amount) == ("ci", "XOF", 2_000)
    assert xaf.status_code == 422 and xaf.json()["error"]["code"] == "currency_unsupported"


def test_a_forged_notification_changes_nothing(settings: Settings, orange: FakeOrange) -> None:
    """A wrong notif_token is ignored unasked; the right one still needs Orange's word."""
    with live(settings, orange) as server, people(server) as (client, creator_id, fan):
        payment = pay(client, fan, orange_tip(creator_id)).json()
        session = orange.session_for(order_id_for(payment["id"]))
        url = f"/payments/{payment['id']}"
        forged = {"status": "SUCCESS", "notif_token": "0" * 32, "txnid": "MP000000"}
        assert httpx.post(session.notif_url, json=forged).status_code == 200
        assert httpx.post(session.notif_url, json={"status": "SUCCESS"}).status_code == 200
        assert orange.status_queries == 0, "a notification without our notif_token is not asked"
        early = {"status": "SUCCESS", "notif_token": session.notif_token, "txnid": "MP000000"}
        assert httpx.post(session.notif_url, json=early).status_code == 200
        assert orange.status_queries == 1  # asked: Orange says INITIATED
        assert client.get(url, headers=bearer(fan)).json()["status"] == "pending"
        unknown = httpx.post(f"{server.api}/webhooks/orange-money/{'0' * 40}", json=early)
        assert unknown.status_code == 404
        assert httpx.post(session.notif_url, content=b"<xml/>").status_code == 400
        orange.pay(session.pay_token, "FAILED")  # the payer fails; the real notification comes
        done = wait_for_status(client, fan, payment["id"])
    assert done["status"] == "failed"
    assert entries_of(settings, payment["id"]) == []


def test_duplicate_notifications_change_nothing(settings: Settings, orange: FakeOrange) -> None:
    heard: list[TipSucceeded] = []

    async def listener(event: TipSucceeded) -> None:
        heard.append(event)

    with live(settings, orange) as server, people(server) as (client, creator_id, fan):
        server.app.state.payment_listeners.append(listener)
        payment = pay(client, fan, orange_tip(creator_id)).json()
        session = orange.session_for(order_id_for(payment["id"]))
        orange.pay(session.pay_token, "SUCCESS", notification="twice")
        assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"
        queries = orange.status_queries
        orange.deliver_held_notification(session.pay_token)  # and a third, later
        assert orange.status_queries == queries, "already settled: not even a query"
        assert session.notifications_sent == 3
    assert len(entries_of(settings, payment["id"])) == 2
    assert [event.payment_id for event in heard] == [payment["id"]]


def test_a_lost_notification_is_recovered_by_the_sweeper(
    settings: Settings, orange: FakeOrange
) -> None:
    orange.payer_does, orange.notification = "SUCCESS", "drop"
    with (
        live(settings, orange, **FAST_SWEEPER) as server,
        people(server) as (client, creator_id, fan),
    ):
        payment = pay(client, fan, orange_tip(creator_id)).json()
        done = wait_for_status(client, fan, payment["id"])
    assert done["status"] == "succeeded"
    assert orange.session_for(order_id_for(payment["id"])).notifications_sent == 0
    assert len(entries_of(settings, payment["id"])) == 2
    code, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert code == 0, output


def test_orange_5xx_is_502_and_a_replay_reuses_the_order_id(
    settings: Settings, orange: FakeOrange
) -> None:
    with live(settings, orange) as server, people(server) as (client, creator_id, fan):
        body = orange_tip(creator_id)
        orange.failing_webpayments = 1
        first = pay(client, fan, body, key="k1")
        assert first.status_code == 502, first.text
        error = first.json()["error"]
        assert error["code"] == "provider_unavailable"
        assert "Orange Money" in error["message"] and "same Idempotency-Key" in error["message"]
        payment_id = error["details"]["payment_id"]
        assert stored(settings, payment_id, "status, push_state") == ("pending", "not_sent")
        retry = pay(client, fan, body, key="k1")
        assert retry.status_code == 201 and retry.json()["id"] == payment_id
        session = orange.session_for(order_id_for(payment_id))
        orange.pay(session.pay_token, "SUCCESS")
        assert wait_for_status(client, fan, payment_id)["status"] == "succeeded"
        assert pay(client, fan, body, key="k1").content == retry.content
    assert orange.webpayment_calls == [order_id_for(payment_id)] * 2  # the same order, twice
    assert len(orange.sessions) == 1
    assert int(query(settings.resolved_database_url, "SELECT COUNT(*) FROM payments")[0][0]) == 1


def test_the_cancel_page_cancels_only_what_orange_has_not_started_paying(
    settings: Settings, orange: FakeOrange
) -> None:
    with live(settings, orange) as server, people(server) as (client, creator_id, fan):
        left, confirming = (pay(client, fan, orange_tip(creator_id)).json() for _ in range(2))
        orange.session_for(order_id_for(confirming["id"])).status = "PENDING"  # on the phone
        for payment in (left, confirming):
            back = httpx.get(f"{server.url}/pay/{payment['id']}/cancel", follow_redirects=True)
            assert back.status_code == 200
        statuses = [
            client.get(f"/payments/{p['id']}", headers=bearer(fan)).json()["status"]
            for p in (left, confirming)
        ]
    assert statuses == ["cancelled", "pending"]


def test_wrong_credentials_are_502_and_nothing_is_sent(
    settings: Settings, orange: FakeOrange
) -> None:
    with (
        live(settings, orange, orange_client_secret="not-the-secret") as server,
        people(server) as (client, creator_id, fan),
    ):
        answer = pay(client, fan, orange_tip(creator_id))
    assert answer.status_code == 502 and answer.json()["error"]["code"] == "provider_unavailable"
    assert orange.webpayment_calls == [] and orange.token_requests == 0


def test_the_access_token_is_cached_and_renewed_when_refused(
    settings: Settings, orange: FakeOrange
) -> None:
    orange.payer_does = "SUCCESS"
    with live(settings, orange) as server, people(server) as (client, creator_id, fan):
        for _ in range(2):
            payment = pay(client, fan, orange_tip(creator_id)).json()
            assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"
        assert orange.token_requests == 1
        orange.expire_tokens()
        payment = pay(client, fan, orange_tip(creator_id)).json()
        assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"
    assert orange.token_requests == 2


def test_orange_money_takes_whole_francs_without_a_phone(live_server: LiveServer) -> None:
    with live_server.client() as client:
        creator_id, _ = register(client)
        fan = guest_token(client)
        kes = pay(client, fan, orange_tip(creator_id, amount=10_000, currency="KES"))
        assert kes.status_code == 422 and kes.json()["error"]["code"] == "currency_unsupported"
        ok = pay(client, fan, orange_tip(creator_id, amount=777))
    assert ok.status_code == 201, ok.text
    assert ok.json()["next_action"]["type"] == "redirect"


# --- the sandbox ---------------------------------------------------------------------


def sandbox_settings(settings: Settings, **overrides: Any) -> Settings:
    return settings.model_copy(update={"orange_sandbox_delay_s": 0.2, **overrides})


def open_sandbox_page(client: httpx.Client, fan: str, body: dict[str, Any]) -> tuple[str, str]:
    """Pay, follow the redirect to the sandbox page: (payment id, the page's pay_token)."""
    payment = pay(client, fan, body).json()
    assert payment["next_action"]["type"] == "redirect", payment
    url = payment["next_action"]["url"]
    assert url.startswith(f"{client.base_url.scheme}://{client.base_url.netloc.decode()}")
    assert f"/pay/{payment['id']}/sandbox-orange?pay_token=" in url
    page = httpx.get(url)
    assert page.status_code == 200
    token = re.search(r'name="pay_token" value="([^"]+)"', page.text)
    assert token is not None
    return payment["id"], token.group(1)


def answer_page(server: LiveServer, payment_id: str, pay_token: str, **form: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/pay/{payment_id}/sandbox-orange", data={"pay_token": pay_token, **form}
    )


SANDBOX_OUTCOMES = [
    ("+2250700000000", "succeeded", None),
    ("+2250700000002", "failed", "provider_declined"),
    ("+2250700000004", "expired", "payment_expired"),
]


@pytest.mark.parametrize(("phone", "status", "failure"), SANDBOX_OUTCOMES)
def test_the_sandbox_page_plays_orange(
    settings: Settings, phone: str, status: str, failure: str | None
) -> None:
    with (
        serve_money_app(sandbox_settings(settings)) as server,
        people(server) as (client, creator_id, fan),
    ):
        payment_id, pay_token = open_sandbox_page(client, fan, orange_tip(creator_id))
        page = httpx.get(f"{server.url}/pay/{payment_id}/sandbox-orange?pay_token={pay_token}")
        assert "Bac à sable" in page.text and "XOF 500" in page.text  # the fan reads French
        answered = answer_page(server, payment_id, pay_token, phone=phone, action="pay")
        assert answered.status_code == 200
        assert f'url={server.url}/pay/{payment_id}"' in answered.text  # back to the return page
        done = wait_for_status(client, fan, payment_id)
    assert done["status"] == status
    assert (done["failure_reason"] or {}).get("code") == failure
    assert len(entries_of(settings, payment_id)) == (2 if status == "succeeded" else 0)


def test_a_sandbox_notification_lost_is_settled_by_the_sweeper(settings: Settings) -> None:
    with (
        serve_money_app(sandbox_settings(settings, **FAST_SWEEPER)) as server,
        people(server) as (client, creator_id, fan),
    ):
        payment_id, pay_token = open_sandbox_page(client, fan, orange_tip(creator_id))
        answer_page(server, payment_id, pay_token, phone="+2250700000005", action="pay")
        assert wait_for_status(client, fan, payment_id)["status"] == "succeeded"
    code, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert code == 0, output


def test_a_sandbox_fan_who_cancels_is_cancelled_by_the_cancel_page(settings: Settings) -> None:
    with (
        serve_money_app(sandbox_settings(settings)) as server,
        people(server) as (client, creator_id, fan),
    ):
        payment_id, pay_token = open_sandbox_page(client, fan, orange_tip(creator_id))
        bad = answer_page(server, payment_id, pay_token, phone="call me", action="pay")
        assert bad.status_code == 400 and 'role="alert"' in bad.text
        left = answer_page(server, payment_id, pay_token, action="cancel")
        assert f'url={server.url}/pay/{payment_id}/cancel"' in left.text
        wrong_page = httpx.get(
            f"{server.url}/pay/someone-else/sandbox-orange?pay_token={pay_token}"
        )
        assert wrong_page.status_code == 404
        current = client.get(f"/payments/{payment_id}", headers=bearer(fan)).json()
        assert current["status"] == "pending"  # until the cancel page asks Orange
        back = httpx.get(f"{server.url}/pay/{payment_id}/cancel", follow_redirects=True)
        assert back.status_code == 200 and back.url.path == f"/pay/{payment_id}"
        done = client.get(f"/payments/{payment_id}", headers=bearer(fan)).json()
    assert done["status"] == "cancelled"
    assert done["failure_reason"]["code"] == "payer_cancelled"
    assert entries_of(settings, payment_id) == []


def test_the_fan_page_offers_orange_money_in_whole_francs_without_a_phone(
    live_server: LiveServer,
) -> None:
    from server.fanpage.methods import available_methods

    gateways = live_server.app.state.payments.gateways
    [orange_option] = [o for o in available_methods(gateways) if o.method == "orange_money"]
    assert (orange_option.currency, orange_option.step, orange_option.phone) == ("XOF", 1, None)
    assert orange_option.minimum == 100 and orange_option.presets == [500, 1_000, 2_000, 5_000]
