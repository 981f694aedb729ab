"""Cards as a payment method: a Stripe PaymentIntent per payment, its outcome read back.

The same gateway drives Stripe and the card sandbox through `CardApi`. Live, the
fan page confirms the intent with Stripe.js (`stripe_client_secret`); in the
sandbox, the fan is sent to our own sandbox card page (`redirect`).

A `subscription` payment by card is the first invoice of a Stripe subscription
(`start_subscription`): its `provider_ref` is the invoice (`in_...`), paid with the
invoice's client secret exactly like an intent's, and read back from the invoice;
a declined or abandoned first invoice ends the subscription (cancelled, invoice
voided). Renewals are Stripe's own invoices (`service.card_subscriptions`).

Outcomes (CONTRACT.md, "Cards"): `succeeded` → succeeded; a declined card leaves
the intent in `requires_payment_method` with a `last_payment_error`: we cancel the
intent (trying another card is a new payment) and the payment fails; an intent
the fan never confirmed is cancelled once `FLASH_PAYMENT_UNCONFIRMED_EXPIRY_S`
has passed and the payment expires.
"""

import time
from collections.abc import Callable
from typing import Any, Literal

from server.config import Settings
from server.contract.money import CURRENCY_EXPONENTS
from server.contract.payments import (
    NextAction,
    PaymentMethod,
    PaymentStatus,
    Redirect,
    StripeClientSecret,
)
from server.errors import InvalidInput
from server.payments.gateways.base import (
    ChargeRequest,
    ChargeStarted,
    ProviderOutcome,
    ProviderRefund,
)
from server.providers.errors import ProviderRefused
from server.providers.stripe_billing import BillingApi, BillingSubscription, Invoice, StripeBilling
from server.providers.stripe_cards import (
    CardApi,
    Intent,
    StripeCards,
    stripe_exponent,
)
from server.providers.stripe_sandbox import SandboxCards

MAX_STRIPE_AMOUNT = 99_999_999  # Stripe's ceiling: eight digits in its own units

# Stripe's decline codes (docs.stripe.com/declines/codes) → our failure codes.
DECLINES: dict[str, str] = {
    "insufficient_funds": "insufficient_funds",
    "expired_card": "expired_card",
    "incorrect_cvc": "incorrect_cvc",
    "invalid_cvc": "incorrect_cvc",
    "processing_error": "provider_declined",
}
SANDBOX_CARD_PAGE = "/sandbox-card"
INVOICE_PREFIX = "in_"  # Stripe's invoice ids: a card subscription payment's reference


def to_stripe_amount(amount: int, currency: str) -> int:
    """Our minor units → Stripe's: the same integer unless the exponents differ."""
    ours, theirs = CURRENCY_EXPONENTS[currency], stripe_exponent(currency)
    if theirs >= ours:
        return amount * int(10 ** (theirs - ours))
    step = int(10 ** (ours - theirs))
    if amount % step:
        raise InvalidInput(
            f"cards take whole units of {currency}",
            code="whole_units_only",
            details={"field": "amount"},
        )
    return amount // step


def failure_code(intent: Intent) -> str:
    return DECLINES.get(intent.error_code or "", "card_declined")


class CardGateway:
    method = PaymentMethod.CARD
    provider = "stripe"

    def __init__(
        self,
        api: CardApi,
        mode: Literal["live", "sandbox"],
        *,
        publishable_key: str | None,
        expire_after_s: float,
        billing: BillingApi | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api = api
        self.billing = billing
        self.mode: Literal["live", "sandbox"] = mode
        self.publishable_key = publishable_key
        self.expire_after_s = expire_after_s
        self._clock = clock

    def check(self, amount: int, currency: str, phone: str | None) -> None:
        if to_stripe_amount(amount, currency) > MAX_STRIPE_AMOUNT:
            raise InvalidInput(
                "this amount is above what one card payment may take",
                code="amount_too_large",
                details={"field": "amount"},
            )

    async def start(self, charge: ChargeRequest) -> ChargeStarted:
        intent = await self.api.create_intent(
            payment_id=charge.payment_id,
            amount=to_stripe_amount(charge.amount, charge.currency),
            currency=charge.currency,
            description="Flash Africa",
        )
        action: NextAction
        if self.mode == "sandbox":
            action = Redirect(url=charge.return_url + SANDBOX_CARD_PAGE)
        else:
            assert intent.client_secret is not None, "Stripe answers a new intent's client_secret"
            action = StripeClientSecret(
                client_secret=intent.client_secret, publishable_key=self.publishable_key
            )
        return ChargeStarted(provider_ref=intent.id, next_action=action)

    async def start_subscription(
        self,
        charge: ChargeRequest,
        *,
        customer_id: str,
        product_id: str,
        metadata: dict[str, str],
    ) -> tuple[ChargeStarted, BillingSubscription]:
        """A monthly subscription whose first invoice waits for the fan, paid like an intent."""
        subscription = await self.billing_api().create_subscription(
            payment_id=charge.payment_id,
            customer_id=customer_id,
            product_id=product_id,
            amount=to_stripe_amount(charge.amount, charge.currency),
            currency=charge.currency,
            metadata=metadata,
        )
        invoice = subscription.latest_invoice
        if invoice is None:
            raise ProviderRefused("invoice_missing", "Stripe answered no first invoice")
        action: NextAction
        if self.mode == "sandbox":
            action = Redirect(url=charge.return_url + SANDBOX_CARD_PAGE)
        else:
            if invoice.client_secret is None:
                raise ProviderRefused("confirmation_secret_missing", "the invoice has no secret")
            action = StripeClientSecret(
                client_secret=invoice.client_secret, publishable_key=self.publishable_key
            )
        return ChargeStarted(provider_ref=invoice.id, next_action=action), subscription

    async def outcome(self, provider_ref: str) -> ProviderOutcome | None:
        if provider_ref.startswith(INVOICE_PREFIX):
            return await self._invoice_outcome(provider_ref)
        intent = await self.api.retrieve_intent(provider_ref)
        if intent.status == "requires_payment_method" and intent.error_code is not None:
            # Declined: no second card on this intent (a new payment is a new intent).
            intent = await self.api.cancel_intent(provider_ref, "abandoned")
        elif intent.status == "requires_payment_method" and self._abandoned(intent):
            intent = await self.api.cancel_intent(provider_ref, "abandoned")
        return intent_outcome(intent)

    async def cancel(self, provider_ref: str) -> ProviderOutcome | None:
        """The fan gave up: cancel the intent unless Stripe says it was paid."""
        if provider_ref.startswith(INVOICE_PREFIX):
            invoice = await self._end_first_invoice(
                await self.billing_api().retrieve_invoice(provider_ref)
            )
            if invoice.status == "paid":
                return ProviderOutcome(PaymentStatus.SUCCEEDED, None, "paid")
            return ProviderOutcome(PaymentStatus.CANCELLED, "payer_left", "void")
        return intent_outcome(await self.api.cancel_intent(provider_ref, "requested_by_customer"))

    async def refund(
        self, provider_ref: str, amount: int, currency: str, refund_id: str
    ) -> ProviderRefund:
        intent_id = provider_ref
        if provider_ref.startswith(INVOICE_PREFIX):
            paid_by = (await self.billing_api().retrieve_invoice(provider_ref)).intent_id
            if paid_by is None:
                raise ProviderRefused("charge_not_refundable", "the invoice was not paid by card")
            intent_id = paid_by
        result = await self.api.refund(
            intent_id=intent_id,
            amount=to_stripe_amount(amount, currency),
            refund_id=refund_id,
        )
        if result.status in ("failed", "canceled"):
            raise ProviderRefused(f"refund_{result.status}", "Stripe did not make the refund")
        return ProviderRefund(result.id)

    def claimed_ref(self, callback: Any) -> str | None:
        return None  # Stripe's events are signed and read by the Stripe webhook itself

    def next_action(self, amount: int, currency: str, language: str) -> NextAction | None:
        return None  # each payment's own action is stored with it when the intent is made

    async def aclose(self) -> None:
        await self.api.aclose()

    def _abandoned(self, intent: Intent | Invoice) -> bool:
        return intent.created + self.expire_after_s <= self._clock()

    def billing_api(self) -> BillingApi:
        if self.billing is None:
            raise ProviderRefused("billing_unavailable", "card subscriptions are not set up")
        return self.billing

    async def _invoice_outcome(self, invoice_id: str) -> ProviderOutcome | None:
        """A subscription's first invoice: paid, or declined / never paid (then ended)."""
        invoice = await self.billing_api().retrieve_invoice(invoice_id)
        if invoice.status == "open":
            intent = None
            if invoice.intent_id is not None:
                intent = await self.api.retrieve_intent(invoice.intent_id)
            if intent is not None and intent.status == "succeeded":
                return ProviderOutcome(PaymentStatus.SUCCEEDED, None, "paid")
            if intent is not None and intent.error_code is not None:
                await self._end_first_invoice(invoice)
                return ProviderOutcome(
                    PaymentStatus.FAILED, failure_code(intent), intent.error_code[:40]
                )
            if not self._abandoned(invoice):
                return None
            invoice = await self._end_first_invoice(invoice)
        if invoice.status == "paid":
            return ProviderOutcome(PaymentStatus.SUCCEEDED, None, "paid")
        if invoice.status in ("void", "uncollectible"):
            return ProviderOutcome(PaymentStatus.EXPIRED, "card_not_completed", invoice.status)
        return None

    async def _end_first_invoice(self, invoice: Invoice) -> Invoice:
        """No second try on a first invoice: the subscription ends and its invoice is voided
        (answered as it then stands: paid, if the fan paid just before)."""
        if invoice.status != "open":
            return invoice
        if invoice.subscription_id is not None:
            await self.billing_api().cancel_subscription(invoice.subscription_id)
        return await self.billing_api().void_invoice(invoice.id)


def intent_outcome(intent: Intent) -> ProviderOutcome | None:
    """A final answer for an ended intent; None while the fan may still pay."""
    if intent.status == "succeeded":
        return ProviderOutcome(PaymentStatus.SUCCEEDED, None, "succeeded")
    if intent.status != "canceled":
        return None
    if intent.error_code is not None:
        return ProviderOutcome(PaymentStatus.FAILED, failure_code(intent), intent.error_code[:40])
    if intent.cancellation_reason == "requested_by_customer":
        return ProviderOutcome(PaymentStatus.CANCELLED, "payer_left", "canceled")
    return ProviderOutcome(PaymentStatus.EXPIRED, "card_not_completed", "canceled")


def build_card_gateway(settings: Settings) -> CardGateway:
    """Stripe where `FLASH_STRIPE_SECRET_KEY` is set, the card sandbox otherwise."""
    expiry = settings.payment_unconfirmed_expiry_s
    if settings.provider_modes()["stripe"] == "live":
        assert settings.stripe_secret_key is not None
        api = StripeCards(
            secret_key=settings.stripe_secret_key,
            api_base=settings.stripe_api_base,
            timeout_s=settings.stripe_timeout_s,
        )
        return CardGateway(
            api,
            "live",
            publishable_key=settings.stripe_publishable_key,
            expire_after_s=expiry,
            billing=StripeBilling(api),
        )
    sandbox = SandboxCards(renewal_s=settings.stripe_sandbox_renewal_s)
    return CardGateway(
        sandbox, "sandbox", publishable_key=None, expire_after_s=expiry, billing=sandbox
    )
