"""`POST /payouts`: hold the amount and store the payout first, then ask the provider.

The flow, in short transactions with the provider call outside any of them:
1. record: refuse bad input, or find the creator's earlier request under the same
   key (same body → its stored answer; other body → 409), else store the payout,
   born claimed for sending, and post its hold in the same transaction. The hold
   is the ledger's conditional balance UPDATE, so the availability check and the
   hold are one atomic step: two concurrent payouts can never overdraw (409);
2. a replay whose earlier request surely never reached the provider claims it
   again (`not_sent` → `sending`), so two concurrent replays never send twice;
3. send, then record what the provider said and keep the first final answer.
"""

import asyncio
import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from server.auth.tokens import Principal
from server.contract.money import format_amount
from server.contract.payments import PhoneError, normalize_phone
from server.contract.payouts import CreatePayoutRequest, PayoutMethod, PayoutStatus
from server.db.base import new_id, utcnow
from server.errors import Conflict, Forbidden, InvalidInput, ProviderUnavailable
from server.idempotency import checked_key
from server.ledger.accounts import creator_available
from server.ledger.service import InsufficientBalance, Ledger
from server.payouts.models import PayoutRow
from server.payouts.posting import hold_entry
from server.payouts.rails import PayoutRequest
from server.payouts.repository import PayoutsRepository
from server.payouts.service.context import PayoutsContext, token_hash
from server.payouts.service.render import to_contract, to_json
from server.payouts.service.resolve import SENDING_GRACE, resolve_payout
from server.providers.errors import ProviderRefused, ProviderUncertain, ProviderUnreachable

CREATED = 201


@dataclass(frozen=True)
class Answer:
    status: int
    body: str  # JSON, exactly what the first final answer was


@dataclass(frozen=True)
class _Recorded:
    payout: PayoutRow
    fresh: bool  # stored just now, already claimed for sending
    answer: Answer | None  # the first final answer, to replay


class _KeyRace(Exception):
    """A concurrent request stored the same key first: read it again."""


def check_creator(principal: Principal) -> None:
    if principal.role != "creator":
        raise Forbidden("only creators have earnings to withdraw", code="creators_only")


async def create_payout(
    ctx: PayoutsContext, creator: Principal, idempotency_key: str | None, body: CreatePayoutRequest
) -> Answer:
    check_creator(creator)
    key = checked_key(idempotency_key, per="payout")
    request_hash = hashlib.sha256(
        json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    for _attempt in range(3):
        try:
            recorded = await _record(ctx, creator, key, request_hash, body)
        except _KeyRace:
            continue
        if recorded.answer is not None:
            return recorded.answer
        if recorded.fresh:
            return await _send(ctx, recorded.payout)
        return await _send_again(ctx, recorded.payout.id)
    raise Conflict(
        "this Idempotency-Key is being used by another request", code="request_in_progress"
    )


async def _record(
    ctx: PayoutsContext,
    creator: Principal,
    key: str,
    request_hash: str,
    body: CreatePayoutRequest,
) -> _Recorded:
    async with ctx.database.session() as session:
        repo = PayoutsRepository(session)
        existing = await repo.by_key(creator.id, key)
        if existing is not None:
            if existing.request_hash != request_hash:
                raise Conflict(
                    "this Idempotency-Key was already used for a different payout request",
                    code="idempotency_key_reused",
                )
            stored = None
            if existing.answer_status is not None and existing.answer_body is not None:
                stored = Answer(existing.answer_status, existing.answer_body)
            return _Recorded(existing, fresh=False, answer=stored)
        payout = await _new_payout(ctx, repo, creator, key, request_hash, body)
        if not await repo.insert(payout):
            raise _KeyRace()
        ledger = Ledger(session)
        try:
            await ledger.post(hold_entry(payout))
        except InsufficientBalance:
            available = await ledger.balance(creator_available(creator.id), body.currency)
            raise Conflict(
                f"you can withdraw at most {format_amount(available, body.currency)}",
                code="insufficient_balance",
                details={"field": "amount", "available": available},
            ) from None
        return _Recorded(payout, fresh=True, answer=None)


async def _new_payout(
    ctx: PayoutsContext,
    repo: PayoutsRepository,
    creator: Principal,
    key: str,
    request_hash: str,
    body: CreatePayoutRequest,
) -> PayoutRow:
    rail = ctx.rails.for_method(body.method)
    account = await repo.user(creator.id)
    if account is None:
        raise Forbidden("this account no longer exists", code="creators_only")
    try:
        phone = normalize_phone(body.phone, account.country)
    except PhoneError as exc:
        raise InvalidInput(str(exc), code="invalid_phone", details={"field": "phone"}) from None
    rail.check(body.amount, body.currency, phone)
    now = utcnow()
    payout_id = new_id()
    return PayoutRow(
        id=payout_id,
        creator_id=creator.id,
        idempotency_key=key,
        request_hash=request_hash,
        method=body.method.value,
        provider=rail.provider,
        amount=body.amount,
        currency=body.currency,
        phone=phone,
        language=account.language,
        status=PayoutStatus.PENDING.value,
        failure_code=None,
        provider_result=None,
        push_state="sending",  # claimed at birth: this request sends it
        push_attempts=1,
        conversation_id=None,
        transaction_id=None,
        callback_token_hash=token_hash(ctx.callback_token(payout_id)),
        answer_status=None,
        answer_body=None,
        next_check_at=now + timedelta(seconds=ctx.settings.payout_query_after_s),
        created_at=now,
        updated_at=now,
        resolved_at=None,
    )


async def _send_again(ctx: PayoutsContext, payout_id: str) -> Answer:
    """A replay: send only if the earlier request surely did not reach the provider."""
    async with ctx.database.session() as session:
        repo = PayoutsRepository(session)
        claimed = await repo.claim_push(payout_id, utcnow())
        payout = await repo.by_id(payout_id)
    assert payout is not None
    if claimed:
        return await _send(ctx, payout)
    # An ended payout is answered whatever became of its request: a server killed while
    # sending leaves `sending` for good, and Daraja's result or status still ends it.
    if payout.status == PayoutStatus.PENDING.value:
        if payout.push_state == "sending" and payout.updated_at + SENDING_GRACE > utcnow():
            raise Conflict(
                "an earlier request with this Idempotency-Key is still in progress; "
                "retry in a moment",
                code="request_in_progress",
            )
        if payout.push_state in ("sending", "uncertain"):  # long claimed: its sender died
            rail = ctx.rails.for_method(PayoutMethod(payout.method))
            raise _unavailable(rail.name, payout.id, sent=True)
    return await _answer(ctx, payout.id)


async def _send(ctx: PayoutsContext, payout: PayoutRow) -> Answer:
    """Send the provider request this caller holds the claim for, and record the outcome."""
    rail = ctx.rails.for_method(PayoutMethod(payout.method))
    request = PayoutRequest(
        payout_id=payout.id,
        amount=payout.amount,
        currency=payout.currency,
        phone=payout.phone,
        result_url=ctx.result_url(rail.provider, payout.id),
        timeout_url=ctx.timeout_url(rail.provider, payout.id),
    )
    try:
        accepted = await rail.send(request)
    except ProviderUnreachable:
        await _set_push_state(ctx, payout.id, "not_sent")
        raise _unavailable(rail.name, payout.id, sent=False) from None
    except ProviderRefused as exc:
        await _set_push_state(ctx, payout.id, "refused")
        await resolve_payout(
            ctx, payout.id, PayoutStatus.FAILED, "provider_rejected", exc.code[:40]
        )
        return await _answer(ctx, payout.id)
    except ProviderUncertain:
        await _set_push_state(ctx, payout.id, "uncertain")
        raise _unavailable(rail.name, payout.id, sent=True) from None
    except BaseException:
        # Timeout, dropped connection, cancellation: it may have reached the provider.
        await asyncio.shield(_set_push_state(ctx, payout.id, "uncertain"))
        raise
    async with ctx.database.session() as session:
        await PayoutsRepository(session).accept_push(payout.id, accepted.conversation_id, utcnow())
    return await _answer(ctx, payout.id)


async def _answer(ctx: PayoutsContext, payout_id: str) -> Answer:
    async with ctx.database.session() as session:
        repo = PayoutsRepository(session)
        current = await repo.by_id(payout_id)
        assert current is not None
        answer = Answer(CREATED, to_json(to_contract(current)))
        await repo.store_answer(payout_id, answer.status, answer.body)
    return answer


async def _set_push_state(ctx: PayoutsContext, payout_id: str, state: str) -> None:
    async with ctx.database.session() as session:
        await PayoutsRepository(session).set_push_state(payout_id, state, utcnow())


def _unavailable(provider: str, payout_id: str, *, sent: bool) -> ProviderUnavailable:
    """`provider` as messages name it: "M-Pesa", "MTN MoMo"."""
    if sent:
        message = (
            f"{provider} did not answer our payout request; the amount stays held until "
            f"{provider} confirms, so do not withdraw it again: check this payout in a moment"
        )
    else:
        message = (
            f"{provider} cannot be reached right now; the payout is saved and the amount held: "
            "retry with the same Idempotency-Key"
        )
    return ProviderUnavailable(message, details={"payout_id": payout_id})
