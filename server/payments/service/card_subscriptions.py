"""Card subscriptions (Stripe Billing): the first invoice, Stripe's renewals, stopping them.

- start: a `subscription` payment by card gets (or makes, once) the payer's Stripe
  Customer and the creator's Product, then a monthly Subscription whose first
  invoice is the payment (`provider_ref` = the invoice), paid by the fan exactly
  like a one-off card payment;
- `invoice.paid`, `billing_reason` `subscription_create`: that payment succeeds
  through `resolve` (one month, its ledger entries, the creator told);
- `invoice.paid`, `subscription_cycle`: Stripe charged the saved card for the next
  month: a NEW succeeded subscription payment (keyed by the invoice: a duplicate
  event finds it and changes nothing), posted and granting one more month;
- `invoice.payment_failed`: a first invoice is asked about (declined: the payment
  fails and the subscription ends); a renewal's grants nothing, and the membership
  runs out at its `paid_until` unless Stripe's retries later pay it;
- `customer.subscription.deleted` / `.updated`: the renewal stops, or its
  `cancel_at_period_end` changed (the Dashboard, or our own `stop_renewing`);
- a payment of it refunded in full (here or at Stripe) ends it at once
  (`end_if_refunded`): no further month is charged for a membership given back.

An invoice or subscription that is not ours, or not for our first payment's amount
and currency, changes nothing (logged), as for the intent events.
"""

from datetime import UTC, datetime

from sqlalchemy import or_, update

from server.contract.money import platform_fee
from server.contract.payments import PaymentKind, PaymentMethod, PaymentStatus
from server.db.base import new_id, utcnow
from server.errors import NotFound, ProviderUnavailable
from server.logs import get_logger
from server.payments.billing_models import CardSubscriptionRow
from server.payments.billing_repository import BillingRepository
from server.payments.gateways.base import ChargeRequest, ChargeStarted
from server.payments.gateways.card import CardGateway, to_stripe_amount
from server.payments.models import PaymentRow
from server.payments.repository import PaymentsRepository
from server.payments.service.context import PaymentsContext, token_hash
from server.payments.service.resolve import confirm_with_provider, resolve_payment
from server.providers.errors import ProviderRefused, ProviderUncertain, ProviderUnreachable
from server.providers.stripe_billing import BillingSubscription, Invoice

log = get_logger("flash.payments")

PENDING = PaymentStatus.PENDING.value


def card_gateway(ctx: PaymentsContext) -> CardGateway | None:
    gateway = ctx.gateways.for_method(PaymentMethod.CARD)
    return gateway if isinstance(gateway, CardGateway) else None


async def start_card_subscription(
    ctx: PaymentsContext, gateway: CardGateway, payment: PaymentRow, charge: ChargeRequest
) -> ChargeStarted:
    """Raises like `PaymentGateway.start`; the subscription is stored before the fan can pay."""
    customer_id = await _customer(ctx, gateway, payment.payer_id)
    product_id = await _product(ctx, gateway, payment.creator_id)
    started, subscription = await gateway.start_subscription(
        charge,
        customer_id=customer_id,
        product_id=product_id,
        metadata={"creator_id": payment.creator_id, "member_id": payment.payer_id},
    )
    now = utcnow()
    async with ctx.database.session() as session:
        await BillingRepository(session).add_subscription(
            CardSubscriptionRow(
                id=subscription.id,
                mode=gateway.mode,
                first_payment_id=payment.id,
                creator_id=payment.creator_id,
                member_id=payment.payer_id,
                customer_id=customer_id,
                period_end=_when(subscription.period_end),
                created_at=now,
            )
        )
        await session.execute(
            update(PaymentRow)
            .where(PaymentRow.id == payment.id)
            .values(subscription_ref=subscription.id)
        )
    return started


async def _customer(ctx: PaymentsContext, gateway: CardGateway, user_id: str) -> str:
    async with ctx.database.session() as session:
        known = await BillingRepository(session).customer(user_id, gateway.mode)
        user = await PaymentsRepository(session).user(user_id)
    if known is not None:
        return known
    assert user is not None, "a subscription's payer has an account"
    made = await gateway.billing_api().create_customer(
        user_id=user_id, name=user.display_name, email=user.email
    )
    async with ctx.database.session() as session:
        return await BillingRepository(session).keep_customer(user_id, gateway.mode, made)


async def _product(ctx: PaymentsContext, gateway: CardGateway, creator_id: str) -> str:
    async with ctx.database.session() as session:
        known = await BillingRepository(session).product(creator_id, gateway.mode)
        creator = await PaymentsRepository(session).user(creator_id)
    if known is not None:
        return known
    assert creator is not None
    made = await gateway.billing_api().create_product(
        creator_id=creator_id, name=f"Membership: {creator.display_name}"
    )
    async with ctx.database.session() as session:
        return await BillingRepository(session).keep_product(creator_id, gateway.mode, made)


async def apply_invoice_event(ctx: PaymentsContext, kind: str, invoice: Invoice) -> bool:
    """`invoice.paid` or `invoice.payment_failed`; answer whether anything changed."""
    async with ctx.database.session() as session:
        subscription = await BillingRepository(session).subscription(invoice.subscription_id or "")
        first = None
        if subscription is not None:
            first = await PaymentsRepository(session).by_id(subscription.first_payment_id)
    paid = kind == "invoice.paid"
    if subscription is None or first is None or not _same_money(first, invoice, paid=paid):
        log.warning("stripe_event_ignored", event_type=kind, invoice=invoice.id)
        return False
    if invoice.billing_reason == "subscription_create":
        if first.provider_ref not in (None, invoice.id):
            log.warning("stripe_event_ignored", event_type=kind, invoice=invoice.id)
            return False
        if paid:
            await _note_period(ctx, subscription.id, invoice)
            return await resolve_payment(
                ctx, first.id, PaymentStatus.SUCCEEDED, None, "paid", queried_ref=invoice.id
            )
        # Ask Stripe: a declined first invoice ends the subscription and the payment fails.
        return await confirm_with_provider(ctx, first.id, claimed_ref=invoice.id)
    if invoice.billing_reason == "subscription_cycle":
        if not paid:
            log.info("card_renewal_failed", subscription=subscription.id, invoice=invoice.id)
            return False
        await _note_period(ctx, subscription.id, invoice)
        return await _record_renewal(ctx, subscription, first, invoice)
    log.warning("stripe_event_ignored", event_type=kind, invoice=invoice.id)
    return False


def _same_money(first: PaymentRow, invoice: Invoice, *, paid: bool) -> bool:
    """Our card subscription, for exactly the month's price we asked."""
    if first.method != PaymentMethod.CARD.value or first.kind != PaymentKind.SUBSCRIPTION.value:
        return False
    amount = invoice.amount_paid if paid else invoice.amount_due
    return invoice.currency == first.currency and amount == to_stripe_amount(
        first.amount, first.currency
    )


async def _record_renewal(
    ctx: PaymentsContext, subscription: CardSubscriptionRow, first: PaymentRow, invoice: Invoice
) -> bool:
    """One payment per renewal invoice, then resolved like any payment (entries, a month)."""
    now, payment_id = utcnow(), new_id()
    fee_bps = ctx.settings.platform_fee_bps
    async with ctx.database.session() as session:
        payments, billing = PaymentsRepository(session), BillingRepository(session)
        renewal = PaymentRow(
            id=payment_id,
            payer_id=first.payer_id,
            payer_kind=first.payer_kind,
            payer_name=first.payer_name,
            payer_language=first.payer_language,
            creator_id=first.creator_id,
            stream_id=None,
            kind=PaymentKind.SUBSCRIPTION.value,
            method=PaymentMethod.CARD.value,
            provider=first.provider,
            amount=first.amount,
            currency=first.currency,
            fee=platform_fee(first.amount, fee_bps),
            fee_bps=fee_bps,
            phone=None,
            message=None,
            status=PENDING,
            provider_ref=invoice.id,
            subscription_ref=subscription.id,
            refunded_amount=0,
            callback_token_hash=token_hash(ctx.callback_token(payment_id)),
            push_state="accepted",
            push_attempts=0,
            change_seq=await payments.next_change_seq(first.creator_id),
            next_check_at=now,
            created_at=now,
            updated_at=now,
        )
        if not await billing.add_renewal(renewal):
            existing = await billing.payment_by_ref(invoice.id)
            if existing is None or existing.status != PENDING:
                return False  # a duplicate event: this renewal is recorded already
            payment_id = existing.id
    log.info("card_renewal_paid", subscription=subscription.id, payment_id=payment_id)
    return await resolve_payment(
        ctx, payment_id, PaymentStatus.SUCCEEDED, None, "paid", queried_ref=invoice.id
    )


async def _note_period(ctx: PaymentsContext, subscription_id: str, invoice: Invoice) -> None:
    """Keep the end of the paid period Stripe last told us (never moved back)."""
    period_end = _when(invoice.period_end)
    if period_end is None:
        return
    async with ctx.database.session() as session:
        await session.execute(
            update(CardSubscriptionRow)
            .where(
                CardSubscriptionRow.id == subscription_id,
                or_(
                    CardSubscriptionRow.period_end.is_(None),
                    CardSubscriptionRow.period_end < period_end,
                ),
            )
            .values(period_end=period_end, updated_at=utcnow())
        )


async def apply_subscription_event(
    ctx: PaymentsContext, kind: str, subscription: BillingSubscription
) -> bool:
    """`customer.subscription.deleted` ends the renewal; `.updated` follows its
    `cancel_at_period_end`."""
    now = utcnow()
    async with ctx.database.session() as session:
        billing = BillingRepository(session)
        row = await billing.subscription(subscription.id)
        if row is None:
            log.warning("stripe_event_ignored", event_type=kind, subscription=subscription.id)
            return False
        if row.ended_at is not None:
            return False
        if kind == "customer.subscription.deleted":
            await billing.update_subscription(row.id, now, ended_at=now)
            log.info("card_subscription_ended", subscription=row.id)
            return True
        if row.cancel_at_period_end == subscription.cancel_at_period_end:
            return False
        await billing.update_subscription(
            row.id, now, cancel_at_period_end=subscription.cancel_at_period_end
        )
        return True


async def stop_renewing(ctx: PaymentsContext, member_id: str, creator_id: str) -> None:
    """The fan stops their card subscription at the end of the paid period (kept);
    again is a no-op, and nothing to stop is 404."""
    async with ctx.database.session() as session:
        found = await BillingRepository(session).open_subscriptions(member_id, creator_id)
    if not found:
        raise NotFound(
            "you have no card subscription to this creator that renews", code="not_renewing"
        )
    gateway = card_gateway(ctx)
    for subscription in found:
        if subscription.cancel_at_period_end:
            continue
        if gateway is None:
            raise ProviderUnavailable("cards are not available on this server")
        ended = False
        try:
            await gateway.billing_api().stop_renewing(subscription.id)
        except (ProviderUnreachable, ProviderUncertain):
            raise ProviderUnavailable(
                "Stripe cannot be reached right now; nothing changed: try again in a moment"
            ) from None
        except ProviderRefused as exc:
            if exc.code != "resource_missing":
                raise ProviderUnavailable(f"Stripe refused to stop renewing ({exc.code})") from None
            ended = True  # Stripe no longer has it: it renews nothing
        now = utcnow()
        async with ctx.database.session() as session:
            values: dict[str, object] = {"cancel_at_period_end": True}
            if ended:
                values["ended_at"] = now
            await BillingRepository(session).update_subscription(subscription.id, now, **values)
        log.info("card_subscription_stopped", subscription=subscription.id)


async def end_if_refunded(ctx: PaymentsContext, payment_id: str) -> None:
    """A card subscription payment refunded in full (its month taken back) also ends its
    subscription at once: the fan is not charged again for a membership given back."""
    async with ctx.database.session() as session:
        payment = await PaymentsRepository(session).by_id(payment_id)
        subscription = None
        if payment is not None and payment.subscription_ref is not None:
            subscription = await BillingRepository(session).subscription(payment.subscription_ref)
    if payment is None or subscription is None or subscription.ended_at is not None:
        return
    if payment.refunded_amount < payment.amount:
        return  # a partial refund is a gesture: the subscription goes on
    gateway = card_gateway(ctx)
    if gateway is None or gateway.billing is None:
        return
    try:
        await gateway.billing.cancel_subscription(subscription.id)
    except (ProviderRefused, ProviderUnreachable, ProviderUncertain) as exc:
        log.warning("card_subscription_not_ended", subscription=subscription.id, error=str(exc))
        return
    now = utcnow()
    async with ctx.database.session() as session:
        await BillingRepository(session).update_subscription(subscription.id, now, ended_at=now)
    log.info("card_subscription_ended", subscription=subscription.id, reason="refunded")


async def invoice_paid_by(ctx: PaymentsContext, intent_id: str) -> str | None:
    """The card subscription invoice (our payment's `provider_ref`) an intent paid, if any."""
    gateway = card_gateway(ctx)
    if gateway is None or gateway.billing is None:
        return None
    try:
        return await gateway.billing.invoice_paid_by(intent_id)
    except ProviderRefused as exc:
        log.info("stripe_invoice_lookup_failed", intent=intent_id, error=exc.code)
        return None
    except (ProviderUnreachable, ProviderUncertain):
        # 502: Stripe sends the event again later, when it can be looked up.
        raise ProviderUnavailable("Stripe cannot be reached to read the invoice") from None


def _when(unix: int | float | None) -> datetime | None:
    return datetime.fromtimestamp(unix, UTC) if unix is not None else None
