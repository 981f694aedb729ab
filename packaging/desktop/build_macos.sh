#!/usr/bin/env bash
# Build Flash Africa Studio for macOS: the .app (PyInstaller), signed when a Developer ID
# is configured, checked by smoke_test.py, then a .dmg, notarized and stapled when the
# Apple credentials are configured. Run it on a Mac (CI: the macos job of release.yml).
#
# Usage: packaging/desktop/build_macos.sh
# Environment (all optional; signing and notarization are skipped, with a notice, when
# their variables are empty):
#   PYTHON                         the Python where the project is installed
#   MACOS_CERTIFICATE_P12_BASE64   Developer ID Application certificate (.p12), base64
#   MACOS_CERTIFICATE_PASSWORD     its password
#   MACOS_CODESIGN_IDENTITY        e.g. "Developer ID Application: Flash Africa (TEAMID)"
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   notarization (app-specific password)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dist="${FLASH_DESKTOP_DIST:-$repo/dist/desktop}"
work="${FLASH_DESKTOP_WORK:-$repo/build/desktop}"
if [ -n "${PYTHON:-}" ]; then python="$PYTHON"
elif [ -x "$repo/.venv/bin/python" ]; then python="$repo/.venv/bin/python"
else python="python3"; fi

say() { printf '== %s\n' "$*"; }
fail() { printf 'build_macos.sh: %s\n' "$*" >&2; exit 1; }
field() { "$python" "$here/app_identity.py" "$1"; }

[ "$(uname -s)" = Darwin ] || fail "run this on macOS (hdiutil, codesign and notarytool are Apple's)"
for tool in hdiutil codesign xcrun; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing: install Xcode's command line tools (xcode-select --install)"
done

started=$(date +%s)
version="$(field version)"
app_name="$(field app-name)"
app="$dist/$app_name.app"
dmg="$dist/FlashAfricaStudio-$version-macos-$(uname -m).dmg"
entitlements="$here/macos/entitlements.plist"

keychain=""
cleanup() { if [ -n "$keychain" ]; then security delete-keychain "$keychain" || true; fi; }
trap cleanup EXIT
identity="${MACOS_CODESIGN_IDENTITY:-}"
if [ -n "$identity" ] && [ -n "${MACOS_CERTIFICATE_P12_BASE64:-}" ]; then
  say "importing the signing certificate into a temporary keychain"
  keychain="$work/signing.keychain-db"
  keychain_password="$(uuidgen)"
  mkdir -p "$work"
  security create-keychain -p "$keychain_password" "$keychain"
  security set-keychain-settings -lut 3600 "$keychain"
  security unlock-keychain -p "$keychain_password" "$keychain"
  certificate="$work/certificate.p12"
  printf '%s' "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode > "$certificate"
  security import "$certificate" -k "$keychain" -P "${MACOS_CERTIFICATE_PASSWORD:-}" \
    -T /usr/bin/codesign
  rm -f "$certificate"
  security set-key-partition-list -S apple-tool:,apple: -s -k "$keychain_password" "$keychain" >/dev/null
  # Put ours first in the search list, keeping the user's (one path per word, unquoted).
  # shellcheck disable=SC2046
  security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
fi

say "PyInstaller bundle"
# With MACOS_CODESIGN_IDENTITY set, PyInstaller signs every library it collected.
MACOS_CODESIGN_IDENTITY="$identity" "$python" "$here/build.py" --dist "$dist" --work "$work"

if [ -n "$identity" ]; then
  say "signing with $identity (hardened runtime)"
  # ffmpeg is a data file to PyInstaller, so it is not signed yet; notarization refuses
  # any unsigned Mach-O. Inner code first, the .app last.
  while IFS= read -r -d '' file; do
    if file -b "$file" | grep -q '^Mach-O'; then
      codesign --force --timestamp --options runtime --entitlements "$entitlements" \
        --sign "$identity" "$file"
    fi
  done < <(find "$app/Contents" -type f -perm -u+x -print0)
  codesign --force --timestamp --options runtime --entitlements "$entitlements" \
    --sign "$identity" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
else
  echo "   MACOS_CODESIGN_IDENTITY is empty: the app is not signed (Gatekeeper will warn)"
fi

say "smoke test"
"$python" "$here/smoke_test.py" "$app/Contents/MacOS/$(field executable)"

say ".dmg"
staging="$work/dmg"
rm -rf "$staging" "$dmg"
mkdir -p "$staging"
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"  # drag the app onto this to install
hdiutil create -volname "$app_name" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg" >/dev/null
if [ -n "$identity" ]; then
  codesign --force --timestamp --sign "$identity" "$dmg"
fi

if [ -n "$identity" ] && [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
  say "notarizing (Apple's service answers in minutes)"
  xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$dmg"
  xcrun stapler validate "$dmg"
else
  echo "   APPLE_ID, APPLE_TEAM_ID or APPLE_APP_PASSWORD is empty (or the app is unsigned): not notarized"
fi

say "done in $(( $(date +%s) - started )) s"
printf '%-6s %8s MB  %s\n' "app" "$(du -sm "$app" | cut -f1)" "$app (unpacked)"
printf '%-6s %8s MB  %s\n' "dmg" "$(( ($(stat -f %z "$dmg") + 524288) / 1048576 ))" "$dmg"
