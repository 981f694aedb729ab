"""The sandbox RTMP ingest, fed by a real ffmpeg push and watched over real HTTP."""

import asyncio
import re
import struct
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import imageio_ffmpeg
import psutil
import pytest
from fastapi import FastAPI

from server.streams import ingest_events
from server.streams.ingest_events import IngestEvent, PublishGrant
from server.streams.sandbox_ingest import SandboxIngest, amf0, mount_hls
from server.streams.sandbox_ingest.replay import assemble_replay, next_part_start, part_playlist
from server.streams.sandbox_ingest.rtmp import ChunkReader
from tests.support.live_server import serve

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
FULL_LIFE = ["connected", "active", "disconnected", "replay_ready"]
PART = ["connected", "active", "disconnected"]
LONG_WINDOW_S = 600.0
"""Never passes within a test: the broadcast ends only when the test ends it."""


class Recorder:
    """The streams domain's side of the seam: a key table, the stream's reconnect window
    (short unless a test needs the encoder to come back within it), the events received."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {"good-key": "stream-1"}
        self.reconnect_window_s = 0.2
        self.events: list[IngestEvent] = []
        self._arrived = asyncio.Event()

    async def authorize(self, key: str) -> PublishGrant | None:
        stream_id = self.keys.get(key)
        return PublishGrant(stream_id, self.reconnect_window_s) if stream_id else None

    async def on_event(self, event: IngestEvent) -> None:
        self.events.append(event)
        self._arrived.set()

    def kinds(self) -> list[str]:
        return [event.kind for event in self.events]

    async def wait_for(self, kind: str, count: int = 1) -> None:
        async with asyncio.timeout(30):
            while self.kinds().count(kind) < count:
                self._arrived.clear()
                await self._arrived.wait()


async def push(port: int, key: str, seconds: float) -> asyncio.subprocess.Process:
    """A real encoder: a test pattern with a tone, pushed like OBS would (H.264 + AAC in FLV)."""
    return await push_to(f"rtmp://127.0.0.1:{port}/live", key, seconds)


async def push_to(url: str, key: str, seconds: float) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error",
        "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=440",
        "-t", str(seconds),
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60",
        "-c:a", "aac", "-f", "flv", f"{url}/{key}",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def finished(process: asyncio.subprocess.Process) -> tuple[int, str]:
    async with asyncio.timeout(60):
        _, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stderr.decode()


def probed_duration(media: Path) -> float:
    """How far ffmpeg gets decoding all of it (the imageio-ffmpeg wheel ships no ffprobe)."""
    result = subprocess.run(
        [FFMPEG, "-nostdin", "-i", str(media), "-f", "null", "-"],
        capture_output=True,
        timeout=60,
        check=True,
        text=True,
    )
    hours, minutes, seconds = re.findall(r"time=(\d+):(\d+):([\d.]+)", result.stderr)[-1]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def decodes(media: Path) -> bool:
    """ffmpeg reads every frame of it without a complaint."""
    result = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(media), "-f", "null", "-"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    return result.returncode == 0 and not result.stderr.strip()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def ingest(recorder: Recorder, data_dir: Path) -> AsyncIterator[SandboxIngest]:
    ingest = SandboxIngest(
        host="127.0.0.1",
        port=0,
        data_dir=data_dir,
        authorize=recorder.authorize,
        on_event=recorder.on_event,
    )
    await ingest.start()
    yield ingest
    await ingest.stop()


async def test_a_push_is_live_over_http_then_a_replay(
    ingest: SandboxIngest, recorder: Recorder, data_dir: Path
) -> None:
    app = FastAPI()
    mount_hls(app, data_dir)
    encoder = await push(ingest.port, "good-key", 5)
    with serve(app) as server:
        await recorder.wait_for("active")
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            live = await http.get("/hls/stream-1/live/index.m3u8")
            assert live.status_code == 200
            assert live.headers["content-type"] == "application/vnd.apple.mpegurl"
            assert live.headers["cache-control"] == "no-store"
            segment_name = next(line for line in live.text.splitlines() if line.endswith(".ts"))
            segment = await http.get(f"/hls/stream-1/live/{segment_name}")
            assert segment.status_code == 200
            assert segment.headers["content-type"] == "video/mp2t"
            assert segment.content[:1] == b"\x47"  # MPEG-TS sync byte

            assert (await finished(encoder))[0] == 0
            await recorder.wait_for("replay_ready")
            replay = recorder.events[-1]
            assert replay.replay_id
            replay_path = f"/hls/stream-1/replays/{replay.replay_id}/index.m3u8"
            served = await http.get(replay_path)
            assert served.status_code == 200
            assert "#EXT-X-ENDLIST" in served.text

    assert recorder.kinds() == FULL_LIFE
    assert {event.stream_id for event in recorder.events} == {"stream-1"}
    assert replay.duration_s is not None and 4.0 <= replay.duration_s <= 6.5
    playlist = ingest_events.replay_playlist(data_dir, "stream-1", replay.replay_id)
    text = playlist.read_text()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in text
    segments = [playlist.parent / line for line in text.splitlines() if line.endswith(".ts")]
    assert segments and all(decodes(segment) for segment in segments)
    assert decodes(playlist)


async def test_a_wrong_key_is_refused_and_leaves_nothing(
    ingest: SandboxIngest, recorder: Recorder, data_dir: Path
) -> None:
    returncode, stderr = await finished(await push(ingest.port, "wrong-key", 2))
    assert returncode != 0
    assert "Unknown or reset stream key" in stderr
    await asyncio.sleep(0.3)  # anything the ingest would emit has been dispatched by now
    assert recorder.events == []
    assert list(ingest_events.hls_root(data_dir).rglob("*")) == []


async def test_a_second_publisher_on_a_live_key_is_refused(
    ingest: SandboxIngest, recorder: Recorder
) -> None:
    first = await push(ingest.port, "good-key", 4)
    await recorder.wait_for("connected")
    returncode, stderr = await finished(await push(ingest.port, "good-key", 2))
    assert returncode != 0
    assert "already live" in stderr
    assert (await finished(first))[0] == 0
    await recorder.wait_for("replay_ready")
    assert recorder.kinds() == FULL_LIFE


async def test_a_reset_key_is_refused_and_the_new_one_works(
    ingest: SandboxIngest, recorder: Recorder
) -> None:
    assert (await finished(await push(ingest.port, "good-key", 3)))[0] == 0
    await recorder.wait_for("replay_ready")
    recorder.keys = {"new-key": "stream-1"}  # what POST /streams/{id}/reset-key does
    returncode, _ = await finished(await push(ingest.port, "good-key", 1))
    assert returncode != 0
    assert (await finished(await push(ingest.port, "new-key", 3)))[0] == 0
    await recorder.wait_for("replay_ready", count=2)
    assert recorder.kinds() == FULL_LIFE + FULL_LIFE


async def test_back_within_the_window_the_live_goes_on_and_makes_one_replay(
    ingest: SandboxIngest, recorder: Recorder, data_dir: Path
) -> None:
    """An encoder that drops and returns within the stream's reconnect window continues the
    same broadcast, as on Mux: fans' playlist carries on, and the whole live is one replay."""
    recorder.reconnect_window_s = LONG_WINDOW_S
    app = FastAPI()
    mount_hls(app, data_dir)
    assert (await finished(await push(ingest.port, "good-key", 3)))[0] == 0
    await recorder.wait_for("disconnected")
    with serve(app) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            before = await http.get("/hls/stream-1/live/index.m3u8")
            assert before.status_code == 200 and "#EXT-X-ENDLIST" not in before.text
            second = await push(ingest.port, "good-key", 3)
            await recorder.wait_for("active", count=2)
            during = await http.get("/hls/stream-1/live/index.m3u8")
            assert during.status_code == 200
            assert (await finished(second))[0] == 0
            await recorder.wait_for("disconnected", count=2)
            live = (await http.get("/hls/stream-1/live/index.m3u8")).text
    pushes = {line.split("-")[0] for line in live.splitlines() if line.endswith(".ts")}
    assert len(pushes) == 2 and "#EXT-X-DISCONTINUITY" in live
    assert recorder.kinds() == PART + PART  # never idle in between, no replay yet

    ingest.end_broadcast("stream-1")  # the creator completes the stream
    await recorder.wait_for("replay_ready")
    assert recorder.kinds() == [*PART, *PART, "replay_ready"]
    replay = recorder.events[-1]
    assert replay.replay_id and replay.duration_s is not None and replay.duration_s >= 5.0
    playlist = ingest_events.replay_playlist(data_dir, "stream-1", replay.replay_id)
    text = playlist.read_text()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in text and text.count("#EXT-X-DISCONTINUITY") == 1
    assert text.rstrip().endswith("#EXT-X-ENDLIST")
    assert probed_duration(playlist) >= 5.0  # both parts, about 3 s each
    assert decodes(playlist)
    segments = [playlist.parent / line for line in text.splitlines() if line.endswith(".ts")]
    assert segments and all(decodes(segment) for segment in segments)


async def test_back_after_the_window_is_a_new_live_and_a_new_replay(
    ingest: SandboxIngest, recorder: Recorder, data_dir: Path
) -> None:
    assert (await finished(await push(ingest.port, "good-key", 2.5)))[0] == 0
    await recorder.wait_for("replay_ready")  # the window passed with no encoder back
    assert (await finished(await push(ingest.port, "good-key", 2.5)))[0] == 0
    await recorder.wait_for("replay_ready", count=2)
    assert recorder.kinds() == FULL_LIFE + FULL_LIFE
    first, second = (event for event in recorder.events if event.kind == "replay_ready")
    assert first.replay_id and second.replay_id and first.replay_id != second.replay_id
    for replay in (first, second):
        assert replay.replay_id is not None
        playlist = ingest_events.replay_playlist(data_dir, "stream-1", replay.replay_id)
        assert "#EXT-X-DISCONTINUITY" not in playlist.read_text()
        assert 1.5 <= probed_duration(playlist) <= 4.0
    live = ingest_events.live_playlist(data_dir, "stream-1").read_text()
    pushes = {line.split("-")[0] for line in live.splitlines() if line.endswith(".ts")}
    assert len(pushes) == 1  # a new live starts a fresh playlist


async def test_completing_on_air_drops_the_encoder_and_writes_the_replay(
    ingest: SandboxIngest, recorder: Recorder
) -> None:
    recorder.reconnect_window_s = LONG_WINDOW_S
    encoder = await push(ingest.port, "good-key", 30)
    await recorder.wait_for("active")
    ingest.end_broadcast("stream-1")
    assert (await finished(encoder))[0] != 0
    await recorder.wait_for("replay_ready")
    assert recorder.kinds() == FULL_LIFE


async def test_a_connection_test_is_never_a_live(
    ingest: SandboxIngest, recorder: Recorder, data_dir: Path
) -> None:
    """The studio's connection test publishes to the `test` app with the stream's own key:
    the key is checked, the bytes are taken, and fans and the stream never see it."""
    test_url = f"rtmp://127.0.0.1:{ingest.port}/{ingest_events.CONNECTION_TEST_APP}"
    refused, stderr = await finished(await push_to(test_url, "wrong-key", 2))
    assert refused != 0 and "Unknown or reset stream key" in stderr
    assert (await finished(await push_to(test_url, "good-key", 2)))[0] == 0
    # A real live after it is untouched by it: one broadcast, one replay, nothing more.
    assert (await finished(await push(ingest.port, "good-key", 2.5)))[0] == 0
    await recorder.wait_for("replay_ready")
    await ingest.stop()
    assert recorder.kinds() == FULL_LIFE
    replays = ingest_events.hls_root(data_dir) / "stream-1" / "replays"
    assert [folder.name for folder in replays.iterdir()] == [recorder.events[-1].replay_id]


async def test_stopping_ends_publishes_keeps_the_replay_and_frees_the_port(
    recorder: Recorder, data_dir: Path
) -> None:
    ingest = SandboxIngest(
        host="127.0.0.1",
        port=0,
        data_dir=data_dir,
        authorize=recorder.authorize,
        on_event=recorder.on_event,
    )
    port = await ingest.start()
    encoder = await push(port, "good-key", 30)
    await recorder.wait_for("active")
    await ingest.stop()
    assert recorder.kinds() == FULL_LIFE
    assert (await finished(encoder))[0] != 0
    assert not [child for child in psutil.Process().children() if "ffmpeg" in child.name()]
    with pytest.raises(OSError):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()


async def test_a_dead_remux_drops_the_publisher_so_it_reconnects(
    ingest: SandboxIngest, recorder: Recorder
) -> None:
    encoder = await push(ingest.port, "good-key", 30)
    await recorder.wait_for("active")
    remuxes = [
        child
        for child in psutil.Process().children()
        if "pipe:0" in child.cmdline() and "hls" in child.cmdline()
    ]
    assert len(remuxes) == 1
    remuxes[0].kill()
    returncode, _ = await finished(encoder)
    assert returncode != 0  # the encoder sees the drop, and would reconnect
    await recorder.wait_for("disconnected")
    assert recorder.kinds()[:3] == ["connected", "active", "disconnected"]
    assert (await finished(await push(ingest.port, "good-key", 2.5)))[0] == 0
    await recorder.wait_for("connected", count=2)


def test_mount_hls_serves_only_hls_files(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    app = FastAPI()
    mount_hls(app, data_dir)
    folder = ingest_events.replay_playlist(data_dir, "s", "r").parent
    folder.mkdir(parents=True)
    (folder / "index.m3u8").write_text("#EXTM3U\n")
    (folder / "00000.ts").write_bytes(b"\x47" * 188)
    (folder / "00001.ts.tmp").write_bytes(b"\x47")
    (folder / "notes.txt").write_text("not media")
    with serve(app) as server, httpx.Client(base_url=server.url + "/hls/s/replays/r") as http:
        playlist = http.get("/index.m3u8")
        assert playlist.headers["content-type"] == "application/vnd.apple.mpegurl"
        assert playlist.headers["cache-control"] == "no-cache"
        segment = http.get("/00000.ts")
        assert segment.headers["content-type"] == "video/mp2t"
        assert "immutable" in segment.headers["cache-control"]
        assert http.get("/00001.ts.tmp").status_code == 404
        assert http.get("/notes.txt").status_code == 404


async def test_extended_timestamps_are_read_with_or_without_the_repeat() -> None:
    """Continuation chunks may or may not repeat the extended timestamp (older OBS omits it)."""
    late = 0x01020304  # past 0xFFFFFF ms: a stream more than 4 h 39 min in
    payload = bytes(range(200))  # longer than the 128-byte chunk size: two chunks
    header = b"\x06" + b"\xff\xff\xff" + len(payload).to_bytes(3, "big") + b"\x09"
    header += struct.pack("<I", 1) + struct.pack(">I", late)
    for repeat in (struct.pack(">I", late), b""):
        stream = asyncio.StreamReader()
        stream.feed_data(header + payload[:128] + b"\xc6" + repeat + payload[128:])
        message = await ChunkReader(stream).next_message()
        assert (message.type_id, message.timestamp, message.payload) == (9, late, payload)


def test_amf0_round_trip() -> None:
    values = ["publish", 5.0, None, {"app": "live", "n": 1.5, "ok": True}, ["a", 2.0]]
    assert amf0.decode_all(amf0.encode(*values)) == values


def test_a_replay_joins_the_parts_that_recorded_something(tmp_path: Path) -> None:
    folder = tmp_path / "replay"
    folder.mkdir()
    for part, durations in ((0, [6.0, 2.5]), (2, [4.0])):  # part 1 never sent media
        names = [f"part-{part:03d}-{index:05d}.ts" for index in range(len(durations))]
        for name in names:
            (folder / name).write_bytes(b"\x47" * 188)
        entries = "".join(f"#EXTINF:{d},\n{n}\n" for d, n in zip(durations, names, strict=True))
        part_playlist(folder, part).write_text(
            f"#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n{entries}#EXT-X-ENDLIST\n"
        )
    assert next_part_start(folder, 3) > 12.5  # a later part's clock starts past them all
    assert assemble_replay(folder, parts=3) == 12.5
    lines = (folder / "index.m3u8").read_text().splitlines()
    assert [line for line in lines if line.endswith(".ts")] == [
        "part-000-00000.ts",
        "part-000-00001.ts",
        "part-002-00000.ts",
    ]
    assert lines.count("#EXT-X-DISCONTINUITY") == 1 and lines[-1] == "#EXT-X-ENDLIST"
    assert "#EXT-X-TARGETDURATION:6" in lines and "#EXT-X-PLAYLIST-TYPE:VOD" in lines


def test_a_broadcast_that_recorded_nothing_leaves_no_replay(tmp_path: Path) -> None:
    folder = tmp_path / "replay"
    folder.mkdir()
    assert assemble_replay(folder, parts=2) is None
    assert not folder.exists()
