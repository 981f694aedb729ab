"""The Withdraw dialog offers the methods that pay the balance's currency (M-Pesa for KES,
MTN MoMo for the MTN markets'), and every word about the method follows the choice, in
English and French: first with a stand-in desk, then in the real studio against a real
server process whose MoMo runs in sandbox mode (the M-Pesa story is
`test_earnings_withdraw.py`)."""

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from server.contract.payments import FailureReason
from server.contract.payouts import CreatePayoutRequest, Payout, PayoutMethod, PayoutStatus
from studio.core.money_format import format_money
from studio.core.payouts import PayoutDesk, methods_for, minimum_payout
from studio.ui.earnings import EarningsScreen
from studio.ui.earnings.withdraw import CONFIRM, OUTCOME, WithdrawDialog
from tests.studio.conftest import Places, StudioRunner, finish
from tests.studio.test_accounts_flow import click, sign_up, type_into
from tests.studio.test_earnings_screen import RemoteServer, open_earnings
from tests.studio.test_earnings_withdraw import shoot

FRENCH = Path(__file__).parents[2] / "resources" / "translations" / "studio_fr.qm"


class StandInDesk(PayoutDesk):
    """Takes every withdrawal, then says the provider refused it (no server, no waiting)."""

    def __init__(self) -> None:
        self.sent: list[tuple[CreatePayoutRequest, str]] = []

    def default_phone(self) -> str:
        return ""

    async def withdraw(self, request: CreatePayoutRequest, key: str) -> Payout:
        self.sent.append((request, key))
        now = datetime.now(UTC)
        return Payout(
            id="po-1",
            status=PayoutStatus.PENDING,
            amount=request.amount,
            currency=request.currency,
            method=request.method,
            phone=request.phone,
            failure_reason=None,
            created_at=now,
            updated_at=now,
        )

    async def outcome(self, payout: Payout) -> Payout:
        reason = FailureReason(code="recipient_unregistered", message="(the server's words)")
        return payout.model_copy(update={"status": PayoutStatus.FAILED, "failure_reason": reason})


@pytest.fixture
def french(qapp: QApplication) -> Iterator[None]:
    translator = QTranslator()
    assert translator.load(str(FRENCH))
    qapp.installTranslator(translator)  # every open widget hears LanguageChange
    yield
    qapp.removeTranslator(translator)


def open_dialog(qtbot: QtBot, available: int, currency: str) -> WithdrawDialog:
    dialog = WithdrawDialog(StandInDesk(), available, currency)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def offered(dialog: WithdrawDialog) -> list[str]:
    return [dialog.method_input.itemText(i) for i in range(dialog.method_input.count())]


def test_the_methods_follow_the_currency() -> None:
    assert methods_for("KES") == [PayoutMethod.MPESA]
    for currency in ("UGX", "GHS", "XAF", "XOF", "RWF"):
        assert methods_for(currency) == [PayoutMethod.MTN_MOMO]
    assert methods_for("USD") == []
    assert (minimum_payout("KES"), minimum_payout("UGX")) == (1_000, 500)


def test_a_kes_balance_goes_to_m_pesa(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, 90_000, "KES")
    assert offered(dialog) == ["M-Pesa"]
    assert dialog.method.label.text() == "Send to"
    assert dialog.form_title.text() == "Withdraw to M-Pesa"
    assert dialog.phone.label.text() == "M-Pesa phone number"
    assert dialog.phone_input.placeholderText() == "+254712345678"
    assert dialog.amount.hint.text() == "Whole shillings, at least KES 10."


def test_a_ugx_balance_goes_to_mtn_momo(qtbot: QtBot, qloop: object) -> None:
    dialog = open_dialog(qtbot, 90_000, "UGX")
    desk = dialog.desk
    assert isinstance(desk, StandInDesk)
    assert offered(dialog) == ["MTN MoMo"]
    assert dialog.selected_method() is PayoutMethod.MTN_MOMO
    assert dialog.form_title.text() == "Withdraw to MTN MoMo"
    assert dialog.phone.label.text() == "MTN MoMo phone number"
    assert dialog.phone_input.placeholderText() == "+256772123456"
    assert dialog.amount.hint.text() == "At least UGX\u00a0500."
    assert "MTN MoMo refuses" in dialog.confirm_hint.text()
    shoot(qtbot, dialog, "momo_form")

    type_into(qtbot, dialog.amount_input, "20000")
    type_into(qtbot, dialog.phone_input, "+256772123456")
    click(qtbot, dialog.continue_button)
    assert dialog.pages.currentIndex() == CONFIRM
    money = format_money(20_000, "UGX")  # grouped as the test's locale groups digits
    assert dialog.confirm_text.text() == f"Send {money} to the MTN MoMo number +256772123456?"
    click(qtbot, dialog.withdraw_button)
    qtbot.waitUntil(lambda: dialog.outcome_title.text() == "Not sent")
    assert dialog.pages.currentIndex() == OUTCOME
    ((request, _key),) = desk.sent
    assert (request.method, request.amount, request.currency, request.phone) == (
        PayoutMethod.MTN_MOMO,
        20_000,
        "UGX",
        "+256772123456",
    )
    assert dialog.outcome_text.text() == (
        "This number has no MTN MoMo account. Your balance was not touched."
    )


def test_the_momo_words_are_french_too(qtbot: QtBot, french: None) -> None:
    dialog = open_dialog(qtbot, 90_000, "XOF")
    assert offered(dialog) == ["MTN MoMo"]
    assert dialog.method.label.text() == "Envoyer vers"
    assert dialog.form_title.text() == "Retirer vers MTN MoMo"
    assert dialog.phone.label.text() == "Numéro de téléphone MTN MoMo"
    assert dialog.amount.hint.text().startswith("Au moins ")
    assert "Si MTN MoMo refuse le retrait" in dialog.confirm_hint.text()
    shoot(qtbot, dialog, "momo_form_fr")


# --- the real studio, a real server, MoMo's sandboxes ----------------------------------------

WAIT_MS = 30_000
BENIN_FAN = "+2290197123456"
IVORIAN_WALLET = "+2250501234567"
NO_MOMO_ACCOUNT = "+2250501230003"  # the disbursements sandbox: PAYEE_NOT_FOUND


@pytest.fixture
def momo_server(
    tmp_path: Path, places: Places, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RemoteServer]:
    monkeypatch.setenv("FLASH_MOMO_SANDBOX_DELAY_S", "0.3")
    remote = RemoteServer(tmp_path / "remote", monkeypatch)
    remote.start()
    places.settings.parent.mkdir(parents=True, exist_ok=True)
    places.settings.write_text(json.dumps({"server_url": remote.url}), encoding="utf-8")
    yield remote
    remote.stop()


async def momo_tip(base_url: str, creator_id: str, amount: int = 10_000) -> None:
    """A guest's XOF tip by MTN MoMo (its sandbox), once it has succeeded."""
    async with httpx.AsyncClient(base_url=base_url + "/api/v1", timeout=15) as http:
        guest = await http.post("/auth/guest", json={"display_name": "Koffi"})
        auth = {"Authorization": f"Bearer {guest.json()['access_token']}"}
        body = {
            "kind": "tip",
            "method": "mtn_momo",
            "amount": amount,
            "currency": "XOF",
            "creator_id": creator_id,
            "phone": BENIN_FAN,
        }
        created = await http.post(
            "/payments", json=body, headers={**auth, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert created.status_code == 201, created.text
        for _ in range(200):
            answer = await http.get(f"/payments/{created.json()['id']}", headers=auth)
            if answer.json()["status"] != "pending":
                assert answer.json()["status"] == "succeeded"
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the MoMo tip never ended")


def withdraw_to(
    qtbot: QtBot, studio_screen: EarningsScreen, amount: str, phone: str
) -> WithdrawDialog:
    qtbot.waitUntil(studio_screen.withdraw_button.isEnabled, timeout=WAIT_MS)
    click(qtbot, studio_screen.withdraw_button)
    dialog = studio_screen.withdraw_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert (dialog.currency, offered(dialog)) == ("XOF", ["MTN MoMo"])
    assert dialog.phone.label.text() == "MTN MoMo phone number"
    type_into(qtbot, dialog.amount_input, amount)
    type_into(qtbot, dialog.phone_input, phone)
    click(qtbot, dialog.continue_button)
    assert dialog.pages.currentIndex() == CONFIRM, dialog.form_error.text()
    assert "to the MTN MoMo number" in dialog.confirm_text.text()
    click(qtbot, dialog.withdraw_button)
    return dialog


def test_a_creator_withdraws_to_mtn_momo(
    qtbot: QtBot, studios: StudioRunner, momo_server: RemoteServer
) -> None:
    studio = studios.open()
    sign_up(qtbot, studio, "awa.momo@example.com")  # Senegal: an XOF account
    user = studio.session.user
    assert user is not None
    finish(qtbot, momo_tip(momo_server.url, user.id))
    screen = open_earnings(qtbot, studio)
    qtbot.waitUntil(lambda: "XOF" in screen.totals.cards, timeout=WAIT_MS)

    dialog = withdraw_to(qtbot, screen, "5000", IVORIAN_WALLET)
    qtbot.waitUntil(lambda: dialog.outcome_title.text() == "Sent", timeout=WAIT_MS)
    assert dialog.outcome_text.text().startswith("MTN MoMo sent ")
    click(qtbot, dialog.close_button)

    dialog = withdraw_to(qtbot, screen, "1000", NO_MOMO_ACCOUNT)
    qtbot.waitUntil(lambda: dialog.outcome_title.text() == "Not sent", timeout=WAIT_MS)
    assert dialog.outcome_text.text() == (
        "This number has no MTN MoMo account. Your balance was not touched."
    )
    click(qtbot, dialog.close_button)
