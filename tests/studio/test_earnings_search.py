"""Searching the Earnings list with no server at all: the cache alone answers, as typed.

The screen here is the real one on a real cache file and a feed whose server
cannot be reached (an empty address), as on a computer with no network. The
rows are known, dated relative to today, so the chart and export tests reuse them.
"""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from server.contract.earnings import CurrencyTotals, EarningsSummary, EarningsTransaction
from server.contract.payments import PaymentKind, PaymentMethod, PaymentStatus
from studio.core.api_client import ApiClient
from studio.core.earnings_cache import EarningsCache, cache_path
from studio.core.earnings_sync import EarningsFeed, FeedState
from studio.core.session import Session
from studio.core.token_store import TokenStore
from studio.core.vault import Vault
from studio.ui.appearance import Appearance
from studio.ui.earnings import EarningsScreen
from studio.ui.earnings.transactions import COLUMNS
from tests.studio.conftest import finish

TODAY = datetime.now().astimezone().date()
"""Local today, read once: rows sit at local noon, far from any midnight."""


def local_noon(days_ago: int, minutes: int = 0) -> datetime:
    day = TODAY - timedelta(days=days_ago)
    return datetime.combine(day, time(12, minutes)).astimezone()


def row(
    number: int,
    days_ago: int,
    *,
    amount: int,
    net: int,
    currency: str = "KES",
    status: PaymentStatus = PaymentStatus.SUCCEEDED,
    kind: PaymentKind = PaymentKind.TIP,
    method: PaymentMethod = PaymentMethod.MPESA,
    payer: str = "Wanjiru",
    message: str | None = None,
    stream_id: str | None = None,
) -> EarningsTransaction:
    created = local_noon(days_ago, minutes=number)
    return EarningsTransaction(
        id=f"pay_{number:03d}",
        kind=kind,
        method=method,
        status=status,
        amount=amount,
        currency=currency,
        fee=amount - net,
        net=net,
        stream_id=stream_id,
        payer_name=payer,
        message=message,
        created_at=created,
        updated_at=created + timedelta(seconds=5),
    )


ROWS = [
    row(1, 40, amount=10_000, net=9_000, payer="Kamau", message="Old friend"),
    row(
        2,
        3,
        amount=12_345,
        net=11_111,
        kind=PaymentKind.SUBSCRIPTION,
        method=PaymentMethod.CARD,
        payer="Njeri",
        message="+254 call me",
        stream_id="str_1",
    ),
    row(
        3,
        2,
        amount=12_500,
        net=11_250,
        currency="XOF",
        method=PaymentMethod.ORANGE_MONEY,
        payer="Aïssatou",
        message='Merci, "grand" frère !',
    ),
    row(
        4,
        1,
        amount=20_000,
        net=18_000,
        status=PaymentStatus.CANCELLED,
        payer="Otieno",
        message="50% off_promo",
    ),
    row(5, 0, amount=50_000, net=45_000, message="Asante sana!"),
    row(
        6,
        0,
        amount=100_000,
        net=90_000,
        kind=PaymentKind.TICKET,
        payer="@Kamau",
        message='=HYPERLINK("http://evil.example","click")',
    ),
]


@dataclass
class OfflineEarnings:
    screen: EarningsScreen
    feed: EarningsFeed
    appearance: Appearance


async def fill(path: Path) -> None:
    cache = EarningsCache(path)
    await cache.open()
    await cache.apply_page(ROWS, "cursor-6")
    totals = [
        CurrencyTotals(
            currency="KES",
            gross=292_345,
            fees=27_234,
            net=265_111,
            available=265_111,
            pending=0,
            paid_out=0,
        ),
        CurrencyTotals(
            currency="XOF",
            gross=12_500,
            fees=1_250,
            net=11_250,
            available=11_250,
            pending=0,
            paid_out=0,
        ),
    ]
    summary = EarningsSummary(totals=totals, by_method=[], by_stream=[])
    await cache.save_summary(summary, datetime.now(UTC) - timedelta(hours=2))
    await cache.close()


@pytest.fixture(name="offline")
def offline_earnings(
    qtbot: QtBot, qapp: object, qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> Iterator[OfflineEarnings]:
    root = tmp_path / "earnings"
    finish(qtbot, fill(cache_path(root, "offline", "creator")))
    appearance = Appearance(qapp)  # type: ignore[arg-type]
    appearance.apply_now("en", "light")
    api = ApiClient("")  # no server address: every request fails as unreachable
    feed = EarningsFeed(api, Session(api, TokenStore(Vault())), root)
    screen = EarningsScreen()
    qtbot.addWidget(screen)
    screen.resize(1180, 720)
    screen.attach(feed)
    screen.show()
    finish(qtbot, feed.open_account("offline", "creator"))
    qtbot.waitUntil(lambda: screen.model.rowCount() == len(ROWS))
    qtbot.waitUntil(lambda: feed.status.state is not FeedState.SYNCING)
    yield OfflineEarnings(screen, feed, appearance)
    finish(qtbot, appearance.set_language("en"))
    appearance.set_theme("light")
    finish(qtbot, feed.close_account())
    finish(qtbot, api.aclose())


def payers(screen: EarningsScreen) -> list[str]:
    column = COLUMNS.index("payer")
    model = screen.model
    return [str(model.data(model.index(n, column))) for n in range(model.rowCount())]


def search(qtbot: QtBot, screen: EarningsScreen, text: str) -> None:
    """Type as a person does; the list follows once typing pauses."""
    screen.search_box.clear()
    qtbot.keyClicks(screen.search_box, text)
    qtbot.waitUntil(lambda: screen.model.where.search == (text.strip() or None))
    qtbot.waitUntil(lambda: not screen.model.loading)


def test_search_narrows_the_cached_list_offline(qtbot: QtBot, offline: OfflineEarnings) -> None:
    screen = offline.screen
    assert offline.feed.status.state is not FeedState.UPDATED  # never reached a server
    assert payers(screen) == ["@Kamau", "Wanjiru", "Otieno", "Aïssatou", "Njeri", "Kamau"]

    search(qtbot, screen, "asante")
    assert payers(screen) == ["Wanjiru"]
    search(qtbot, screen, "kamau")
    assert payers(screen) == ["@Kamau", "Kamau"]
    search(qtbot, screen, "50%")
    assert payers(screen) == ["Otieno"]
    search(qtbot, screen, "f_p")
    assert payers(screen) == ["Otieno"]
    search(qtbot, screen, "orange")  # the method's name, not a word anyone typed
    assert payers(screen) == ["Aïssatou"]
    search(qtbot, screen, "mpesa")  # shown as "M-Pesa": punctuation does not matter
    assert payers(screen) == ["@Kamau", "Wanjiru", "Otieno", "Kamau"]
    search(qtbot, screen, "ticket")
    assert payers(screen) == ["@Kamau"]

    screen.currency_box.setCurrentIndex(screen.currency_box.findData("KES"))
    search(qtbot, screen, "a")
    assert "Aïssatou" not in payers(screen)  # the search adds to the other filters
    screen.currency_box.setCurrentIndex(0)

    search(qtbot, screen, "nobody at all")
    assert payers(screen) == []
    screen.search_box.clear()  # the clear button: every row back, without the pause
    qtbot.waitUntil(lambda: screen.model.rowCount() == len(ROWS))


def test_search_finds_kinds_by_their_french_names(qtbot: QtBot, offline: OfflineEarnings) -> None:
    screen = offline.screen
    finish(qtbot, offline.appearance.set_language("fr"))
    qtbot.waitUntil(lambda: screen.search_box.placeholderText().startswith("Rechercher"))
    search(qtbot, screen, "abonnement")
    assert payers(screen) == ["Njeri"]
    search(qtbot, screen, "Pourboire")
    assert payers(screen) == ["Wanjiru", "Otieno", "Aïssatou", "Kamau"]
