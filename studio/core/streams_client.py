"""The creator's own streams on the server: list, create, read, reset the key, complete,
and the targets of connection tests.

A thin layer over `ApiClient.send` that signs every call through the `Session`
(refreshing the access token once when the server refuses it), so a screen
never handles tokens. Answers are the contract's models; failures are
`FlashError`s. The stream key travels in the answers only: nothing here logs.
"""

from functools import partial

from server.contract.streams import (
    ConnectionTest,
    OwnerStream,
    StreamCreate,
    StreamList,
    StreamStatus,
    ViewerStats,
)
from studio.core.session import Session

CLOSED_STATUSES = (StreamStatus.COMPLETED, StreamStatus.DISABLED)
"""Streams the ingest refuses from now on: there is no going live on them again."""


class StreamsClient:
    """The signed-in creator's streams on the session's server."""

    def __init__(self, session: Session) -> None:
        self.session = session

    async def list_own(self) -> list[OwnerStream]:
        """The creator's streams that can still go live, newest first as the server sends."""
        found: list[OwnerStream] = []
        cursor: str | None = None
        while True:
            path = "/streams" + (f"?cursor={cursor}" if cursor else "")
            page = await self.session.authorized(partial(self._page, path))
            found += [
                item
                for item in page.items
                if isinstance(item, OwnerStream) and item.status not in CLOSED_STATUSES
            ]
            cursor = page.next_cursor
            if not cursor:
                return found

    async def _page(self, path: str, token: str) -> StreamList:
        return await self.session.api.send("GET", path, token=token, answer=StreamList)

    async def create(self, body: StreamCreate) -> OwnerStream:
        return await self._owner_call("POST", "/streams", body)

    async def get(self, stream_id: str) -> OwnerStream:
        return await self._owner_call("GET", f"/streams/{stream_id}")

    async def viewers(self, stream_id: str) -> ViewerStats:
        """How many watch now (public: the fan page shows it too, so no token is sent)."""
        return await self.session.api.send(
            "GET", f"/streams/{stream_id}/viewers", answer=ViewerStats
        )

    async def reset_key(self, stream_id: str) -> OwnerStream:
        """A new key; the old one is refused by the ingest from now on."""
        return await self._owner_call("POST", f"/streams/{stream_id}/reset-key")

    async def complete(self, stream_id: str) -> OwnerStream:
        """End the broadcast for good: the ingest refuses the key afterwards."""
        return await self._owner_call("POST", f"/streams/{stream_id}/complete")

    async def start_connection_test(self, stream_id: str) -> ConnectionTest:
        """Where a connection test may publish without the stream turning live (it holds
        a stream key: never log it). End it with `end_connection_test`."""
        return await self.session.authorized(
            lambda token: self.session.api.send(
                "POST",
                f"/streams/{stream_id}/connection-test",
                token=token,
                answer=ConnectionTest,
            )
        )

    async def end_connection_test(self, stream_id: str, test_id: str) -> None:
        """The server deletes a Mux test stream now (Mux would after 24 hours anyway)."""
        await self.session.authorized(
            lambda token: self.session.api.send(
                "DELETE", f"/streams/{stream_id}/connection-test/{test_id}", token=token
            )
        )

    async def _owner_call(
        self, method: str, path: str, body: StreamCreate | None = None
    ) -> OwnerStream:
        """Our own streams always come back with their ingest details (else a ServerError)."""
        return await self.session.authorized(
            lambda token: self.session.api.send(
                method, path, body=body, token=token, answer=OwnerStream
            )
        )
