"""The MTN MoMo Disbursements sandbox: a local stand-in for MoMo transfers, used without the
`FLASH_MOMO_DISBURSEMENT_*` settings.

A product feature (demos, training), not a test double. It speaks `DisbursementApi`, so
the payouts domain runs the very same code as with MoMo. Like MoMo's sandbox environment
it takes EUR only, insists on a UUID v4 reference and accepts a reference used twice
once. The transfer stays `PENDING` for `FLASH_MOMO_SANDBOX_DELAY_S`; then the sandbox
PUTs MoMo's callback body to the payout's callback URL, which changes nothing until the
sandbox's status answer confirms it, exactly as with MoMo.

The outcome is chosen by the last four digits of the payee's phone, by the same rule as
the collections sandbox (`mtn_momo_sandbox.py`), with a disbursement's reasons:

| phone ends in | status, reason                    | payout ends | failure code                  |
|---------------|-----------------------------------|-------------|-------------------------------|
| `0001`        | FAILED, `NOT_ALLOWED`             | `failed`    | `provider_declined`           |
| `0002`        | FAILED, `NOT_ENOUGH_FUNDS`        | `failed`    | `provider_insufficient_funds` |
| `0003`        | FAILED, `PAYEE_NOT_FOUND`         | `failed`    | `recipient_unregistered`      |
| `0004`        | FAILED, `INTERNAL_PROCESSING_ERROR` | `failed`  | `provider_declined`           |
| `0005`        | SUCCESSFUL, callback lost         | `succeeded` | (the sweeper's query settles) |
| anything else | SUCCESSFUL                        | `succeeded` |                               |

MoMo keeps the transfers, so the sandbox does too: each one is a line in
`<data dir>/momo-disbursement-sandbox.jsonl` (`sandbox_journal.py`), and a status query
still answers after a server restart (at once with the outcome if its delay has passed),
so the payouts sweeper settles a payout whose callback was lost with the process. The
callback URL is not kept: it holds the payout's callback token.
"""

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from server.logs import get_logger
from server.providers.callback_client import Callbacks
from server.providers.errors import ProviderRefused
from server.providers.mtn_momo import is_reference_id
from server.providers.mtn_momo_disbursement import NOT_FOUND, Transfer, TransferStatus
from server.providers.mtn_momo_sandbox import (
    AMOUNT,
    MSISDN,
    SANDBOX_CURRENCY,
    SUCCESS,
    SandboxOutcome,
)
from server.providers.sandbox_journal import SandboxJournal

log = get_logger("flash.momo_disbursement_sandbox")

OUTCOMES: dict[str, SandboxOutcome] = {
    "0001": SandboxOutcome("FAILED", "NOT_ALLOWED"),
    "0002": SandboxOutcome("FAILED", "NOT_ENOUGH_FUNDS"),
    "0003": SandboxOutcome("FAILED", "PAYEE_NOT_FOUND"),
    "0004": SandboxOutcome("FAILED", "INTERNAL_PROCESSING_ERROR"),
    "0005": SandboxOutcome("SUCCESSFUL", sends_callback=False),
}


def transfer_outcome_for(msisdn: str) -> SandboxOutcome:
    return OUTCOMES.get(msisdn[-4:], SUCCESS)


@dataclass(frozen=True)
class _Sent:
    transfer: Transfer
    sent_at: float
    financial_transaction_id: str


class SandboxMomoDisbursement:
    def __init__(
        self,
        *,
        store: Path | None = None,
        delay_s: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._journal = SandboxJournal(store)
        self._delay_s = delay_s
        self._clock = clock
        self._callbacks = Callbacks(log)
        self._sent: dict[str, _Sent] | None = None
        self._lock = asyncio.Lock()

    async def transfer(self, transfer: Transfer) -> None:
        if not is_reference_id(transfer.reference_id):
            raise ProviderRefused("INVALID_REFERENCE_ID", "X-Reference-Id must be a UUID v4")
        if transfer.currency != SANDBOX_CURRENCY:
            raise ProviderRefused("INVALID_CURRENCY", "the sandbox environment takes EUR only")
        if not AMOUNT.fullmatch(transfer.amount) or float(transfer.amount) <= 0:
            raise ProviderRefused("INVALID_AMOUNT", "amount must be a positive number")
        if not MSISDN.fullmatch(transfer.payee_msisdn):
            raise ProviderRefused("PAYEE_NOT_FOUND", "the payee's MSISDN is not valid")
        async with self._lock:
            sent_before = await self._loaded()
            if transfer.reference_id in sent_before:
                return  # MoMo's 409 for a reference used before: nothing new is created
            sent = _Sent(transfer, self._clock(), str(secrets.randbelow(10**9)))
            sent_before[transfer.reference_id] = sent
            await asyncio.to_thread(self._journal.append, _record(sent))
        outcome = transfer_outcome_for(transfer.payee_msisdn)
        if outcome.sends_callback:
            self._callbacks.send_later(
                self._delay_s,
                "PUT",
                transfer.callback_url,
                partial(callback_body, sent, outcome),
                undelivered="sandbox_transfer_callback_undelivered",
                reference=transfer.reference_id,
            )

    async def transfer_status(self, reference_id: str) -> TransferStatus:
        async with self._lock:
            sent = (await self._loaded()).get(reference_id)
        if sent is None:
            raise ProviderRefused(NOT_FOUND, "Requested resource was not found.")
        if self._clock() < sent.sent_at + self._delay_s:
            return _status(sent, SandboxOutcome("PENDING"))
        return _status(sent, transfer_outcome_for(sent.transfer.payee_msisdn))

    async def aclose(self) -> None:
        await self._callbacks.aclose()

    async def _loaded(self) -> dict[str, _Sent]:
        if self._sent is None:
            self._sent = await asyncio.to_thread(self._read)
        return self._sent

    def _read(self) -> dict[str, _Sent]:
        found: dict[str, _Sent] = {}
        for record in self._journal.read():
            try:
                sent = _Sent(
                    Transfer(**record["transfer"], callback_url=""),
                    float(record["sent_at"]),
                    str(record["financial_transaction_id"]),
                )
            except (KeyError, TypeError, ValueError):
                continue  # not a transfer of ours
            found[sent.transfer.reference_id] = sent
        return found


def _record(sent: _Sent) -> dict[str, Any]:
    """A journal line: the transfer without its callback URL (it holds the payout's token)."""
    transfer = asdict(sent.transfer)
    del transfer["callback_url"]
    return {
        "transfer": transfer,
        "sent_at": sent.sent_at,
        "financial_transaction_id": sent.financial_transaction_id,
    }


def _status(sent: _Sent, outcome: SandboxOutcome) -> TransferStatus:
    succeeded = outcome.status == "SUCCESSFUL"
    return TransferStatus(
        status=outcome.status,
        reason=outcome.reason,
        financial_transaction_id=sent.financial_transaction_id if succeeded else None,
        amount=sent.transfer.amount,
        currency=sent.transfer.currency,
        external_id=sent.transfer.external_id,
    )


def callback_body(sent: _Sent, outcome: SandboxOutcome) -> dict[str, Any]:
    """MoMo's transfer callback: the status answer's shape, the reason only when it failed."""
    transfer = sent.transfer
    body: dict[str, Any] = {
        "financialTransactionId": sent.financial_transaction_id,
        "externalId": transfer.external_id,
        "amount": transfer.amount,
        "currency": transfer.currency,
        "payee": {"partyIdType": "MSISDN", "partyId": transfer.payee_msisdn},
        "payerMessage": transfer.payer_message,
        "payeeNote": transfer.payee_note,
        "status": outcome.status,
    }
    if outcome.reason is not None:
        body["reason"] = outcome.reason
    return body
