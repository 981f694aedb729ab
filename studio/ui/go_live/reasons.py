"""The encoder's one-line reasons, said again in the creator's language.

`studio.core.ffmpeg_output` words its reasons in English (they also go to the
command line and to logs); the ones a creator meets are matched here and
translated, keeping the part that names the host or the server's own words.
Anything else is shown as the core wrote it.
"""

import re

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate


def _patterns() -> list[tuple[re.Pattern[str], str]]:
    return [
        (re.compile(r"^The ingest refused the stream: (.+)$"),
         translate("EncoderReasons", "The ingest refused the stream: %1")),
        (re.compile(r"^Can't reach the ingest at (\S+): connection refused.*$"),
         translate("EncoderReasons", "Can't reach the ingest at %1: nothing answers there.")),
        (re.compile(r"^Can't reach the ingest at (\S+): (.+)$"),
         translate("EncoderReasons", "Can't reach the ingest at %1 (%2).")),
        (re.compile(r"^Can't find the ingest host (\S+):.*$"),
         translate("EncoderReasons",
                   "Can't find the ingest host %1: check the URL or your network.")),
        (re.compile(r"^The ingest at (\S+) did not answer in time$"),
         translate("EncoderReasons", "The ingest at %1 did not answer in time.")),
        (re.compile(r"^No network route to the ingest at (\S+)$"),
         translate("EncoderReasons", "No network route to the ingest at %1: are you online?")),
        (re.compile(r"^The ingest did not accept the stream in time$"),
         translate("EncoderReasons", "The ingest did not accept the stream in time.")),
        (re.compile(r"^Can't open the video source: (.+)$"),
         translate("EncoderReasons", "Can't open the video source: %1")),
        (re.compile(r"^The video encoder failed: (.+)$"),
         translate("EncoderReasons", "The video encoder failed: %1")),
        (re.compile(r"^The connection to the ingest was too slow to measure$"),
         translate("EncoderReasons", "The connection to the ingest was too slow to measure.")),
    ]  # fmt: skip


def translated_reason(reason: str) -> str:
    for pattern, text in _patterns():
        if match := pattern.match(reason):
            for number, part in enumerate(match.groups(), start=1):
                text = text.replace(f"%{number}", part)
            return text
    return reason
