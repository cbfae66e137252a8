// The API called from C++: links only if every declaration is extern "C".
#include <vpspin/vpspin.h>

extern "C" int cxx_irql_roundtrip(void)
{
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    bool ok = old == PASSIVE_LEVEL && KeGetCurrentIrql() == DISPATCH_LEVEL;
    KeLowerIrql(old);
    return ok && VideoPortGetCurrentIrql() == PASSIVE_LEVEL;
}

extern "C" int cxx_videoport_lock(void)
{
    PSPIN_LOCK lock = nullptr;
    UCHAR old = 0xFF;
    if (VideoPortCreateSpinLock(nullptr, &lock) != NO_ERROR)
        return 0;
    VideoPortAcquireSpinLock(nullptr, lock, &old);
    bool ok = old == PASSIVE_LEVEL && VideoPortGetCurrentIrql() == DISPATCH_LEVEL;
    VideoPortReleaseSpinLock(nullptr, lock, old);
    KSPIN_LOCK k;
    KLOCK_QUEUE_HANDLE h;
    KeInitializeSpinLock(&k);
    KeAcquireInStackQueuedSpinLock(&k, &h);
    ok = ok && k != 0 && h.OldIrql == PASSIVE_LEVEL;
    KeReleaseInStackQueuedSpinLock(&h);
    return ok && k == 0 && VideoPortDeleteSpinLock(nullptr, lock) == NO_ERROR;
}
