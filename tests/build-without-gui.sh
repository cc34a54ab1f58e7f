#!/usr/bin/env bash
# Builds Confab with -DCONFAB_GUI=OFF (the server-only binary, no Qt Widgets) in its own build
# directory and runs that tree's own tests (the ones needing no browser or package tools).
# Run by ctest as `build_without_gui`: a GUI-off build must compile and pass its tests.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:?usage: build-without-gui.sh BUILD_DIR}

cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCONFAB_GUI=OFF -DCONFAB_WERROR=ON -DCONFAB_TESTS=ON -DCONFAB_BENCHMARKS=OFF >/dev/null
cmake --build "$build_dir"

# The binary must really be widget-free.
# Qt Gui is allowed (the hub decodes images for thumbnails with QImageReader, no window system);
# Qt Widgets is not.
if ldd "$build_dir/confab" | grep -q -E 'libQt6Widgets'; then
    echo "build-without-gui: confab links Qt Widgets although CONFAB_GUI=OFF" >&2
    exit 1
fi
cd "$build_dir"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -LE 'web|packaging|bench' -j 2
