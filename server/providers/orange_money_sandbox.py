"""The Orange Money sandbox: a local stand-in for WebPay, used without `FLASH_ORANGE_*` credentials.

A product feature (demos, training, rehearsing offline), not a test double. It
speaks the same `WebPayApi` as `OrangeWebPayClient`, so the payments domain runs
the very same code. `web_payment` opens a session whose `payment_url` is our own
sandbox page (`GET /pay/{id}/sandbox-orange`, `orange_money_sandbox_page.py`),
standing in for Orange's: the fan types a test phone number there (Orange's page
asks the same), the session is `PENDING` for `FLASH_ORANGE_SANDBOX_DELAY_S`
(about 2 s), then ends; the sandbox POSTs Orange's notification (`{status,
notif_token, txnid}`) to the `notif_url`, our own webhook, which changes nothing
until `transactionstatus` confirms it, exactly as with Orange. The fan's browser
goes to `return_url` meanwhile.

The outcome is chosen by the last four digits of the phone number, as in the
M-Pesa sandbox:

| phone ends in | the session                          | payment ends                              |
|---------------|--------------------------------------|-------------------------------------------|
| `0001`        | the fan cancels: sent to cancel_url  | `cancelled` (by `/pay/{id}/cancel`)       |
| `0002`        | `FAILED`                             | `failed`                                  |
| `0004`        | `EXPIRED` (the fan never confirmed)  | `expired`                                 |
| `0005`        | `SUCCESS`, notification lost         | `succeeded`, by the sweeper's query       |
| anything else | `SUCCESS`                            | `succeeded`                               |

Orange keeps the sessions, so the sandbox does too: each session, and the fan's answer
to it, is a line in `<data dir>/orange-money-sandbox.jsonl` (`sandbox_journal.py`). After
a server restart the page still takes the fan's answer and `transactionstatus` still
answers (at once with the outcome if its delay has passed), so the payments sweeper
settles a payment whose notification went with the process. A session left open for
`PAGE_LIFETIME_S` reads `EXPIRED`, as an abandoned Orange page does; one the sandbox
does not know (no data dir) reads by the creation time in its `pay_token`.
"""

import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from server.logs import get_logger
from server.providers.callback_client import Callbacks
from server.providers.errors import ProviderRefused
from server.providers.orange_money import TransactionStatus, WebPaymentStarted
from server.providers.sandbox_journal import SandboxJournal

log = get_logger("flash.orange_sandbox")

PREFIX = "SBXOM"
PAGE_PATH = "/sandbox-orange"  # beside the payment's return page: /pay/{id}/sandbox-orange
PAGE_LIFETIME_S = 600.0  # an open page nobody answers expires, as Orange's does
FORGET_AFTER_S = 86_400.0


@dataclass(frozen=True)
class SandboxOutcome:
    status: str  # the session's final status; "INITIATED" for a fan who cancelled
    cancels: bool = False  # the fan leaves through cancel_url
    notifies: bool = True


OUTCOMES: dict[str, SandboxOutcome] = {
    "0001": SandboxOutcome("INITIATED", cancels=True, notifies=False),
    "0002": SandboxOutcome("FAILED"),
    "0004": SandboxOutcome("EXPIRED"),
    "0005": SandboxOutcome("SUCCESS", notifies=False),
}
SUCCESS = SandboxOutcome("SUCCESS")


def outcome_for(phone: str) -> SandboxOutcome:
    return OUTCOMES.get(phone[-4:], SUCCESS)


@dataclass
class SandboxSession:
    pay_token: str
    order_id: str
    amount: int
    currency: str
    return_url: str
    cancel_url: str
    notif_url: str
    lang: str
    reference: str
    notif_token: str
    created: float
    outcome: SandboxOutcome | None = None  # set when the fan answers the page
    answered: float | None = None
    txnid: str | None = None

    @property
    def page_url(self) -> str:
        return f"{self.return_url.rstrip('/')}{PAGE_PATH}?pay_token={quote(self.pay_token)}"


class SandboxOrange:
    """Its journal is read and written in the event loop's thread: a line per session and
    per answer, as small as the page's own response (the page's calls are synchronous)."""

    def __init__(
        self,
        *,
        store: Path | None = None,
        delay_s: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.delay_s = delay_s
        self._clock = clock
        self._journal = SandboxJournal(store)
        self._known: dict[str, SandboxSession] | None = None
        self._callbacks = Callbacks(log)

    @property
    def _sessions(self) -> dict[str, SandboxSession]:
        if self._known is None:
            self._known = self._read()
        return self._known

    async def web_payment(
        self,
        *,
        order_id: str,
        amount: int,
        currency: str,
        return_url: str,
        cancel_url: str,
        notif_url: str,
        lang: str,
        reference: str,
    ) -> WebPaymentStarted:
        if amount < 1:
            raise ProviderRefused("400", "Invalid amount")
        if not order_id or len(order_id) > 64:
            raise ProviderRefused("400", "Invalid order_id")
        now = self._clock()
        self._forget_before(now - FORGET_AFTER_S)
        session = SandboxSession(
            pay_token=f"{PREFIX}{int(now * 1000)}x{secrets.token_hex(12)}",
            order_id=order_id,
            amount=amount,
            currency=currency,
            return_url=return_url,
            cancel_url=cancel_url,
            notif_url=notif_url,
            lang="fr" if lang == "fr" else "en",
            reference=reference,
            notif_token=secrets.token_hex(16),
            created=now,
        )
        self._sessions[session.pay_token] = session
        self._journal.append(asdict(session))
        return WebPaymentStarted(session.pay_token, session.page_url, session.notif_token)

    async def transaction_status(
        self, *, order_id: str, amount: int, pay_token: str
    ) -> TransactionStatus:
        session = self._sessions.get(pay_token)
        if session is None:
            created = _created_of(pay_token)
            if created is None:
                raise ProviderRefused("400", "Invalid pay_token")
            # Not journaled (a sandbox without a data dir): open until its page expires.
            expired = self._clock() >= created + PAGE_LIFETIME_S
            return TransactionStatus("EXPIRED" if expired else "INITIATED", None)
        if (session.order_id, session.amount) != (order_id, amount):
            raise ProviderRefused("400", "order_id and amount do not match this pay_token")
        return TransactionStatus(self._status(session), session.txnid)

    def session(self, pay_token: str) -> SandboxSession | None:
        return self._sessions.get(pay_token)

    def answer(self, pay_token: str, phone: str) -> SandboxSession:
        """The fan answered the sandbox page with a phone number; answer where the page sends
        them. Only the first answer counts, as a payment page is used once."""
        session = self._sessions[pay_token]
        if session.outcome is None and self._status(session) == "INITIATED":
            session.outcome = outcome_for(phone)
            session.answered = self._clock()
            if session.outcome.status == "SUCCESS":
                session.txnid = f"MP{secrets.token_hex(5).upper()}"
            self._journal.append(asdict(session))
            if session.outcome.notifies:
                # After the payer confirms on the phone, like Orange: once.
                self._callbacks.send_later(
                    self.delay_s,
                    "POST",
                    session.notif_url,
                    partial(notification_body, session),
                    undelivered="sandbox_notification_undelivered",
                )
        return session

    def leaves_through_cancel(self, session: SandboxSession) -> bool:
        return session.outcome is not None and session.outcome.cancels

    async def aclose(self) -> None:
        await self._callbacks.aclose()

    def _status(self, session: SandboxSession) -> str:
        now = self._clock()
        if session.outcome is None or session.outcome.cancels:
            return "EXPIRED" if now >= session.created + PAGE_LIFETIME_S else "INITIATED"
        assert session.answered is not None
        if now < session.answered + self.delay_s:
            return "PENDING"
        return session.outcome.status

    def _forget_before(self, moment: float) -> None:
        for token in [t for t, s in self._sessions.items() if s.created < moment]:
            del self._sessions[token]

    def _read(self) -> dict[str, SandboxSession]:
        """The sessions journaled, each as its last line left it, less those long forgotten."""
        found: dict[str, SandboxSession] = {}
        for record in self._journal.read():
            try:
                outcome = record.pop("outcome", None)
                session = SandboxSession(**record)
                session.outcome = SandboxOutcome(**outcome) if outcome is not None else None
            except TypeError:
                continue  # not a session of ours
            found[session.pay_token] = session
        oldest = self._clock() - FORGET_AFTER_S
        return {token: s for token, s in found.items() if s.created >= oldest}


def notification_body(session: SandboxSession) -> dict[str, Any]:
    """Orange's notification of an answered session: `{status, notif_token, txnid?}`."""
    assert session.outcome is not None
    body: dict[str, Any] = {"status": session.outcome.status, "notif_token": session.notif_token}
    if session.txnid is not None:
        body["txnid"] = session.txnid
    return body


def _created_of(pay_token: str) -> float | None:
    if not pay_token.startswith(PREFIX):
        return None
    millis, _, rest = pay_token[len(PREFIX) :].partition("x")
    return int(millis) / 1000 if millis.isdigit() and rest else None
