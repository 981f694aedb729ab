"""Chat tables: rooms (rules and the id counter), messages, moderators, sanctions.

No foreign key points at `streams`: chat reads that table but its migration branches
from 0001 beside the streams one, so it must not depend on their order.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.db.base import Base, UTCDateTime, utcnow


class ChatRoomRow(Base):
    """One per stream that has chat. `last_seq` hands out message ids: bumping it locks
    the row until commit, so ids follow commit order even with several replicas."""

    __tablename__ = "chat_rooms"

    stream_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    slow_mode_s: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[str] = mapped_column(String(16), default="everyone")
    blocked_words: Mapped[list[Any]] = mapped_column(JSON, default=list)
    pinned_seq: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChatMessageRow(Base):
    __tablename__ = "chat_messages"
    __table_args__ = (
        PrimaryKeyConstraint("stream_id", "seq"),
        # A client's retry, or a payment announced twice, finds the first message.
        UniqueConstraint("stream_id", "author_id", "client_id", name="uq_chat_messages_client"),
        UniqueConstraint("payment_id", name="uq_chat_messages_payment"),
        Index("ix_chat_messages_author", "stream_id", "author_id", "seq"),
    )

    stream_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[str] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(String(60))
    author_role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8), default="chat")
    text: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str | None] = mapped_column(String(64))
    payment_id: Mapped[str | None] = mapped_column(String(64))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by: Mapped[str | None] = mapped_column(String(64))


class ChatModeratorRow(Base):
    __tablename__ = "chat_moderators"
    __table_args__ = (PrimaryKeyConstraint("stream_id", "user_id"),)

    stream_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChatSanctionRow(Base):
    """A user's ban (no `until`) or time-out in one stream's chat; at most one each."""

    __tablename__ = "chat_sanctions"
    __table_args__ = (PrimaryKeyConstraint("stream_id", "user_id"),)

    stream_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    by_user_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
