"""`POST /payments`: store the payment first, then ask the provider, replaying by Idempotency-Key.

The flow, in short transactions with the provider call outside any of them:
1. record: refuse bad input, or find the payer's earlier request under the same
   key (same body → its stored answer; other body → 409), else store the payment,
   born claimed for sending (`push_state` `sending`);
2. a replay whose earlier request surely never reached the provider claims it
   again (`not_sent` → `sending`), so two concurrent replays never send twice;
3. send, then record what the provider said and keep the first final answer.
"""

import asyncio
import hashlib
import json
from dataclasses import dataclass

from server.auth.tokens import Principal
from server.contract.money import minimum_amount, platform_fee
from server.contract.payments import (
    CreatePaymentRequest,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    PhoneError,
    normalize_phone,
)
from server.db.base import new_id, utcnow
from server.errors import Conflict, InvalidInput, ProviderUnavailable
from server.idempotency import checked_key
from server.payments.gateways.base import ChargeRequest, PaymentGateway
from server.payments.gateways.card import CardGateway
from server.payments.models import IdempotencyKeyRow, PaymentRow
from server.payments.repository import PaymentsRepository
from server.payments.service.card_subscriptions import start_card_subscription
from server.payments.service.context import PaymentsContext, token_hash
from server.payments.service.kinds import check_kind
from server.payments.service.render import to_contract, to_json
from server.payments.service.resolve import SENDING_GRACE, resolve_payment
from server.providers.errors import ProviderRefused, ProviderUncertain, ProviderUnreachable

SCOPE = "payments"
CREATED = 201
PROVIDER_NAMES = {
    "mpesa": "M-Pesa",
    "mtn_momo": "MTN MoMo",
    "stripe": "Stripe",
    "orange_money": "Orange Money",
}  # as payers know them


@dataclass(frozen=True)
class Answer:
    status: int
    body: str  # JSON, exactly what the first final answer was


@dataclass(frozen=True)
class _Recorded:
    key_id: str
    payment: PaymentRow
    fresh: bool  # stored just now, already claimed for sending (`push_state` "sending")
    answer: Answer | None  # the first final answer, to replay


class _KeyRace(Exception):
    """A concurrent request stored the same key first: read it again."""


async def create_payment(
    ctx: PaymentsContext,
    payer: Principal,
    idempotency_key: str | None,
    body: CreatePaymentRequest,
    accept_language: str | None,
) -> Answer:
    key = checked_key(idempotency_key, per="payment")
    request_hash = hashlib.sha256(
        json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    for _attempt in range(3):
        try:
            recorded = await _record(ctx, payer, key, request_hash, body, accept_language)
        except _KeyRace:
            continue
        if recorded.answer is not None:
            return recorded.answer
        if recorded.fresh:
            return await _send(ctx, recorded.key_id, recorded.payment)
        return await _send_again(ctx, recorded.key_id, recorded.payment.id)
    raise Conflict(
        "this Idempotency-Key is being used by another request", code="request_in_progress"
    )


async def _record(
    ctx: PaymentsContext,
    payer: Principal,
    key: str,
    request_hash: str,
    body: CreatePaymentRequest,
    accept_language: str | None,
) -> _Recorded:
    async with ctx.database.session() as session:
        repo = PaymentsRepository(session)
        existing = await repo.idempotency_key(SCOPE, payer.id, key)
        if existing is not None:
            if existing.request_hash != request_hash:
                raise Conflict(
                    "this Idempotency-Key was already used for a different payment request",
                    code="idempotency_key_reused",
                )
            assert existing.payment_id is not None
            stored = None
            if existing.response_status is not None and existing.response_body is not None:
                stored = Answer(existing.response_status, existing.response_body)
            payment = await repo.by_id(existing.payment_id)
            assert payment is not None
            return _Recorded(existing.id, payment, fresh=False, answer=stored)
        payment = await _new_payment(ctx, repo, payer, body, accept_language)
        await repo.add(payment)
        key_row = IdempotencyKeyRow(
            id=new_id(),
            scope=SCOPE,
            owner_id=payer.id,
            key=key,
            request_hash=request_hash,
            payment_id=payment.id,
            created_at=utcnow(),
        )
        if not await repo.claim_idempotency_key(key_row):
            raise _KeyRace()
        return _Recorded(key_row.id, payment, fresh=True, answer=None)


async def _new_payment(
    ctx: PaymentsContext,
    repo: PaymentsRepository,
    payer: Principal,
    body: CreatePaymentRequest,
    accept_language: str | None,
) -> PaymentRow:
    gateway = ctx.gateways.for_method(body.method)
    creator = await repo.user(body.creator_id)
    if creator is None or creator.role != "creator":
        raise InvalidInput(
            "there is no creator with this id",
            code="unknown_creator",
            details={"field": "creator_id"},
        )
    if creator.id == payer.id:
        raise InvalidInput(
            "you cannot pay yourself", code="self_payment", details={"field": "creator_id"}
        )
    await check_kind(repo, payer, body)
    minimum = minimum_amount(body.currency)
    if body.amount < minimum:
        raise InvalidInput(
            f"the smallest {body.currency} payment is {minimum} (in minor units)",
            code="amount_too_small",
            details={"field": "amount", "minimum": minimum},
        )
    country, language = body.country, _language(accept_language)
    if payer.kind == "access":
        account = await repo.user(payer.id)
        if account is not None:
            country, language = body.country or account.country, account.language
    phone = None
    if body.phone is not None:
        try:
            phone = normalize_phone(body.phone, country)
        except PhoneError as exc:
            raise InvalidInput(str(exc), code="invalid_phone", details={"field": "phone"}) from None
    gateway.check(body.amount, body.currency, phone)
    now = utcnow()
    payment_id = new_id()
    fee_bps = ctx.settings.platform_fee_bps
    return PaymentRow(
        id=payment_id,
        payer_id=payer.id,
        payer_kind=payer.kind,
        payer_name=payer.name[:60],
        payer_language=language,
        creator_id=creator.id,
        stream_id=body.stream_id,
        kind=body.kind.value,
        method=body.method.value,
        provider=gateway.provider,
        amount=body.amount,
        currency=body.currency,
        fee=platform_fee(body.amount, fee_bps),
        fee_bps=fee_bps,
        phone=phone,
        message=body.message or None,
        status=PaymentStatus.PENDING.value,
        callback_token_hash=token_hash(ctx.callback_token(payment_id)),
        push_state="sending",  # claimed at birth: this request sends it
        push_attempts=1,
        change_seq=await repo.next_change_seq(creator.id),
        next_check_at=now,
        created_at=now,
        updated_at=now,
    )


def _language(accept_language: str | None) -> str:
    """A guest has no account: take French when the browser or app prefers it."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return "fr" if first.startswith("fr") else "en"


async def _send_again(ctx: PaymentsContext, key_id: str, payment_id: str) -> Answer:
    """A replay: send only if the earlier request surely did not reach the provider."""
    async with ctx.database.session() as session:
        repo = PaymentsRepository(session)
        claimed = await repo.claim_push(payment_id, utcnow())
        payment = await repo.by_id(payment_id)
    assert payment is not None
    if not claimed:
        gateway = ctx.gateways.for_method(PaymentMethod(payment.method))
        return await _answer_without_sending(ctx, key_id, payment, gateway)
    return await _send(ctx, key_id, payment)


async def _send(ctx: PaymentsContext, key_id: str, payment: PaymentRow) -> Answer:
    """Send the provider request this caller holds the claim for, and record the outcome."""
    gateway = ctx.gateways.for_method(PaymentMethod(payment.method))
    charge = ChargeRequest(
        payment_id=payment.id,
        amount=payment.amount,
        currency=payment.currency,
        phone=payment.phone,
        callback_url=ctx.callback_url(gateway.provider, payment.id),
        language=payment.payer_language,
        return_url=ctx.return_url(payment.id),
        cancel_url=ctx.cancel_url(payment.id),
    )
    try:
        if payment.kind == PaymentKind.SUBSCRIPTION.value and isinstance(gateway, CardGateway):
            started = await start_card_subscription(ctx, gateway, payment, charge)
        else:
            started = await gateway.start(charge)
    except ProviderUnreachable:
        await _set_push_state(ctx, payment.id, "not_sent")
        raise _unavailable(gateway, payment.id, sent=False) from None
    except ProviderRefused as exc:
        return await _refused(ctx, key_id, payment.id, gateway, exc)
    except ProviderUncertain:
        await _set_push_state(ctx, payment.id, "uncertain")
        raise _unavailable(gateway, payment.id, sent=True) from None
    except BaseException:
        # Timeout, dropped connection, cancellation: it may have reached the provider.
        await asyncio.shield(_set_push_state(ctx, payment.id, "uncertain"))
        raise
    async with ctx.database.session() as session:
        repo = PaymentsRepository(session)
        action = started.next_action
        await repo.accept_push(
            payment.id,
            started.provider_ref,
            utcnow(),
            action.model_dump_json() if action is not None else None,
            callback_proof_hash=(
                token_hash(started.callback_proof) if started.callback_proof else None
            ),
        )
        current = await repo.by_id(payment.id)
        assert current is not None
        answer = Answer(CREATED, to_json(to_contract(current, gateway)))
        await repo.store_answer(key_id, answer.status, answer.body)
    return answer


async def _answer_without_sending(
    ctx: PaymentsContext, key_id: str, payment: PaymentRow, gateway: PaymentGateway
) -> Answer:
    # An ended payment is answered whatever became of its request: a server killed while
    # sending leaves `sending` for good, and the callback's reference still ends it.
    if payment.status == PaymentStatus.PENDING.value:
        if payment.push_state == "sending" and payment.updated_at + SENDING_GRACE > utcnow():
            raise Conflict(
                "an earlier request with this Idempotency-Key is still in progress; "
                "retry in a moment",
                code="request_in_progress",
            )
        if payment.push_state in ("sending", "uncertain"):  # long claimed: its sender died
            raise _unavailable(gateway, payment.id, sent=True)
    answer = Answer(CREATED, to_json(to_contract(payment, gateway)))
    async with ctx.database.session() as session:
        await PaymentsRepository(session).store_answer(key_id, answer.status, answer.body)
    return answer


async def _refused(
    ctx: PaymentsContext,
    key_id: str,
    payment_id: str,
    gateway: PaymentGateway,
    exc: ProviderRefused,
) -> Answer:
    await _set_push_state(ctx, payment_id, "refused")
    await resolve_payment(ctx, payment_id, PaymentStatus.FAILED, "provider_rejected", exc.code[:40])
    async with ctx.database.session() as session:
        repo = PaymentsRepository(session)
        current = await repo.by_id(payment_id)
        assert current is not None
        answer = Answer(CREATED, to_json(to_contract(current, gateway)))
        await repo.store_answer(key_id, answer.status, answer.body)
    return answer


async def _set_push_state(ctx: PaymentsContext, payment_id: str, state: str) -> None:
    async with ctx.database.session() as session:
        await PaymentsRepository(session).set_push_state(payment_id, state, utcnow())


def _unavailable(gateway: PaymentGateway, payment_id: str, *, sent: bool) -> ProviderUnavailable:
    name = PROVIDER_NAMES.get(gateway.provider, gateway.provider)
    if sent:
        message = (
            f"{name} did not answer our request; we are waiting for its confirmation, "
            "so do not pay again: check this payment in a moment"
        )
    else:
        message = (
            f"{name} cannot be reached right now; the payment is saved: "
            "retry with the same Idempotency-Key"
        )
    return ProviderUnavailable(message, details={"payment_id": payment_id})
