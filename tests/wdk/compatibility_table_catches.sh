#!/bin/sh
# compatibility_table_catches.sh NM LIBRARY VIDEO_H TABLE - compatibility_table.sh notices a
# table that lies: a provided function marked not provided, a missing row, a row twice.
set -eu
here=$(dirname "$0")
nm=$1 lib=$2 header=$3 table=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
check() {   # check NAME SED-SCRIPT EXPECTED-MESSAGE
    sed "$2" "$table" >"$tmp/table.md"
    if sh "$here/compatibility_table.sh" "$nm" "$lib" "$header" "$tmp/table.md" >"$tmp/out" 2>&1; then
        echo "compatibility_table_catches: $1: passed a table it should refuse"; status=1
    elif ! grep -q "$3" "$tmp/out"; then
        echo "compatibility_table_catches: $1: refused without saying \"$3\":"; cat "$tmp/out"
        status=1
    fi
}
check "a lie" 's/^| `VideoPortCreateSpinLock` | provided/| `VideoPortCreateSpinLock` | not provided/' \
    'VideoPortCreateSpinLock: the row says not provided'
check "a claim" 's/^| `VideoPortMapBankedMemory` | not provided/| `VideoPortMapBankedMemory` | provided/' \
    'VideoPortMapBankedMemory: the row says provided'
check "a missing row" '/^| `VideoPortStallExecution` |/d' 'no row in .*VideoPortStallExecution'
check "a row twice" '/^| `VideoPortZeroMemory` |/p' 'rows named twice.*VideoPortZeroMemory'
[ $status = 0 ] && echo "compatibility_table_catches: every doctored table refused"
exit $status
