"""Real-time chat with fans, live viewer counts and on-stream alerts (Socket.IO).

The wire contract is `server.contract.chat`. Other domains use only what this
module exports: `announce_tip`, `chat_tip_listener` and `chat_subscriber_listener`
(payments), `broadcast_stream_status`,
and `current_viewers` (streams). Viewer history belongs to the
streams domain, which the chat feeds (see `viewers`).
"""

from fastapi import FastAPI

from server.chat import viewers
from server.chat.announcements import (
    announce_subscriber,
    announce_tip,
    broadcast_stream_status,
    chat_subscriber_listener,
    chat_tip_listener,
    hub_of,
)
from server.chat.hub import ChatHub
from server.chat.routes import router
from server.chat.socket import register_events
from server.config import Settings
from server.contract import API_PREFIX
from server.db import Database
from server.streams.lifecycle import StreamStatusChange, stream_status_listeners

SOCKET_PATH = "/socket.io/"


def install_chat(app: FastAPI, settings: Settings, database: Database) -> ChatHub:
    """Serve Socket.IO at `/socket.io/` beside the REST routes; the app's lifespan
    must call `start()` and `stop()` on the hub returned (also at `app.state.chat`)."""
    hub = ChatHub(settings, database)
    register_events(hub)
    app.state.chat = hub
    app.include_router(router, prefix=API_PREFIX)
    app.add_route(SOCKET_PATH, hub.asgi, include_in_schema=False)
    app.router.add_websocket_route(SOCKET_PATH, hub.asgi)

    async def on_stream_status(change: StreamStatusChange) -> None:
        await broadcast_stream_status(hub, change.stream_id, change.status.value, change.creator_id)

    stream_status_listeners(app).append(on_stream_status)
    return hub


async def current_viewers(target: object, stream_id: str) -> int:
    """The stream's live viewer count across replicas (`GET /streams/{id}/viewers`)."""
    return await viewers.live_count(hub_of(target), stream_id)


__all__ = [
    "ChatHub",
    "announce_subscriber",
    "announce_tip",
    "broadcast_stream_status",
    "chat_subscriber_listener",
    "chat_tip_listener",
    "current_viewers",
    "install_chat",
]
