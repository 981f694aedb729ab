"""RTMP's wire layer: the handshake, and messages cut into and out of chunks.

Written against Adobe's RTMP 1.0 specification, with the two habits real
encoders add to it: the extended timestamp repeated, or not, on continuation
chunks (older OBS left it out, OBS since 2024 repeats it), told apart by
looking at the next four bytes; and acknowledgements sent back when the client
asked for them, as some hardware encoders stall without them.
"""

import asyncio
import os
import struct
from dataclasses import dataclass, field

from server.streams.sandbox_ingest import amf0

HANDSHAKE_SIZE = 1536
DEFAULT_CHUNK_SIZE = 128
OUR_CHUNK_SIZE = 4096
WINDOW_SIZE = 2_500_000
_EXTENDED = 0xFFFFFF
_MAX_OPEN_CHUNK_STREAMS = 64

# Message types (RTMP 1.0, section 5.4 and 7.1).
SET_CHUNK_SIZE, ABORT, ACKNOWLEDGEMENT, USER_CONTROL = 1, 2, 3, 4
WINDOW_ACK_SIZE, SET_PEER_BANDWIDTH = 5, 6
AUDIO, VIDEO = 8, 9
DATA_AMF3, COMMAND_AMF3, DATA_AMF0, COMMAND_AMF0, AGGREGATE = 15, 17, 18, 20, 22

# Chunk stream ids we write on: protocol control, then commands.
_CONTROL_CSID, _COMMAND_CSID = 2, 3
_STREAM_BEGIN, _PING_REQUEST, _PING_RESPONSE = 0, 6, 7


class RtmpError(Exception):
    """The peer broke the protocol; the connection is closed."""


@dataclass(frozen=True)
class Message:
    type_id: int
    stream_id: int
    timestamp: int
    payload: bytes


async def handshake(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """The plain handshake: C0+C1 in, S0+S1+S2 out (S2 echoes C1), C2 in.

    Publishing clients (ffmpeg, OBS, librtmp) accept it; only players asking for
    Flash's signed handshake would not, and this ingest serves no players.
    """
    c0 = await reader.readexactly(1)
    if c0[0] != 3:
        raise RtmpError(f"unsupported RTMP version {c0[0]}")
    c1 = await reader.readexactly(HANDSHAKE_SIZE)
    s1 = bytes(8) + os.urandom(HANDSHAKE_SIZE - 8)
    writer.write(b"\x03" + s1 + c1)
    await writer.drain()
    await reader.readexactly(HANDSHAKE_SIZE)


@dataclass
class _ChunkStream:
    """What a chunk stream id remembers from its previous header."""

    timestamp: int = 0
    delta: int = 0
    length: int = 0
    type_id: int = 0
    stream_id: int = 0
    extended: int | None = None  # the 32-bit field of the last header that carried one
    partial: bytearray = field(default_factory=bytearray)


class ChunkReader:
    """Reassembles messages from the chunk stream of one connection."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader
        self._buffer = bytearray()
        self._streams: dict[int, _ChunkStream] = {}
        self.chunk_size = DEFAULT_CHUNK_SIZE
        self.bytes_read = 0

    async def _fill(self, count: int) -> None:
        while len(self._buffer) < count:
            data = await self._reader.read(65536)
            if not data:
                raise asyncio.IncompleteReadError(bytes(self._buffer), count)
            self._buffer += data
            self.bytes_read += len(data)

    async def _take(self, count: int) -> bytes:
        await self._fill(count)
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        return data

    async def _peek(self, count: int) -> bytes:
        await self._fill(count)
        return bytes(self._buffer[:count])

    async def next_message(self) -> Message:
        """Read chunks until one message is whole; protocol-level housekeeping is done here."""
        while True:
            message = await self._read_chunk()
            if message is None:
                continue
            if message.type_id == SET_CHUNK_SIZE and len(message.payload) >= 4:
                size = struct.unpack(">I", message.payload[:4])[0] & 0x7FFFFFFF
                if not 1 <= size <= 0xFFFFFF:
                    raise RtmpError(f"chunk size {size} out of range")
                self.chunk_size = size
            elif message.type_id == ABORT and len(message.payload) >= 4:
                aborted = self._streams.get(struct.unpack(">I", message.payload[:4])[0])
                if aborted is not None:
                    aborted.partial.clear()
            return message

    async def _read_chunk(self) -> Message | None:
        first = (await self._take(1))[0]
        fmt, csid = first >> 6, first & 0x3F
        if csid == 0:
            csid = 64 + (await self._take(1))[0]
        elif csid == 1:
            low, high = await self._take(2)
            csid = 64 + low + high * 256
        stream = self._streams.get(csid)
        if stream is None:
            if fmt != 0:
                raise RtmpError("a chunk stream began without a full header")
            if len(self._streams) >= _MAX_OPEN_CHUNK_STREAMS:
                raise RtmpError("too many chunk streams")
            stream = self._streams[csid] = _ChunkStream()
        starting = not stream.partial
        if fmt < 3:
            await self._read_header(fmt, stream, starting)
        else:
            if stream.extended is not None and await self._peek(4) == struct.pack(
                ">I", stream.extended
            ):
                await self._take(4)
            if starting:
                stream.timestamp = (stream.timestamp + stream.delta) & 0xFFFFFFFF
        remaining = stream.length - len(stream.partial)
        stream.partial += await self._take(min(self.chunk_size, remaining))
        if len(stream.partial) < stream.length:
            return None
        payload = bytes(stream.partial)
        stream.partial.clear()
        return Message(stream.type_id, stream.stream_id, stream.timestamp, payload)

    async def _read_header(self, fmt: int, stream: _ChunkStream, starting: bool) -> None:
        header = await self._take((11, 7, 3)[fmt])
        time_field = int.from_bytes(header[0:3], "big")
        if fmt <= 1:
            length = int.from_bytes(header[3:6], "big")
            if not starting and length != stream.length:
                raise RtmpError("message length changed in the middle of a message")
            stream.length, stream.type_id = length, header[6]
        if fmt == 0:
            stream.stream_id = struct.unpack("<I", header[7:11])[0]
        stream.extended = None
        if time_field == _EXTENDED:
            time_field = struct.unpack(">I", await self._take(4))[0]
            stream.extended = time_field
        if not starting:
            return
        if fmt == 0:
            stream.timestamp, stream.delta = time_field, 0
        else:
            stream.delta = time_field
            stream.timestamp = (stream.timestamp + time_field) & 0xFFFFFFFF


class ChunkWriter:
    """Cuts our (small) messages into chunks: a full header, then continuations."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self.chunk_size = DEFAULT_CHUNK_SIZE

    def send(self, type_id: int, payload: bytes, *, stream_id: int = 0) -> None:
        csid = _CONTROL_CSID if type_id <= SET_PEER_BANDWIDTH else _COMMAND_CSID
        header = bytes((csid,)) + bytes(3) + len(payload).to_bytes(3, "big") + bytes((type_id,))
        out = bytearray(header + struct.pack("<I", stream_id))
        for start in range(0, len(payload), self.chunk_size):
            if start:
                out.append(0xC0 | csid)
            out += payload[start : start + self.chunk_size]
        self._writer.write(bytes(out))

    def set_chunk_size(self, size: int) -> None:
        self.send(SET_CHUNK_SIZE, struct.pack(">I", size))
        self.chunk_size = size

    def window_ack_size(self, size: int) -> None:
        self.send(WINDOW_ACK_SIZE, struct.pack(">I", size))

    def peer_bandwidth(self, size: int) -> None:
        self.send(SET_PEER_BANDWIDTH, struct.pack(">IB", size, 2))

    def acknowledge(self, bytes_read: int) -> None:
        self.send(ACKNOWLEDGEMENT, struct.pack(">I", bytes_read & 0xFFFFFFFF))

    def stream_begin(self, stream_id: int) -> None:
        self.send(USER_CONTROL, struct.pack(">HI", _STREAM_BEGIN, stream_id))

    def answer_ping(self, payload: bytes) -> None:
        if len(payload) >= 6 and struct.unpack(">H", payload[:2])[0] == _PING_REQUEST:
            self.send(USER_CONTROL, struct.pack(">H", _PING_RESPONSE) + payload[2:6])

    def command(self, *values: object, stream_id: int = 0) -> None:
        self.send(COMMAND_AMF0, amf0.encode(*values), stream_id=stream_id)

    def status(self, code: str, description: str, *, level: str, stream_id: int) -> None:
        """An `onStatus` notice on a stream, e.g. NetStream.Publish.Start or BadName."""
        info = {"level": level, "code": code, "description": description}
        self.command("onStatus", 0, None, info, stream_id=stream_id)

    async def flush(self) -> None:
        await self._writer.drain()


def command_values(message: Message) -> list[object]:
    """The AMF0 values of a command or data message (AMF3 variants carry AMF0 after a 0 byte)."""
    payload = message.payload
    if message.type_id in (COMMAND_AMF3, DATA_AMF3) and payload[:1] == b"\x00":
        payload = payload[1:]
    return amf0.decode_all(payload)
