/*
 * fuzz_spinlock.h - the harness of fuzz_spinlock.c, as libFuzzer calls it and as the
 * replay program (replay.c) calls it without libFuzzer.
 */
#ifndef VPSPIN_FUZZ_SPINLOCK_H
#define VPSPIN_FUZZ_SPINLOCK_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops and joins the harness's worker threads (the replay program, before exit). */
void fuzz_spinlock_shutdown(void);

#endif
