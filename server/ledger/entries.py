"""What a caller asks the ledger to post, and the rules every entry obeys before it is written."""

from dataclasses import dataclass
from enum import StrEnum

from server.contract.money import is_supported_currency


class EntryKind(StrEnum):
    # A provider confirmed it collected a payment: payer:external → clearing:<provider>.
    CAPTURE = "capture"
    # The collected amount is split: clearing:<provider> → platform:fees + creator:<id>:available.
    SETTLEMENT = "settlement"
    # The exact negation of an earlier entry (a correction or a refund).
    REVERSAL = "reversal"
    # A payout held while its provider works: creator:<id>:available → ...:payout_pending.
    PAYOUT_HOLD = "payout_hold"
    # The provider paid it: creator:<id>:payout_pending → clearing:<provider>.
    PAYOUT = "payout"
    # ... and the money left us: clearing:<provider> → payer:external.
    DISBURSEMENT = "disbursement"
    # A refund taken back while its provider works: creator:<id>:available + platform:fees
    # → refunding:<provider> (reversed if the provider refuses it).
    REFUND_HOLD = "refund_hold"
    # The refund left us: refunding:<provider> → payer:external; or, for a refund made at
    # the provider itself, creator:<id>:available + platform:fees → payer:external.
    REFUND = "refund"


class LedgerInvariantError(Exception):
    """An entry that breaks the ledger's rules: a bug in the caller, never bad user input."""


@dataclass(frozen=True, order=True)
class Posting:
    account: str
    currency: str
    amount: int


@dataclass(frozen=True)
class EntryDraft:
    """One entry to post. `key` is accepted once and only once, whatever its content."""

    key: str
    kind: EntryKind
    postings: tuple[Posting, ...]
    payment_id: str | None = None
    reverses_entry_id: str | None = None

    def normalized(self) -> tuple[Posting, ...]:
        """Postings merged per account and sorted, zero amounts dropped: the entry's meaning."""
        merged: dict[tuple[str, str], int] = {}
        for posting in self.postings:
            slot = (posting.account, posting.currency)
            merged[slot] = merged.get(slot, 0) + posting.amount
        return tuple(
            sorted(
                Posting(account, currency, amount)
                for (account, currency), amount in merged.items()
                if amount
            )
        )


def check_balanced(draft: EntryDraft) -> tuple[Posting, ...]:
    """Refuse an entry that is not zero-sum in exactly one currency; answer its postings."""
    if not draft.key or len(draft.key) > 200:
        raise LedgerInvariantError("an entry needs an idempotency key of 1 to 200 characters")
    if any(type(posting.amount) is not int for posting in draft.postings):
        raise LedgerInvariantError(f"entry {draft.key} has a non-integer amount")
    postings = draft.normalized()
    if len(postings) < 2:
        raise LedgerInvariantError(
            f"entry {draft.key} moves nothing: it needs two postings or more"
        )
    currencies = {posting.currency for posting in postings}
    if len(currencies) != 1:
        raise LedgerInvariantError(f"entry {draft.key} mixes currencies {sorted(currencies)}")
    currency = currencies.pop()
    if not is_supported_currency(currency):
        raise LedgerInvariantError(f"entry {draft.key} is in unsupported currency {currency}")
    total = sum(posting.amount for posting in postings)
    if total != 0:
        raise LedgerInvariantError(
            f"entry {draft.key} does not balance: its postings sum to {total}"
        )
    return postings
