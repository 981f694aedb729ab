"""Walking a whole table without loading it: rows in id order, a batch at a time.

Keyset pagination (`id > last seen`), so each batch is one indexed query however far
the walk has gone: what `ledger verify`'s audits need over millions of rows.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

Row = TypeVar("Row")


async def batches_by_id(
    session: AsyncSession,
    row: type[Row],
    row_id: InstrumentedAttribute[str],
    *where: Any,
    size: int = 500,
) -> AsyncIterator[Sequence[Row]]:
    """`row`'s rows matching `where`, `size` at a time, ordered by `row_id`."""
    after = ""
    while True:
        query = select(row).where(row_id > after, *where).order_by(row_id).limit(size)
        rows = (await session.execute(query)).scalars().all()
        if not rows:
            return
        after = str(getattr(rows[-1], row_id.key))
        yield rows
