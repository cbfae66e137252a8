#!/bin/sh
# callgrind.sh - instructions per uncontended lock/unlock pair, counted by callgrind.
#
# Timing is noisy; instruction counts are not. For each API this runs vpspin-pair (a
# program doing N uncontended pairs and nothing else) under valgrind --tool=callgrind
# twice, with N = SMALL and N = LARGE, and reports
#     (Ir(LARGE) - Ir(SMALL)) / (LARGE - SMALL)
# so start-up and exit cost cancel out. A fast-path regression shows up as a changed
# number, deterministically. Every count includes the benchmark loop's own few
# instructions: the "loop only" row measures them.
#
# usage: bench/callgrind.sh [BUILD_DIR]      (default build/release)
# It builds nothing: build vpspin-pair first, e.g.
#     cmake --build build/release --target vpspin-pair
# SMALL and LARGE can be set in the environment (defaults 1000 and 201000).
set -eu

build=${1:-build/release}
pair=$build/bench/vpspin-pair
small=${SMALL:-1000}
large=${LARGE:-201000}

command -v valgrind >/dev/null 2>&1 || { echo "callgrind.sh: valgrind not found" >&2; exit 1; }
[ -x "$pair" ] || { echo "callgrind.sh: no $pair; build the vpspin-pair target first" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ir LOCK VERIFY PAIRS: total instructions (Ir) of one run.
ir() {
    out=$tmp/callgrind.out
    if ! VPSPIN_VERIFY=$2 valgrind --tool=callgrind --callgrind-out-file="$out" \
            "$pair" --lock "$1" --pairs "$3" >"$tmp/log" 2>&1; then
        cat "$tmp/log" >&2
        echo "callgrind.sh: vpspin-pair --lock $1 failed" >&2
        exit 1
    fi
    # "summary:" (older valgrind) or "totals:"; the first event is Ir.
    sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$out" | head -n 1
}

# row LABEL LOCK VERIFY: one line of the table.
row() {
    a=$(ir "$2" "${3:-1}" "$small")
    b=$(ir "$2" "${3:-1}" "$large")
    awk -v l="$1" -v k="$2" -v v="${3:--}" -v a="$a" -v b="$b" -v s="$small" -v n="$large" \
        'BEGIN { printf "%-44s %-14s %-6s %10.2f\n", l, k, v, (b - a) / (n - s) }'
}

echo "Instructions per uncontended lock+unlock pair (callgrind Ir;"
echo "(Ir(N=$large) - Ir(N=$small)) / $((large - small)); $pair)"
printf "%-44s %-14s %-6s %10s\n" "API" "--lock" "VERIFY" "Ir/pair"
row "VideoPortAcquireSpinLock/ReleaseSpinLock" vp 0
row "VideoPortAcquireSpinLock/ReleaseSpinLock" vp 1
row "VideoPortAcquireSpinLock/ReleaseSpinLock" vp full
row "KeAcquireSpinLock/KeReleaseSpinLock" ke 0
row "KeAcquireSpinLock/KeReleaseSpinLock" ke 1
row "KeAcquireSpinLock/KeReleaseSpinLock" ke full
row "KeAcquire/ReleaseInStackQueuedSpinLock" keq 0
row "KeAcquire/ReleaseInStackQueuedSpinLock" keq 1
row "KeAcquire/ReleaseInStackQueuedSpinLock" keq full
row "pthread_spin_lock/unlock (reference)" pthread-spin
row "pthread_mutex_lock/unlock (reference)" pthread-mutex
row "loop only (no lock)" none
