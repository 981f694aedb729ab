"""Render the app's icon set from the one master SVG: PNGs for Linux, .ico, .icns.

Run it after changing `resources/icons/flash-africa.svg`, then commit the files it writes
in `resources/icons/app/` (the build scripts use the committed files and never render).
Each size is rendered from the vector master by Qt's SVG renderer rather than scaled down
from a large PNG, so small sizes stay sharp; Pillow then packs the ICO and ICNS
containers, which Qt cannot write.

    python packaging/desktop/make_icons.py
"""

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app_identity as identity  # beside this script, not an installed module


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    """The master drawn at `size` x `size` pixels with antialiasing, as a Pillow image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, b"PNG")
    return Image.open(io.BytesIO(bytes(data.data()))).convert("RGBA")


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0], "-platform", "offscreen"])
    renderer = QSvgRenderer(str(identity.ICON_MASTER))
    if not renderer.isValid():
        print(f"make_icons: cannot read {identity.ICON_MASTER}", file=sys.stderr)
        return 1
    sizes = sorted({*identity.PNG_SIZES, *identity.ICO_SIZES, *identity.ICNS_TYPES.values()})
    images = {size: render(renderer, size) for size in sizes}
    identity.ICONS.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for size in identity.PNG_SIZES:
        path = identity.icon("png", size)
        images[size].save(path, optimize=True)
        written.append(path)
    ico = identity.icon("ico")
    largest_ico = images[max(identity.ICO_SIZES)]
    largest_ico.save(
        ico,
        sizes=[(s, s) for s in identity.ICO_SIZES],
        append_images=[images[s] for s in identity.ICO_SIZES],
    )
    written.append(ico)
    icns = identity.icon("icns")
    icns_sizes = sorted(set(identity.ICNS_TYPES.values()))
    images[max(icns_sizes)].save(icns, append_images=[images[s] for s in icns_sizes])
    written.append(icns)
    for path in written:
        print(f"{path.relative_to(identity.REPO)}  {path.stat().st_size:,} bytes")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
