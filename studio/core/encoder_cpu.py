"""How much of the computer the encoder's ffmpeg uses, for the Go Live health panel.

A laptop that runs out of CPU drops frames long before the network is to
blame; showing the encoder's own share lets the creator see which it is.
psutil reads it from the OS; the read is a system call, so it runs off the
UI thread.
"""

import asyncio

import psutil

SAMPLE_EVERY_S = 2.0


class EncoderCpu:
    """CPU share of one ffmpeg child, in percent of the whole computer (Task Manager's way)."""

    def __init__(self) -> None:
        self._process: psutil.Process | None = None
        self._cores = psutil.cpu_count() or 1

    async def sample(self, pid: int | None) -> float | None:
        """The share since the previous sample of the same pid; None on a first look or
        when the process is gone (ffmpeg restarts with a new pid on each reconnect)."""
        return await asyncio.to_thread(self._sample, pid)

    def _sample(self, pid: int | None) -> float | None:
        if pid is None:
            self._process = None
            return None
        try:
            if self._process is None or self._process.pid != pid:
                self._process = psutil.Process(pid)
                self._process.cpu_percent(None)  # starts the interval: it answers 0.0 now
                return None
            return self._process.cpu_percent(None) / self._cores
        except psutil.Error:  # ended between two samples
            self._process = None
            return None
