"""chat: rooms, messages, moderators, sanctions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 17:10:00.000000

Branches from 0001 beside the streams migration (0002): no foreign key to `streams`,
so the two apply in either order under `upgrade heads`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db.base import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_rooms",
        sa.Column("stream_id", sa.String(length=64), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("slow_mode_s", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("blocked_words", sa.JSON(), nullable=False),
        sa.Column("pinned_seq", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("stream_id", name=op.f("pk_chat_rooms")),
    )
    op.create_table(
        "chat_messages",
        sa.Column("stream_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=False),
        sa.Column("author_name", sa.String(length=60), nullable=False),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("payment_id", sa.String(length=64), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("stream_id", "seq", name=op.f("pk_chat_messages")),
        sa.UniqueConstraint(
            "stream_id", "author_id", "client_id", name=op.f("uq_chat_messages_client")
        ),
        sa.UniqueConstraint("payment_id", name=op.f("uq_chat_messages_payment")),
    )
    op.create_index(
        "ix_chat_messages_author", "chat_messages", ["stream_id", "author_id", "seq"]
    )
    op.create_table(
        "chat_moderators",
        sa.Column("stream_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_chat_moderators_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("stream_id", "user_id", name=op.f("pk_chat_moderators")),
    )
    op.create_table(
        "chat_sanctions",
        sa.Column("stream_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("by_user_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("stream_id", "user_id", name=op.f("pk_chat_sanctions")),
    )


def downgrade() -> None:
    op.drop_table("chat_sanctions")
    op.drop_table("chat_moderators")
    op.drop_index("ix_chat_messages_author", table_name="chat_messages")
    op.drop_table("chat_messages")
    op.drop_table("chat_rooms")
