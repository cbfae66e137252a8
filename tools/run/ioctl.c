/*
 * ioctl.c - the IOCTL_VIDEO_* names vpspin-run knows, and the buffers each one's
 * structures need (ntddvdeo.h): a request sent with them is a well-formed one.
 */
#include "ioctl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RUN_IOCTL(name, in, out)                                                                   \
    {                                                                                              \
#name, name, in, out                                                                       \
    }

static const struct run_ioctl run_known[] = {
    RUN_IOCTL(IOCTL_VIDEO_QUERY_AVAIL_MODES, 0, 64 * sizeof(VIDEO_MODE_INFORMATION)),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES, 0, sizeof(VIDEO_NUM_MODES)),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_CURRENT_MODE, 0, sizeof(VIDEO_MODE_INFORMATION)),
    RUN_IOCTL(IOCTL_VIDEO_SET_CURRENT_MODE, sizeof(VIDEO_MODE), 0),
    RUN_IOCTL(IOCTL_VIDEO_RESET_DEVICE, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_LOAD_AND_SET_FONT, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_SET_PALETTE_REGISTERS, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_SET_COLOR_REGISTERS, sizeof(VIDEO_CLUT) + 255 * sizeof(ULONG), 0),
    RUN_IOCTL(IOCTL_VIDEO_ENABLE_CURSOR, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_DISABLE_CURSOR, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_SET_CURSOR_ATTR, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_CURSOR_ATTR, 0, 64),
    RUN_IOCTL(IOCTL_VIDEO_SET_CURSOR_POSITION, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_CURSOR_POSITION, 0, 64),
    RUN_IOCTL(IOCTL_VIDEO_ENABLE_POINTER, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_DISABLE_POINTER, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_SET_POINTER_ATTR, sizeof(VIDEO_POINTER_ATTRIBUTES), 0),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_POINTER_ATTR, 0, sizeof(VIDEO_POINTER_ATTRIBUTES)),
    RUN_IOCTL(IOCTL_VIDEO_SET_POINTER_POSITION, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_POINTER_POSITION, 0, 64),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_POINTER_CAPABILITIES, 0, 64),
    RUN_IOCTL(IOCTL_VIDEO_GET_BANK_SELECT_CODE, 0, sizeof(VIDEO_BANK_SELECT)),
    RUN_IOCTL(IOCTL_VIDEO_MAP_VIDEO_MEMORY, sizeof(VIDEO_MEMORY), sizeof(VIDEO_MEMORY_INFORMATION)),
    RUN_IOCTL(IOCTL_VIDEO_UNMAP_VIDEO_MEMORY, sizeof(VIDEO_MEMORY), 0),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_PUBLIC_ACCESS_RANGES, 0, 256),
    RUN_IOCTL(IOCTL_VIDEO_FREE_PUBLIC_ACCESS_RANGES, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_COLOR_CAPABILITIES, 0, sizeof(VIDEO_COLOR_CAPABILITIES)),
    RUN_IOCTL(IOCTL_VIDEO_SET_POWER_MANAGEMENT, sizeof(VIDEO_POWER_MANAGEMENT), 0),
    RUN_IOCTL(IOCTL_VIDEO_GET_POWER_MANAGEMENT, 0, sizeof(VIDEO_POWER_MANAGEMENT)),
    RUN_IOCTL(IOCTL_VIDEO_SHARE_VIDEO_MEMORY, sizeof(VIDEO_SHARE_MEMORY), 64),
    RUN_IOCTL(IOCTL_VIDEO_UNSHARE_VIDEO_MEMORY, sizeof(VIDEO_SHARE_MEMORY), 0),
    RUN_IOCTL(IOCTL_VIDEO_GET_CHILD_STATE, 0, sizeof(ULONG)),
    RUN_IOCTL(IOCTL_VIDEO_SAVE_HARDWARE_STATE, 0, sizeof(VIDEO_HARDWARE_STATE_HEADER)),
    RUN_IOCTL(IOCTL_VIDEO_RESTORE_HARDWARE_STATE, sizeof(VIDEO_HARDWARE_STATE_HEADER), 0),
    RUN_IOCTL(IOCTL_VIDEO_ENABLE_VDM, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_DISABLE_VDM, 0, 0),
    RUN_IOCTL(IOCTL_VIDEO_IS_VGA_DEVICE, 0, sizeof(BOOLEAN)),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_SUPPORTED_BRIGHTNESS, 0, 256),
    RUN_IOCTL(IOCTL_VIDEO_QUERY_DISPLAY_BRIGHTNESS, 0, 64),
    RUN_IOCTL(IOCTL_VIDEO_SET_DISPLAY_BRIGHTNESS, 64, 0),
};

#define RUN_KNOWN (sizeof run_known / sizeof run_known[0])

const char *run_ioctl_name(ULONG code)
{
    for (size_t i = 0; i < RUN_KNOWN; i++)
        if (run_known[i].code == code)
            return run_known[i].name;
    return NULL;
}

static bool run_size(const char *s, ULONG *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (!isdigit((unsigned char)*s) || errno != 0 || *end != '\0' || v > (1ul << 20))
        return false;
    *out = (ULONG)v;
    return true;
}

bool run_ioctl_parse(const char *spec, struct run_ioctl *out)
{
    char head[128];
    const char *colon = strchr(spec, ':');
    size_t n = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
    if (n == 0 || n >= sizeof head) {
        fprintf(stderr, "vpspin-run: --ioctl '%s': no IOCTL name or code\n", spec);
        return false;
    }
    memcpy(head, spec, n);
    head[n] = '\0';
    memset(out, 0, sizeof *out);
    size_t i = 0;
    if (isdigit((unsigned char)head[0])) {
        char *end;
        errno = 0;
        unsigned long code = strtoul(head, &end, 0);
        if (errno != 0 || *end != '\0' || code > 0xFFFFFFFFul) {
            fprintf(stderr, "vpspin-run: --ioctl '%s': '%s' is not a 32-bit IOCTL code\n", spec,
                    head);
            return false;
        }
        while (i < RUN_KNOWN && run_known[i].code != code)
            i++;
        snprintf(out->name, sizeof out->name, "0x%08lX", code);
        out->code = (ULONG)code;
        out->out = 4096;
    } else {
        const char *bare = strncasecmp(head, "IOCTL_VIDEO_", 12) == 0 ? head + 12 : head;
        while (i < RUN_KNOWN && strcasecmp(run_known[i].name + 12, bare) != 0)
            i++;
        if (i == RUN_KNOWN) {
            fprintf(stderr,
                    "vpspin-run: --ioctl '%s': unknown IOCTL '%s' (an IOCTL_VIDEO_* name of "
                    "ntddvdeo.h, or a code such as 0x232000)\n",
                    spec, head);
            return false;
        }
    }
    if (i < RUN_KNOWN)
        *out = run_known[i];
    while (colon != NULL) {
        const char *opt = colon + 1;
        colon = strchr(opt, ':');
        char word[64];
        size_t m = colon != NULL ? (size_t)(colon - opt) : strlen(opt);
        if (m >= sizeof word)
            m = sizeof word - 1;
        memcpy(word, opt, m);
        word[m] = '\0';
        ULONG *size = strncmp(word, "in=", 3) == 0    ? &out->in
                      : strncmp(word, "out=", 4) == 0 ? &out->out
                                                      : NULL;
        if (size == NULL || !run_size(strchr(word, '=') + 1, size)) {
            fprintf(stderr,
                    "vpspin-run: --ioctl '%s': '%s' is not in=BYTES or out=BYTES (at most "
                    "1048576)\n",
                    spec, word);
            return false;
        }
    }
    return true;
}

const char *run_status_name(VP_STATUS status, char *buf, size_t size)
{
    static const struct {
        VP_STATUS status;
        const char *name;
    } names[] = {
        {NO_ERROR, "NO_ERROR"},
        {ERROR_INVALID_FUNCTION, "ERROR_INVALID_FUNCTION"},
        {ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY"},
        {ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER"},
        {ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER"},
        {ERROR_MORE_DATA, "ERROR_MORE_DATA"},
        {ERROR_DEV_NOT_EXIST, "ERROR_DEV_NOT_EXIST"},
        {170L, "ERROR_BUSY"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].status == status)
            return names[i].name;
    snprintf(buf, size, "status %ld", (long)status);
    return buf;
}
