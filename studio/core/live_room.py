"""The stream a creator is live on (or was last), followed through the chat connection.

The Chat and Dashboard screens show the same stream, so the choice lives here once:
the active stream, else the newest; a stream of theirs that goes active while the
studio is open takes over, since that is the one the fans are watching.
"""

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from server.contract.chat import ChatSettings, StreamStatus
from server.contract.earnings import StreamTotals
from server.contract.streams import OwnerStream, Stream, ViewerStats
from studio.core.api_client import ApiClient
from studio.core.backoff import Backoff
from studio.core.chat_client import Authorizer, ChatClient, ChatState, ChatStatus
from studio.core.errors import FlashError
from studio.core.events import Event

log = logging.getLogger("studio")

ACTIVE = "active"


def pick_stream(streams: list[Stream]) -> Stream | None:
    """The active stream if there is one, else the newest (the list comes newest first)."""
    for stream in streams:
        if stream.status == ACTIVE:
            return stream
    return streams[0] if streams else None


class LiveRoom:
    """Owns the chat connection and which of the creator's streams the screens follow."""

    def __init__(self, api: ApiClient, auth: Authorizer, *, backoff: Backoff | None = None) -> None:
        self.api = api
        self.auth = auth
        self.chat = ChatClient(auth, lambda: api.base_url, backoff=backoff)
        self.streams: list[Stream] = []
        self.stream: Stream | None = None
        self.stream_changed = Event[Stream | None]()
        """A different stream is followed now (or None: the creator has none yet)."""
        self.streams_loaded = Event[list[Stream]]()
        self.moderator_ids: set[str] = set()
        """The followed stream's moderators, as last read or changed: every panel reads it."""
        self._loaded = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self.chat.stream_status.connect(self._on_stream_status)
        self.chat.status_changed.connect(self._on_chat_status)

    async def start(self) -> None:
        """Connect the chat and choose a stream; offline is fine, both resume on their own."""
        self.chat.start()
        try:
            await self.refresh_streams()
        except FlashError as exc:
            log.info("streams not loaded yet: %s", exc.message)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.chat.stop()
        self.streams, self._loaded = [], False
        if self.stream is not None:
            self.stream = None
            self.stream_changed.emit(None)

    async def refresh_streams(self) -> list[Stream]:
        """Read the creator's streams again; keep following the current one if it is there."""
        found = await self.auth.authorized(self.api.my_streams)
        self.streams = [_public(stream) for stream in found.items]
        self._loaded = True
        current = next((s for s in self.streams if self.stream and s.id == self.stream.id), None)
        active = pick_stream(self.streams)
        wanted = current if current is not None and current.status == ACTIVE else active
        wanted = wanted or current
        self.streams_loaded.emit(self.streams)
        if wanted is not None and (self.stream is None or wanted.id != self.stream.id):
            await self.follow(wanted.id)
        elif wanted is not None:
            self.stream = wanted
        return self.streams

    async def follow(self, stream_id: str) -> None:
        """Show this stream's chat and figures from now on."""
        stream = next((s for s in self.streams if s.id == stream_id), None)
        if stream is None:
            return
        previous, self.stream = self.stream, stream
        if previous is not None and previous.id != stream_id:
            await self.chat.leave(previous.id)
        self.stream_changed.emit(stream)
        await self.chat.join(stream_id)

    async def viewer_stats(self) -> ViewerStats | None:
        stream = self.stream
        if stream is None:
            return None
        return await self.auth.authorized(lambda token: self.api.viewer_stats(token, stream.id))

    async def earnings(self) -> list[StreamTotals]:
        """This stream's takings so far, one line per currency."""
        stream = self.stream
        if stream is None:
            return []
        summary = await self.auth.authorized(self.api.earnings_summary)
        return [line for line in summary.by_stream if line.stream_id == stream.id]

    async def chat_settings(self) -> ChatSettings | None:
        stream = self.stream
        if stream is None:
            return None
        return await self.auth.authorized(lambda token: self.api.chat_settings(token, stream.id))

    async def set_moderator(self, user_id: str, moderates: bool) -> None:
        """Name a fan moderator of the followed stream, or take it back (REST, creator only)."""
        stream = self.stream
        if stream is None:
            return
        if moderates:
            await self.auth.authorized(
                lambda token: self.api.add_moderator(token, stream.id, user_id)
            )
            self.moderator_ids.add(user_id)
        else:
            await self.auth.authorized(
                lambda token: self.api.remove_moderator(token, stream.id, user_id)
            )
            self.moderator_ids.discard(user_id)

    async def load_moderators(self) -> None:
        """Read the followed stream's moderators (creator only: anyone else keeps none)."""
        stream = self.stream
        self.moderator_ids = set()
        if stream is None:
            return
        moderators = await self.auth.authorized(lambda token: self.api.moderators(token, stream.id))
        self.moderator_ids = {moderator.user_id for moderator in moderators}

    async def save_blocked_words(self, words: list[str]) -> list[str]:
        stream = self.stream
        if stream is None:
            return []
        ack = await self.chat.moderate(stream.id, "blocked_words", words=words)
        return [str(word) for word in ack.get("words", [])]

    def _on_stream_status(self, change: StreamStatus) -> None:
        if self.stream is not None and change.stream_id == self.stream.id:
            self.stream = self.stream.model_copy(update={"status": change.status})
            self.stream_changed.emit(self.stream)
        elif change.status == ACTIVE:
            self._run(self._take_over(change.stream_id))

    async def _take_over(self, stream_id: str) -> None:
        if stream_id not in {stream.id for stream in self.streams}:
            await self.refresh_streams()
        await self.follow(stream_id)

    def _on_chat_status(self, status: ChatStatus) -> None:
        if status.state is ChatState.CONNECTED and not self._loaded:
            self._run(self.refresh_streams())

    def _run(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_report)


def _public(stream: Stream) -> Stream:
    """Screens never need the stream key: keep it out of widgets and screenshots."""
    if isinstance(stream, OwnerStream):
        return Stream.model_validate(stream.model_dump(exclude={"ingest_url", "stream_key"}))
    return stream


def _report(task: "asyncio.Task[Any]") -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if isinstance(exc, FlashError):
        log.info("live room: %s", exc.message)
    elif exc is not None:
        log.error("live room work failed", exc_info=exc)
