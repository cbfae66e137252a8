#!/bin/sh
# compatibility_table.sh NM LIBRARY VIDEO_H TABLE - docs/compatibility.md says the truth about
# the VideoPort functions: it has one row for each function video.h declares and no other, and
# a row's status agrees with the library: "provided" and "stub" rows are exported by it, "not
# provided" rows are not (they are declared, so a miniport compiles, and fail to link).
set -eu
nm=$1 lib=$2 header=$3 table=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The declared functions: the name before the '(' of each VIDEOPORT_API declaration.
tr '\n' ' ' <"$header" | grep -oE 'VIDEOPORT_API[^;(]*\(' | grep -oE 'VideoPort[A-Za-z0-9_]*[[:space:]]*\($' |
    sed 's/[[:space:](]//g' | LC_ALL=C sort -u >"$tmp/declared"
# The rows: | `VideoPortName` | status...
sed -n 's/^| `\(VideoPort[A-Za-z0-9_]*\)` | \(not provided\|provided\|stub\).*/\1 \2/p' "$table" |
    sed 's/ not provided$/ missing/' >"$tmp/rows"
awk '{ print $1 }' "$tmp/rows" | LC_ALL=C sort >"$tmp/named"
"$nm" -D --defined-only "$lib" | awk 'NF == 3 && $2 ~ /^[TWi]$/ { print $3 }' | LC_ALL=C sort -u \
    >"$tmp/exported"

status=0
say() { echo "compatibility_table: $*"; status=1; }
dups=$(uniq -d "$tmp/named")
[ -z "$dups" ] || say "rows named twice in $table: $dups"
only=$(LC_ALL=C comm -23 "$tmp/declared" "$tmp/named")
[ -z "$only" ] || say "declared in $header, no row in $table: $only"
only=$(LC_ALL=C comm -13 "$tmp/declared" "$tmp/named")
[ -z "$only" ] || say "a row in $table, not declared in $header: $only"
while read -r name what; do
    if grep -qx "$name" "$tmp/exported"; then
        [ "$what" != missing ] || say "$name: the row says not provided, $lib exports it"
    else
        [ "$what" = missing ] || say "$name: the row says $what, $lib does not export it"
    fi
done <"$tmp/rows"
[ $status = 0 ] && echo "compatibility_table: $(wc -l <"$tmp/rows") rows, one per function of" \
    "$(basename "$header"), each status as the library has it"
exit $status
