/*
 * test_services.c - a video miniport written against the WDK's header names, as a driver
 * developer writes one, that calls every VideoPort service vpspin provides from the
 * routines the host runs it in, and checks what each does; then the IRQL and object rules
 * of those services, each firing once and silent at the highest IRQL it allows.
 *
 * The miniport (the first half) does its work in HwStartIO: the test program (the second
 * half) sends it one request per service family, with an output buffer for the results.
 * Its ISR queues a DPC that sets an event HwStartIO waits for with a timeout; its
 * HwFindAdapter takes its services through ConfigInfo->VideoPortGetProcAddress and reads
 * the registry the program preloaded. At the end the device is stopped with pool and an
 * event left unfreed, and the leak report on stderr is checked.
 */
/* Built with -DDBG=1 (tests/CMakeLists.txt): VideoDebugPrint is kept, as in a checked build. */

#include <dderror.h>
#include <devioctl.h>
#include <miniport.h>
#include <ntddvdeo.h>
#include <video.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "check.h"

/* ===== The miniport ======================================================================= */

#define IOCTL_TEST(n)     CTL_CODE(FILE_DEVICE_VIDEO, 0x800 + (n), METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_MEMORY      IOCTL_TEST(0)
#define IOCTL_EVENTS      IOCTL_TEST(1)
#define IOCTL_REGISTRY    IOCTL_TEST(2)
#define IOCTL_SYSTEM      IOCTL_TEST(3)
#define IOCTL_LEAK        IOCTL_TEST(4)
#define IOCTL_RULE        IOCTL_TEST(5)
#define IOCTL_DEVICE_LOCK IOCTL_TEST(6)

typedef struct _HW_DEVICE_EXTENSION {
    PSPIN_LOCK Lock;
    PEVENT DpcDone;  /* set by the DPC the ISR queues */
    LONG DpcsRun;    /* interlocked */
    LONG Interrupts; /* interlocked */
    PVIDEO_PORT_GET_PROC_ADDRESS GetProcAddress;
    ULONG XResolution; /* from the registry, in HwFindAdapter */
    WCHAR Name[32];
    PVOID Leaked; /* freed by nobody: the stop reports it */
    KTIMER Timer; /* set far ahead and left so: the stop cancels it */
} HW_DEVICE_EXTENSION, *PHW_DEVICE_EXTENSION;

typedef struct _RESULTS {
    ULONG Values[32];
} RESULTS;

static VOID MpDpc(PVOID HwDeviceExtension, PVOID Context)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    UNREFERENCED_PARAMETER(Context);
    VideoPortInterlockedIncrement(&ext->DpcsRun);
    VideoPortSetEvent(ext, ext->DpcDone); /* at DISPATCH_LEVEL: allowed */
}

static BOOLEAN MpInterrupt(PVOID HwDeviceExtension)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    VideoPortInterlockedIncrement(&ext->Interrupts);
    VideoPortQueueDpc(ext, MpDpc, NULL);
    return TRUE;
}

static VP_STATUS MpDwordCallback(PVOID HwDeviceExtension, PVOID Context, PWSTR ValueName,
                                 PVOID ValueData, ULONG ValueLength)
{
    UNREFERENCED_PARAMETER(HwDeviceExtension);
    UNREFERENCED_PARAMETER(ValueName);
    if (ValueLength != sizeof(ULONG))
        return ERROR_INVALID_PARAMETER;
    VideoPortMoveMemory(Context, ValueData, sizeof(ULONG));
    return NO_ERROR;
}

static VP_STATUS MpStringCallback(PVOID HwDeviceExtension, PVOID Context, PWSTR ValueName,
                                  PVOID ValueData, ULONG ValueLength)
{
    UNREFERENCED_PARAMETER(HwDeviceExtension);
    UNREFERENCED_PARAMETER(ValueName);
    if (ValueLength > 31 * sizeof(WCHAR))
        return ERROR_MORE_DATA;
    VideoPortZeroMemory(Context, 32 * sizeof(WCHAR));
    VideoPortMoveMemory(Context, ValueData, ValueLength);
    return NO_ERROR;
}

static VP_STATUS MpFindAdapter(PVOID HwDeviceExtension, PVOID HwContext, PWSTR ArgumentString,
                               PVIDEO_PORT_CONFIG_INFO ConfigInfo, PUCHAR Again)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    UNREFERENCED_PARAMETER(HwContext);
    UNREFERENCED_PARAMETER(ArgumentString);
    *Again = FALSE;
    if (ConfigInfo->Length < sizeof(VIDEO_PORT_CONFIG_INFO) ||
        ConfigInfo->VideoPortGetProcAddress == NULL || ConfigInfo->DriverRegistryPath == NULL ||
        ConfigInfo->DriverRegistryPath[0] != L'\\')
        return ERROR_DEV_NOT_EXIST;
    ext->GetProcAddress = ConfigInfo->VideoPortGetProcAddress;
    /* A service taken by name, as miniports do for those of newer systems. */
    typedef VP_STATUS (*CREATE_EVENT)(PVOID, ULONG, PVOID, PEVENT *);
    CREATE_EVENT create =
        (CREATE_EVENT)(ULONG_PTR)ext->GetProcAddress(ext, (PUCHAR) "VideoPortCreateEvent");
    if (create == NULL || create(ext, SYNCHRONIZATION_EVENT, NULL, &ext->DpcDone) != NO_ERROR)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (VideoPortGetRegistryParameters(ext, L"DefaultSettings.XResolution", FALSE, MpDwordCallback,
                                       &ext->XResolution) != NO_ERROR)
        ext->XResolution = 640;
    VideoPortGetRegistryParameters(ext, L"hardwareinformation.chiptype", FALSE, MpStringCallback,
                                   ext->Name);
    ConfigInfo->BusInterruptLevel = 6;
    return VideoPortCreateSpinLock(ext, &ext->Lock);
}

static BOOLEAN MpInitialize(PVOID HwDeviceExtension)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    KeInitializeTimer(&ext->Timer);
    return TRUE;
}

/* IOCTL_MEMORY: the memory services. */
static VOID MpMemory(PHW_DEVICE_EXTENSION ext, RESULTS *r)
{
    UCHAR a[16], b[16];
    VideoPortZeroMemory(a, sizeof a);
    VideoPortZeroDeviceMemory(b, sizeof b);
    r->Values[0] = VideoPortCompareMemory(a, b, sizeof a); /* 16 */
    a[5] = 1;
    r->Values[1] = VideoPortCompareMemory(a, b, sizeof a); /* 5 */
    VideoPortMoveMemory(b, a, sizeof a);
    r->Values[2] = VideoPortCompareMemory(a, b, sizeof a); /* 16 */
    PUCHAR p = VideoPortAllocatePool(ext, VpNonPagedPool, 64, 'loPM');
    PUCHAR q = VideoPortAllocatePool(ext, VpPagedPool, 32, 'loPM');
    r->Values[3] = p != NULL && q != NULL;
    if (p != NULL)
        VideoPortZeroMemory(p, 64);
    PVOID buffer = NULL;
    r->Values[4] = VideoPortAllocateBuffer(ext, 100, &buffer); /* NO_ERROR */
    r->Values[5] = buffer != NULL;
    r->Values[6] = VideoPortAllocateBuffer(ext, 100, NULL); /* ERROR_INVALID_PARAMETER */
    VideoPortReleaseBuffer(ext, buffer);
    VideoPortFreePool(ext, q);
    VideoPortFreePool(ext, p);
    /* At DISPATCH_LEVEL, nonpaged pool is allowed. */
    UCHAR old;
    VideoPortAcquireSpinLock(ext, ext->Lock, &old);
    p = VideoPortAllocatePool(ext, VpNonPagedPoolCacheAligned, 8, 'loPM');
    VideoPortFreePool(ext, p);
    VideoPortReleaseSpinLock(ext, ext->Lock, old);
    r->Values[7] = p != NULL;
}

/* IOCTL_EVENTS: events and timed waits; the DPC the ISR queues sets one. */
static VOID MpEvents(PHW_DEVICE_EXTENSION ext, RESULTS *r)
{
    PEVENT e = NULL;
    r->Values[0] = VideoPortCreateEvent(ext, NOTIFICATION_EVENT, NULL, &e);
    r->Values[1] = VideoPortReadStateEvent(ext, e);    /* 0 */
    LARGE_INTEGER timeout = {.QuadPart = -10 * 10000}; /* 10 ms */
    LONGLONG f, t0 = VideoPortQueryPerformanceCounter(ext, &f);
    r->Values[2] = VideoPortWaitForSingleObject(ext, e, &timeout); /* WAIT_TIMEOUT */
    r->Values[3] = (VideoPortQueryPerformanceCounter(ext, NULL) - t0) * 1000 / f >= 10;
    r->Values[4] = VideoPortSetEvent(ext, e);                      /* 0: was not signaled */
    r->Values[5] = VideoPortWaitForSingleObject(ext, e, &timeout); /* NO_ERROR */
    r->Values[6] = VideoPortReadStateEvent(ext, e);                /* 1: stays signaled */
    VideoPortClearEvent(ext, e);
    r->Values[7] = VideoPortReadStateEvent(ext, e); /* 0 */
    r->Values[8] = VideoPortDeleteEvent(ext, e);    /* NO_ERROR */
    /* A KEVENT the miniport owns works the same. */
    KEVENT k;
    KeInitializeEvent(&k, NotificationEvent, TRUE);
    r->Values[9] = VideoPortWaitForSingleObject(ext, &k, NULL); /* NO_ERROR */
    /* The ISR's DPC sets DpcDone: the request waits for it (raised by the program). */
    LARGE_INTEGER second = {.QuadPart = -100000000LL}; /* 10 s: the program raises it now */
    r->Values[10] = VideoPortWaitForSingleObject(ext, ext->DpcDone, &second);
    r->Values[11] =
        (ULONG)__atomic_load_n(&ext->DpcsRun, __ATOMIC_ACQUIRE); /* the DPC runs beside */
}

/* IOCTL_REGISTRY: what HwFindAdapter read, and a value written then read back. */
static VOID MpRegistry(PHW_DEVICE_EXTENSION ext, RESULTS *r)
{
    r->Values[0] = ext->XResolution;
    r->Values[1] = ext->Name[0];
    r->Values[2] = ext->Name[4];
    ULONG mode = 0x1234;
    r->Values[3] = VideoPortSetRegistryParameters(ext, L"CurrentMode", &mode, sizeof mode);
    ULONG back = 0;
    r->Values[4] =
        VideoPortGetRegistryParameters(ext, L"CURRENTMODE", FALSE, MpDwordCallback, &back);
    r->Values[5] = back;
    r->Values[6] =
        VideoPortGetRegistryParameters(ext, L"NoSuchValue", FALSE, MpDwordCallback, &back);
    WCHAR file[32];
    r->Values[7] = VideoPortGetRegistryParameters(ext, L"BiosFile", TRUE, MpStringCallback, file);
    r->Values[8] = file[0] | (ULONG)file[1] << 16; /* the file's bytes, as UTF-16 pairs */
    r->Values[9] = VideoPortFlushRegistry(ext);
    r->Values[10] = VideoPortSetRegistryParameters(ext, NULL, &mode, sizeof mode);
}

/* IOCTL_SYSTEM: version, time, debug output, error log, interrupts, stubs. */
static VOID MpSystem(PHW_DEVICE_EXTENSION ext, PVIDEO_REQUEST_PACKET rp, RESULTS *r)
{
    VPOSVERSIONINFO v;
    VideoPortZeroMemory(&v, sizeof v);
    v.Size = sizeof v;
    r->Values[0] = VideoPortGetVersion(ext, &v);
    r->Values[1] = v.MajorVersion << 16 | v.MinorVersion;
    r->Values[2] = v.BuildNumber;
    v.Size = 4;
    r->Values[3] = VideoPortGetVersion(ext, &v); /* ERROR_INVALID_PARAMETER */
    LARGE_INTEGER t;
    VideoPortQuerySystemTime(&t);
    r->Values[4] = t.QuadPart > 132223104000000000LL; /* after 2020 */
    VideoDebugPrint((Error, "test_services: VideoDebugPrint error %d\n", 1));
    VideoDebugPrint((Trace, "test_services: trace, filtered out by default\n"));
    VideoPortDebugPrint(Warn, "test_services: warning %s\n", "two");
    VideoPortLogError(ext, rp, ERROR_INVALID_PARAMETER, 0x5150);
    r->Values[5] = VideoPortDisableInterrupt(ext); /* NO_ERROR */
    r->Values[6] = VideoPortEnableInterrupt(ext);
    r->Values[7] = VideoPortQueryServices(ext, VideoPortServicesInt10, NULL);
    r->Values[8] = VideoPortIsNoVesa();
    r->Values[9] = VideoPortRegisterBugcheckCallback(ext, 0xEA, NULL, 0);
    r->Values[10] = VideoPortDbgReportCreate(ext, 0, 0, 0, 0, 0) == NULL;
    r->Values[11] = VideoPortDbgReportSecondaryData(NULL, NULL, 0);
    VideoPortDbgReportComplete(NULL);
    r->Values[12] = ext->GetProcAddress(ext, (PUCHAR) "VideoPortNoSuchService") == NULL;
    r->Values[13] = ext->GetProcAddress(ext, NULL) == NULL;
}

/* IOCTL_LEAK: pool, a buffer and an event never freed, and a Ke timer left set in the
 * extension: the device's stop reports and frees them. */
static VOID MpLeak(PHW_DEVICE_EXTENSION ext, RESULTS *r)
{
    ext->Leaked = VideoPortAllocatePool(ext, VpNonPagedPool, 40, 'kaeL');
    /* A tag with bytes that are not printable: shown as '.' (low byte first: 'A..B'). */
    VideoPortAllocatePool(ext, VpPagedPool, 8, 0x42FF0141);
    PVOID buffer;
    VideoPortAllocateBuffer(ext, 24, &buffer);
    PEVENT e;
    VideoPortCreateEvent(ext, SYNCHRONIZATION_EVENT, NULL, &e);
    LARGE_INTEGER far = {.QuadPart = -3600LL * 10000000};
    KeSetTimer(&ext->Timer, far, NULL);
    r->Values[0] = ext->Leaked != NULL && buffer != NULL && e != NULL;
}

/* IOCTL_RULE: one call that breaks a rule (Values[0] says which), at the IRQL Values[1]. */
enum {
    R_REGISTRY_GET,
    R_REGISTRY_SET,
    R_SET_EVENT,
    R_WAIT,
    R_CREATE_EVENT,
    R_DELETE_EVENT_BAD,
    R_POOL_PAGED,
    R_POOL_NONPAGED,
    R_POOL_FREE_BAD,
    R_BUFFER,
    R_VERSION,
    R_LOG_ERROR,
    R_INTERRUPT,
    R_DEVICE_LOCK,
    R_CLEAR_EVENT,
    R_READ_EVENT,
    R_RULES
};

static VOID MpRule(PHW_DEVICE_EXTENSION ext, const RESULTS *in, RESULTS *r)
{
    ULONG rule = in->Values[0];
    KIRQL irql = (KIRQL)in->Values[1], old;
    ULONG value = 1;
    PEVENT e = NULL;
    if (rule == R_SET_EVENT || rule == R_WAIT || rule == R_CLEAR_EVENT || rule == R_READ_EVENT)
        VideoPortCreateEvent(ext, NOTIFICATION_EVENT, NULL, &e);
    PVOID block =
        rule == R_POOL_FREE_BAD ? VideoPortAllocatePool(ext, VpNonPagedPool, 8, 'eluR') : NULL;
    LARGE_INTEGER timeout = {.QuadPart = -1};
    KeRaiseIrql(irql, &old);
    switch (rule) {
    case R_REGISTRY_GET:
        r->Values[0] = VideoPortGetRegistryParameters(ext, L"DefaultSettings.XResolution", FALSE,
                                                      MpDwordCallback, &value);
        break;
    case R_REGISTRY_SET:
        r->Values[0] = VideoPortSetRegistryParameters(ext, L"X", &value, sizeof value);
        break;
    case R_SET_EVENT:
        r->Values[0] = (ULONG)VideoPortSetEvent(ext, e);
        break;
    case R_WAIT:
        r->Values[0] = VideoPortWaitForSingleObject(ext, e, &timeout);
        break;
    case R_CREATE_EVENT: {
        PEVENT created = NULL;
        r->Values[0] = VideoPortCreateEvent(ext, NOTIFICATION_EVENT, NULL, &created);
        e = created;
        break;
    }
    case R_DELETE_EVENT_BAD:
        r->Values[0] = VideoPortDeleteEvent(ext, irql == 0xFF ? NULL : (PEVENT)(PVOID)&value);
        break;
    case R_POOL_PAGED:
        block = VideoPortAllocatePool(ext, VpPagedPool, 8, 'eluR');
        r->Values[0] = block != NULL;
        break;
    case R_POOL_NONPAGED:
        block = VideoPortAllocatePool(ext, VpNonPagedPool, 8, 'eluR');
        r->Values[0] = block != NULL;
        break;
    case R_POOL_FREE_BAD:
        VideoPortFreePool(ext, &value);
        break;
    case R_BUFFER:
        r->Values[0] = VideoPortAllocateBuffer(ext, 8, &block);
        break;
    case R_VERSION: {
        VPOSVERSIONINFO v = {.Size = sizeof v};
        r->Values[0] = VideoPortGetVersion(ext, &v);
        break;
    }
    case R_LOG_ERROR:
        VideoPortLogError(ext, NULL, ERROR_INVALID_FUNCTION, 1);
        break;
    case R_INTERRUPT:
        r->Values[0] = VideoPortDisableInterrupt(ext);
        break;
    case R_DEVICE_LOCK:
        VideoPortAcquireDeviceLock(ext); /* from HwStartIO: refused at APC, never taken */
        break;
    case R_CLEAR_EVENT:
        VideoPortClearEvent(ext, e);
        break;
    case R_READ_EVENT:
        r->Values[0] = (ULONG)VideoPortReadStateEvent(ext, e);
        break;
    }
    KeLowerIrql(old);
    if (rule == R_INTERRUPT)
        VideoPortEnableInterrupt(ext);
    if (e != NULL)
        VideoPortDeleteEvent(ext, e);
    if (rule == R_BUFFER && block != NULL)
        VideoPortReleaseBuffer(ext, block);
    else if (block != NULL)
        VideoPortFreePool(ext, block);
}

static BOOLEAN MpStartIO(PVOID HwDeviceExtension, PVIDEO_REQUEST_PACKET RequestPacket)
{
    PHW_DEVICE_EXTENSION ext = HwDeviceExtension;
    RESULTS *out = RequestPacket->OutputBuffer;
    if (RequestPacket->OutputBufferLength < sizeof(RESULTS))
        return FALSE;
    VideoPortZeroMemory(out, sizeof *out);
    switch (RequestPacket->IoControlCode) {
    case IOCTL_MEMORY:
        MpMemory(ext, out);
        break;
    case IOCTL_EVENTS:
        MpEvents(ext, out);
        break;
    case IOCTL_REGISTRY:
        MpRegistry(ext, out);
        break;
    case IOCTL_SYSTEM:
        MpSystem(ext, RequestPacket, out);
        break;
    case IOCTL_LEAK:
        MpLeak(ext, out);
        break;
    case IOCTL_RULE:
        MpRule(ext, RequestPacket->InputBuffer, out);
        break;
    default:
        RequestPacket->StatusBlock->Status = ERROR_INVALID_FUNCTION;
        return TRUE;
    }
    RequestPacket->StatusBlock->Status = NO_ERROR;
    RequestPacket->StatusBlock->Information = sizeof *out;
    return TRUE;
}

ULONG DriverEntry(PVOID Context1, PVOID Context2)
{
    VIDEO_HW_INITIALIZATION_DATA init;
    VideoPortZeroMemory(&init, sizeof init);
    init.HwInitDataSize = sizeof init;
    init.HwFindAdapter = MpFindAdapter;
    init.HwInitialize = MpInitialize;
    init.HwInterrupt = MpInterrupt;
    init.HwStartIO = MpStartIO;
    init.HwDeviceExtensionSize = sizeof(HW_DEVICE_EXTENSION);
    return VideoPortInitialize(Context1, Context2, &init, NULL);
}

/* ===== The program that runs it ===================================================== */

static vpspin_bugcheck last;
static int reports;

static void record(const vpspin_bugcheck *r, void *ctx)
{
    (void)ctx;
    last = *r;
    reports++;
}

static RESULTS request(vpspin_device *d, ULONG code, const RESULTS *in)
{
    RESULTS r;
    memset(&r, 0, sizeof r);
    ULONG_PTR info = 0;
    CHECK_EQ(vpspin_send_request(d, code, (PVOID)in, in ? sizeof *in : 0, &r, sizeof r, &info),
             NO_ERROR);
    CHECK_EQ(info, sizeof r);
    return r;
}

/* UTF-16 of an ASCII string with its terminator, as a REG_SZ value holds it. */
static ULONG wide(const char *s, WCHAR *out)
{
    ULONG n = 0;
    do
        out[n] = (WCHAR)(unsigned char)s[n];
    while (s[n++] != '\0');
    return n * (ULONG)sizeof(WCHAR);
}

struct rule_case {
    const char *what;
    ULONG rule;
    KIRQL bad, good; /* good 0xFF: no IRQL variant (the object rule) */
    ULONG_PTR p1;
    const char *api;
};

static const struct rule_case rule_cases[] = {
    {"GetRegistryParameters at APC", R_REGISTRY_GET, APC_LEVEL, PASSIVE_LEVEL, 0xF003,
     "VideoPortGetRegistryParameters"},
    {"SetRegistryParameters at DISPATCH", R_REGISTRY_SET, DISPATCH_LEVEL, PASSIVE_LEVEL, 0xF003,
     "VideoPortSetRegistryParameters"},
    {"SetEvent above DISPATCH", R_SET_EVENT, 5, DISPATCH_LEVEL, 0x20016, "VideoPortSetEvent"},
    {"ClearEvent above DISPATCH", R_CLEAR_EVENT, 5, DISPATCH_LEVEL, 0x20011, "VideoPortClearEvent"},
    {"ReadStateEvent above DISPATCH", R_READ_EVENT, 5, DISPATCH_LEVEL, 0x20011,
     "VideoPortReadStateEvent"},
    {"WaitForSingleObject with a timeout at DISPATCH", R_WAIT, DISPATCH_LEVEL, APC_LEVEL, 0xF003,
     "VideoPortWaitForSingleObject"},
    {"CreateEvent above DISPATCH", R_CREATE_EVENT, 5, DISPATCH_LEVEL, 0xF003,
     "VideoPortCreateEvent"},
    {"DeleteEvent of something else", R_DELETE_EVENT_BAD, PASSIVE_LEVEL, 0xFF, 0xF004,
     "VideoPortDeleteEvent"},
    {"AllocatePool paged at DISPATCH", R_POOL_PAGED, DISPATCH_LEVEL, APC_LEVEL, 0x01,
     "VideoPortAllocatePool"},
    {"AllocatePool nonpaged above DISPATCH", R_POOL_NONPAGED, 5, DISPATCH_LEVEL, 0x02,
     "VideoPortAllocatePool"},
    {"FreePool of a wild address", R_POOL_FREE_BAD, PASSIVE_LEVEL, 0xFF, 0x10, "VideoPortFreePool"},
    {"AllocateBuffer at DISPATCH", R_BUFFER, DISPATCH_LEVEL, APC_LEVEL, 0x01,
     "VideoPortAllocateBuffer"},
    {"GetVersion at APC", R_VERSION, APC_LEVEL, PASSIVE_LEVEL, 0xF003, "VideoPortGetVersion"},
    {"LogError above DISPATCH", R_LOG_ERROR, 5, DISPATCH_LEVEL, 0xF003, "VideoPortLogError"},
    {"DisableInterrupt above DISPATCH", R_INTERRUPT, 5, DISPATCH_LEVEL, 0xF003,
     "VideoPortDisableInterrupt"},
    {"AcquireDeviceLock at APC", R_DEVICE_LOCK, APC_LEVEL, 0xFE, 0xF003,
     "VideoPortAcquireDeviceLock"},
};

static void run_rules(vpspin_device *d)
{
    for (size_t i = 0; i < sizeof rule_cases / sizeof rule_cases[0]; i++) {
        const struct rule_case *c = &rule_cases[i];
        RESULTS in;
        memset(&in, 0, sizeof in);
        in.Values[0] = c->rule;
        in.Values[1] = c->bad;
        int before = reports;
        RESULTS out = request(d, IOCTL_RULE, &in);
        if (reports != before + 1 || last.Parameter1 != c->p1 || strcmp(last.Api, c->api) != 0) {
            fprintf(stderr, "rule '%s': %d report(s), last 0x%lX by %s\n", c->what,
                    reports - before, (unsigned long)last.Parameter1, last.Api);
            CHECK(false);
        }
        if (c->p1 == 0xF003) {
            CHECK_EQ(last.Parameter2, c->bad);
        }
        /* Refused calls have no effect (a refused status, NULL or 0). */
        if (c->rule == R_POOL_PAGED || c->rule == R_POOL_NONPAGED)
            CHECK_EQ(out.Values[0], 0);
        if (c->rule == R_REGISTRY_GET || c->rule == R_REGISTRY_SET || c->rule == R_WAIT ||
            c->rule == R_CREATE_EVENT || c->rule == R_VERSION || c->rule == R_DELETE_EVENT_BAD)
            CHECK_EQ(out.Values[0], ERROR_INVALID_PARAMETER);
        if (c->good >= 0xFE)
            continue;
        in.Values[1] = c->good;
        before = reports;
        request(d, IOCTL_RULE, &in);
        if (reports != before) {
            fprintf(stderr, "rule '%s': the correct call reported 0x%lX\n", c->what,
                    (unsigned long)last.Parameter1);
            CHECK(false);
        }
    }
}

/* Every service the library exports resolves by name to the same function. */
static void check_proc_addresses(vpspin_device *d)
{
    PHW_DEVICE_EXTENSION ext = vpspin_device_extension(d);
    FILE *f = fopen(EXPORTED_SYMBOLS, "r");
    CHECK(f != NULL);
    char line[128];
    int services = 0;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, " \t\r\n#")] = '\0';
        if (strncmp(line, "VideoPort", 9) != 0 && strncmp(line, "Ke", 2) != 0 &&
            strncmp(line, "Kf", 2) != 0 && strncmp(line, "Ex", 2) != 0 &&
            strncmp(line, "Dbg", 3) != 0)
            continue;
        if (strcmp(line, "VideoPortInitialize") == 0) { /* only DriverEntry calls it */
            CHECK(ext->GetProcAddress(ext, (PUCHAR)line) == NULL);
            continue;
        }
        void *real = dlsym(RTLD_DEFAULT, line);
        void *named = ext->GetProcAddress(ext, (PUCHAR)line);
        if (real == NULL || named != real) {
            fprintf(stderr, "VideoPortGetProcAddress(\"%s\") = %p, dlsym = %p\n", line, named,
                    real);
            CHECK(false);
        }
        services++;
    }
    if (f != NULL)
        fclose(f);
    CHECK(services >= 90);
}

/* The services' refusals: bad arguments, a device that is not started, allocations made
 * to fail - each returns its error and changes nothing. Returns the reports it made. */
static int error_paths(vpspin_driver *driver, vpspin_device *d)
{
    PHW_DEVICE_EXTENSION ext = vpspin_device_extension(d);
    int before = reports;
    ULONG x = 7, len = 4, type;
    char long_name[300];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    CHECK_EQ(vpspin_set_registry_value(driver, long_name, REG_DWORD, &x, 4),
             ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_set_registry_value(driver, "Empty", REG_BINARY, NULL, 0), NO_ERROR);
    CHECK_EQ(vpspin_query_registry_value(NULL, "X", NULL, NULL, &len), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_query_registry_value(d, NULL, NULL, NULL, &len), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_query_registry_value(d, "\xff", NULL, NULL, &len), ERROR_INVALID_PARAMETER);
    ULONG value = 0;
    CHECK_EQ(VideoPortGetRegistryParameters(NULL, L"X", FALSE, MpDwordCallback, &value),
             ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortGetRegistryParameters(ext, NULL, FALSE, MpDwordCallback, &value),
             ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortGetRegistryParameters(ext, L"CurrentMode", FALSE, NULL, &value),
             ERROR_INVALID_PARAMETER);
    /* A file parameter that is not a string, or names no file. */
    CHECK_EQ(VideoPortGetRegistryParameters(ext, L"CurrentMode", TRUE, MpDwordCallback, &value),
             ERROR_INVALID_PARAMETER);
    WCHAR missing[] = L"/nonexistent-dir/bios.bin";
    CHECK_EQ(VideoPortSetRegistryParameters(ext, L"Missing", missing, sizeof missing), NO_ERROR);
    CHECK_EQ(VideoPortGetRegistryParameters(ext, L"Missing", TRUE, MpDwordCallback, &value),
             ERROR_INVALID_PARAMETER); /* (written as REG_BINARY, so not a file name either) */
    CHECK_EQ(VideoPortSetRegistryParameters(NULL, L"X", &x, 4), ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortSetRegistryParameters(ext, L"", &x, 4), ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortSetRegistryParameters(ext, L"X", NULL, 4), ERROR_INVALID_PARAMETER);
    /* The same value written twice: replaced. */
    CHECK_EQ(VideoPortSetRegistryParameters(ext, L"Twice", &x, 4), NO_ERROR);
    x = 8;
    CHECK_EQ(VideoPortSetRegistryParameters(ext, L"TWICE", &x, 4), NO_ERROR);
    len = 4;
    CHECK_EQ(vpspin_query_registry_value(d, "twice", &type, &value, &len), NO_ERROR);
    CHECK_EQ(value, 8);
    /* A name that is the start of another's, or runs past it: not that value. */
    len = 4;
    CHECK_EQ(vpspin_query_registry_value(d, "Twic", &type, &value, &len), ERROR_FILE_NOT_FOUND);
    CHECK_EQ(vpspin_query_registry_value(d, "Twice2", &type, &value, &len), ERROR_FILE_NOT_FOUND);
    /* The name's and the data's copies failing: refused, the value it replaces kept. */
    for (ULONG skip = 1; skip <= 2; skip++) {
        ULONG y = 9;
        vpspin_fail_allocations(skip, 1);
        CHECK_EQ(VideoPortSetRegistryParameters(ext, L"Twice", &y, 4), ERROR_NOT_ENOUGH_MEMORY);
        vpspin_fail_allocations(0, 0);
        len = 4;
        CHECK_EQ(vpspin_query_registry_value(d, "twice", &type, &value, &len), NO_ERROR);
        CHECK_EQ(value, 8);
    }
    /* A start whose copy of the registry fails past its first value: refused whole. */
    vpspin_device *half = NULL;
    vpspin_fail_allocations(3, 1);
    CHECK_EQ(vpspin_start_device(driver, &half), ERROR_NOT_ENOUGH_MEMORY);
    vpspin_fail_allocations(0, 0);
    CHECK(half == NULL);
    /* Allocations made to fail. */
    vpspin_fail_allocations(0, 1);
    CHECK_EQ(VideoPortSetRegistryParameters(ext, L"Fails", &x, 4), ERROR_NOT_ENOUGH_MEMORY);
    vpspin_fail_allocations(0, 1);
    CHECK_EQ(vpspin_set_registry_value(driver, "Fails", REG_DWORD, &x, 4), ERROR_NOT_ENOUGH_MEMORY);
    vpspin_fail_allocations(0, 1);
    CHECK(VideoPortAllocatePool(ext, VpNonPagedPool, 8, 'liaF') == NULL);
    PVOID buffer = &x;
    vpspin_fail_allocations(0, 1);
    CHECK_EQ(VideoPortAllocateBuffer(ext, 8, &buffer), ERROR_NOT_ENOUGH_MEMORY);
    CHECK(buffer == NULL);
    PEVENT e = NULL;
    vpspin_fail_allocations(0, 1);
    CHECK_EQ(VideoPortCreateEvent(ext, 0, NULL, &e), ERROR_NOT_ENOUGH_MEMORY);
    vpspin_fail_allocations(0, 1);
    vpspin_device *none = NULL;
    CHECK_EQ(vpspin_start_device(driver, &none), ERROR_NOT_ENOUGH_MEMORY); /* the registry copy */
    CHECK(none == NULL);
    vpspin_fail_allocations(0, 0);
    /* Arguments. */
    CHECK_EQ(VideoPortCreateEvent(ext, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortGetVersion(ext, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(VideoPortWaitForSingleObject(ext, NULL, NULL), ERROR_INVALID_PARAMETER); /* 0xF004 */
    CHECK_EQ(last.Parameter1, 0xF004);
    CHECK_EQ(VideoPortDisableInterrupt(&x), ERROR_INVALID_FUNCTION); /* not an extension */
    VideoPortLogError(&x, NULL, ERROR_INVALID_FUNCTION, 2);          /* logged, counted nowhere */
    VideoPortAcquireDeviceLock(&x);                                  /* nothing to lock */
    VideoPortReleaseDeviceLock(&x);
    CHECK_EQ(VideoPortFlushRegistry(NULL), NO_ERROR);
    return reports - before;
}

/* The event services given a pool block that is not an event: each refuses it (0, nothing
 * set, ERROR_INVALID_PARAMETER) with a 0xF004 report, and the block stays the driver's. */
static void not_an_event(PHW_DEVICE_EXTENSION ext)
{
    int before = reports;
    PVOID block = VideoPortAllocatePool(ext, VpNonPagedPool, 64, 'tvEN');
    CHECK(block != NULL);
    memset(block, 0xFF, 64); /* whatever an event would hold, signalled */
    PEVENT e = (PEVENT)block;
    CHECK_EQ(VideoPortSetEvent(ext, e), 0);
    CHECK_EQ(last.Parameter1, 0xF004);
    CHECK(last.Parameter2 == (ULONG_PTR)block);
    VideoPortClearEvent(ext, e);
    CHECK_EQ(VideoPortReadStateEvent(ext, e), 0);
    CHECK_EQ(VideoPortDeleteEvent(ext, e), ERROR_INVALID_PARAMETER);
    CHECK_EQ(reports, before + 4);
    CHECK_EQ(((PUCHAR)block)[63], 0xFF);
    VideoPortFreePool(ext, block);
    CHECK_EQ(reports, before + 4);
    reports = before;
}

int main(void)
{
    if (vpspin_get_verify() == VPSPIN_VERIFY_OFF)
        vpspin_set_verify(VPSPIN_VERIFY_DEFAULT);
    vpspin_set_bugcheck_handler(record, NULL);

    vpspin_driver *driver;
    CHECK_EQ((NTSTATUS)vpspin_load_miniport(DriverEntry, &driver), STATUS_SUCCESS);
    ULONG x = 1024;
    WCHAR chip[32], file_name[64];
    ULONG chip_len = wide("VPSPIN-TEST", chip);
    char path[] = "/tmp/vpspin-test-services-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, "ABCD", 4) == 4);
    close(fd);
    ULONG file_len = wide(path, file_name);
    CHECK_EQ(vpspin_set_registry_value(driver, "DefaultSettings.XResolution", REG_DWORD, &x, 4),
             NO_ERROR);
    CHECK_EQ(
        vpspin_set_registry_value(driver, "HardwareInformation.ChipType", REG_SZ, chip, chip_len),
        NO_ERROR);
    CHECK_EQ(vpspin_set_registry_value(driver, "BiosFile", REG_SZ, file_name, file_len), NO_ERROR);
    CHECK_EQ(vpspin_set_registry_value(driver, "", REG_DWORD, &x, 4), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_set_registry_value(driver, "Caf\xc3\xa9", REG_DWORD, &x, 4),
             ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_set_registry_value(NULL, "X", REG_DWORD, &x, 4), ERROR_INVALID_PARAMETER);
    CHECK_EQ(vpspin_set_registry_value(driver, "X", REG_DWORD, NULL, 4), ERROR_INVALID_PARAMETER);
    x = 800; /* replaces the first value */
    CHECK_EQ(vpspin_set_registry_value(driver, "defaultsettings.xresolution", REG_DWORD, &x, 4),
             NO_ERROR);

    vpspin_device *d;
    CHECK_EQ(vpspin_start_device(driver, &d), NO_ERROR);
    PHW_DEVICE_EXTENSION ext = vpspin_device_extension(d);

    RESULTS r = request(d, IOCTL_MEMORY, NULL);
    CHECK_EQ(r.Values[0], 16);
    CHECK_EQ(r.Values[1], 5);
    CHECK_EQ(r.Values[2], 16);
    CHECK_EQ(r.Values[3], 1);
    CHECK_EQ(r.Values[4], NO_ERROR);
    CHECK_EQ(r.Values[5], 1);
    CHECK_EQ(r.Values[6], ERROR_INVALID_PARAMETER);
    CHECK_EQ(r.Values[7], 1);

    /* The events request waits for the DPC of an interrupt raised while it waits: raise
     * interrupts until it has run (the ISR counts them; the request returns after). */
    vpspin_set_interrupt_rate(d, 1000);
    r = request(d, IOCTL_EVENTS, NULL);
    vpspin_set_interrupt_rate(d, 0);
    /* An interrupt of the rate may still be running: the interrupt thread serves this one
     * after it, and none comes after (the counts below rely on it). */
    vpspin_interrupt(d);
    vpspin_flush_dpcs(d);
    CHECK_EQ(r.Values[0], NO_ERROR);
    CHECK_EQ(r.Values[1], 0);
    CHECK_EQ(r.Values[2], WAIT_TIMEOUT);
    CHECK_EQ(r.Values[3], 1);
    CHECK_EQ(r.Values[4], 0);
    CHECK_EQ(r.Values[5], NO_ERROR);
    CHECK_EQ(r.Values[6], 1);
    CHECK_EQ(r.Values[7], 0);
    CHECK_EQ(r.Values[8], NO_ERROR);
    CHECK_EQ(r.Values[9], NO_ERROR);
    CHECK_EQ(r.Values[10], NO_ERROR);
    CHECK(r.Values[11] >= 1);

    r = request(d, IOCTL_REGISTRY, NULL);
    CHECK_EQ(r.Values[0], 800);
    CHECK_EQ(r.Values[1], 'V');
    CHECK_EQ(r.Values[2], 'I');
    CHECK_EQ(r.Values[3], NO_ERROR);
    CHECK_EQ(r.Values[4], NO_ERROR);
    CHECK_EQ(r.Values[5], 0x1234);
    CHECK_EQ(r.Values[6], ERROR_INVALID_PARAMETER);
    CHECK_EQ(r.Values[7], NO_ERROR);
    CHECK_EQ(r.Values[8], 'A' | 'B' << 8 | 'C' << 16 | (ULONG)'D' << 24);
    CHECK_EQ(r.Values[9], NO_ERROR);
    CHECK_EQ(r.Values[10], ERROR_INVALID_PARAMETER);
    ULONG type = 0, mode = 0, len = sizeof mode;
    CHECK_EQ(vpspin_query_registry_value(d, "currentmode", &type, &mode, &len), NO_ERROR);
    CHECK_EQ(type, REG_BINARY);
    CHECK_EQ(mode, 0x1234);
    len = 1;
    CHECK_EQ(vpspin_query_registry_value(d, "CurrentMode", NULL, &mode, &len), ERROR_MORE_DATA);
    CHECK_EQ(len, 4);
    CHECK_EQ(vpspin_query_registry_value(d, "Absent", NULL, NULL, &len), ERROR_FILE_NOT_FOUND);
    CHECK_EQ(vpspin_query_registry_value(d, "CurrentMode", NULL, NULL, NULL),
             ERROR_INVALID_PARAMETER);
    unlink(path);

    r = request(d, IOCTL_SYSTEM, NULL);
    CHECK_EQ(r.Values[0], NO_ERROR);
    CHECK_EQ(r.Values[1], 6 << 16 | 1);
    CHECK_EQ(r.Values[2], 7601);
    CHECK_EQ(r.Values[3], ERROR_INVALID_PARAMETER);
    CHECK_EQ(r.Values[4], 1);
    CHECK_EQ(r.Values[5], NO_ERROR);
    CHECK_EQ(r.Values[6], NO_ERROR);
    CHECK_EQ(r.Values[7], ERROR_INVALID_FUNCTION);
    CHECK_EQ(r.Values[8], FALSE);
    CHECK_EQ(r.Values[9], NO_ERROR);
    CHECK_EQ(r.Values[10], 1);
    CHECK_EQ(r.Values[11], FALSE);
    CHECK_EQ(r.Values[12], 1);
    CHECK_EQ(r.Values[13], 1);
    vpspin_device_info info;
    CHECK_EQ(vpspin_query_device(d, &info), NO_ERROR);
    CHECK_EQ(info.ErrorsLogged, 1);
    CHECK(info.InterruptEnabled);

    /* Disabled, an interrupt is not delivered. */
    LONG before = __atomic_load_n(&ext->Interrupts, __ATOMIC_ACQUIRE);
    CHECK_EQ(VideoPortDisableInterrupt(ext), NO_ERROR);
    CHECK(!vpspin_interrupt(d));
    CHECK_EQ(vpspin_query_device(d, &info), NO_ERROR);
    CHECK(!info.InterruptEnabled);
    CHECK_EQ(VideoPortEnableInterrupt(ext), NO_ERROR);
    CHECK(vpspin_interrupt(d));
    vpspin_flush_dpcs(d);
    CHECK_EQ(__atomic_load_n(&ext->Interrupts, __ATOMIC_ACQUIRE), before + 1);
    CHECK_EQ(VideoPortEnableInterrupt(NULL), ERROR_INVALID_FUNCTION);

    /* The device lock is the one HwStartIO runs under. */
    VideoPortAcquireDeviceLock(ext);
    VideoPortReleaseDeviceLock(ext);

    check_proc_addresses(d);
    CHECK_EQ(reports, 0);
    int refused = error_paths(driver, d);
    CHECK_EQ(refused, 1);
    reports = 0;
    not_an_event(ext);
    run_rules(d);

    /* Leaks: reported at stop on stderr (captured here), freed, counted before. */
    r = request(d, IOCTL_LEAK, NULL);
    CHECK_EQ(r.Values[0], 1);
    CHECK_EQ(vpspin_query_device(d, &info), NO_ERROR);
    /* Pool of another extension (another device's) is neither counted nor freed here. */
    static char other_ext[64];
    PVOID own = VideoPortAllocatePool(other_ext, VpNonPagedPool, 100, 'nwO ');
    CHECK(own != NULL);
    CHECK_EQ(vpspin_query_device(d, &info), NO_ERROR);
    CHECK_EQ(info.PoolAllocations, 3);
    CHECK_EQ(info.PoolBytes, 72);
    CHECK_EQ(info.EventsLive, 2); /* DpcDone and the leaked one */
    char log[] = "/tmp/vpspin-test-services-log-XXXXXX";
    int logfd = mkstemp(log), saved = dup(2);
    dup2(logfd, 2);
    VideoPortDeleteSpinLock(ext, ext->Lock);
    CHECK_EQ(vpspin_stop_device(d), 0);
    dup2(saved, 2);
    close(saved);
    char text[4096] = "";
    ssize_t n = pread(logfd, text, sizeof text - 1, 0);
    close(logfd);
    unlink(log);
    CHECK(n > 0);
    fputs(text, stderr);
    CHECK(strstr(text, "device stopped with pool its miniport allocated and never freed") != NULL);
    CHECK(strstr(text, "pool at ") != NULL && strstr(text, "40 bytes, tag 'Leak'") != NULL);
    CHECK(strstr(text, "8 bytes, tag 'A..B'") != NULL);
    CHECK(strstr(text, "100 bytes") == NULL);
    CHECK(strstr(text, "VideoPortAllocateBuffer buffer at") != NULL);
    CHECK(strstr(text, "VideoPortCreateEvent event at") != NULL);
    CHECK(strstr(text, "1 KTIMER/KDPC of its extension still set or queued") != NULL);
    vpspin_unload_miniport(driver);
    int rules_reported = reports;
    VideoPortFreePool(other_ext, own); /* still live: freed without a report */
    CHECK_EQ(reports, rules_reported);
    CHECK_EQ(reports, (int)(sizeof rule_cases / sizeof rule_cases[0]));
    return check_done();
}
