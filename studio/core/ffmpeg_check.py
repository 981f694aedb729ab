"""Whether an ffmpeg the creator points the studio at really is a working ffmpeg.

The settings file only checks that the path names a file; before the Settings
screen saves it, the program must answer `-version` like ffmpeg, so a wrong
pick is told next to the field and not, later, as a failed Go Live.
"""

import asyncio
import contextlib
from pathlib import Path

from studio.core.errors import InvalidInput

FIELD = "ffmpeg_path"
_VERSION_TIMEOUT_S = 10.0


async def ffmpeg_version(path: str) -> str:
    """The first line of `path -version` ("ffmpeg version 6.1 ..."), or InvalidInput saying why.

    Codes: `ffmpeg_missing` (no file there) and `ffmpeg_broken` (it does not run as ffmpeg).
    """
    path = path.strip()
    if not await asyncio.to_thread(Path(path).is_file):
        raise _invalid("ffmpeg_missing", f"There is no file at {path}.")
    try:
        process = await asyncio.create_subprocess_exec(
            path,
            "-version",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
    except OSError as exc:
        raise _invalid("ffmpeg_broken", f"{path} can't be run: {exc.strerror or exc}.") from None
    try:
        async with asyncio.timeout(_VERSION_TIMEOUT_S):
            output, _ = await process.communicate()
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise _invalid("ffmpeg_broken", f"{path} did not answer -version in time.") from None
    first = output.decode("utf-8", "replace").strip().splitlines()[:1]
    if process.returncode != 0 or not first or not first[0].startswith("ffmpeg version"):
        raise _invalid("ffmpeg_broken", f"{path} is not ffmpeg (it did not answer -version).")
    return first[0]


def _invalid(code: str, message: str) -> InvalidInput:
    return InvalidInput(message, code=code, fields={FIELD: message})
