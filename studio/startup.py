"""The running studio: core objects (server, connection, session) wired to the window.

Imported only after the window is on screen: this is where the heavy modules
(httpx, pydantic, keyring, the contract) come in.
"""

import asyncio
import contextlib
import logging
import secrets
import sys
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from server.contract import User
from studio import DATA_FOLDER
from studio.core.api_client import ApiClient
from studio.core.backoff import Backoff
from studio.core.bundled_server import BundledServer, BundledServerError, ServerExit
from studio.core.connection import LinkState, ServerConnection, ServerStatus
from studio.core.earnings_sync import EarningsFeed
from studio.core.errors import FlashError, ServerUnreachable, Unauthorized
from studio.core.live_room import LiveRoom
from studio.core.session import Session
from studio.core.settings import (
    LANGUAGE,
    SERVER_URL,
    THEME,
    UPDATE_FEED_URL,
    Setting,
    StudioSettings,
)
from studio.core.token_store import TokenStore
from studio.core.updates import default_download_folder
from studio.core.vault import Vault
from studio.ui.appearance import Appearance
from studio.ui.async_slot import async_slot
from studio.ui.main_window import MainWindow
from studio.ui.sign_in import SignInScreen
from studio.ui.update_offer import UpdateOffer

if TYPE_CHECKING:
    from studio.ui.settings_screen import SettingsScreen
    from studio.ui.shell import AppShell
    from studio.ui.sign_up import SignUpScreen

log = logging.getLogger("studio")

BUNDLED = "bundled"
SECRET_KEY_ENTRY = "bundled-server-secret-key"


@dataclass
class StudioOptions:
    """Where the bundled server keeps its data, and how patiently the studio retries."""

    data_dir: Path = field(default_factory=lambda: platformdirs.user_data_path(DATA_FOLDER))
    python: str = sys.executable
    check_every: float = 30.0
    retry: Backoff = field(default_factory=lambda: Backoff(first=1.0, longest=30.0))
    server_restart: Backoff = field(default_factory=lambda: Backoff(first=1.0, longest=30.0))
    update_dir: Path = field(default_factory=default_download_folder)
    """Where a newer studio's installer is saved when the creator asks for it."""


class Studio:
    """Owns the core objects and decides which screen the window shows."""

    def __init__(
        self,
        window: MainWindow,
        settings: StudioSettings,
        appearance: Appearance,
        options: StudioOptions | None = None,
    ) -> None:
        self.window = window
        self.settings = settings
        self.appearance = appearance
        self.options = options or StudioOptions()
        self.vault = Vault()
        self.api = ApiClient()
        self.session = Session(self.api, TokenStore(self.vault))
        self.earnings = EarningsFeed(
            self.api, self.session, self.options.data_dir / "earnings-cache"
        )
        self.connection = ServerConnection(
            self.api, check_every=self.options.check_every, backoff=self.options.retry
        )
        self.live = LiveRoom(self.api, self.session, backoff=self.options.retry)
        self.bundled: BundledServer | None = None
        self.ready = asyncio.Event()
        """Set once a screen is up and the server answers: the studio is usable."""
        self._tasks: set[asyncio.Task[Any]] = set()
        self._confirmed = False
        self.update_offer = UpdateOffer(window, self.options.update_dir)
        self._update_checked = False
        """The feed is read once the server first answers (is it a sandbox?), then not again."""

        self.sign_in = SignInScreen(self.session)
        self._sign_up: SignUpScreen | None = None
        self._early_settings: SettingsScreen | None = None
        self._shell: AppShell | None = None
        self.sign_in.wants_sign_up.connect(self._show_sign_up)
        self.sign_in.wants_settings.connect(lambda: window.show_page(self.early_settings))
        window.retry_requested.connect(self.connection.check_now)
        window.restart_server_requested.connect(self.restart_bundled)
        self.vault.session_only.connect(lambda _reason: window.show_keyring_missing())
        self.session.signed_in.connect(self._signed_in)
        self.session.signed_out.connect(self._signed_out)
        self.connection.changed.connect(self._connection_changed)
        settings.changed.connect(self._setting_changed)

    # The screens behind the sign-in screen are built the first time they are wanted: a
    # start that stays at the sign-in screen never imports them, and the signed-in shell
    # (Go Live, dashboard, earnings, chat) alone holds about 13 MB.

    @property
    def sign_up(self) -> "SignUpScreen":
        if self._sign_up is None:
            from studio.ui.sign_up import SignUpScreen

            self._sign_up = SignUpScreen(self.session, self.settings.get(LANGUAGE))
            self._sign_up.wants_sign_in.connect(lambda: self.window.show_page(self.sign_in))
        return self._sign_up

    @property
    def early_settings(self) -> "SettingsScreen":
        """The settings reachable before signing in (a remote server, the language)."""
        if self._early_settings is None:
            from studio.ui.settings_screen import SettingsScreen

            screen = SettingsScreen(self.settings, data_dir=self.options.data_dir, with_back=True)
            screen.back_requested.connect(lambda: self.window.show_page(self.sign_in))
            self._early_settings = screen
        return self._early_settings

    @property
    def shell(self) -> "AppShell":
        if self._shell is None:
            from studio.core.payouts import PayoutDesk
            from studio.ui.settings_screen import SettingsScreen
            from studio.ui.shell import AppShell

            settings = self.settings
            shell = AppShell(
                SettingsScreen(settings, data_dir=self.options.data_dir, with_back=False)
            )
            shell.sign_out_requested.connect(self.sign_out)
            shell.earnings.attach(self.earnings)
            shell.earnings.attach_payouts(PayoutDesk(self.api, self.session))
            shell.chat.bind(self.live)
            shell.go_live.chat.bind(self.live)
            shell.dashboard.bind(self.live, settings)
            shell.go_live.use_session(self.session)
            shell.go_live.use_settings(settings)
            self._shell = shell
        return self._shell

    async def start(self) -> None:
        """Say whether sign-ins can be remembered, then open on the configured server."""
        self.appearance.follow_system()
        await self.vault.open()
        await self._use_server(self.settings.get(SERVER_URL))

    async def shutdown(self) -> None:
        """Stop watching, stop the bundled server, close connections: nothing left behind."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._shell is not None:
            await self._shell.go_live.shutdown()
        await self.connection.stop()
        await self.live.stop()
        await self.earnings.close_account()
        await self._stop_bundled()
        await self.api.aclose()

    @async_slot
    async def sign_out(self) -> None:
        await self.session.sign_out()

    @async_slot
    async def restart_bundled(self) -> None:
        self.window.show_server_trouble("")
        await self._stop_bundled()
        self._run(self._start_bundled())

    async def _use_server(self, url: str) -> None:
        self._confirmed = False
        if url:
            await self._stop_bundled()
            self.connection.watch(url)
        elif self.bundled is not None and self.bundled.url:
            self.connection.watch(self.bundled.url)
        else:
            self.connection.wait("starting the built-in server")
            if self.bundled is None:
                self._run(self._start_bundled())
        await self.session.use_server(url or BUNDLED)

    async def _start_bundled(self) -> None:
        secret = await self._bundled_secret()
        if self.settings.get(SERVER_URL) or self.bundled is not None:
            return  # a remote server was chosen, or another start won, while we read the key
        server = BundledServer(
            data_dir=self.options.data_dir,
            secret_key=secret,
            python=self.options.python,
            restart_backoff=self.options.server_restart,
        )
        self.bundled = server
        server.ready.connect(self._bundled_ready)
        server.exited.connect(self._bundled_exited)
        server.gave_up.connect(self.window.show_server_trouble)
        try:
            await server.start()
        except BundledServerError as exc:
            log.warning("%s\n%s", exc.message, server.last_output)
            self.window.show_server_trouble(exc.message)

    async def _stop_bundled(self) -> None:
        server, self.bundled = self.bundled, None
        if server is not None:
            await server.stop()

    async def _bundled_secret(self) -> str:
        """One random key per install, kept in the keyring (memory only where there is none)."""
        secret = await self.vault.get(SECRET_KEY_ENTRY)
        if not secret:
            secret = secrets.token_urlsafe(48)
            await self.vault.set(SECRET_KEY_ENTRY, secret)
        return secret

    def _bundled_ready(self, url: str) -> None:
        log.info("built-in server ready at %s", url)
        if self.settings.get(SERVER_URL) == "":
            self.connection.watch(url)

    def _bundled_exited(self, exit_: ServerExit) -> None:
        log.warning(
            "built-in server stopped (exit code %s); restarting: %s",
            exit_.returncode,
            exit_.restarting,
        )
        self.connection.check_now()

    def _connection_changed(self, status: ServerStatus) -> None:
        remote = self.settings.get(SERVER_URL)
        self.window.show_connection(status.state.value, remote, status.sandbox, status.retry_in)
        if status.state is LinkState.ONLINE:
            if self.session.user is not None and not self._confirmed:
                self._run(self._confirm_sign_in())
            if self.session.user is not None:
                self._run(self._open_earnings(self.session.user))
                self.live.chat.retry_now()
            self._note_ready()
            self._check_for_update(status.sandbox)
        elif status.state is LinkState.OFFLINE:
            self.earnings.mark_offline(ServerUnreachable(status.reason, code="unreachable"))

    async def _confirm_sign_in(self) -> None:
        """A sign-in restored from the keyring is checked (and refreshed) once online."""
        try:
            await self.session.confirm()
            self._confirmed = True
        except Unauthorized:
            self._confirmed = True  # the session has signed out and said why
        except ServerUnreachable:
            self.connection.check_now()
        except FlashError as exc:
            log.warning("could not confirm the sign-in: %s", exc.message)

    async def _open_earnings(self, user: User) -> None:
        """The account's cached earnings at once; brought up to date when the server answers."""
        await self.earnings.follow(user)
        if self.connection.status.state is LinkState.ONLINE:
            await self.earnings.sync()

    def _signed_in(self, user: User) -> None:
        self._run(self._open_earnings(user))
        self._run(self.live.start())
        self.shell.show_user(user)
        self.window.show_page(self.shell)
        self._note_ready()

    def _signed_out(self, reason: FlashError | None) -> None:
        self._run(self.earnings.close_account())
        self._run(self.live.stop())
        self.sign_in.reset(reason)
        if self._sign_up is not None:
            self._sign_up.forget()
        if self._shell is not None:
            self._shell.open("go_live")
        self.window.show_page(self.sign_in)
        self._confirmed = False
        self._note_ready()

    def _show_sign_up(self) -> None:
        self.sign_up.reset()
        self.window.show_page(self.sign_up)

    def _setting_changed(self, setting: Setting[Any]) -> None:
        if setting is LANGUAGE:
            self._run(self.appearance.set_language(self.settings.get(LANGUAGE)))
        elif setting is THEME:
            self.appearance.set_theme(self.settings.get(THEME))
        elif setting is SERVER_URL:
            self._update_checked = False  # a sandbox studio asks nothing; a real one may now
            self._run(self._use_server(self.settings.get(SERVER_URL)))
        elif setting is UPDATE_FEED_URL:
            self._update_checked = False
            if self.connection.status.state is LinkState.ONLINE:
                self._check_for_update(self.connection.status.sandbox)

    def _check_for_update(self, sandbox: bool) -> None:
        """In the background, after start-up; the banner appears only if there is news."""
        if not self._update_checked:
            self._update_checked = True
            feed = self.settings.get(UPDATE_FEED_URL)
            self._run(self._look_for_update(feed, sandbox))

    async def _look_for_update(self, feed: str, sandbox: bool) -> None:
        await self.update_offer.check(feed, sandbox=sandbox)

    def _note_ready(self) -> None:
        page = self.window.pages.currentWidget()
        online = self.connection.status.state is LinkState.ONLINE
        if online and page is not self.window.starting and not self.ready.is_set():
            log.info("ready: %s, server online", type(page).__name__)
            self.ready.set()

    def _run(self, work: Coroutine[Any, Any, None]) -> None:
        """Run in the background, keeping a reference so the task is not collected."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_report_failure)


def _report_failure(task: "asyncio.Task[Any]") -> None:
    with contextlib.suppress(asyncio.CancelledError):
        if (exc := task.exception()) is not None:
            log.error("background work failed", exc_info=exc)
