"""AMF0, the value encoding of RTMP commands (connect, createStream, publish, onStatus).

Only what an ingest meets is here: numbers, booleans, strings, objects, arrays,
null and undefined, dates (read as their millisecond number). Anything else
raises `AmfError`, and the connection that sent it is closed.
"""

import struct
from typing import Any

NUMBER, BOOLEAN, STRING, OBJECT, NULL, UNDEFINED = 0x00, 0x01, 0x02, 0x03, 0x05, 0x06
ECMA_ARRAY, OBJECT_END, STRICT_ARRAY, DATE, LONG_STRING = 0x08, 0x09, 0x0A, 0x0B, 0x0C
_MAX_DEPTH = 16


class AmfError(ValueError):
    """The bytes are not AMF0 this ingest understands."""


class Undefined:
    """AMF0's `undefined`, distinct from `null` (None) on the wire."""

    def __repr__(self) -> str:
        return "Undefined"


UNDEFINED_VALUE = Undefined()


def encode(*values: Any) -> bytes:
    """The AMF0 bytes of each value in turn, as one command's payload."""
    out = bytearray()
    for value in values:
        _encode_value(out, value)
    return bytes(out)


def _encode_value(out: bytearray, value: Any) -> None:
    if value is None:
        out.append(NULL)
    elif isinstance(value, Undefined):
        out.append(UNDEFINED)
    elif isinstance(value, bool):
        out += bytes((BOOLEAN, 1 if value else 0))
    elif isinstance(value, int | float):
        out.append(NUMBER)
        out += struct.pack(">d", float(value))
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        if len(raw) <= 0xFFFF:
            out.append(STRING)
            out += struct.pack(">H", len(raw)) + raw
        else:
            out.append(LONG_STRING)
            out += struct.pack(">I", len(raw)) + raw
    elif isinstance(value, dict):
        out.append(OBJECT)
        for key, item in value.items():
            _encode_key(out, str(key))
            _encode_value(out, item)
        out += b"\x00\x00" + bytes((OBJECT_END,))
    elif isinstance(value, list | tuple):
        out.append(STRICT_ARRAY)
        out += struct.pack(">I", len(value))
        for item in value:
            _encode_value(out, item)
    else:
        raise AmfError(f"cannot encode {type(value).__name__} as AMF0")


def _encode_key(out: bytearray, key: str) -> None:
    raw = key.encode("utf-8")
    out += struct.pack(">H", len(raw)) + raw


def decode_all(payload: bytes) -> list[Any]:
    """Every value in a command or data message, in order."""
    reader = _Reader(payload)
    values = []
    while not reader.done:
        values.append(reader.value(0))
    return values


class _Reader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    @property
    def done(self) -> bool:
        return self._pos >= len(self._data)

    def _take(self, count: int) -> bytes:
        end = self._pos + count
        if end > len(self._data):
            raise AmfError("AMF0 value cut short")
        chunk = self._data[self._pos : end]
        self._pos = end
        return chunk

    def _string(self, length_size: int) -> str:
        (length,) = struct.unpack(">H" if length_size == 2 else ">I", self._take(length_size))
        try:
            return self._take(length).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AmfError("AMF0 string is not UTF-8") from exc

    def _properties(self, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while True:
            key = self._string(2)
            if not key and self._data[self._pos : self._pos + 1] == bytes((OBJECT_END,)):
                self._pos += 1
                return result
            result[key] = self.value(depth + 1)

    def value(self, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise AmfError("AMF0 value nested too deep")
        marker = self._take(1)[0]
        if marker == NUMBER:
            return struct.unpack(">d", self._take(8))[0]
        if marker == BOOLEAN:
            return self._take(1)[0] != 0
        if marker == STRING:
            return self._string(2)
        if marker == LONG_STRING:
            return self._string(4)
        if marker == OBJECT:
            return self._properties(depth)
        if marker == ECMA_ARRAY:
            self._take(4)  # the count is a hint; the end marker is what ends it
            return self._properties(depth)
        if marker == STRICT_ARRAY:
            (count,) = struct.unpack(">I", self._take(4))
            return [self.value(depth + 1) for _ in range(count)]
        if marker == DATE:
            (millis,) = struct.unpack(">d", self._take(8))
            self._take(2)  # time zone, unused by the format's own definition
            return millis
        if marker == NULL:
            return None
        if marker == UNDEFINED:
            return UNDEFINED_VALUE
        raise AmfError(f"unsupported AMF0 marker 0x{marker:02x}")
