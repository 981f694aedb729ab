"""Which messages of a room the studio has already shown, by their id.

Message ids are a zero-padded per-stream sequence, so they compare as numbers; the
largest one seen is the `since` of the next join. A bounded window of recent ids
catches a message told twice (in a join's history and as a live event).
"""

from collections import deque
from collections.abc import Iterable

from server.contract.chat import ChatMessage

WINDOW = 5_000


class SeenIds:
    """The ids seen in one room: the newest, and a window of recent ones."""

    def __init__(self, window: int = WINDOW) -> None:
        self.last: str | None = None
        self._recent: set[str] = set()
        self._order: deque[str] = deque()
        self._window = window

    def add(self, message_id: str) -> bool:
        """True the first time an id is seen; False for a repeat or one older than the window."""
        if message_id in self._recent:
            return False
        if self.last is not None and len(self._order) >= self._window:
            oldest = self._order[0]
            if int(message_id) < int(oldest):
                return False
        self._recent.add(message_id)
        self._order.append(message_id)
        if len(self._order) > self._window:
            self._recent.discard(self._order.popleft())
        if self.last is None or int(message_id) > int(self.last):
            self.last = message_id
        return True


def merge_by_id(messages: Iterable[ChatMessage]) -> list[ChatMessage]:
    """Oldest first, each id once."""
    unique = {message.id: message for message in messages}
    return sorted(unique.values(), key=lambda message: int(message.id))
