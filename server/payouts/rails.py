"""The ways a payout can reach a creator, each live or sandboxed by its settings.

M-Pesa (Daraja B2C) and MTN MoMo (Disbursements' transfer) each have a rail, and
both satisfy `PayoutRail`, which is all the payouts workflows use. Orange Money
answers 422 `method_unavailable`: Orange publishes no public disbursement API.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal, Protocol

from server.config import Settings
from server.contract.money import minimum_amount, minor_per_major
from server.contract.payments import phone_region
from server.contract.payouts import PayoutMethod, PayoutStatus
from server.errors import InvalidInput
from server.payments.gateways.mtn_momo import MARKETS, SANDBOX_ENVIRONMENT, Market, momo_amount
from server.payouts.models import PayoutRow
from server.providers.errors import (
    ProviderError,
    ProviderRefused,
    ProviderUncertain,
    ProviderUnreachable,
)
from server.providers.mpesa import DarajaConnection
from server.providers.mpesa_b2c import B2CApi, DarajaB2CClient
from server.providers.mpesa_b2c_sandbox import SandboxMpesaB2C
from server.providers.mtn_momo import MomoCredentials, momo_reference_id
from server.providers.mtn_momo_disbursement import (
    DISBURSEMENT,
    NOT_FOUND,
    DisbursementApi,
    MomoDisbursements,
    Transfer,
    TransferStatus,
)
from server.providers.mtn_momo_disbursement_sandbox import SandboxMomoDisbursement

MPESA_CURRENCY = "KES"
CENTS_PER_SHILLING = minor_per_major(MPESA_CURRENCY)
MIN_SHILLINGS = 10  # Daraja refuses smaller B2C payments
MAX_SHILLINGS = 150_000  # Safaricom's ceiling for one B2C payment

# Daraja B2C ResultCode → our failure code. Anything not listed is `provider_declined`.
MPESA_FAILURES: dict[int, str] = {
    1: "provider_insufficient_funds",
    2040: "recipient_unregistered",
}


# MoMo transfer `reason` → our failure code. Anything not listed is `provider_declined`.
MOMO_FAILURES: dict[str, str] = {
    "PAYEE_NOT_FOUND": "recipient_unregistered",
    "NOT_ENOUGH_FUNDS": "provider_insufficient_funds",
}
# Final MoMo statuses other than SUCCESSFUL (MoMo's sandbox also says REJECTED, TIMEOUT).
MOMO_FAILED = frozenset({"FAILED", "REJECTED", "TIMEOUT"})
# The most one MoMo payout sends, in minor units: below MTN's wallet ceilings per transfer.
MOMO_MAXIMUM: dict[str, int] = {
    "UGX": 5_000_000,
    "GHS": 1_000_000,  # GHS 10,000.00
    "XAF": 1_000_000,
    "XOF": 1_000_000,
    "RWF": 2_000_000,
}


@dataclass(frozen=True)
class PayoutRequest:
    payout_id: str
    amount: int  # minor units
    currency: str
    phone: str  # E.164
    result_url: str  # carries the payout's unguessable callback token
    timeout_url: str


@dataclass(frozen=True)
class PayoutAccepted:
    conversation_id: str  # the provider's reference: Daraja's ConversationID, MoMo's X-Reference-Id


@dataclass(frozen=True)
class PayoutOutcome:
    """How the provider says a payout ended, read from an answer we asked for."""

    status: PayoutStatus
    failure_code: str | None
    provider_result: str
    conversation_id: str
    transaction_id: str | None


class OutcomeMismatch(Exception):
    """The provider's answer names another payout, amount or currency: it changes nothing."""


class PayoutRail(Protocol):
    """What the payouts workflows need of a way to pay a creator."""

    method: PayoutMethod
    provider: str  # the payouts.provider column (String(16)) and clearing:<provider>
    name: str  # how messages name it: "M-Pesa"

    @property
    def mode(self) -> Literal["live", "sandbox"]: ...

    def check(self, amount: int, currency: str, phone: str) -> None:
        """Refuse (422) what this rail cannot pay, before anything is held."""
        ...

    async def send(self, request: PayoutRequest) -> PayoutAccepted: ...

    async def query_status(
        self, payout: PayoutRow, result_url: str, timeout_url: str
    ) -> PayoutOutcome | None:
        """Ask how the payout ended: the outcome when the answer is synchronous and final,
        None when it is not final or comes later by callback (M-Pesa)."""
        ...

    async def aclose(self) -> None: ...


class MpesaPayoutRail:
    """KES in whole shillings to a Kenyan M-Pesa number, by Daraja B2C or its sandbox."""

    method = PayoutMethod.MPESA
    provider = "mpesa_b2c"
    name = "M-Pesa"

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

    async def send(self, request: PayoutRequest) -> PayoutAccepted:
        accepted = await self.api.send(
            originator_conversation_id=request.payout_id,
            phone=request.phone.removeprefix("+"),
            amount=request.amount // CENTS_PER_SHILLING,
            remarks="Flash Africa payout",
            result_url=request.result_url,
            timeout_url=request.timeout_url,
        )
        return PayoutAccepted(accepted.conversation_id)

    async def query_status(self, payout: PayoutRow, result_url: str, timeout_url: str) -> None:
        """Daraja answers a Transaction Status query later, to `result_url`."""
        await self.api.query_status(
            originator_conversation_id=payout.id, result_url=result_url, timeout_url=timeout_url
        )

    def amount_matches(self, amount: int, reported: int | None) -> bool:
        return reported is not None and reported * CENTS_PER_SHILLING == amount

    def failure_code(self, result_code: int) -> str:
        return MPESA_FAILURES.get(result_code, "provider_declined")

    async def aclose(self) -> None:
        await self.api.aclose()


class MomoPayoutRail:
    """A MoMo transfer to a wallet in the market `FLASH_MOMO_TARGET_ENVIRONMENT` names, by
    MoMo Disbursements or its sandbox.

    Currencies and phone regions follow the collections gateway's `MARKETS`: `mtnuganda`
    pays UGX to Ugandan numbers, and so on; MoMo's `sandbox` environment takes every
    market and is sent the same number of major units labelled EUR (it moves no money).
    Zero-exponent currencies (UGX, XAF, XOF, RWF) are whole units by construction.
    The outcome is always MoMo's answer to our GET: a callback only prompts the question.
    """

    method = PayoutMethod.MTN_MOMO
    provider = "mtn_momo_payout"
    name = "MTN MoMo"

    def __init__(
        self, api: DisbursementApi, mode: Literal["live", "sandbox"], target_environment: str
    ) -> None:
        self.api = api
        self.mode: Literal["live", "sandbox"] = mode
        self.target_environment = target_environment
        self.markets: list[Market]
        if target_environment == SANDBOX_ENVIRONMENT:
            self.markets = list(MARKETS.values())
        elif target_environment in MARKETS:
            self.markets = [MARKETS[target_environment]]
        else:
            self.markets = []

    def currencies(self) -> list[str]:
        return sorted({market.currency for market in self.markets})

    def check(self, amount: int, currency: str, phone: str) -> None:
        if not self.markets:
            raise InvalidInput(
                f"MTN MoMo's market {self.target_environment!r} is not one this server knows",
                code="method_unavailable",
                details={"field": "method"},
            )
        countries = {market.country for market in self.markets if market.currency == currency}
        if not countries:
            raise InvalidInput(
                f"MTN MoMo pays out {', '.join(self.currencies())} on this server, not {currency}",
                code="currency_unsupported",
                details={"field": "currency"},
            )
        smallest, largest = minimum_amount(currency), MOMO_MAXIMUM[currency]
        if amount < smallest:
            raise InvalidInput(
                f"the smallest MTN MoMo payout is {momo_amount(smallest, currency)} {currency}",
                code="amount_too_small",
                details={"field": "amount", "minimum": smallest},
            )
        if amount > largest:
            raise InvalidInput(
                f"MTN MoMo pays out at most {momo_amount(largest, currency)} {currency} at once",
                code="amount_too_large",
                details={"field": "amount", "maximum": largest},
            )
        if phone_region(phone) not in countries:
            raise InvalidInput(
                f"MTN MoMo in {currency} needs a phone number from "
                f"{' or '.join(sorted(countries))}",
                code="phone_unsupported",
                details={"field": "phone"},
            )

    def _sent_currency(self, currency: str) -> str:
        return "EUR" if self.target_environment == SANDBOX_ENVIRONMENT else currency

    async def send(self, request: PayoutRequest) -> PayoutAccepted:
        reference = momo_reference_id(DISBURSEMENT, request.payout_id)
        transfer = self._transfer(
            reference, request.payout_id, request.amount, request.currency, request.phone,
            request.result_url,
        )  # fmt: skip
        try:
            await self.api.transfer(transfer)
        except (ProviderUnreachable, ProviderUncertain) as failure:
            # Did MoMo create it? If so it is accepted. If MoMo does not know it (yet), the
            # failure stands as it was: a request that may still be in flight at MoMo stays
            # uncertain (never released; the sweeper asks, and sends it again under the same
            # reference), and only one that surely never reached MoMo is unsent.
            if not await self._created(reference, failure):
                raise failure from None
        return PayoutAccepted(reference)

    async def _created(self, reference: str, failure: ProviderError) -> bool:
        try:
            await self.api.transfer_status(reference)
        except ProviderRefused as refused:
            if refused.code == NOT_FOUND:
                return False
            raise failure from None
        except ProviderError:
            raise failure from None
        return True

    def _transfer(
        self, reference: str, payout_id: str, amount: int, currency: str, phone: str,
        callback_url: str,
    ) -> Transfer:  # fmt: skip
        return Transfer(
            reference_id=reference,
            amount=momo_amount(amount, currency),
            currency=self._sent_currency(currency),
            external_id=payout_id,
            payee_msisdn=phone.removeprefix("+"),
            payer_message="Flash Africa payout",
            payee_note=f"Flash Africa payout {payout_id}",
            callback_url=callback_url,
        )

    async def query_status(
        self, payout: PayoutRow, result_url: str, timeout_url: str
    ) -> PayoutOutcome | None:
        reference = momo_reference_id(DISBURSEMENT, payout.id)
        try:
            answer = await self.api.transfer_status(reference)
        except ProviderRefused as refused:
            if refused.code != NOT_FOUND:
                raise
            # Not (yet) known to MoMo: never a reason to fail the payout. A request that may
            # never have arrived is sent again: MoMo refuses a second transfer under the same
            # X-Reference-Id (409), so this can never pay twice.
            if payout.push_state in ("uncertain", "sending"):
                return await self._send_again(payout, reference, result_url)
            return None
        return self.read(payout, reference, answer)

    async def _send_again(
        self, payout: PayoutRow, reference: str, callback_url: str
    ) -> PayoutOutcome | None:
        transfer = self._transfer(
            reference, payout.id, payout.amount, payout.currency, payout.phone, callback_url
        )
        try:
            await self.api.transfer(transfer)
        except ProviderRefused as refused:
            # MoMo refused this reference outright, so it holds no transfer under it: the
            # refusal is the outcome (the hold is released).
            return PayoutOutcome(
                PayoutStatus.FAILED, "provider_rejected", refused.code[:40], reference, None
            )
        return None  # accepted (or already there): its status follows

    def read(
        self, payout: PayoutRow, reference: str, answer: TransferStatus
    ) -> PayoutOutcome | None:
        """MoMo's status answer as an outcome for `payout`; None while it is not final."""
        if answer.external_id not in ("", payout.id):
            raise OutcomeMismatch("the transfer names another payout")
        if answer.status == "SUCCESSFUL":
            expected = momo_amount(payout.amount, payout.currency)
            if (
                answer.financial_transaction_id is None
                or answer.currency != self._sent_currency(payout.currency)
                or not _same_amount(answer.amount, expected)
            ):
                raise OutcomeMismatch("the transfer's amount, currency or transaction differ")
            return PayoutOutcome(
                PayoutStatus.SUCCEEDED,
                None,
                "SUCCESSFUL",
                reference,
                answer.financial_transaction_id[:40],
            )
        if answer.status in MOMO_FAILED:
            reason = answer.reason or answer.status
            code = MOMO_FAILURES.get(reason, "provider_declined")
            return PayoutOutcome(PayoutStatus.FAILED, code, reason[:40], reference, None)
        return None  # PENDING, or a status MoMo has not documented: keep asking

    async def aclose(self) -> None:
        await self.api.aclose()


def _same_amount(reported: str, expected: str) -> bool:
    try:
        return Decimal(reported) == Decimal(expected)
    except InvalidOperation:
        return False


class PayoutRails:
    def __init__(self, rails: dict[PayoutMethod, PayoutRail]) -> None:
        self._rails = rails

    def for_method(self, method: PayoutMethod) -> PayoutRail:
        rail = self._rails.get(method)
        if rail is None:
            if method is PayoutMethod.ORANGE_MONEY:
                message = (
                    "Orange Money payouts are not available: Orange publishes no public API "
                    "for sending money to a wallet; withdraw by M-Pesa or MTN MoMo"
                )
            else:
                message = f"{method.value} payouts are not available on this server"
            raise InvalidInput(message, code="method_unavailable", details={"field": "method"})
        return rail

    async def aclose(self) -> None:
        for rail in self._rails.values():
            await rail.aclose()


def build_rails(settings: Settings) -> PayoutRails:
    """Live where the provider's settings are all set, its sandbox otherwise."""
    return PayoutRails(
        {
            PayoutMethod.MPESA: _mpesa_rail(settings),
            PayoutMethod.MTN_MOMO: _momo_rail(settings),
        }
    )


def _mpesa_rail(settings: Settings) -> MpesaPayoutRail:
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
        return MpesaPayoutRail(api, "live")
    sandbox = SandboxMpesaB2C(
        store=settings.data_dir / "mpesa-b2c-sandbox.jsonl", delay_s=settings.mpesa_sandbox_delay_s
    )
    return MpesaPayoutRail(sandbox, "sandbox")


def _momo_rail(settings: Settings) -> MomoPayoutRail:
    if settings.provider_modes()["mtn_momo_payout"] == "live":
        assert settings.momo_disbursement_api_user and settings.momo_disbursement_api_key
        assert settings.momo_disbursement_subscription_key
        api = MomoDisbursements(
            base_url=settings.momo_base_url,
            credentials=MomoCredentials(
                api_user=settings.momo_disbursement_api_user,
                api_key=settings.momo_disbursement_api_key,
                subscription_key=settings.momo_disbursement_subscription_key,
            ),
            target_environment=settings.momo_target_environment,
            timeout_s=settings.momo_timeout_s,
        )
        return MomoPayoutRail(api, "live", settings.momo_target_environment)
    sandbox = SandboxMomoDisbursement(
        store=settings.data_dir / "momo-disbursement-sandbox.jsonl",
        delay_s=settings.momo_sandbox_delay_s,
    )
    return MomoPayoutRail(sandbox, "sandbox", SANDBOX_ENVIRONMENT)
