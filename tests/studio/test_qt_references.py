"""The Qt bindings must not leak references to None, True or False.

PySide6 6.12.0 dropped one on each `setStyleSheet` and on each overridden
`changeEvent`: after a few hours of theme and language switches, or a long test
run, Python aborts with "deallocating None". A studio on air for hours must never
do that, so the installed bindings are checked here.
"""

import sys

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

ROUNDS = 200


class Listening(QWidget):
    """Overrides a virtual, as every screen that retranslates itself does."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)


def references() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def test_style_sheets_and_overridden_events_keep_their_references(qtbot: QtBot) -> None:
    # On this widget only: re-styling the whole application would also re-polish what
    # earlier tests left half torn down.
    widget = Listening()
    qtbot.addWidget(widget)
    before = references()
    for round_ in range(ROUNDS):
        widget.setStyleSheet(f"QWidget {{ margin: {round_ % 3}px; }}")
        QApplication.sendEvent(widget, QEvent(QEvent.Type.LanguageChange))
    after = references()
    # A handful may move for unrelated reasons; a leak loses one per round or more.
    assert all(abs(b - a) < ROUNDS // 2 for a, b in zip(after, before, strict=True)), (
        f"references to (None, True, False) went from {before} to {after}"
    )
