"""What the creator streams, as ffmpeg input arguments for this OS.

A screen or camera without a microphone still sends a (silent) audio track:
players and ingests, Mux included, handle a stream with audio far better than
one that lacks it.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

from studio.core.quality import AUDIO_SAMPLE_RATE, Preset


@dataclass(frozen=True)
class TestPattern:
    """Colour bars and a 440 Hz tone: a rehearsal with no camera at all."""


@dataclass(frozen=True)
class Screen:
    """The desktop. `display`: X11 display (":0.0"), macOS screen index; None for the main one."""

    display: str | None = None
    microphone: str | None = None


@dataclass(frozen=True)
class Camera:
    """A webcam (v4l2 path, DirectShow or AVFoundation name) and a microphone."""

    camera: str
    microphone: str | None = None


@dataclass(frozen=True)
class VideoFile:
    """A file played in a loop at its own pace, as if it were live."""

    path: Path


Source = TestPattern | Screen | Camera | VideoFile


@dataclass(frozen=True)
class SourceInputs:
    """ffmpeg arguments for the inputs, how to pick their tracks, and the video filter."""

    args: list[str]
    video_map: str
    audio_map: str
    video_filter: str | None


def _fit(preset: Preset) -> str:
    """Scale into the preset's frame, keep the shape (black bars), fix the frame rate."""
    w, h = preset.width, preset.height
    return (
        f"scale={w}:{h}:force_original_aspect_ratio=decrease,"
        f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,fps={preset.fps},format=yuv420p"
    )


def _silence() -> list[str]:
    layout = f"anullsrc=channel_layout=stereo:sample_rate={AUDIO_SAMPLE_RATE}"
    return ["-f", "lavfi", "-i", layout]


def _microphone(name: str | None, platform: str) -> list[str]:
    if name is None:
        return _silence()
    if platform == "win32":
        return ["-f", "dshow", "-i", f"audio={name}"]
    if platform == "darwin":
        return ["-f", "avfoundation", "-i", f"none:{name}"]
    return ["-f", "pulse", "-i", name]


def source_inputs(source: Source, preset: Preset, platform: str = sys.platform) -> SourceInputs:
    """The inputs for `source` at `preset` on `platform` (sys.platform's spelling)."""
    rate = str(preset.fps)
    if isinstance(source, TestPattern):
        size = f"{preset.width}x{preset.height}"
        args = [
            "-re", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}",
            "-re", "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={AUDIO_SAMPLE_RATE}",
        ]  # fmt: skip
        return SourceInputs(args, "0:v", "1:a", None)
    if isinstance(source, VideoFile):
        args = ["-re", "-stream_loop", "-1", "-i", str(source.path)]
        return SourceInputs(args, "0:v:0", "0:a:0?", _fit(preset))  # a silent film stays silent
    if isinstance(source, Screen):
        video = _screen(source.display, rate, platform)
    else:
        video = _camera(source.camera, rate, platform)
    return SourceInputs([*video, *_microphone(source.microphone, platform)], "0:v", "1:a",
                        _fit(preset))  # fmt: skip


def _screen(display: str | None, rate: str, platform: str) -> list[str]:
    if platform == "win32":
        return ["-f", "gdigrab", "-framerate", rate, "-draw_mouse", "1", "-i", "desktop"]
    if platform == "darwin":
        index = display or "Capture screen 0"
        return ["-f", "avfoundation", "-framerate", rate, "-capture_cursor", "1",
                "-i", f"{index}:none"]  # fmt: skip
    return ["-f", "x11grab", "-framerate", rate, "-draw_mouse", "1", "-i", display or ":0.0"]


def _camera(name: str, rate: str, platform: str) -> list[str]:
    if platform == "win32":
        return ["-f", "dshow", "-framerate", rate, "-rtbufsize", "64M", "-i", f"video={name}"]
    if platform == "darwin":
        return ["-f", "avfoundation", "-framerate", rate, "-i", f"{name}:none"]
    return ["-f", "v4l2", "-framerate", rate, "-i", name]
