"""Reading and ending an ffmpeg child: shared by the encoder and the connection test."""

import asyncio
import contextlib
from collections.abc import Callable

QUIT_WAIT_S = 3.0


async def read_lines(stream: asyncio.StreamReader | None, handle: Callable[[str], object]) -> None:
    """Read a child's output as lines, whether they end in \\n or in ffmpeg's \\r."""
    assert stream is not None
    pending = b""
    while chunk := await stream.read(4096):
        pending += chunk.replace(b"\r", b"\n")
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if line.strip():
                handle(line.decode("utf-8", "replace"))
    if pending.strip():
        handle(pending.decode("utf-8", "replace"))


async def ask_to_quit(process: asyncio.subprocess.Process, wait_s: float = QUIT_WAIT_S) -> None:
    """`q` on stdin ends ffmpeg cleanly on every OS (the ingest sees an unpublish);
    terminate, then kill, if it won't."""
    if process.returncode is not None:
        return
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.write(b"q")
            await process.stdin.drain()
            process.stdin.close()
    for escalate in (process.terminate, process.kill):
        try:
            await asyncio.wait_for(process.wait(), wait_s)
            return
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                escalate()
    await process.wait()
