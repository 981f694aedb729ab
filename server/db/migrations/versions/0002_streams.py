"""streams: streams, replays, simulcast targets, viewer samples, Mux webhook events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:34:42.324799

Plain CREATE TABLE / CREATE INDEX only, so it runs the same on SQLite and
PostgreSQL. Other domains branch from 0001 too; `upgrade heads` applies all.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db.base import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "streams",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("creator_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("price_amount", sa.BigInteger(), nullable=True),
        sa.Column("price_currency", sa.String(length=3), nullable=True),
        sa.Column("latency_mode", sa.String(length=16), nullable=False),
        sa.Column("scheduled_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("provider_stream_id", sa.String(length=255), nullable=False),
        sa.Column("stream_key", sa.String(length=255), nullable=False),
        sa.Column("playback_id", sa.String(length=255), nullable=True),
        sa.Column("reconnect_window", sa.Integer(), nullable=False),
        sa.Column("viewer_count", sa.Integer(), nullable=False),
        sa.Column("peak_viewer_count", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(visibility = 'ticketed' AND price_amount IS NOT NULL AND price_amount > 0"
            " AND price_currency IS NOT NULL)"
            " OR (visibility <> 'ticketed' AND price_amount IS NULL AND price_currency IS NULL)",
            name=op.f("ck_streams_price_iff_ticketed"),
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["users.id"],
            name=op.f("fk_streams_creator_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streams")),
        sa.UniqueConstraint("provider_stream_id", name=op.f("uq_streams_provider_stream_id")),
        sa.UniqueConstraint("stream_key", name=op.f("uq_streams_stream_key")),
    )
    op.create_index("ix_streams_creator_created", "streams", ["creator_id", "created_at"])

    op.create_table(
        "stream_replays",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("stream_id", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("playback_url", sa.String(length=1024), nullable=False),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["stream_id"],
            ["streams.id"],
            name=op.f("fk_stream_replays_stream_id_streams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stream_replays")),
        sa.UniqueConstraint("stream_id", "source_id", name="uq_stream_replays_source"),
    )
    op.create_index(op.f("ix_stream_replays_stream_id"), "stream_replays", ["stream_id"])

    op.create_table(
        "stream_simulcast_targets",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("stream_id", sa.String(length=32), nullable=False),
        sa.Column("provider_target_id", sa.String(length=255), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=True),
        sa.Column("url", sa.String(length=1024), nullable=False),
        sa.Column("stream_key", sa.String(length=512), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["stream_id"],
            ["streams.id"],
            name=op.f("fk_stream_simulcast_targets_stream_id_streams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stream_simulcast_targets")),
    )
    op.create_index(
        op.f("ix_stream_simulcast_targets_stream_id"), "stream_simulcast_targets", ["stream_id"]
    )

    op.create_table(
        "stream_viewer_samples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("stream_id", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["stream_id"],
            ["streams.id"],
            name=op.f("fk_stream_viewer_samples_stream_id_streams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stream_viewer_samples")),
    )
    op.create_index(
        "ix_stream_viewer_samples_stream_at", "stream_viewer_samples", ["stream_id", "recorded_at"]
    )

    op.create_table(
        "mux_webhook_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mux_webhook_events")),
    )


def downgrade() -> None:
    op.drop_table("mux_webhook_events")
    op.drop_index("ix_stream_viewer_samples_stream_at", table_name="stream_viewer_samples")
    op.drop_table("stream_viewer_samples")
    op.drop_index(
        op.f("ix_stream_simulcast_targets_stream_id"), table_name="stream_simulcast_targets"
    )
    op.drop_table("stream_simulcast_targets")
    op.drop_index(op.f("ix_stream_replays_stream_id"), table_name="stream_replays")
    op.drop_table("stream_replays")
    op.drop_index("ix_streams_creator_created", table_name="streams")
    op.drop_table("streams")
