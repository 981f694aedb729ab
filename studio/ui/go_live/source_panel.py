"""What to stream: the test pattern, a screen, a camera and microphone, or a video file.

Devices are discovered once, when the screen is first shown, by asking ffmpeg
(`studio.core.devices`) in a child process the UI awaits; they are listed by
the names the creator knows.
"""

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from studio.core.devices import Device, list_devices
from studio.core.encoder import ffmpeg_executable
from studio.core.sources import Camera, Screen, Source, TestPattern, VideoFile
from studio.ui.form import FormField
from studio.ui.go_live.panel import Panel
from studio.ui.go_live.preview import PreviewView

KINDS = ("test_pattern", "screen", "camera", "file")


class SourcePanel(Panel):
    """Emits `source_changed` with the chosen `Source` (None while it is incomplete)."""

    source_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.devices: list[Device] = []
        self.discovered = False
        self.file: Path | None = None
        self.kind_box = QComboBox()
        self.kind_field = FormField(self.kind_box)
        self.screen_box = QComboBox()
        self.screen_field = FormField(self.screen_box)
        self.camera_box = QComboBox()
        self.camera_field = FormField(self.camera_box)
        self.microphone_box = QComboBox()
        self.microphone_field = FormField(self.microphone_box)
        self.file_label = QLabel()
        self.file_label.setObjectName("hint")
        self.file_label.setWordWrap(True)
        self.file_button = QPushButton()
        self.file_button.clicked.connect(self._choose_file)
        self.file_row = QWidget()
        file_layout = QHBoxLayout(self.file_row)
        file_layout.setContentsMargins(0, 0, 0, 0)
        file_layout.addWidget(self.file_label, 1)
        file_layout.addWidget(self.file_button)
        self.preview = PreviewView()
        for widget in (
            self.kind_field,
            self.screen_field,
            self.camera_field,
            self.microphone_field,
            self.file_row,
        ):
            self.body.addWidget(widget)
        self.body.addWidget(self.preview)
        for box in (self.kind_box, self.screen_box, self.camera_box, self.microphone_box):
            box.currentIndexChanged.connect(self._changed)
        self.retranslate()
        self._changed()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Source"))
        self.kind_field.set_texts(self.tr("What to stream"))
        names = {
            "test_pattern": self.tr("Test pattern (rehearsal)"),
            "screen": self.tr("My screen"),
            "camera": self.tr("Camera"),
            "file": self.tr("A video file"),
        }
        self.kind_box.blockSignals(True)
        chosen = self.kind_box.currentData()
        self.kind_box.clear()
        for kind in KINDS:
            self.kind_box.addItem(names[kind], kind)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(chosen)))
        self.kind_box.blockSignals(False)
        self.screen_field.set_texts(self.tr("Screen"))
        self.camera_field.set_texts(self.tr("Camera"))
        self.microphone_field.set_texts(self.tr("Microphone"))
        self.file_button.setText(self.tr("Choose a file…"))
        self.file_label.setText(str(self.file) if self.file else self.tr("No file chosen"))
        self._fill_devices()
        self.preview.retranslate()

    async def discover(self) -> None:
        """List this machine's devices once (ffmpeg runs as a child; the UI stays free)."""
        if self.discovered:
            return
        self.discovered = True
        self.devices = await list_devices(ffmpeg_executable(self.preview.core.ffmpeg))
        self._fill_devices()
        self._changed()

    def source(self) -> Source | None:
        kind = self.kind_box.currentData()
        microphone = self.microphone_box.currentData()
        if kind == "screen" and self.screen_box.currentData() is not None:
            return Screen(self.screen_box.currentData(), microphone)
        if kind == "camera" and self.camera_box.currentData() is not None:
            return Camera(self.camera_box.currentData(), microphone)
        if kind == "file" and self.file is not None:
            return VideoFile(self.file)
        if kind == "test_pattern":
            return TestPattern()
        return None

    def missing(self) -> str:
        """Why `source()` is None, in words for the creator ('' when there is a source)."""
        kind = self.kind_box.currentData()
        if self.source() is not None:
            return ""
        if kind == "file":
            return self.tr("Choose a video file to stream.")
        if not self.discovered:
            return self.tr("Looking for your devices…")
        if kind == "camera":
            return self.tr("No camera found. Plug one in, then come back to this screen.")
        return self.tr("No screen can be captured here (a Wayland session without X11?).")

    def lock(self, locked: bool) -> None:
        for widget in (self.kind_box, self.screen_box, self.camera_box, self.microphone_box,
                       self.file_button):  # fmt: skip
            widget.setEnabled(not locked)

    def select_file(self, path: Path) -> None:
        self.file = path
        self.file_label.setText(str(path))
        self._changed()

    def _fill_devices(self) -> None:
        lists = (
            (self.screen_box, "screen", None),
            (self.camera_box, "camera", None),
            (self.microphone_box, "microphone", self.tr("No microphone (silence)")),
        )
        for box, kind, empty in lists:
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            if empty is not None:
                box.addItem(empty, None)
            for device in self.devices:
                if device.kind == kind:
                    box.addItem(device.name, device.input)
            if box.count() == 0:
                box.addItem(self.tr("None found") if self.discovered else self.tr("Looking…"))
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)

    def _changed(self, _row: int = 0) -> None:
        kind = self.kind_box.currentData()
        self.screen_field.setVisible(kind == "screen")
        self.camera_field.setVisible(kind == "camera")
        self.microphone_field.setVisible(kind in ("screen", "camera"))
        self.file_row.setVisible(kind == "file")
        self.show_message(self.missing() if kind != "file" or self.file else "")
        self.source_changed.emit(self.source())

    def _choose_file(self) -> None:
        """A non-modal dialog: the event loop (and a live stream's stats) keeps running."""
        dialog = QFileDialog(self, self.tr("Choose a video to stream"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(self.tr("Videos (*.mp4 *.mov *.mkv *.webm *.avi *.flv)"))
        dialog.fileSelected.connect(lambda name: self.select_file(Path(name)))
        dialog.open()
