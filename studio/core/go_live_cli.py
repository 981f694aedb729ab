"""`flash-studio go-live`: stream without a window (rehearsals, kiosks, scripts, CI).

Exit 0 when it streamed for the duration; otherwise non-zero with one line on
stderr saying why (the ingest refused the key, could not be reached, ...).
Progress goes to stdout. The stream key is never printed.
"""

import argparse
import asyncio
import sys
import time
from pathlib import Path

from studio.core.encoder import Encoder, EncoderState, EncoderStatus, ffmpeg_executable
from studio.core.errors import FlashError
from studio.core.ffmpeg_check import ffmpeg_version
from studio.core.quality import DEFAULT_PRESET, PRESETS, SOFTWARE_CODEC, choose_video_codec
from studio.core.settings import FFMPEG_PATH, StudioSettings
from studio.core.sources import Camera, Screen, Source, TestPattern, VideoFile

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130
_DONE = (EncoderState.FAILED, EncoderState.STOPPED)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flash-studio go-live", description="Stream to an RTMP ingest without a window."
    )
    parser.add_argument("--ingest", required=True, help="RTMP(S) ingest URL, without the key")
    parser.add_argument("--stream-key", required=True, help="the stream's key (never printed)")
    parser.add_argument(
        "--source",
        choices=("test-pattern", "screen", "camera", "file"),
        default="test-pattern",
    )
    parser.add_argument("--duration", type=float, required=True, help="seconds on air")
    parser.add_argument("--preset", choices=tuple(PRESETS), default=DEFAULT_PRESET)
    parser.add_argument("--file", type=Path, help="the video for --source file")
    parser.add_argument("--camera", help="camera name or device (--source camera)")
    parser.add_argument("--microphone", help="microphone name (screen or camera)")
    parser.add_argument("--display", help="the screen to capture (--source screen)")
    parser.add_argument(
        "--video-encoder",
        choices=("auto", "software"),
        default="auto",
        help="auto: a hardware H.264 encoder when one passes a test encode",
    )
    parser.add_argument(
        "--ffmpeg",
        metavar="PATH",
        help="the ffmpeg to use (default: the one chosen in the studio's Settings, else the "
        "bundled one)",
    )
    return parser


def _source(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Source:
    if args.source == "file":
        if args.file is None:
            parser.error("--source file needs --file PATH")
        return VideoFile(args.file)
    if args.source == "camera":
        if not args.camera:
            parser.error("--source camera needs --camera NAME")
        return Camera(args.camera, args.microphone)
    if args.source == "screen":
        return Screen(args.display, args.microphone)
    return TestPattern()


def main(argv: list[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.duration <= 0:
        parser.error("--duration must be more than 0 seconds")
    source = _source(args, parser)
    try:
        return asyncio.run(_go_live(args, source))
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
        return EXIT_INTERRUPTED


async def _go_live(args: argparse.Namespace, source: Source) -> int:
    chosen = args.ffmpeg or StudioSettings.load().get(FFMPEG_PATH)
    if chosen:
        try:
            await ffmpeg_version(chosen)
        except FlashError as error:
            return _failed(error.message)
    ffmpeg = ffmpeg_executable(chosen or None)
    codec = SOFTWARE_CODEC
    if args.video_encoder == "auto":
        codec = await choose_video_codec(ffmpeg)
    preset = PRESETS[args.preset]
    encoder = Encoder(
        ingest_url=args.ingest,
        stream_key=args.stream_key,
        source=source,
        preset=preset,
        video_codec=codec,
        ffmpeg=ffmpeg,
    )
    encoder.state_changed.connect(_say)
    await encoder.start()
    try:
        first = await encoder.wait_for(EncoderState.LIVE, *_DONE)
        if first.state != EncoderState.LIVE:
            return _failed(first.reason or "the stream did not start")
        on_air = time.monotonic()
        print(f"Live at {preset.name} ({codec}) for {args.duration:g} s", flush=True)
        try:
            async with asyncio.timeout(args.duration):
                ended = await encoder.wait_for(*_DONE)
                return _failed(ended.reason or "the stream stopped early")
        except TimeoutError:
            pass
        if encoder.state != EncoderState.LIVE:
            return _failed(f"still reconnecting at the end: {encoder.status.reason}")
        stats = encoder.stats
        print(
            f"Streamed {time.monotonic() - on_air:.1f} s, "
            f"{stats.dropped_frames} dropped frames, speed {stats.speed or 0:.2f}x",
            flush=True,
        )
        return 0
    finally:
        await encoder.stop()


def _say(status: EncoderStatus) -> None:
    if status.state == EncoderState.CONNECTING:
        print("Connecting…", flush=True)
    elif status.state == EncoderState.RECONNECTING:
        print(f"Reconnecting: {status.reason}", flush=True)


def _failed(reason: str) -> int:
    print(f"go-live: {' '.join(reason.split())}", file=sys.stderr, flush=True)
    return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
