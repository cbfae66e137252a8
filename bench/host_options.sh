#!/bin/sh
# host_options.sh HOST_BENCH - vpspin-host-bench refuses each bad option with status 2 and
# a message naming it, and a quiet quick run prints every latency row, the floor's too.
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
out=$("$bench" --quick --busy 0 --rates 1000) || { echo "FAIL: the quick run failed"; status=1; }
for row in 'vpspin_interrupt -> HwInterrupt' 'VideoPortQueueDpc -> DPC routine' \
    'floor: bare condition wake-up'; do
    echo "$out" | grep -Eq "^$row +[0-9.]+ +[0-9.]+ +[0-9.]+$" ||
        { echo "FAIL: no row '$row' with three figures in:"; echo "$out"; status=1; }
done
[ $status = 0 ] && echo "host_options: every bad option refused, every row printed"
exit $status
