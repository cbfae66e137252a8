#!/usr/bin/env bash
# models/check.sh - model-check the lock algorithm (src/lock/spinlock_algo.c) with Spin.
#
# Runs every check of models/spinlock_algo.pml (see models/README.md): each one is
# `spin -a` with the model's macros, pan.c compiled with gcc, and an exhaustive search
# (no bitstate hashing), in a temporary directory. Checks that must fail (the seeded bugs,
# and the known findings of models/README.md) are expected to fail, with the expected kind
# of error. Prints a summary table; exits 0 when every outcome is the expected one, 1 when
# one differs, 2 when Spin or a C compiler is missing.
#
#   models/check.sh           all checks (under a minute on 2 cores, about 2 GB of memory)
#   models/check.sh --keep    keep the work directory (pan output, trails) and print its path
#
# Environment: SPIN (default: spin), PAN_CC (default: gcc, else cc), TMPDIR.
set -u

here=$(cd "$(dirname "$0")" && pwd)
model=$here/spinlock_algo.pml
spin=${SPIN:-spin}
cc=${PAN_CC:-$(command -v gcc || command -v cc || echo gcc)}
keep=0
[ "${1:-}" = --keep ] && keep=1

if ! command -v "$spin" >/dev/null 2>&1; then
    echo "check.sh: Spin not found ($spin): install Debian's package spin (apt-get install spin)" >&2
    exit 2
fi
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "check.sh: no C compiler for pan.c ($cc)" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vpspin-model.XXXXXX") || exit 2
if [ $keep = 1 ]; then
    echo "work directory: $work"
else
    trap 'rm -rf "$work"' EXIT
fi

# Line references of the model ("lock/spinlock_algo.h vsp_lock(), lines 39-44", paths from
# src/; without a file name, lock/spinlock_algo.c) that no longer point at the function they name: the C code moved,
# the model's references want updating.
stale=0
while IFS='|' read -r file func line; do
    path=$here/../src/${file:-lock/spinlock_algo.c}
    if ! sed -n "${line},$((line + 2))p" "$path" 2>/dev/null | grep -q "\\b$func("; then
        echo "warning: stale line reference in spinlock_algo.pml: ${file:-lock/spinlock_algo.c}" \
            "$func() at line $line" >&2
        stale=$((stale + 1))
    fi
done < <(grep -oE '([a-z_/]+\.[ch] )?[a-z_]+\(\), lines? [0-9]+' "$model" |
         sed -E 's/^(([^ ]+) )?([a-z_]+)\(\), lines? ([0-9]+)$/\2|\3|\4/')

# check ID NAME N EXPECT SPIN_DEFS CC_DEFS PAN_ARGS [ERROR_PATTERN]
#   EXPECT: PASS, or FAIL (ERROR_PATTERN: an extended regexp the error message must match)
ids=()
declare -A name n expect sdefs cdefs pargs pattern
check() {
    ids+=("$1")
    name[$1]=$2 n[$1]=$3 expect[$1]=$4 sdefs[$1]=$5 cdefs[$1]=$6 pargs[$1]=$7 pattern[$1]=${8:-}
}

run() {
    local id=$1 dir=$work/$1 t0 t1
    mkdir -p "$dir" && cp "$model" "$dir/" || return
    t0=$(date +%s.%N)
    (
        cd "$dir" &&
            "$spin" -a -DN="${n[$id]}" ${sdefs[$id]} spinlock_algo.pml >spin.out 2>&1 &&
            "$cc" -O2 -w ${cdefs[$id]} -o pan pan.c >cc.out 2>&1 &&
            ./pan ${pargs[$id]} >pan.out 2>&1
        echo $? >status
    )
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{ printf "%.1f s", $2 - $1 }' >"$dir/time"
}

# -DSC: stack cycling (the DFS stack beyond -m frames goes to a file), so deep searches
# (N=3: depth 6e6) fit in memory; -w: a hash table of 2^w slots, for the largest state spaces.
safe="-DSAFETY -DNOCLAIM -DCOLLAPSE -DSC"
check n2_safety "(a)(b)(c)(e) mutex, end states, lost wake-up, handoff" 2 PASS \
    "-DGHOST_HANDOFF" "$safe" "-m100000 -w20"
check n2_eintr "(a)(c)(e) with EINTR returns from FUTEX_WAIT" 2 PASS \
    "-DGHOST_HANDOFF -DSPURIOUS" "$safe" "-E -m100000 -w20"
check n2_nolost "(c) ltl nolost" 2 PASS \
    "" "-DSAFETY -DCOLLAPSE" "-N nolost -m100000 -w20"
check n2_live "(d) ltl live0, weak fairness" 2 PASS \
    "-DLIVE" "-DCOLLAPSE" "-a -f -N live0 -m100000 -w20"
check n3_safety "(a)(c)(e) mutex, lost wake-up, handoff" 3 PASS \
    "" "$safe" "-E -m100000 -w25"
check n3_deadlock "(b) end states (bug 1 fixed)" 3 PASS \
    "" "$safe" "-m100000 -w24"
check n3_bug1 "(b) end states, the old handoff rule [bug 1]" 3 FAIL \
    "-DOLD_HANDOFF_RULE" "$safe" "-m100000 -w24" "invalid end state"
check n3_handoff "(e) handoff per release [finding 2]" 3 FAIL \
    "-DGHOST_HANDOFF" "$safe" "-E -m100000 -w24" "assertion violated.*o==hval"
check n3_live "(d) ltl live0 [finding 4]" 3 FAIL \
    "-DLIVE" "-DCOLLAPSE" "-a -f -N live0 -m200000 -w24" "acceptance cycle"
check fence "(b) fence mode, no membarrier (finding 3 fixed)" 2 PASS \
    "-DFENCE_MODE" "$safe" "-m100000 -w20"
check fence_old "(b) fence mode, the old handoff path [finding 3]" 2 FAIL \
    "-DFENCE_MODE -DOLD_HANDOFF_FENCE" "$safe" "-m100000 -w20" "invalid end state"
check bug_wake "(c) seeded bug BUG_NO_WAKE" 2 FAIL \
    "-DBUG_NO_WAKE" "-DSAFETY -DCOLLAPSE" "-N nolost -m100000 -w20" "assertion violated.*owner==0"
check bug_membarrier "(c) seeded bug BUG_NO_MEMBARRIER" 2 FAIL \
    "-DBUG_NO_MEMBARRIER" "-DSAFETY -DCOLLAPSE" "-N nolost -m100000 -w20" "assertion violated.*owner==0"

# The big one in the background, the others meanwhile.
t_start=$(date +%s.%N)
run n3_safety &
big=$!
for id in "${ids[@]}"; do
    [ "$id" = n3_safety ] || run "$id"
done
wait $big
t_end=$(date +%s.%N)

mismatch=0
printf '\n%-58s %2s %-6s %-32s %12s %8s\n' "property" "N" "expect" "result" "states" "time"
printf '%s\n' "$(printf '%.0s-' {1..123})"
for id in "${ids[@]}"; do
    dir=$work/$id
    status=$(cat "$dir/status" 2>/dev/null || echo 99)
    out=$dir/pan.out
    errors=$(grep -oE 'errors: [0-9]+' "$out" 2>/dev/null | grep -oE '[0-9]+' | head -n 1)
    states=$(grep -oE '^ *[0-9.e+]+ states, stored' "$out" 2>/dev/null | grep -oE '[0-9.e+]+' | head -n 1)
    message=$(grep -m 1 -E '^pan:1: ' "$out" 2>/dev/null | sed -E 's/^pan:1: //; s/ \(at depth [0-9]+\)//')
    if [ -z "$errors" ]; then
        result=ERROR
        message="no result (see spin.out, cc.out, pan.out)"
    elif [ "$errors" = 0 ] && grep -q 'max search depth too small' "$out"; then
        result=INCOMPLETE
        message="search depth too small (-m)"
    elif [ "$errors" = 0 ]; then
        result=PASS
    else
        result=FAIL
    fi
    ok=0
    if [ "$result" = "${expect[$id]}" ]; then
        ok=1
        if [ "$result" = FAIL ] && ! grep -m 1 -E '^pan:1: ' "$out" | grep -qE "${pattern[$id]}"; then
            ok=0   # failed, but not the expected way
        fi
    fi
    shown=$result
    case $message in
        *"invalid end state"*) shown="$result: invalid end state" ;;
        *"acceptance cycle"*) shown="$result: acceptance cycle" ;;
        *"assertion violated"*) shown="$result: assertion violated" ;;
        ?*) shown="$result: $message" ;;
    esac
    [ $ok = 1 ] || { shown="$shown  <-- UNEXPECTED"; mismatch=1; }
    printf '%-58s %2s %-6s %-32s %12s %8s\n' "${name[$id]}" "${n[$id]}" "${expect[$id]}" \
        "$shown" "${states:-?}" "$(cat "$dir/time" 2>/dev/null)"
    if [ $ok = 0 ]; then
        echo "  spin ${sdefs[$id]} -DN=${n[$id]}; cc ${cdefs[$id]}; pan ${pargs[$id]}:"
        grep -E '^pan|errors:|states, stored|max search' "$out" 2>/dev/null | head -n 8 |
            sed 's/^/    /'
        [ -s "$out" ] || tail -n 5 "$dir/spin.out" "$dir/cc.out" 2>/dev/null | sed 's/^/    /'
    fi
done
printf '%s\n' "$(printf '%.0s-' {1..123})"
echo "$t_start $t_end" | awk '{ printf "total %.1f s (the N=3 search runs beside the others)\n", $2 - $1 }'
[ $stale = 0 ] || echo "warning: $stale stale line reference(s) in spinlock_algo.pml (see above)"
if [ $mismatch = 0 ]; then
    echo "model check: every outcome as expected (known bugs and findings: models/README.md)"
    exit 0
fi
echo "model check: an outcome differs from the expected one (models/README.md says what each means)"
exit 1
