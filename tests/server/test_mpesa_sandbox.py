"""The M-Pesa sandbox: Daraja's states and callbacks, outcomes chosen by the phone number."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.config import Settings
from server.providers.errors import ProviderRefused
from server.providers.mpesa_sandbox import OUTCOMES, SandboxMpesa
from tests.support.live_server import LiveServer, serve
from tests.support.payments import pay, query, register, serve_money_app, tip, wait_for_status

README = Path(__file__).resolve().parents[2] / "README.md"

TABLE = [
    ("+254712340001", "cancelled", "payer_cancelled"),
    ("+254712340002", "failed", "insufficient_funds"),
    ("+254712340003", "failed", "wrong_pin"),
    ("+254712340004", "expired", "payer_timeout"),
    ("+254712349999", "succeeded", None),
]


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    settings.mpesa_sandbox_delay_s = 0.1
    with serve_money_app(settings) as live:
        yield live


@pytest.mark.parametrize(("phone", "status", "failure"), TABLE)
def test_the_phone_number_chooses_the_outcome(
    server: LiveServer, settings: Settings, phone: str, status: str, failure: str | None
) -> None:
    with server.client() as client:
        creator_id, _ = register(client)
        _, fan = register(client, role="fan")
        created = pay(client, fan, tip(creator_id, phone=phone)).json()
        assert created["status"] == "pending"
        # The sweeper only looks after a minute: the sandbox's callback settles this one.
        done = wait_for_status(client, fan, created["id"])
    assert done["status"] == status
    assert (done["failure_reason"] or {}).get("code") == failure
    entries = query(
        settings.resolved_database_url,
        "SELECT COUNT(*) FROM ledger_entries WHERE payment_id = :p",
        p=created["id"],
    )
    assert entries == [(2 if status == "succeeded" else 0,)]


def test_a_lost_sandbox_callback_is_settled_by_the_sweeper(settings: Settings) -> None:
    settings.mpesa_sandbox_delay_s = 0.1
    settings.payment_query_after_s = 0
    settings.payment_sweep_interval_s = 0.1
    with serve_money_app(settings) as server, server.client() as client:
        creator_id, _ = register(client)
        _, fan = register(client, role="fan")
        created = pay(client, fan, tip(creator_id, phone="+254712340005")).json()
        assert wait_for_status(client, fan, created["id"])["status"] == "succeeded"


def test_health_says_mpesa_is_sandboxed(server: LiveServer) -> None:
    with server.client() as client:
        health = client.get("/health").json()
    assert {"name": "mpesa", "mode": "sandbox"} in health["providers"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_the_query_answers_like_daraja_and_survives_a_restart() -> None:
    clock = Clock()
    sandbox = SandboxMpesa(delay_s=2.0, clock=clock)
    accepted = await sandbox.stk_push(
        phone="254712340001",
        amount=100,
        account_reference="FA0123456789",
        description="Flash Africa",
        callback_url="http://127.0.0.1:9/unreachable",
    )
    assert accepted.checkout_request_id.startswith("ws_CO_")
    assert await sandbox.stk_query(accepted.checkout_request_id) is None  # still processing
    clock.now += 2.5
    restarted = SandboxMpesa(delay_s=2.0, clock=clock)
    result = await restarted.stk_query(accepted.checkout_request_id)
    assert result is not None and (result.result_code, result.result_desc) == (
        1032,
        "Request cancelled by user",
    )
    await asyncio.gather(sandbox.aclose(), restarted.aclose())


async def test_the_sandbox_refuses_what_daraja_refuses() -> None:
    sandbox = SandboxMpesa(delay_s=0)
    with pytest.raises(ProviderRefused):
        await sandbox.stk_query("ws_CO_not_one_of_ours")
    with pytest.raises(ProviderRefused):
        await sandbox.stk_push(
            phone="0712345678",
            amount=1,
            account_reference="x",
            description="x",
            callback_url="http://127.0.0.1:9/x",
        )
    await sandbox.aclose()


async def test_the_sandbox_calls_back_with_darajas_body() -> None:
    received: list[dict[str, object]] = []

    async def webhook(request: Request) -> JSONResponse:
        received.append(await request.json())
        return JSONResponse({"ResultCode": 0})

    app = Starlette(routes=[Route("/api/v1/webhooks/mpesa/token", webhook, methods=["POST"])])
    sandbox = SandboxMpesa(delay_s=0)
    with serve(app) as ours:
        accepted = await sandbox.stk_push(
            phone="254712345678",
            amount=250,
            account_reference="FA0123456789",
            description="Flash Africa",
            callback_url=f"{ours.api}/webhooks/mpesa/token",
        )
        for _ in range(500):
            if received:
                break
            await asyncio.sleep(0.01)
        await sandbox.aclose()
    callback = received[0]["Body"]["stkCallback"]  # type: ignore[index]
    assert callback["CheckoutRequestID"] == accepted.checkout_request_id
    assert callback["ResultCode"] == 0
    items = {item["Name"]: item.get("Value") for item in callback["CallbackMetadata"]["Item"]}
    assert items["Amount"] == 250 and items["PhoneNumber"] == 254712345678
    assert str(items["MpesaReceiptNumber"]).startswith("SBX")


def test_the_readme_documents_the_sandbox_table() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Sandbox payments", 1)[1].split("\n## ", 1)[0]
    for suffix, outcome in OUTCOMES.items():
        row = next(line for line in section.splitlines() if f"`{suffix}`" in line)
        assert str(outcome.result_code) in row
