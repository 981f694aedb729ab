"""The chart of accounts. Every account exists once per currency; balances are never converted.

Sign convention: a posting's amount is added to its account's balance, and an
entry's amounts sum to zero. Money arriving from outside is drawn from
`payer:external`, which therefore runs negative; every other balance reads as
what that account holds.

| account                   | holds                                                     |
|---------------------------|-----------------------------------------------------------|
| `payer:external`          | the outside world's side of money that came in (negative) |
| `clearing:<provider>`     | money a provider collected that is not yet split          |
| `platform:fees`           | the platform's share of every payment                     |
| `creator:<id>:available`  | what the platform owes a creator; payouts draw from it    |

Money in flight (an STK push nobody has answered yet) has not moved, so it is
not in the ledger: the payments table says what is pending.
"""

PAYER_EXTERNAL = "payer:external"
PLATFORM_FEES = "platform:fees"
CLEARING_PREFIX = "clearing:"
CREATOR_PREFIX = "creator:"
AVAILABLE_SUFFIX = ":available"


def clearing(provider: str) -> str:
    return f"{CLEARING_PREFIX}{provider}"


def creator_available(creator_id: str) -> str:
    return f"{CREATOR_PREFIX}{creator_id}{AVAILABLE_SUFFIX}"


def is_creator_available(code: str) -> bool:
    return code.startswith(CREATOR_PREFIX) and code.endswith(AVAILABLE_SUFFIX)


def is_clearing(code: str) -> bool:
    return code.startswith(CLEARING_PREFIX)


def must_not_go_negative(code: str) -> bool:
    """A creator can never be owed less than nothing: a payout or refund beyond it is refused."""
    return is_creator_available(code)
