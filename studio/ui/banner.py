"""A strip across the top of the window that tells something without getting in the way."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Banner(QFrame):
    """A message with an optional action button and a close button; never modal."""

    action_clicked = Signal()

    def __init__(self, tone: str, *, closable: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setProperty("tone", tone)
        self.text = QLabel()
        self.text.setObjectName("bannerText")
        self.text.setWordWrap(True)
        self.action = QPushButton()
        self.action.setObjectName("bannerAction")
        self.action.hide()
        self.action.clicked.connect(self.action_clicked)
        self.close_button = QPushButton("×")
        self.close_button.setObjectName("bannerClose")
        self.close_button.setVisible(closable)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 10, 10)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        self.hide()

    def set_texts(self, message: str, action: str = "", close_label: str = "") -> None:
        self.text.setText(message)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self.close_button.setAccessibleName(close_label)
        self.close_button.setToolTip(close_label)
