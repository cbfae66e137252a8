/*
 * ioctl.h - the requests vpspin-run sends: IOCTL_VIDEO_* by name (ntddvdeo.h) or any code
 * by number, with the buffers each needs.
 */
#ifndef RUN_IOCTL_H
#define RUN_IOCTL_H

#include <stdbool.h>

#include <vpspin/video.h>

struct run_ioctl {
    char name[64]; /* IOCTL_VIDEO_..., or the code as 0x%08X */
    ULONG code;
    ULONG in, out; /* buffer sizes: zeroed input, output */
};

/* Parses NAME or CODE, then optional ":in=N" and ":out=N" (bytes, at most 1 MiB). The
 * name may be given without its IOCTL_VIDEO_ prefix, in any case. A known IOCTL gets the
 * buffers its structures need unless told otherwise; a bare code none in, 4 KiB out.
 * Returns false, with a message on stderr, for an unknown name or a bad spec. */
bool run_ioctl_parse(const char *spec, struct run_ioctl *out);

/* The name of a known code, or NULL. */
const char *run_ioctl_name(ULONG code);

/* A VP_STATUS in words: "NO_ERROR", "ERROR_INVALID_FUNCTION", or the number. */
const char *run_status_name(VP_STATUS status, char *buf, size_t size);

#endif
