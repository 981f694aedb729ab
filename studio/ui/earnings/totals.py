"""The summary's figures: one card per currency, and the split by method and by stream.

Each currency keeps its own card and its own rows: amounts are never added
across currencies, nor converted.
"""

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from server.contract.earnings import CurrencyTotals, EarningsSummary
from studio.core.money_format import format_money
from studio.ui.earnings.names import method_name

translate = QCoreApplication.translate

FIGURES = ("gross", "fees", "net", "available", "pending", "paid_out")


def figure_name(figure: str) -> str:
    names = {
        "gross": translate("Earnings", "Paid by fans"),
        "fees": translate("Earnings", "Platform fees"),
        "net": translate("Earnings", "Your share"),
        "available": translate("Earnings", "Available"),
        "pending": translate("Earnings", "Pending"),
        "paid_out": translate("Earnings", "Paid out"),
    }
    return names[figure]


class CurrencyCard(QFrame):
    """All six figures of one currency; net and available stand out, the rest follow."""

    def __init__(self, totals: CurrencyTotals) -> None:
        super().__init__()
        self.setObjectName("card")
        self.totals = totals
        self.figures: dict[str, QLabel] = {}
        self.names: dict[str, QLabel] = {}
        title = QLabel(totals.currency)
        title.setObjectName("sectionTitle")
        title.setStyleSheet("margin-top: 0px;")
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        for row, figure in enumerate(FIGURES):
            name = QLabel()
            name.setObjectName("hint")
            value = QLabel()
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if figure in ("net", "available"):
                value.setStyleSheet("font-weight: 600;")
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
            self.figures[figure] = value
            self.names[figure] = name
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(title)
        layout.addLayout(grid)
        self.setMinimumWidth(250)
        self.setMaximumWidth(380)
        self.retranslate()

    def retranslate(self) -> None:
        """Names and numbers both follow the language (French groups digits differently)."""
        for figure in FIGURES:
            self.names[figure].setText(figure_name(figure))
            amount = getattr(self.totals, figure)
            self.figures[figure].setText(format_money(amount, self.totals.currency))


CARDS_PER_ROW = 3


class TotalsStrip(QWidget):
    """Cards side by side (a new row every three currencies), or one plain sentence when
    nothing was ever paid."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, CurrencyCard] = {}
        self.empty = QLabel()
        self.empty.setObjectName("comingSoon")
        self.empty.setWordWrap(True)
        self.empty.setMaximumWidth(640)
        self._grid = QGridLayout()
        self._grid.setSpacing(14)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.empty)
        self._layout.addLayout(self._grid)
        self._layout.addStretch(1)
        self._summary: EarningsSummary | None = None
        self.retranslate()

    def show_summary(self, summary: EarningsSummary | None) -> None:
        self._summary = summary
        for card in self.cards.values():
            self._grid.removeWidget(card)
            card.deleteLater()
        self.cards = {}
        totals = summary.totals if summary is not None else []
        for number, currency_totals in enumerate(totals):
            card = CurrencyCard(currency_totals)
            self.cards[currency_totals.currency] = card
            self._grid.addWidget(card, *divmod(number, CARDS_PER_ROW))
        self.empty.setVisible(not totals)
        self.retranslate()

    def retranslate(self) -> None:
        if self._summary is None:
            self.empty.setText(
                translate(
                    "Earnings",
                    "No figures on this computer yet: they appear once the studio "
                    "has reached the server.",
                )
            )
        else:
            self.empty.setText(
                translate(
                    "Earnings",
                    "No payments yet. Tips and tickets appear here as soon as your fans pay.",
                )
            )
        for card in self.cards.values():
            card.retranslate()


class BreakdownTable(QTableWidget):
    """A short read-only table: a few rows, so plain items are the simplest honest choice."""

    def __init__(self) -> None:
        super().__init__(0, 4)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def set_rows(self, first_column: str, rows: list[tuple[str, int, int, int, str]]) -> None:
        """`rows`: (name, count, gross, net, currency)."""
        headers = [
            first_column,
            translate("Earnings", "Payments"),
            translate("Earnings", "Paid by fans"),
            translate("Earnings", "Your share"),
        ]
        self.setHorizontalHeaderLabels(headers)
        self.setRowCount(len(rows))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for number, (name, count, gross, net, currency) in enumerate(rows):
            cells = (name, str(count), format_money(gross, currency), format_money(net, currency))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(right)
                self.setItem(number, column, item)


def method_rows(summary: EarningsSummary | None) -> list[tuple[str, int, int, int, str]]:
    if summary is None:
        return []
    return [
        (method_name(row.method.value), row.count, row.gross, row.net, row.currency)
        for row in summary.by_method
    ]


def stream_rows(summary: EarningsSummary | None) -> list[tuple[str, int, int, int, str]]:
    if summary is None:
        return []
    return [
        (
            row.title or translate("Earnings", "Untitled stream"),
            row.count,
            row.gross,
            row.net,
            row.currency,
        )
        for row in summary.by_stream
    ]
