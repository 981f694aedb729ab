"""Where a sign-in is kept between runs: one keyring entry per server.

The entry holds the tokens and the account they belong to, so the studio can
open signed in, and show who is signed in, before the server answers.
"""

from datetime import UTC, datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ValidationError

from server.contract import TokenPair, User
from studio.core.vault import Vault

EXPIRY_MARGIN = timedelta(seconds=30)


class StoredSignIn(BaseModel):
    """The newest token pair of a sign-in and the account it opens."""

    access_token: str
    refresh_token: str
    access_expires_at: AwareDatetime
    user: User

    @classmethod
    def from_pair(cls, pair: TokenPair, user: User) -> "StoredSignIn":
        expires = datetime.now(UTC) + timedelta(seconds=pair.expires_in)
        return cls(
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
            access_expires_at=expires,
            user=user,
        )

    def access_expired(self) -> bool:
        """Expired, or about to: refresh first rather than be refused."""
        return datetime.now(UTC) + EXPIRY_MARGIN >= self.access_expires_at


class TokenStore:
    """Reads and writes the sign-in of each server in the vault."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    @staticmethod
    def entry_name(server_id: str) -> str:
        return f"sign-in:{server_id}"

    async def load(self, server_id: str) -> StoredSignIn | None:
        raw = await self.vault.get(self.entry_name(server_id))
        if raw is None:
            return None
        try:
            return StoredSignIn.model_validate_json(raw)
        except ValidationError:
            await self.clear(server_id)  # written by another version: sign in again
            return None

    async def save(self, server_id: str, sign_in: StoredSignIn) -> None:
        await self.vault.set(self.entry_name(server_id), sign_in.model_dump_json())

    async def clear(self, server_id: str) -> None:
        await self.vault.delete(self.entry_name(server_id))
