"""The live chat as one widget: the Chat screen shows it, and Go Live can dock it beside the video.

Everything arrives through the core's `LiveRoom`; this widget only listens, queues
messages for the batched model, and turns a creator's clicks into awaited calls.
"""

import contextlib
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from server.contract.chat import (
    MAX_MESSAGE_CHARS,
    Audience,
    ChatMessage,
    ChatRole,
    Deleted,
    JoinAck,
    Pinned,
    RoomSettings,
)
from server.contract.streams import Stream
from studio.core.chat_client import ChatState, ChatStatus
from studio.core.errors import FlashError
from studio.core.live_room import LiveRoom
from studio.ui.async_slot import async_slot
from studio.ui.banner import Banner
from studio.ui.chat.model import MESSAGE_ROLE, ChatListModel, MessageFeed
from studio.ui.chat.words import message_line, refusal_text, status_text
from studio.ui.screen import Screen

SLOW_MODE_CHOICES = (0, 5, 10, 30, 60, 300)
TIMEOUT_S = 5 * 60


def tip_colours(_message: ChatMessage) -> tuple[QColor, QColor] | None:
    """A warm highlight that stays readable on either theme."""
    if _message.kind not in ("tip", "member"):
        return None
    dark = QApplication.palette().window().color().lightness() < 128
    return (
        (QColor("#4A3510"), QColor("#FFE6A8")) if dark else (QColor("#FEF3C7"), QColor("#7A3E06"))
    )


class ChatPanel(Screen):
    """Messages, the send box with its error line, pinned message and room controls."""

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        """`compact`: the Go Live dock, messages and send box only; the room's rules stay
        in the Chat section (moderating a message works from its menu in both)."""
        super().__init__(parent)
        self.room: LiveRoom | None = None
        self.compact = compact
        self._status = ChatStatus(ChatState.OFFLINE)
        self._pinned: ChatMessage | None = None
        self._settings = RoomSettings(stream_id="")
        self._words_for = ""
        self.model = ChatListModel(self)
        self.model.text_of = message_line
        self.model.colours_of = tip_colours
        self.feed = MessageFeed(self.model, self)

        self.stream_label = QLabel()
        self.stream_label.setObjectName("sectionTitle")
        self.stream_label.setWordWrap(True)
        self.status_banner = Banner("warning", closable=False)
        self.pinned_banner = Banner("info", closable=False)
        self.pinned_banner.action_clicked.connect(self._unpin)
        self.view = QListView()
        self.view.setObjectName("chatMessages")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setBatchSize(200)
        self.view.setSpacing(2)
        self.view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._open_menu)
        self.model.rowsInserted.connect(self._follow_bottom)
        self.model.modelReset.connect(self._follow_bottom)

        self.members_only = QCheckBox()
        self.members_only.clicked.connect(self._set_members_only)
        self.slow_mode = QComboBox()
        self.slow_mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.slow_mode.activated.connect(self._set_slow_mode)
        self.slow_label = QLabel()
        self.slow_label.setBuddy(self.slow_mode)
        controls = QHBoxLayout()
        controls.addWidget(self.members_only)
        controls.addStretch(1)
        controls.addWidget(self.slow_label)
        controls.addWidget(self.slow_mode)
        self.blocked_words = QLineEdit()
        self.blocked_words.returnPressed.connect(self._save_words)
        self.save_words = QPushButton()
        self.save_words.clicked.connect(self._save_words)
        words_row = QHBoxLayout()
        words_row.addWidget(self.blocked_words, 1)
        words_row.addWidget(self.save_words)

        self.input = QLineEdit()
        self.input.setMaxLength(MAX_MESSAGE_CHARS * 2)  # the server says why it is too long
        self.input.returnPressed.connect(self._send)
        self.send_button = QPushButton()
        self.send_button.setProperty("kind", "primary")
        self.send_button.clicked.connect(self._send)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        send_row = QHBoxLayout()
        send_row.addWidget(self.input, 1)
        send_row.addWidget(self.send_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.stream_label)
        layout.addWidget(self.status_banner)
        layout.addWidget(self.pinned_banner)
        layout.addWidget(self.view, 1)
        if not compact:
            layout.addLayout(controls)
            layout.addLayout(words_row)
        else:
            rules: tuple[QWidget, ...] = (
                self.members_only,
                self.slow_label,
                self.slow_mode,
                self.blocked_words,
                self.save_words,
            )
            for widget in rules:
                widget.hide()
        layout.addLayout(send_row)
        layout.addWidget(self.error)
        self.retranslate()
        self._show_stream(None)

    def bind(self, room: LiveRoom) -> None:
        """Listen to a live room (once, for the life of the studio)."""
        self.room = room
        chat = room.chat
        stop_listening = [
            chat.messages.connect(self.feed.push),
            chat.deleted.connect(self._deleted),
            chat.status_changed.connect(self._show_status),
            chat.pinned.connect(self._on_pinned),
            chat.room_settings.connect(self._show_settings),
            chat.joined.connect(self._joined),
            room.stream_changed.connect(self._show_stream),
        ]
        # the room outlives its screens (tests, a closed window): stop talking to dead widgets
        self.destroyed.connect(lambda *_: [stop() for stop in stop_listening])
        self._show_status(chat.status)
        self._show_stream(room.stream)

    @property
    def error_text(self) -> str:
        return "" if self.error.isHidden() else self.error.text()

    @property
    def status_text(self) -> str:
        return "" if self.status_banner.isHidden() else self.status_banner.text.text()

    def retranslate(self) -> None:
        self.input.setPlaceholderText(self.tr("Write to your fans…"))
        self.input.setAccessibleName(self.tr("Message"))
        self.send_button.setText(self.tr("Send"))
        self.members_only.setText(self.tr("Members only"))
        self.members_only.setToolTip(self.tr("Only signed-in fans can write; guests can read."))
        self.slow_label.setText(self.tr("Slow mode"))
        self.blocked_words.setPlaceholderText(
            self.tr("Blocked words, separated by commas (hidden from fans)")
        )
        self.blocked_words.setAccessibleName(self.tr("Blocked words"))
        self.save_words.setText(self.tr("Save words"))
        current = self.slow_mode.currentIndex()
        self.slow_mode.clear()
        for seconds in SLOW_MODE_CHOICES:
            label = self.tr("Off") if seconds == 0 else self._duration(seconds)
            self.slow_mode.addItem(label, seconds)
        self.slow_mode.setCurrentIndex(max(current, 0))
        self.model.refresh_texts()
        self._show_status(self._status)
        self._show_pinned(self._pinned)
        self._show_stream(self.room.stream if self.room else None)

    def _duration(self, seconds: int) -> str:
        if seconds < 60:
            return self.tr("%n s", "", seconds)
        return self.tr("%n min", "", seconds // 60)

    def _show_stream(self, stream: Stream | None) -> None:
        if stream is None:
            self.stream_label.setText(self.tr("No stream yet: create one in Go Live."))
        else:
            self.stream_label.setText(stream.title)
        ready = stream is not None
        controls = (self.members_only, self.slow_mode, self.blocked_words, self.save_words)
        for widget in (self.input, self.send_button, *controls):
            widget.setEnabled(ready)
        if stream is not None and self._settings.stream_id not in ("", stream.id):
            self.feed.clear()
            self._on_pinned(Pinned(stream_id=stream.id, message=None))
        if stream is not None and self._words_for != stream.id and not self.compact:
            # The full panel reads the room's private rules; the dock shows none of them.
            self._words_for = stream.id
            self._load_words()
            self._load_moderators()

    def _show_status(self, status: ChatStatus) -> None:
        self._status = status
        troubled = status.state in (ChatState.RECONNECTING, ChatState.CONNECTING)
        self.status_banner.setProperty("tone", "warning" if troubled else "error")
        self.status_banner.set_texts(status_text(status))
        shown = status.state is not ChatState.CONNECTED and self.room is not None
        self.status_banner.setVisible(shown)
        self.status_banner.style().unpolish(self.status_banner)
        self.status_banner.style().polish(self.status_banner)

    def _joined(self, ack: JoinAck) -> None:
        self._show_settings(ack.settings)
        self._on_pinned(Pinned(stream_id=ack.settings.stream_id, message=ack.pinned))

    def _show_settings(self, settings: RoomSettings) -> None:
        if (
            self.room is None
            or self.room.stream is None
            or settings.stream_id != self.room.stream.id
        ):
            return
        self._settings = settings
        self.members_only.setChecked(settings.audience is Audience.MEMBERS)
        index = self.slow_mode.findData(settings.slow_mode_s)
        if index < 0:
            self.slow_mode.addItem(self._duration(settings.slow_mode_s), settings.slow_mode_s)
            index = self.slow_mode.count() - 1
        self.slow_mode.setCurrentIndex(index)

    def _on_pinned(self, pinned: Pinned) -> None:
        stream = self.room.stream if self.room else None
        if stream is not None and pinned.stream_id == stream.id:
            self._show_pinned(pinned.message)

    def _show_pinned(self, message: ChatMessage | None) -> None:
        self._pinned = message
        if message is not None:
            text = self.tr("Pinned: %1").replace("%1", message_line(message))
            self.pinned_banner.set_texts(text, self.tr("Unpin"))
        self.pinned_banner.setVisible(message is not None)

    def _deleted(self, deleted: Deleted) -> None:
        self.feed.delete(deleted.id)

    def _follow_bottom(self, *_args: Any) -> None:
        bar = self.view.verticalScrollBar()
        if bar.value() >= bar.maximum() - 40:
            self.view.scrollToBottom()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    @async_slot
    async def _send(self) -> None:
        room, text = self.room, self.input.text()
        if room is None or room.stream is None:
            return
        self.send_button.setEnabled(False)
        try:
            await room.chat.send(room.stream.id, text)
        except FlashError as exc:
            self.show_error(refusal_text(exc))
        else:
            self.input.clear()
            self.show_error("")
        finally:
            self.send_button.setEnabled(True)

    def menu_for(self, row: int) -> QMenu | None:
        """What a creator can do to one message: delete, pin, time out, ban, let back in,
        and (for a signed-in fan) make or unmake a moderator."""
        message = self.model.rows[row] if 0 <= row < len(self.model.rows) else None
        if message is None:
            return None
        menu = QMenu(self)
        menu.addAction(self.tr("Delete")).triggered.connect(
            lambda: self._moderate("delete", message_id=message.id)
        )
        menu.addAction(self.tr("Pin")).triggered.connect(
            lambda: self._moderate("pin", message_id=message.id)
        )
        if message.author.role is not ChatRole.CREATOR and message.kind == "chat":
            menu.addSeparator()
            menu.addAction(self.tr("Time out for 5 minutes")).triggered.connect(
                lambda: self._moderate("timeout", user_id=message.author.id, duration_s=TIMEOUT_S)
            )
            menu.addAction(self.tr("Ban from this chat")).triggered.connect(
                lambda: self._moderate("ban", user_id=message.author.id)
            )
            menu.addAction(self.tr("Let back in (lift a ban or time-out)")).triggered.connect(
                lambda: self._moderate("unban", user_id=message.author.id)
            )
        if message.author.role in (ChatRole.FAN, ChatRole.MODERATOR) and message.kind == "chat":
            moderates = message.author.id in self.moderator_ids
            label = self.tr("Remove as moderator") if moderates else self.tr("Make moderator")
            menu.addSeparator()
            menu.addAction(label).triggered.connect(
                lambda: self._set_moderator(message.author.id, not moderates)
            )
        return menu

    def _open_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        menu = self.menu_for(index.row()) if index.isValid() else None
        if menu is not None:
            menu.popup(self.view.viewport().mapToGlobal(position))

    def _unpin(self) -> None:
        self._moderate("unpin")

    def _set_members_only(self, enabled: bool) -> None:
        self._moderate("members_only", enabled=enabled)

    def _set_slow_mode(self, index: int) -> None:
        self._moderate("slow_mode", seconds=int(self.slow_mode.itemData(index)))

    @async_slot
    async def _moderate(self, action: str, **fields: Any) -> None:
        room = self.room
        if room is None or room.stream is None:
            return
        try:
            await room.chat.moderate(room.stream.id, action, **fields)
        except FlashError as exc:
            self.show_error(refusal_text(exc))
            self._show_settings(self._settings)  # put the controls back as the room has them
        else:
            self.show_error("")

    @async_slot
    async def _load_words(self) -> None:
        """The blocked words are private to the creator: read over REST, not the room."""
        if self.room is None:
            return
        try:
            settings = await self.room.chat_settings()
        except FlashError:
            self._words_for = ""  # read again when the stream is shown next
            return
        if settings is not None:
            self.blocked_words.setText(", ".join(settings.blocked_words))

    @async_slot
    async def _load_moderators(self) -> None:
        if self.room is None:
            return
        with contextlib.suppress(FlashError):  # a moderator (not the creator) may not list them
            await self.room.load_moderators()

    @async_slot
    async def _set_moderator(self, user_id: str, moderates: bool) -> None:
        if self.room is None:
            return
        try:
            await self.room.set_moderator(user_id, moderates)
        except FlashError as exc:
            self.show_error(refusal_text(exc))
            return
        self.show_error("")

    @async_slot
    async def _save_words(self) -> None:
        if self.room is None:
            return
        words = [word.strip() for word in self.blocked_words.text().split(",") if word.strip()]
        try:
            saved = await self.room.save_blocked_words(words)
        except FlashError as exc:
            self.show_error(refusal_text(exc))
        else:
            self.blocked_words.setText(", ".join(saved))
            self.show_error("")

    @property
    def moderator_ids(self) -> set[str]:
        return self.room.moderator_ids if self.room is not None else set()

    def selected_message(self) -> ChatMessage | None:
        index = self.view.currentIndex()
        value = index.data(MESSAGE_ROLE) if index.isValid() else None
        return value if isinstance(value, ChatMessage) else None
