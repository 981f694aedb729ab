"""The bandwidth test publishing to a real sandbox ingest, and the preset it proposes."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.streams.ingest_events import IngestEvent
from server.streams.sandbox_ingest import SandboxIngest
from studio.core.bandwidth import BandwidthTestFailed, measure_upstream, propose_preset
from studio.core.quality import PRESETS
from tests.support.live_server import free_port

KEY = "sk-bandwidth-0123456789abcdef"


async def _ignore(event: IngestEvent) -> None:
    return None


async def _authorize(key: str) -> str | None:
    return "stream-1" if key == KEY else None


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[SandboxIngest]:
    ingest = SandboxIngest(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        authorize=_authorize,
        on_event=_ignore,
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


async def test_measures_the_local_ingest_and_proposes_a_preset(sandbox: SandboxIngest) -> None:
    result = await measure_upstream(f"rtmp://127.0.0.1:{sandbox.port}/live", KEY)
    assert result.upstream_kbps > 0
    assert result.proposal in PRESETS.values()


async def test_a_refused_key_fails_with_the_ingest_reason(sandbox: SandboxIngest) -> None:
    with pytest.raises(BandwidthTestFailed) as failed:
        await measure_upstream(f"rtmp://127.0.0.1:{sandbox.port}/live", "sk-wrong-key")
    assert "refused" in failed.value.reason
    assert "sk-wrong-key" not in failed.value.reason


async def test_an_unreachable_ingest_fails_with_a_reason() -> None:
    port = free_port()
    with pytest.raises(BandwidthTestFailed) as failed:
        await measure_upstream(f"rtmp://127.0.0.1:{port}/live", KEY)
    assert f"127.0.0.1:{port}" in failed.value.reason
