"""The chat's messages as a Qt list model, fed in batches so a burst never freezes the window.

Events are queued as they arrive and flushed every `FLUSH_MS` into the model with a
single insert per batch; the model keeps only the newest `VISIBLE_LIMIT` messages,
so a chat that runs for hours costs the same to draw as one that just began.
"""

from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor

from server.contract.chat import ChatMessage

FLUSH_MS = 100
VISIBLE_LIMIT = 1_000
MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def _plain_text(message: ChatMessage) -> str:
    return message.text


def _no_colours(_message: ChatMessage) -> tuple[QColor, QColor] | None:
    return None


class ChatListModel(QAbstractListModel):
    """Messages oldest first; `text_of` decides what a row says (the panel translates it)."""

    def __init__(self, parent: QObject | None = None, limit: int = VISIBLE_LIMIT) -> None:
        super().__init__(parent)
        self.limit = limit
        self.rows: list[ChatMessage] = []
        self._ids: set[str] = set()
        self.text_of: Callable[[ChatMessage], str] = _plain_text
        self.colours_of: Callable[[ChatMessage], tuple[QColor, QColor] | None] = _no_colours

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        message = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text_of(message)
        if role == MESSAGE_ROLE:
            return message
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            colours = self.colours_of(message)
            if colours is not None:
                return colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1]
        return None

    def ids(self) -> list[str]:
        return [message.id for message in self.rows]

    def append(self, batch: list[ChatMessage]) -> None:
        """One insert for the whole batch, then one removal of what falls off the top."""
        fresh = [message for message in batch if message.id not in self._ids]
        if not fresh:
            return
        fresh.sort(key=lambda message: int(message.id))
        if self.rows and int(fresh[0].id) < int(self.rows[-1].id):
            self._replace(sorted([*self.rows, *fresh], key=lambda m: int(m.id)))
            return
        if len(fresh) >= self.limit:
            self._replace(fresh)
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self.rows.extend(fresh)
        self._ids.update(message.id for message in fresh)
        self.endInsertRows()
        excess = len(self.rows) - self.limit
        if excess > 0:
            self.beginRemoveRows(QModelIndex(), 0, excess - 1)
            for message in self.rows[:excess]:
                self._ids.discard(message.id)
            del self.rows[:excess]
            self.endRemoveRows()

    def remove(self, message_id: str) -> bool:
        if message_id not in self._ids:
            return False
        row = next(i for i, message in enumerate(self.rows) if message.id == message_id)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        self._ids.discard(message_id)
        self.endRemoveRows()
        return True

    def clear(self) -> None:
        self._replace([])

    def refresh_texts(self) -> None:
        """The language changed: every row says the same thing in other words."""
        if self.rows:
            self.dataChanged.emit(self.index(0), self.index(len(self.rows) - 1))

    def _replace(self, rows: list[ChatMessage]) -> None:
        self.beginResetModel()
        self.rows = rows[-self.limit :]
        self._ids = {message.id for message in self.rows}
        self.endResetModel()


class MessageFeed(QObject):
    """The queue between the chat client and the model: emptied every FLUSH_MS."""

    def __init__(self, model: ChatListModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._queue: deque[ChatMessage] = deque()
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self.flushed_batches = 0

    def push(self, messages: list[ChatMessage]) -> None:
        self._queue.extend(messages)
        if len(self._queue) > 4 * self.model.limit:
            for _ in range(len(self._queue) - self.model.limit):
                self._queue.popleft()  # would only be inserted to fall off the top
        if not self._timer.isActive():
            self._timer.start()

    def delete(self, message_id: str) -> None:
        if any(message.id == message_id for message in self._queue):
            self._queue = deque(m for m in self._queue if m.id != message_id)
        self.model.remove(message_id)

    def flush(self) -> None:
        if self._queue:
            batch, self._queue = list(self._queue), deque()
            self.model.append(batch)
            self.flushed_batches += 1

    def clear(self) -> None:
        self._queue.clear()
        self._timer.stop()
        self.model.clear()
