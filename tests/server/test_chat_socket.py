"""Chat over real Socket.IO clients: connect, join, send, history, errors, limits."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from server.app import create_app
from server.auth.tokens import Principal, issue_access_token
from server.chat import broadcast_stream_status
from server.chat.models import ChatMessageRow, ChatRoomRow
from server.config import Settings
from server.db import Database
from server.db.base import utcnow
from tests.conftest import TEST_SECRET
from tests.support.chat import (
    ChatClient,
    bearer,
    connect,
    create_stream,
    guest,
    on_server,
    register,
)
from tests.support.live_server import LiveServer, serve


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Viewer counts pushed every 0.1 s, so tests wait little for them."""
    return settings.model_copy(update={"chat_viewers_interval_s": 0.1})


async def _room(live: LiveServer) -> tuple[dict[str, str], str]:
    creator = await register(live, role="creator", name="Awa")
    return creator, await create_stream(live, creator["token"])


@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_join_send_ack_and_every_fan_gets_the_message(
    live_server: LiveServer, transport: str
) -> None:
    _creator, stream_id = await _room(live_server)
    fan = await connect(live_server, await guest(live_server, "Kofi"), transport)
    other = await connect(live_server, await guest(live_server, "Zawadi"))
    try:
        ack = await fan.join(stream_id)
        assert ack["history"] == [] and ack["role"] == "guest"
        assert ack["settings"] == {"stream_id": stream_id, "slow_mode_s": 0, "audience": "everyone"}
        await other.join(stream_id)
        sent = await fan.send(stream_id, "  Habari from Nairobi!  ", "c-1")
        assert sent["ok"] is True and isinstance(sent["id"], str)
        own = await fan.wait_for("message", lambda m: m["id"] == sent["id"])
        seen = await other.wait_for("message", lambda m: m["id"] == sent["id"])
    finally:
        await fan.close()
        await other.close()
    assert own == seen
    assert own["client_id"] == "c-1" and own["text"] == "Habari from Nairobi!"
    assert own["author"]["name"] == "Kofi" and own["author"]["role"] == "guest"
    assert own["stream_id"] == stream_id and own["kind"] == "chat"


async def test_ids_sort_in_send_order_and_one_senders_messages_arrive_in_order(
    live_server: LiveServer,
) -> None:
    creator, stream_id = await _room(live_server)
    sender = await connect(live_server, creator["token"])
    fans = [await connect(live_server, await guest(live_server, f"Fan {n}")) for n in range(3)]
    try:
        for client in (sender, *fans):
            await client.join(stream_id)
        acks = await asyncio.gather(
            *(sender.send(stream_id, f"line {n}", f"c-{n}") for n in range(20))
        )
        for fan in fans:
            await fan.wait_for("message", lambda m: m["text"] == "line 19")
    finally:
        for client in (sender, *fans):
            await client.close()
    ids = [ack["id"] for ack in acks]
    assert ids == sorted(ids) and len(set(ids)) == 20
    for fan in fans:
        assert fan.texts() == [f"line {n}" for n in range(20)]
        assert [m["id"] for m in fan.events["message"]] == ids


async def test_reconnect_with_since_sees_no_gap_and_no_duplicate(live_server: LiveServer) -> None:
    creator, stream_id = await _room(live_server)
    sender = await connect(live_server, creator["token"])
    fan_token = await guest(live_server, "Chidi")
    fan = await connect(live_server, fan_token)
    try:
        await sender.join(stream_id)
        await fan.join(stream_id)
        for n in range(3):
            await sender.send(stream_id, f"before {n}", f"b-{n}")
        last_seen = (await fan.wait_for("message", lambda m: m["text"] == "before 2"))["id"]
        await fan.close()
        for n in range(4):
            await sender.send(stream_id, f"while away {n}", f"w-{n}")
        back = await connect(live_server, fan_token)
        ack = await back.join(stream_id, since=last_seen)
        await sender.send(stream_id, "welcome back", "after")
        await back.wait_for("message", lambda m: m["text"] == "welcome back")
    finally:
        await sender.close()
        await back.close()
    assert [m["text"] for m in ack["history"]] == [f"while away {n}" for n in range(4)]
    assert back.texts() == ["welcome back"]  # the catch-up came in the ack only


async def test_a_retried_client_id_is_stored_and_shown_once(live_server: LiveServer) -> None:
    _creator, stream_id = await _room(live_server)
    fan = await connect(live_server, (await register(live_server))["token"])
    try:
        await fan.join(stream_id)
        first = await fan.send(stream_id, "only once", "same-id")
        again = await fan.send(stream_id, "only once", "same-id")
        history = (await fan.join(stream_id))["history"]
    finally:
        await fan.close()
    assert first == again
    assert [m["text"] for m in history] == ["only once"]


async def test_history_persists_across_a_restart(settings: Settings) -> None:
    with serve(create_app(settings)) as first:
        creator, stream_id = await _room(first)
        client = await connect(first, creator["token"])
        await client.join(stream_id)
        sent = await client.send(stream_id, "still here tomorrow", "p-1")
        await client.close()
    with serve(create_app(settings)) as second:
        client = await connect(second, creator["token"])
        ack = await client.join(stream_id)
        await client.close()
    assert [(m["id"], m["text"]) for m in ack["history"]] == [(sent["id"], "still here tomorrow")]


async def test_history_is_the_last_50_or_at_most_500_after_since(
    live_server: LiveServer, settings: Settings
) -> None:
    creator, stream_id = await _room(live_server)
    database = Database(settings.resolved_database_url)
    async with database.session() as session:
        session.add(ChatRoomRow(stream_id=stream_id, last_seq=620, blocked_words=[]))
        session.add_all(
            ChatMessageRow(
                stream_id=stream_id, seq=n, author_id=creator["id"], author_name="Awa",
                author_role="creator", text=f"m{n}", client_id=f"c{n}", sent_at=utcnow(),
            )
            for n in range(1, 621)
        )
    await database.dispose()
    client = await connect(live_server, creator["token"])
    try:
        latest = await client.join(stream_id)
        page = await client.join(stream_id, since="000000000010")
        rest = await client.join(stream_id, since=page["history"][-1]["id"])
        await client.send(stream_id, "next", "next")
    finally:
        await client.close()
    assert [m["text"] for m in latest["history"]] == [f"m{n}" for n in range(571, 621)]
    assert [m["text"] for m in page["history"]] == [f"m{n}" for n in range(11, 511)]
    assert page["has_more"] is True
    assert [m["text"] for m in rest["history"]] == [f"m{n}" for n in range(511, 621)]
    assert rest["has_more"] is False


def _expired_token() -> str:
    principal = Principal(id="guest_x", kind="guest", name="Late", role="guest")
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    return issue_access_token(TEST_SECRET, principal, 60, now=an_hour_ago)


@pytest.mark.parametrize(
    ("token", "code"),
    [(None, "unauthorized"), ("not-a-token", "invalid_token"), ("expired", "token_expired")],
)
async def test_connect_without_a_valid_token_is_refused_with_a_reason(
    live_server: LiveServer, token: str | None, code: str
) -> None:
    client = ChatClient(live_server, _expired_token() if token == "expired" else token or "")
    if token is None:
        client.sio.on("connect_error", client.connect_errors.append)
        with pytest.raises(Exception, match="failed to connect"):
            await client.sio.connect(live_server.url, transports=["websocket"], wait_timeout=10)
    else:
        with pytest.raises(Exception, match="failed to connect"):
            await client.connect()
    assert client.connect_errors[0]["data"]["code"] == code
    assert client.connect_errors[0]["message"]


async def test_every_send_error_code_and_bad_input_leaves_other_fans_unaffected(
    live_server: LiveServer,
) -> None:
    _creator, stream_id = await _room(live_server)
    fan = await connect(live_server, await guest(live_server))
    other = await connect(live_server, await guest(live_server, "Unbothered"))
    try:
        not_joined = await fan.send(stream_id, "hello?", "n-1")
        unknown = await fan.call("join", {"stream_id": "no-such-stream"})
        await fan.join(stream_id)
        await other.join(stream_id)
        empty = await fan.send(stream_id, "", "e-1")
        blank = await fan.send(stream_id, " \n\t ", "e-2")
        too_long = await fan.send(stream_id, "x" * 501, "l-1")
        just_fits = await fan.send(stream_id, "y" * 500, "l-2")
        bad = [
            await fan.call("send", {"stream_id": stream_id, "text": 42, "client_id": "t"}),
            await fan.call("send", {"stream_id": stream_id, "text": b"\x00\x01", "client_id": "b"}),
            await fan.call("send", {"stream_id": stream_id, "client_id": "m"}),
            await fan.call("send", {"stream_id": stream_id, "text": "", "client_id": "x", "n": 1}),
            await fan.call("send", "just a string"),
            await fan.call("send", {"stream_id": stream_id, "text": "hi", "client_id": "y"}, 2),
            await fan.call("join", {"stream_id": stream_id, "since": "abc"}),
            await fan.call("moderate", {"stream_id": stream_id, "action": "explode"}),
            await fan.call("no_such_event", {}),
        ]
        await other.send(stream_id, "still fine", "ok-1")
        await fan.wait_for("message", lambda m: m["text"] == "still fine")
        assert fan.sio.connected and not fan.disconnected.is_set()
    finally:
        await fan.close()
        await other.close()
    assert not_joined["error"]["code"] == "not_joined"
    assert unknown["error"]["code"] == "unknown_stream"
    assert empty["error"]["code"] == blank["error"]["code"] == "empty"
    assert too_long["error"]["code"] == "too_long" and just_fits["ok"] is True
    assert [ack["error"]["code"] for ack in bad] == ["invalid_input"] * 8 + ["unknown_event"]
    assert all(ack["ok"] is False and ack["error"]["message"] for ack in bad)


async def test_fans_are_rate_limited_but_not_the_creator(live_server: LiveServer) -> None:
    creator, stream_id = await _room(live_server)
    fan = await connect(live_server, (await register(live_server))["token"])
    host = await connect(live_server, creator["token"])
    try:
        await fan.join(stream_id)
        await host.join(stream_id)
        fan_acks = await asyncio.gather(*(fan.send(stream_id, f"f{n}", f"f{n}") for n in range(25)))
        host_acks = await asyncio.gather(
            *(host.send(stream_id, f"h{n}", f"h{n}") for n in range(25))
        )
    finally:
        await fan.close()
        await host.close()
    refused = [ack["error"] for ack in fan_acks if not ack["ok"]]
    assert sum(ack["ok"] for ack in fan_acks) >= 10 and refused
    assert {error["code"] for error in refused} == {"rate_limited"}
    assert all(0 < error["retry_after"] <= 1 for error in refused)
    assert all(ack["ok"] for ack in host_acks)


async def test_a_flooding_connection_is_disconnected_with_a_reason(
    live_server: LiveServer,
) -> None:
    _creator, stream_id = await _room(live_server)
    flooder = await connect(live_server, await guest(live_server, "Spammer"))
    bystander = await connect(live_server, await guest(live_server))
    try:
        await bystander.join(stream_id)
        for _ in range(200):
            await flooder.sio.emit("join", {"stream_id": stream_id})
        await flooder.wait_disconnected()
        await bystander.send(stream_id, "calm again", "calm")
        await bystander.wait_for("message", lambda m: m["text"] == "calm again")
    finally:
        await flooder.close()
        await bystander.close()
    assert flooder.events["disconnect_reason"][0]["code"] == "flood"


async def test_an_expired_token_mid_connection_disconnects_unless_renewed(
    live_server: LiveServer,
) -> None:
    _creator, stream_id = await _room(live_server)
    principal = Principal(id="guest_short", kind="guest", name="Brief", role="guest")
    short = issue_access_token(TEST_SECRET, principal, 1)
    renewed_client = await connect(live_server, short)
    lapsing_client = await connect(live_server, issue_access_token(TEST_SECRET, principal, 1))
    try:
        await renewed_client.join(stream_id)
        fresh = issue_access_token(TEST_SECRET, principal, 600)
        assert (await renewed_client.call("reauth", {"token": fresh}))["ok"] is True
        await asyncio.sleep(1.2)  # let the short token lapse
        still = await renewed_client.send(stream_id, "renewed in time", "r-1")
        await lapsing_client.sio.emit("leave", {"stream_id": stream_id})
        await lapsing_client.wait_disconnected()
    finally:
        await renewed_client.close()
        await lapsing_client.close()
    assert still["ok"] is True
    assert lapsing_client.events["disconnect_reason"][0]["code"] == "token_expired"


async def test_reauth_with_someone_elses_token_is_refused(live_server: LiveServer) -> None:
    client = await connect(live_server, await guest(live_server))
    try:
        ack = await client.call("reauth", {"token": await guest(live_server, "Other")})
    finally:
        await client.close()
    assert ack["error"]["code"] == "invalid_token"


async def test_viewer_counts_reach_the_room_and_the_creators_own_clients(
    live_server: LiveServer,
) -> None:
    creator, stream_id = await _room(live_server)
    studio = await connect(live_server, creator["token"])  # connected, not joined
    fans = [await connect(live_server, await guest(live_server, f"V{n}")) for n in range(2)]
    try:
        for fan in fans:
            await fan.join(stream_id)
        await studio.wait_for("viewers", lambda v: v == {"stream_id": stream_id, "count": 2})
        await fans[0].wait_for("viewers", lambda v: v["count"] == 2)
        # A tick between the two joins may have pushed a 1 already: wait for a new one.
        studio.events["viewers"].clear()
        await fans[1].close()
        await studio.wait_for("viewers", lambda v: v["count"] == 1)
        async with httpx.AsyncClient(base_url=live_server.api) as http:
            stats = (await http.get(f"/streams/{stream_id}/viewers")).json()
    finally:
        await studio.close()
        await fans[0].close()
    assert stats["count"] == 1 and stats["peak"] == 2


async def test_stream_status_reaches_the_room_and_the_creator(live_server: LiveServer) -> None:
    creator, stream_id = await _room(live_server)
    studio = await connect(live_server, creator["token"])
    fan = await connect(live_server, await guest(live_server))
    try:
        await fan.join(stream_id)
        await on_server(live_server, broadcast_stream_status(live_server.app, stream_id, "active"))
        active = {"stream_id": stream_id, "status": "active"}
        await studio.wait_for("stream_status", lambda s: s == active)
        await fan.wait_for("stream_status", lambda s: s == active)
        async with httpx.AsyncClient(base_url=live_server.api) as http:
            url = f"/streams/{stream_id}/complete"
            done = await http.post(url, headers=bearer(creator["token"]))
        assert done.status_code == 200, done.text
        completed = {"stream_id": stream_id, "status": "completed"}
        await fan.wait_for("stream_status", lambda s: s == completed)
        await studio.wait_for("stream_status", lambda s: s == completed)
    finally:
        await studio.close()
        await fan.close()
