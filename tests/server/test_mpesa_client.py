"""`DarajaClient` on its own against the local Daraja: shapes, tokens, and failures told apart."""

from datetime import UTC, datetime

import pytest

from server.providers.errors import ProviderRefused, ProviderUnreachable
from server.providers.mpesa import DarajaClient, daraja_timestamp, stk_password
from tests.support.fake_daraja import CONSUMER_KEY, CONSUMER_SECRET, PASSKEY, SHORTCODE, FakeDaraja
from tests.support.live_server import free_port


def client(base_url: str) -> DarajaClient:
    return DarajaClient(
        base_url=base_url,
        consumer_key=CONSUMER_KEY,
        consumer_secret=CONSUMER_SECRET,
        shortcode=SHORTCODE,
        passkey=PASSKEY,
        timeout_s=5,
    )


def test_the_timestamp_is_nairobi_time_and_the_password_follows_daraja() -> None:
    midnight_utc = datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC)
    assert daraja_timestamp(midnight_utc) == "20260101030005"  # UTC+3, no daylight saving
    assert stk_password("174379", "key", "20260101030005") == "MTc0Mzc5a2V5MjAyNjAxMDEwMzAwMDU="


async def test_push_then_query_until_the_payer_answers(daraja: FakeDaraja) -> None:
    daraja.behave(
        "254712345678",
        result_code=1032,
        result_desc="Request cancelled by user",
        answers=False,
        callback="drop",
    )
    mpesa = client(daraja.url)
    accepted = await mpesa.stk_push(
        phone="254712345678",
        amount=150,
        account_reference="FA0123456789abc",  # cut to Daraja's 12 characters
        description="Flash Africa tip",
        callback_url="http://127.0.0.1:9/api/v1/webhooks/mpesa/token",
    )
    checkout = daraja.checkouts[accepted.checkout_request_id]
    assert (checkout.amount, checkout.account_reference) == (150, "FA0123456789")
    assert await mpesa.stk_query(accepted.checkout_request_id) is None  # "being processed"
    daraja.complete(accepted.checkout_request_id)
    result = await mpesa.stk_query(accepted.checkout_request_id)
    assert result is not None and (result.result_code, result.result_desc) == (
        1032,
        "Request cancelled by user",
    )
    assert daraja.token_requests == 1
    await mpesa.aclose()


async def test_failures_are_told_apart(daraja: FakeDaraja) -> None:
    mpesa = client(daraja.url)
    with pytest.raises(ProviderRefused) as refused:
        await mpesa.stk_query("ws_CO_unknown")
    assert refused.value.code == "400.002.02"
    daraja.down = True
    with pytest.raises(ProviderUnreachable):
        await mpesa.stk_query("ws_CO_unknown")
    await mpesa.aclose()
    nobody = client(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ProviderUnreachable):
        await nobody.stk_push(
            phone="254712345678",
            amount=1,
            account_reference="FA",
            description="Flash Africa",
            callback_url="http://127.0.0.1:9/x",
        )
    await nobody.aclose()


async def test_wrong_credentials_are_unreachable_not_refused(daraja: FakeDaraja) -> None:
    mpesa = DarajaClient(
        base_url=daraja.url,
        consumer_key="wrong",
        consumer_secret="wrong",
        shortcode=SHORTCODE,
        passkey=PASSKEY,
    )
    with pytest.raises(ProviderUnreachable, match="OAuth"):
        await mpesa.stk_query("ws_CO_x")
    await mpesa.aclose()
