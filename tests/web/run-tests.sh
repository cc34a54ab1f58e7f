#!/usr/bin/env bash
# ctest entry point of the browser tests: installs playwright-core from the lockfile when needed
# (no browser download: the tests drive Debian's chromium), then runs the node:test suite.
# Needs CONFAB_BINARY (set by ctest). Exit code 77 tells ctest the test was skipped. The argument
# names the test file (default webclient.test.mjs).
set -euo pipefail
cd "$(dirname "$0")"

export CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
if ! command -v node >/dev/null || ! command -v npm >/dev/null || [[ -z "$CHROMIUM" ]]; then
    echo "browser tests skipped: node, npm and chromium are needed (packaging/debian-deps.sh test)" >&2
    exit 77
fi

# Reinstall when the lockfile changed since the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi

# One file per run (ctest: web_client, web_files): its tests run one after another (Debian 12's
# node 18 has no --test-concurrency). No argument: webclient.test.mjs.
exec node --test "${1:-webclient.test.mjs}"
