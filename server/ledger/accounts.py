"""The chart of accounts. Every account exists once per currency; balances are never converted.

Sign convention: a posting's amount is added to its account's balance, and an
entry's amounts sum to zero. Money arriving from outside is drawn from
`payer:external`, which therefore runs negative (money paid out goes back to it);
every other balance reads as what that account holds.

| account                        | holds                                                      |
|--------------------------------|------------------------------------------------------------|
| `payer:external`               | the outside world's side: money in less money paid out     |
| `clearing:<provider>`          | money a provider collected or paid out, not yet reconciled |
| `platform:fees`                | the platform's share of every payment                      |
| `creator:<id>:available`       | what the platform owes a creator; payouts draw from it     |
| `creator:<id>:payout_pending`  | a creator's payouts sent to a provider, outcome unknown    |
| `refunding:<provider>`         | refunds taken back from a creator, not yet confirmed sent  |

Money in flight (an STK push nobody has answered yet) has not moved, so it is
not in the ledger: the payments table says what is pending.
"""

PAYER_EXTERNAL = "payer:external"
PLATFORM_FEES = "platform:fees"
CLEARING_PREFIX = "clearing:"
CREATOR_PREFIX = "creator:"
AVAILABLE_SUFFIX = ":available"
PAYOUT_PENDING_SUFFIX = ":payout_pending"


def clearing(provider: str) -> str:
    return f"{CLEARING_PREFIX}{provider}"


def refunding(provider: str) -> str:
    """Money on its way back to a payer: the provider has not confirmed the refund yet."""
    return f"refunding:{provider}"


def creator_available(creator_id: str) -> str:
    return f"{CREATOR_PREFIX}{creator_id}{AVAILABLE_SUFFIX}"


def creator_payout_pending(creator_id: str) -> str:
    return f"{CREATOR_PREFIX}{creator_id}{PAYOUT_PENDING_SUFFIX}"


def is_creator_available(code: str) -> bool:
    return code.startswith(CREATOR_PREFIX) and code.endswith(AVAILABLE_SUFFIX)


def is_creator_payout_pending(code: str) -> bool:
    return code.startswith(CREATOR_PREFIX) and code.endswith(PAYOUT_PENDING_SUFFIX)


def is_clearing(code: str) -> bool:
    return code.startswith(CLEARING_PREFIX)


def must_not_go_negative(code: str) -> bool:
    """A creator can never be owed less than nothing: a payout or refund beyond it is refused;
    a payout can never settle or be released twice from the money held for it."""
    return is_creator_available(code) or is_creator_payout_pending(code)
