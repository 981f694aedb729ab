"""Everything the encoder's ffmpeg child prints, understood in one tested place.

- stdout carries `-progress pipe:1` blocks (`key=value` lines ending with
  `progress=continue|end`): `ProgressReader` turns each block into `EncoderStats`.
- stderr carries warnings and errors: `FailureReader` keeps the most telling
  one and words it as one line for the creator, naming the ingest's host but
  never the URL path, which holds the stream key.
"""

import re
from dataclasses import dataclass
from enum import IntEnum
from urllib.parse import urlsplit


@dataclass(frozen=True)
class EncoderStats:
    """One progress report: how the stream is doing right now."""

    frame: int = 0
    fps: float = 0.0
    bitrate_kbps: float | None = None
    total_size: int | None = None
    out_time_s: float | None = None
    dropped_frames: int = 0
    duplicated_frames: int = 0
    speed: float | None = None
    ended: bool = False


def _number(text: str | None) -> float | None:
    """ffmpeg writes N/A (or nothing) while it has no figure yet."""
    if text is None:
        return None
    match = re.match(r"\s*(-?[0-9.]+(?:e[+-]?[0-9]+)?)", text)
    return float(match.group(1)) if match else None


class ProgressReader:
    """Feed it stdout lines; a complete block comes back as stats, anything else as None."""

    def __init__(self) -> None:
        self._fields: dict[str, str] = {}

    def feed(self, line: str) -> EncoderStats | None:
        key, sep, value = line.strip().partition("=")
        if not sep:
            return None
        if key != "progress":
            self._fields[key] = value.strip()
            return None
        fields, self._fields = self._fields, {}
        out_us = _number(fields.get("out_time_us"))
        total = _number(fields.get("total_size"))
        bitrate = _number(fields.get("bitrate"))
        return EncoderStats(
            frame=int(_number(fields.get("frame")) or 0),
            fps=_number(fields.get("fps")) or 0.0,
            bitrate_kbps=bitrate if bitrate is not None and bitrate >= 0 else None,
            total_size=int(total) if total is not None and total >= 0 else None,
            out_time_s=out_us / 1_000_000 if out_us is not None and out_us >= 0 else None,
            dropped_frames=int(_number(fields.get("drop_frames")) or 0),
            duplicated_frames=int(_number(fields.get("dup_frames")) or 0),
            speed=_number(fields.get("speed")),
            ended=value.strip() == "end",
        )


class FailureKind(IntEnum):
    """Why ffmpeg stopped; a higher value is the more telling explanation."""

    OTHER = 0
    DROPPED = 1
    ENCODER = 2
    SOURCE = 3
    UNREACHABLE = 4
    REFUSED = 5


@dataclass(frozen=True)
class Failure:
    kind: FailureKind
    reason: str


_SERVER_ERROR = re.compile(r"Server error: (?P<text>.+)")
_REFUSED = re.compile(r"Connection to tcp://[^ ]+ failed: Connection refused")
_RESOLVE = re.compile(r"Failed to resolve hostname (?P<host>\S+?):")
_TIMED_OUT = re.compile(r"Connection timed out|Operation timed out", re.IGNORECASE)
_NO_ROUTE = re.compile(r"Network is unreachable|No route to host", re.IGNORECASE)
_TLS = re.compile(r"certificate verify failed|SSL routines|TLS handshake|tls_", re.IGNORECASE)
_DROPPED = re.compile(
    r"Broken pipe|Connection reset by peer|End of file|Error muxing a packet", re.IGNORECASE
)
_OUTPUT_IO = re.compile(r"Error opening output .*: (Input/output error|Operation not permitted)")
_SOURCE = re.compile(
    r"Error opening input|Cannot open display|Could not (?:enumerate|find|open|set|run)|"
    r"No such file or directory|Permission denied|Device or resource busy|Unknown input format",
    re.IGNORECASE,
)
_ENCODER = re.compile(
    r"Error while opening encoder|Unknown encoder|Error initializing output stream|"
    r"Cannot load|No capable devices found|No device available",
    re.IGNORECASE,
)


class FailureReader:
    """Feed it stderr lines; `failure` is the most telling problem seen so far."""

    def __init__(self, ingest_url: str, secrets: tuple[str, ...] = ()) -> None:
        parts = urlsplit(ingest_url)
        default_port = 443 if parts.scheme in ("rtmps", "rtmpts") else 1935
        self._host = parts.hostname or "?"
        self.where = f"{self._host}:{parts.port or default_port}"
        self._secrets = tuple(secret for secret in secrets if secret)
        self.failure: Failure | None = None
        self._last_line = ""

    def redact(self, text: str) -> str:
        """A line of ffmpeg's fit to show: no stream key, no ingest URL path."""
        text = re.sub(r"(rtmp[st]*e?://[^/\s]+)/\S*", r"\1/…", text)
        for secret in self._secrets:
            text = text.replace(secret, "[stream key]")
        return text

    def feed(self, line: str) -> Failure | None:
        """Classify one stderr line; returns it as a Failure when it names a problem."""
        if line.strip():
            self._last_line = line.strip()
        found = self._classify(line.strip())
        if found is not None and (self.failure is None or found.kind > self.failure.kind):
            self.failure = found
        return found

    def explain(self, returncode: int) -> Failure:
        """Why ffmpeg exited with `returncode`: the most telling line, else its last one."""
        if self.failure is not None:
            return self.failure
        last = f": {self.redact(self._last_line)}" if self._last_line else ""
        return Failure(FailureKind.OTHER, f"ffmpeg stopped (exit code {returncode}){last}")

    def _classify(self, line: str) -> Failure | None:
        where = self.where
        if match := _SERVER_ERROR.search(line):
            text = self.redact(match.group("text").strip())
            return Failure(FailureKind.REFUSED, f"The ingest refused the stream: {text}")
        if _REFUSED.search(line):
            return Failure(
                FailureKind.UNREACHABLE,
                f"Can't reach the ingest at {where}: connection refused (is it running?)",
            )
        if match := _RESOLVE.search(line):
            return Failure(
                FailureKind.UNREACHABLE,
                f"Can't find the ingest host {match.group('host')}: check the URL or the network",
            )
        if _TIMED_OUT.search(line):
            return Failure(FailureKind.UNREACHABLE, f"The ingest at {where} did not answer in time")
        if _NO_ROUTE.search(line):
            return Failure(FailureKind.UNREACHABLE, f"No network route to the ingest at {where}")
        if _OUTPUT_IO.search(line):
            return Failure(
                FailureKind.DROPPED,
                f"The ingest at {where} closed the connection before the stream started "
                "(check the ingest URL)",
            )
        if _DROPPED.search(line):
            return Failure(FailureKind.DROPPED, f"The connection to the ingest at {where} dropped")
        if _TLS.search(line):
            return Failure(FailureKind.UNREACHABLE, f"Secure connection to {where} failed")
        if _SOURCE.search(line) and "rtmp" not in line.lower():
            return Failure(FailureKind.SOURCE, f"Can't open the video source: {self.redact(line)}")
        if _ENCODER.search(line):
            return Failure(FailureKind.ENCODER, f"The video encoder failed: {self.redact(line)}")
        return None


def unreachable(url: str, detail: str) -> str:
    """The reason to show when our own check of the ingest's port got no connection."""
    return f"Can't reach the ingest at {FailureReader(url).where}: {detail}"
