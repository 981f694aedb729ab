"""`POST /payments/{id}/refund` and refunds made at the provider: money given back, once.

The creator's refund, in short transactions with the provider call outside them:
1. reserve: refuse what cannot be refunded, or find the creator's earlier request
   under the same Idempotency-Key (same body → its answer; other body → 409), else
   raise the payment's refunded total, store the refund `pending` and hold its money
   in the ledger (the creator's share first: more than they have is 409);
2. ask the provider under a key derived from the refund, so a retry refunds once;
3. record its answer: paid (the held money leaves), or refused (the hold is
   reversed and the reservation released). Unreachable: 502, and a replay with
   the same Idempotency-Key asks again.

A refund that leaves a subscription payment refunded in full takes back the unused
part of its month in the transaction that records it (`memberships`).
"""

import hashlib
import json
from dataclasses import dataclass

from server.auth.tokens import Principal
from server.contract.payments import (
    FailureReason,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundRequest,
    RefundStatus,
)
from server.db.base import new_id, utcnow
from server.errors import Conflict, InvalidInput, NotFound, ProviderUnavailable
from server.idempotency import checked_key
from server.ledger.repository import LedgerRepository
from server.ledger.service import Ledger
from server.logs import get_logger
from server.payments.gateways.base import RefundingGateway
from server.payments.memberships import take_back_refunded_month
from server.payments.models import IdempotencyKeyRow, PaymentRow, RefundRow
from server.payments.reasons import failure_message
from server.payments.refund_posting import (
    hold_entry,
    hold_key,
    paid_entry,
    provider_refund_entry,
    refund_fee,
    release_key,
)
from server.payments.refund_repository import RefundRepository
from server.payments.repository import PaymentsRepository
from server.payments.service.card_subscriptions import end_if_refunded
from server.payments.service.context import PaymentsContext
from server.payments.service.create import Answer
from server.providers.errors import ProviderRefused, ProviderUncertain, ProviderUnreachable

log = get_logger("flash.payments")

SCOPE = "refunds"
CREATED = 201


@dataclass(frozen=True)
class _Reserved:
    key_id: str
    refund_id: str
    answer: Answer | None


class _Race(Exception):
    """A concurrent request moved the payment or took the key first: read again."""


async def refund_payment(
    ctx: PaymentsContext,
    creator: Principal,
    payment_id: str,
    idempotency_key: str | None,
    body: RefundRequest,
) -> Answer:
    key = checked_key(idempotency_key, per="refund")
    request_hash = hashlib.sha256(
        json.dumps({"payment_id": payment_id, **body.model_dump(mode="json")}).encode()
    ).hexdigest()
    for _attempt in range(3):
        try:
            reserved = await _reserve(ctx, creator, payment_id, key, request_hash, body)
        except _Race:
            continue
        if reserved.answer is not None:
            return reserved.answer
        return await _ask_provider(ctx, reserved.key_id, reserved.refund_id)
    raise Conflict("another refund of this payment is in progress", code="request_in_progress")


async def _reserve(
    ctx: PaymentsContext,
    creator: Principal,
    payment_id: str,
    key: str,
    request_hash: str,
    body: RefundRequest,
) -> _Reserved:
    async with ctx.database.session() as session:
        payments, refunds = PaymentsRepository(session), RefundRepository(session)
        existing = await payments.idempotency_key(SCOPE, creator.id, key)
        if existing is not None:
            if existing.request_hash != request_hash:
                raise Conflict(
                    "this Idempotency-Key was already used for a different refund request",
                    code="idempotency_key_reused",
                )
            refund = await refunds.by_key(existing.id)
            if refund is None:
                raise _Race()
            stored = None
            if existing.response_status is not None and existing.response_body is not None:
                stored = Answer(existing.response_status, existing.response_body)
            return _Reserved(existing.id, refund.id, stored)

        payment = await refunds.payment(payment_id)
        # Anyone but the receiving creator gets the 404 of a payment that does not exist.
        if payment is None or payment.creator_id != creator.id:
            raise NotFound("there is no such payment")
        amount = _checked_amount(ctx, payment, body)
        before, now = payment.refunded_amount, utcnow()
        if not await refunds.move_refunded(payment.id, before, amount, now):
            raise _Race()
        key_row = IdempotencyKeyRow(
            id=new_id(),
            scope=SCOPE,
            owner_id=creator.id,
            key=key,
            request_hash=request_hash,
            payment_id=payment.id,
            created_at=now,
        )
        if not await payments.claim_idempotency_key(key_row):
            raise _Race()
        refund = RefundRow(
            id=new_id(),
            payment_id=payment.id,
            origin="creator",
            amount=amount,
            fee=refund_fee(payment, before, amount),
            currency=payment.currency,
            status=RefundStatus.PENDING.value,
            idempotency_key_id=key_row.id,
            created_at=now,
            updated_at=now,
        )
        await refunds.add(refund)
        await Ledger(session).post(hold_entry(payment, refund))  # 409 if the creator lacks it
        await payments.set_change_seq(payment.id, await payments.next_change_seq(creator.id))
        return _Reserved(key_row.id, refund.id, None)


def _checked_amount(ctx: PaymentsContext, payment: PaymentRow, body: RefundRequest) -> int:
    if payment.status != PaymentStatus.SUCCEEDED.value:
        raise Conflict(
            f"only a succeeded payment can be refunded; this one is {payment.status}",
            code="not_refundable",
        )
    gateway = ctx.gateways.for_method(PaymentMethod(payment.method))
    if not isinstance(gateway, RefundingGateway):
        raise InvalidInput(
            f"{payment.method} payments cannot be refunded from here; refund the payer directly",
            code="refund_unsupported",
        )
    left = payment.amount - payment.refunded_amount
    if left <= 0:
        raise Conflict("this payment is already refunded in full", code="already_refunded")
    amount = body.amount if body.amount is not None else left
    if amount > left:
        raise InvalidInput(
            f"at most {left} (in minor units) is left to refund",
            code="refund_too_large",
            details={"field": "amount", "refundable": left},
        )
    return amount


async def _ask_provider(ctx: PaymentsContext, key_id: str, refund_id: str) -> Answer:
    async with ctx.database.session() as session:
        refund = await RefundRepository(session).by_id(refund_id)
        assert refund is not None
        payment = await RefundRepository(session).payment(refund.payment_id)
        assert payment is not None and payment.provider_ref is not None
    if refund.status != RefundStatus.PENDING.value:
        return await _answer(ctx, key_id, refund.id)
    gateway = ctx.gateways.for_method(PaymentMethod(payment.method))
    assert isinstance(gateway, RefundingGateway)
    try:
        made = await gateway.refund(payment.provider_ref, refund.amount, refund.currency, refund.id)
    except (ProviderUnreachable, ProviderUncertain):
        raise ProviderUnavailable(
            "the payment provider cannot be reached right now; the refund is saved: "
            "retry with the same Idempotency-Key",
            details={"refund_id": refund.id},
        ) from None
    except ProviderRefused as exc:
        await _refused(ctx, payment, refund, exc.code)
        return await _answer(ctx, key_id, refund.id)
    async with ctx.database.session() as session:
        refunds, now = RefundRepository(session), utcnow()
        if await refunds.end(
            refund.id,
            RefundStatus.SUCCEEDED,
            provider_ref=made.provider_ref,
            failure_code=None,
            now=now,
        ):
            await Ledger(session).post(paid_entry(payment, refund, made.provider_ref))
            await take_back_refunded_month(session, payment, now)
    log.info("refund_paid", refund_id=refund.id, payment_id=payment.id)
    await end_if_refunded(ctx, payment.id)  # a card subscription given back renews no more
    return await _answer(ctx, key_id, refund.id)


async def _refused(ctx: PaymentsContext, payment: PaymentRow, refund: RefundRow, code: str) -> None:
    """Give the held money back to the creator and release the reservation, once."""
    async with ctx.database.session() as session:
        refunds = RefundRepository(session)
        now = utcnow()
        if not await refunds.end(
            refund.id,
            RefundStatus.FAILED,
            provider_ref=None,
            failure_code="refund_refused",
            now=now,
        ):
            return
        current = await refunds.payment(payment.id)
        assert current is not None
        if not await refunds.move_refunded(
            payment.id, current.refunded_amount, -refund.amount, now
        ):
            raise RuntimeError(f"refund {refund.id}: the payment's refunded total moved")
        hold = await LedgerRepository(session).entry_by_key(hold_key(refund.id))
        assert hold is not None
        await Ledger(session).reverse(hold.id, key=release_key(refund.id))
        payments = PaymentsRepository(session)
        await payments.set_change_seq(
            payment.id, await payments.next_change_seq(payment.creator_id)
        )
    log.info("refund_refused", refund_id=refund.id, payment_id=payment.id, code=code[:40])


async def _answer(ctx: PaymentsContext, key_id: str, refund_id: str) -> Answer:
    """The refund as it stands, kept as the key's answer once it has ended."""
    async with ctx.database.session() as session:
        refunds = RefundRepository(session)
        refund = await refunds.by_id(refund_id)
        assert refund is not None
        payment = await refunds.payment(refund.payment_id)
        assert payment is not None
        answer = Answer(CREATED, to_contract(refund, payment).model_dump_json())
        if refund.status != RefundStatus.PENDING.value:
            await PaymentsRepository(session).store_answer(key_id, answer.status, answer.body)
    return answer


def to_contract(refund: RefundRow, payment: PaymentRow) -> Refund:
    failure = None
    if refund.failure_code is not None:
        failure = FailureReason(
            code=refund.failure_code,
            message=failure_message(refund.failure_code, payment.payer_language),
        )
    return Refund(
        id=refund.id,
        payment_id=payment.id,
        amount=refund.amount,
        currency=refund.currency,
        fee=refund.fee,
        status=RefundStatus(refund.status),
        failure_reason=failure,
        payment_refunded_amount=payment.refunded_amount,
        created_at=refund.created_at,
    )


async def apply_provider_refund(
    ctx: PaymentsContext, payment_id: str, refunded_total: int, key: str
) -> bool:
    """The provider says `refunded_total` (our minor units) of the payment is refunded in all:
    record what we did not know of, once. True when something was recorded."""
    async with ctx.database.session() as session:
        refunds = RefundRepository(session)
        payment = await refunds.payment(payment_id)
        if payment is None or payment.status != PaymentStatus.SUCCEEDED.value:
            return False
        before = payment.refunded_amount
        missing = min(refunded_total, payment.amount) - before
        if missing <= 0:
            return False  # ours, already counted, or a duplicate event
        now = utcnow()
        if not await refunds.move_refunded(payment.id, before, missing, now):
            return False  # a concurrent event got there first
        refund = RefundRow(
            id=new_id(),
            payment_id=payment.id,
            origin="provider",
            amount=missing,
            fee=refund_fee(payment, before, missing),
            currency=payment.currency,
            status=RefundStatus.SUCCEEDED.value,
            created_at=now,
            updated_at=now,
        )
        await refunds.add(refund)
        await Ledger(session).post(provider_refund_entry(payment, refund, key))
        await take_back_refunded_month(session, payment, now)
        payments = PaymentsRepository(session)
        await payments.set_change_seq(
            payment.id, await payments.next_change_seq(payment.creator_id)
        )
    log.info("provider_refund_recorded", payment_id=payment_id, refund_id=refund.id)
    await end_if_refunded(ctx, payment_id)  # a card subscription given back renews no more
    return True
