"""Who may write in a room, and what the creator and their moderators do about it."""

import math
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from server.auth.tokens import Principal
from server.chat.hub import ChatHub, Connection, stream_room, user_room
from server.chat.ratelimit import SenderLimits
from server.chat.repository import ChatRepository, SendContext, StreamInfo
from server.chat.rooms import chat_role, message_id, room_settings, stream_or_error, to_message
from server.contract.chat import (
    Audience,
    BanAction,
    BlockedWordsAck,
    BlockedWordsAction,
    ChatErrorCode,
    ChatRole,
    DeleteAction,
    Deleted,
    MembersOnlyAction,
    ModerateRequest,
    ModerationNotice,
    OkAck,
    PinAction,
    Pinned,
    SlowModeAction,
    TimeoutAction,
    UnpinAction,
)
from server.db.base import utcnow
from server.errors import FlashError, Forbidden, InvalidInput, NotFound

PRIVILEGED = frozenset({ChatRole.CREATOR, ChatRole.MODERATOR})

AudienceGate = Callable[[ChatRepository, StreamInfo, Principal], Awaitable[bool]]


async def _anyone(_repo: ChatRepository, _stream: StreamInfo, _principal: Principal) -> bool:
    return True


async def _accounts(_repo: ChatRepository, _stream: StreamInfo, principal: Principal) -> bool:
    return principal.kind == "access"


# Extension point: a ticket-holders-only room adds an `Audience` value in the contract
# and a gate here that asks the payments domain whether this principal paid for this
# stream's ticket; gates get the repository and the stream for exactly that.
AUDIENCE_GATES: dict[Audience, AudienceGate] = {
    Audience.EVERYONE: _anyone,
    Audience.MEMBERS: _accounts,
}


async def check_may_send(
    repo: ChatRepository,
    limits: SenderLimits,
    context: SendContext,
    principal: Principal,
    role: ChatRole,
    text: str,
) -> None:
    """Refuse a message by the room's rules; the creator and moderators are exempt."""
    if role in PRIVILEGED:
        return
    now = utcnow()
    stream, room, sanction = context.stream, context.room, context.sanction
    if sanction is not None and sanction.kind == "ban":
        raise Forbidden("you are banned from this chat", code=ChatErrorCode.BANNED)
    if sanction is not None and sanction.until is not None and sanction.until > now:
        wait = (sanction.until - now).total_seconds()
        raise Forbidden(
            f"you are timed out for {math.ceil(wait)} more seconds",
            code=ChatErrorCode.BANNED,
            details={"retry_after": _whole_ms(wait)},
        )
    audience = Audience(room.audience) if room is not None else Audience.EVERYONE
    if not await AUDIENCE_GATES[audience](repo, stream, principal):
        raise Forbidden(
            "only signed-in members can write here right now", code=ChatErrorCode.MEMBERS_ONLY
        )
    wait = limits.take(principal.id)
    if wait > 0:
        raise FlashError(
            "slow down: you are sending messages too fast",
            code=ChatErrorCode.RATE_LIMITED,
            details={"retry_after": _whole_ms(wait)},
        )
    if room is not None and room.slow_mode_s > 0:
        last = await repo.last_sent_at(stream.id, principal.id)
        wait = room.slow_mode_s - (now - last).total_seconds() if last is not None else 0.0
        if wait > 0:
            raise Forbidden(
                f"slow mode: one message every {room.slow_mode_s} seconds",
                code=ChatErrorCode.SLOW_MODE,
                details={"retry_after": _whole_ms(wait)},
            )
    if room is not None and blocked_word_in(text, room.blocked_words):
        raise InvalidInput(
            "this message contains a word the creator blocked", code=ChatErrorCode.BLOCKED_WORD
        )


def normalize_words(words: Sequence[str]) -> list[str]:
    """Case-folded, trimmed, without duplicates, in the order given."""
    seen: dict[str, None] = {}
    for word in words:
        folded = " ".join(word.casefold().split())
        if folded:
            seen.setdefault(folded, None)
    return list(seen)


def blocked_word_in(text: str, words: Sequence[Any]) -> bool:
    pattern = _blocked_pattern(tuple(str(word) for word in words))
    return pattern is not None and pattern.search(text.casefold()) is not None


@lru_cache(maxsize=256)
def _blocked_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole words or phrases only, so blocking "ass" leaves "class" alone."""
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, word.split())) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@dataclass
class Outcome:
    """What an action answers, and what it tells the rooms once committed."""

    ack: OkAck = field(default_factory=OkAck)
    emits: list[tuple[str, BaseModel, tuple[str, ...]]] = field(default_factory=list)


async def moderate(hub: ChatHub, connection: Connection, action: ModerateRequest) -> OkAck:
    async with hub.database.session() as session:
        repo = ChatRepository(session)
        stream = await stream_or_error(repo, action.stream_id)
        role = await chat_role(repo, stream, connection.principal)
        if role not in PRIVILEGED:
            raise Forbidden(
                "only the creator and their moderators can moderate this chat",
                code=ChatErrorCode.FORBIDDEN,
            )
        outcome = await _apply(repo, stream, connection.principal, role, action)
    hub.creators[stream.id] = stream.creator_id
    for event, payload, rooms in outcome.emits:
        await hub.emit(event, payload, *rooms)
    return outcome.ack


async def _apply(
    repo: ChatRepository,
    stream: StreamInfo,
    actor: Principal,
    role: ChatRole,
    action: ModerateRequest,
) -> Outcome:
    room = (stream_room(stream.id),)
    outcome = Outcome()
    match action:
        case DeleteAction(message_id=wanted):
            seq = int(wanted)
            if not await repo.mark_deleted(stream.id, seq, actor.id, utcnow()):
                raise NotFound("there is no such message", code=ChatErrorCode.NOT_FOUND)
            deleted = Deleted(id=message_id(seq), stream_id=stream.id)
            outcome.emits.append(("deleted", deleted, room))
            current = await repo.room(stream.id)
            if current is not None and current.pinned_seq == seq:
                await repo.update_room(stream.id, pinned_seq=None)
                outcome.emits.append(("pinned", Pinned(stream_id=stream.id, message=None), room))
        case PinAction(message_id=wanted):
            row = await repo.message(stream.id, int(wanted))
            if row is None or row.deleted_at is not None:
                raise NotFound("there is no such message", code=ChatErrorCode.NOT_FOUND)
            await repo.update_room(stream.id, pinned_seq=row.seq)
            pinned = Pinned(stream_id=stream.id, message=to_message(row))
            outcome.emits.append(("pinned", pinned, room))
        case UnpinAction():
            await repo.update_room(stream.id, pinned_seq=None)
            outcome.emits.append(("pinned", Pinned(stream_id=stream.id, message=None), room))
        case TimeoutAction(user_id=user_id, duration_s=duration_s):
            await _may_sanction(repo, stream, role, user_id)
            until = utcnow() + timedelta(seconds=duration_s)
            await repo.set_sanction(stream.id, user_id, "timeout", until, actor.id)
            notice = ModerationNotice(stream_id=stream.id, action="timeout", until=until)
            outcome.emits.append(("moderation", notice, (user_room(user_id),)))
        case BanAction(action="ban", user_id=user_id):
            await _may_sanction(repo, stream, role, user_id)
            await repo.set_sanction(stream.id, user_id, "ban", None, actor.id)
            notice = ModerationNotice(stream_id=stream.id, action="ban")
            outcome.emits.append(("moderation", notice, (user_room(user_id),)))
        case BanAction(user_id=user_id):
            await repo.clear_sanction(stream.id, user_id)
            notice = ModerationNotice(stream_id=stream.id, action="unban")
            outcome.emits.append(("moderation", notice, (user_room(user_id),)))
        case SlowModeAction(seconds=seconds):
            await repo.update_room(stream.id, slow_mode_s=seconds)
            outcome.emits.append(("chat_settings", await _settings(repo, stream.id), room))
        case MembersOnlyAction(enabled=enabled):
            audience = Audience.MEMBERS if enabled else Audience.EVERYONE
            await repo.update_room(stream.id, audience=audience.value)
            outcome.emits.append(("chat_settings", await _settings(repo, stream.id), room))
        case BlockedWordsAction(words=words):
            normalized = normalize_words(words)
            await repo.update_room(stream.id, blocked_words=normalized)
            outcome.ack = BlockedWordsAck(words=normalized)
    return outcome


async def _settings(repo: ChatRepository, stream_id: str) -> BaseModel:
    return room_settings(stream_id, await repo.ensure_room(stream_id))


async def _may_sanction(
    repo: ChatRepository, stream: StreamInfo, role: ChatRole, user_id: str
) -> None:
    if user_id == stream.creator_id:
        raise Forbidden("the creator cannot be timed out or banned", code=ChatErrorCode.FORBIDDEN)
    if role is not ChatRole.CREATOR and await repo.is_moderator(stream.id, user_id):
        raise Forbidden(
            "only the creator can time out or ban a moderator", code=ChatErrorCode.FORBIDDEN
        )


def _whole_ms(wait: float) -> float:
    """Round a wait *up* to the millisecond: a tiny wait must never read as 0 (= go now)."""
    return math.ceil(wait * 1000) / 1000

