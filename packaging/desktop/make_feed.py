"""Write the update feed the studio reads (studio/core/updates.py) for one installer.

    python packaging/desktop/make_feed.py INSTALLER --url-base URL --out FEED.json [--notes TEXT]

The release workflow runs it once per installer kind and attaches the feeds to the
release, so `https://github.com/<owner>/<repo>/releases/latest/download/<feed>.json`
always describes the newest release. The version is pyproject.toml's, like everything
else the build writes; size and SHA-256 are those of the file itself, which is how a
studio refuses a truncated or corrupt download.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app_identity as identity  # beside this script, not an installed module


def feed_for(installer: Path, url_base: str, notes: str) -> dict[str, object]:
    digest = hashlib.sha256()
    with installer.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return {
        "version": identity.version(),
        "url": f"{url_base.rstrip('/')}/{installer.name}",
        "sha256": digest.hexdigest(),
        "size": installer.stat().st_size,
        "notes": notes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("installer", type=Path)
    parser.add_argument("--url-base", required=True, help="where the installer is downloaded")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--notes", default="")
    args = parser.parse_args(argv)
    if not args.installer.is_file():
        print(f"make_feed: no installer at {args.installer}", file=sys.stderr)
        return 2
    feed = feed_for(args.installer, args.url_base, args.notes)
    args.out.write_text(json.dumps(feed, indent=2) + "\n", encoding="utf-8")
    print(f"make_feed: {args.out}: {feed['url']} ({feed['size']} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
