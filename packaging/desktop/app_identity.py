"""Flash Africa Studio's identity and the contents of its desktop bundle, in one place.

The PyInstaller spec, the build scripts (through `python app_identity.py FIELD`) and the
tests all read this module, so the name, the ids, the version and the list of files that
go into the bundle cannot drift apart. It imports nothing outside the standard library:
the spec runs it inside PyInstaller, the tests run it where PyInstaller is not installed.
"""

import ast
import re
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = REPO / "packaging" / "desktop"

APP_NAME = "Flash Africa Studio"
EXECUTABLE = "flash-studio"
"""The program's file name (plus .exe on Windows) and the bundle folder's name."""
DISTRIBUTION = "flash-africa"
"""The Python distribution whose version the studio reports (importlib.metadata)."""
BUNDLE_ID = "africa.flash.studio"
"""Reverse-DNS id: macOS bundle id, freedesktop app id (.desktop file and icon name)."""
URL_SCHEME = "flashafrica"
PUBLISHER = "Flash Africa"
MAINTAINER = "Flash Africa <support@flash.africa>"
SUMMARY = "Go live, follow your earnings and chat with your fans"
DEB_PACKAGE = "flash-africa-studio"
INSTALL_FOLDER = "flash-africa-studio"
"""Linux: /opt/<this> in the .deb, usr/lib/<this> in the AppImage."""
INNO_APP_ID = "{6F3B2C1E-8A4D-4F7B-9C2E-5D1A0B7E3F90}"
"""Inno Setup's AppId: fixed forever, or upgrades would install beside the old version."""

ICONS = REPO / "resources" / "icons" / "app"
ICON_MASTER = REPO / "resources" / "icons" / "flash-africa.svg"
ICON_STEM = "flash-africa-studio"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
"""Linux hicolor sizes; each is also a source for the .ico and .icns."""
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
"""Windows: Explorer, taskbar and Start menu at every scaling factor; 256 is the largest ICO."""
ICNS_TYPES = {
    "ic11": 32, "ic12": 64, "ic07": 128, "ic13": 256, "ic08": 256,
    "ic14": 512, "ic09": 512, "ic10": 1024,
}  # fmt: skip
"""macOS: 16 to 512 points at 1x and 2x (ic11 is 16@2x, ic10 is 512@2x)."""

DATA_FILES: tuple[tuple[str, str], ...] = (
    # (glob under the repository, folder inside the bundle): the folder mirrors the tree,
    # because `resources.path()` and `server.db.migrate` find their files beside the code.
    ("resources/styles/*.qss", "resources/styles"),
    ("resources/translations/*.qm", "resources/translations"),
    ("resources/icons/*", "resources/icons"),  # the window icon, the style sheets' icons
    # Alembic reads the migrations as source files from disk, not from the frozen archive.
    ("server/db/migrations/*.py", "server/db/migrations"),
    ("server/db/migrations/*.mako", "server/db/migrations"),
    ("server/db/migrations/versions/*.py", "server/db/migrations/versions"),
    # The fan page's built assets, so the bundled server serves /live/{id} too.
    ("server/fanpage/static/*", "server/fanpage/static"),
)
OPTIONAL_DATA = ("resources/translations/*.qm",)
"""Globs that may match nothing yet (the build warns): the studio then shows English only."""

HIDDEN_IMPORTS = (
    # Alembic's runtime and DDL per database, loaded by name while migrating.
    "alembic.runtime.migration",
    "alembic.ddl.sqlite",
    "alembic.ddl.postgresql",
    # SQLAlchemy loads its async dialects, and they their drivers, by the URL's name.
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "sqlalchemy.dialects.postgresql.asyncpg",
    "aiosqlite",
    "asyncpg",
)
"""Besides these, everything the migration files import (`migration_imports()`)."""

EXCLUDED_MODULES = (
    # Qt bindings qasync would try if PySide6 were missing; Qt modules the studio never imports.
    "PyQt5", "PyQt6", "PySide2",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtQuick3D", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick", "PySide6.QtWebChannel", "PySide6.QtWebSockets",
    "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.Qt3DExtras", "PySide6.Qt3DInput",
    "PySide6.Qt3DLogic", "PySide6.Qt3DAnimation", "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets", "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "PySide6.QtGraphs", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtSql",
    "PySide6.QtTest", "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtUiTools",
    "PySide6.QtXml", "PySide6.QtNetwork", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtPrintSupport", "PySide6.QtConcurrent", "PySide6.QtSvg", "PySide6.QtSvgWidgets",
    "PySide6.QtDBus", "PySide6.QtStateMachine", "PySide6.QtRemoteObjects",
    # Development and test tools, GUI toolkits we do not use, optional imports that
    # nothing here uses: uvicorn's reloader, YAML configs, Pygments' image output (Pillow),
    # the interactive prompt's line editing.
    "tkinter", "_tkinter", "tests", "pytest", "_pytest", "pytestqt", "mypy", "IPython",
    "watchfiles", "yaml", "PIL", "readline",
)  # fmt: skip

UNWANTED_FILES = (
    # Qt libraries and plugins that come only with modules the studio does not use.
    "*libQt6Qml*", "*libQt6Quick*", "*libQt6Pdf*", "*libQt6VirtualKeyboard*",
    "*libQt6WebEngine*", "*libQt6Network*", "*libQt6Multimedia*", "*libQt63D*",
    "*Qt6Qml*", "*Qt6Quick*", "*Qt6Pdf*", "*Qt6VirtualKeyboard*", "*Qt6Network*",
    "*QtQml.framework*", "*QtQuick.framework*", "*QtPdf.framework*", "*QtNetwork.framework*",
    "*/plugins/platforminputcontexts/*virtualkeyboard*", "*/plugins/imageformats/*pdf*",
    "*/plugins/networkinformation/*", "*/plugins/tls/*", "*/plugins/qmltooling/*",
    "*/Qt/qml/*",
    # Linux: embedded-device platforms (no desktop uses them), and the GTK theme plugin,
    # which drags in GTK's whole stack while the studio draws itself with Fusion and QSS
    # (the libraries it leaves behind go too: linux_libraries.prune_unneeded).
    "*libQt6EglFS*", "*libQt6EglFs*", "*/plugins/egldeviceintegrations/*", "*/plugins/generic/*",
    "*/platforms/libqeglfs*", "*/platforms/libqlinuxfb*", "*/platforms/libqvnc*",
    "*/platforms/libqvkkhrdisplay*", "*/platforms/libqminimalegl*",
    "*/platformthemes/libqgtk3*",
    # Wayland buffer sharing for compositors built with Qt, not for ordinary clients.
    "*/wayland-graphics-integration-client/*-server.so",
)  # fmt: skip
LINUX_SYSTEM_LIBRARIES = (
    # Every Linux desktop has these, and they must be the system's own: X11 and xcb talk
    # to its display server, fontconfig reads its font configuration, GLib loads its GIO
    # modules, D-Bus and systemd match its daemons, libmvec is part of its C library. A
    # copy from the build machine breaks on newer systems, so the bundle leaves them out
    # (and what only they needed: linux_libraries.prune_unneeded) and the .deb depends
    # on them (linux_libraries.DEBIAN_PACKAGES).
    "libX11.so.*", "libX11-xcb.so.*", "libxcb.so.*", "libXext.so.*", "libXrender.so.*",
    "libfontconfig.so.*", "libfreetype.so.*", "libharfbuzz.so.*", "libexpat.so.*",
    "libpng16.so.*", "libz.so.*", "libzstd.so.*",
    "libglib-2.0.so.*", "libgobject-2.0.so.*", "libgio-2.0.so.*", "libgmodule-2.0.so.*",
    "libgthread-2.0.so.*", "libdbus-1.so.*", "libsystemd.so.*", "libmvec.so.*",
    "libgssapi_krb5.so.*",
)  # fmt: skip
"""File names at the bundle's top level (wheels' own copies carry a hash and stay)."""
QT_TRANSLATIONS_KEPT = ("en", "fr")
"""Qt's own translations: only `qtbase_<language>.qm`, the one the studio loads, in its two
languages (Qt's help, designer and meta catalogs are never loaded)."""


def version() -> str:
    """The one version: `[project] version` in pyproject.toml."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    value: str = project["version"]
    return value


def version_numbers(text: str | None = None) -> tuple[int, int, int, int]:
    """The release numbers padded to four, as Windows version resources need them."""
    match = re.match(r"(\d+(?:\.\d+)*)", text or version())
    if match is None:
        raise ValueError(f"version {text!r} does not start with release numbers")
    numbers = [int(part) for part in match.group(1).split(".")]
    first, second, third, fourth = [*numbers, 0, 0, 0][:4]
    return first, second, third, fourth


def debian_version(text: str | None = None) -> str:
    """The version as Debian orders it: `0.2.0rc1` becomes `0.2.0~rc1`, before `0.2.0`."""
    value = text or version()
    value = re.sub(r"\.?(a|b|rc|dev)(\d*)", r"~\1\2", value)
    return re.sub(r"\.?post(\d*)", r"+post\1", value)


def data_files() -> list[tuple[str, str]]:
    """(absolute source file, bundle folder) for every file `DATA_FILES` names."""
    pairs: list[tuple[str, str]] = []
    for pattern, target in DATA_FILES:
        for source in sorted(REPO.glob(pattern)):
            if source.is_file():
                pairs.append((str(source), target))
    return pairs


def missing_data() -> list[str]:
    """Required globs that match no file: a build with any of these would be broken."""
    return [p for p, _ in DATA_FILES if p not in OPTIONAL_DATA and not any(REPO.glob(p))]


def migration_imports() -> list[str]:
    """Modules the migration files import: PyInstaller never reads them (they are data)."""
    found: set[str] = set()
    for path in sorted((REPO / "server" / "db" / "migrations").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    return sorted(found)


def unwanted(bundle_path: str, platform: str = sys.platform) -> bool:
    """True for a collected file the studio never loads (kept out to keep the bundle lean)."""
    path = bundle_path.replace("\\", "/")
    if any(fnmatch(path, pattern) for pattern in UNWANTED_FILES):
        return True
    if platform.startswith("linux") and "/" not in path:
        if any(fnmatch(path, pattern) for pattern in LINUX_SYSTEM_LIBRARIES):
            return True
    if "/translations/" in f"/{path}" and "PySide6" in path and path.endswith(".qm"):
        name = path.rsplit("/", 1)[-1].removesuffix(".qm")
        catalog, _, language = name.rpartition("_")
        return catalog != "qtbase" or language not in QT_TRANSLATIONS_KEPT
    return False


def icon(kind: str, size: int | None = None) -> Path:
    """A file of the committed icon set: `icon("png", 48)`, `icon("ico")`, `icon("icns")`."""
    name = f"{ICON_STEM}-{size}.png" if kind == "png" else f"{ICON_STEM}.{kind}"
    return ICONS / name


def desktop_entry() -> str:
    """The freedesktop launcher: menu entry, icon, and the flashafrica:// URL handler."""
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            f"Name={APP_NAME}",
            "GenericName=Live streaming studio",
            "GenericName[fr]=Studio de diffusion en direct",
            f"Comment={SUMMARY}",
            "Comment[fr]=Passez en direct, suivez vos revenus et discutez avec vos fans",
            f"Exec={EXECUTABLE} %u",
            f"Icon={BUNDLE_ID}",
            "Terminal=false",
            "Categories=AudioVideo;Video;",
            "Keywords=stream;live;rtmp;creator;payments;",
            f"MimeType=x-scheme-handler/{URL_SCHEME};",
            "StartupNotify=true",
            "",
        ]
    )


def info_plist() -> dict[str, object]:
    """macOS Info.plist keys beyond those PyInstaller writes itself."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version(),
        "CFBundleVersion": version(),
        "CFBundleExecutable": EXECUTABLE,
        "CFBundleDevelopmentRegion": "en",
        "CFBundleLocalizations": ["en", "fr"],
        "LSApplicationCategoryType": "public.app-category.video",
        "LSMinimumSystemVersion": "11.0",
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,
        "NSHumanReadableCopyright": f"© {PUBLISHER}",
        # The encoder captures the camera and microphone through ffmpeg; macOS refuses
        # (and kills the process) unless the app says why it asks.
        "NSCameraUsageDescription": "Flash Africa Studio shows your camera in your live stream.",
        "NSMicrophoneUsageDescription": "Flash Africa Studio sends your voice in your live stream.",
        "CFBundleURLTypes": [
            {"CFBundleURLName": BUNDLE_ID, "CFBundleURLSchemes": [URL_SCHEME]},
        ],
    }


def windows_version_file() -> str:
    """The text of a PyInstaller version file (Explorer's Details tab, the installer's checks)."""
    numbers = version_numbers()
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": APP_NAME,
        "FileVersion": version(),
        "InternalName": EXECUTABLE,
        "LegalCopyright": f"© {PUBLISHER}",
        "OriginalFilename": f"{EXECUTABLE}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version(),
    }
    table = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '040904B0',
        [
          {table}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


FIELDS = {
    "version": version,
    "deb-version": debian_version,
    "file-version": lambda: ".".join(map(str, version_numbers())),
    "app-name": lambda: APP_NAME,
    "executable": lambda: EXECUTABLE,
    "bundle-id": lambda: BUNDLE_ID,
    "deb-package": lambda: DEB_PACKAGE,
    "install-folder": lambda: INSTALL_FOLDER,
    "maintainer": lambda: MAINTAINER,
    "summary": lambda: SUMMARY,
    "url-scheme": lambda: URL_SCHEME,
    "png-sizes": lambda: " ".join(map(str, PNG_SIZES)),
    "desktop-entry": desktop_entry,
}


if __name__ == "__main__":
    # `python app_identity.py version`: the shell scripts read the same values as the spec.
    if len(sys.argv) != 2 or sys.argv[1] not in FIELDS:
        raise SystemExit(f"usage: app_identity.py {{{'|'.join(FIELDS)}}}")
    print(FIELDS[sys.argv[1]](), end="" if sys.argv[1] == "desktop-entry" else "\n")
