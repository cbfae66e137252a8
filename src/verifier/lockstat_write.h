/*
 * verifier/lockstat_write.h - writing the lock statistics (lockstat.h) out: the public functions
 * are vpspin.h's; these are the write at exit that VPSPIN_STATS asks for.
 */
#ifndef VSP_LOCKSTAT_WRITE_H
#define VSP_LOCKSTAT_WRITE_H

#include <vpspin/vpspin.h>

/* At exit, write the statistics in format to the file path, or to standard error if path
 * is "". */
void vsp_lockstat_write_at_exit(vpspin_stat_format format, const char *path);

/* Writes them now if that was asked for (verifier/track.c's destructor), once. */
void vsp_lockstat_at_exit(void);

#endif
