"""Many lightweight chat fans in one process, for the fan-out benchmark.

A socketio.AsyncClient per fan costs too much CPU for 1,000+ fans on a 2-core box,
so each fan here is one aiohttp WebSocket speaking the Engine.IO 4 / Socket.IO 5 text
protocol by hand: open (`0{...}`), connect with auth (`40{"token"}`), `join` with an
ack, answer pings (`2` → `3`), and read `42["message",{...}]` frames, taking the send
time from the message text without decoding the whole JSON.

Run: python -m tests.benchmarks.chat_fans URL TOKEN STREAM_ID COUNT OUT.json
Prints `ready N` once N fans have joined, answers `count` lines on stdin with the
messages received so far, and on `stop` writes {received, latencies_ms} to OUT.json.
"""

import asyncio
import json
import re
import sys
import time
from pathlib import Path

import aiohttp

STAMP = re.compile(r'"text": ?"(\d+) (\d+)"')
CONNECT_AT_ONCE = 50


class Fans:
    def __init__(self, url: str, token: str, stream_id: str) -> None:
        host = url.split("://", 1)[1]
        self.ws_url = f"ws://{host}/socket.io/?EIO=4&transport=websocket"
        self.token = token
        self.stream_id = stream_id
        self.received = 0
        self.latencies_ms: list[float] = []
        self.sockets: list[aiohttp.ClientWebSocketResponse] = []
        self.readers: list[asyncio.Task[None]] = []

    async def join(self, session: aiohttp.ClientSession) -> None:
        ws = await session.ws_connect(self.ws_url, max_msg_size=0, autoclose=False)
        opened = await ws.receive_str()
        assert opened.startswith("0"), opened
        await ws.send_str("40" + json.dumps({"token": self.token}))
        connected = await ws.receive_str()
        assert connected.startswith("40"), connected
        await ws.send_str("420" + json.dumps(["join", {"stream_id": self.stream_id}]))
        while True:
            frame = await ws.receive_str()
            if frame == "2":
                await ws.send_str("3")
            elif frame.startswith("430"):
                break
        self.sockets.append(ws)
        self.readers.append(asyncio.create_task(self.read(ws)))

    async def read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for frame in ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                break
            data: str = frame.data
            if data == "2":
                await ws.send_str("3")
            elif data.startswith('42["message"'):
                found = STAMP.search(data)
                if found:
                    self.received += 1
                    self.latencies_ms.append((time.time_ns() - int(found.group(1))) / 1e6)


async def listen(url: str, token: str, stream_id: str, count: int) -> Fans:
    fans = Fans(url, token, stream_id)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        for start in range(0, count, CONNECT_AT_ONCE):
            batch = range(start, min(count, start + CONNECT_AT_ONCE))
            await asyncio.gather(*(fans.join(session) for _ in batch))
        print(f"ready {len(fans.sockets)}", flush=True)
        loop = asyncio.get_running_loop()
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
            if line == "count":
                print(f"count {fans.received}", flush=True)
            elif line in ("stop", ""):
                break
        for reader in fans.readers:
            reader.cancel()
        await asyncio.gather(*(ws.close() for ws in fans.sockets), return_exceptions=True)
    return fans


if __name__ == "__main__":
    url_arg, token_arg, stream_arg, count_arg, out_arg = sys.argv[1:6]
    fans = asyncio.run(listen(url_arg, token_arg, stream_arg, int(count_arg)))
    report = {"received": fans.received, "latencies_ms": fans.latencies_ms}
    Path(out_arg).write_text(json.dumps(report))
