"""Creator payouts end to end: the real app over HTTP, the real Daraja B2C client against a
local Daraja, SQLite and PostgreSQL. Every payout is held, then paid or released once, and
`flash-server ledger verify` stays green after each story."""

import asyncio
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx

from server.config import Settings
from server.ledger.command import verify_database
from server.ledger.verify import render
from server.logs import redact_path
from server.payments.audit import audit_payments
from server.payouts.audit import audit_payouts
from tests.support.fake_daraja import (
    B2C_CREDENTIAL,
    B2C_INITIATOR,
    B2C_SHORTCODE,
    FakeDaraja,
    result_body,
    status_body,
)
from tests.support.live_server import LiveServer
from tests.support.payments import (
    bearer,
    daraja_settings,
    ledger_verify,
    pay,
    query,
    register,
    serve_money_app,
    tip,
    wait_for_status,
    wait_until,
)

PHONE = "+254712345678"
B2C_PHONE = "254712345678"
FUNDED = 90_000  # a KES 1,000.00 tip, less the 10 % fee


def b2c_settings(settings: Settings, daraja: FakeDaraja, **overrides: Any) -> Settings:
    """Live M-Pesa collections and B2C payouts, both against the local Daraja."""
    return daraja_settings(
        settings,
        daraja.url,
        mpesa_b2c_shortcode=B2C_SHORTCODE,
        mpesa_b2c_initiator_name=B2C_INITIATOR,
        mpesa_b2c_security_credential=B2C_CREDENTIAL,
        **overrides,
    )


@contextmanager
def funded(
    settings: Settings, daraja: FakeDaraja, **overrides: Any
) -> Iterator[tuple[LiveServer, httpx.Client, str, str]]:
    """A live server, a client, and a creator (id, token) with `FUNDED` available."""
    with serve_money_app(b2c_settings(settings, daraja, **overrides)) as server:
        with server.client() as client:
            creator_id, creator = register(client)
            _, fan = register(client, role="fan")
            paid = pay(client, fan, tip(creator_id, amount=100_000, phone="+254700000009"))
            assert wait_for_status(client, fan, paid.json()["id"])["status"] == "succeeded"
            yield server, client, creator_id, creator


def withdraw(
    client: httpx.Client, token: str, amount: int, key: str | None = None, **body: Any
) -> httpx.Response:
    payload = {"amount": amount, "currency": "KES", "method": "mpesa", "phone": PHONE, **body}
    headers = {**bearer(token), "Idempotency-Key": key or uuid.uuid4().hex}
    return client.post("/payouts", json=payload, headers=headers)


def wait_for_payout(
    client: httpx.Client, token: str, payout_id: str, timeout: float = 15
) -> dict[str, Any]:
    return wait_for_status(client, token, payout_id, timeout, of="payouts")


def totals(client: httpx.Client, token: str) -> dict[str, int]:
    summary = client.get("/earnings/summary", headers=bearer(token)).json()
    (kes,) = [t for t in summary["totals"] if t["currency"] == "KES"]
    return {name: kes[name] for name in ("available", "pending", "paid_out")}


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


def test_a_payout_is_held_then_paid(settings: Settings, daraja: FakeDaraja) -> None:
    daraja.behave_payout(B2C_PHONE, callback="hold")
    with funded(settings, daraja) as (server, client, _creator_id, creator):
        created = withdraw(client, creator, 20_000)
        assert created.status_code == 201, created.text
        payout = created.json()
        assert (payout["status"], payout["amount"], payout["method"]) == (
            "pending",
            20_000,
            "mpesa",
        )
        assert payout["failure_reason"] is None and payout["phone"] == PHONE
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 0}
        sent = daraja.payout_to(B2C_PHONE)
        assert (sent.amount, sent.originator_id) == (200, payout["id"])  # whole shillings
        assert sent.result_url.startswith(f"{server.api}/webhooks/mpesa-b2c/")
        assert_ledger_ok(settings)

        daraja.deliver_result(sent.conversation_id)
        done = wait_for_payout(client, creator, payout["id"])
        assert done["status"] == "succeeded"
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 20_000}
        listed = client.get("/payouts", headers=bearer(creator)).json()["items"]
        assert [p["id"] for p in listed] == [payout["id"]]
    assert entry_keys(settings, "payout:%") == [("payout_hold", f"payout:{payout['id']}:hold")]
    assert entry_keys(settings, "mpesa-b2c:%") == [
        ("disbursement", f"mpesa-b2c:{sent.conversation_id}:disbursed"),
        ("payout", f"mpesa-b2c:{sent.conversation_id}"),
    ]
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status == 0, output
    assert "ok   every payout (1) has exactly the entries of its status" in output


def test_a_failed_payout_releases_the_hold(settings: Settings, daraja: FakeDaraja) -> None:
    daraja.behave_payout(B2C_PHONE, result_code=2040, result_desc="Credit Party customer type")
    with funded(settings, daraja) as (_server, client, _creator_id, creator):
        payout = withdraw(client, creator, 50_000).json()
        done = wait_for_payout(client, creator, payout["id"])
        assert done["status"] == "failed"
        assert done["failure_reason"]["code"] == "recipient_unregistered"
        assert totals(client, creator) == {"available": FUNDED, "pending": 0, "paid_out": 0}
    assert entry_keys(settings, "payout:%") == [
        ("payout_hold", f"payout:{payout['id']}:hold"),
        ("reversal", f"payout:{payout['id']}:release"),
    ]
    assert entry_keys(settings, "mpesa-b2c:%") == []
    assert_ledger_ok(settings)


def test_more_than_available_is_409_and_changes_nothing(
    settings: Settings, daraja: FakeDaraja
) -> None:
    with funded(settings, daraja) as (_server, client, _creator_id, creator):
        refused = withdraw(client, creator, FUNDED + 100)
        assert refused.status_code == 409, refused.text
        error = refused.json()["error"]
        assert error["code"] == "insufficient_balance"
        assert error["details"] == {"field": "amount", "available": FUNDED}
        assert totals(client, creator)["available"] == FUNDED
        assert client.get("/payouts", headers=bearer(creator)).json()["items"] == []
    assert daraja.b2c_requests == 0
    assert query(settings.resolved_database_url, "SELECT COUNT(*) FROM payouts") == [(0,)]
    assert_ledger_ok(settings)


def test_concurrent_payouts_cannot_overdraw(settings: Settings, daraja: FakeDaraja) -> None:
    """Eight payouts of KES 200 against KES 900: exactly four are held, whatever the race."""
    daraja.behave_payout(B2C_PHONE, callback="hold")
    with funded(settings, daraja) as (server, _client, _creator_id, creator):

        def attempt(_: int) -> httpx.Response:
            with server.client() as http:
                return withdraw(http, creator, 20_000)

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(attempt, range(8)))
        codes = sorted(a.status_code for a in answers)
        assert codes == [201] * 4 + [409] * 4, [a.text for a in answers]
        with server.client() as client:
            assert totals(client, creator)["available"] == 10_000
    held = query(
        settings.resolved_database_url,
        "SELECT balance FROM ledger_accounts WHERE code LIKE :held",
        held="creator:%:payout_pending",
    )
    assert held == [(80_000,)]
    assert daraja.b2c_requests == 4
    assert_ledger_ok(settings)


def test_the_same_key_replays_and_another_body_is_409(
    settings: Settings, daraja: FakeDaraja
) -> None:
    with funded(settings, daraja) as (_server, client, _creator_id, creator):
        first = withdraw(client, creator, 20_000, key="withdraw-1")
        assert first.status_code == 201
        wait_for_payout(client, creator, first.json()["id"])
        again = withdraw(client, creator, 20_000, key="withdraw-1")
        assert (again.status_code, again.content) == (201, first.content)
        other = withdraw(client, creator, 30_000, key="withdraw-1")
        assert other.status_code == 409
        assert other.json()["error"]["code"] == "idempotency_key_reused"
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 20_000}
    assert daraja.b2c_requests == 1
    assert_ledger_ok(settings)


def test_forged_and_duplicate_results_change_nothing(
    settings: Settings, daraja: FakeDaraja
) -> None:
    daraja.behave_payout(B2C_PHONE, callback="hold")
    with funded(settings, daraja) as (server, client, _creator_id, creator):
        payout = withdraw(client, creator, 20_000).json()
        sent = daraja.payout_to(B2C_PHONE)
        unknown = httpx.post(f"{server.api}/webhooks/mpesa-b2c/{'0' * 40}", json={"Result": {}})
        assert unknown.status_code == 404
        assert httpx.post(sent.result_url, content=b"<xml/>").status_code == 400
        forgeries = [
            result_body(sent, ConversationID="AG_20261125_someone_else"),
            result_body(sent, OriginatorConversationID="another-payout"),
            result_body(
                sent,
                ResultParameters={
                    "ResultParameter": [{"Key": "TransactionAmount", "Value": 90_000}]
                },
            ),
            result_body(sent, TransactionID=None),
        ]
        for forged in forgeries:
            answer = httpx.post(sent.result_url, json=forged)
            assert answer.status_code == 400, answer.text
            assert answer.json()["error"]["code"] == "result_mismatch"
        assert wait_for_payout(client, creator, payout["id"], timeout=0)["status"] == "pending"
        assert totals(client, creator)["available"] == 70_000

        daraja.deliver_result(sent.conversation_id)
        daraja.deliver_result(sent.conversation_id)  # Daraja sends it again
        failure = result_body(sent, ResultCode=2001, ResultDesc="The initiator is invalid")
        assert httpx.post(sent.result_url, json=failure).status_code == 200  # too late
        assert wait_for_payout(client, creator, payout["id"])["status"] == "succeeded"
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 20_000}
    assert len(entry_keys(settings, "mpesa-b2c:%")) == 2
    assert len(entry_keys(settings, "payout:%")) == 1
    assert_ledger_ok(settings)


def test_a_result_that_comes_before_our_answer_is_still_matched(
    settings: Settings, daraja: FakeDaraja
) -> None:
    """Daraja's answer to our request may be slower than its result: the payout's own
    OriginatorConversationID is enough to take the ConversationID from the result."""
    daraja.callback_delay_s = 0
    with funded(settings, daraja) as (_server, client, _creator_id, creator):
        payout = withdraw(client, creator, 20_000).json()
        assert wait_for_payout(client, creator, payout["id"])["status"] == "succeeded"
    stored = query(
        settings.resolved_database_url,
        "SELECT conversation_id, push_state FROM payouts WHERE id = :p",
        p=payout["id"],
    )
    assert stored == [(daraja.payout_to(B2C_PHONE).conversation_id, "accepted")]
    assert_ledger_ok(settings)


def test_a_lost_result_is_recovered_by_a_status_query(
    settings: Settings, daraja: FakeDaraja
) -> None:
    daraja.behave_payout(B2C_PHONE, callback="drop")
    quick = {"payout_query_after_s": 0.3, "payment_sweep_interval_s": 0.1}
    with funded(settings, daraja, **quick) as (_server, client, _creator_id, creator):
        payout = withdraw(client, creator, 20_000).json()
        assert wait_for_payout(client, creator, payout["id"])["status"] == "succeeded"
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 20_000}
    sent = daraja.payout_to(B2C_PHONE)
    assert sent.results_sent == 0 and daraja.status_queries >= 1
    assert entry_keys(settings, "mpesa-b2c:%") == [
        ("disbursement", f"mpesa-b2c:{sent.conversation_id}:disbursed"),
        ("payout", f"mpesa-b2c:{sent.conversation_id}"),
    ]
    assert_ledger_ok(settings)


def test_a_status_query_never_fails_a_payout(settings: Settings, daraja: FakeDaraja) -> None:
    """Only M-Pesa's own result releases the money: "not completed" may mean "not yet"."""
    daraja.behave_payout(B2C_PHONE, result_code=2040, callback="hold")
    quick = {"payout_query_after_s": 0.3, "payment_sweep_interval_s": 0.1}
    with funded(settings, daraja, **quick) as (_server, client, _creator_id, creator):
        payout = withdraw(client, creator, 20_000).json()
        sent = daraja.payout_to(B2C_PHONE)
        wait_until(lambda: daraja.status_queries >= 3, message="a few status queries")
        status_url = sent.result_url + "/status"
        forged = status_body(sent)
        for item in forged["Result"]["ResultParameters"]["ResultParameter"]:
            if item["Key"] == "TransactionStatus":
                item["Value"] = "Completed"
            if item["Key"] == "Amount":
                item["Value"] = 9_000
        assert httpx.post(status_url, json=forged).status_code == 400
        assert wait_for_payout(client, creator, payout["id"], timeout=0)["status"] == "pending"
        assert totals(client, creator)["available"] == 70_000  # still held
        daraja.deliver_result(sent.conversation_id)
        done = wait_for_payout(client, creator, payout["id"])
        assert done["failure_reason"]["code"] == "recipient_unregistered"
        assert totals(client, creator)["available"] == FUNDED
    assert_ledger_ok(settings)


def test_daraja_down_is_502_and_a_retry_sends_once(settings: Settings, daraja: FakeDaraja) -> None:
    with funded(settings, daraja) as (_server, client, _creator_id, creator):
        daraja.b2c_down = True
        first = withdraw(client, creator, 20_000, key="k1")
        assert first.status_code == 502, first.text
        error = first.json()["error"]
        assert (
            error["code"] == "provider_unavailable" and "same Idempotency-Key" in error["message"]
        )
        payout_id = error["details"]["payout_id"]
        stored = query(
            settings.resolved_database_url,
            "SELECT status, push_state FROM payouts WHERE id = :p",
            p=payout_id,
        )
        assert stored == [("pending", "not_sent")]
        assert totals(client, creator)["available"] == 70_000  # held while we retry
        assert_ledger_ok(settings)

        daraja.b2c_down = False
        retry = withdraw(client, creator, 20_000, key="k1")
        assert retry.status_code == 201 and retry.json()["id"] == payout_id
        assert wait_for_payout(client, creator, payout_id)["status"] == "succeeded"
        assert withdraw(client, creator, 20_000, key="k1").content == retry.content
    assert len(daraja.b2c_payments) == 1
    assert_ledger_ok(settings)


def test_a_payout_that_never_left_is_released_after_a_while(
    settings: Settings, daraja: FakeDaraja
) -> None:
    quick = {"payout_unsent_expiry_s": 0.2, "payment_sweep_interval_s": 0.1}
    with funded(settings, daraja, **quick) as (_server, client, _creator_id, creator):
        daraja.b2c_down = True
        first = withdraw(client, creator, 20_000, key="k1")
        payout_id = first.json()["error"]["details"]["payout_id"]
        done = wait_for_payout(client, creator, payout_id)
        assert done["status"] == "failed"
        assert done["failure_reason"]["code"] == "provider_unavailable"
        assert totals(client, creator)["available"] == FUNDED
        daraja.b2c_down = False
        replay = withdraw(client, creator, 20_000, key="k1")
        assert replay.status_code == 201 and replay.json()["status"] == "failed"
    assert daraja.b2c_payments == {}
    assert_ledger_ok(settings)


def test_only_creators_withdraw_and_only_where_a_rail_pays(
    settings: Settings, daraja: FakeDaraja
) -> None:
    with funded(settings, daraja) as (_server, client, _creator_id, creator):
        _, fan = register(client, role="fan")
        assert withdraw(client, fan, 20_000).status_code == 403
        assert client.get("/payouts", headers=bearer(fan)).status_code == 403
        orange = withdraw(client, creator, 20_000, method="orange_money")
        assert orange.status_code == 422
        assert orange.json()["error"]["code"] == "method_unavailable"
        assert "no public API" in orange.json()["error"]["message"]
        momo = withdraw(client, creator, 20_000, method="mtn_momo")  # MoMo pays no KES
        assert momo.status_code == 422 and momo.json()["error"]["code"] == "currency_unsupported"
        cents = withdraw(client, creator, 20_050)
        assert cents.status_code == 422 and cents.json()["error"]["details"]["field"] == "amount"
        phone = withdraw(client, creator, 20_000, phone="+233201234567")
        assert phone.status_code == 422 and phone.json()["error"]["details"]["field"] == "phone"
        no_key = client.post(
            "/payouts",
            json={"amount": 20_000, "currency": "KES", "method": "mpesa", "phone": PHONE},
            headers=bearer(creator),
        )
        assert no_key.status_code == 400
        assert totals(client, creator)["available"] == FUNDED
    assert daraja.b2c_requests == 0


def test_a_tampered_payout_fails_ledger_verify(settings: Settings, daraja: FakeDaraja) -> None:
    daraja.behave_payout(B2C_PHONE, callback="hold")
    with funded(settings, daraja) as (_server, client, _creator_id, creator):
        payout = withdraw(client, creator, 20_000).json()
    query(
        settings.resolved_database_url,
        "UPDATE payouts SET status = 'failed' WHERE id = :p",
        p=payout["id"],
    )
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status == 1, output
    assert "FAIL every payout (1) has exactly the entries of its status" in output
    assert "FAIL every creator's payout-pending balance is the sum of their pending payouts" in (
        output
    )


def test_a_payout_entry_without_its_payout_fails_ledger_verify(
    settings: Settings, daraja: FakeDaraja
) -> None:
    with funded(settings, daraja) as (_server, client, _creator_id, creator):
        payout = withdraw(client, creator, 20_000).json()
        assert wait_for_payout(client, creator, payout["id"])["status"] == "succeeded"
    query(settings.resolved_database_url, "DELETE FROM payouts")
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status == 1, output
    assert "FAIL no payout entry without its payout" in output
    assert "ok   every entry sums to zero per currency" in output


def test_the_sandbox_pays_out_by_phone_number(settings: Settings) -> None:
    """No B2C settings: the sandbox answers, and the last digits choose the outcome."""
    sandbox = settings.model_copy(update={"mpesa_sandbox_delay_s": 0.05})
    with serve_money_app(sandbox) as server, server.client() as client:
        health = client.get("/health").json()
        assert {"name": "mpesa_b2c", "mode": "sandbox"} in health["providers"]
        creator_id, creator = register(client)
        _, fan = register(client, role="fan")
        paid = pay(client, fan, tip(creator_id, amount=100_000))
        assert wait_for_status(client, fan, paid.json()["id"])["status"] == "succeeded"
        ok = withdraw(client, creator, 20_000).json()
        refused = withdraw(client, creator, 20_000, phone="+254712340001").json()
        assert wait_for_payout(client, creator, ok["id"])["status"] == "succeeded"
        failed = wait_for_payout(client, creator, refused["id"])
        assert failed["failure_reason"]["code"] == "recipient_unregistered"
        assert totals(client, creator) == {"available": 70_000, "pending": 0, "paid_out": 20_000}
    assert_ledger_ok(settings)


def test_result_urls_never_reach_the_logs() -> None:
    token = "fa9d9b92c6d2ef4ac753f0d477114893338bae9f"
    for path in (
        f"/api/v1/webhooks/mpesa-b2c/{token}",
        f"/api/v1/webhooks/mpesa-b2c/{token}/timeout",
    ):
        assert token not in redact_path(path)
