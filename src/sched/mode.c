/*
 * sched/mode.c - turning the controlled mode or delay injection on: the environment
 * (read before main) and vpspin_set_sched, vpspin_sched_yield (vpspin.h).
 *
 *   VPSPIN_SCHED=random|pct[:D]|pb:B|db:B|replay:FILE   the strategy (sched/strategy.h)
 *   VPSPIN_SEED=N              its seed (default 1)
 *   VPSPIN_SCHED_CPUS=N        virtual processors, 1..64 (default 2)
 *   VPSPIN_SCHED_STEPS=K       PCT: the steps a run is expected to take (default 1000)
 *   VPSPIN_SCHED_PREFIX=FILE   pb, db: the schedule to follow before the default choice
 *   VPSPIN_SCHED_LOG=FILE      the run log (sched/log.h), for vpspin-explore
 *   VPSPIN_SCHED_STALL_MS=N    the bound on a step outside vpspin (default 2000)
 *   VPSPIN_DELAY=MAX_US[:RATIO]  delay injection instead (sched/delay.c)
 *
 * A value that is not one of these stops the program with a message (exit status 2): a
 * search that silently ran uncontrolled would report a clean result it never checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpspin/vpspin.h>

#include "sched/core.h"
#include "sched/delay.h"
#include "sched/sched.h"

static bool vsp_number(const char *s, unsigned long long min, unsigned long long max,
                       unsigned long long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* An environment variable that must be a number in min..max, or unset (def). */
static bool vsp_env_number(const char *name, unsigned long long min, unsigned long long max,
                           unsigned long long def, unsigned long long *out)
{
    const char *s = getenv(name);
    *out = def;
    if (s == NULL || *s == '\0')
        return true;
    if (vsp_number(s, min, max, out))
        return true;
    fprintf(stderr, "vpspin: %s=%s is not a number from %llu to %llu\n", name, s, min, max);
    return false;
}

/* Builds the strategy spec names; NULL with a message if it names none. */
static struct vsp_strategy *vsp_strategy_of(const char *spec, uint64_t seed, unsigned *cpus)
{
    unsigned long long v = 0, k = 0;
    if (strcmp(spec, "random") == 0)
        return vsp_strategy_random(seed);
    if (strcmp(spec, "pct") == 0 || strncmp(spec, "pct:", 4) == 0) {
        if (spec[3] == ':' && !vsp_number(spec + 4, 1, 16, &v))
            goto bad;
        if (!vsp_env_number("VPSPIN_SCHED_STEPS", 1, 1ull << 40, 1000, &k))
            return NULL;
        return vsp_strategy_pct(seed, spec[3] == ':' ? (unsigned)v : 3, k);
    }
    if (strncmp(spec, "pb:", 3) == 0 || strncmp(spec, "db:", 3) == 0) {
        if (!vsp_number(spec + 3, 0, 1000, &v))
            goto bad;
        const char *prefix = getenv("VPSPIN_SCHED_PREFIX");
        return vsp_strategy_replay(spec, prefix != NULL && *prefix ? prefix : NULL, cpus);
    }
    if (strncmp(spec, "replay:", 7) == 0 && spec[7] != '\0')
        return vsp_strategy_replay("replay", spec + 7, cpus);
bad:
    fprintf(stderr,
            "vpspin: VPSPIN_SCHED=%s is not random, pct[:D] (D 1..16), pb:B, db:B or "
            "replay:FILE\n",
            spec);
    return NULL;
}

static int vsp_sched_turn_on(const char *spec, uint64_t seed, unsigned cpus)
{
    if (vsp_sched_mode != VSP_SCHED_OFF) {
        fprintf(stderr, "vpspin: the controlled mode is already on\n");
        return -1;
    }
    unsigned long long stall;
    if (!vsp_env_number("VPSPIN_SCHED_STALL_MS", 10, 3600000, 2000, &stall))
        return -1;
    unsigned file_cpus = 0;
    struct vsp_strategy *s = vsp_strategy_of(spec, seed, &file_cpus);
    if (s == NULL)
        return -1;
    const char *log = getenv("VPSPIN_SCHED_LOG");
    struct vsp_sched_config c = {
        .strategy = s,
        .seed = seed,
        .cpus = cpus != 0        ? cpus
                : file_cpus != 0 ? file_cpus
                                 : 2,
        .log_path = log != NULL && *log ? log : NULL,
        .stall_ms = (unsigned)stall,
    };
    return vsp_sched_start(&c) ? 0 : -1;
}

int vpspin_set_sched(const char *Strategy, ULONGLONG Seed, ULONG Cpus)
{
    if (Strategy == NULL || Cpus > 64) {
        fprintf(stderr, "vpspin: vpspin_set_sched: %s\n",
                Strategy == NULL ? "no strategy" : "more than 64 virtual processors");
        return -1;
    }
    return vsp_sched_turn_on(Strategy, Seed, Cpus);
}

VOID vpspin_sched_yield(VOID)
{
    vsp_sched_point(VSP_SP_YIELD, NULL, VSP_SCHED_SAME_IRQL, __builtin_return_address(0));
}

static void vsp_sched_forked(void)
{
    /* The child has one thread: it runs on its own, uncontrolled. */
    __atomic_store_n(&vsp_sched_mode, VSP_SCHED_OFF, __ATOMIC_RELAXED);
    vsp_slow_set(VSP_SLOW_SCHED, false);
}

static void vsp_delay_from_env(const char *s)
{
    unsigned long long max_us, ratio = 8, seed;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *colon = strchr(buf, ':');
    if (colon != NULL)
        *colon = '\0';
    if (!vsp_number(buf, 1, 1000000, &max_us) ||
        (colon != NULL && !vsp_number(colon + 1, 1, 1000000, &ratio))) {
        fprintf(stderr, "vpspin: VPSPIN_DELAY=%s is not MAX_US[:RATIO] (1..1000000 each)\n", s);
        exit(2);
    }
    if (!vsp_env_number("VPSPIN_SEED", 0, UINT64_MAX, 1, &seed))
        exit(2);
    vsp_delay_start(seed, (unsigned)max_us, (unsigned)ratio);
    __atomic_store_n(&vsp_sched_mode, VSP_SCHED_DELAY, __ATOMIC_RELAXED);
    vsp_slow_set(VSP_SLOW_SCHED, true);
}

__attribute__((constructor)) static void vsp_sched_from_env(void)
{
    pthread_atfork(NULL, NULL, vsp_sched_forked);
    const char *spec = getenv("VPSPIN_SCHED"), *delay = getenv("VPSPIN_DELAY");
    if (spec != NULL && *spec != '\0') {
        unsigned long long seed, cpus;
        if (!vsp_env_number("VPSPIN_SEED", 0, UINT64_MAX, 1, &seed) ||
            !vsp_env_number("VPSPIN_SCHED_CPUS", 1, 64, 0, &cpus) ||
            vsp_sched_turn_on(spec, seed, (unsigned)cpus) != 0)
            exit(2);
        if (delay != NULL && *delay != '\0')
            fprintf(stderr, "vpspin: VPSPIN_DELAY is ignored in the controlled mode\n");
        return;
    }
    if (delay != NULL && *delay != '\0')
        vsp_delay_from_env(delay);
}
