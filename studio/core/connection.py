"""Is the server there? Online with its health, or offline and retrying with backoff.

One watcher for whichever server the studio uses (bundled or remote): it checks
`/health` now and then while online, and ever less often while offline, so the
studio recovers on its own when the network or the server comes back.
"""

import asyncio
import contextlib
from dataclasses import dataclass
from enum import StrEnum

from server.contract import Health
from studio.core.api_client import ApiClient
from studio.core.backoff import Backoff
from studio.core.errors import FlashError
from studio.core.events import Event


class LinkState(StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"


@dataclass(frozen=True)
class ServerStatus:
    state: LinkState
    url: str = ""
    health: Health | None = None
    retry_in: float | None = None
    """Seconds until the next try, while offline."""
    reason: str = ""

    @property
    def sandbox(self) -> bool:
        """The server stands in sandboxes for the payment and streaming providers."""
        return self.health is not None and self.health.sandbox


class ServerConnection:
    """Watches the API client's server and tells listeners whenever its status changes."""

    def __init__(
        self, api: ApiClient, *, check_every: float = 30.0, backoff: Backoff | None = None
    ) -> None:
        self.api = api
        self.check_every = check_every
        self.backoff = backoff or Backoff(first=1.0, longest=30.0)
        self.changed = Event[ServerStatus]()
        self.status = ServerStatus(LinkState.CONNECTING)
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def watch(self, url: str) -> None:
        """Talk to the server at `url` from now on, checking it straight away."""
        self._cancel()
        self.api.base_url = url
        self._set(ServerStatus(LinkState.CONNECTING, url))
        self._task = asyncio.create_task(self._watch(url))

    def wait(self, reason: str) -> None:
        """No server to check yet (e.g. the bundled one is starting)."""
        self._cancel()
        self._set(ServerStatus(LinkState.CONNECTING, reason=reason))

    def check_now(self) -> None:
        """Skip the wait: a request just failed, or the user asked to retry."""
        self._wake.set()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _set(self, status: ServerStatus) -> None:
        if status != self.status:
            self.status = status
            self.changed.emit(status)

    async def _watch(self, url: str) -> None:
        failures = 0
        while True:
            try:
                health = await self.api.health()
            except FlashError as exc:
                failures += 1
                delay = self.backoff.delay(failures)
                self._set(ServerStatus(LinkState.OFFLINE, url, retry_in=delay, reason=exc.message))
                await self._pause(delay)
                continue
            failures = 0
            self._set(ServerStatus(LinkState.ONLINE, url, health=health))
            await self._pause(self.check_every)

    async def _pause(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
