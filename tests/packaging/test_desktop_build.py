"""The real Linux build: bundle, AppImage (when appimagetool is there) and .deb, started.

Minutes of CPU, so it runs only on request:

    FLASH_TEST_DESKTOP_BUILD=1 python -m pytest -s tests/packaging/test_desktop_build.py

`build_linux.sh` builds into a temporary folder, unpacks the .deb with `dpkg-deb -x` and
starts it (and the AppImage, or the AppDir) offscreen in a fresh home, checking the
window, the bundled server's health, its migrated database, ffmpeg and a clean stop
(smoke_test.py). This test then checks what was shipped: the package's files, that the
bundle carries the migrations, translations and ffmpeg, and that it leaves out the Qt
modules and tools the studio never loads.
"""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.packaging.test_desktop_config import DESKTOP, REPO, identity

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("FLASH_TEST_DESKTOP_BUILD") != "1",
        reason="builds the desktop bundle and packages, which takes minutes: "
        "set FLASH_TEST_DESKTOP_BUILD=1 to run it",
    ),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux build"),
    pytest.mark.timeout(3600),
]

LEFT_OUT = re.compile(
    r"Qt6?(Quick|Qml|WebEngine|3D|Multimedia|Charts|DataVisualization|Pdf|Designer|Network)"
    r"|/tkinter/|/_tkinter|/pytest/|/_pytest/|/tests/|/PIL/|/watchfiles/"
)


@dataclass
class LinuxBuild:
    output: str
    dist: Path
    deb: Path
    appimage: Path | None
    bundle: Path


@pytest.fixture(scope="module")
def linux_build(tmp_path_factory: pytest.TempPathFactory) -> LinuxBuild:
    root = tmp_path_factory.mktemp("desktop")
    env = dict(os.environ)
    env.update(
        PYTHON=sys.executable,
        FLASH_DESKTOP_DIST=str(root / "dist"),
        FLASH_DESKTOP_WORK=str(root / "work"),
    )
    result = subprocess.run(
        [str(DESKTOP / "build_linux.sh")],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    print(result.stdout[-3000:])
    assert result.returncode == 0, result.stdout[-6000:]
    dist = root / "dist"
    appimages = sorted(dist.glob("*.AppImage"))
    return LinuxBuild(
        output=result.stdout,
        dist=dist,
        deb=next(dist.glob("*.deb")),
        appimage=appimages[0] if appimages else None,
        bundle=dist / identity.EXECUTABLE,
    )


def test_the_installed_studio_started_its_server_and_window(linux_build: LinuxBuild) -> None:
    passed = re.findall(r"smoke_test: (\S+) passed", linux_build.output)
    assert len(passed) == 2, linux_build.output[-4000:]
    assert passed[0].endswith(f"/deb/usr/bin/{identity.EXECUTABLE}")
    for check in ("with the bundled server online", "status ok", "database migrated",
                  "exit code 0, bundled server gone", "bundled ffmpeg version"):  # fmt: skip
        assert linux_build.output.count(check) == 2, check


def test_a_missing_appimagetool_is_named_with_where_to_get_it(linux_build: LinuxBuild) -> None:
    if linux_build.appimage is not None:
        assert linux_build.appimage.stat().st_mode & 0o111
        assert "squashfs-root/AppRun passed" in linux_build.output
    else:
        assert "appimagetool is missing" in linux_build.output
        assert "github.com/AppImage/appimagetool/releases" in linux_build.output
        assert "AppDir/AppRun passed" in linux_build.output


def test_the_deb_installs_a_launcher_icons_and_a_url_handler(linux_build: LinuxBuild) -> None:
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(linux_build.deb)], capture_output=True, text=True, check=True
    ).stdout
    paths = {line.split()[5].removeprefix(".") for line in listing.splitlines()}
    app_id = identity.BUNDLE_ID
    assert f"/usr/share/applications/{app_id}.desktop" in paths
    for size in identity.PNG_SIZES:
        assert f"/usr/share/icons/hicolor/{size}x{size}/apps/{app_id}.png" in paths
    assert f"/usr/bin/{identity.EXECUTABLE}" in paths
    fields = subprocess.run(
        ["dpkg-deb", "-f", str(linux_build.deb), "Package", "Version", "Depends"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert f"Package: {identity.DEB_PACKAGE}" in fields
    assert f"Version: {identity.debian_version()}" in fields
    assert re.search(r"Depends: libc6 \(>= 2\.\d+\)", fields)


def test_the_bundle_carries_migrations_translations_styles_and_ffmpeg(
    linux_build: LinuxBuild,
) -> None:
    inside = linux_build.bundle / "_internal"
    for source, target in identity.data_files():
        assert (inside / target / Path(source).name).is_file(), source
    ffmpeg = [p for p in (inside / "imageio_ffmpeg" / "binaries").glob("ffmpeg*") if p.is_file()]
    assert ffmpeg and os.access(ffmpeg[0], os.X_OK)
    assert list((inside / "PySide6" / "Qt" / "plugins" / "platforms").glob("libqxcb.so"))
    metadata = list(inside.glob("flash_africa*"))
    assert metadata, "the studio reads its version from the distribution's metadata"


def test_the_bundle_leaves_out_what_the_studio_never_loads(linux_build: LinuxBuild) -> None:
    files = [str(p.relative_to(linux_build.bundle)) for p in linux_build.bundle.rglob("*")]
    assert [f for f in files if LEFT_OUT.search("/" + f)] == []
    translations = linux_build.bundle / "_internal" / "PySide6" / "Qt" / "translations"
    assert sorted(p.name for p in translations.glob("*.qm")) == ["qtbase_en.qm", "qtbase_fr.qm"]
    system = [f for f in files if "/" not in f.removeprefix("_internal/")
              and identity.unwanted(f.removeprefix("_internal/"), "linux")]  # fmt: skip
    assert system == []


def test_sizes_are_reported(linux_build: LinuxBuild) -> None:
    assert re.search(r"^bundle:\s+built in \d+ s$", linux_build.output, re.M)
    assert re.search(r"^deb\s+\d+ MB", linux_build.output, re.M)
