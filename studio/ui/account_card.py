"""The centred card that the sign-in and sign-up screens are laid out in."""

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import FlashError
from studio.ui.form import FormField
from studio.ui.messages import explain


class AccountCard(QScrollArea):
    """A scrollable page with a card of fixed width in the middle: title, subtitle, fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget()
        page.setObjectName("accountPage")
        outer = QHBoxLayout(page)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        self.card = QFrame()
        self.card.setObjectName("card")
        self.card.setFixedWidth(480)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignVCenter)
        outer.addStretch(1)
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("subtitle")
        self.subtitle.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.body = QVBoxLayout(self.card)
        self.body.setContentsMargins(32, 28, 32, 28)
        self.body.setSpacing(14)
        self.body.addWidget(self.title)
        self.body.addWidget(self.subtitle)
        self.body.addWidget(self.message)
        self.setWidget(page)

    def show_message(self, text: str) -> None:
        """A message about the whole form (not one field); '' hides it."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def clear_errors(self, fields: list[FormField]) -> None:
        self.show_message("")
        for form_field in fields:
            form_field.set_error("")


LOGIN_FIELDS = ("login", "email", "phone")
"""The server may name the login as email or phone; both screens show it on one field."""


def show_account_error(
    card: AccountCard, fields: Mapping[str, FormField], error: FlashError
) -> None:
    """Each message next to the field it concerns; the rest at the top of the card."""
    explanation = explain(error)
    general = [explanation.general] if explanation.general else []
    for name, message in explanation.fields.items():
        target = fields.get("login" if name in LOGIN_FIELDS else name)
        if target is None:
            general.append(message)
        else:
            target.set_error(message)
    card.show_message(" ".join(general))
