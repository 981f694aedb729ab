"""`flash-server ledger verify` as a child process, on a good ledger and on tampered ones."""

from pathlib import Path

import pytest

from server.config import Settings
from tests.support.payments import (
    bearer,
    ledger_verify,
    pay,
    query,
    register,
    serve_money_app,
    tip,
    wait_for_status,
)


@pytest.fixture
def paid(settings: Settings) -> str:
    """A database with three succeeded tips, one cancelled, one pending: answer its URL."""
    settings.mpesa_sandbox_delay_s = 0
    with serve_money_app(settings) as server, server.client() as client:
        creator_id, _ = register(client)
        _, fan = register(client, role="fan")
        for amount, phone in (
            (10_000, "+254712340010"),
            (25_500, "+254712340020"),
            (10**6, "+254712340030"),
        ):
            payment = pay(client, fan, tip(creator_id, amount=amount, phone=phone)).json()
            assert wait_for_status(client, fan, payment["id"])["status"] == "succeeded"
        cancelled = pay(client, fan, tip(creator_id, phone="+254712340001")).json()
        assert wait_for_status(client, fan, cancelled["id"])["status"] == "cancelled"
        # The sandbox loses this callback, and the sweeper would only look in a minute.
        pending = pay(client, fan, tip(creator_id, phone="+254712340005")).json()
        assert (
            client.get(f"/payments/{pending['id']}", headers=bearer(fan)).json()["status"]
            == "pending"
        )
    return settings.resolved_database_url


def test_a_good_ledger_passes(paid: str, tmp_path: Path) -> None:
    status, output = ledger_verify(paid, str(tmp_path))
    assert status == 0, output
    assert "ledger: " in output and "6 entries" in output
    assert "FAIL" not in output and output.strip().endswith("ledger verify: OK")
    assert "every succeeded payment (3) has exactly its entries" in output


def test_an_empty_ledger_passes(database_url: str, tmp_path: Path) -> None:
    status, output = ledger_verify(database_url, str(tmp_path))
    assert status == 0, output
    assert "0 accounts, 0 entries, 0 postings" in output


def first_entry(url: str, kind: str) -> tuple[str, str]:
    """(entry id, one of its account ids)."""
    rows = query(
        url,
        "SELECT e.id, p.account_id FROM ledger_entries e "
        "JOIN ledger_postings p ON p.entry_id = e.id WHERE e.kind = :kind ORDER BY e.id, p.id",
        kind=kind,
    )
    return rows[0][0], rows[0][1]


def test_an_extra_posting_breaks_the_zero_sum(paid: str, tmp_path: Path) -> None:
    entry_id, account_id = first_entry(paid, "settlement")
    query(
        paid,
        "INSERT INTO ledger_postings (entry_id, account_id, currency, amount) "
        "VALUES (:e, :a, 'KES', 100)",
        e=entry_id,
        a=account_id,
    )
    status, output = ledger_verify(paid, str(tmp_path))
    assert status == 1, output
    assert "FAIL every entry sums to zero per currency" in output and entry_id in output
    assert "FAIL every stored balance equals the sum of its postings" in output
    assert "FAILED" in output


def test_a_changed_posting_is_caught_even_past_the_triggers(
    paid: str, tmp_path: Path, settings: Settings
) -> None:
    entry_id, _ = first_entry(paid, "capture")
    if paid.startswith("sqlite"):
        query(paid, "DROP TRIGGER ledger_postings_no_update")
    else:
        query(paid, "ALTER TABLE ledger_postings DISABLE TRIGGER ledger_postings_immutable")
    query(
        paid,
        "UPDATE ledger_postings SET amount = amount * 2 WHERE entry_id = :e AND amount > 0",
        e=entry_id,
    )
    status, output = ledger_verify(paid, str(tmp_path))
    assert status == 1, output
    assert "FAIL every entry sums to zero per currency" in output
    assert "FAIL every succeeded payment (3) has exactly its entries" in output


def test_a_tampered_balance_is_caught(paid: str, tmp_path: Path) -> None:
    query(paid, "UPDATE ledger_accounts SET balance = balance + 1 WHERE code = 'platform:fees'")
    status, output = ledger_verify(paid, str(tmp_path))
    assert status == 1, output
    assert "FAIL every stored balance equals the sum of its postings" in output
    assert "platform:fees KES" in output


def test_a_changed_payment_amount_no_longer_matches_its_entries(paid: str, tmp_path: Path) -> None:
    query(paid, "UPDATE payments SET amount = amount + 100, fee = fee WHERE status = 'succeeded'")
    status, output = ledger_verify(paid, str(tmp_path))
    assert status == 1, output
    assert "FAIL every succeeded payment (3) has exactly its entries" in output


def test_money_for_a_payment_that_did_not_succeed_is_caught(paid: str, tmp_path: Path) -> None:
    query(paid, "UPDATE payments SET status = 'failed' WHERE amount = 10000")
    status, output = ledger_verify(paid, str(tmp_path))
    assert status == 1, output
    assert "FAIL no payment entry without a succeeded payment" in output


def test_a_negative_creator_and_an_uncleared_provider_are_caught(paid: str, tmp_path: Path) -> None:
    creator = query(paid, "SELECT id FROM ledger_accounts WHERE code LIKE :c", c="creator:%")[0][0]
    clearing = query(paid, "SELECT id FROM ledger_accounts WHERE code = 'clearing:mpesa'")[0][0]
    query(
        paid,
        "INSERT INTO ledger_entries (id, idempotency_key, kind, created_at) "
        "VALUES ('forged', 'forged', 'payout', CURRENT_TIMESTAMP)",
    )
    for account, amount in ((creator, -(10**9)), (clearing, 10**9)):
        query(
            paid,
            "INSERT INTO ledger_postings (entry_id, account_id, currency, amount) "
            "VALUES ('forged', :a, 'KES', :n)",
            a=account,
            n=amount,
        )
        query(
            paid,
            "UPDATE ledger_accounts SET balance = balance + :n WHERE id = :a",
            a=account,
            n=amount,
        )
    status, output = ledger_verify(paid, str(tmp_path))
    assert status == 1, output
    assert "FAIL no creator's available balance is negative" in output
    assert "FAIL every provider clearing account is back to zero" in output
    assert "ok   every entry sums to zero per currency" in output


def test_an_unreadable_database_exits_2(tmp_path: Path) -> None:
    status, output = ledger_verify("postgresql://nobody@127.0.0.1:9/none", str(tmp_path))
    assert status == 2, output
    assert "cannot read the ledger" in output
