"""The earnings cache on its own: upserts by id, cursor saved with its page, per-account files."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from server.contract.earnings import CurrencyTotals, EarningsSummary, EarningsTransaction
from server.contract.payments import PaymentKind, PaymentMethod, PaymentStatus
from studio.core.earnings_cache import (
    DayTotal,
    EarningsCache,
    PageKey,
    TransactionFilter,
    cache_path,
)

START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def payment(
    number: int,
    status: PaymentStatus = PaymentStatus.PENDING,
    *,
    currency: str = "KES",
    changed: timedelta = timedelta(0),
) -> EarningsTransaction:
    created = START + timedelta(minutes=number)
    return EarningsTransaction(
        id=f"pay_{number:06d}",
        kind=PaymentKind.TIP,
        method=PaymentMethod.MPESA,
        status=status,
        amount=50_000,
        currency=currency,
        fee=5_000,
        net=45_000,
        stream_id=None,
        payer_name=f"Fan {number}",
        message="Asante!",
        created_at=created,
        updated_at=created + changed,
    )


@pytest.fixture
async def cache(tmp_path: Path) -> AsyncIterator[EarningsCache]:
    opened = EarningsCache(cache_path(tmp_path, "bundled", "acct_1"))
    await opened.open()
    yield opened
    await opened.close()


async def test_a_status_change_replaces_the_row(cache: EarningsCache) -> None:
    await cache.apply_page([payment(1), payment(2)], "c2")
    later = payment(1, PaymentStatus.SUCCEEDED, changed=timedelta(seconds=3))
    assert await cache.apply_page([later], "c3") == 1

    rows = await cache.page(TransactionFilter(), None, 10)
    assert [(row.id, row.status) for row in rows] == [
        ("pay_000002", "pending"),
        ("pay_000001", "succeeded"),
    ]
    assert await cache.count() == 2
    assert await cache.saved_cursor() == "c3"


async def test_an_older_copy_never_overwrites_a_newer_one(cache: EarningsCache) -> None:
    """A page replayed after an interrupted sync must not undo a later status."""
    newer = payment(1, PaymentStatus.CANCELLED, changed=timedelta(seconds=3))
    await cache.apply_page([newer], "c2")
    await cache.apply_page([payment(1)], "c1")
    (row,) = await cache.page(TransactionFilter(), None, 10)
    assert row.status == "cancelled"


async def test_pages_newest_first_with_filters(cache: EarningsCache) -> None:
    items = [
        payment(
            n,
            PaymentStatus.SUCCEEDED if n % 2 else PaymentStatus.CANCELLED,
            currency="XOF" if n % 3 == 0 else "KES",
        )
        for n in range(1, 11)
    ]
    await cache.apply_page(items, "c10")
    first = await cache.page(TransactionFilter(), None, 4)
    assert [row.id for row in first] == [f"pay_{n:06d}" for n in (10, 9, 8, 7)]
    after = PageKey(first[-1].created_at, first[-1].id)
    second = await cache.page(TransactionFilter(), after, 4)
    assert [row.id for row in second] == [f"pay_{n:06d}" for n in (6, 5, 4, 3)]

    cancelled_xof = await cache.page(TransactionFilter("cancelled", "XOF"), None, 10)
    assert [row.id for row in cancelled_xof] == ["pay_000006"]
    assert await cache.currencies() == ["KES", "XOF"]


async def test_summary_is_kept_with_its_fetch_time(cache: EarningsCache) -> None:
    assert await cache.summary() is None
    summary = EarningsSummary(
        totals=[
            CurrencyTotals(
                currency="XOF",
                gross=12_500,
                fees=1_250,
                net=11_250,
                available=11_250,
                pending=0,
                paid_out=0,
            )
        ],
        by_method=[],
        by_stream=[],
    )
    await cache.save_summary(summary, START)
    kept = await cache.summary()
    assert kept is not None and kept.summary == summary and kept.fetched_at == START


async def test_each_account_has_its_own_file_and_no_secrets(tmp_path: Path) -> None:
    awa = cache_path(tmp_path, "bundled", "acct_awa")
    kofi = cache_path(tmp_path, "bundled", "acct_kofi")
    elsewhere = cache_path(tmp_path, "https://flash.example", "acct_awa")
    assert len({awa, kofi, elsewhere}) == 3
    assert "acct_awa" not in str(awa) and "flash.example" not in str(elsewhere)

    first = EarningsCache(awa)
    await first.open()
    await first.apply_page([payment(1)], "c1")
    await first.close()
    second = EarningsCache(kofi)
    await second.open()
    assert await second.count() == 0 and await second.saved_cursor() is None
    await second.close()
    text = awa.read_bytes()
    assert b"Bearer" not in text and b"token" not in text.lower()


async def test_search_matches_payer_message_and_named_codes_literally(
    cache: EarningsCache,
) -> None:
    items = [payment(n, PaymentStatus.SUCCEEDED) for n in range(1, 5)]
    items[0] = items[0].model_copy(update={"payer_name": "Aïcha", "message": "50% off_promo"})
    items[1] = items[1].model_copy(update={"payer_name": "Otieno", "message": "5000 off"})
    items[2] = items[2].model_copy(
        update={"method": PaymentMethod.ORANGE_MONEY, "message": None, "kind": PaymentKind.TICKET}
    )
    await cache.apply_page(items, "c4")

    async def ids(where: TransactionFilter) -> list[str]:
        return [row.id for row in await cache.page(where, None, 10)]

    assert await ids(TransactionFilter(search="50%")) == ["pay_000001"]  # not "5000"
    assert await ids(TransactionFilter(search="f_p")) == ["pay_000001"]
    assert await ids(TransactionFilter(search="0_o")) == []  # "_" is no wildcard ("5000 off")
    assert await ids(TransactionFilter(search="OTIENO")) == ["pay_000002"]
    assert await ids(TransactionFilter(search="asante")) == ["pay_000004"]
    named = TransactionFilter(search="orange", search_methods=("orange_money",))
    assert await ids(named) == ["pay_000003"]
    tickets = TransactionFilter(search="billet", search_kinds=("ticket",))
    assert await ids(tickets) == ["pay_000003"]
    assert await ids(TransactionFilter(search="nobody")) == []
    both = TransactionFilter(status="succeeded", currency="KES", search="fan")
    assert await ids(both) == ["pay_000004", "pay_000003"]


async def test_daily_net_counts_succeeded_payments_per_local_day(cache: EarningsCache) -> None:
    nairobi = timezone(timedelta(hours=3))

    def at(moment: datetime, status: PaymentStatus, net: int, currency: str = "KES") -> object:
        number = int(moment.timestamp()) % 1_000_000
        item = payment(number, status, currency=currency)
        return item.model_copy(update={"created_at": moment, "updated_at": moment, "net": net})

    rows = [
        at(datetime(2026, 11, 1, 20, 59, tzinfo=UTC), PaymentStatus.SUCCEEDED, 45_000),  # 23:59
        at(datetime(2026, 11, 1, 21, 0, tzinfo=UTC), PaymentStatus.SUCCEEDED, 9_000),  # 2 Nov
        at(datetime(2026, 11, 1, 22, 30, tzinfo=UTC), PaymentStatus.SUCCEEDED, 1_000),
        at(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), PaymentStatus.CANCELLED, 70_000),
        at(datetime(2026, 11, 2, 9, 0, 1, tzinfo=UTC), PaymentStatus.SUCCEEDED, 11_250, "XOF"),
        at(datetime(2026, 10, 31, 20, 0, tzinfo=UTC), PaymentStatus.SUCCEEDED, 5),  # before
        at(datetime(2026, 11, 3, 21, 0, tzinfo=UTC), PaymentStatus.SUCCEEDED, 7),  # 4 Nov: after
    ]
    await cache.apply_page(rows, "c7")  # type: ignore[arg-type]

    kes = await cache.daily_net("KES", date(2026, 11, 1), date(2026, 11, 3), nairobi)
    assert kes == {date(2026, 11, 1): DayTotal(45_000, 1), date(2026, 11, 2): DayTotal(10_000, 2)}
    xof = await cache.daily_net("XOF", date(2026, 11, 1), date(2026, 11, 3), nairobi)
    assert xof == {date(2026, 11, 2): DayTotal(11_250, 1)}
    utc = await cache.daily_net("KES", date(2026, 11, 1), date(2026, 11, 3), UTC)
    assert utc == {date(2026, 11, 1): DayTotal(55_000, 3), date(2026, 11, 3): DayTotal(7, 1)}
