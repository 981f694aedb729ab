"""The fan page's routes over real HTTP: the page, its 404, and its gzipped assets."""

import json
import re
from typing import Any

import httpx
import pytest

from server.contract.streams import Stream
from server.fanpage.assets import STATIC_DIR
from server.fanpage.page import content_security_policy
from server.streams.providers import StreamUrls
from tests.support.live_server import LiveServer
from tests.support.payments import bearer, guest_token, pay, tip, wait_for_status
from tests.support.streams import create_stream, register

# Absolute URLs that appear inside vendored code as plain strings (an error message, an
# ID3 scheme identifier); they are never fetched. Anything else would be a third party.
INERT_URLS = {
    "https://socket.io/docs/v3/migrating-from-2-x-to-3-0/",
    "https://aomedia.org/emsg/ID3",
}
# Fetched, but only when a fan pays by card and the server answers with a Stripe client
# secret (Stripe requires its script from its own host); the policy allows it only then.
CARD_ONLY_URLS = {"https://js.stripe.com/v3"}


def page(live: LiveServer, ref: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{live.url}/live/{ref}", headers=headers, timeout=15)


def boot_of(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="boot" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page inlines its boot data"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_unknown_stream_is_a_404_page_in_both_languages(live_server: LiveServer) -> None:
    response = page(live_server, "no-such-stream", **{"Accept-Encoding": "gzip"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-encoding"] == "gzip"
    assert "This stream does not exist" in response.text
    assert "Ce direct n’existe pas" in response.text


def test_an_over_long_reference_is_a_404_page(live_server: LiveServer) -> None:
    response = page(live_server, "x" * 300)
    assert response.status_code == 404
    assert "does not exist" in response.text


def test_a_stream_page_inlines_the_stream_and_only_the_methods_that_work(
    live_server: LiveServer,
) -> None:
    with live_server.client() as client:
        token, creator_id = register(client, display_name="Wanjiru")
        stream = create_stream(client, token, title="Benga night </script><b>")
    response = page(live_server, stream["id"], **{"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    html = response.text
    assert '<html lang="fr">' in html
    assert "Benga night &lt;/script&gt;&lt;b&gt; · Wanjiru" in html
    assert "</script><b>" not in html, "a title cannot close the boot script"
    boot = boot_of(html)
    assert boot["stream"]["id"] == stream["id"]
    assert boot["stream"]["creator"] == {"id": creator_id, "display_name": "Wanjiru"}
    assert "stream_key" not in boot["stream"], "the page is the public view"
    methods = {option["method"]: option for option in boot["methods"]}
    assert next(iter(methods)) == "mpesa", "mobile money first"
    mpesa = methods["mpesa"]
    assert mpesa["currency"] == "KES"
    assert mpesa["minimum"] == 1_000 and mpesa["step"] == 100
    assert all(amount >= 1_000 and amount % 100 == 0 for amount in mpesa["presets"])
    assert mpesa["phone"]["example"] == "+254 7XX XXX XXX"
    momo = methods["mtn_momo"]
    assert (momo["currency"], momo["step"], momo["minimum"]) == ("UGX", 1, 500)
    assert momo["phone"]["country"] == "UG" and momo["phone"]["dial_code"] == "256"
    orange = methods["orange_money"]  # whole francs; Orange's own page asks for the phone
    assert (orange["currency"], orange["step"], orange["minimum"], orange["phone"]) == (
        "XOF",
        1,
        100,
        None,
    )
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert f"media-src 'self' blob: {live_server.url}" in policy, "the video's own host"
    assert "stripe" not in policy and "frame-src 'none'" in policy, "sandbox cards: no Stripe"


def test_a_ticket_holders_guest_token_reads_the_playback_url_the_page_withholds(
    live_server: LiveServer,
) -> None:
    """The page is the anonymous view; the fan's saved guest token gets the rest."""
    with live_server.client() as client:
        token, creator_id = register(client)
        price = {"amount": 20_000, "currency": "KES"}
        stream = create_stream(client, token, visibility="ticketed", price=price)
        guest = guest_token(client)
        bought = pay(client, guest, tip(creator_id, kind="ticket", stream_id=stream["id"], **price))
        assert bought.status_code == 201, bought.text
        assert wait_for_status(client, guest, bought.json()["id"])["status"] == "succeeded"
        held = client.get(f"/streams/{stream['id']}", headers=bearer(guest)).json()
        stranger = client.get(f"/streams/{stream['id']}", headers=bearer(guest_token(client)))
    response = page(live_server, stream["id"])
    assert boot_of(response.text)["stream"]["playback_url"] is None
    assert held["playback_url"] and stranger.json()["playback_url"] is None
    # The shell names the video's host anyway, or the holder's player would be blocked.
    policy = response.headers["content-security-policy"]
    assert f"media-src 'self' blob: {live_server.url}" in policy


def test_the_policy_names_muxs_host_and_stripe_only_when_they_can_be_used() -> None:
    urls = StreamUrls(
        public_url="https://flash.example",
        sandbox_ingest_url="rtmp://flash.example:1935/live",
        mux_ingest_url="rtmps://global-live.mux.com:443/app",
        mux_playback_base_url="https://stream.mux.com",
    )
    ticketed = Stream.model_validate(
        {
            "id": "s1",
            "title": "Album launch",
            "description": "",
            "language": "en",
            "status": "idle",
            "visibility": "ticketed",
            "price": {"amount": 20_000, "currency": "KES"},
            "latency_mode": "low",
            "scheduled_at": None,
            "playback_url": None,
            "reconnect_window": 60,
            "replays": [],
            "viewer_count": 0,
            "mode": "live",
            "creator": {"id": "u1", "display_name": "Wanjiru"},
            "created_at": "2026-01-01T00:00:00Z",
        }
    )
    plain = content_security_policy(ticketed, "flash.example", urls)
    assert "media-src 'self' blob: https://stream.mux.com;" in plain
    assert "stripe" not in plain
    with_cards = content_security_policy(ticketed, "flash.example", urls, cards=True)
    assert "script-src 'self' https://js.stripe.com https://*.js.stripe.com;" in with_cards
    assert "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com;" in (
        with_cards
    )
    assert "https://api.stripe.com" in with_cards.split("connect-src")[1].split(";")[0]


def test_a_creator_id_opens_that_creators_latest_stream(live_server: LiveServer) -> None:
    with live_server.client() as client:
        token, creator_id = register(client)
        create_stream(client, token, title="Older")
        newer = create_stream(client, token, title="Newer")
        _other_token, lonely_creator = register(client)
    response = page(live_server, creator_id)
    assert response.status_code == 200
    assert boot_of(response.text)["stream"]["id"] == newer["id"]
    assert page(live_server, lonely_creator).status_code == 404, "a creator with no stream"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("app.js", "text/javascript; charset=utf-8"),
        ("app.css", "text/css; charset=utf-8"),
        ("hls.light.min.js", "text/javascript; charset=utf-8"),
    ],
)
def test_assets_are_served_gzipped_with_their_types(
    live_server: LiveServer, name: str, media_type: str
) -> None:
    url = f"{live_server.url}/fanpage/{name}"
    with httpx.Client(timeout=15) as client:
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["content-type"] == media_type
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(plain.content)
    assert "content-encoding" not in plain.headers
    assert zipped.content == plain.content == (STATIC_DIR / name).read_bytes()


def test_versioned_asset_urls_are_cached_for_good(live_server: LiveServer) -> None:
    with live_server.client() as client:
        token, _creator_id = register(client)
        stream = create_stream(client, token)
    html = page(live_server, stream["id"]).text
    script = re.search(r'<script src="(/fanpage/app\.js\?v=[0-9a-f]+)"', html)
    assert script, html
    versioned = httpx.get(live_server.url + script.group(1), timeout=15)
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    stale = httpx.get(f"{live_server.url}/fanpage/app.js?v=old", timeout=15)
    assert stale.headers["cache-control"] == "public, max-age=300"


@pytest.mark.parametrize("name", ["index.html", "..%2Fassets.py", "nope.js", "assets.py"])
def test_only_the_built_scripts_and_styles_are_served(live_server: LiveServer, name: str) -> None:
    assert httpx.get(f"{live_server.url}/fanpage/{name}", timeout=15).status_code == 404


def test_the_page_loads_nothing_from_another_host() -> None:
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        urls = set(re.findall(r"https?://[^\s\"'`)]+", text))
        allowed = INERT_URLS | CARD_ONLY_URLS
        assert urls <= allowed, f"{path.name} names {urls - allowed}"
        assert not re.search(r"""(src|href)=["']//""", text), f"{path.name}: protocol-relative URL"


def test_the_built_page_is_committed_beside_the_server() -> None:
    for name in ("index.html", "404.html", "app.js", "app.css", "hls.light.min.js"):
        assert (STATIC_DIR / name).is_file(), f"run `npm run build` in web/fanpage ({name})"


def test_an_install_without_the_built_page_says_so(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("server.fanpage.page.asset", lambda _name: None)
    response = page(live_server, "any-stream")
    assert response.status_code == 503
    assert "npm run build" in response.text
