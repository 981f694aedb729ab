"""The chat panel's model and queue on their own: batches, the cap, order and deletions."""

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from server.contract.chat import ChatAuthor, ChatMessage, ChatRole
from studio.core.chat_ids import SeenIds, merge_by_id
from studio.ui.chat.model import ChatListModel, MessageFeed
from studio.ui.chat.words import fill


def message(n: int, text: str = "") -> ChatMessage:
    author = ChatAuthor(id="guest_1", name="Amani", role=ChatRole.GUEST)
    return ChatMessage(
        id=f"{n:012d}",
        stream_id="s1",
        author=author,
        text=text or f"hello {n}",
        sent_at=datetime.now(UTC),
    )


def test_one_insert_per_batch_and_only_the_newest_are_kept(qtbot: QtBot) -> None:
    model = ChatListModel(limit=100)
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))
    model.append([message(n) for n in range(1, 41)])
    model.append([message(n) for n in range(41, 131)])
    assert inserts == [(0, 39), (40, 129)]
    assert len(model.rows) == 100
    assert model.rows[0].id == message(31).id and model.rows[-1].id == message(130).id


def test_repeats_are_dropped_and_a_late_message_takes_its_place(qtbot: QtBot) -> None:
    model = ChatListModel()
    model.append([message(1), message(3)])
    model.append([message(3), message(2)])
    assert [m.id for m in model.rows] == [message(n).id for n in (1, 2, 3)]
    assert model.remove(message(2).id) and not model.remove(message(2).id)
    assert [m.text for m in model.rows] == ["hello 1", "hello 3"]


def test_the_feed_batches_and_a_deletion_reaches_the_queue_too(qtbot: QtBot) -> None:
    model = ChatListModel()
    feed = MessageFeed(model)
    for n in range(1, 6):
        feed.push([message(n)])
    feed.delete(message(2).id)
    assert model.rows == []  # nothing drawn before the flush
    qtbot.waitUntil(lambda: len(model.rows) == 4)
    assert feed.flushed_batches == 1
    assert message(2).id not in model.ids()


def test_seen_ids_know_the_newest_and_refuse_repeats() -> None:
    seen = SeenIds(window=3)
    assert [seen.add(f"{n:012d}") for n in (1, 2, 2, 5, 4)] == [True, True, False, True, True]
    assert seen.last == f"{5:012d}"
    assert not seen.add(f"{1:012d}")  # older than the window: told long ago
    assert [m.id for m in merge_by_id([message(3), message(1), message(3)])] == [
        message(1).id,
        message(3).id,
    ]


def test_placeholders_are_filled_once() -> None:
    assert fill("%1: %2", "Fan %2", "hi %1") == "Fan %2: hi %1"
