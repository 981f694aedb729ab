"""A Hypothesis state machine over the money flows, against the real app over HTTP.

Tips, tickets and monthly subscriptions by M-Pesa (a local Daraja that holds every
callback until a rule delivers it), card tips by a local Stripe (events sent when a
rule says), refunds
(paid, refused, or held while Stripe is down), M-Pesa B2C payouts that succeed or
fail, duplicate and out-of-order callbacks, callbacks lost until a restart's sweep
queries them, replayed Idempotency-Keys, and requests that must be refused.
The machine keeps its own model of what the creator has earned and, after every
step, holds the server to it: `ledger verify` passes, every entry sums to zero,
no balance is negative, nothing resolves twice, and `GET /earnings/summary`
equals the model. Each member's paid months are modelled too: one per succeeded
subscription payment, taken back when it is refunded in full, and the DB's months
and `GET /subscriptions` must agree. Subscriptions are paid by M-Pesa only here
(card subscriptions are tested on their own): M-Pesa cannot refund, so a refund of
a subscription is always refused (422) and its month stays; the taking back of a
refunded card month is tested in `test_subscription_refunds`.
"""

import asyncio
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from server.config import Settings
from server.contract.subscriptions import monthly_price
from server.ledger.verify import LedgerReport, render, verify_ledger
from server.payments.audit import audit_payments
from server.payments.memberships import MONTH, is_member
from server.payments.models import MembershipMonthRow, MembershipRow
from server.payouts.audit import audit_payouts
from tests.support.fake_daraja import (
    B2C_CREDENTIAL,
    B2C_INITIATOR,
    B2C_SHORTCODE,
    FakeDaraja,
)
from tests.support.fake_stripe import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
)
from tests.support.live_server import LiveServer, serve
from tests.support.payments import (
    bearer,
    daraja_settings,
    guest_token,
    register,
    serve_money_app,
)

FEE_BPS = 1_250  # not a round 10 %: the fee's floor matters for odd amounts
TICKET_PRICE = 50_000  # KES 500.00
MONTH_PRICE = monthly_price("KES")  # one month of membership
MPESA_MAX = 250_000 * 100
PAYOUT_MIN, PAYOUT_MAX = 10 * 100, 150_000 * 100
PAID_CARD, DECLINED_CARD = "4242424242424242", "4000000000009995"

# Daraja's STK result codes → (our status, our failure code).
STK_OUTCOMES: dict[int, tuple[str, str | None]] = {
    0: ("succeeded", None),
    1032: ("cancelled", "payer_cancelled"),
    1037: ("expired", "payer_timeout"),
    1: ("failed", "insufficient_funds"),
}
B2C_FAILURE = 2040  # "Credit Party customer type": recipient_unregistered

# (method, kind, amount) the server must refuse with 422, writing nothing.
INVALID_PAYMENTS = st.one_of(
    st.integers(1, 999).map(lambda a: ("mpesa", "tip", a)),  # below KES 10
    st.integers(10, 5_000).flatmap(  # not whole shillings
        lambda s: st.integers(1, 99).map(lambda c: ("mpesa", "tip", s * 100 + c))
    ),
    st.integers(MPESA_MAX + 1, 10**12).map(lambda a: ("mpesa", "tip", a)),
    st.integers(-(10**6), 0).map(lambda a: ("mpesa", "tip", a)),
    st.integers(1, 99).map(lambda a: ("card", "tip", a)),  # below USD 1
    st.integers(1, 10**6)
    .filter(lambda a: a != TICKET_PRICE)
    .map(lambda a: ("mpesa", "ticket", a)),  # not the ticket's price
    st.integers(10, 5_000)
    .map(lambda s: s * 100)
    .filter(lambda a: a != MONTH_PRICE)
    .map(lambda a: ("mpesa", "subscription", a)),  # not a month's price
)


@dataclass
class World:
    """What outlives one example: the fakes, the database and the (restartable) server."""

    settings: Settings
    daraja: FakeDaraja
    stripe: FakeStripe
    stack: ExitStack = field(default_factory=ExitStack)
    server: LiveServer | None = None
    client: httpx.Client | None = None
    phones: int = 0
    members: list[tuple[str, str]] = field(default_factory=list)  # fan accounts: (id, token)
    # The checks read the database through one engine on one loop of their own: an engine
    # per check per step made the run twice as long.
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    engine: AsyncEngine | None = None

    def sql(self, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        async def run() -> list[tuple[Any, ...]]:
            if self.engine is None:
                self.engine = create_async_engine(self.settings.resolved_database_url)
            async with self.engine.connect() as conn:
                result = await conn.execute(text(statement), params)
                return [tuple(row) for row in result.all()]

        return self.loop.run_until_complete(run())

    def months_of(self, creator_id: str) -> dict[str, tuple[int, int, Any, Any, bool]]:
        """member id → (months, whole months, first month's start, paid until, `is_member`)
        of the creator's memberships, read through the ORM (real datetimes on both)."""

        async def run() -> dict[str, tuple[int, int, Any, Any, bool]]:
            if self.engine is None:
                self.engine = create_async_engine(self.settings.resolved_database_url)
            async with AsyncSession(self.engine) as session:
                rows = await session.execute(
                    select(
                        MembershipRow.member_id,
                        MembershipMonthRow.starts_at,
                        MembershipMonthRow.ends_at,
                        MembershipRow.paid_until,
                    )
                    .join(MembershipMonthRow, MembershipMonthRow.membership_id == MembershipRow.id)
                    .where(MembershipRow.creator_id == creator_id)
                )
                found: dict[str, tuple[int, int, Any, Any]] = {}
                for member, starts, ends, until in rows.all():
                    months, whole, first, _ = found.get(member, (0, 0, starts, until))
                    whole += ends - starts == MONTH
                    found[member] = (months + 1, whole, min(first, starts), until)
                return {
                    member: (*months, await is_member(session, member, creator_id))
                    for member, months in found.items()
                }

        return self.loop.run_until_complete(run())

    def verify(self) -> LedgerReport:
        """What `flash-server ledger verify` checks: the ledger's rules and both audits."""

        async def run() -> LedgerReport:
            if self.engine is None:
                self.engine = create_async_engine(self.settings.resolved_database_url)
            async with AsyncSession(self.engine) as session:
                report = await verify_ledger(session)
                for audit in (audit_payments, audit_payouts):
                    await audit(session, report)
                await session.rollback()
            return report

        return self.loop.run_until_complete(run())

    def close(self) -> None:
        self.stack.close()
        if self.engine is not None:
            self.loop.run_until_complete(self.engine.dispose())
        self.loop.close()

    def start(self) -> None:
        self.server = self.stack.enter_context(serve_money_app(self.settings))
        self.client = self.stack.enter_context(self.server.client())

    def restart(self) -> None:
        """Stop and start the app on the same port and database: the start-up sweep asks
        the providers about every pending payment."""
        self.stack.close()
        self.stack = ExitStack()
        self.start()

    def http(self) -> httpx.Client:
        assert self.client is not None
        return self.client

    def next_phone(self) -> tuple[str, str]:
        """A phone number no other payment or payout used: the fakes choose by number."""
        self.phones += 1
        digits = f"7{self.phones:08d}"
        return f"+254{digits}", f"254{digits}"


@dataclass
class PaymentModel:
    key: str
    body: dict[str, Any]
    first_answer: bytes
    payer: str  # the payer's token
    method: str
    amount: int
    currency: str
    fee: int
    outcome: str  # the status it ends with once its provider's answer arrives
    failure: str | None  # and its failure code
    status: str = "pending"
    answered: bool = False  # the M-Pesa payer has answered, or the card was confirmed
    provider_ref: str = ""  # Daraja's CheckoutRequestID or Stripe's intent id
    event: bytes | None = None  # the Stripe event last sent, to send again
    swept: bool = False  # a start-up sweep asked about it: the next sweep is an hour away
    refunded: int = 0


@dataclass
class PayoutModel:
    key: str
    body: dict[str, Any]
    first_answer: bytes
    amount: int
    outcome: str
    failure: str | None
    conversation_id: str
    status: str = "pending"


@dataclass
class RefundModel:
    key: str
    payment_id: str
    body: dict[str, Any] | None
    first_answer: bytes | None  # None: Stripe was down, the refund is held until a retry


def money_machine(world: World) -> type[RuleBasedStateMachine]:
    class MoneyMachine(RuleBasedStateMachine):
        """One creator per example (so the summary is this example's alone), two guest
        fans, two fan accounts who may subscribe (shared by all examples: each example's
        creator has its own memberships), and a ticketed stream."""

        def __init__(self) -> None:
            super().__init__()
            client = world.http()
            self.creator_id, self.creator = register(client)
            self.fans = [guest_token(client, f"Fan {n}") for n in range(2)]
            if not world.members:
                world.members = [register(client, role="fan") for _ in range(2)]
            self.members = list(world.members)
            self.members_listed: dict[str, tuple[int, int]] | None = None  # as last asked
            created = client.post(
                "/streams",
                json={
                    "title": "Concert live",
                    "visibility": "ticketed",
                    "price": {"amount": TICKET_PRICE, "currency": "KES"},
                },
                headers=bearer(self.creator),
            )
            assert created.status_code == 201, created.text
            self.stream_id: str = created.json()["id"]
            self.payments: dict[str, PaymentModel] = {}
            self.tickets: dict[str, str] = {}  # payment id → the payer's token
            self.payouts: dict[str, PayoutModel] = {}
            self.refunds: list[RefundModel] = []

        # --- the model ----------------------------------------------------------------

        def expected_totals(self) -> dict[str, dict[str, int]]:
            totals: dict[str, dict[str, int]] = {}

            def slot(currency: str) -> dict[str, int]:
                zero = {"gross": 0, "fees": 0, "net": 0, "available": 0, "pending": 0}
                return totals.setdefault(currency, {**zero, "paid_out": 0})

            for p in self.payments.values():
                if p.status == "succeeded":
                    s = slot(p.currency)
                    # Refunds give the fee back in proportion, floored on the running total.
                    fees = p.fee - p.refunded * p.fee // p.amount
                    s["gross"] += p.amount - p.refunded
                    s["fees"] += fees
                    s["net"] += p.amount - p.refunded - fees
                    s["available"] += p.amount - p.refunded - fees
                elif p.status == "pending":
                    slot(p.currency)["pending"] += p.amount - p.fee
            for o in self.payouts.values():
                s = slot("KES")
                if o.status in ("pending", "succeeded"):
                    s["available"] -= o.amount
                if o.status == "succeeded":
                    s["paid_out"] += o.amount
            return totals

        def paid_months(self) -> dict[str, tuple[int, int]]:
            """member id → (months granted, months still whole): one month per succeeded
            subscription payment, taken back once the payment is refunded in full."""
            ids = {token: member_id for member_id, token in self.members}
            months: dict[str, tuple[int, int]] = {}
            for p in self.payments.values():
                if p.body["kind"] == "subscription" and p.status == "succeeded":
                    granted, whole = months.get(ids[p.payer], (0, 0))
                    months[ids[p.payer]] = (granted + 1, whole + (p.refunded < p.amount))
            return months

        def available(self, currency: str) -> int:
            return self.expected_totals().get(currency, {}).get("available", 0)

        def counts(self) -> tuple[Any, ...]:
            rows = world.sql(
                "SELECT (SELECT COUNT(*) FROM payments), (SELECT COUNT(*) FROM ledger_entries),"
                " (SELECT COUNT(*) FROM payouts), (SELECT COUNT(*) FROM refunds)",
            )
            return rows[0]

        def pick(self, ids: list[str], index: int) -> str:
            # In creation order: ids are random, so sorting them would make a replayed
            # sequence pick another payment (Hypothesis reports that as flaky).
            return ids[index % len(ids)]

        def open_payments(self, method: str) -> list[str]:
            return [
                pid for pid, p in self.payments.items() if p.method == method and not p.answered
            ]

        # --- payments -----------------------------------------------------------------

        def _pay(
            self,
            payer: str,
            body: dict[str, Any],
            outcome: tuple[str, str | None],
            kind: str = "tip",
        ) -> str | None:
            key = uuid.uuid4().hex
            headers = {**bearer(payer), "Idempotency-Key": key}
            before = self.counts()
            answer = world.http().post("/payments", json=body, headers=headers)
            if kind == "ticket" and any(
                self.payments[pid].status == "succeeded" and token == payer
                for pid, token in self.tickets.items()
            ):
                assert answer.status_code == 409, answer.text
                assert answer.json()["error"]["code"] == "ticket_already_held"
                assert self.counts() == before
                return None
            assert answer.status_code == 201, answer.text
            created = answer.json()
            assert (created["status"], created["amount"]) == ("pending", body["amount"])
            fee = body["amount"] * FEE_BPS // 10_000
            assert created["fee"] == fee
            self.payments[created["id"]] = PaymentModel(
                key=key,
                body=body,
                first_answer=answer.content,
                payer=payer,
                method=body["method"],
                amount=body["amount"],
                currency=body["currency"],
                fee=fee,
                outcome=outcome[0],
                failure=outcome[1],
            )
            return str(created["id"])

        @rule(
            spec=st.one_of(
                st.tuples(
                    st.just("mpesa_tip"),
                    st.integers(10, 5_000),
                    st.sampled_from(sorted(STK_OUTCOMES)),
                    st.booleans(),
                    st.integers(0, 1),
                ),
                st.tuples(
                    st.just("mpesa_ticket"),
                    st.sampled_from(sorted(STK_OUTCOMES)),
                    st.integers(0, 1),
                ),
                st.tuples(
                    st.just("card_tip"), st.integers(100, 100_000), st.booleans(), st.integers(0, 1)
                ),
                st.tuples(st.just("invalid_payment"), INVALID_PAYMENTS),
            )
        )
        def new_payment(self, spec: tuple[Any, ...]) -> None:
            """A tip or a ticket, by M-Pesa or card; or a request that must be refused."""
            name, *args = spec
            getattr(self, name)(*args)

        def mpesa_tip(self, shillings: int, result: int, answers: bool, fan: int) -> None:
            phone, daraja_phone = world.next_phone()
            world.daraja.behave(
                daraja_phone, result_code=result, result_desc="as Daraja says", callback="hold"
            )
            world.daraja.behaviours[daraja_phone].answers = answers
            body = {
                "kind": "tip",
                "method": "mpesa",
                "amount": shillings * 100,
                "currency": "KES",
                "creator_id": self.creator_id,
                "phone": phone,
                "message": "Asante!",
            }
            pid = self._pay(self.fans[fan], body, STK_OUTCOMES[result])
            assert pid is not None
            model = self.payments[pid]
            model.provider_ref = world.daraja.checkout_for(daraja_phone).checkout_id
            model.answered = answers

        @initialize(shillings=st.integers(10, 5_000), cents=st.integers(100, 100_000))
        def funded(self, shillings: int, cents: int) -> None:
            """Start each story with one paid M-Pesa tip, one paid month of membership and
            one paid card tip, so payouts and refunds have money to move and members a
            month to keep from the first step."""
            self.mpesa_tip(shillings, 0, True, 0)
            self.mpesa_callback(len(self.payments) - 1)
            self.mpesa_subscription(0, True, 0, delivered=True)
            self.card_tip(cents, True, 1)
            self.card_confirmed(0)

        def mpesa_ticket(self, result: int, fan: int) -> None:
            phone, daraja_phone = world.next_phone()
            world.daraja.behave(daraja_phone, result_code=result, callback="hold")
            body = {
                "kind": "ticket",
                "method": "mpesa",
                "amount": TICKET_PRICE,
                "currency": "KES",
                "creator_id": self.creator_id,
                "stream_id": self.stream_id,
                "phone": phone,
            }
            payer = self.fans[fan]
            pid = self._pay(payer, body, STK_OUTCOMES[result], kind="ticket")
            if pid is not None:
                self.tickets[pid] = payer
                model = self.payments[pid]
                model.provider_ref = world.daraja.checkout_for(daraja_phone).checkout_id
                model.answered = True

        @rule(
            result=st.sampled_from([0, 0, 1032, 1]),  # mostly paid: months to model
            answers=st.booleans(),
            member=st.integers(0, 1),
            delivered=st.booleans(),
        )
        def mpesa_subscription(
            self, result: int, answers: bool, member: int, delivered: bool = False
        ) -> None:
            """A fan account pays one month by M-Pesa (a guest cannot: tested apart); the
            month is granted when the payment succeeds, after the month still running.
            `delivered`: Daraja's callback arrives at once (else a later rule sends it)."""
            phone, daraja_phone = world.next_phone()
            world.daraja.behave(daraja_phone, result_code=result, callback="hold")
            world.daraja.behaviours[daraja_phone].answers = answers
            body = {
                "kind": "subscription",
                "method": "mpesa",
                "amount": MONTH_PRICE,
                "currency": "KES",
                "creator_id": self.creator_id,
                "phone": phone,
            }
            pid = self._pay(self.members[member][1], body, STK_OUTCOMES[result], "subscription")
            assert pid is not None
            model = self.payments[pid]
            model.provider_ref = world.daraja.checkout_for(daraja_phone).checkout_id
            model.answered = answers
            if delivered:
                world.daraja.deliver_held_callback(model.provider_ref)
                if answers:
                    model.status = model.outcome

        def card_tip(self, cents: int, paid: bool, fan: int) -> None:
            body = {
                "kind": "tip",
                "method": "card",
                "amount": cents,
                "currency": "USD",
                "creator_id": self.creator_id,
                "message": "Asante!",
            }
            pid = self._pay(
                self.fans[fan],
                body,
                ("succeeded", None) if paid else ("failed", "insufficient_funds"),
            )
            assert pid is not None
            self.payments[pid].provider_ref = world.stripe.intent_for(pid)["id"]

        def invalid_payment(self, body: tuple[str, str, int]) -> None:
            method, kind, amount = body
            request: dict[str, Any] = {
                "kind": kind,
                "method": method,
                "amount": amount,
                "currency": "KES" if method == "mpesa" else "USD",
                "creator_id": self.creator_id,
            }
            if method == "mpesa":
                request["phone"] = world.next_phone()[0]
            if kind == "ticket":
                request["stream_id"] = self.stream_id
            payer = self.members[0][1] if kind == "subscription" else self.fans[0]
            before = self.counts()
            headers = {**bearer(payer), "Idempotency-Key": uuid.uuid4().hex}
            answer = world.http().post("/payments", json=request, headers=headers)
            assert answer.status_code == 422, answer.text
            assert "error" in answer.json()
            assert self.counts() == before  # nothing half-written

        @precondition(lambda self: self.open_payments("mpesa"))
        @rule(index=st.integers(0, 50))
        def mpesa_payer_answers(self, index: int) -> None:
            """The payer answers the STK prompt; Daraja holds the callback."""
            model = self.payments[self.pick(self.open_payments("mpesa"), index)]
            world.daraja.complete(model.provider_ref)
            model.answered = True

        @precondition(lambda self: any(p.method == "mpesa" for p in self.payments.values()))
        @rule(index=st.integers(0, 50))
        def mpesa_callback(self, index: int) -> None:
            """Daraja's callback, in any order: before the payer answered (changes nothing),
            the first after (ends the payment), or again (a duplicate: changes nothing)."""
            ids = [pid for pid, p in self.payments.items() if p.method == "mpesa"]
            model = self.payments[self.pick(ids, index)]
            world.daraja.deliver_held_callback(model.provider_ref)
            if model.answered and model.status == "pending":
                model.status = model.outcome

        @precondition(lambda self: self.open_payments("card"))
        @rule(index=st.integers(0, 50))
        def card_confirmed(self, index: int) -> None:
            """The fan confirms with Stripe.js; Stripe sends its event."""
            model = self.payments[self.pick(self.open_payments("card"), index)]
            card = PAID_CARD if model.outcome == "succeeded" else DECLINED_CARD
            world.stripe.confirm(model.provider_ref, card, send_event=False)
            kind = (
                "payment_intent.succeeded"
                if model.outcome == "succeeded"
                else "payment_intent.payment_failed"
            )
            model.event = world.stripe.event(kind, dict(world.stripe.intents[model.provider_ref]))
            sent = world.stripe.send_event("", {}, body=model.event)
            assert sent.status_code == 200, sent.text
            model.answered = True
            model.status = model.outcome

        @precondition(
            lambda self: (
                any(p.event for p in self.payments.values())
                or any(o.status != "pending" for o in self.payouts.values())
            )
        )
        @rule(index=st.integers(0, 50))
        def result_again(self, index: int) -> None:
            """Stripe's event or M-Pesa's B2C result once more, after it was applied: a
            duplicate changes nothing (M-Pesa's STK duplicates are `mpesa_callback`'s)."""
            events = [pid for pid, p in self.payments.items() if p.event is not None]
            ended = [pid for pid, o in self.payouts.items() if o.status != "pending"]
            chosen = self.pick(events + ended, index)
            if chosen in self.payouts:
                world.daraja.deliver_result(self.payouts[chosen].conversation_id)
                return
            event = self.payments[chosen].event
            assert event is not None
            sent = world.stripe.send_event("", {}, body=event)
            assert sent.status_code == 200, sent.text

        @precondition(lambda self: any(p.status == "pending" for p in self.payments.values()))
        @rule()
        def restart_and_sweep(self) -> None:
            """Callbacks lost: the server restarts, and its start-up sweep asks the provider
            about each pending payment not asked before (an asked one waits for the next
            sweep, `payment_sweep_interval_s` later); an M-Pesa payment whose payer has
            answered ends now."""
            world.restart()
            for pid, model in self.payments.items():
                if model.status != "pending" or model.swept:
                    continue
                model.swept = True
                if model.method == "mpesa" and model.answered:
                    model.status = model.outcome
                    self.wait_for(pid, model)

        def wait_for(self, pid: str, model: PaymentModel) -> None:
            """The sweep runs in the background after start-up: wait for its answer."""
            for _ in range(500):
                shown = world.http().get(f"/payments/{pid}", headers=bearer(model.payer))
                if shown.json()["status"] != "pending":
                    return
                time.sleep(0.02)  # waiting is fine; asserting on time is not
            raise AssertionError(f"the start-up sweep did not end payment {pid}")

        # --- idempotency --------------------------------------------------------------

        @precondition(lambda self: self.payments)
        @rule(
            target_kind=st.sampled_from(["payment", "refund", "payout"]),
            index=st.integers(0, 50),
            other=st.booleans(),
        )
        def replay_key(self, target_kind: str, index: int, other: bool) -> None:
            """An Idempotency-Key again: the same body answers the first answer, byte for
            byte, and writes nothing; another body is 409."""
            if target_kind == "refund" and self.refunds:
                self.replay_refund_key(index, other)
            elif target_kind == "payout" and self.payouts:
                self.replay_payout_key(index, other)
            else:
                self.replay_payment_key(index, other)

        def replay_payment_key(self, index: int, other: bool) -> None:
            model = self.payments[self.pick(list(self.payments), index)]
            body = {**model.body, "message": "another body"} if other else model.body
            headers = {**bearer(model.payer), "Idempotency-Key": model.key}
            before = self.counts()
            answer = world.http().post("/payments", json=body, headers=headers)
            if other:
                assert answer.status_code == 409, answer.text
                assert answer.json()["error"]["code"] == "idempotency_key_reused"
            else:
                assert (answer.status_code, answer.content) == (201, model.first_answer)
            assert self.counts() == before

        # --- refunds ------------------------------------------------------------------

        @precondition(lambda self: self.payments)
        @rule(
            index=st.integers(0, 50),
            amount=st.one_of(st.none(), st.integers(1, 120_000)),
            stripe=st.sampled_from(["up", "up", "down", "refuses"]),
        )
        def refund(self, index: int, amount: int | None, stripe: str) -> None:
            """The creator refunds all that is left, or `amount`. Stripe down: the money stays
            held (502) until the same Idempotency-Key is tried again. Stripe refuses: the
            refund fails and the held money comes back to the creator."""
            pid = self.pick(list(self.payments), index)
            model = self.payments[pid]
            body = None if amount is None else {"amount": amount}
            key = uuid.uuid4().hex
            headers = {**bearer(self.creator), "Idempotency-Key": key}
            before = self.counts()
            world.stripe.fail_with = {"up": None, "down": 500, "refuses": 400}[stripe]
            try:
                answer = world.http().post(f"/payments/{pid}/refund", json=body, headers=headers)
            finally:
                world.stripe.fail_with = None
            left = model.amount - model.refunded
            wanted = left if amount is None else amount
            share = (model.refunded + wanted) * model.fee // model.amount - (
                model.refunded * model.fee // model.amount
            )
            if model.status != "succeeded":
                expected = (409, "not_refundable")
            elif model.method != "card":
                expected = (422, "refund_unsupported")
            elif left <= 0:
                expected = (409, "already_refunded")
            elif wanted > left:
                expected = (422, "refund_too_large")
            elif wanted - share > self.available(model.currency):
                expected = (409, "insufficient_balance")
            elif stripe == "down":
                assert answer.status_code == 502, answer.text
                error = answer.json()["error"]
                assert error["code"] == "provider_unavailable" and error["details"]["refund_id"]
                model.refunded += wanted  # held: out of the creator's earnings until retried
                self.refunds.append(RefundModel(key, pid, body, None))
                return
            else:
                assert answer.status_code == 201, answer.text
                made = answer.json()
                status = "succeeded" if stripe == "up" else "failed"
                assert (made["status"], made["amount"], made["fee"]) == (status, wanted, share)
                if stripe == "up":
                    model.refunded += wanted
                else:
                    assert made["failure_reason"]["code"] == "refund_refused"
                assert made["payment_refunded_amount"] == model.refunded
                self.refunds.append(RefundModel(key, pid, body, answer.content))
                return
            assert (answer.status_code, answer.json()["error"]["code"]) == expected, answer.text
            assert self.counts() == before

        def replay_refund_key(self, index: int, other: bool) -> None:
            made = self.refunds[index % len(self.refunds)]
            body = {"amount": 1} if other and made.body != {"amount": 1} else made.body
            if other and body == made.body:
                body = {"amount": 2}
            headers = {**bearer(self.creator), "Idempotency-Key": made.key}
            before = self.counts()
            answer = world.http().post(
                f"/payments/{made.payment_id}/refund", json=body, headers=headers
            )
            if other:
                assert answer.status_code == 409, answer.text
                assert answer.json()["error"]["code"] == "idempotency_key_reused"
            elif made.first_answer is None:  # Stripe is back: the held refund is paid now
                assert answer.status_code == 201, answer.text
                assert answer.json()["status"] == "succeeded"
                made.first_answer = answer.content
                return
            else:
                assert (answer.status_code, answer.content) == (201, made.first_answer)
            assert self.counts() == before

        # --- payouts ------------------------------------------------------------------

        @rule(
            amount=st.one_of(
                st.integers(PAYOUT_MIN // 100, 1_000).map(lambda s: s * 100),  # KES 10-1,000
                st.integers(PAYOUT_MIN // 100, 6_000).map(lambda s: s * 100),  # often too much
                st.integers(1, PAYOUT_MAX + 10_000),  # mostly not whole shillings, or too small
            ),
            pays=st.booleans(),
        )
        def request_payout(self, amount: int, pays: bool) -> None:
            phone, daraja_phone = world.next_phone()
            world.daraja.behave_payout(
                daraja_phone,
                result_code=0 if pays else B2C_FAILURE,
                result_desc="as M-Pesa says",
                callback="hold",
            )
            body = {"amount": amount, "currency": "KES", "method": "mpesa", "phone": phone}
            key = uuid.uuid4().hex
            headers = {**bearer(self.creator), "Idempotency-Key": key}
            before = self.counts()
            answer = world.http().post("/payouts", json=body, headers=headers)
            if amount % 100 or not PAYOUT_MIN <= amount <= PAYOUT_MAX:
                assert answer.status_code == 422, answer.text
                assert self.counts() == before
                return
            if amount > self.available("KES"):
                assert answer.status_code == 409, answer.text
                error = answer.json()["error"]
                assert error["code"] == "insufficient_balance"
                assert error["details"]["available"] == self.available("KES")
                assert self.counts() == before
                return
            assert answer.status_code == 201, answer.text
            payout = answer.json()
            assert (payout["status"], payout["amount"]) == ("pending", amount)
            self.payouts[payout["id"]] = PayoutModel(
                key=key,
                body=body,
                first_answer=answer.content,
                amount=amount,
                outcome="succeeded" if pays else "failed",
                failure=None if pays else "recipient_unregistered",
                conversation_id=world.daraja.payout_to(daraja_phone).conversation_id,
            )

        @precondition(lambda self: any(o.status == "pending" for o in self.payouts.values()))
        @rule(index=st.integers(0, 50))
        def payout_result(self, index: int) -> None:
            """M-Pesa's B2C result: paid, or refused (the held amount comes back)."""
            pending = [pid for pid, o in self.payouts.items() if o.status == "pending"]
            model = self.payouts[self.pick(pending, index)]
            world.daraja.deliver_result(model.conversation_id)
            model.status = model.outcome

        def replay_payout_key(self, index: int, other: bool) -> None:
            model = self.payouts[self.pick(list(self.payouts), index)]
            body = {**model.body, "amount": model.amount + 100} if other else model.body
            headers = {**bearer(self.creator), "Idempotency-Key": model.key}
            before = self.counts()
            answer = world.http().post("/payouts", json=body, headers=headers)
            if other:
                assert answer.status_code == 409, answer.text
                assert answer.json()["error"]["code"] == "idempotency_key_reused"
            else:
                assert (answer.status_code, answer.content) == (201, model.first_answer)
            assert self.counts() == before

        # --- invariants ---------------------------------------------------------------

        @invariant()
        def ledger_verifies(self) -> None:
            report = world.verify()
            assert report.ok, render(report)

        @invariant()
        def entries_balance_and_nothing_is_negative(self) -> None:
            unbalanced = world.sql(
                "SELECT entry_id, currency FROM ledger_postings GROUP BY entry_id, currency"
                " HAVING SUM(amount) != 0",
            )
            assert unbalanced == []
            negative = world.sql(
                "SELECT code, balance FROM ledger_accounts WHERE code LIKE 'creator:%'"
                " AND balance < 0",
            )
            assert negative == []

        @invariant()
        def nothing_resolves_twice(self) -> None:
            twice = world.sql(
                "SELECT payment_id, kind FROM ledger_entries WHERE payment_id IS NOT NULL"
                " AND kind IN ('capture', 'settlement') GROUP BY payment_id, kind"
                " HAVING COUNT(*) > 1",
            )
            assert twice == []
            keys = {
                row[0]
                for row in world.sql(
                    "SELECT idempotency_key FROM ledger_entries"
                    " WHERE idempotency_key LIKE 'payout:%'"
                )
            }
            for pid, payout in self.payouts.items():
                mine = {key for key in keys if key.startswith(f"payout:{pid}:")}
                released = {f"payout:{pid}:release"} if payout.status == "failed" else set()
                assert mine == {f"payout:{pid}:hold"} | released, pid

        @invariant()
        def every_status_is_the_models(self) -> None:
            """Each payment and payout ended as its provider said, once; read in one query
            each (a GET per payment per step made the run twice as long)."""
            payments = world.sql(
                "SELECT id, status, failure_code, refunded_amount FROM payments"
                " WHERE creator_id = :c",
                c=self.creator_id,
            )
            assert {row[0]: tuple(row[1:]) for row in payments} == {
                pid: (p.status, p.failure if p.status != "pending" else None, p.refunded)
                for pid, p in self.payments.items()
            }
            payouts = world.sql(
                "SELECT id, status, failure_code FROM payouts WHERE creator_id = :c",
                c=self.creator_id,
            )
            assert {row[0]: tuple(row[1:]) for row in payouts} == {
                pid: (o.status, o.failure if o.status != "pending" else None)
                for pid, o in self.payouts.items()
            }

        @invariant()
        def memberships_are_the_models(self) -> None:
            """Each member's months in the DB, and the creator's `GET /subscriptions`, are
            the model's: a member (`is_member`: paid until later than now) while a whole
            month is left (a month lasts far longer than a run), months back to back from
            the first (no member lapses within a run). The API is asked when the model's
            months changed (a GET every step made the run slower)."""
            expected = self.paid_months()
            found = world.months_of(self.creator_id)
            assert {m: (n, whole) for m, (n, whole, _, _, _) in found.items()} == expected
            for member, (n, whole, first, until, member_now) in found.items():
                assert member_now == (whole > 0), member
                if n == whole:  # nothing taken back: whole months, one after another
                    assert until - first == whole * MONTH, member
            if expected == self.members_listed:
                return
            listed = world.http().get("/subscriptions", headers=bearer(self.creator))
            assert listed.status_code == 200, listed.text
            shown = {s["subscriber_id"]: s["active"] for s in listed.json()["subscribers"]}
            assert shown == {m: whole > 0 for m, (_, whole) in expected.items()}
            self.members_listed = expected

        @invariant()
        def earnings_summary_is_the_models(self) -> None:
            summary = world.http().get("/earnings/summary", headers=bearer(self.creator))
            assert summary.status_code == 200, summary.text
            shown = {
                t["currency"]: {k: v for k, v in t.items() if k != "currency"}
                for t in summary.json()["totals"]
            }
            expected = self.expected_totals()
            zero = {"gross": 0, "fees": 0, "net": 0, "available": 0, "pending": 0, "paid_out": 0}
            for currency in set(shown) | set(expected):
                assert shown.get(currency, zero) == expected.get(currency, zero), currency
                assert expected.get(currency, zero)["available"] >= 0

    return MoneyMachine


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    daraja = FakeDaraja()
    stripe = FakeStripe(webhook_url=f"{settings.public_url}/api/v1/webhooks/stripe")
    with serve(daraja.app) as daraja_server, serve(stripe.app) as stripe_server:
        daraja.url, stripe.url = daraja_server.url, stripe_server.url
        live = daraja_settings(
            settings,
            daraja.url,
            mpesa_b2c_shortcode=B2C_SHORTCODE,
            mpesa_b2c_initiator_name=B2C_INITIATOR,
            mpesa_b2c_security_credential=B2C_CREDENTIAL,
            stripe_secret_key=SECRET_KEY,
            stripe_api_base=stripe.url,
            stripe_webhook_secret=WEBHOOK_SECRET,
            stripe_publishable_key=PUBLISHABLE_KEY,
            platform_fee_bps=FEE_BPS,
            # The sweeper runs at start-up only: a restart is the one way a lost callback
            # is recovered here, so every step is deterministic.
            payment_query_after_s=0,
            payment_sweep_interval_s=3_600,
        )
        state = World(settings=live, daraja=daraja, stripe=stripe)
        state.start()
        try:
            yield state
        finally:
            state.close()
    assert daraja.errors == [] and stripe.errors == []  # every request had the provider's shape


MACHINE_SETTINGS = settings(
    max_examples=15,
    stateful_step_count=20,
    deadline=None,
    database=None,  # no .hypothesis/ in the checkout; a failure prints its own sequence
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# A passing run takes well under a minute; a failing one is shrunk to its shortest
# sequence, replaying it many times (Hypothesis gives up shrinking after 5 minutes).
@pytest.mark.timeout(600)
def test_the_money_flows_keep_the_ledger_and_the_earnings_right(world: World) -> None:
    run_state_machine_as_test(money_machine(world), settings=MACHINE_SETTINGS)
