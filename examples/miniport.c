/*
 * miniport.c - a minimal miniport-style program on vpspin.
 *
 * The device extension holds a counter and the VideoPort spin lock that protects it.
 * "StartIo" threads at PASSIVE_LEVEL take the lock with VideoPortAcquireSpinLock (which
 * raises them to DISPATCH_LEVEL and back); "DPC" threads raise themselves to
 * DISPATCH_LEVEL once and take it with the AtDpcLevel variant. The program prints one
 * line and exits 0 if the counter is exact and every call ran at the IRQL it expects.
 *
 * Build it against an installed vpspin with examples/pkgconfig/Makefile (pkg-config) or
 * examples/cmake/CMakeLists.txt (find_package); tools/check-install.sh does both.
 */
#include <pthread.h>
#include <stdio.h>

#include <vpspin/video.h>

#define STARTIO_THREADS  2
#define DPC_THREADS      2
#define CALLS_PER_THREAD 50000

typedef struct _HW_DEVICE_EXTENSION {
    PSPIN_LOCK CounterLock;
    ULONG Counter;   /* under CounterLock */
    LONG IrqlErrors; /* interlocked: calls made at an IRQL they did not expect */
} HW_DEVICE_EXTENSION, *PHW_DEVICE_EXTENSION;

static VOID ExpectIrql(PHW_DEVICE_EXTENSION Ext, UCHAR Irql)
{
    if (VideoPortGetCurrentIrql() != Irql)
        VideoPortInterlockedIncrement(&Ext->IrqlErrors);
}

/* IRQL <= DISPATCH_LEVEL: the StartIo path. */
static VOID HwStartIo(PHW_DEVICE_EXTENSION Ext)
{
    UCHAR OldIrql;
    VideoPortAcquireSpinLock(Ext, Ext->CounterLock, &OldIrql);
    ExpectIrql(Ext, DISPATCH_LEVEL);
    Ext->Counter++;
    VideoPortReleaseSpinLock(Ext, Ext->CounterLock, OldIrql);
}

/* DISPATCH_LEVEL: the DPC path. */
static VOID HwDpc(PHW_DEVICE_EXTENSION Ext)
{
    VideoPortAcquireSpinLockAtDpcLevel(Ext, Ext->CounterLock);
    Ext->Counter++;
    VideoPortReleaseSpinLockFromDpcLevel(Ext, Ext->CounterLock);
}

static void *StartIoThread(void *Arg)
{
    PHW_DEVICE_EXTENSION Ext = Arg;
    for (int i = 0; i < CALLS_PER_THREAD; i++) {
        HwStartIo(Ext);
        ExpectIrql(Ext, PASSIVE_LEVEL); /* the release lowered it again */
    }
    return NULL;
}

static void *DpcThread(void *Arg)
{
    PHW_DEVICE_EXTENSION Ext = Arg;
    KIRQL OldIrql;
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql); /* a thread plays a DPC: raise first */
    for (int i = 0; i < CALLS_PER_THREAD; i++) {
        HwDpc(Ext);
        ExpectIrql(Ext, DISPATCH_LEVEL);
    }
    KeLowerIrql(OldIrql);
    return NULL;
}

int main(void)
{
    static HW_DEVICE_EXTENSION Ext;
    pthread_t Threads[STARTIO_THREADS + DPC_THREADS];
    int n = 0;

    VP_STATUS Status = VideoPortCreateSpinLock(&Ext, &Ext.CounterLock);
    if (Status != NO_ERROR) {
        fprintf(stderr, "miniport: VideoPortCreateSpinLock failed: %ld\n", (long)Status);
        return 1;
    }
    for (int i = 0; i < STARTIO_THREADS; i++)
        if (pthread_create(&Threads[n++], NULL, StartIoThread, &Ext) != 0)
            return 1;
    for (int i = 0; i < DPC_THREADS; i++)
        if (pthread_create(&Threads[n++], NULL, DpcThread, &Ext) != 0)
            return 1;
    for (int i = 0; i < n; i++)
        pthread_join(Threads[i], NULL);
    Status = VideoPortDeleteSpinLock(&Ext, Ext.CounterLock);

    ULONG Expected = (ULONG)n * CALLS_PER_THREAD;
    int Ok = Ext.Counter == Expected && Ext.IrqlErrors == 0 && Status == NO_ERROR;
    printf("miniport: counter %lu of %lu from %d StartIo (PASSIVE_LEVEL) and %d DPC "
           "(DISPATCH_LEVEL) threads, %ld IRQL errors: %s\n",
           (unsigned long)Ext.Counter, (unsigned long)Expected, STARTIO_THREADS, DPC_THREADS,
           (long)Ext.IrqlErrors, Ok ? "OK" : "FAILED");
    return Ok ? 0 : 1;
}
