#!/usr/bin/env bash
# ctest entry point of the call tests (calls.test.mjs): as run-tests.sh, but inside a network
# namespace of its own with only `lo` up (unshare --net --map-root-user), so that WebRTC media
# between the two Chromium pages stays on loopback and nothing reaches the machine's network.
# Needs CONFAB_BINARY (set by ctest). Exit code 77 tells ctest the test was skipped.
#   run-calls.sh          calls.test.mjs (peer to peer, host candidates)
#   run-calls.sh turn     calls-turn.test.mjs (relayed by coturn's turnserver, docs/coturn.md)
set -euo pipefail
cd "$(dirname "$0")"
suite="${1:-direct}"
tests=calls.test.mjs
if [[ "$suite" == turn ]]; then
    tests=calls-turn.test.mjs
    export TURNSERVER="${TURNSERVER:-$(command -v turnserver || true)}"
    if [[ -z "$TURNSERVER" ]]; then
        echo "TURN call test skipped: turnserver is needed (Debian coturn; packaging/debian-deps.sh test)" >&2
        exit 77
    fi
fi

export CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
if ! command -v node >/dev/null || ! command -v npm >/dev/null || [[ -z "$CHROMIUM" ]]; then
    echo "call tests skipped: node, npm and chromium are needed (packaging/debian-deps.sh test)" >&2
    exit 77
fi
if ! unshare --net --map-root-user true 2>/dev/null || ! command -v ip >/dev/null; then
    echo "call tests skipped: they need a network namespace (unshare --net --map-root-user, ip)" >&2
    exit 77
fi

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi

export CONFAB_CALLS_EXTRA_ADDRESS=10.77.0.1
exec unshare --net --map-root-user sh -c \
    'ip link set lo up && ip addr add 10.77.0.1/32 dev lo && exec node --test "$0"' "$tests"
