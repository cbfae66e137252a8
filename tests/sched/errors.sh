#!/bin/sh
# tests/sched/errors.sh EXPLORE CORPUS DEMO - the controlled mode's and vpspin-explore's
# answers to bad input and to what they cannot see, and the strategies that are not in the
# corpus's table: each bad value stops with its message (status 2); a replay that cannot
# be followed says so; a hang, a bug check and a thread blocked outside vpspin are told
# apart; a flag loop with vpspin_sched_yield ends under every strategy; delay injection
# finds the check-then-act bug and leaves its twin alone.
set -u
explore=$1 corpus=$2 demo=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
n=0
# expect STATUS REGEX COMMAND...: the command exits with STATUS and prints REGEX.
expect() {
    want=$1 regex=$2
    shift 2
    n=$((n + 1))
    "$@" >"$work/out" 2>&1
    got=$?
    if [ "$got" != "$want" ] || ! grep -Eq -- "$regex" "$work/out"; then
        echo "FAIL: $* -> status $got (want $want), output:"
        sed 's/^/  | /' "$work/out" | head -n 20
        status=1
    fi
}
# expect_silent COMMAND...: the command exits 0 and prints nothing.
expect_silent() {
    n=$((n + 1))
    "$@" >"$work/out" 2>&1
    got=$?
    if [ "$got" != 0 ] || [ -s "$work/out" ]; then
        echo "FAIL: $* -> status $got (want 0 and no output), output:"
        sed 's/^/  | /' "$work/out" | head -n 20
        status=1
    fi
}
# Fails when the program aborted: any status but 0, 1 and 2.
expect_abort() {
    regex=$1
    shift
    n=$((n + 1))
    "$@" >"$work/out" 2>&1
    got=$?
    if [ "$got" -le 2 ] || ! grep -Eq -- "$regex" "$work/out"; then
        echo "FAIL: $* -> status $got (want an abort), output:"
        sed 's/^/  | /' "$work/out" | head -n 20
        status=1
    fi
}
run() { env "$@" "$corpus" check-then-act fixed; }
# run_case CASE ARG VAR=VALUE...: the corpus case CASE ARG with the environment given.
run_case() {
    case_=$1 arg=$2
    shift 2
    env "$@" "$corpus" "$case_" "$arg"
}

expect 2 'VPSPIN_SCHED=bogus is not random, pct' run VPSPIN_SCHED=bogus
expect 2 'VPSPIN_SCHED=pct:0 is not' run VPSPIN_SCHED=pct:0
expect 2 'VPSPIN_SCHED=pb:x is not' run VPSPIN_SCHED=pb:x
expect 2 'VPSPIN_SCHED_CPUS=0 is not a number from 1 to 64' run VPSPIN_SCHED=random VPSPIN_SCHED_CPUS=0
expect 2 'VPSPIN_SEED=abc is not a number' run VPSPIN_SCHED=random VPSPIN_SEED=abc
expect 2 'VPSPIN_SCHED_STALL_MS=5 is not a number from 10' run VPSPIN_SCHED=random VPSPIN_SCHED_STALL_MS=5
expect 2 'VPSPIN_SCHED_STEPS=0 is not a number from 1' run VPSPIN_SCHED=pct VPSPIN_SCHED_STEPS=0
expect 2 'cannot read the schedule /nonexistent' run VPSPIN_SCHED=replay:/nonexistent
printf 'hello\n' >"$work/notschedule"
expect 2 'is not a vpspin schedule file .its first line' run VPSPIN_SCHED=replay:$work/notschedule
printf 'vpspin-schedule 1\ncpus 1\n' >"$work/nochoices"
expect 2 'is not a vpspin schedule file .no choices line' run VPSPIN_SCHED=replay:$work/nochoices
printf 'vpspin-schedule 1\nchoices 0 1*x\n' >"$work/badchoice"
expect 2 'badchoice:2: a choice is not THREAD or THREAD\*COUNT' run VPSPIN_SCHED=replay:$work/badchoice
printf 'vpspin-schedule 1\nchoices 0 99\n' >"$work/bigthread"
expect 2 'bigthread:2: a choice is not' run VPSPIN_SCHED=replay:$work/bigthread
expect 2 'VPSPIN_DELAY=abc is not MAX_US' run VPSPIN_DELAY=abc
expect 2 'VPSPIN_DELAY=10:0 is not MAX_US' run VPSPIN_DELAY=10:0
expect 0 'cannot write the run log /nonexistent/log' run VPSPIN_SCHED=random VPSPIN_SCHED_LOG=/nonexistent/log
expect 0 'VPSPIN_DELAY is ignored in the controlled mode' run VPSPIN_SCHED=random VPSPIN_DELAY=10
# A schedule whose first step names a thread that does not exist there.
printf 'vpspin-schedule 1\nstrategy random\nchoices 5\n' >"$work/diverges"
expect_abort 'the replay diverged at step 0' run VPSPIN_SCHED=replay:$work/diverges
# A deadlock through a join (main holds the lock its child waits for): the report names the
# join and the cycle, run directly (no vpspin-explore, no log) under two strategies.
for st in random pct:2; do
    expect_abort 'join 0x[0-9a-f]*: joining #1, at ' run_case join-held - VPSPIN_SCHED=$st
    grep -q '^Cycle:  #1 waits for #0, #0 waits for #1' "$work/out" ||
        { echo "FAIL: join-held ($st): no cycle in the report"; status=1; }
    grep -q 'holds 1 spin lock(s): 0x' "$work/out" ||
        { echo "FAIL: join-held ($st): the lock main holds is not listed"; status=1; }
done
# The report gives the seed the run had, with no run log to take it from (the default, 1,
# and one given).
expect_abort 'blocked \(step [0-9]*, random, seed 1\)' run_case join-held - VPSPIN_SCHED=random
expect_abort 'blocked \(step [0-9]*, random, seed 77\)' run_case join-held - VPSPIN_SCHED=random VPSPIN_SEED=77
# More threads than the mode has slots for (64, main's included): said so, not a crash;
# natively the same program is fine.
expect_abort 'more than 64 controlled threads' run_case threads 70 VPSPIN_SCHED=random
expect_silent "$corpus" threads 70
# vpspin_set_sched's refusals, then the mode it turns on.
expect 0 'the controlled mode is already on' "$corpus" api -
expect 0 'VPSPIN_SCHED=db:1001 is not random' "$corpus" api -
expect 0 'VPSPIN_SCHED_STALL_MS=10s is not a number from 10 to 3600000' "$corpus" api -
expect 0 'VPSPIN_SCHED_STEPS=0x10 is not a number' "$corpus" api -
expect 0 'cannot read the schedule /nonexistent/prefix' "$corpus" api -
expect 0 'huge-count:2: a choice is not THREAD or THREAD\*COUNT' "$corpus" api -
expect 0 'not-a-thread:4: a choice is not' "$corpus" api -
expect 0 'no-magic is not a vpspin schedule file .its first line' "$corpus" api -
# An empty value is the default; pb:B and db:B without a prefix (or an empty one) start
# from nothing and take the default choice throughout.
expect_silent run VPSPIN_SCHED=random VPSPIN_SEED= VPSPIN_SCHED_CPUS=
expect_silent run VPSPIN_SCHED=pb:1
expect_silent run VPSPIN_SCHED=db:1 VPSPIN_SCHED_PREFIX=
expect 2 'VPSPIN_SEED=-1 is not a number' run VPSPIN_SCHED=random VPSPIN_SEED=-1
expect 2 'VPSPIN_SCHED_CPUS=65 is not a number from 1 to 64' run VPSPIN_SCHED=random VPSPIN_SCHED_CPUS=65

# vpspin-explore's usage errors.
expect 2 'no program to run' "$explore" --runs 3
expect 2 '--runs needs a number from 1' "$explore" --runs 0 -- "$corpus" steps 8
expect 2 '--cpus needs a number from 1 to 64' "$explore" --cpus 65 -- "$corpus" steps 8
expect 2 '--strategy is random, pct' "$explore" --strategy fast -- "$corpus" steps 8
expect 2 '--out /nonexistent is not a directory' "$explore" --out /nonexistent -- "$corpus" steps 8
expect 2 'unknown option or missing value: --bogus' "$explore" --bogus -- "$corpus" steps 8
expect 2 'did not run under the controlled mode' "$explore" --runs 2 -- true

# Failure kinds: a bug check, a hang; a thread blocked outside vpspin (not a failure).
expect 1 'replayed:   the same failure \(bug check\)' \
    "$explore" --runs 5 --out "$work" -- "$demo" --commands 3 --clients 1 --bug
expect 1 'run 1 failed: hang past the timeout' env VPSPIN_SCHED_STALL_MS=2000 \
    "$explore" --runs 2 --timeout-ms 100 --out "$work" -- "$corpus" stall -
expect 0 '2 runs were NOT reproducible' env VPSPIN_SCHED_STALL_MS=50 \
    "$explore" --runs 2 --out "$work" -- "$corpus" stall -
grep -q 'came back to vpspin; its stack' "$work/out" 2>/dev/null ||
    VPSPIN_SCHED=random VPSPIN_SCHED_STALL_MS=50 "$corpus" stall - 2>&1 |
        grep -q 'not reproducible: #1 .*system call.*came back\|came back to vpspin; its stack' ||
    { echo "FAIL: the stalled thread's report"; status=1; }

# IRQL-aware: with N virtual processors at most N threads are raised at once (and with 2,
# 2 are, which the check with 1 would catch); an interrupt waits while the one processor
# is at HIGH_LEVEL (with 2 it need not, which the check catches).
expect 0 ' 0 failed' "$explore" --cpus 1 --strategy random --runs 30 -- "$corpus" raised 1
expect 0 ' 0 failed' "$explore" --cpus 2 --strategy random --runs 30 -- "$corpus" raised 2
expect 1 'raised: 2 threads at DISPATCH_LEVEL at once' "$explore" --cpus 2 --strategy random \
    --runs 30 --out "$work" -- "$corpus" raised 1
expect 0 ' 0 failed' "$explore" --cpus 1 --strategy random --runs 30 -- "$corpus" masked -
expect 1 'masked: HwInterrupt ran while' "$explore" --cpus 2 --strategy random --runs 100 \
    --out "$work" -- "$corpus" masked -

# Virtual time: 20 commands at one interrupt a second would take 20 s of real time (and
# the demo's drain would give up after 10); under the controlled mode they fit the timeout.
for st in random db:1; do
    expect 0 ' 0 failed' "$explore" --strategy $st --runs 3 --timeout-ms 5000 -- "$demo" \
        --commands 20 --clients 1 --rate 1
done

# A flag loop ends under every strategy; delay injection.
for st in random pct:3 pb:1 db:2; do
    expect 0 ' 0 failed' "$explore" --strategy $st --runs 20 --timeout-ms 5000 -- "$corpus" yield -
done
# pb goes through its space in rounds of free deviations: a search stopped at --runs says
# which round it reached, and that it repeated the schedules of the rounds before.
expect 0 'not exhausted \(stopped at --runs\)' "$explore" --strategy pb:1 --runs 60 --trace 0 \
    -- "$corpus" dpc-before-init fixed
grep -Eq 'in round [1-9][0-9]*: .*at most [1-9][0-9]* times?; every one with fewer was run' \
    "$work/out" && grep -Eq '^  [1-9][0-9]* runs? repeated a schedule' "$work/out" || {
    echo "FAIL: pb:1 stopped at --runs does not say its round:"; sed 's/^/  | /' "$work/out"
    status=1
}
expect 1 'failed: non-zero exit' "$explore" --strategy delay:300:1 --runs 100 --keep-going \
    --trace 0 --out "$work" -- "$corpus" check-then-act bug
expect 0 ' 0 failed' "$explore" --strategy delay:300:1 --runs 20 -- "$corpus" check-then-act fixed

[ $status = 0 ] && echo "errors: all $n checks passed"
exit $status
