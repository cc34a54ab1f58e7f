#!/usr/bin/env bash
# Files benchmark (issue 15): one 1 GiB tus upload and its download over loopback, then four
# 1 GiB uploads at once, with the hub's resident memory before and at its highest. Prints
# figures; not a pass/fail test. Targets: upload >= 300 MB/s, download >= 600 MB/s, four
# parallel uploads leave the hub's RSS under +64 MiB.
#
#   tests/bench/filebench.sh path/to/confab [MiB]      (a Release build, ideally -DCONFAB_GUI=OFF)
#
# It runs itself in a fresh network namespace (`unshare -rn`): the hub it starts is reachable on
# that namespace's loopback only. Needs curl. Uses about 6 x MiB of disk in a temporary directory.
set -euo pipefail

if [[ -z "${FILEBENCH_IN_NAMESPACE:-}" ]]; then
    exec unshare -rn env FILEBENCH_IN_NAMESPACE=1 "$0" "$@"
fi
ip link set lo up

binary=$(realpath "$1")
mib=${2:-1024}
bytes=$((mib * 1024 * 1024))
work=$(mktemp -d)
hub_pid=
cleanup() {
    [[ -n "$hub_pid" ]] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$binary" serve --bind 127.0.0.1 --port 0 --data-dir "$work/data" --no-announce --tls off \
    --max-file-bytes $((bytes * 2)) --max-storage-bytes $((bytes * 8)) >"$work/out" 2>"$work/log" &
hub_pid=$!
for _ in $(seq 100); do
    grep -q 'listening on' "$work/out" 2>/dev/null && break
    sleep 0.1
done
base=$(sed -n 's|listening on \(http://[^/]*\)/.*|\1|p' "$work/out" | head -1)
[[ -n "$base" ]] || { echo "the hub did not start:"; cat "$work/log"; exit 1; }

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$hub_pid/status"; }
now() { date +%s.%N; }
mbps() { awk -v b="$1" -v t0="$2" -v t1="$3" 'BEGIN { printf "%.0f", b / (t1 - t0) / 1e6 }'; }

token=$(curl -sS -X POST -H 'Content-Type: application/json' -d '{"name":"bench"}' \
    "$base/api/v2/session" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
auth="Authorization: Bearer $token"
meta() { echo -n "filename $(echo -n "$1" | base64 -w0),conversation $(echo -n lobby | base64 -w0)"; }
create() {
    curl -sS -i -X POST -H "$auth" -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $bytes" \
        -H "Upload-Metadata: $(meta "$1")" "$base/api/v2/uploads" |
        tr -d '\r' | sed -n 's/^[Ll]ocation: //p'
}
# One PATCH of the whole file, streamed by curl from disk (-T), without waiting for 100-continue.
patch_whole() {
    curl -sS -o /dev/null -D "$3" -X PATCH -H "$auth" -H 'Tus-Resumable: 1.0.0' \
        -H 'Content-Type: application/offset+octet-stream' -H 'Upload-Offset: 0' -H 'Expect:' \
        -T "$2" "$base$1"
}

echo "making $mib MiB of random data..."
for i in 1 2 3 4; do
    head -c "$bytes" /dev/urandom >"$work/src$i"
done

rss_start=$(rss_kib)
location=$(create one.bin)
t0=$(now)
patch_whole "$location" "$work/src1" "$work/h1"
t1=$(now)
file_id=$(tr -d '\r' <"$work/h1" | sed -n 's/^[Cc]onfab-[Ff]ile-[Ii]d: //p')
[[ -n "$file_id" ]] || { echo "upload failed:"; cat "$work/h1"; exit 1; }
up=$(mbps "$bytes" "$t0" "$t1")

t0=$(now)
curl -sS -o /dev/null -H "$auth" "$base/api/v2/files/$file_id"
t1=$(now)
down=$(mbps "$bytes" "$t0" "$t1")

# Four at once (different bytes: four blobs), the hub's RSS sampled every 50 ms.
rss_before=$(rss_kib)
peak=$rss_before
pids=()
t0=$(now)
for i in 1 2 3 4; do
    loc=$(create "p$i.bin")
    patch_whole "$loc" "$work/src$i" "$work/hp$i" &
    pids+=($!)
done
while kill -0 "${pids[@]}" 2>/dev/null; do
    r=$(rss_kib)
    ((r > peak)) && peak=$r
    sleep 0.05
done
wait "${pids[@]}"
t1=$(now)
parallel=$(mbps $((bytes * 4)) "$t0" "$t1")
for i in 1 2 3 4; do
    grep -qi '^confab-file-id' "$work/hp$i" || { echo "parallel upload $i failed"; cat "$work/hp$i"; }
done

echo "file: $mib MiB over loopback (plain HTTP)"
echo "upload (one PATCH):       $up MB/s   (target >= 300)"
echo "download:                 $down MB/s   (target >= 600)"
echo "4 uploads at once:        $parallel MB/s in all"
echo "hub RSS: at start $((rss_start / 1024)) MiB, before the 4 uploads $((rss_before / 1024)) MiB," \
    "highest during them $((peak / 1024)) MiB: +$(((peak - rss_before) / 1024)) MiB (target < +64)"
