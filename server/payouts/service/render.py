"""A payout row as its creator sees it."""

import json

from server.contract.payments import FailureReason
from server.contract.payouts import Payout, PayoutMethod, PayoutStatus
from server.payouts.models import PayoutRow
from server.payouts.reasons import payout_failure_message


def to_contract(payout: PayoutRow) -> Payout:
    failure = None
    if payout.failure_code is not None:
        failure = FailureReason(
            code=payout.failure_code,
            message=payout_failure_message(payout.failure_code, payout.language, payout.method),
        )
    return Payout(
        id=payout.id,
        status=PayoutStatus(payout.status),
        amount=payout.amount,
        currency=payout.currency,
        method=PayoutMethod(payout.method),
        phone=payout.phone,
        failure_reason=failure,
        created_at=payout.created_at,
        updated_at=payout.updated_at,
    )


def to_json(payout: Payout) -> str:
    return json.dumps(payout.model_dump(mode="json"), separators=(",", ":"))
