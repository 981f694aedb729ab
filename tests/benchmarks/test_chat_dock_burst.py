"""A burst of 5,000 chat messages through the panel's real path (core event → queue → model).

Prints the longest stall of the UI thread, measured by a 5 ms QTimer heartbeat, and
the time until every message was handled; asserts only that they were measured.
"""

import itertools
import time
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from server.contract.chat import ChatAuthor, ChatMessage, ChatRole
from studio.ui.chat import ChatPanel

pytestmark = pytest.mark.benchmark
BURST = 5_000
CHUNK = 50  # as Socket.IO delivers them: one event at a time, many per loop turn


def _message(n: int) -> ChatMessage:
    author = ChatAuthor(id=f"guest_{n % 40}", name=f"Fan {n % 40}", role=ChatRole.GUEST)
    text = f"Message number {n}: " + "habari " * (n % 12)
    return ChatMessage(
        id=f"{n:012d}", stream_id="s1", author=author, text=text, sent_at=datetime.now(UTC)
    )


def test_a_burst_of_messages_never_freezes_the_chat_panel(qtbot: QtBot) -> None:
    from PySide6.QtCore import QTimer

    panel = ChatPanel()
    qtbot.addWidget(panel)
    panel.resize(420, 640)
    panel.show()
    qtbot.waitExposed(panel)
    messages = [_message(n) for n in range(1, BURST + 1)]
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start()
    fed = 0

    def feed() -> None:
        nonlocal fed
        for message in messages[fed : fed + CHUNK]:
            panel.feed.push([message])
        fed += CHUNK

    feeder = QTimer()
    feeder.setInterval(1)
    feeder.timeout.connect(feed)
    start = time.perf_counter()
    feeder.start()
    qtbot.waitUntil(lambda: fed >= BURST, timeout=60_000)
    feeder.stop()
    qtbot.waitUntil(lambda: panel.model.rows and panel.model.rows[-1].id == messages[-1].id)
    done = time.perf_counter() - start
    qtbot.wait(200)
    heartbeat.stop()
    stalls = [later - earlier for earlier, later in itertools.pairwise(beats)]
    longest_ms = max(stalls) * 1000
    print(
        f"\nchat burst: {BURST} messages in {done * 1000:.0f} ms, "
        f"{panel.feed.flushed_batches} model batches, {len(panel.model.rows)} rows kept, "
        f"longest UI-thread stall {longest_ms:.1f} ms over {len(beats)} heartbeats"
    )
    assert stalls and len(panel.model.rows) == panel.model.limit
