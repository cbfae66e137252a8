#!/bin/sh
# bench/sched.sh [BUILD_DIR] - what the controlled mode costs: scheduling points per second
# and runs per second, against the same program run natively in the same invocation.
#
#   points/s   one run of `sched-corpus steps 200000` (two threads taking and releasing one
#              lock; about half the points hand the turn to the other thread under the
#              random walk), steps / wall time, median of REPS runs; for random, pct:3, db:2
#   runs/s     vpspin-explore --runs 300 on `sched-corpus steps 200` (a 200-step program),
#              median of REPS; the same with --strategy native (no controlled mode)
#   demo       vpspin-explore --runs 50 on the sample miniport (vpspin-demo --commands 10
#              --clients 2): runs/s and points/s; and one long run (--commands 1000, about
#              73000 points) for its points/s within a run
#   Ir/point   callgrind instructions per point ((Ir(N2) - Ir(N1)) / (points(N2) -
#              points(N1))): repeatable where times are not
#
# It builds nothing: build the tests, the demo and tools/explore first (make build).
set -eu
build=${1:-build/release}
reps=${REPS:-5}
explore=$build/tools/explore/vpspin-explore
corpus=$build/tests/sched-corpus
demo=$build/demo/vpspin-demo
for f in "$explore" "$corpus" "$demo"; do
    [ -x "$f" ] || { echo "sched.sh: no $f; run make build first" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# summary FILE: "runs/s mean-steps" from vpspin-explore's summary line.
summary() { sed -n 's/^  \([0-9.]*\) runs\/s; steps per run [0-9]*\.\.[0-9]* (mean \([0-9]*\)).*/\1 \2/p' "$1"; }

echo "controlled mode cost ($build, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), median of $reps)"
for st in random pct:3 db:2; do
    for i in $(seq "$reps"); do
        "$explore" --strategy "$st" --runs 1 --seed "$i" -- "$corpus" steps 200000 >"$tmp/o"
        summary "$tmp/o" | awk '{ printf "%.0f\n", $1 * $2 }'
    done | median | awk -v s="$st" '{ printf "  points/s   %-7s %10.0f   (one run of 200000 points)\n", s, $1 }'
done
for st in random native; do
    for i in $(seq "$reps"); do
        "$explore" --strategy "$st" --runs 300 --seed "$((i * 1000))" -- "$corpus" steps 200 >"$tmp/o"
        summary "$tmp/o" | awk '{ print $1 }'
    done | median | awk -v s="$st" '{ printf "  runs/s     %-7s %10.1f   (a 200-step program, 300 runs)\n", s, $1 }'
done
for i in $(seq "$reps"); do
    "$explore" --strategy random --runs 50 --seed "$((i * 100))" -- "$demo" --commands 10 --clients 2 >"$tmp/o"
    summary "$tmp/o"
done | sort -g | awk '{ r[NR] = $1; s[NR] = $2 } END { m = int((NR + 1) / 2);
    printf "  demo       random  %10.1f runs/s, %.0f points/s (vpspin-demo --commands 10 --clients 2)\n", r[m], r[m] * s[m] }'
for i in $(seq "$reps"); do
    "$explore" --strategy random --runs 1 --seed "$i" -- "$demo" --commands 1000 --clients 2 >"$tmp/o"
    summary "$tmp/o" | awk '{ printf "%.0f\n", $1 * $2 }'
done | median | awk '{ printf "  demo long  random  %10.0f points/s (one run of --commands 1000 --clients 2)\n", $1 }'

if command -v valgrind >/dev/null 2>&1; then
    ir() {
        VPSPIN_SCHED=random VPSPIN_SCHED_LOG=$tmp/log valgrind --tool=callgrind \
            --callgrind-out-file="$tmp/cg" "$corpus" steps "$1" >/dev/null 2>&1
        sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$tmp/cg" | head -n 1
    }
    a=$(ir 2000) b=$(ir 22000)
    awk -v a="$a" -v b="$b" 'BEGIN { printf "  Ir/point   random  %10.0f   (callgrind, with the run log)\n", (b - a) / 20000 }'
fi
