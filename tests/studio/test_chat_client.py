"""The core chat client against the real app on loopback: catch-up, refusals, fresh tokens."""

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, TypeVar

import pytest

from server.config import Settings
from server.contract import RegisterRequest
from server.contract.chat import ChatMessage
from studio.core.api_client import ApiClient
from studio.core.backoff import Backoff
from studio.core.chat_client import ChatClient, ChatRefused, ChatState, ChatStatus
from studio.core.live_room import LiveRoom
from studio.core.session import Session
from studio.core.token_store import TokenStore
from studio.core.vault import Vault
from tests.support import chat
from tests.support.live_server import LiveServer

T = TypeVar("T")
CREATOR = RegisterRequest(
    email="zuri@example.com",
    password="river-sun-42",
    display_name="Zuri",
    country="KE",
    currency="KES",
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Access tokens that expire within the test, so every event needs a fresh one."""
    return settings.model_copy(update={"access_token_ttl_s": 2})


@pytest.fixture
async def api(live_server: LiveServer) -> AsyncIterator[ApiClient]:
    client = ApiClient(live_server.url)
    yield client
    await client.aclose()


class GuestAuth:
    """A fan's guest token, as the Authorizer the chat client asks for tokens."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def authorized(self, call: Callable[[str], Coroutine[Any, Any, T]]) -> T:
        return await call(self.token)


async def until(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    """Poll: the conditions read lists the client's listeners fill, which have no event."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def creator_room(api: ApiClient, live: LiveServer) -> tuple[Session, LiveRoom, str]:
    session = Session(api, TokenStore(Vault()))
    session.server_id = "test"
    await session.sign_up(CREATOR)
    token = await session.authorized(_same)
    stream_id = await chat.create_stream(live, token)
    room = LiveRoom(api, session, backoff=Backoff(first=1.0, longest=2.0))
    await room.start()
    await until(lambda: room.chat.last_id(stream_id) is not None or _joined(room, stream_id))
    return session, room, stream_id


def _joined(room: LiveRoom, stream_id: str) -> bool:
    return room.chat.status.state is ChatState.CONNECTED and stream_id in room.chat.rooms


async def _same(token: str) -> str:
    return token


async def test_a_dropped_connection_catches_up_with_no_gap_and_no_repeat(
    api: ApiClient, live_server: LiveServer
) -> None:
    session, room, stream_id = await creator_room(api, live_server)
    seen: list[ChatMessage] = []
    states: list[ChatStatus] = []
    room.chat.messages.connect(seen.extend)
    room.chat.status_changed.connect(states.append)
    fan = await chat.connect(live_server, await chat.guest(live_server, "Neema"))
    await fan.join(stream_id)
    await fan.send(stream_id, "one", "c1")
    await until(lambda: [m.text for m in seen] == ["one"])

    assert session.user is not None
    creator_id = session.user.id
    hub = live_server.app.state.chat
    sids = [sid for sid, c in hub.connections.items() if c.principal.id == creator_id]
    for sid in sids:
        await chat.on_server(live_server, hub.sio.disconnect(sid))
    for n, text in enumerate(("two", "three", "four")):  # while the studio is away
        await fan.send(stream_id, text, f"c{n + 2}")
    await until(lambda: len(seen) == 4)
    await until(lambda: room.chat.status.state is ChatState.CONNECTED)

    assert [m.text for m in seen] == ["one", "two", "three", "four"]
    assert len({m.id for m in seen}) == 4
    assert ChatState.RECONNECTING in [status.state for status in states]
    await fan.send(stream_id, "five", "c5")
    await until(lambda: len(seen) == 5)
    await asyncio.sleep(0.3)
    assert [m.text for m in seen][-1] == "five" and len(seen) == 5
    await fan.close()
    await room.stop()


async def test_an_expired_token_is_replaced_with_reauth_and_the_link_stays(
    api: ApiClient, live_server: LiveServer
) -> None:
    _session, room, stream_id = await creator_room(api, live_server)
    states: list[ChatStatus] = []
    room.chat.status_changed.connect(states.append)
    await asyncio.sleep(2.5)  # the token the chat connected with has expired on the server
    message_id = await room.chat.send(stream_id, "still here")
    assert message_id
    await room.chat.moderate(stream_id, "slow_mode", seconds=5)
    assert states == []  # never dropped: the fresh token went first, as `reauth`

    await asyncio.sleep(2.5)  # expired again; a reconnect must connect with a fresh one
    hub = live_server.app.state.chat
    for sid in list(hub.connections):
        await chat.on_server(live_server, hub.sio.disconnect(sid))
    await until(lambda: ChatState.RECONNECTING in [status.state for status in states])
    await until(lambda: room.chat.status.state is ChatState.CONNECTED)
    assert await room.chat.send(stream_id, "back again")
    await room.stop()


async def test_refusals_come_back_with_their_code_and_wait(live_server: LiveServer) -> None:
    api = ApiClient(live_server.url)
    _session, room, stream_id = await creator_room(api, live_server)
    fan = ChatClient(GuestAuth(await chat.guest(live_server, "Tendai")), lambda: live_server.url)
    fan.start()
    await until(lambda: fan.status.state is ChatState.CONNECTED)
    await fan.join(stream_id)
    with pytest.raises(ChatRefused) as empty:
        await fan.send(stream_id, "   ")
    assert empty.value.code == "empty"
    with pytest.raises(ChatRefused) as moderating:
        await fan.moderate(stream_id, "slow_mode", seconds=10)
    assert moderating.value.code == "forbidden"
    with pytest.raises(ChatRefused) as invalid:
        await fan.moderate(stream_id, "slow_mode", seconds=-1)
    assert invalid.value.code == "invalid_input"
    refused: list[ChatRefused] = []
    for n in range(15):
        try:
            await fan.send(stream_id, f"spam {n}")
        except ChatRefused as exc:
            refused.append(exc)
    assert refused and refused[0].code == "rate_limited"
    assert refused[0].retry_after is not None and refused[0].retry_after > 0
    await fan.stop()
    assert fan.status.state is ChatState.OFFLINE
    await room.stop()
    await api.aclose()
