"""MTN MoMo as a payment method: a request to pay on the payer's phone, outcome by status query.

The same gateway drives MoMo and the sandbox through `CollectionApi`, so the
sandbox exercises every line a live payment does.

Which money it takes follows `FLASH_MOMO_TARGET_ENVIRONMENT`, because an MTN
account serves one country: `mtnuganda` takes UGX from Ugandan numbers,
`mtnghana` GHS from Ghanaian ones, and so on (`MARKETS`). MoMo's `sandbox`
environment takes EUR only and moves no money: there every market below is
accepted, and MoMo is sent the same number of major units labelled EUR.
"""

from dataclasses import dataclass
from typing import Any, Literal

from server.config import Settings
from server.contract.money import CURRENCY_EXPONENTS
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
from server.providers.errors import ProviderError, ProviderUncertain
from server.providers.mtn_momo import (
    COLLECTION,
    CollectionApi,
    MomoCollections,
    MomoCredentials,
    RequestToPay,
    momo_reference_id,
)
from server.providers.mtn_momo_sandbox import SandboxMomo

SANDBOX_ENVIRONMENT = "sandbox"
SANDBOX_CURRENCY = "EUR"


@dataclass(frozen=True)
class Market:
    currency: str
    country: str  # ISO 3166 code of the payer's phone number


# MTN's production target environments we take payments in.
MARKETS: dict[str, Market] = {
    "mtnuganda": Market("UGX", "UG"),
    "mtnghana": Market("GHS", "GH"),
    "mtncameroon": Market("XAF", "CM"),
    "mtncongo": Market("XAF", "CG"),
    "mtnivorycoast": Market("XOF", "CI"),
    "mtnbenin": Market("XOF", "BJ"),
    "mtnrwanda": Market("RWF", "RW"),
}

# MoMo's final answers → (status, our failure code); a FAILED reason not listed fails
# as `provider_declined`. `COULD_NOT_PERFORM_TRANSACTION` is, per MTN's error guide,
# "predominantly" a prompt not approved within its 5 minutes.
REASONS: dict[str, tuple[PaymentStatus, str]] = {
    "APPROVAL_REJECTED": (PaymentStatus.CANCELLED, "payer_cancelled"),
    "EXPIRED": (PaymentStatus.EXPIRED, "payer_timeout"),
    "COULD_NOT_PERFORM_TRANSACTION": (PaymentStatus.EXPIRED, "payer_timeout"),
    "NOT_ENOUGH_FUNDS": (PaymentStatus.FAILED, "insufficient_funds"),
    "PAYER_LIMIT_REACHED": (PaymentStatus.FAILED, "payer_limit_reached"),
    "PAYER_NOT_FOUND": (PaymentStatus.FAILED, "payer_not_found"),
}
# MoMo's sandbox also ends requests with these statuses instead of FAILED + reason.
STATUSES: dict[str, tuple[PaymentStatus, str | None]] = {
    "SUCCESSFUL": (PaymentStatus.SUCCEEDED, None),
    "REJECTED": (PaymentStatus.CANCELLED, "payer_cancelled"),
    "TIMEOUT": (PaymentStatus.EXPIRED, "payer_timeout"),
}
STILL_OPEN = frozenset({"PENDING", "CREATED", "ONGOING"})


def momo_amount(amount: int, currency: str) -> str:
    """Minor units → MoMo's amount string in major units: UGX 5000 → "5000", GHS 1250 → "12.50"."""
    exponent = CURRENCY_EXPONENTS[currency]
    if exponent == 0:
        return str(amount)
    major, minor = divmod(amount, 10**exponent)
    return f"{major}.{minor:0{exponent}d}"


class MomoGateway:
    method = PaymentMethod.MTN_MOMO
    provider = "mtn_momo"

    def __init__(
        self, api: CollectionApi, mode: Literal["live", "sandbox"], target_environment: str
    ) -> None:
        self.api = api
        self.mode: Literal["live", "sandbox"] = mode
        self.target_environment = target_environment
        if target_environment == SANDBOX_ENVIRONMENT:
            self.markets = list(MARKETS.values())
        elif target_environment in MARKETS:
            self.markets = [MARKETS[target_environment]]
        else:
            self.markets = []

    def check(self, amount: int, currency: str, phone: str | None) -> None:
        if not self.markets:
            raise InvalidInput(
                f"MTN MoMo's market {self.target_environment!r} is not one this server knows",
                code="method_unavailable",
                details={"field": "method"},
            )
        countries = {market.country for market in self.markets if market.currency == currency}
        if not countries:
            taken = sorted({market.currency for market in self.markets})
            raise InvalidInput(
                f"MTN MoMo takes {', '.join(taken)} on this server, not {currency}",
                code="currency_unsupported",
                details={"field": "currency"},
            )
        if phone is None:
            raise InvalidInput(
                "phone is required for MTN MoMo", code="phone_required", details={"field": "phone"}
            )
        if phone_region(phone) not in countries:
            raise InvalidInput(
                f"MTN MoMo in {currency} needs a phone number from "
                f"{' or '.join(sorted(countries))}",
                code="phone_unsupported",
                details={"field": "phone"},
            )

    async def start(self, charge: ChargeRequest) -> ChargeStarted:
        assert charge.phone is not None  # check() refused a payment without one
        reference = momo_reference_id(COLLECTION, charge.payment_id)
        sandboxed = self.target_environment == SANDBOX_ENVIRONMENT
        request = RequestToPay(
            reference_id=reference,
            amount=momo_amount(charge.amount, charge.currency),
            currency=SANDBOX_CURRENCY if sandboxed else charge.currency,
            external_id=charge.payment_id,
            payer_msisdn=charge.phone.removeprefix("+"),
            payer_message="Flash Africa",
            payee_note=f"Flash Africa payment {charge.payment_id}",
            callback_url=charge.callback_url,
        )
        try:
            await self.api.request_to_pay(request)
        except ProviderUncertain:
            # It may have reached MoMo. The same reference makes asking again safe (MoMo
            # answers 409 if it did), and settles the doubt now instead of after a callback.
            try:
                await self.api.request_to_pay(request)
            except ProviderError:
                raise ProviderUncertain("MoMo did not answer the request to pay") from None
        return ChargeStarted(
            provider_ref=reference,
            next_action=self.next_action(charge.amount, charge.currency, charge.language),
        )

    async def outcome(self, provider_ref: str) -> ProviderOutcome | None:
        answer = await self.api.request_to_pay_status(provider_ref)
        if answer.status in STILL_OPEN:
            return None
        if answer.status == "FAILED":
            status, failure = REASONS.get(
                answer.reason or "", (PaymentStatus.FAILED, "provider_declined")
            )
            return ProviderOutcome(status, failure, (answer.reason or "FAILED")[:40])
        if answer.status in STATUSES:
            status, code = STATUSES[answer.status]
            return ProviderOutcome(status, code, answer.status)
        return None  # a status MoMo has not documented: keep asking rather than guess

    def claimed_ref(self, callback: Any) -> str | None:
        """MoMo's callback names no reference, but our `externalId`, from which it is derived."""
        try:
            external_id = callback["externalId"]
        except (KeyError, TypeError):
            return None
        if not isinstance(external_id, str) or not 0 < len(external_id) <= 64:
            return None
        return momo_reference_id(COLLECTION, external_id)

    def next_action(self, amount: int, currency: str, language: str) -> NextAction | None:
        return ApproveOnPhone(
            message=approve_on_phone_message("MTN MoMo", amount, currency, language)
        )

    async def aclose(self) -> None:
        await self.api.aclose()


def build_momo_gateway(settings: Settings) -> MomoGateway:
    """Live MoMo where its credentials are set, the MoMo sandbox (always EUR) otherwise."""
    api: CollectionApi
    if settings.provider_modes()["mtn_momo"] == "live":
        assert settings.momo_api_user and settings.momo_api_key
        assert settings.momo_subscription_key
        api = MomoCollections(
            base_url=settings.momo_base_url,
            credentials=MomoCredentials(
                api_user=settings.momo_api_user,
                api_key=settings.momo_api_key,
                subscription_key=settings.momo_subscription_key,
            ),
            target_environment=settings.momo_target_environment,
            timeout_s=settings.momo_timeout_s,
        )
        return MomoGateway(api, "live", settings.momo_target_environment)
    api = SandboxMomo(
        store=settings.data_dir / "momo-sandbox.jsonl", delay_s=settings.momo_sandbox_delay_s
    )
    return MomoGateway(api, "sandbox", SANDBOX_ENVIRONMENT)
