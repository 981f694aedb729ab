"""How good the picture is: a preset sized for the link, or the creator's own numbers.

The connection test lives here because its only purpose is to choose the
preset: it proposes one, and the creator applies it with one click.
"""

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from studio.core.bandwidth import Bandwidth, total_kbps
from studio.core.quality import DEFAULT_PRESET, PRESETS, Preset
from studio.ui.form import FormField
from studio.ui.go_live.panel import FIELD_HEIGHT, Panel

CUSTOM = "custom"
SIZES = ((640, 360), (854, 480), (1280, 720), (1920, 1080))


def custom_audio_kbps(video_kbps: int) -> int:
    """Audio sized like the nearest preset: thin links keep more room for the picture."""
    return 64 if video_kbps < 800 else 96 if video_kbps < 2000 else 128


class QualityPanel(Panel):
    """`test_requested` asks the screen to run the connection test (it knows the ingest)."""

    test_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proposal: Preset | None = None
        self.preset_box = QComboBox()
        self.preset_field = FormField(self.preset_box)
        self.size_box = QComboBox()
        for width, height in SIZES:
            self.size_box.addItem(f"{width} × {height}", (width, height))
        self.size_box.setCurrentIndex(1)
        self.size_field = FormField(self.size_box)
        self.fps_box = QSpinBox()
        self.fps_box.setRange(10, 60)
        self.fps_box.setValue(30)
        self.fps_field = FormField(self.fps_box)
        self.bitrate_box = QSpinBox()
        self.bitrate_box.setRange(200, 8000)
        self.bitrate_box.setSingleStep(100)
        self.bitrate_box.setValue(1000)
        self.bitrate_field = FormField(self.bitrate_box)
        for spin in (self.fps_box, self.bitrate_box):
            spin.setMinimumHeight(FIELD_HEIGHT)
        self.custom = QWidget()
        custom = QHBoxLayout(self.custom)
        custom.setContentsMargins(0, 0, 0, 0)
        custom.addWidget(self.size_field, 2)
        custom.addWidget(self.fps_field, 1)
        custom.addWidget(self.bitrate_field, 1)
        self.test_button = QPushButton()
        self.test_button.clicked.connect(self.test_requested)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.use_button = QPushButton()
        self.use_button.setProperty("kind", "primary")
        self.use_button.clicked.connect(self._use_proposal)
        self.use_button.hide()
        self.test_note = QLabel()
        self.test_note.setObjectName("hint")
        self.test_note.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.use_button)
        test_row.addStretch(1)
        self.body.addWidget(self.preset_field)
        self.body.addWidget(self.custom)
        self.body.addLayout(test_row)
        self.body.addWidget(self.result)
        self.body.addWidget(self.test_note)
        self.adaptive = QCheckBox()
        """Off by default: a creator who chose 720p keeps 720p unless they ask otherwise."""
        self.body.addWidget(self.adaptive)
        self.keep_copy = QCheckBox()
        """A copy is the creator's replay even when the ingest keeps none (or the link died)."""
        self.body.addWidget(self.keep_copy)
        self.preset_box.currentIndexChanged.connect(self._changed)
        self.testing = False
        self.measured: Bandwidth | None = None
        self.retranslate()
        self.preset_box.setCurrentIndex(self.preset_box.findData(DEFAULT_PRESET))

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Quality"))
        self.preset_field.set_texts(self.tr("Picture quality"))
        chosen = self.preset_box.currentData()
        self.preset_box.blockSignals(True)
        self.preset_box.clear()
        for preset in PRESETS.values():
            megabits = _mbps(total_kbps(preset))
            self.preset_box.addItem(
                self.tr("%1 · %2 Mbit/s").replace("%1", preset.name).replace("%2", megabits),
                preset.name,
            )
        self.preset_box.addItem(self.tr("Custom"), CUSTOM)
        self.preset_box.setCurrentIndex(max(0, self.preset_box.findData(chosen)))
        self.preset_box.blockSignals(False)
        self.size_field.set_texts(self.tr("Resolution"))
        self.fps_field.set_texts(self.tr("Frames per second"))
        self.bitrate_field.set_texts(self.tr("Video (kbit/s)"))
        self.test_button.setText(
            self.tr("Testing your connection…") if self.testing else self.tr("Test my connection")
        )
        # The server gives every test a target fans never see (the sandbox ingest's test
        # application, or a throwaway Mux test stream).
        self.test_note.setText(
            self.tr(
                "The test sends a test pattern to your stream's ingest for about 5 seconds "
                "and measures how much gets through. Your fans don't see it."
            )
        )
        self.adaptive.setText(self.tr("Lower quality automatically when the connection struggles"))
        self.keep_copy.setText(self.tr("Keep a copy of what I send on this computer (Videos)"))
        self._show_result()
        self._changed()

    def chosen(self) -> Preset:
        name = self.preset_box.currentData()
        if name != CUSTOM:
            return PRESETS.get(name, PRESETS[DEFAULT_PRESET])
        width, height = self.size_box.currentData()
        video = self.bitrate_box.value()
        return Preset(CUSTOM, width, height, self.fps_box.value(), video, custom_audio_kbps(video))

    def set_testing(self, testing: bool) -> None:
        self.testing = testing
        self.test_button.setEnabled(not testing)
        self.retranslate()

    def show_bandwidth(self, measured: Bandwidth) -> None:
        self.measured = measured
        self.proposal = measured.proposal
        self.show_message("")
        self._show_result()

    def lock(self, locked: bool) -> None:
        for widget in (
            self.preset_box, self.custom, self.test_button, self.use_button, self.adaptive,
            self.keep_copy,
        ):  # fmt: skip
            widget.setEnabled(not locked and not (widget is self.test_button and self.testing))

    def _show_result(self) -> None:
        measured = self.measured
        self.use_button.setVisible(self.proposal is not None)
        if measured is None:
            self.result.setText("")
            self.result.hide()
            return
        self.result.show()
        speed = _mbps(measured.upstream_kbps)
        upstream = (
            self.tr("Your upload to the ingest: at least %1 Mbit/s.")
            if measured.at_least
            else self.tr("Your upload to the ingest: about %1 Mbit/s.")
        ).replace("%1", speed)
        if self.proposal is None:
            advice = self.tr(
                "That is too little for a steady stream, even at 360p. Try another network."
            )
        else:
            advice = self.tr("We suggest %1.").replace("%1", self.proposal.name)
            self.use_button.setText(self.tr("Use %1").replace("%1", self.proposal.name))
        self.result.setText(f"{upstream} {advice}")

    def _use_proposal(self) -> None:
        if self.proposal is not None:
            self.preset_box.setCurrentIndex(self.preset_box.findData(self.proposal.name))

    def _changed(self, _row: int = 0) -> None:
        self.custom.setVisible(self.preset_box.currentData() == CUSTOM)


def _mbps(kbps: float) -> str:
    """Megabits with one decimal, in the creator's locale's decimal mark."""
    return QLocale().toString(kbps / 1000, "f", 1)
