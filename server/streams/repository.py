"""All SQL of the streams domain."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.models import UserRow
from server.db.base import utcnow
from server.db.dialect import insert_for
from server.streams.models import (
    MuxEventRow,
    ReplayRow,
    SimulcastTargetRow,
    StreamRow,
    ViewerSampleRow,
)


class StreamsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def user(self, user_id: str) -> UserRow | None:
        return await self.session.get(UserRow, user_id)

    async def add_stream(self, stream: StreamRow) -> None:
        self.session.add(stream)
        await self.session.flush()

    async def stream(self, stream_id: str, *, for_update: bool = False) -> StreamRow | None:
        """A stream that is not deleted; `for_update` locks it (PostgreSQL) against a
        concurrent write of the same stream."""
        query = select(StreamRow).where(StreamRow.id == stream_id, StreamRow.deleted_at.is_(None))
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def stream_by_key(self, stream_key: str) -> StreamRow | None:
        query = select(StreamRow).where(
            StreamRow.stream_key == stream_key, StreamRow.deleted_at.is_(None)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def stream_by_provider_id(
        self, provider_stream_id: str, *, for_update: bool = False
    ) -> StreamRow | None:
        query = select(StreamRow).where(
            StreamRow.provider_stream_id == provider_stream_id, StreamRow.deleted_at.is_(None)
        )
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def streams_of(
        self, creator_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[StreamRow]:
        """Newest first; `before` is the (created_at, id) of the last stream already seen."""
        query = select(StreamRow).where(
            StreamRow.creator_id == creator_id, StreamRow.deleted_at.is_(None)
        )
        if before is not None:
            created_at, stream_id = before
            query = query.where(
                or_(
                    StreamRow.created_at < created_at,
                    and_(StreamRow.created_at == created_at, StreamRow.id < stream_id),
                )
            )
        query = query.order_by(StreamRow.created_at.desc(), StreamRow.id.desc()).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def display_names(self, user_ids: Sequence[str]) -> dict[str, str]:
        query = select(UserRow.id, UserRow.display_name).where(UserRow.id.in_(set(user_ids)))
        return {row.id: row.display_name for row in await self.session.execute(query)}

    async def flush(self) -> None:
        await self.session.flush()

    # Replays

    async def replays_of(self, stream_ids: Sequence[str]) -> dict[str, list[ReplayRow]]:
        found: dict[str, list[ReplayRow]] = {stream_id: [] for stream_id in stream_ids}
        query = (
            select(ReplayRow)
            .where(ReplayRow.stream_id.in_(set(stream_ids)))
            .order_by(ReplayRow.created_at, ReplayRow.id)
        )
        for replay in (await self.session.execute(query)).scalars():
            found[replay.stream_id].append(replay)
        return found

    async def replay_by_source(self, stream_id: str, source_id: str) -> ReplayRow | None:
        query = select(ReplayRow).where(
            ReplayRow.stream_id == stream_id, ReplayRow.source_id == source_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def add_replay(self, replay: ReplayRow) -> None:
        self.session.add(replay)
        await self.session.flush()

    async def delete_replays_from(self, source_id: str) -> int:
        result = await self.session.execute(
            delete(ReplayRow).where(ReplayRow.source_id == source_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # Simulcast targets

    async def simulcast_targets(self, stream_id: str) -> list[SimulcastTargetRow]:
        query = (
            select(SimulcastTargetRow)
            .where(SimulcastTargetRow.stream_id == stream_id)
            .order_by(SimulcastTargetRow.created_at, SimulcastTargetRow.id)
        )
        return list((await self.session.execute(query)).scalars())

    async def simulcast_target(self, stream_id: str, target_id: str) -> SimulcastTargetRow | None:
        query = select(SimulcastTargetRow).where(
            SimulcastTargetRow.stream_id == stream_id, SimulcastTargetRow.id == target_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def add_simulcast_target(self, target: SimulcastTargetRow) -> None:
        self.session.add(target)
        await self.session.flush()

    async def delete_simulcast_target(self, target: SimulcastTargetRow) -> None:
        await self.session.delete(target)
        await self.session.flush()

    # Viewer counts

    async def last_viewer_sample(self, stream_id: str) -> ViewerSampleRow | None:
        query = (
            select(ViewerSampleRow)
            .where(ViewerSampleRow.stream_id == stream_id)
            .order_by(ViewerSampleRow.recorded_at.desc(), ViewerSampleRow.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def add_viewer_sample(self, sample: ViewerSampleRow) -> None:
        self.session.add(sample)
        await self.session.flush()

    async def viewer_history(self, stream_id: str, limit: int) -> list[ViewerSampleRow]:
        """The latest `limit` points, oldest first."""
        query = (
            select(ViewerSampleRow)
            .where(ViewerSampleRow.stream_id == stream_id)
            .order_by(ViewerSampleRow.recorded_at.desc(), ViewerSampleRow.id.desc())
            .limit(limit)
        )
        return list(reversed(list((await self.session.execute(query)).scalars())))

    # Mux webhook events

    async def remember_mux_event(self, event_id: str, event_type: str) -> bool:
        """Store the event id; False when it was already stored (a redelivery).

        `INSERT .. ON CONFLICT DO NOTHING` keeps a concurrent duplicate from failing
        the transaction: the loser simply sees that nothing was inserted.
        """
        values = {"id": event_id, "type": event_type, "received_at": utcnow()}
        statement = insert_for(self.session, MuxEventRow).values(values).on_conflict_do_nothing()
        result = await self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0) == 1
