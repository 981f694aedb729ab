"""The chat panel against the real bundled server, with real Socket.IO fans beside it."""

import os
import signal
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from server.contract import RegisterRequest
from server.contract.chat import MAX_MESSAGE_CHARS
from studio.core.chat_client import ChatState
from studio.startup import Studio
from studio.ui.chat import ChatPanel
from tests.studio.conftest import StudioRunner, finish
from tests.support import chat

SHOTS = Path("/tmp/shots")
WAIT_MS = 20_000
TITLE = "Live from Nairobi"


async def _token(token: str) -> str:
    return token


def creator_with_stream(qtbot: QtBot, studios: StudioRunner) -> tuple[Studio, str]:
    """A studio signed in as a creator who has one stream, its chat joined."""
    studio = studios.open()
    form = RegisterRequest(
        email=f"awa-{uuid.uuid4().hex[:8]}@example.com",
        password="river-sun-42",
        display_name="Awa Diop",
        country="KE",
        currency="KES",
    )
    finish(qtbot, studio.session.sign_up(form))
    token = finish(qtbot, studio.session.authorized(_token))
    with httpx.Client(base_url=studio.api.base_url + "/api/v1", timeout=15) as http:
        answer = http.post("/streams", json={"title": TITLE}, headers=chat.bearer(token))
        stream_id: str = answer.raise_for_status().json()["id"]
    joined: list[Any] = []
    studio.live.chat.joined.connect(joined.append)
    finish(qtbot, studio.live.refresh_streams())
    qtbot.waitUntil(lambda: bool(joined), timeout=WAIT_MS)
    return studio, stream_id


def fan_server(studio: Studio) -> Any:
    """What the test helpers need of a server: its root URL and its API URL."""
    return SimpleNamespace(url=studio.api.base_url, api=studio.api.base_url + "/api/v1")


def lines(panel: ChatPanel) -> list[str]:
    panel.feed.flush()
    return [panel.model.text_of(message) for message in panel.model.rows]


def grab(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # let the layouts catch up with new words first
    widget.grab().save(str(SHOTS / name))


def test_the_creator_chats_with_a_fan_and_moderates(qtbot: QtBot, studios: StudioRunner) -> None:
    studio, stream_id = creator_with_stream(qtbot, studios)
    panel = studio.shell.chat.panel
    studio.shell.open("chat")
    assert panel.stream_label.text() == TITLE
    server = fan_server(studio)
    fan = finish(qtbot, chat.connect(server, finish(qtbot, chat.guest(server, "Baraka"))))
    finish(qtbot, fan.join(stream_id))

    ack = finish(qtbot, fan.send(stream_id, "Habari from Mombasa!", "fan-1"))
    assert ack["ok"]
    qtbot.waitUntil(lambda: "Baraka: Habari from Mombasa!" in lines(panel), timeout=WAIT_MS)

    qtbot.keyClicks(panel.input, "Karibu sana, Baraka")
    panel.send_button.click()
    mine = "Awa Diop (you): Karibu sana, Baraka"
    qtbot.waitUntil(lambda: mine in lines(panel), timeout=WAIT_MS)
    finish(qtbot, fan.wait_for("message", lambda m: m["text"] == "Karibu sana, Baraka"))
    qtbot.waitUntil(lambda: panel.input.text() == "")
    assert lines(panel).count(mine) == 1
    assert panel.error_text == ""

    panel.input.setText("a" * (MAX_MESSAGE_CHARS + 1))
    panel.send_button.click()
    qtbot.waitUntil(lambda: panel.error_text != "", timeout=WAIT_MS)
    assert panel.error_text.startswith("This message is too long")
    assert panel.input.text() != ""  # kept, to be shortened

    own = next(i for i, m in enumerate(panel.model.rows) if m.text == "Karibu sana, Baraka")
    menu = panel.menu_for(own)
    assert menu is not None
    assert [action.text() for action in menu.actions()] == ["Delete", "Pin"]
    menu.actions()[1].trigger()
    qtbot.waitUntil(lambda: panel.pinned_banner.isVisible(), timeout=WAIT_MS)
    assert panel.pinned_banner.text.text() == f"Pinned: {mine}"
    finish(qtbot, fan.wait_for("pinned", lambda p: p["message"] is not None))

    grab(panel, "chat_light.png")
    studios.appearance.set_theme("dark")
    grab(panel, "chat_dark.png")
    finish(qtbot, studios.appearance.set_language("fr"))
    qtbot.waitUntil(lambda: panel.send_button.text() == "Envoyer")
    grab(studio.shell.chat, "chat_fr_dark.png")
    studios.appearance.set_theme("light")
    grab(studio.shell.chat, "chat_fr_light.png")
    finish(qtbot, studios.appearance.set_language("en"))

    row = next(i for i, m in enumerate(panel.model.rows) if m.text == "Habari from Mombasa!")
    doomed = panel.model.rows[row].id
    menu = panel.menu_for(row)
    assert menu is not None
    names = [action.text() for action in menu.actions() if action.text()]
    assert names == [
        "Delete",
        "Pin",
        "Time out for 5 minutes",
        "Ban from this chat",
        "Let back in (lift a ban or time-out)",
    ]  # a guest: no account to make a moderator
    next(action for action in menu.actions() if action.text() == "Delete").trigger()
    finish(qtbot, fan.wait_for("deleted", lambda d: d["id"] == doomed))
    qtbot.waitUntil(lambda: doomed not in panel.model.ids(), timeout=WAIT_MS)

    panel.members_only.click()
    finish(qtbot, fan.wait_for("chat_settings", lambda s: s["audience"] == "members"))
    refused = finish(qtbot, fan.send(stream_id, "May I?", "fan-2"))
    assert refused["error"]["code"] == "members_only"
    panel.members_only.click()
    finish(qtbot, fan.wait_for("chat_settings", lambda s: s["audience"] == "everyone"))
    ten_seconds = panel.slow_mode.findData(10)
    panel.slow_mode.setCurrentIndex(ten_seconds)
    panel.slow_mode.activated.emit(ten_seconds)
    finish(qtbot, fan.wait_for("chat_settings", lambda s: s["slow_mode_s"] == 10))
    refused = finish(qtbot, fan.send(stream_id, "Again!", "fan-4"))
    assert refused["error"]["code"] == "slow_mode"
    panel.slow_mode.setCurrentIndex(0)
    panel.slow_mode.activated.emit(0)
    finish(qtbot, fan.wait_for("chat_settings", lambda s: s["slow_mode_s"] == 0))

    panel.blocked_words.setText("spoiler, The  Ending")
    panel.save_words.click()
    qtbot.waitUntil(lambda: panel.blocked_words.text() == "spoiler, the ending", timeout=WAIT_MS)
    refused = finish(qtbot, fan.send(stream_id, "The ending is sad", "fan-3"))
    assert refused["error"]["code"] == "blocked_word"
    finish(qtbot, fan.close())


def test_the_chat_reconnects_after_the_server_restarts_and_catches_up(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    studio, stream_id = creator_with_stream(qtbot, studios)
    panel = studio.shell.chat.panel
    server = fan_server(studio)
    fan = finish(qtbot, chat.connect(server, finish(qtbot, chat.guest(server, "Zawadi"))))
    finish(qtbot, fan.join(stream_id))
    for n in range(3):
        finish(qtbot, fan.send(stream_id, f"before {n}", f"before-{n}"))
    qtbot.waitUntil(lambda: "Zawadi: before 2" in lines(panel), timeout=WAIT_MS)
    finish(qtbot, fan.close())

    assert studio.bundled is not None and studio.bundled.pid is not None
    os.kill(studio.bundled.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: panel.status_text.startswith("Reconnecting"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: studio.live.chat.status.state is ChatState.CONNECTED, timeout=90_000)
    assert panel.status_text == ""

    fan = finish(qtbot, chat.connect(fan_server(studio), fan.token))
    finish(qtbot, fan.join(stream_id))
    finish(qtbot, fan.send(stream_id, "after the restart", "after-1"))
    qtbot.waitUntil(lambda: "Zawadi: after the restart" in lines(panel), timeout=WAIT_MS)
    ids = panel.model.ids()
    assert len(ids) == len(set(ids))
    texts = [m.text for m in panel.model.rows]
    assert texts == ["before 0", "before 1", "before 2", "after the restart"]
    finish(qtbot, fan.close())


def test_go_live_shows_the_chat_beside_the_controls_and_names_moderators(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    """On air, the creator reads, answers and moderates without leaving Go Live."""
    studio, stream_id = creator_with_stream(qtbot, studios)
    studio.shell.open("go_live")
    dock = studio.shell.go_live.chat
    assert dock.isVisible() and dock.members_only.isHidden()  # the room's rules stay in Chat
    server = fan_server(studio)
    account = finish(qtbot, chat.register(server, name="Kofi"))
    fan = finish(qtbot, chat.connect(server, account["token"]))
    finish(qtbot, fan.join(stream_id))
    assert finish(qtbot, fan.send(stream_id, "Hello from Accra", "k-1"))["ok"]
    qtbot.waitUntil(lambda: "Kofi: Hello from Accra" in lines(dock), timeout=WAIT_MS)
    assert "Kofi: Hello from Accra" in lines(studio.shell.chat.panel)  # the same room, twice

    qtbot.keyClicks(dock.input, "Akwaaba!")
    dock.send_button.click()
    finish(qtbot, fan.wait_for("message", lambda m: m["text"] == "Akwaaba!"))

    row = next(i for i, m in enumerate(dock.model.rows) if m.text == "Hello from Accra")
    menu = dock.menu_for(row)
    assert menu is not None
    labels = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert labels[-2:] == ["Let back in (lift a ban or time-out)", "Make moderator"]

    menu.actions()[-1].trigger()  # make Kofi a moderator
    qtbot.waitUntil(lambda: account["id"] in dock.moderator_ids, timeout=WAIT_MS)
    token = finish(qtbot, studio.session.authorized(_token))
    with httpx.Client(base_url=server.api, timeout=15) as http:
        named = http.get(f"/streams/{stream_id}/moderators", headers=chat.bearer(token)).json()
    assert [m["display_name"] for m in named] == ["Kofi"]
    again = dock.menu_for(row)
    assert again is not None and again.actions()[-1].text() == "Remove as moderator"
    again.actions()[-1].trigger()
    qtbot.waitUntil(lambda: not dock.moderator_ids, timeout=WAIT_MS)

    ban = next(a for a in menu.actions() if a.text() == "Ban from this chat")
    ban.trigger()
    finish(qtbot, fan.wait_for("moderation", lambda n: n["action"] == "ban"))
    refused = finish(qtbot, fan.send(stream_id, "still here?", "k-2"))
    assert refused["error"]["code"] == "banned"
    let_in = next(a for a in menu.actions() if a.text().startswith("Let back in"))
    let_in.trigger()
    finish(qtbot, fan.wait_for("moderation", lambda n: n["action"] == "unban"))
    assert finish(qtbot, fan.send(stream_id, "thank you", "k-3"))["ok"]
    assert dock.error_text == ""
    grab(studio.window, "go_live_with_chat.png")
    finish(qtbot, fan.close())
