"""Files the studio ships beside its code: icons, style sheets, translations."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. `path("styles", "dark.qss")`."""
    return ROOT.joinpath(*parts)
