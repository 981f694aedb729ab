"""Helpers the stream tests share: accounts over HTTP, and the database the ingest would use."""

import asyncio
import itertools
from typing import Any

import httpx

from server.config import Settings
from server.db import Database
from server.streams.ingest_events import IngestEvent, IngestEventKind
from server.streams.lifecycle import authorize_publish, handle_ingest_event

_numbers = itertools.count(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(
    client: httpx.Client, *, role: str = "creator", display_name: str = "Awa Diop"
) -> tuple[str, str]:
    """A new account; answers (access token, user id)."""
    body = {
        "email": f"user{next(_numbers)}@example.com",
        "password": "river-sun-42",
        "display_name": display_name,
        "role": role,
        "country": "SN",
        "currency": "XOF",
        "language": "fr",
    }
    response = client.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    token = response.json()["access_token"]
    me = client.get("/me", headers=bearer(token)).json()
    return token, me["id"]


def create_stream(client: httpx.Client, token: str, **fields: Any) -> dict[str, Any]:
    response = client.post(
        "/streams", json={"title": "Afrobeats live", **fields}, headers=bearer(token)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def ingest(settings: Settings, stream_id: str, kind: IngestEventKind, **extra: Any) -> None:
    """Report an ingest event the way the sandbox RTMP ingest does, on its own connection."""

    async def run() -> None:
        database = Database(settings.resolved_database_url)
        try:
            await handle_ingest_event(database, settings, IngestEvent(stream_id, kind, **extra))
        finally:
            await database.dispose()

    asyncio.run(run())


def may_publish(settings: Settings, stream_key: str) -> str | None:
    """The stream id the sandbox ingest would publish `stream_key` to, or None."""

    async def run() -> str | None:
        database = Database(settings.resolved_database_url)
        try:
            grant = await authorize_publish(database, stream_key)
            return grant.stream_id if grant else None
        finally:
            await database.dispose()

    return asyncio.run(run())
