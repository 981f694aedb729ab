"""Amounts as a creator reads them: `12 500 FCFA` in French, `KES 1,234.50` in English.

Integers only: the major and minor parts come from `divmod` on the minor-unit
count with the currency's ISO 4217 exponent, and QLocale only groups the digits
and gives the decimal mark, so no amount ever passes through a float. A currency
we do not know keeps its code and is shown with two decimals (the most common
exponent) rather than refused: the studio must show every franc it received.
"""

from PySide6.QtCore import QLocale

from server.contract.money import CURRENCY_EXPONENTS

DEFAULT_EXPONENT = 2

# How people write these currencies: the CFA francs as "FCFA" (both zones use the
# same word; the code stays visible wherever two of them could meet).
CURRENCY_SYMBOLS: dict[str, str] = {"XOF": "FCFA", "XAF": "FCFA"}


def exponent_of(currency: str) -> int:
    return CURRENCY_EXPONENTS.get(currency, DEFAULT_EXPONENT)


def currency_label(currency: str) -> str:
    """What stands beside the number: `FCFA` for the CFA francs, the ISO code otherwise."""
    return CURRENCY_SYMBOLS.get(currency, currency)


def format_number(amount: int, currency: str, locale: QLocale | None = None) -> str:
    """The amount without its currency, grouped and with the locale's decimal mark."""
    locale = locale or QLocale()
    exponent = exponent_of(currency)
    sign = locale.negativeSign() if amount < 0 else ""
    major, minor = divmod(abs(amount), 10**exponent)
    text = locale.toString(major)
    if exponent:
        text += locale.decimalPoint() + f"{minor:0{exponent}d}"
    return sign + text


def format_money(amount: int, currency: str, locale: QLocale | None = None) -> str:
    """The amount with its currency: French puts the currency after the number, English before.

    The space is a no-break space, so an amount never wraps between number and currency.
    """
    locale = locale or QLocale()
    number = format_number(amount, currency, locale)
    label = currency_label(currency)
    if locale.language() == QLocale.Language.French:
        return f"{number}\u00a0{label}"
    return f"{label}\u00a0{number}"


def decimal_string(amount: int, currency: str) -> str:
    """The amount in major units for machines (CSV, spreadsheets): `-1234.50`, `12500`.

    A dot, no grouping and exactly the currency's exponent in decimals, whatever the
    creator's language; integer math only.
    """
    exponent = exponent_of(currency)
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 10**exponent)
    return f"{sign}{major}.{minor:0{exponent}d}" if exponent else f"{sign}{major}"
