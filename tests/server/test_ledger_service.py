"""The ledger on a real database: zero-sum entries, one posting per key, no edits, no overdraft."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from server.contract.money import CURRENCY_EXPONENTS, platform_fee
from server.db import Database
from server.ledger.accounts import PAYER_EXTERNAL, PLATFORM_FEES, clearing, creator_available
from server.ledger.entries import EntryDraft, EntryKind, LedgerInvariantError, Posting
from server.ledger.models import LedgerEntryRow, LedgerPostingRow
from server.ledger.service import InsufficientBalance, Ledger

CREATOR = creator_available("c1")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


def tip_entries(key: str, amount: int, fee: int, currency: str = "KES") -> tuple[EntryDraft, ...]:
    return (
        EntryDraft(
            key=f"{key}:capture",
            kind=EntryKind.CAPTURE,
            postings=(
                Posting(PAYER_EXTERNAL, currency, -amount),
                Posting(clearing("mpesa"), currency, amount),
            ),
        ),
        EntryDraft(
            key=f"{key}:settlement",
            kind=EntryKind.SETTLEMENT,
            postings=(
                Posting(clearing("mpesa"), currency, -amount),
                Posting(PLATFORM_FEES, currency, fee),
                Posting(CREATOR, currency, amount - fee),
            ),
        ),
    )


async def counts(database: Database) -> tuple[int, int]:
    async with database.session() as session:
        entries = (
            await session.execute(select(func.count()).select_from(LedgerEntryRow))
        ).scalar_one()
        postings = (
            await session.execute(select(func.count()).select_from(LedgerPostingRow))
        ).scalar_one()
    return int(entries), int(postings)


async def test_a_tip_moves_money_and_balances(database: Database) -> None:
    async with database.session() as session:
        posted = await Ledger(session).post(*tip_entries("t1", 10_000, 1_000))
    assert [p.created for p in posted] == [True, True]
    async with database.session() as session:
        ledger = Ledger(session)
        assert await ledger.balance(PAYER_EXTERNAL, "KES") == -10_000
        assert await ledger.balance(clearing("mpesa"), "KES") == 0
        assert await ledger.balance(PLATFORM_FEES, "KES") == 1_000
        assert await ledger.balance(CREATOR, "KES") == 9_000
        assert await ledger.balance(CREATOR, "XOF") == 0


@pytest.mark.parametrize(
    "postings",
    [
        (Posting("a", "KES", 100), Posting("b", "KES", -99)),  # does not sum to zero
        (Posting("a", "KES", 100), Posting("b", "XOF", -100)),  # two currencies
        (Posting("a", "KES", 0), Posting("b", "KES", 0)),  # moves nothing
        (Posting("a", "KES", 100), Posting("a", "KES", -100)),  # nets out on one account
        (Posting("a", "ABC", 100), Posting("b", "ABC", -100)),  # unknown currency
        (Posting("a", "KES", 100.0), Posting("b", "KES", -100.0)),  # type: ignore[arg-type]
    ],
)
async def test_an_unbalanced_entry_is_refused_and_writes_nothing(
    database: Database, postings: tuple[Posting, ...]
) -> None:
    with pytest.raises(LedgerInvariantError):
        async with database.session() as session:
            await Ledger(session).post(EntryDraft("bad", EntryKind.CAPTURE, postings))
    assert await counts(database) == (0, 0)


async def test_the_same_key_twice_is_a_no_op_answering_the_first_entry(database: Database) -> None:
    async with database.session() as session:
        first = await Ledger(session).post(*tip_entries("t1", 10_000, 1_000))
    async with database.session() as session:
        again = await Ledger(session).post(*tip_entries("t1", 10_000, 1_000))
    assert [e.id for e in again] == [e.id for e in first]
    assert [e.created for e in again] == [False, False]
    assert await counts(database) == (2, 5)
    async with database.session() as session:
        assert await Ledger(session).balance(CREATOR, "KES") == 9_000


async def test_the_same_key_with_other_postings_is_refused(database: Database) -> None:
    async with database.session() as session:
        await Ledger(session).post(*tip_entries("t1", 10_000, 1_000))
    with pytest.raises(LedgerInvariantError, match="different postings"):
        async with database.session() as session:
            await Ledger(session).post(*tip_entries("t1", 20_000, 2_000))
    async with database.session() as session:
        assert await Ledger(session).balance(CREATOR, "KES") == 9_000


async def test_entries_and_postings_cannot_be_updated_or_deleted(database: Database) -> None:
    async with database.session() as session:
        await Ledger(session).post(*tip_entries("t1", 10_000, 1_000))
    for statement in (
        "UPDATE ledger_postings SET amount = amount + 1",
        "DELETE FROM ledger_postings",
        "UPDATE ledger_entries SET kind = 'payout'",
        "DELETE FROM ledger_entries",
    ):
        with pytest.raises(DBAPIError, match="immutable"):
            async with database.session() as session:
                await session.execute(text(statement))
    assert await counts(database) == (2, 5)


async def test_a_reversal_undoes_an_entry_once(database: Database) -> None:
    async with database.session() as session:
        _capture, settlement = await Ledger(session).post(*tip_entries("t1", 10_000, 1_000))
    async with database.session() as session:
        reversal = await Ledger(session).reverse(settlement.id)
    async with database.session() as session:
        again = await Ledger(session).reverse(settlement.id)
    assert again.id == reversal.id and not again.created
    assert sorted(p.amount for p in reversal.postings) == sorted(
        -p.amount for p in settlement.postings
    )
    async with database.session() as session:
        ledger = Ledger(session)
        assert await ledger.balance(CREATOR, "KES") == 0
        assert await ledger.balance(PLATFORM_FEES, "KES") == 0
        assert await ledger.balance(clearing("mpesa"), "KES") == 10_000


async def test_a_creator_balance_never_goes_negative(database: Database) -> None:
    async with database.session() as session:
        await Ledger(session).post(*tip_entries("t1", 10_000, 1_000))
    overdraft = EntryDraft(
        "payout:1",
        EntryKind.PAYOUT,
        (Posting(CREATOR, "KES", -9_001), Posting(clearing("mpesa"), "KES", 9_001)),
    )
    with pytest.raises(InsufficientBalance):
        async with database.session() as session:
            await Ledger(session).post(overdraft)
    exact = EntryDraft(
        "payout:2",
        EntryKind.PAYOUT,
        (Posting(CREATOR, "KES", -9_000), Posting(clearing("mpesa"), "KES", 9_000)),
    )
    async with database.session() as session:
        await Ledger(session).post(exact)
        assert await Ledger(session).balance(CREATOR, "KES") == 0
    assert await counts(database) == (3, 7)


FEE_RATES = (0, 1, 250, 333, 1000, 1250, 9999, 10000)


def test_fee_and_net_always_add_up_to_the_amount() -> None:
    for bps in FEE_RATES:
        for amount in [*range(0, 2_000), 10**9 + 7, 10**12]:
            fee = platform_fee(amount, bps)
            net = amount - fee
            assert fee + net == amount and 0 <= fee <= amount and net >= 0
            assert fee * 10_000 <= amount * bps < (fee + 1) * 10_000  # the floor, exactly


async def test_many_tips_in_every_currency_leave_exact_balances(database: Database) -> None:
    expected: dict[str, tuple[int, int]] = {}
    async with database.session() as session:
        ledger = Ledger(session)
        for currency in CURRENCY_EXPONENTS:
            fees = nets = 0
            for i, amount in enumerate((1, 7, 99, 101, 333, 1_001, 12_345, 99_999)):
                fee = platform_fee(amount, FEE_RATES[i % len(FEE_RATES)])
                await ledger.post(*tip_entries(f"{currency}:{i}", amount, fee, currency))
                fees, nets = fees + fee, nets + amount - fee
            expected[currency] = (fees, nets)
    async with database.session() as session:
        ledger = Ledger(session)
        for currency, (fees, nets) in expected.items():
            assert await ledger.balance(PLATFORM_FEES, currency) == fees
            assert await ledger.balance(CREATOR, currency) == nets
            assert await ledger.balance(clearing("mpesa"), currency) == 0
            assert await ledger.balance(PAYER_EXTERNAL, currency) == -(fees + nets)
