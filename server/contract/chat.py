"""Chat over Socket.IO at `/socket.io`: the events, their payloads and their acks.

Connect with `auth: {"token": <access or guest token>}`; a missing, bad or expired
token is refused at connect (`connect_error` data `{"message", "data": {"code"}}`).
The token is checked again on every event: once it expires the server emits
`disconnect_reason {code: "token_expired", message}` and closes the connection; a
client keeps its connection by sending `reauth {token}` with a fresh token first.

Client events, each answered through the Socket.IO ack:

- `join {stream_id, since?}` → `JoinAck`. `since` is the last id the client saw
  (exclusive); `history` holds every later message, oldest first, at most 500
  (`has_more` says to join again with the last id for the rest); without `since`, the
  last 50. Catch-up comes in the ack only, never also as events.
- `leave {stream_id}` → `{ok: true}`.
- `send {stream_id, text, client_id}` → `SendAck` or `ErrorAck`. Sending the same
  `client_id` again (a retry after a reconnect) answers the first message's id and
  shows nothing twice.
- `moderate {stream_id, action, ...}` → `{ok: true, ...}` or `ErrorAck`; creator and
  moderators only. Actions: `delete {message_id}`, `pin {message_id}`, `unpin`,
  `timeout {user_id, duration_s}`, `ban {user_id}`, `unban {user_id}`,
  `slow_mode {seconds}`, `members_only {enabled}`, `blocked_words {words}`.
- `reauth {token}` → `{ok: true}`: the same user's fresh token replaces the old one.

Server events: `message` (`ChatMessage`), `deleted {id, stream_id}`,
`viewers {stream_id, count}`, `tip` (`TipEvent`), `stream_status {stream_id, status}`,
`subscriber` (`SubscriberEvent`, to the creator's clients only),
`pinned {stream_id, message|null}`, `chat_settings` (`RoomSettings`), `moderation`
(`ModerationNotice`, to the user it concerns), `disconnect_reason {code, message}`.
The creator's clients also receive `tip`, `viewers` and `stream_status` of their own
streams without joining (a per-user room).

REST, under `/api/v1` (creator; settings also moderators):
`GET, PUT /streams/{id}/chat-settings` (`ChatSettings`),
`GET, POST /streams/{id}/moderators` (`ModeratorRequest` → `Moderator`),
`DELETE /streams/{id}/moderators/{user_id}`.

Message ids are a zero-padded per-stream sequence: they sort in send order within a
stream, across server replicas too. Limits: 500 characters; fans and guests 5 messages
per second each (burst 10), creator and moderators unlimited; a connection sending too
many events of any kind is disconnected (`disconnect_reason {code: "flood"}`).
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

MAX_MESSAGE_CHARS = 500
HISTORY_DEFAULT = 50
HISTORY_MAX = 500
MESSAGES_PER_SECOND = 5.0
MESSAGE_BURST = 10
MAX_SLOW_MODE_S = 3600
MAX_TIMEOUT_S = 7 * 24 * 3600
MAX_BLOCKED_WORDS = 200
MAX_BLOCKED_WORD_CHARS = 50


class ChatErrorCode(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    RATE_LIMITED = "rate_limited"
    SLOW_MODE = "slow_mode"
    NOT_JOINED = "not_joined"
    UNKNOWN_STREAM = "unknown_stream"
    MEMBERS_ONLY = "members_only"
    BANNED = "banned"
    BLOCKED_WORD = "blocked_word"
    INVALID_INPUT = "invalid_input"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    UNKNOWN_EVENT = "unknown_event"
    INTERNAL_ERROR = "internal_error"


class ChatRole(StrEnum):
    CREATOR = "creator"
    MODERATOR = "moderator"
    FAN = "fan"
    GUEST = "guest"


class Audience(StrEnum):
    """Who may write. Reading is open to every viewer the stream admits."""

    EVERYONE = "everyone"
    MEMBERS = "members"  # signed-in accounts; guests may read but not write


StreamId = Annotated[StrictStr, Field(min_length=1, max_length=64)]
MessageId = Annotated[StrictStr, Field(min_length=1, max_length=20, pattern=r"^[0-9]+$")]
UserId = Annotated[StrictStr, Field(min_length=1, max_length=64)]


class _Event(BaseModel):
    """Client payloads refuse unknown fields and coercion: `text: 5` is an error."""

    model_config = ConfigDict(extra="forbid", strict=True)


class JoinRequest(_Event):
    stream_id: StreamId
    since: MessageId | None = None


class LeaveRequest(_Event):
    stream_id: StreamId


class SendRequest(_Event):
    stream_id: StreamId
    text: StrictStr
    client_id: Annotated[StrictStr, Field(min_length=1, max_length=64)]


class ReauthRequest(_Event):
    token: Annotated[StrictStr, Field(min_length=1, max_length=4096)]


class DeleteAction(_Event):
    stream_id: StreamId
    action: Literal["delete"]
    message_id: MessageId


class PinAction(_Event):
    stream_id: StreamId
    action: Literal["pin"]
    message_id: MessageId


class UnpinAction(_Event):
    stream_id: StreamId
    action: Literal["unpin"]


class TimeoutAction(_Event):
    stream_id: StreamId
    action: Literal["timeout"]
    user_id: UserId
    duration_s: Annotated[StrictInt, Field(ge=1, le=MAX_TIMEOUT_S)]


class BanAction(_Event):
    stream_id: StreamId
    action: Literal["ban", "unban"]
    user_id: UserId


class SlowModeAction(_Event):
    stream_id: StreamId
    action: Literal["slow_mode"]
    seconds: Annotated[StrictInt, Field(ge=0, le=MAX_SLOW_MODE_S)]


class MembersOnlyAction(_Event):
    stream_id: StreamId
    action: Literal["members_only"]
    enabled: StrictBool


BlockedWord = Annotated[StrictStr, Field(min_length=1, max_length=MAX_BLOCKED_WORD_CHARS)]
BlockedWords = Annotated[list[BlockedWord], Field(max_length=MAX_BLOCKED_WORDS)]


class BlockedWordsAction(_Event):
    stream_id: StreamId
    action: Literal["blocked_words"]
    words: BlockedWords


ModerateRequest = Annotated[
    DeleteAction
    | PinAction
    | UnpinAction
    | TimeoutAction
    | BanAction
    | SlowModeAction
    | MembersOnlyAction
    | BlockedWordsAction,
    Field(discriminator="action"),
]


class ChatAuthor(BaseModel):
    id: str
    name: str
    role: ChatRole


class ChatMessage(BaseModel):
    """One line of chat; a tip's highlight is `kind: "tip"` with its amount, a new
    subscriber's ("<name> subscribed") `kind: "member"`."""

    id: str
    stream_id: str
    author: ChatAuthor
    text: str
    sent_at: datetime
    client_id: str | None = None
    kind: Literal["chat", "tip", "member"] = "chat"
    amount: int | None = None
    currency: str | None = None


class RoomSettings(BaseModel):
    """What every viewer may know of the room's rules (the blocked words stay private)."""

    stream_id: str
    slow_mode_s: int = 0
    audience: Audience = Audience.EVERYONE


class ChatErrorBody(BaseModel):
    code: str
    message: str
    retry_after: float | None = None


class ErrorAck(BaseModel):
    ok: Literal[False] = False
    error: ChatErrorBody


class JoinAck(BaseModel):
    ok: Literal[True] = True
    history: list[ChatMessage]
    has_more: bool = False
    settings: RoomSettings
    pinned: ChatMessage | None = None
    viewers: int
    role: ChatRole


class SendAck(BaseModel):
    ok: Literal[True] = True
    id: str


class OkAck(BaseModel):
    ok: Literal[True] = True


class BlockedWordsAck(OkAck):
    words: list[str]


class Deleted(BaseModel):
    id: str
    stream_id: str


class Pinned(BaseModel):
    stream_id: str
    message: ChatMessage | None


class Viewers(BaseModel):
    stream_id: str
    count: int


class StreamStatus(BaseModel):
    stream_id: str
    status: str


class TipEvent(BaseModel):
    """A tip for the creator; `stream_id` and `message_id` are null for a tip not
    made during a stream (it reaches only the creator's own clients)."""

    stream_id: str | None
    message_id: str | None
    payment_id: str
    amount: int
    currency: str
    payer_name: str
    message: str
    sent_at: datetime


class SubscriberEvent(BaseModel):
    """A month of membership just paid, for the creator's own clients; `stream_id` and
    `message_id` name the chat highlight when the fan subscribed during a stream."""

    stream_id: str | None
    message_id: str | None
    payment_id: str
    subscriber_id: str
    subscriber_name: str
    paid_until: datetime
    sent_at: datetime


class ModerationNotice(BaseModel):
    """Tells a user they were timed out, banned or let back in."""

    stream_id: str
    action: Literal["timeout", "ban", "unban"]
    until: datetime | None = None


class DisconnectReason(BaseModel):
    code: str
    message: str


class ChatSettings(BaseModel):
    """`GET, PUT /streams/{id}/chat-settings`: the room's rules, blocked words included."""

    model_config = ConfigDict(extra="forbid")

    slow_mode_s: Annotated[int, Field(ge=0, le=MAX_SLOW_MODE_S)] = 0
    audience: Audience = Audience.EVERYONE
    blocked_words: BlockedWords = Field(default_factory=list)


class ModeratorRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Annotated[str, Field(min_length=1, max_length=64)]


class Moderator(BaseModel):
    user_id: str
    display_name: str
    added_at: datetime


class TipAnnouncement(BaseModel):
    """What the payments domain hands `announce_tip` once a tip has succeeded."""

    payment_id: Annotated[str, Field(min_length=1, max_length=64)]
    creator_id: Annotated[str, Field(max_length=64)] | None = None
    amount: Annotated[int, Field(gt=0)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    payer_name: Annotated[str, Field(max_length=60)] = ""
    payer_id: Annotated[str, Field(max_length=64)] | None = None
    message: str | None = None
