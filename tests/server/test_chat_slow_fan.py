"""A fan who stops reading holds up no one and, once reading again, misses nothing.

The server writes a room's packets straight to each idle WebSocket and, when one
fan's buffers are full, leaves the rest of that fan's packets to its own writer
(`server/chat/transport.py`). Here one fan is a bare WebSocket (websockets' sans-I/O
client on a plain socket) that does not read its socket at all while the server
emits far more than the socket buffers hold; another fan must get everything
meanwhile, and the stalled fan everything, in order, once it reads again.
"""

import asyncio
import json
import socket
from collections import deque

from pydantic import BaseModel
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from server.chat.hub import ChatHub
from tests.support.chat import connect, create_stream, guest, on_server, register
from tests.support.live_server import LiveServer

BLOBS = 100
BLOB_CHARS = 100_000  # 10 MB in all: more than the server's socket buffer takes
RECEIVE_BUFFER = 16 * 1024  # the stalled fan's, fixed small (no autotuning)
WAIT_S = 10


class Blob(BaseModel):
    n: int
    pad: str


class StallingFan:
    """An Engine.IO WebSocket client that touches its socket only inside its calls."""

    def __init__(self, live: LiveServer) -> None:
        url = live.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.protocol = ClientProtocol(parse_uri(url), max_size=None)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        self.sock.setblocking(False)
        self.port = live.port
        self.texts: deque[str] = deque()
        self.loop = asyncio.get_running_loop()

    async def open(self) -> None:
        await self.loop.sock_connect(self.sock, ("127.0.0.1", self.port))
        self.protocol.send_request(self.protocol.connect())
        await self._flush()
        responses: list[Response] = []
        while not responses:
            events = await self._read()
            responses = [event for event in events if isinstance(event, Response)]
        assert responses[0].status_code == 101, responses[0].status_code

    async def send(self, text: str) -> None:
        self.protocol.send_text(text.encode())
        await self._flush()

    async def recv(self) -> str:
        """The next text frame; answers Engine.IO pings on the way."""
        while True:
            while not self.texts:
                await self._read()
            text = self.texts.popleft()
            if text != "2":
                return text
            await self.send("3")

    async def close(self) -> None:
        self.sock.close()

    async def _read(self) -> list[object]:
        """The next events from the socket; their text frames go on `texts` in order."""
        while not (events := self.protocol.events_received()):
            data = await asyncio.wait_for(self.loop.sock_recv(self.sock, 1 << 16), WAIT_S)
            assert data, "the server closed the connection"
            self.protocol.receive_data(data)
            await self._flush()
        for event in events:
            if isinstance(event, Frame) and event.opcode == Opcode.TEXT:
                self.texts.append(event.data.decode())
        return list(events)

    async def _flush(self) -> None:
        for data in self.protocol.data_to_send():
            if data:
                await self.loop.sock_sendall(self.sock, data)


async def _joined_stalling_fan(live: LiveServer, token: str, stream_id: str) -> StallingFan:
    fan = StallingFan(live)
    await fan.open()
    assert (await fan.recv()).startswith("0")
    await fan.send("40" + json.dumps({"token": token}))
    assert (await fan.recv()).startswith("40")
    await fan.send("420" + json.dumps(["join", {"stream_id": stream_id}]))
    while not (await fan.recv()).startswith("430"):
        pass
    return fan


async def _emit_blobs(hub: ChatHub, stream_id: str) -> None:
    for n in range(BLOBS):
        await hub.emit_to_stream("blob", Blob(n=n, pad="x" * BLOB_CHARS), stream_id)


async def _blob_numbers(fan: StallingFan) -> list[int]:
    numbers: list[int] = []
    while len(numbers) < BLOBS:
        text = await fan.recv()
        if text.startswith('42["blob"'):
            numbers.append(json.loads(text[2:])[1]["n"])
    return numbers


async def test_a_stalled_fan_delays_no_one_and_gets_everything_in_order(
    live_server: LiveServer,
) -> None:
    creator = await register(live_server, role="creator", name="Awa")
    stream_id = await create_stream(live_server, creator["token"])
    stalled = await _joined_stalling_fan(
        live_server, await guest(live_server, "Stalled"), stream_id
    )
    reader = await connect(live_server, await guest(live_server, "Reader"))
    try:
        await reader.join(stream_id)
        async with asyncio.timeout(WAIT_S):  # the emits must not wait for the stalled fan
            await on_server(live_server, _emit_blobs(live_server.app.state.chat, stream_id))
        await reader.wait_for("blob", lambda blob: blob["n"] == BLOBS - 1)
        received = await _blob_numbers(stalled)
    finally:
        await stalled.close()
        await reader.close()
    assert [blob["n"] for blob in reader.events["blob"]] == list(range(BLOBS))
    assert received == list(range(BLOBS))
