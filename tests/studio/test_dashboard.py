"""The dashboard against the real bundled server: viewers as fans join, a toast per tip."""

import uuid

import httpx
from pytestqt.qtbot import QtBot

from tests.studio.conftest import StudioRunner, finish
from tests.studio.test_chat_dock import WAIT_MS, creator_with_stream, fan_server, grab, lines
from tests.support import chat

SANDBOX_PHONE = "+254712345678"


def test_viewers_and_a_sandbox_tip_reach_the_dashboard(qtbot: QtBot, studios: StudioRunner) -> None:
    studio, stream_id = creator_with_stream(qtbot, studios)
    dashboard = studio.shell.dashboard
    studio.shell.open("dashboard")
    server = fan_server(studio)
    guest_token = finish(qtbot, chat.guest(server, "Kofi"))
    fans = [finish(qtbot, chat.connect(server, guest_token)) for _ in range(2)]
    for fan in fans:
        finish(qtbot, fan.join(stream_id))
    qtbot.waitUntil(lambda: dashboard.viewers_value.text() == "2", timeout=WAIT_MS)

    assert studio.session.user is not None
    body = {
        "kind": "tip",
        "method": "mpesa",
        "amount": 25_000,
        "currency": "KES",
        "creator_id": studio.session.user.id,
        "stream_id": stream_id,
        "phone": SANDBOX_PHONE,
        "message": "Asante for the music!",
    }
    headers = chat.bearer(guest_token) | {"Idempotency-Key": uuid.uuid4().hex}
    with httpx.Client(base_url=server.api, timeout=15) as http:
        http.post("/payments", json=body, headers=headers).raise_for_status()
    expected = "Kofi tipped you KES\u00a0250.00"
    qtbot.waitUntil(
        lambda: any(text.startswith(expected) for text in dashboard.toasts.texts()),
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: "250.00" in dashboard.money_value.text(), timeout=WAIT_MS)
    panel = studio.shell.chat.panel
    highlighted = "★ Kofi tipped KES\u00a0250.00 — Asante for the music!"
    qtbot.waitUntil(lambda: highlighted in lines(panel), timeout=WAIT_MS)

    grab(dashboard, "dashboard_light.png")
    studios.appearance.set_theme("dark")
    grab(dashboard, "dashboard_dark.png")
    finish(qtbot, studios.appearance.set_language("fr"))
    qtbot.waitUntil(lambda: dashboard.title.text() == "Tableau de bord")
    grab(dashboard, "dashboard_fr_dark.png")
    studios.appearance.set_theme("light")
    grab(dashboard, "dashboard_fr_light.png")
    studio.shell.open("chat")
    grab(studio.shell.chat, "chat_fr_tip.png")
    finish(qtbot, studios.appearance.set_language("en"))
    for fan in fans:
        finish(qtbot, fan.close())


def test_a_new_subscriber_reaches_the_dashboard_and_the_chat(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    studio, stream_id = creator_with_stream(qtbot, studios)
    dashboard = studio.shell.dashboard
    studio.shell.open("dashboard")
    server = fan_server(studio)
    fan = finish(qtbot, chat.register(server, role="fan", name="Achieng"))
    assert studio.session.user is not None
    body = {
        "kind": "subscription",
        "method": "mpesa",
        "amount": 30_000,  # KES 300: one month
        "currency": "KES",
        "creator_id": studio.session.user.id,
        "stream_id": stream_id,
        "phone": SANDBOX_PHONE,
    }
    headers = chat.bearer(fan["token"]) | {"Idempotency-Key": uuid.uuid4().hex}
    with httpx.Client(base_url=server.api, timeout=15) as http:
        http.post("/payments", json=body, headers=headers).raise_for_status()
    qtbot.waitUntil(
        lambda: "Achieng subscribed to you" in dashboard.toasts.texts(), timeout=WAIT_MS
    )
    panel = studio.shell.chat.panel
    qtbot.waitUntil(lambda: "★ Achieng subscribed" in lines(panel), timeout=WAIT_MS)
