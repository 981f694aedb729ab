"""`POST /payments` and `GET /payments/{id}` over real HTTP, in sandbox mode.

Idempotency scoped to the payer, who may read a payment, guest tipping, and
bad input refused with a clear 4xx that changes nothing.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server.config import Settings
from server.payments.listeners import TipSucceeded
from tests.support.live_server import LiveServer
from tests.support.payments import (
    PHONE,
    bearer,
    guest_token,
    pay,
    query,
    register,
    serve_money_app,
    tip,
    wait_for_status,
    wait_until,
)


@pytest.fixture
def server(settings: Settings) -> Iterator[LiveServer]:
    settings.mpesa_sandbox_delay_s = 0.2
    with serve_money_app(settings) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


@pytest.fixture
def people(client: httpx.Client) -> dict[str, Any]:
    creator_id, creator = register(client)
    fan_id, fan = register(client, role="fan")
    return {"creator_id": creator_id, "creator": creator, "fan_id": fan_id, "fan": fan}


def payment_count(settings: Settings) -> int:
    return int(query(settings.resolved_database_url, "SELECT COUNT(*) FROM payments")[0][0])


def test_a_tip_succeeds_and_reads_back(client: httpx.Client, people: dict[str, Any]) -> None:
    response = pay(client, people["fan"], tip(people["creator_id"], amount=50_000, stream_id="s1"))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "pending" and created["failure_reason"] is None
    assert created["next_action"]["type"] == "approve_on_phone"
    assert "KES 500.00" in created["next_action"]["message"]
    assert (created["amount"], created["fee"], created["net"]) == (50_000, 5_000, 45_000)
    done = wait_for_status(client, people["fan"], created["id"])
    assert done["status"] == "succeeded" and done["next_action"] is None
    assert done["stream_id"] == "s1" and done["message"] == "Asante!"


def test_the_same_key_and_body_replays_the_first_answer(
    client: httpx.Client, people: dict[str, Any], settings: Settings
) -> None:
    body = tip(people["creator_id"])
    first = pay(client, people["fan"], body, key="tip-1")
    wait_for_status(client, people["fan"], first.json()["id"])
    again = pay(client, people["fan"], body, key="tip-1")
    assert again.status_code == first.status_code == 201
    assert again.content == first.content  # byte for byte: the first answer, status pending
    assert payment_count(settings) == 1


def test_the_same_key_with_another_body_is_409(
    client: httpx.Client, people: dict[str, Any], settings: Settings
) -> None:
    pay(client, people["fan"], tip(people["creator_id"]), key="tip-1")
    other = pay(client, people["fan"], tip(people["creator_id"], amount=20_000), key="tip-1")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert payment_count(settings) == 1


def test_another_payers_identical_key_is_a_separate_payment(
    client: httpx.Client, people: dict[str, Any], settings: Settings
) -> None:
    _, other_fan = register(client, role="fan")
    first = pay(client, people["fan"], tip(people["creator_id"]), key="same").json()
    second = pay(client, other_fan, tip(people["creator_id"]), key="same").json()
    assert first["id"] != second["id"]
    assert payment_count(settings) == 2


def test_a_guest_can_tip_and_read_only_its_own_payment(
    client: httpx.Client, people: dict[str, Any]
) -> None:
    guest = guest_token(client, "Kamau")
    local_phone = {"phone": "0712345678", "country": "KE"}
    response = pay(
        client, guest, tip(people["creator_id"], **local_phone), **{"Accept-Language": "fr-FR"}
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert "Validez le paiement de KES 100.00" in created["next_action"]["message"]
    assert wait_for_status(client, guest, created["id"])["status"] == "succeeded"
    other_guest = guest_token(client, "Njeri")
    assert client.get(f"/payments/{created['id']}", headers=bearer(other_guest)).status_code == 404


def test_only_the_payer_and_the_creator_can_read_a_payment(
    client: httpx.Client, people: dict[str, Any]
) -> None:
    created = pay(client, people["fan"], tip(people["creator_id"])).json()
    url = f"/payments/{created['id']}"
    assert client.get(url, headers=bearer(people["fan"])).status_code == 200
    assert client.get(url, headers=bearer(people["creator"])).json()["id"] == created["id"]
    _, stranger = register(client, role="fan")
    refused = client.get(url, headers=bearer(stranger))
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    assert client.get("/payments/nope", headers=bearer(people["fan"])).status_code == 404
    assert client.get(url).status_code == 401


def test_failure_reasons_come_in_the_payers_language(client: httpx.Client) -> None:
    creator_id, _ = register(client)
    _, fan_fr = register(client, role="fan", language="fr")
    created = pay(client, fan_fr, tip(creator_id, phone="+254712340002")).json()
    failed = wait_for_status(client, fan_fr, created["id"])
    assert failed["status"] == "failed"
    assert failed["failure_reason"] == {
        "code": "insufficient_funds",
        "message": "Votre solde est insuffisant pour ce paiement.",
    }


def test_a_tip_is_announced_once_after_it_succeeds(
    server: LiveServer, client: httpx.Client, people: dict[str, Any]
) -> None:
    heard: list[TipSucceeded] = []

    async def listener(event: TipSucceeded) -> None:
        heard.append(event)

    server.app.state.payment_listeners.append(listener)
    created = pay(client, people["fan"], tip(people["creator_id"], amount=30_000)).json()
    wait_for_status(client, people["fan"], created["id"])
    wait_until(lambda: heard, message="the tip listener")
    failed = pay(client, people["fan"], tip(people["creator_id"], phone="+254712340001")).json()
    wait_for_status(client, people["fan"], failed["id"])
    assert [(e.payment_id, e.amount, e.payer_name, e.message) for e in heard] == [
        (created["id"], 30_000, "Otieno", "Asante!")
    ]


BAD_BODIES: list[tuple[dict[str, Any], int, str]] = [
    ({"amount": 10_050}, 422, "whole_units_only"),  # KES 100.50: M-Pesa takes whole shillings
    ({"amount": 500}, 422, "amount_too_small"),
    ({"amount": 0}, 422, "invalid_input"),
    ({"amount": -100}, 422, "invalid_input"),
    ({"amount": 100.5}, 422, "invalid_input"),
    ({"amount": "10000"}, 422, "invalid_input"),
    ({"amount": 10**13}, 422, "invalid_input"),
    ({"currency": "XOF", "amount": 1_000}, 422, "currency_unsupported"),
    ({"currency": "ABC"}, 422, "invalid_input"),
    ({"phone": None}, 422, "phone_required"),
    ({"phone": "12"}, 422, "invalid_input"),
    ({"phone": "hello-phone"}, 422, "invalid_phone"),
    ({"phone": "+2547123"}, 422, "invalid_phone"),
    ({"phone": "+221771234567"}, 422, "phone_unsupported"),  # Senegal: not an M-Pesa number
    ({"method": "bitcoin"}, 422, "invalid_input"),
    ({"kind": "ticket", "stream_id": "s1"}, 422, "unknown_stream"),
    ({"kind": "ticket"}, 422, "stream_required"),
    ({"kind": "subscription"}, 422, "price_mismatch"),  # a month costs KES 300, not 100
    ({"creator_id": "nobody"}, 422, "unknown_creator"),
    ({"tip_jar": True}, 422, "invalid_input"),
    ({"message": "x" * 281}, 422, "invalid_input"),
]


@pytest.mark.parametrize(("overrides", "status", "code"), BAD_BODIES)
def test_bad_input_is_refused_and_changes_nothing(
    client: httpx.Client,
    people: dict[str, Any],
    settings: Settings,
    overrides: dict[str, Any],
    status: int,
    code: str,
) -> None:
    body = {**tip(people["creator_id"]), **overrides}
    body = {k: v for k, v in body.items() if v is not None}
    response = pay(client, people["fan"], body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert payment_count(settings) == 0


def test_a_local_phone_needs_a_country(client: httpx.Client, people: dict[str, Any]) -> None:
    guest = guest_token(client)
    response = pay(client, guest, tip(people["creator_id"], phone="0712345678"))
    assert response.status_code == 422
    assert "international form" in response.json()["error"]["message"]
    assert (
        pay(client, people["fan"], tip(people["creator_id"], phone="0712345678")).status_code == 201
    )
    assert (
        pay(client, people["fan"], tip(people["creator_id"], phone="254712345678")).status_code
        == 201
    )


def test_a_creator_cannot_tip_themself_nor_a_fan_be_tipped(
    client: httpx.Client, people: dict[str, Any]
) -> None:
    own = pay(client, people["creator"], tip(people["creator_id"]))
    assert own.status_code == 422 and own.json()["error"]["code"] == "self_payment"
    fan = pay(client, people["creator"], tip(people["fan_id"]))
    assert fan.status_code == 422 and fan.json()["error"]["code"] == "unknown_creator"


def test_the_idempotency_key_and_a_token_are_required(
    client: httpx.Client, people: dict[str, Any]
) -> None:
    body = tip(people["creator_id"])
    missing = client.post("/payments", json=body, headers=bearer(people["fan"]))
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "idempotency_key_required"
    too_long = pay(client, people["fan"], body, key="k" * 256)
    assert too_long.status_code == 422
    anonymous = client.post("/payments", json=body, headers={"Idempotency-Key": "a"})
    assert anonymous.status_code == 401
    malformed = client.post(
        "/payments",
        content=b"{not json",
        headers={
            **bearer(people["fan"]),
            "Idempotency-Key": "b",
            "Content-Type": "application/json",
        },
    )
    assert malformed.status_code == 400


def test_the_phone_is_normalised_for_mpesa(
    client: httpx.Client, people: dict[str, Any], settings: Settings
) -> None:
    for raw in ("+254 712 345 678", "254712345678", "0712345678"):
        created = pay(client, people["fan"], tip(people["creator_id"], phone=raw)).json()
        assert created["status"] == "pending"
    rows = query(settings.resolved_database_url, "SELECT DISTINCT phone FROM payments")
    assert rows == [(PHONE,)]
