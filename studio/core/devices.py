"""The cameras, microphones and screens this machine has, by the names the creator knows.

ffmpeg lists them itself on every OS (`-sources` for v4l2 and PulseAudio,
`-list_devices` for DirectShow and AVFoundation); the parsers below read those
listings and are tested on recorded output from each OS.
"""

import asyncio
import contextlib
import os
import re
import sys
from dataclasses import dataclass
from typing import Literal

DeviceKind = Literal["camera", "microphone", "screen"]
_LIST_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Device:
    kind: DeviceKind
    name: str
    """What the creator sees."""
    input: str
    """What ffmpeg takes (a path, a DirectShow name, an AVFoundation index)."""


_SOURCE_LINE = re.compile(r"^[* ] (?P<input>\S+) \[(?P<name>.*)\]")
_DSHOW_NEW = re.compile(r"\]\s+\"(?P<name>[^\"]+)\" \((?P<kinds>[^)]*)\)\s*$")
_DSHOW_OLD_NAME = re.compile(r"\]\s+\"(?P<name>[^\"]+)\"\s*$")
_AVF_ITEM = re.compile(r"\] \[(?P<index>\d+)\] (?P<name>.+?)\s*$")


def parse_sources(listing: str, kind: DeviceKind) -> list[Device]:
    """`ffmpeg -sources v4l2|pulse`: `* name [description] (media)`, `*` marking the default."""
    devices = []
    for line in listing.splitlines():
        match = _SOURCE_LINE.match(line)
        if match and not match.group("input").endswith(".monitor"):
            name = match.group("name").strip() or match.group("input")
            devices.append(Device(kind, name, match.group("input")))
    return devices


def parse_dshow(listing: str) -> list[Device]:
    """`ffmpeg -list_devices true -f dshow -i dummy`, in the 4.4+ and the older layout."""
    devices: list[Device] = []
    section: DeviceKind | None = None
    for line in listing.splitlines():
        if "Alternative name" in line:
            continue
        if "DirectShow video devices" in line:
            section = "camera"
            continue
        if "DirectShow audio devices" in line:
            section = "microphone"
            continue
        if match := _DSHOW_NEW.search(line):
            name, kinds = match.group("name"), match.group("kinds")
            if "video" in kinds:
                devices.append(Device("camera", name, name))
            if "audio" in kinds:
                devices.append(Device("microphone", name, name))
        elif section and (match := _DSHOW_OLD_NAME.search(line)):
            devices.append(Device(section, match.group("name"), match.group("name")))
    return devices


def parse_avfoundation(listing: str) -> list[Device]:
    """`ffmpeg -f avfoundation -list_devices true -i ""`: screens are listed as video devices."""
    devices: list[Device] = []
    section: Literal["video", "audio"] | None = None
    for line in listing.splitlines():
        if "AVFoundation video devices" in line:
            section = "video"
        elif "AVFoundation audio devices" in line:
            section = "audio"
        elif section and (match := _AVF_ITEM.search(line)):
            name, index = match.group("name"), match.group("index")
            if section == "audio":
                devices.append(Device("microphone", name, index))
            elif name.startswith("Capture screen"):
                devices.append(Device("screen", name, index))
            else:
                devices.append(Device("camera", name, index))
    return devices


async def _ffmpeg_says(ffmpeg: str, *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        ffmpeg,
        "-hide_banner",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with asyncio.timeout(_LIST_TIMEOUT_S):
            output, _ = await process.communicate()
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return ""
    return output.decode("utf-8", "replace")


async def list_devices(ffmpeg: str, platform: str = sys.platform) -> list[Device]:
    """Every capture device ffmpeg can open here; empty lists where it can list nothing."""
    if platform == "win32":
        listing = await _ffmpeg_says(ffmpeg, "-list_devices", "true", "-f", "dshow", "-i", "dummy")
        return [Device("screen", "Desktop", "desktop"), *parse_dshow(listing)]
    if platform == "darwin":
        listing = await _ffmpeg_says(
            ffmpeg, "-f", "avfoundation", "-list_devices", "true", "-i", ""
        )
        return parse_avfoundation(listing)
    cameras = parse_sources(await _ffmpeg_says(ffmpeg, "-sources", "v4l2"), "camera")
    microphones = parse_sources(await _ffmpeg_says(ffmpeg, "-sources", "pulse"), "microphone")
    display = os.environ.get("DISPLAY")
    # x11grab captures X11 only; a Wayland session without XWayland has no DISPLAY.
    screens = [Device("screen", f"Screen {display}", display)] if display else []
    return [*screens, *cameras, *microphones]
