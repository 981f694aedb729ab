"""Stripe's verified events, applied to our payments once.

- `payment_intent.succeeded`: the payment succeeds (its entries keyed by the intent);
- `payment_intent.payment_failed`: a declined card. We ask Stripe how the intent
  stands, which cancels it (trying another card is a new payment), and apply that;
- `payment_intent.canceled`: the payment is cancelled or expires;
- `charge.refunded`: a refund made at Stripe (its Dashboard) is recorded, keyed
  `stripe:<event id>`; our own refunds are already counted and change nothing. A
  subscription refunded in full loses the unused part of its month (`memberships`);
- `invoice.paid`, `invoice.payment_failed`, `customer.subscription.deleted` and
  `customer.subscription.updated`: card subscriptions (`card_subscriptions`).

An event whose intent names no payment of ours, or whose amount or currency is
not our payment's, changes nothing (it is logged): only our own intent, for the
amount we asked, may move money. Everything ends through the conditional updates
of `resolve`, so a duplicate or late event changes nothing.
"""

from typing import Any

from server.contract.money import CURRENCY_EXPONENTS
from server.contract.payments import PaymentMethod, PaymentStatus
from server.logs import get_logger
from server.payments.gateways.card import intent_outcome, to_stripe_amount
from server.payments.models import PaymentRow
from server.payments.refund_repository import RefundRepository
from server.payments.service.card_subscriptions import (
    apply_invoice_event,
    apply_subscription_event,
    invoice_paid_by,
)
from server.payments.service.context import PaymentsContext
from server.payments.service.refund import apply_provider_refund
from server.payments.service.resolve import confirm_with_provider, resolve_payment
from server.providers.stripe_billing import invoice_from, subscription_from
from server.providers.stripe_cards import Intent, intent_from, stripe_exponent

log = get_logger("flash.payments")

INTENT_EVENTS = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
)
INVOICE_EVENTS = ("invoice.paid", "invoice.payment_failed")
SUBSCRIPTION_EVENTS = ("customer.subscription.deleted", "customer.subscription.updated")


async def apply_stripe_event(ctx: PaymentsContext, event: dict[str, Any]) -> bool:
    """Answer whether the event changed anything."""
    kind = event["type"]
    obj = (event.get("data") or {}).get("object")
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        return False
    if kind in INTENT_EVENTS:
        return await _apply_intent(ctx, kind, intent_from(obj))
    if kind == "charge.refunded":
        return await _apply_refunded(ctx, str(event.get("id", "")), obj)
    if kind in INVOICE_EVENTS:
        return await apply_invoice_event(ctx, kind, invoice_from(obj))
    if kind in SUBSCRIPTION_EVENTS:
        return await apply_subscription_event(ctx, kind, subscription_from(obj))
    return False


async def _apply_intent(ctx: PaymentsContext, kind: str, intent: Intent) -> bool:
    payment = await _payment(ctx, intent.payment_id)
    if payment is None or not _ours(payment, intent.id, intent.amount, intent.currency):
        log.warning("stripe_event_ignored", event_type=kind, intent=intent.id)
        return False
    if kind == "payment_intent.succeeded":
        return await resolve_payment(
            ctx, payment.id, PaymentStatus.SUCCEEDED, None, "succeeded", queried_ref=intent.id
        )
    if kind == "payment_intent.payment_failed":
        # Ask Stripe: the gateway cancels a declined intent and answers `failed`.
        return await confirm_with_provider(ctx, payment.id, claimed_ref=intent.id)
    outcome = intent_outcome(intent)
    if outcome is None:
        return False
    return await resolve_payment(
        ctx,
        payment.id,
        outcome.status,
        outcome.failure_code,
        outcome.provider_result,
        queried_ref=intent.id,
    )


async def _apply_refunded(ctx: PaymentsContext, event_id: str, charge: dict[str, Any]) -> bool:
    intent_id = charge.get("payment_intent")
    if not isinstance(intent_id, str) or not event_id:
        return False
    async with ctx.database.session() as session:
        payment = await RefundRepository(session).payment_by_provider_ref("stripe", intent_id)
    ref = intent_id
    if payment is None:  # a card subscription's payment is known by the invoice it paid
        ref = await invoice_paid_by(ctx, intent_id) or intent_id
        async with ctx.database.session() as session:
            payment = await RefundRepository(session).payment_by_provider_ref("stripe", ref)
    currency = str(charge.get("currency", "")).upper()
    amount = int(charge.get("amount", 0))
    if payment is None or not _ours(payment, ref, amount, currency):
        log.warning("stripe_event_ignored", event_type="charge.refunded", intent=intent_id)
        return False
    refunded = _from_stripe_amount(int(charge.get("amount_refunded", 0)), payment.currency)
    return await apply_provider_refund(ctx, payment.id, refunded, f"stripe:{event_id}")


async def _payment(ctx: PaymentsContext, payment_id: str | None) -> PaymentRow | None:
    if not payment_id:
        return None
    async with ctx.database.session() as session:
        return await RefundRepository(session).payment(payment_id)


def _ours(payment: PaymentRow, intent_id: str, amount: int, currency: str) -> bool:
    """Our card payment, its very intent (when we know it), for exactly what we asked."""
    if payment.method != PaymentMethod.CARD.value:
        return False
    if payment.provider_ref is not None and payment.provider_ref != intent_id:
        return False
    return currency == payment.currency and amount == to_stripe_amount(
        payment.amount, payment.currency
    )


def _from_stripe_amount(amount: int, currency: str) -> int:
    ours, theirs = CURRENCY_EXPONENTS[currency], stripe_exponent(currency)
    if ours >= theirs:
        return amount * int(10 ** (ours - theirs))
    return amount // int(10 ** (theirs - ours))
