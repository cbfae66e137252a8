/*
 * vpdemo_model.h - the device model of the sample adapter (vpdemo_hw.h): the hardware the
 * sample miniport drives, written against <vpspin/adapter.h>. The demo and the miniport
 * torture test build the adapter with it; vpdemo-model.so (vpdemo_plugin.c) hands it to
 * vpspin-run.
 */
#ifndef VPDEMO_MODEL_H
#define VPDEMO_MODEL_H

#include <vpspin/adapter.h>

typedef struct _VPDEMO_MODEL VPDEMO_MODEL, *PVPDEMO_MODEL;

/* The adapter's ranges for instance Instance (0, 1, ...: each at addresses and ports of its
 * own, so that several can be started at once). */
VOID VpDemoRanges(ULONG Instance, vpspin_range Ranges[4]);

/* Makes the model of an adapter described with VpDemoRanges' four ranges (in that order:
 * registers, ring, frame buffer, mode ports; the first two and the last hooked or read by
 * the model) and attaches it: hooks, and the cleanup that frees it with the adapter. The
 * engine runs at most Rate batches a second (0: as fast as it can). NO_ERROR,
 * ERROR_INVALID_PARAMETER (not those ranges), ERROR_NOT_ENOUGH_MEMORY. */
VP_STATUS VpDemoAttachModel(vpspin_adapter *Adapter, ULONG Rate, PVPDEMO_MODEL *Model);

/* Creates the adapter of instance Instance (IDs, interrupt, ranges) with its model. */
VP_STATUS VpDemoCreateAdapter(ULONG Instance, ULONG Rate, vpspin_adapter **Adapter,
                              PVPDEMO_MODEL *Model);

/* Stalled, the engine executes nothing (a hung device); unstalled, it goes on. */
VOID VpDemoStallModel(PVPDEMO_MODEL Model, BOOLEAN Stalled);

/* Batches the engine has executed. */
ULONGLONG VpDemoModelBatches(PVPDEMO_MODEL Model);

#endif
