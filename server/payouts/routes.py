"""`/payouts`: thin handlers that parse, call the service, and answer."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from server.contract.errors import ErrorBody
from server.contract.payouts import CreatePayoutRequest, Payout, Payouts
from server.deps import AccountDep
from server.payouts import service
from server.payouts.service import PayoutsContext
from server.payouts.service.create import check_creator


def get_payouts(request: Request) -> PayoutsContext:
    ctx: PayoutsContext = request.app.state.payouts
    return ctx


PayoutsDep = Annotated[PayoutsContext, Depends(get_payouts)]

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 422, 502)
}
router = APIRouter(tags=["payouts"], responses=ERRORS)


@router.post("/payouts", response_model=Payout, status_code=201)
async def create_payout(
    body: CreatePayoutRequest,
    creator: AccountDep,
    payouts: PayoutsDep,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> Response:
    answer = await service.create_payout(payouts, creator, idempotency_key, body)
    return Response(answer.body, status_code=answer.status, media_type="application/json")


@router.get("/payouts", response_model=Payouts)
async def list_payouts(
    creator: AccountDep,
    payouts: PayoutsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Payouts:
    check_creator(creator)
    return await service.list_payouts(payouts, creator, limit)


@router.get("/payouts/{payout_id}", response_model=Payout)
async def get_payout(payout_id: str, creator: AccountDep, payouts: PayoutsDep) -> Payout:
    check_creator(creator)
    return await service.read_payout(payouts, creator, payout_id)
