"""The earnings feed against the real API: incremental sync, resume after a cut, status changes.

Also the sandbox tips the other earnings tests make: a guest fan pays a creator by M-Pesa.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server.config import Settings
from server.contract import RegisterRequest, User
from server.contract.earnings import EarningsTransactions
from studio.core.api_client import ApiClient
from studio.core.earnings_cache import TransactionFilter
from studio.core.earnings_sync import EarningsFeed, FeedState
from studio.core.errors import ServerUnreachable
from studio.core.session import Session
from studio.core.token_store import TokenStore
from studio.core.vault import Vault
from tests.support.live_server import LiveServer

KOFI = RegisterRequest(
    email="kofi@example.com",
    password="river-sun-42",
    display_name="Kofi Mensah",
    country="KE",
    currency="KES",
    language="en",
)

PAYS = "+254712345678"
CANCELS = "+254712340001"
FINAL = {"succeeded", "failed", "cancelled", "expired"}


async def tip(base_url: str, creator_id: str, phone: str, amount: int = 50_000) -> str:
    """A guest's KES tip (whole shillings, as M-Pesa takes them); answers the payment id
    once the sandbox payer has answered on their phone."""
    async with httpx.AsyncClient(base_url=base_url + "/api/v1", timeout=15) as http:
        guest = await http.post("/auth/guest", json={"display_name": "Wanjiru"})
        assert guest.status_code == 201, guest.text
        token = guest.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
        body = {
            "kind": "tip",
            "method": "mpesa",
            "amount": amount,
            "currency": "KES",
            "creator_id": creator_id,
            "phone": phone,
            "message": "Asante sana!",
        }
        created = await http.post("/payments", json=body, headers=headers)
        assert created.status_code in (200, 201), created.text
        payment_id: str = created.json()["id"]
        auth = {"Authorization": f"Bearer {token}"}
        for _ in range(200):
            answer = await http.get(f"/payments/{payment_id}", headers=auth)
            if answer.json()["status"] in FINAL:
                return payment_id
            await asyncio.sleep(0.1)
        raise AssertionError(f"payment {payment_id} never resolved")


async def start_tip(base_url: str, creator_id: str, phone: str) -> str:
    """The same tip, answered as soon as the payment exists (still pending)."""
    async with httpx.AsyncClient(base_url=base_url + "/api/v1", timeout=15) as http:
        guest = await http.post("/auth/guest", json={"display_name": "Kamau"})
        token = guest.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
        body = {
            "kind": "tip",
            "method": "mpesa",
            "amount": 20_000,
            "currency": "KES",
            "creator_id": creator_id,
            "phone": phone,
        }
        created = await http.post("/payments", json=body, headers=headers)
        assert created.status_code in (200, 201), created.text
        payment_id: str = created.json()["id"]
        return payment_id


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The sandbox payer answers in a second: long enough to see `pending` first."""
    return settings.model_copy(update={"mpesa_sandbox_delay_s": 1.0})


@pytest.fixture
async def api(live_server: LiveServer) -> AsyncIterator[ApiClient]:
    client = ApiClient(live_server.url)
    yield client
    await client.aclose()


class CutAfter(ApiClient):
    """The network drops after `pages` pages of the transactions feed."""

    def __init__(self, base_url: str, pages: int) -> None:
        super().__init__(base_url)
        self.pages_left = pages

    async def earnings_transactions(
        self, access_token: str, cursor: str | None, limit: int
    ) -> EarningsTransactions:
        if self.pages_left == 0:
            raise ServerUnreachable("the network dropped", code="unreachable")
        self.pages_left -= 1
        return await super().earnings_transactions(access_token, cursor, limit)


async def signed_up(api: ApiClient) -> tuple[Session, User]:
    session = Session(api, TokenStore(Vault()))
    session.server_id = "test"
    return session, await session.sign_up(KOFI)


async def test_a_cut_sync_resumes_from_its_cursor_without_loss_or_duplicates(
    api: ApiClient, live_server: LiveServer, tmp_path: Path
) -> None:
    session, user = await signed_up(api)
    for phone in (PAYS, CANCELS, PAYS):
        await tip(live_server.url, user.id, phone)

    flaky = CutAfter(live_server.url, pages=1)
    feed = EarningsFeed(flaky, session, tmp_path / "earnings", page_size=1)
    await feed.open_account("test", user.id)
    assert feed.cache is not None
    cut = await feed.sync()
    assert cut.state is FeedState.OFFLINE and cut.summary is None
    assert await feed.cache.count() == 1
    saved = await feed.cache.saved_cursor()
    assert saved is not None

    flaky.pages_left = 100
    done = await feed.sync()
    assert done.state is FeedState.UPDATED and done.changed_rows == 2
    rows = await feed.cache.page(TransactionFilter(), None, 10)
    assert len({row.id for row in rows}) == len(rows) == 3
    assert sorted(row.status for row in rows) == ["cancelled", "succeeded", "succeeded"]
    assert done.summary is not None
    (kes,) = done.summary.summary.totals
    assert (kes.currency, kes.gross, kes.fees, kes.net) == ("KES", 100_000, 10_000, 90_000)

    again = await feed.sync()
    assert again.changed_rows == 0 and await feed.cache.count() == 3
    await feed.close_account()
    await flaky.aclose()


async def test_a_status_change_arrives_as_a_change_of_the_same_row(
    api: ApiClient, live_server: LiveServer, tmp_path: Path
) -> None:
    session, user = await signed_up(api)
    feed = EarningsFeed(api, session, tmp_path / "earnings")
    await feed.follow(user)
    assert feed.cache is not None
    payment_id = await start_tip(live_server.url, user.id, PAYS)
    await feed.sync()
    (row,) = await feed.cache.page(TransactionFilter(), None, 10)
    assert (row.id, row.status) == (payment_id, "pending")

    for _ in range(100):
        status = await feed.sync()
        (row,) = await feed.cache.page(TransactionFilter(), None, 10)
        if row.status != "pending":
            break
        await asyncio.sleep(0.1)
    assert row.status == "succeeded" and status.changed_rows == 1
    assert await feed.cache.count() == 1

    await session.sign_out()
    await feed.close_account()
    assert feed.cache is None and feed.status.state is FeedState.CLOSED
