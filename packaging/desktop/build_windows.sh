#!/usr/bin/env bash
# Build Flash Africa Studio for Windows: the PyInstaller bundle (with its version
# resource), a smoke test of it, then the Inno Setup installer. Run it in Git Bash (CI:
# the windows job of release.yml, `shell: bash`).
#
# Usage: packaging/desktop/build_windows.sh
# Environment: PYTHON (the Python where the project is installed), ISCC (path to Inno
# Setup 6's ISCC.exe, found in its usual folders otherwise).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dist="${FLASH_DESKTOP_DIST:-$repo/dist/desktop}"
work="${FLASH_DESKTOP_WORK:-$repo/build/desktop}"
python="${PYTHON:-python}"

say() { printf '== %s\n' "$*"; }
fail() { printf 'build_windows.sh: %s\n' "$*" >&2; exit 1; }
field() { "$python" "$here/app_identity.py" "$1" | tr -d '\r'; }
windows_path() { cygpath -w "$1"; }  # Inno Setup wants C:\... paths

command -v cygpath >/dev/null 2>&1 || fail "run this in Git Bash (it needs cygpath)"
iscc="${ISCC:-}"
if [ -z "$iscc" ]; then
  for candidate in "/c/Program Files (x86)/Inno Setup 6/ISCC.exe" "/c/Program Files/Inno Setup 6/ISCC.exe"; do
    if [ -x "$candidate" ]; then iscc="$candidate"; break; fi
  done
fi
[ -n "$iscc" ] || fail "Inno Setup 6 is missing: choco install innosetup (or https://jrsoftware.org/isdl.php), or set ISCC"

started=$(date +%s)
version="$(field version)"
bundle="$dist/$(field executable)"

say "PyInstaller bundle"
"$python" "$here/build.py" --dist "$dist" --work "$work"

say "smoke test"
# --quick: a windowed .exe cannot be asked to close politely (no SIGTERM on Windows).
"$python" "$here/smoke_test.py" --quick "$bundle/$(field executable).exe"

say "Inno Setup installer"
"$iscc" -Q \
  "-DAppVersion=$version" \
  "-DFileVersion=$(field file-version)" \
  "-DBundleDir=$(windows_path "$bundle")" \
  "-DOutputDir=$(windows_path "$dist")" \
  "-DIconFile=$(windows_path "$repo/resources/icons/app/flash-africa-studio.ico")" \
  "$(windows_path "$here/windows/flash-studio.iss")"

setup="$dist/FlashAfricaStudio-$version-windows-x64-setup.exe"
[ -f "$setup" ] || fail "Inno Setup finished but $setup is not there"
say "done in $(( $(date +%s) - started )) s"
printf '%-6s %8s MB  %s\n' "bundle" "$(du -sm "$bundle" | cut -f1)" "$bundle (unpacked)"
printf '%-6s %8s MB  %s\n' "setup" "$(( ($(stat -c %s "$setup") + 524288) / 1048576 ))" "$setup"
