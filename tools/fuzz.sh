#!/usr/bin/env bash
# tools/fuzz.sh BINARY SECONDS CORPUS - runs the libFuzzer harness (tests/fuzz/) for SECONDS
# from the seed corpus tests/fuzz/corpus, keeping what it finds in CORPUS (created if need
# be; reuse it to carry on a long run). The reports the harness provokes on purpose are
# silenced (-close_fd_mask=2); a failure prints the harness's own message, and the input
# that caused it is saved as BINARY's directory/crash-* (or timeout-*, leak-*). Exits 0 if
# no input failed. The whole libFuzzer output is in CORPUS.log.
#   make fuzz [FUZZ_SECONDS=3600] [FUZZ_CORPUS=build/fuzz-corpus]    a long run
#   make check-fuzz                                                  60 s (make check)
set -euo pipefail
bin=$1 seconds=$2 corpus=$3
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$corpus"
log="$corpus.log"
echo "fuzz: $bin for $seconds s, corpus $corpus (seeds tests/fuzz/corpus), log $log"
# -timeout: an input that takes this long is a hang (every input ends in well under 1 s).
# -rss_limit_mb: ASan's quarantine and the corpus, with room to spare.
status=0
"$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -close_fd_mask=2 \
    -print_final_stats=1 -artifact_prefix="$(dirname "$bin")/" \
    "$corpus" "$here/tests/fuzz/corpus" >"$log" 2>&1 || status=$?
if [ "$status" != 0 ]; then
    echo "fuzz: FAILED (exit $status); the end of $log:"
    tail -n 40 "$log"
    exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
final=$(grep -a 'DONE' "$log" | tail -n 1 | sed 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*//')
echo "fuzz: OK, $runs inputs in $seconds s ($rate/s), no failure; $final"
