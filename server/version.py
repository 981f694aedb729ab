"""The one version the server reports and the studio compares with its update feed.

Read from the installed distribution's metadata, which `pyproject.toml` fills at
install time (and PyInstaller copies into the studio's bundle), so no file carries
its own copy to forget. A source tree run without being installed has no metadata:
it says `UNKNOWN` rather than a number that could be wrong.
"""

import importlib.metadata

DISTRIBUTION = "flash-africa"
UNKNOWN = "0+unknown"
"""A valid PEP 440 version that names no release: nothing is taken to be older than it."""


def installed_version() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return UNKNOWN
