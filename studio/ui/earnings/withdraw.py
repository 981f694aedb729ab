"""The Withdraw dialog: method, amount and phone, a confirmation that names them, then the
outcome.

The creator picks among the methods that pay the balance's currency (M-Pesa for KES,
MTN MoMo for the MTN markets' currencies; `methods_for`, core), and the phone field's
label, example and the amount's hint follow the method. Three pages in one
window-modal dialog opened with `open()`, so nothing ever blocks the event loop: the
request and the wait for the provider's answer are awaited through qasync
(`PayoutDesk`, core). A refusal (4xx) goes back to the form with the message next to
its field; "can't be reached" offers to try again under the same Idempotency-Key, so a
retry never pays twice.
"""

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from server.contract.payouts import CreatePayoutRequest, Payout, PayoutMethod, PayoutStatus
from studio.core.errors import FlashError
from studio.core.money_format import format_money, format_number
from studio.core.payouts import (
    EXAMPLE_PHONES,
    PayoutDesk,
    methods_for,
    minimum_payout,
    new_withdrawal_key,
    parse_amount,
    payout_request,
)
from studio.ui.async_slot import async_slot
from studio.ui.form import FormField
from studio.ui.messages import explain

translate = QCoreApplication.translate

FORM, CONFIRM, OUTCOME = 0, 1, 2
METHOD_NAMES = {PayoutMethod.MPESA: "M-Pesa", PayoutMethod.MTN_MOMO: "MTN MoMo"}  # brands


def by_method(method: PayoutMethod, mpesa: str, momo: str) -> str:
    """The sentence for `method`: each is written whole, so each language words it naturally."""
    return momo if method is PayoutMethod.MTN_MOMO else mpesa


class WithdrawDialog(QDialog):
    """One withdrawal from `available` in `currency` to a mobile-money number."""

    payout_changed = Signal()
    """A payout was accepted or ended: the figures behind the dialog are out of date."""

    def __init__(
        self, desk: PayoutDesk, available: int, currency: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("withdrawDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.desk = desk
        self.available = available
        self.currency = currency
        self.methods = methods_for(currency) or [PayoutMethod.MPESA]
        self.request: CreatePayoutRequest | None = None
        self.key: str | None = None
        self.payout: Payout | None = None
        self.busy = False

        self.pages = QStackedWidget()
        self.pages.addWidget(self._form_page(available, currency))
        self.pages.addWidget(self._confirm_page())
        self.pages.addWidget(self._outcome_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.pages)
        self.setMinimumWidth(440)
        self.retranslate()

    # --- pages ---------------------------------------------------------------------------

    def _form_page(self, available: int, currency: str) -> QWidget:
        page = QWidget()
        self.form_title = QLabel()
        self.form_title.setObjectName("sectionTitle")
        self.available_label = QLabel()
        self.available_label.setObjectName("hint")
        self.method_input = QComboBox()
        self.method_input.setObjectName("withdrawMethod")
        for method in self.methods:
            self.method_input.addItem(METHOD_NAMES[method], method.value)
        self.method_input.currentIndexChanged.connect(self._method_changed)
        self.method = FormField(self.method_input)
        self.amount_input = QLineEdit(format_number(available, currency))
        self.amount = FormField(self.amount_input)
        self.phone_input = QLineEdit(self.desk.default_phone())
        self.phone = FormField(self.phone_input)
        self.form_error = QLabel()
        self.form_error.setObjectName("fieldError")
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.reject)
        self.continue_button = QPushButton()
        self.continue_button.setProperty("kind", "primary")
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self.review)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.form_title)
        layout.addWidget(self.available_label)
        layout.addWidget(self.method)
        layout.addWidget(self.amount)
        layout.addWidget(self.phone)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        layout.addLayout(_buttons(self.cancel_button, self.continue_button))
        return page

    def _confirm_page(self) -> QWidget:
        page = QWidget()
        self.confirm_title = QLabel()
        self.confirm_title.setObjectName("sectionTitle")
        self.confirm_text = QLabel()
        self.confirm_text.setWordWrap(True)
        self.confirm_text.setObjectName("sectionBody")
        self.confirm_hint = QLabel()
        self.confirm_hint.setObjectName("hint")
        self.confirm_hint.setWordWrap(True)
        self.back_button = QPushButton()
        self.back_button.clicked.connect(lambda: self.pages.setCurrentIndex(FORM))
        self.withdraw_button = QPushButton()
        self.withdraw_button.setProperty("kind", "primary")
        self.withdraw_button.clicked.connect(self.withdraw)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.confirm_title)
        layout.addWidget(self.confirm_text)
        layout.addWidget(self.confirm_hint)
        layout.addStretch(1)
        layout.addLayout(_buttons(self.back_button, self.withdraw_button))
        return page

    def _outcome_page(self) -> QWidget:
        page = QWidget()
        self.outcome_title = QLabel()
        self.outcome_title.setObjectName("sectionTitle")
        self.outcome_text = QLabel()
        self.outcome_text.setWordWrap(True)
        self.outcome_text.setObjectName("sectionBody")
        self.outcome_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton()
        self.retry_button.setProperty("kind", "primary")
        self.retry_button.clicked.connect(self.withdraw)
        self.retry_button.hide()
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.accept)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.outcome_title)
        layout.addWidget(self.outcome_text)
        layout.addStretch(1)
        layout.addLayout(_buttons(self.retry_button, self.close_button))
        return page

    def selected_method(self) -> PayoutMethod:
        return PayoutMethod(self.method_input.currentData())

    def _method_changed(self) -> None:
        self._clear_errors()
        self._show_method_texts()

    def _show_method_texts(self) -> None:
        """Everything on the form that names the method or its numbers."""
        method = self.selected_method()
        self.form_title.setText(
            by_method(
                method,
                translate("Withdraw", "Withdraw to M-Pesa"),
                translate("Withdraw", "Withdraw to MTN MoMo"),
            )
        )
        self.amount.set_texts(
            translate("Withdraw", "Amount (%1)").replace("%1", self.currency),
            by_method(
                method,
                translate("Withdraw", "Whole shillings, at least KES 10."),
                translate("Withdraw", "At least %1.").replace(
                    "%1", format_money(minimum_payout(self.currency), self.currency)
                ),
            ),
        )
        self.phone.set_texts(
            by_method(
                method,
                translate("Withdraw", "M-Pesa phone number"),
                translate("Withdraw", "MTN MoMo phone number"),
            ),
            translate("Withdraw", "The money goes to this number."),
        )
        self.phone_input.setPlaceholderText(EXAMPLE_PHONES.get(self.currency, "+254712345678"))
        self.confirm_hint.setText(
            by_method(
                method,
                translate(
                    "Withdraw",
                    "The amount leaves your available balance now. If M-Pesa refuses the "
                    "payout, it comes back.",
                ),
                translate(
                    "Withdraw",
                    "The amount leaves your available balance now. If MTN MoMo refuses the "
                    "payout, it comes back.",
                ),
            )
        )

    def retranslate(self) -> None:
        self.setWindowTitle(translate("Withdraw", "Withdraw"))
        self.available_label.setText(
            translate("Withdraw", "Available: %1").replace(
                "%1", format_money(self.available, self.currency)
            )
        )
        self.method.set_texts(translate("Withdraw", "Send to"))
        self._show_method_texts()
        self.cancel_button.setText(translate("Withdraw", "Cancel"))
        self.continue_button.setText(translate("Withdraw", "Continue"))
        self.confirm_title.setText(translate("Withdraw", "Confirm your withdrawal"))
        self.back_button.setText(translate("Withdraw", "Back"))
        self.withdraw_button.setText(translate("Withdraw", "Withdraw"))
        self.retry_button.setText(translate("Withdraw", "Try again"))
        self.close_button.setText(translate("Withdraw", "Close"))
        if self.request is not None:
            self._show_confirmation(self.request)
        if self.payout is not None and self.pages.currentIndex() == OUTCOME:
            self._show_payout(self.payout)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- steps ---------------------------------------------------------------------------

    def review(self) -> None:
        """Check the form, then ask the creator to confirm amount and destination."""
        self._clear_errors()
        try:
            amount = parse_amount(self.amount_input.text(), self.currency, QLocale().decimalPoint())
        except ValueError:
            self.amount.set_error(
                translate("Withdraw", "Enter an amount like %1.").replace(
                    "%1", format_number(20_000, self.currency)
                )
            )
            return
        try:
            request = payout_request(
                amount, self.currency, self.phone_input.text(), self.selected_method()
            )
        except FlashError as error:
            self._show_form_error(error)
            return
        if request != self.request:
            self.key = new_withdrawal_key()  # another withdrawal: a key of its own
        self.request = request
        self._show_confirmation(request)
        self.pages.setCurrentIndex(CONFIRM)
        self.withdraw_button.setFocus()

    @async_slot
    async def withdraw(self) -> None:
        """Send the confirmed withdrawal (again, after a failure to reach the provider)."""
        if self.busy or self.request is None or self.key is None:
            return
        request, key = self.request, self.key
        self._set_busy(True)
        self._show_outcome(
            translate("Withdraw", "Sending…"),
            by_method(
                request.method,
                translate("Withdraw", "Asking M-Pesa to send %1 to %2."),
                translate("Withdraw", "Asking MTN MoMo to send %1 to %2."),
            )
            .replace("%1", format_money(request.amount, request.currency))
            .replace("%2", request.phone),
        )
        try:
            payout = await self.desk.withdraw(request, key)
        except FlashError as error:
            self._set_busy(False)
            if error.status is not None and 400 <= error.status < 500:
                if error.code == "insufficient_balance":
                    self.payout_changed.emit()  # the figures behind us are older than this
                self._show_form_error(error)
                self.pages.setCurrentIndex(FORM)
                return
            self._show_outcome(
                translate("Withdraw", "Not sent yet"),
                explain(error).general or error.message,
                can_retry=True,
            )
            return
        self.payout = payout
        self.payout_changed.emit()
        self._show_payout(payout)
        try:
            ended = await self.desk.outcome(payout)
        except FlashError:
            ended = payout  # the payout is safe on the server; Earnings shows it later
        finally:
            self._set_busy(False)
        self.payout = ended
        self.payout_changed.emit()
        self._show_payout(ended)

    # --- showing -------------------------------------------------------------------------

    def _show_confirmation(self, request: CreatePayoutRequest) -> None:
        self.confirm_text.setText(
            by_method(
                request.method,
                translate("Withdraw", "Send %1 to the M-Pesa number %2?"),
                translate("Withdraw", "Send %1 to the MTN MoMo number %2?"),
            )
            .replace("%1", format_money(request.amount, request.currency))
            .replace("%2", request.phone)
        )

    def _show_payout(self, payout: Payout) -> None:
        money = format_money(payout.amount, payout.currency)
        method = payout.method
        if payout.status is PayoutStatus.SUCCEEDED:
            self._show_outcome(
                translate("Withdraw", "Sent"),
                by_method(
                    method,
                    translate("Withdraw", "M-Pesa sent %1 to %2."),
                    translate("Withdraw", "MTN MoMo sent %1 to %2."),
                )
                .replace("%1", money)
                .replace("%2", payout.phone),
            )
        elif payout.status is PayoutStatus.FAILED:
            reason = payout.failure_reason
            text = failure_text(reason.code, reason.message, method) if reason is not None else ""
            self._show_outcome(translate("Withdraw", "Not sent"), text)
        else:
            self._show_outcome(
                translate("Withdraw", "Pending"),
                by_method(
                    method,
                    translate(
                        "Withdraw",
                        "Waiting for M-Pesa to send %1 to %2. The amount is held until it does.",
                    ),
                    translate(
                        "Withdraw",
                        "Waiting for MTN MoMo to send %1 to %2. The amount is held until it does.",
                    ),
                )
                .replace("%1", money)
                .replace("%2", payout.phone),
            )

    def _show_outcome(self, title: str, text: str, *, can_retry: bool = False) -> None:
        self.outcome_title.setText(title)
        self.outcome_text.setText(text)
        self.retry_button.setVisible(can_retry)
        self.pages.setCurrentIndex(OUTCOME)

    def _show_form_error(self, error: FlashError) -> None:
        explanation = explain(error)
        general = [explanation.general] if explanation.general else []
        if error.code == "insufficient_balance":
            self.amount.set_error(
                translate("Withdraw", "That is more than you have available (%1).").replace(
                    "%1", format_money(self.available, self.currency)
                )
            )
            general = []
        else:
            for name, message in explanation.fields.items():
                fields = {"amount": self.amount, "phone": self.phone, "method": self.method}
                target = fields.get(name.split(".")[-1])
                if target is None:
                    general.append(message)
                else:
                    target.set_error(message)
        self.form_error.setText(" ".join(general))
        self.form_error.setVisible(bool(general))

    def _clear_errors(self) -> None:
        self.method.set_error("")
        self.amount.set_error("")
        self.phone.set_error("")
        self.form_error.hide()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.retry_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy or self.payout is not None)


def failure_text(code: str, fallback: str, method: PayoutMethod = PayoutMethod.MPESA) -> str:
    """The reasons the server gives, in the studio's language (the server's words otherwise)."""
    untouched = translate("Withdraw", "Your balance was not touched.")
    known = _momo_failures() if method is PayoutMethod.MTN_MOMO else _mpesa_failures()
    return f"{known[code]} {untouched}" if code in known else fallback


def _momo_failures() -> dict[str, str]:
    return {
        "recipient_unregistered": translate("Withdraw", "This number has no MTN MoMo account."),
        "provider_insufficient_funds": translate(
            "Withdraw", "Payouts are paused by MTN MoMo for now; try again later."
        ),
        "provider_declined": translate("Withdraw", "MTN MoMo declined the payout."),
        "provider_rejected": translate("Withdraw", "MTN MoMo refused the payout request."),
        "provider_unavailable": translate(
            "Withdraw", "MTN MoMo could not be reached, so nothing was sent."
        ),
    }


def _mpesa_failures() -> dict[str, str]:
    return {
        "recipient_unregistered": translate(
            "Withdraw", "This number cannot receive M-Pesa payments."
        ),
        "provider_insufficient_funds": translate(
            "Withdraw", "Payouts are paused by M-Pesa for now; try again later."
        ),
        "provider_declined": translate("Withdraw", "M-Pesa declined the payout."),
        "provider_rejected": translate("Withdraw", "M-Pesa refused the payout request."),
        "provider_unavailable": translate(
            "Withdraw", "M-Pesa could not be reached, so nothing was sent."
        ),
    }


def _buttons(secondary: QPushButton, primary: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(secondary)
    row.addWidget(primary)
    return row
