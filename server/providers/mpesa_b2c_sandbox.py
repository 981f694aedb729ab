"""The M-Pesa B2C sandbox: a local stand-in for Daraja's payouts, used without the
`FLASH_MPESA_B2C_*` settings (or without the consumer key and secret).

A product feature (demos, training), not a test double. It speaks `B2CApi`, so the
payouts domain runs the very same code as with Daraja: the request is accepted at
once with a `ConversationID`; after `FLASH_MPESA_SANDBOX_DELAY_S` the sandbox POSTs
Daraja's result body (`Result` with `ResultParameters`) to the payout's ResultURL,
where it is checked exactly as Daraja's would be. A Transaction Status query about a
payout it sent is answered the same way, to the query's ResultURL.

Daraja keeps the payouts, so the sandbox does too: each one is a line in
`<data dir>/mpesa-b2c-sandbox.jsonl` (`sandbox_journal.py`). After a server restart a
status query still answers, and the first one about a payout whose result went with the
process also sends that result (now, or when its delay has passed), as Daraja would
have: the payouts sweeper's query settles it, failed or paid. The line keeps the
ResultURL, as Daraja does; the file lives in the server's data dir beside its database.

The outcome is chosen by the last four digits of the recipient's phone, in the
spirit of the payments sandbox (`mpesa_sandbox.py`):

| phone ends in | ResultCode | payout ends | why                                             |
|---------------|------------|-------------|-------------------------------------------------|
| `0001`        | 2040       | `failed`    | the number is not a registered M-Pesa customer  |
| `0002`        | 1          | `failed`    | the platform's payout account is short of funds |
| `0003`        | 2001       | `failed`    | the initiator's credentials were refused        |
| anything else | 0          | `succeeded` |                                                 |
"""

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from server.logs import get_logger
from server.providers.callback_client import Callbacks
from server.providers.errors import ProviderRefused
from server.providers.mpesa import NAIROBI
from server.providers.mpesa_b2c import B2CAccepted
from server.providers.sandbox_journal import SandboxJournal

log = get_logger("flash.mpesa_b2c_sandbox")

SUCCESS_DESC = "The service request is processed successfully."


@dataclass(frozen=True)
class SandboxPayoutOutcome:
    result_code: int
    result_desc: str


OUTCOMES: dict[str, SandboxPayoutOutcome] = {
    "0001": SandboxPayoutOutcome(
        2040,
        "Credit Party customer type (Unregistered or Registered Customer) "
        "can't be supported by the service.",
    ),
    "0002": SandboxPayoutOutcome(1, "The balance is insufficient for the transaction."),
    "0003": SandboxPayoutOutcome(2001, "The initiator information is invalid."),
}
SUCCESS = SandboxPayoutOutcome(0, SUCCESS_DESC)


def payout_outcome_for(phone: str) -> SandboxPayoutOutcome:
    return OUTCOMES.get(phone[-4:], SUCCESS)


@dataclass(frozen=True)
class _Sent:
    originator_conversation_id: str
    conversation_id: str
    phone: str
    amount: int
    transaction_id: str
    result_url: str
    sent_at: float


class SandboxMpesaB2C:
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
        self._resulting: set[str] = set()  # payouts whose result this start sends
        self._lock = asyncio.Lock()

    async def send(
        self,
        *,
        originator_conversation_id: str,
        phone: str,
        amount: int,
        remarks: str,
        result_url: str,
        timeout_url: str,
    ) -> B2CAccepted:
        if not (phone.isdigit() and phone.startswith("254") and len(phone) == 12):
            raise ProviderRefused("400.002.02", "Bad Request - Invalid PartyB")
        if amount < 10:
            raise ProviderRefused("400.002.02", "Bad Request - Invalid Amount")
        now = self._clock()
        sent = _Sent(
            originator_conversation_id=originator_conversation_id,
            conversation_id=f"AG_{int(now)}_SBX{secrets.token_hex(8)}",
            phone=phone,
            amount=amount,
            transaction_id="SBX" + secrets.token_hex(4).upper(),
            result_url=result_url,
            sent_at=now,
        )
        async with self._lock:
            (await self._loaded())[originator_conversation_id] = sent
            await asyncio.to_thread(self._journal.append, asdict(sent))
            self._resulting.add(originator_conversation_id)
        self._later(self._delay_s, result_url, partial(_result_of, sent))
        return B2CAccepted(
            conversation_id=sent.conversation_id,
            originator_conversation_id=originator_conversation_id,
        )

    async def query_status(
        self, *, originator_conversation_id: str, result_url: str, timeout_url: str
    ) -> None:
        async with self._lock:
            sent = (await self._loaded()).get(originator_conversation_id)
            if sent is None:
                return  # not one of ours: it stays unknown, as a lost result
            resend = originator_conversation_id not in self._resulting
            self._resulting.add(originator_conversation_id)
        if resend:
            # Sent before a restart, whose result went with the process: Daraja would have
            # sent it anyway, so it is sent now (or when its delay has passed). Once more
            # than needed changes nothing: a duplicate result is ignored.
            due = max(0.0, sent.sent_at + self._delay_s - self._clock())
            self._later(due, sent.result_url, partial(_result_of, sent))
        outcome = payout_outcome_for(sent.phone)
        body = status_body(sent.conversation_id, originator_conversation_id, outcome, sent.amount)
        self._later(self._delay_s, result_url, lambda: body)

    def _later(self, delay_s: float, url: str, body: Callable[[], dict[str, Any]]) -> None:
        """Call back like Daraja does: once, without retries."""
        self._callbacks.send_later(
            delay_s, "POST", url, body, undelivered="sandbox_b2c_result_undelivered"
        )

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
                sent = _Sent(**record)
            except TypeError:
                continue  # not a payout of ours
            found[sent.originator_conversation_id] = sent
        return found


def _result_of(sent: _Sent) -> dict[str, Any]:
    outcome = payout_outcome_for(sent.phone)
    return result_body(
        sent.conversation_id,
        sent.originator_conversation_id,
        outcome,
        sent.amount,
        sent.phone,
        sent.transaction_id,
    )


def result_body(
    conversation: str,
    originator: str,
    outcome: SandboxPayoutOutcome,
    amount: int,
    phone: str,
    transaction_id: str,
) -> dict[str, Any]:
    """Daraja's B2C result shape; the parameters only when the money went (completed now)."""
    result: dict[str, Any] = {
        "ResultType": 0,
        "ResultCode": outcome.result_code,
        "ResultDesc": outcome.result_desc,
        "OriginatorConversationID": originator,
        "ConversationID": conversation,
        "TransactionID": transaction_id,
    }
    if outcome.result_code == 0:
        completed = datetime.now(NAIROBI).strftime("%d.%m.%Y %H:%M:%S")
        result["ResultParameters"] = {
            "ResultParameter": [
                {"Key": "TransactionAmount", "Value": amount},
                {"Key": "TransactionReceipt", "Value": result["TransactionID"]},
                {"Key": "B2CRecipientIsRegisteredCustomer", "Value": "Y"},
                {"Key": "ReceiverPartyPublicName", "Value": f"{phone} - Sandbox Creator"},
                {"Key": "TransactionCompletedDateTime", "Value": completed},
            ]
        }
    return {"Result": result}


def status_body(
    conversation: str, originator: str, outcome: SandboxPayoutOutcome, amount: int
) -> dict[str, Any]:
    """Daraja's Transaction Status result about one of our payouts."""
    parameters = [
        {"Key": "OriginatorConversationID", "Value": originator},
        {"Key": "ConversationID", "Value": conversation},
        {
            "Key": "TransactionStatus",
            "Value": "Completed" if outcome.result_code == 0 else "Failed",
        },
        {"Key": "Amount", "Value": amount},
        {"Key": "ReceiptNo", "Value": "SBX" + secrets.token_hex(4).upper()},
        {"Key": "ReasonType", "Value": "Business Payment to Customer via API"},
    ]
    return {
        "Result": {
            "ResultType": 0,
            "ResultCode": 0,
            "ResultDesc": SUCCESS_DESC,
            "OriginatorConversationID": f"SBX-Q-{secrets.token_hex(4)}",
            "ConversationID": f"AG_SBX_Q_{secrets.token_hex(6)}",
            "TransactionID": "SBX" + secrets.token_hex(4).upper(),
            "ResultParameters": {"ResultParameter": parameters},
        }
    }
