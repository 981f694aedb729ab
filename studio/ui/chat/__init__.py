"""Chat: talking with fans during a stream (the screen, and the panel Go Live can dock)."""

from PySide6.QtWidgets import QLabel, QVBoxLayout

from studio.core.live_room import LiveRoom
from studio.ui.chat.panel import ChatPanel
from studio.ui.screen import Screen

__all__ = ["ChatPanel", "ChatScreen"]


class ChatScreen(Screen):
    """The Chat section: a title over the live chat panel."""

    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.panel = ChatPanel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 20)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.panel, 1)
        self.retranslate()

    def bind(self, room: LiveRoom) -> None:
        self.panel.bind(room)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Chat"))
