/*
 * ke/dpc.c - KDPC: KeInitializeDpc, KeInsertQueueDpc, KeRemoveQueueDpc, KeFlushQueuedDpcs,
 * and the thread that runs them.
 *
 * Windows runs a DPC on a processor's DPC queue at DISPATCH_LEVEL. Here there is one queue
 * for the process and one thread that empties it, started with the first insertion: it
 * takes the DPC off the queue (so the routine, or anyone, may queue it again), raises to
 * DISPATCH_LEVEL and calls DeferredRoutine(Dpc, DeferredContext, SystemArgument1,
 * SystemArgument2) inside a callout (check/callout.h), which reports a routine that returns
 * holding a spin lock or at another IRQL, as the host does for its routines.
 *
 * A DPC is queued exactly while DpcData is not NULL (it then points at the queue); its
 * DpcListEntry links it in. Under vsp_dpc_mutex. KeFlushQueuedDpcs waits by counting: every
 * insertion draws a ticket (queued), every DPC that leaves the queue (run or removed) is
 * done; a flush waits until done reaches the queued of its call, since the queue is FIFO.
 *
 * The DPC thread and the flushes are woken after vsp_dpc_mutex is let go, not under it: a
 * thread woken to a mutex still held goes back to sleep on the mutex, and its waker, having
 * paid for the wake-up's system call inside the critical section, then has to wake it a
 * second time (the host's DPC thread measured this: host/dpc.c).
 *
 * In the controlled mode (sched/sched.h) the DPC thread is a controlled thread, its waits
 * and a flush's are scheduler waits, and KeInsertQueueDpc, KeRemoveQueueDpc and
 * KeFlushQueuedDpcs are scheduling points made before the mutex is taken; a DPC's
 * delivery is one (DPC_RUN) that raises the thread to DISPATCH_LEVEL on a virtual
 * processor, and its return one that lowers it. No point is made with the mutex held.
 */
#include <pthread.h>
#include <time.h>

#include <vpspin/wdm.h>

#include "check/callout.h"
#include "check/verify.h"
#include "ke/dispatcher.h"
#include "ke/objects.h"
#include "sched/sched.h"
#include "verifier/track.h"

static pthread_mutex_t vsp_dpc_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vsp_dpc_wake = PTHREAD_COND_INITIALIZER; /* the thread: work, or stop */
static pthread_cond_t vsp_dpc_done = PTHREAD_COND_INITIALIZER; /* flushes: a DPC done */
static LIST_ENTRY vsp_dpc_queue = {&vsp_dpc_queue, &vsp_dpc_queue};
static unsigned long long vsp_dpc_queued, vsp_dpc_finished; /* tickets (above) */
static pthread_t vsp_dpc_thread;
static bool vsp_dpc_started, vsp_dpc_stop, vsp_dpc_running;

VOID KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext)
{
    Dpc->Type = VSP_DPC_OBJECT;
    Dpc->Importance = MediumImportance;
    Dpc->Number = 0;
    Dpc->DpcListEntry.Flink = Dpc->DpcListEntry.Blink = NULL;
    Dpc->DeferredRoutine = DeferredRoutine;
    Dpc->DeferredContext = DeferredContext;
    Dpc->SystemArgument1 = Dpc->SystemArgument2 = NULL;
    __atomic_store_n(&Dpc->DpcData, NULL, __ATOMIC_RELEASE);
}

static void vsp_dpc_run(PRKDPC dpc, PKDEFERRED_ROUTINE routine, PVOID context, PVOID a1, PVOID a2)
{
    struct vsp_thread *t = vsp_self();
    KIRQL old = t->irql;
    const void *site = (const void *)(ULONG_PTR)routine;
    vsp_sched_point(VSP_SP_DPC_RUN, dpc, DISPATCH_LEVEL, site); /* may wait for a processor */
    t->irql = DISPATCH_LEVEL; /* the port's own change, not a driver's raise: no rule */
    if (vsp_tracking())
        vsp_track_irql(t);
    struct vsp_callout c;
    vsp_callout_enter(&c, VSP_CTX_KE_DPC, (ULONG_PTR)routine, context);
    routine(dpc, context, a1, a2);
    vsp_callout_leave(&c);
    t->irql = old;
    if (vsp_tracking())
        vsp_track_irql(t);
    vsp_sched_point(VSP_SP_LOWER, dpc, old, site);
}

static void *vsp_dpc_main(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "vp-kdpc");
    vsp_sched_enter(NULL); /* its first step, before it looks at the queue */
    pthread_mutex_lock(&vsp_dpc_mutex);
    while (!vsp_dpc_stop || !IsListEmpty(&vsp_dpc_queue)) {
        if (IsListEmpty(&vsp_dpc_queue)) {
            vsp_sched_cond_wait(&vsp_dpc_wake, &vsp_dpc_mutex, 0);
            continue;
        }
        PRKDPC dpc = CONTAINING_RECORD(RemoveHeadList(&vsp_dpc_queue), KDPC, DpcListEntry);
        PKDEFERRED_ROUTINE routine = dpc->DeferredRoutine;
        PVOID context = dpc->DeferredContext, a1 = dpc->SystemArgument1, a2 = dpc->SystemArgument2;
        __atomic_store_n(&dpc->DpcData, NULL, __ATOMIC_RELEASE);
        vsp_dpc_running = true;
        pthread_mutex_unlock(&vsp_dpc_mutex);
        vsp_dpc_run(dpc, routine, context, a1, a2);
        pthread_mutex_lock(&vsp_dpc_mutex);
        vsp_dpc_running = false;
        vsp_dpc_finished++;
        pthread_mutex_unlock(&vsp_dpc_mutex);
        vsp_sched_cond_broadcast(&vsp_dpc_done);
        pthread_mutex_lock(&vsp_dpc_mutex);
    }
    pthread_mutex_unlock(&vsp_dpc_mutex);
    return NULL;
}

/* A forked child has no DPC thread: the next insertion starts one, which runs what the
 * parent had queued. */
static void vsp_dpc_atfork_child(void)
{
    pthread_mutex_init(&vsp_dpc_mutex, NULL);
    pthread_cond_init(&vsp_dpc_wake, NULL);
    pthread_cond_init(&vsp_dpc_done, NULL);
    vsp_dpc_started = vsp_dpc_running = false;
}

static pthread_once_t vsp_dpc_once = PTHREAD_ONCE_INIT;
static void vsp_dpc_once_init(void) { pthread_atfork(NULL, NULL, vsp_dpc_atfork_child); }

BOOLEAN vsp_dpc_insert(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    if (Dpc == NULL || Dpc->Type != VSP_DPC_OBJECT || Dpc->DeferredRoutine == NULL) {
        if (vsp_checking())
            vsp_report_service(VSP_API_KeInsertQueueDpc, VSP_RULE_OBJECT, (ULONG_PTR)Dpc,
                               Dpc != NULL ? Dpc->Type : 0, 0);
        return FALSE;
    }
    BOOLEAN queued = FALSE;
    pthread_mutex_lock(&vsp_dpc_mutex);
    if (Dpc->DpcData == NULL && (vsp_dpc_started || !vsp_dpc_stop)) {
        if (!vsp_dpc_started) {
            pthread_once(&vsp_dpc_once, vsp_dpc_once_init);
            vsp_dpc_started = vsp_sched_create(&vsp_dpc_thread, vsp_dpc_main, NULL) == 0;
        }
        if (vsp_dpc_started) {
            Dpc->SystemArgument1 = SystemArgument1;
            Dpc->SystemArgument2 = SystemArgument2;
            __atomic_store_n(&Dpc->DpcData, (PVOID)&vsp_dpc_queue, __ATOMIC_RELEASE);
            InsertTailList(&vsp_dpc_queue, &Dpc->DpcListEntry);
            vsp_dpc_queued++;
            queued = TRUE;
        }
    }
    pthread_mutex_unlock(&vsp_dpc_mutex);
    if (queued)
        vsp_sched_cond_broadcast(&vsp_dpc_wake);
    return queued;
}

BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    vsp_sched_point(VSP_SP_DPC_QUEUE, Dpc, VSP_SCHED_SAME_IRQL, __builtin_return_address(0));
    return vsp_dpc_insert(Dpc, SystemArgument1, SystemArgument2);
}

/* Takes a queued DPC off the queue; under vsp_dpc_mutex. */
static void vsp_dpc_unqueue(PRKDPC dpc)
{
    RemoveEntryList(&dpc->DpcListEntry);
    __atomic_store_n(&dpc->DpcData, NULL, __ATOMIC_RELEASE);
    vsp_dpc_finished++;
    vsp_sched_cond_broadcast(&vsp_dpc_done);
}

BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc)
{
    BOOLEAN removed = FALSE;
    vsp_sched_point(VSP_SP_DPC_REMOVE, Dpc, VSP_SCHED_SAME_IRQL, __builtin_return_address(0));
    pthread_mutex_lock(&vsp_dpc_mutex);
    if (Dpc != NULL && Dpc->DpcData == (PVOID)&vsp_dpc_queue) {
        vsp_dpc_unqueue(Dpc);
        removed = TRUE;
    }
    pthread_mutex_unlock(&vsp_dpc_mutex);
    return removed;
}

VOID KeFlushQueuedDpcs(VOID)
{
    if (!vsp_irql_allows(VSP_API_KeFlushQueuedDpcs, VSP_RULE_IRQL, PASSIVE_LEVEL, 0, 0))
        return;
    vsp_sched_point(VSP_SP_DPC_FLUSH, &vsp_dpc_queue, VSP_SCHED_SAME_IRQL,
                    __builtin_return_address(0));
    pthread_mutex_lock(&vsp_dpc_mutex);
    /* From the DPC thread itself it would wait for itself. */
    if (!vsp_dpc_started || !pthread_equal(pthread_self(), vsp_dpc_thread)) {
        unsigned long long ticket = vsp_dpc_queued;
        while (vsp_dpc_finished < ticket)
            vsp_sched_cond_wait(&vsp_dpc_done, &vsp_dpc_mutex, 0);
    }
    pthread_mutex_unlock(&vsp_dpc_mutex);
}

const void *vsp_dpc_within(const void *p, size_t size)
{
    const void *found = NULL;
    pthread_mutex_lock(&vsp_dpc_mutex);
    for (PLIST_ENTRY e = vsp_dpc_queue.Flink; e != &vsp_dpc_queue && found == NULL; e = e->Flink)
        if (vsp_inside(CONTAINING_RECORD(e, KDPC, DpcListEntry), p, size))
            found = CONTAINING_RECORD(e, KDPC, DpcListEntry);
    pthread_mutex_unlock(&vsp_dpc_mutex);
    return found;
}

size_t vsp_dpcs_remove_within(const void *p, size_t size)
{
    size_t n = 0;
    pthread_mutex_lock(&vsp_dpc_mutex);
    for (PLIST_ENTRY e = vsp_dpc_queue.Flink, next; e != &vsp_dpc_queue; e = next) {
        next = e->Flink;
        PRKDPC dpc = CONTAINING_RECORD(e, KDPC, DpcListEntry);
        if (vsp_inside(dpc, p, size)) {
            vsp_dpc_unqueue(dpc);
            n++;
        }
    }
    pthread_mutex_unlock(&vsp_dpc_mutex);
    return n;
}

/* At exit an idle DPC thread ends and is joined (so memory checkers see nothing of it
 * held); one still busy is left to the process's exit, since joining it could wait for a
 * routine that never returns. */
__attribute__((destructor)) static void vsp_dpc_exit(void)
{
    pthread_mutex_lock(&vsp_dpc_mutex);
    bool started = vsp_dpc_started && !pthread_equal(pthread_self(), vsp_dpc_thread) &&
                   !vsp_dpc_running && IsListEmpty(&vsp_dpc_queue);
    if (started)
        vsp_dpc_stop = true;
    vsp_sched_cond_broadcast(&vsp_dpc_wake);
    pthread_mutex_unlock(&vsp_dpc_mutex);
    if (started)
        vsp_sched_join(vsp_dpc_thread, NULL);
}
