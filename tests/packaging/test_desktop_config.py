"""The desktop build's configuration, checked without building (seconds, every run).

The build itself takes minutes and runs only on request (test_desktop_build.py); these
tests catch what would make it fail or ship something wrong: a file the spec names that
does not exist, a missing icon size, a second copy of the version, a workflow that does
not parse or calls a script that is not there, identities that disagree between the
Inno Setup script, Info.plist and the .desktop file.
"""

import ast
import configparser
import hashlib
import importlib.metadata
import importlib.util
import json
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from fnmatch import fnmatch
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from starlette.applications import Starlette
from starlette.responses import FileResponse
from starlette.routing import Route

import server
from studio.core import updates
from tests.support.live_server import LiveServer, serve

REPO = Path(__file__).resolve().parents[2]
DESKTOP = REPO / "packaging" / "desktop"
WORKFLOW = REPO / ".github" / "workflows" / "release.yml"
ISS = DESKTOP / "windows" / "flash-studio.iss"
SCRIPTS = sorted(DESKTOP.glob("*.sh"))


def load_desktop_module(name: str) -> ModuleType:
    """A module of packaging/desktop/ (plain scripts there, not an installed package)."""
    spec = importlib.util.spec_from_file_location(f"desktop_{name}", DESKTOP / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


identity = load_desktop_module("app_identity")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    return loaded


def workflow_runs() -> Iterator[tuple[str, str]]:
    for name, job in workflow()["jobs"].items():
        for step in job["steps"]:
            if "run" in step:
                yield name, step["run"]


# -- what goes into the bundle -------------------------------------------------------------


def test_every_file_the_bundle_lists_exists() -> None:
    assert identity.missing_data() == []
    assert (DESKTOP / "entry.py").is_file()
    assert (DESKTOP / "macos" / "entitlements.plist").is_file()
    spec = (DESKTOP / "flash-studio.spec").read_text("utf-8")
    for name in re.findall(r'Path\(SPECPATH\) / "([^"]+)"(?: / "([^"]+)")?', spec):
        assert (DESKTOP.joinpath(*[part for part in name if part])).exists(), name


def test_the_bundle_carries_every_migration_and_translation() -> None:
    bundled = {Path(source).relative_to(REPO) for source, _ in identity.data_files()}
    migrations = REPO / "server" / "db" / "migrations"
    needed = {
        path.relative_to(REPO)
        for path in migrations.rglob("*")
        if path.is_file() and path.suffix in (".py", ".mako") and "__pycache__" not in path.parts
    }
    # Whatever the wheel ships of resources/ (but translation sources) the bundle ships too.
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["resources"]
    for pattern in package_data:
        if not pattern.endswith(".ts"):
            needed |= {
                p.relative_to(REPO) for p in (REPO / "resources").glob(pattern) if p.is_file()
            }
    assert any(path.suffix == ".qm" for path in needed)
    assert needed - bundled == set()
    for source, target in identity.data_files():
        assert Path(source).parent.relative_to(REPO) == Path(target), "the bundle mirrors the tree"


def test_modules_left_out_of_the_bundle_are_never_imported_by_our_code() -> None:
    """An exclusion that our code needs would only break in the frozen app, at run time."""
    excluded = set(identity.EXCLUDED_MODULES) - {"tests"}
    offenders = []
    for folder in ("studio", "server", "resources"):
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
                for name in names:
                    if any(name == ex or name.startswith(ex + ".") for ex in excluded):
                        offenders.append(f"{path.relative_to(REPO)} imports {name}")
    assert offenders == []


def test_qt_parts_the_studio_never_loads_are_left_out() -> None:
    for kept in [
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/translations/qtbase_fr.qm",
        "libxcb-cursor.so.0",
        "imageio_ffmpeg/binaries/ffmpeg-linux-x86_64-v9.0.2",
    ]:
        assert not identity.unwanted(kept, "linux"), kept
    for dropped in [
        "PySide6/Qt/lib/libQt6Quick.so.6",
        "PySide6/Qt/lib/libQt6Qml.so.6",
        "PySide6/Qt6Quick.dll",
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6/Qt/translations/qt_help_fr.qm",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "libX11.so.6",
        "libglib-2.0.so.0",
    ]:
        assert identity.unwanted(dropped, "linux"), dropped
    assert not identity.unwanted("libglib-2.0.so.0", "darwin")


def test_the_linux_package_depends_on_each_system_library_it_leaves_out() -> None:
    libraries = load_desktop_module("linux_libraries")
    known = set(libraries.DEBIAN_PACKAGES) | libraries.GLIBC
    for pattern in identity.LINUX_SYSTEM_LIBRARIES:
        assert any(fnmatch(name, pattern) for name in known), pattern


def test_libraries_nothing_needs_any_more_are_pruned() -> None:
    """A plugin left out must not leave its libraries behind (the GTK theme's GTK)."""
    libraries = load_desktop_module("linux_libraries")
    if shutil.which("readelf") is None or not sys.platform.startswith("linux"):
        pytest.skip("needs readelf (binutils) and Linux programs to read")
    python = str(Path(sys.executable).resolve())  # an ELF program that needs libc.so.6
    entries = [
        ("python3", python, "BINARY"),
        ("libc.so.6", python, "BINARY"),
        ("libnothing-needs-me.so.1", python, "BINARY"),
        ("libpython3.11.so.1.0", python, "BINARY"),  # loaded by the bootloader, not NEEDED
    ]
    kept, pruned = libraries.prune_unneeded(entries)
    assert pruned == ["libnothing-needs-me.so.1"]
    assert [entry[0] for entry in kept] == ["python3", "libc.so.6", "libpython3.11.so.1.0"]


# -- app identity --------------------------------------------------------------------------


def test_the_icon_set_is_complete_for_each_platform() -> None:
    for size in identity.PNG_SIZES:
        assert png_size(identity.icon("png", size).read_bytes()) == (size, size)
    assert min(identity.PNG_SIZES) == 16 and max(identity.PNG_SIZES) == 512

    ico = identity.icon("ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sizes = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert sizes == set(identity.ICO_SIZES)

    icns = identity.icon("icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    found: dict[str, int] = {}
    offset = 8
    while offset < len(icns):
        kind_bytes, length = struct.unpack(">4sI", icns[offset : offset + 8])
        if kind_bytes != b"TOC ":
            found[kind_bytes.decode()] = png_size(icns[offset + 8 : offset + length])[0]
        offset += length
    assert found == identity.ICNS_TYPES


def test_the_version_has_one_source() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert identity.version() == pyproject
    assert importlib.metadata.version(identity.DISTRIBUTION) == pyproject, (
        "the installed metadata is stale: pip install -e ."
    )
    assert updates.installed_version() == pyproject
    assert identity.info_plist()["CFBundleShortVersionString"] == pyproject
    assert f"'ProductVersion', '{pyproject}'" in identity.windows_version_file()
    assert server.__version__ == pyproject, (
        "server/__init__.py hard-codes a version that pyproject.toml no longer says"
    )
    copies = [
        str(path.relative_to(REPO))
        for path in [*DESKTOP.rglob("*"), WORKFLOW]
        if path.is_file()
        and path.suffix in (".py", ".sh", ".spec", ".iss", ".plist", ".yml")
        and re.search(rf"(?<![\d.]){re.escape(pyproject)}(?![\d.])", path.read_text("utf-8"))
    ]
    assert copies == [], "these files carry their own copy of the version"


def test_windows_file_version_is_a_pyinstaller_version_file(tmp_path: Path) -> None:
    text = identity.windows_version_file()
    numbers = identity.version_numbers()
    assert identity.version_numbers("2.10.3rc1") == (2, 10, 3, 0)
    if sys.platform == "win32":  # PyInstaller's own reader needs the Win32 API
        from PyInstaller.utils.win32 import versioninfo

        path = tmp_path / "version_info.txt"
        path.write_text(text, encoding="utf-8")
        loaded = versioninfo.load_version_info_from_text_file(str(path))
        assert loaded.ffi.fileVersionMS >> 16 == numbers[0]
        return
    # Elsewhere: evaluate it with the names PyInstaller's reader provides, recording calls.
    calls: dict[str, list[dict[int | str, Any]]] = {}

    def recorder(name: str) -> Callable[..., str]:
        def record(*args: Any, **kwargs: Any) -> str:
            calls.setdefault(name, []).append(dict(enumerate(args)) | kwargs)
            return name

        return record

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct"]  # fmt: skip
    assert eval(text, {"__builtins__": {}}, {n: recorder(n) for n in names}) == "VSVersionInfo"
    fixed = calls["FixedFileInfo"][0]
    assert fixed["filevers"] == numbers == fixed["prodvers"]
    strings = {call[0]: call[1] for call in calls["StringStruct"]}
    assert strings["ProductVersion"] == strings["FileVersion"] == identity.version()
    assert strings["OriginalFilename"] == "flash-studio.exe"


def test_macos_info_plist_and_entitlements() -> None:
    info = identity.info_plist()
    plistlib.loads(plistlib.dumps(info))  # every value is one a plist can hold
    assert info["CFBundleIdentifier"] == identity.BUNDLE_ID == "africa.flash.studio"
    assert info["CFBundleName"] == "Flash Africa Studio"
    assert info["CFBundleURLTypes"] == [
        {"CFBundleURLName": "africa.flash.studio", "CFBundleURLSchemes": ["flashafrica"]}
    ]
    assert info["NSCameraUsageDescription"] and info["NSMicrophoneUsageDescription"]
    entitlements = plistlib.loads((DESKTOP / "macos" / "entitlements.plist").read_bytes())
    assert entitlements["com.apple.security.device.camera"] is True
    assert entitlements["com.apple.security.device.audio-input"] is True


def test_the_desktop_entry_launches_the_studio_and_opens_flashafrica_links(
    tmp_path: Path,
) -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(identity.desktop_entry())
    entry = parser["Desktop Entry"]
    assert entry["Name"] == "Flash Africa Studio"
    assert entry["Exec"] == "flash-studio %u"
    assert entry["Icon"] == identity.BUNDLE_ID
    assert "x-scheme-handler/flashafrica" in entry["MimeType"].split(";")
    validator = shutil.which("desktop-file-validate")
    if validator:
        path = tmp_path / f"{identity.BUNDLE_ID}.desktop"
        path.write_text(identity.desktop_entry(), encoding="utf-8")
        result = subprocess.run([validator, str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_inno_setup_script_matches_the_app_identity() -> None:
    iss = ISS.read_text("utf-8")
    assert f"AppId={{{identity.INNO_APP_ID}" in iss
    assert f'#define AppName "{identity.APP_NAME}"' in iss
    assert f'#define AppExe "{identity.EXECUTABLE}.exe"' in iss
    assert f'#define UrlScheme "{identity.URL_SCHEME}"' in iss
    assert r'Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"' in iss
    assert r'Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"' in iss
    assert 'ValueName: "URL Protocol"' in iss
    build = (DESKTOP / "build_windows.sh").read_text("utf-8")
    for define in re.findall(r"#ifndef (\w+)", iss):
        assert f'"-D{define}=' in build, f"build_windows.sh does not pass /D{define}"


# -- scripts and the release workflow ------------------------------------------------------


def test_build_scripts_are_strict_executable_bash_that_names_existing_files() -> None:
    assert {path.name for path in SCRIPTS} == {
        "build_linux.sh", "build_macos.sh", "build_windows.sh",
    }  # fmt: skip
    for script in SCRIPTS:
        text = script.read_text("utf-8")
        assert text.startswith("#!/usr/bin/env bash\n"), script.name
        assert "\nset -euo pipefail\n" in text, script.name
        assert script.stat().st_mode & 0o111, f"{script.name} is not executable"
        subprocess.run(["bash", "-n", str(script)], check=True)
        for name in re.findall(r'"\$here/([\w./-]+)"', text):
            assert (DESKTOP / name).exists(), f"{script.name} runs {name}, which is not there"
        for name in re.findall(r'"\$repo/([\w./-]+)"', text):
            if not name.startswith(".venv/"):  # optional: the scripts fall back to python3
                assert (REPO / name).exists(), f"{script.name} reads {name}, which is not there"


def test_the_release_workflow_tests_on_each_os_then_builds_and_releases() -> None:
    loaded = workflow()
    triggers = loaded["on"] if "on" in loaded else loaded[True]  # YAML 1.1: bare `on` is true
    assert triggers["push"]["tags"] == ["v*"]
    jobs = loaded["jobs"]
    test_oses = jobs["test"]["strategy"]["matrix"]["os"]
    assert {os.split("-")[0] for os in test_oses} == {"ubuntu", "windows", "macos"}
    assert any("pytest" in run for job, run in workflow_runs() if job == "test")
    builds = {"linux": "build_linux.sh", "windows": "build_windows.sh", "macos": "build_macos.sh"}
    for job, script in builds.items():
        assert jobs[job]["needs"] == "test", f"{job} must wait for the tests"
        assert any(script in run for name, run in workflow_runs() if name == job)
    assert set(jobs["release"]["needs"]) == set(builds)
    assert "--require-appimage" in str(jobs["linux"])


def test_every_script_the_workflow_runs_exists() -> None:
    named = {
        path
        for _, run in workflow_runs()
        for path in re.findall(r"(packaging/desktop/[\w./-]+\.(?:sh|py))", run)
    }
    assert named, "the workflow runs no packaging script"
    for path in named:
        assert (REPO / path).is_file(), f"release.yml runs {path}, which is not there"


def test_the_workflow_matches_githubs_workflow_schema() -> None:
    if importlib.util.find_spec("check_jsonschema") is None:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[packaging]')")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(WORKFLOW),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- the update feed the release publishes -------------------------------------------------


@pytest.fixture
def release_folder(tmp_path: Path) -> Iterator[tuple[Path, LiveServer]]:
    async def asset(request: Any) -> FileResponse:
        return FileResponse(tmp_path / request.path_params["name"])

    with serve(Starlette(routes=[Route("/download/{name}", asset)])) as live:
        yield tmp_path, live


async def test_the_feed_the_release_publishes_is_one_the_studio_accepts(
    release_folder: tuple[Path, LiveServer],
) -> None:
    folder, live = release_folder
    installer = folder / "FlashAfricaStudio-setup.exe"
    installer.write_bytes(b"MZ" + bytes(range(256)) * 300)
    make_feed = load_desktop_module("make_feed")
    feed = make_feed.feed_for(installer, f"{live.url}/download", "notes")
    (folder / "feed.json").write_text(json.dumps(feed), encoding="utf-8")
    update = await updates.check_for_update(f"{live.url}/download/feed.json", current="0.0.1")
    assert update is not None and update.version == identity.version()
    downloaded = await updates.download_update(update, folder / "downloads")
    assert hashlib.sha256(downloaded.read_bytes()).hexdigest() == feed["sha256"]
