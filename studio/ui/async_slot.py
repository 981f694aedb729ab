"""A typed `qasync.asyncSlot`: a button's click runs a coroutine on the event loop."""

from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec

import qasync

P = ParamSpec("P")


def async_slot(work: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, Any]:
    """Connectable to a Qt signal; each call starts `work` as a task (errors reach excepthook)."""
    slot: Callable[P, Any] = qasync.asyncSlot()(work)
    return slot
