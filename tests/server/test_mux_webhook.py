"""`POST /webhooks/mux` over real HTTP: signatures, the tolerance window, idempotency,
status transitions and replays, with events built and signed the way Mux does."""

import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from server.app import create_app
from server.config import Settings
from server.streams.lifecycle import StreamStatusChange
from tests.support.fake_mux import TOKEN_ID, TOKEN_SECRET, FakeMux, running_fake_mux
from tests.support.live_server import LiveServer, serve
from tests.support.streams import bearer, create_stream, register

SECRET = "whsec-test-0123456789abcdef"


@pytest.fixture
def fake_mux() -> Iterator[FakeMux]:
    with running_fake_mux() as fake:
        yield fake


def with_mux(settings: Settings, fake: FakeMux, secret: str | None = SECRET) -> Settings:
    return settings.model_copy(
        update={
            "mux_token_id": TOKEN_ID,
            "mux_token_secret": TOKEN_SECRET,
            "mux_base_url": fake.url,
            "mux_webhook_secret": secret,
        }
    )


@pytest.fixture
def server(settings: Settings, fake_mux: FakeMux) -> Iterator[LiveServer]:
    with serve(create_app(with_mux(settings, fake_mux))) as server:
        yield server


class Creator:
    """A creator with one Mux-backed stream, and a way to send Mux's events about it."""

    def __init__(self, client: httpx.Client, fake: FakeMux) -> None:
        self.client = client
        self.fake = fake
        self.token, _ = register(client)
        self.stream = create_stream(client, self.token)
        [self.live] = [
            s for s in fake.live_streams.values() if s["passthrough"] == self.stream["id"]
        ]

    def send(self, event: dict[str, Any], secret: str = SECRET, **sign: Any) -> httpx.Response:
        body, headers = self.fake.signed(event, secret, **sign)
        return self.client.post("/webhooks/mux", content=body, headers=headers)

    def status_event(self, status: str, **kwargs: Any) -> dict[str, Any]:
        data = {**self.live, "status": status}
        return self.fake.event(f"video.live_stream.{status}", data, **kwargs)

    def read(self) -> dict[str, Any]:
        response = self.client.get(f"/streams/{self.stream['id']}", headers=bearer(self.token))
        seen: dict[str, Any] = response.json()
        return seen


@pytest.fixture
def creator(server: LiveServer, fake_mux: FakeMux) -> Iterator[Creator]:
    with server.client() as client:
        yield Creator(client, fake_mux)


def test_mux_events_drive_the_status(creator: Creator) -> None:
    seen = []
    for status in (
        "connected",
        "recording",
        "active",
        "disconnected",
        "active",
        "idle",
        "disabled",
    ):
        response = creator.send(creator.status_event(status))
        assert response.status_code == 200, response.text
        assert response.json() == {"received": True, "duplicate": False}
        seen.append(creator.read()["status"])
    assert seen == ["idle", "idle", "active", "disconnected", "active", "idle", "disabled"]


def test_status_changes_reach_listeners(server: LiveServer, creator: Creator) -> None:
    heard: list[StreamStatusChange] = []
    told = threading.Event()

    async def listener(change: StreamStatusChange) -> None:
        heard.append(change)
        told.set()

    server.app.state.stream_status_listeners.append(listener)
    creator.send(creator.status_event("active"))
    assert told.wait(10)
    assert [(c.stream_id, c.status.value) for c in heard] == [(creator.stream["id"], "active")]


def test_a_redelivered_event_changes_nothing(creator: Creator) -> None:
    active = creator.status_event("active")
    creator.send(active)
    creator.send(creator.status_event("idle"))
    again = creator.send(active)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert creator.read()["status"] == "idle"


def test_an_older_event_arriving_late_is_ignored(creator: Creator) -> None:
    now = datetime.now(UTC)
    creator.send(creator.status_event("active", created_at=now))
    creator.send(creator.status_event("idle", created_at=now - timedelta(seconds=30)))
    assert creator.read()["status"] == "active"


def test_a_completed_stream_ignores_muxs_trailing_events(creator: Creator) -> None:
    creator.send(creator.status_event("active"))
    path = f"/streams/{creator.stream['id']}/complete"
    assert creator.client.post(path, headers=bearer(creator.token)).status_code == 200
    for status in ("idle", "disabled", "active"):
        creator.send(creator.status_event(status))
    assert creator.read()["status"] == "completed"


def test_a_broadcast_recording_becomes_a_replay(creator: Creator) -> None:
    asset = creator.fake.recording(creator.live["id"])
    playback_id = asset["playback_ids"][0]["id"]
    creator.send(creator.fake.event("video.asset.created", asset))
    while_live = creator.read()["replays"]
    ready = {**asset, "status": "ready", "duration": 754.2}
    creator.send(creator.fake.event("video.asset.ready", ready))
    creator.send(creator.fake.event("video.asset.live_stream_completed", ready))
    done = creator.read()["replays"]
    creator.send(creator.fake.event("video.asset.deleted", ready))
    after_delete = creator.read()["replays"]
    url = f"https://stream.mux.com/{playback_id}.m3u8"
    assert [(r["playback_url"], r["duration"]) for r in while_live] == [(url, None)]
    assert [(r["id"], r["playback_url"], r["duration"]) for r in done] == [
        (while_live[0]["id"], url, 754.2)
    ]
    assert after_delete == []


def test_an_uploaded_asset_is_not_a_replay(creator: Creator) -> None:
    upload = {
        "id": "upload-asset",
        "status": "ready",
        "playback_ids": [{"id": "p", "policy": "public"}],
    }
    response = creator.send(creator.fake.event("video.asset.ready", upload))
    assert response.status_code == 200 and creator.read()["replays"] == []


@pytest.mark.parametrize(
    "event",
    [
        FakeMux.event("video.upload.created", {"id": "upload-1"}),
        FakeMux.event("video.live_stream.active", {"id": "someone-elses-stream"}),
        FakeMux.event("video.asset.ready", {"id": "a", "live_stream_id": "someone-elses-stream"}),
    ],
)
def test_events_we_do_not_use_are_200(creator: Creator, event: dict[str, Any]) -> None:
    response = creator.send(event)
    assert response.status_code == 200 and creator.read()["status"] == "idle"


def bad_signatures(creator: Creator, event: dict[str, Any]) -> dict[str, httpx.Response]:
    body, headers = creator.fake.signed(event, SECRET)
    t, v1 = headers["mux-signature"].split(",")
    post = creator.client.post
    return {
        "wrong secret": creator.send(event, secret="not-the-secret"),
        "stale": creator.send(event, timestamp=int(time.time()) - 3600),
        "from the future": creator.send(event, timestamp=int(time.time()) + 3600),
        "missing": post("/webhooks/mux", content=body),
        "malformed": post("/webhooks/mux", content=body, headers={"mux-signature": "garbage"}),
        "no v1": post("/webhooks/mux", content=body, headers={"mux-signature": t}),
        "tampered body": post(
            "/webhooks/mux", content=body.replace(b"active", b"idle  "), headers=headers
        ),
        "other timestamp": post(
            "/webhooks/mux",
            content=body,
            headers={"mux-signature": f"t={int(t[2:]) - 1},{v1}"},
        ),
    }


def test_bad_signatures_are_400_and_change_nothing(creator: Creator) -> None:
    event = creator.status_event("active")
    for name, response in bad_signatures(creator, event).items():
        assert response.status_code == 400, name
        assert response.json()["error"]["code"] == "invalid_signature", name
    assert creator.read()["status"] == "idle"
    assert creator.send(event).json()["duplicate"] is False  # never stored by the bad ones


def test_a_rotated_secret_with_several_signatures_is_accepted(creator: Creator) -> None:
    event = creator.status_event("active")
    body, headers = creator.fake.signed(event, SECRET)
    t, v1 = headers["mux-signature"].split(",")
    headers["mux-signature"] = f"{t},v1={'0' * 64},{v1}"
    response = creator.client.post("/webhooks/mux", content=body, headers=headers)
    assert response.status_code == 200 and creator.read()["status"] == "active"


def test_put_is_accepted_too(creator: Creator) -> None:
    body, headers = creator.fake.signed(creator.status_event("active"), SECRET)
    response = creator.client.put("/webhooks/mux", content=body, headers=headers)
    assert response.status_code == 200 and creator.read()["status"] == "active"


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"type": "video.live_stream.active"}'])
def test_a_signed_body_that_is_no_event_is_400(creator: Creator, body: bytes) -> None:
    t = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    response = creator.client.post(
        "/webhooks/mux", content=body, headers={"mux-signature": f"t={t},v1={digest}"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_event"


def test_live_mode_without_a_secret_refuses_every_event(
    settings: Settings, fake_mux: FakeMux
) -> None:
    event = FakeMux.event("video.live_stream.active", {"id": "x"})
    body, headers = FakeMux.signed(event, SECRET)
    app = create_app(with_mux(settings, fake_mux, secret=None))
    with serve(app) as server, server.client() as client:
        response = client.post("/webhooks/mux", content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook_not_configured"


def test_sandbox_mode_without_a_secret_takes_unsigned_events(live_server: LiveServer) -> None:
    event = FakeMux.event("video.live_stream.active", {"id": "x"})
    with live_server.client() as client:
        response = client.post("/webhooks/mux", json=event)
    assert response.status_code == 200


def test_sandbox_mode_with_a_secret_still_verifies(settings: Settings) -> None:
    event = FakeMux.event("video.live_stream.active", {"id": "x"})
    app = create_app(settings.model_copy(update={"mux_webhook_secret": SECRET}))
    with serve(app) as server, server.client() as client:
        unsigned = client.post("/webhooks/mux", json=event)
        body, headers = FakeMux.signed(event, SECRET)
        signed = client.post("/webhooks/mux", content=body, headers=headers)
    assert unsigned.status_code == 400 and signed.status_code == 200
