"""The Dashboard while live: which stream, who watches now, what it has earned, and alerts.

Figures come from the live room (chat events as they happen, REST for the history
and the earnings summary); every call is awaited, never blocking the window.
"""

import asyncio
import logging

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from server.contract.chat import SubscriberEvent, TipEvent, Viewers
from server.contract.earnings import StreamTotals
from server.contract.streams import Stream
from studio.core.errors import FlashError
from studio.core.live_room import LiveRoom
from studio.core.settings import ALERT_SOUND, StudioSettings
from studio.ui.async_slot import async_slot
from studio.ui.chat.money import format_money
from studio.ui.chat.words import fill
from studio.ui.dashboard.sparkline import Sparkline
from studio.ui.dashboard.toasts import ToastStack
from studio.ui.screen import Screen

log = logging.getLogger("studio")
RECENT_TIPS = 5


def _count(value: int) -> str:
    """Counts with the language's digit grouping (1,204 / 1 204)."""
    return QLocale().toString(value)


def _card() -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(18, 14, 18, 14)
    layout.setSpacing(6)
    return card, layout


def _label(name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel()
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class DashboardScreen(Screen):
    """Stream picker, viewers and their curve, this stream's takings, recent tips, toasts."""

    def __init__(self) -> None:
        super().__init__()
        self.room: LiveRoom | None = None
        self.settings: StudioSettings | None = None
        self.viewers_now = 0
        self.peak = 0
        self.totals: list[StreamTotals] = []
        self.recent: list[TipEvent] = []
        self._loading: asyncio.Future[None] | None = None
        self._shown_id = ""

        self.title = _label("screenTitle", wrap=False)
        self.picker = QComboBox()
        self.picker.setMinimumWidth(280)
        self.picker.setMaximumWidth(440)
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.picker.activated.connect(self._picked)
        self.refresh = QPushButton()
        self.refresh.clicked.connect(self._refresh_streams)
        self.status_badge = _label("sandboxBadge", wrap=False)
        # Two rows: the title and the stream's state, then the stream picker, so longer
        # French words never squeeze the title or clip the buttons on a small screen.
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.status_badge)
        choose = QHBoxLayout()
        choose.addWidget(self.picker)
        choose.addWidget(self.refresh)
        choose.addStretch(1)
        top = QVBoxLayout()
        top.setSpacing(10)
        top.addLayout(heading)
        top.addLayout(choose)
        self.toasts = ToastStack()
        self.empty = _label("comingSoon")

        viewers_card, viewers = _card()
        self.viewers_title = _label("fieldLabel")
        self.viewers_value = _label("screenTitle")
        self.peak_label = _label("hint")
        self.curve = Sparkline()
        for widget in (self.viewers_title, self.viewers_value, self.peak_label, self.curve):
            viewers.addWidget(widget)

        money_card, money = _card()
        self.money_title = _label("fieldLabel")
        self.money_value = _label("screenTitle")
        self.money_detail = _label("hint")
        self.tips_title = _label("fieldLabel")
        self.tips_list = _label()
        self.tips_list.setTextFormat(Qt.TextFormat.PlainText)
        for widget in (
            self.money_title,
            self.money_value,
            self.money_detail,
            self.tips_title,
            self.tips_list,
        ):
            money.addWidget(widget)
        money.addStretch(1)

        self.sound = QCheckBox()
        self.sound.toggled.connect(self._sound_toggled)
        grid = QGridLayout()
        grid.setSpacing(16)
        grid.addWidget(viewers_card, 0, 0)
        grid.addWidget(money_card, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 20)
        layout.setSpacing(14)
        layout.addLayout(top)
        layout.addWidget(self.toasts)
        layout.addWidget(self.empty)
        layout.addLayout(grid)
        layout.addWidget(self.sound)
        layout.addStretch(1)
        self.retranslate()
        self._show_stream(None)

    def bind(self, room: LiveRoom, settings: StudioSettings | None = None) -> None:
        self.room, self.settings = room, settings
        if settings is not None:
            self.sound.setChecked(settings.get(ALERT_SOUND))
        stop_listening = [
            room.stream_changed.connect(self._show_stream),
            room.streams_loaded.connect(self._fill_picker),
            room.chat.viewers.connect(self._on_viewers),
            room.chat.tip.connect(self._on_tip),
            room.chat.subscriber.connect(self._on_subscriber),
        ]
        # the room outlives its screens (tests, a closed window): stop talking to dead widgets
        self.destroyed.connect(lambda *_: [stop() for stop in stop_listening])
        self._fill_picker(room.streams)
        self._show_stream(room.stream)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Dashboard"))
        self.refresh.setText(self.tr("Refresh"))
        self.picker.setAccessibleName(self.tr("Stream"))
        self.viewers_title.setText(self.tr("Watching now"))
        self.money_title.setText(self.tr("Tips and payments on this stream"))
        self.tips_title.setText(self.tr("Latest tips"))
        self.sound.setText(self.tr("Play a sound with each tip alert"))
        self.empty.setText(
            self.tr("No stream yet. Create one in Go Live: its viewers and tips appear here.")
        )
        self._show_figures()
        self._fill_picker(self.room.streams if self.room else [])
        self._show_stream(self.room.stream if self.room else None)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.room is not None and self.room.stream is not None:
            self._reload()

    def _status_word(self, status: str) -> str:
        words = {
            "idle": self.tr("Not live yet"),
            "active": self.tr("Live"),
            "disconnected": self.tr("Reconnecting the stream"),
            "completed": self.tr("Ended"),
            "disabled": self.tr("Disabled"),
        }
        return words.get(status, status)

    def _fill_picker(self, streams: list[Stream]) -> None:
        self.picker.clear()
        for stream in streams:
            self.picker.addItem(f"{stream.title} · {self._status_word(stream.status)}", stream.id)
        self._select_current()

    def _select_current(self) -> None:
        stream = self.room.stream if self.room else None
        if stream is not None:
            self.picker.setCurrentIndex(self.picker.findData(stream.id))

    def _show_stream(self, stream: Stream | None) -> None:
        self.empty.setVisible(stream is None)
        self.status_badge.setVisible(stream is not None)
        self.picker.setEnabled(stream is not None)
        if stream is None:
            return
        self.status_badge.setText(self._status_word(stream.status))
        # the red pill of the status bar for "live", the amber one for every other state
        self.status_badge.setObjectName(
            "offlineBadge" if stream.status == "active" else "sandboxBadge"
        )
        self.status_badge.style().unpolish(self.status_badge)
        self.status_badge.style().polish(self.status_badge)
        self._select_current()
        if self._shown_id != stream.id:
            self._shown_id = stream.id
            self.viewers_now, self.peak, self.totals, self.recent = stream.viewer_count, 0, [], []
            self.curve.set_points([stream.viewer_count])
            self._show_figures()
            self._reload()

    def _on_viewers(self, viewers: Viewers) -> None:
        stream = self.room.stream if self.room else None
        if stream is not None and viewers.stream_id == stream.id:
            self.viewers_now = viewers.count
            self.peak = max(self.peak, viewers.count)
            self.curve.add_point(viewers.count)
            self._show_figures()

    def _on_tip(self, tip: TipEvent) -> None:
        amount = format_money(tip.amount, tip.currency)
        text = fill(self.tr("%1 tipped you %2"), tip.payer_name, amount)
        if tip.message:
            text += f" — “{tip.message}”"
        self.toasts.show_toast(text, self.tr("Dismiss"))
        stream = self.room.stream if self.room else None
        if stream is not None and tip.stream_id == stream.id:
            self.recent = [tip, *self.recent][:RECENT_TIPS]
            self._show_figures()
            self._reload()

    def _on_subscriber(self, event: SubscriberEvent) -> None:
        text = fill(self.tr("%1 subscribed to you"), event.subscriber_name)
        self.toasts.show_toast(text, self.tr("Dismiss"))

    def _show_figures(self) -> None:
        self.viewers_value.setText(_count(self.viewers_now))
        self.peak_label.setText(self.tr("Peak: %1").replace("%1", _count(self.peak)))
        if self.totals:
            self.money_value.setText(
                "  ·  ".join(format_money(line.gross, line.currency) for line in self.totals)
            )
            count = sum(line.count for line in self.totals)
            kept = "  ·  ".join(format_money(line.net, line.currency) for line in self.totals)
            self.money_detail.setText(
                self.tr("Payments: %n. You keep %1 after fees.", "", count).replace("%1", kept)
            )
        else:
            self.money_value.setText("—")
            self.money_detail.setText(self.tr("No tips on this stream yet."))
        lines = [
            fill(
                self.tr("%1: %2"),
                tip.payer_name,
                format_money(tip.amount, tip.currency)
                + (f" — {tip.message}" if tip.message else ""),
            )
            for tip in self.recent
        ]
        self.tips_list.setText("\n".join(lines) if lines else self.tr("Tips appear here live."))

    def _reload(self) -> None:
        if self._loading is None or self._loading.done():
            self._loading = asyncio.ensure_future(self._load())

    async def _load(self) -> None:
        """Viewer history and this stream's takings, read again from the server."""
        room = self.room
        if room is None:
            return
        try:
            stats = await room.viewer_stats()
            totals = await room.earnings()
        except FlashError as exc:
            log.info("dashboard figures not loaded: %s", exc.message)
            return
        if stats is not None and room.stream is not None and stats.stream_id == room.stream.id:
            self.viewers_now, self.peak = stats.count, max(self.peak, stats.peak)
            history = [point.count for point in stats.history]
            if len(history) > len(self.curve.points):  # keep the finer live curve otherwise
                self.curve.set_points(history)
        self.totals = totals
        self._show_figures()

    @async_slot
    async def _refresh_streams(self) -> None:
        if self.room is not None:
            try:
                await self.room.refresh_streams()
            except FlashError as exc:
                log.info("streams not refreshed: %s", exc.message)

    @async_slot
    async def _picked(self, index: int) -> None:
        stream_id = self.picker.itemData(index)
        if self.room is not None and isinstance(stream_id, str):
            await self.room.follow(stream_id)

    @async_slot
    async def _sound_toggled(self, on: bool) -> None:
        self.toasts.sound = on
        if self.settings is not None:
            await self.settings.set(ALERT_SOUND, on)
