"""Accounts over real HTTP: register, login, refresh rotation, logout, guest, me."""

import httpx
import pytest

from tests.support.live_server import LiveServer

CREATOR = {
    "email": "awa@example.com",
    "password": "river-sun-42",
    "display_name": "Awa Diop",
    "role": "creator",
    "country": "SN",
    "currency": "XOF",
    "language": "fr",
}


def register(client: httpx.Client, **overrides: object) -> dict[str, object]:
    response = client.post("/auth/register", json={**CREATOR, **overrides})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def bearer(token: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_register_then_me(live_server: LiveServer) -> None:
    with live_server.client() as client:
        tokens = register(client)
        assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 900
        me = client.get("/me", headers=bearer(tokens["access_token"])).json()
    assert me["email"] == "awa@example.com"
    assert me["display_name"] == "Awa Diop" and me["role"] == "creator"
    assert (me["country"], me["currency"], me["language"]) == ("SN", "XOF", "fr")


def test_register_by_phone_and_login_by_phone(live_server: LiveServer) -> None:
    with live_server.client() as client:
        register(client, email=None, phone="+254712345678", country="KE", currency="KES")
        response = client.post(
            "/auth/login", json={"phone": "+254712345678", "password": "river-sun-42"}
        )
    assert response.status_code == 200
    assert response.json()["refresh_token"]


def test_email_is_case_insensitive(live_server: LiveServer) -> None:
    with live_server.client() as client:
        register(client)
        response = client.post(
            "/auth/login", json={"email": "AWA@example.com", "password": "river-sun-42"}
        )
        assert response.status_code == 200
        duplicate = client.post("/auth/register", json={**CREATOR, "email": "Awa@Example.com"})
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "account_exists"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": None, "phone": "0712345678"}, "phone"),
        ({"email": None, "phone": "+2547"}, "phone"),
        ({"password": "short1"}, "password"),
        ({"password": "onlyletterslong"}, "password"),
        ({"display_name": "   "}, "display_name"),
        ({"role": "admin"}, "role"),
        ({"country": "senegal"}, "country"),
        ({"currency": 5}, "currency"),
        ({"language": "de"}, "language"),
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_bad_registration_is_422_naming_the_field(
    live_server: LiveServer, overrides: dict[str, object], field: str
) -> None:
    with live_server.client() as client:
        response = client.post("/auth/register", json={**CREATOR, **overrides})
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "invalid_input"
        assert field in {detail["field"] for detail in error["details"]}
        # Nothing half-written: the right body still registers the same email.
        register(client)


def test_both_email_and_phone_is_refused(live_server: LiveServer) -> None:
    with live_server.client() as client:
        response = client.post("/auth/register", json={**CREATOR, "phone": "+254712345678"})
    assert response.status_code == 422
    assert "either email or phone" in response.json()["error"]["message"]


def test_malformed_json_and_oversize_body(live_server: LiveServer) -> None:
    with live_server.client() as client:
        malformed = client.post(
            "/auth/login", content=b'{"email": ', headers={"content-type": "application/json"}
        )
        oversize = client.post(
            "/auth/register",
            content=b'{"display_name": "' + b"x" * 200_000 + b'"}',
            headers={"content-type": "application/json"},
        )
        not_an_object = client.post("/auth/login", json=["a", "b"])
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "malformed_json"
    assert oversize.status_code == 413
    assert oversize.json()["error"]["code"] == "payload_too_large"
    assert not_an_object.status_code == 422


def test_wrong_password_and_unknown_account_look_the_same(live_server: LiveServer) -> None:
    with live_server.client() as client:
        register(client)
        wrong = client.post(
            "/auth/login", json={"email": "awa@example.com", "password": "nope-nope-1"}
        )
        unknown = client.post(
            "/auth/login", json={"email": "who@example.com", "password": "nope-nope-1"}
        )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"] == unknown.json()["error"]


def test_login_rate_limit_answers_429_with_retry_after(live_server: LiveServer) -> None:
    with live_server.client() as client:
        statuses = [
            client.post("/auth/login", json={"email": "x@example.com", "password": "wrong-pass-1"})
            for _ in range(11)
        ]
    assert [r.status_code for r in statuses[:10]] == [401] * 10
    limited = statuses[10]
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"


def test_refresh_rotates_and_reuse_revokes_the_family(live_server: LiveServer) -> None:
    with live_server.client() as client:
        first = register(client)
        second = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
        assert second["refresh_token"] != first["refresh_token"]
        third = client.post("/auth/refresh", json={"refresh_token": second["refresh_token"]}).json()

        reused = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert reused.status_code == 401
        assert reused.json()["error"]["code"] == "token_reused"
        # The thief's reuse closed the whole family, including the newest token.
        latest = client.post("/auth/refresh", json={"refresh_token": third["refresh_token"]})
        assert latest.status_code == 401
        # Another sign-in is a separate family and keeps working.
        other = client.post(
            "/auth/login", json={"email": "awa@example.com", "password": "river-sun-42"}
        )
        again = client.post("/auth/refresh", json={"refresh_token": other.json()["refresh_token"]})
    assert again.status_code == 200


def test_logout_closes_the_sign_in(live_server: LiveServer) -> None:
    with live_server.client() as client:
        tokens = register(client)
        assert (
            client.post("/auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code
            == 204
        )
        assert (
            client.post("/auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code
            == 204
        )
        refused = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refused.status_code == 401


def test_tampered_and_missing_tokens(live_server: LiveServer) -> None:
    with live_server.client() as client:
        tokens = register(client)
        access = str(tokens["access_token"])
        tampered = access[:-2] + ("AA" if not access.endswith("AA") else "BB")
        assert (
            client.get("/me", headers=bearer(tampered)).json()["error"]["code"] == "invalid_token"
        )
        assert client.get("/me").status_code == 401
        assert client.get("/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_guest_token_is_chat_only(live_server: LiveServer) -> None:
    with live_server.client() as client:
        guest = client.post("/auth/guest", json={"display_name": "Kofi"})
        assert guest.status_code == 201
        me = client.get("/me", headers=bearer(guest.json()["access_token"]))
    assert me.status_code == 401
    assert me.json()["error"]["code"] == "guest_token"


def test_health_openapi_and_metrics(live_server: LiveServer) -> None:
    with live_server.client() as client:
        health = client.get("/health").json()
        openapi = httpx.get(live_server.url + "/openapi.json").json()
        metrics = httpx.get(live_server.url + "/metrics").text
    assert health["status"] == "ok" and health["database"] == "ok" and health["sandbox"] is True
    assert {p["name"] for p in health["providers"]} == {
        "mux",
        "stripe",
        "mpesa",
        "mpesa_b2c",
        "orange_money",
        "mtn_momo",
        "mtn_momo_payout",
    }
    assert "/api/v1/auth/register" in openapi["paths"]
    assert "flash_http_requests_total" in metrics
