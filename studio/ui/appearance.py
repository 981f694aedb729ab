"""The app's language and theme, both switchable while it runs.

Switching language swaps the installed QTranslators, which makes Qt send
LanguageChange to every widget; each screen then redraws its words. Themes are
QSS style sheets from `resources/styles`; "system" follows the OS colour scheme.

Nothing here touches the `Qt` namespace before the first window is shown: building
it costs more than the window itself, so the system's shade is read from its palette.
"""

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

import resources

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

LANGUAGES = ("en", "fr")
THEMES = ("system", "light", "dark")


def _translation_files(language: str) -> list[Path]:
    """Ours, then Qt's own (for the standard buttons and dialogs), where they exist."""
    if language == "en":
        return []
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    ours = resources.path("translations", f"studio_{language}.qm")
    return [ours, qt_dir / f"qtbase_{language}.qm"]


def _read_all(paths: list[Path]) -> list[bytes]:
    return [path.read_bytes() for path in paths if path.exists()]


class Appearance:
    """Holds the installed translators and the applied style sheet of one QApplication."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.language = "en"
        self.theme = "system"
        self._translators: list[QTranslator] = []
        self._translation_data: list[bytes] = []
        self._sheets: dict[str, str] = {}
        window = app.palette().color(QPalette.ColorRole.Window)  # the system's, not yet ours
        self._system_shade = "dark" if window.lightness() < 128 else "light"
        if app.style().name() != "fusion":  # the default on Linux; elsewhere, for one look
            app.setStyle("Fusion")

    @property
    def shade(self) -> str:
        """The theme actually shown: "light" or "dark"."""
        return self._system_shade if self.theme == "system" else self.theme

    def follow_system(self) -> None:
        """From now on, a change of the OS colour scheme re-themes a "system" studio."""
        self.app.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    def apply_now(self, language: str, theme: str) -> None:
        """At start-up, before the event loop runs: read the few small files directly."""
        icons = resources.path("icons").as_posix() + "/"  # QSS urls are relative to the cwd
        sheets = {shade: resources.path("styles", f"{shade}.qss") for shade in ("light", "dark")}
        self._sheets = {
            shade: path.read_text("utf-8").replace("@icons/", icons)
            for shade, path in sheets.items()
        }
        self._install(language, _read_all(_translation_files(language)))
        self.set_theme(theme)

    async def set_language(self, language: str) -> None:
        if language != self.language:
            data = await asyncio.to_thread(_read_all, _translation_files(language))
            self._install(language, data)

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        self._show(self.shade)

    def _install(self, language: str, data: list[bytes]) -> None:
        for translator in self._translators:
            self.app.removeTranslator(translator)
        self._translators, self._translation_data = [], data  # Qt reads this memory later
        for blob in data:
            translator = QTranslator(self.app)
            if translator.load(blob):
                self.app.installTranslator(translator)
                self._translators.append(translator)
        self.language = language
        QLocale.setDefault(QLocale(language))

    def _show(self, shade: str) -> None:
        self.app.setPalette(_palette(shade))
        self.app.setStyleSheet(self._sheets.get(shade, ""))

    def _system_scheme_changed(self, scheme: "Qt.ColorScheme") -> None:
        self._system_shade = "dark" if scheme.name == "Dark" else "light"
        if self.theme == "system":
            self._show(self.shade)


def _palette(shade: str) -> QPalette:
    """Colours for what the style sheet does not reach (menus, pop-ups, scroll bars)."""
    window, base, text, accent = (
        ("#F6F4F1", "#FFFFFF", "#1E1F22", "#C2410C")
        if shade == "light"
        else ("#141518", "#1D1F23", "#ECEAE6", "#FB8C3C")
    )
    palette = QPalette()
    role = QPalette.ColorRole
    for name, colour in (
        (role.Window, window), (role.Base, base), (role.AlternateBase, window),
        (role.Button, base), (role.ToolTipBase, base), (role.WindowText, text),
        (role.Text, text), (role.ButtonText, text), (role.ToolTipText, text),
        (role.Highlight, accent), (role.HighlightedText, base), (role.Link, accent),
    ):
        palette.setColor(name, QColor(colour))
    return palette
