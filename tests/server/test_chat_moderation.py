"""Moderation by the creator and the moderators they name, over real clients and REST."""

from typing import Any

import httpx

from tests.support.chat import ChatClient, bearer, connect, create_stream, guest, register
from tests.support.live_server import LiveServer


async def _moderate(client: ChatClient, stream_id: str, action: str, **fields: Any) -> Any:
    return await client.call("moderate", {"stream_id": stream_id, "action": action, **fields})


async def _setup(live: LiveServer) -> tuple[dict[str, str], str, ChatClient]:
    creator = await register(live, role="creator", name="Awa")
    stream_id = await create_stream(live, creator["token"])
    host = await connect(live, creator["token"])
    await host.join(stream_id)
    return creator, stream_id, host


async def test_delete_reaches_every_fan_and_leaves_history(live_server: LiveServer) -> None:
    _creator, stream_id, host = await _setup(live_server)
    fan = await connect(live_server, await guest(live_server, "Rude"))
    other = await connect(live_server, await guest(live_server))
    try:
        await fan.join(stream_id)
        await other.join(stream_id)
        sent = await fan.send(stream_id, "something rude", "r-1")
        kept = await fan.send(stream_id, "something kind", "k-1")
        await other.wait_for("message", lambda m: m["id"] == kept["id"])
        ack = await _moderate(host, stream_id, "delete", message_id=sent["id"])
        deleted = await other.wait_for("deleted")
        await fan.wait_for("deleted")
        again = await _moderate(host, stream_id, "delete", message_id=sent["id"])
        history = (await other.join(stream_id))["history"]
    finally:
        for client in (host, fan, other):
            await client.close()
    assert ack == {"ok": True}
    assert deleted == {"id": sent["id"], "stream_id": stream_id}
    assert again["error"]["code"] == "not_found"
    assert [m["text"] for m in history] == ["something kind"]


async def test_ban_blocks_and_unban_lets_back_in(live_server: LiveServer) -> None:
    _creator, stream_id, host = await _setup(live_server)
    troll = await register(live_server, name="Troll")
    fan = await connect(live_server, troll["token"])
    try:
        await fan.join(stream_id)
        await _moderate(host, stream_id, "ban", user_id=troll["id"])
        notice = await fan.wait_for("moderation")
        banned = await fan.send(stream_id, "let me talk", "b-1")
        await _moderate(host, stream_id, "unban", user_id=troll["id"])
        back = await fan.send(stream_id, "sorry", "b-2")
    finally:
        await host.close()
        await fan.close()
    assert notice == {"stream_id": stream_id, "action": "ban", "until": None}
    assert banned["error"]["code"] == "banned"
    assert back["ok"] is True


async def test_a_timeout_refuses_until_it_ends(live_server: LiveServer) -> None:
    creator, stream_id, host = await _setup(live_server)
    hasty = await register(live_server, name="Hasty")
    fan = await connect(live_server, hasty["token"])
    try:
        await fan.join(stream_id)
        await _moderate(host, stream_id, "timeout", user_id=hasty["id"], duration_s=600)
        notice = await fan.wait_for("moderation")
        refused = await fan.send(stream_id, "hello", "t-1")
        creator_cannot = await _moderate(
            host, stream_id, "timeout", user_id=creator["id"], duration_s=5
        )
    finally:
        await host.close()
        await fan.close()
    assert notice["action"] == "timeout" and notice["until"]
    assert refused["error"]["code"] == "banned"
    assert 590 < refused["error"]["retry_after"] <= 600
    assert creator_cannot["error"]["code"] == "forbidden"


async def test_slow_mode_spaces_fan_messages_but_not_the_creators(
    live_server: LiveServer,
) -> None:
    _creator, stream_id, host = await _setup(live_server)
    fan = await connect(live_server, await guest(live_server))
    try:
        await fan.join(stream_id)
        ack = await _moderate(host, stream_id, "slow_mode", seconds=60)
        settings = await fan.wait_for("chat_settings")
        first = await fan.send(stream_id, "one", "s-1")
        second = await fan.send(stream_id, "two", "s-2")
        host_acks = [await host.send(stream_id, f"host {n}", f"h-{n}") for n in range(3)]
        joined = await fan.join(stream_id)
    finally:
        await host.close()
        await fan.close()
    assert ack == {"ok": True}
    assert settings == {"stream_id": stream_id, "slow_mode_s": 60, "audience": "everyone"}
    assert first["ok"] is True
    assert second["error"]["code"] == "slow_mode" and 0 < second["error"]["retry_after"] <= 60
    assert all(a["ok"] for a in host_acks)
    assert joined["settings"]["slow_mode_s"] == 60


async def test_members_only_refuses_guests_but_not_accounts(live_server: LiveServer) -> None:
    _creator, stream_id, host = await _setup(live_server)
    visitor = await connect(live_server, await guest(live_server))
    member = await connect(live_server, (await register(live_server))["token"])
    try:
        await visitor.join(stream_id)
        await member.join(stream_id)
        await _moderate(host, stream_id, "members_only", enabled=True)
        await visitor.wait_for("chat_settings", lambda s: s["audience"] == "members")
        refused = await visitor.send(stream_id, "can I?", "g-1")
        allowed = await member.send(stream_id, "I can", "m-1")
        await _moderate(host, stream_id, "members_only", enabled=False)
        reopened = await visitor.send(stream_id, "now I can", "g-2")
    finally:
        for client in (host, visitor, member):
            await client.close()
    assert refused["error"]["code"] == "members_only"
    assert allowed["ok"] is True and reopened["ok"] is True


async def test_blocked_words_refuse_whole_words_only(live_server: LiveServer) -> None:
    _creator, stream_id, host = await _setup(live_server)
    fan = await connect(live_server, await guest(live_server))
    try:
        await fan.join(stream_id)
        ack = await _moderate(host, stream_id, "blocked_words", words=["Scam", " free  money "])
        refused = [
            await fan.send(stream_id, "this is a SCAM!", "w-1"),
            await fan.send(stream_id, "get FREE money now", "w-2"),
        ]
        allowed = await fan.send(stream_id, "scampi for dinner", "w-3")
    finally:
        await host.close()
        await fan.close()
    assert ack == {"ok": True, "words": ["scam", "free money"]}
    assert [r["error"]["code"] for r in refused] == ["blocked_word", "blocked_word"]
    assert allowed["ok"] is True


async def test_pin_reaches_fans_and_shows_in_join(live_server: LiveServer) -> None:
    _creator, stream_id, host = await _setup(live_server)
    fan = await connect(live_server, await guest(live_server))
    try:
        await fan.join(stream_id)
        sent = await host.send(stream_id, "Tips go to the school fund", "p-1")
        await _moderate(host, stream_id, "pin", message_id=sent["id"])
        pinned = await fan.wait_for("pinned")
        joined = await fan.join(stream_id)
        await _moderate(host, stream_id, "unpin")
        unpinned = await fan.wait_for("pinned", lambda p: p["message"] is None)
    finally:
        await host.close()
        await fan.close()
    assert pinned["message"]["id"] == sent["id"]
    assert joined["pinned"]["text"] == "Tips go to the school fund"
    assert unpinned == {"stream_id": stream_id, "message": None}


async def test_fans_cannot_moderate(live_server: LiveServer) -> None:
    _creator, stream_id, host = await _setup(live_server)
    fan = await connect(live_server, await guest(live_server))
    try:
        await fan.join(stream_id)
        refused = await _moderate(fan, stream_id, "slow_mode", seconds=5)
    finally:
        await host.close()
        await fan.close()
    assert refused["error"]["code"] == "forbidden"


async def test_a_named_moderator_moderates_and_is_not_rate_limited(
    live_server: LiveServer,
) -> None:
    creator, stream_id, host = await _setup(live_server)
    helper = await register(live_server, name="Helper")
    async with httpx.AsyncClient(base_url=live_server.api) as http:
        named = await http.post(
            f"/streams/{stream_id}/moderators",
            json={"user_id": helper["id"]},
            headers=bearer(creator["token"]),
        )
        listed = await http.get(
            f"/streams/{stream_id}/moderators", headers=bearer(helper["token"])
        )
        by_moderator = await http.post(
            f"/streams/{stream_id}/moderators",
            json={"user_id": helper["id"]},
            headers=bearer(helper["token"]),
        )
    moderator = await connect(live_server, helper["token"])
    fan = await connect(live_server, await guest(live_server))
    try:
        joined = await moderator.join(stream_id)
        await fan.join(stream_id)
        acks = [await moderator.send(stream_id, f"m{n}", f"m{n}") for n in range(15)]
        sent = await fan.send(stream_id, "spam", "s")
        deleted = await _moderate(moderator, stream_id, "delete", message_id=sent["id"])
        await fan.wait_for("deleted")
    finally:
        for client in (host, moderator, fan):
            await client.close()
    assert named.status_code == 201 and named.json()["display_name"] == "Helper"
    assert [m["user_id"] for m in listed.json()] == [helper["id"]]
    assert by_moderator.status_code == 403
    assert joined["role"] == "moderator"
    assert all(a["ok"] for a in acks) and deleted == {"ok": True}


async def test_chat_settings_over_rest(live_server: LiveServer) -> None:
    creator, stream_id, host = await _setup(live_server)
    fan = await register(live_server)
    viewer = await connect(live_server, fan["token"])
    await viewer.join(stream_id)
    url = f"/streams/{stream_id}/chat-settings"
    body = {"slow_mode_s": 10, "audience": "members", "blocked_words": ["Spoiler"]}
    try:
        async with httpx.AsyncClient(base_url=live_server.api) as http:
            before = await http.get(url, headers=bearer(creator["token"]))
            put = await http.put(url, json=body, headers=bearer(creator["token"]))
            after = await http.get(url, headers=bearer(creator["token"]))
            forbidden = await http.put(url, json=body, headers=bearer(fan["token"]))
            invalid = await http.put(
                url, json={**body, "slow_mode_s": -1}, headers=bearer(creator["token"])
            )
            unknown = await http.get(
                "/streams/nope/chat-settings", headers=bearer(creator["token"])
            )
        pushed = await viewer.wait_for("chat_settings")
        refused = await viewer.send(stream_id, "no spoiler here", "x")
    finally:
        await host.close()
        await viewer.close()
    assert before.json() == {"slow_mode_s": 0, "audience": "everyone", "blocked_words": []}
    assert put.status_code == 200
    assert after.json() == {**body, "blocked_words": ["spoiler"]}
    assert pushed == {"stream_id": stream_id, "slow_mode_s": 10, "audience": "members"}
    assert refused["error"]["code"] == "blocked_word"
    assert forbidden.status_code == 403
    assert invalid.status_code == 422
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_stream"
