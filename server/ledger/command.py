"""The body of `flash-server ledger verify`: one consistent read, a summary, an exit status."""

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from server.db import Database
from server.ledger.verify import LedgerReport, render, verify_ledger

# Further checks by the domains that post to the ledger (payments: `audit_payments`).
Audit = Callable[[AsyncSession, LedgerReport], Awaitable[None]]

OK, FAILED, UNAVAILABLE = 0, 1, 2


async def verify_database(database_url: str, audits: Sequence[Audit]) -> LedgerReport:
    database = Database(database_url)
    try:
        async with database.engine.connect() as raw:
            if raw.dialect.name == "postgresql":
                # One snapshot for every check, whatever is written meanwhile.
                raw = await raw.execution_options(isolation_level="REPEATABLE READ")
            async with AsyncSession(bind=raw) as session:
                report = await verify_ledger(session)
                for audit in audits:
                    await audit(session, report)
                await session.rollback()
        return report
    finally:
        await database.dispose()


def verify_command(database_url: str, audits: Sequence[Audit]) -> int:
    try:
        report = asyncio.run(verify_database(database_url, audits))
    except (DBAPIError, OSError) as exc:
        print(f"flash-server: cannot read the ledger: {type(exc).__name__}: {exc}", file=sys.stderr)
        return UNAVAILABLE
    print(render(report))
    return OK if report.ok else FAILED
