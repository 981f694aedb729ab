"""Wires payouts into the app: routes, the shared context and the sweeper task."""

import asyncio
import contextlib

from fastapi import FastAPI

from server.config import Settings
from server.contract import API_PREFIX
from server.db import Database
from server.logs import get_logger
from server.payouts.rails import build_rails
from server.payouts.routes import router as payouts_router
from server.payouts.service import PayoutsContext, expire_unsent, query_stale
from server.webhooks.mpesa_b2c import router as mpesa_b2c_webhook_router
from server.webhooks.mtn_momo_payout import router as momo_payout_webhook_router

log = get_logger("flash.payouts")


class PayoutsRuntime:
    def __init__(self, context: PayoutsContext) -> None:
        self.context = context
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._sweeper = asyncio.create_task(self._sweep(), name="payouts-sweeper")

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await self.context.rails.aclose()

    async def _sweep(self) -> None:
        """Release payouts that never left us and ask about those whose result has not come;
        one failed sweep never stops the next."""
        while True:
            try:
                ended = await expire_unsent(self.context)
                if ended:
                    log.info("payouts_expired", count=ended)
                asked = await query_stale(self.context)
                if asked:
                    log.info("payouts_queried", count=asked)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("payout_sweep_failed", error=type(exc).__name__)
            await asyncio.sleep(self.context.settings.payment_sweep_interval_s)


def install_payouts(app: FastAPI, settings: Settings, database: Database) -> PayoutsRuntime:
    context = PayoutsContext(database=database, settings=settings, rails=build_rails(settings))
    app.state.payouts = context
    app.include_router(payouts_router, prefix=API_PREFIX)
    app.include_router(mpesa_b2c_webhook_router, prefix=API_PREFIX)
    app.include_router(momo_payout_webhook_router, prefix=API_PREFIX)
    return PayoutsRuntime(context)
