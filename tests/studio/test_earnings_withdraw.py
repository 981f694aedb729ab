"""Withdrawing from the Earnings screen in the real studio, against a real server process in
sandbox mode: a refusal shown next to the amount, then a payout that succeeds and one that
M-Pesa refuses. Screenshots land in /tmp/shots for a person to look at."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from studio.startup import Studio
from studio.ui.earnings import EarningsScreen
from studio.ui.earnings.withdraw import CONFIRM, FORM, OUTCOME, WithdrawDialog
from tests.studio.conftest import Places, StudioRunner, finish
from tests.studio.test_accounts_flow import click, sign_up, type_into
from tests.studio.test_earnings_screen import RemoteServer, open_earnings
from tests.studio.test_earnings_sync import PAYS, tip

SHOTS = Path("/tmp/shots")
WAIT_MS = 30_000
REFUSED = "+254712340001"  # the B2C sandbox: not a registered M-Pesa customer


@pytest.fixture
def server(
    tmp_path: Path, places: Places, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RemoteServer]:
    remote = RemoteServer(tmp_path / "remote", monkeypatch)
    remote.start()
    places.settings.parent.mkdir(parents=True, exist_ok=True)
    places.settings.write_text(f'{{"server_url": "{remote.url}"}}', encoding="utf-8")
    yield remote
    remote.stop()


def shoot(qtbot: QtBot, dialog: WithdrawDialog, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(100)  # let the layouts catch up with new words before the picture
    assert dialog.grab().save(str(SHOTS / f"withdraw_{name}.png"))


def figure(screen: EarningsScreen, name: str) -> str:
    return screen.totals.cards["KES"].figures[name].text()


def start_withdrawal(qtbot: QtBot, screen: EarningsScreen) -> WithdrawDialog:
    qtbot.waitUntil(screen.withdraw_button.isEnabled, timeout=WAIT_MS)
    click(qtbot, screen.withdraw_button)
    dialog = screen.withdraw_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def confirm(qtbot: QtBot, dialog: WithdrawDialog, amount: str, phone: str) -> None:
    type_into(qtbot, dialog.amount_input, amount)
    type_into(qtbot, dialog.phone_input, phone)
    click(qtbot, dialog.continue_button)
    assert dialog.pages.currentIndex() == CONFIRM
    click(qtbot, dialog.withdraw_button)


def test_a_creator_withdraws_to_m_pesa(
    qtbot: QtBot, studios: StudioRunner, server: RemoteServer
) -> None:
    studio: Studio = studios.open()
    sign_up(qtbot, studio, "+254712345678")
    user = studio.session.user
    assert user is not None
    finish(qtbot, tip(server.url, user.id, PAYS, amount=100_000))
    screen = open_earnings(qtbot, studio)
    qtbot.waitUntil(  # KES 1,000.00 less the 10 % fee
        lambda: "KES" in screen.totals.cards and figure(screen, "available") == "KES\u00a0900.00",
        timeout=WAIT_MS,
    )

    dialog = start_withdrawal(qtbot, screen)
    assert dialog.amount_input.text() == "900.00"  # all of it, unless the creator says less
    assert dialog.phone_input.text() == "+254712345678"  # the account's own number
    shoot(qtbot, dialog, "form")
    type_into(qtbot, dialog.amount_input, "abc")
    click(qtbot, dialog.continue_button)
    assert dialog.pages.currentIndex() == FORM
    assert dialog.amount.error_text.startswith("Enter an amount like")

    # More than available: the server refuses (409) and the studio says so next to the amount.
    type_into(qtbot, dialog.amount_input, "950")
    click(qtbot, dialog.continue_button)
    assert dialog.confirm_text.text() == "Send KES\u00a0950.00 to the M-Pesa number +254712345678?"
    shoot(qtbot, dialog, "confirm")
    click(qtbot, dialog.withdraw_button)
    qtbot.waitUntil(lambda: bool(dialog.amount.error_text), timeout=WAIT_MS)
    assert dialog.pages.currentIndex() == FORM
    assert "more than you have available" in dialog.amount.error_text
    shoot(qtbot, dialog, "over_available")

    confirm(qtbot, dialog, "200", "+254712345678")
    qtbot.waitUntil(lambda: dialog.outcome_title.text() == "Pending", timeout=WAIT_MS)
    assert dialog.pages.currentIndex() == OUTCOME
    assert "KES\u00a0200.00" in dialog.outcome_text.text()
    shoot(qtbot, dialog, "pending")
    qtbot.waitUntil(lambda: dialog.outcome_title.text() == "Sent", timeout=WAIT_MS)
    assert dialog.outcome_text.text() == "M-Pesa sent KES\u00a0200.00 to +254712345678."
    shoot(qtbot, dialog, "sent")
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: figure(screen, "paid_out") == "KES\u00a0200.00", timeout=WAIT_MS)
    assert figure(screen, "available") == "KES\u00a0700.00"

    # M-Pesa refuses this one: nothing leaves, the hold comes back.
    dialog = start_withdrawal(qtbot, screen)
    assert dialog.amount_input.text() == "700.00"
    confirm(qtbot, dialog, "100", REFUSED)
    qtbot.waitUntil(lambda: dialog.outcome_title.text() == "Not sent", timeout=WAIT_MS)
    assert dialog.outcome_text.text() == (
        "This number cannot receive M-Pesa payments. Your balance was not touched."
    )
    finish(qtbot, studios.appearance.set_language("fr"))
    qtbot.waitUntil(lambda: dialog.outcome_title.text() == "Non envoyé")
    assert dialog.outcome_text.text().startswith("Ce numéro ne peut pas recevoir")
    shoot(qtbot, dialog, "refused_fr")
    finish(qtbot, studios.appearance.set_language("en"))
    studios.appearance.set_theme("dark")
    shoot(qtbot, dialog, "refused_dark")
    studios.appearance.set_theme("light")
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: screen.freshness.text() == "Updated just now", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: figure(screen, "available") == "KES\u00a0700.00", timeout=WAIT_MS)
    assert figure(screen, "paid_out") == "KES\u00a0200.00"
    studio.window.resize(1280, 800)
    qtbot.wait(100)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert studio.window.grab().save(str(SHOTS / "withdraw_screen.png"))
