"""All SQL of the chat domain, and its one read of the streams domain's table."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.models import UserRow
from server.chat.models import (
    ChatMessageRow,
    ChatModeratorRow,
    ChatRoomRow,
    ChatSanctionRow,
)
from server.db.base import utcnow
from server.db.dialect import insert_for
from server.streams.models import StreamRow


@dataclass(frozen=True)
class StreamInfo:
    id: str
    creator_id: str
    status: str
    visibility: str


@dataclass(frozen=True)
class SendContext:
    """Everything a send is judged by, read in one statement."""

    stream: StreamInfo
    room: ChatRoomRow | None
    sanction: ChatSanctionRow | None
    is_moderator: bool


class ChatRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- streams (read only) -------------------------------------------------------

    async def stream(self, stream_id: str) -> StreamInfo | None:
        query = select(
            StreamRow.id, StreamRow.creator_id, StreamRow.status, StreamRow.visibility
        ).where(StreamRow.id == stream_id, StreamRow.deleted_at.is_(None))
        row = (await self.session.execute(query)).first()
        if row is None:
            return None
        return StreamInfo(
            id=row.id, creator_id=row.creator_id, status=row.status, visibility=row.visibility
        )

    async def send_context(self, stream_id: str, user_id: str) -> SendContext | None:
        """The stream, its room rules, the sender's sanction and moderator flag at once:
        one round trip, since every await on a busy fan-out loop costs a full turn."""
        moderator = (
            exists()
            .where(ChatModeratorRow.stream_id == StreamRow.id, ChatModeratorRow.user_id == user_id)
            .correlate(StreamRow)
        )
        query = (
            select(
                StreamRow.id,
                StreamRow.creator_id,
                StreamRow.status,
                StreamRow.visibility,
                ChatRoomRow,
                ChatSanctionRow,
                moderator.label("is_moderator"),
            )
            .outerjoin(ChatRoomRow, ChatRoomRow.stream_id == StreamRow.id)
            .outerjoin(
                ChatSanctionRow,
                and_(ChatSanctionRow.stream_id == StreamRow.id, ChatSanctionRow.user_id == user_id),
            )
            .where(StreamRow.id == stream_id, StreamRow.deleted_at.is_(None))
        )
        row = (await self.session.execute(query)).first()
        if row is None:
            return None
        stream = StreamInfo(
            id=row.id, creator_id=row.creator_id, status=row.status, visibility=row.visibility
        )
        return SendContext(stream, row.ChatRoomRow, row.ChatSanctionRow, bool(row.is_moderator))

    # -- rooms ---------------------------------------------------------------------

    async def room(self, stream_id: str) -> ChatRoomRow | None:
        return await self.session.get(ChatRoomRow, stream_id)

    async def ensure_room(self, stream_id: str) -> ChatRoomRow:
        """The room row, created with default rules on first use."""
        insert = self._insert(ChatRoomRow).values(
            stream_id=stream_id,
            last_seq=0,
            slow_mode_s=0,
            audience="everyone",
            blocked_words=[],
            updated_at=utcnow(),
        )
        await self.session.execute(insert.on_conflict_do_nothing(index_elements=["stream_id"]))
        room = await self.session.get(ChatRoomRow, stream_id, populate_existing=True)
        assert room is not None
        return room

    async def next_seq(self, stream_id: str) -> int:
        """Take the stream's next message number; the row stays locked until commit."""
        insert = self._insert(ChatRoomRow).values(
            stream_id=stream_id,
            last_seq=1,
            slow_mode_s=0,
            audience="everyone",
            blocked_words=[],
            updated_at=utcnow(),
        )
        upsert = insert.on_conflict_do_update(
            index_elements=["stream_id"], set_={"last_seq": ChatRoomRow.last_seq + 1}
        ).returning(ChatRoomRow.last_seq)
        return int((await self.session.execute(upsert)).scalar_one())

    async def update_room(self, stream_id: str, **values: Any) -> None:
        await self.ensure_room(stream_id)
        await self.session.execute(
            update(ChatRoomRow)
            .where(ChatRoomRow.stream_id == stream_id)
            .values(**values, updated_at=utcnow())
        )

    # -- messages ------------------------------------------------------------------

    async def add_message(self, message: ChatMessageRow) -> ChatMessageRow:
        self.session.add(message)
        await self.session.flush()
        return message

    async def message(self, stream_id: str, seq: int) -> ChatMessageRow | None:
        return await self.session.get(ChatMessageRow, (stream_id, seq))

    async def message_by_client_id(
        self, stream_id: str, author_id: str, client_id: str
    ) -> ChatMessageRow | None:
        query = select(ChatMessageRow).where(
            ChatMessageRow.stream_id == stream_id,
            ChatMessageRow.author_id == author_id,
            ChatMessageRow.client_id == client_id,
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def message_by_payment(self, payment_id: str) -> ChatMessageRow | None:
        query = select(ChatMessageRow).where(ChatMessageRow.payment_id == payment_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def messages_after(
        self, stream_id: str, seq: int, limit: int
    ) -> Sequence[ChatMessageRow]:
        query = (
            select(ChatMessageRow)
            .where(
                ChatMessageRow.stream_id == stream_id,
                ChatMessageRow.seq > seq,
                ChatMessageRow.deleted_at.is_(None),
            )
            .order_by(ChatMessageRow.seq)
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()

    async def latest_messages(self, stream_id: str, limit: int) -> list[ChatMessageRow]:
        query = (
            select(ChatMessageRow)
            .where(ChatMessageRow.stream_id == stream_id, ChatMessageRow.deleted_at.is_(None))
            .order_by(ChatMessageRow.seq.desc())
            .limit(limit)
        )
        return list(reversed((await self.session.execute(query)).scalars().all()))

    async def last_sent_at(self, stream_id: str, author_id: str) -> datetime | None:
        query = (
            select(ChatMessageRow.sent_at)
            .where(
                ChatMessageRow.stream_id == stream_id,
                ChatMessageRow.author_id == author_id,
                ChatMessageRow.kind == "chat",
            )
            .order_by(ChatMessageRow.seq.desc())
            .limit(1)
        )
        sent_at: datetime | None = (await self.session.execute(query)).scalar_one_or_none()
        return sent_at

    async def mark_deleted(self, stream_id: str, seq: int, by: str, now: datetime) -> bool:
        result = await self.session.execute(
            update(ChatMessageRow)
            .where(
                ChatMessageRow.stream_id == stream_id,
                ChatMessageRow.seq == seq,
                ChatMessageRow.deleted_at.is_(None),
            )
            .values(deleted_at=now, deleted_by=by)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    # -- moderators and sanctions --------------------------------------------------

    async def is_moderator(self, stream_id: str, user_id: str) -> bool:
        query = select(
            exists().where(
                ChatModeratorRow.stream_id == stream_id, ChatModeratorRow.user_id == user_id
            )
        )
        return bool((await self.session.execute(query)).scalar())

    async def moderators(self, stream_id: str) -> Sequence[tuple[ChatModeratorRow, str]]:
        query = (
            select(ChatModeratorRow, UserRow.display_name)
            .join(UserRow, UserRow.id == ChatModeratorRow.user_id)
            .where(ChatModeratorRow.stream_id == stream_id)
            .order_by(ChatModeratorRow.added_at)
        )
        return [(row, name) for row, name in (await self.session.execute(query)).all()]

    async def user(self, user_id: str) -> UserRow | None:
        return await self.session.get(UserRow, user_id)

    async def add_moderator(self, stream_id: str, user_id: str, by: str) -> None:
        insert = self._insert(ChatModeratorRow).values(
            stream_id=stream_id, user_id=user_id, added_by=by, added_at=utcnow()
        )
        await self.session.execute(
            insert.on_conflict_do_nothing(index_elements=["stream_id", "user_id"])
        )

    async def remove_moderator(self, stream_id: str, user_id: str) -> bool:
        result = await self.session.execute(
            delete(ChatModeratorRow).where(
                ChatModeratorRow.stream_id == stream_id, ChatModeratorRow.user_id == user_id
            )
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def sanction(self, stream_id: str, user_id: str) -> ChatSanctionRow | None:
        return await self.session.get(ChatSanctionRow, (stream_id, user_id))

    async def set_sanction(
        self, stream_id: str, user_id: str, kind: str, until: datetime | None, by: str
    ) -> None:
        values = {"kind": kind, "until": until, "by_user_id": by}
        insert = self._insert(ChatSanctionRow).values(
            stream_id=stream_id, user_id=user_id, created_at=utcnow(), **values
        )
        await self.session.execute(
            insert.on_conflict_do_update(index_elements=["stream_id", "user_id"], set_=values)
        )

    async def clear_sanction(self, stream_id: str, user_id: str) -> None:
        await self.session.execute(
            delete(ChatSanctionRow).where(
                ChatSanctionRow.stream_id == stream_id, ChatSanctionRow.user_id == user_id
            )
        )

    def _insert(self, table: type[Any]) -> Any:
        """`INSERT ... ON CONFLICT` is spelled the same on both databases, but each
        dialect has its own construct for it."""
        return insert_for(self.session, table)
