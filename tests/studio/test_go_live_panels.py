"""Go Live panels on their own: what they show for a given state, in both languages."""

import asyncio
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from studio.core.bandwidth import Bandwidth
from studio.core.encoder import EncoderState, EncoderStatus
from studio.core.ffmpeg_output import EncoderStats
from studio.core.quality import PRESETS
from studio.ui.appearance import Appearance
from studio.ui.go_live.live_panel import LivePanel
from studio.ui.go_live.quality_panel import CUSTOM, QualityPanel
from studio.ui.go_live.reasons import translated_reason
from tests.studio.conftest import finish


@pytest.fixture
def french(qtbot: QtBot, qloop: asyncio.AbstractEventLoop, qapp: object) -> Iterator[Appearance]:
    appearance = Appearance(qapp)  # type: ignore[arg-type]
    appearance.apply_now("en", "light")
    finish(qtbot, appearance.set_language("fr"))
    yield appearance
    finish(qtbot, appearance.set_language("en"))


def test_a_drop_while_live_is_told_calmly_with_a_counter(qtbot: QtBot) -> None:
    panel = LivePanel()
    qtbot.addWidget(panel)
    panel.show_status(EncoderStatus(EncoderState.CONNECTING))
    assert panel.go_button.text() == "End"
    panel.show_status(EncoderStatus(EncoderState.LIVE))
    panel.show_stats(EncoderStats(frame=90, fps=30.0, bitrate_kbps=640.4, dropped_frames=2))
    panel.tick()
    assert (panel.bitrate.text(), panel.fps.text(), panel.dropped.text()) == (
        "640 kbit/s",
        "30",
        "2",
    )
    assert panel.duration.text() == "0:00:01"


def test_the_health_row_shows_speed_encoder_cpu_and_viewers(qtbot: QtBot) -> None:
    panel = LivePanel()
    qtbot.addWidget(panel)
    panel.show_viewers(3)  # the server's count shows whether or not we are live
    assert (panel.speed.text(), panel.cpu.text(), panel.viewers_value.text()) == ("—", "—", "3")
    panel.show_status(EncoderStatus(EncoderState.CONNECTING))
    panel.show_encoder_cpu(None)  # the first sample only starts psutil's interval
    assert panel.cpu.text() == "—"
    panel.show_status(EncoderStatus(EncoderState.LIVE))
    panel.show_stats(EncoderStats(frame=90, fps=29.0, speed=0.97))
    panel.show_encoder_cpu(23.4)
    panel.show_viewers(12)
    assert (panel.speed.text(), panel.cpu.text(), panel.viewers_value.text()) == (
        "0.97×",
        "23 %",
        "12",
    )
    panel.show_quality_lowered("360p")
    assert "lowered the quality to 360p" in panel.notice.text()
    panel.show_status(EncoderStatus(EncoderState.STOPPED))
    assert (panel.speed.text(), panel.cpu.text()) == ("—", "—")
    panel.show_status(EncoderStatus(EncoderState.CONNECTING))  # the next broadcast starts fresh
    assert panel.lowered_to is None and panel.notice.isHidden()


def test_a_drop_is_counted_and_a_failure_is_told(qtbot: QtBot) -> None:
    panel = LivePanel()
    qtbot.addWidget(panel)
    panel.show_status(EncoderStatus(EncoderState.CONNECTING))
    panel.show_status(EncoderStatus(EncoderState.LIVE))
    panel.show_status(EncoderStatus(EncoderState.RECONNECTING, "The connection dropped"))
    for _ in range(3):
        panel.tick()
    assert "reconnecting on its own: 3 s" in panel.state_text.text()
    assert "Drops so far: 1" in panel.state_text.text()
    assert not panel.reason.isVisible()  # a drop is not a failure
    assert panel.go_button.text() == "End"

    panel.show_status(EncoderStatus(EncoderState.FAILED, "The ingest refused the stream: no"))
    assert panel.go_button.text() == "Go live"
    assert panel.reason.text() == "The ingest refused the stream: no"


def test_custom_quality_and_the_proposal(qtbot: QtBot) -> None:
    panel = QualityPanel()
    qtbot.addWidget(panel)
    assert panel.chosen() == PRESETS["480p"]
    panel.preset_box.setCurrentIndex(panel.preset_box.findData(CUSTOM))
    panel.size_box.setCurrentIndex(2)
    panel.fps_box.setValue(25)
    panel.bitrate_box.setValue(1800)
    chosen = panel.chosen()
    assert (chosen.width, chosen.height, chosen.fps, chosen.video_kbps) == (1280, 720, 25, 1800)

    panel.show_bandwidth(Bandwidth(1500, at_least=False, proposal=PRESETS["480p"]))
    assert "about 1.5 Mbit/s" in panel.result.text()
    panel.use_button.click()
    assert panel.chosen() == PRESETS["480p"]
    panel.show_bandwidth(Bandwidth(300, at_least=False, proposal=None))
    assert "too little" in panel.result.text()
    assert panel.use_button.isHidden()


def test_reasons_are_said_in_french(qtbot: QtBot, french: Appearance) -> None:
    assert translated_reason("The ingest refused the stream: Unknown or reset stream key") == (
        "Le serveur de réception a refusé le direct : Unknown or reset stream key"
    )
    assert translated_reason("Can't reach the ingest at 10.0.0.1:1935: connection refused") == (
        "Impossible de joindre le serveur de réception 10.0.0.1:1935 : rien ne répond."
    )
    assert translated_reason("Something new") == "Something new"
    panel = LivePanel()
    qtbot.addWidget(panel)
    assert panel.go_button.text() == "Passer en direct"
    assert panel.badge.text() == "HORS ANTENNE"
