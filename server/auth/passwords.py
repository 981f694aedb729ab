"""Password hashing with argon2id (argon2-cffi's recommended parameters)."""

import asyncio
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verifying against this keeps a login for an unknown account as slow as a real one.

    Made on first use, not at import: hashing is slow and server start-up should not wait.
    """
    return _hasher.hash("flash-africa-timing-guard")


async def hash_password(password: str) -> str:
    """Hash off the event loop: argon2 is deliberately slow."""
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def _verify() -> bool:
        try:
            return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(_verify)
