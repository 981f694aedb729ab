"""Quality presets and the H.264 encoder that carries them, hardware when it really works.

Bitrates are sized for weak, metered links (a 3G/4G uplink in Lagos or Kinshasa
holds 1 Mbit/s far more often than 4): capped bitrate (maxrate = bitrate, a
two-second buffer, but no filler padding, which would spend metered data on a
still picture) so the stream never bursts past the link, and a keyframe
every two seconds so the ingest can cut HLS segments and viewers join fast.
"""

import asyncio
import contextlib
import re
import sys
from dataclasses import dataclass

SOFTWARE_CODEC = "libx264"
HARDWARE_CODECS = ("h264_nvenc", "h264_qsv", "h264_amf", "h264_videotoolbox")
KEYFRAME_INTERVAL_S = 2
SEND_BUFFER_S = 2
AUDIO_SAMPLE_RATE = 48000
_PROBE_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Preset:
    name: str
    width: int
    height: int
    fps: int
    video_kbps: int
    audio_kbps: int


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset("360p", 640, 360, 30, 600, 64),
        Preset("480p", 854, 480, 30, 1000, 96),
        Preset("720p", 1280, 720, 30, 2500, 128),
        Preset("1080p", 1920, 1080, 30, 4500, 128),
    )
}
DEFAULT_PRESET = "480p"


def video_args(codec: str, preset: Preset) -> list[str]:
    """Encoder options for low latency at a steady bitrate, per encoder family."""
    rate = f"{preset.video_kbps}k"
    gop = str(preset.fps * KEYFRAME_INTERVAL_S)
    steady = ["-b:v", rate, "-maxrate", rate, "-bufsize", f"{preset.video_kbps * 2}k"]
    tuning: dict[str, list[str]] = {
        SOFTWARE_CODEC: ["-preset", "veryfast", "-tune", "zerolatency", "-keyint_min", gop,
                         "-sc_threshold", "0"],
        "h264_nvenc": ["-preset", "p4", "-tune", "ll", "-rc", "cbr", "-bf", "0"],
        "h264_qsv": ["-preset", "veryfast", "-look_ahead", "0"],
        "h264_amf": ["-usage", "lowlatency", "-rc", "cbr"],
        "h264_videotoolbox": ["-realtime", "1", "-allow_sw", "0"],
    }  # fmt: skip
    return ["-c:v", codec, *tuning.get(codec, []), *steady, "-g", gop, "-pix_fmt", "yuv420p"]


def audio_args(preset: Preset) -> list[str]:
    return ["-c:a", "aac", "-b:a", f"{preset.audio_kbps}k", "-ar", str(AUDIO_SAMPLE_RATE),
            "-ac", "2"]  # fmt: skip


def network_args(preset: Preset) -> list[str]:
    """A TCP send buffer of about two seconds of stream instead of the OS's auto-tuned
    megabytes (half a minute at 1 Mbit/s): a dead link then shows within seconds as
    progress that no longer moves, and the encoder reconnects instead of waiting."""
    bytes_per_s = (preset.video_kbps + preset.audio_kbps) * 1000 // 8
    return ["-send_buffer_size", str(bytes_per_s * SEND_BUFFER_S)]


async def _run(ffmpeg: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        ffmpeg,
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with asyncio.timeout(_PROBE_TIMEOUT_S):
            output, _ = await process.communicate()
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return -1, ""
    return process.returncode or 0, output.decode("utf-8", "replace")


def parse_encoders(listing: str) -> set[str]:
    """Names from `ffmpeg -encoders`: lines like ` V....D libx264  libx264 H.264 ...`."""
    return set(re.findall(r"^\s*[VAS][.A-Z]{5}\s+(\S+)", listing, re.MULTILINE))


async def listed_hardware_codecs(ffmpeg: str) -> list[str]:
    """The H.264 hardware encoders this ffmpeg was built with (not yet proven to work)."""
    _, listing = await _run(ffmpeg, "-hide_banner", "-encoders")
    found = parse_encoders(listing)
    return [codec for codec in _platform_order() if codec in found]


def _platform_order() -> tuple[str, ...]:
    """Only the encoders a machine of this OS can have, best first."""
    if sys.platform == "darwin":
        return ("h264_videotoolbox",)
    if sys.platform == "win32":
        return ("h264_nvenc", "h264_qsv", "h264_amf")
    return ("h264_nvenc", "h264_qsv")


async def encodes(ffmpeg: str, codec: str) -> bool:
    """A one-second test encode: a codec listed by ffmpeg may still lack its GPU or driver."""
    preset = PRESETS["360p"]
    code, _ = await _run(
        ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error",
        "-f", "lavfi", "-i", f"testsrc2=size={preset.width}x{preset.height}:rate={preset.fps}",
        "-frames:v", str(preset.fps), *video_args(codec, preset), "-f", "null", "-",
    )  # fmt: skip
    return code == 0


async def choose_video_codec(ffmpeg: str, *, allow_hardware: bool = True) -> str:
    """The first hardware encoder whose test encode succeeds, else libx264."""
    if allow_hardware:
        for codec in await listed_hardware_codecs(ffmpeg):
            if await encodes(ffmpeg, codec):
                return codec
    return SOFTWARE_CODEC
