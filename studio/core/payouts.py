"""Withdrawing earnings to mobile money, for the Earnings screen (no widgets here).

A balance is withdrawn by the methods that pay its currency (`methods_for`): KES by
M-Pesa, the MTN markets' currencies by MTN MoMo (which of them a server pays depends
on its MoMo market; it refuses the others with a clear message). A withdrawal is one
confirmed request with its own Idempotency-Key: a retry after "can't be reached"
sends the same key and body, so the server never pays it twice. The outcome comes
later (the provider answers the server, not us), so `outcome` polls the payout until
it leaves `pending`.
"""

import asyncio
import re
import time
import uuid
from functools import partial

from pydantic import ValidationError

from server.contract.money import minimum_amount
from server.contract.payouts import CreatePayoutRequest, Payout, PayoutMethod, PayoutStatus
from studio.core.api_client import ApiClient
from studio.core.errors import invalid_input_from
from studio.core.money_format import exponent_of
from studio.core.session import Session

POLL_EVERY_S = 1.0
OUTCOME_WAIT_S = 180.0
"""Daraja answers B2C in seconds; past this the payout shows as pending, still held."""

_AMOUNT = re.compile(r"^(\d+)(?:\.(\d*))?$")

# The currencies each payout method pays, in the order the studio offers the methods.
PAYOUT_CURRENCIES: dict[PayoutMethod, frozenset[str]] = {
    PayoutMethod.MPESA: frozenset({"KES"}),
    PayoutMethod.MTN_MOMO: frozenset({"UGX", "GHS", "XAF", "XOF", "RWF"}),
}
MPESA_MINIMUM = 1_000  # KES 10, the smallest M-Pesa payout
# An example number per currency, for the phone field's placeholder.
EXAMPLE_PHONES: dict[str, str] = {
    "KES": "+254712345678",
    "UGX": "+256772123456",
    "GHS": "+233241234567",
    "XAF": "+237671234567",
    "XOF": "+2250501234567",
    "RWF": "+250781234567",
}


def methods_for(currency: str) -> list[PayoutMethod]:
    """The payout methods that pay `currency`; none for a currency nobody pays out."""
    return [method for method, paid in PAYOUT_CURRENCIES.items() if currency in paid]


def minimum_payout(currency: str) -> int:
    """The smallest withdrawal in `currency`, in minor units."""
    return MPESA_MINIMUM if currency == "KES" else minimum_amount(currency)


def parse_amount(text: str, currency: str, decimal_mark: str = ".") -> int:
    """What a creator typed (`1,200.50`, `1 200,50`), in the currency's minor units.

    Integers only, like every amount in the studio; raises `ValueError` when the text
    is not an amount or has more decimals than the currency has.
    """
    cleaned = "".join(ch for ch in text if not ch.isspace()).upper()
    cleaned = cleaned.removeprefix(currency).removesuffix(currency)
    cleaned = cleaned.replace(",", ".") if decimal_mark == "," else cleaned.replace(",", "")
    found = _AMOUNT.match(cleaned)
    exponent = exponent_of(currency)
    if found is None or len(found.group(2) or "") > exponent:
        raise ValueError(f"{text!r} is not an amount in {currency}")
    minor = (found.group(2) or "").ljust(exponent, "0")
    return int(found.group(1)) * int(10**exponent) + (int(minor) if minor else 0)


def new_withdrawal_key() -> str:
    """One per confirmed withdrawal, kept for its retries."""
    return f"studio-payout-{uuid.uuid4().hex}"


def payout_request(
    amount: int, currency: str, phone: str, method: PayoutMethod = PayoutMethod.MPESA
) -> CreatePayoutRequest:
    """The request as the contract checks it, so the studio refuses what the server would."""
    try:
        return CreatePayoutRequest(amount=amount, currency=currency, method=method, phone=phone)
    except ValidationError as exc:
        raise invalid_input_from(exc) from None


class PayoutDesk:
    """The signed-in creator's withdrawals."""

    def __init__(
        self,
        api: ApiClient,
        session: Session,
        *,
        poll_every_s: float = POLL_EVERY_S,
        wait_s: float = OUTCOME_WAIT_S,
    ) -> None:
        self.api = api
        self.session = session
        self.poll_every_s = poll_every_s
        self.wait_s = wait_s

    def default_phone(self) -> str:
        """Where the money goes unless the creator says otherwise: the account's phone."""
        user = self.session.user
        return user.phone or "" if user is not None else ""

    async def withdraw(self, request: CreatePayoutRequest, key: str) -> Payout:
        return await self.session.authorized(
            lambda token: self.api.create_payout(token, request, key)
        )

    async def outcome(self, payout: Payout) -> Payout:
        """The payout once it has ended, or as it stands after `wait_s` (still pending)."""
        deadline = time.monotonic() + self.wait_s
        read = partial(self.api.payout, payout_id=payout.id)
        while payout.status is PayoutStatus.PENDING and time.monotonic() < deadline:
            await asyncio.sleep(self.poll_every_s)
            payout = await self.session.authorized(read)
        return payout
