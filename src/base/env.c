/*
 * base/env.c - numeric environment variables (env.h).
 */
#include "base/env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

bool vsp_env_number(const char *name, unsigned long min, unsigned long max, unsigned long def,
                    const char *what, unsigned long *out)
{
    const char *s = getenv(name);
    if (s == NULL || *s == '\0')
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '-' || *end != '\0' || errno != 0 || v < min || v > max) {
        fprintf(stderr, "vpspin: %s=%s is not %s (%lu to %lu); using %lu\n", name, s, what, min,
                max, def);
        return false;
    }
    *out = v;
    return true;
}
