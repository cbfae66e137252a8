#!/usr/bin/env bash
# tools/coverage.sh - line and branch coverage of src/ by the test suite (make coverage).
# Builds build/coverage with gcc --coverage at -O0 (counters updated atomically: the
# tests run threads), runs every ctest test there (the
# tests of make check-release, the fuzz seed corpus included, the model check and the
# benchmark left out), and writes with gcovr:
#   build/coverage/coverage-lines.txt   per file: lines, and the numbers of those not run
#   build/coverage/coverage-branches.txt per file: branches
#   build/coverage/html/index.html      per file and per line, branches too
# then prints the totals for src/. What is left uncovered, and why: docs/coverage.md.
# Needs gcovr (Debian package gcovr).
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/coverage
gen=$(command -v ninja >/dev/null 2>&1 && echo "-G Ninja" || true)
cmake -S . -B "$build" $gen -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc \
    -DCMAKE_C_FLAGS="--coverage -O0 -fprofile-update=atomic" \
    -DCMAKE_CXX_FLAGS="--coverage -O0 -fprofile-update=atomic" \
    -DCMAKE_EXE_LINKER_FLAGS=--coverage -DCMAKE_SHARED_LINKER_FLAGS=--coverage \
    -DVPSPIN_BUILD_BENCH=OFF -DVPSPIN_MODEL_CHECK=OFF >/dev/null
cmake --build "$build" -j "$(nproc)"
find "$build" -name '*.gcda' -delete
# (exported_symbols is left out: the gcov runtime exports symbols of its own.)
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" -E exported_symbols
rm -rf "$build/html"
mkdir -p "$build/html"
# Branches: only those of the source as written (not the compiler's own), see gcovr(1).
gcovr --root . --filter 'src/' --object-directory "$build" --exclude-directories '.*/CMakeFiles/[0-9][^/]*' \
    --exclude-unreachable-branches --exclude-throw-branches \
    --txt "$build/coverage-branches.txt" --branches \
    --html-details "$build/html/index.html" \
    --print-summary | tee "$build/summary.txt"
gcovr --root . --filter 'src/' --object-directory "$build" --exclude-directories '.*/CMakeFiles/[0-9][^/]*' \
    --exclude-unreachable-branches --exclude-throw-branches \
    --txt "$build/coverage-lines.txt" >/dev/null
echo "coverage: per file $build/coverage-lines.txt (lines), $build/coverage-branches.txt (branches), $build/html/index.html"
