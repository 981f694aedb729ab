"""Amounts in the creator's language, with each currency's own minor unit."""

from PySide6.QtCore import QLocale

from studio.core.money_format import decimal_string, format_money, format_number

NBSP = "\u00a0"
FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)
ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def test_french_groups_francs_and_puts_the_currency_after() -> None:
    group = FRENCH.groupSeparator()
    assert format_money(12_500, "XOF", FRENCH) == f"12{group}500{NBSP}FCFA"
    assert format_money(50_000, "KES", FRENCH) == f"500,00{NBSP}KES"


def test_english_puts_the_code_first_with_a_decimal_point() -> None:
    assert format_money(123_456, "KES", ENGLISH) == f"KES{NBSP}1,234.56"
    assert format_money(12_500, "XAF", ENGLISH) == f"FCFA{NBSP}12,500"
    assert format_money(7, "UGX", ENGLISH) == f"UGX{NBSP}7"


def test_minor_units_are_never_lost() -> None:
    assert format_number(5, "KES", ENGLISH) == "0.05"
    assert format_number(-1_005, "GHS", ENGLISH) == "-10.05"
    assert format_number(10**12 + 1, "NGN", ENGLISH) == "10,000,000,000.01"
    assert format_number(150, "ZZZ", ENGLISH) == "1.50"  # unknown: shown, with two decimals


def test_decimal_strings_for_files_ignore_the_language() -> None:
    assert decimal_string(123_45, "KES") == "123.45"
    assert decimal_string(-5, "KES") == "-0.05"
    assert decimal_string(12_500, "XOF") == "12500"
    assert decimal_string(-12_500, "XOF") == "-12500"
    assert decimal_string(10**20 + 1, "KES") == "1000000000000000000.01"  # no float rounding
