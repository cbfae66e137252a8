#!/bin/sh
# tests/sched/corpus.sh EXPLORE CORPUS RUNS [NATIVE_RUNS] - the corpus of tests/sched/corpus.c
# under vpspin-explore. For each bug of known depth d:
#   - PCT (pct:d), RUNS runs (5 x RUNS for the depth-3 bug, whose rate is about 1%): the
#     measured hit rate is at least PCT's bound 1/(n k^(d-1)), and the first failure comes
#     within the runs the bound gives for 99%;
#   - that failure replays: vpspin-explore's own replay gives the same failure and trace,
#     and the replay command it prints, run here, fails again;
#   - the fixed twin stays clean over the same RUNS runs;
#   - db:d and pb:d (d <= 2) find the bug: the delay-bounded and the preemption-bounded
#     search at the bug's own bound;
#   - db:d on the fixed twin of two depth-1 bugs and two depth-2 ones runs every schedule of
#     its space and says it exhausted it, and so does pb:d on the three of them whose
#     preemption-bounded space is small (no host threads);
#   - natively (no controlled mode), NATIVE_RUNS runs: the rate is printed beside PCT's
#     (README's table; make sched-rates runs more).
# Prints one row per bug and exits 1 if any check fails.
set -eu
explore=$1 corpus=$2 runs=$3 native_runs=${4:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }
num() { sed -n "$1" "$2" | head -n 1; }

printf '%-18s %5s %12s %8s %8s %12s %8s %12s\n' bug depth pct-hits rate bound "db:d runs" \
    "pb:d" native-hits
for spec in dpc-before-init:1 check-then-act:2 abba-dpc:2 isr-spinlock:2 three-step:3 \
    lost-wakeup:1 reset-after-check:2; do
    case=${spec%:*} d=${spec#*:}
    out=$work/$case
    mkdir -p "$out"
    n=$runs
    [ "$d" -lt 3 ] || n=$((runs * 5))
    "$explore" --strategy "pct:$d" --runs "$n" --keep-going --out "$out" --trace 0 \
        -- "$corpus" "$case" bug >"$out/pct" 2>&1 || true
    failed=$(num 's/.* runs\{0,1\} of .*: \([0-9]*\) failed.*/\1/p' "$out/pct")
    first=$(num 's/.*(first: run \([0-9]*\)).*/\1/p' "$out/pct")
    bound=$(num 's/.*1\/(n k^(d-1)) = \([0-9.e+-]*\);.*/\1/p' "$out/pct")
    need=$(num 's/.*99% takes \([0-9]*\) runs.*/\1/p' "$out/pct")
    if [ -z "$failed" ] || [ -z "$bound" ] || [ -z "$need" ]; then
        fail "$case: vpspin-explore said:"; sed 's/^/  /' "$out/pct"; continue
    fi
    rate=$(awk -v f="$failed" -v r="$n" 'BEGIN { printf "%.4f", f / r }')
    awk -v f="$failed" -v r="$n" -v b="$bound" 'BEGIN { exit !(f / r >= b) }' ||
        fail "$case: hit rate $failed/$n is below the PCT bound $bound"
    [ -n "$first" ] && [ "$first" -le "$need" ] ||
        fail "$case: not found within $need runs (the bound's 99%): first ${first:-none}"
    grep -q '^replayed:   the same failure' "$out/pct" ||
        fail "$case: the failure did not replay the same way: $(grep '^replayed:' "$out/pct")"
    if [ "$case" = abba-dpc ] && ! grep -q '^Cycle:  #[0-9]* waits for #[0-9]*, #[0-9]* waits for' "$out/pct"; then
        grep -q 'lock-order-inversion' "$out/pct" || # ThreadSanitizer reports it first
            fail "$case: the deadlock report has no wait-for cycle"
    fi
    # A lost wake-up hangs: the report must show the waiter blocked on the event.
    case $case in lost-wakeup | reset-after-check)
        grep -Eq '^  event-wait .* at (Requester|WaitReady)' "$out/pct" ||
            fail "$case: the deadlock report does not show the wait on the event"
    esac
    replay=$(sed -n 's/^replay:     //p' "$out/pct")
    if [ -n "$replay" ] && sh -c "$replay" >"$out/replay" 2>&1; then
        fail "$case: the replay command passed: $replay"
    fi

    "$explore" --strategy "pct:$d" --runs "$n" --out "$out" -- "$corpus" "$case" fixed \
        >"$out/twin" 2>&1 || {
        # A failure the schedule does not reproduce did not come from the interleaving (twice
        # under ThreadSanitizer, 1 run in thousands, a twin exited 66 before its first
        # point with no output at all): said, not counted; one that replays fails the test.
        if grep -q '^replayed:   NOT the same' "$out/twin" && grep -q '^  steps       0$' "$out/twin"; then
            echo "WARN: $case: a twin's run failed before its first scheduling point and did not replay:"
        else
            fail "$case: the fixed twin failed:"
        fi
        grep -v '^vpspin-explore: [0-9]*/[0-9]* runs' "$out/twin" | head -n 40 | sed 's/^/  /'
    }

    db=- pb=-
    if [ "$d" -le 2 ]; then
        for st in db pb; do
            if "$explore" --strategy "$st:$d" --runs 20000 --trace 0 --out "$out" -- "$corpus" \
                "$case" bug >"$out/$st" 2>&1; then
                fail "$case: $st:$d did not find it: $(tail -n 2 "$out/$st" | tr '\n' ' ')"
            fi
        done
        db=$(num 's/^vpspin-explore: \([0-9]*\) run.*/\1/p' "$out/db")
        pb=$(num 's/^vpspin-explore: \([0-9]*\) run.*/\1/p' "$out/pb")
    fi
    case $case in dpc-before-init | check-then-act | lost-wakeup | reset-after-check)
        "$explore" --strategy "db:$d" --runs 20000 --trace 0 --out "$out" -- "$corpus" "$case" \
            fixed >"$out/space" 2>&1 && grep -q 'the space is exhausted' "$out/space" ||
            fail "$case: db:$d on the twin: $(tail -n 2 "$out/space" | tr '\n' ' ')"
        db="$db $(num 's/^ *\([0-9]*\) schedules.*exhausted/\1/p' "$out/space")"
    esac
    case $case in check-then-act | lost-wakeup | reset-after-check)
        "$explore" --strategy "pb:$d" --runs 20000 --trace 0 --out "$out" -- "$corpus" "$case" \
            fixed >"$out/space" 2>&1 && grep -q 'the space is exhausted' "$out/space" ||
            fail "$case: pb:$d on the twin: $(tail -n 2 "$out/space" | tr '\n' ' ')"
        pb="$pb $(num 's/^ *\([0-9]*\) schedules.*exhausted/\1/p' "$out/space")"
    esac

    native=-
    if [ "$native_runs" -gt 0 ]; then
        "$explore" --strategy native --runs "$native_runs" --keep-going --timeout-ms 2000 \
            --out "$out" -- "$corpus" "$case" bug >"$out/native" 2>&1 || true
        native="$(num 's/.*: \([0-9]*\) failed.*/\1/p' "$out/native")/$native_runs"
    fi
    printf '%-18s %5s %12s %8s %8s %12s %8s %12s\n' "$case" "$d" "$failed/$n" "$rate" "$bound" \
        "$db" "$pb" "$native"
done
[ $status = 0 ] && echo "corpus: every bug found at its depth, at or above its bound, replayed; every twin clean"
exit $status
