"""Keeping the signed-in account's earnings cache up to date, and saying honestly how fresh it is.

`EarningsFeed` follows the session: it opens the account's own cache on sign-in
(so its figures show at once, even offline) and closes it on sign-out. `sync()`
asks the server only for what changed since the saved cursor, page by page;
each page and its cursor are committed together, so a sync cut off by the
network resumes where it stopped, with nothing lost or counted twice.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from functools import partial
from pathlib import Path

from server.contract import User
from server.contract.earnings import EarningsTransactions
from studio.core.api_client import ApiClient
from studio.core.earnings_cache import CachedSummary, EarningsCache, cache_path
from studio.core.errors import FlashError, InvalidInput, ServerUnreachable, Unauthorized
from studio.core.events import Event
from studio.core.session import Session

log = logging.getLogger(__name__)

PAGE_SIZE = 500
"""The server's largest page: fewest round trips on a slow link."""


class FeedState(StrEnum):
    CLOSED = "closed"
    """No account signed in: nothing to show."""
    CACHED = "cached"
    """Showing what this computer kept; no sync has finished since opening."""
    SYNCING = "syncing"
    UPDATED = "updated"
    OFFLINE = "offline"
    FAILED = "failed"
    """The server answered with an error; `problem` says which."""


@dataclass(frozen=True)
class FeedStatus:
    state: FeedState
    account_id: str | None = None
    summary: CachedSummary | None = None
    """The last summary kept, with when it was fetched (None: never fetched on this computer)."""
    synced_at: datetime | None = None
    """When the last sync finished, in this run of the studio."""
    changed_rows: int = 0
    """Rows added or changed by the sync that just finished."""
    problem: FlashError | None = None


class SignedOutDuringSync(Exception):
    """The account changed while a page was on its way: its rows must not be kept."""


class EarningsFeed:
    """The earnings cache of whoever is signed in, and its sync with the server."""

    def __init__(
        self, api: ApiClient, session: Session, root: Path, *, page_size: int = PAGE_SIZE
    ) -> None:
        self.api = api
        self.session = session
        self.root = root
        self.page_size = page_size
        self.cache: EarningsCache | None = None
        self.status = FeedStatus(FeedState.CLOSED)
        self.changed = Event[FeedStatus]()
        self._key: tuple[str, str] | None = None
        self._sync: asyncio.Task[FeedStatus] | None = None
        self._switching = asyncio.Lock()

    async def open_account(self, server_id: str, account_id: str) -> None:
        """Show this account's cached figures; a no-op when it is already the open one."""
        async with self._switching:
            if self._key == (server_id, account_id):
                return
            await self._close()
            cache = EarningsCache(cache_path(self.root, server_id, account_id))
            await cache.open()
            self.cache, self._key = cache, (server_id, account_id)
            summary = await cache.summary()
            self._set(FeedStatus(FeedState.CACHED, account_id, summary))

    async def close_account(self) -> None:
        async with self._switching:
            await self._close()

    async def follow(self, user: User) -> None:
        """The session signed in (or changed account): open that account's cache."""
        await self.open_account(self.session.server_id, user.id)

    def mark_offline(self, problem: FlashError) -> None:
        """The studio already knows the server is out of reach: say so without trying."""
        if self.status.state in (FeedState.CACHED, FeedState.UPDATED, FeedState.FAILED):
            self._set(
                replace(self.status, state=FeedState.OFFLINE, changed_rows=0, problem=problem)
            )

    async def sync(self) -> FeedStatus:
        """Bring the cache up to date; one sync at a time (a second call joins the first)."""
        if self._sync is None or self._sync.done():
            self._sync = asyncio.ensure_future(self._run_sync())
        return await asyncio.shield(self._sync)

    async def _run_sync(self) -> FeedStatus:
        cache, key = self.cache, self._key
        if cache is None or key is None:
            return self.status
        account_id = key[1]
        self._set(replace(self.status, state=FeedState.SYNCING, changed_rows=0, problem=None))
        try:
            changed = await self._pull(cache, account_id)
            summary = await self.session.authorized(self.api.earnings_summary)
            self._check_account(account_id)
            fetched_at = datetime.now(UTC)
            await cache.save_summary(summary, fetched_at)
        except SignedOutDuringSync:
            return self.status
        except ServerUnreachable as exc:
            return self._finish(account_id, FeedState.OFFLINE, problem=exc)
        except Unauthorized as exc:
            return self._finish(account_id, FeedState.FAILED, problem=exc)
        except FlashError as exc:
            log.warning("earnings sync failed: %s", exc.message)
            return self._finish(account_id, FeedState.FAILED, problem=exc)
        return self._finish(
            account_id,
            FeedState.UPDATED,
            summary=CachedSummary(summary, fetched_at),
            synced_at=fetched_at,
            changed=changed,
        )

    async def _pull(self, cache: EarningsCache, account_id: str) -> int:
        """Every change since the saved cursor, until a short page or the cursor stops moving."""
        cursor = await cache.saved_cursor()
        changed = 0
        while True:
            try:
                page = await self.session.authorized(partial(self._page, after=cursor))
            except InvalidInput as exc:
                if exc.code != "invalid_cursor" or cursor is None:
                    raise
                # The server no longer knows our cursor (a new server at this address):
                # the copy is worthless, so start over rather than show stale money.
                self._check_account(account_id)
                await cache.forget_feed()
                cursor = None
                continue
            self._check_account(account_id)
            changed += await cache.apply_page(page.items, page.next_cursor)
            if len(page.items) < self.page_size or page.next_cursor == cursor:
                return changed  # a short page means caught up: no extra round trip to learn it
            cursor = page.next_cursor

    async def _page(self, token: str, *, after: str | None) -> EarningsTransactions:
        return await self.api.earnings_transactions(token, after, self.page_size)

    def _check_account(self, account_id: str) -> None:
        user = self.session.user
        if user is None or user.id != account_id or self._key is None:
            raise SignedOutDuringSync
        if self._key[1] != account_id:
            raise SignedOutDuringSync

    def _finish(
        self,
        account_id: str,
        state: FeedState,
        *,
        summary: CachedSummary | None = None,
        synced_at: datetime | None = None,
        changed: int = 0,
        problem: FlashError | None = None,
    ) -> FeedStatus:
        if self._key is None or self._key[1] != account_id:
            return self.status  # signed out meanwhile: say nothing about that account
        status = FeedStatus(
            state,
            account_id,
            summary or self.status.summary,
            synced_at or self.status.synced_at,
            changed,
            problem,
        )
        self._set(status)
        return status

    async def _close(self) -> None:
        """Stop any sync first: a page already handed to the cache is still committed whole."""
        sync, self._sync = self._sync, None
        if sync is not None and not sync.done():
            sync.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sync
        cache, self.cache, self._key = self.cache, None, None
        if cache is not None:
            await cache.close()
        self._set(FeedStatus(FeedState.CLOSED))

    def _set(self, status: FeedStatus) -> None:
        self.status = status
        self.changed.emit(status)
