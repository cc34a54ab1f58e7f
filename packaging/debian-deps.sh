#!/usr/bin/env bash
# Installs the Debian 12 packages Confab needs, only those that are missing.
#   packaging/debian-deps.sh build    to build and run Confab
#   packaging/debian-deps.sh test     to build and run every test (includes build)
set -euo pipefail

build_packages=(
    cmake ninja-build g++ ccache pkg-config
    qt6-base-dev qt6-httpserver-dev
    qt6-websockets-dev          # hidden dependency: Qt6HttpServer's CMake config needs it on Debian 12
    libqt6sql6-sqlite qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    libgl-dev libqrcodegencpp-dev
    libssl-dev                  # the hub creates its TLS key and certificate with libcrypto; hubbench --tls
    fonts-wqy-microhei          # running the window: Chinese text (the .deb recommends a CJK font)
    fonts-noto-color-emoji      # running the window: emoji in messages (the .deb recommends it too)
    qt6-translations-l10n       # running the window: Qt's own strings in Chinese (Cancel, Close)
    qt6-image-formats-plugins   # the hub's thumbnails and the window's viewer: WebP (Qt's own plugin)
)
test_packages=(
    xvfb xauth                  # the window under a virtual X server
    chromium nodejs npm         # browser tests (playwright-core drives Debian's chromium)
    coturn                      # web_calls_turn: a call relayed by turnserver (docs/coturn.md)
    curl iproute2 procps
    openssl                     # tst_tls: openssl s_client against the hub
    python3                     # tst_tls: a ClientHello from Python's ssl module, then silence
    dpkg-dev file lintian desktop-file-utils appstream gzip   # packaging checks
    clang-format                # .ci/run's formatting check (Debian 12: clang-format 14)
    debootstrap                 # packaging/check-qt-newer.sh: the Qt 6.8 (Debian 13) chroot
)

wanted=("${build_packages[@]}")
if [[ "${1:-build}" == test ]]; then
    wanted+=("${test_packages[@]}")
fi

# A Node.js installed another way (e.g. a vendor package that bundles npm) satisfies these; Debian's
# npm would conflict with it.
provided_by_command() {
    case "$1" in
        nodejs) command -v node >/dev/null ;;
        npm) command -v npm >/dev/null ;;
        *) return 1 ;;
    esac
}

missing=()
for package in "${wanted[@]}"; do
    provided_by_command "$package" && continue
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing Debian packages: ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
