"""The card sandbox: a local stand-in for Stripe, used without `FLASH_STRIPE_SECRET_KEY`.

A product feature (demos, training, rehearsing offline), not a test double. It
speaks the same `CardApi` as `StripeCards`, so the payments domain runs the very
same code. The fan types a card number on our own sandbox card page
(`GET /pay/{id}/sandbox-card`); `confirm` plays Stripe's part, and the outcome is
chosen by Stripe's documented test cards (docs.stripe.com/testing):

| card number          | the PaymentIntent                      | payment ends                    |
|----------------------|----------------------------------------|---------------------------------|
| 4242 4242 4242 4242  | succeeded                              | `succeeded`                     |
| 4000 0566 5566 5556  | succeeded (a debit card)               | `succeeded`                     |
| 4000 0000 0000 0002  | declined, `generic_decline`            | `failed`, `card_declined`       |
| 4000 0000 0000 9995  | declined, `insufficient_funds`         | `failed`, `insufficient_funds`  |
| 4000 0000 0000 9987  | declined, `lost_card`                  | `failed`, `card_declined`       |
| 4000 0000 0000 0069  | declined, `expired_card`               | `failed`, `expired_card`        |
| 4000 0000 0000 0127  | declined, `incorrect_cvc`              | `failed`, `incorrect_cvc`       |
| 4000 0000 0000 0119  | declined, `processing_error`           | `failed`, `provider_declined`   |
| any other valid one  | declined, `live_mode_test_card`        | `failed`, `card_declined`       |

Card subscriptions (`BillingApi`) are played too: a subscription's first invoice
is paid on the same page with the same cards (`confirm` takes the invoice id), and
renewals are not made here but by `payments.service.card_subscriptions`, which
asks `renewal_invoice` for each due period (`FLASH_STRIPE_SANDBOX_RENEWAL_S`) and
applies it exactly as Stripe's `invoice.paid` event.

A number that fails the Luhn check is refused on the page (`incorrect_number`)
and the fan may type it again, as Stripe's own form does. A declined intent
goes back to `requires_payment_method`, as at Stripe; the gateway then cancels
it. Intents live in memory; an intent forgotten by a restart reads as never
confirmed (its creation time is in its id), so the payment expires in time.
"""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from server.providers.errors import ProviderRefused
from server.providers.stripe_billing import BillingSubscription, Invoice, invoice_from
from server.providers.stripe_cards import CancelReason, Intent, RefundResult

PREFIX = "pi_sbx_"
INVOICE_PREFIX = "in_sbx_"
MONTH_S = 30 * 24 * 3600


# card number → the decline code it gets (None: it pays)
TEST_CARDS: dict[str, str | None] = {
    "4242424242424242": None,
    "4000056655665556": None,
    "4000000000000002": "generic_decline",
    "4000000000009995": "insufficient_funds",
    "4000000000009987": "lost_card",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000119": "processing_error",
}
UNKNOWN_CARD = "live_mode_test_card"


class IncorrectNumber(ValueError):
    """The typed number is not a card number at all: Stripe's form asks again."""


def card_digits(raw: str) -> str:
    digits = "".join(ch for ch in raw if not ch.isspace() and ch != "-")
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or not _luhn_ok(digits):
        raise IncorrectNumber("incorrect_number")
    return digits


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


@dataclass
class _Refunds:
    by_refund_id: dict[str, RefundResult]
    amount: int = 0


class SandboxCards:
    def __init__(
        self, *, clock: Callable[[], float] = time.time, renewal_s: float = MONTH_S
    ) -> None:
        self._clock = clock
        self.renewal_s = renewal_s  # one billing period of a sandbox subscription
        self._intents: dict[str, Intent] = {}
        self._by_payment: dict[str, str] = {}
        self._refunds: dict[str, _Refunds] = {}
        self._customers: dict[str, str] = {}  # user id → customer id
        self._products: dict[str, str] = {}  # creator id → product id
        self._subscriptions: dict[str, BillingSubscription] = {}
        self._subscription_by_payment: dict[str, str] = {}
        self._invoices: dict[str, Invoice] = {}

    async def create_intent(
        self, *, payment_id: str, amount: int, currency: str, description: str
    ) -> Intent:
        if amount < 1:
            raise ProviderRefused("amount_too_small", "Amount must be at least 1")
        known = self._by_payment.get(payment_id)  # the idempotency key's replay
        if known is not None:
            return self._intents[known]
        created = self._clock()
        intent_id = f"{PREFIX}{int(created * 1000)}_{secrets.token_hex(8)}"
        intent = Intent(
            id=intent_id,
            status="requires_payment_method",
            amount=amount,
            currency=currency.upper(),
            client_secret=f"{intent_id}_secret_{secrets.token_hex(12)}",
            payment_id=payment_id,
            error_code=None,
            cancellation_reason=None,
            created=int(created),
        )
        self._intents[intent_id] = intent
        self._by_payment[payment_id] = intent_id
        return intent

    async def retrieve_intent(self, intent_id: str) -> Intent:
        return self._intent(intent_id)

    async def cancel_intent(self, intent_id: str, reason: CancelReason) -> Intent:
        intent = self._intent(intent_id)
        if intent.status in ("requires_payment_method", "requires_confirmation"):
            intent = replace(intent, status="canceled", cancellation_reason=reason)
            self._intents[intent_id] = intent
        return intent

    def confirm(self, intent_id: str, card_number: str) -> Intent:
        """The fan submitted a card on the sandbox page: succeed or decline like Stripe.

        `intent_id` may be a subscription's first invoice (`in_sbx_...`): its intent is
        confirmed. Raises `IncorrectNumber` for a number that is not a card number, and
        `ProviderRefused` for an intent that cannot be confirmed any more.
        """
        if intent_id.startswith(INVOICE_PREFIX):
            invoice = self._invoice(intent_id)
            if invoice.status != "open" or invoice.intent_id is None:
                raise ProviderRefused("invoice_not_open", f"This invoice is {invoice.status}")
            intent_id = invoice.intent_id
        digits = card_digits(card_number)
        intent = self._intent(intent_id)
        if intent.status != "requires_payment_method":
            raise ProviderRefused(
                "payment_intent_unexpected_state", f"This PaymentIntent is {intent.status}"
            )
        error = TEST_CARDS.get(digits, UNKNOWN_CARD)
        if error is None:
            intent = replace(intent, status="succeeded", error_code=None)
        else:
            intent = replace(intent, error_code=error)  # back to requires_payment_method
        self._intents[intent_id] = intent
        return intent

    async def refund(self, *, intent_id: str, amount: int, refund_id: str) -> RefundResult:
        intent = self._intent(intent_id)
        refunds = self._refunds.setdefault(intent_id, _Refunds(by_refund_id={}))
        done = refunds.by_refund_id.get(refund_id)
        if done is not None:
            return done
        if intent.status != "succeeded":
            raise ProviderRefused("charge_not_refundable", "This PaymentIntent has not succeeded")
        if amount < 1 or refunds.amount + amount > intent.amount:
            raise ProviderRefused(
                "amount_too_large", "Refund amount is greater than unrefunded amount on charge"
            )
        result = RefundResult(id=f"re_sbx_{secrets.token_hex(8)}", status="succeeded")
        refunds.by_refund_id[refund_id] = result
        refunds.amount += amount
        return result

    async def aclose(self) -> None:
        return None

    # --- card subscriptions (`BillingApi`) ------------------------------------------------

    async def create_customer(self, *, user_id: str, name: str, email: str | None) -> str:
        return self._customers.setdefault(user_id, f"cus_sbx_{secrets.token_hex(8)}")

    async def create_product(self, *, creator_id: str, name: str) -> str:
        return self._products.setdefault(creator_id, f"prod_sbx_{secrets.token_hex(8)}")

    async def create_subscription(
        self,
        *,
        payment_id: str,
        customer_id: str,
        product_id: str,
        amount: int,
        currency: str,
        metadata: dict[str, str],
    ) -> BillingSubscription:
        known = self._subscription_by_payment.get(payment_id)  # the idempotency key's replay
        if known is not None:
            return self._subscriptions[known]
        intent = await self.create_intent(
            payment_id=payment_id, amount=amount, currency=currency, description="Flash Africa"
        )
        now = self._clock()
        subscription_id = f"sub_sbx_{secrets.token_hex(8)}"
        invoice = Invoice(
            id=f"{INVOICE_PREFIX}{int(now * 1000)}_{secrets.token_hex(8)}",
            status="open",
            billing_reason="subscription_create",
            subscription_id=subscription_id,
            amount_due=amount,
            amount_paid=0,
            currency=currency.upper(),
            client_secret=intent.client_secret,
            intent_id=intent.id,
            payment_id=payment_id,
            period_end=int(now + self.renewal_s),
            created=int(now),
        )
        self._invoices[invoice.id] = invoice
        subscription = BillingSubscription(
            id=subscription_id,
            status="incomplete",
            customer_id=customer_id,
            cancel_at_period_end=False,
            period_end=int(now + self.renewal_s),
            payment_id=payment_id,
            latest_invoice=invoice,
        )
        self._subscriptions[subscription_id] = subscription
        self._subscription_by_payment[payment_id] = subscription_id
        return subscription

    async def retrieve_invoice(self, invoice_id: str) -> Invoice:
        return self._invoice(invoice_id)

    async def cancel_subscription(self, subscription_id: str) -> None:
        known = self._subscriptions.get(subscription_id)
        if known is not None:
            self._subscriptions[subscription_id] = replace(known, status="canceled")

    async def void_invoice(self, invoice_id: str) -> Invoice:
        invoice = self._invoice(invoice_id)
        if invoice.status == "open":
            if invoice.intent_id is not None:
                await self.cancel_intent(invoice.intent_id, "abandoned")
            invoice = replace(invoice, status="void")
            self._invoices[invoice_id] = invoice
        return invoice

    async def stop_renewing(self, subscription_id: str) -> BillingSubscription:
        known = self._subscriptions.get(subscription_id)
        if known is None:  # forgotten by a restart: the database knows it, we agree
            known = BillingSubscription(subscription_id, "active", "", False, None, None, None)
        known = replace(known, cancel_at_period_end=True)
        self._subscriptions[subscription_id] = known
        return known

    async def invoice_paid_by(self, intent_id: str) -> str | None:
        for invoice in self._invoices.values():
            if invoice.intent_id == intent_id:
                return invoice.id
        return None

    def renewal_invoice(
        self,
        *,
        subscription_id: str,
        payment_id: str,
        amount: int,
        currency: str,
        period_end: float,
    ) -> dict[str, Any]:
        """Stripe's `invoice.paid` object for the period after `period_end`, charged to the
        saved card (it always pays). Its id is derived from the subscription and the period,
        so asking again for the same period answers the same invoice."""
        invoice_id = f"{INVOICE_PREFIX}{int(period_end * 1000)}_{subscription_id[-16:]}"
        intent_id = f"{PREFIX}{int(period_end * 1000)}_{subscription_id[-16:]}"
        self._intents.setdefault(
            intent_id,
            Intent(
                id=intent_id,
                status="succeeded",
                amount=amount,
                currency=currency.upper(),
                client_secret=None,
                payment_id=None,
                error_code=None,
                cancellation_reason=None,
                created=int(period_end),
            ),
        )
        data: dict[str, Any] = {
            "id": invoice_id,
            "object": "invoice",
            "status": "paid",
            "billing_reason": "subscription_cycle",
            "amount_due": amount,
            "amount_paid": amount,
            "currency": currency.lower(),
            "created": int(period_end),
            "parent": {
                "type": "subscription_details",
                "subscription_details": {
                    "subscription": subscription_id,
                    "metadata": {"payment_id": payment_id},
                },
            },
            "lines": {
                "data": [
                    {"period": {"start": int(period_end), "end": int(period_end + self.renewal_s)}}
                ]
            },
            "payments": {"data": [{"status": "paid", "payment": {"payment_intent": intent_id}}]},
        }
        self._invoices.setdefault(invoice_id, invoice_from(data))
        return data

    def _invoice(self, invoice_id: str) -> Invoice:
        invoice = self._invoices.get(invoice_id)
        if invoice is not None:
            if invoice.status == "open" and invoice.intent_id is not None:
                intent = self._intents.get(invoice.intent_id)
                if intent is not None and intent.status == "succeeded":
                    invoice = replace(invoice, status="paid", amount_paid=invoice.amount_due)
                    self._invoices[invoice_id] = invoice
                    self._activate(invoice)
            return invoice
        created_ms = invoice_id.removeprefix(INVOICE_PREFIX).split("_")[0]
        if not invoice_id.startswith(INVOICE_PREFIX) or not created_ms.isdigit():
            raise ProviderRefused("resource_missing", f"No such invoice: '{invoice_id}'")
        # Forgotten by a restart: it reads as never paid, so its payment expires in time.
        return Invoice(
            id=invoice_id,
            status="open",
            billing_reason=None,
            subscription_id=None,
            amount_due=0,
            amount_paid=0,
            currency="",
            client_secret=None,
            intent_id=None,
            payment_id=None,
            period_end=None,
            created=int(created_ms) // 1000,
        )

    def _activate(self, invoice: Invoice) -> None:
        known = self._subscriptions.get(invoice.subscription_id or "")
        if known is not None and known.status == "incomplete":
            self._subscriptions[known.id] = replace(known, status="active")

    def _intent(self, intent_id: str) -> Intent:
        intent = self._intents.get(intent_id)
        if intent is not None:
            return intent
        created_ms = intent_id.removeprefix(PREFIX).split("_")[0]
        if not intent_id.startswith(PREFIX) or not created_ms.isdigit():
            raise ProviderRefused("resource_missing", f"No such payment_intent: '{intent_id}'")
        # Forgotten by a restart: it reads as never confirmed, so it expires in time.
        return Intent(
            id=intent_id,
            status="requires_payment_method",
            amount=0,
            currency="",
            client_secret=None,
            payment_id=None,
            error_code=None,
            cancellation_reason=None,
            created=int(created_ms) // 1000,
        )
