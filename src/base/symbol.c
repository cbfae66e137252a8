/*
 * base/symbol.c - code addresses named (symbol.h): from the debug info where libdw is built
 * in (symbol_dw.c), else, and whenever it does not know an address, through dladdr().
 *
 * Why a lookup never deadlocks. libdw is not thread-safe and allocates, so lookups are
 * serialised by one mutex and made only when a report, table or graph is written, never
 * on a lock path. Two things could still hang a report:
 *   - the thread already being inside a lookup: a signal handler that makes a report
 *     (a driver's code calling vpspin from a handler) interrupting a lookup on its own
 *     thread would wait for the mutex it holds, or re-enter libdw. A thread-local flag,
 *     set while inside, makes such a nested lookup take the dladdr() form at once: no
 *     mutex, no libdw, no allocation;
 *   - another thread stuck inside a lookup (for instance interrupted in libdw by a signal
 *     handler that never returns): the mutex is waited for a second at most, then the
 *     dladdr() form is used.
 * dladdr() takes only the dynamic loader's recursive lock. The lock dump's signal never
 * runs a lookup in the handler: the handler wakes a thread that writes the dump
 * (verifier/dump.c). tests/base/test_symbol.c makes a report from a signal handler that
 * interrupts a lookup.
 */
#include "base/symbol.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/symbol_dw.h"

#define VSP_WHERE_MAX   8    /* inlined levels named per address */
#define VSP_CACHE_SLOTS 512u /* addresses whose locations are kept (direct-mapped) */
#define VSP_CACHE_WHERE 3    /* at most this many locations kept per address */

void (*vsp_symbol_test_hook)(void);

bool vsp_symbol_debug_info(void) { return VSP_HAVE_LIBDW; }

/* ---- Lookups ------------------------------------------------------------------------ */

#if VSP_HAVE_LIBDW
static pthread_mutex_t vsp_symbol_mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread bool vsp_symbolizing __attribute__((tls_model("initial-exec")));
static bool vsp_symbol_ended; /* under the mutex: after exit's clean-up, no more lookups */
static bool vsp_fork_locked;

/* The last addresses looked up, so that the frames a report shares with the one before
 * cost a table look; under the mutex, allocated at the first lookup (none if that fails). */
struct vsp_cached {
    const void *addr;
    bool call_site, filled;
    unsigned generation; /* vsp_dw_generation() when looked up */
    int n;
    struct vsp_where w[VSP_CACHE_WHERE];
};
static struct vsp_cached *vsp_cache;
static bool vsp_cache_tried;

static int vsp_locate_cached(const void *addr, bool call_site, struct vsp_where *w)
{
    if (!vsp_cache_tried) {
        vsp_cache_tried = true;
        vsp_cache = vsp_alloc(sizeof *vsp_cache * VSP_CACHE_SLOTS);
    }
    struct vsp_cached *c =
        vsp_cache != NULL ? &vsp_cache[((uintptr_t)addr >> 2) % VSP_CACHE_SLOTS] : NULL;
    if (c != NULL && c->filled && c->addr == addr && c->call_site == call_site &&
        c->generation == vsp_dw_generation()) {
        memcpy(w, c->w, sizeof *w * (size_t)c->n);
        return c->n;
    }
    int n = vsp_dw_locate(addr, call_site, w, VSP_WHERE_MAX);
    if (c != NULL && n <= VSP_CACHE_WHERE) {
        c->addr = addr;
        c->call_site = call_site;
        c->generation = vsp_dw_generation();
        c->n = n;
        memcpy(c->w, w, sizeof *w * (size_t)n);
        c->filled = true;
    }
    return n;
}

static bool vsp_symbol_lock(void)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    return pthread_mutex_timedlock(&vsp_symbol_mutex, &until) == 0;
}
#endif

/* addr's locations from the debug info, innermost first; 0 if it has none for addr (or
 * there is no libdw, or a lookup cannot be made here and now: see above). */
static int vsp_locate(const void *addr, bool call_site, struct vsp_where *w)
{
#if VSP_HAVE_LIBDW
    if (addr == NULL || vsp_symbolizing)
        return 0;
    vsp_symbolizing = true;
    int n = 0;
    if (vsp_symbol_lock()) {
        if (vsp_symbol_test_hook != NULL)
            vsp_symbol_test_hook();
        if (!vsp_symbol_ended)
            n = vsp_locate_cached(addr, call_site, w);
        pthread_mutex_unlock(&vsp_symbol_mutex);
    }
    vsp_symbolizing = false;
    return n;
#else
    (void)addr, (void)call_site, (void)w;
    return 0;
#endif
}

#if VSP_HAVE_LIBDW
/* The debug info and open files go at exit, after every other destructor of vpspin
 * (which may still write statistics), so that a leak checker sees nothing held. */
__attribute__((destructor(101))) static void vsp_symbol_fini(void)
{
    if (!vsp_symbol_lock())
        return;
    vsp_symbol_ended = true;
    vsp_dw_end();
    free(vsp_cache);
    vsp_cache = NULL;
    pthread_mutex_unlock(&vsp_symbol_mutex);
}

/* fork() with the mutex held, so that the child's session is whole; if a lookup is stuck,
 * the child starts without one. */
static void vsp_symbol_prepare(void) { vsp_fork_locked = vsp_symbol_lock(); }
static void vsp_symbol_parent(void)
{
    if (vsp_fork_locked)
        pthread_mutex_unlock(&vsp_symbol_mutex);
}
static void vsp_symbol_child(void)
{
    if (vsp_fork_locked)
        pthread_mutex_unlock(&vsp_symbol_mutex);
    else
        pthread_mutex_init(&vsp_symbol_mutex, NULL);
}

__attribute__((constructor)) static void vsp_symbol_init(void)
{
    pthread_atfork(vsp_symbol_prepare, vsp_symbol_parent, vsp_symbol_child);
}
#endif

/* ---- Formatting --------------------------------------------------------------------- */

/* A source file as reports show it: relative to the working directory if inside it. */
static const char *vsp_short_path(const char *file, char *cwd, size_t n)
{
    if (file[0] == '/' && getcwd(cwd, n) != NULL) {
        size_t len = strlen(cwd);
        if (len > 1 && strncmp(file, cwd, len) == 0 && file[len] == '/')
            return file + len + 1;
    }
    return file;
}

/* One location: "function+0x1a (file:line)"; base: the file's base name only. */
static int vsp_put_where(char *buf, size_t n, const struct vsp_where *w, bool offset, bool base,
                         const char *module)
{
    char off[24] = "", cwd[256];
    if (offset && w->has_offset && w->offset != 0)
        snprintf(off, sizeof off, "+0x%lx", w->offset);
    if (w->file[0] == '\0' || w->line == 0)
        return snprintf(buf, n, "%s%s (%s)", w->function, off, module);
    const char *file = base && strrchr(w->file, '/') != NULL
                           ? strrchr(w->file, '/') + 1
                           : vsp_short_path(w->file, cwd, sizeof cwd);
    return snprintf(buf, n, "%s%s (%s:%u)", w->function, off, file, w->line);
}

static const char *vsp_module_name(const Dl_info *info)
{
    const char *module = strrchr(info->dli_fname, '/');
    return module != NULL ? module + 1 : info->dli_fname;
}

/* The dladdr() form: "function+0x1a (module)", "module+0x1a40" or the bare address. */
static void vsp_format_dladdr(char *buf, size_t n, const void *addr)
{
    Dl_info info;
    if (addr == NULL || dladdr(addr, &info) == 0 || info.dli_fname == NULL) {
        snprintf(buf, n, "%p", addr);
        return;
    }
    const char *module = vsp_module_name(&info);
    unsigned long off = (unsigned long)((const char *)addr - (const char *)info.dli_saddr);
    if (info.dli_sname != NULL && off == 0)
        snprintf(buf, n, "%s (%s)", info.dli_sname, module);
    else if (info.dli_sname != NULL)
        snprintf(buf, n, "%s+0x%lx (%s)", info.dli_sname, off, module);
    else
        snprintf(buf, n, "%s+0x%lx", module,
                 (unsigned long)((const char *)addr - (const char *)info.dli_fbase));
}

/* The module's name, for a location without a line. */
static const char *vsp_module_of(const void *addr)
{
    Dl_info info;
    return dladdr(addr, &info) != 0 && info.dli_fname != NULL ? vsp_module_name(&info) : "?";
}

/* Every location of addr on one line, innermost first; false if there are none. */
static bool vsp_format_located(char *buf, size_t n, const void *addr, bool call_site)
{
    struct vsp_where w[VSP_WHERE_MAX];
    int k = vsp_locate(addr, call_site, w);
    if (k == 0)
        return false;
    const char *module = vsp_module_of(addr);
    size_t len = 0;
    for (int i = 0; i < k && len < n; i++) {
        if (i > 0)
            len += (size_t)snprintf(buf + len, n - len, " inlined in ");
        if (len < n)
            len += (size_t)vsp_put_where(buf + len, n - len, &w[i], true, false, module);
    }
    return true;
}

void vsp_format_code_address(char *buf, size_t n, const void *addr)
{
    if (!vsp_format_located(buf, n, addr, true))
        vsp_format_dladdr(buf, n, addr);
}

void vsp_format_function(char *buf, size_t n, const void *fn)
{
    if (!vsp_format_located(buf, n, fn, false))
        vsp_format_dladdr(buf, n, fn);
}

void vsp_format_site(char *buf, size_t n, const void *addr)
{
    struct vsp_where w[VSP_WHERE_MAX];
    if (vsp_locate(addr, true, w) == 0 || w[0].line == 0)
        vsp_format_code_address(buf, n, addr);
    else
        vsp_put_where(buf, n, &w[0], false, true, "");
}

void vsp_put_code_address(struct vsp_text *t, const void *addr)
{
    char buf[512];
    vsp_format_code_address(buf, sizeof buf, addr);
    vsp_put(t, "%s", buf);
}

/* One frame: its innermost location, then each function it is inlined in on a line of
 * its own, under it. */
static void vsp_put_frame(struct vsp_text *t, const void *addr, const char *indent, int i)
{
    struct vsp_where w[VSP_WHERE_MAX];
    char buf[320];
    int k = vsp_locate(addr, true, w);
    vsp_put(t, "%s#%-2d ", indent, i);
    if (k == 0) {
        vsp_format_dladdr(buf, sizeof buf, addr);
        vsp_put(t, "%s\n", buf);
        return;
    }
    const char *module = vsp_module_of(addr);
    for (int j = 0; j < k; j++) {
        vsp_put_where(buf, sizeof buf, &w[j], true, false, module);
        if (j == 0)
            vsp_put(t, "%s\n", buf);
        else
            vsp_put(t, "%s    inlined in %s\n", indent, buf);
    }
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

void vsp_put_all_frames(struct vsp_text *t, void *const *frames, int n, const char *indent)
{
    for (int i = 0; i < n; i++)
        vsp_put_frame(t, frames[i], indent, i);
}

void vsp_put_frames(struct vsp_text *t, void *const *frames, int n, const char *indent)
{
    int first = 0;
    while (first < n - 1 && vsp_in_library(frames[first]))
        first++;
    vsp_put_all_frames(t, frames + first, n - first, indent);
}

void vsp_put_stack(struct vsp_text *t)
{
    void *frames[40];
    int n = backtrace(frames, 40);
    vsp_put(t, "Stack:\n");
    vsp_put_frames(t, frames + 1, n - 1, "  ");
}
