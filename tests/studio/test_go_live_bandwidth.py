"""The bandwidth test publishing to a real sandbox ingest, and the preset it proposes."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server.config import Settings
from server.contract.streams import ConnectionTest, OwnerStream
from server.streams.ingest_events import IngestEvent
from server.streams.sandbox_ingest import SandboxIngest
from studio.core.bandwidth import BandwidthTestFailed, measure_upstream, propose_preset
from studio.core.quality import PRESETS
from tests.support.live_server import LiveServer, free_port
from tests.support.streams import bearer, create_stream, register

KEY = "sk-bandwidth-0123456789abcdef"


async def _ignore(event: IngestEvent) -> None:
    return None


async def _unexpected(event: IngestEvent) -> None:
    raise AssertionError(f"a connection test made the ingest report {event.kind!r}")


async def _authorize(key: str) -> str | None:
    return "stream-1" if key == KEY else None


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[SandboxIngest]:
    ingest = SandboxIngest(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        authorize=_authorize,
        on_event=_unexpected,
    )
    await ingest.start()
    yield ingest
    await ingest.stop()


def test_the_proposal_is_the_highest_preset_within_seventy_percent() -> None:
    assert propose_preset(100_000) == PRESETS["1080p"]
    assert propose_preset(4000) == PRESETS["720p"]  # 2628 kbps <= 2800
    assert propose_preset(3700) == PRESETS["480p"]  # 2628 kbps > 2590
    assert propose_preset(1000) == PRESETS["360p"]
    assert propose_preset(500) is None


async def test_measures_the_local_ingest_and_proposes_a_preset(
    sandbox: SandboxIngest, tmp_path: Path
) -> None:
    result = await measure_upstream(f"rtmp://127.0.0.1:{sandbox.port}/test", KEY)
    assert result.upstream_kbps > 0
    assert result.proposal in PRESETS.values()
    assert not (tmp_path / "data" / "hls" / "stream-1").exists()  # nothing recorded


async def test_a_refused_key_fails_with_the_ingest_reason(sandbox: SandboxIngest) -> None:
    with pytest.raises(BandwidthTestFailed) as failed:
        await measure_upstream(f"rtmp://127.0.0.1:{sandbox.port}/test", "sk-wrong-key")
    assert "refused" in failed.value.reason
    assert "sk-wrong-key" not in failed.value.reason


async def test_an_unreachable_ingest_fails_with_a_reason() -> None:
    port = free_port()
    with pytest.raises(BandwidthTestFailed) as failed:
        await measure_upstream(f"rtmp://127.0.0.1:{port}/live", KEY)
    assert f"127.0.0.1:{port}" in failed.value.reason


async def test_the_bundled_servers_connection_test_never_makes_the_stream_live(
    live_server: LiveServer, settings: Settings
) -> None:
    """Through the real app: the server's connection test target takes the stream's key,
    and the stream stays idle, with no replay, no live playlist for fans, and no viewers."""
    with live_server.client() as client:
        token, _ = register(client)
        stream = OwnerStream.model_validate(create_stream(client, token))
        answer = client.post(f"/streams/{stream.id}/connection-test", headers=bearer(token))
        test = ConnectionTest.model_validate(answer.json())
        assert test.ingest_url != stream.ingest_url

        measured = await measure_upstream(test.ingest_url, test.stream_key)
        assert measured.proposal in PRESETS.values()
        done = client.delete(
            f"/streams/{stream.id}/connection-test/{test.id}", headers=bearer(token)
        )
        assert done.status_code == 204

        after = client.get(f"/streams/{stream.id}", headers=bearer(token)).json()
        assert (after["status"], after["replays"], after["viewer_count"]) == ("idle", [], 0)
        assert client.get(f"/streams/{stream.id}/viewers").json()["count"] == 0
    assert stream.playback_url is not None
    async with httpx.AsyncClient(timeout=10) as http:
        assert (await http.get(stream.playback_url)).status_code == 404
    assert not (settings.data_dir / "hls" / stream.id).exists()
