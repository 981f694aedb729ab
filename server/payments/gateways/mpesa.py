"""M-Pesa as a payment method: KES in whole shillings, STK push, outcome by STK query.

The same gateway drives Daraja and the sandbox through `StkApi`, so the sandbox
exercises every line a live payment does.
"""

from typing import Any, Literal

from server.contract.money import minor_per_major
from server.contract.payments import (
    ApproveOnPhone,
    NextAction,
    PaymentMethod,
    PaymentStatus,
    phone_region,
)
from server.errors import InvalidInput
from server.payments.gateways.base import ChargeRequest, ChargeStarted, ProviderOutcome
from server.payments.reasons import approve_on_phone_message
from server.providers.mpesa import StkApi

CURRENCY = "KES"
CENTS_PER_SHILLING = minor_per_major(CURRENCY)
MAX_SHILLINGS = 250_000  # Safaricom's ceiling for one M-Pesa payment

# Daraja ResultCode → (status, our failure code). Anything not listed is a failure.
RESULTS: dict[int, tuple[PaymentStatus, str | None]] = {
    0: (PaymentStatus.SUCCEEDED, None),
    1032: (PaymentStatus.CANCELLED, "payer_cancelled"),
    1037: (PaymentStatus.EXPIRED, "payer_timeout"),
    1: (PaymentStatus.FAILED, "insufficient_funds"),
    2001: (PaymentStatus.FAILED, "wrong_pin"),
}


class MpesaGateway:
    method = PaymentMethod.MPESA
    provider = "mpesa"

    def __init__(self, api: StkApi, mode: Literal["live", "sandbox"]) -> None:
        self.api = api
        self.mode: Literal["live", "sandbox"] = mode

    def check(self, amount: int, currency: str, phone: str | None) -> None:
        if currency != CURRENCY:
            raise InvalidInput(
                f"M-Pesa takes KES only, not {currency}",
                code="currency_unsupported",
                details={"field": "currency"},
            )
        if amount % CENTS_PER_SHILLING:
            raise InvalidInput(
                "M-Pesa takes whole shillings: amount is in cents and must be a multiple of 100",
                code="whole_units_only",
                details={"field": "amount"},
            )
        if amount > MAX_SHILLINGS * CENTS_PER_SHILLING:
            raise InvalidInput(
                f"M-Pesa takes at most KES {MAX_SHILLINGS} in one payment",
                code="amount_too_large",
                details={"field": "amount"},
            )
        if phone is None:
            raise InvalidInput(
                "phone is required for M-Pesa", code="phone_required", details={"field": "phone"}
            )
        if phone_region(phone) != "KE":
            raise InvalidInput(
                "M-Pesa needs a Kenyan phone number (+254...)",
                code="phone_unsupported",
                details={"field": "phone"},
            )

    async def start(self, charge: ChargeRequest) -> ChargeStarted:
        assert charge.phone is not None  # check() refused a payment without one
        accepted = await self.api.stk_push(
            phone=charge.phone.removeprefix("+"),
            amount=charge.amount // CENTS_PER_SHILLING,
            account_reference=f"FA{charge.payment_id[:10]}",
            description="Flash Africa",
            callback_url=charge.callback_url,
        )
        return ChargeStarted(
            provider_ref=accepted.checkout_request_id,
            next_action=self.next_action(charge.amount, charge.currency, charge.language),
        )

    async def outcome(self, provider_ref: str) -> ProviderOutcome | None:
        result = await self.api.stk_query(provider_ref)
        if result is None:
            return None
        status, failure = RESULTS.get(
            result.result_code, (PaymentStatus.FAILED, "provider_declined")
        )
        return ProviderOutcome(status, failure, str(result.result_code))

    def claimed_ref(self, callback: Any) -> str | None:
        try:
            ref = callback["Body"]["stkCallback"]["CheckoutRequestID"]
        except (KeyError, TypeError):
            return None
        return ref if isinstance(ref, str) and 0 < len(ref) <= 100 else None

    def next_action(self, amount: int, currency: str, language: str) -> NextAction | None:
        return ApproveOnPhone(
            message=approve_on_phone_message("M-Pesa", amount, currency, language)
        )

    async def aclose(self) -> None:
        await self.api.aclose()
