"""Sign up, sign in and sign out through the real window and the real bundled server."""

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from studio.core.vault import SERVICE
from studio.startup import Studio
from studio.ui.sign_up import SignUpScreen
from tests.studio.conftest import MemoryKeyring, StudioRunner

PASSWORD = "river-sun-42"


def type_into(qtbot: QtBot, box: QLineEdit, text: str) -> None:
    box.clear()
    qtbot.keyClicks(box, text)


def click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def fill_sign_up(qtbot: QtBot, screen: SignUpScreen, login: str, name: str = "Awa Diop") -> None:
    type_into(qtbot, screen.login_input, login)
    type_into(qtbot, screen.password_input, PASSWORD)
    type_into(qtbot, screen.name_input, name)
    screen.country_box.setCurrentIndex(screen.country_box.findData("SN"))


def sign_up(qtbot: QtBot, studio: Studio, login: str = "awa@example.com") -> None:
    click(qtbot, studio.sign_in.to_sign_up)
    assert studio.window.pages.currentWidget() is studio.sign_up
    fill_sign_up(qtbot, studio.sign_up, login)
    click(qtbot, studio.sign_up.submit)
    qtbot.waitUntil(lambda: studio.window.pages.currentWidget() is studio.shell, timeout=20_000)


def test_a_new_creator_signs_up_and_lands_in_the_studio(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    studio = studios.open()
    assert studio.window.pages.currentWidget() is studio.sign_in
    assert studio.window.sandbox_badge.isVisible()

    sign_up(qtbot, studio)
    assert studio.shell.account.text() == "Awa Diop · Creator"
    assert studio.sign_up.currency_box.currentText() == "XOF"  # follows the country
    for section in ("go_live", "dashboard", "earnings", "chat", "settings"):
        studio.shell.open(section)
        assert studio.shell.content.currentWidget() is studio.shell.sections[section]


def test_bad_input_is_shown_next_to_its_field(qtbot: QtBot, studios: StudioRunner) -> None:
    studio = studios.open()
    click(qtbot, studio.sign_in.to_sign_up)
    screen = studio.sign_up
    fill_sign_up(qtbot, screen, "awa-at-example.com")
    type_into(qtbot, screen.password_input, "short1")
    type_into(qtbot, screen.name_input, "")
    click(qtbot, screen.submit)

    qtbot.waitUntil(lambda: screen.login.error_text != "")
    assert screen.login.error_text.startswith("Write the phone number with its country code")
    assert screen.password.error_text.startswith("Use at least 10 characters")
    assert screen.display_name.error_text == "Enter the name your fans will see."
    assert screen.country.error_text == ""
    assert studio.window.pages.currentWidget() is screen

    type_into(qtbot, screen.login_input, "awa@example")
    type_into(qtbot, screen.password_input, PASSWORD)
    type_into(qtbot, screen.name_input, "Awa")
    click(qtbot, screen.submit)
    qtbot.waitUntil(lambda: screen.login.error_text.startswith("Enter a valid email address"))
    assert screen.password.error_text == ""


def test_a_second_account_with_the_same_email_is_refused(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    studio = studios.open()
    sign_up(qtbot, studio)
    click(qtbot, studio.shell.sign_out)
    qtbot.waitUntil(lambda: studio.window.pages.currentWidget() is studio.sign_in)

    click(qtbot, studio.sign_in.to_sign_up)
    fill_sign_up(qtbot, studio.sign_up, "AWA@example.com", name="Someone Else")
    click(qtbot, studio.sign_up.submit)
    qtbot.waitUntil(lambda: studio.sign_up.login.error_text != "", timeout=20_000)
    assert "already exists" in studio.sign_up.login.error_text
    assert studio.window.pages.currentWidget() is studio.sign_up


def test_sign_out_then_sign_in_with_phone_and_a_wrong_password(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    studio = studios.open()
    sign_up(qtbot, studio, login="+221 77 123 45 67")
    click(qtbot, studio.shell.sign_out)
    qtbot.waitUntil(lambda: studio.window.pages.currentWidget() is studio.sign_in)

    screen = studio.sign_in
    type_into(qtbot, screen.login_input, "+221771234567")
    type_into(qtbot, screen.password_input, "not-my-password-1")
    click(qtbot, screen.submit)
    qtbot.waitUntil(lambda: screen.card.message.text() != "", timeout=20_000)
    assert screen.card.message.text() == "Wrong email, phone number or password."

    type_into(qtbot, screen.password_input, PASSWORD)
    click(qtbot, screen.submit)
    qtbot.waitUntil(lambda: studio.window.pages.currentWidget() is studio.shell, timeout=20_000)
    assert studio.shell.account.text().startswith("Awa Diop")


def test_the_studio_stays_signed_in_across_a_restart(
    qtbot: QtBot, studios: StudioRunner, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    first = studios.open()
    sign_up(qtbot, first)
    studios.close(first)
    stored = json.loads(memory_keyring.secrets[(SERVICE, "sign-in:bundled")])
    for path in tmp_path.rglob("*"):  # settings, the server's data: tokens are in none of them
        if path.is_file():
            content = path.read_bytes()
            assert stored["refresh_token"].encode() not in content, path
            assert stored["access_token"].encode() not in content, path

    second = studios.open()
    assert second.window.pages.currentWidget() is second.shell
    assert second.shell.account.text() == "Awa Diop · Creator"
    click(qtbot, second.shell.sign_out)
    qtbot.waitUntil(lambda: second.window.pages.currentWidget() is second.sign_in)
    studios.close(second)

    third = studios.open()
    assert third.window.pages.currentWidget() is third.sign_in


def test_without_a_keyring_the_studio_says_so_and_forgets_on_restart(
    qtbot: QtBot, studios: StudioRunner, no_keyring: object
) -> None:
    first = studios.open()
    assert first.window.keyring_banner.isVisible()
    assert "no password keyring" in first.window.keyring_banner.text.text()
    sign_up(qtbot, first)
    studios.close(first)

    second = studios.open()
    assert second.window.pages.currentWidget() is second.sign_in
