"""Go Live: pick a stream, a source and a quality, then go live and watch how it goes.

The screen only arranges and listens: streams go through `StreamsClient`, the
broadcast through one `Encoder`, the connection test through
`studio.core.bandwidth`. Everything slow is awaited on the qasync loop.
While the screen is shown it asks the server every few seconds how it sees
the stream and how many watch, so "live" here means the viewers' side agrees.
While on air it also samples the encoder's CPU every two seconds (off the UI
thread) for the health row.
"""

import asyncio
import contextlib
from pathlib import Path

import platformdirs
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from server.contract import User
from server.contract.streams import OwnerStream
from studio.core.adaptive_quality import AdaptiveQuality
from studio.core.bandwidth import BandwidthTestFailed, measure_upstream
from studio.core.encoder import Encoder, EncoderState, EncoderStatus, ffmpeg_executable
from studio.core.encoder_cpu import SAMPLE_EVERY_S, EncoderCpu
from studio.core.errors import FlashError
from studio.core.quality import choose_video_codec
from studio.core.session import Session
from studio.core.settings import FFMPEG_PATH, Setting, StudioSettings
from studio.core.streams_client import StreamsClient
from studio.ui.chat.panel import ChatPanel
from studio.ui.go_live.live_panel import LivePanel
from studio.ui.go_live.quality_panel import QualityPanel
from studio.ui.go_live.reasons import translated_reason
from studio.ui.go_live.source_panel import SourcePanel
from studio.ui.go_live.stream_panel import StreamPanel
from studio.ui.go_live.tasks import WidgetTasks
from studio.ui.screen import Screen

POLL_S = 3.0
SIDE_BY_SIDE_MIN_WIDTH = 900  # px of room the stream and source columns need side by side


class GoLiveScreen(Screen):
    """The studio's main job. `use_session` connects it once the studio has a session."""

    def __init__(self) -> None:
        super().__init__()
        self.client: StreamsClient | None = None
        self.encoder: Encoder | None = None
        self.video_codec: str | None = None
        self.settings: StudioSettings | None = None
        self.shown = False
        self._poll: asyncio.Task[None] | None = None
        self._health: asyncio.Task[None] | None = None
        self._viewers_of: str | None = None
        self.adaptive: AdaptiveQuality | None = None
        self.tasks = WidgetTasks(self)
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.intro = QLabel()
        self.intro.setObjectName("sectionBody")
        self.intro.setWordWrap(True)
        self.live = LivePanel()
        self.streams = StreamPanel(self.tasks)
        self.sources = SourcePanel()
        self.quality = QualityPanel()
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self.live.tick)

        left = QVBoxLayout()
        left.addWidget(self.streams)
        left.addWidget(self.quality)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.sources)
        right.addStretch(1)
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(16)
        self.columns.addLayout(left, 3)
        self.columns.addLayout(right, 2)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(14)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.live)
        layout.addLayout(self.columns, 1)
        scroll = self.scroller = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        scroll.viewport().installEventFilter(self)

        # Fans' messages beside the controls: a creator on air never has to leave Go Live
        # to read or answer them. The splitter lets a small screen fold the chat away.
        self.chat = ChatPanel(compact=True)
        self.chat_title = QLabel()
        self.chat_title.setObjectName("sectionTitle")
        dock = QFrame()
        dock.setObjectName("chatDock")
        dock.setMinimumWidth(260)
        dock_layout = QVBoxLayout(dock)
        dock_layout.setContentsMargins(12, 24, 16, 20)
        dock_layout.addWidget(self.chat_title)
        dock_layout.addWidget(self.chat, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(True)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(dock)
        self.splitter.setCollapsible(0, False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)

        self.live.go_button.clicked.connect(self.toggle_live)
        self.live.finish_button.clicked.connect(self.finish_broadcast)
        self.live.keep_button.clicked.connect(self.keep_stream)
        self.quality.test_requested.connect(self.test_connection)
        self.streams.stream_changed.connect(self._stream_changed)
        self.sources.source_changed.connect(lambda _source: self.tasks.run(self._sync_preview()))
        self.retranslate()

    def retranslate(self) -> None:
        """The panels are plain frames: the screen redraws their words too."""
        for panel in (self.live, self.streams, self.sources, self.quality):
            panel.retranslate()
        self.title.setText(self.tr("Go live"))
        self.chat_title.setText(self.tr("Chat with your fans"))
        self.intro.setText(
            self.tr("Choose a stream, what to show and a quality that suits your connection. "
                    "If your connection drops while live, the studio reconnects by itself.")
        )  # fmt: skip

    def use_session(self, session: Session) -> None:
        """Follow the studio's sign-in: a new account gets its own streams, none when signed out."""
        self.client = StreamsClient(session)
        self.streams.client = self.client
        session.signed_in.connect(self._signed_in)
        session.signed_out.connect(lambda _reason: self.tasks.run(self._signed_out()))

    def use_settings(self, settings: StudioSettings) -> None:
        """Stream, preview and list devices with the ffmpeg chosen in Settings."""
        self.settings = settings
        settings.changed.connect(self._setting_changed)
        self.sources.preview.core.ffmpeg = settings.get(FFMPEG_PATH) or None

    def copies_folder(self) -> Path:
        """Local copies go with the creator's other videos, in a folder of their own."""
        return platformdirs.user_videos_path() / "Flash Africa"

    @property
    def ffmpeg(self) -> str:
        """The ffmpeg program the next broadcast runs."""
        chosen = self.settings.get(FFMPEG_PATH) if self.settings is not None else ""
        return ffmpeg_executable(chosen or None)

    def _setting_changed(self, setting: Setting[object]) -> None:
        """Another ffmpeg may have other hardware encoders and see other devices: ask it again.
        The preview picks it up when it next starts (it stops while Settings is shown)."""
        if setting.key != FFMPEG_PATH.key or self.settings is None:
            return
        self.sources.preview.core.ffmpeg = self.settings.get(FFMPEG_PATH) or None
        self.video_codec = None
        self.sources.discovered = False

    async def shutdown(self) -> None:
        """Nothing left streaming or previewing when the studio closes."""
        await self._stop_polling()
        await self.tasks.cancel_all()  # first: a Go Live half-way must not start an encoder after
        if self.encoder is not None:
            await self.encoder.stop()
        await self.sources.preview.shutdown()

    def toggle_live(self) -> None:
        """A click starts work the screen owns, so closing the studio cancels it."""
        self.tasks.run(self._toggle_live())

    async def _toggle_live(self) -> None:
        if self.live.on_air:
            await self.end()
        else:
            await self.go_live()

    async def go_live(self) -> None:
        stream, source = self.streams.current, self.sources.source()
        if stream is None or source is None:
            why = self.tr("Create or choose a stream first.") if stream is None else (
                self.sources.missing())  # fmt: skip
            self.live.show_status(EncoderStatus(EncoderState.FAILED, why))
            return
        self.live.ended.hide()
        self.live.set_busy(True)
        self.live.show_status(EncoderStatus(EncoderState.CONNECTING))
        self._lock(True)
        if self.video_codec is None:
            self.video_codec = await choose_video_codec(self.ffmpeg)
        encoder = Encoder(
            ingest_url=stream.ingest_url,
            stream_key=stream.stream_key,
            source=source,
            preset=self.quality.chosen(),
            video_codec=self.video_codec,
            ffmpeg=self.ffmpeg,
            recordings=self.copies_folder() if self.quality.keep_copy.isChecked() else None,
        )
        self.live.show_copy_folder(str(encoder.recordings) if encoder.recordings else None)
        self.encoder = encoder
        encoder.state_changed.connect(self._encoder_changed)
        encoder.stats_updated.connect(self.live.show_stats)
        if self.adaptive is not None:
            self.adaptive.close()
        self.adaptive = AdaptiveQuality(encoder) if self.quality.adaptive.isChecked() else None
        if self.adaptive is not None:
            self.adaptive.stepped_down.connect(
                lambda preset: self.live.show_quality_lowered(preset.name)
            )
        await self._sync_preview()
        await encoder.start()
        self.clock.start()
        self._health = self.tasks.run(self._sample_encoder_cpu(encoder))
        self.live.set_busy(False)

    async def end(self) -> None:
        """Stop sending; the stream itself stays open until the creator says what to do."""
        if self.encoder is None:
            return
        self.live.set_busy(True)
        await self.encoder.stop()
        self.live.set_busy(False)
        self.live.ended.show()

    def finish_broadcast(self) -> None:
        self.tasks.run(self._finish_broadcast())

    async def _finish_broadcast(self) -> None:
        stream = self.streams.current
        if self.client is None or stream is None:
            return
        self.live.finish_button.setEnabled(False)
        try:
            done = await self.client.complete(stream.id)
        except FlashError as error:
            self.live.show_error(error)
            return
        finally:
            self.live.finish_button.setEnabled(True)
        self.live.ended.hide()
        self.live.show_server_status(done.status)
        await self.streams.refresh()

    def keep_stream(self) -> None:
        self.live.ended.hide()

    def test_connection(self) -> None:
        self.tasks.run(self._test_connection())

    async def _test_connection(self) -> None:
        stream = self.streams.current
        if self.client is None or stream is None:
            self.quality.show_message(self.tr("Create or choose a stream first."))
            return
        self.quality.set_testing(True)
        self.live.set_busy(True)
        self._lock(True)
        try:
            # Never the stream's own ingest: the server gives a target fans never see.
            test = await self.client.start_connection_test(stream.id)
            try:
                measured = await measure_upstream(
                    test.ingest_url, test.stream_key, ffmpeg=self.ffmpeg
                )
            finally:
                with contextlib.suppress(FlashError):  # else Mux deletes it within 24 h
                    await self.client.end_connection_test(stream.id, test.id)
            self.quality.show_bandwidth(measured)
        except FlashError as error:
            self.quality.show_error(error)
        except BandwidthTestFailed as failed:
            self.quality.show_message(translated_reason(failed.reason))
        finally:
            self.quality.set_testing(False)
            self.live.set_busy(False)
            self._lock(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Stack the two columns when the chat dock leaves too little room for them side by
        side (a laptop screen), so no panel is ever cut off."""
        if watched is self.scroller.viewport() and event.type() == QEvent.Type.Resize:
            narrow = self.scroller.viewport().width() < SIDE_BY_SIDE_MIN_WIDTH
            direction = (
                QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
            )
            if self.columns.direction() != direction:
                self.columns.setDirection(direction)
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.shown = True
        self.tasks.run(self.sources.discover())
        self.tasks.run(self._sync_preview())
        if self._poll is None and self.client is not None:
            self._poll = self.tasks.run(self._poll_server())

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        super().hideEvent(event)
        self.shown = False
        poll, self._poll = self._poll, None  # at once: showing again starts a fresh poll
        if poll is not None:
            poll.cancel()
        self.tasks.run(self._sync_preview())

    def _encoder_changed(self, status: EncoderStatus) -> None:
        self.live.show_status(status)
        if status.state in (EncoderState.STOPPED, EncoderState.FAILED):
            self.clock.stop()
            health, self._health = self._health, None
            if health is not None:
                health.cancel()
            self._lock(False)
            self.tasks.run(self._sync_preview())

    def _lock(self, locked: bool) -> None:
        self.streams.lock(locked)
        self.sources.lock(locked)
        self.quality.lock(locked)

    def _signed_in(self, user: User) -> None:
        self.streams.use_currency(user.currency)
        self.tasks.run(self.streams.refresh())

    async def _signed_out(self) -> None:
        if self.encoder is not None:
            await self.encoder.stop()
        self.streams.loaded = False
        self.streams.streams = []
        self.streams.retranslate()
        self.live.show_server_status(None)

    def _stream_changed(self, stream: OwnerStream | None) -> None:
        self.live.show_server_status(stream.status if stream else None)
        if stream is None or stream.id != self._viewers_of:  # not another stream's count
            self._viewers_of = stream.id if stream else None
            self.live.show_viewers(None)
        if stream is not None:
            self.tasks.run(self._chat_follows(stream.id))

    async def _chat_follows(self, stream_id: str) -> None:
        """The docked chat is the chat of the stream chosen here, one just created included."""
        room = self.chat.room
        if room is None or (room.stream is not None and room.stream.id == stream_id):
            return
        with contextlib.suppress(FlashError):  # offline: the room catches up when back
            if all(known.id != stream_id for known in room.streams):
                await room.refresh_streams()
            await room.follow(stream_id)

    async def _sync_preview(self) -> None:
        await self.sources.preview.update_to(
            self.sources.source(), showing=self.shown, live=self.live.on_air
        )

    async def _poll_server(self) -> None:
        """How the server sees the stream, every few seconds while this screen is shown."""
        while True:
            if not self.streams.loaded:  # signed in while the server was out of reach
                await self.streams.refresh()
            stream = self.streams.current
            if self.client is not None and stream is not None:
                with contextlib.suppress(FlashError):  # offline: the window's banner says so
                    fresh = await self.client.get(stream.id)
                    if self.streams.current is not None and self.streams.current.id == fresh.id:
                        self.streams.update_stream(fresh)
                        self.live.show_server_status(fresh.status)
                    watching = await self.client.viewers(stream.id)
                    if self.streams.current is not None and self.streams.current.id == stream.id:
                        self.live.show_viewers(watching.count)
            await asyncio.sleep(POLL_S)

    async def _sample_encoder_cpu(self, encoder: Encoder) -> None:
        """Until the encoder ends (`_encoder_changed` cancels this task)."""
        cpu = EncoderCpu()
        while True:
            self.live.show_encoder_cpu(await cpu.sample(encoder.process_id))
            await asyncio.sleep(SAMPLE_EVERY_S)

    async def _stop_polling(self) -> None:
        poll, self._poll = self._poll, None
        if poll is not None:
            poll.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poll
