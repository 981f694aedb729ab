"""Sandbox streaming in the app: the local RTMP ingest, wired to the streams domain.

Started with the app when Mux has no credentials, so a creator can rehearse a
live (and fans can watch it over HLS) with nothing configured. Completing or
disabling a stream ends its broadcast at the ingest at once (the encoder is
dropped and the replay written), as Mux does, without waiting for the
reconnect window.
"""

from fastapi import FastAPI

from server.config import Settings
from server.contract.streams import StreamStatus
from server.db import Database
from server.streams.ingest_events import IngestEvent, PublishGrant
from server.streams.lifecycle import (
    CLOSED,
    StreamStatusChange,
    authorize_publish,
    handle_ingest_event,
    stream_status_listeners,
)
from server.streams.sandbox_ingest import SandboxIngest, mount_hls


class SandboxStreaming:
    """Owns the ingest for the app's lifetime; reports its bound port in `app.state`."""

    def __init__(self, app: FastAPI, settings: Settings, database: Database) -> None:
        self._app = app
        self._settings = settings
        self._database = database
        self._ingest = SandboxIngest(
            host=settings.rtmp_host,
            port=settings.rtmp_port,
            data_dir=settings.data_dir,
            authorize=self._authorize,
            on_event=self._on_event,
        )
        mount_hls(app, settings.data_dir)
        stream_status_listeners(app).append(self._on_status)

    async def _authorize(self, stream_key: str) -> PublishGrant | None:
        return await authorize_publish(self._database, stream_key)

    async def _on_status(self, change: StreamStatusChange) -> None:
        if StreamStatus(change.status) in CLOSED:
            self._ingest.end_broadcast(change.stream_id)

    async def _on_event(self, event: IngestEvent) -> None:
        await handle_ingest_event(
            self._database, self._settings, event, listeners=stream_status_listeners(self._app)
        )

    async def start(self) -> None:
        self._app.state.rtmp_port = await self._ingest.start()

    async def stop(self) -> None:
        """Before the database closes: stopping still reports the last events and replays."""
        await self._ingest.stop()


def install_sandbox_streaming(
    app: FastAPI, settings: Settings, database: Database
) -> SandboxStreaming | None:
    if settings.provider_modes()["mux"] != "sandbox":
        return None
    return SandboxStreaming(app, settings, database)
