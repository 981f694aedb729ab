"""The layout of a section that later work fills: a title and plain words on what it will hold.

No sample numbers: a creator must never mistake a placeholder for their data.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from studio.ui.screen import Screen


class ComingSoon(Screen):
    """Subclasses set `title`, `body` and `status` texts in their `retranslate()`."""

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.body = QLabel()
        self.body.setObjectName("sectionBody")
        self.body.setWordWrap(True)
        self.body.setMaximumWidth(640)
        self.status = QLabel()
        self.status.setObjectName("comingSoon")
        self.status.setWordWrap(True)
        self.status.setMaximumWidth(640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 32)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.retranslate()
