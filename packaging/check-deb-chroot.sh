#!/usr/bin/env bash
# Release-time check (too slow for every ./test run): installs a built .deb with apt into a clean
# Debian 12 chroot made by debootstrap, so every dependency comes from Debian itself, then starts
# `confab serve` there as the package's `confab` user on 127.0.0.1 and checks /healthz and the web page.
#
# Usage (root; needs debootstrap, curl and a Debian mirror):
#   packaging/check-deb.sh build/deb                       # builds build/deb/confab_*.deb
#   sudo packaging/check-deb-chroot.sh build/deb/confab_*.deb [CHROOT_DIR]
# MIRROR overrides the Debian mirror (default http://deb.debian.org/debian).
set -euo pipefail

deb="$(realpath "${1:?usage: $0 path/to/confab_VERSION_ARCH.deb [CHROOT_DIR]}")"
root="${2:-$(mktemp -d /tmp/confab-chroot.XXXXXX)}"
mirror="${MIRROR:-http://deb.debian.org/debian}"
ServeTimeoutSeconds=60

if [[ $(id -u) -ne 0 ]]; then
    echo "check-deb-chroot: run as root (debootstrap and chroot need it)" >&2
    exit 2
fi
for tool in debootstrap curl chroot; do
    command -v "$tool" >/dev/null || { echo "check-deb-chroot: $tool is missing" >&2; exit 2; }
done

hub_pid=""
cleanup() {
    if [[ -n "$hub_pid" ]]; then
        kill "$hub_pid" 2>/dev/null || true
        wait "$hub_pid" 2>/dev/null || true
    fi
    umount "$root/proc" 2>/dev/null || true
    umount "$root/dev" 2>/dev/null || true
    if [[ -z "${KEEP_CHROOT:-}" ]]; then
        rm -rf --one-file-system "$root"
    fi
}
trap cleanup EXIT

# mktemp makes the directory 0700; the system's root must be traversable by the confab user.
mkdir -p "$root"
chmod 755 "$root"
if [[ ! -f "$root/etc/debian_version" ]]; then
    echo "== debootstrap bookworm (minbase) into $root"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
fi
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"

echo "== apt install $(basename "$deb")"
cp "$deb" "$root/tmp/"
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
chroot "$root" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")"

echo "== installed files"
chroot "$root" confab --version
chroot "$root" getent passwd confab   # made by the package's postinst
test -f "$root/usr/lib/systemd/system/confab.service"

echo "== confab serve as the confab user, on 127.0.0.1 only"
mkdir -p "$root/var/lib/confab"
chroot "$root" chown confab:confab /var/lib/confab
log="$root/tmp/confab-serve.log"
chroot --userspec=confab:confab "$root" env HOME=/var/lib/confab \
    confab serve --bind 127.0.0.1 --port 0 --data-dir /var/lib/confab --no-announce >"$log" 2>&1 &
hub_pid=$!

port=""
for _ in $(seq $((ServeTimeoutSeconds * 10))); do
    port=$(grep -oE '127\.0\.0\.1:[0-9]+' "$log" | head -n1 | cut -d: -f2 || true)
    [[ -n "$port" ]] && break
    kill -0 "$hub_pid" 2>/dev/null || { cat "$log"; echo "check-deb-chroot: confab serve exited" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$port" ]] || { cat "$log"; echo "check-deb-chroot: no port in the hub's output" >&2; exit 1; }

health=$(curl -fsS --retry 20 --retry-connrefused --retry-delay 1 "http://127.0.0.1:$port/healthz")
echo "healthz: $health"
grep -q '"status": *"ok"' <<<"$health" || { echo "check-deb-chroot: unexpected /healthz answer" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$port/" | grep -q '<script src="app.js"' \
    || { echo "check-deb-chroot: the web page is missing" >&2; exit 1; }

echo "check-deb-chroot: $(basename "$deb") installs and serves in a clean Debian 12"
