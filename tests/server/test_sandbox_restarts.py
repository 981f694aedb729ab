"""The sandboxes keep their payouts and payments across a server restart, as the providers
they stand in for do: a payout (or payment) pending when the server stops, its callback
lost with the process, still ends once after the restart, by the sweeper's status query,
and `flash-server ledger verify` stays green. SQLite and PostgreSQL.

Each story runs the real app in-process, stops it and serves it again on the same
`FLASH_DATA_DIR` and database. A long sandbox delay before the stop keeps the callback
from coming; a short one after it makes the outcome due at once.
"""

from pathlib import Path
from typing import Any

import httpx

from server.config import Settings
from server.providers.mtn_momo import momo_reference_id
from server.providers.mtn_momo_disbursement import DISBURSEMENT, Transfer
from server.providers.mtn_momo_disbursement_sandbox import SandboxMomoDisbursement
from server.providers.sandbox_journal import SandboxJournal
from tests.server import test_payouts as mpesa_payouts
from tests.server import test_payouts_momo as momo_payouts
from tests.server.test_payments_orange import (
    answer_page,
    open_sandbox_page,
    orange_tip,
    people,
)
from tests.support.payments import (
    entries_of,
    ledger_verify,
    pay,
    query,
    register,
    serve_money_app,
    tip,
    wait_for_status,
)

NEVER_S = 3_600.0  # a callback that cannot come before the server stops
SWEEPER = {"payout_query_after_s": 0.2, "payment_query_after_s": 0, "payment_sweep_interval_s": 0.1}


def sandboxed(settings: Settings, **overrides: Any) -> Settings:
    return settings.model_copy(update={**SWEEPER, **overrides})


def assert_verify_green(settings: Settings) -> None:
    mpesa_payouts.assert_ledger_ok(settings)
    status, output = ledger_verify(settings.resolved_database_url, str(settings.data_dir))
    assert status == 0, output


def payout_entries(settings: Settings, payout_id: str) -> list[str]:
    rows = query(
        settings.resolved_database_url,
        "SELECT e.kind FROM ledger_entries e JOIN payouts p "
        "ON e.idempotency_key LIKE '%' || p.conversation_id || '%' "
        "OR e.idempotency_key LIKE 'payout:' || p.id || ':%' "
        "WHERE p.id = :p ORDER BY e.kind",
        p=payout_id,
    )
    return [str(kind) for (kind,) in rows]


# --- the journal ---------------------------------------------------------------------


def test_the_journal_reads_back_what_it_wrote_and_skips_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.jsonl"
    journal = SandboxJournal(path)
    journal.append({"id": "a", "n": 1})
    with path.open("a", encoding="utf-8") as file:
        file.write('{"id": "b", "n"')  # the process died mid-line
    reopened = SandboxJournal(path)
    assert reopened.read() == [{"id": "a", "n": 1}]
    reopened.append({"id": "c", "n": 3})
    assert SandboxJournal(path).read() == [{"id": "a", "n": 1}, {"id": "c", "n": 3}]
    assert SandboxJournal(None).read() == [] and SandboxJournal(tmp_path / "none").read() == []


async def test_the_momo_disbursement_sandbox_answers_after_a_restart(tmp_path: Path) -> None:
    store, now = tmp_path / "momo-disbursement-sandbox.jsonl", [1_000.0]
    reference = momo_reference_id(DISBURSEMENT, "po-1")
    transfer = Transfer(
        reference_id=reference,
        amount="200",
        currency="EUR",
        external_id="po-1",
        payee_msisdn="256772340002",
        payer_message="payout",
        payee_note="payout po-1",
        callback_url="http://127.0.0.1:9/callback/secret-token",
    )
    sandbox = SandboxMomoDisbursement(store=store, delay_s=2.0, clock=lambda: now[0])
    await sandbox.transfer(transfer)
    await sandbox.transfer(transfer)  # a retry under the same reference: no new one
    await sandbox.aclose()
    assert len(store.read_text().splitlines()) == 1 and "secret-token" not in store.read_text()
    now[0] += 2.5
    restarted = SandboxMomoDisbursement(store=store, delay_s=2.0, clock=lambda: now[0])
    answer = await restarted.transfer_status(reference)
    assert (answer.status, answer.reason, answer.amount) == ("FAILED", "NOT_ENOUGH_FUNDS", "200")
    await restarted.aclose()


# --- end to end ----------------------------------------------------------------------


def test_an_mpesa_payout_pending_at_a_restart_settles_once(settings: Settings) -> None:
    with serve_money_app(sandboxed(settings)) as server, server.client() as client:
        creator_id, creator = register(client)
        _, fan = register(client, role="fan")
        paid = pay(client, fan, tip(creator_id, amount=100_000))
        assert wait_for_status(client, fan, paid.json()["id"])["status"] == "succeeded"
    slow = sandboxed(settings, mpesa_sandbox_delay_s=NEVER_S)
    with serve_money_app(slow) as server, server.client() as client:
        ok = mpesa_payouts.withdraw(client, creator, 20_000).json()
        refused = mpesa_payouts.withdraw(client, creator, 20_000, phone="+254712340001").json()
        assert (ok["status"], refused["status"]) == ("pending", "pending")
        held = mpesa_payouts.totals(client, creator)
    assert held == {"available": 50_000, "pending": 0, "paid_out": 0}
    assert len((settings.data_dir / "mpesa-b2c-sandbox.jsonl").read_text().splitlines()) == 2
    quick = sandboxed(settings, mpesa_sandbox_delay_s=0.05)
    with serve_money_app(quick) as server, server.client() as client:
        done = mpesa_payouts.wait_for_payout(client, creator, ok["id"])
        failed = mpesa_payouts.wait_for_payout(client, creator, refused["id"])
        settled = mpesa_payouts.totals(client, creator)
    assert done["status"] == "succeeded"
    assert failed["failure_reason"]["code"] == "recipient_unregistered"
    assert settled == {"available": 70_000, "pending": 0, "paid_out": 20_000}
    assert payout_entries(settings, ok["id"]) == ["disbursement", "payout", "payout_hold"]
    assert payout_entries(settings, refused["id"]) == ["payout_hold", "reversal"]
    assert_verify_green(settings)


def test_a_momo_payout_pending_at_a_restart_settles_once(settings: Settings) -> None:
    with serve_money_app(sandboxed(settings, momo_sandbox_delay_s=0.05)) as server:
        with server.client() as client:
            _, creator = momo_payouts.fund(client)
    slow = sandboxed(settings, momo_sandbox_delay_s=NEVER_S)
    with serve_money_app(slow) as server, server.client() as client:
        ok = momo_payouts.withdraw(client, creator, 20_000).json()
        refused = momo_payouts.withdraw(client, creator, 20_000, phone="+256772340003").json()
        assert (ok["status"], refused["status"]) == ("pending", "pending")
    assert (
        len((settings.data_dir / "momo-disbursement-sandbox.jsonl").read_text().splitlines()) == 2
    )
    quick = sandboxed(settings, momo_sandbox_delay_s=0.05)
    with serve_money_app(quick) as server, server.client() as client:
        done = momo_payouts.wait_for_payout(client, creator, ok["id"])
        failed = momo_payouts.wait_for_payout(client, creator, refused["id"])
        settled = momo_payouts.totals(client, creator)
    assert done["status"] == "succeeded"
    assert failed["failure_reason"]["code"] == "recipient_unregistered"
    assert settled == {"available": 70_000, "pending": 0, "paid_out": 20_000}
    assert payout_entries(settings, ok["id"]) == ["disbursement", "payout", "payout_hold"]
    assert payout_entries(settings, refused["id"]) == ["payout_hold", "reversal"]
    assert_verify_green(settings)


def test_an_orange_payment_pending_at_a_restart_still_completes(settings: Settings) -> None:
    slow = sandboxed(settings, orange_sandbox_delay_s=NEVER_S)
    with serve_money_app(slow) as server, people(server) as (client, creator_id, fan):
        answered, answered_token = open_sandbox_page(client, fan, orange_tip(creator_id))
        reply = answer_page(server, answered, answered_token, phone="+2250700000000", action="pay")
        assert reply.status_code == 200
        unanswered, unanswered_token = open_sandbox_page(client, fan, orange_tip(creator_id))
    quick = sandboxed(settings, orange_sandbox_delay_s=0.05)
    with serve_money_app(quick) as server, server.client() as client:
        assert wait_for_status(client, fan, answered)["status"] == "succeeded"  # by the sweeper
        page = httpx.get(
            f"{server.url}/pay/{unanswered}/sandbox-orange?pay_token={unanswered_token}"
        )
        assert page.status_code == 200  # the page opened before the restart still answers
        reply = answer_page(
            server, unanswered, unanswered_token, phone="+2250700000002", action="pay"
        )
        assert reply.status_code == 200
        failed = wait_for_status(client, fan, unanswered)
    assert failed["status"] == "failed"
    assert len(entries_of(settings, answered)) == 2 and entries_of(settings, unanswered) == []
    assert_verify_green(settings)
