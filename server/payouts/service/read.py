"""`GET /payouts` and `GET /payouts/{id}`: a creator reads their own payouts only."""

from server.auth.tokens import Principal
from server.contract.payouts import Payout, Payouts
from server.errors import NotFound
from server.payouts.repository import PayoutsRepository
from server.payouts.service.context import PayoutsContext
from server.payouts.service.render import to_contract


async def read_payout(ctx: PayoutsContext, creator: Principal, payout_id: str) -> Payout:
    async with ctx.database.session() as session:
        payout = await PayoutsRepository(session).by_id(payout_id)
    # Someone else's payout gets the same 404 as one that does not exist: ids leak nothing.
    if payout is None or payout.creator_id != creator.id:
        raise NotFound("there is no such payout")
    return to_contract(payout)


async def list_payouts(ctx: PayoutsContext, creator: Principal, limit: int) -> Payouts:
    async with ctx.database.session() as session:
        rows = await PayoutsRepository(session).of_creator(creator.id, limit)
    return Payouts(items=[to_contract(row) for row in rows])
