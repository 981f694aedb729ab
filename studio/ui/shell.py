"""The signed-in studio: who you are, sections to move between, and a way to sign out."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from server.contract import Role, User
from studio.ui.chat import ChatScreen
from studio.ui.dashboard import DashboardScreen
from studio.ui.earnings import EarningsScreen
from studio.ui.go_live import GoLiveScreen
from studio.ui.screen import Screen

SECTIONS = ("go_live", "dashboard", "earnings", "chat", "settings")


class AppShell(Screen):
    """Navigation on the left, the chosen section on the right, the account on top."""

    sign_out_requested = Signal()

    def __init__(self, settings_screen: QWidget) -> None:
        super().__init__()
        self.user: User | None = None
        self.earnings = EarningsScreen()
        self.dashboard = DashboardScreen()
        self.chat = ChatScreen()
        self.go_live = GoLiveScreen()
        self.sections: dict[str, QWidget] = {
            "go_live": self.go_live,
            "dashboard": self.dashboard,
            "earnings": self.earnings,
            "chat": self.chat,
            "settings": settings_screen,
        }
        self.brand = QLabel()
        self.brand.setObjectName("brand")
        self.account = QLabel()
        self.account.setObjectName("accountName")
        self.sign_out = QPushButton()
        self.sign_out.setObjectName("signOut")
        self.sign_out.clicked.connect(self.sign_out_requested)
        header = QFrame()
        header.setObjectName("header")
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(20, 10, 16, 10)
        header_layout.addWidget(self.brand)
        header_layout.addStretch(1)
        header_layout.addWidget(self.account)
        header_layout.addWidget(self.sign_out)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(210)
        self.content = QStackedWidget()
        for section in self.sections.values():
            self.navigation.addItem(QListWidgetItem())
            self.content.addWidget(section)
        self.navigation.currentRowChanged.connect(self.content.setCurrentIndex)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.navigation)
        body.addWidget(self.content, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addLayout(body, 1)
        self.navigation.setCurrentRow(0)
        self.retranslate()

    def open(self, section: str) -> None:
        self.navigation.setCurrentRow(SECTIONS.index(section))

    @property
    def current_section(self) -> str:
        return SECTIONS[self.navigation.currentRow()]

    def show_user(self, user: User) -> None:
        self.user = user
        self.retranslate()

    def retranslate(self) -> None:
        self.brand.setText(self.tr("Flash Africa Studio"))
        names = {
            "go_live": self.tr("Go Live"),
            "dashboard": self.tr("Dashboard"),
            "earnings": self.tr("Earnings"),
            "chat": self.tr("Chat"),
            "settings": self.tr("Settings"),
        }
        for row, name in enumerate(SECTIONS):
            item = self.navigation.item(row)
            if item is not None:
                item.setText(names[name])
        if self.user is not None:
            role = self.tr("Creator") if self.user.role == Role.CREATOR else self.tr("Fan")
            self.account.setText(f"{self.user.display_name} · {role}")
        self.sign_out.setText(self.tr("Sign out"))
