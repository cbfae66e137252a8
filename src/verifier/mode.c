/*
 * verifier/mode.c - what is checked and collected: the checking mode (VPSPIN_VERIFY,
 * vpspin_set_verify) and lock statistics (VPSPIN_STATS, vpspin_set_lock_stat).
 *
 *   mode 0     nothing is checked: the fast paths skip the rules behind one branch
 *   mode 1     every rule of check/verify.h (VSP_SLOW_CHECK); the default
 *   mode full  those, and every call tracked for the full mode's own checks
 *              (VSP_TRACK_FOR_FULL: lock order, release order, thread exit, watchdog)
 * Statistics are collected whenever asked for, in any mode (VSP_TRACK_FOR_STATS).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpspin/vpspin.h>

#include "base/slow.h"
#include "verifier/lockstat_write.h"
#include "verifier/track.h"

static int vsp_verify_level = VPSPIN_VERIFY_DEFAULT; /* a vpspin_verify_mode */

static void vsp_set_level(int level)
{
    __atomic_store_n(&vsp_verify_level, level, __ATOMIC_RELAXED);
    vsp_slow_set(VSP_SLOW_CHECK, level != VPSPIN_VERIFY_OFF);
    vsp_track_for(VSP_TRACK_FOR_FULL, level == VPSPIN_VERIFY_FULL);
}

vpspin_verify_mode vpspin_get_verify(void)
{
    return (vpspin_verify_mode)__atomic_load_n(&vsp_verify_level, __ATOMIC_RELAXED);
}

int vpspin_set_verify(vpspin_verify_mode Mode)
{
    if (Mode != VPSPIN_VERIFY_OFF && Mode != VPSPIN_VERIFY_DEFAULT && Mode != VPSPIN_VERIFY_FULL)
        return -1;
    vsp_set_level((int)Mode);
    return 0;
}

void vpspin_set_lock_stat(BOOLEAN Collect) { vsp_track_for(VSP_TRACK_FOR_STATS, Collect != FALSE); }

/* VPSPIN_VERIFY: "0", "1" or "full". */
static void vsp_verify_from_env(void)
{
    const char *s = getenv("VPSPIN_VERIFY");
    if (s == NULL || *s == '\0')
        return;
    if (strcmp(s, "0") == 0)
        vsp_set_level(VPSPIN_VERIFY_OFF);
    else if (strcmp(s, "1") == 0)
        vsp_set_level(VPSPIN_VERIFY_DEFAULT);
    else if (strcmp(s, "full") == 0)
        vsp_set_level(VPSPIN_VERIFY_FULL);
    else
        fprintf(stderr, "vpspin: VPSPIN_VERIFY=%s is not 0, 1 or full; using 1\n", s);
}

/* VPSPIN_STATS: "table" (or "1") or "csv", optionally ":path"; collect, and write at exit. */
static void vsp_stats_from_env(void)
{
    const char *s = getenv("VPSPIN_STATS");
    if (s == NULL || *s == '\0' || strcmp(s, "0") == 0)
        return;
    const char *colon = strchr(s, ':');
    size_t len = colon != NULL ? (size_t)(colon - s) : strlen(s);
    vpspin_stat_format format = VPSPIN_STAT_TABLE;
    if (len == 3 && strncmp(s, "csv", 3) == 0) {
        format = VPSPIN_STAT_CSV;
    } else if (!((len == 5 && strncmp(s, "table", 5) == 0) || (len == 1 && s[0] == '1'))) {
        fprintf(stderr, "vpspin: VPSPIN_STATS=%s is not table or csv[:path]; ignored\n", s);
        return;
    }
    vsp_lockstat_write_at_exit(format, colon != NULL ? colon + 1 : "");
    vpspin_set_lock_stat(TRUE);
}

/* Before main(). */
__attribute__((constructor)) static void vsp_mode_from_env(void)
{
    vsp_verify_from_env();
    vsp_stats_from_env();
}
