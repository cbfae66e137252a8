#!/bin/sh
# tests/layers.sh SRC [NM OBJECT...] - the layer rule of src/ (SRC/layers.txt).
#
# A unit is a file of src/ without its extension (check/verify.h and check/verify.c are the
# unit check/verify). Unit A depends on unit B when a file of A includes a header of B, or
# (with NM and the library's object files, .../LAYER/FILE.c.o) when A's object uses a symbol that
# B's object file defines. The rule:
#   - every internal include names its layer: #include "check/verify.h";
#   - no unit depends on a unit of a layer listed after its own in layers.txt (upward);
#   - the dependencies have no loop, within a layer or across.
# Prints every break of the rule and exits 1 if there is one.
set -eu
src=$1
nm=${2:-}
[ $# -ge 2 ] && shift 2 || shift $#
order=$(grep -v -e '^#' -e '^$' "$src/layers.txt")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Edges "from to how" from the include lines.
for f in "$src"/*/*.c "$src"/*/*.h; do
    unit=${f#"$src"/}
    unit=${unit%.*}
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
        while read -r inc; do
            case $inc in
            */*.h) echo "$unit ${inc%.h} include" ;;
            *) echo "$unit $inc bare-include" ;;
            esac
        done
done >"$work/edges"

# Edges from the object files: who defines each global symbol, who uses it.
if [ -n "$nm" ]; then
    [ $# -gt 0 ] || { echo "layers: no object files given" >&2; exit 2; }
    printf '%s\n' "$@" >"$work/objects"
    unit_of() { # .../vpspin_objects.dir/check/verify.c.o -> check/verify
        u=${1%.c.o}
        d=$(dirname "$u")
        echo "$(basename "$d")/$(basename "$u")"
    }
    : >"$work/defs.raw"
    : >"$work/uses.raw"
    while read -r o; do
        u=$(unit_of "$o")
        "$nm" -g --defined-only "$o" >"$work/nm" || { echo "layers: cannot read $o" >&2; exit 2; }
        awk -v u="$u" 'NF == 3 { print $3, u }' "$work/nm" >>"$work/defs.raw"
        "$nm" -u "$o" >"$work/nm" || exit 2
        awk -v u="$u" '{ print $NF, u }' "$work/nm" >>"$work/uses.raw"
    done <"$work/objects"
    sort -u "$work/defs.raw" >"$work/defs"
    sort -u "$work/uses.raw" >"$work/uses"
    join "$work/uses" "$work/defs" | awk '$2 != $3 { print $2, $3, "using " $1 }' \
        >>"$work/edges"
fi

echo "$order" | awk -v edges="$work/edges" '
    { rank[$1] = NR }
    END {
        bad = 0
        while ((getline line < edges) > 0) {
            split(line, e, " ")
            if (e[3] == "bare-include") {
                printf "layers: %s includes \"%s\": name the layer (\"layer/file.h\")\n", e[1], e[2]
                bad = 1
                continue
            }
            split(e[1], a, "/"); split(e[2], b, "/")
            if (!(a[1] in rank) || !(b[1] in rank)) {
                printf "layers: %s -> %s: a folder not in layers.txt\n", e[1], e[2]
                bad = 1
            } else if (rank[a[1]] < rank[b[1]]) {
                how = e[3] (4 in e ? " " e[4] : "")
                printf "layers: %s (%s) -> %s (%s) by %s: upward\n", e[1], a[1], e[2], b[1], how
                bad = 1
            }
        }
        exit bad
    }' || status=1

# Loops: tsort names one loop at a time; report each unit that sits on one.
awk '$1 != $2 && $3 != "bare-include" { print $1, $2 }' "$work/edges" | sort -u >"$work/pairs"
if ! tsort "$work/pairs" >/dev/null 2>"$work/loops"; then
    echo "layers: dependency loop(s) through these units:"
    sed -n 's/^tsort: //p' "$work/loops" | grep -v 'input contains a loop' | sort -u | sed 's/^/  /'
    status=1
fi

if [ "${status:-0}" = 0 ]; then
    echo "layers: $(wc -l <"$work/pairs") dependencies among the units of $(echo "$order" |
        tr '\n' ' ')- all downward, no loop"
fi
exit "${status:-0}"
