#!/bin/sh
# bench_ab.sh AB LIBDIR BENCH PAIR - bench/ab.sh end to end, in a quick mode: two alternating
# runs of vpspin-bench --quick and of vpspin-pair, the same library as A and B. Its table must
# give, for both libraries, a median per lock (and pthread-spin's ratio to itself, 1.000x);
# wrong usage must be refused with the usage line and status 2.
set -u
ab=$1 lib=$2 bench=$3 pair=$4
status=0
fail() { echo "bench_ab.sh: $*"; status=1; }

out=$(sh "$ab" -n 2 "$lib" "$lib" "$bench" --quick --threads 1 --workloads 0/0 \
      --locks vp,vp-chk,ke,pthread-spin 2>&1) || fail "ab.sh failed: $out"
num='[0-9.]+(e[+-]?[0-9]+)?'
for l in vp vp-chk ke pthread-spin; do
    echo "$out" | grep -Eq "^uncontended +$l +$num +${num}x +$num +${num}x +${num}x\$" ||
        fail "no uncontended median of $l for both libraries"
    echo "$out" | grep -Eq "^Mops +$l@0/0x1 +$num +- +$num +- +${num}x\$" ||
        fail "no 0/0 x 1 thread median of $l for both libraries"
done
echo "$out" | grep -Eq "^uncontended +pthread-spin +$num +1\.000x +$num +1\.000x " ||
    fail "pthread-spin's ratio to itself is not 1.000x"
echo "$out" | grep -Eq "^ab.sh: load after: " || fail "no load after the runs"

out2=$(sh "$ab" -n 2 "$lib" "$lib" "$pair" --lock ke --pairs 100000 2>&1) ||
    fail "ab.sh on vpspin-pair failed: $out2"
echo "$out2" | grep -Eq "^ns/pair +ke +$num +- +$num +- +${num}x\$" ||
    fail "no ns/pair median of vpspin-pair --lock ke"

# refused: status 2, and a message that says why
refused() {
    want=$1
    shift
    msg=$(sh "$ab" "$@" 2>&1)
    rc=$?
    [ $rc -eq 2 ] || fail "ab.sh $* exited $rc, not 2"
    echo "$msg" | grep -q "$want" || fail "ab.sh $*: no '$want' in: $msg"
}
refused "unknown option -x" -x "$lib" "$lib" "$bench"
refused "usage: bench/ab.sh" "$lib" "$lib"
refused "positive number" -n 0 "$lib" "$lib" "$bench"
refused "no libvpspin.so.0 in /" "$lib" / "$bench"
refused "neither vpspin-bench nor vpspin-pair" "$lib" "$lib" /bin/true
refused "needs --pairs" "$lib" "$lib" "$pair" --lock ke

[ $status -eq 0 ] && echo "bench_ab.sh: ab.sh gives both libraries' medians, refuses bad usage"
if [ $status -ne 0 ]; then printf '%s\n%s\n' "$out" "$out2"; fi
exit $status
