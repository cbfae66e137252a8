/*
 * vpdemo.h - the interface of the sample miniport "vpdemo": its DriverEntry and its
 * private requests, as a display driver would see them. Shared by the miniport
 * (vpdemo.c) and the programs that load it (the demo, the torture test). Besides these,
 * it answers the display driver's IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES, QUERY_AVAIL_MODES,
 * QUERY_CURRENT_MODE, SET_CURRENT_MODE, MAP_VIDEO_MEMORY, UNMAP_VIDEO_MEMORY and
 * RESET_DEVICE. Its hardware is vpdemo_hw.h's.
 */
#ifndef VPDEMO_H
#define VPDEMO_H

#include <vpspin/video.h>

#ifndef ERROR_BUSY
#define ERROR_BUSY 170L
#endif

#define VPDEMO_MAX_CLIENTS   64
#define VPDEMO_OWN_CLIENT    VPDEMO_MAX_CLIENTS /* the client of commands with no input */
#define VPDEMO_RING_CAPACITY 256 /* commands submitted and not yet retired */

/* Private IOCTLs (function codes 0x800 and up of device type 0x23, FILE_DEVICE_VIDEO,
 * METHOD_BUFFERED, FILE_ANY_ACCESS). */
#define VPDEMO_IOCTL(fn) ((0x23UL << 16) | ((ULONG)(fn) << 2))
/* In: VPDEMO_COMMAND, or nothing: a command of VPDEMO_OWN_CLIENT, numbered by the miniport.
 * NO_ERROR when queued; ERROR_BUSY when the ring is full (retry). */
#define IOCTL_VPDEMO_SUBMIT VPDEMO_IOCTL(0x800)
/* Waits until every queued command has been retired. NO_ERROR; ERROR_MORE_DATA if
 * commands are still outstanding after about 10 s (the device is hung). */
#define IOCTL_VPDEMO_DRAIN VPDEMO_IOCTL(0x801)
/* Out: VPDEMO_STATISTICS. */
#define IOCTL_VPDEMO_QUERY VPDEMO_IOCTL(0x802)
/* In: ULONG, a VPDEMO_BUG: makes the miniport break one rule once, to show the report. */
#define IOCTL_VPDEMO_INJECT_BUG VPDEMO_IOCTL(0x803)
/* The last request: stops the timer and the device's interrupts, waits for the DPC, and
 * deletes the miniport's spin locks. */
#define IOCTL_VPDEMO_SHUTDOWN VPDEMO_IOCTL(0x804)

typedef struct _VPDEMO_COMMAND {
    ULONG Client;   /* < VPDEMO_MAX_CLIENTS */
    ULONG Sequence; /* 0, 1, 2... per client */
} VPDEMO_COMMAND, *PVPDEMO_COMMAND;

typedef enum _VPDEMO_BUG {
    VpDemoBugNone,
    VpDemoBugReleaseIrql, /* the next submit releases RingLock to APC_LEVEL (0xC4/0x20015) */
    VpDemoBugDpcHoldsLock, /* the next DPC returns holding StatsLock (0xC4/0x40009) */
    VpDemoBugRegister,     /* the next interrupt reads a register past BAR0's (0xC4/0xF012) */
    VpDemoBugRace          /* from now on HwStartIO rings the doorbell before it writes the
                              command into the ring: a race no checked mode reports */
} VPDEMO_BUG;

typedef struct _VPDEMO_STATISTICS {
    ULONGLONG Submitted;    /* commands queued by HwStartIO */
    ULONGLONG Completed;    /* commands retired by the DPC */
    ULONGLONG SubmittedSum; /* sum of (Client << 32 | Sequence) over the submitted ones */
    ULONGLONG CompletedSum; /* ... over the retired ones */
    ULONGLONG ExecutedSum;  /* ... over those the adapter executed (its EXECSUM register) */
    ULONGLONG RingFull;     /* submits refused with ERROR_BUSY */
    ULONGLONG Interrupts;   /* HwInterrupt calls that claimed the interrupt */
    ULONGLONG Spurious;     /* HwInterrupt calls that found nothing done (not ours) */
    ULONGLONG DpcRuns;
    ULONGLONG TimerTicks;
    ULONGLONG Hangs;                   /* timer ticks that found work outstanding and no progress */
    ULONGLONG IrqlChecks;              /* IRQL assertions made by the routines */
    ULONGLONG IrqlErrors;              /* of which failed */
    ULONGLONG OrderErrors;             /* commands retired out of order, twice, or never queued */
    ULONG Retired[VPDEMO_MAX_CLIENTS + 1]; /* per client: commands retired (= next expected) */
    PSPIN_LOCK RingLock;               /* for diagnostics (vpspin_query_spin_lock) */
    PSPIN_LOCK StatsLock;
} VPDEMO_STATISTICS, *PVPDEMO_STATISTICS;

/* The miniport's entry point. */
ULONG VpDemoDriverEntry(PVOID Argument1, PVOID Argument2);

#endif
