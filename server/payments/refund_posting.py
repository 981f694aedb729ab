"""The ledger entries of a refund: taken back from the creator, then sent back to the payer.

1. hold (asked by the creator, before the provider is asked):
   creator:<id>:available −(R − f), platform:fees −f, refunding:<provider> +R
2. paid (the provider confirmed): refunding:<provider> −R, payer:external +R
   ... or, if the provider refused, the exact reversal of the hold.

A refund the provider made on its own (Stripe's `charge.refunded`) is one entry:
creator −(R − f), platform:fees −f, payer:external +R. `f` gives the platform's
fee back in proportion, so a payment refunded in full gives back exactly its fee.
Kinds: `refund_hold`, `refund`, and `reversal` for a released hold; nothing is edited.
"""

from server.ledger.accounts import PAYER_EXTERNAL, PLATFORM_FEES, creator_available, refunding
from server.ledger.entries import EntryDraft, EntryKind, Posting
from server.payments.models import PaymentRow, RefundRow


def refund_fee(payment: PaymentRow, refunded_before: int, amount: int) -> int:
    """The fee share of refunding `amount` after `refunded_before`: cumulative floors, so
    the shares of all a payment's refunds add up to its fee when it is refunded in full."""
    after = (refunded_before + amount) * payment.fee // payment.amount
    return after - refunded_before * payment.fee // payment.amount


def hold_key(refund_id: str) -> str:
    return f"refund:{refund_id}"


def release_key(refund_id: str) -> str:
    return f"refund:{refund_id}:released"


def hold_entry(payment: PaymentRow, refund: RefundRow) -> EntryDraft:
    return EntryDraft(
        key=hold_key(refund.id),
        kind=EntryKind.REFUND_HOLD,
        payment_id=payment.id,
        postings=(
            Posting(
                creator_available(payment.creator_id),
                refund.currency,
                -(refund.amount - refund.fee),
            ),
            Posting(PLATFORM_FEES, refund.currency, -refund.fee),
            Posting(refunding(payment.provider), refund.currency, refund.amount),
        ),
    )


def paid_entry(payment: PaymentRow, refund: RefundRow, provider_refund_ref: str) -> EntryDraft:
    return EntryDraft(
        key=f"{payment.provider}:{provider_refund_ref}",
        kind=EntryKind.REFUND,
        payment_id=payment.id,
        postings=(
            Posting(refunding(payment.provider), refund.currency, -refund.amount),
            Posting(PAYER_EXTERNAL, refund.currency, refund.amount),
        ),
    )


def provider_refund_entry(payment: PaymentRow, refund: RefundRow, key: str) -> EntryDraft:
    return EntryDraft(
        key=key,
        kind=EntryKind.REFUND,
        payment_id=payment.id,
        postings=(
            Posting(
                creator_available(payment.creator_id),
                refund.currency,
                -(refund.amount - refund.fee),
            ),
            Posting(PLATFORM_FEES, refund.currency, -refund.fee),
            Posting(PAYER_EXTERNAL, refund.currency, refund.amount),
        ),
    )
