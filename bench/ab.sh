#!/bin/sh
# ab.sh - an A/B of two vpspin libraries under one harness: the same vpspin-bench or
# vpspin-pair binary, run in turn with LD_LIBRARY_PATH=LIB_A and LIB_B (A B, B A, A B, ...),
# so that only the library differs; then the median of each figure per library.
#
# usage: bench/ab.sh [-n RUNS] LIB_A LIB_B PROGRAM [ARG...]
#   LIB_A, LIB_B  directories holding a libvpspin.so.0 (a build's src/, an install's lib/)
#   PROGRAM       vpspin-bench: each run writes its CSV (--csv is added); the table gives,
#                 per lock, the median over runs of the uncontended ns per pair and of its
#                 ratio to pthread-spin in the same run (when pthread-spin ran), and of
#                 each contended cell's Mops/s
#                 vpspin-pair (--lock NAME --pairs N): the wall time of each run / N
#                 (start-up included: give it 10^8 pairs)
#   -n RUNS       runs per library (default 5)
# For example, this branch's library against main's, under this branch's harness:
#   sh bench/ab.sh -n 7 build/release/src ../main/build/release/src \
#       build/release/bench/vpspin-bench --threads 1 --workloads 0/0 \
#       --locks vp,vp-chk,ke,ke-chk,pthread-spin
# The load average is printed before the first run and after the last (the runs are timed;
# a shared machine moves them). Table lines: KIND KEY A-median A-ratio B-median B-ratio B/A,
# a ratio "-" where there is none.
set -eu

usage() {
    echo "usage: bench/ab.sh [-n RUNS] LIB_A LIB_B PROGRAM [ARG...]" >&2
    exit 2
}

runs=5
while [ $# -gt 0 ]; do
    case $1 in
    -n)
        [ $# -ge 2 ] || usage
        runs=$2
        shift 2
        ;;
    -h | --help) usage ;;
    --) shift; break ;;
    -*)
        echo "ab.sh: unknown option $1" >&2
        usage
        ;;
    *) break ;;
    esac
done
[ $# -ge 3 ] || usage
case $runs in '' | *[!0-9]* | 0) echo "ab.sh: -n wants a positive number, not '$runs'" >&2; exit 2 ;; esac
lib_a=$1 lib_b=$2 prog=$3
shift 3
for lib in "$lib_a" "$lib_b"; do
    [ -e "$lib/libvpspin.so.0" ] || { echo "ab.sh: no libvpspin.so.0 in $lib" >&2; exit 2; }
done
[ -x "$prog" ] || { echo "ab.sh: $prog is not a program" >&2; exit 2; }
case $(basename "$prog") in
vpspin-bench*) kind=bench ;;
vpspin-pair*) kind=pair ;;
*) echo "ab.sh: $prog is neither vpspin-bench nor vpspin-pair" >&2; exit 2 ;;
esac
# The program must load the library from each directory (a build with
# -DVPSPIN_LOCK_PROFILE=ON links it statically: no A/B then).
for lib in "$lib_a" "$lib_b"; do
    got=$(LD_TRACE_LOADED_OBJECTS=1 LD_LIBRARY_PATH=$lib "$prog" 2>/dev/null |
          awk '$1 == "libvpspin.so.0" { print $3 }')
    [ -n "$got" ] || { echo "ab.sh: $prog does not load libvpspin.so.0" >&2; exit 2; }
    [ "$(cd "$(dirname "$got")" && pwd -P)" = "$(cd "$lib" && pwd -P)" ] ||
        { echo "ab.sh: with LD_LIBRARY_PATH=$lib, $prog loads $got" >&2; exit 2; }
done
pairs=0
if [ $kind = pair ]; then
    pairs=$(printf '%s\n' "$@" | awk 'p { print; exit } $0 == "--pairs" { p = 1 }')
    case $pairs in '' | *[!0-9]* | 0) echo "ab.sh: vpspin-pair needs --pairs N" >&2; exit 2 ;; esac
    lock=$(printf '%s\n' "$@" | awk 'p { print; exit } $0 == "--lock" { p = 1 }')
fi

tmp=$(mktemp -d)
trap '[ -n "${AB_KEEP:-}" ] && echo "$tmp" >&2 || rm -rf "$tmp"' EXIT
: >"$tmp/figures"

# run ARG...: one run of PROGRAM ARG... against $lib, as run $i of library $tag; appends
# "TAG I KIND KEY VALUE" lines to $tmp/figures.
run() {
    log=$tmp/$tag.$i.log
    if [ $kind = bench ]; then
        if ! LD_LIBRARY_PATH=$lib "$prog" "$@" --csv "$tmp/$tag.$i.csv" >"$log" 2>&1; then
            cat "$log" >&2
            echo "ab.sh: run $i against $lib failed" >&2
            exit 1
        fi
        awk -F, -v tag="$tag" -v i="$i" 'NR > 1 {
            if ($3 == "uncontended") print tag, i, "uncontended", $1, $18
            else print tag, i, "Mops", $1 "@" $3 "x" $6, $8 }' "$tmp/$tag.$i.csv" >>"$tmp/figures"
    else
        t0=$(date +%s%N)
        if ! LD_LIBRARY_PATH=$lib "$prog" "$@" >"$log" 2>&1; then
            cat "$log" >&2
            echo "ab.sh: run $i against $lib failed" >&2
            exit 1
        fi
        t1=$(date +%s%N)
        awk -v tag="$tag" -v i="$i" -v k="$lock" -v d=$((t1 - t0)) -v n="$pairs" \
            'BEGIN { printf "%s %s ns/pair %s %.4f\n", tag, i, k, d / n }' >>"$tmp/figures"
    fi
}

echo "ab.sh: $runs alternating runs of $prog $*"
echo "ab.sh: A = $lib_a, B = $lib_b; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
i=1
while [ "$i" -le "$runs" ]; do
    # A B, then B A: whatever drifts along a session (another job's load, the clock) falls on
    # both libraries alike.
    if [ $((i % 2)) -eq 1 ]; then order="A B"; else order="B A"; fi
    for tag in $order; do
        if [ $tag = A ]; then lib=$lib_a; else lib=$lib_b; fi
        run "$@"
    done
    i=$((i + 1))
done
echo "ab.sh: load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# The table: per KIND KEY, each library's median over its runs, and for the uncontended
# figures the median of the per-run ratio to pthread-spin's figure of the same run.
awk '
function median(list,    n, v, i, j, t) {
    n = split(list, v, " ")
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n == 0 ? "" : n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{
    key = $3 " " $4
    if (!(key in seen)) { seen[key] = 1; order[++nkeys] = key }
    val[$1, key] = val[$1, key] " " $5
    run[$1, $2, key] = $5
    if ($3 == "uncontended" && $4 == "pthread-spin") ref[$1, $2] = $5
    runs[$1, $2] = 1
}
END {
    printf "%-12s %-24s %10s %8s %10s %8s %7s\n", "kind", "key", "A", "A/pspin", "B", "B/pspin", "B/A"
    for (k = 1; k <= nkeys; k++) {
        key = order[k]
        split(key, kk, " ")
        for (t = 0; t < 2; t++) {
            tag = t ? "B" : "A"
            m[tag] = median(val[tag, key])
            r = ""
            for (rk in runs) {
                split(rk, p, SUBSEP)
                if (p[1] == tag && kk[1] == "uncontended" && (p[1], p[2]) in ref && ((p[1], p[2], key) in run))
                    r = r " " run[p[1], p[2], key] / ref[p[1], p[2]]
            }
            ratio[tag] = r == "" ? "-" : sprintf("%.3fx", median(r))
        }
        printf "%-12s %-24s %10.4g %8s %10.4g %8s %6.3fx\n", kk[1], kk[2], m["A"], ratio["A"],
               m["B"], ratio["B"], (m["A"] > 0 ? m["B"] / m["A"] : 0)
    }
}' "$tmp/figures"
