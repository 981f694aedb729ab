"""The one window of the studio: banners on top, the current screen, status at the bottom.

It is shown before anything heavy is imported, so it only knows Qt and plain
values; `studio.startup.Studio` fills it with screens and feeds it news.
"""

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import resources
from studio.ui.banner import Banner

BANNER_ORDER = ("keyring", "trouble", "offline", "update")
UPDATE_STAGES = ("available", "downloading", "ready", "failed")


class MainWindow(QMainWindow):
    """Hosts the screens; says whether the server is reachable and whether it is a sandbox."""

    closing = Signal()
    retry_requested = Signal()
    restart_server_requested = Signal()
    update_requested = Signal()
    """The update banner's button: download, install or try again, as its stage says."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(880, 600)
        self.resize(1120, 740)
        self._connection: tuple[str, str, bool, float | None] = ("connecting", "", False, None)
        self._retry_left = 0
        self._server_trouble = ""
        self._banners: dict[str, Banner] = {}
        self._update: tuple[str, str, str, int] = ("", "available", "", 0)

        self.pages = QStackedWidget()
        self.starting_text = QLabel()
        self.starting_text.setObjectName("startingText")
        self.starting = QWidget()
        centred = QHBoxLayout(self.starting)
        centred.addStretch(1)
        centred.addWidget(self.starting_text)
        centred.addStretch(1)
        self.pages.addWidget(self.starting)

        central = QWidget()
        self.banners = QVBoxLayout()
        self.banners.setSpacing(0)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self.banners)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.server_label = QLabel()
        self.server_label.setObjectName("serverLabel")
        self.sandbox_badge = QLabel()
        self.sandbox_badge.setObjectName("sandboxBadge")
        self.sandbox_badge.hide()
        self.offline_badge = QLabel()
        self.offline_badge.setObjectName("offlineBadge")
        self.offline_badge.hide()
        self.statusBar().addWidget(self.server_label, 1)
        self.statusBar().addPermanentWidget(self.offline_badge)
        self.statusBar().addPermanentWidget(self.sandbox_badge)
        self.statusBar().setSizeGripEnabled(False)

        self._countdown: QTimer | None = None
        self.retranslate()

    def show_icon(self) -> None:
        """Decoding the icon need not delay the first paint."""
        icon = QIcon(str(resources.path("icons", "flash-africa.png")))
        self.setWindowIcon(icon)
        QApplication.setWindowIcon(icon)

    @property
    def keyring_banner(self) -> Banner:
        return self._banner("keyring")

    @property
    def trouble_banner(self) -> Banner:
        return self._banner("trouble")

    @property
    def offline_banner(self) -> Banner:
        return self._banner("offline")

    @property
    def update_banner(self) -> Banner:
        return self._banner("update")

    def _banner(self, name: str) -> Banner:
        """Banners are made when first needed, keeping them out of the first paint."""
        if name not in self._banners:
            tone, closable, action = {
                "keyring": ("info", True, None),
                "trouble": ("error", False, self.restart_server_requested),
                "offline": ("warning", False, self.retry_requested),
                "update": ("info", True, self.update_requested),
            }[name]
            banner = Banner(tone, closable=closable)
            if name == "update":
                banner.close_button.setProperty("worded", True)  # "Later", not a cross
            if action is not None:
                banner.action_clicked.connect(action)
            self._banners[name] = banner
            shown = [n for n in BANNER_ORDER if n in self._banners]
            self.banners.insertWidget(shown.index(name), banner)
            self._word_banners()
        return self._banners[name]

    def show_page(self, page: QWidget) -> None:
        if self.pages.indexOf(page) < 0:
            self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)

    def show_connection(
        self, state: str, server: str, sandbox: bool, retry_in: float | None = None
    ) -> None:
        """`state` is connecting, online or offline; `server` is '' for the built-in one."""
        self._connection = (state, server, sandbox, retry_in)
        self._retry_left = round(retry_in or 0)
        if state == "offline" and retry_in:
            self._ticking().start()
        elif self._countdown is not None:
            self._countdown.stop()
        self._show_connection_texts()

    def show_keyring_missing(self) -> None:
        self.keyring_banner.show()

    def show_server_trouble(self, detail: str) -> None:
        """The built-in server could not be started or kept running ('' hides the banner)."""
        self._server_trouble = detail
        if detail or "trouble" in self._banners:
            self.trouble_banner.setVisible(bool(detail))
        self.retranslate()

    def show_update(
        self, version: str, stage: str = "available", detail: str = "", percent: int = 0
    ) -> None:
        """A newer studio: `stage` is one of `UPDATE_STAGES`; `detail` says why it failed.

        Never modal: "Later" hides it, and the studio keeps working whatever happens.
        """
        assert stage in UPDATE_STAGES, stage
        fresh = stage == "available" and self._update[0] != version
        self._update = (version, stage, detail, percent)
        self._word_banners()
        if fresh or stage != "downloading":
            self.update_banner.show()  # a download's progress does not reopen a hidden banner

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Flash Africa Studio"))
        self.starting_text.setText(self.tr("Starting Flash Africa Studio…"))
        self._word_banners()
        self.sandbox_badge.setText(self.tr("Sandbox"))
        self.sandbox_badge.setToolTip(
            self.tr("Payments and streaming are simulated on this server: no real money moves.")
        )
        self.offline_badge.setText(self.tr("Offline"))
        self._show_connection_texts()

    def _word_banners(self) -> None:
        if "keyring" in self._banners:
            self._banners["keyring"].set_texts(
                self.tr(
                    "This computer has no password keyring, so the studio cannot remember your "
                    "sign-in: you will need to sign in again next time you open it."
                ),
                close_label=self.tr("Dismiss"),
            )
        if "trouble" in self._banners:
            self._banners["trouble"].set_texts(
                self.tr("The studio's built-in server is not running. Details: %1").replace(
                    "%1", self._server_trouble
                ),
                self.tr("Try again"),
            )
        if "offline" in self._banners:
            self._banners["offline"].set_texts(
                self._offline_line(self._connection[1]), self.tr("Try now")
            )
        if "update" in self._banners:
            self._word_update(self._banners["update"])

    def _word_update(self, banner: Banner) -> None:
        version, stage, detail, percent = self._update
        action = ""
        if stage == "downloading":
            line = self.tr("Downloading version %1… %2%").replace("%2", str(percent))
        elif stage == "ready":
            line = self.tr("Version %1 is downloaded and checked. Install it when you are ready.")
            action = self.tr("Install")
        elif stage == "failed":
            line = self.tr("Version %1 could not be downloaded or opened: %2")
            action = self.tr("Try again")
        else:
            line = self.tr("Version %1 of Flash Africa Studio is available.")
            action = self.tr("Download")
        line = line.replace("%1", version).replace("%2", detail)  # the detail comes last
        banner.set_texts(line, action, close_label=self.tr("Later"))
        banner.close_button.setText(self.tr("Later"))

    def _show_connection_texts(self) -> None:
        state, server, sandbox, _retry_in = self._connection
        self.server_label.setText(self._server_line(state, server))
        self.sandbox_badge.setVisible(state == "online" and sandbox)
        self.offline_badge.setVisible(state == "offline")
        if state == "offline" or "offline" in self._banners:
            self.offline_banner.setVisible(state == "offline")
            self._word_banners()

    def _server_line(self, state: str, server: str) -> str:
        if self._server_trouble and not server and state != "online":
            return self.tr("The built-in server is not running")
        if server:
            lines = {
                "online": self.tr("Connected to %1"),
                "offline": self.tr("Cannot reach %1"),
            }
            return lines.get(state, self.tr("Connecting to %1…")).replace("%1", server)
        lines = {
            "online": self.tr("Connected to the built-in server"),
            "offline": self.tr("Cannot reach the built-in server"),
        }
        return lines.get(state, self.tr("Starting the built-in server…"))

    def _offline_line(self, server: str) -> str:
        seconds = self._retry_left
        if server and seconds > 0:
            text = self.tr(
                "You are offline: %1 is not answering. Trying again in %n s.", "", seconds
            )
        elif server:
            text = self.tr("You are offline: %1 is not answering. Trying again now…")
        elif seconds > 0:
            text = self.tr(
                "You are offline: the built-in server is not answering. Trying again in %n s.",
                "",
                seconds,
            )
        else:
            text = self.tr(
                "You are offline: the built-in server is not answering. Trying again now…"
            )
        return text.replace("%1", server)

    def _ticking(self) -> QTimer:
        """The once-a-second countdown to the next retry, shown in the offline banner."""
        if self._countdown is None:
            self._countdown = QTimer(self)
            self._countdown.setInterval(1000)
            self._countdown.timeout.connect(self._tick)
        return self._countdown

    def _tick(self) -> None:
        self._retry_left = max(0, self._retry_left - 1)
        if self._retry_left == 0:
            self._ticking().stop()
        self._show_connection_texts()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Closing hides the window; the app then stops the server and exits."""
        self.closing.emit()
        event.accept()
