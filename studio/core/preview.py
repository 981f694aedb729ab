"""`SourcePreview`: one still of the chosen source about every second, for the Go Live screen.

A second ffmpeg writes a small JPEG (320x180) once a second over the same
file; the screen reads it back. At one frame a second and that size it costs a
few percent of one core, where a live video preview would cost as much as the
encoder. Cameras and microphones can be opened by one program at a time on
most systems, and a laptop's CPU belongs to the broadcast: the screen stops
the preview while live, and says so.
"""

import asyncio
import contextlib
import dataclasses
from pathlib import Path

from studio.core.encoder import ffmpeg_executable
from studio.core.quality import Preset
from studio.core.sources import Camera, Screen, Source, source_inputs

PREVIEW = Preset("preview", 320, 180, 1, 0, 0)
CAMERA_PREVIEW = dataclasses.replace(PREVIEW, fps=15)
"""Cameras often refuse to deliver 1 frame a second: take 15 and keep one."""
_STOP_WAIT_S = 3.0


def preview_command(ffmpeg: str, source: Source, still: Path) -> list[str]:
    """Video only (a microphone stays free): the source fitted into 320x180, 1 frame/s."""
    if isinstance(source, Screen | Camera):
        source = dataclasses.replace(source, microphone=None)
    preset = CAMERA_PREVIEW if isinstance(source, Camera) else PREVIEW
    inputs = source_inputs(source, preset)
    fit = inputs.video_filter or "format=yuv420p"
    return [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", *inputs.args,
        "-map", inputs.video_map, "-vf", f"{fit},fps=1", "-q:v", "6",
        "-f", "image2", "-update", "1", "-y", str(still),
    ]  # fmt: skip


class SourcePreview:
    """Owns the preview ffmpeg; `still` holds the latest frame while it runs."""

    def __init__(self, still: Path, ffmpeg: str | None = None) -> None:
        self.still = still
        self.ffmpeg = ffmpeg
        """The ffmpeg chosen in Settings (None: the bundled one); read at each start."""
        self._process: asyncio.subprocess.Process | None = None
        self.error = ""
        """ffmpeg's last words when the preview stopped on its own ('' otherwise)."""

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self, source: Source) -> None:
        """Show `source` from now on (stopping the preview of the previous one)."""
        await self.stop()
        self.error = ""
        with contextlib.suppress(FileNotFoundError):
            self.still.unlink()
        self.still.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._process = await asyncio.create_subprocess_exec(
                *preview_command(ffmpeg_executable(self.ffmpeg), source, self.still),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            self.error = str(exc)

    async def latest(self) -> bytes | None:
        """The newest still (read off the UI thread), or None when there is none yet."""
        if self._process is not None and self._process.returncode is not None:
            await self._collect_error()
        try:
            return await asyncio.to_thread(self.still.read_bytes)
        except OSError:
            return None

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        # The child may end on its own between each step: that is not an error.
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), _STOP_WAIT_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()

    async def _collect_error(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.stderr is not None and process.returncode:
            lines = (await process.stderr.read()).decode("utf-8", "replace").strip().splitlines()
            self.error = lines[-1] if lines else f"ffmpeg exit code {process.returncode}"
