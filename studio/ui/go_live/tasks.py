"""The coroutines a screen started, so none of them outlives its widgets.

A task that resumes after its widgets were deleted (the window torn down
before the studio's shutdown reached this screen) would touch dead C++
objects; cancelling every task the moment the owner is destroyed, or at
shutdown, means a coroutine never resumes without its widgets.
"""

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject

log = logging.getLogger("studio")


class WidgetTasks:
    """Starts coroutines for `owner`, keeps them referenced, reports their failures."""

    def __init__(self, owner: QObject) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        tasks = self._tasks  # the lambda must not hold the owner: it runs as it is destroyed
        owner.destroyed.connect(lambda *_: [task.cancel() for task in list(tasks)])

    def run(self, work: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any] | None":
        try:
            task = asyncio.get_running_loop().create_task(work)
        except RuntimeError:  # shown before the studio's loop runs: nothing to do yet
            work.close()
            return None
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_report_failure)
        return task

    async def cancel_all(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _report_failure(task: "asyncio.Task[Any]") -> None:
    with contextlib.suppress(asyncio.CancelledError):
        if (exc := task.exception()) is not None:
            log.error("Go Live background work failed", exc_info=exc)
