"""The Go Live screen in a real signed-in studio, against the bundled server and its ingest."""

from pathlib import Path

import psutil
import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from server.contract.streams import OwnerStream, StreamStatus, Visibility
from studio.core.encoder import EncoderState
from studio.core.quality import PRESETS
from studio.startup import Studio
from studio.ui.go_live import GoLiveScreen
from studio.ui.go_live.quality_panel import CUSTOM
from studio.ui.go_live.stream_panel import MASK
from tests.studio.conftest import StudioRunner, finish
from tests.studio.test_accounts_flow import click, sign_up, type_into
from tests.support.live_server import free_port

LIVE_MS = 60_000
SHOTS = Path("/tmp/shots")


def open_go_live(qtbot: QtBot, studios: StudioRunner) -> tuple[Studio, GoLiveScreen]:
    studio = studios.open()
    studio.window.resize(1280, 900)
    sign_up(qtbot, studio)
    studio.shell.open("go_live")
    screen = studio.shell.go_live
    qtbot.waitUntil(screen.streams.form.isVisible, timeout=20_000)  # no stream yet: the form
    return studio, screen


def create_stream(qtbot: QtBot, screen: GoLiveScreen, title: str = "Friday live") -> OwnerStream:
    type_into(qtbot, screen.streams.title_input, title)
    click(qtbot, screen.streams.create_button)
    qtbot.waitUntil(lambda: screen.streams.current is not None, timeout=20_000)
    stream = screen.streams.current
    assert stream is not None and stream.title == title
    return stream


def shoot(qtbot: QtBot, widget: QWidget, name: str) -> None:
    """After a short pause, so a language or theme switch is laid out before the grab."""
    qtbot.wait(300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"go_live_{name}.png"))


def test_create_a_stream_see_its_masked_key_and_reset_it(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    studio, screen = open_go_live(qtbot, studios)
    panel = screen.streams
    stream = create_stream(qtbot, screen)
    # The docked chat is the new stream's at once, not "no stream yet".
    qtbot.waitUntil(lambda: stream.title in screen.chat.stream_label.text(), timeout=20_000)
    assert studio.live.stream is not None and studio.live.stream.id == stream.id

    assert panel.ingest_input.text() == stream.ingest_url
    assert panel.key_input.text() == MASK
    assert stream.stream_key not in panel.key_input.text()
    click(qtbot, panel.show_button)
    assert panel.key_input.text() == stream.stream_key
    click(qtbot, panel.show_button)
    assert panel.key_input.text() == MASK
    click(qtbot, panel.copy_button)
    assert panel.copied.isVisible()

    click(qtbot, panel.reset_button)
    assert panel.confirm.isVisible()
    click(qtbot, panel.cancel_reset)
    assert panel.current is not None and panel.current.stream_key == stream.stream_key
    click(qtbot, panel.reset_button)
    click(qtbot, panel.confirm_reset)
    qtbot.waitUntil(
        lambda: panel.current is not None and panel.current.stream_key != stream.stream_key
    )
    assert panel.key_input.text() == MASK
    qtbot.waitUntil(lambda: screen.sources.preview.has_picture, timeout=20_000)
    shoot(qtbot, studio.window, "idle_light")


def test_go_live_with_the_test_pattern_then_end_the_broadcast(
    qtbot: QtBot, studios: StudioRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    studio, screen = open_go_live(qtbot, studios)
    stream = create_stream(qtbot, screen)
    screen.quality.preset_box.setCurrentIndex(screen.quality.preset_box.findData("480p"))
    screen.quality.adaptive.setChecked(True)
    copies = tmp_path / "Videos" / "Flash Africa"
    monkeypatch.setattr(screen, "copies_folder", lambda: copies)  # not the tester's Videos
    screen.quality.keep_copy.setChecked(True)
    assert screen.client is not None

    click(qtbot, screen.live.go_button)
    qtbot.waitUntil(lambda: screen.live.status.state == EncoderState.LIVE, timeout=LIVE_MS)
    assert not screen.quality.adaptive.isEnabled()  # locked while live, like the preset
    assert screen.adaptive is not None and screen.encoder is not None
    assert not screen.live.notice.isVisible()
    screen.adaptive.stepped_down.emit(PRESETS["360p"])  # what the watcher says after a struggle
    assert screen.live.notice.isVisible() and "lowered the quality to 360p" in (
        screen.live.notice.text()
    )
    qtbot.waitUntil(lambda: screen.live.server.text() == "Live", timeout=LIVE_MS)
    assert finish(qtbot, screen.client.get(stream.id)).status == StreamStatus.ACTIVE
    assert screen.live.go_button.text() == "End"
    assert screen.sources.preview.paused_for_live
    assert not screen.streams.reset_button.isEnabled()
    qtbot.waitUntil(lambda: screen.live.bitrate.text() != "—", timeout=LIVE_MS)
    qtbot.waitUntil(lambda: screen.live.duration.text() != "—", timeout=LIVE_MS)
    qtbot.waitUntil(lambda: screen.live.speed.text().endswith("×"), timeout=LIVE_MS)
    qtbot.waitUntil(lambda: screen.live.cpu.text().endswith("%"), timeout=LIVE_MS)
    qtbot.waitUntil(lambda: screen.live.viewers_value.text() == "0", timeout=LIVE_MS)
    shoot(qtbot, studio.window, "live_light")
    studios.appearance.set_theme("dark")
    shoot(qtbot, studio.window, "live_dark")
    finish(qtbot, studios.appearance.set_language("fr"))
    assert screen.live.go_button.text() == "Terminer"
    shoot(qtbot, studio.window, "live_fr")
    finish(qtbot, studios.appearance.set_language("en"))
    studios.appearance.set_theme("light")

    click(qtbot, screen.live.go_button)
    qtbot.waitUntil(screen.live.ended.isVisible, timeout=LIVE_MS)
    assert screen.live.status.state == EncoderState.STOPPED
    assert screen.live.copy_note.isVisible() and str(copies) in screen.live.copy_note.text()
    [copy] = copies.iterdir()
    assert copy.suffix == ".mp4" and copy.stat().st_size > 0
    click(qtbot, screen.live.finish_button)
    qtbot.waitUntil(lambda: not screen.live.ended.isVisible(), timeout=20_000)
    assert finish(qtbot, screen.client.get(stream.id)).status == StreamStatus.COMPLETED
    qtbot.waitUntil(lambda: screen.streams.current is None, timeout=20_000)  # it left the list

    studios.close(studio)  # closing the studio leaves no encoder or preview running
    assert [p for p in psutil.Process().children(recursive=True) if "ffmpeg" in p.name()] == []


def test_a_stale_key_shows_the_ingest_refusal_next_to_the_button(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    _studio, screen = open_go_live(qtbot, studios)
    stream = create_stream(qtbot, screen)
    assert screen.client is not None
    finish(qtbot, screen.client.reset_key(stream.id))  # from another device: ours is now stale

    click(qtbot, screen.live.go_button)
    qtbot.waitUntil(lambda: screen.live.status.state == EncoderState.FAILED, timeout=LIVE_MS)
    assert screen.live.reason.isVisible()
    assert "refused" in screen.live.reason.text()
    assert stream.stream_key not in screen.live.reason.text()
    assert screen.live.go_button.text() == "Go live"
    assert screen.streams.reset_button.isEnabled()


def test_an_unreachable_ingest_shows_the_reason_next_to_the_button(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    studio, screen = open_go_live(qtbot, studios)
    stream = create_stream(qtbot, screen)
    port = free_port()
    screen.streams.streams[0] = stream.model_copy(
        update={"ingest_url": f"rtmp://127.0.0.1:{port}/live"}
    )
    click(qtbot, screen.live.go_button)
    qtbot.waitUntil(lambda: screen.live.status.state == EncoderState.FAILED, timeout=LIVE_MS)
    qtbot.waitUntil(lambda: screen.sources.preview.has_picture, timeout=20_000)  # back on
    assert f"Can't reach the ingest at 127.0.0.1:{port}" in screen.live.reason.text()
    shoot(qtbot, studio.window, "failed_light")


def test_the_connection_test_proposes_a_preset(qtbot: QtBot, studios: StudioRunner) -> None:
    studio, screen = open_go_live(qtbot, studios)
    create_stream(qtbot, screen)
    quality = screen.quality
    quality.preset_box.setCurrentIndex(quality.preset_box.findData(CUSTOM))
    assert quality.custom.isVisible()
    # the bundled server's ingest tests on an application fans never see, and says so
    assert quality.test_note.text().endswith("Your fans don't see it.")
    shoot(qtbot, studio.window, "custom_light")
    click(qtbot, quality.test_button)
    qtbot.waitUntil(lambda: not screen.live.go_button.isEnabled())  # one publish on this key
    qtbot.waitUntil(
        lambda: quality.measured is not None or quality.message.isVisible(), timeout=LIVE_MS
    )
    assert quality.message.text() == ""
    assert quality.proposal in PRESETS.values()
    assert quality.use_button.isVisible()
    click(qtbot, quality.use_button)
    assert quality.chosen() == quality.proposal
    assert screen.live.go_button.isEnabled()
    finish(qtbot, studios.appearance.set_language("fr"))
    studios.appearance.set_theme("dark")
    shoot(qtbot, studio.window, "idle_dark_fr")
    finish(qtbot, studios.appearance.set_language("en"))
    studios.appearance.set_theme("light")


def test_a_ticketed_stream_is_priced_in_the_creators_currency(
    qtbot: QtBot, studios: StudioRunner
) -> None:
    studio, screen = open_go_live(qtbot, studios)
    panel = screen.streams
    panel.visibility_box.setCurrentIndex(panel.visibility_box.findData(Visibility.TICKETED))
    assert panel.price.isVisible()
    assert panel.price.label.text() == "Ticket price (XOF)"  # a Senegalese creator
    type_into(qtbot, panel.title_input, "Concert")
    click(qtbot, panel.create_button)
    qtbot.waitUntil(lambda: panel.price.error_text != "")
    assert panel.current is None
    shoot(qtbot, studio.window, "new_stream_light")

    panel.price_input.setValue(2000)
    click(qtbot, panel.create_button)
    qtbot.waitUntil(lambda: panel.current is not None, timeout=20_000)
    assert panel.current is not None and panel.current.price is not None
    assert (panel.current.price.amount, panel.current.price.currency) == (2000, "XOF")
    assert panel.current.visibility == Visibility.TICKETED


def test_signing_out_while_live_stops_the_stream(qtbot: QtBot, studios: StudioRunner) -> None:
    studio, screen = open_go_live(qtbot, studios)
    create_stream(qtbot, screen)
    screen.quality.preset_box.setCurrentIndex(screen.quality.preset_box.findData("360p"))
    click(qtbot, screen.live.go_button)
    qtbot.waitUntil(lambda: screen.live.status.state == EncoderState.LIVE, timeout=LIVE_MS)

    click(qtbot, studio.shell.sign_out)
    qtbot.waitUntil(lambda: screen.live.status.state == EncoderState.STOPPED, timeout=LIVE_MS)
    assert screen.streams.current is None  # the next account sees none of these streams
