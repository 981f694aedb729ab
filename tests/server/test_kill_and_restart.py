"""The real `flash-server run`, killed (SIGKILL, no shutdown at all) mid-payment and
mid-payout, then started again on the same database, against a local Daraja.

Whatever the moment of death, the restarted server ends each payment and payout once,
on Daraja's word, never sends Daraja the same request twice, keeps a payout's amount
held until it ends, and `flash-server ledger verify` stays green.
"""

import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.config import Settings
from server.db.base import utcnow
from server.payments.models import PaymentRow
from server.payouts.models import PayoutRow
from tests.packaging.server_process import ServerProcess, clean_env, running_server
from tests.support.fake_daraja import (
    B2C_CREDENTIAL,
    B2C_INITIATOR,
    B2C_SHORTCODE,
    CONSUMER_KEY,
    CONSUMER_SECRET,
    PASSKEY,
    SHORTCODE,
    FakeDaraja,
)
from tests.support.payments import (
    bearer,
    entries_of,
    ledger_verify,
    pay,
    query,
    register,
    tip,
    wait_for_status,
    wait_until,
)

PHONE = "+254712345678"
DARAJA_PHONE = "254712345678"
FUNDING_PHONE = "+254700000009"
FUNDED = 90_000  # a KES 1,000.00 tip, less the 10 % fee
FLASH_SERVER = str(Path(sys.executable).parent / "flash-server")
# The first life never sweeps (what it left must wait for its successor); the second sweeps
# at start-up and then often.
FIRST_LIFE = {"payment_query_after_s": 3600, "payout_query_after_s": 3600}
SECOND_LIFE = {"payment_query_after_s": 0, "payout_query_after_s": 0.2}
GRACE_PASSED = timedelta(minutes=3)  # a request claimed this long ago is no longer in flight


def server_env(settings: Settings, daraja: FakeDaraja, life: dict[str, float]) -> dict[str, str]:
    """Live M-Pesa (collections and B2C) against the local Daraja, from the environment only."""
    values = {
        "data_dir": str(settings.data_dir),
        "database_url": settings.resolved_database_url,
        "secret_key": settings.secret_key,
        "public_url": settings.public_url,  # the port both lives listen on: callbacks go there
        "rtmp_port": "0",
        "mpesa_base_url": daraja.url,
        "mpesa_consumer_key": CONSUMER_KEY,
        "mpesa_consumer_secret": CONSUMER_SECRET,
        "mpesa_shortcode": SHORTCODE,
        "mpesa_passkey": PASSKEY,
        "mpesa_b2c_shortcode": B2C_SHORTCODE,
        "mpesa_b2c_initiator_name": B2C_INITIATOR,
        "mpesa_b2c_security_credential": B2C_CREDENTIAL,
        "payment_sweep_interval_s": "0.1",
        **{name: str(value) for name, value in life.items()},
    }
    return clean_env(**{f"FLASH_{name.upper()}": value for name, value in values.items()})


@contextmanager
def flash_server(
    settings: Settings, daraja: FakeDaraja, port: int, workdir: Path, life: dict[str, float]
) -> Iterator[ServerProcess]:
    """One life of `flash-server run` (the test database is migrated already)."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = server_env(settings, daraja, life)
    with running_server([FLASH_SERVER, "run", "--no-migrate"], env, workdir, port=port) as server:
        yield server


def kill(server: ServerProcess) -> None:
    """SIGKILL: no shutdown hook, no cleanup, whatever was in flight is cut off."""
    server.process.kill()
    server.process.wait()


def api(server: ServerProcess) -> httpx.Client:
    return httpx.Client(base_url=server.url + "/api/v1", timeout=15)


@contextmanager
def in_background(call: Callable[[], httpx.Response]) -> Iterator[Future[httpx.Response]]:
    with ThreadPoolExecutor(1) as pool:
        yield pool.submit(call)


def assert_cut_off(request: Future[httpx.Response]) -> None:
    """The request in flight got no answer: its server died under it."""
    with pytest.raises(httpx.TransportError):
        request.result(timeout=30)


def only(rows: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    assert len(rows) == 1, rows
    return rows[0]


def assert_ledger_verify_ok(settings: Settings) -> None:
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status == 0, output


def age(
    settings: Settings, table: type[PaymentRow | PayoutRow], row_id: str, by: timedelta
) -> None:
    """Let `by` pass for a payment or payout (its claim, its next check) without waiting."""
    import asyncio

    from sqlalchemy import update
    from sqlalchemy.ext.asyncio import create_async_engine

    async def run() -> None:
        engine = create_async_engine(settings.resolved_database_url)
        try:
            async with engine.begin() as conn:
                past = utcnow() - by
                await conn.execute(
                    update(table)
                    .where(table.id == row_id)
                    .values(updated_at=past, next_check_at=past)
                )
        finally:
            await engine.dispose()

    asyncio.run(run())


# --- payments ---------------------------------------------------------------------------


def test_killed_while_the_push_is_in_flight(
    settings: Settings, daraja: FakeDaraja, live_port: int, tmp_path: Path
) -> None:
    """The push reached Daraja, the server died before its answer: after the restart, the
    callback's reference is checked by Daraja's query, and nothing is pushed again."""
    daraja.behave(DARAJA_PHONE, callback="hold")
    daraja.hold_answers()
    with flash_server(settings, daraja, live_port, tmp_path / "first", FIRST_LIFE) as first:
        with api(first) as client:
            creator_id, _ = register(client)
            _, fan = register(client, role="fan")
        body = tip(creator_id)

        def start_tip() -> httpx.Response:
            with api(first) as http:
                return pay(http, fan, body, key="tip-1")

        with in_background(start_tip) as request:
            wait_until(lambda: daraja.push_arrivals == 1, message="the push to reach Daraja")
            kill(first)
            assert_cut_off(request)
    payment_id, status, push_state = only(
        query(settings.resolved_database_url, "SELECT id, status, push_state FROM payments")
    )
    assert (status, push_state) == ("pending", "sending")  # as the dead server left it
    daraja.release_answers()  # Daraja goes on with what reached it
    wait_until(lambda: daraja.pushes == 1, message="Daraja to accept the push")
    checkout = daraja.checkout_for(DARAJA_PHONE)

    with flash_server(settings, daraja, live_port, tmp_path / "second", SECOND_LIFE) as second:
        with api(second) as client:
            early = pay(client, fan, body, key="tip-1")
            assert early.status_code == 409, early.text  # still its first request's to end
            assert early.json()["error"]["code"] == "request_in_progress"
            age(settings, PaymentRow, payment_id, GRACE_PASSED)  # no longer in flight: it died
            later = pay(client, fan, body, key="tip-1")
            assert later.status_code == 502, later.text
            assert later.json()["error"]["code"] == "provider_unavailable"
            assert "do not pay again" in later.json()["error"]["message"]
            daraja.deliver_held_callback(checkout.checkout_id)
            done = wait_for_status(client, fan, payment_id)
            assert done["status"] == "succeeded"
            replay = pay(client, fan, body, key="tip-1")
            assert replay.status_code == 201, replay.text
            assert (replay.json()["id"], replay.json()["status"]) == (payment_id, "succeeded")
    assert (daraja.push_arrivals, daraja.pushes) == (1, 1)
    assert daraja.queries >= 1  # the callback was believed only once Daraja confirmed it
    assert entries_of(settings, payment_id) == [
        ("capture", f"mpesa:{checkout.checkout_id}"),
        ("settlement", f"mpesa:{checkout.checkout_id}:settlement"),
    ]
    assert int(only(query(settings.resolved_database_url, "SELECT COUNT(*) FROM payments"))[0]) == 1
    assert_ledger_verify_ok(settings)


def test_killed_after_daraja_accepted_before_the_callback(
    settings: Settings, daraja: FakeDaraja, live_port: int, tmp_path: Path
) -> None:
    """The callback comes while no server listens: the restarted server's sweep asks Daraja."""
    daraja.behave(DARAJA_PHONE, callback="hold")
    with flash_server(settings, daraja, live_port, tmp_path / "first", FIRST_LIFE) as first:
        with api(first) as client:
            creator_id, _ = register(client)
            _, fan = register(client, role="fan")
            body = tip(creator_id)
            created = pay(client, fan, body, key="tip-1")
            assert created.status_code == 201, created.text
            assert created.json()["status"] == "pending"
        kill(first)
    payment_id = created.json()["id"]
    checkout = daraja.checkout_for(DARAJA_PHONE)
    daraja.deliver_held_callback(checkout.checkout_id)  # into the void: lost with the process
    assert [e for e in daraja.errors if e.startswith("callback failed")] == daraja.errors
    assert len(daraja.errors) == 1
    daraja.errors.clear()  # expected: nobody was listening

    with flash_server(settings, daraja, live_port, tmp_path / "second", SECOND_LIFE) as second:
        with api(second) as client:
            done = wait_for_status(client, fan, payment_id)
            assert done["status"] == "succeeded"
            replay = pay(client, fan, body, key="tip-1")
            assert replay.content == created.content  # the first answer, kept across the kill
    assert daraja.pushes == 1 and checkout.callbacks_sent == 1
    assert entries_of(settings, payment_id) == [
        ("capture", f"mpesa:{checkout.checkout_id}"),
        ("settlement", f"mpesa:{checkout.checkout_id}:settlement"),
    ]
    assert_ledger_verify_ok(settings)


# --- payouts ----------------------------------------------------------------------------

LATE_RESULT = "+254711000001"  # its result comes after the restart
LOST_RESULT = "+254711000002"  # its result comes while no server listens


def withdraw(client: httpx.Client, token: str, amount: int, key: str, phone: str) -> httpx.Response:
    payload = {"amount": amount, "currency": "KES", "method": "mpesa", "phone": phone}
    return client.post("/payouts", json=payload, headers={**bearer(token), "Idempotency-Key": key})


def totals(client: httpx.Client, token: str) -> dict[str, int]:
    summary = client.get("/earnings/summary", headers=bearer(token)).json()
    (kes,) = [t for t in summary["totals"] if t["currency"] == "KES"]
    return {name: kes[name] for name in ("available", "pending", "paid_out")}


def test_killed_while_payout_requests_are_in_flight(
    settings: Settings, daraja: FakeDaraja, live_port: int, tmp_path: Path
) -> None:
    """Two payouts' B2C requests reached Daraja and the server died before either answer.
    After the restart both amounts stay held, nothing is sent again, and each payout ends
    once: one by Daraja's result, come after the restart; the other, whose result came
    while no server listened, by a Transaction Status query."""
    late, lost = (LATE_RESULT, 20_000, "payout-late"), (LOST_RESULT, 30_000, "payout-lost")
    daraja.behave_payout(LATE_RESULT.removeprefix("+"), callback="hold")
    daraja.behave_payout(LOST_RESULT.removeprefix("+"), callback="send")
    with flash_server(settings, daraja, live_port, tmp_path / "first", FIRST_LIFE) as first:
        with api(first) as client:
            creator_id, creator = register(client)
            _, fan = register(client, role="fan")
            funding = pay(client, fan, tip(creator_id, amount=100_000, phone=FUNDING_PHONE))
            assert wait_for_status(client, fan, funding.json()["id"])["status"] == "succeeded"
            assert totals(client, creator)["available"] == FUNDED
        daraja.hold_answers()

        def start_payout(phone: str, amount: int, key: str) -> httpx.Response:
            with api(first) as http:
                return withdraw(http, creator, amount, key, phone)

        with ThreadPoolExecutor(2) as pool:
            requests = [pool.submit(start_payout, *payout) for payout in (late, lost)]
            wait_until(lambda: daraja.b2c_requests == 2, message="both requests to reach Daraja")
            kill(first)
            for request in requests:
                assert_cut_off(request)
    stored = query(
        settings.resolved_database_url,
        "SELECT id, status, push_state FROM payouts ORDER BY amount",
    )
    assert [row[1:] for row in stored] == [
        ("pending", "sending")
    ] * 2  # as the dead server left them
    late_id, lost_id = (str(row[0]) for row in stored)
    daraja.release_answers()  # Daraja pays what reached it
    wait_until(lambda: len(daraja.b2c_payments) == 2, message="Daraja to accept both payouts")
    late_sent = daraja.payout_to(LATE_RESULT.removeprefix("+"))
    lost_sent = daraja.payout_to(LOST_RESULT.removeprefix("+"))
    wait_until(lambda: len(daraja.errors) == 1, message="the one result to be lost")
    assert daraja.errors[0].startswith("B2C result failed") and lost_sent.results_sent == 1
    daraja.errors.clear()  # expected: nobody was listening

    with flash_server(settings, daraja, live_port, tmp_path / "second", SECOND_LIFE) as second:
        with api(second) as client:
            held = {"available": FUNDED - 50_000, "pending": 0, "paid_out": 0}
            assert totals(client, creator) == held
            for phone, amount, key in (late, lost):
                replay = withdraw(client, creator, amount, key, phone)
                assert replay.status_code == 409, replay.text  # its first request's to end
                assert replay.json()["error"]["code"] == "request_in_progress"
            too_much = withdraw(client, creator, FUNDED - 50_000 + 100, "payout-3", LATE_RESULT)
            assert too_much.status_code == 409, too_much.text
            assert too_much.json()["error"]["code"] == "insufficient_balance"
            assert totals(client, creator) == held
            daraja.deliver_result(late_sent.conversation_id)
            age(settings, PayoutRow, lost_id, GRACE_PASSED)  # only then may it have arrived
            for payout_id in (late_id, lost_id):
                done = wait_for_status(client, creator, payout_id, of="payouts")
                assert done["status"] == "succeeded", done
            paid = {"available": FUNDED - 50_000, "pending": 0, "paid_out": 50_000}
            assert totals(client, creator) == paid
            for (phone, amount, key), payout_id in zip(
                (late, lost), (late_id, lost_id), strict=True
            ):
                replay = withdraw(client, creator, amount, key, phone)
                assert replay.status_code == 201, replay.text
                assert (replay.json()["id"], replay.json()["status"]) == (payout_id, "succeeded")
    assert daraja.b2c_requests == 2 and len(daraja.b2c_payments) == 2
    assert daraja.status_queries >= 1 and late_sent.results_sent == 1
    entries = query(
        settings.resolved_database_url,
        "SELECT kind, idempotency_key FROM ledger_entries "
        "WHERE idempotency_key LIKE 'payout:%' OR idempotency_key LIKE 'mpesa-b2c:%'",
    )
    assert sorted((str(kind), str(key)) for kind, key in entries) == sorted(
        [
            *[("payout_hold", f"payout:{payout_id}:hold") for payout_id in (late_id, lost_id)],
            *[
                (kind, f"mpesa-b2c:{sent.conversation_id}{suffix}")
                for sent in (late_sent, lost_sent)
                for kind, suffix in (("payout", ""), ("disbursement", ":disbursed"))
            ],
        ]
    )
    assert_ledger_verify_ok(settings)
