"""Stream tables: streams, their replays, simulcast targets, viewer samples, Mux events.

A stream keeps its stream key in clear: the owner reads it back on every visit
and the sandbox ingest looks streams up by it, exactly as Mux itself keeps it.
It is a secret all the same, never logged, and answered to its owner only.
"""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.db.base import Base, UTCDateTime, new_id, utcnow


class StreamRow(Base):
    __tablename__ = "streams"
    __table_args__ = (
        CheckConstraint(
            "(visibility = 'ticketed' AND price_amount IS NOT NULL AND price_amount > 0"
            " AND price_currency IS NOT NULL)"
            " OR (visibility <> 'ticketed' AND price_amount IS NULL AND price_currency IS NULL)",
            name="price_iff_ticketed",
        ),
        Index("ix_streams_creator_created", "creator_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    creator_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(2000), default="")
    language: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(16))
    price_amount: Mapped[int | None] = mapped_column(BigInteger)
    price_currency: Mapped[str | None] = mapped_column(String(3))
    latency_mode: Mapped[str] = mapped_column(String(16))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    # When the status last changed, by the clock of whoever reported it: an older
    # provider event that arrives late must not undo a newer one.
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    provider: Mapped[str] = mapped_column(String(16))  # "mux" or "sandbox"
    provider_stream_id: Mapped[str] = mapped_column(String(255), unique=True)
    stream_key: Mapped[str] = mapped_column(String(255), unique=True)
    playback_id: Mapped[str | None] = mapped_column(String(255))
    reconnect_window: Mapped[int] = mapped_column(Integer)
    viewer_count: Mapped[int] = mapped_column(Integer, default=0)
    peak_viewer_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Soft delete: payments and earnings keep pointing at the stream they were for.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReplayRow(Base):
    """A recording of one broadcast; `source_id` is the Mux asset id or the sandbox replay id."""

    __tablename__ = "stream_replays"
    __table_args__ = (UniqueConstraint("stream_id", "source_id", name="uq_stream_replays_source"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    stream_id: Mapped[str] = mapped_column(ForeignKey("streams.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[str] = mapped_column(String(255))
    playback_url: Mapped[str] = mapped_column(String(1024))
    duration: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SimulcastTargetRow(Base):
    __tablename__ = "stream_simulcast_targets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    stream_id: Mapped[str] = mapped_column(ForeignKey("streams.id", ondelete="CASCADE"), index=True)
    provider_target_id: Mapped[str] = mapped_column(String(255))
    label: Mapped[str | None] = mapped_column(String(60))
    url: Mapped[str] = mapped_column(String(1024))
    stream_key: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ViewerSampleRow(Base):
    """At most one point per sampling window per stream, so the table stays small."""

    __tablename__ = "stream_viewer_samples"
    __table_args__ = (Index("ix_stream_viewer_samples_stream_at", "stream_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    stream_id: Mapped[str] = mapped_column(ForeignKey("streams.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MuxEventRow(Base):
    """Each Mux webhook event id, stored once: a redelivery finds it and changes nothing."""

    __tablename__ = "mux_webhook_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
