"""Streams on the wire: create, edit, read, simulcast targets and viewer counts.

A stream's owner gets `OwnerStream` (with the ingest URL and the secret stream
key); everyone else gets `Stream`, which has neither field at all, so a client
cannot show a key it was never meant to have.
"""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    StringConstraints,
    model_validator,
)

from server.contract.money import Amount, is_supported_currency

MAX_SIMULCAST_TARGETS = 6  # Mux's own limit per live stream


class Visibility(StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"
    TICKETED = "ticketed"


class LatencyMode(StrEnum):
    STANDARD = "standard"
    REDUCED = "reduced"
    LOW = "low"


class StreamStatus(StrEnum):
    IDLE = "idle"
    ACTIVE = "active"
    DISCONNECTED = "disconnected"
    COMPLETED = "completed"
    DISABLED = "disabled"


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
# The language spoken on the stream (ISO 639 with an optional region: "sw", "fr-CI"),
# wider than the UI languages: creators stream in Hausa, Wolof, Swahili, Amharic...
StreamLanguage = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
# Any offset is accepted; stored and answered in UTC.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(lambda value: value.astimezone(UTC))]


def _supported_currency(value: str) -> str:
    if not is_supported_currency(value):
        raise ValueError(f"{value} is not a currency we take payments in")
    return value


class _Strict(BaseModel):
    """Request bodies refuse unknown fields, so a typo is an error rather than ignored."""

    model_config = ConfigDict(extra="forbid")


class Price(_Strict):
    """A ticket price: an integer count of the currency's minor unit, never a float, in a
    currency the platform can take payments in."""

    amount: Amount
    currency: Annotated[CurrencyCode, AfterValidator(_supported_currency)]


def _price_matches_visibility(visibility: Visibility, price: Price | None) -> None:
    if visibility is Visibility.TICKETED and price is None:
        raise ValueError("price is required for a ticketed stream")
    if visibility is not Visibility.TICKETED and price is not None:
        raise ValueError("price is only for ticketed streams")


class StreamCreate(_Strict):
    title: Title
    description: Description = ""
    language: StreamLanguage | None = None  # None: the creator's account language
    visibility: Visibility = Visibility.PUBLIC
    price: Price | None = None
    latency_mode: LatencyMode = LatencyMode.STANDARD
    scheduled_at: UtcDatetime | None = None

    @model_validator(mode="after")
    def _price_iff_ticketed(self) -> "StreamCreate":
        _price_matches_visibility(self.visibility, self.price)
        return self


class StreamUpdate(_Strict):
    """Only the fields sent change; `scheduled_at: null` unschedules, `price: null` clears."""

    title: Title | None = None
    description: Description | None = None
    language: StreamLanguage | None = None
    visibility: Visibility | None = None
    price: Price | None = None
    latency_mode: LatencyMode | None = None
    scheduled_at: UtcDatetime | None = None

    @model_validator(mode="after")
    def _no_null_for_required_fields(self) -> "StreamUpdate":
        for name in ("title", "description", "language", "visibility", "latency_mode"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}

    @staticmethod
    def check_price(visibility: Visibility, price: Price | None) -> None:
        """The same rule as on create, applied to the stream as it will be after the edit."""
        _price_matches_visibility(visibility, price)


class StreamCreator(BaseModel):
    id: str
    display_name: str


class Replay(BaseModel):
    id: str
    playback_url: str
    duration: float | None  # seconds; None until the provider has measured it
    created_at: datetime


class Stream(BaseModel):
    """What anyone may read about a stream. `playback_url` is None for members-only and
    ticketed streams when the reader is not the owner."""

    id: str
    title: str
    description: str
    language: str
    status: StreamStatus
    visibility: Visibility
    price: Price | None
    latency_mode: LatencyMode
    scheduled_at: datetime | None
    playback_url: str | None
    reconnect_window: int
    replays: list[Replay]
    viewer_count: int
    mode: Literal["live", "sandbox"]
    creator: StreamCreator
    created_at: datetime


class OwnerStream(Stream):
    """The owner's view: where to push and with which key."""

    ingest_url: str
    stream_key: str


class ConnectionTest(BaseModel):
    """Where the studio's connection (bandwidth) test publishes: never the stream itself,
    so its status, replays and fans never see the test. On Mux a throwaway test-mode live
    stream (delete it after the test; Mux deletes it by `expires_at` anyway); on the
    sandbox the bundled ingest's `test` application with the stream's own key
    (`expires_at` None, deleting it is a no-op). Owner only: `stream_key` is a secret."""

    id: str
    ingest_url: str
    stream_key: str
    expires_at: datetime | None


class StreamList(BaseModel):
    items: list[OwnerStream | Stream]
    next_cursor: str | None


def _rtmp_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("rtmp", "rtmps") or not parts.hostname:
        raise ValueError("url must be an rtmp:// or rtmps:// address, e.g. rtmps://host/app")
    return value


RtmpUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=1024), AfterValidator(_rtmp_url)
]


class SimulcastTargetCreate(_Strict):
    """A third-party RTMP destination (YouTube, Facebook, Twitch) Mux re-streams to."""

    url: RtmpUrl
    stream_key: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)
    ]
    label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None = None


class SimulcastTarget(BaseModel):
    """The destination's key is write-only: it was typed by the owner and is never echoed."""

    id: str
    label: str | None
    url: str
    status: str
    created_at: datetime


class SimulcastTargetList(BaseModel):
    items: list[SimulcastTarget]


class ViewerPoint(BaseModel):
    at: datetime
    count: int


class ViewerStats(BaseModel):
    stream_id: str
    count: int
    peak: int
    history: list[ViewerPoint]  # oldest first


class WebhookReceipt(BaseModel):
    received: bool = True
    duplicate: bool = False
