#!/usr/bin/env python3
"""make_seeds.py - writes the seed corpus of the fuzz harness (corpus/), one file per theme.

The encoding is fuzz_spinlock.c's: byte 0 is the checking mode (0, 1, 2 = full); then each
operation is [opcode, thread, argument] and, for some, more bytes. The seeds are small
and each reaches one area (every rule, handovers, bursts, every mode), so the fuzzer starts
from inputs that already pass the model's checks deep into a sequence.

    python3 tests/fuzz/make_seeds.py     (rewrites tests/fuzz/corpus/seed-*)
"""
import os

(RAISE, RAISE_DPC, LOWER, KE_ACQ, KE_REL, KE_ACQ_DPC, KE_REL_DPC, KE_TRY, KQ_ACQ, KQ_REL,
 KQ_ACQ_DPC, KQ_REL_DPC, VP_CREATE, VP_DELETE, VP_ACQ, VP_REL, VP_ACQ_DPC, VP_REL_DPC,
 HANDOVER, BURST, FAIL_CREATE, SET_MODE,
 EV_INIT, EV_SET, EV_RESET, EV_WAIT, TM_INIT, TM_SET, TM_CANCEL, TM_FIRE,
 DPC_INIT, DPC_INSERT, DPC_REMOVE, DPC_FLUSH, DPC_GATE, POOL_ALLOC, POOL_FREE,
 DEV_MAP, DEV_FREE, DEV_READ, DEV_WRITE) = range(41)

RIGHT = 0    # a release's NewIrql selector below 160: the IRQL the acquire returned
def wrong(irql): return 160 + irql   # ...at or above 160: this IRQL instead

def op(code, t=0, b=0, *more): return [code, t, b, *more]

seeds = {}

# IRQL: raise and lower, right and wrong (0x30, 0x31), on every thread.
seeds["irql"] = [1] + sum([op(RAISE, t, 1) + op(RAISE_DPC, t) + op(RAISE, t, 15)
                           + op(RAISE, t, 16) + op(RAISE, t, 2) + op(LOWER, t, 15)
                           + op(LOWER, t, 2) + op(LOWER, t, 0) for t in range(4)], [])

# Ke locks, correct: every pair, nested, from PASSIVE and DISPATCH, in each mode.
correct = (op(KE_ACQ, 0, 0) + op(KE_ACQ_DPC, 0, 1) + op(KE_TRY, 0, 2) + op(KE_TRY, 0, 2)
           + op(KE_REL_DPC, 0, 2) + op(KE_REL_DPC, 0, 1) + op(KE_REL, 0, 0, RIGHT)
           + op(KQ_ACQ, 1, 0) + op(KQ_ACQ_DPC, 1, 1) + op(KQ_REL_DPC, 1, 1)
           + op(KQ_REL, 1, 0, RIGHT) + op(RAISE_DPC, 2) + op(KE_ACQ, 2, 0x81)
           + op(KE_REL, 2, 0, RIGHT) + op(LOWER, 2, 0))
for mode in range(3):
    seeds["ke-correct-mode%d" % mode] = [mode] + correct

# Every release rule, in the order a release checks them.
seeds["ke-release-rules"] = [1] + (
    op(KE_REL_DPC, 0, 0) + op(KE_REL, 0, 0, RIGHT)           # 0x41, 0x32
    + op(RAISE_DPC, 0) + op(KE_REL, 0, 0, RIGHT)               # 0x1007
    + op(KE_ACQ, 1, 0) + op(RAISE_DPC, 0) + op(KE_REL, 0, 0, RIGHT)   # 0x1004
    + op(KE_REL_DPC, 1, 0) + op(KE_REL, 1, 0, wrong(1))        # 0x1009, 0x20015
    + op(KE_ACQ, 1, 0) + op(KE_ACQ_DPC, 1, 0)                  # 0x1000 twice
    + op(KQ_ACQ, 0, 1) + op(KQ_REL, 0, 1, wrong(1)) + op(KE_REL, 0, 1, RIGHT)
    + op(RAISE, 0, 3) + op(KE_ACQ, 0, 2) + op(KQ_REL_DPC, 0, 1))   # 0x42, 0x1009

# VideoPort locks: create, use, delete, use after delete, bad handles, failed creation.
seeds["vp-lifecycle"] = [1] + (
    op(VP_CREATE, 0, 0) + op(VP_CREATE, 1, 1) + op(VP_CREATE, 0, 3) + op(FAIL_CREATE, 0, 2)
    + op(VP_ACQ, 1, 0) + op(VP_ACQ_DPC, 1, 1) + op(VP_REL_DPC, 1, 1)
    + op(VP_DELETE, 2, 0) + op(VP_REL, 1, 0, wrong(1)) + op(VP_REL, 1, 0, RIGHT)
    + op(VP_DELETE, 2, 0) + op(VP_ACQ, 3, 0) + op(VP_DELETE, 2, 0)
    + op(VP_ACQ, 0, 3) + op(VP_ACQ, 0, 4) + op(VP_ACQ, 0, 5) + op(VP_ACQ, 0, 6)
    + op(VP_DELETE, 0, 3) + op(VP_DELETE, 0, 4) + op(VP_REL_DPC, 0, 5)
    + op(VP_CREATE, 0, 0) + op(VP_ACQ, 0, 0) + op(VP_ACQ, 0, 0))
seeds["vp-mode0"] = [0] + (
    op(VP_CREATE, 0, 0) + op(VP_ACQ, 1, 0) + op(VP_REL, 1, 0, RIGHT) + op(VP_DELETE, 1, 0)
    + op(VP_DELETE, 1, 0) + op(VP_DELETE, 1, 3) + op(VP_DELETE, 1, 4) + op(FAIL_CREATE, 0, 1)
    + op(VP_CREATE, 0, 1) + op(RAISE_DPC, 2) + op(VP_ACQ_DPC, 2, 1) + op(VP_REL_DPC, 2, 1))

# Handovers: a worker waits for a lock another thread holds; not waiting, until it spins,
# until it sleeps on the futex; every kind of acquire on both sides; the holder acquiring
# it again while the worker waits (0x1000, with waiters).
seeds["handover"] = [1] + (
    op(KE_ACQ, 0, 0) + op(HANDOVER, 1, 0, 0, 0) + op(HANDOVER, 2, 0, 2, 1)
    + op(HANDOVER, 1, 0, 0, 2) + op(KQ_ACQ, 3, 1) + op(HANDOVER, 1, 1, 2, 1)
    + op(VP_CREATE, 0, 0) + op(VP_ACQ, 0, 0) + op(HANDOVER, 2, 3, 0, 2) + op(HANDOVER, 1, 3, 0, 1)
    + op(KE_ACQ, 0, 2) + op(HANDOVER, 1, 2, 0, 5) + op(HANDOVER, 2, 3, 0, 6))

# Bursts: all four threads, then two, over Ke and VideoPort locks, mixed acquire kinds.
seeds["burst"] = [1] + (
    op(VP_CREATE, 0, 0) + op(VP_CREATE, 0, 1) + op(BURST, 0, 0xF, 15, 0x3F, 0x00, 0xFF, 0x55, 0xAA)
    + op(RAISE_DPC, 1) + op(BURST, 0, 0x6, 31, 0x09, 0x18, 0x0F, 0x3C, 0xC3)
    + op(KE_ACQ, 3, 2) + op(BURST, 0, 0xB, 7, 0x1B, 1, 2, 3, 4) + op(SET_MODE, 0, 0)
    + op(KE_REL, 3, 2, RIGHT) + op(SET_MODE, 0, 0) + op(BURST, 0, 0xF, 20, 0x3F, 9, 9, 9, 9))

# A thread's very first call is a release (so the thread is not yet known to vpspin): named
# to come first, since the replay runs the seeds in name order in a fresh process.
seeds["0-first-calls"] = [1] + (op(KE_REL_DPC, 1, 0) + op(KE_REL, 2, 1, RIGHT)
                                + op(VP_REL, 3, 3, RIGHT) + op(KQ_REL, 0, 2, RIGHT))

# The Ke objects and pool: events, timers, DPCs behind the gate, pool blocks; each rule
# once (0xF004 on objects never initialized, the DDI rules, 0xF003, the pool codes), in
# every mode (mode 0 makes only the correct calls, and the wild and double frees).
objects = (
    op(EV_SET, 0, 1) + op(EV_INIT, 0, 0) + op(EV_INIT, 0, 7) + op(EV_SET, 0, 0)
    + op(EV_WAIT, 0, 0) + op(EV_WAIT, 0, 1) + op(EV_WAIT, 0, 1) + op(EV_RESET, 0, 0)
    + op(EV_RESET, 0, 4) + op(EV_RESET, 0, 2) + op(RAISE, 1, 1) + op(EV_SET, 1, 8)
    + op(RAISE, 1, 2) + op(EV_SET, 1, 8) + op(EV_SET, 1, 0) + op(RAISE, 1, 3)
    + op(EV_RESET, 1, 0) + op(EV_WAIT, 1, 0) + op(LOWER, 1, 0)
    + op(TM_SET, 0, 0) + op(TM_INIT, 0, 0) + op(TM_INIT, 0, 3) + op(TM_SET, 0, 0)
    + op(TM_SET, 0, 2) + op(TM_CANCEL, 0, 0) + op(TM_CANCEL, 0, 0) + op(TM_FIRE, 0, 0)
    + op(TM_CANCEL, 0, 2) + op(TM_FIRE, 2, 1) + op(TM_CANCEL, 2, 3) + op(RAISE, 2, 3)
    + op(TM_SET, 2, 0) + op(LOWER, 2, 0)
    + op(DPC_INSERT, 0, 0) + op(DPC_INIT, 0, 0) + op(DPC_INIT, 0, 1) + op(DPC_INSERT, 1, 0)
    + op(DPC_GATE, 0) + op(DPC_INSERT, 1, 0) + op(DPC_INSERT, 2, 0) + op(DPC_INSERT, 3, 1)
    + op(DPC_REMOVE, 0, 1) + op(RAISE, 2, 2) + op(DPC_FLUSH, 2) + op(LOWER, 2, 0)
    + op(DPC_GATE, 0) + op(DPC_FLUSH, 0)
    + op(POOL_ALLOC, 0, 0, 16) + op(POOL_ALLOC, 0, 4, 32) + op(POOL_ALLOC, 0, 2, 5)
    + op(POOL_FREE, 0, 6) + op(POOL_FREE, 0, 0) + op(POOL_FREE, 0, 12) + op(POOL_FREE, 0, 9)
    + op(RAISE, 3, 2) + op(POOL_ALLOC, 3, 5, 8) + op(POOL_FREE, 3, 1) + op(RAISE, 3, 3)
    + op(POOL_ALLOC, 3, 2, 8) + op(LOWER, 3, 0) + op(POOL_ALLOC, 1, 2, 24) + op(DPC_GATE, 0))
for mode in range(3):
    seeds["ke-objects-mode%d" % mode] = [mode] + objects

# The device: mappings of the BAR (slots 0, 1) and of the ports (slots 2, 3), made, used
# inside and across their edges, through the other space and through nothing, freed right
# and wrong. A read or write is [op, thread, slot, how, where, 4 value bytes]: the size is
# 1 << (how % 3); a Buffer form with Count c when (how >> 2) % 3 == 0 and (how >> 4) % 5 is
# c + 1, else a single access; where < 200 is an offset from the mapping (minus 64 for the
# BAR, 4 for ports), 200..229 the other space, 230.. an address of nothing.
def access(op_, t, slot, how, where, value=0x5A): return [op_, t, slot, how, where, value, 1, 2, 3]
ONE4, ONE2, ONE1 = 2, 1, 0          # a single access of 4, 2, 1 bytes
def buf(size, count):               # the Buffer form of size bytes, Count count
    return next(h for h in range(256) if 1 << (h % 3) == size and (h >> 2) % 3 == 0
                and (h >> 4) % 5 == count + 1)
device = (op(DEV_MAP, 0, 0, 0, 0x10, 0x20) + op(DEV_MAP, 1, 2, 0) + op(DEV_MAP, 0, 1, 1, 0x80, 0)
          + access(DEV_WRITE, 0, 0, ONE4, 64) + access(DEV_READ, 2, 0, ONE4, 64)
          + access(DEV_READ, 1, 0, ONE2, 64 + 0x21 - 1)           # straddles the end: 0xF012
          + access(DEV_WRITE, 3, 0, ONE1, 60)                     # before the start: 0xF012
          + access(DEV_WRITE, 0, 0, buf(4, 3), 64 + 4) + access(DEV_READ, 0, 0, buf(4, 3), 64 + 4)
          + access(DEV_READ, 0, 0, buf(2, 3), 64 + 0x21 - 4)      # runs off the end: 0xF012
          + access(DEV_READ, 0, 0, buf(1, 0), 64)                 # Count 0: nothing
          + access(DEV_WRITE, 1, 2, ONE2, 4 + 2) + access(DEV_READ, 1, 2, ONE2, 4 + 2)
          + access(DEV_WRITE, 2, 2, buf(1, 3), 4 + 4) + access(DEV_READ, 2, 2, buf(1, 3), 4 + 4)
          + access(DEV_READ, 0, 2, ONE4, 4 + 6) + access(DEV_READ, 0, 2, ONE1, 1)   # 0xF012, 0xF010
          + access(DEV_READ, 0, 3, ONE4, 210) + access(DEV_READ, 0, 0, ONE4, 210)   # other space
          + access(DEV_WRITE, 0, 1, ONE4, 240)                    # nothing there: 0xF010
          + op(DEV_FREE, 0, 0, 0) + access(DEV_READ, 0, 0, ONE4, 64)              # 0xF011
          + op(DEV_FREE, 0, 0, 0) + op(DEV_FREE, 0, 2, 4) + op(DEV_FREE, 0, 2, 2)  # 0xF013 x3
          + op(DEV_FREE, 0, 2, 1) + access(DEV_WRITE, 1, 2, ONE1, 4)  # UnmapMemory, then 0xF011
          + op(DEV_MAP, 0, 2, 0) + access(DEV_READ, 1, 2, ONE2, 4 + 2)  # mapped again: the bytes
          + op(DEV_FREE, 0, 3, 0))                                # never mapped: 0xF013
for mode in range(3):
    seeds["device-mode%d" % mode] = [mode] + device

here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(here, "corpus"), exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(here, "corpus", "seed-" + name), "wb") as f:
        f.write(bytes(b & 0xFF for b in data))
