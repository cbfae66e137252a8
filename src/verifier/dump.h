/*
 * verifier/dump.h - the lock dump: every thread that uses vpspin, the spin locks it holds and
 * the one it waits for, and the wait-for cycles among them (dump.c). Written by
 * vpspin_dump_locks, on VPSPIN_DUMP_SIGNAL (dump_signal.c) and when the watchdog fires.
 */
#ifndef VSP_DUMP_H
#define VSP_DUMP_H

#include <stdio.h>

/* Writes the dump to f, headed by why ("on request", "the watchdog fired"); 0, or -1 if
 * it could not be written whole (out of memory, a write error). Not from a signal
 * handler: dump_signal.c hands the signal to a thread of its own. */
int vsp_dump_write(FILE *f, const char *why);

#endif
