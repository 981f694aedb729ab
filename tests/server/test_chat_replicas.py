"""Two server replicas sharing one database and one Redis: chat reaches fans on both."""

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
import redis.asyncio as aioredis

from server.app import create_app
from server.config import Settings
from tests.support.chat import connect, create_stream, guest, register
from tests.support.live_server import LiveServer, serve

REDIS_URL = os.environ.get("FLASH_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="set FLASH_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run"
)


@pytest.fixture
def replicas(settings: Settings) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two apps, as two deployments would run them, on a channel of their own."""
    shared = settings.model_copy(
        update={
            "redis_url": REDIS_URL,
            "redis_channel": f"flash-test-{uuid.uuid4().hex[:8]}",
            "chat_viewers_interval_s": 0.1,
        }
    )
    with serve(create_app(shared)) as first, serve(create_app(shared)) as second:
        yield first, second


async def _subscribed(channel: str, replicas: int) -> None:
    """Both replicas listen on the channel before anyone speaks."""
    client = aioredis.Redis.from_url(REDIS_URL or "")
    try:
        async with asyncio.timeout(10):
            while True:
                counts = dict(await client.pubsub_numsub(channel))
                if counts.get(channel.encode(), 0) >= replicas:
                    return
                await asyncio.sleep(0.05)
    finally:
        await client.aclose()


async def test_a_message_sent_on_one_replica_reaches_fans_on_the_other(
    replicas: tuple[LiveServer, LiveServer],
) -> None:
    first, second = replicas
    await _subscribed(first.app.state.settings.redis_channel, 2)
    creator = await register(first, role="creator", name="Awa")
    stream_id = await create_stream(first, creator["token"])
    host = await connect(first, creator["token"])
    there = await connect(second, await guest(second, "Far away"))
    here = await connect(first, await guest(first, "Nearby"))
    try:
        for client in (host, there, here):
            await client.join(stream_id)
        host_acks = [await host.send(stream_id, f"host {n}", f"h{n}") for n in range(10)]
        fan_acks = await asyncio.gather(
            *(there.send(stream_id, f"fan {n}", f"f{n}") for n in range(5))
        )
        for client in (host, there, here):
            await client.wait_for("message", lambda m: m["text"] == "host 9")
            await client.wait_for("message", lambda m: m["text"] == "fan 4")
        sent = host_acks[0]["id"]
        delete = {"stream_id": stream_id, "action": "delete", "message_id": sent}
        await host.call("moderate", delete)
        await there.wait_for("deleted", lambda d: d["id"] == sent)
        history = (await here.join(stream_id))["history"]
    finally:
        for client in (host, there, here):
            await client.close()
    ids = [ack["id"] for ack in host_acks + fan_acks]
    assert len(set(ids)) == 15
    for client in (there, here):
        texts = client.texts()
        assert [t for t in texts if t.startswith("host")] == [f"host {n}" for n in range(10)]
        assert [t for t in texts if t.startswith("fan")] == [f"fan {n}" for n in range(5)]
    assert len(history) == 14 and [m["id"] for m in history] == sorted(ids)[1:]


async def test_viewer_counts_add_up_across_replicas(
    replicas: tuple[LiveServer, LiveServer],
) -> None:
    first, second = replicas
    await _subscribed(first.app.state.settings.redis_channel, 2)
    creator = await register(first, role="creator", name="Awa")
    stream_id = await create_stream(first, creator["token"])
    studio = await connect(second, creator["token"])
    fans = [await connect(first, await guest(first)), await connect(second, await guest(second))]
    try:
        for fan in fans:
            await fan.join(stream_id)
        await studio.wait_for("viewers", lambda v: v == {"stream_id": stream_id, "count": 2})
        await fans[0].wait_for("viewers", lambda v: v["count"] == 2)
        await fans[1].close()
        await studio.wait_for("viewers", lambda v: v["count"] == 1)
    finally:
        await studio.close()
        await fans[0].close()
    assert studio.events["viewers"].count({"stream_id": stream_id, "count": 2}) == 1
