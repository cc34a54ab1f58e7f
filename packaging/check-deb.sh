#!/usr/bin/env bash
# Builds the release .deb the way a Debian package is built (system Qt, Debian's hardening
# flags, prefix /usr, no RPATH) in its own build directory, then checks it:
#   lintian (no errors, no warnings), desktop-file-validate (no output at all),
#   appstreamcli validate, the expected files, and `confab --version` of the packaged binary.
# Usage: packaging/check-deb.sh [BUILD_DIR]   (default: build/deb). ctest runs it as package_deb.
# Exit code 77 (ctest: skipped) when the Debian tools are missing; packaging/debian-deps.sh test installs them.
set -euo pipefail

source_dir="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="$(realpath -m "${1:-$source_dir/build/deb}")"

for tool in dpkg-deb dpkg-shlibdeps dpkg-buildflags lintian desktop-file-validate appstreamcli; do
    if ! command -v "$tool" >/dev/null; then
        echo "check-deb: $tool is missing (packaging/debian-deps.sh test installs it); skipped" >&2
        exit 77
    fi
done

# Debian's hardening flags. CMake ignores CPPFLAGS, so _FORTIFY_SOURCE goes into CXXFLAGS.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
eval "$(dpkg-buildflags --export=sh)"
export CXXFLAGS="$CPPFLAGS $CXXFLAGS"
unset CPPFLAGS

echo "== configure and build in $build_dir"
cmake -S "$source_dir" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_SKIP_INSTALL_RPATH=ON \
    -DCONFAB_TESTS=OFF -DCONFAB_BENCHMARKS=OFF -DCONFAB_SANITIZE=OFF -DCONFAB_WERROR=OFF >/dev/null
cmake --build "$build_dir"

echo "== cpack -G DEB"
rm -f "$build_dir"/confab_*.deb
(cd "$build_dir" && cpack -G DEB >/dev/null)
deb=$(ls "$build_dir"/confab_*.deb)
echo "$deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'

failed=0
fail() {
    echo "check-deb: FAILED: $*" >&2
    failed=1
}

echo "== lintian"
# initial-upload-closes-no-bugs only matters for uploads to the Debian archive.
if ! lintian --fail-on error,warning --suppress-tags initial-upload-closes-no-bugs --info "$deb"; then
    fail "lintian reported errors or warnings"
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"

echo "== expected files"
version=$(sed -n 's/^project(Confab VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
for path in usr/bin/confab \
    usr/share/applications/org.example.confab.desktop \
    usr/share/metainfo/org.example.confab.metainfo.xml \
    usr/share/icons/hicolor/scalable/apps/confab.svg \
    usr/share/icons/hicolor/{16x16,24x24,32x32,48x48,64x64,128x128,256x256,512x512}/apps/confab.png \
    usr/share/man/man1/confab.1.gz \
    usr/share/doc/confab/copyright usr/share/doc/confab/changelog.Debian.gz \
    usr/lib/systemd/system/confab.service usr/lib/sysusers.d/confab.conf; do
    [[ -f "$root/$path" ]] || fail "missing /$path"
done
packaged_version=$("$root/usr/bin/confab" --version 2>&1 || true)
[[ "$packaged_version" == "confab $version" ]] || fail "confab --version said '$packaged_version', expected 'confab $version'"
dpkg-deb --field "$deb" Version | grep -qx "$version-1" || fail "package version is not $version-1"
# Chinese text needs a CJK font; without one it is drawn as boxes.
dpkg-deb --field "$deb" Recommends | grep -q "fonts-noto-cjk | fonts-wqy-microhei" \
    || fail "Recommends lacks a CJK font (fonts-noto-cjk | fonts-wqy-microhei)"
dpkg-deb --field "$deb" Recommends | grep -q "qt6-translations-l10n" \
    || fail "Recommends lacks Qt's own translations (qt6-translations-l10n)"
dpkg-deb --field "$deb" Recommends | grep -q "fonts-noto-color-emoji" \
    || fail "Recommends lacks an emoji font (fonts-noto-color-emoji)"

echo "== desktop-file-validate"
# It exits 0 on some errors ("will be fatal in the future"), so any output is a failure.
output=$(desktop-file-validate "$root/usr/share/applications/org.example.confab.desktop" 2>&1) || true
if [[ -n "$output" ]]; then
    echo "$output"
    fail "desktop-file-validate"
fi

echo "== appstreamcli validate"
appstreamcli validate --no-net "$root/usr/share/metainfo/org.example.confab.metainfo.xml" \
    || fail "appstreamcli validate"
appstreamcli validate-tree --no-net "$root" || fail "appstreamcli validate-tree"

if [[ $failed -ne 0 ]]; then
    exit 1
fi
echo "check-deb: $deb is clean"
