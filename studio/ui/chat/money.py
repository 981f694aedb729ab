"""Money for people to read: integer minor units shown with the currency's own exponent.

No float ever: the major and minor parts are split with integers, then written with
the current language's separators (`KES 1,234.50` in English, `1 234,50 KES` in French).
"""

from PySide6.QtCore import QLocale

from server.contract.money import CURRENCY_EXPONENTS


def format_money(amount: int, currency: str) -> str:
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    locale = QLocale()
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 10**exponent)
    number = locale.toString(major)
    if exponent:
        number += locale.decimalPoint() + f"{minor:0{exponent}d}"
    if locale.language() == QLocale.Language.French:
        return f"{sign}{number}\u00a0{currency}"
    return f"{currency}\u00a0{sign}{number}"
