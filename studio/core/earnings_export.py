"""The cached transactions that match a filter, saved as a CSV file for a spreadsheet.

Rows are read from the cache a page at a time on its own thread and written on
another, so the screen stays responsive and the cache keeps answering the table
meanwhile. The file is written beside its final name and renamed once complete:
an error (disk full, no permission) never leaves half a file under that name.

Columns are stable, machine-readable values whatever the creator's language:
UTC times in ISO 8601, codes for kind, method and status, and amounts in major
units with the currency's exponent (`500.00` for KES, `12500` for XOF), computed
in integers. Text a fan typed is neutralised against spreadsheet formulas
(OWASP's "CSV injection"): a cell starting with = + - @, a tab or a carriage
return gets a leading apostrophe. UTF-8 with a byte-order mark, so Excel reads
accented names right.
"""

import asyncio
import csv
import os
import tempfile
from pathlib import Path
from typing import TextIO

from studio.core.earnings_cache import (
    CachedTransaction,
    EarningsCache,
    PageKey,
    TransactionFilter,
    read_stamp,
)
from studio.core.money_format import decimal_string

HEADER = (
    "date",
    "kind",
    "method",
    "status",
    "amount",
    "fee",
    "net",
    "currency",
    "payer",
    "message",
    "stream",
    "id",
)
CHUNK = 2_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str | None) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    if not text:
        return ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(row: CachedTransaction) -> list[str]:
    return [
        read_stamp(row.created_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        row.kind,
        row.method,
        row.status,
        decimal_string(row.amount, row.currency),
        decimal_string(row.fee, row.currency),
        decimal_string(row.net, row.currency),
        row.currency,
        neutralised(row.payer_name),
        neutralised(row.message),
        neutralised(row.stream_id),
        neutralised(row.id),
    ]


async def export_csv(cache: EarningsCache, where: TransactionFilter, path: Path) -> int:
    """Write every cached row matching `where` to `path`, newest first; answers how many."""
    handle, part = await asyncio.to_thread(_open_beside, path)
    written = 0
    try:
        writer = csv.writer(handle)
        await asyncio.to_thread(writer.writerow, HEADER)
        after: PageKey | None = None
        while True:
            rows = await cache.page(where, after, CHUNK)
            if rows:
                await asyncio.to_thread(writer.writerows, [csv_row(row) for row in rows])
                written += len(rows)
                after = PageKey(rows[-1].created_at, rows[-1].id)
            if len(rows) < CHUNK:
                break
        await asyncio.to_thread(handle.close)
        await asyncio.to_thread(os.replace, part, path)
    except BaseException:
        handle.close()
        part.unlink(missing_ok=True)
        raise
    return written


def _open_beside(path: Path) -> tuple[TextIO, Path]:
    """A new file in the same folder (same disk, so the final rename is atomic)."""
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    handle = os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="")
    return handle, Path(name)
