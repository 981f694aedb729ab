"""Viewer counts: the number we know now, and a short history of it.

Mux's SDK has no cheap real-time count, so the chat (which sees every viewer
join and leave) reports it through `record_viewer_count`. History keeps at most
one point per `SAMPLE_EVERY` per stream: a busy chat updates the latest point
rather than adding rows.
"""

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from server.contract.streams import ViewerPoint, ViewerStats
from server.db.base import utcnow
from server.errors import NotFound
from server.streams.models import ViewerSampleRow
from server.streams.repository import StreamsRepository

SAMPLE_EVERY = timedelta(seconds=30)
HISTORY_POINTS = 480  # four hours at one point per 30 s


async def record_viewer_count(
    session: AsyncSession, stream_id: str, count: int, *, now: datetime | None = None
) -> bool:
    """Note `count` viewers on the stream; False for an unknown stream. The caller commits."""
    if count < 0:
        raise ValueError("a viewer count cannot be negative")
    now = now or utcnow()
    repo = StreamsRepository(session)
    stream = await repo.stream(stream_id)
    if stream is None:
        return False
    stream.viewer_count = count
    stream.peak_viewer_count = max(stream.peak_viewer_count, count)
    last = await repo.last_viewer_sample(stream_id)
    if last is not None and now - last.recorded_at < SAMPLE_EVERY:
        last.count = count
        await repo.flush()
    else:
        await repo.add_viewer_sample(
            ViewerSampleRow(stream_id=stream_id, count=count, recorded_at=now)
        )
    return True


async def viewer_stats(repo: StreamsRepository, stream_id: str) -> ViewerStats:
    stream = await repo.stream(stream_id)
    if stream is None:
        raise NotFound("there is no such stream", code="stream_not_found")
    history = await repo.viewer_history(stream_id, HISTORY_POINTS)
    return ViewerStats(
        stream_id=stream.id,
        count=stream.viewer_count,
        peak=stream.peak_viewer_count,
        history=[ViewerPoint(at=sample.recorded_at, count=sample.count) for sample in history],
    )
