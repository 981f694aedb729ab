"""`GET /payments/{id}`: the payer's token and the receiving creator may read; nobody else."""

from server.auth.tokens import Principal
from server.contract.payments import Payment, PaymentMethod
from server.errors import NotFound
from server.payments.repository import PaymentsRepository
from server.payments.service.context import PaymentsContext
from server.payments.service.render import to_contract


async def read_payment(ctx: PaymentsContext, reader: Principal, payment_id: str) -> Payment:
    async with ctx.database.session() as session:
        payment = await PaymentsRepository(session).by_id(payment_id)
    # Anyone else gets the same 404 as for a payment that does not exist: ids leak nothing.
    if payment is None or reader.id not in (payment.payer_id, payment.creator_id):
        raise NotFound("there is no such payment")
    shown = to_contract(payment, ctx.gateways.for_method(PaymentMethod(payment.method)))
    if reader.id != payment.payer_id:
        # What the payer must do next (a Stripe client secret, a payment page) is theirs alone.
        shown = shown.model_copy(update={"next_action": None})
    return shown
