"""The card sandbox's renewals: what Stripe's billing clock does, played by the server itself.

Every due sandbox card subscription (its period ended, its first payment paid)
is renewed through `apply_stripe_event` with the `invoice.paid` object the
sandbox answers for that period (the very path a real `invoice.paid` takes), or
ended as by `customer.subscription.deleted` when the fan stopped it. A period is
`FLASH_STRIPE_SANDBOX_RENEWAL_S` long. The clock is the database's `period_end`,
so a restart loses no renewal, and an invoice's id is derived from its period, so
renewing the same period twice records it once.
"""

import asyncio

from server.db.base import utcnow
from server.logs import get_logger
from server.payments.billing_repository import BillingRepository
from server.payments.gateways.card import to_stripe_amount
from server.payments.repository import PaymentsRepository
from server.payments.service.card_subscriptions import card_gateway
from server.payments.service.context import PaymentsContext
from server.payments.service.stripe_events import apply_stripe_event
from server.providers.stripe_sandbox import SandboxCards

log = get_logger("flash.payments")
BATCH = 100


def sandbox_of(ctx: PaymentsContext) -> SandboxCards | None:
    gateway = card_gateway(ctx)
    if gateway is None or not isinstance(gateway.api, SandboxCards):
        return None
    return gateway.api


async def renew_due_once(ctx: PaymentsContext, sandbox: SandboxCards) -> int:
    """Renew (or end) every sandbox subscription whose period is over; answer how many changed."""
    async with ctx.database.session() as session:
        due = list(await BillingRepository(session).due_sandbox_renewals(utcnow(), BATCH))
        firsts = {s.id: await PaymentsRepository(session).by_id(s.first_payment_id) for s in due}
    changed = 0
    for subscription in due:
        first = firsts[subscription.id]
        if first is None or subscription.period_end is None:
            continue
        if subscription.cancel_at_period_end:
            obj = {"id": subscription.id, "object": "subscription", "status": "canceled"}
            event = {"type": "customer.subscription.deleted", "data": {"object": obj}}
        else:
            invoice = sandbox.renewal_invoice(
                subscription_id=subscription.id,
                payment_id=first.id,
                amount=to_stripe_amount(first.amount, first.currency),
                currency=first.currency,
                period_end=subscription.period_end.timestamp(),
            )
            event = {"type": "invoice.paid", "data": {"object": invoice}}
        changed += await apply_stripe_event(ctx, event)
    return changed


async def run_sandbox_renewals(ctx: PaymentsContext, sandbox: SandboxCards) -> None:
    """Runs until cancelled (at shutdown); a failed round never stops the next."""
    every = max(0.05, min(sandbox.renewal_s / 4, ctx.settings.payment_sweep_interval_s))
    while True:
        try:
            renewed = await renew_due_once(ctx, sandbox)
            if renewed:
                log.info("sandbox_renewals", count=renewed)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("sandbox_renewals_failed", error=type(exc).__name__)
        await asyncio.sleep(every)
