"""The countries a creator can pick at sign-up, each with the currency it usually uses.

Names go through Qt translation (context "Countries"), so the list reads in the
studio's language and sorts in that language's order.
"""

from functools import cmp_to_key

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCollator, QCoreApplication, QLocale

COUNTRIES: dict[str, tuple[object, str]] = {
    "BJ": (QT_TRANSLATE_NOOP("Countries", "Benin"), "XOF"),
    "BF": (QT_TRANSLATE_NOOP("Countries", "Burkina Faso"), "XOF"),
    "BI": (QT_TRANSLATE_NOOP("Countries", "Burundi"), "BIF"),
    "CM": (QT_TRANSLATE_NOOP("Countries", "Cameroon"), "XAF"),
    "CF": (QT_TRANSLATE_NOOP("Countries", "Central African Republic"), "XAF"),
    "TD": (QT_TRANSLATE_NOOP("Countries", "Chad"), "XAF"),
    "CG": (QT_TRANSLATE_NOOP("Countries", "Congo"), "XAF"),
    "CD": (QT_TRANSLATE_NOOP("Countries", "Congo (DRC)"), "CDF"),
    "CI": (QT_TRANSLATE_NOOP("Countries", "Côte d’Ivoire"), "XOF"),
    "EG": (QT_TRANSLATE_NOOP("Countries", "Egypt"), "EGP"),
    "ET": (QT_TRANSLATE_NOOP("Countries", "Ethiopia"), "ETB"),
    "GA": (QT_TRANSLATE_NOOP("Countries", "Gabon"), "XAF"),
    "GM": (QT_TRANSLATE_NOOP("Countries", "Gambia"), "GMD"),
    "GH": (QT_TRANSLATE_NOOP("Countries", "Ghana"), "GHS"),
    "GN": (QT_TRANSLATE_NOOP("Countries", "Guinea"), "GNF"),
    "KE": (QT_TRANSLATE_NOOP("Countries", "Kenya"), "KES"),
    "LR": (QT_TRANSLATE_NOOP("Countries", "Liberia"), "LRD"),
    "MG": (QT_TRANSLATE_NOOP("Countries", "Madagascar"), "MGA"),
    "MW": (QT_TRANSLATE_NOOP("Countries", "Malawi"), "MWK"),
    "ML": (QT_TRANSLATE_NOOP("Countries", "Mali"), "XOF"),
    "MA": (QT_TRANSLATE_NOOP("Countries", "Morocco"), "MAD"),
    "MZ": (QT_TRANSLATE_NOOP("Countries", "Mozambique"), "MZN"),
    "NE": (QT_TRANSLATE_NOOP("Countries", "Niger"), "XOF"),
    "NG": (QT_TRANSLATE_NOOP("Countries", "Nigeria"), "NGN"),
    "RW": (QT_TRANSLATE_NOOP("Countries", "Rwanda"), "RWF"),
    "SN": (QT_TRANSLATE_NOOP("Countries", "Senegal"), "XOF"),
    "SL": (QT_TRANSLATE_NOOP("Countries", "Sierra Leone"), "SLE"),
    "ZA": (QT_TRANSLATE_NOOP("Countries", "South Africa"), "ZAR"),
    "TZ": (QT_TRANSLATE_NOOP("Countries", "Tanzania"), "TZS"),
    "TG": (QT_TRANSLATE_NOOP("Countries", "Togo"), "XOF"),
    "TN": (QT_TRANSLATE_NOOP("Countries", "Tunisia"), "TND"),
    "UG": (QT_TRANSLATE_NOOP("Countries", "Uganda"), "UGX"),
    "ZM": (QT_TRANSLATE_NOOP("Countries", "Zambia"), "ZMW"),
    "BE": (QT_TRANSLATE_NOOP("Countries", "Belgium"), "EUR"),
    "CA": (QT_TRANSLATE_NOOP("Countries", "Canada"), "CAD"),
    "FR": (QT_TRANSLATE_NOOP("Countries", "France"), "EUR"),
    "GB": (QT_TRANSLATE_NOOP("Countries", "United Kingdom"), "GBP"),
    "US": (QT_TRANSLATE_NOOP("Countries", "United States"), "USD"),
}

CURRENCIES: tuple[str, ...] = tuple(sorted({currency for _name, currency in COUNTRIES.values()}))


def countries_by_name() -> list[tuple[str, str]]:
    """(code, name in the current language), sorted as that language sorts."""
    collator = QCollator(QLocale())
    named = [
        (code, QCoreApplication.translate("Countries", str(name)))
        for code, (name, _currency) in COUNTRIES.items()
    ]

    def by_name(a: tuple[str, str], b: tuple[str, str]) -> int:
        return collator.compare(a[1], b[1])

    return sorted(named, key=cmp_to_key(by_name))


def currency_of(country: str) -> str:
    return COUNTRIES[country][1] if country in COUNTRIES else ""


def home_country() -> str:
    """The country of the computer's locale, when it is one we list."""
    code = QLocale.territoryToCode(QLocale.system().territory())
    return code if code in COUNTRIES else ""
