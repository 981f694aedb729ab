"""`MomoCollections` against the local MoMo, and the MoMo sandbox on its own."""

import asyncio
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.errors import InvalidInput
from server.payments.gateways.mtn_momo import MomoGateway, momo_amount
from server.providers.errors import ProviderRefused, ProviderUnreachable
from server.providers.mtn_momo import (
    COLLECTION,
    MomoCollections,
    MomoCredentials,
    RequestToPay,
    momo_reference_id,
    parse_status,
)
from server.providers.mtn_momo_sandbox import SandboxMomo
from tests.support.fake_momo import API_KEY, API_USER, SUBSCRIPTION_KEY, FakeMomo
from tests.support.live_server import free_port, serve

MSISDN = "256772123456"


def client(base_url: str, **credentials: str) -> MomoCollections:
    return MomoCollections(
        base_url=base_url,
        credentials=MomoCredentials(
            **{
                "api_user": API_USER,
                "api_key": API_KEY,
                "subscription_key": SUBSCRIPTION_KEY,
                **credentials,
            }
        ),
        target_environment="sandbox",
        timeout_s=5,
    )


def request(reference: str, msisdn: str = MSISDN, currency: str = "EUR") -> RequestToPay:
    return RequestToPay(
        reference_id=reference,
        amount="5000",
        currency=currency,
        external_id="pay-1",
        payer_msisdn=msisdn,
        payer_message="Flash Africa",
        payee_note="Flash Africa payment pay-1",
        callback_url="http://127.0.0.1:9/api/v1/webhooks/mtn-momo/token",
    )


def test_a_reference_is_one_uuid4_per_product_and_record() -> None:
    first = momo_reference_id(COLLECTION, "pay-1")
    assert first == momo_reference_id(COLLECTION, "pay-1")
    assert uuid.UUID(first).version == 4
    assert first != momo_reference_id(COLLECTION, "pay-2")
    assert first != momo_reference_id("disbursement", "pay-1")


def test_amounts_go_in_major_units_as_strings() -> None:
    assert momo_amount(5000, "UGX") == "5000"
    assert momo_amount(1250, "GHS") == "12.50"
    assert momo_amount(100, "GHS") == "1.00"


async def test_the_target_environment_decides_the_money_taken() -> None:
    sandbox = SandboxMomo(delay_s=0)
    uganda = MomoGateway(sandbox, "live", "mtnuganda")
    uganda.check(5_000, "UGX", "+256772123456")
    with pytest.raises(InvalidInput) as refused:
        uganda.check(1_000, "GHS", "+233241234567")
    assert refused.value.code == "currency_unsupported"
    everywhere = MomoGateway(sandbox, "sandbox", "sandbox")
    everywhere.check(1_000, "GHS", "+233241234567")
    everywhere.check(1_000, "XAF", "+237671234567")
    with pytest.raises(InvalidInput) as unknown:
        MomoGateway(sandbox, "live", "mtnatlantis").check(5_000, "UGX", "+256772123456")
    assert unknown.value.code == "method_unavailable"
    await sandbox.aclose()


def test_an_older_reason_object_is_read_as_its_code() -> None:
    answer = parse_status(
        {"status": "FAILED", "reason": {"code": "NOT_ENOUGH_FUNDS", "message": "..."}}
    )
    assert (answer.status, answer.reason, answer.financial_transaction_id) == (
        "FAILED",
        "NOT_ENOUGH_FUNDS",
        None,
    )


async def test_request_then_status_until_the_payer_answers(momo: FakeMomo) -> None:
    momo.behave(MSISDN, status="FAILED", reason="APPROVAL_REJECTED", answers=False, callback="drop")
    collections = client(momo.url)
    reference = momo_reference_id(COLLECTION, "pay-1")
    await collections.request_to_pay(request(reference))
    created = momo.requests[reference]
    assert created.body["payer"] == {"partyIdType": "MSISDN", "partyId": MSISDN}
    assert created.callback_url.endswith("/webhooks/mtn-momo/token")
    assert (await collections.request_to_pay_status(reference)).status == "PENDING"
    momo.complete(reference)
    answer = await collections.request_to_pay_status(reference)
    assert (answer.status, answer.reason, answer.external_id) == (
        "FAILED",
        "APPROVAL_REJECTED",
        "pay-1",
    )
    await collections.request_to_pay(request(reference))  # a retry meets MoMo's 409
    assert (momo.duplicates, len(momo.requests), momo.token_requests) == (1, 1, 1)
    await collections.aclose()


async def test_the_token_is_renewed_when_momo_refuses_it(momo: FakeMomo) -> None:
    momo.behave(MSISDN, callback="drop")  # no app listens for it here
    collections = client(momo.url)
    reference = momo_reference_id(COLLECTION, "pay-1")
    await collections.request_to_pay(request(reference))
    momo.expire_tokens()
    assert (await collections.request_to_pay_status(reference)).status == "SUCCESSFUL"
    assert momo.token_requests == 2
    await collections.aclose()


async def test_failures_are_told_apart(momo: FakeMomo) -> None:
    collections = client(momo.url)
    with pytest.raises(ProviderRefused) as refused:
        await collections.request_to_pay_status(str(uuid.uuid4()))
    assert refused.value.code == "RESOURCE_NOT_FOUND"
    momo.down = True
    with pytest.raises(ProviderUnreachable):
        await collections.request_to_pay(request(momo_reference_id(COLLECTION, "pay-2")))
    await collections.aclose()
    nobody = client(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ProviderUnreachable):
        await nobody.request_to_pay(request(momo_reference_id(COLLECTION, "pay-3")))
    await nobody.aclose()


@pytest.mark.parametrize("wrong", [{"api_key": "wrong"}, {"subscription_key": "wrong"}])
async def test_wrong_credentials_are_unreachable_not_refused(
    momo: FakeMomo, wrong: dict[str, str]
) -> None:
    collections = client(momo.url, **wrong)
    with pytest.raises(ProviderUnreachable, match="token"):
        await collections.request_to_pay(request(momo_reference_id(COLLECTION, "pay-1")))
    assert momo.requests == {}
    await collections.aclose()


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_the_sandbox_answers_like_momo_and_survives_a_restart(tmp_path: Path) -> None:
    clock, store = Clock(), tmp_path / "momo-sandbox.jsonl"
    sandbox = SandboxMomo(store=store, delay_s=2.0, clock=clock)
    reference = momo_reference_id(COLLECTION, "pay-1")
    await sandbox.request_to_pay(request(reference, msisdn="256772340004"))
    await sandbox.request_to_pay(request(reference, msisdn="256772340004"))  # a retry: no new one
    assert len(store.read_text().splitlines()) == 1
    assert (await sandbox.request_to_pay_status(reference)).status == "PENDING"
    clock.now += 2.5
    restarted = SandboxMomo(store=store, delay_s=2.0, clock=clock)
    answer = await restarted.request_to_pay_status(reference)
    assert (answer.status, answer.reason, answer.amount) == ("FAILED", "EXPIRED", "5000")
    await asyncio.gather(sandbox.aclose(), restarted.aclose())


async def test_the_sandbox_refuses_what_momos_sandbox_refuses() -> None:
    sandbox = SandboxMomo(delay_s=0)
    with pytest.raises(ProviderRefused, match="RESOURCE_NOT_FOUND"):
        await sandbox.request_to_pay_status(str(uuid.uuid4()))
    with pytest.raises(ProviderRefused, match="INVALID_REFERENCE_ID"):
        await sandbox.request_to_pay(request("not-a-uuid"))
    with pytest.raises(ProviderRefused, match="INVALID_CURRENCY"):
        await sandbox.request_to_pay(request(str(uuid.uuid4()), currency="UGX"))
    with pytest.raises(ProviderRefused, match="PAYER_NOT_FOUND"):
        await sandbox.request_to_pay(request(str(uuid.uuid4()), msisdn="+256772123456"))
    await sandbox.aclose()


async def test_the_sandbox_calls_back_with_a_put_of_momos_body() -> None:
    received: list[tuple[str, dict[str, object]]] = []

    async def callback(call: Request) -> JSONResponse:
        received.append((call.method, await call.json()))
        return JSONResponse({"received": True})

    app = Starlette(routes=[Route("/webhooks/mtn-momo/token", callback, methods=["PUT", "POST"])])
    with serve(app) as listener:
        sandbox = SandboxMomo(delay_s=0)
        reference = momo_reference_id(COLLECTION, "pay-1")
        await sandbox.request_to_pay(
            replace(request(reference), callback_url=f"{listener.url}/webhooks/mtn-momo/token")
        )
        for _ in range(500):
            if received:
                break
            await asyncio.sleep(0.01)
        await sandbox.aclose()
    method, body = received[0]
    assert method == "PUT"
    assert body["status"] == "SUCCESSFUL" and body["externalId"] == "pay-1"
    assert body["payer"] == {"partyIdType": "MSISDN", "partyId": MSISDN}
    assert body["financialTransactionId"] and "reason" not in body
