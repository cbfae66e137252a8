/*
 * base/symbol.c - code addresses named through dladdr() (symbol.h).
 */
#include "base/symbol.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void vsp_format_code_address(char *buf, size_t n, const void *addr)
{
    Dl_info info;
    if (addr == NULL || dladdr(addr, &info) == 0 || info.dli_fname == NULL) {
        snprintf(buf, n, "%p", addr);
        return;
    }
    const char *module = strrchr(info.dli_fname, '/');
    module = module != NULL ? module + 1 : info.dli_fname;
    if (info.dli_sname != NULL) {
        uintptr_t off = (uintptr_t)addr - (uintptr_t)info.dli_saddr;
        if (off == 0) /* a function itself (a routine), not a call site in it */
            snprintf(buf, n, "%s (%s)", info.dli_sname, module);
        else
            snprintf(buf, n, "%s+0x%lx (%s)", info.dli_sname, (unsigned long)off, module);
    } else
        snprintf(buf, n, "%s+0x%lx", module,
                 (unsigned long)((const char *)addr - (const char *)info.dli_fbase));
}

void vsp_put_code_address(struct vsp_text *t, const void *addr)
{
    char buf[256];
    vsp_format_code_address(buf, sizeof buf, addr);
    vsp_put(t, "%s", buf);
}

static const char vsp_anchor; /* an address inside this library */

/* Whether addr is code of this library, when it is a shared object of its own. */
static bool vsp_in_library(const void *addr)
{
    Dl_info self, other;
    if (dladdr(&vsp_anchor, &self) == 0 || self.dli_fname == NULL ||
        strstr(self.dli_fname, ".so") == NULL)
        return false;
    return dladdr(addr, &other) != 0 && other.dli_fbase == self.dli_fbase;
}

void vsp_put_frames(struct vsp_text *t, void *const *frames, int n, const char *indent)
{
    int first = 0;
    while (first < n - 1 && vsp_in_library(frames[first]))
        first++;
    for (int i = first; i < n; i++) {
        vsp_put(t, "%s#%-2d ", indent, i - first);
        vsp_put_code_address(t, frames[i]);
        vsp_put(t, "\n");
    }
}

void vsp_put_stack(struct vsp_text *t)
{
    void *frames[40];
    int n = backtrace(frames, 40);
    vsp_put(t, "Stack:\n");
    vsp_put_frames(t, frames + 1, n - 1, "  ");
}
