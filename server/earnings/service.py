"""Earnings rules: what a creator earned in a window, and every change since a cursor."""

import base64
from datetime import UTC, datetime

from server.contract.earnings import (
    CurrencyTotals,
    EarningsSummary,
    EarningsTransaction,
    EarningsTransactions,
    MethodTotals,
    StreamTotals,
)
from server.contract.payments import PaymentKind, PaymentMethod, PaymentStatus
from server.earnings.repository import EarningsRepository
from server.errors import InvalidInput

CURSOR_PREFIX = "v1:"


async def summary(
    repo: EarningsRepository, creator_id: str, start: datetime | None, end: datetime | None
) -> EarningsSummary:
    """Gross, fees, net and paid_out are for the window (by when the money settled);
    available and pending are the balances now, whatever the window."""
    start, end = _utc(start), _utc(end)
    if start is not None and end is not None and start >= end:
        raise InvalidInput(
            "from must be before to", code="invalid_window", details={"field": "from"}
        )
    groups = await repo.settled(creator_id, start, end)
    available = await repo.available(creator_id)
    pending = await repo.pending_net(creator_id)
    paid_out = await repo.paid_out(creator_id, start, end)

    totals: dict[str, dict[str, int]] = {}
    by_method: dict[tuple[str, str], list[int]] = {}
    by_stream: dict[tuple[str, str], list[int]] = {}
    for group in groups:
        gross = group.fees + group.net
        slot = totals.setdefault(group.currency, {"gross": 0, "fees": 0, "net": 0})
        slot["gross"] += gross
        slot["fees"] += group.fees
        slot["net"] += group.net
        _add(by_method, (group.method, group.currency), gross, group.net, group.count)
        if group.stream_id is not None:
            _add(by_stream, (group.stream_id, group.currency), gross, group.net, group.count)

    currencies = sorted(set(totals) | set(available) | set(pending) | set(paid_out))
    titles = await repo.stream_titles(sorted({stream_id for stream_id, _ in by_stream}))
    return EarningsSummary(
        totals=[
            CurrencyTotals(
                currency=currency,
                gross=totals.get(currency, {}).get("gross", 0),
                fees=totals.get(currency, {}).get("fees", 0),
                net=totals.get(currency, {}).get("net", 0),
                available=available.get(currency, 0),
                pending=pending.get(currency, 0),
                paid_out=paid_out.get(currency, 0),
            )
            for currency in currencies
        ],
        by_method=[
            MethodTotals(method=PaymentMethod(method), currency=currency, gross=g, net=n, count=c)
            for (method, currency), (g, n, c) in sorted(by_method.items())
        ],
        by_stream=[
            StreamTotals(
                stream_id=stream_id,
                title=titles.get(stream_id),
                currency=currency,
                gross=g,
                net=n,
                count=c,
            )
            for (stream_id, currency), (g, n, c) in sorted(by_stream.items())
        ],
    )


async def transactions(
    repo: EarningsRepository, creator_id: str, cursor: str | None, limit: int
) -> EarningsTransactions:
    """Payments to the creator in the order they last changed, after the cursor.

    A payment comes back again each time its status changes, with a later position,
    so a client that keeps `next_cursor` misses no change.
    """
    after = decode_cursor(cursor)
    rows = await repo.changes_after(creator_id, after, limit)
    items = [
        EarningsTransaction(
            id=row.id,
            kind=PaymentKind(row.kind),
            method=PaymentMethod(row.method),
            status=PaymentStatus(row.status),
            amount=row.amount,
            currency=row.currency,
            fee=row.fee,
            net=row.amount - row.fee,
            stream_id=row.stream_id,
            payer_name=row.payer_name,
            message=row.message,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
        for row in rows
    ]
    last = rows[-1].change_seq if rows else after
    return EarningsTransactions(items=items, next_cursor=encode_cursor(last))


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(text)
        seq = int(text.removeprefix(CURSOR_PREFIX))
        if seq < 0:
            raise ValueError(text)
    except ValueError:
        raise InvalidInput(
            "cursor is not one this server gave out",
            code="invalid_cursor",
            details={"field": "cursor"},
        ) from None
    return seq


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _add(
    table: dict[tuple[str, str], list[int]], key: tuple[str, str], gross: int, net: int, count: int
) -> None:
    slot = table.setdefault(key, [0, 0, 0])
    slot[0] += gross
    slot[1] += net
    slot[2] += count
