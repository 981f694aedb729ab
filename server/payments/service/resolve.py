"""How a pending payment ends: exactly once, and only on the provider's own word.

Callbacks from unsigned providers (M-Pesa) only prompt a status query; the
query's answer is what counts. The ending is a conditional UPDATE, the ledger
entries go in the same transaction, and the listeners hear about it after commit.
"""

import hmac
from datetime import timedelta
from typing import Any

from server.contract.payments import PaymentKind, PaymentMethod, PaymentStatus
from server.db.base import utcnow
from server.errors import NotFound
from server.ledger.service import Ledger
from server.logs import get_logger
from server.payments.listeners import (
    SubscriberGained,
    TipSucceeded,
    notify_subscriber,
    notify_tip,
)
from server.payments.memberships import grant_month
from server.payments.models import PaymentRow
from server.payments.posting import success_entries
from server.payments.repository import PaymentsRepository
from server.payments.service.context import PaymentsContext, token_hash
from server.providers.errors import ProviderError

log = get_logger("flash.payments")

# A request claimed for sending this long ago is no longer in flight.
SENDING_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 200


async def resolve_payment(
    ctx: PaymentsContext,
    payment_id: str,
    status: PaymentStatus,
    failure_code: str | None,
    provider_result: str | None,
    *,
    queried_ref: str | None = None,
) -> bool:
    """End the payment if it is still pending; True only for the one caller that did."""
    async with ctx.database.session() as session:
        repo = PaymentsRepository(session)
        if not await repo.resolve(
            payment_id,
            status=status,
            failure_code=failure_code,
            provider_result=provider_result,
            provider_ref=queried_ref,
            now=utcnow(),
        ):
            return False
        payment = await repo.by_id(payment_id)
        assert payment is not None
        paid_until = None  # a subscription's: its membership's new end
        if status is PaymentStatus.SUCCEEDED:
            await Ledger(session).post(*success_entries(payment))
            if payment.kind == PaymentKind.TICKET.value:
                await repo.grant_ticket(payment)
            elif payment.kind == PaymentKind.SUBSCRIPTION.value:
                paid_until = (await grant_month(session, payment)).ends_at
        await repo.set_change_seq(payment_id, await repo.next_change_seq(payment.creator_id))
    log.info(
        "payment_resolved", payment_id=payment_id, payment_status=status.value, code=failure_code
    )
    if status is PaymentStatus.SUCCEEDED and payment.kind == PaymentKind.TIP.value:
        await notify_tip(
            ctx.listeners,
            TipSucceeded(
                payment_id=payment.id,
                creator_id=payment.creator_id,
                stream_id=payment.stream_id,
                amount=payment.amount,
                currency=payment.currency,
                payer_name=payment.payer_name,
                message=payment.message,
            ),
        )
    if paid_until is not None:
        await notify_subscriber(
            ctx.subscriber_listeners,
            SubscriberGained(
                payment_id=payment.id,
                creator_id=payment.creator_id,
                stream_id=payment.stream_id,
                subscriber_id=payment.payer_id,
                subscriber_name=payment.payer_name,
                paid_until=paid_until,
            ),
        )
    return True


async def confirm_with_provider(
    ctx: PaymentsContext, payment_id: str, claimed_ref: str | None = None
) -> bool:
    """Ask the provider how the payment ended and apply its answer; False while unknown.

    `claimed_ref` (from an unverified callback) is used only when we sent a request
    but never got its reference back; otherwise our own reference is queried.
    """
    async with ctx.database.session() as session:
        payment = await PaymentsRepository(session).by_id(payment_id)
    if payment is None:
        return False
    return await _confirm(ctx, payment, claimed_ref)


async def _confirm(ctx: PaymentsContext, payment: PaymentRow, claimed_ref: str | None) -> bool:
    if payment.status != PaymentStatus.PENDING.value:
        return False
    gateway = ctx.gateways.for_method(PaymentMethod(payment.method))
    ref = payment.provider_ref
    if ref is None:
        if claimed_ref is None or payment.push_state not in ("sending", "uncertain"):
            return False
        ref = claimed_ref
    try:
        outcome = await gateway.outcome(ref)
    except ProviderError as exc:
        log.info("provider_query_failed", payment_id=payment.id, error=type(exc).__name__)
        return False
    if outcome is None:
        return False
    return await resolve_payment(
        ctx,
        payment.id,
        outcome.status,
        outcome.failure_code,
        outcome.provider_result,
        queried_ref=ref,
    )


async def handle_callback(
    ctx: PaymentsContext, provider: str, token: str, body: Any, *, proof: str | None = None
) -> None:
    """An unsigned callback changes nothing by itself: it only makes us ask the provider.

    `proof` is the per-payment secret a provider echoes in its callbacks (Orange's
    `notif_token`): for such a provider, a callback whose proof is not the one stored
    for the payment (or a payment that never got one) is ignored without a query.
    """
    async with ctx.database.session() as session:
        payment = await PaymentsRepository(session).by_callback_token_hash(token_hash(token))
    if payment is None or payment.provider != provider:
        raise NotFound("there is no payment for this callback")
    if payment.status != PaymentStatus.PENDING.value:
        return  # a duplicate, or the sweeper got there first
    if proof is not None or payment.callback_proof_hash is not None:
        stored = payment.callback_proof_hash
        if not proof or stored is None or not hmac.compare_digest(token_hash(proof), stored):
            log.warning("callback_proof_mismatch", payment_id=payment.id, provider=provider)
            return
    gateway = ctx.gateways.for_method(PaymentMethod(payment.method))
    await _confirm(ctx, payment, gateway.claimed_ref(body))


async def sweep_once(ctx: PaymentsContext) -> int:
    """Re-query the payments pending past `payment_query_after_s`; answer how many ended.

    A payment whose request never reached the provider (or whose answer never came
    back with a reference) expires after `payment_unconfirmed_expiry_s`. Nothing here
    ever sends a payment request.
    """
    now = utcnow()
    settings = ctx.settings
    async with ctx.database.session() as session:
        repo = PaymentsRepository(session)
        old_enough = now - timedelta(seconds=settings.payment_query_after_s)
        due = list(await repo.due_for_check(now, old_enough, SWEEP_BATCH))
        await repo.postpone_check(
            [p.id for p in due], now + timedelta(seconds=settings.payment_sweep_interval_s)
        )
    ended = 0
    expiry = timedelta(seconds=settings.payment_unconfirmed_expiry_s)
    for payment in due:
        if payment.provider_ref is not None:
            ended += await _confirm(ctx, payment, None)
            continue
        in_flight = payment.push_state == "sending" and payment.updated_at + SENDING_GRACE > now
        if payment.created_at + expiry <= now and not in_flight:
            ended += await resolve_payment(
                ctx, payment.id, PaymentStatus.EXPIRED, "provider_unconfirmed", None
            )
    return ended
