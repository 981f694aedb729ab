#!/usr/bin/env bash
# Build Flash Africa Studio for Linux and prove the result starts on a clean account:
#
#   1. the PyInstaller bundle (build.py);
#   2. an AppDir, and from it an AppImage when appimagetool is available;
#   3. a .deb (/opt/flash-africa-studio, /usr/bin/flash-studio, menu entry, icons,
#      the flashafrica:// URL handler), its Depends computed from the bundle;
#   4. the .deb unpacked with `dpkg-deb -x` and the AppImage unpacked (or the AppDir)
#      are each started offscreen in a fresh home by smoke_test.py.
#
# Usage: packaging/desktop/build_linux.sh [--skip-bundle] [--require-appimage]
#   --skip-bundle       reuse dist/desktop/flash-studio from an earlier build
#   --require-appimage  fail when appimagetool is missing (CI), instead of a warning
# Environment: PYTHON (default .venv/bin/python, else python3), APPIMAGETOOL (path to
# appimagetool), FLASH_DESKTOP_DIST and FLASH_DESKTOP_WORK (output and scratch folders).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dist="${FLASH_DESKTOP_DIST:-$repo/dist/desktop}"
work="${FLASH_DESKTOP_WORK:-$repo/build/desktop}"
skip_bundle=0
require_appimage=0
for arg in "$@"; do
  case "$arg" in
    --skip-bundle) skip_bundle=1 ;;
    --require-appimage) require_appimage=1 ;;
    *) echo "build_linux.sh: unknown option $arg (see the comment at the top)" >&2; exit 2 ;;
  esac
done

if [ -n "${PYTHON:-}" ]; then python="$PYTHON"
elif [ -x "$repo/.venv/bin/python" ]; then python="$repo/.venv/bin/python"
else python="python3"; fi

say() { printf '== %s\n' "$*"; }
fail() { printf 'build_linux.sh: %s\n' "$*" >&2; exit 1; }
field() { "$python" "$here/app_identity.py" "$1"; }
need() {  # need TOOL "how to get it"
  command -v "$1" >/dev/null 2>&1 || fail "$1 is missing: $2"
}

need dpkg-deb "apt-get install dpkg (Debian or Ubuntu)"
need readelf "apt-get install binutils"
need "$python" "set PYTHON to the Python where the project is installed"

started=$(date +%s)
version="$(field version)"
executable="$(field executable)"
app_id="$(field bundle-id)"
folder="$(field install-folder)"
deb_arch="$(dpkg --print-architecture)"
machine="$(uname -m)"
bundle="$dist/$executable"
appimage="$dist/FlashAfricaStudio-$version-$machine.AppImage"
deb="$dist/$(field deb-package)_$(field deb-version)_$deb_arch.deb"

if [ "$skip_bundle" = 1 ]; then
  [ -x "$bundle/$executable" ] || fail "--skip-bundle, but there is no bundle at $bundle"
else
  say "PyInstaller bundle"
  "$python" "$here/build.py" --dist "$dist" --work "$work"
fi
bundle_done=$(date +%s)
# Readable by everyone, writable by the owner only, whatever the umask was.
chmod -R u+rwX,go+rX,go-w "$bundle"

# The freedesktop files both packages install: menu entry, URL handler, icon sizes.
install_desktop_files() {  # install_desktop_files ROOT (then ROOT/usr/share/...)
  local root="$1" size
  install -d "$root/usr/share/applications"
  field desktop-entry > "$root/usr/share/applications/$app_id.desktop"
  for size in $(field png-sizes); do
    install -D -m 644 "$repo/resources/icons/app/flash-africa-studio-$size.png" \
      "$root/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
  done
}

say "AppDir"
appdir="$work/AppDir"
rm -rf "$appdir"
install -d "$appdir/usr/lib" "$appdir/usr/bin"
cp -al "$bundle" "$appdir/usr/lib/$folder"  # hard links: no second copy of 400 MB
ln -s "../lib/$folder/$executable" "$appdir/usr/bin/$executable"
ln -s "usr/bin/$executable" "$appdir/AppRun"  # the bundle finds itself through /proc/self/exe
install_desktop_files "$appdir"
cp "$appdir/usr/share/applications/$app_id.desktop" "$appdir/$app_id.desktop"
cp "$repo/resources/icons/app/flash-africa-studio-256.png" "$appdir/$app_id.png"
ln -s "$app_id.png" "$appdir/.DirIcon"
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$appdir/$app_id.desktop"
else
  echo "   (desktop-file-validate not found, entry not validated: apt-get install desktop-file-utils)"
fi

tool="${APPIMAGETOOL:-$(command -v appimagetool || command -v appimagetool-x86_64.AppImage || true)}"
rm -f "$appimage"
if [ -n "$tool" ]; then
  say "AppImage ($tool)"
  # Extract-and-run: appimagetool is itself an AppImage, and CI machines lack FUSE.
  ARCH="$machine" APPIMAGE_EXTRACT_AND_RUN=1 "$tool" --no-appstream "$appdir" "$appimage"
else
  message="appimagetool is missing, so no AppImage was made (the AppDir is ready at $appdir).
  It is not on PyPI or in Debian. Get the release for this machine from
  https://github.com/AppImage/appimagetool/releases (appimagetool-$machine.AppImage),
  chmod +x it, and run again with APPIMAGETOOL=/path/to/it."
  [ "$require_appimage" = 1 ] && fail "$message"
  printf 'build_linux.sh: warning: %s\n' "$message" >&2
fi

say ".deb"
root="$work/deb-root"
rm -rf "$root"
install -d "$root/opt" "$root/usr/bin" "$root/DEBIAN"
cp -al "$bundle" "$root/opt/$folder"
ln -s "../../opt/$folder/$executable" "$root/usr/bin/$executable"  # relative: works unpacked
install_desktop_files "$root"
depends="$("$python" "$here/linux_libraries.py" depends "$bundle")"
installed_kib="$(du -sk --apparent-size "$root" | cut -f1)"
cat > "$root/DEBIAN/control" <<CONTROL
Package: $(field deb-package)
Version: $(field deb-version)
Architecture: $deb_arch
Maintainer: $(field maintainer)
Installed-Size: $installed_kib
Depends: $depends
Section: video
Priority: optional
Description: $(field app-name): $(field summary | tr '[:upper:]' '[:lower:]')
 The desktop studio of Flash Africa, with its own server built in: with no
 server configured it runs one locally in sandbox mode, so it works with
 nothing else installed. Opens flashafrica:// links.
CONTROL
rm -f "$deb"
# No maintainer scripts: dpkg's triggers refresh the menu and icon caches by themselves.
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
packages_done=$(date +%s)

say "smoke test: the .deb unpacked into a scratch folder"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/flash-desktop-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
dpkg-deb -x "$deb" "$scratch/deb"
for file in "usr/share/applications/$app_id.desktop" \
            "usr/share/icons/hicolor/512x512/apps/$app_id.png"; do
  [ -f "$scratch/deb/$file" ] || fail "the .deb has no /$file"
done
"$python" "$here/smoke_test.py" "$scratch/deb/usr/bin/$executable"

if [ -f "$appimage" ]; then
  say "smoke test: the AppImage unpacked"
  (cd "$scratch" && "$appimage" --appimage-extract >/dev/null)
  "$python" "$here/smoke_test.py" "$scratch/squashfs-root/AppRun"
else
  say "smoke test: the AppDir (no AppImage to unpack)"
  "$python" "$here/smoke_test.py" "$appdir/AppRun"
fi
finished=$(date +%s)

say "done"
if [ "$skip_bundle" = 1 ]; then
  echo "bundle:   reused"
else
  echo "bundle:   built in $((bundle_done - started)) s"
fi
echo "packages: built in $((packages_done - bundle_done)) s"
echo "checks:   $((finished - packages_done)) s"
echo "total:    $((finished - started)) s"
printf '%-10s %8s MB  %s\n' "bundle" "$(du -sm "$bundle" | cut -f1)" "$bundle (unpacked)"
for artifact in "$deb" "$appimage"; do
  if [ -f "$artifact" ]; then
    printf '%-10s %8s MB  %s\n' "${artifact##*.}" \
      "$(( ($(stat -c %s "$artifact") + 524288) / 1048576 ))" "$artifact"
  fi
done
