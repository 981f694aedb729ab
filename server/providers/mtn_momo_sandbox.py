"""The MTN MoMo sandbox: a local MoMo Collections, used without `FLASH_MOMO_*` credentials.

A product feature (demos, training, rehearsing offline), not a test double. It
speaks the same `CollectionApi` as `MomoCollections`, so the payments domain
runs the very same code. Like MoMo's own sandbox environment (`X-Target-Environment:
sandbox`) it takes EUR only and insists on a UUID v4 reference; a reference used
twice is accepted once. The request stays `PENDING` for
`FLASH_MOMO_SANDBOX_DELAY_S` (about 2 s); then the sandbox PUTs MoMo's callback
body to the request's callback URL, our own webhook, which changes nothing until
the sandbox's status query confirms it, exactly as with MoMo.

The outcome is chosen by the last four digits of the payer's phone number:

| phone ends in | status, reason              | payment ends | why                                 |
|---------------|-----------------------------|--------------|-------------------------------------|
| `0001`        | FAILED, `APPROVAL_REJECTED` | `cancelled`  | the payer rejected the prompt       |
| `0002`        | FAILED, `NOT_ENOUGH_FUNDS`  | `failed`     | not enough MoMo balance             |
| `0003`        | FAILED, `PAYER_NOT_FOUND`   | `failed`     | the number has no MoMo account      |
| `0004`        | FAILED, `EXPIRED`           | `expired`    | the phone never answered            |
| `0005`        | SUCCESSFUL                  | `succeeded`  | callback lost: the sweeper settles  |
| anything else | SUCCESSFUL                  | `succeeded`  |                                     |

MoMo keeps the requests, so the sandbox does too: each one is a line in
`<data dir>/momo-sandbox.jsonl` (`sandbox_journal.py`), and a status query still
answers after a server restart (only an undelivered callback is lost, as it can be
with MoMo).
"""

import asyncio
import re
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
from server.providers.mtn_momo import RequestToPay, RequestToPayStatus, is_reference_id
from server.providers.sandbox_journal import SandboxJournal

log = get_logger("flash.momo_sandbox")

SANDBOX_CURRENCY = "EUR"
AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
MSISDN = re.compile(r"^\d{8,15}$")


@dataclass(frozen=True)
class SandboxOutcome:
    status: str
    reason: str | None = None
    sends_callback: bool = True


OUTCOMES: dict[str, SandboxOutcome] = {
    "0001": SandboxOutcome("FAILED", "APPROVAL_REJECTED"),
    "0002": SandboxOutcome("FAILED", "NOT_ENOUGH_FUNDS"),
    "0003": SandboxOutcome("FAILED", "PAYER_NOT_FOUND"),
    "0004": SandboxOutcome("FAILED", "EXPIRED"),
    "0005": SandboxOutcome("SUCCESSFUL", sends_callback=False),
}
SUCCESS = SandboxOutcome("SUCCESSFUL")


def outcome_for(msisdn: str) -> SandboxOutcome:
    return OUTCOMES.get(msisdn[-4:], SUCCESS)


@dataclass(frozen=True)
class _Stored:
    reference_id: str
    requested_at: float
    amount: str
    currency: str
    external_id: str
    payer_msisdn: str
    payer_message: str
    payee_note: str
    financial_transaction_id: str


class SandboxMomo:
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
        self._requests: dict[str, _Stored] | None = None
        self._lock = asyncio.Lock()
        self._callbacks = Callbacks(log)

    async def request_to_pay(self, request: RequestToPay) -> None:
        if not is_reference_id(request.reference_id):
            raise ProviderRefused("INVALID_REFERENCE_ID", "X-Reference-Id must be a UUID v4")
        if request.currency != SANDBOX_CURRENCY:
            raise ProviderRefused("INVALID_CURRENCY", "the sandbox environment takes EUR only")
        if not AMOUNT.fullmatch(request.amount) or float(request.amount) <= 0:
            raise ProviderRefused("INVALID_AMOUNT", "amount must be a positive number")
        if not MSISDN.fullmatch(request.payer_msisdn):
            raise ProviderRefused("PAYER_NOT_FOUND", "the payer's MSISDN is not valid")
        async with self._lock:
            requests = await self._loaded()
            if request.reference_id in requests:
                return  # MoMo's 409 for a reference used before: nothing new is created
            stored = _Stored(
                reference_id=request.reference_id,
                requested_at=self._clock(),
                amount=request.amount,
                currency=request.currency,
                external_id=request.external_id,
                payer_msisdn=request.payer_msisdn,
                payer_message=request.payer_message,
                payee_note=request.payee_note,
                financial_transaction_id=str(secrets.randbelow(10**9)),
            )
            requests[stored.reference_id] = stored
            await asyncio.to_thread(self._journal.append, asdict(stored))
        outcome = outcome_for(stored.payer_msisdn)
        if outcome.sends_callback:
            # After a payer's while, like MoMo: a PUT, once, no retries.
            self._callbacks.send_later(
                self._delay_s,
                "PUT",
                request.callback_url,
                partial(callback_body, stored, outcome),
                undelivered="sandbox_callback_undelivered",
                reference=stored.reference_id,
            )

    async def request_to_pay_status(self, reference_id: str) -> RequestToPayStatus:
        async with self._lock:
            stored = (await self._loaded()).get(reference_id)
        if stored is None:
            raise ProviderRefused("RESOURCE_NOT_FOUND", "Requested resource was not found.")
        if self._clock() < stored.requested_at + self._delay_s:
            return _status(stored, SandboxOutcome("PENDING"))
        return _status(stored, outcome_for(stored.payer_msisdn))

    async def aclose(self) -> None:
        await self._callbacks.aclose()

    async def _loaded(self) -> dict[str, _Stored]:
        if self._requests is None:
            self._requests = await asyncio.to_thread(self._read)
        return self._requests

    def _read(self) -> dict[str, _Stored]:
        found: dict[str, _Stored] = {}
        for record in self._journal.read():
            try:
                stored = _Stored(**record)
            except TypeError:
                continue  # not a request of ours
            found[stored.reference_id] = stored
        return found


def _status(stored: _Stored, outcome: SandboxOutcome) -> RequestToPayStatus:
    succeeded = outcome.status == "SUCCESSFUL"
    return RequestToPayStatus(
        status=outcome.status,
        reason=outcome.reason,
        financial_transaction_id=stored.financial_transaction_id if succeeded else None,
        amount=stored.amount,
        currency=stored.currency,
        external_id=stored.external_id,
    )


def callback_body(stored: _Stored, outcome: SandboxOutcome) -> dict[str, Any]:
    """MoMo's callback: the status answer's shape, with the reason only when it failed."""
    body: dict[str, Any] = {
        "financialTransactionId": stored.financial_transaction_id,
        "externalId": stored.external_id,
        "amount": stored.amount,
        "currency": stored.currency,
        "payer": {"partyIdType": "MSISDN", "partyId": stored.payer_msisdn},
        "payerMessage": stored.payer_message,
        "payeeNote": stored.payee_note,
        "status": outcome.status,
    }
    if outcome.reason is not None:
        body["reason"] = outcome.reason
    return body
