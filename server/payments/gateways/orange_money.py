"""Orange Money as a payment method: XOF or XAF in whole francs, paid on Orange's own page.

`start` opens a WebPay session and the payer is sent to its `payment_url` (a
`redirect` next action), where Orange asks for the phone number: no phone is
needed here. The outcome comes from `transactionstatus`, which needs the
`order_id`, the amount and the `pay_token`, so the provider reference holds all
three (`OrangeRef`). The `notif_token` that Orange echoes in its notification is
kept only as a hash (`ChargeStarted.callback_proof`).

The same gateway drives Orange and the sandbox through `WebPayApi`.
"""

from dataclasses import dataclass
from typing import Any, Literal

from server.config import Settings
from server.contract.money import minor_per_major
from server.contract.payments import NextAction, PaymentMethod, PaymentStatus, Redirect
from server.errors import InvalidInput
from server.payments.gateways.base import ChargeRequest, ChargeStarted, ProviderOutcome
from server.providers.orange_money import OrangeWebPayClient, WebPayApi
from server.providers.orange_money_sandbox import SandboxOrange

# The WebPay country segment → the currency Orange Money collects there.
COUNTRY_CURRENCIES: dict[str, str] = {
    "ci": "XOF",
    "sn": "XOF",
    "ml": "XOF",
    "bf": "XOF",
    "ne": "XOF",
    "gw": "XOF",
    "cm": "XAF",
    "cf": "XAF",
}
ALL_CURRENCIES = frozenset({"XOF", "XAF"})  # Orange's sandbox (`dev`) plays in either
REFERENCE = "Flash Africa"  # the merchant name Orange's page shows

# Orange's final transaction status → (status, our failure code).
RESULTS: dict[str, tuple[PaymentStatus, str | None]] = {
    "SUCCESS": (PaymentStatus.SUCCEEDED, None),
    "FAILED": (PaymentStatus.FAILED, "provider_declined"),
    "EXPIRED": (PaymentStatus.EXPIRED, "payment_expired"),
}


def currencies_for(country: str) -> frozenset[str]:
    known = COUNTRY_CURRENCIES.get(country)
    return frozenset({known}) if known else ALL_CURRENCIES


def order_id_for(payment_id: str) -> str:
    """The same for every send of one payment, so a retry names the same order at Orange."""
    return f"FA{payment_id[:28]}"


@dataclass(frozen=True)
class OrangeRef:
    """What `transactionstatus` needs, kept as the payment's provider reference."""

    order_id: str
    amount: int  # whole units, exactly as sent
    pay_token: str

    def encode(self) -> str:
        return f"{self.order_id}:{self.amount}:{self.pay_token}"

    @classmethod
    def parse(cls, ref: str) -> "OrangeRef":
        order_id, amount, pay_token = ref.split(":", 2)
        return cls(order_id, int(amount), pay_token)


class OrangeMoneyGateway:
    method = PaymentMethod.ORANGE_MONEY
    provider = "orange_money"

    def __init__(
        self,
        api: WebPayApi,
        mode: Literal["live", "sandbox"],
        currencies: frozenset[str] = ALL_CURRENCIES,
    ) -> None:
        self.api = api
        self.mode: Literal["live", "sandbox"] = mode
        self.currencies = currencies

    def check(self, amount: int, currency: str, phone: str | None) -> None:
        if currency not in self.currencies:
            taken = " or ".join(sorted(self.currencies))
            raise InvalidInput(
                f"Orange Money takes {taken} here, not {currency}",
                code="currency_unsupported",
                details={"field": "currency"},
            )
        if amount % minor_per_major(currency):
            raise InvalidInput(
                f"Orange Money takes whole units of {currency}",
                code="whole_units_only",
                details={"field": "amount"},
            )

    async def start(self, charge: ChargeRequest) -> ChargeStarted:
        order_id = order_id_for(charge.payment_id)
        amount = charge.amount // minor_per_major(charge.currency)
        started = await self.api.web_payment(
            order_id=order_id,
            amount=amount,
            currency=charge.currency,
            return_url=charge.return_url,
            cancel_url=charge.cancel_url,
            notif_url=charge.callback_url,
            lang="fr" if charge.language == "fr" else "en",
            reference=REFERENCE,
        )
        return ChargeStarted(
            provider_ref=OrangeRef(order_id, amount, started.pay_token).encode(),
            next_action=Redirect(url=started.payment_url),
            callback_proof=started.notif_token,
        )

    async def outcome(self, provider_ref: str) -> ProviderOutcome | None:
        ref = OrangeRef.parse(provider_ref)
        answer = await self.api.transaction_status(
            order_id=ref.order_id, amount=ref.amount, pay_token=ref.pay_token
        )
        if answer.status not in RESULTS:
            return None  # INITIATED or PENDING: the payer has not finished on Orange's page
        status, failure = RESULTS[answer.status]
        return ProviderOutcome(status, failure, answer.status)

    async def cancel(self, provider_ref: str) -> ProviderOutcome | None:
        """The fan left Orange's page through `cancel_url`: cancelled, unless Orange says the
        payment ended otherwise. WebPay has no cancel call; a session still `PENDING` (the
        payer confirming on the phone) may yet be paid, so it is left to end on its own."""
        ref = OrangeRef.parse(provider_ref)
        answer = await self.api.transaction_status(
            order_id=ref.order_id, amount=ref.amount, pay_token=ref.pay_token
        )
        if answer.status == "INITIATED":
            return ProviderOutcome(PaymentStatus.CANCELLED, "payer_cancelled", answer.status)
        if answer.status not in RESULTS:
            return None
        status, failure = RESULTS[answer.status]
        return ProviderOutcome(status, failure, answer.status)

    def claimed_ref(self, callback: Any) -> str | None:
        """Orange's notification names no session (only `notif_token`): our own ref is queried."""
        return None

    def next_action(self, amount: int, currency: str, language: str) -> NextAction | None:
        """None: each payment's redirect (its own `payment_url`) is stored with it at start."""
        return None

    async def aclose(self) -> None:
        await self.api.aclose()


def build_orange_gateway(settings: Settings) -> OrangeMoneyGateway:
    """Live with the `FLASH_ORANGE_*` credentials, the Orange Money sandbox otherwise."""
    if settings.provider_modes()["orange_money"] != "live":
        sandbox = SandboxOrange(
            store=settings.data_dir / "orange-money-sandbox.jsonl",
            delay_s=settings.orange_sandbox_delay_s,
        )
        return OrangeMoneyGateway(sandbox, "sandbox")
    assert settings.orange_client_id and settings.orange_client_secret
    assert settings.orange_merchant_key
    client = OrangeWebPayClient(
        base_url=settings.orange_base_url,
        client_id=settings.orange_client_id,
        client_secret=settings.orange_client_secret,
        merchant_key=settings.orange_merchant_key,
        country=settings.orange_country,
        timeout_s=settings.orange_timeout_s,
    )
    return OrangeMoneyGateway(client, "live", currencies_for(settings.orange_country))
