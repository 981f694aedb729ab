"""What the payments domain needs from any payment method, whoever provides it.

M-Pesa implements it now; Stripe (cards), Orange Money and MTN MoMo slot in
as further `PaymentGateway`s registered under their method, live or sandbox.
"""

from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from server.contract.payments import NextAction, PaymentMethod, PaymentStatus


@dataclass(frozen=True)
class ChargeRequest:
    payment_id: str
    amount: int  # minor units
    currency: str
    phone: str | None  # E.164
    callback_url: str  # carries the payment's unguessable callback token
    language: str
    return_url: str  # where a provider's own page sends the fan back: GET /pay/{id}
    cancel_url: str  # ... and where it sends a fan who gave up: GET /pay/{id}/cancel


@dataclass(frozen=True)
class ChargeStarted:
    provider_ref: str
    next_action: NextAction | None
    # A per-payment secret the provider echoes in its callback (Orange's `notif_token`):
    # only its hash is stored, and a callback without it changes nothing.
    callback_proof: str | None = None


@dataclass(frozen=True)
class ProviderOutcome:
    """A final answer confirmed by the provider itself (never by an unsigned callback)."""

    status: PaymentStatus
    failure_code: str | None
    provider_result: str


class PaymentGateway(Protocol):
    method: PaymentMethod
    provider: str  # the clearing account's name: `clearing:<provider>`
    mode: Literal["live", "sandbox"]

    def check(self, amount: int, currency: str, phone: str | None) -> None:
        """Refuse, with `InvalidInput`, what this method cannot take (currency, units, phone)."""
        ...

    async def start(self, charge: ChargeRequest) -> ChargeStarted:
        """Ask the provider to collect; raises `ProviderUnreachable`, `ProviderUncertain` or
        `ProviderRefused` from `server.providers.errors`."""
        ...

    async def outcome(self, provider_ref: str) -> ProviderOutcome | None:
        """Ask the provider how a charge ended; None while it has not ended."""
        ...

    def claimed_ref(self, callback: Any) -> str | None:
        """The provider reference an (unverified) callback body names, if it names one."""
        ...

    def next_action(self, amount: int, currency: str, language: str) -> NextAction | None:
        """What the payer must do while the charge is pending."""
        ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class ProviderRefund:
    """The provider took a refund: its own reference for it."""

    provider_ref: str


@runtime_checkable
class RefundingGateway(Protocol):
    """A method whose provider can give money back (cards); the others answer 422."""

    async def refund(
        self, provider_ref: str, amount: int, currency: str, refund_id: str
    ) -> ProviderRefund:
        """`amount` in our minor units; retries with the same `refund_id` refund once.
        Raises like `PaymentGateway.start`."""
        ...


@runtime_checkable
class CancellingGateway(Protocol):
    """A method whose provider can call off a charge the payer left (`GET /pay/{id}/cancel`)."""

    async def cancel(self, provider_ref: str) -> ProviderOutcome | None:
        """Call it off unless it was paid; the final outcome, or None if still undecided."""
        ...
