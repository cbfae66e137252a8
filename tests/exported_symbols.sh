#!/bin/sh
# exported_symbols.sh NM LIBRARY LIST [LIST...] - the shared library exports exactly the
# functions the LISTs name (docs/exported-symbols.txt, and docs/interposed-symbols.txt: the
# libc functions it defines in front of libc's), and no data. Everything else in src/ is built
# with hidden visibility; only the decorated declarations of include/vpspin/ are exported.
set -eu
nm=$1 lib=$2 list=$3
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$nm" -D --defined-only "$lib" >"$tmp/nm"
# Functions: T (text), W (weak), i (IFUNC). Anything else defined is exported data,
# except the markers some linkers add to every shared object.
awk 'NF == 3 && $2 ~ /^[TWi]$/ { print $3 }' "$tmp/nm" | LC_ALL=C sort -u >"$tmp/exported"
awk 'NF == 3 && $2 !~ /^[TWi]$/ && $3 !~ /^(_init|_fini|_edata|_end|__bss_start)$/ { print }' \
    "$tmp/nm" >"$tmp/data"
cat "$@" | sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' | LC_ALL=C sort -u >"$tmp/expected"

status=0
missing=$(LC_ALL=C comm -13 "$tmp/exported" "$tmp/expected")
extra=$(LC_ALL=C comm -23 "$tmp/exported" "$tmp/expected")
if [ -n "$missing" ]; then
    echo "listed in $list but not exported by $lib:"; echo "$missing" | sed 's/^/  /'
    status=1
fi
if [ -n "$extra" ]; then
    echo "exported by $lib but not listed in $list (hide it, or list and document it):"
    echo "$extra" | sed 's/^/  /'
    status=1
fi
if [ -s "$tmp/data" ]; then
    echo "exported data symbols in $lib (the API exports only functions):"
    sed 's/^/  /' "$tmp/data"
    status=1
fi
[ $status = 0 ] && echo "$lib exports exactly the $(wc -l <"$tmp/expected") functions of $list"
exit $status
