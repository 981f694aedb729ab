"""The step-down rule on progress sequences shaped like ffmpeg's (one report every 0.5 s)."""

from studio.core import sources
from studio.core.adaptive_quality import (
    AdaptiveQuality,
    Sample,
    lighter_preset,
    should_step_down,
)
from studio.core.encoder import Encoder
from studio.core.ffmpeg_output import EncoderStats
from studio.core.quality import PRESETS, Preset

PERIOD_S = 0.5


def recorded(*stretches: tuple[float, float | None, float], start_s: float = 0.0) -> list[Sample]:
    """Stretches of (seconds, speed, dropped frames per second), reported every 0.5 s."""
    samples: list[Sample] = []
    at, dropped = start_s, 0.0
    for seconds, speed, drops_per_s in stretches:
        for _ in range(round(seconds / PERIOD_S)):
            at += PERIOD_S
            dropped += drops_per_s * PERIOD_S
            samples.append(Sample(at, speed, int(dropped)))
    return samples


def test_a_healthy_stream_stays() -> None:
    assert not should_step_down(recorded((30, 1.0, 0)))
    assert not should_step_down(recorded((30, 0.99, 0)))


def test_ten_seconds_slower_than_real_time_steps_down() -> None:
    assert should_step_down(recorded((5, 1.0, 0), (10.5, 0.9, 0)))


def test_a_short_slow_patch_does_not() -> None:
    assert not should_step_down(recorded((10, 1.0, 0), (8, 0.8, 0)))
    assert not should_step_down(recorded((10, 0.9, 0), (0.5, 1.0, 0), (9.5, 0.9, 0)))


def test_too_little_evidence_right_after_start() -> None:
    assert not should_step_down(recorded((8, 0.5, 10)))
    assert not should_step_down([])
    assert not should_step_down(recorded((12, None, 0)))  # ffmpeg had no speed yet


def test_dropped_frames_that_keep_growing_step_down() -> None:
    assert should_step_down(recorded((5, 1.0, 0), (10.5, 1.0, 3)))


def test_one_burst_of_drops_does_not() -> None:
    # a one-second hiccup early in the window, then clean: the second half shows no growth
    assert not should_step_down(recorded((2, 1.0, 0), (1, 1.0, 20), (10, 1.0, 0)))


def test_a_reconnect_restarts_the_evidence() -> None:
    before = recorded((12, 0.8, 2))
    after = recorded((4, 0.8, 2), start_s=before[-1].at_s)  # ffmpeg's counters began again
    assert should_step_down(before)
    assert not should_step_down(before + after)


def test_lighter_presets_step_down_to_the_lightest_then_stop() -> None:
    assert lighter_preset(PRESETS["1080p"]) == PRESETS["720p"]
    assert lighter_preset(PRESETS["480p"]) == PRESETS["360p"]
    assert lighter_preset(PRESETS["360p"]) is None
    custom = Preset("custom", 1280, 720, 30, 1800, 96)
    assert lighter_preset(custom) == PRESETS["480p"]


def test_the_watcher_steps_the_encoder_down_once_per_struggle() -> None:
    encoder = Encoder(
        ingest_url="rtmp://127.0.0.1/live",
        stream_key="k",
        source=sources.TestPattern(),
        preset=PRESETS["720p"],
        ffmpeg="ffmpeg",
    )
    now = [0.0]
    watcher = AdaptiveQuality(encoder, clock=lambda: now[0])
    told: list[Preset] = []
    watcher.stepped_down.connect(told.append)
    for sample in recorded((25, 0.8, 0)):
        now[0] = sample.at_s
        encoder.stats_updated.emit(EncoderStats(speed=sample.speed))
    # 10 s of evidence, a step; 10 s more at the lighter preset, another step
    assert told == [PRESETS["480p"], PRESETS["360p"]]
    assert encoder.preset == PRESETS["360p"]
    watcher.close()
    encoder.stats_updated.emit(EncoderStats(speed=0.5))
    assert len(told) == 2
