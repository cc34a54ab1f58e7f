#!/usr/bin/env bash
# Chat latency while big uploads run (issue 15: "chat messages to 1000 subscribers keep p99 <= 15 ms
# while four 1 GiB tus uploads run"). For each build given, hubbench starts that build's hub with
# 1000 subscribers at 200 msg/s; once they are connected, four curl tus uploads of 1 GiB each (one
# PATCH each, streamed from /dev/shm) go into the same hub's lobby. Prints hubbench's p50/p99/max,
# each upload's status and speed, and the hub's highest RSS during the uploads, one row per run.
# Builds alternate within each round, so that a busy machine weighs on all of them alike.
#
#   tests/bench/uploadload.sh [options] BUILD_DIR...
#     BUILD_DIR     a Release build tree with confab and tests/bench/hubbench
#                   (-DCONFAB_GUI=OFF -DCONFAB_TESTS=ON -DCONFAB_BENCHMARKS=ON)
#     -r ROUNDS     rounds (default 2)
#     -m MIB        size of each upload (default 1024)
#     -u UPLOADS    uploads at once (default 4)
#     -s SECONDS    hubbench's publishing time (default 25)
#     -b            also a run without uploads per build and round (the baseline)
#     -n            hubbench --no-pin: the hub may use every core (by default hubbench pins the
#                   hub to CPU 0 and itself to CPU 1, so the hub's upload threads share the core
#                   of its event loop)
#
# Bounded: every hubbench run publishes for SECONDS, every curl has --max-time, and the sources
# (UPLOADS x MIB in /dev/shm) and the hubs' data directories are deleted at the end. It runs itself
# in a fresh network namespace (`unshare -rn`), so every socket is on that namespace's loopback.
set -euo pipefail

if [[ -z "${UPLOADLOAD_IN_NAMESPACE:-}" ]]; then
    exec unshare -rn env UPLOADLOAD_IN_NAMESPACE=1 "$0" "$@"
fi
ip link set lo up

rounds=2
mib=1024
uploads=4
seconds=25
baseline=0
pin=()
while getopts "r:m:u:s:bn" option; do
    case $option in
    r) rounds=$OPTARG ;;
    m) mib=$OPTARG ;;
    u) uploads=$OPTARG ;;
    s) seconds=$OPTARG ;;
    b) baseline=1 ;;
    n) pin=(--no-pin) ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
(($# > 0)) || { echo "usage: $0 [-r ROUNDS] [-m MIB] [-u UPLOADS] [-s SECONDS] [-b] [-n] BUILD_DIR..."; exit 2; }
builds=()
for dir in "$@"; do
    dir=$(realpath "$dir")
    [[ -x "$dir/confab" && -x "$dir/tests/bench/hubbench" ]] ||
        { echo "$dir has no confab and tests/bench/hubbench"; exit 2; }
    builds+=("$dir")
done

# Subscribers connect and the fan-out settles before the uploads start.
readonly SettleSeconds=4
# A stuck upload is cut after this (1 GiB at 10 MB/s is 100 s).
readonly CurlMaxSeconds=300
bytes=$((mib * 1024 * 1024))
work=$(mktemp -d)
sources=$(mktemp -d /dev/shm/uploadload.XXXXXX)
bench_pid=
hub=
cleanup() {
    # hubbench stops its hub and removes its data directory when it ends by itself, not when it
    # is killed: then both are done here.
    if [[ -n "$hub" ]]; then
        local hub_data
        hub_data=$(tr '\0' '\n' <"/proc/$hub/cmdline" 2>/dev/null | grep -A1 -x -- --data-dir | tail -1 || true)
        kill "$hub" 2>/dev/null || true
        [[ "$hub_data" == /tmp/hubbench-* ]] && sleep 0.5 && rm -rf "$hub_data"
    fi
    [[ -n "$bench_pid" ]] && kill "$bench_pid" 2>/dev/null && wait "$bench_pid" 2>/dev/null || true
    rm -rf "$work" "$sources" # hubbench removes its hub's data directory itself
}
trap cleanup EXIT
trap "exit 1" INT TERM

echo "making $uploads x $mib MiB of random data in $sources..."
for i in $(seq "$uploads"); do
    head -c "$bytes" /dev/urandom >"$sources/up$i.bin"
done

# The hub hubbench started: the only confab listening in this namespace.
hub_port() { ss -ltnpH 2>/dev/null | grep '"confab"' | grep -o '127.0.0.1:[0-9]*' | head -1 | cut -d: -f2 || true; }
hub_pid() { ss -ltnpH 2>/dev/null | grep '"confab"' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true; }

# run BUILD WITH_UPLOADS: one hubbench run; prints one table row.
run() {
    local dir=$1 with_uploads=$2 log="$work/hubbench.log" port="" pid=""
    "$dir/tests/bench/hubbench" --binary "$dir/confab" --subscribers 1000 --rate 200 \
        --seconds "$seconds" --publishers 16 "${pin[@]}" >"$log" 2>&1 &
    bench_pid=$!
    for _ in $(seq 100); do
        sleep 0.1
        port=$(hub_port)
        [[ -n "$port" ]] && break
    done
    [[ -n "$port" ]] || { echo "no hub came up:"; cat "$log"; exit 1; }
    pid=$(hub_pid)
    hub=$pid
    local summary="–" peak=0 rss0
    rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    if ((with_uploads)); then
        sleep "$SettleSeconds"
        local base="http://127.0.0.1:$port" token meta t0 t1
        token=$(curl -sS --max-time 10 -X POST -H 'Content-Type: application/json' \
            -d '{"name":"Uploader"}' "$base/api/v2/session" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
        meta="filename $(echo -n big.bin | base64 -w0),conversation $(echo -n lobby | base64 -w0)"
        rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
        t0=$(date +%s.%N)
        for i in $(seq "$uploads"); do
            (
                location=$(curl -sS --max-time 10 -D - -o /dev/null -X POST \
                    -H "Authorization: Bearer $token" -H 'Tus-Resumable: 1.0.0' \
                    -H "Upload-Length: $bytes" -H "Upload-Metadata: $meta" "$base/api/v2/uploads" |
                    tr -d '\r' | awk -F': ' 'tolower($1)=="location" {print $2}')
                curl -sS --max-time "$CurlMaxSeconds" -o /dev/null \
                    -w '%{http_code} %{size_upload} %{speed_upload}\n' \
                    -X PATCH -H "Authorization: Bearer $token" -H 'Tus-Resumable: 1.0.0' \
                    -H 'Upload-Offset: 0' -H 'Content-Type: application/offset+octet-stream' \
                    -H 'Expect:' -T "$sources/up$i.bin" "$base$location" >"$work/upload$i" \
                    2>"$work/error$i" || true
            ) &
        done
        # The hub's RSS every 100 ms while the uploads run (bounded by curl's --max-time).
        while [[ -n "$(jobs -rp | grep -vx "$bench_pid")" ]]; do
            local now
            now=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
            if ((now > peak)); then peak=$now; fi
            sleep 0.1
        done
        t1=$(date +%s.%N)
        # An upload still running when hubbench stopped its hub shows as 000 and the MiB it sent.
        summary=$(cat "$work"/upload* | awk -v t0="$t0" -v t1="$t1" '
            { codes = codes (NR > 1 ? "," : "") ($1 == "000" ? sprintf("cut at %.0f MiB", $2 / 1048576) : $1)
              speeds = speeds (NR > 1 ? "/" : "") sprintf("%.0f", $3 / 1e6); sent += $2 }
            END { printf "%s; %s MB/s; %.0f MB/s in all", codes, speeds, sent / (t1 - t0) / 1e6 }')
        rm -f "$work"/upload* "$work"/error*
    fi
    wait "$bench_pid" || true
    bench_pid=
    hub=
    local line
    line=$(grep '^rate=' "$log" || echo "hubbench failed: $(tail -1 "$log")")
    local p50 p99 max delivered load
    p50=$(grep -o 'p50=[0-9.]*' <<<"$line" | cut -d= -f2)
    p99=$(grep -o 'p99=[0-9.]*' <<<"$line" | cut -d= -f2)
    max=$(grep -o 'max=[0-9.]*' <<<"$line" | cut -d= -f2)
    delivered=$(grep -o 'deliveries=[0-9/]*' <<<"$line" | cut -d= -f2)
    load=$(cut -d' ' -f1 /proc/loadavg)
    local rss="–"
    if ((with_uploads)); then rss="+$(((peak - rss0) / 1024)) MiB"; fi
    printf '| %s | %s | %s | %s / %s / %s ms | %s | %s | %s | %s |\n' "$round" "$(basename "${dir%/build/*}")" \
        "$( ((with_uploads)) && echo "$uploads x $mib MiB" || echo none)" "$p50" "$p99" "$max" \
        "$delivered" "$summary" "$rss" "$load"
}

echo "| round | build | uploads | p50 / p99 / max | delivered | upload status; speed each; in all | hub RSS during uploads | load |"
echo "|---|---|---|---|---|---|---|---|"
for round in $(seq "$rounds"); do
    for dir in "${builds[@]}"; do
        run "$dir" 1
        if ((baseline)); then run "$dir" 0; fi
    done
done
