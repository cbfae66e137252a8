#!/bin/sh
# test_run.sh VPSPIN_RUN DEMO_DIR TESTS_DIR - vpspin-run end to end: the sample miniport
# (DEMO_DIR/vpdemo.so) on its adapter (DEMO_DIR/vpdemo.dev, with the model plug-in) runs
# clean and exits 0; a miniport with bugs (TESTS_DIR/run_miniport.so) exits 1 with its
# reports; each kind of bad input - option, file, symbol, line, IOCTL - exits 2 with a
# message that says what is wrong. VPSPIN_TEST_EMULATOR (qemu-user, cross-built) runs it.
set -u
run=$1 demo=$2 tests=$3
emu=${VPSPIN_TEST_EMULATOR:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
n=0

# expect STATUS PATTERN ARGS...: vpspin-run ARGS exits STATUS and prints PATTERN (an
# extended regular expression, on stdout or stderr).
expect() {
    want=$1 pattern=$2
    shift 2
    n=$((n + 1))
    # shellcheck disable=SC2086
    $emu "$run" "$@" >"$work/out" 2>&1
    got=$?
    if [ "$got" != "$want" ] || ! grep -Eq -- "$pattern" "$work/out"; then
        echo "test_run: FAILED: vpspin-run $*"
        echo "  expected exit $want and /$pattern/; got exit $got and:"
        sed 's/^/    /' "$work/out" | head -40
        status=1
    fi
}

dev=$demo/vpdemo.dev
so=$demo/vpdemo.so
shutdown=0x232010 # IOCTL_VPDEMO_SHUTDOWN: the sample deletes its spin locks

# The sample, clean: the display start and end, clients, interrupts, the checks, exit 0.
expect 0 'IOCTL_VIDEO_MAP_VIDEO_MEMORY +NO_ERROR' --device "$dev" --ioctl 0x232000 \
    --ioctl query_current_mode --final $shutdown --clients 2 --seconds 1 --rate 500 "$so"
grep -Eq '^  0x00232000 +[0-9]+ +[1-9][0-9]*' "$work/out" || {
    echo "test_run: FAILED: no command of the sample's was accepted"; status=1; }
for line in 'bug checks +0$' 'spin locks leaked +0$' '^OK$' 'interrupts +[1-9][0-9]* raised' \
    'frame buffer of 1228800 bytes' '0: 640x480x32, 1: 800x600x32, 2: 1024x768x32' \
    'lock statistics'; do
    grep -Eq -- "$line" "$work/out" || { echo "test_run: FAILED: no /$line/"; status=1; }
done
expect 0 'mode 2' --device "$dev" --mode 1024x768x32 --final $shutdown --seconds 0 "$so"
expect 0 '1024x768, 32 bits' --device "$dev" --mode 2 --final $shutdown --seconds 0 "$so"
# Without its shutdown the sample keeps its spin locks: found, exit 1.
expect 1 'FAILED: the miniport leaked spin locks' --device "$dev" --seconds 0 "$so"
expect 1 "no mode '5x5' in the list" --device "$dev" --mode 5x5 --final $shutdown \
    --seconds 0 "$so"
# A miniport with bugs: a report (the run goes on) and an answer past its buffer.
expect 1 'STOP: 0x000000C4 \(0x000000000000F010' --entry BuggyEntry --seconds 0 \
    "$tests/run_miniport.so"
grep -q 'is longer than its buffer' "$work/out" || {
    echo "test_run: FAILED: the answer past its buffer went unseen"; status=1; }
# No hardware (no --device): the sample's HwFindAdapter finds no adapter.
expect 1 'device start +ERROR_DEV_NOT_EXIST' --seconds 0 "$so"

# Bad options: exit 2 and the usage.
expect 2 'no MINIPORT.so given' --seconds 1
expect 2 'unknown option --frobnicate' --frobnicate "$so"
expect 2 "--clients: '65' is not a number from 0 to 64" --clients 65 "$so"
expect 2 "--seconds: 'x' is not a number" --seconds x "$so"
expect 2 '--device needs an argument' "$so" --device
expect 2 'one MINIPORT.so only' "$so" "$so"
expect 2 "unknown IOCTL 'QUERY_EVERYTHING'" --ioctl QUERY_EVERYTHING "$so"
expect 2 "'in=lots' is not in=BYTES" --ioctl 0x232000:in=lots "$so"
expect 2 "'0x1FFFFFFFF' is not a 32-bit IOCTL code" --ioctl 0x1FFFFFFFF "$so"
# Bad files and symbols.
expect 2 "cannot load $work/nothing.so" "$work/nothing.so"
expect 2 'undefined symbol: VideoPortNoSuchService' "$tests/missing_service.so"
grep -q 'docs/compatibility.md' "$work/out" || {
    echo "test_run: FAILED: no pointer to the list of services"; status=1; }
expect 2 'has no entry point NoSuchEntry' --entry NoSuchEntry "$so"
expect 2 "cannot read the description $work/none.dev" --device "$work/none.dev" "$so"
expect 2 "cannot read the description $work" --device "$work" "$so" # a directory

# Bad lines: each names the file and the line, exit 2.
bad_line() { # bad_line PATTERN LINE...: a description of these lines is refused
    pattern=$1
    shift
    printf '%s\n' "# a comment" "pci 0x5650 0x0001" "$@" >"$work/bad.dev"
    expect 2 "bad.dev:[0-9]+: (.*)?$pattern" --device "$work/bad.dev" "$so"
}
bad_line "unknown statement 'rom'" "rom 0xC0000"
bad_line "memory: LENGTH 'lots' is not a number" "memory 0xF0000000 lots"
bad_line "memory: the BAR missing" "memory 0xF0000000 4K bar"
bad_line "memory: START LENGTH" "memory"
bad_line "not a range this adapter can have" "memory 0xF0000000 4K" "memory 0xF0000800 4K"
bad_line "not a range this adapter can have" "memory 0xF0000800 4K bar 0"
bad_line "ports: START '0x10000' is not a number from 0 to 0xFFFF" "ports 0x10000 4"
bad_line "memory: 'cached': expected 'bar N' or 'shared'" "memory 0xF0000000 4K cached"
bad_line "memory: the BAR '6' is not a number from 0 to 0x5" "memory 0xF0000000 4K bar 6"
bad_line "pci: VENDOR 0xFFFF means no device" "pci 0xFFFF 0x0001"
bad_line "pci: VENDOR DEVICE" "pci 0x5650"
bad_line "interrupt: LEVEL" "interrupt"
bad_line "config: 4 bytes at 0xFE run past" "config 0xFE 1 2 3 4"
bad_line "config: a byte '256' is not a number" "config 0x40 256"
bad_line "fill: no range 3" "memory 0xF0000000 4K" "fill 3 0 1"
bad_line "fill: 2 bytes at 0xFFF run past" "memory 0xF0000000 4K" "fill 0 0xFFF 1 2"
bad_line "registry: type 'qword' is not dword, sz or binary" "registry Mode qword 1"
bad_line "registry: one DWORD value" "registry Mode dword 1 2"
bad_line "registry: NAME" "registry Mode dword"
bad_line "a string without its closing quote" 'registry Name sz "open'
bad_line "model: cannot load $work/none.so" "model $work/none.so"
bad_line "model: .*vpdemo.so has no function vpspin_device_model" "model $so"
bad_line "model: .*refused this adapter or its argument 'rate=fast'" \
    "model $demo/vpdemo-model.so rate=fast"
bad_line "model: .*refused this adapter" "memory 0xF0000000 4K" "model $demo/vpdemo-model.so"
bad_line "interrupt: after the model line" "memory 0xF0000000 4K bar 0" "memory 0xF0010000 4K" \
    "memory 0xE0000000 4M" "ports 0xC000 16" "model $demo/vpdemo-model.so" "interrupt 7"
# What a good file may say, read back: quoted strings, comments, K/M, every statement.
printf '%s\n' 'pci 0x5650 0x0001 0x5650 0x0001 1 # ids' 'interrupt 7 0x37' \
    'memory 0xF0000000 4K bar 0' 'memory 0xF0010000 4K bar 1' 'memory 0xE0000000 4M bar 2' \
    'ports 0xC000 16 bar 3 shared' 'config 0x40 0xDE 0xAD' 'fill 2 0 1 2 3' \
    'registry ChipType sz "vpdemo # not a comment"' 'registry Edid binary 0 255 0x10' \
    'registry Mode dword 0x2' '' '   # blank lines and comments' \
    "model $demo/vpdemo-model.so rate=1000   # a comment" >"$work/good.dev"
expect 0 "3 value\(s\)|3 value\(s\) preloaded" --device "$work/good.dev" --final $shutdown \
    --seconds 0 "$so"
grep -q 'model .*vpdemo-model.so rate=1000$' "$work/out" || {
    echo "test_run: FAILED: the model's argument is not 'rate=1000'"; status=1; }

[ $status = 0 ] && echo "test_run: all $n runs as expected"
exit $status
