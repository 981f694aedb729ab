"""What every payments workflow needs, built once per app."""

import hashlib
import hmac
from dataclasses import dataclass, field

from server.config import Settings
from server.contract import API_PREFIX
from server.db import Database
from server.payments.gateways import Gateways
from server.payments.listeners import SubscriberListener, TipListener


@dataclass
class PaymentsContext:
    database: Database
    settings: Settings
    gateways: Gateways
    listeners: list[TipListener] = field(default_factory=list)
    subscriber_listeners: list[SubscriberListener] = field(default_factory=list)

    def callback_token(self, payment_id: str) -> str:
        """Derived from the payment and the server secret: unguessable, and the same on every
        retry, so a retried request names the same callback URL (the same provider key)."""
        digest = hmac.new(
            self.settings.secret_key.encode(), f"callback:{payment_id}".encode(), hashlib.sha256
        ).hexdigest()
        return digest[:40]

    def callback_url(self, provider: str, payment_id: str) -> str:
        """`/webhooks/<provider>/<token>`, with `_` spelled `-` as in URLs (`mtn-momo`)."""
        base = self.settings.public_url.rstrip("/")
        slug = provider.replace("_", "-")
        return f"{base}{API_PREFIX}/webhooks/{slug}/{self.callback_token(payment_id)}"

    def return_url(self, payment_id: str) -> str:
        """The fan's browser comes back here from a provider's page (Orange, Stripe)."""
        return f"{self.settings.public_url.rstrip('/')}/pay/{payment_id}"

    def cancel_url(self, payment_id: str) -> str:
        return f"{self.return_url(payment_id)}/cancel"


def token_hash(token: str) -> str:
    """Only the hash is stored: a database leak must not let anyone forge a callback URL."""
    return hashlib.sha256(token.encode()).hexdigest()
