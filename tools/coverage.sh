#!/usr/bin/env bash
# tools/coverage.sh - line and branch coverage of src/ by the test suite (make coverage).
# Counts from three kinds of run, merged per source line:
#   build/coverage       gcc --coverage at -O0 (counters updated atomically: the tests run
#                        threads); every ctest test there (those of make check-release, the
#                        fuzz seed corpus and the Helgrind runs included; the model check,
#                        the benchmark and exported_symbols left out), then the example
#                        under Valgrind's memcheck (where the library finds Valgrind but not
#                        Helgrind: base/annotate.c); each process with tools/gcov_on_abort.c
#                        preloaded, which writes the counts of one that dies of abort() (a
#                        bug check, a deadlock report) as exit would have
#   build/coverage-tsan  the same build with ThreadSanitizer; the tests labelled tsan (the
#                        paths that tell ThreadSanitizer about vpspin's locks run only here)
# and writes with gcovr:
#   build/coverage/coverage-lines.txt    per file: lines, and the numbers of those not run
#   build/coverage/coverage-branches.txt per file: branches
#   build/coverage/html/index.html       per file and per line, branches too
#   build/coverage/coverage.json         the merged counts (gcovr's JSON)
# then prints the totals for src/. What is left uncovered, and why: docs/coverage.md.
# Needs gcovr (Debian package gcovr) and valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/coverage
tsan=build/coverage-tsan
gen=$(command -v ninja >/dev/null 2>&1 && echo "-G Ninja" || true)
flags="--coverage -O0 -fprofile-update=atomic"
configure() {
    local dir=$1
    shift
    cmake -S . -B "$dir" $gen -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc \
        -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
        -DCMAKE_EXE_LINKER_FLAGS=--coverage -DCMAKE_SHARED_LINKER_FLAGS=--coverage \
        -DVPSPIN_BUILD_BENCH=OFF -DVPSPIN_MODEL_CHECK=OFF "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc)"
    find "$dir" -name '*.gcda' -delete
}
configure "$build"
configure "$tsan" -DVPSPIN_SANITIZE=thread

# (exported_symbols is left out: the gcov runtime exports symbols of its own.) Every process
# has tools/gcov_on_abort.c preloaded, so that one dying of abort() writes its counts too.
gcc -O1 -shared -fPIC -Wall -Wextra -o "$build/gcov_on_abort.so" tools/gcov_on_abort.c -lgcov
LD_PRELOAD="$PWD/$build/gcov_on_abort.so" \
    ctest --test-dir "$build" --output-on-failure -j "$(nproc)" -E exported_symbols
valgrind -q --error-exitcode=99 "$build/tests/example_miniport" >/dev/null
ctest --test-dir "$tsan" --output-on-failure -j "$(nproc)" -L tsan

rm -rf "$build/html"
mkdir -p "$build/html"
# Branches: only those of the source as written (not the compiler's own), see gcovr(1).
common=(--root . --filter 'src/' --exclude-directories '.*/CMakeFiles/[0-9][^/]*'
        --exclude-unreachable-branches --exclude-throw-branches)
gcovr "${common[@]}" --json "$build/coverage.json" "$build" "$tsan"
from=(--add-tracefile "$build/coverage.json")
gcovr "${from[@]}" --txt "$build/coverage-lines.txt"
gcovr "${from[@]}" --txt "$build/coverage-branches.txt" --branches \
    --html-details "$build/html/index.html" --print-summary | tee "$build/summary.txt"
echo "coverage: per file $build/coverage-lines.txt (lines), $build/coverage-branches.txt (branches), $build/html/index.html"
