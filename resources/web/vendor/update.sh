#!/usr/bin/env bash
# Regenerates the vendored tus client of the web page from npm: tus.min.js (the package's own
# browser build, byte for byte) and its licence. Nobody edits these files by hand: to move to
# another version, change Version and Integrity (`npm view tus-js-client@X dist.integrity`), run
# this script, and keep tests/web/package.json's tus-js-client at the same version (the browser
# tests compare the two files).
set -euo pipefail

Version=4.3.1
Integrity='sha512-ZLeYmjrkaU1fUsKbIi8JML52uAocjEZtBx4DKjRrqzrZa0O4MYwT6db+oqePlspV+FxXJAyFBc/L5gwUi2OFsg=='

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# npm pack fetches the registry's tarball and checks it against the registry's integrity; the
# pinned Integrity above also catches a version republished with other contents.
(cd "$work" && npm pack --silent "tus-js-client@$Version" >/dev/null)
tarball="$work/tus-js-client-$Version.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [[ "$actual" != "$Integrity" ]]; then
    echo "tus-js-client-$Version.tgz: integrity $actual, expected $Integrity" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" package/dist/tus.min.js package/LICENSE
cp "$work/package/dist/tus.min.js" "$here/tus.min.js"
cp "$work/package/LICENSE" "$here/tus-js-client-LICENSE.txt"
echo "tus-js-client $Version: $(wc -c <"$here/tus.min.js") bytes in $here/tus.min.js"
