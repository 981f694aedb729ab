"""`/streams/{id}/connection-test` over real HTTP: on Mux a throwaway test-mode live stream
(through the real `mux-python` SDK, against a local server speaking Mux's API), on the
sandbox the bundled ingest's `test` application; the stream itself never turns live."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.app import create_app
from server.config import Settings
from tests.support.fake_mux import TOKEN_ID, TOKEN_SECRET, FakeMux, running_fake_mux
from tests.support.live_server import LiveServer, serve
from tests.support.streams import bearer, create_stream, register

SECRET = "whsec-test-0123456789abcdef"


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
            "mux_webhook_secret": SECRET,
        }
    )
    with serve(create_app(with_mux)) as server:
        yield server


def mux_stream_of(fake: FakeMux, stream_id: str) -> dict[str, Any]:
    [live] = [s for s in fake.live_streams.values() if s["passthrough"] == stream_id]
    return live


def test_a_mux_test_is_a_throwaway_test_mode_stream_that_is_deleted_after(
    mux_server: LiveServer, fake_mux: FakeMux, capfd: pytest.CaptureFixture[str]
) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        real = mux_stream_of(fake_mux, stream["id"])
        answer = client.post(f"/streams/{stream['id']}/connection-test", headers=bearer(token))
        assert answer.status_code == 201, answer.text
        test = answer.json()

        [_, sent] = fake_mux.calls("POST", "/live-streams")
        assert sent["test"] is True
        assert "new_asset_settings" not in sent  # nothing is recorded
        assert not sent.get("playback_policies") and not sent.get("playback_policy")
        assert sent["passthrough"] == f"connection-test:{stream['id']}"
        made = fake_mux.live_streams[test["id"]]
        assert made["test"] is True and made["playback_ids"] == []
        assert test["ingest_url"] == stream["ingest_url"]
        assert test["stream_key"] == made["stream_key"] != stream["stream_key"]
        created = datetime.fromtimestamp(int(made["created_at"]), UTC)
        assert datetime.fromisoformat(test["expires_at"]) == created + timedelta(hours=24)

        # Mux reports the test stream live: our stream does not follow it.
        for status in ("connected", "active", "idle"):
            event = fake_mux.event(f"video.live_stream.{status}", {**made, "status": status})
            body, headers = fake_mux.signed(event, SECRET)
            assert client.post("/webhooks/mux", content=body, headers=headers).status_code == 200
        seen = client.get(f"/streams/{stream['id']}", headers=bearer(token)).json()
        assert (seen["status"], seen["replays"]) == ("idle", [])

        path = f"/streams/{stream['id']}/connection-test/{test['id']}"
        assert client.delete(path, headers=bearer(token)).status_code == 204
        assert test["id"] not in fake_mux.live_streams
        assert client.delete(path, headers=bearer(token)).status_code == 204  # gone is done
    assert fake_mux.live_streams == {real["id"]: real} and real["status"] == "idle"
    assert [p for m, p, _ in fake_mux.requests if m == "DELETE"] == [
        f"/video/v1/live-streams/{test['id']}"
    ]
    out, err = capfd.readouterr()
    assert test["stream_key"] not in out + err


def test_only_this_streams_test_streams_can_be_deleted(
    mux_server: LiveServer, fake_mux: FakeMux
) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        first, second = create_stream(client, token), create_stream(client, token)
        test = client.post(f"/streams/{first['id']}/connection-test", headers=bearer(token))
        test_id = test.json()["id"]
        real_id = mux_stream_of(fake_mux, first["id"])["id"]
        refused = [
            client.delete(
                f"/streams/{first['id']}/connection-test/{real_id}", headers=bearer(token)
            ),
            client.delete(
                f"/streams/{second['id']}/connection-test/{test_id}", headers=bearer(token)
            ),
        ]
    for answer in refused:
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "connection_test_not_found"
    assert {real_id, test_id} <= set(fake_mux.live_streams)
    assert fake_mux.calls("DELETE") == []


def test_only_the_owner_gets_a_test_stream(mux_server: LiveServer, fake_mux: FakeMux) -> None:
    with mux_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        test_id = client.post(
            f"/streams/{stream['id']}/connection-test", headers=bearer(owner)
        ).json()["id"]
        other, _ = register(client, display_name="Kofi")
        start = client.post(f"/streams/{stream['id']}/connection-test", headers=bearer(other))
        finish = client.delete(
            f"/streams/{stream['id']}/connection-test/{test_id}", headers=bearer(other)
        )
        anonymous = client.post(f"/streams/{stream['id']}/connection-test")
        unknown = client.post("/streams/no-such-stream/connection-test", headers=bearer(owner))
    for answer in (start, finish):
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "not_stream_owner"
        assert "stream_key" not in answer.text
    assert anonymous.status_code == 401
    assert unknown.status_code == 404
    assert len(fake_mux.calls("POST", "/live-streams")) == 2  # the stream, the owner's test
    assert test_id in fake_mux.live_streams


def test_a_mux_failure_is_a_502_and_makes_nothing(
    mux_server: LiveServer, fake_mux: FakeMux
) -> None:
    with mux_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        fake_mux.fail_with = 500
        answer = client.post(f"/streams/{stream['id']}/connection-test", headers=bearer(token))
    assert answer.status_code == 502
    assert answer.json()["error"]["code"] == "provider_unavailable"
    assert len(fake_mux.live_streams) == 1


def test_a_sandbox_test_goes_to_the_ingests_test_application(live_server: LiveServer) -> None:
    with live_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
        answer = client.post(f"/streams/{stream['id']}/connection-test", headers=bearer(token))
        assert answer.status_code == 201, answer.text
        test = answer.json()
        base = f"/streams/{stream['id']}/connection-test"
        done = client.delete(f"{base}/{test['id']}", headers=bearer(token))
        unknown = client.delete(f"{base}/sbx_not_this_one", headers=bearer(token))
        client.post(f"/streams/{stream['id']}/complete", headers=bearer(token))
        ended = client.post(base, headers=bearer(token))
    assert test["ingest_url"] == stream["ingest_url"].rsplit("/", 1)[0] + "/test"
    assert test["stream_key"] == stream["stream_key"]
    assert test["expires_at"] is None
    assert done.status_code == 204
    assert unknown.status_code == 404
    assert ended.status_code == 409 and ended.json()["error"]["code"] == "stream_ended"
