"""The frame every Go Live panel sits in: a card with a heading and a message line."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from studio.core.errors import FlashError
from studio.ui.messages import explain

FIELD_HEIGHT = 38
"""The themes size line edits and choice boxes; spin boxes get the same height here."""


class Panel(QFrame):
    """A titled card; `body` takes the panel's widgets, `message` its one error line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.heading = QLabel()
        self.heading.setObjectName("sectionTitle")
        self.message = QLabel()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.body = QVBoxLayout()
        self.body.setSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 6, 18, 16)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addLayout(self.body)
        layout.addWidget(self.message)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_error(self, error: FlashError) -> None:
        self.show_message(explain(error).general or error.message)
