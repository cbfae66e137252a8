#!/usr/bin/env bash
# tools/memcheck.sh BUILD_DIR - runs the main test programs, the fuzz harness's seed corpus,
# the example, the demo and vpspin-run on the sample miniport under Valgrind's memcheck (make check-memcheck, part of make
# check): no invalid access, no use of uninitialised memory, and no leak of any kind at exit
# (--errors-for-leak-kinds=all counts still-reachable blocks too). Each program must exit 0;
# Valgrind makes it exit 99 if it found anything. Forked children are checked as well
# (test_alloc_failure's exit through exit(), so their leaks count); test_rules re-runs
# itself through Valgrind (VPSPIN_TEST_EMULATOR). Children that die of abort() on purpose
# (test_rules' report checks) are not leak-checked: nothing is freed on that way out.
# Logs: BUILD_DIR/memcheck/<pid>.log, one per process; output: BUILD_DIR/memcheck/NAME.out.
# Under Valgrind vpspin's lock skips membarrier (Valgrind runs one thread at a time).
set -euo pipefail
build=$1
logs="$build/memcheck"
rm -rf "$logs"
mkdir -p "$logs"
vg="valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all"
vg="$vg --error-exitcode=99 --log-file=$logs/%p.log"
here=$(cd "$(dirname "$0")/.." && pwd)
failed=0

run() {
    local name=$1
    shift
    local start=$SECONDS
    if VPSPIN_TEST_EMULATOR="$vg" $vg "$@" >"$logs/$name.out" 2>&1; then
        echo "memcheck: $name: clean ($((SECONDS - start)) s)"
    else
        echo "memcheck: $name: FAILED (exit $?); its output: $logs/$name.out; Valgrind's findings:"
        grep -l -E 'ERROR SUMMARY: [1-9]|Invalid|uninitialised|lost|reachable' "$logs"/*.log |
            head -n 5 | xargs -r cat | head -n 200
        failed=1
    fi
}

run test_irql "$build/tests/test_irql"
run test_spinlock "$build/tests/test_spinlock"
run test_rules "$build/tests/test_rules"
run test_stress "$build/tests/test_stress"
run test_alloc_failure "$build/tests/test_alloc_failure"
# (its two direct accesses to a freed mapping and a guard page are on purpose: suppressed)
run test_adapter --suppressions="$here/tests/adapter/memcheck.supp" "$build/tests/test_adapter"
run fuzz_corpus "$build/tests/fuzz_replay" --quiet "$here/tests/fuzz/corpus"
run example_miniport "$build/tests/example_miniport"
run demo "$build/demo/vpspin-demo" --seconds 1
run vpspin-run "$build/tools/run/vpspin-run" --device "$build/demo/vpdemo.dev" --ioctl 0x232000 \
    --final 0x232010 --seconds 1 "$build/demo/vpdemo.so"
if [ "$failed" != 0 ]; then
    echo "memcheck: FAILED"
    exit 1
fi
echo "memcheck: every program clean: no error, no leak"
