"""A sign-in is stored per server in the keyring, and nowhere else."""

from datetime import UTC, datetime, timedelta

from keyring.backends import fail

from server.contract import Role, TokenPair, User
from studio.core.token_store import StoredSignIn, TokenStore
from studio.core.vault import SERVICE, Vault
from tests.studio.conftest import MemoryKeyring

USER = User(
    id="u1",
    email="awa@example.com",
    phone=None,
    display_name="Awa Diop",
    role=Role.CREATOR,
    country="SN",
    currency="XOF",
    language="fr",
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)


def sign_in(refresh: str = "r1", expires_in: int = 900) -> StoredSignIn:
    pair = TokenPair(access_token="a1", refresh_token=refresh, expires_in=expires_in)
    return StoredSignIn.from_pair(pair, USER)


async def test_a_sign_in_is_kept_per_server(memory_keyring: MemoryKeyring) -> None:
    store = TokenStore(Vault())
    await store.save("bundled", sign_in("r-bundled"))
    await store.save("https://flash.example", sign_in("r-remote"))

    again = TokenStore(Vault())
    bundled = await again.load("bundled")
    remote = await again.load("https://flash.example")
    assert bundled is not None and bundled.refresh_token == "r-bundled"
    assert remote is not None and remote.refresh_token == "r-remote"
    assert bundled.user.display_name == "Awa Diop"
    assert (SERVICE, "sign-in:bundled") in memory_keyring.secrets


async def test_cleared_sign_in_is_gone() -> None:
    store = TokenStore(Vault())
    await store.save("bundled", sign_in())
    await store.clear("bundled")
    assert await TokenStore(Vault()).load("bundled") is None


async def test_an_unreadable_entry_is_dropped(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, "sign-in:bundled", "{not json")
    assert await TokenStore(Vault()).load("bundled") is None
    assert (SERVICE, "sign-in:bundled") not in memory_keyring.secrets


async def test_without_a_keyring_the_sign_in_lasts_for_the_session(
    no_keyring: fail.Keyring,
) -> None:
    store = TokenStore(Vault())
    await store.save("bundled", sign_in())
    assert await store.load("bundled") is not None
    assert await TokenStore(Vault()).load("bundled") is None


def test_an_access_token_near_its_end_counts_as_expired() -> None:
    assert not sign_in(expires_in=900).access_expired()
    assert sign_in(expires_in=10).access_expired()
    stale = sign_in().model_copy(update={"access_expires_at": datetime.now(UTC) - timedelta(1)})
    assert stale.access_expired()
