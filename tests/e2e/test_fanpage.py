"""The fan page in a real headless Chromium against the real server on loopback.

A creator goes live with `flash-studio go-live` (a test pattern into the sandbox ingest);
a fan opens /live/{id}, sees the player attach, chats (a Python Socket.IO client reads
it) and tips with a sandbox M-Pesa number, while the creator's earnings rise by the net.
"""

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.support.chat import connect, guest
from tests.support.live_server import LiveServer
from tests.support.payments import bearer, register

PAYS = "+254712345678"  # the sandbox pays (README, "Sandbox payments")
WRONG_PIN = "0712340003"  # local form: the page sends +254712340003, the sandbox fails it
PHONE: ViewportSize = {"width": 360, "height": 780}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


def go_live(stream: dict[str, Any], seconds: int) -> subprocess.Popen[str]:
    command = [
        sys.executable, "-m", "studio.core.go_live_cli",
        "--ingest", stream["ingest_url"], "--stream-key", stream["stream_key"],
        "--source", "test-pattern", "--duration", str(seconds), "--preset", "360p",
    ]  # fmt: skip
    return subprocess.Popen(command, stderr=subprocess.PIPE, text=True)


def wait_until(check: Any, timeout: float = 40, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def net_kes(client: httpx.Client, token: str) -> int:
    summary = client.get("/earnings/summary", headers=bearer(token)).raise_for_status().json()
    return sum(row["net"] for row in summary["totals"] if row["currency"] == "KES")


@pytest.fixture
def creator(live_server: LiveServer) -> Iterator[dict[str, Any]]:
    with live_server.client() as client:
        creator_id, token = register(client, display_name="Wanjiru")
        stream = (
            client.post("/streams", json={"title": "Nairobi nights"}, headers=bearer(token))
            .raise_for_status()
            .json()
        )
    yield {"id": creator_id, "token": token, "stream": stream}


@pytest.fixture
def on_air(live_server: LiveServer, creator: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The creator's stream, live with a test pattern, its playlist already served."""
    stream = creator["stream"]
    push = go_live(stream, seconds=45)
    try:
        with live_server.client() as client:
            url = f"/streams/{stream['id']}"
            wait_until(lambda: client.get(url).json()["status"] == "active", what="going live")
        wait_until(
            lambda: httpx.get(stream["playback_url"], timeout=5).status_code == 200,
            what="the HLS playlist",
        )
        yield creator
    finally:
        push.terminate()
        push.wait(timeout=20)
        assert push.stderr is not None
        push.stderr.close()


async def open_page(browser: Browser, live: LiveServer, ref: str, viewport: ViewportSize) -> Page:
    context = await browser.new_context(viewport=viewport, locale="en-GB")
    page = await context.new_page()
    await page.goto(f"{live.url}/live/{ref}")
    return page


async def test_a_fan_watches_chats_and_tips(
    browser: Browser, live_server: LiveServer, on_air: dict[str, Any], shots: Path
) -> None:
    stream_id = on_air["stream"]["id"]
    page = await open_page(browser, live_server, stream_id, PHONE)
    await expect(page.locator("#title")).to_have_text("Nairobi nights")
    await expect(page.locator("#status")).to_have_text("Live")

    # The player attaches: hls.js parsed the manifest (or native HLS read the metadata).
    await expect(page.locator("body")).to_have_attribute("data-player", "ready", timeout=30_000)
    await page.wait_for_function("() => document.querySelector('#video').readyState > 0")
    # ... and plays: the clock moves, and no fatal player error was reported.
    await page.wait_for_function("() => document.querySelector('#video').currentTime > 0.5")
    assert await page.evaluate("() => document.body.dataset.playerError") is None

    # Chat: what the fan writes reaches another Socket.IO client.
    reader = await connect(live_server, await guest(live_server, "Reader"))
    try:
        await reader.join(stream_id)
        await page.fill("#chat-name", "Achieng")
        await page.fill("#chat-text", "Habari from the page")
        await page.click("#chat-form button[type=submit]")
        seen = await reader.wait_for("message", lambda m: m["text"] == "Habari from the page")
        assert seen["author"]["name"] == "Achieng"
        assert seen["author"]["role"] == "guest"
        await expect(page.locator("#messages")).to_contain_text("Habari from the page")
    finally:
        await reader.close()
    await page.screenshot(path=str(shots / "fanpage_live_360.png"))

    # Tip: KES 100 with a number that pays; pending first, then succeeded, net credited.
    with live_server.client() as client:
        before = net_kes(client, on_air["token"])
    await page.click("#tip")
    await page.click("[data-amount='10000']")
    await page.fill("#pay-message", "Asante sana")
    await page.fill("#pay-phone", "12345")
    await page.click("#pay-submit")
    await expect(page.locator("#pay-error")).to_contain_text("+254 7XX XXX XXX")
    await page.fill("#pay-phone", PAYS)
    await page.screenshot(path=str(shots / "fanpage_tip_360.png"))
    await page.click("#pay-submit")
    state = page.locator("#pay-state")
    await expect(state).to_have_attribute("data-status", "pending", timeout=10_000)
    await expect(state).to_contain_text("phone")
    await expect(state).to_have_attribute("data-status", "succeeded", timeout=30_000)
    await expect(state).to_contain_text("Thank you")
    with live_server.client() as client:
        wait_until(lambda: net_kes(client, on_air["token"]) == before + 9_000, what="net +90")
    await expect(page.locator("#messages")).to_contain_text("Asante sana")

    await page.set_viewport_size(DESKTOP)
    await page.click("[data-action=close]")
    await page.screenshot(path=str(shots / "fanpage_live_1280.png"))


async def test_a_declined_tip_and_an_under_minimum_amount_say_why(
    browser: Browser, live_server: LiveServer, creator: dict[str, Any], shots: Path
) -> None:
    page = await open_page(browser, live_server, creator["stream"]["id"], PHONE)
    await expect(page.locator("#notice")).to_contain_text("has not started")
    await page.click("#tip")
    await page.fill("#pay-amount", "5")
    await page.fill("#pay-phone", WRONG_PIN)
    await page.click("#pay-submit")
    await expect(page.locator("#pay-error")).to_contain_text("KES 10")
    await page.fill("#pay-amount", "20")
    await page.click("#pay-submit")
    state = page.locator("#pay-state")
    await expect(state).to_have_attribute("data-status", "failed", timeout=30_000)
    await expect(state).to_contain_text("did not go through")
    await page.screenshot(path=str(shots / "fanpage_failed_360.png"))
    await page.click("[data-action=again]")  # back to the form, as it was, for a new attempt
    await expect(page.locator("#pay-amount")).to_have_value("20")
    await expect(page.locator("#pay-submit")).to_have_text("Pay KES 20")


async def test_the_server_gone_mid_tip_keeps_the_same_attempt(
    browser: Browser, live_server: LiveServer, creator: dict[str, Any]
) -> None:
    """The first POST is cut before it reaches the server; Retry sends the same key, and the
    fan is charged once."""
    page = await open_page(browser, live_server, creator["stream"]["id"], PHONE)
    keys: list[str] = []
    cut = asyncio.Event()

    async def flaky(route: Any) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if not cut.is_set():
            cut.set()
            await route.abort("connectionreset")
        else:
            await route.continue_()

    await page.route("**/api/v1/payments", flaky)
    await page.click("#tip")
    await page.fill("#pay-phone", PAYS)
    await page.click("#pay-submit")
    state = page.locator("#pay-state")
    await expect(state).to_have_attribute("data-status", "network")
    await page.click("[data-action=retry]")
    await expect(state).to_have_attribute("data-status", "succeeded", timeout=30_000)
    assert len(keys) == 2 and keys[0] == keys[1]


async def test_french_and_the_404_page(
    browser: Browser, live_server: LiveServer, creator: dict[str, Any], shots: Path
) -> None:
    context = await browser.new_context(viewport=PHONE, locale="fr-FR")
    page = await context.new_page()
    await page.goto(f"{live_server.url}/live/{creator['stream']['id']}")
    await expect(page.locator("#tip")).to_have_text("Envoyer un pourboire")
    await page.click("#tip")
    await page.screenshot(path=str(shots / "fanpage_fr_tip_360.png"))
    await page.click("[data-action=close]")
    await page.click("#lang")
    await expect(page.locator("#tip")).to_have_text("Send a tip")
    response = await page.goto(f"{live_server.url}/live/does-not-exist")
    assert response is not None and response.status == 404
    await expect(page.locator("h1").first).to_have_text("This stream does not exist")
    await page.screenshot(path=str(shots / "fanpage_404_360.png"))


async def test_a_ticketed_stream_asks_for_a_ticket_first(
    browser: Browser, live_server: LiveServer, creator: dict[str, Any], shots: Path
) -> None:
    with live_server.client() as client:
        stream = (
            client.post(
                "/streams",
                json={
                    "title": "Album launch",
                    "visibility": "ticketed",
                    "price": {"amount": 20_000, "currency": "KES"},
                },
                headers=bearer(creator["token"]),
            )
            .raise_for_status()
            .json()
        )
    page = await open_page(browser, live_server, stream["id"], PHONE)
    notice = page.locator("#notice")
    await expect(notice).to_contain_text("This stream needs a ticket: KES 200")
    await expect(page.locator("#video")).to_be_hidden()
    await page.screenshot(path=str(shots / "fanpage_ticket_360.png"))
    await notice.get_by_role("button").click()
    await expect(page.locator("#pay")).to_contain_text("KES 200")
    await expect(page.locator("#pay-amount")).to_have_count(0)  # the price is not the fan's
    await page.fill("#pay-phone", PAYS)
    await page.click("#pay-submit")
    state = page.locator("#pay-state")
    await expect(state).to_have_attribute("data-status", "succeeded", timeout=30_000)
    await page.click("[data-action=close]")
    # The server now gives this fan the playback URL: no more ticket request.
    await expect(notice).not_to_contain_text("needs a ticket")
    await expect(notice).to_contain_text("has not started")

    # A reload reads the stream with the token that bought the ticket: no paying twice.
    await page.reload()
    await expect(notice).to_contain_text("has not started")
    # Chatting under a new name makes a new guest; the ticket stays with its buyer's token.
    await page.fill("#chat-name", "Zawadi")
    await page.fill("#chat-text", "Ready for the launch")
    await page.click("#chat-form button[type=submit]")
    await expect(page.locator("#messages")).to_contain_text("Ready for the launch")
    await page.reload()
    await expect(notice).to_contain_text("has not started")
    await page.screenshot(path=str(shots / "fanpage_ticket_held_360.png"))


async def test_members_only_and_banned_chat_say_so(
    browser: Browser, live_server: LiveServer, creator: dict[str, Any]
) -> None:
    stream_id = creator["stream"]["id"]
    page = await open_page(browser, live_server, stream_id, PHONE)
    moderator = await connect(live_server, creator["token"])
    try:
        await moderator.join(stream_id)
        await page.fill("#chat-name", "Kamau")
        await page.fill("#chat-text", "first")
        await page.click("#chat-form button[type=submit]")
        said = await moderator.wait_for("message", lambda m: m["text"] == "first")

        ban = {"stream_id": stream_id, "action": "ban", "user_id": said["author"]["id"]}
        assert (await moderator.call("moderate", ban))["ok"]
        note = page.locator("#chat-note")
        await expect(note).to_contain_text("You were removed from this chat")
        await page.fill("#chat-text", "second")
        await page.click("#chat-form button[type=submit]")
        await expect(note).to_contain_text("You cannot write in this chat")

        members = {"stream_id": stream_id, "action": "members_only", "enabled": True}
        assert (await moderator.call("moderate", members))["ok"]
        await expect(note).to_contain_text("Create a free fan account")
        await expect(page.locator("#chat-form")).to_be_hidden()
    finally:
        await moderator.close()


async def test_an_open_page_starts_playing_when_the_creator_goes_live(
    browser: Browser, live_server: LiveServer, creator: dict[str, Any], shots: Path
) -> None:
    page = await open_page(browser, live_server, creator["stream"]["id"], DESKTOP)
    await expect(page.locator("#status")).to_have_text("Upcoming")
    await page.screenshot(path=str(shots / "fanpage_upcoming_1280.png"))
    push = go_live(creator["stream"], seconds=15)
    try:
        await expect(page.locator("#status")).to_have_text("Live", timeout=30_000)
        await expect(page.locator("body")).to_have_attribute("data-player", "ready", timeout=30_000)
        await page.wait_for_function("() => document.querySelector('#video').currentTime > 0.5")
    finally:
        push.terminate()
        push.wait(timeout=20)
        assert push.stderr is not None
        push.stderr.close()


# A provider's page on another host and a live Stripe client secret cannot come from the
# sandboxes, so these tests make a real M-Pesa sandbox payment and swap only the
# `next_action` of the server's 201 (the contract's shapes, server/contract/payments.py);
# everything after it, the payment's status included, is the real server's. The last test
# follows the card sandbox's own redirect, unchanged.
STRIPE_JS = "https://js.stripe.com/v3"
PROVIDER_PAGE = "https://pay.orange.test/checkout/42"
# Stripe.js's documented surface (Stripe(), elements(), create("payment").mount(),
# confirmPayment()), recording each call; the first confirmation is mistyped (Stripe's
# `validation_error`: nothing reached the bank, so the same form and payment go on).
FAKE_STRIPE_JS = """
window.__stripe = [];
window.Stripe = function (key, options) {
  __stripe.push(["Stripe", key, options && options.locale]);
  return {
    elements: function (o) {
      __stripe.push(["elements", o.clientSecret]);
      return { create: function (type) {
        __stripe.push(["create", type]);
        return { on: function () {}, destroy: function () {}, mount: function (el) {
          var box = document.createElement("div");
          box.id = "stripe-frame";
          box.textContent = "4242 4242 4242 4242";
          el.appendChild(box);
          __stripe.push(["mount", el.id]);
        } };
      } };
    },
    confirmPayment: function (o) {
      __stripe.push(["confirmPayment", o.confirmParams.return_url, o.redirect]);
      var first = __stripe.filter(function (c) { return c[0] === "confirmPayment"; }).length === 1;
      return Promise.resolve(first
        ? { error: { type: "validation_error", message: "Your card number is incomplete." } }
        : { paymentIntent: { id: "pi_1", status: "processing" } });
    },
  };
};
"""


async def answer_with(page: Page, action: dict[str, Any], created: list[str]) -> None:
    """Let the payment calls reach the real server; hand the page `action` as its next step."""

    async def swap(route: Any) -> None:
        response = await route.fetch()
        body = await response.json()
        if response.status == 201:
            created.append(body["id"])
        if response.status in (200, 201) and body.get("next_action"):
            body["next_action"] = action  # what the payment asks, read back the same way
        await route.fulfill(response=response, json=body)

    await page.route("**/api/v1/payments", swap)
    await page.route("**/api/v1/payments/*", swap)


async def test_a_payment_on_the_providers_page_is_shown_when_the_fan_comes_back(
    browser: Browser, live_server: LiveServer, creator: dict[str, Any], shots: Path
) -> None:
    with live_server.client() as client:
        body = {"title": "Album launch", "visibility": "ticketed",
                "price": {"amount": 20_000, "currency": "KES"}}  # fmt: skip
        stream = client.post("/streams", json=body, headers=bearer(creator["token"])).json()
    page = await open_page(browser, live_server, stream["id"], PHONE)
    created: list[str] = []
    await answer_with(page, {"type": "redirect", "url": PROVIDER_PAGE}, created)
    visited: list[str] = []

    async def provider(route: Any) -> None:
        visited.append(route.request.url)
        await route.fulfill(content_type="text/html", body="<h1>Orange Money</h1>")

    await page.route("https://pay.orange.test/**", provider)
    await page.locator("#notice").get_by_role("button").click()
    await page.fill("#pay-phone", PAYS)
    await page.click("#pay-submit")
    await page.wait_for_url(PROVIDER_PAGE)
    assert visited == [PROVIDER_PAGE]
    await expect(page.locator("h1")).to_have_text("Orange Money")

    # Back on the fan page (from /pay/{id}, or the Back button): the outcome, then the player.
    await page.goto(f"{live_server.url}/live/{stream['id']}")
    state = page.locator("#pay-state")
    await expect(state).to_have_attribute("data-status", "succeeded", timeout=30_000)
    await page.screenshot(path=str(shots / "fanpage_back_from_provider_360.png"))
    await page.click("[data-action=close]")
    await expect(page.locator("#notice")).to_contain_text("has not started")
    # The outcome was shown once: the next visit does not ask again.
    await page.reload()
    await expect(page.locator("#notice")).to_contain_text("has not started")
    await expect(page.locator("#sheet")).to_be_hidden()
    assert len(created) == 1


async def test_a_card_payment_loads_stripe_only_then_and_confirms_in_the_page(
    browser: Browser, live_server: LiveServer, creator: dict[str, Any], shots: Path
) -> None:
    """A real card payment in the sandbox, handed to the page as Stripe would hand it (a
    client secret); the sandbox's own card form then plays Stripe's side of the
    confirmation, so the payment's outcome is still the server's."""
    # The page's policy allows js.stripe.com only where cards are live
    # (tests/server/test_fanpage_routes.py); here they are sandboxed.
    context = await browser.new_context(viewport=PHONE, locale="fr-FR", bypass_csp=True)
    page = await context.new_page()
    stripe_loads: list[str] = []

    async def stripe_js(route: Any) -> None:
        stripe_loads.append(route.request.url)
        await route.fulfill(content_type="text/javascript", body=FAKE_STRIPE_JS)

    await page.route(STRIPE_JS, stripe_js)
    created: list[str] = []
    secret = {"type": "stripe_client_secret", "client_secret": "pi_1_secret_2",
              "publishable_key": "pk_test_123"}  # fmt: skip
    await answer_with(page, secret, created)
    await page.goto(f"{live_server.url}/live/{creator['stream']['id']}")
    await page.click("#tip")
    assert stripe_loads == [], "nothing from Stripe before a card payment"
    await page.click("[data-method=card]")
    await page.click("#pay-submit")
    await expect(page.locator("#stripe-frame")).to_be_visible()
    assert stripe_loads == [STRIPE_JS]
    await expect(page.locator("#pay-submit")).to_contain_text("Payer")
    await page.screenshot(path=str(shots / "fanpage_card_fr_360.png"))

    # A reload mid-payment offers to go on with the same payment, in a card form that stays.
    await page.reload()
    await expect(page.locator("#pay-state")).to_have_attribute("data-status", "pending")
    await page.click("[data-action=continue]")
    await expect(page.locator("#stripe-frame")).to_be_visible()
    await page.wait_for_timeout(2_500)  # past a poll of the payment: nothing redraws the form
    await expect(page.locator("#stripe-frame")).to_be_visible()
    assert stripe_loads == [STRIPE_JS, STRIPE_JS]

    await page.click("#pay-submit")
    await expect(page.locator("#pay-error")).to_have_text("Your card number is incomplete.")
    await page.click("#pay-submit")  # the same payment, corrected in the same form
    state = page.locator("#pay-state")
    await expect(state).to_have_attribute("data-status", "pending")
    await expect(state).to_contain_text("confirmation du paiement")
    (payment_id,) = created
    async with httpx.AsyncClient(timeout=15) as http:
        confirmed = await http.post(
            f"{live_server.url}/pay/{payment_id}/sandbox-card",
            data={"number": "4242 4242 4242 4242"},
        )
    assert confirmed.status_code == 303, confirmed.text
    await expect(state).to_have_attribute("data-status", "succeeded", timeout=30_000)
    calls = await page.evaluate("() => window.__stripe")
    return_url = f"{live_server.url}/pay/{payment_id}"
    assert calls == [
        ["Stripe", "pk_test_123", "fr"],
        ["elements", "pi_1_secret_2"],
        ["create", "payment"],
        ["mount", "card-element"],
        ["confirmPayment", return_url, "if_required"],
        ["confirmPayment", return_url, "if_required"],
    ]


async def test_a_card_tip_through_the_sandbox_card_page_ends_back_on_the_fan_page(
    browser: Browser, live_server: LiveServer, creator: dict[str, Any]
) -> None:
    """The real redirect: the card sandbox's page, then /pay/{id}, then back to the stream."""
    page = await open_page(browser, live_server, creator["stream"]["id"], PHONE)
    await page.click("#tip")
    await page.click("[data-method=card]")
    await page.click("#pay-submit")
    await page.wait_for_url("**/sandbox-card")
    await page.fill("#number", "4242 4242 4242 4242")
    await page.click("button[type=submit]")
    await page.click("#back")
    await page.wait_for_url(f"**/live/{creator['stream']['id']}")
    state = page.locator("#pay-state")
    await expect(state).to_have_attribute("data-status", "succeeded", timeout=30_000)
    await expect(state).to_contain_text("Thank you")
