"""`MomoDisbursements` against the local MoMo (token, transfer, status, the PUT callback),
the disbursements sandbox on its own, and what `MomoPayoutRail` checks and believes."""

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.contract.payouts import PayoutStatus
from server.errors import InvalidInput
from server.payouts.models import PayoutRow
from server.payouts.rails import MomoPayoutRail, OutcomeMismatch, PayoutRequest
from server.providers.errors import ProviderRefused, ProviderUncertain, ProviderUnreachable
from server.providers.mtn_momo import COLLECTION, MomoCredentials, momo_reference_id
from server.providers.mtn_momo_disbursement import (
    DISBURSEMENT,
    MomoDisbursements,
    Transfer,
    TransferStatus,
)
from server.providers.mtn_momo_disbursement_sandbox import SandboxMomoDisbursement
from tests.support.fake_momo import (
    API_KEY,
    API_USER,
    DISBURSEMENT_API_KEY,
    DISBURSEMENT_API_USER,
    DISBURSEMENT_SUBSCRIPTION_KEY,
    SUBSCRIPTION_KEY,
    FakeMomo,
)
from tests.support.live_server import serve

MSISDN = "256772123456"


def client(base_url: str, **credentials: str) -> MomoDisbursements:
    return MomoDisbursements(
        base_url=base_url,
        credentials=MomoCredentials(
            **{
                "api_user": DISBURSEMENT_API_USER,
                "api_key": DISBURSEMENT_API_KEY,
                "subscription_key": DISBURSEMENT_SUBSCRIPTION_KEY,
                **credentials,
            }
        ),
        target_environment="sandbox",
        timeout_s=5,
    )


def transfer(payout_id: str = "po-1", msisdn: str = MSISDN, currency: str = "EUR") -> Transfer:
    return Transfer(
        reference_id=momo_reference_id(DISBURSEMENT, payout_id),
        amount="5000",
        currency=currency,
        external_id=payout_id,
        payee_msisdn=msisdn,
        payer_message="Flash Africa payout",
        payee_note=f"Flash Africa payout {payout_id}",
        callback_url="http://127.0.0.1:9/api/v1/webhooks/mtn-momo-payout/token",
    )


def test_a_payouts_reference_is_its_own_uuid4() -> None:
    reference = momo_reference_id(DISBURSEMENT, "po-1")
    assert reference == momo_reference_id(DISBURSEMENT, "po-1")
    assert uuid.UUID(reference).version == 4
    assert reference != momo_reference_id(COLLECTION, "po-1")


async def test_transfer_then_status_until_it_ends(momo: FakeMomo) -> None:
    momo.behave(MSISDN, status="FAILED", reason="PAYEE_NOT_FOUND", answers=False, callback="drop")
    disbursements = client(momo.url)
    sent = transfer()
    await disbursements.transfer(sent)
    created = momo.transfers[sent.reference_id]
    assert created.body["payee"] == {"partyIdType": "MSISDN", "partyId": MSISDN}
    assert (created.body["amount"], created.body["externalId"]) == ("5000", "po-1")
    assert created.callback_url.endswith("/webhooks/mtn-momo-payout/token")
    assert created.target_environment == "sandbox"
    assert (await disbursements.transfer_status(sent.reference_id)).status == "PENDING"
    momo.complete(sent.reference_id)
    answer = await disbursements.transfer_status(sent.reference_id)
    assert (answer.status, answer.reason, answer.external_id) == (
        "FAILED",
        "PAYEE_NOT_FOUND",
        "po-1",
    )
    await disbursements.transfer(sent)  # a retry meets MoMo's 409: nothing new
    assert (momo.duplicates, len(momo.transfers), momo.disbursement_token_requests) == (1, 1, 1)
    assert momo.requests == {} and momo.token_requests == 0  # Collections never asked
    await disbursements.aclose()


async def test_a_successful_transfer_names_its_transaction(momo: FakeMomo) -> None:
    momo.behave(MSISDN, callback="drop")
    disbursements = client(momo.url)
    sent = transfer()
    await disbursements.transfer(sent)
    answer = await disbursements.transfer_status(sent.reference_id)
    assert (answer.status, answer.amount, answer.currency) == ("SUCCESSFUL", "5000", "EUR")
    assert answer.financial_transaction_id
    await disbursements.aclose()


@pytest.mark.parametrize(
    "wrong",
    [
        {"api_key": "wrong"},
        {"subscription_key": SUBSCRIPTION_KEY},  # the collections key is not this product's
        {"api_user": API_USER, "api_key": API_KEY},
    ],
)
async def test_collection_credentials_do_not_open_disbursements(
    momo: FakeMomo, wrong: dict[str, str]
) -> None:
    disbursements = client(momo.url, **wrong)
    with pytest.raises(ProviderUnreachable, match="token"):
        await disbursements.transfer(transfer())
    assert momo.transfers == {}
    await disbursements.aclose()


async def test_failures_are_told_apart(momo: FakeMomo) -> None:
    disbursements = client(momo.url)
    with pytest.raises(ProviderRefused) as refused:
        await disbursements.transfer_status(str(uuid.uuid4()))
    assert refused.value.code == "RESOURCE_NOT_FOUND"
    momo.transfers_down = True  # a 5xx may follow a created transfer: never "unsent" on its own
    with pytest.raises(ProviderUncertain):
        await disbursements.transfer(transfer("po-2"))
    momo.transfers_down = False
    momo.down = True
    with pytest.raises(ProviderUnreachable):
        await disbursements.transfer_status(transfer("po-2").reference_id)
    await disbursements.aclose()


async def test_momo_puts_the_status_body_on_the_callback_url(momo: FakeMomo) -> None:
    received: list[tuple[str, dict[str, Any]]] = []

    async def callback(call: Request) -> JSONResponse:
        received.append((call.method, await call.json()))
        return JSONResponse({"received": True})

    route = "/api/v1/webhooks/mtn-momo-payout/token"
    app = Starlette(routes=[Route(route, callback, methods=["PUT", "POST"])])
    with serve(app) as listener:
        disbursements = client(momo.url)
        await disbursements.transfer(replace(transfer(), callback_url=f"{listener.url}{route}"))
        for _ in range(500):
            if received:
                break
            await asyncio.sleep(0.01)
        await disbursements.aclose()
    method, body = received[0]
    assert method == "PUT"
    assert (body["status"], body["externalId"], body["amount"]) == ("SUCCESSFUL", "po-1", "5000")
    assert body["payee"] == {"partyIdType": "MSISDN", "partyId": MSISDN}
    assert body["financialTransactionId"] and "reason" not in body


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("ending", "status", "reason"),
    [
        ("0001", "FAILED", "NOT_ALLOWED"),
        ("0002", "FAILED", "NOT_ENOUGH_FUNDS"),
        ("0003", "FAILED", "PAYEE_NOT_FOUND"),
        ("0004", "FAILED", "INTERNAL_PROCESSING_ERROR"),
        ("0005", "SUCCESSFUL", None),
        ("3456", "SUCCESSFUL", None),
    ],
)
async def test_the_sandbox_chooses_by_the_last_four_digits(
    ending: str, status: str, reason: str | None
) -> None:
    clock = Clock()
    sandbox = SandboxMomoDisbursement(delay_s=2.0, clock=clock)
    sent = transfer(msisdn=f"25677234{ending}")
    await sandbox.transfer(sent)
    await sandbox.transfer(sent)  # a retry under the same reference: still one transfer
    assert (await sandbox.transfer_status(sent.reference_id)).status == "PENDING"
    clock.now += 2.5
    answer = await sandbox.transfer_status(sent.reference_id)
    assert (answer.status, answer.reason) == (status, reason)
    assert bool(answer.financial_transaction_id) == (status == "SUCCESSFUL")
    await sandbox.aclose()


async def test_the_sandbox_refuses_what_momos_sandbox_refuses() -> None:
    sandbox = SandboxMomoDisbursement(delay_s=0)
    with pytest.raises(ProviderRefused, match="RESOURCE_NOT_FOUND"):
        await sandbox.transfer_status(str(uuid.uuid4()))
    with pytest.raises(ProviderRefused, match="INVALID_REFERENCE_ID"):
        await sandbox.transfer(replace(transfer(), reference_id="not-a-uuid"))
    with pytest.raises(ProviderRefused, match="INVALID_CURRENCY"):
        await sandbox.transfer(transfer(currency="UGX"))
    with pytest.raises(ProviderRefused, match="PAYEE_NOT_FOUND"):
        await sandbox.transfer(transfer(msisdn="+256772123456"))
    await sandbox.aclose()


async def test_the_sandbox_calls_back_with_a_put_unless_the_number_loses_it() -> None:
    received: list[tuple[str, dict[str, Any]]] = []

    async def callback(call: Request) -> JSONResponse:
        received.append((call.method, await call.json()))
        return JSONResponse({"received": True})

    app = Starlette(routes=[Route("/cb/{who}", callback, methods=["PUT"])])
    with serve(app) as listener:
        sandbox = SandboxMomoDisbursement(delay_s=0)
        await sandbox.transfer(
            replace(transfer("po-1", "256772340003"), callback_url=f"{listener.url}/cb/a")
        )
        await sandbox.transfer(
            replace(transfer("po-2", "256772340005"), callback_url=f"{listener.url}/cb/b")
        )
        for _ in range(500):
            if received:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        await sandbox.aclose()
    assert len(received) == 1  # `0005`: the callback is lost, the sweeper settles it
    method, body = received[0]
    assert (method, body["status"], body["reason"], body["externalId"]) == (
        "PUT",
        "FAILED",
        "PAYEE_NOT_FOUND",
        "po-1",
    )


# --- the rail ------------------------------------------------------------------------------


def payout(amount: int = 5_000, currency: str = "UGX", payout_id: str = "po-1") -> PayoutRow:
    now = datetime.now(UTC)
    return PayoutRow(
        id=payout_id,
        creator_id="c",
        amount=amount,
        currency=currency,
        method="mtn_momo",
        provider="mtn_momo_payout",
        phone="+256772123456",
        status="pending",
        created_at=now,
        updated_at=now,
    )


async def test_the_rail_pays_the_markets_of_its_environment() -> None:
    sandbox = SandboxMomoDisbursement(delay_s=0)
    uganda = MomoPayoutRail(sandbox, "live", "mtnuganda")
    uganda.check(5_000, "UGX", "+256772123456")
    refusals = [
        (uganda, 5_000, "KES", "+256772123456", "currency_unsupported"),
        (uganda, 100, "UGX", "+256772123456", "amount_too_small"),
        (uganda, 5_000_001, "UGX", "+256772123456", "amount_too_large"),
        (uganda, 5_000, "UGX", "+254712345678", "phone_unsupported"),
        (MomoPayoutRail(sandbox, "live", "mtnatlantis"), 5_000, "UGX", "+256772123456", None),
    ]
    for rail, amount, currency, phone, code in refusals:
        with pytest.raises(InvalidInput) as refused:
            rail.check(amount, currency, phone)
        assert refused.value.code == (code or "method_unavailable")
    everywhere = MomoPayoutRail(sandbox, "sandbox", "sandbox")
    everywhere.check(1_000, "GHS", "+233241234567")
    everywhere.check(1_000, "XAF", "+237671234567")
    assert len(MomoPayoutRail.provider) <= 16  # the payouts.provider column
    await sandbox.aclose()


def status(**overrides: Any) -> TransferStatus:
    values: dict[str, Any] = {
        "status": "SUCCESSFUL",
        "reason": None,
        "financial_transaction_id": "12345",
        "amount": "5000",
        "currency": "UGX",
        "external_id": "po-1",
        **overrides,
    }
    return TransferStatus(**values)


async def test_the_rail_believes_only_an_answer_about_this_payout() -> None:
    sandbox = SandboxMomoDisbursement(delay_s=0)
    rail = MomoPayoutRail(sandbox, "live", "mtnuganda")
    ref = momo_reference_id(DISBURSEMENT, "po-1")
    paid = rail.read(payout(), ref, status(amount="5000.00"))
    assert paid is not None and (paid.status, paid.transaction_id, paid.conversation_id) == (
        PayoutStatus.SUCCEEDED,
        "12345",
        ref,
    )
    assert rail.read(payout(), ref, status(status="PENDING")) is None
    failed = rail.read(payout(), ref, status(status="FAILED", reason="NOT_ENOUGH_FUNDS"))
    assert failed is not None and failed.failure_code == "provider_insufficient_funds"
    other = rail.read(payout(), ref, status(status="FAILED", reason="SOMETHING_NEW"))
    assert other is not None and other.failure_code == "provider_declined"
    for forged in (
        status(amount="9000"),
        status(currency="GHS"),
        status(external_id="po-2"),
        status(financial_transaction_id=None),
    ):
        with pytest.raises(OutcomeMismatch):
            rail.read(payout(), ref, forged)
    await sandbox.aclose()


async def test_the_rail_sends_eur_in_momos_sandbox_and_the_sandbox_confirms() -> None:
    sandbox = SandboxMomoDisbursement(delay_s=0)
    rail = MomoPayoutRail(sandbox, "sandbox", "sandbox")
    request = PayoutRequest("po-1", 5_000, "UGX", "+256772123456", "http://127.0.0.1:9/x", "")
    accepted = await rail.send(request)
    assert accepted.conversation_id == momo_reference_id(DISBURSEMENT, "po-1")
    outcome = await rail.query_status(payout(), "", "")
    assert outcome is not None and outcome.status is PayoutStatus.SUCCEEDED
    assert await rail.query_status(payout(payout_id="po-unknown"), "", "") is None
    await sandbox.aclose()
