"""What each kind of payment must name and match before it is stored.

A tip names any creator (and optionally a stream). A ticket pays exactly the
price of one of that creator's ticketed streams, once per payer. A subscription
pays one month of membership at the month's price (`contract.subscriptions`), and
needs an account: a guest has no lasting identity to be a member with; by card it
starts a subscription that renews by itself, so not while one already renews.
"""

from server.auth.tokens import Principal
from server.contract.payments import CreatePaymentRequest, PaymentKind, PaymentMethod
from server.contract.subscriptions import monthly_price
from server.errors import Conflict, Forbidden, InvalidInput
from server.payments.billing_repository import BillingRepository
from server.payments.repository import PaymentsRepository


async def check_kind(
    repo: PaymentsRepository, payer: Principal, body: CreatePaymentRequest
) -> None:
    if body.kind is PaymentKind.TIP:
        return
    if body.kind is PaymentKind.TICKET:
        await _check_ticket(repo, payer, body)
        return
    if body.kind is PaymentKind.SUBSCRIPTION:
        _check_subscription(payer, body)
        if body.method is PaymentMethod.CARD:
            await _check_not_renewing(repo, payer, body)
        return
    raise InvalidInput(
        f"{body.kind.value} payments are not available",
        code="unsupported_kind",
        details={"field": "kind"},
    )


def _check_subscription(payer: Principal, body: CreatePaymentRequest) -> None:
    if payer.kind != "access":
        raise Forbidden(
            "a membership needs an account: sign up or sign in to subscribe",
            code="account_required",
        )
    price = monthly_price(body.currency)
    if body.amount != price:
        raise InvalidInput(
            "the amount must be the price of one month",
            code="price_mismatch",
            details={"field": "amount", "price": {"amount": price, "currency": body.currency}},
        )


async def _check_not_renewing(
    repo: PaymentsRepository, payer: Principal, body: CreatePaymentRequest
) -> None:
    """A card subscription renews by itself: a second one would charge twice a month."""
    found = await BillingRepository(repo.session).open_subscriptions(payer.id, body.creator_id)
    if any(not subscription.cancel_at_period_end for subscription in found):
        raise Conflict(
            "your card subscription to this creator already renews every month",
            code="already_renewing",
        )


async def _check_ticket(
    repo: PaymentsRepository, payer: Principal, body: CreatePaymentRequest
) -> None:
    if body.stream_id is None:
        raise InvalidInput(
            "a ticket is for a stream: stream_id is required",
            code="stream_required",
            details={"field": "stream_id"},
        )
    stream = await repo.stream(body.stream_id)
    if stream is None or stream.creator_id != body.creator_id:
        raise InvalidInput(
            "this creator has no such stream",
            code="unknown_stream",
            details={"field": "stream_id"},
        )
    if stream.visibility != "ticketed" or stream.price_amount is None:
        raise InvalidInput(
            "this stream needs no ticket", code="not_ticketed", details={"field": "stream_id"}
        )
    if (body.amount, body.currency) != (stream.price_amount, stream.price_currency):
        raise InvalidInput(
            "the amount must be the ticket's price",
            code="price_mismatch",
            details={
                "field": "amount",
                "price": {"amount": stream.price_amount, "currency": stream.price_currency},
            },
        )
    if await repo.has_ticket(payer.id, stream.id):
        raise Conflict("you already have a ticket for this stream", code="ticket_already_held")
