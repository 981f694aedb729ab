"""What every payouts workflow needs, built once per app."""

import hashlib
import hmac
from dataclasses import dataclass

from server.config import Settings
from server.contract import API_PREFIX
from server.db import Database
from server.payouts.rails import PayoutRails


@dataclass
class PayoutsContext:
    database: Database
    settings: Settings
    rails: PayoutRails

    def callback_token(self, payout_id: str) -> str:
        """Derived from the payout and the server secret: unguessable, and the same on every
        retry. A namespace of its own, so no payment's token is ever a payout's."""
        digest = hmac.new(
            self.settings.secret_key.encode(),
            f"payout-callback:{payout_id}".encode(),
            hashlib.sha256,
        ).hexdigest()
        return digest[:40]

    def result_url(self, provider: str, payout_id: str) -> str:
        base = self.settings.public_url.rstrip("/")
        path = provider.replace("_", "-")
        return f"{base}{API_PREFIX}/webhooks/{path}/{self.callback_token(payout_id)}"

    def timeout_url(self, provider: str, payout_id: str) -> str:
        return f"{self.result_url(provider, payout_id)}/timeout"

    def status_url(self, provider: str, payout_id: str) -> str:
        """Where the answer to a status query about the payout comes."""
        return f"{self.result_url(provider, payout_id)}/status"


def token_hash(token: str) -> str:
    """Only the hash is stored: a database leak must not let anyone forge a result URL."""
    return hashlib.sha256(token.encode()).hexdigest()
