"""Which ways to pay the fan page offers, in which currency, with which amounts.

Availability is the payments domain's own answer (`Gateways.for_method`), so the
page never shows a method that would answer 422 `method_unavailable`. The rest
(currency, country, phone format, presets) is how each method is paid for on the
ground: M-Pesa is Kenyan shillings from a Kenyan phone, in whole shillings; MTN MoMo
is Ugandan shillings from a Ugandan phone.
"""

from dataclasses import dataclass

from pydantic import BaseModel

from server.contract.money import MINIMUM_AMOUNTS, minor_per_major
from server.contract.payments import PaymentMethod
from server.errors import InvalidInput
from server.payments.gateways import Gateways


class PhoneFormat(BaseModel):
    """How the page checks a number before sending it (the server checks again)."""

    country: str
    example: str  # shown under the field, e.g. "+254 7XX XXX XXX"
    dial_code: str  # "254": a local "07…" becomes "+2547…"
    pattern: str  # a JavaScript regular expression for the E.164 form


class MethodOption(BaseModel):
    method: PaymentMethod
    currency: str
    step: int  # the smallest amount the method takes, in minor units
    minimum: int  # minor units
    presets: list[int]  # minor units, smallest first
    phone: PhoneFormat | None  # None: the provider's own page asks (Orange Money, cards)


@dataclass(frozen=True)
class _Ground:
    currency: str
    whole_units: bool
    phone: PhoneFormat | None


KENYA = PhoneFormat(
    country="KE", example="+254 7XX XXX XXX", dial_code="254", pattern=r"^\+254[17]\d{8}$"
)
UGANDA = PhoneFormat(
    country="UG", example="+256 7XX XXX XXX", dial_code="256", pattern=r"^\+2567\d{8}$"
)
# Mobile money first: that is how most fans pay.
GROUND: dict[PaymentMethod, _Ground] = {
    PaymentMethod.MPESA: _Ground("KES", whole_units=True, phone=KENYA),
    PaymentMethod.MTN_MOMO: _Ground("UGX", whole_units=True, phone=UGANDA),
    PaymentMethod.ORANGE_MONEY: _Ground("XOF", whole_units=True, phone=None),
    PaymentMethod.CARD: _Ground("USD", whole_units=False, phone=None),
}
# Tip buttons in major units: small, everyday amounts in each currency.
PRESETS_MAJOR: dict[str, list[int]] = {
    "KES": [50, 100, 200, 500],
    "UGX": [2_000, 5_000, 10_000, 20_000],
    "XOF": [500, 1_000, 2_000, 5_000],
    "USD": [1, 2, 5, 10],
}


def available_methods(gateways: Gateways) -> list[MethodOption]:
    options: list[MethodOption] = []
    for method, ground in GROUND.items():
        try:
            gateways.for_method(method)
        except InvalidInput:
            continue
        per_major = minor_per_major(ground.currency)
        minimum = MINIMUM_AMOUNTS[ground.currency]
        presets = [major * per_major for major in PRESETS_MAJOR[ground.currency]]
        options.append(
            MethodOption(
                method=method,
                currency=ground.currency,
                step=per_major if ground.whole_units else 1,
                minimum=minimum,
                presets=[amount for amount in presets if amount >= minimum],
                phone=ground.phone,
            )
        )
    return options
