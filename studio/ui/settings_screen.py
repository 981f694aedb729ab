"""Settings: which server to use, which ffmpeg streams, the language, the theme.

Changes are saved at once (the server address and the ffmpeg when the user
confirms them; an ffmpeg must first answer `-version`);
the rest of the app reacts to the settings' `changed` event.
"""

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import FlashError
from studio.core.ffmpeg_check import ffmpeg_version
from studio.core.settings import FFMPEG_PATH, LANGUAGE, SERVER_URL, THEME, Setting, StudioSettings
from studio.ui.async_slot import async_slot
from studio.ui.form import FormField
from studio.ui.messages import field_message
from studio.ui.screen import Screen
from studio.ui.sign_up import LANGUAGE_NAMES


class SettingsScreen(Screen):
    """One instance lives in the app shell, another before sign-in (with a Back button)."""

    back_requested = Signal()

    def __init__(self, settings: StudioSettings, *, data_dir: Path, with_back: bool) -> None:
        super().__init__()
        self.settings = settings
        self.data_dir = data_dir
        self.back = QPushButton()
        self.back.setProperty("kind", "link")
        self.back.setVisible(with_back)
        self.back.clicked.connect(self.back_requested)
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.server_title = QLabel()
        self.server_title.setObjectName("sectionTitle")
        self.server_input = QLineEdit()
        self.server = FormField(self.server_input)
        self.apply_server = QPushButton()
        self.apply_server.setProperty("kind", "primary")
        self.server_in_use = QLabel()
        self.server_in_use.setObjectName("hint")
        self.server_in_use.setWordWrap(True)
        self.ffmpeg_title = QLabel()
        self.ffmpeg_title.setObjectName("sectionTitle")
        self.ffmpeg_input = QLineEdit()
        self.ffmpeg = FormField(self.ffmpeg_input)
        self.apply_ffmpeg = QPushButton()
        self.ffmpeg_in_use = QLabel()
        self.ffmpeg_in_use.setObjectName("hint")
        self.ffmpeg_in_use.setWordWrap(True)
        self.ffmpeg_version = ""
        """The `-version` line of the ffmpeg last checked here ('' for the bundled one)."""
        self.look_title = QLabel()
        self.look_title.setObjectName("sectionTitle")
        self.language_box = QComboBox()
        for code, name in LANGUAGE_NAMES.items():
            self.language_box.addItem(name, code)
        self.language = FormField(self.language_box)
        self.theme_box = QComboBox()
        self.theme = FormField(self.theme_box)
        self.data_note = QLabel()
        self.data_note.setObjectName("hint")
        self.data_note.setWordWrap(True)

        content = QWidget()
        content.setMaximumWidth(640)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(40, 32, 40, 32)
        layout.setSpacing(14)
        layout.addWidget(self.back)
        layout.addWidget(self.title)
        layout.addWidget(self.server_title)
        layout.addWidget(self.server)
        apply_row = QHBoxLayout()
        apply_row.addWidget(self.apply_server)
        apply_row.addStretch(1)
        layout.addLayout(apply_row)
        layout.addWidget(self.server_in_use)
        layout.addWidget(self.ffmpeg_title)
        layout.addWidget(self.ffmpeg)
        ffmpeg_row = QHBoxLayout()
        ffmpeg_row.addWidget(self.apply_ffmpeg)
        ffmpeg_row.addStretch(1)
        layout.addLayout(ffmpeg_row)
        layout.addWidget(self.ffmpeg_in_use)
        layout.addWidget(self.look_title)
        layout.addWidget(self.language)
        layout.addWidget(self.theme)
        layout.addWidget(self.data_note)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setObjectName("settingsScroll")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.apply_server.clicked.connect(self.save_server)
        self.server_input.returnPressed.connect(self.save_server)
        self.apply_ffmpeg.clicked.connect(self.save_ffmpeg)
        self.ffmpeg_input.returnPressed.connect(self.save_ffmpeg)
        self.language_box.currentIndexChanged.connect(self.choose_language)
        self.theme_box.currentIndexChanged.connect(self.choose_theme)
        settings.changed.connect(self._setting_changed)
        self.retranslate()
        self._show_values()

    def retranslate(self) -> None:
        self.back.setText(self.tr("← Back to sign in"))
        self.title.setText(self.tr("Settings"))
        self.server_title.setText(self.tr("Server"))
        self.server.set_texts(
            self.tr("Server address"),
            self.tr(
                "Leave empty to use the server built into the studio: it runs on this "
                "computer, works without internet, and simulates payments (sandbox)."
            ),
        )
        self.server_input.setPlaceholderText(self.tr("https://your-server.example"))
        self.apply_server.setText(self.tr("Use this server"))
        self.ffmpeg_title.setText(self.tr("Video encoder"))
        self.ffmpeg.set_texts(
            self.tr("ffmpeg program"),
            self.tr(
                "Leave empty to use the ffmpeg built into the studio. Or give the full path "
                "of an ffmpeg on this computer, for example one that uses your graphics card."
            ),
        )
        self.ffmpeg_input.setPlaceholderText(self.tr("Built into the studio"))
        self.apply_ffmpeg.setText(self.tr("Use this ffmpeg"))
        self.look_title.setText(self.tr("Language and appearance"))
        self.language.set_texts(self.tr("Language"))
        self.theme.set_texts(self.tr("Theme"))
        self.theme_box.blockSignals(True)
        self.theme_box.clear()
        for code, name in (
            ("system", self.tr("Follow my system")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme_box.addItem(name, code)
        self.theme_box.blockSignals(False)
        self.data_note.setText(
            self.tr("The built-in server keeps your accounts and streams in %1.").replace(
                "%1", str(self.data_dir)
            )
        )
        self._show_values()

    @async_slot
    async def save_server(self) -> None:
        self.server.set_error("")
        try:
            await self.settings.set(SERVER_URL, self.server_input.text())
        except FlashError as error:
            self.server.set_error(field_message(SERVER_URL.key, error.message))
            return
        self.server_input.setText(self.settings.get(SERVER_URL))
        self._show_values()

    @async_slot
    async def save_ffmpeg(self) -> None:
        """Check that the program runs as ffmpeg before anything streams with it."""
        self.ffmpeg.set_error("")
        path = self.ffmpeg_input.text().strip()
        self.apply_ffmpeg.setEnabled(False)
        try:
            version = await ffmpeg_version(path) if path else ""
            await self.settings.set(FFMPEG_PATH, path)
        except FlashError as error:
            self.ffmpeg.set_error(self._ffmpeg_message(error, path))
            return
        finally:
            self.apply_ffmpeg.setEnabled(True)
        self.ffmpeg_version = version.split(" Copyright")[0]
        self.ffmpeg_input.setText(path)
        self._show_values()

    def _ffmpeg_message(self, error: FlashError, path: str) -> str:
        if error.code == "ffmpeg_broken":
            return self.tr(
                "This program did not answer like ffmpeg (ffmpeg -version). Choose the ffmpeg "
                "program itself, or leave the field empty."
            )
        return self.tr("There is no file at %1. Give the full path of the ffmpeg program.").replace(
            "%1", path
        )

    @async_slot
    async def choose_language(self) -> None:
        await self.settings.set(LANGUAGE, self.language_box.currentData())

    @async_slot
    async def choose_theme(self) -> None:
        await self.settings.set(THEME, self.theme_box.currentData())

    def _setting_changed(self, _setting: Setting[Any]) -> None:
        self._show_values()

    def _show_values(self) -> None:
        """Show the stored values without firing the change handlers again."""
        url = self.settings.get(SERVER_URL)
        if not self.server_input.hasFocus():
            self.server_input.setText(url)
        self.server_in_use.setText(
            self.tr("In use: %1").replace("%1", url)
            if url
            else self.tr("In use: the built-in server on this computer.")
        )
        ffmpeg = self.settings.get(FFMPEG_PATH)
        if not self.ffmpeg_input.hasFocus():
            self.ffmpeg_input.setText(ffmpeg)
        self.ffmpeg_in_use.setText(
            self.tr("In use: %1").replace("%1", f"{ffmpeg} ({self.ffmpeg_version})")
            if ffmpeg and self.ffmpeg_version
            else self.tr("In use: %1").replace("%1", ffmpeg)
            if ffmpeg
            else self.tr("In use: the ffmpeg built into the studio.")
        )
        for box, setting in ((self.language_box, LANGUAGE), (self.theme_box, THEME)):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(self.settings.get(setting))))
            box.blockSignals(False)
