"""Sign in with an email or phone number and a password."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from studio.core.account_forms import sign_in_request
from studio.core.errors import FlashError
from studio.core.session import Session
from studio.ui.account_card import AccountCard, show_account_error
from studio.ui.async_slot import async_slot
from studio.ui.form import FormField
from studio.ui.messages import explain
from studio.ui.screen import Screen


class SignInScreen(Screen):
    """The first screen of a signed-out studio."""

    wants_sign_up = Signal()
    wants_settings = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.busy = False
        self.card = AccountCard()
        self.login_input = QLineEdit()
        self.login = FormField(self.login_input)
        self.password_input = QLineEdit()
        self.password_input.setEchoMode(QLineEdit.EchoMode.Password)
        self.password = FormField(self.password_input)
        self.submit = QPushButton()
        self.submit.setProperty("kind", "primary")
        self.submit.setDefault(True)
        self.to_sign_up = QPushButton()
        self.to_sign_up.setProperty("kind", "link")
        self.to_settings = QPushButton()
        self.to_settings.setProperty("kind", "link")

        self.card.body.addWidget(self.login)
        self.card.body.addWidget(self.password)
        self.card.body.addWidget(self.submit)
        links = QHBoxLayout()
        links.addWidget(self.to_sign_up)
        links.addStretch(1)
        links.addWidget(self.to_settings)
        self.card.body.addLayout(links)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.card)

        self.submit.clicked.connect(self.sign_in)
        self.login_input.returnPressed.connect(self.sign_in)
        self.password_input.returnPressed.connect(self.sign_in)
        self.to_sign_up.clicked.connect(self.wants_sign_up)
        self.to_settings.clicked.connect(self.wants_settings)
        self.retranslate()

    def retranslate(self) -> None:
        self.card.title.setText(self.tr("Welcome back"))
        self.card.subtitle.setText(self.tr("Sign in to go live and follow your earnings."))
        self.login.set_texts(self.tr("Email or phone number"))
        self.login_input.setPlaceholderText(self.tr("awa@example.com or +254712345678"))
        self.password.set_texts(self.tr("Password"))
        self.submit.setText(self.tr("Signing in…") if self.busy else self.tr("Sign in"))
        self.to_sign_up.setText(self.tr("New here? Create an account"))
        self.to_settings.setText(self.tr("Settings"))

    def reset(self, reason: FlashError | None = None) -> None:
        """Ready for a new sign-in; say why the last one ended when it was not the user's choice."""
        self.password_input.clear()
        self.card.clear_errors([self.login, self.password])
        if reason is not None:
            self.card.show_message(explain(reason).general or reason.message)

    @async_slot
    async def sign_in(self) -> None:
        if self.busy:
            return
        self.card.clear_errors([self.login, self.password])
        self._set_busy(True)
        try:
            request = sign_in_request(self.login_input.text(), self.password_input.text())
            await self.session.sign_in(request)
            self.password_input.clear()
        except FlashError as error:
            show_account_error(self.card, {"login": self.login, "password": self.password}, error)
        finally:
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.submit.setEnabled(not busy)
        self.submit.setText(self.tr("Signing in…") if busy else self.tr("Sign in"))
