"""The ASGI app factory: one FastAPI app with every domain's routes under `/api/v1`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from server import __version__
from server.auth.ratelimit import LoginThrottle
from server.auth.routes import router as auth_router
from server.chat import chat_subscriber_listener, chat_tip_listener, install_chat
from server.config import Settings, load_settings
from server.contract import API_PREFIX
from server.db import Database
from server.earnings.routes import router as earnings_router
from server.fanpage import router as fanpage_router
from server.health.routes import router as health_router
from server.http import AccessLogMiddleware, BodyLimitMiddleware, install_error_handlers
from server.metrics import Metrics
from server.payments.return_pages import router as return_pages_router
from server.payments.runtime import install_payments
from server.payments.sandbox_card_page import router as sandbox_card_page_router
from server.payouts.runtime import install_payouts
from server.streams.routes import router as streams_router
from server.streams.sandbox_streaming import install_sandbox_streaming
from server.webhooks.mux import router as mux_webhook_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    database = Database(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await chat.start()
        await payments.start()
        await payouts.start()
        if sandbox_streaming is not None:
            await sandbox_streaming.start()
        try:
            yield
        finally:
            if sandbox_streaming is not None:
                await sandbox_streaming.stop()
            await payouts.stop()
            await payments.stop()
            await chat.stop()
            await database.dispose()

    app = FastAPI(
        title="Flash Africa API",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.login_throttle = LoginThrottle(settings.login_attempts_per_minute)
    metrics = Metrics()
    app.state.metrics = metrics

    install_error_handlers(app)
    app.include_router(health_router, prefix=API_PREFIX)
    app.include_router(auth_router, prefix=API_PREFIX)
    app.include_router(streams_router, prefix=API_PREFIX)
    app.include_router(mux_webhook_router, prefix=API_PREFIX)
    app.state.stream_status_listeners = []  # the chat subscribes to stream status changes
    chat = install_chat(app, settings, database)
    payments = install_payments(app, settings, database)  # app.state.payment_listeners: tips
    app.state.payment_listeners.append(chat_tip_listener(chat))
    app.state.subscriber_listeners.append(chat_subscriber_listener(chat))
    app.include_router(earnings_router, prefix=API_PREFIX)
    payouts = install_payouts(app, settings, database)
    sandbox_streaming = install_sandbox_streaming(app, settings, database)
    app.add_route("/metrics", metrics.render, include_in_schema=False)
    app.include_router(fanpage_router)  # the fan page at /live/{id}, outside /api/v1
    app.include_router(return_pages_router)  # GET /pay/{id}[/cancel]: back from a provider
    app.include_router(sandbox_card_page_router)  # GET|POST /pay/{id}/sandbox-card

    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(AccessLogMiddleware, metrics=metrics)
    return app
