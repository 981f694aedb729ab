"""One encoder's RTMP connection: connect, createStream, publish, then media until it leaves.

Whether a key may publish is not decided here: the connection asks its
`PublishGate` (the ingest) and relays the answer in RTMP's own words, so an
encoder shows "NetStream.Publish.BadName" with our reason and stops.
"""

import asyncio
import contextlib
import struct
from typing import Protocol

from server.logs import get_logger
from server.streams.ingest_events import CONNECTION_TEST_APP, INGEST_APP
from server.streams.sandbox_ingest import amf0, rtmp
from server.streams.sandbox_ingest.remux import RemuxStopped
from server.streams.sandbox_ingest.rtmp import ChunkReader, ChunkWriter, Message, RtmpError

log = get_logger("flash.streams.sandbox_ingest")

APP_NAMES = (INGEST_APP, CONNECTION_TEST_APP)
HANDSHAKE_TIMEOUT_S = 10.0
SETUP_IDLE_S = 15.0
# An encoder sends audio every ~20 ms: silence this long means the link is gone even
# without a TCP close, and the key must be free for the encoder's reconnect.
PUBLISH_IDLE_S = 5.0
_SET_DATA_FRAME = amf0.encode("@setDataFrame")
_ENDING_COMMANDS = ("FCUnpublish", "deleteStream", "closeStream")


class PublishCut(Exception):
    """Raised by `Publish.forward` when the ingest ended the publish (the stream was completed)."""


class Publish(Protocol):
    """A publish the gate accepted: where the media goes."""

    async def forward(self, type_id: int, timestamp: int, body: bytes) -> None: ...


class PublishGate(Protocol):
    async def begin(self, key: str, *, app: str) -> Publish | str:
        """The accepted publish to `app` (`live` or `test`), or the reason (for the encoder)
        it was refused."""
        ...

    async def end(self, publish: Publish) -> None: ...


class Connection:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, gate: PublishGate
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._gate = gate
        self._chunks = ChunkReader(reader)
        self._out = ChunkWriter(writer)
        self._app = ""
        self._publish: Publish | None = None
        self._ack_window = 0
        self._acked = 0
        peer = writer.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "unknown"

    def close(self) -> None:
        """Drop the link now; `serve` then ends the publish as if the encoder had left."""
        self._writer.transport.abort()

    async def serve(self) -> None:
        try:
            async with asyncio.timeout(HANDSHAKE_TIMEOUT_S):
                await rtmp.handshake(self._reader, self._writer)
            while True:
                idle = PUBLISH_IDLE_S if self._publish else SETUP_IDLE_S
                async with asyncio.timeout(idle):
                    message = await self._chunks.next_message()
                if not await self._handle(message):
                    break
                self._acknowledge()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the encoder left: the usual end of a stream
        except TimeoutError:
            log.info("sandbox_rtmp_idle", peer=self.peer, publishing=self._publish is not None)
        except (RtmpError, amf0.AmfError) as exc:
            log.warning("sandbox_rtmp_protocol_error", peer=self.peer, error=str(exc))
        except RemuxStopped:
            pass  # logged by the remux; dropping the encoder makes it reconnect to a new one
        except PublishCut:
            log.info("sandbox_publish_cut", peer=self.peer)
        finally:
            await self._end_publish()
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()

    def _acknowledge(self) -> None:
        if self._ack_window and self._chunks.bytes_read - self._acked >= self._ack_window:
            self._acked = self._chunks.bytes_read
            self._out.acknowledge(self._acked)

    async def _end_publish(self) -> None:
        publish, self._publish = self._publish, None
        if publish is not None:
            await self._gate.end(publish)

    async def _handle(self, message: Message) -> bool:
        """Act on one message; False closes the connection."""
        kind = message.type_id
        if kind in (rtmp.AUDIO, rtmp.VIDEO):
            if self._publish is not None:
                await self._publish.forward(kind, message.timestamp, message.payload)
        elif kind in (rtmp.COMMAND_AMF0, rtmp.COMMAND_AMF3):
            return await self._command(message)
        elif kind in (rtmp.DATA_AMF0, rtmp.DATA_AMF3):
            await self._data(message)
        elif kind == rtmp.AGGREGATE:
            await self._aggregate(message)
        elif kind == rtmp.WINDOW_ACK_SIZE and len(message.payload) >= 4:
            self._ack_window = struct.unpack(">I", message.payload[:4])[0]
        elif kind == rtmp.USER_CONTROL:
            self._out.answer_ping(message.payload)
            await self._out.flush()
        return True

    async def _data(self, message: Message) -> None:
        """Stream metadata (`@setDataFrame onMetaData {...}`) becomes the FLV script tag."""
        if self._publish is None:
            return
        body = message.payload
        if message.type_id == rtmp.DATA_AMF3 and body[:1] == b"\x00":
            body = body[1:]
        if body.startswith(_SET_DATA_FRAME):
            body = body[len(_SET_DATA_FRAME) :]
        await self._publish.forward(rtmp.DATA_AMF0, message.timestamp, body)

    async def _aggregate(self, message: Message) -> None:
        """Several FLV tags in one message (FMLE, some hardware encoders): forward each."""
        if self._publish is None:
            return
        data, pos, first = message.payload, 0, None
        while pos + 11 <= len(data):
            kind, size = data[pos], int.from_bytes(data[pos + 1 : pos + 4], "big")
            stamp = int.from_bytes(data[pos + 4 : pos + 7], "big") | data[pos + 7] << 24
            first = stamp if first is None else first
            body = data[pos + 11 : pos + 11 + size]
            if len(body) < size:
                raise RtmpError("aggregate message cut short")
            if kind in (rtmp.AUDIO, rtmp.VIDEO, rtmp.DATA_AMF0):
                timestamp = (message.timestamp + stamp - first) & 0xFFFFFFFF
                await self._publish.forward(kind, timestamp, body)
            pos += 11 + size + 4

    async def _command(self, message: Message) -> bool:
        values = rtmp.command_values(message)
        if len(values) < 2 or not isinstance(values[0], str):
            return True
        name, transaction = values[0], values[1]
        if name == "connect":
            return await self._connect(transaction, values[2] if len(values) > 2 else None)
        if name in ("releaseStream", "FCPublish"):
            self._out.command("_result", transaction, None, amf0.UNDEFINED_VALUE)
        elif name == "createStream":
            self._out.command("_result", transaction, None, 1)
        elif name == "publish":
            key = values[3] if len(values) > 3 and isinstance(values[3], str) else ""
            return await self._begin_publish(key.split("?", 1)[0], message.stream_id)
        elif name in _ENDING_COMMANDS:
            await self._end_publish()
        elif name in ("play", "play2"):
            self._out.status(
                "NetStream.Play.Failed",
                "The sandbox ingest takes publishers only; watch over HLS",
                level="error",
                stream_id=message.stream_id,
            )
            await self._out.flush()
            return False
        await self._out.flush()
        return True

    async def _connect(self, transaction: object, info: object) -> bool:
        app = info.get("app", "") if isinstance(info, dict) else ""
        self._app = str(app).split("?", 1)[0].strip("/")
        if self._app not in APP_NAMES:
            refusal = {
                "level": "error",
                "code": "NetConnection.Connect.Rejected",
                "description": f"Unknown application; publish to /{INGEST_APP}/<stream key>",
            }
            self._out.command("_error", transaction, None, refusal)
            await self._out.flush()
            return False
        self._out.window_ack_size(rtmp.WINDOW_SIZE)
        self._out.peer_bandwidth(rtmp.WINDOW_SIZE)
        self._out.set_chunk_size(rtmp.OUR_CHUNK_SIZE)
        self._out.command(
            "_result",
            transaction,
            {"fmsVer": "FMS/3,0,1,123", "capabilities": 31},
            {
                "level": "status",
                "code": "NetConnection.Connect.Success",
                "description": "Connection succeeded.",
                "objectEncoding": 0,
            },
        )
        await self._out.flush()
        return True

    async def _begin_publish(self, key: str, stream_id: int) -> bool:
        if self._publish is not None:
            return True
        outcome = await self._gate.begin(key, app=self._app) if key else "A stream key is required"
        if isinstance(outcome, str):
            log.info("sandbox_publish_refused", peer=self.peer, reason=outcome)
            self._out.status(
                "NetStream.Publish.BadName", outcome, level="error", stream_id=stream_id
            )
            await self._out.flush()
            return False
        self._publish = outcome
        self._out.stream_begin(stream_id)
        self._out.status(
            "NetStream.Publish.Start", "Publishing.", level="status", stream_id=stream_id
        )
        await self._out.flush()
        return True
