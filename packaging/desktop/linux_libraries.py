"""Which system libraries the Linux bundle needs (the .deb's `Depends:`), and which it does not.

    python packaging/desktop/linux_libraries.py depends BUNDLE_FOLDER

It reads every ELF file of the bundle with `readelf` (binutils): the libraries they need
that the bundle does not carry must come from the system, and `DEBIAN_PACKAGES` says
which package brings each one. A library missing from that table stops the build with
its name and the files that need it, so a new dependency is a decision, not a surprise
on a user's machine. The C library's minimum version is the newest `GLIBC_x.y` symbol
version any file uses.

`dpkg-shlibdeps` would do this from the build machine's installed packages, but it fails
on every optional Qt plugin whose library that machine lacks (Wayland, GTK), and its
answer changes with the machine; this table does not.
"""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

GLIBC = {
    "libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0", "libmvec.so.1",
    "libutil.so.1", "libresolv.so.2", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
}  # fmt: skip
"""Parts of the C library (Debian's libc6), one dependency with a minimum version."""

DEBIAN_PACKAGES = {
    # `a | b`: Debian 13 and Ubuntu 24.04 renamed some libraries for 64-bit time_t.
    "libgcc_s.so.1": "libgcc-s1",
    "libstdc++.so.6": "libstdc++6",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libXext.so.6": "libxext6",
    "libXrender.so.1": "libxrender1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libharfbuzz.so.0": "libharfbuzz0b",
    "libexpat.so.1": "libexpat1",
    "libpng16.so.16": "libpng16-16t64 | libpng16-16",
    "libglib-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0t64 | libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libsystemd.so.0": "libsystemd0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libdrm.so.2": "libdrm2",
    "libgbm.so.1": "libgbm1",
    "libvulkan.so.1": "libvulkan1",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libcrypt.so.1": "libcrypt1",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",
}


def elf_files(bundle: Path) -> Iterator[Path]:
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as stream:
                if stream.read(4) == b"\x7fELF":
                    yield path


def readelf(*args: str) -> str:
    """readelf's report; empty for a file that is not ELF (readelf then only complains)."""
    try:
        result = subprocess.run(["readelf", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise SystemExit("linux_libraries: readelf is missing: apt-get install binutils") from None
    return result.stdout


def needed_by(path: Path) -> list[str]:
    """The libraries an ELF file asks the loader for (none for anything else)."""
    return re.findall(r"\(NEEDED\).*\[(.+?)\]", readelf("-d", "-W", str(path)))


def prune_unneeded(
    binaries: list[tuple[str, str, str]],
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """PyInstaller's binaries without the top-level libraries no remaining file needs.

    PyInstaller collects a plugin's libraries with the plugin, so a plugin left out
    (`UNWANTED_FILES`, e.g. the GTK theme) leaves its libraries behind, and which ones
    depends on what the build machine has installed. Keeping only what is reachable
    through NEEDED entries from everything else makes the bundle the same wherever it is
    built. libpython is loaded by PyInstaller's bootloader, not through NEEDED: it stays.
    """

    def prunable(name: str) -> bool:
        return "/" not in name and name.startswith("lib") and not name.startswith("libpython")

    candidates = {entry[0]: entry for entry in binaries if prunable(entry[0])}
    queue = [entry for entry in binaries if not prunable(entry[0])]
    reached: set[str] = set()
    while queue:
        _, source, kind = queue.pop()
        # A symlink entry's source is the bundle path it points to, not a file to read.
        wanted = [source] if kind == "SYMLINK" else needed_by(Path(source))
        for library in wanted:
            if library in candidates and library not in reached:
                reached.add(library)
                queue.append(candidates[library])
    kept = [entry for entry in binaries if not prunable(entry[0]) or entry[0] in reached]
    return kept, sorted(set(candidates) - reached)


def needed_from_system(bundle: Path) -> dict[str, list[str]]:
    """Library name -> bundle files that need it, for libraries the bundle does not carry."""
    carried = {path.name for path in bundle.rglob("*")}
    needs: dict[str, list[str]] = {}
    for path in elf_files(bundle):
        for name in needed_by(path):
            if name not in carried:
                needs.setdefault(name, []).append(str(path.relative_to(bundle)))
    return needs


def glibc_minimum(bundle: Path) -> str:
    newest = (2, 17)
    for path in elf_files(bundle):
        for major, minor in re.findall(
            r"@GLIBC_(\d+)\.(\d+)", readelf("--dyn-syms", "-W", str(path))
        ):
            newest = max(newest, (int(major), int(minor)))
    return f"{newest[0]}.{newest[1]}"


def debian_depends(bundle: Path) -> str:
    """The `Depends:` value; SystemExit naming every library the table does not know."""
    needs = needed_from_system(bundle)
    unknown = {
        name: users for name, users in needs.items() if name not in GLIBC | DEBIAN_PACKAGES.keys()
    }
    if unknown:
        lines = [
            f"  {name} (needed by {', '.join(users[:3])})"
            for name, users in sorted(unknown.items())
        ]
        raise SystemExit(
            "linux_libraries: the bundle needs system libraries that DEBIAN_PACKAGES in "
            "packaging/desktop/linux_libraries.py does not map to a Debian package; add each "
            "one, or leave out what needs it (UNWANTED_FILES in app_identity.py):\n"
            + "\n".join(lines)
        )
    packages = [f"libc6 (>= {glibc_minimum(bundle)})"]
    for name in sorted(needs):
        package = DEBIAN_PACKAGES.get(name)
        if package and package not in packages:
            packages.append(package)
    return ", ".join(packages)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "depends" or not Path(argv[1]).is_dir():
        print("usage: linux_libraries.py depends BUNDLE_FOLDER", file=sys.stderr)
        return 2
    print(debian_depends(Path(argv[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
