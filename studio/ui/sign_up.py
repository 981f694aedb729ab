"""Create an account: a creator who goes live, or a fan who watches and supports."""

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.account_forms import sign_up_request
from studio.core.errors import FlashError
from studio.core.session import Session
from studio.ui.account_card import AccountCard, show_account_error
from studio.ui.async_slot import async_slot
from studio.ui.countries import CURRENCIES, countries_by_name, currency_of, home_country
from studio.ui.form import FormField
from studio.ui.screen import Screen

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


class SignUpScreen(Screen):
    """Every field the server needs for an account, each with its own error line."""

    wants_sign_in = Signal()

    def __init__(self, session: Session, language: str) -> None:
        super().__init__()
        self.session = session
        self.busy = False
        self.card = AccountCard()
        self.login_input = QLineEdit()
        self.login = FormField(self.login_input)
        self.password_input = QLineEdit()
        self.password_input.setEchoMode(QLineEdit.EchoMode.Password)
        self.password = FormField(self.password_input)
        self.name_input = QLineEdit()
        self.name_input.setMaxLength(60)
        self.display_name = FormField(self.name_input)
        self.creator_choice = QRadioButton()
        self.fan_choice = QRadioButton()
        self.creator_choice.setChecked(True)
        roles = QWidget()
        role_layout = QVBoxLayout(roles)
        role_layout.setContentsMargins(0, 0, 0, 0)
        self.role_group = QButtonGroup(self)
        for button in (self.creator_choice, self.fan_choice):
            self.role_group.addButton(button)
            role_layout.addWidget(button)
        self.role = FormField(roles)
        self.country_box = QComboBox()
        self.country = FormField(self.country_box)
        self.currency_box = QComboBox()
        self.currency_box.addItems(list(CURRENCIES))
        self.currency_box.setPlaceholderText("—")
        self.currency_box.setCurrentIndex(-1)
        self.currency = FormField(self.currency_box)
        self.language_box = QComboBox()
        for code, name in LANGUAGE_NAMES.items():
            self.language_box.addItem(name, code)
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(language)))
        self.language_chosen = False
        """Until the user picks one, the account's language follows the studio's."""
        self.language_box.activated.connect(self._language_picked)
        self.language = FormField(self.language_box)
        self.submit = QPushButton()
        self.submit.setProperty("kind", "primary")
        self.submit.setDefault(True)
        self.to_sign_in = QPushButton()
        self.to_sign_in.setProperty("kind", "link")

        for form_field in (self.login, self.password, self.display_name, self.role):
            self.card.body.addWidget(form_field)
        money = QHBoxLayout()
        money.addWidget(self.country, 3, Qt.AlignmentFlag.AlignTop)
        money.addWidget(self.currency, 1, Qt.AlignmentFlag.AlignTop)
        self.card.body.addLayout(money)
        self.card.body.addWidget(self.language)
        self.card.body.addWidget(self.submit)
        self.card.body.addWidget(self.to_sign_in)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.card)

        self.country_box.currentIndexChanged.connect(self._country_chosen)
        self.submit.clicked.connect(self.sign_up)
        self.to_sign_in.clicked.connect(self.wants_sign_in)
        self._fill_countries(home_country())
        self._country_chosen()
        self.retranslate()

    @property
    def fields(self) -> dict[str, FormField]:
        return {
            "login": self.login,
            "password": self.password,
            "display_name": self.display_name,
            "role": self.role,
            "country": self.country,
            "currency": self.currency,
            "language": self.language,
        }

    def retranslate(self) -> None:
        self.card.title.setText(self.tr("Create your account"))
        self.card.subtitle.setText(
            self.tr("It takes a minute. You can go live as soon as you are in.")
        )
        self.login.set_texts(
            self.tr("Email or phone number"),
            self.tr("A phone number starts with + and the country code, like +254712345678."),
        )
        self.password.set_texts(
            self.tr("Password"),
            self.tr("At least 10 characters, mixing letters with digits or symbols."),
        )
        self.display_name.set_texts(self.tr("Name your fans will see"))
        self.role.set_texts(self.tr("I am joining as"))
        self.creator_choice.setText(self.tr("A creator: I go live and receive support"))
        self.fan_choice.setText(self.tr("A fan: I watch and support creators"))
        self.country.set_texts(self.tr("Country"))
        self.currency.set_texts(self.tr("Currency"))
        self.language.set_texts(self.tr("Language for messages and receipts"))
        self.submit.setText(
            self.tr("Creating your account…") if self.busy else self.tr("Create account")
        )
        self.to_sign_in.setText(self.tr("Already have an account? Sign in"))
        self._fill_countries(self.country_box.currentData() or "")
        if not self.language_chosen:
            studio_language = QLocale().name()[:2]
            self.language_box.setCurrentIndex(max(0, self.language_box.findData(studio_language)))

    def reset(self) -> None:
        self.password_input.clear()
        self.card.clear_errors(list(self.fields.values()))

    def forget(self) -> None:
        """After a sign-out: nothing of the last person's details stays on screen."""
        for box in (self.login_input, self.password_input, self.name_input):
            box.clear()
        self.creator_choice.setChecked(True)
        self.reset()

    def _language_picked(self) -> None:
        self.language_chosen = True

    @async_slot
    async def sign_up(self) -> None:
        if self.busy:
            return
        self.card.clear_errors(list(self.fields.values()))
        self._set_busy(True)
        try:
            request = sign_up_request(
                login=self.login_input.text(),
                password=self.password_input.text(),
                display_name=self.name_input.text(),
                role="fan" if self.fan_choice.isChecked() else "creator",
                country=self.country_box.currentData() or "",
                currency=self.currency_box.currentText(),
                language=self.language_box.currentData(),
            )
            await self.session.sign_up(request)
            self.password_input.clear()
        except FlashError as error:
            show_account_error(self.card, self.fields, error)
        finally:
            self._set_busy(False)

    def _fill_countries(self, selected: str) -> None:
        """(Re)write the list in the current language, keeping the choice."""
        self.country_box.blockSignals(True)
        self.country_box.clear()
        self.country_box.addItem(self.tr("Choose your country"), "")
        for code, name in countries_by_name():
            self.country_box.addItem(name, code)
        self.country_box.setCurrentIndex(max(0, self.country_box.findData(selected)))
        self.country_box.blockSignals(False)

    def _country_chosen(self) -> None:
        currency = currency_of(self.country_box.currentData() or "")
        if currency:
            self.currency_box.setCurrentText(currency)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.submit.setEnabled(not busy)
        self.submit.setText(
            self.tr("Creating your account…") if busy else self.tr("Create account")
        )
