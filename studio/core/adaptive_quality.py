"""Optional automatic step down to a lighter preset when the stream can't keep up.

On a weak uplink or a busy laptop a stream that stays too heavy stutters for
every viewer; one step lighter usually plays smoothly. The rule is deliberately
slow to act (about ten seconds of evidence) so a single hiccup never lowers
the picture, and it only ever steps down: stepping back up on a link that
just struggled would make the stream seesaw.

`should_step_down` is the whole rule, a pure function of recorded progress,
so it is tested on recorded sequences; `AdaptiveQuality` only feeds it.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from studio.core.encoder import Encoder
from studio.core.events import Event
from studio.core.ffmpeg_output import EncoderStats
from studio.core.quality import PRESETS, Preset

WINDOW_S = 10.0
SLOW_SPEED = 0.95
"""Below this ffmpeg encodes slower than real time: frames pile up, then drop."""


@dataclass(frozen=True)
class Sample:
    at_s: float
    """Seconds on a monotonic clock."""
    speed: float | None
    dropped_frames: int


def should_step_down(samples: Sequence[Sample], *, window_s: float = WINDOW_S) -> bool:
    """True when the last `window_s` seconds show a struggle throughout: every report
    slower than real time, or dropped frames that kept growing (in both halves of the
    window, so one burst on a hiccup does not count). Samples are oldest first."""
    if not samples:
        return False
    # ffmpeg restarted (a reconnect): its counters began again; judge the new run only.
    start = max(
        (
            i
            for i in range(1, len(samples))
            if samples[i].dropped_frames < samples[i - 1].dropped_frames
        ),
        default=0,
    )
    run = samples[start:]
    now = run[-1].at_s
    if now - run[0].at_s < window_s:
        return False  # not enough evidence yet
    window = [sample for sample in run if sample.at_s >= now - window_s]
    slow = all(sample.speed is not None and sample.speed < SLOW_SPEED for sample in window)
    middle = now - window_s / 2
    first = [s.dropped_frames for s in window if s.at_s <= middle]
    second = [s.dropped_frames for s in window if s.at_s >= middle]
    dropping = first[-1] > first[0] and second[-1] > second[0]
    return slow or dropping


def lighter_preset(current: Preset) -> Preset | None:
    """The heaviest preset lighter than `current` (a custom quality too); None at the lightest."""
    lighter = [p for p in PRESETS.values() if p.video_kbps < current.video_kbps]
    return max(lighter, key=lambda preset: preset.video_kbps, default=None)


class AdaptiveQuality:
    """Watches one encoder's progress; steps its preset down when `should_step_down` says so.
    `stepped_down` carries the new preset, for the screen to tell the creator."""

    def __init__(self, encoder: Encoder, clock: Callable[[], float] = time.monotonic) -> None:
        self.encoder = encoder
        self.stepped_down = Event[Preset]()
        self._clock = clock
        self._samples: list[Sample] = []
        self._disconnect = encoder.stats_updated.connect(self._on_stats)

    def close(self) -> None:
        self._disconnect()

    def _on_stats(self, stats: EncoderStats) -> None:
        self._samples.append(Sample(self._clock(), stats.speed, stats.dropped_frames))
        horizon = self._samples[-1].at_s - 2 * WINDOW_S
        self._samples = [sample for sample in self._samples if sample.at_s >= horizon]
        if not should_step_down(self._samples):
            return
        lighter = lighter_preset(self.encoder.preset)
        self._samples = []  # the lighter stream earns its own ten seconds of evidence
        if lighter is not None:
            self.encoder.change_preset(lighter)
            self.stepped_down.emit(lighter)
