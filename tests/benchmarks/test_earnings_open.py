"""How fast the Earnings screen shows its first rows from a cache of 100,000 payments.

Printed, not asserted (functional tests never assert on time): run with `pytest -s`.
Measured offscreen, with no server at all (the offline case the cache is for):
from "open this account's earnings" (open the SQLite file, read the saved
summary, page the newest rows) with the screen shown, to the first paint of the
table's viewport holding rows. Median of several opens, each with a fresh cache
object and screen; building the screen itself is reported apart.
"""

import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot

from server.contract.earnings import CurrencyTotals, EarningsSummary, EarningsTransaction
from server.contract.payments import PaymentKind, PaymentMethod, PaymentStatus
from studio.core.api_client import ApiClient
from studio.core.earnings_cache import EarningsCache, TransactionFilter, cache_path
from studio.core.earnings_sync import EarningsFeed
from studio.core.session import Session
from studio.core.token_store import TokenStore
from studio.core.vault import Vault
from studio.ui.earnings import EarningsScreen
from tests.studio.conftest import (  # noqa: F401 - the studio's fixtures, used here too
    finish,
    memory_keyring,
    qloop,
    session_loop,
)

pytestmark = pytest.mark.benchmark

ROWS = 100_000
RUNS = 5
CHUNK = 5_000
START = datetime(2025, 1, 1, tzinfo=UTC)
STATUSES = (PaymentStatus.SUCCEEDED,) * 8 + (PaymentStatus.CANCELLED, PaymentStatus.FAILED)


async def fill(path: Path) -> None:
    cache = EarningsCache(path)
    await cache.open()
    for first in range(0, ROWS, CHUNK):
        items = [
            EarningsTransaction(
                id=f"pay_{n:07d}",
                kind=PaymentKind.TIP,
                method=PaymentMethod.MPESA if n % 3 else PaymentMethod.ORANGE_MONEY,
                status=STATUSES[n % len(STATUSES)],
                amount=50_000 + n,
                currency="KES" if n % 2 else "XOF",
                fee=5_000,
                net=45_000 + n,
                stream_id=None,
                payer_name=f"Fan {n}",
                message="Merci pour le direct !",
                created_at=START + timedelta(minutes=n),
                updated_at=START + timedelta(minutes=n, seconds=5),
            )
            for n in range(first, first + CHUNK)
        ]
        await cache.apply_page(items, f"cursor-{first + CHUNK}")
    totals = [
        CurrencyTotals(
            currency=c,
            gross=10**9,
            fees=10**8,
            net=9 * 10**8,
            available=9 * 10**8,
            pending=0,
            paid_out=0,
        )
        for c in ("KES", "XOF")
    ]
    await cache.save_summary(EarningsSummary(totals=totals, by_method=[], by_stream=[]), START)
    await cache.close()


class FirstRowsPainted(QObject):
    """Notes the moment the table's viewport is painted with rows in it."""

    def __init__(self, screen: EarningsScreen) -> None:
        super().__init__()
        self.screen = screen
        self.at: float | None = None
        screen.table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and self.at is None:
            if self.screen.model.rowCount() > 0:
                self.at = time.perf_counter()
        return False


@pytest.mark.usefixtures("qloop")
def test_open_earnings_from_a_cache_of_100k_rows(qtbot: QtBot, tmp_path: Path) -> None:
    root = tmp_path / "earnings"
    began = time.perf_counter()
    finish(qtbot, fill(cache_path(root, "bench", "creator")))
    print(f"\nfilled {ROWS} rows in {time.perf_counter() - began:.1f} s")

    api = ApiClient("")  # no server: the studio is offline
    session = Session(api, TokenStore(Vault()))
    to_rows: list[float] = []
    built: list[float] = []
    for _ in range(RUNS):
        feed = EarningsFeed(api, session, root)
        began = time.perf_counter()
        screen = EarningsScreen()
        built.append((time.perf_counter() - began) * 1000)
        qtbot.addWidget(screen)
        screen.resize(1280, 800)
        screen.attach(feed)
        probe = FirstRowsPainted(screen)
        began = time.perf_counter()
        screen.show()
        finish(qtbot, feed.open_account("bench", "creator"))
        qtbot.waitUntil(lambda probe=probe: probe.at is not None, timeout=10_000)
        assert probe.at is not None
        to_rows.append((probe.at - began) * 1000)
        assert screen.model.rowCount() < ROWS  # paged, never all loaded
        screen.close()
        finish(qtbot, feed.close_account())
    finish(qtbot, api.aclose())

    print(
        f"earnings open → first rows painted ({ROWS} cached rows, offscreen): "
        f"median {statistics.median(to_rows):.1f} ms, "
        f"min {min(to_rows):.1f} ms, max {max(to_rows):.1f} ms over {RUNS} opens; "
        f"building the screen: median {statistics.median(built):.1f} ms"
    )
    assert to_rows  # measured; the figure is for people, not a pass mark


YEAR = timedelta(days=364)
SEARCHES = {
    "a payer, many matches": "Fan 99",
    "a message word": "direct",
    "nothing matches": "zzz-nobody",
}


@pytest.mark.usefixtures("qloop")
def test_search_and_chart_a_cache_of_100k_rows(qtbot: QtBot, tmp_path: Path) -> None:
    """The first page of a search (what the list shows), and a year of the chart's days,
    each read on the cache's thread."""
    path = cache_path(tmp_path / "earnings", "bench", "creator")
    finish(qtbot, fill(path))
    cache = EarningsCache(path)
    finish(qtbot, cache.open())
    for label, text in SEARCHES.items():
        where = TransactionFilter(search=text)
        timings: list[float] = []
        for _ in range(RUNS):
            began = time.perf_counter()
            rows = finish(qtbot, cache.page(where, None, 200))
            timings.append((time.perf_counter() - began) * 1000)
        print(
            f"\nsearch {text!r} ({label}, {len(rows)} rows on the first page) over {ROWS} "
            f"cached rows: median {statistics.median(timings):.1f} ms, "
            f"max {max(timings):.1f} ms over {RUNS} runs"
        )
        assert timings  # measured; the figure is for people, not a pass mark
    chart: list[float] = []
    for _ in range(RUNS):  # the "Over time" tab's read: a year of days, all rows inside it
        began = time.perf_counter()
        days = finish(qtbot, cache.daily_net("KES", START.date(), START.date() + YEAR))
        chart.append((time.perf_counter() - began) * 1000)
    print(
        f"\nchart: net per day over a year ({len(days)} days with payments, {ROWS} cached "
        f"rows): median {statistics.median(chart):.1f} ms, max {max(chart):.1f} ms"
    )
    finish(qtbot, cache.close())
