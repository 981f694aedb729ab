"""How a pending payout ends: exactly once, on the provider's word or when it surely never left.

An M-Pesa result callback is believed only under the rule in `server/providers/mpesa_b2c.py`
(the payout's own unguessable URL, our OriginatorConversationID, Daraja's
ConversationID, and for a success the amount we sent and a TransactionID). A MoMo
callback is never believed at all: on the payout's own URL it only makes us ask MoMo,
and MoMo's answer (`MomoPayoutRail.read`) is what is applied.
The ending is a conditional UPDATE; the ledger entry that pays or releases the
held amount goes in the same transaction.
"""

from datetime import timedelta
from typing import Any

from server.contract.payouts import PayoutMethod, PayoutStatus
from server.db.base import utcnow
from server.errors import FlashError, NotFound
from server.ledger.entries import LedgerInvariantError
from server.ledger.service import Ledger
from server.logs import get_logger
from server.payouts.models import PayoutRow
from server.payouts.posting import hold_key, paid_entries, release_key
from server.payouts.rails import MpesaPayoutRail, OutcomeMismatch, PayoutOutcome, PayoutRail
from server.payouts.repository import PayoutsRepository
from server.payouts.service.context import PayoutsContext, token_hash
from server.providers.errors import ProviderError
from server.providers.mpesa_b2c import COMPLETED, read_result, read_status

log = get_logger("flash.payouts")

SWEEP_BATCH = 200
# A request claimed for sending this long ago is no longer in flight: it may have arrived.
SENDING_GRACE = timedelta(minutes=2)
COMPLETED_RESULT_TYPES = (None, 0, "0")


class ResultMismatch(FlashError):
    """A result that does not belong to this payout: it changes nothing."""

    code = "result_mismatch"


async def resolve_payout(
    ctx: PayoutsContext,
    payout_id: str,
    status: PayoutStatus,
    failure_code: str | None,
    provider_result: str | None,
    *,
    conversation_id: str | None = None,
    transaction_id: str | None = None,
    only_if_unsent: bool = False,
) -> bool:
    """End the payout if it is still pending; True only for the one caller that did."""
    async with ctx.database.session() as session:
        repo = PayoutsRepository(session)
        if not await repo.resolve(
            payout_id,
            status=status,
            failure_code=failure_code,
            provider_result=provider_result,
            conversation_id=conversation_id,
            transaction_id=transaction_id,
            now=utcnow(),
            only_if_unsent=only_if_unsent,
        ):
            return False
        payout = await repo.by_id(payout_id)
        assert payout is not None
        ledger = Ledger(session)
        if status is PayoutStatus.SUCCEEDED:
            await ledger.post(*paid_entries(payout))
        else:
            hold_id = await repo.hold_entry_id(hold_key(payout.id))
            if hold_id is None:
                raise LedgerInvariantError(f"payout {payout.id} has no hold to release")
            await ledger.reverse(hold_id, key=release_key(payout.id))
    log.info("payout_resolved", payout_id=payout_id, payout_status=status.value, code=failure_code)
    return True


async def handle_result(ctx: PayoutsContext, provider: str, token: str, body: Any) -> None:
    """Apply a provider's result callback if, and only if, it is this payout's own."""
    async with ctx.database.session() as session:
        payout = await PayoutsRepository(session).by_callback_token_hash(token_hash(token))
    if payout is None or payout.provider != provider:
        raise NotFound("there is no payout for this callback")
    if payout.status != PayoutStatus.PENDING.value:
        return  # a duplicate: the payout has ended already
    result = read_result(body)
    if result is None:
        raise FlashError("the callback is not a B2C result", code="malformed_result")
    if isinstance(body, dict) and body["Result"].get("ResultType") not in COMPLETED_RESULT_TYPES:
        return  # an intermediate notice; the final result follows
    known = payout.conversation_id
    if result.originator_conversation_id != payout.id or (
        known is not None and result.conversation_id != known
    ):
        log.warning("payout_result_mismatch", payout_id=payout.id)
        raise ResultMismatch("this result names another request than this payout's")
    if known is None and payout.push_state not in ("sending", "uncertain"):
        raise ResultMismatch("this payout's request never reached the provider")
    rail = _mpesa_rail(ctx, payout)
    if result.result_code == 0:
        if result.transaction_id is None or not rail.amount_matches(payout.amount, result.amount):
            log.warning("payout_result_amount_mismatch", payout_id=payout.id)
            raise ResultMismatch("this result's amount or transaction is not this payout's")
        await resolve_payout(
            ctx,
            payout.id,
            PayoutStatus.SUCCEEDED,
            None,
            "0",
            conversation_id=result.conversation_id,
            transaction_id=result.transaction_id,
        )
        return
    await resolve_payout(
        ctx,
        payout.id,
        PayoutStatus.FAILED,
        rail.failure_code(result.result_code),
        str(result.result_code)[:40],
        conversation_id=result.conversation_id,
    )


async def handle_status(ctx: PayoutsContext, provider: str, token: str, body: Any) -> None:
    """A Transaction Status answer about this payout: it can confirm a payment, nothing else
    (a status that is not found or not final may only mean "not yet")."""
    async with ctx.database.session() as session:
        payout = await PayoutsRepository(session).by_callback_token_hash(token_hash(token))
    if payout is None or payout.provider != provider:
        raise NotFound("there is no payout for this callback")
    if payout.status != PayoutStatus.PENDING.value:
        return
    status = read_status(body)
    if status is None:
        raise FlashError("the callback is not a transaction status result", code="malformed_result")
    rail = _mpesa_rail(ctx, payout)
    conversation = payout.conversation_id or status.conversation_id
    if (
        status.result_code != 0
        or status.transaction_status != COMPLETED
        or status.originator_conversation_id not in (None, payout.id)
        or (
            payout.conversation_id is not None
            and status.conversation_id not in (None, conversation)
        )
    ):
        log.info("payout_status_not_final", payout_id=payout.id, code=status.result_code)
        return
    if (
        conversation is None
        or status.receipt is None
        or not rail.amount_matches(payout.amount, status.amount)
    ):
        log.warning("payout_status_mismatch", payout_id=payout.id)
        raise ResultMismatch("this status is not this payout's")
    await resolve_payout(
        ctx,
        payout.id,
        PayoutStatus.SUCCEEDED,
        None,
        "0",
        conversation_id=conversation,
        transaction_id=status.receipt,
    )


async def query_stale(ctx: PayoutsContext) -> int:
    """Ask the provider about payouts whose result has not come within
    `payout_query_after_s`, again every as long; answer how many were asked about."""
    now = utcnow()
    every = timedelta(seconds=ctx.settings.payout_query_after_s)
    async with ctx.database.session() as session:
        repo = PayoutsRepository(session)
        due = list(await repo.due_for_status(now, now - SENDING_GRACE, SWEEP_BATCH))
        await repo.postpone_check([p.id for p in due], now + every)
    for payout in due:
        rail = ctx.rails.for_method(PayoutMethod(payout.method))
        try:
            outcome = await rail.query_status(
                payout,
                ctx.status_url(rail.provider, payout.id),
                ctx.timeout_url(rail.provider, payout.id),
            )
        except ProviderError as exc:
            log.info("payout_status_query_failed", payout_id=payout.id, error=type(exc).__name__)
            continue
        except OutcomeMismatch:
            log.warning("payout_status_mismatch", payout_id=payout.id)
            continue
        if outcome is not None:
            await apply_outcome(ctx, payout.id, outcome)
    return len(due)


async def handle_confirmed_callback(
    ctx: PayoutsContext, provider: str, token: str, body: Any
) -> None:
    """A callback from a provider that signs nothing and answers status queries at once
    (MoMo): on the payout's own URL it makes us ask the provider, whose answer is applied.
    A status that is not final changes nothing, whatever the callback claimed."""
    async with ctx.database.session() as session:
        payout = await PayoutsRepository(session).by_callback_token_hash(token_hash(token))
    if payout is None or payout.provider != provider:
        raise NotFound("there is no payout for this callback")
    if payout.status != PayoutStatus.PENDING.value:
        return  # a duplicate: the payout has ended already
    if not isinstance(body, dict):
        raise FlashError("the callback is not a transfer status", code="malformed_result")
    claimed = body.get("externalId")
    if claimed is not None and claimed != payout.id:
        log.warning("payout_result_mismatch", payout_id=payout.id)
        raise ResultMismatch("this callback names another payout")
    rail = ctx.rails.for_method(PayoutMethod(payout.method))
    url = ctx.result_url(rail.provider, payout.id)
    try:
        outcome = await rail.query_status(payout, url, url)
    except OutcomeMismatch:
        log.warning("payout_status_mismatch", payout_id=payout.id)
        raise ResultMismatch("the provider's answer is not this payout's") from None
    except ProviderError as exc:
        # Nothing is believed without the provider's word: the sweeper asks again later.
        log.info("payout_status_query_failed", payout_id=payout.id, error=type(exc).__name__)
        return
    if outcome is None:
        log.info("payout_status_not_final", payout_id=payout.id)
        return
    await apply_outcome(ctx, payout.id, outcome)


async def apply_outcome(ctx: PayoutsContext, payout_id: str, outcome: PayoutOutcome) -> bool:
    return await resolve_payout(
        ctx,
        payout_id,
        outcome.status,
        outcome.failure_code,
        outcome.provider_result,
        conversation_id=outcome.conversation_id,
        transaction_id=outcome.transaction_id,
    )


def _mpesa_rail(ctx: PayoutsContext, payout: PayoutRow) -> MpesaPayoutRail:
    """Daraja's result shapes are read by the M-Pesa rail only."""
    rail: PayoutRail = ctx.rails.for_method(PayoutMethod(payout.method))
    if not isinstance(rail, MpesaPayoutRail):
        raise ResultMismatch("this payout is not paid by M-Pesa")
    return rail


async def check_timeout_notice(ctx: PayoutsContext, provider: str, token: str) -> None:
    """A queue timeout says only that the provider has not processed the request yet:
    nothing changes (the amount stays held until the result comes)."""
    async with ctx.database.session() as session:
        payout = await PayoutsRepository(session).by_callback_token_hash(token_hash(token))
    if payout is None or payout.provider != provider:
        raise NotFound("there is no payout for this callback")
    log.info("payout_queue_timeout", payout_id=payout.id)


async def expire_unsent(ctx: PayoutsContext) -> int:
    """Fail, and release, payouts whose request never reached the provider and that nobody
    retried within `payout_unsent_expiry_s`; answer how many. Never sends anything."""
    cutoff = utcnow() - timedelta(seconds=ctx.settings.payout_unsent_expiry_s)
    async with ctx.database.session() as session:
        due = await PayoutsRepository(session).unsent_before(cutoff, SWEEP_BATCH)
    ended = 0
    for payout_id in due:
        ended += await resolve_payout(
            ctx,
            payout_id,
            PayoutStatus.FAILED,
            "provider_unavailable",
            None,
            only_if_unsent=True,
        )
    return ended
