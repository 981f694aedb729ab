"""Stripe Billing through the official `stripe` SDK: Customers, Products, Subscriptions, Invoices.

A card subscription is a Stripe Subscription created `default_incomplete`: its
first invoice waits for the fan, who pays it on the fan page with Stripe.js and the
invoice's `confirmation_secret` (the SDK's pinned API version no longer has
`latest_invoice.payment_intent`); the card is then saved on the subscription
(`save_default_payment_method=on_subscription`) and Stripe charges it again each
month, telling us with `invoice.paid` (`billing_reason` `subscription_cycle`).

`BillingApi` is what the payments domain uses; `StripeBilling` speaks it to Stripe
through the `StripeCards` client, and the card sandbox (`stripe_sandbox.py`)
answers it without a key. Requests that create something carry OUR idempotency
key (`flash-customer-<user id>`, `flash-product-<creator id>`,
`flash-payment-<payment id>`); the stored ids are the real dedupe past Stripe's
24 hours of key memory.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from server.providers.stripe_cards import payment_key, translated

if TYPE_CHECKING:
    from server.providers.stripe_cards import StripeCards


@dataclass(frozen=True)
class Invoice:
    """A Stripe Invoice as far as we read it (also the `data.object` of `invoice.*` events)."""

    id: str
    status: str  # draft, open, paid, uncollectible, void
    billing_reason: str | None  # subscription_create, subscription_cycle, ...
    subscription_id: str | None
    amount_due: int  # in Stripe's units of `currency`
    amount_paid: int
    currency: str  # upper case
    client_secret: str | None  # confirmation_secret.client_secret: Stripe.js pays with it
    intent_id: str | None  # the PaymentIntent that paid (or tries to pay) it, when expanded
    payment_id: str | None  # our metadata on the subscription, snapshotted on the invoice
    period_end: int | None  # Unix seconds: the end of the period this invoice pays
    created: int


@dataclass(frozen=True)
class BillingSubscription:
    id: str
    status: str  # incomplete, active, past_due, canceled, incomplete_expired, ...
    customer_id: str
    cancel_at_period_end: bool
    period_end: int | None  # Unix seconds (the item's current_period_end)
    payment_id: str | None  # our metadata
    latest_invoice: Invoice | None  # when expanded


class BillingApi(Protocol):
    async def create_customer(self, *, user_id: str, name: str, email: str | None) -> str:
        """The new Customer's id; a retry with the same `user_id` makes one Customer."""
        ...

    async def create_product(self, *, creator_id: str, name: str) -> str: ...

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
        """`amount` a month in Stripe's units; the answer's `latest_invoice` carries its
        `client_secret`. A retry with the same `payment_id` makes one subscription."""
        ...

    async def retrieve_invoice(self, invoice_id: str) -> Invoice: ...

    async def cancel_subscription(self, subscription_id: str) -> None:
        """End it now (a first invoice never paid); one already ended is left as it is."""
        ...

    async def void_invoice(self, invoice_id: str) -> Invoice:
        """No one may pay it any more; a paid or already void invoice is answered as it is."""
        ...

    async def stop_renewing(self, subscription_id: str) -> BillingSubscription:
        """`cancel_at_period_end=true`: the paid period is kept, nothing more is charged."""
        ...

    async def invoice_paid_by(self, intent_id: str) -> str | None:
        """The invoice a PaymentIntent paid, if any (a refund at Stripe names the intent)."""
        ...


def invoice_from(data: dict[str, Any]) -> Invoice:
    parent = data.get("parent") or {}
    details = parent.get("subscription_details") or {}
    subscription = details.get("subscription") or data.get("subscription")
    if isinstance(subscription, dict):
        subscription = subscription.get("id")
    metadata = details.get("metadata") or {}
    secret = (data.get("confirmation_secret") or {}).get("client_secret")
    lines = ((data.get("lines") or {}).get("data")) or []
    period = (lines[0].get("period") or {}) if lines and isinstance(lines[0], dict) else {}
    return Invoice(
        id=str(data["id"]),
        status=str(data.get("status", "")),
        billing_reason=data.get("billing_reason"),
        subscription_id=subscription if isinstance(subscription, str) else None,
        amount_due=int(data.get("amount_due", 0)),
        amount_paid=int(data.get("amount_paid", 0)),
        currency=str(data.get("currency", "")).upper(),
        client_secret=secret if isinstance(secret, str) else None,
        intent_id=_intent_of(data.get("payments")),
        payment_id=metadata.get("payment_id"),
        period_end=int(period["end"]) if isinstance(period.get("end"), int) else None,
        created=int(data.get("created", 0)),
    )


def _intent_of(payments: Any) -> str | None:
    """The PaymentIntent of an invoice's `payments` list (expanded): the paid one first."""
    if not isinstance(payments, dict):
        return None
    found = [p for p in payments.get("data") or [] if isinstance(p, dict)]
    found.sort(key=lambda p: p.get("status") != "paid")
    for item in found:
        intent = (item.get("payment") or {}).get("payment_intent")
        if isinstance(intent, dict):
            intent = intent.get("id")
        if isinstance(intent, str):
            return intent
    return None


def subscription_from(data: dict[str, Any]) -> BillingSubscription:
    items = ((data.get("items") or {}).get("data")) or []
    period_end = items[0].get("current_period_end") if items else None
    if period_end is None:
        period_end = data.get("current_period_end")  # API versions before 2025-03-31
    latest = data.get("latest_invoice")
    customer = data.get("customer")
    if isinstance(customer, dict):
        customer = customer.get("id")
    return BillingSubscription(
        id=str(data["id"]),
        status=str(data.get("status", "")),
        customer_id=str(customer or ""),
        cancel_at_period_end=bool(data.get("cancel_at_period_end")),
        period_end=int(period_end) if isinstance(period_end, int) else None,
        payment_id=(data.get("metadata") or {}).get("payment_id"),
        latest_invoice=invoice_from(latest) if isinstance(latest, dict) else None,
    )


class StripeBilling:
    """`BillingApi` at Stripe, sharing the cards client (one SDK client, one connection pool)."""

    def __init__(self, cards: "StripeCards") -> None:
        self._cards = cards

    async def create_customer(self, *, user_id: str, name: str, email: str | None) -> str:
        import stripe

        params: stripe.params.CustomerCreateParams = {
            "name": name,
            "metadata": {"user_id": user_id},
        }
        if email:
            params["email"] = email
        try:
            customer = await self._cards._stripe().v1.customers.create_async(
                params, {"idempotency_key": f"flash-customer-{user_id}"}
            )
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=False) from None
        return str(customer.id)

    async def create_product(self, *, creator_id: str, name: str) -> str:
        import stripe

        try:
            product = await self._cards._stripe().v1.products.create_async(
                {"name": name, "metadata": {"creator_id": creator_id}},
                {"idempotency_key": f"flash-product-{creator_id}"},
            )
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=False) from None
        return str(product.id)

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
        import stripe

        price: stripe.params.SubscriptionCreateParamsItemPriceData = {
            "currency": currency.lower(),
            "product": product_id,
            "unit_amount": amount,
            "recurring": {"interval": "month"},
        }
        ours: dict[str, str] = {"payment_id": payment_id, **metadata}
        try:
            subscription = await self._cards._stripe().v1.subscriptions.create_async(
                {
                    "customer": customer_id,
                    "items": [{"price_data": price}],
                    "payment_behavior": "default_incomplete",
                    "payment_settings": {
                        "payment_method_types": ["card"],
                        "save_default_payment_method": "on_subscription",
                    },
                    "metadata": ours,
                    "expand": ["latest_invoice.confirmation_secret"],
                },
                {"idempotency_key": payment_key(payment_id)},
            )
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=True) from None
        return subscription_from(subscription.to_dict())

    async def retrieve_invoice(self, invoice_id: str) -> Invoice:
        import stripe

        try:
            invoice = await self._cards._stripe().v1.invoices.retrieve_async(
                invoice_id, {"expand": ["payments"]}
            )
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=False) from None
        return invoice_from(invoice.to_dict())

    async def cancel_subscription(self, subscription_id: str) -> None:
        import stripe

        try:
            await self._cards._stripe().v1.subscriptions.cancel_async(subscription_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status != 404 and exc.code != "resource_missing":
                raise translated(exc, sends_money=False) from None
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=False) from None

    async def void_invoice(self, invoice_id: str) -> Invoice:
        import stripe

        try:
            invoice = await self._cards._stripe().v1.invoices.void_invoice_async(invoice_id)
        except stripe.InvalidRequestError as exc:
            if exc.code != "invoice_not_open":
                raise translated(exc, sends_money=False) from None
            return await self.retrieve_invoice(invoice_id)  # paid or voided before
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=False) from None
        return invoice_from(invoice.to_dict())

    async def stop_renewing(self, subscription_id: str) -> BillingSubscription:
        import stripe

        try:
            subscription = await self._cards._stripe().v1.subscriptions.update_async(
                subscription_id, {"cancel_at_period_end": True}
            )
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=False) from None
        return subscription_from(subscription.to_dict())

    async def invoice_paid_by(self, intent_id: str) -> str | None:
        import stripe

        try:
            found = await self._cards._stripe().v1.invoice_payments.list_async(
                {"payment": {"type": "payment_intent", "payment_intent": intent_id}, "limit": 1}
            )
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=False) from None
        for item in found.data:
            invoice = item.invoice
            return invoice if isinstance(invoice, str) else str(invoice.id)
        return None
