"""Secrets on this computer: the OS keyring, or memory for this session only.

Tokens and the bundled server's key live here and nowhere else (never in a
settings file). Where the OS offers no keyring (a bare Linux session), or the
keyring fails, secrets are kept in memory and `persistent` turns false, so the
app can say once that the user will have to sign in again next time.
"""

import asyncio
import logging

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail
from keyring.errors import KeyringError, PasswordDeleteError

from studio.core.events import Event

SERVICE = "FlashAfrica"

log = logging.getLogger(__name__)


def _is_real(backend: KeyringBackend) -> bool:
    """`fail` (nothing found), an empty chain, or the null backend keep nothing."""
    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return any(_is_real(inner) for inner in backend.backends)
    return type(backend).__module__ != "keyring.backends.null"


class Vault:
    """Named secrets of the studio; every keyring call runs off the UI thread."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service
        self._backend: KeyringBackend | None = None
        self._memory: dict[str, str] = {}
        self._persistent = True
        self._opened = asyncio.Lock()
        self.session_only = Event[str]()
        """Said once, with the reason, when secrets stop surviving a restart."""

    @property
    def persistent(self) -> bool:
        """False once we know secrets will not survive a restart."""
        return self._persistent

    async def open(self) -> bool:
        """Find the keyring (slow on some systems); answer whether secrets will persist."""
        async with self._opened:
            if self._backend is None:
                self._backend = await asyncio.to_thread(keyring.get_keyring)
                if not _is_real(self._backend):
                    self._fall_back(f"no keyring on this system ({type(self._backend).__name__})")
        return self._persistent

    async def get(self, name: str) -> str | None:
        if await self.open():
            try:
                backend = self._backend_or_fail()
                return await asyncio.to_thread(backend.get_password, self.service, name)
            except KeyringError as exc:
                self._fall_back(f"the keyring could not be read: {exc}")
        return self._memory.get(name)

    async def set(self, name: str, secret: str) -> None:
        if await self.open():
            try:
                backend = self._backend_or_fail()
                await asyncio.to_thread(backend.set_password, self.service, name, secret)
                return
            except KeyringError as exc:
                self._fall_back(f"the keyring could not be written: {exc}")
        self._memory[name] = secret

    async def delete(self, name: str) -> None:
        self._memory.pop(name, None)
        if await self.open():
            try:
                backend = self._backend_or_fail()
                await asyncio.to_thread(backend.delete_password, self.service, name)
            except PasswordDeleteError:
                pass  # nothing was stored under this name: already gone
            except KeyringError as exc:
                self._fall_back(f"the keyring could not be changed: {exc}")

    def _backend_or_fail(self) -> KeyringBackend:
        assert self._backend is not None, "open() first"
        return self._backend

    def _fall_back(self, reason: str) -> None:
        if self._persistent:
            self._persistent = False
            log.info("keeping secrets for this session only: %s", reason)
            self.session_only.emit(reason)
