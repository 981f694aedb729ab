"""Secrets go to the keyring; without one they last only for the session, and we say so."""

import keyring
from keyring.backends import fail
from keyring.errors import KeyringError

from studio.core.vault import SERVICE, Vault
from tests.studio.conftest import MemoryKeyring


async def test_secrets_are_kept_in_the_keyring(memory_keyring: MemoryKeyring) -> None:
    vault = Vault()
    assert await vault.open() is True
    await vault.set("bundled-server-secret-key", "s3cret")
    assert memory_keyring.secrets[(SERVICE, "bundled-server-secret-key")] == "s3cret"
    assert await Vault().get("bundled-server-secret-key") == "s3cret"
    await vault.delete("bundled-server-secret-key")
    assert await Vault().get("bundled-server-secret-key") is None


async def test_deleting_what_is_not_there_is_fine() -> None:
    await Vault().delete("never-stored")


async def test_without_a_keyring_secrets_last_for_the_session(no_keyring: fail.Keyring) -> None:
    vault = Vault()
    told: list[str] = []
    vault.session_only.connect(told.append)
    assert await vault.open() is False
    assert len(told) == 1
    assert vault.persistent is False
    await vault.set("sign-in:bundled", "tokens")
    assert await vault.get("sign-in:bundled") == "tokens"
    assert await Vault().get("sign-in:bundled") is None


class BrokenKeyring(MemoryKeyring):
    """A keyring that exists but refuses (a locked or crashed secret service)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the secret service did not answer")


async def test_a_failing_keyring_falls_back_to_memory() -> None:
    keyring.set_keyring(BrokenKeyring())
    vault = Vault()
    told: list[str] = []
    vault.session_only.connect(told.append)
    assert await vault.open() is True
    await vault.set("sign-in:bundled", "tokens")
    await vault.set("sign-in:other", "tokens")
    assert vault.persistent is False
    assert len(told) == 1 and "did not answer" in told[0]
    assert await vault.get("sign-in:bundled") == "tokens"
