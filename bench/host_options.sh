#!/bin/sh
# host_options.sh HOST_BENCH - vpspin-host-bench refuses each bad option with status 2 and
# a message naming it, and a quiet quick run prints every latency row, the floor's too, in
# both tables, and its CSV splits each on-demand path's samples by CPU without losing one.
set -u
bench=$1
status=0
bad() {
    want=$1
    shift
    "$bench" "$@" >/dev/null 2>"${TMPDIR:-/tmp}/host_options.$$"
    got=$?
    if [ $got != 2 ] || ! grep -q -- "$want" "${TMPDIR:-/tmp}/host_options.$$"; then
        echo "FAIL: $* -> status $got, said: $(cat "${TMPDIR:-/tmp}/host_options.$$")"
        status=1
    fi
}
bad 'bad --rates' --rates 1000,x
bad 'bad --rates' --rates 0
bad 'bad --rates' --rates 1000,
bad 'bad --rates' --rates 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
bad 'bad --duration' --duration 0
bad 'bad --duration' --duration 1s
bad 'bad --requests' --requests 0
bad 'bad --requests' --requests -5
bad 'bad --busy' --busy 2000
bad 'bad --busy' --busy many
bad 'unexpected argument' --quick extra
bad 'usage' --no-such-option
rm -f "${TMPDIR:-/tmp}/host_options.$$"
csv="${TMPDIR:-/tmp}/host_options.$$.csv"
out=$("$bench" --quick --busy 0 --rates 1000 --csv "$csv") ||
    { echo "FAIL: the quick run failed"; status=1; }
for row in 'vpspin_interrupt -> HwInterrupt' 'VideoPortQueueDpc -> DPC routine' \
    'KeInsertQueueDpc -> DeferredRoutine' 'floor: bare condition wake-up'; do
    echo "$out" | grep -Eq "^$row +[0-9.]+ +[0-9.]+ +[0-9.]+$" ||
        { echo "FAIL: no row '$row' with three figures in:"; echo "$out"; status=1; }
    # The split by CPU: same-CPU p50 and p99, the other CPU's share, and its p50 and p99
    # (a dash when no sample ran there).
    echo "$out" | grep -Eq "^$row +[0-9.]+ +[0-9.]+ +[0-9.]+% +([0-9.]+ +[0-9.]+|- +-)$" ||
        { echo "FAIL: no split row '$row' in:"; echo "$out"; status=1; }
done
# In the CSV, each on-demand path's samples are those on the waker's CPU plus the others.
awk -F, '$3 ~ /^(on_demand|floor)/ { n[$3] = $8 }
    END {
        split("on_demand_isr on_demand_dpc on_demand_ke_dpc floor_wake", k, " ")
        for (i = 1; i <= 4; i++)
            if (!((k[i] "_same_cpu") in n) || n[k[i]] != n[k[i] "_same_cpu"] + n[k[i] "_other_cpu"] ||
                n[k[i]] != 50) { print "FAIL: CSV counts of " k[i] " do not add up to 50"; bad = 1 }
        exit bad
    }' "$csv" || status=1
rm -f "$csv"
[ $status = 0 ] && echo "host_options: every bad option refused, every row printed"
exit $status
