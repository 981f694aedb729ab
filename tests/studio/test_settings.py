"""Settings: one typed list in a JSON file; language and theme switch while the app runs."""

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from studio.core.encoder import ffmpeg_executable
from studio.core.errors import InvalidInput
from studio.core.ffmpeg_check import ffmpeg_version
from studio.core.settings import FFMPEG_PATH, LANGUAGE, SERVER_URL, SETTINGS, THEME, StudioSettings
from studio.ui.main_window import MainWindow
from studio.ui.settings_screen import SettingsScreen
from tests.studio.conftest import StudioRunner, finish
from tests.support.system_ffmpeg import SystemFfmpeg, not_ffmpeg


def test_defaults_when_there_is_no_file(tmp_path: Path) -> None:
    settings = StudioSettings.load(tmp_path / "studio.json")
    assert settings.get(SERVER_URL) == ""
    assert settings.get(THEME) == "system"
    assert settings.get(LANGUAGE) in ("en", "fr")
    assert settings.problems == []


def test_a_wrong_value_in_the_file_falls_back_and_names_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "studio.json"
    path.write_text(json.dumps({"theme": "purple", "language": "fr", "server_url": 42}))
    settings = StudioSettings.load(path)
    assert settings.get(THEME) == "system" and settings.get(LANGUAGE) == "fr"
    assert settings.get(SERVER_URL) == ""
    assert [p.split(":")[0] for p in settings.problems] == ["server_url", "theme"]


def test_an_unreadable_file_means_defaults(tmp_path: Path) -> None:
    path = tmp_path / "studio.json"
    path.write_text("{ not json")
    settings = StudioSettings.load(path)
    assert settings.get(THEME) == "system" and len(settings.problems) == 1


async def test_values_are_checked_saved_and_announced(tmp_path: Path) -> None:
    path = tmp_path / "config" / "studio.json"
    settings = StudioSettings.load(path)
    changed: list[str] = []
    settings.changed.connect(lambda setting: changed.append(setting.key))

    await settings.set(SERVER_URL, " https://flash.example/ ")
    await settings.set(THEME, "dark")
    await settings.set(THEME, "dark")  # no change, no announcement
    with pytest.raises(InvalidInput) as wrong:
        await settings.set(THEME, "purple")
    assert "theme" in wrong.value.fields
    with pytest.raises(InvalidInput):
        await settings.set(SERVER_URL, "flash.example")

    assert changed == ["server_url", "theme"]
    stored = json.loads(path.read_text())
    assert set(stored) == {setting.key for setting in SETTINGS}
    assert (stored["server_url"], stored["theme"]) == ("https://flash.example", "dark")
    assert StudioSettings.load(path).get(SERVER_URL) == "https://flash.example"


def test_french_is_chosen_in_settings_and_every_screen_follows(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    studio = studios.open()
    assert studio.sign_in.card.title.text() == "Welcome back"
    studio.sign_in.to_settings.click()
    screen = studio.early_settings
    screen.language_box.setCurrentIndex(screen.language_box.findData("fr"))

    qtbot.waitUntil(lambda: screen.title.text() == "Paramètres")
    assert studio.window.sandbox_badge.text() == "Bac à sable"
    assert studio.window.server_label.text() == "Connecté au serveur intégré"
    assert studio.sign_in.card.title.text() == "Bon retour"
    assert studio.shell.navigation.item(2).text() == "Revenus"
    assert studio.sign_up.country_box.itemText(0) == "Choisissez votre pays"
    assert studio.sign_up.country_box.findText("Sénégal") > 0
    shell_settings = studio.shell.sections["settings"]
    assert isinstance(shell_settings, SettingsScreen)
    assert shell_settings.language_box.currentData() == "fr"  # both settings screens agree
    studio.sign_in.login_input.clear()
    studio.sign_in.submit.click()
    qtbot.waitUntil(lambda: studio.sign_in.login.error_text != "")
    assert studio.sign_in.login.error_text == "Saisissez votre e-mail ou votre numéro de téléphone."

    studios.close(studio)
    again = studios.open()
    assert again.sign_in.card.title.text() == "Bon retour"  # remembered across restarts
    again.early_settings.language_box.setCurrentIndex(
        again.early_settings.language_box.findData("en")
    )
    qtbot.waitUntil(lambda: again.sign_in.card.title.text() == "Welcome back")


def background_of(window: MainWindow) -> QColor:
    """The colour a user sees in the middle of the window."""
    image = window.grab().toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2)


def test_the_theme_switches_between_light_and_dark(qtbot: QtBot, studios: StudioRunner) -> None:
    studio = studios.open()
    screen = studio.early_settings
    studio.window.show_page(screen)

    screen.theme_box.setCurrentIndex(screen.theme_box.findData("dark"))
    qtbot.waitUntil(lambda: background_of(studio.window).lightness() < 60)
    assert studio.appearance.shade == "dark"

    screen.theme_box.setCurrentIndex(screen.theme_box.findData("light"))
    qtbot.waitUntil(lambda: background_of(studio.window).lightness() > 200)
    assert studio.appearance.shade == "light"
    finish(qtbot, studio.settings.set(THEME, "system"))
    assert studio.appearance.shade in ("light", "dark")


async def test_an_ffmpeg_path_must_name_a_file_that_answers_like_ffmpeg(tmp_path: Path) -> None:
    assert (await ffmpeg_version(ffmpeg_executable())).startswith("ffmpeg version")
    with pytest.raises(InvalidInput) as missing:
        await ffmpeg_version(str(tmp_path / "nothing-here"))
    assert missing.value.code == "ffmpeg_missing" and "ffmpeg_path" in missing.value.fields
    with pytest.raises(InvalidInput) as other:
        await ffmpeg_version(str(not_ffmpeg(tmp_path)))
    assert other.value.code == "ffmpeg_broken"

    settings = StudioSettings.load(tmp_path / "studio.json")
    assert settings.get(FFMPEG_PATH) == ""  # the bundled one
    with pytest.raises(InvalidInput):
        await settings.set(FFMPEG_PATH, str(tmp_path / "nothing-here"))
    await settings.set(FFMPEG_PATH, f" {ffmpeg_executable()} ")
    assert StudioSettings.load(settings.path).get(FFMPEG_PATH) == ffmpeg_executable()


def test_a_removed_ffmpeg_falls_back_to_the_bundled_one_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "studio.json"
    path.write_text(json.dumps({"ffmpeg_path": str(tmp_path / "uninstalled/ffmpeg")}))
    settings = StudioSettings.load(path)
    assert settings.get(FFMPEG_PATH) == ""
    assert [p.split(":")[0] for p in settings.problems] == ["ffmpeg_path"]


def test_an_ffmpeg_chosen_in_settings_is_checked_then_used_by_go_live(
    qtbot: QtBot, studios: StudioRunner, tmp_path: Path
) -> None:
    studio = studios.open()
    screen = studio.early_settings
    studio.window.show_page(screen)
    go_live = studio.shell.go_live
    assert go_live.ffmpeg == ffmpeg_executable()

    screen.ffmpeg_input.setText(str(tmp_path / "nothing-here"))
    screen.apply_ffmpeg.click()
    qtbot.waitUntil(lambda: screen.ffmpeg.error_text != "")
    assert screen.ffmpeg.error_text.startswith("There is no file at ")
    screen.ffmpeg_input.setText(str(not_ffmpeg(tmp_path)))
    screen.apply_ffmpeg.click()
    qtbot.waitUntil(lambda: "did not answer like ffmpeg" in screen.ffmpeg.error_text)
    assert studio.settings.get(FFMPEG_PATH) == ""

    system = SystemFfmpeg(tmp_path / "bin")
    screen.ffmpeg_input.setText(str(system.path))
    screen.apply_ffmpeg.click()
    qtbot.waitUntil(lambda: studio.settings.get(FFMPEG_PATH) == str(system.path))
    assert screen.ffmpeg.error_text == ""
    assert screen.ffmpeg_in_use.text().startswith(f"In use: {system.path} (ffmpeg version")
    assert go_live.ffmpeg == str(system.path)
    assert go_live.sources.preview.core.ffmpeg == str(system.path)

    screen.ffmpeg_input.setText("")
    screen.apply_ffmpeg.click()
    qtbot.waitUntil(lambda: studio.settings.get(FFMPEG_PATH) == "")
    assert go_live.ffmpeg == ffmpeg_executable()
    assert screen.ffmpeg_in_use.text() == "In use: the ffmpeg built into the studio."
