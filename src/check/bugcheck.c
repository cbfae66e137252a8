/*
 * check/bugcheck.c - the report a failed check makes, in the shape of a Windows bug check:
 *
 *   *** STOP: 0x000000C4 (0x0000000000001000,0x00007F...,0x...,0x...)
 *   DRIVER_VERIFIER_DETECTED_VIOLATION
 *   Rule:   spin lock acquired again by the thread that holds it (it would spin forever)
 *   API:    VideoPortAcquireSpinLock
 *   Lock:   ...what the lock is and what its word says...
 *   Thread: 4242 "dpc-0" at DISPATCH_LEVEL (2)
 *   Stack:  ...backtrace...
 *
 * The first line's format is fixed (tools grep for it). Reports are serialised, so two
 * threads failing at once give two whole reports; then the handler runs (or abort()).
 */
#include "check/bugcheck.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "check/lockinfo.h"
#include "lock/lockword.h"
#include "lock/thread.h"

static pthread_mutex_t vsp_report_mutex = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static vpspin_bugcheck_handler vsp_handler; /* under vsp_report_mutex */
static void *vsp_handler_context;
static ULONG vsp_reports; /* atomic */

vpspin_bugcheck_handler vpspin_set_bugcheck_handler(vpspin_bugcheck_handler Handler,
                                                    void *Context)
{
    pthread_mutex_lock(&vsp_report_mutex);
    vpspin_bugcheck_handler old = vsp_handler;
    vsp_handler = Handler;
    vsp_handler_context = Context;
    pthread_mutex_unlock(&vsp_report_mutex);
    return old;
}

ULONG vpspin_bugcheck_count(void) { return __atomic_load_n(&vsp_reports, __ATOMIC_RELAXED); }

const char *vsp_irql_name(unsigned irql)
{
    static const char *const names[] = {"PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL"};
    if (irql < 3)
        return names[irql];
    return irql <= HIGH_LEVEL ? "device IRQL" : "invalid IRQL";
}

static const char *vsp_kind_name(unsigned kind)
{
    switch (kind) {
    case VSP_PLAIN:
        return "raising acquire";
    case VSP_PLAIN_DPC:
        return "AtDpcLevel acquire";
    case VSP_QUEUED:
        return "in-stack queued acquire";
    default:
        return "in-stack queued AtDpcLevel acquire";
    }
}

void vsp_put_word(struct vsp_text *t, ULONG_PTR w)
{
    uint32_t r = vsp_word_owner(w);
    if (r == 0)
        vsp_put(t, "free (0x%llX)", (unsigned long long)w);
    else if (vsp_record_is_handoff(r))
        vsp_put(t, "being handed to a waiter (0x%llX)", (unsigned long long)w);
    else
        vsp_put(t, "held (0x%llX) by thread %d through a %s", (unsigned long long)w,
                vsp_record_tid(r), vsp_kind_name(vsp_record_kind(r)));
    if (r != 0 && !vsp_record_is_handoff(r) && !(r & VSP_W_DPC))
        vsp_put(t, " from %s (%u)", vsp_irql_name(vsp_record_irql(r)), vsp_record_irql(r));
    if (w != r)
        vsp_put(t, ", with waiters");
}

static void vsp_put_lock(struct vsp_text *t, const struct vsp_violation *v)
{
    if (v->lock == NULL) {
        vsp_put(t, "Lock:   %s\n", v->lock_readable ? "none" : "NULL");
        return;
    }
    struct vsp_lock_info info;
    if (vsp_lock_describe(v->lock, &info)) {
        vsp_put(t, "Lock:   %p, %s #%lu (%s), created by ", v->lock, info.kind, info.serial,
                info.live ? "live" : "deleted");
        vsp_put_code_address(t, info.creator);
        vsp_put(t, " for HwDeviceExtension %p;\n        ", info.owner);
        vsp_put_word(t, __atomic_load_n((const ULONG_PTR *)v->lock, __ATOMIC_RELAXED));
    } else if (v->lock_readable) {
        vsp_put(t, "Lock:   KSPIN_LOCK at %p, ", v->lock);
        vsp_put_word(t, __atomic_load_n((const ULONG_PTR *)v->lock, __ATOMIC_RELAXED));
    } else {
        vsp_put(t, "Lock:   %p, not a lock (not dereferenced)", v->lock);
    }
    vsp_put(t, "\n");
}

static void vsp_put_thread(struct vsp_text *t)
{
    char name[32] = "";
    pthread_getname_np(pthread_self(), name, sizeof name);
    KIRQL irql = vsp_self()->irql;
    vsp_put(t, "Thread: %d \"%s\" at %s (%u)\n", vsp_tid(), name, vsp_irql_name(irql), irql);
}

static const char *vsp_bugcheck_name(ULONG code)
{
    switch (code) {
    case VSP_DRIVER_VERIFIER_DETECTED_VIOLATION:
        return "DRIVER_VERIFIER_DETECTED_VIOLATION";
    case VSP_DPC_WATCHDOG_VIOLATION:
        return "DPC_WATCHDOG_VIOLATION";
    default: /* VSP_IRQL_UNEXPECTED_VALUE: vpspin makes no other bug check */
        return "IRQL_UNEXPECTED_VALUE";
    }
}

/* ---- Report and continue --------------------------------------------------------------
 * In this mode (VPSPIN_REPORT=continue, vpspin_set_report_mode) a report with no handler
 * does not abort, and each problem is reported once: a report whose code and first two
 * parameters (the rule and, mostly, the lock) were reported before is only counted. */
#define VSP_SEEN_MAX 1024u
static vpspin_report_mode vsp_report_mode = VPSPIN_REPORT_ABORT; /* under the mutex */
static ULONG_PTR vsp_seen[VSP_SEEN_MAX][3];
static unsigned vsp_nseen;
static ULONG vsp_repeats; /* under the mutex */

static void vsp_report_summary(void);
static void vsp_summary_at_exit(void);

vpspin_report_mode vpspin_set_report_mode(vpspin_report_mode Mode)
{
    pthread_mutex_lock(&vsp_report_mutex);
    vpspin_report_mode old = vsp_report_mode;
    if (Mode == VPSPIN_REPORT_ABORT || Mode == VPSPIN_REPORT_CONTINUE)
        vsp_report_mode = Mode;
    pthread_mutex_unlock(&vsp_report_mutex);
    if (Mode == VPSPIN_REPORT_CONTINUE)
        vsp_summary_at_exit();
    return old;
}

/* Whether v was reported before (remembering it if not); under the mutex. */
static bool vsp_seen_before(const struct vsp_violation *v)
{
    for (unsigned i = 0; i < vsp_nseen; i++)
        if (vsp_seen[i][0] == v->code && vsp_seen[i][1] == v->p[0] && vsp_seen[i][2] == v->p[1])
            return true;
    if (vsp_nseen < VSP_SEEN_MAX) {
        vsp_seen[vsp_nseen][0] = v->code;
        vsp_seen[vsp_nseen][1] = v->p[0];
        vsp_seen[vsp_nseen][2] = v->p[1];
        vsp_nseen++;
    }
    return false;
}

static void vsp_summary_at_exit(void)
{
    static bool registered; /* atomic */
    if (!__atomic_exchange_n(&registered, true, __ATOMIC_RELAXED))
        atexit(vsp_report_summary);
}

static void vsp_report_summary(void)
{
    pthread_mutex_lock(&vsp_report_mutex);
    if (vsp_report_mode == VPSPIN_REPORT_CONTINUE && vsp_reports + vsp_repeats != 0)
        fprintf(stderr, "vpspin: %lu bug check report(s), %lu repeat(s) not shown\n",
                (unsigned long)vsp_reports, (unsigned long)vsp_repeats);
    pthread_mutex_unlock(&vsp_report_mutex);
}

__attribute__((constructor)) static void vsp_report_mode_from_env(void)
{
    const char *s = getenv("VPSPIN_REPORT");
    if (s == NULL || *s == '\0' || strcmp(s, "abort") == 0)
        return;
    if (strcmp(s, "continue") == 0)
        vsp_report_mode = VPSPIN_REPORT_CONTINUE;
    else
        fprintf(stderr, "vpspin: VPSPIN_REPORT=%s is not abort or continue; using abort\n", s);
    vsp_summary_at_exit();
}

void vsp_bugcheck(const struct vsp_violation *v)
{
    struct vsp_text *t = vsp_alloc(sizeof *t);
    static struct vsp_text fallback; /* used under the mutex if that fails */

    pthread_mutex_lock(&vsp_report_mutex);
    if (vsp_report_mode == VPSPIN_REPORT_CONTINUE && vsp_seen_before(v)) {
        vsp_repeats++;
        pthread_mutex_unlock(&vsp_report_mutex);
        free(t);
        return;
    }
    if (t == NULL)
        t = &fallback;
    vsp_text_clear(t);
    vsp_put(t, "*** STOP: 0x%08X (0x%016llX,0x%016llX,0x%016llX,0x%016llX)\n", v->code,
            (unsigned long long)v->p[0], (unsigned long long)v->p[1],
            (unsigned long long)v->p[2], (unsigned long long)v->p[3]);
    vsp_put(t, "%s\n", vsp_bugcheck_name(v->code));
    vsp_put(t, "Rule:   %s\n", v->rule);
    vsp_put(t, "API:    %s\n", vsp_api_name(v->api));
    vsp_put_lock(t, v);
    vsp_put_thread(t);
    if (v->detail != NULL)
        vsp_put(t, "%s", v->detail);
    if (v->api != VSP_API_Watchdog)
        vsp_put_stack(t);
    for (size_t off = 0; off < t->len;) {
        ssize_t n = write(STDERR_FILENO, t->buf + off, t->len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    __atomic_add_fetch(&vsp_reports, 1, __ATOMIC_RELAXED);

    vpspin_bugcheck_handler handler = vsp_handler;
    if (handler == NULL && vsp_report_mode == VPSPIN_REPORT_ABORT)
        abort();
    vpspin_bugcheck report = {
        .BugCheckCode = v->code,
        .Parameter1 = v->p[0],
        .Parameter2 = v->p[1],
        .Parameter3 = v->p[2],
        .Parameter4 = v->p[3],
        .Name = vsp_bugcheck_name(v->code),
        .Rule = v->rule,
        .Api = vsp_api_name(v->api),
        .Text = t->buf,
    };
    if (handler != NULL)
        handler(&report, vsp_handler_context);
    pthread_mutex_unlock(&vsp_report_mutex);
    if (t != &fallback)
        free(t);
}
