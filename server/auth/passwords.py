"""Password hashing with argon2id (argon2-cffi's recommended parameters).

argon2-cffi is imported at the first password, not at start-up: a server nobody has
signed up or in to yet does not need it.
"""

import asyncio
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@cache
def _hasher() -> "PasswordHasher":
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verifying against this keeps a login for an unknown account as slow as a real one.

    Made on first use, not at import: hashing is slow and server start-up should not wait.
    """
    return _hasher().hash("flash-africa-timing-guard")


async def hash_password(password: str) -> str:
    """Hash off the event loop: argon2 is deliberately slow."""
    return await asyncio.to_thread(_hasher().hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def _verify() -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return _hasher().verify(password_hash or _dummy_hash(), password) and bool(
                password_hash
            )
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(_verify)
