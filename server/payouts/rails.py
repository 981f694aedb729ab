"""The ways a payout can reach a creator, each live or sandboxed by its settings.

M-Pesa (Daraja B2C) only for now: MTN MoMo and Orange Money disbursements answer
422 `method_unavailable` until their clients exist.
"""

from dataclasses import dataclass
from typing import Literal

from server.config import Settings
from server.contract.money import minor_per_major
from server.contract.payments import phone_region
from server.contract.payouts import PayoutMethod
from server.errors import InvalidInput
from server.providers.mpesa import DarajaConnection
from server.providers.mpesa_b2c import B2CAccepted, B2CApi, DarajaB2CClient
from server.providers.mpesa_b2c_sandbox import SandboxMpesaB2C

MPESA_CURRENCY = "KES"
CENTS_PER_SHILLING = minor_per_major(MPESA_CURRENCY)
MIN_SHILLINGS = 10  # Daraja refuses smaller B2C payments
MAX_SHILLINGS = 150_000  # Safaricom's ceiling for one B2C payment

# Daraja B2C ResultCode → our failure code. Anything not listed is `provider_declined`.
MPESA_FAILURES: dict[int, str] = {
    1: "provider_insufficient_funds",
    2040: "recipient_unregistered",
}


@dataclass(frozen=True)
class PayoutRequest:
    payout_id: str
    amount: int  # minor units
    phone: str  # E.164
    result_url: str  # carries the payout's unguessable callback token
    timeout_url: str


class MpesaPayoutRail:
    """KES in whole shillings to a Kenyan M-Pesa number, by Daraja B2C or its sandbox."""

    method = PayoutMethod.MPESA
    provider = "mpesa_b2c"

    def __init__(self, api: B2CApi, mode: Literal["live", "sandbox"]) -> None:
        self.api = api
        self.mode: Literal["live", "sandbox"] = mode

    def check(self, amount: int, currency: str, phone: str) -> None:
        if currency != MPESA_CURRENCY:
            raise InvalidInput(
                f"M-Pesa pays out KES only, not {currency}",
                code="currency_unsupported",
                details={"field": "currency"},
            )
        if amount % CENTS_PER_SHILLING:
            raise InvalidInput(
                "M-Pesa pays whole shillings: amount is in cents and must be a multiple of 100",
                code="whole_units_only",
                details={"field": "amount"},
            )
        shillings = amount // CENTS_PER_SHILLING
        if shillings < MIN_SHILLINGS:
            raise InvalidInput(
                f"the smallest M-Pesa payout is KES {MIN_SHILLINGS}",
                code="amount_too_small",
                details={"field": "amount", "minimum": MIN_SHILLINGS * CENTS_PER_SHILLING},
            )
        if shillings > MAX_SHILLINGS:
            raise InvalidInput(
                f"M-Pesa pays out at most KES {MAX_SHILLINGS} at once",
                code="amount_too_large",
                details={"field": "amount", "maximum": MAX_SHILLINGS * CENTS_PER_SHILLING},
            )
        if phone_region(phone) != "KE":
            raise InvalidInput(
                "M-Pesa needs a Kenyan phone number (+254...)",
                code="phone_unsupported",
                details={"field": "phone"},
            )

    async def send(self, request: PayoutRequest) -> B2CAccepted:
        return await self.api.send(
            originator_conversation_id=request.payout_id,
            phone=request.phone.removeprefix("+"),
            amount=request.amount // CENTS_PER_SHILLING,
            remarks="Flash Africa payout",
            result_url=request.result_url,
            timeout_url=request.timeout_url,
        )

    async def query_status(self, payout_id: str, result_url: str, timeout_url: str) -> None:
        await self.api.query_status(
            originator_conversation_id=payout_id, result_url=result_url, timeout_url=timeout_url
        )

    def amount_matches(self, amount: int, reported: int | None) -> bool:
        return reported is not None and reported * CENTS_PER_SHILLING == amount

    def failure_code(self, result_code: int) -> str:
        return MPESA_FAILURES.get(result_code, "provider_declined")

    async def aclose(self) -> None:
        await self.api.aclose()


class PayoutRails:
    def __init__(self, rails: dict[PayoutMethod, MpesaPayoutRail]) -> None:
        self._rails = rails

    def for_method(self, method: PayoutMethod) -> MpesaPayoutRail:
        rail = self._rails.get(method)
        if rail is None:
            raise InvalidInput(
                f"{method.value} payouts are not available on this server yet; use M-Pesa",
                code="method_unavailable",
                details={"field": "method"},
            )
        return rail

    async def aclose(self) -> None:
        for rail in self._rails.values():
            await rail.aclose()


def build_rails(settings: Settings) -> PayoutRails:
    """Live where the provider's settings are all set, its sandbox otherwise."""
    api: B2CApi
    if settings.provider_modes()["mpesa_b2c"] == "live":
        assert settings.mpesa_consumer_key and settings.mpesa_consumer_secret
        assert settings.mpesa_b2c_shortcode and settings.mpesa_b2c_initiator_name
        assert settings.mpesa_b2c_security_credential
        connection = DarajaConnection(
            base_url=settings.mpesa_base_url,
            consumer_key=settings.mpesa_consumer_key,
            consumer_secret=settings.mpesa_consumer_secret,
            timeout_s=settings.mpesa_timeout_s,
        )
        api = DarajaB2CClient(
            connection,
            shortcode=settings.mpesa_b2c_shortcode,
            initiator_name=settings.mpesa_b2c_initiator_name,
            security_credential=settings.mpesa_b2c_security_credential,
        )
        mode: Literal["live", "sandbox"] = "live"
    else:
        api = SandboxMpesaB2C(delay_s=settings.mpesa_sandbox_delay_s)
        mode = "sandbox"
    return PayoutRails({PayoutMethod.MPESA: MpesaPayoutRail(api, mode)})
