"""Wires payments into the app: routes, the shared context, listeners and the sweeper task."""

import asyncio
import contextlib

from fastapi import FastAPI

from server.config import Settings
from server.contract import API_PREFIX
from server.db import Database
from server.payments.gateways import build_gateways
from server.payments.listeners import TipListener
from server.payments.routes import router as payments_router
from server.payments.service import PaymentsContext
from server.payments.service.sandbox_renewals import run_sandbox_renewals, sandbox_of
from server.payments.subscription_routes import router as subscriptions_router
from server.payments.sweeper import run_sweeper
from server.providers.orange_money_sandbox_page import router as orange_sandbox_page_router
from server.webhooks.mpesa import router as mpesa_webhook_router
from server.webhooks.mtn_momo import router as momo_webhook_router
from server.webhooks.orange_money import router as orange_webhook_router
from server.webhooks.stripe import router as stripe_webhook_router


class PaymentsRuntime:
    def __init__(self, context: PaymentsContext) -> None:
        self.context = context
        self._sweeper: asyncio.Task[None] | None = None
        self._renewals: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Sweep at once: payments left pending while the server was down are settled now."""
        self._sweeper = asyncio.create_task(run_sweeper(self.context), name="payments-sweeper")
        sandbox = sandbox_of(self.context)
        if sandbox is not None:  # the card sandbox plays Stripe's billing clock
            self._renewals = asyncio.create_task(
                run_sandbox_renewals(self.context, sandbox), name="card-sandbox-renewals"
            )

    async def stop(self) -> None:
        for task in (self._sweeper, self._renewals):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.context.gateways.aclose()


def install_payments(app: FastAPI, settings: Settings, database: Database) -> PaymentsRuntime:
    """`app.state.payment_listeners`: append a tip listener there (chat's `announce_tip`)."""
    listeners: list[TipListener] = []
    context = PaymentsContext(
        database=database, settings=settings, gateways=build_gateways(settings), listeners=listeners
    )
    app.state.payments = context
    app.state.payment_listeners = listeners
    app.state.subscriber_listeners = context.subscriber_listeners  # chat's announce_subscriber
    app.include_router(payments_router, prefix=API_PREFIX)
    app.include_router(subscriptions_router, prefix=API_PREFIX)  # GET /subscriptions
    app.include_router(mpesa_webhook_router, prefix=API_PREFIX)
    app.include_router(stripe_webhook_router, prefix=API_PREFIX)
    app.include_router(momo_webhook_router, prefix=API_PREFIX)
    app.include_router(orange_webhook_router, prefix=API_PREFIX)
    app.include_router(orange_sandbox_page_router)  # GET /pay/{id}/sandbox-orange, outside /api
    return PaymentsRuntime(context)
