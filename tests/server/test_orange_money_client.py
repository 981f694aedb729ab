"""`OrangeWebPayClient` on its own against the local WebPay, and the sandbox behind the gateway:
shapes, tokens, failures told apart, and the sandbox's outcomes."""

import time
from collections.abc import Callable

import pytest

from server.contract.payments import PaymentStatus
from server.payments.gateways.base import ChargeRequest
from server.payments.gateways.orange_money import OrangeMoneyGateway, OrangeRef, order_id_for
from server.providers.errors import ProviderRefused, ProviderUnreachable
from server.providers.orange_money import OrangeWebPayClient, WebPaymentStarted
from server.providers.orange_money_sandbox import PAGE_LIFETIME_S, SandboxOrange
from tests.support.fake_orange import CLIENT_ID, CLIENT_SECRET, MERCHANT_KEY, FakeOrange
from tests.support.live_server import free_port

NOTIF_URL = "http://127.0.0.1:9/api/v1/webhooks/orange-money/token0123"


def client(
    base_url: str, *, secret: str = CLIENT_SECRET, clock: Callable[[], float] = time.monotonic
) -> OrangeWebPayClient:
    return OrangeWebPayClient(
        base_url=base_url,
        client_id=CLIENT_ID,
        client_secret=secret,
        merchant_key=MERCHANT_KEY,
        country="dev",
        timeout_s=5,
        clock=clock,
    )


async def start(webpay: OrangeWebPayClient, order_id: str = "FA0123") -> WebPaymentStarted:
    return await webpay.web_payment(
        order_id=order_id,
        amount=750,
        currency="XOF",
        return_url="http://127.0.0.1:9/pay/p1",
        cancel_url="http://127.0.0.1:9/pay/p1/cancel",
        notif_url=NOTIF_URL,
        lang="en",
        reference="Flash Africa",
    )


async def test_a_payment_session_then_its_status(orange: FakeOrange) -> None:
    webpay = client(orange.url)
    started = await start(webpay)
    session = orange.sessions[started.pay_token]
    assert (session.order_id, session.amount, session.currency) == ("FA0123", 750, "OUV")
    assert (started.payment_url, started.notif_token) == (session.payment_url, session.notif_token)
    status = await webpay.transaction_status(
        order_id="FA0123", amount=750, pay_token=started.pay_token
    )
    assert (status.status, status.txnid) == ("INITIATED", None)
    session.status, session.txnid = "SUCCESS", "MP240101.1234.A00001"
    status = await webpay.transaction_status(
        order_id="FA0123", amount=750, pay_token=started.pay_token
    )
    assert (status.status, status.txnid) == ("SUCCESS", "MP240101.1234.A00001")
    assert orange.token_requests == 1
    await webpay.aclose()


async def test_the_token_is_renewed_shortly_before_it_expires(orange: FakeOrange) -> None:
    orange.token_lifetime_s = 3_600
    now = [1_000.0]
    webpay = client(orange.url, clock=lambda: now[0])
    await start(webpay, "FA1")
    now[0] += 3_500
    await start(webpay, "FA2")
    assert orange.token_requests == 1, "cached while it has over a minute to live"
    now[0] += 50  # within the last minute of the token's life: fetch a new one
    await start(webpay, "FA3")
    assert orange.token_requests == 2
    orange.expire_tokens()  # Orange forgot it early: 401, renewed once, the call repeated
    await start(webpay, "FA4")
    assert orange.token_requests == 3 and len(orange.sessions) == 4
    await webpay.aclose()


async def test_failures_are_told_apart(orange: FakeOrange) -> None:
    webpay = client(orange.url)
    with pytest.raises(ProviderRefused) as refused:
        await webpay.transaction_status(order_id="FA0", amount=1, pay_token="v1unknown")
    assert refused.value.code == "3"
    orange.errors.clear()  # that unknown session was on purpose
    orange.failing_webpayments = 1
    with pytest.raises(ProviderUnreachable, match="HTTP 500"):
        await start(webpay)
    orange.down = True
    with pytest.raises(ProviderUnreachable):
        await webpay.transaction_status(order_id="FA0", amount=1, pay_token="v1unknown")
    await webpay.aclose()
    wrong = client(orange.url, secret="wrong")
    orange.down = False
    with pytest.raises(ProviderUnreachable, match="OAuth answered HTTP 401"):
        await start(wrong)
    assert orange.webpayment_calls == ["FA0123"]  # only the one that got a 500
    await wrong.aclose()
    nobody = client(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ProviderUnreachable):
        await start(nobody)
    await nobody.aclose()


def charge(payment_id: str = "0123456789abcdef0123456789abcdef") -> ChargeRequest:
    return ChargeRequest(
        payment_id=payment_id,
        amount=1_000,
        currency="XOF",
        phone=None,
        callback_url=NOTIF_URL,
        language="fr",
        return_url=f"http://127.0.0.1:9/pay/{payment_id}",
        cancel_url=f"http://127.0.0.1:9/pay/{payment_id}/cancel",
    )


async def test_the_sandbox_ends_as_its_phone_table_says() -> None:
    now = [10_000.0]
    sandbox = SandboxOrange(delay_s=2, clock=lambda: now[0])
    gateway = OrangeMoneyGateway(sandbox, "sandbox")
    outcomes = {}
    for suffix in ("0000", "0002", "0004"):
        started = await gateway.start(charge(f"{suffix}" + "a" * 28))
        ref = OrangeRef.parse(started.provider_ref)
        assert ref.order_id == order_id_for(f"{suffix}" + "a" * 28) and ref.amount == 1_000
        assert started.callback_proof is not None
        assert await gateway.outcome(started.provider_ref) is None  # the page is open
        session = sandbox.answer(ref.pay_token, f"+22507000{suffix}")
        assert not sandbox.leaves_through_cancel(session)
        outcomes[suffix] = started.provider_ref
    assert await gateway.outcome(outcomes["0000"]) is None  # PENDING: the payer confirms
    now[0] += 2
    results = {suffix: await gateway.outcome(ref) for suffix, ref in outcomes.items()}
    assert {s: (r.status, r.failure_code) for s, r in results.items() if r} == {
        "0000": (PaymentStatus.SUCCEEDED, None),
        "0002": (PaymentStatus.FAILED, "provider_declined"),
        "0004": (PaymentStatus.EXPIRED, "payment_expired"),
    }
    await sandbox.aclose()


async def test_a_sandbox_fan_who_cancels_is_cancelled_and_a_forgotten_page_expires() -> None:
    now = [10_000.0]
    sandbox = SandboxOrange(delay_s=0, clock=lambda: now[0])
    gateway = OrangeMoneyGateway(sandbox, "sandbox")
    started = await gateway.start(charge())
    session = sandbox.answer(OrangeRef.parse(started.provider_ref).pay_token, "+2250700000001")
    assert sandbox.leaves_through_cancel(session)
    cancelled = await gateway.cancel(started.provider_ref)
    assert cancelled is not None and cancelled.status is PaymentStatus.CANCELLED
    restarted = OrangeMoneyGateway(SandboxOrange(clock=lambda: now[0]), "sandbox")
    assert await restarted.outcome(started.provider_ref) is None  # forgotten, still open
    now[0] += PAGE_LIFETIME_S
    expired = await restarted.outcome(started.provider_ref)
    assert expired is not None and expired.status is PaymentStatus.EXPIRED
    with pytest.raises(ProviderRefused):
        ref = OrangeRef.parse(started.provider_ref)
        await sandbox.transaction_status(order_id=ref.order_id, amount=1, pay_token=ref.pay_token)
    await sandbox.aclose()
    await restarted.aclose()
