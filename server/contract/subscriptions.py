"""Monthly subscriptions to a creator on the wire: the price of a month, `GET /subscriptions`
and `DELETE /subscriptions/{creator_id}` (stop a card subscription renewing).

A month costs the same for every creator, per currency (`MONTHLY_PRICES`): a
`subscription` payment must carry exactly that amount, so a fan never pays a
price the creator did not agree to and a month is always worth one price. A
creator-set price would be a later addition (a column on the creator plus a
setting in the studio); the check lives in one place (`monthly_price`).
"""

from datetime import datetime

from pydantic import BaseModel

from server.contract.money import CURRENCY_EXPONENTS

# The price of one month, in minor units, per currency we accept.
MONTHLY_PRICES: dict[str, int] = {
    "KES": 30_000,  # KES 300
    "GHS": 3_000,  # GHS 30
    "NGN": 200_000,  # NGN 2,000
    "ZAR": 5_000,  # ZAR 50
    "USD": 499,  # USD 4.99
    "EUR": 499,  # EUR 4.99
    "XOF": 2_000,
    "XAF": 2_000,
    "UGX": 10_000,
    "RWF": 3_000,
}
assert set(MONTHLY_PRICES) == set(CURRENCY_EXPONENTS)

# How long one paid month lasts; a renewal adds it to whatever is still left.
MONTH_DAYS = 30


def monthly_price(currency: str) -> int:
    return MONTHLY_PRICES[currency]


class Subscriber(BaseModel):
    """One of a creator's subscribers, as the creator sees them."""

    subscriber_id: str
    display_name: str
    paid_until: datetime
    active: bool


class Membership(BaseModel):
    """One creator a fan subscribes to, as the fan sees it."""

    creator_id: str
    display_name: str
    paid_until: datetime
    active: bool
    # A card subscription will pay the next month by itself (until the fan stops it with
    # `DELETE /subscriptions/{creator_id}`); mobile-money members renew by paying again.
    renews: bool = False


class Subscriptions(BaseModel):
    """`GET /subscriptions`: a creator's subscribers and the caller's own memberships
    (a creator may subscribe to other creators too), newest paid_until first."""

    subscribers: list[Subscriber]
    memberships: list[Membership]
