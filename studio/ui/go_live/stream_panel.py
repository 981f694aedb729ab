"""Which stream to go live on: pick one or create one, and see where and with which key.

The key is shown masked until the creator asks; Copy puts it on the clipboard
without showing it; Reset asks first, because anything still using the old key
(another encoder, a saved OBS profile) stops working at once.
"""

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from server.contract.money import is_supported_currency, minimum_amount, minor_per_major
from server.contract.streams import LatencyMode, OwnerStream, Price, StreamCreate, Visibility
from studio.core.errors import FlashError, InvalidInput
from studio.core.streams_client import StreamsClient
from studio.ui.form import FormField
from studio.ui.go_live.panel import FIELD_HEIGHT, Panel
from studio.ui.go_live.tasks import WidgetTasks

MASK = "•" * 20


class StreamPanel(Panel):
    """Emits `stream_changed` with the chosen stream (None when there is none)."""

    stream_changed = Signal(object)

    def __init__(self, tasks: WidgetTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.client: StreamsClient | None = None
        self.streams: list[OwnerStream] = []
        self.key_shown = False
        self.locked = False
        self.loaded = False
        """The list came from the server at least once (until then the screen retries)."""
        self.stream_box = QComboBox()
        self.stream_box.currentIndexChanged.connect(self._picked)
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self._open_form)
        picker = QHBoxLayout()
        picker.addWidget(self.stream_box, 1)
        picker.addWidget(self.new_button)
        self.body.addLayout(picker)

        self.form = QWidget()
        self.title_input = QLineEdit()
        self.title_input.setMaxLength(120)
        self.title = FormField(self.title_input)
        self.visibility_box = QComboBox()
        self.visibility = FormField(self.visibility_box)
        self.latency_box = QComboBox()
        self.latency = FormField(self.latency_box)
        self.currency = "USD"
        """Ticket prices are in the creator's own currency (their account's)."""
        self.price_input = QDoubleSpinBox()
        self.price_input.setRange(0, 1_000_000)
        self.price_input.setMinimumHeight(FIELD_HEIGHT)
        self.price = FormField(self.price_input)
        self.price.hide()
        self.visibility_box.currentIndexChanged.connect(self._visibility_changed)
        self.create_button = QPushButton()
        self.create_button.setProperty("kind", "primary")
        self.create_button.clicked.connect(self.create_stream)
        self.title_input.returnPressed.connect(self.create_stream)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(lambda: self.form.setVisible(False))
        form_layout = QVBoxLayout(self.form)
        form_layout.setContentsMargins(0, 4, 0, 4)
        form_layout.addWidget(self.title)
        choices = QHBoxLayout()
        choices.addWidget(self.visibility, 1)
        choices.addWidget(self.latency, 1)
        form_layout.addLayout(choices)
        form_layout.addWidget(self.price)
        form_buttons = QHBoxLayout()
        form_buttons.addStretch(1)
        form_buttons.addWidget(self.cancel_button)
        form_buttons.addWidget(self.create_button)
        form_layout.addLayout(form_buttons)
        self.form.hide()
        self.body.addWidget(self.form)

        self.ingest_input = QLineEdit()
        self.ingest_input.setReadOnly(True)
        self.ingest = FormField(self.ingest_input)
        self.key_input = QLineEdit()
        self.key_input.setReadOnly(True)
        self.key = FormField(self.key_input)
        self.show_button = QPushButton()
        self.show_button.clicked.connect(self._toggle_key)
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self._copy_key)
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self._ask_reset)
        key_buttons = QHBoxLayout()
        key_buttons.addWidget(self.show_button)
        key_buttons.addWidget(self.copy_button)
        key_buttons.addStretch(1)
        key_buttons.addWidget(self.reset_button)
        self.confirm = QWidget()
        self.confirm_text = QLabel()
        self.confirm_text.setObjectName("hint")
        self.confirm_text.setWordWrap(True)
        self.confirm_reset = QPushButton()
        self.confirm_reset.setProperty("kind", "primary")
        self.confirm_reset.clicked.connect(self.reset_key)
        self.cancel_reset = QPushButton()
        self.cancel_reset.clicked.connect(lambda: self.confirm.setVisible(False))
        confirm_layout = QHBoxLayout(self.confirm)
        confirm_layout.setContentsMargins(0, 0, 0, 0)
        confirm_layout.addWidget(self.confirm_text, 1)
        confirm_layout.addWidget(self.cancel_reset)
        confirm_layout.addWidget(self.confirm_reset)
        self.confirm.hide()
        self.copied = QLabel()
        self.copied.setObjectName("hint")
        self.copied.hide()
        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.addWidget(self.ingest)
        details.addWidget(self.key)
        details.addLayout(key_buttons)
        details.addWidget(self.copied)
        details.addWidget(self.confirm)
        self.body.addWidget(self.details)
        self.retranslate()
        self._show_current()

    @property
    def current(self) -> OwnerStream | None:
        row = self.stream_box.currentIndex()
        return self.streams[row] if 0 <= row < len(self.streams) else None

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Stream"))
        self.new_button.setText(self.tr("New stream"))
        self.title.set_texts(self.tr("Title"))
        self.title_input.setPlaceholderText(self.tr("Friday night live from Dakar"))
        self.visibility.set_texts(self.tr("Who can watch"))
        self.latency.set_texts(self.tr("Delay for viewers"))
        _fill(self.visibility_box, [
            (self.tr("Everyone"), Visibility.PUBLIC),
            (self.tr("Members only"), Visibility.MEMBERS),
            (self.tr("Ticket holders (paid)"), Visibility.TICKETED),
        ])  # fmt: skip
        _fill(self.latency_box, [
            (self.tr("Standard (steadiest)"), LatencyMode.STANDARD),
            (self.tr("Reduced (for weak networks)"), LatencyMode.REDUCED),
            (self.tr("Low (closest to real time)"), LatencyMode.LOW),
        ])  # fmt: skip
        self.price.set_texts(self.tr("Ticket price (%1)").replace("%1", self.currency))
        self.create_button.setText(self.tr("Create stream"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.ingest.set_texts(self.tr("Ingest URL"))
        self.key.set_texts(
            self.tr("Stream key"), self.tr("Keep it secret: anyone with it can stream as you.")
        )
        self.show_button.setText(self.tr("Hide") if self.key_shown else self.tr("Show"))
        self.copy_button.setText(self.tr("Copy"))
        self.reset_button.setText(self.tr("Reset key"))
        self.confirm_text.setText(
            self.tr("Make a new key? Anything still using the old one stops working at once.")
        )
        self.confirm_reset.setText(self.tr("Make a new key"))
        self.cancel_reset.setText(self.tr("Cancel"))
        self.copied.setText(self.tr("Stream key copied."))
        self._fill_streams()

    def lock(self, locked: bool) -> None:
        """While live, the stream and its key stay as they are."""
        self.locked = locked
        for widget in (self.stream_box, self.new_button, self.reset_button, self.create_button):
            widget.setEnabled(not locked)
        if locked:
            self.confirm.hide()
            self.form.hide()

    async def refresh(self) -> None:
        """Fetch the creator's streams; keep the one picked when it is still there."""
        if self.client is None:
            return
        keep = self.current.id if self.current else None
        try:
            self.streams = await self.client.list_own()
        except FlashError as error:
            self.show_error(error)
            return
        self.loaded = True
        self.show_message("")
        self._fill_streams(keep)
        if not self.streams:
            self._open_form()

    def update_stream(self, stream: OwnerStream) -> None:
        """A fresher copy from the server (polling, a new key): it replaces the listed one."""
        for row, known in enumerate(self.streams):
            if known.id == stream.id:
                self.streams[row] = stream
                self.stream_box.setItemText(row, stream.title)

    def create_stream(self) -> None:
        self.tasks.run(self._create_stream())

    async def _create_stream(self) -> None:
        if self.client is None or self.locked:
            return
        self.title.set_error("")
        self.price.set_error("")
        self.show_message("")
        if not self.title_input.text().strip():
            self.title.set_error(self.tr("Give your stream a title."))
            return
        visibility = self.visibility_box.currentData()
        price = None
        if visibility == Visibility.TICKETED:
            if not is_supported_currency(self.currency):
                self.price.set_error(self.tr("Tickets can't be sold in your account's currency."))
                return
            amount = round(self.price_input.value() * minor_per_major(self.currency))
            if amount < minimum_amount(self.currency):
                self.price.set_error(self.tr("Set a price your fans can pay."))
                return
            price = Price(amount=amount, currency=self.currency)
        try:
            body = StreamCreate(
                title=self.title_input.text(),
                visibility=visibility,
                price=price,
                latency_mode=self.latency_box.currentData(),
            )
        except ValueError:
            self.title.set_error(self.tr("Use 1 to 120 characters."))
            return
        self.create_button.setEnabled(False)
        try:
            stream = await self.client.create(body)
        except InvalidInput as error:
            self._show_refusal(error)
            return
        except FlashError as error:
            self.show_error(error)
            return
        finally:
            self.create_button.setEnabled(not self.locked)
        self.streams.insert(0, stream)
        self.title_input.clear()
        self.form.hide()
        self._fill_streams(stream.id)

    def reset_key(self) -> None:
        self.tasks.run(self._reset_key())

    async def _reset_key(self) -> None:
        stream = self.current
        self.confirm.hide()
        if self.client is None or stream is None or self.locked:
            return
        try:
            fresh = await self.client.reset_key(stream.id)
        except FlashError as error:
            self.show_error(error)
            return
        self.show_message("")
        self.update_stream(fresh)
        self._show_current()

    def _fill_streams(self, keep: str | None = None) -> None:
        keep = keep or (self.current.id if self.current else None)
        self.stream_box.blockSignals(True)
        self.stream_box.clear()
        for stream in self.streams:
            self.stream_box.addItem(stream.title, stream.id)
        if not self.streams:
            self.stream_box.addItem(self.tr("No stream yet: create one"))
        rows = [row for row, s in enumerate(self.streams) if s.id == keep]
        self.stream_box.setCurrentIndex(rows[0] if rows else 0)
        self.stream_box.blockSignals(False)
        self._picked()

    def _picked(self, _row: int = 0) -> None:
        self.key_shown = False
        self.confirm.hide()
        self._show_current()
        self.stream_changed.emit(self.current)

    def _show_current(self) -> None:
        stream = self.current
        self.details.setVisible(stream is not None)
        self.copied.hide()
        if stream is None:
            return
        self.ingest_input.setText(stream.ingest_url)
        self.key_input.setText(stream.stream_key if self.key_shown else MASK)
        self.show_button.setText(self.tr("Hide") if self.key_shown else self.tr("Show"))

    def _toggle_key(self) -> None:
        self.key_shown = not self.key_shown
        self._show_current()

    def _copy_key(self) -> None:
        if self.current is not None:
            QGuiApplication.clipboard().setText(self.current.stream_key)
            self.copied.show()

    def _ask_reset(self) -> None:
        self.confirm.setVisible(self.current is not None and not self.locked)

    def _show_refusal(self, error: InvalidInput) -> None:
        """Next to the field the server named: the title, the price, else under the form."""
        fields = error.fields
        if "title" in fields:
            self.title.set_error(fields["title"])
        elif price := [text for name, text in fields.items() if name.startswith("price")]:
            self.price.set_error(price[0])
        else:
            self.show_error(error)

    def use_currency(self, currency: str) -> None:
        self.currency = currency
        decimals = len(str(minor_per_major(currency))) - 1 if is_supported_currency(currency) else 2
        self.price_input.setDecimals(decimals)
        self.retranslate()

    def _visibility_changed(self, _row: int = 0) -> None:
        self.price.setVisible(self.visibility_box.currentData() == Visibility.TICKETED)

    def _open_form(self) -> None:
        if not self.locked:
            self.form.show()
            self.title_input.setFocus()


def _fill(box: QComboBox, items: list[tuple[str, object]]) -> None:
    """Refill a choice box in the current language, keeping the chosen value."""
    chosen = box.currentData()
    box.clear()
    for text, value in items:
        box.addItem(text, value)
    if chosen is not None:
        box.setCurrentIndex(max(0, box.findData(chosen)))
