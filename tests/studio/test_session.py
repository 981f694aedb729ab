"""Register, sign in, refresh with rotation, sign out: the core against the real API."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import BaseModel, ConfigDict

from server.contract import LoginRequest, RegisterRequest
from studio.core.api_client import ApiClient
from studio.core.errors import (
    Conflict,
    InvalidInput,
    ServerError,
    ServerUnreachable,
    Unauthorized,
)
from studio.core.session import Session
from studio.core.token_store import TokenStore
from studio.core.vault import Vault
from tests.support.live_server import LiveServer, free_port

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
AWA = RegisterRequest(
    email="awa@example.com",
    password="river-sun-42",
    display_name="Awa Diop",
    country="SN",
    currency="XOF",
    language="fr",
)


class Unchecked(BaseModel):
    """Any body, sent as given: to see what the server itself says about it."""

    model_config = ConfigDict(extra="allow")


@pytest.fixture
async def api(live_server: LiveServer) -> AsyncIterator[ApiClient]:
    client = ApiClient(live_server.url)
    yield client
    await client.aclose()


def new_session(api: ApiClient) -> Session:
    session = Session(api, TokenStore(Vault()))
    session.server_id = "test"
    return session


async def test_sign_up_then_resume_in_a_new_session(api: ApiClient) -> None:
    user = await new_session(api).sign_up(AWA)
    assert user.display_name == "Awa Diop" and user.currency == "XOF"

    later = new_session(api)
    assert await later.use_server("test") == user
    assert await later.confirm() == user


async def test_refresh_rotates_and_stores_the_newest_refresh_token(api: ApiClient) -> None:
    session = new_session(api)
    await session.sign_up(AWA)
    first = await session.store.load("test")
    assert first is not None

    expired = first.model_copy(update={"access_expires_at": LONG_AGO})
    await session.store.save("test", expired)
    await session.use_server("test")
    assert (await session.confirm()) is not None

    second = await session.store.load("test")
    assert second is not None and second.refresh_token != first.refresh_token
    with pytest.raises(Unauthorized):  # the old refresh token is spent
        await api.refresh(first.refresh_token)


async def test_a_revoked_sign_in_ends_with_a_reason(api: ApiClient) -> None:
    session = new_session(api)
    await session.sign_up(AWA)
    stored = await session.store.load("test")
    assert stored is not None
    await api.logout(stored.refresh_token)  # e.g. signed out from another device
    expired = stored.model_copy(update={"access_expires_at": LONG_AGO})
    await session.store.save("test", expired)
    await session.use_server("test")
    reasons: list[object] = []
    session.signed_out.connect(reasons.append)

    with pytest.raises(Unauthorized):
        await session.confirm()
    assert session.user is None
    assert await session.store.load("test") is None
    assert len(reasons) == 1 and isinstance(reasons[0], Unauthorized)


async def test_sign_out_forgets_the_tokens(api: ApiClient) -> None:
    session = new_session(api)
    await session.sign_up(AWA)
    stored = await session.store.load("test")
    assert stored is not None
    await session.sign_out()
    assert session.user is None and await session.store.load("test") is None
    with pytest.raises(Unauthorized):
        await api.refresh(stored.refresh_token)


async def test_errors_become_the_studio_exception_tree(api: ApiClient) -> None:
    session = new_session(api)
    await session.sign_up(AWA)
    with pytest.raises(Conflict) as duplicate:
        await session.sign_up(AWA)
    assert duplicate.value.code == "account_exists" and "email" in duplicate.value.fields

    with pytest.raises(Unauthorized) as wrong:
        await session.sign_in(LoginRequest(email="awa@example.com", password="not-the-password"))
    assert wrong.value.code == "wrong_credentials"

    bad = {**AWA.model_dump(mode="json"), "country": "senegal"}
    with pytest.raises(InvalidInput) as invalid:
        await api.send("POST", "/auth/register", body=Unchecked(**bad))
    assert "country" in invalid.value.fields


async def test_no_server_is_unreachable() -> None:
    client = ApiClient(f"http://127.0.0.1:{free_port()}")
    try:
        with pytest.raises(ServerUnreachable):
            await client.health()
    finally:
        await client.aclose()


async def test_a_non_json_error_is_a_server_error() -> None:
    def answer(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>bad gateway</html>")

    client = ApiClient("http://proxy.invalid", transport=httpx.MockTransport(answer))
    try:
        with pytest.raises(ServerError) as caught:
            await client.health()
    finally:
        await client.aclose()
    assert caught.value.status == 502
