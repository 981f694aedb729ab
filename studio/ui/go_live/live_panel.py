"""The Go Live button, what the encoder is doing, and how the stream is going.

The health row answers "is it my computer or my connection?": encoder speed
below 1× or a busy encoder CPU means the computer, dropped frames at full
speed mean the link. The viewers count is what keeps a creator going.

Failures sit on one line right next to the button, where the creator's eyes
already are; a drop while live is told calmly, with a counter, because the
encoder is already reconnecting on its own.
"""

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from server.contract.streams import StreamStatus
from studio.core.encoder import EncoderState, EncoderStatus
from studio.core.ffmpeg_output import EncoderStats
from studio.ui.go_live.panel import Panel
from studio.ui.go_live.reasons import translated_reason

BADGE_COLOURS = {
    "idle": "#4B5563",
    EncoderState.CONNECTING: "#1D4ED8",
    EncoderState.LIVE: "#B91C1C",
    EncoderState.RECONNECTING: "#B45309",
    EncoderState.FAILED: "#7F1D1D",
}
"""White text on these reads well on both themes' backgrounds."""
_STATS_PER_ROW = 4


class LivePanel(Panel):
    """Shows; the screen decides. Buttons: `go_button`, `finish_button`, `keep_button`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = EncoderStatus(EncoderState.STOPPED)
        self.stats = EncoderStats()
        self.server_status: StreamStatus | None = None
        self.on_air_s = 0
        self.reconnecting_s = 0
        self.drops = 0
        self.busy = False
        self.encoder_cpu: float | None = None
        self.viewers: int | None = None
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setMinimumWidth(120)
        self.state_text = QLabel()
        self.state_text.setWordWrap(True)
        self.go_button = QPushButton()
        self.go_button.setProperty("kind", "primary")
        self.go_button.setMinimumWidth(150)
        self.reason = QLabel()
        self.reason.setObjectName("fieldError")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.hide()
        top = QHBoxLayout()
        top.addWidget(self.badge)
        top.addWidget(self.state_text, 1)
        top.addWidget(self.reason, 2)
        top.addWidget(self.go_button)
        self.body.addLayout(top)

        self.stat_names: list[QLabel] = []
        self.bitrate = QLabel("—")
        self.fps = QLabel("—")
        self.dropped = QLabel("—")
        self.speed = QLabel("—")
        self.cpu = QLabel("—")
        self.duration = QLabel("—")
        self.server = QLabel("—")
        self.viewers_value = QLabel("—")
        values = (self.bitrate, self.fps, self.dropped, self.speed, self.cpu, self.duration,
                  self.server, self.viewers_value)  # fmt: skip
        grid = QGridLayout()
        grid.setHorizontalSpacing(28)
        for index, value in enumerate(values):  # two rows of four: fits a laptop, in French too
            name = QLabel()
            name.setObjectName("hint")
            self.stat_names.append(name)
            value.setObjectName("statValue")
            row, column = divmod(index, _STATS_PER_ROW)
            grid.addWidget(name, row * 2, column)
            grid.addWidget(value, row * 2 + 1, column)
        grid.setColumnStretch(_STATS_PER_ROW, 1)
        self.body.addLayout(grid)
        self.notice = QLabel()
        self.notice.setObjectName("hint")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.body.addWidget(self.notice)
        self.lowered_to: str | None = None
        self.copy_note = QLabel()
        self.copy_note.setObjectName("hint")
        self.copy_note.setWordWrap(True)
        self.copy_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_note.hide()
        self.body.addWidget(self.copy_note)
        self.copy_folder: str | None = None
        """Where this broadcast's local copy goes (None: no copy kept)."""
        """The preset the studio stepped down to by itself during this broadcast."""

        self.ended = QWidget()
        self.ended_text = QLabel()
        self.ended_text.setWordWrap(True)
        self.finish_button = QPushButton()
        self.finish_button.setProperty("kind", "primary")
        self.keep_button = QPushButton()
        ended = QHBoxLayout(self.ended)
        ended.setContentsMargins(0, 4, 0, 0)
        ended.addWidget(self.ended_text, 1)
        ended.addWidget(self.keep_button)
        ended.addWidget(self.finish_button)
        self.ended.hide()
        self.body.addWidget(self.ended)
        self.retranslate()

    @property
    def on_air(self) -> bool:
        """The encoder is running: the button ends rather than starts."""
        return self.status.state in (
            EncoderState.CONNECTING, EncoderState.LIVE, EncoderState.RECONNECTING
        )  # fmt: skip

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Broadcast"))
        names = (self.tr("Bitrate"), self.tr("Frames/s"), self.tr("Dropped frames"),
                 self.tr("Encoder speed"), self.tr("Encoder CPU"), self.tr("Time on air"),
                 self.tr("Server sees"), self.tr("Viewers"))  # fmt: skip
        for label, name in zip(self.stat_names, names, strict=True):
            label.setText(name)
        self.ended_text.setText(
            self.tr("Your encoder has stopped. End the broadcast for your viewers, "
                    "or keep the stream to come back on it later?")
        )  # fmt: skip
        self.finish_button.setText(self.tr("End the broadcast"))
        self.keep_button.setText(self.tr("Keep the stream for later"))
        self._show()

    def show_status(self, status: EncoderStatus) -> None:
        if status.state == EncoderState.CONNECTING and not self.on_air:
            self.on_air_s, self.drops, self.stats = 0, 0, EncoderStats()
            self.encoder_cpu = None
            self.lowered_to = None
        if status.state == EncoderState.RECONNECTING and self.status.state != status.state:
            self.drops += 1
            self.reconnecting_s = 0
        self.status = status
        self._show()

    def show_stats(self, stats: EncoderStats) -> None:
        self.stats = stats
        self._show()

    def show_encoder_cpu(self, percent: float | None) -> None:
        """The encoder's share of the whole computer (None: not measured yet)."""
        self.encoder_cpu = percent
        self._show()

    def show_quality_lowered(self, preset_name: str) -> None:
        """Said once, plainly, so a softer picture never looks like a fault of the studio."""
        self.lowered_to = preset_name
        self._show()

    def show_copy_folder(self, folder: str | None) -> None:
        self.copy_folder = folder
        self._show()

    def show_viewers(self, count: int | None) -> None:
        self.viewers = count
        self._show()

    def show_server_status(self, status: StreamStatus | None) -> None:
        self.server_status = status
        self._show()

    def tick(self) -> None:
        """Once a second while on air: the clocks move even when ffmpeg is quiet."""
        if self.status.state == EncoderState.LIVE:
            self.on_air_s += 1
        elif self.status.state == EncoderState.RECONNECTING:
            self.reconnecting_s += 1
        self._show()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._show()

    def _show(self) -> None:
        state = self.status.state
        key = state if state in BADGE_COLOURS else "idle"
        self.badge.setText(self._badge_text(state))
        self.badge.setStyleSheet(
            f"background: {BADGE_COLOURS[key]}; color: #FFFFFF; font-weight: 600;"
            "border-radius: 6px; padding: 6px 12px;"
        )
        self.state_text.setText(self._state_text(state))
        self.go_button.setText(self.tr("End") if self.on_air else self.tr("Go live"))
        self.go_button.setEnabled(not self.busy)
        failed = state == EncoderState.FAILED and bool(self.status.reason)
        self.reason.setText(translated_reason(self.status.reason or "") if failed else "")
        self.reason.setVisible(failed)
        locale = QLocale()
        live = self.on_air and self.stats.frame > 0
        self.bitrate.setText(
            self.tr("%1 kbit/s").replace("%1", locale.toString(round(self.stats.bitrate_kbps or 0)))
            if live else "—"
        )  # fmt: skip
        self.fps.setText(locale.toString(self.stats.fps, "f", 0) if live else "—")
        self.dropped.setText(locale.toString(self.stats.dropped_frames) if live else "—")
        speed = self.stats.speed
        self.speed.setText(
            self.tr("%1×").replace("%1", locale.toString(speed, "f", 2))
            if live and speed is not None else "—"
        )  # fmt: skip
        cpu = self.encoder_cpu
        self.cpu.setText(
            self.tr("%1 %").replace("%1", locale.toString(cpu, "f", 0))
            if self.on_air and cpu is not None else "—"
        )  # fmt: skip
        self.notice.setVisible(self.lowered_to is not None and self.on_air)
        self.notice.setText(
            self.tr(
                "Your connection or computer could not keep up, so the studio lowered the "
                "quality to %1. Your viewers now get a smoother picture."
            ).replace("%1", self.lowered_to or "")
        )
        self.copy_note.setVisible(self.copy_folder is not None)
        self.copy_note.setText(
            self.tr("A copy of what you send is saved in %1.").replace("%1", self.copy_folder or "")
        )
        self.viewers_value.setText(
            locale.toString(self.viewers) if self.viewers is not None else "—"
        )
        self.duration.setText(_clock(self.on_air_s) if self.on_air_s else "—")
        self.server.setText(self._server_text())

    def _badge_text(self, state: EncoderState) -> str:
        return {
            EncoderState.CONNECTING: self.tr("CONNECTING"),
            EncoderState.LIVE: self.tr("LIVE"),
            EncoderState.RECONNECTING: self.tr("RECONNECTING"),
            EncoderState.FAILED: self.tr("NOT LIVE"),
        }.get(state, self.tr("OFF AIR"))

    def _state_text(self, state: EncoderState) -> str:
        if state == EncoderState.CONNECTING:
            return self.tr("Connecting to the ingest…")
        if state == EncoderState.LIVE:
            return self.tr("You are live.")
        if state == EncoderState.RECONNECTING:
            return (
                self.tr(
                    "Connection lost. The studio is reconnecting on its own: %1 s. "
                    "Drops so far: %2."
                )
                .replace("%1", str(self.reconnecting_s))
                .replace("%2", str(self.drops))
            )
        if state == EncoderState.FAILED:
            return self.tr("The stream did not start.")
        return self.tr("Ready when you are.")

    def _server_text(self) -> str:
        names = {
            StreamStatus.IDLE: self.tr("Waiting"),
            StreamStatus.ACTIVE: self.tr("Live"),
            StreamStatus.DISCONNECTED: self.tr("Disconnected"),
            StreamStatus.COMPLETED: self.tr("Ended"),
            StreamStatus.DISABLED: self.tr("Disabled"),
        }
        return names.get(self.server_status, "—") if self.server_status else "—"


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
