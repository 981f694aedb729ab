"""One account's earnings on this computer: the transactions feed, its cursor, the last summary.

A SQLite file per account (see `cache_path`), so signing in as someone else can
never show the previous account's money, and the studio opens with the last
known figures when there is no network at all. Nothing secret is stored: no
token, no phone number, only what the earnings endpoints answer.

Every call runs on one worker thread that owns the connection, never on the UI
thread. Each write is a single function run there inside one transaction, so a
page of items and the cursor that follows it are saved together or not at all,
even when the awaiting task is cancelled half-way (the thread finishes the job).
`sqlite3` is imported when the first account's cache opens, not with the studio.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from server.contract.earnings import EarningsSummary, EarningsTransaction

if TYPE_CHECKING:
    import sqlite3

T = TypeVar("T")

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS transactions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    method TEXT NOT NULL,
    status TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    fee INTEGER NOT NULL,
    net INTEGER NOT NULL,
    stream_id TEXT,
    payer_name TEXT NOT NULL,
    message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_newest ON transactions (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS transactions_by_status
    ON transactions (status, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS transactions_by_currency
    ON transactions (currency, created_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    next_cursor TEXT,
    summary TEXT,
    summary_fetched_at TEXT
);
INSERT OR IGNORE INTO sync_state (id) VALUES (1);
"""
COLUMNS = (
    "id, kind, method, status, amount, currency, fee, net, stream_id, payer_name, message, "
    "created_at, updated_at"
)
UPSERT = f"""
INSERT INTO transactions ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    kind = excluded.kind, method = excluded.method, status = excluded.status,
    amount = excluded.amount, currency = excluded.currency, fee = excluded.fee,
    net = excluded.net, stream_id = excluded.stream_id, payer_name = excluded.payer_name,
    message = excluded.message, created_at = excluded.created_at,
    updated_at = excluded.updated_at
WHERE excluded.updated_at >= transactions.updated_at
"""


def stamp(moment: datetime) -> str:
    """UTC, fixed width: the text sorts in time order, so SQLite can page by it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def cache_path(root: Path, server_id: str, account_id: str) -> Path:
    """One file per server and account; hashed so no id or address shows up as a file name."""
    server = hashlib.sha256(server_id.encode()).hexdigest()[:16]
    account = hashlib.sha256(account_id.encode()).hexdigest()[:24]
    return root / server / f"{account}.sqlite3"


class CachedTransaction(NamedTuple):
    """One row as stored: a light tuple, so a page of hundreds costs next to nothing."""

    id: str
    kind: str
    method: str
    status: str
    amount: int
    currency: str
    fee: int
    net: int
    stream_id: str | None
    payer_name: str
    message: str | None
    created_at: str
    updated_at: str


class PageKey(NamedTuple):
    """Where the previous page stopped (newest first): its last row's time and id."""

    created_at: str
    id: str


@dataclass(frozen=True)
class TransactionFilter:
    """None means any.

    `search` matches inside the payer's name or the message (case-insensitive for
    ASCII letters, as SQLite's LIKE is); a row whose kind or method code is in
    `search_kinds` / `search_methods` matches too: the UI finds those codes from
    the names the creator reads ("Pourboire", "M-Pesa"), which the cache never stores.
    """

    status: str | None = None
    currency: str | None = None
    search: str | None = None
    search_kinds: tuple[str, ...] = ()
    search_methods: tuple[str, ...] = ()


class DayTotal(NamedTuple):
    """What one local day brought in one currency: settled net and how many payments."""

    net: int
    payments: int


@dataclass(frozen=True)
class CachedSummary:
    summary: EarningsSummary
    fetched_at: datetime


class EarningsCache:
    """The cache file of one account; `open()` before use and `close()` after."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="earnings-cache")

    async def open(self) -> None:
        await self._in_worker(self._open)

    async def close(self) -> None:
        """Close the file; waits for any write in progress, which then completes."""
        await self._in_worker(self._close)
        self._worker.shutdown(wait=False)

    async def saved_cursor(self) -> str | None:
        return await self._call(_read_cursor)

    async def apply_page(self, items: Sequence[EarningsTransaction], next_cursor: str) -> int:
        """Upsert the items (a later change replaces the row) and keep the cursor: one commit.

        Answers how many rows were added or changed.
        """
        rows = [_row(item) for item in items]
        return await self._call(_write_page, rows, next_cursor)

    async def forget_feed(self) -> None:
        """Drop the rows and the cursor, e.g. when the server no longer knows the cursor."""
        await self._call(_clear_feed)

    async def save_summary(self, summary: EarningsSummary, fetched_at: datetime) -> None:
        await self._call(_write_summary, summary.model_dump_json(), stamp(fetched_at))

    async def summary(self) -> CachedSummary | None:
        stored = await self._call(_read_summary)
        if stored is None:
            return None
        text, fetched_at = stored
        return CachedSummary(EarningsSummary.model_validate_json(text), read_stamp(fetched_at))

    async def page(
        self, where: TransactionFilter, after: PageKey | None, limit: int
    ) -> list[CachedTransaction]:
        """Up to `limit` rows, newest first, after `after`: keyset paging, as fast deep as early."""
        return await self._call(_read_page, where, after, limit)

    async def daily_net(
        self, currency: str, first_day: date, last_day: date, zone: tzinfo | None = None
    ) -> dict[date, DayTotal]:
        """Net of the payments that succeeded, per day in `zone` (None: this computer's zone),
        `first_day` to `last_day` included; days with nothing are left out."""
        return await self._call(_read_daily_net, currency, first_day, last_day, zone)

    async def currencies(self) -> list[str]:
        return await self._call(_read_currencies)

    async def count(self) -> int:
        return await self._call(_count)

    async def _in_worker(self, work: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, work, *args)

    async def _call(self, work: Callable[..., T], *args: object) -> T:
        """Run `work(connection, *args)` on the worker thread."""
        return await self._in_worker(self._with_connection, work, args)

    def _with_connection(self, work: Callable[..., T], args: tuple[object, ...]) -> T:
        if self._connection is None:
            raise RuntimeError("the earnings cache is not open")
        return work(self._connection, *args)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        import sqlite3

        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            # A cache from another studio version: it is only a copy, so start again.
            connection.executescript(
                "DROP TABLE IF EXISTS transactions; DROP TABLE IF EXISTS sync_state;"
            )
        connection.executescript(SCHEMA)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._connection = connection

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


def _row(item: EarningsTransaction) -> CachedTransaction:
    return CachedTransaction(
        item.id,
        item.kind.value,
        item.method.value,
        item.status.value,
        item.amount,
        item.currency,
        item.fee,
        item.net,
        item.stream_id,
        item.payer_name,
        item.message,
        stamp(item.created_at),
        stamp(item.updated_at),
    )


def _read_cursor(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT next_cursor FROM sync_state WHERE id = 1").fetchone()
    return None if row is None else row[0]


def _write_page(
    connection: sqlite3.Connection, rows: list[CachedTransaction], next_cursor: str
) -> int:
    before = connection.total_changes
    with _transaction(connection):
        connection.executemany(UPSERT, rows)
        changed = connection.total_changes - before
        connection.execute("UPDATE sync_state SET next_cursor = ? WHERE id = 1", (next_cursor,))
    return changed


def _clear_feed(connection: sqlite3.Connection) -> None:
    with _transaction(connection):
        connection.execute("DELETE FROM transactions")
        connection.execute("UPDATE sync_state SET next_cursor = NULL WHERE id = 1")


def _write_summary(connection: sqlite3.Connection, summary: str, fetched_at: str) -> None:
    with _transaction(connection):
        connection.execute(
            "UPDATE sync_state SET summary = ?, summary_fetched_at = ? WHERE id = 1",
            (summary, fetched_at),
        )


def _read_summary(connection: sqlite3.Connection) -> tuple[str, str] | None:
    row = connection.execute(
        "SELECT summary, summary_fetched_at FROM sync_state WHERE id = 1"
    ).fetchone()
    if row is None or row[0] is None or row[1] is None:
        return None
    return str(row[0]), str(row[1])


def like_pattern(text: str) -> str:
    """`text` anywhere, taken literally: `%` and `_` are data here, not wildcards."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_clause(where: TransactionFilter) -> tuple[str, list[object]]:
    pattern = like_pattern(where.search or "")
    alternatives = ["payer_name LIKE ? ESCAPE '\\'", "message LIKE ? ESCAPE '\\'"]
    params: list[object] = [pattern, pattern]
    for column, codes in (("kind", where.search_kinds), ("method", where.search_methods)):
        if codes:
            alternatives.append(f"{column} IN ({', '.join('?' * len(codes))})")
            params.extend(codes)
    return f"({' OR '.join(alternatives)})", params


def _read_page(
    connection: sqlite3.Connection, where: TransactionFilter, after: PageKey | None, limit: int
) -> list[CachedTransaction]:
    clauses: list[str] = []
    params: list[object] = []
    if where.status is not None:
        clauses.append("status = ?")
        params.append(where.status)
    if where.currency is not None:
        clauses.append("currency = ?")
        params.append(where.currency)
    if where.search:
        clause, search_params = _search_clause(where)
        clauses.append(clause)
        params.extend(search_params)
    if after is not None:
        clauses.append("(created_at, id) < (?, ?)")
        params.extend(after)
    condition = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    query = (
        f"SELECT {COLUMNS} FROM transactions {condition} ORDER BY created_at DESC, id DESC LIMIT ?"
    )
    params.append(limit)
    return [CachedTransaction(*row) for row in connection.execute(query, params)]


def _read_daily_net(
    connection: sqlite3.Connection,
    currency: str,
    first_day: date,
    last_day: date,
    zone: tzinfo | None,
) -> dict[date, DayTotal]:
    """Summed per UTC hour in SQL (a few thousand groups a year at most), then each hour
    is put in its local day here, so daylight saving time needs no arithmetic of ours.
    Exact for every zone whose offset is whole hours, which is all of Africa's."""
    start = _local_midnight(first_day, zone)
    end = _local_midnight(last_day + timedelta(days=1), zone)
    query = """
        SELECT substr(created_at, 1, 13) AS hour, SUM(net), COUNT(*) FROM transactions
        WHERE currency = ? AND status = 'succeeded' AND created_at >= ? AND created_at < ?
        GROUP BY hour
    """
    days: dict[date, DayTotal] = {}
    for hour, net, count in connection.execute(query, (currency, stamp(start), stamp(end))):
        moment = datetime.strptime(hour, "%Y-%m-%dT%H").replace(tzinfo=UTC)
        day = moment.astimezone(zone).date()
        before = days.get(day, DayTotal(0, 0))
        days[day] = DayTotal(before.net + int(net), before.payments + int(count))
    return days


def _local_midnight(day: date, zone: tzinfo | None) -> datetime:
    if zone is None:
        return datetime.combine(day, time()).astimezone()  # this computer's zone, DST included
    return datetime.combine(day, time(), tzinfo=zone)


def _read_currencies(connection: sqlite3.Connection) -> list[str]:
    query = "SELECT DISTINCT currency FROM transactions ORDER BY currency"
    return [str(row[0]) for row in connection.execute(query)]


def _count(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT COUNT(*) FROM transactions").fetchone()[0])


class _transaction:  # noqa: N801 - used as a statement: `with _transaction(db):`
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error (autocommit connection)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")
