"""The Mux adapter, through the real `mux-python` SDK, against a local server speaking Mux's API.

Also: every Mux failure is a 502 `provider_unavailable` that leaves our data as it was.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from server.app import create_app
from server.config import Settings
from server.errors import ProviderUnavailable
from server.providers.mux import LiveStreamSpec
from server.providers.mux_client import MuxClient
from tests.support.fake_mux import TOKEN_ID, TOKEN_SECRET, FakeMux, running_fake_mux
from tests.support.live_server import LiveServer, free_port, serve
from tests.support.streams import bearer, create_stream, register

YOUTUBE = {"url": "rtmps://a.rtmp.youtube.com/live2", "stream_key": "yt-abcd-efgh"}


@pytest.fixture
def fake_mux() -> Iterator[FakeMux]:
    with running_fake_mux() as fake:
        yield fake


def with_mux(settings: Settings, base_url: str, **extra: Any) -> Settings:
    return settings.model_copy(
        update={
            "mux_token_id": TOKEN_ID,
            "mux_token_secret": TOKEN_SECRET,
            "mux_base_url": base_url,
            "mux_timeout_s": 5.0,
            **extra,
        }
    )


@pytest.fixture
def mux_server(settings: Settings, fake_mux: FakeMux) -> Iterator[LiveServer]:
    with serve(create_app(with_mux(settings, fake_mux.url))) as server:
        yield server


def mux_stream_of(fake: FakeMux, stream_id: str) -> dict[str, Any]:
    """The Mux live stream we made for our stream: it carries our id as passthrough."""
    [live] = [s for s in fake.live_streams.values() if s["passthrough"] == stream_id]
    return live


def test_create_makes_a_recorded_mux_live_stream(mux_server: LiveServer, fake_mux: FakeMux) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token, latency_mode="reduced")
    [sent] = fake_mux.calls("POST", "/live-streams")
    assert sent["playback_policies"] == ["public"]
    assert sent["new_asset_settings"]["playback_policies"] == ["public"]
    assert sent["reconnect_window"] == 60 and sent["latency_mode"] == "reduced"
    assert sent["passthrough"] == stream["id"]
    live = mux_stream_of(fake_mux, stream["id"])
    playback_id = live["playback_ids"][0]["id"]
    assert stream["mode"] == "live" and stream["status"] == "idle"
    assert stream["ingest_url"] == "rtmps://global-live.mux.com:443/app"
    assert stream["stream_key"] == live["stream_key"]
    assert stream["playback_url"] == f"https://stream.mux.com/{playback_id}.m3u8"


def test_reset_key_asks_mux_for_a_new_one(mux_server: LiveServer, fake_mux: FakeMux) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        reset = client.post(f"/streams/{stream['id']}/reset-key", headers=bearer(token)).json()
    live = mux_stream_of(fake_mux, stream["id"])
    assert reset["stream_key"] == live["stream_key"] != stream["stream_key"]


def test_latency_change_goes_to_mux(mux_server: LiveServer, fake_mux: FakeMux) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        edited = client.patch(
            f"/streams/{stream['id']}", json={"latency_mode": "low"}, headers=bearer(token)
        ).json()
    assert edited["latency_mode"] == "low"
    [sent] = fake_mux.calls("PATCH")
    assert (sent["latency_mode"], sent["reconnect_window"]) == ("low", 60)
    assert mux_stream_of(fake_mux, stream["id"])["latency_mode"] == "low"


def test_complete_ends_and_disables_the_mux_stream(
    mux_server: LiveServer, fake_mux: FakeMux
) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        done = client.post(f"/streams/{stream['id']}/complete", headers=bearer(token)).json()
    live = mux_stream_of(fake_mux, stream["id"])
    assert done["status"] == "completed"
    assert len(fake_mux.calls("PUT", f"{live['id']}/complete")) == 1
    assert live["status"] == "disabled"


def test_delete_removes_the_mux_stream(mux_server: LiveServer, fake_mux: FakeMux) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        gone_at_mux = create_stream(client, token, title="Deleted in the Mux dashboard")
        del fake_mux.live_streams[mux_stream_of(fake_mux, gone_at_mux["id"])["id"]]
        first = client.delete(f"/streams/{stream['id']}", headers=bearer(token))
        second = client.delete(f"/streams/{gone_at_mux['id']}", headers=bearer(token))
        listed = client.get("/streams", headers=bearer(token)).json()
    assert first.status_code == 204 and second.status_code == 204
    assert fake_mux.live_streams == {} and listed["items"] == []


def test_simulcast_targets_live_at_mux(mux_server: LiveServer, fake_mux: FakeMux) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        path = f"/streams/{stream['id']}/simulcast-targets"
        target = client.post(path, json=YOUTUBE, headers=bearer(token)).json()
        at_mux = list(mux_stream_of(fake_mux, stream["id"])["simulcast_targets"])
        removed = client.delete(f"{path}/{target['id']}", headers=bearer(token))
    assert [(t["url"], t["stream_key"], t["passthrough"]) for t in at_mux] == [
        (YOUTUBE["url"], YOUTUBE["stream_key"], target["id"])
    ]
    assert removed.status_code == 204
    assert mux_stream_of(fake_mux, stream["id"])["simulcast_targets"] == []


@pytest.mark.parametrize("status", [500, 503, 401, 400])
def test_mux_failure_on_create_is_502_and_stores_nothing(
    mux_server: LiveServer, fake_mux: FakeMux, status: int
) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        fake_mux.fail_with = status
        response = client.post("/streams", json={"title": "x"}, headers=bearer(token))
        fake_mux.fail_with = None
        listed = client.get("/streams", headers=bearer(token)).json()
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "provider_unavailable"
    assert listed["items"] == []


def test_mux_failure_on_changes_leaves_the_stream_as_it_was(
    mux_server: LiveServer, fake_mux: FakeMux
) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        path = f"/streams/{stream['id']}"
        fake_mux.fail_with = 503
        responses = [
            client.post(path + "/reset-key", headers=bearer(token)),
            client.post(path + "/complete", headers=bearer(token)),
            client.patch(path, json={"latency_mode": "low", "title": "New"}, headers=bearer(token)),
            client.delete(path, headers=bearer(token)),
            client.post(path + "/simulcast-targets", json=YOUTUBE, headers=bearer(token)),
        ]
        fake_mux.fail_with = None
        after = client.get(path, headers=bearer(token)).json()
        targets = client.get(path + "/simulcast-targets", headers=bearer(token)).json()
    for response in responses:
        assert response.status_code == 502, response.text
        assert response.json()["error"]["code"] == "provider_unavailable"
    assert after == stream and targets["items"] == []


def test_unreachable_mux_is_502_and_stores_nothing(settings: Settings) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    with serve(create_app(with_mux(settings, closed))) as server, server.client() as client:
        token, _ = register(client)
        response = client.post("/streams", json={"title": "x"}, headers=bearer(token))
        listed = client.get("/streams", headers=bearer(token)).json()
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "provider_unavailable"
    assert listed["items"] == []


def test_a_sandbox_stream_stays_in_the_sandbox_after_mux_is_configured(
    settings: Settings, fake_mux: FakeMux
) -> None:
    with serve(create_app(settings)) as sandbox, sandbox.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
    with serve(create_app(with_mux(settings, fake_mux.url))) as live, live.client() as client:
        reset = client.post(f"/streams/{stream['id']}/reset-key", headers=bearer(token)).json()
        newer = create_stream(client, token)
    assert reset["mode"] == "sandbox" and reset["stream_key"] != stream["stream_key"]
    assert newer["mode"] == "live"
    assert fake_mux.calls("POST", "/reset-stream-key") == []


async def test_adapter_speaks_to_mux_directly(fake_mux: FakeMux) -> None:
    mux = MuxClient(fake_mux.url, TOKEN_ID, TOKEN_SECRET, 5.0)
    made = await mux.create_stream(LiveStreamSpec("our-id", "standard", 30))
    assert fake_mux.live_streams[made.id]["reconnect_window"] == 30
    assert made.stream_key == fake_mux.live_streams[made.id]["stream_key"]
    await mux.delete_stream(made.id)
    await mux.delete_stream(made.id)  # already gone: fine
    with pytest.raises(ProviderUnavailable) as missing:
        await mux.reset_stream_key(made.id)
    assert missing.value.details == {"provider": "mux", "status": 404}


async def test_adapter_with_wrong_credentials(fake_mux: FakeMux) -> None:
    mux = MuxClient(fake_mux.url, TOKEN_ID, "wrong-secret", 5.0)
    with pytest.raises(ProviderUnavailable) as refused:
        await mux.create_stream(LiveStreamSpec("our-id", "standard", 60))
    assert refused.value.details == {"provider": "mux", "status": 401}
    assert fake_mux.live_streams == {}
