"""The ledger entries of a payout, and nothing else may post them (TigerBeetle's two phases).

1. hold (`payout_hold`, when the payout is accepted):
   creator:<id>:available −X, creator:<id>:payout_pending +X
   — refused when it would take `available` below zero, atomically (the ledger's
   conditional balance UPDATE), so two concurrent payouts can never overdraw.
2. on success, in the transaction that marks the payout succeeded, keyed by the
   provider's own ConversationID so one result can never be counted twice:
   payout (`payout`):        creator:<id>:payout_pending −X, clearing:<provider> +X
   disbursement:             clearing:<provider> −X, payer:external +X
   (the provider paid X out of our float: the clearing account is back to zero).
3. on failure: the hold's exact reversal, which gives X back to `available`.

`payouts.audit` checks the ledger against these for `flash-server ledger verify`.
"""

from server.ledger.accounts import (
    PAYER_EXTERNAL,
    clearing,
    creator_available,
    creator_payout_pending,
)
from server.ledger.entries import EntryDraft, EntryKind, Posting
from server.payouts.models import PayoutRow


def hold_key(payout_id: str) -> str:
    return f"payout:{payout_id}:hold"


def release_key(payout_id: str) -> str:
    return f"payout:{payout_id}:release"


def paid_key(provider: str, conversation_id: str) -> str:
    """`mpesa-b2c:<ConversationID>`: one entry per provider event."""
    return f"{provider.replace('_', '-')}:{conversation_id}"


def disbursed_key(provider: str, conversation_id: str) -> str:
    return f"{paid_key(provider, conversation_id)}:disbursed"


def hold_entry(payout: PayoutRow) -> EntryDraft:
    return EntryDraft(
        key=hold_key(payout.id),
        kind=EntryKind.PAYOUT_HOLD,
        postings=(
            Posting(creator_available(payout.creator_id), payout.currency, -payout.amount),
            Posting(creator_payout_pending(payout.creator_id), payout.currency, payout.amount),
        ),
    )


def release_entry(payout: PayoutRow, hold_entry_id: str) -> EntryDraft:
    """The hold's exact negation (`Ledger.reverse` would key it by entry id; ours names the
    payout, so the audit finds it from the payout alone)."""
    hold = hold_entry(payout)
    return EntryDraft(
        key=release_key(payout.id),
        kind=EntryKind.REVERSAL,
        postings=tuple(Posting(p.account, p.currency, -p.amount) for p in hold.postings),
        reverses_entry_id=hold_entry_id,
    )


def paid_entries(payout: PayoutRow) -> tuple[EntryDraft, EntryDraft]:
    if payout.conversation_id is None:
        raise ValueError(f"payout {payout.id} succeeded without a provider reference")
    held = clearing(payout.provider)
    amount, currency = payout.amount, payout.currency
    paid = EntryDraft(
        key=paid_key(payout.provider, payout.conversation_id),
        kind=EntryKind.PAYOUT,
        postings=(
            Posting(creator_payout_pending(payout.creator_id), currency, -amount),
            Posting(held, currency, amount),
        ),
    )
    disbursed = EntryDraft(
        key=disbursed_key(payout.provider, payout.conversation_id),
        kind=EntryKind.DISBURSEMENT,
        postings=(Posting(held, currency, -amount), Posting(PAYER_EXTERNAL, currency, amount)),
    )
    return paid, disbursed


def expected_entries(payout: PayoutRow) -> list[EntryDraft]:
    """Every entry a payout in its current status must have, no more and no fewer (the release
    is compared without `reverses_entry_id`, which the audit checks on its own)."""
    entries = [hold_entry(payout)]
    if payout.status == "succeeded":
        entries.extend(paid_entries(payout))
    elif payout.status == "failed":
        entries.append(release_entry(payout, ""))
    return entries
