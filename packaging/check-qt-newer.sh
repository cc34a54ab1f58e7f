#!/usr/bin/env bash
# Builds and tests Confab against a newer Qt than Debian 12's 6.4: Debian 13 (trixie) ships Qt 6.8,
# the line the Windows and macOS installers use. Makes (or reuses) a trixie chroot in a cache folder
# outside the clone, installs the packages with packaging/debian-deps.sh there, copies the source
# tree in, builds it exactly like ./test (Debug, ASan/UBSan, warnings as errors) and runs every ctest
# test in the chroot. .ci/run runs it after ./test.
#
# Usage (root: debootstrap, chroot and mount need it):
#   packaging/check-qt-newer.sh [ctest arguments, e.g. -R hub]
# Run ./test first when you can: the browser tests use the playwright-core it installs in
# tests/web/node_modules (copied into the chroot, which then needs no network but the mirror).
# Environment:
#   CONFAB_QT_NEWER_ROOT  the chroot (default /var/cache/confab/trixie-qt68); reused when present
#   MIRROR                Debian mirror (default: the machine's own, from /etc/apt/sources.list*)
#   SUITE                 Debian suite to test (default trixie)
# The chroot keeps its build directory and ccache, so a second run rebuilds only what changed.
# Everything mounted is unmounted on exit, also when a step fails.
set -euo pipefail

source_dir="$(cd "$(dirname "$0")/.." && pwd)"
suite="${SUITE:-trixie}"
root="${CONFAB_QT_NEWER_ROOT:-/var/cache/confab/$suite-qt68}"
# Written last by a complete debootstrap, so an interrupted one is redone rather than reused.
ready_marker=".confab-debootstrap-complete"

log() { echo "== check-qt-newer: $*" >&2; }
fail() {
    echo "check-qt-newer: $*" >&2
    exit 2
}

[[ $(id -u) -eq 0 ]] || fail "run as root (debootstrap, chroot and mount need it)"
command -v debootstrap >/dev/null || "$source_dir/packaging/debian-deps.sh" test
command -v debootstrap >/dev/null || fail "debootstrap is missing"

# The machine's Debian mirror: the first source of the main archive (suite = this system's
# codename, not -security or -updates), in either sources.list format.
host_mirror() {
    local codename
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    local files=()
    [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] && files+=("$f")
    done
    [[ ${#files[@]} -gt 0 ]] || return 0
    awk -v codename="$codename" '
        function emit(uris, suites,   u, s, nu, ns, i, j) {
            nu = split(uris, u, " "); ns = split(suites, s, " ")
            for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
                if (s[j] == codename && u[i] ~ /^https?:\/\//) { print u[i]; return }
        }
        FNR == 1 { if (uris != "") emit(uris, suites); uris = ""; suites = "" }
        /^[ \t]*deb[ \t]/ {   # one-line format: deb [options] URI SUITE COMPONENTS...
            line = $0; sub(/\[[^]]*\]/, "", line); split(line, f, /[ \t]+/)
            n = 0; for (i = 1; i in f; i++) if (f[i] != "") g[++n] = f[i]
            emit(g[2], g[3]); next
        }
        /^URIs:/ { uris = $0; sub(/^URIs:[ \t]*/, "", uris) }
        /^Suites:/ { suites = $0; sub(/^Suites:[ \t]*/, "", suites) }
        /^[ \t]*$/ { if (uris != "") emit(uris, suites); uris = ""; suites = "" }
        END { if (uris != "") emit(uris, suites) }
    ' "${files[@]}" | head -n1
}
mirror="${MIRROR:-$(host_mirror)}"
mirror="${mirror:-http://deb.debian.org/debian}"

mounted=()
cleanup() {
    local status=$?
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount -R "${mounted[i]}" 2>/dev/null || umount -R -l "${mounted[i]}" ||
            echo "check-qt-newer: could not unmount ${mounted[i]}" >&2
    done
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_into() { # mount_into TARGET MOUNT-ARGUMENTS...
    local target="$root/$1"
    shift
    mkdir -p "$target"
    mount "$@" "$target"
    mounted+=("$target")
}

started=$SECONDS
step_started=$SECONDS
step_done() {
    log "$1 took $((SECONDS - step_started)) s"
    step_started=$SECONDS
}

if [[ ! -f "$root/$ready_marker" ]]; then
    log "debootstrap --variant=minbase $suite $root $mirror"
    rm -rf --one-file-system "$root"
    mkdir -p "$root"
    debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
        { tail -n 30 "$root.debootstrap.log" >&2; fail "debootstrap failed (log: $root.debootstrap.log)"; }
    # No daemon may start inside the chroot when a package is installed.
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    touch "$root/$ready_marker"
    step_done "debootstrap"
fi
# Name resolution for the mirror (and npm's registry for the browser tests) as on the host.
cp -L /etc/resolv.conf "$root/etc/resolv.conf"

mount_into proc -t proc proc
mount_into sys -t sysfs sysfs
mount_into dev --rbind /dev
mount --make-rslave "$root/dev"

# A copy, not a read-only bind mount: the browser tests install playwright-core into tests/web.
# Files are written with the current time, except those whose content is the same as in the last
# run's copy, which keep that copy's time: ninja then rebuilds exactly what changed. (The clone's
# own times would not do: a file edited before the last run's build but copied before the edit
# would look older than its object file.)
log "copy the source tree to $root/src"
rm -rf --one-file-system "$root/src.new"
mkdir -p "$root/src.new"
if git -C "$source_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$source_dir" && git ls-files -z --cached --others --exclude-standard |
        tar --null -T - --ignore-failed-read -cf -) | tar -xmf - -C "$root/src.new"
else
    tar -C "$source_dir" --exclude=./build --exclude=./.git -cf - . | tar -xmf - -C "$root/src.new"
fi
if [[ -d "$root/src" ]]; then
    (cd "$root/src.new" && find . -type f -print0) | while IFS= read -r -d '' file; do
        if cmp -s "$root/src.new/$file" "$root/src/$file"; then
            touch -r "$root/src/$file" "$root/src.new/$file"
        fi
    done
fi
# playwright-core for the browser tests: the clone's own copy when ./test has installed it (the
# chroot need reach nothing but the Debian mirror), else what the chroot installed last time.
if [[ -d "$source_dir/tests/web/node_modules" ]]; then
    tar -C "$source_dir/tests/web" -cf - node_modules | tar -xf - -C "$root/src.new/tests/web"
    # tests/web/run-tests.sh reinstalls when the lockfile is newer than the install.
    touch -r "$source_dir/tests/web/package-lock.json" "$root/src.new/tests/web/package-lock.json"
elif [[ -d "$root/src/tests/web/node_modules" ]]; then
    mv "$root/src/tests/web/node_modules" "$root/src.new/tests/web/node_modules"
fi
rm -rf --one-file-system "$root/src"
mv "$root/src.new" "$root/src"

in_chroot() {
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 TERM=dumb "$@"
}

log "packages (packaging/debian-deps.sh test, in the chroot; log: $root/var/log/confab-deps.log)"
in_chroot /bin/sh -c '/src/packaging/debian-deps.sh test >/var/log/confab-deps.log 2>&1' ||
    { tail -n 30 "$root/var/log/confab-deps.log" >&2; fail "installing the packages failed"; }
in_chroot apt-get clean # the downloaded .debs: about 600 MB the chroot does not need again
qt_version=$(in_chroot dpkg-query -W -f='${Version}' qt6-base-dev)
log "Qt in the chroot: qt6-base-dev $qt_version"
step_done "packages"

jobs=$(nproc)
log "build (Debug, ASan/UBSan, -Werror) in $root/build/test"
in_chroot /bin/sh -c "cmake -S /src -B /build/test -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCONFAB_SANITIZE=ON -DCONFAB_WERROR=ON -DCONFAB_TESTS=ON >/dev/null && cmake --build /build/test -j $jobs"
step_done "build"

log "ctest $*"
ctest_args=("$@")
in_chroot /bin/sh -c 'cd /build/test && exec env QT_QPA_PLATFORM=offscreen \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions=/src/tests/lsan.supp \
    ctest --output-on-failure --timeout 900 -j "$0" "$@"' "$jobs" "${ctest_args[@]}"
step_done "tests"
log "passed on Qt $qt_version ($suite) in $((SECONDS - started)) s"
