"""A stand-in for an ffmpeg installed on the system: a script that notes each call and
then runs the bundled ffmpeg, so a test can see which program the studio really ran.
POSIX shell scripts: these tests run on Linux."""

import stat
from pathlib import Path

from studio.core.encoder import ffmpeg_executable


class SystemFfmpeg:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "ffmpeg"
        self.calls = folder / "calls.txt"
        self.path.write_text(
            f'#!/bin/sh\necho "$*" >> "{self.calls}"\nexec "{ffmpeg_executable()}" "$@"\n'
        )
        self.path.chmod(self.path.stat().st_mode | stat.S_IXUSR)

    def arguments(self) -> list[str]:
        """One line per run: its arguments, space-separated."""
        return self.calls.read_text().splitlines() if self.calls.exists() else []


def not_ffmpeg(folder: Path) -> Path:
    """A program that runs but is not ffmpeg."""
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / "not-ffmpeg"
    program.write_text("#!/bin/sh\necho 'hello'\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program
