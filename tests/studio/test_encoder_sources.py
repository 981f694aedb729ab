"""Sources, device discovery, presets and encoder choice: the encoder's command line."""

from pathlib import Path

import pytest

from studio.core import sources
from studio.core.devices import (
    Device,
    list_devices,
    parse_avfoundation,
    parse_dshow,
    parse_sources,
)
from studio.core.encoder import Encoder, ffmpeg_executable
from studio.core.quality import (
    PRESETS,
    SOFTWARE_CODEC,
    choose_video_codec,
    encodes,
    parse_encoders,
    video_args,
)
from studio.core.sources import Camera, Screen, VideoFile, source_inputs

# `ffmpeg -hide_banner -encoders`, recorded from imageio-ffmpeg's build (excerpt).
ENCODERS = """\
Encoders:
 V..... = Video
 ------
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V....D h264_amf             AMD AMF H.264 Encoder (codec h264)
 V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)
 V..... h264_qsv             H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (Intel Quick Sync Video acceleration) (codec h264)
 A....D aac                  AAC (Advanced Audio Coding)
"""  # noqa: E501

# Listings in the layouts ffmpeg prints them on each OS (fftools' print_device_list for
# `-sources`; the dshow device's 4.4+ and older layouts; the avfoundation device's).
V4L2_SOURCES = """\
Auto-detected sources for video4linux2,v4l2:
* /dev/video0 [Integrated Camera: Integrated C] (none)
  /dev/video2 [USB Webcam] (none)
"""
PULSE_SOURCES = """\
Auto-detected sources for pulse:
  alsa_output.pci-0000_00_1f.3.analog-stereo.monitor [Monitor of Built-in Audio] (none)
* alsa_input.pci-0000_00_1f.3.analog-stereo [Built-in Audio Analog Stereo] (none)
"""
DSHOW_NEW = """\
[dshow @ 000001f0c6d5e400] "Integrated Camera" (video)
[dshow @ 000001f0c6d5e400]   Alternative name "@device_pnp_\\\\?\\usb#vid_04f2&pid_b6d9"
[dshow @ 000001f0c6d5e400] "Microphone Array (Realtek(R) Audio)" (audio)
[dshow @ 000001f0c6d5e400]   Alternative name "@device_cm_{33D9A762-90C8-11D0-BD43}\\wave_{5A}"
dummy: Immediate exit requested
"""
DSHOW_OLD = """\
[dshow @ 0000000000d2f4a0] DirectShow video devices (some may be both video and audio devices)
[dshow @ 0000000000d2f4a0]  "HD Webcam"
[dshow @ 0000000000d2f4a0]     Alternative name "@device_pnp_\\\\?\\usb#vid_0c45"
[dshow @ 0000000000d2f4a0] DirectShow audio devices
[dshow @ 0000000000d2f4a0]  "Microphone (USB Audio Device)"
[dshow @ 0000000000d2f4a0]     Alternative name "@device_cm_{33D9A762}\\wave_{1B}"
dummy: Immediate exit requested
"""
AVFOUNDATION = """\
[AVFoundation indev @ 0x7f8b1c004c80] AVFoundation video devices:
[AVFoundation indev @ 0x7f8b1c004c80] [0] FaceTime HD Camera
[AVFoundation indev @ 0x7f8b1c004c80] [1] Capture screen 0
[AVFoundation indev @ 0x7f8b1c004c80] AVFoundation audio devices:
[AVFoundation indev @ 0x7f8b1c004c80] [0] MacBook Pro Microphone
: Input/output error
"""


def test_linux_devices_are_listed_by_name() -> None:
    assert parse_sources(V4L2_SOURCES, "camera") == [
        Device("camera", "Integrated Camera: Integrated C", "/dev/video0"),
        Device("camera", "USB Webcam", "/dev/video2"),
    ]
    # A speaker's monitor is not a microphone.
    assert parse_sources(PULSE_SOURCES, "microphone") == [
        Device(
            "microphone",
            "Built-in Audio Analog Stereo",
            "alsa_input.pci-0000_00_1f.3.analog-stereo",
        )
    ]


def test_windows_devices_in_both_dshow_layouts() -> None:
    assert parse_dshow(DSHOW_NEW) == [
        Device("camera", "Integrated Camera", "Integrated Camera"),
        Device(
            "microphone",
            "Microphone Array (Realtek(R) Audio)",
            "Microphone Array (Realtek(R) Audio)",
        ),
    ]
    assert parse_dshow(DSHOW_OLD) == [
        Device("camera", "HD Webcam", "HD Webcam"),
        Device("microphone", "Microphone (USB Audio Device)", "Microphone (USB Audio Device)"),
    ]


def test_macos_devices_include_screens() -> None:
    assert parse_avfoundation(AVFOUNDATION) == [
        Device("camera", "FaceTime HD Camera", "0"),
        Device("screen", "Capture screen 0", "1"),
        Device("microphone", "MacBook Pro Microphone", "0"),
    ]


async def test_listing_this_machine_never_fails() -> None:
    found = await list_devices(ffmpeg_executable())
    assert all(device.kind in ("camera", "microphone", "screen") for device in found)


@pytest.mark.parametrize(
    ("platform", "screen", "camera", "microphone"),
    [
        ("linux", ["-f", "x11grab"], ["-f", "v4l2"], ["-f", "pulse", "-i", "mic"]),
        ("win32", ["-f", "gdigrab"], ["-f", "dshow"], ["-f", "dshow", "-i", "audio=mic"]),
        ("darwin", ["-f", "avfoundation"], ["-f", "avfoundation"], ["-i", "none:mic"]),
    ],
)
def test_capture_inputs_per_os(
    platform: str, screen: list[str], camera: list[str], microphone: list[str]
) -> None:
    preset = PRESETS["720p"]
    shown = source_inputs(Screen(), preset, platform)
    assert shown.args[: len(screen)] == screen and "anullsrc" in " ".join(shown.args)
    assert shown.video_filter is not None and "scale=1280:720" in shown.video_filter
    filmed = source_inputs(Camera("cam", "mic"), preset, platform)
    assert filmed.args[: len(camera)] == camera
    joined = " ".join(filmed.args)
    assert " ".join(microphone) in joined and "anullsrc" not in joined
    assert (filmed.video_map, filmed.audio_map) == ("0:v", "1:a")


def test_a_video_file_loops_at_its_own_pace() -> None:
    inputs = source_inputs(VideoFile(Path("talk.mp4")), PRESETS["360p"], "linux")
    assert inputs.args == ["-re", "-stream_loop", "-1", "-i", "talk.mp4"]
    assert inputs.audio_map == "0:a:0?"


def test_presets_fit_weak_networks() -> None:
    assert {name: (p.video_kbps, p.audio_kbps) for name, p in PRESETS.items()} == {
        "360p": (600, 64),
        "480p": (1000, 96),
        "720p": (2500, 128),
        "1080p": (4500, 128),
    }


def test_the_command_is_h264_aac_capped_with_two_second_keyframes() -> None:
    encoder = Encoder(
        ingest_url="rtmp://127.0.0.1:1935/live/",
        stream_key="sk-abc",
        source=sources.TestPattern(),
        preset=PRESETS["480p"],
    )
    command = " ".join(encoder.command())
    for part in (
        "testsrc2=size=854x480:rate=30",
        "-c:v libx264 -preset veryfast -tune zerolatency",
        "-b:v 1000k -maxrate 1000k -bufsize 2000k -g 60",
        "-c:a aac -b:a 96k",
        "-progress pipe:1",
        "-f flv",
    ):
        assert part in command
    assert command.endswith("rtmp://127.0.0.1:1935/live/sk-abc")


def test_hardware_encoders_get_their_own_low_latency_options() -> None:
    nvenc = video_args("h264_nvenc", PRESETS["720p"])
    assert nvenc[:2] == ["-c:v", "h264_nvenc"] and "-rc" in nvenc and "-b:v" in nvenc
    assert "-tune" not in video_args("h264_videotoolbox", PRESETS["720p"])


async def test_a_hardware_encoder_is_chosen_only_when_it_encodes() -> None:
    assert {"libx264", "h264_nvenc", "h264_qsv", "h264_amf", "aac"} <= parse_encoders(ENCODERS)
    ffmpeg = ffmpeg_executable()
    chosen = await choose_video_codec(ffmpeg)
    assert await encodes(ffmpeg, chosen)
    assert await choose_video_codec(ffmpeg, allow_hardware=False) == SOFTWARE_CODEC
