"""`/earnings/*`: a signed-in creator's own earnings; thin handlers over the service."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from server.contract.earnings import EarningsSummary, EarningsTransactions
from server.contract.errors import ErrorBody
from server.deps import AccountDep, SessionDep
from server.earnings import service
from server.earnings.repository import EarningsRepository

ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 403, 422)}
router = APIRouter(tags=["earnings"], responses=ERRORS)


@router.get("/earnings/summary", response_model=EarningsSummary)
async def earnings_summary(
    account: AccountDep,
    session: SessionDep,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> EarningsSummary:
    return await service.summary(EarningsRepository(session), account.id, start, end)


@router.get("/earnings/transactions", response_model=EarningsTransactions)
async def earnings_transactions(
    account: AccountDep,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EarningsTransactions:
    return await service.transactions(EarningsRepository(session), account.id, cursor, limit)
