"""Live viewer counts: who watches each stream now, pushed as `viewers` and recorded.

A viewer is a connection that joined the stream's room (the creator's own not
counted). The streams domain keeps the count and its history (`stream_viewer_samples`,
`GET /streams/{id}/viewers`); this module feeds it through `record_viewer_count`.

Each replica counts its own connections; with Redis the replicas publish their counts
to one hash per stream (`{channel}:chat:viewers:{stream}`, one field per replica,
stamped so a dead replica's count fades out) and the total is their sum. Any replica
may notice a change: an atomic `SET ... GET` of the last pushed total lets exactly one
of them emit and record it, and `SET NX PX` lets one of them refresh the record while
the count holds still.
"""

import asyncio
import time
import uuid
from typing import TYPE_CHECKING, Any, Protocol

from server.config import Settings
from server.contract.chat import Viewers
from server.logs import get_logger
from server.streams.viewers import record_viewer_count

if TYPE_CHECKING:
    from server.chat.hub import ChatHub

log = get_logger("flash.chat.viewers")


class Presence(Protocol):
    async def publish(self, counts: dict[str, int]) -> None: ...
    async def total(self, stream_id: str, local: int) -> int: ...
    async def claim_push(self, stream_id: str, total: int) -> bool: ...
    async def claim_sample(self, stream_id: str) -> bool: ...
    async def close(self) -> None: ...


class LocalPresence:
    """One process: the total is this replica's own count."""

    def __init__(self, sample_every_s: float) -> None:
        self.sample_every_s = sample_every_s
        self._pushed: dict[str, int] = {}
        self._sampled: dict[str, float] = {}

    async def publish(self, counts: dict[str, int]) -> None:
        return None

    async def total(self, stream_id: str, local: int) -> int:
        return local

    async def claim_push(self, stream_id: str, total: int) -> bool:
        previous = self._pushed.get(stream_id)
        self._pushed[stream_id] = total
        return previous != total

    async def claim_sample(self, stream_id: str) -> bool:
        now = time.monotonic()
        if now - self._sampled.get(stream_id, -1e18) < self.sample_every_s:
            return False
        self._sampled[stream_id] = now
        return True

    async def close(self) -> None:
        return None


class RedisPresence:
    """Several replicas: counts meet in Redis under the chat channel's prefix."""

    def __init__(self, url: str, channel: str, interval_s: float, sample_every_s: float) -> None:
        import redis.asyncio as aioredis  # only here: a single server never loads it

        self.redis: Any = aioredis.Redis.from_url(url, decode_responses=True)
        self.prefix = f"{channel}:chat"
        self.replica = uuid.uuid4().hex
        self.stale_ms = int(max(10.0, interval_s * 5) * 1000)
        self.sample_ms = max(1, int(sample_every_s * 1000))

    def _key(self, kind: str, stream_id: str) -> str:
        return f"{self.prefix}:{kind}:{stream_id}"

    async def publish(self, counts: dict[str, int]) -> None:
        if not counts:
            return
        now_ms = int(time.time() * 1000)
        pipe = self.redis.pipeline(transaction=False)
        for stream_id, count in counts.items():
            key = self._key("viewers", stream_id)
            if count > 0:
                pipe.hset(key, self.replica, f"{count}:{now_ms}")
                pipe.pexpire(key, self.stale_ms * 6)
            else:
                pipe.hdel(key, self.replica)
        await pipe.execute()

    async def total(self, stream_id: str, local: int) -> int:
        fields: dict[str, str] = await self.redis.hgetall(self._key("viewers", stream_id))
        fresh_after = int(time.time() * 1000) - self.stale_ms
        others = 0
        for replica, value in fields.items():
            count, _, stamp = value.partition(":")
            if replica != self.replica and int(stamp or 0) >= fresh_after:
                others += int(count)
        return others + local

    async def claim_push(self, stream_id: str, total: int) -> bool:
        previous = await self.redis.set(
            self._key("pushed", stream_id), str(total), get=True, px=self.stale_ms * 6
        )
        return bool(previous != str(total))

    async def claim_sample(self, stream_id: str) -> bool:
        key = self._key("sampled", stream_id)
        return bool(await self.redis.set(key, "1", nx=True, px=self.sample_ms))

    async def close(self) -> None:
        await self.redis.aclose()


def make_presence(settings: Settings) -> Presence:
    if settings.redis_url:
        return RedisPresence(
            settings.redis_url,
            settings.redis_channel,
            settings.chat_viewers_interval_s,
            settings.chat_viewer_sample_s,
        )
    return LocalPresence(settings.chat_viewer_sample_s)


async def run_ticker(hub: "ChatHub") -> None:
    """Every few seconds: publish this replica's counts, push changed totals, sample."""
    watched: set[str] = set()
    while True:
        await asyncio.sleep(hub.settings.chat_viewers_interval_s)
        try:
            watched = await _tick(hub, watched)
            hub.sender_limits.forget_idle()
        except Exception as exc:
            log.error("viewer_tick_failed", error=type(exc).__name__, exc_info=exc)


async def _tick(hub: "ChatHub", previously: set[str]) -> set[str]:
    counts = {stream_id: hub.local_viewers(stream_id) for stream_id in list(hub.members)}
    # A stream that just lost its last local viewer is published once more, as 0.
    counts.update({stream_id: 0 for stream_id in previously - counts.keys()})
    await hub.presence.publish(counts)
    for stream_id, local in counts.items():
        total = await hub.presence.total(stream_id, local)
        pushed = await hub.presence.claim_push(stream_id, total)
        # Recorded before the event, so a client that hears it and then polls reads the same.
        if await hub.presence.claim_sample(stream_id) or pushed:
            await _record(hub, stream_id, total)
        if pushed:
            await hub.emit_to_stream(
                "viewers", Viewers(stream_id=stream_id, count=total), stream_id, creator_too=True
            )
    return {stream_id for stream_id, local in counts.items() if local > 0}


async def _record(hub: "ChatHub", stream_id: str, count: int) -> None:
    async with hub.database.session() as session:
        await record_viewer_count(session, stream_id, count)


async def live_count(hub: "ChatHub", stream_id: str) -> int:
    """The live count right now, across replicas; the streams record lags it by a tick."""
    return await hub.presence.total(stream_id, hub.local_viewers(stream_id))
