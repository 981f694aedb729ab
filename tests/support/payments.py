"""Helpers for the money tests: accounts, paying, waiting for an outcome, serving the app."""

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx

from server.app import create_app
from server.config import Settings
from tests.support.fake_daraja import CONSUMER_KEY, CONSUMER_SECRET, PASSKEY, SHORTCODE
from tests.support.live_server import LiveServer, serve

PHONE = "+254712345678"


@contextmanager
def serve_money_app(settings: Settings) -> Iterator[LiveServer]:
    """Serve the app on the port its FLASH_PUBLIC_URL names, so provider callbacks reach it."""
    port = urlsplit(settings.public_url).port
    assert port is not None, "the tests' FLASH_PUBLIC_URL names the loopback port to serve on"
    with serve(create_app(settings), port=port) as server:
        yield server


def daraja_settings(settings: Settings, base_url: str, **overrides: Any) -> Settings:
    """Live M-Pesa mode against a local Daraja."""
    return settings.model_copy(
        update={
            "mpesa_base_url": base_url,
            "mpesa_consumer_key": CONSUMER_KEY,
            "mpesa_consumer_secret": CONSUMER_SECRET,
            "mpesa_shortcode": SHORTCODE,
            "mpesa_passkey": PASSKEY,
            **overrides,
        }
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(client: httpx.Client, role: str = "creator", **overrides: Any) -> tuple[str, str]:
    """Answer (user id, access token) of a new account."""
    body = {
        "email": f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "river-sun-42",
        "display_name": "Wanjiru" if role == "creator" else "Otieno",
        "role": role,
        "country": "KE",
        "currency": "KES",
        "language": "en",
        **overrides,
    }
    response = client.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    token = response.json()["access_token"]
    me = client.get("/me", headers=bearer(token)).json()
    return me["id"], token


@contextmanager
def creator_and_fan(
    server: LiveServer,
    *,
    creator: dict[str, str] | None = None,
    fan: dict[str, str] | None = None,
) -> Iterator[tuple[httpx.Client, str, str]]:
    """A client, a creator's id and a fan's token; `creator` and `fan` change their accounts."""
    with server.client() as client:
        creator_id, _ = register(client, **(creator or {}))
        _, fan_token = register(client, role="fan", **(fan or {}))
        yield client, creator_id, fan_token


def guest_token(client: httpx.Client, name: str = "Guest fan") -> str:
    response = client.post("/auth/guest", json={"display_name": name})
    assert response.status_code == 201, response.text
    token: str = response.json()["access_token"]
    return token


def tip(
    creator_id: str, amount: int = 10_000, phone: str | None = PHONE, **overrides: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "tip",
        "method": "mpesa",
        "amount": amount,
        "currency": "KES",
        "creator_id": creator_id,
        "phone": phone,
        "message": "Asante!",
        **overrides,
    }
    return {k: v for k, v in body.items() if v is not None}


def pay(
    client: httpx.Client, token: str, body: dict[str, Any], key: str | None = None, **headers: str
) -> httpx.Response:
    all_headers = {**bearer(token), "Idempotency-Key": key or uuid.uuid4().hex, **headers}
    return client.post("/payments", json=body, headers=all_headers)


def wait_for_status(
    client: httpx.Client, token: str, payment_id: str, timeout: float = 15, *, of: str = "payments"
) -> dict[str, Any]:
    """Poll until the payment (or the payout, `of="payouts"`) leaves `pending` (waiting is
    fine; asserting on time is not)."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/{of}/{payment_id}", headers=bearer(token))
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        if found["status"] != "pending" or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def wait_until(condition: Any, timeout: float = 15, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.05)


def query(database_url: str, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    """Run raw SQL on the test database (to look at rows, or to tamper with them on purpose)."""
    import asyncio

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    async def run() -> list[tuple[Any, ...]]:
        engine = create_async_engine(database_url)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(text(statement), params)
                return [tuple(row) for row in result.all()] if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(run())


def entries_of(settings: Settings, payment_id: str) -> list[tuple[Any, ...]]:
    """A payment's ledger entries as (kind, idempotency key), by kind."""
    return query(
        settings.resolved_database_url,
        "SELECT kind, idempotency_key FROM ledger_entries WHERE payment_id = :p ORDER BY kind",
        p=payment_id,
    )


def ledger_verify(database_url: str, data_dir: str) -> tuple[int, str]:
    """`flash-server ledger verify` as a real child process: (exit status, output)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "FLASH_DATABASE_URL": database_url, "FLASH_DATA_DIR": data_dir}
    done = subprocess.run(
        [sys.executable, "-m", "server", "ledger", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr
