"""Streams over real HTTP in sandbox mode: CRUD, ownership, key secrecy, reset, end,
simulcast targets, viewers and bad input."""

import re
import threading
from typing import Any

import httpx
import pytest

from server.config import Settings
from server.streams.ingest_events import live_url
from server.streams.lifecycle import StreamStatusChange
from tests.support.live_server import LiveServer
from tests.support.streams import bearer, create_stream, ingest, may_publish, register

YOUTUBE = {
    "url": "rtmps://a.rtmp.youtube.com/live2",
    "stream_key": "yt-abcd-efgh",
    "label": "YouTube",
}


def get(client: httpx.Client, path: str, token: str | None = None) -> httpx.Response:
    return client.get(path, headers=bearer(token) if token else {})


def test_creator_creates_a_sandbox_stream(live_server: LiveServer, settings: Settings) -> None:
    with live_server.client() as client:
        token, user_id = register(client)
        stream = create_stream(client, token, description="Friday night set")
    assert stream["title"] == "Afrobeats live" and stream["description"] == "Friday night set"
    assert stream["status"] == "idle" and stream["mode"] == "sandbox"
    assert re.fullmatch(r"rtmp://127\.0\.0\.1:\d+/live", stream["ingest_url"])
    assert re.fullmatch(r"[0-9a-f]{32}", stream["stream_key"])
    assert stream["playback_url"] == live_url(settings.public_url, stream["id"])
    assert stream["reconnect_window"] == 60
    assert stream["language"] == "fr"  # the creator's own language by default
    assert (stream["visibility"], stream["price"], stream["latency_mode"]) == (
        "public",
        None,
        "standard",
    )
    assert stream["replays"] == [] and stream["viewer_count"] == 0
    assert stream["creator"] == {"id": user_id, "display_name": "Awa Diop"}
    assert stream["created_at"]


def test_ingest_url_follows_the_port_the_ingest_really_bound(live_server: LiveServer) -> None:
    live_server.app.state.rtmp_port = 41935
    with live_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token)
    assert stream["ingest_url"] == "rtmp://127.0.0.1:41935/live"


def test_ticketed_stream_with_everything(live_server: LiveServer) -> None:
    body = {
        "title": "Comedy night",
        "language": "sw",
        "visibility": "ticketed",
        "price": {"amount": 150000, "currency": "KES"},
        "latency_mode": "low",
        "scheduled_at": "2030-05-01T18:00:00+03:00",
    }
    with live_server.client() as client:
        token, _ = register(client)
        stream = create_stream(client, token, **body)
    assert stream["price"] == {"amount": 150000, "currency": "KES"}
    assert (stream["language"], stream["latency_mode"]) == ("sw", "low")
    assert stream["scheduled_at"].startswith("2030-05-01T15:00:00")


def test_only_the_owner_sees_the_key(live_server: LiveServer) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        other, _ = register(client, display_name="Kofi")
        fan, _ = register(client, role="fan", display_name="Amina")
        guest = client.post("/auth/guest", json={"display_name": "Visitor"}).json()["access_token"]
        stream = create_stream(client, owner)
        path = f"/streams/{stream['id']}"
        assert get(client, path, owner).json()["stream_key"] == stream["stream_key"]
        for reader in (other, fan, guest, None):
            response = get(client, path, reader)
            assert response.status_code == 200
            seen = response.json()
            assert "stream_key" not in seen and "ingest_url" not in seen
            assert stream["stream_key"] not in response.text
            assert seen["playback_url"] == stream["playback_url"]  # a public stream


def test_members_and_ticketed_playback_stays_with_the_owner(live_server: LiveServer) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        fan, _ = register(client, role="fan")
        members = create_stream(client, owner, visibility="members")
        seen = get(client, f"/streams/{members['id']}", fan).json()
    assert seen["playback_url"] is None and seen["replays"] == []
    assert members["playback_url"]


def test_bad_token_on_a_public_read_is_still_401(live_server: LiveServer) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        response = get(client, f"/streams/{stream['id']}", "not-a-token")
    assert response.status_code == 401


def test_the_key_is_never_logged(
    live_server: LiveServer, capfd: pytest.CaptureFixture[str]
) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        reset = client.post(f"/streams/{stream['id']}/reset-key", headers=bearer(owner)).json()
        get(client, f"/streams/{stream['id']}", owner)
        client.get("/streams", headers=bearer(owner))
    out, err = capfd.readouterr()
    for key in (stream["stream_key"], reset["stream_key"]):
        assert key not in out and key not in err


def test_only_creators_create_streams(live_server: LiveServer) -> None:
    with live_server.client() as client:
        fan, _ = register(client, role="fan")
        guest = client.post("/auth/guest", json={"display_name": "Visitor"}).json()["access_token"]
        as_fan = client.post("/streams", json={"title": "x"}, headers=bearer(fan))
        as_guest = client.post("/streams", json={"title": "x"}, headers=bearer(guest))
        anonymous = client.post("/streams", json={"title": "x"})
    assert as_fan.status_code == 403 and as_fan.json()["error"]["code"] == "creators_only"
    assert as_guest.status_code == 403
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x", "colour": "red"}, "colour"),
        ({"title": "   "}, "title"),
        ({}, "title"),
        ({"title": "x", "visibility": "ticketed"}, ""),
        ({"title": "x", "price": {"amount": 500, "currency": "XOF"}}, ""),
        (
            {"title": "x", "visibility": "ticketed", "price": {"amount": 0, "currency": "XOF"}},
            "price.amount",
        ),
        (
            {"title": "x", "visibility": "ticketed", "price": {"amount": -5, "currency": "XOF"}},
            "price.amount",
        ),
        (
            {"title": "x", "visibility": "ticketed", "price": {"amount": 2.5, "currency": "XOF"}},
            "price.amount",
        ),
        (
            {"title": "x", "visibility": "ticketed", "price": {"amount": "500", "currency": "XOF"}},
            "price.amount",
        ),
        (
            {"title": "x", "visibility": "ticketed", "price": {"amount": 500, "currency": "xof"}},
            "price.currency",
        ),
        (
            {"title": "x", "visibility": "ticketed", "price": {"amount": 500, "currency": "ABC"}},
            "price.currency",
        ),
        (
            {
                "title": "x",
                "visibility": "ticketed",
                "price": {"amount": 500, "currency": "XOF", "fee": 1},
            },
            "price.fee",
        ),
        ({"title": "x", "visibility": "friends"}, "visibility"),
        ({"title": "x", "latency_mode": "ultra"}, "latency_mode"),
        ({"title": "x", "scheduled_at": "2030-05-01T18:00:00"}, "scheduled_at"),
        ({"title": "x", "language": "english"}, "language"),
        ({"title": "x" * 121}, "title"),
    ],
)
def test_bad_stream_is_422_and_writes_nothing(
    live_server: LiveServer, body: dict[str, Any], field: str
) -> None:
    with live_server.client() as client:
        token, _ = register(client)
        response = client.post("/streams", json=body, headers=bearer(token))
        listed = client.get("/streams", headers=bearer(token)).json()
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in [detail["field"] for detail in error["details"]]
    assert listed["items"] == []


def test_listing_own_and_another_creators_streams(live_server: LiveServer) -> None:
    with live_server.client() as client:
        owner, owner_id = register(client)
        fan, _ = register(client, role="fan")
        ids = [create_stream(client, owner, title=f"Show {n}")["id"] for n in range(5)]
        first = client.get("/streams", params={"limit": 2}, headers=bearer(owner)).json()
        second = client.get(
            "/streams", params={"limit": 2, "cursor": first["next_cursor"]}, headers=bearer(owner)
        ).json()
        third = client.get(
            "/streams", params={"limit": 2, "cursor": second["next_cursor"]}, headers=bearer(owner)
        ).json()
        public = client.get("/streams", params={"creator_id": owner_id}, headers=bearer(fan)).json()
        anonymous = client.get("/streams", params={"creator_id": owner_id}).json()
        fans_own = client.get("/streams", headers=bearer(fan)).json()
        nobody = client.get("/streams")
        bad_cursor = client.get("/streams", params={"cursor": "nonsense"}, headers=bearer(owner))
    pages = first["items"] + second["items"] + third["items"]
    assert [s["id"] for s in pages] == list(reversed(ids))  # newest first, each once
    assert third["next_cursor"] is None
    assert all("stream_key" in s for s in pages)
    assert [s["id"] for s in public["items"]] == list(reversed(ids))
    assert all("stream_key" not in s for s in public["items"] + anonymous["items"])
    assert fans_own["items"] == []
    assert nobody.status_code == 401
    assert bad_cursor.status_code == 422 and bad_cursor.json()["error"]["code"] == "invalid_cursor"


def test_unknown_stream_is_404(live_server: LiveServer) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        responses = [
            client.get("/streams/nope"),
            client.patch("/streams/nope", json={"title": "x"}, headers=bearer(owner)),
            client.delete("/streams/nope", headers=bearer(owner)),
            client.post("/streams/nope/reset-key", headers=bearer(owner)),
            client.post("/streams/nope/complete", headers=bearer(owner)),
            client.get("/streams/nope/simulcast-targets", headers=bearer(owner)),
            client.get("/streams/nope/viewers"),
        ]
    for response in responses:
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "stream_not_found"


def test_someone_elses_stream_is_403_for_every_write(live_server: LiveServer) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        other, _ = register(client, display_name="Kofi")
        stream = create_stream(client, owner)
        path = f"/streams/{stream['id']}"
        responses = [
            client.patch(path, json={"title": "Mine now"}, headers=bearer(other)),
            client.delete(path, headers=bearer(other)),
            client.post(path + "/reset-key", headers=bearer(other)),
            client.post(path + "/complete", headers=bearer(other)),
            client.get(path + "/simulcast-targets", headers=bearer(other)),
            client.post(path + "/simulcast-targets", json=YOUTUBE, headers=bearer(other)),
        ]
        after = get(client, path, owner).json()
    for response in responses:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "not_stream_owner"
    assert after == stream


def test_edit_a_stream(live_server: LiveServer) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        path = f"/streams/{stream['id']}"
        ticketed = client.patch(
            path,
            json={
                "title": "Now ticketed",
                "visibility": "ticketed",
                "price": {"amount": 2000, "currency": "XOF"},
                "latency_mode": "reduced",
                "scheduled_at": "2030-01-01T20:00:00Z",
            },
            headers=bearer(owner),
        ).json()
        public = client.patch(path, json={"visibility": "public"}, headers=bearer(owner)).json()
        unscheduled = client.patch(path, json={"scheduled_at": None}, headers=bearer(owner)).json()
    assert ticketed["title"] == "Now ticketed" and ticketed["price"]["amount"] == 2000
    assert ticketed["latency_mode"] == "reduced" and ticketed["stream_key"] == stream["stream_key"]
    assert public["visibility"] == "public" and public["price"] is None  # leaving ticketed drops it
    assert public["title"] == "Now ticketed"
    assert unscheduled["scheduled_at"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"price": {"amount": 100, "currency": "XOF"}},  # a price on a public stream
        {"visibility": "ticketed"},  # ticketed without a price
        {"title": None},
        {"visibility": None},
        {"stream_key": "mine"},
        {"status": "active"},
    ],
)
def test_bad_edit_is_422_and_changes_nothing(live_server: LiveServer, body: dict[str, Any]) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        response = client.patch(f"/streams/{stream['id']}", json=body, headers=bearer(owner))
        after = get(client, f"/streams/{stream['id']}", owner).json()
    assert response.status_code == 422, response.text
    assert after == stream


def test_delete_a_stream(live_server: LiveServer, settings: Settings) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        deleted = client.delete(f"/streams/{stream['id']}", headers=bearer(owner))
        gone = get(client, f"/streams/{stream['id']}", owner)
        listed = client.get("/streams", headers=bearer(owner)).json()
    assert deleted.status_code == 204
    assert gone.status_code == 404 and listed["items"] == []
    assert may_publish(settings, stream["stream_key"]) is None


@pytest.mark.parametrize("status", ["active", "disconnected"])
def test_a_live_stream_cannot_be_deleted(
    live_server: LiveServer, settings: Settings, status: str
) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        ingest(settings, stream["id"], "active")
        if status == "disconnected":
            ingest(settings, stream["id"], "disconnected")
        response = client.delete(f"/streams/{stream['id']}", headers=bearer(owner))
        after = get(client, f"/streams/{stream['id']}", owner)
    assert response.status_code == 409 and response.json()["error"]["code"] == "stream_live"
    assert after.json()["status"] == status


def test_reset_key_refuses_the_old_key(live_server: LiveServer, settings: Settings) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        response = client.post(f"/streams/{stream['id']}/reset-key", headers=bearer(owner))
        seen = get(client, f"/streams/{stream['id']}", owner).json()
    assert response.status_code == 200
    new_key = response.json()["stream_key"]
    assert new_key != stream["stream_key"] and seen["stream_key"] == new_key
    assert may_publish(settings, stream["stream_key"]) is None
    assert may_publish(settings, new_key) == stream["id"]


def test_complete_ends_the_stream_once_and_tells_listeners(
    live_server: LiveServer, settings: Settings
) -> None:
    heard: list[StreamStatusChange] = []
    told = threading.Event()

    async def listener(change: StreamStatusChange) -> None:
        heard.append(change)
        told.set()

    live_server.app.state.stream_status_listeners.append(listener)
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        path = f"/streams/{stream['id']}"
        ingest(settings, stream["id"], "active")
        first = client.post(path + "/complete", headers=bearer(owner))
        assert told.wait(10)
        again = client.post(path + "/complete", headers=bearer(owner))
        reset = client.post(path + "/reset-key", headers=bearer(owner))
        after = get(client, path, owner).json()
    assert first.status_code == 200 and first.json()["status"] == "completed"
    assert again.status_code == 200 and after["status"] == "completed"
    assert reset.status_code == 409 and reset.json()["error"]["code"] == "stream_ended"
    assert may_publish(settings, stream["stream_key"]) is None
    assert [(c.stream_id, c.status.value) for c in heard] == [(stream["id"], "completed")]


def test_simulcast_targets_in_sandbox(live_server: LiveServer) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        path = f"/streams/{stream['id']}/simulcast-targets"
        added = client.post(path, json=YOUTUBE, headers=bearer(owner))
        listed = client.get(path, headers=bearer(owner)).json()
        target_id = added.json()["id"]
        removed = client.delete(f"{path}/{target_id}", headers=bearer(owner))
        again = client.delete(f"{path}/{target_id}", headers=bearer(owner))
        after = client.get(path, headers=bearer(owner)).json()
    assert added.status_code == 201
    target = added.json()
    assert (target["url"], target["label"], target["status"]) == (YOUTUBE["url"], "YouTube", "idle")
    assert "stream_key" not in target and YOUTUBE["stream_key"] not in added.text
    assert listed["items"] == [target]
    assert removed.status_code == 204
    assert again.status_code == 404 and again.json()["error"]["code"] == "target_not_found"
    assert after["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://youtube.com/live2", "stream_key": "k"},
        {"url": "rtmp://", "stream_key": "k"},
        {"url": "rtmps://a.rtmp.youtube.com/live2", "stream_key": ""},
        {"url": "rtmps://a.rtmp.youtube.com/live2"},
        {"url": "rtmps://a.rtmp.youtube.com/live2", "stream_key": "k", "extra": 1},
    ],
)
def test_bad_simulcast_target_is_422(live_server: LiveServer, body: dict[str, Any]) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        path = f"/streams/{stream['id']}/simulcast-targets"
        response = client.post(path, json=body, headers=bearer(owner))
        after = client.get(path, headers=bearer(owner)).json()
    assert response.status_code == 422, response.text
    assert after["items"] == []


def test_simulcast_targets_are_limited_and_frozen_while_live(
    live_server: LiveServer, settings: Settings
) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        path = f"/streams/{stream['id']}/simulcast-targets"
        for _ in range(6):
            assert client.post(path, json=YOUTUBE, headers=bearer(owner)).status_code == 201
        seventh = client.post(path, json=YOUTUBE, headers=bearer(owner))
        first_id = client.get(path, headers=bearer(owner)).json()["items"][0]["id"]
        ingest(settings, stream["id"], "active")
        while_live = client.delete(f"{path}/{first_id}", headers=bearer(owner))
    assert seventh.status_code == 409
    assert seventh.json()["error"]["code"] == "too_many_simulcast_targets"
    assert while_live.status_code == 409 and while_live.json()["error"]["code"] == "stream_live"


def test_viewers_start_at_zero(live_server: LiveServer) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        response = client.get(f"/streams/{stream['id']}/viewers")
    assert response.status_code == 200
    assert response.json() == {"stream_id": stream["id"], "count": 0, "peak": 0, "history": []}


def test_status_changes_are_readable_by_polling(
    live_server: LiveServer, settings: Settings
) -> None:
    with live_server.client() as client:
        owner, _ = register(client)
        stream = create_stream(client, owner)
        seen = []
        for kind in ("connected", "active", "disconnected", "active"):
            ingest(settings, stream["id"], kind)
            seen.append(get(client, f"/streams/{stream['id']}").json()["status"])
    assert seen == ["idle", "active", "disconnected", "active"]
