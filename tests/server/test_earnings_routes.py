"""`/earnings/summary` and `/earnings/transactions` over real HTTP, from real sandbox payments."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from server.config import Settings
from tests.support.live_server import LiveServer
from tests.support.payments import (
    bearer,
    guest_token,
    pay,
    register,
    serve_money_app,
    tip,
    wait_for_status,
)

LOST_CALLBACK = "+254712340005"  # the sandbox never calls back: pending until the sweeper looks


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    settings.mpesa_sandbox_delay_s = 0
    settings.payment_sweep_interval_s = 0.1
    settings.payment_query_after_s = 3600  # the sweeper is on, but leaves payments alone
    with serve_money_app(settings) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


def paid(client: httpx.Client, fan: str, body: dict[str, Any]) -> dict[str, Any]:
    created = pay(client, fan, body).json()
    return wait_for_status(client, fan, created["id"])


def summary(client: httpx.Client, token: str, **params: str) -> dict[str, Any]:
    response = client.get("/earnings/summary", params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_summary_adds_up_settled_pending_and_available(client: httpx.Client) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    stream = client.post(
        "/streams",
        json={"title": "Nairobi nights", "visibility": "public"},
        headers=bearer(creator),
    )
    assert stream.status_code == 201, stream.text
    stream_id = stream.json()["id"]
    assert (
        paid(client, fan, tip(creator_id, amount=10_000, stream_id=stream_id))["status"]
        == "succeeded"
    )
    assert (
        paid(client, fan, tip(creator_id, amount=25_500, stream_id=stream_id))["status"]
        == "succeeded"
    )
    assert paid(client, fan, tip(creator_id, amount=99_900))["status"] == "succeeded"
    assert paid(client, fan, tip(creator_id, phone="+254712340001"))["status"] == "cancelled"
    pending = pay(client, fan, tip(creator_id, amount=50_000, phone=LOST_CALLBACK)).json()
    assert pending["status"] == "pending"

    body = summary(client, creator)
    gross = 10_000 + 25_500 + 99_900
    fees = 1_000 + 2_550 + 9_990
    assert body["totals"] == [
        {
            "currency": "KES",
            "gross": gross,
            "fees": fees,
            "net": gross - fees,
            "available": gross - fees,
            "pending": 45_000,
            "paid_out": 0,
        }
    ]
    assert body["by_method"] == [
        {"method": "mpesa", "currency": "KES", "gross": gross, "net": gross - fees, "count": 3}
    ]
    assert body["by_stream"] == [
        {
            "stream_id": stream_id,
            "title": "Nairobi nights",
            "currency": "KES",
            "gross": 35_500,
            "net": 35_500 - 3_550,
            "count": 2,
        }
    ]


def test_the_window_limits_what_was_earned_not_what_is_available(client: httpx.Client) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    paid(client, fan, tip(creator_id, amount=10_000))
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    earlier = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    (future,) = summary(client, creator, **{"from": later})["totals"]
    assert (future["gross"], future["net"], future["available"]) == (0, 0, 9_000)
    (window,) = summary(client, creator, **{"from": earlier, "to": later})["totals"]
    assert (window["gross"], window["fees"], window["net"]) == (10_000, 1_000, 9_000)
    (naive,) = summary(client, creator, **{"from": "2020-01-01T00:00:00"})["totals"]
    assert naive["gross"] == 10_000
    backwards = client.get(
        "/earnings/summary", params={"from": later, "to": earlier}, headers=bearer(creator)
    )
    assert backwards.status_code == 422 and backwards.json()["error"]["code"] == "invalid_window"
    bad = client.get("/earnings/summary", params={"from": "yesterday"}, headers=bearer(creator))
    assert bad.status_code == 422


def test_earnings_are_private_to_their_creator(client: httpx.Client) -> None:
    creator_id, _ = register(client)
    _, other_creator = register(client)
    _, fan = register(client, role="fan")
    paid(client, fan, tip(creator_id))
    assert summary(client, other_creator) == {"totals": [], "by_method": [], "by_stream": []}
    items = client.get("/earnings/transactions", headers=bearer(other_creator)).json()["items"]
    assert items == []
    assert client.get("/earnings/summary").status_code == 401
    as_guest = client.get("/earnings/summary", headers=bearer(guest_token(client)))
    assert as_guest.status_code == 403


def transactions(client: httpx.Client, token: str, **params: Any) -> dict[str, Any]:
    response = client.get("/earnings/transactions", params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_transaction_feed_gives_every_later_change_once(
    client: httpx.Client, settings: Settings
) -> None:
    creator_id, creator = register(client)
    _, fan = register(client, role="fan")
    first = paid(client, fan, tip(creator_id, amount=10_000, message="Big up"))
    waiting = pay(client, fan, tip(creator_id, amount=20_000, phone=LOST_CALLBACK)).json()

    page = transactions(client, creator)
    assert [(i["id"], i["status"]) for i in page["items"]] == [
        (first["id"], "succeeded"),
        (waiting["id"], "pending"),
    ]
    item = page["items"][0]
    assert (item["amount"], item["fee"], item["net"], item["currency"]) == (
        10_000,
        1_000,
        9_000,
        "KES",
    )
    assert (item["kind"], item["method"], item["payer_name"], item["message"]) == (
        "tip",
        "mpesa",
        "Otieno",
        "Big up",
    )
    cursor = page["next_cursor"]
    assert transactions(client, creator, cursor=cursor) == {"items": [], "next_cursor": cursor}

    settings.payment_query_after_s = 0  # now the sweeper asks the sandbox, which says paid
    assert wait_for_status(client, fan, waiting["id"])["status"] == "succeeded"
    third = paid(client, fan, tip(creator_id, amount=30_000, phone="+254712340003"))
    later = transactions(client, creator, cursor=cursor)
    assert [(i["id"], i["status"]) for i in later["items"]] == [
        (waiting["id"], "succeeded"),
        (third["id"], "failed"),
    ]
    assert later["items"][0]["updated_at"] >= later["items"][0]["created_at"]

    walked, cursor = [], None
    while True:
        step = transactions(client, creator, limit=1, **({"cursor": cursor} if cursor else {}))
        if not step["items"]:
            break
        walked += [i["id"] for i in step["items"]]
        cursor = step["next_cursor"]
    assert walked == [first["id"], waiting["id"], third["id"]]


@pytest.mark.parametrize("cursor", ["garbage", "djE6LTE", "eDo1"])
def test_a_cursor_we_did_not_give_is_422(client: httpx.Client, cursor: str) -> None:
    _, creator = register(client)
    response = client.get(
        "/earnings/transactions", params={"cursor": cursor}, headers=bearer(creator)
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_cursor"
