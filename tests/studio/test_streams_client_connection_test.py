"""The studio's `StreamsClient` asking a Mux-backed server (the real app, with a local server
speaking Mux's API) for a connection test target, then ending it."""

from collections.abc import AsyncIterator, Iterator

import pytest

from server.app import create_app
from server.config import Settings
from server.contract import RegisterRequest
from server.contract.streams import StreamCreate
from studio.core.api_client import ApiClient
from studio.core.errors import FlashError
from studio.core.session import Session
from studio.core.streams_client import StreamsClient
from studio.core.token_store import TokenStore
from studio.core.vault import Vault
from tests.support.fake_mux import TOKEN_ID, TOKEN_SECRET, FakeMux, running_fake_mux
from tests.support.live_server import LiveServer, serve

CREATOR = RegisterRequest(
    email="amara@example.com",
    password="river-sun-42",
    display_name="Amara",
    country="NG",
    currency="NGN",
)


@pytest.fixture
def fake_mux() -> Iterator[FakeMux]:
    with running_fake_mux() as fake:
        yield fake


@pytest.fixture
def mux_server(settings: Settings, fake_mux: FakeMux) -> Iterator[LiveServer]:
    with_mux = settings.model_copy(
        update={
            "mux_token_id": TOKEN_ID,
            "mux_token_secret": TOKEN_SECRET,
            "mux_base_url": fake_mux.url,
            "mux_timeout_s": 5.0,
        }
    )
    with serve(create_app(with_mux)) as server:
        yield server


@pytest.fixture
async def streams(mux_server: LiveServer) -> AsyncIterator[StreamsClient]:
    api = ApiClient(mux_server.url)
    session = Session(api, TokenStore(Vault()))
    session.server_id = "test"
    await session.sign_up(CREATOR)
    yield StreamsClient(session)
    await api.aclose()


async def test_a_mux_streams_test_target_is_a_test_stream_ended_after(
    streams: StreamsClient, fake_mux: FakeMux
) -> None:
    stream = await streams.create(StreamCreate(title="Lagos nights"))
    test = await streams.start_connection_test(stream.id)
    made = fake_mux.live_streams[test.id]
    assert made["test"] is True and made["new_asset_settings"] is None
    assert (test.ingest_url, test.stream_key) == (stream.ingest_url, made["stream_key"])
    assert test.stream_key != stream.stream_key

    await streams.end_connection_test(stream.id, test.id)
    assert test.id not in fake_mux.live_streams
    assert (await streams.get(stream.id)).status == "idle"
    [real] = [s for s in fake_mux.live_streams.values() if s["passthrough"] == stream.id]
    with pytest.raises(FlashError) as refused:  # the stream's own Mux stream is no test
        await streams.end_connection_test(stream.id, real["id"])
    assert refused.value.status == 404
    assert real["id"] in fake_mux.live_streams
