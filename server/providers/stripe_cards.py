"""Stripe card payments through the official `stripe` SDK: PaymentIntents and refunds.

`CardApi` is the part of Stripe the payments domain uses; `StripeCards` speaks it
to Stripe (or any server at `FLASH_STRIPE_API_BASE`) and `SandboxCards`
(`stripe_sandbox.py`) answers it when no secret key is set. The SDK is imported
inside the methods: the bundled server must stay light in memory while idle.

Every request that can move money carries OUR idempotency key, derived from our
own id (`flash-payment-<id>`, `flash-refund-<id>`): Stripe replays the first
answer to a retry under the same key, so a retry never creates a second charge.
The SDK itself retries network failures and 5xx answers under that same key.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from server.providers.errors import ProviderRefused, ProviderUncertain, ProviderUnreachable

if TYPE_CHECKING:
    import stripe

# Stripe's own zero-decimal currencies (docs.stripe.com/currencies#zero-decimal) among
# ours; every other currency we take has two decimals at Stripe, as in ISO 4217.
STRIPE_ZERO_DECIMAL = frozenset({"XOF", "XAF", "UGX", "RWF"})
# Why we cancel an intent: the fan gave up, or never paid in time (or was declined).
CancelReason = Literal["requested_by_customer", "abandoned"]


def payment_key(payment_id: str) -> str:
    return f"flash-payment-{payment_id}"


def refund_key(refund_id: str) -> str:
    return f"flash-refund-{refund_id}"


def stripe_exponent(currency: str) -> int:
    return 0 if currency.upper() in STRIPE_ZERO_DECIMAL else 2


@dataclass(frozen=True)
class Intent:
    """A PaymentIntent as far as we read it."""

    id: str
    status: str  # Stripe's: requires_payment_method, processing, succeeded, canceled, ...
    amount: int  # in Stripe's units of `currency`
    currency: str  # upper case, as we write it
    client_secret: str | None
    payment_id: str | None  # our metadata
    error_code: str | None  # last_payment_error: its decline_code, else its code
    cancellation_reason: str | None
    created: int  # Unix seconds


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str  # pending, requires_action, succeeded, failed or canceled


class CardApi(Protocol):
    async def create_intent(
        self, *, payment_id: str, amount: int, currency: str, description: str
    ) -> Intent:
        """`amount` in Stripe's units; a retry with the same `payment_id` makes one intent."""
        ...

    async def retrieve_intent(self, intent_id: str) -> Intent: ...

    async def cancel_intent(self, intent_id: str, reason: CancelReason) -> Intent:
        """Cancel; an intent that can no longer be cancelled is answered as it is."""
        ...

    async def refund(self, *, intent_id: str, amount: int, refund_id: str) -> RefundResult: ...

    async def aclose(self) -> None: ...


def intent_from(data: dict[str, Any]) -> Intent:
    """Read Stripe's PaymentIntent JSON (also the `data.object` of its webhook events)."""
    error = data.get("last_payment_error") or {}
    metadata = data.get("metadata") or {}
    return Intent(
        id=str(data["id"]),
        status=str(data.get("status", "")),
        amount=int(data.get("amount", 0)),
        currency=str(data.get("currency", "")).upper(),
        client_secret=data.get("client_secret"),
        payment_id=metadata.get("payment_id"),
        error_code=error.get("decline_code") or error.get("code"),
        cancellation_reason=data.get("cancellation_reason"),
        created=int(data.get("created", 0)),
    )


class StripeCards:
    def __init__(
        self, *, secret_key: str, api_base: str, timeout_s: float = 20.0, max_retries: int = 2
    ) -> None:
        self._secret_key = secret_key
        self._api_base = api_base.rstrip("/")
        self._timeout_s = timeout_s
        self._max_retries = max_retries
        self._client: stripe.StripeClient | None = None
        self._http: stripe.HTTPXClient | None = None

    def _stripe(self) -> "stripe.StripeClient":
        """Built on first use, so an idle server never loads the SDK."""
        if self._client is None:
            import stripe

            self._http = stripe.HTTPXClient(timeout=self._timeout_s)
            self._client = stripe.StripeClient(
                self._secret_key,
                base_addresses={"api": self._api_base},
                http_client=self._http,
                max_network_retries=self._max_retries,
            )
        return self._client

    async def create_intent(
        self, *, payment_id: str, amount: int, currency: str, description: str
    ) -> Intent:
        import stripe

        try:
            intent = await self._stripe().v1.payment_intents.create_async(
                {
                    "amount": amount,
                    "currency": currency.lower(),
                    "allowed_payment_method_types": ["card"],
                    "description": description,
                    "metadata": {"payment_id": payment_id},
                },
                {"idempotency_key": payment_key(payment_id)},
            )
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=True) from None
        return intent_from(intent.to_dict())

    async def retrieve_intent(self, intent_id: str) -> Intent:
        import stripe

        try:
            intent = await self._stripe().v1.payment_intents.retrieve_async(intent_id)
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=False) from None
        return intent_from(intent.to_dict())

    async def cancel_intent(self, intent_id: str, reason: CancelReason) -> Intent:
        import stripe

        try:
            intent = await self._stripe().v1.payment_intents.cancel_async(
                intent_id, {"cancellation_reason": reason}
            )
        except stripe.InvalidRequestError as exc:
            if exc.code != "payment_intent_unexpected_state":
                raise translated(exc, sends_money=False) from None
            return await self.retrieve_intent(intent_id)  # it succeeded or ended before
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=False) from None
        return intent_from(intent.to_dict())

    async def refund(self, *, intent_id: str, amount: int, refund_id: str) -> RefundResult:
        import stripe

        try:
            refund = await self._stripe().v1.refunds.create_async(
                {
                    "payment_intent": intent_id,
                    "amount": amount,
                    "metadata": {"refund_id": refund_id},
                },
                {"idempotency_key": refund_key(refund_id)},
            )
        except stripe.StripeError as exc:
            raise translated(exc, sends_money=True) from None
        return RefundResult(id=str(refund.id), status=str(refund.status or "pending"))

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close_async()  # type: ignore[no-untyped-call]


def translated(exc: "stripe.StripeError", *, sends_money: bool) -> Exception:
    """The SDK's error as ours, by what it means for a retry (messages carry no secrets)."""
    import httpx
    import stripe

    if isinstance(exc, stripe.APIConnectionError):
        cause = exc.__cause__
        never_sent = isinstance(
            cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
        )
        if never_sent or not sends_money:
            return ProviderUnreachable(f"Stripe is unreachable ({type(cause).__name__})")
        return ProviderUncertain(f"no answer from Stripe ({type(cause).__name__})")
    if isinstance(exc, stripe.IdempotencyError):
        # Our key was used with other parameters: never send it again.
        return ProviderRefused("idempotency_error", "Stripe refused the idempotency key")
    status = exc.http_status or 0
    if status >= 500 or status in (401, 403, 429):
        return ProviderUnreachable(f"Stripe answered HTTP {status}")
    error = exc.error
    code = (error.decline_code if error else None) or exc.code or f"http_{status}"
    message = (error.message if error else None) or "refused"
    return ProviderRefused(str(code), str(message))
