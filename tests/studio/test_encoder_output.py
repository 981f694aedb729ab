"""The ffmpeg output parser, on output recorded from ffmpeg 7–9 (imageio-ffmpeg's build)."""

from studio.core.ffmpeg_output import (
    EncoderStats,
    FailureKind,
    FailureReader,
    ProgressReader,
)

# `-progress pipe:1 -stats_period 0.5`, pushing 480p to nginx-rtmp for 1.2 s (recorded),
# after the block ffmpeg writes before its first packet, when it has no figures (N/A).
PROGRESS = """\
frame=0
fps=0.00
stream_0_0_q=0.0
bitrate=N/A
total_size=N/A
out_time_us=N/A
out_time_ms=N/A
out_time=N/A
dup_frames=0
drop_frames=0
speed=N/A
progress=continue
frame=19
fps=0.00
stream_0_0_q=29.0
bitrate= 598.3kbits/s
total_size=71198
out_time_us=952018
out_time_ms=952018
out_time=00:00:00.952018
dup_frames=1
drop_frames=3
speed= 1.9x
progress=continue
frame=36
fps=0.00
stream_0_0_q=-1.0
bitrate= 976.7kbits/s
total_size=146500
out_time_us=1200000
out_time_ms=1200000
out_time=00:00:01.200000
dup_frames=1
drop_frames=3
speed=1.55x
progress=end
"""

REFUSED_BY_SANDBOX = """\
[rtmp @ 0x565195f8bc80] Server error: Unknown or reset stream key
[out#0/flv @ 0x565195f80ac0] Error opening output rtmp://127.0.0.1:37041/live/sk-secret: Operation not permitted
Error opening output file rtmp://127.0.0.1:37041/live/sk-secret.
Error opening output files: Operation not permitted
"""  # noqa: E501
ALREADY_PUBLISHING = "[rtmp @ 0x55b97d212480] Server error: Already publishing\n"
CONNECTION_REFUSED = """\
[tcp @ 0x558445526180] Connection to tcp://127.0.0.1:1?tcp_nodelay=0 failed: Connection refused
[rtmp @ 0x55844552a480] Cannot open connection tcp://127.0.0.1:1?tcp_nodelay=0
[out#0/flv @ 0x558445523700] Error opening output rtmp://127.0.0.1:1/live/sk-secret: Connection refused
Error opening output files: Connection refused
"""  # noqa: E501
NO_DNS = """\
[tcp @ 0x555bd3248180] Failed to resolve hostname nonexistent.invalid: Name or service not known
[rtmp @ 0x555bd324c480] Cannot open connection tcp://nonexistent.invalid:1935?tcp_nodelay=0
[out#0/flv @ 0x555bd3245700] Error opening output rtmp://nonexistent.invalid/live/sk-secret: Input/output error
"""  # noqa: E501
WRONG_APP = """\
[out#0/flv @ 0x555ba3500700] Error opening output rtmp://127.0.0.1:19350/nope/sk-secret: Input/output error
Error opening output files: Input/output error
"""  # noqa: E501
DROPPED_MID_STREAM = """\
[aost#0:1/aac @ 0x55ff9c6b2500] Error submitting a packet to the muxer: Broken pipe
    Last message repeated 1 times
[out#0/flv @ 0x55ff9c6ab4c0] Error muxing a packet
[out#0/flv @ 0x55ff9c6ab4c0] Task finished with error code: -32 (Broken pipe)
[out#0/flv @ 0x55ff9c6ab4c0] Error writing trailer: Broken pipe
"""
NO_DISPLAY = """\
[x11grab @ 0x5613f0a1c940] Cannot open display :0.0, error 1.
[in#0 @ 0x5613f0a1c740] Error opening input: Input/output error
Error opening input file :0.0.
"""
NO_GPU = """\
[h264_nvenc @ 0x55d0c5e2a2c0] Cannot load libcuda.so.1
[vost#0:0/h264_nvenc @ 0x55d0c5e29f40] Error while opening encoder - maybe incorrect parameters such as bit_rate, rate, width or height.
"""  # noqa: E501


def test_progress_blocks_become_stats() -> None:
    reader = ProgressReader()
    blocks = [stats for line in PROGRESS.splitlines() if (stats := reader.feed(line))]
    assert blocks[0] == EncoderStats()  # nothing sent yet: every figure unknown
    assert blocks[1] == EncoderStats(
        frame=19,
        fps=0.0,
        bitrate_kbps=598.3,
        total_size=71198,
        out_time_s=0.952018,
        dropped_frames=3,
        duplicated_frames=1,
        speed=1.9,
    )
    assert blocks[2].ended and blocks[2].speed == 1.55 and blocks[2].out_time_s == 1.2
    assert len(blocks) == 3


def test_progress_ignores_noise_lines() -> None:
    reader = ProgressReader()
    assert reader.feed("") is None
    assert reader.feed("not a progress line") is None
    assert reader.feed("frame=1") is None
    assert reader.feed("progress=continue") == EncoderStats(frame=1)


def read(output: str, url: str = "rtmp://127.0.0.1:37041/live") -> FailureReader:
    reader = FailureReader(url, secrets=("sk-secret",))
    for line in output.splitlines():
        reader.feed(line)
    return reader


def test_a_refusal_gives_the_ingest_reason() -> None:
    failure = read(REFUSED_BY_SANDBOX).failure
    assert failure is not None and failure.kind == FailureKind.REFUSED
    assert failure.reason == "The ingest refused the stream: Unknown or reset stream key"
    failure = read(ALREADY_PUBLISHING).failure
    assert failure is not None and failure.reason.endswith("Already publishing")


def test_an_unreachable_ingest_is_named_by_host_and_port() -> None:
    failure = read(CONNECTION_REFUSED, "rtmp://127.0.0.1:1/live").failure
    assert failure is not None and failure.kind == FailureKind.UNREACHABLE
    assert failure.reason == (
        "Can't reach the ingest at 127.0.0.1:1: connection refused (is it running?)"
    )
    failure = read(NO_DNS, "rtmp://nonexistent.invalid/live").failure
    assert failure is not None and failure.kind == FailureKind.UNREACHABLE
    assert "nonexistent.invalid" in failure.reason


def test_a_closed_connection_and_a_drop() -> None:
    failure = read(WRONG_APP, "rtmp://127.0.0.1:19350/nope").failure
    assert failure is not None and failure.kind == FailureKind.DROPPED
    assert "127.0.0.1:19350" in failure.reason and "before the stream started" in failure.reason
    failure = read(DROPPED_MID_STREAM).failure
    assert failure is not None and failure.kind == FailureKind.DROPPED


def test_source_and_encoder_failures() -> None:
    failure = read(NO_DISPLAY).failure
    assert failure is not None and failure.kind == FailureKind.SOURCE
    assert "Cannot open display" in failure.reason
    failure = read(NO_GPU).failure
    assert failure is not None and failure.kind == FailureKind.ENCODER


def test_no_reason_ever_holds_the_key_or_the_url_path() -> None:
    samples = (REFUSED_BY_SANDBOX, CONNECTION_REFUSED, NO_DNS, WRONG_APP, DROPPED_MID_STREAM)
    for sample in samples:
        reader = read(sample)
        for line in sample.splitlines():
            found = reader.feed(line)
            assert found is None or "sk-secret" not in found.reason
    reader = FailureReader("rtmp://h/live", secrets=("sk-secret",))
    assert (
        reader.redact("open rtmp://h:1935/live/sk-secret failed") == "open rtmp://h:1935/… failed"
    )
    assert reader.redact("key sk-secret here") == "key [stream key] here"


def test_an_unknown_exit_is_explained_by_its_last_line() -> None:
    reader = read("[out#0/flv @ 0x1] Something new at rtmp://h:1935/live/sk-secret\n")
    assert reader.failure is None
    failure = reader.explain(1)
    assert failure.kind == FailureKind.OTHER
    assert failure.reason == (
        "ffmpeg stopped (exit code 1): [out#0/flv @ 0x1] Something new at rtmp://h:1935/…"
    )
