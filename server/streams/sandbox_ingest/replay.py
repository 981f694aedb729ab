"""One broadcast's recording: its parts (one per publish) joined into one VOD playlist.

An encoder that drops and returns within the reconnect window continues the
same broadcast, so, as on Mux, the whole live is one replay. Each publish's
remux writes its own EVENT playlist (`part-NNN.m3u8`) beside its segments; at
the end they become one `index.m3u8` with `#EXT-X-DISCONTINUITY` between parts
(a new publish may bring new encoder settings), the way HLS itself says to join
them; each part's timestamps also start where the last one ended, so tools that
ignore the tag read one steady clock. No segment is copied or re-encoded, so
ending a long live costs nothing.
"""

import math
import re
from pathlib import Path

PART_PREFIX = "part-"
REPLAY_PLAYLIST = "index.m3u8"
PART_GAP_S = 0.5
"""Between one part's listed end and the next part's clock: a part's audio may run a
little past its last video frame, which is all the playlist's durations count."""
_EXTINF = re.compile(r"^#EXTINF:(?P<seconds>[0-9.]+)")


def part_playlist(folder: Path, part: int) -> Path:
    return folder / f"{PART_PREFIX}{part:03d}.m3u8"


def _segments(playlist: Path) -> list[tuple[float, str]]:
    """(duration, segment name) of each segment a part's playlist lists, in order."""
    try:
        lines = playlist.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    segments: list[tuple[float, str]] = []
    duration: float | None = None
    for line in lines:
        line = line.strip()
        found = _EXTINF.match(line)
        if found:
            duration = float(found.group("seconds"))
        elif line and not line.startswith("#") and duration is not None:
            if (playlist.parent / line).is_file():
                segments.append((duration, line))
            duration = None
    return segments


def next_part_start(folder: Path, parts: int) -> float:
    """Where the clock of the part after the first `parts` starts: past all recorded so far."""
    if not parts:
        return 0.0
    return PART_GAP_S * parts + sum(
        duration for part in range(parts) for duration, _ in _segments(part_playlist(folder, part))
    )


def assemble_replay(folder: Path, parts: int) -> float | None:
    """Write the replay's VOD playlist over every part; its duration, or None if nothing
    was recorded (the folder is then removed, so no empty replay is left behind)."""
    recorded = [
        segments for part in range(parts) if (segments := _segments(part_playlist(folder, part)))
    ]
    if not recorded:
        _remove(folder)
        return None
    longest = max(duration for segments in recorded for duration, _ in segments)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{math.ceil(longest)}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
    ]
    for index, segments in enumerate(recorded):
        if index:
            lines.append("#EXT-X-DISCONTINUITY")
        for duration, name in segments:
            lines += [f"#EXTINF:{duration:.6f},", name]
    lines.append("#EXT-X-ENDLIST")
    playlist = folder / REPLAY_PLAYLIST
    partial = playlist.with_name(REPLAY_PLAYLIST + ".partial")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.replace(playlist)
    return round(sum(duration for segments in recorded for duration, _ in segments), 3)


def _remove(folder: Path) -> None:
    if folder.exists():
        for leftover in folder.iterdir():
            leftover.unlink(missing_ok=True)
        folder.rmdir()
