#!/usr/bin/env bash
# Call signal latency while 1000 other subscribers receive 200 chat messages a second (issue 13),
# for one or more `confab` builds side by side, runs alternating:
#
#   tests/bench/callsignal-under-load.sh [--rounds 2] [--seconds 20] [--new-connections]
#                                        LABEL=CONFAB:HUBBENCH ...
#
# e.g. tests/bench/callsignal-under-load.sh main=/work/main/build/rel/confab:/work/main/build/rel/tests/bench/hubbench \
#          mine=build/rel/confab:build/rel/tests/bench/hubbench
#
# Each run: hubbench (C++, v1 room subscribers, 1000 x 200 msg/s) starts its own hub from CONFAB
# and loads it for SECONDS + 15 s; once its subscribers are in, callsignalbench.mjs --hub signs
# two members in to that same hub and measures 50 signals a second for SECONDS. Everything runs
# inside a network namespace of its own with only `lo` up (unshare --net), and every loop is
# bounded by the durations above. A's signals go over kept-alive connections as a browser's do;
# --new-connections opens one per signal (callsignalbench.mjs --new-connections).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds=2
seconds=20
builds=()
signal_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --new-connections) signal_args+=(--new-connections); shift ;;
        --inside) inside=1; shift ;;
        *=*:*) builds+=("$1"); shift ;;
        *) echo "usage: $0 [--rounds N] [--seconds S] LABEL=CONFAB:HUBBENCH ..." >&2; exit 2 ;;
    esac
done
[[ ${#builds[@]} -gt 0 ]] || { echo "$0: name at least one LABEL=CONFAB:HUBBENCH" >&2; exit 2; }

if [[ -z "${inside:-}" ]]; then
    args=(--inside --rounds "$rounds" --seconds "$seconds" "${signal_args[@]}")
    for build in "${builds[@]}"; do
        label="${build%%=*}"; rest="${build#*=}"
        args+=("$label=$(realpath "${rest%%:*}"):$(realpath "${rest#*:}")")
    done
    exec unshare --net --map-root-user sh -c 'ip link set lo up && exec "$0" "$@"' "$0" "${args[@]}"
fi

# One run: prints "LABEL | signals p50/p99/max | chat on B's stream p50/p99 | hubbench p50/p99".
run_one() {
    local label="$1" confab="$2" hubbench="$3" log
    log="$(mktemp /tmp/callsignal-load-XXXXXX)"
    "$hubbench" --binary "$confab" --subscribers 1000 --rate 200 --seconds $((seconds + 15)) \
        > "$log.hubbench" 2>&1 &
    local bench=$! port="" hub=""
    # The hub is hubbench's child; its port once it listens (hubbench then connects 1000 streams).
    for _ in $(seq 1 300); do
        hub="$(pgrep -P "$bench" -f ' serve ' | head -1 || true)"
        if [[ -n "$hub" ]]; then
            port="$(ss -ltnpH 2>/dev/null | awk -v pid="pid=$hub," 'index($0, pid) { split($4, a, ":"); print a[length(a)]; exit }')"
            [[ -n "$port" ]] && break
        fi
        sleep 0.1
    done
    if [[ -z "$port" ]]; then
        echo "$label: hubbench's hub did not start" >&2
        kill "$bench" 2>/dev/null || true
        return 1
    fi
    sleep 6 # the subscribers connect and the load starts
    node "$here/callsignalbench.mjs" --hub "http://127.0.0.1:$port/" --seconds "$seconds" \
        "${signal_args[@]}" > "$log.signals" 2>&1 || true
    wait "$bench" || true
    local signals chat load
    signals="$(sed -n 's/^signal latency ms: //p' "$log.signals")"
    chat="$(sed -n 's/^reference.*: //p' "$log.signals")"
    load="$(grep -m1 -o 'p50=[0-9.]*ms p99=[0-9.]*ms' "$log.hubbench" || true)"
    printf '%s | %s | %s (%s) | hubbench: %s | load %s\n' "$label" "$signals" "$chat" \
        "$(sed -n 's/^signals sent \(.*\)/\1/p' "$log.signals")" "$load" \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
    rm -f "$log" "$log.hubbench" "$log.signals"
}

for round in $(seq 1 "$rounds"); do
    for build in "${builds[@]}"; do
        label="${build%%=*}"; rest="${build#*=}"
        run_one "$label" "${rest%%:*}" "${rest#*:}"
    done
done
