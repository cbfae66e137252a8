/*
 * base/env.h - reading vpspin's numeric environment variables (VPSPIN_WATCHDOG_MS,
 * VPSPIN_STATS_SAMPLE) before main: a value that is not a number in range is said to be
 * wrong on standard error, once, and the default is kept.
 */
#ifndef VSP_ENV_H
#define VSP_ENV_H

#include <stdbool.h>

/* True, and *out, if the variable name is set to a decimal number from min to max; false
 * if it is unset or empty, or (with a warning naming what it should be, and def, the
 * value kept) if it is anything else. */
bool vsp_env_number(const char *name, unsigned long min, unsigned long max, unsigned long def,
                    const char *what, unsigned long *out);

#endif
