"""Typed notifications from the core to whoever listens (usually a screen).

Plain callbacks rather than Qt signals keep `studio.core` free of Qt; with qasync
every emit already runs on the UI thread, so listeners may touch widgets.
"""

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


class Event(Generic[T]):
    """One kind of notification carrying a value of type T."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[T], object]] = []

    def connect(self, listener: Callable[[T], object]) -> Callable[[], None]:
        """Listen; returns a function that stops listening."""
        self._listeners.append(listener)

        def disconnect() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return disconnect

    def emit(self, value: T) -> None:
        """Tell every listener; one failing listener does not silence the others."""
        for listener in list(self._listeners):
            try:
                listener(value)
            except Exception:
                log.exception("a listener of %s failed", type(value).__name__)
