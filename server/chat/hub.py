"""One app's chat server: the Socket.IO server, who is connected where, and emitting.

Each app gets its own hub (tests run several apps in one process). With
`FLASH_REDIS_URL` set, python-socketio's Redis manager carries every emit to the
other replicas on `FLASH_REDIS_CHANNEL`; otherwise emits stay in this process.
"""

import asyncio
import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakValueDictionary

import socketio
from pydantic import BaseModel

from server.auth.tokens import Principal
from server.chat import viewers
from server.chat.fanout import make_manager
from server.chat.ratelimit import SenderLimits, TokenBucket
from server.chat.transport import FanoutServer
from server.config import Settings
from server.contract.chat import MESSAGE_BURST, MESSAGES_PER_SECOND
from server.db import Database
from server.logs import get_logger

log = get_logger("flash.chat")
# A chat event is a few hundred bytes; a polling batch of them stays far below this.
MAX_PACKET_BYTES = 64 * 1024


def stream_room(stream_id: str) -> str:
    return f"stream:{stream_id}"


def user_room(user_id: str) -> str:
    """Every connection of one user: the creator's own tips, viewers and status reach it."""
    return f"user:{user_id}"


@dataclass
class Connection:
    sid: str
    principal: Principal
    token: str
    flood: TokenBucket
    streams: set[str] = field(default_factory=set)


class ChatHub:
    def __init__(self, settings: Settings, database: Database) -> None:
        self.settings = settings
        self.database = database
        manager = make_manager(settings.redis_url, settings.redis_channel)
        # async_handlers=False: one connection's events run one after another, so one
        # sender's messages are stored and fanned out in the order they were sent.
        self.sio = FanoutServer(
            async_mode="asgi",
            client_manager=manager,
            async_handlers=False,
            max_http_buffer_size=MAX_PACKET_BYTES,
            logger=False,
            engineio_logger=False,
        )
        self.asgi = socketio.ASGIApp(self.sio, socketio_path=None)
        self.presence = viewers.make_presence(settings)
        self.connections: dict[str, Connection] = {}
        self.members: defaultdict[str, set[str]] = defaultdict(set)
        self.creators: dict[str, str] = {}
        self.sender_limits = SenderLimits(MESSAGES_PER_SECOND, MESSAGE_BURST)
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()
        self._ticker: asyncio.Task[None] | None = None
        # The loop the hub serves on: another thread (a test, a CLI) hands it work with
        # `asyncio.run_coroutine_threadsafe(..., hub.loop)`.
        self.loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle -----------------------------------------------------------------

    async def start(self) -> None:
        """Subscribe to the other replicas now rather than at the first connection, so
        a fan who connects at once misses nothing; then start the viewer ticker."""
        self.loop = asyncio.get_running_loop()
        if not self.sio.manager_initialized:
            self.sio.manager_initialized = True
            self.sio.manager.initialize()
        self._ticker = asyncio.create_task(viewers.run_ticker(self), name="chat-viewers")

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        await self.presence.close()
        await self.sio.shutdown()
        await _stop_redis_manager(self.sio.manager)

    # -- connections and rooms -----------------------------------------------------

    def add_connection(self, sid: str, principal: Principal, token: str) -> Connection:
        flood = TokenBucket(self.settings.chat_flood_events_per_s, self.settings.chat_flood_burst)
        connection = Connection(sid=sid, principal=principal, token=token, flood=flood)
        self.connections[sid] = connection
        return connection

    def drop_connection(self, sid: str) -> None:
        connection = self.connections.pop(sid, None)
        if connection is None:
            return
        for stream_id in connection.streams:
            self._forget_member(stream_id, sid)

    async def enter_stream(self, connection: Connection, stream_id: str) -> None:
        await self.sio.enter_room(connection.sid, stream_room(stream_id))
        connection.streams.add(stream_id)
        self.members[stream_id].add(connection.sid)

    async def leave_stream(self, connection: Connection, stream_id: str) -> None:
        await self.sio.leave_room(connection.sid, stream_room(stream_id))
        connection.streams.discard(stream_id)
        self._forget_member(stream_id, connection.sid)

    def _forget_member(self, stream_id: str, sid: str) -> None:
        members = self.members.get(stream_id)
        if members is not None:
            members.discard(sid)
            if not members:
                del self.members[stream_id]

    def local_viewers(self, stream_id: str) -> int:
        """This replica's connections watching a stream, the creator's own not counted."""
        creator_id = self.creators.get(stream_id)
        return sum(
            1
            for sid in self.members.get(stream_id, ())
            if sid in self.connections and self.connections[sid].principal.id != creator_id
        )

    def stream_lock(self, stream_id: str) -> asyncio.Lock:
        """Held while a message is stored and emitted, and while a fan joins: ids, commits
        and emits of one stream then happen in one order in this process, and a joining
        fan gets each message either in its history or as an event, never both."""
        lock = self._locks.get(stream_id)
        if lock is None:
            lock = self._locks[stream_id] = asyncio.Lock()
        return lock

    # -- emitting ------------------------------------------------------------------

    async def emit(self, event: str, payload: BaseModel, *rooms: str) -> None:
        """Emit to the union of rooms (a connection in two of them gets it once)."""
        data = payload.model_dump(mode="json")
        await self.sio.emit(event, data, to=list(rooms) if len(rooms) > 1 else rooms[0])

    async def emit_to_stream(
        self, event: str, payload: BaseModel, stream_id: str, *, creator_too: bool = False
    ) -> None:
        rooms = [stream_room(stream_id)]
        creator_id = self.creators.get(stream_id)
        if creator_too and creator_id is not None:
            rooms.append(user_room(creator_id))
        await self.emit(event, payload, *rooms)

    async def send_to(self, sid: str, event: str, payload: BaseModel) -> None:
        await self.sio.emit(event, payload.model_dump(mode="json"), to=sid)


async def _stop_redis_manager(manager: Any) -> None:
    """python-socketio has no public way to stop its Redis listener; without this the
    task and its connection outlive the app (a leak in tests and on reloads)."""
    listener = getattr(manager, "thread", None)
    if isinstance(listener, asyncio.Task):
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await listener
    for name in ("pubsub", "redis"):
        client = getattr(manager, name, None)
        closer = getattr(client, "aclose", None)
        if closer is not None:
            with contextlib.suppress(Exception):
                await closer()
