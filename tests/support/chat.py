"""Real Socket.IO clients for chat tests, and the accounts and streams they need."""

import asyncio
import itertools
from collections import defaultdict
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx
import socketio

from tests.support.live_server import LiveServer

T = TypeVar("T")
WAIT_S = 10.0
_emails = itertools.count()


async def register(live: LiveServer, role: str = "fan", name: str = "Amina") -> dict[str, Any]:
    """A new account; answers its id and access token."""
    body = {
        "email": f"user{next(_emails)}-{id(live)}@example.com",
        "password": "river-sun-42",
        "display_name": name,
        "role": role,
        "country": "KE",
        "currency": "KES",
    }
    async with httpx.AsyncClient(base_url=live.api, timeout=15) as http:
        tokens = (await http.post("/auth/register", json=body)).raise_for_status().json()
        me = (await http.get("/me", headers=bearer(tokens["access_token"]))).json()
    return {"id": me["id"], "token": tokens["access_token"], "name": name}


async def guest(live: LiveServer, name: str = "Guest fan") -> str:
    async with httpx.AsyncClient(base_url=live.api, timeout=15) as http:
        response = await http.post("/auth/guest", json={"display_name": name})
        token: str = response.raise_for_status().json()["access_token"]
        return token


async def create_stream(live: LiveServer, creator_token: str) -> str:
    async with httpx.AsyncClient(base_url=live.api, timeout=15) as http:
        response = await http.post(
            "/streams", json={"title": "Live from Nairobi"}, headers=bearer(creator_token)
        )
        stream_id: str = response.raise_for_status().json()["id"]
        return stream_id


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class ChatClient:
    """One fan's (or the creator's) connection, recording every event it receives."""

    def __init__(self, live: LiveServer, token: str, transport: str = "websocket") -> None:
        self.url = live.url
        self.token = token
        self.transport = transport
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: defaultdict[str, list[Any]] = defaultdict(list)
        self.connect_errors: list[Any] = []
        self.disconnected = asyncio.Event()
        self._arrival = asyncio.Event()
        self.sio.on("*", self._record)
        self.sio.on("connect_error", self.connect_errors.append)
        self.sio.on("disconnect", self._on_disconnect)

    async def _record(self, event: str, data: Any = None) -> None:
        self.events[event].append(data)
        self._arrival.set()

    def _on_disconnect(self, *_reason: Any) -> None:
        self.disconnected.set()
        self._arrival.set()

    async def connect(self) -> "ChatClient":
        await self.sio.connect(
            self.url, auth={"token": self.token}, transports=[self.transport], wait_timeout=10
        )
        return self

    async def call(self, event: str, data: Any = None, *extra: Any) -> Any:
        payload = (data, *extra) if extra else data
        return await self.sio.call(event, payload, timeout=WAIT_S)

    async def join(self, stream_id: str, since: str | None = None) -> Any:
        body = {"stream_id": stream_id}
        if since is not None:
            body["since"] = since
        ack = await self.call("join", body)
        assert ack["ok"], ack
        return ack

    async def send(self, stream_id: str, text: str, client_id: str) -> Any:
        body = {"stream_id": stream_id, "text": text, "client_id": client_id}
        return await self.call("send", body)

    async def wait_for(
        self, event: str, where: Callable[[Any], bool] = lambda _data: True
    ) -> Any:
        """The first `event` matching `where`, waiting for it to arrive."""
        async with asyncio.timeout(WAIT_S):
            while True:
                for data in self.events[event]:
                    if where(data):
                        return data
                self._arrival.clear()
                await self._arrival.wait()

    async def wait_disconnected(self) -> None:
        async with asyncio.timeout(WAIT_S):
            await self.disconnected.wait()

    def texts(self) -> list[str]:
        return [m["text"] for m in self.events["message"]]

    async def close(self) -> None:
        if self.sio.connected:
            # A polling client's orderly close waits for its open long poll (up to 45 s);
            # tests end it at once.
            if self.transport == "polling":
                await self.sio.eio.disconnect(abort=True)
            else:
                await self.sio.disconnect()


async def connect(live: LiveServer, token: str, transport: str = "websocket") -> ChatClient:
    return await ChatClient(live, token, transport).connect()


async def on_server(live: LiveServer, work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the server's own event loop (it lives in another thread), as
    the payments or streams code that calls the chat would."""
    hub = live.app.state.chat
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, hub.loop))
