"""The ledger entries a succeeded payment posts, and nothing else may.

Two entries, keyed by the provider's own reference so the same confirmation can
never be counted twice, posted in the transaction that marks the payment
succeeded:

1. capture:    payer:external −X, clearing:<provider> +X   (the provider collected X)
2. settlement: clearing:<provider> −X, platform:fees +fee, creator:<id>:available +(X − fee)

so the clearing account is back to zero once the provider has confirmed, and
fee + net is always exactly X. `payments.audit` checks the ledger against these.
"""

from server.ledger.accounts import PAYER_EXTERNAL, PLATFORM_FEES, clearing, creator_available
from server.ledger.entries import EntryDraft, EntryKind, Posting
from server.payments.models import PaymentRow


def capture_key(provider: str, provider_ref: str) -> str:
    return f"{provider}:{provider_ref}"


def settlement_key(provider: str, provider_ref: str) -> str:
    return f"{provider}:{provider_ref}:settlement"


def success_entries(payment: PaymentRow) -> tuple[EntryDraft, EntryDraft]:
    if payment.provider_ref is None:
        raise ValueError(f"payment {payment.id} succeeded without a provider reference")
    amount, fee, currency = payment.amount, payment.fee, payment.currency
    held = clearing(payment.provider)
    capture = EntryDraft(
        key=capture_key(payment.provider, payment.provider_ref),
        kind=EntryKind.CAPTURE,
        payment_id=payment.id,
        postings=(
            Posting(PAYER_EXTERNAL, currency, -amount),
            Posting(held, currency, amount),
        ),
    )
    settlement = EntryDraft(
        key=settlement_key(payment.provider, payment.provider_ref),
        kind=EntryKind.SETTLEMENT,
        payment_id=payment.id,
        postings=(
            Posting(held, currency, -amount),
            Posting(PLATFORM_FEES, currency, fee),
            Posting(creator_available(payment.creator_id), currency, amount - fee),
        ),
    )
    return capture, settlement
