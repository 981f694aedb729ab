"""Money on the wire: an integer count of a currency's minor unit plus its ISO 4217 code.

Never a float. The exponent says how many minor units make one major unit
(KES 2: 100 cents to the shilling; XOF 0: the franc has no subunit), so
`12345 KES` is 123.45 shillings and `500 XOF` is 500 francs.
"""

from typing import Annotated

from pydantic import Field, StrictInt

# ISO 4217 minor-unit exponents of the currencies we accept.
CURRENCY_EXPONENTS: dict[str, int] = {
    "KES": 2,
    "GHS": 2,
    "NGN": 2,
    "ZAR": 2,
    "USD": 2,
    "EUR": 2,
    "XOF": 0,
    "XAF": 0,
    "UGX": 0,
    "RWF": 0,
}

# The smallest payment we accept, in minor units: below these the provider's own
# charges or minimums make the payment pointless or refused.
MINIMUM_AMOUNTS: dict[str, int] = {
    "KES": 1_000,  # KES 10
    "GHS": 100,  # GHS 1
    "NGN": 10_000,  # NGN 100
    "ZAR": 500,  # ZAR 5
    "USD": 100,  # USD 1
    "EUR": 100,  # EUR 1
    "XOF": 100,
    "XAF": 100,
    "UGX": 500,
    "RWF": 100,
}

# A sanity ceiling far above any real payment, so sums of many amounts stay well
# inside a 64-bit column.
MAXIMUM_AMOUNT = 10**12

Amount = Annotated[StrictInt, Field(gt=0, le=MAXIMUM_AMOUNT)]


def is_supported_currency(currency: str) -> bool:
    return currency in CURRENCY_EXPONENTS


def minor_per_major(currency: str) -> int:
    """How many minor units make one major unit (100 for KES, 1 for XOF)."""
    return int(10 ** CURRENCY_EXPONENTS[currency])


def minimum_amount(currency: str) -> int:
    return MINIMUM_AMOUNTS[currency]


def platform_fee(amount: int, fee_bps: int) -> int:
    """The platform's share: the floor of `amount × bps / 10000`, in integers only."""
    if amount < 0 or not 0 <= fee_bps <= 10_000:
        raise ValueError("amount must be >= 0 and fee_bps within 0..10000")
    return amount * fee_bps // 10_000


def format_amount(amount: int, currency: str) -> str:
    """`12345, "KES"` → `"KES 123.45"`: for messages, never for arithmetic."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    if exponent == 0:
        return f"{currency} {amount}"
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 10**exponent)
    return f"{currency} {sign}{major}.{minor:0{exponent}d}"
