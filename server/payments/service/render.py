"""A payment row as the payer and the creator see it."""

import json

from pydantic import TypeAdapter

from server.contract.payments import (
    FailureReason,
    NextAction,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
)
from server.payments.gateways.base import PaymentGateway
from server.payments.models import PaymentRow
from server.payments.reasons import failure_message

NEXT_ACTION: TypeAdapter[NextAction] = TypeAdapter(NextAction)


def to_contract(payment: PaymentRow, gateway: PaymentGateway | None) -> Payment:
    status = PaymentStatus(payment.status)
    failure = None
    if payment.failure_code is not None:
        failure = FailureReason(
            code=payment.failure_code,
            message=failure_message(payment.failure_code, payment.payer_language),
        )
    next_action: NextAction | None = None
    if status is PaymentStatus.PENDING and payment.push_state == "accepted":
        if payment.next_action is not None:
            next_action = NEXT_ACTION.validate_json(payment.next_action)
        elif gateway is not None:
            next_action = gateway.next_action(
                payment.amount, payment.currency, payment.payer_language
            )
    return Payment(
        id=payment.id,
        kind=PaymentKind(payment.kind),
        method=PaymentMethod(payment.method),
        status=status,
        amount=payment.amount,
        currency=payment.currency,
        fee=payment.fee,
        net=payment.amount - payment.fee,
        creator_id=payment.creator_id,
        stream_id=payment.stream_id,
        message=payment.message,
        failure_reason=failure,
        next_action=next_action,
        refunded_amount=payment.refunded_amount,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
    )


def to_json(payment: Payment) -> str:
    return json.dumps(payment.model_dump(mode="json"), separators=(",", ":"))
