/*
 * videoport/event.c - the video port's events: VideoPortCreateEvent, VideoPortDeleteEvent,
 * VideoPortSetEvent, VideoPortClearEvent, VideoPortReadStateEvent and
 * VideoPortWaitForSingleObject, over KEVENT (ke/event.c, ke/wait.c).
 *
 * A PEVENT is a pool block of the device (ke/pool.h, kind VSP_POOL_EVENT) holding the
 * ENG_EVENT the WDK declares and the KEVENT it points to; so a handle is checked without
 * reading through it (0xF004 for one that is not a live event), and an event never deleted
 * is reported when its device stops. VideoPortWaitForSingleObject also takes a KEVENT.
 */
#include <vpspin/video.h>

#include "check/verify.h"
#include "ke/dispatcher.h"
#include "ke/event.h"
#include "ke/pool.h"

#define VSP_EVENT_TAG 0x76457056u /* 'VpEv' */

struct vsp_vp_event {
    ENG_EVENT eng; /* first: a PEVENT is the block's address */
    KEVENT event;
};

/* The KEVENT of a live event, or NULL after a report (when checking). */
static PRKEVENT vsp_vp_event(enum vsp_api api, PEVENT pEvent)
{
    if (vsp_pool_is(pEvent, VSP_POOL_EVENT))
        return &((struct vsp_vp_event *)(void *)pEvent)->event;
    if (vsp_checking())
        vsp_report_service(api, VSP_RULE_OBJECT, (ULONG_PTR)pEvent, 0, 0);
    return NULL;
}

VP_STATUS VideoPortCreateEvent(PVOID HwDeviceExtension, ULONG EventFlag, PVOID Unused,
                               PEVENT *ppEvent)
{
    (void)Unused;
    if (!vsp_irql_allows(VSP_API_VideoPortCreateEvent, VSP_RULE_IRQL, DISPATCH_LEVEL, 0, 0))
        return ERROR_INVALID_PARAMETER;
    if (ppEvent == NULL)
        return ERROR_INVALID_PARAMETER;
    struct vsp_vp_event *e =
        vsp_pool_alloc(VSP_API_VideoPortCreateEvent, NonPagedPool, sizeof *e, VSP_EVENT_TAG,
                       HwDeviceExtension, VSP_POOL_EVENT, __builtin_return_address(0));
    if (e == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    KeInitializeEvent(&e->event,
                      (EventFlag & EVENT_TYPE_MASK) == NOTIFICATION_EVENT ? NotificationEvent
                                                                          : SynchronizationEvent,
                      (EventFlag & INITIAL_EVENT_STATE_MASK) == INITIAL_EVENT_SIGNALED);
    e->eng.pKEvent = &e->event;
    e->eng.fFlags = 0;
    *ppEvent = (PEVENT)(void *)e;
    return NO_ERROR;
}

VP_STATUS VideoPortDeleteEvent(PVOID HwDeviceExtension, PEVENT pEvent)
{
    (void)HwDeviceExtension;
    if (vsp_vp_event(VSP_API_VideoPortDeleteEvent, pEvent) == NULL)
        return ERROR_INVALID_PARAMETER;
    return vsp_pool_free(VSP_API_VideoPortDeleteEvent, pEvent, NULL, VSP_POOL_EVENT)
               ? NO_ERROR
               : ERROR_INVALID_PARAMETER;
}

LONG VideoPortSetEvent(PVOID HwDeviceExtension, PEVENT pEvent)
{
    (void)HwDeviceExtension;
    PRKEVENT e = vsp_vp_event(VSP_API_VideoPortSetEvent, pEvent);
    return e != NULL
               ? vsp_event_set(VSP_API_VideoPortSetEvent, e, FALSE, __builtin_return_address(0))
               : 0;
}

VOID VideoPortClearEvent(PVOID HwDeviceExtension, PEVENT pEvent)
{
    (void)HwDeviceExtension;
    PRKEVENT e = vsp_vp_event(VSP_API_VideoPortClearEvent, pEvent);
    if (e != NULL)
        vsp_event_reset(VSP_API_VideoPortClearEvent, e, __builtin_return_address(0));
}

LONG VideoPortReadStateEvent(PVOID HwDeviceExtension, PEVENT pEvent)
{
    (void)HwDeviceExtension;
    PRKEVENT e = vsp_vp_event(VSP_API_VideoPortReadStateEvent, pEvent);
    return e != NULL
               ? vsp_event_read(VSP_API_VideoPortReadStateEvent, e, __builtin_return_address(0))
               : 0;
}

VP_STATUS VideoPortWaitForSingleObject(PVOID HwDeviceExtension, PVOID Object,
                                       PLARGE_INTEGER Timeout)
{
    (void)HwDeviceExtension;
    PVOID target = Object;
    if (vsp_pool_is(Object, VSP_POOL_EVENT))
        target = &((struct vsp_vp_event *)Object)->event;
    NTSTATUS status = vsp_wait_object(VSP_API_VideoPortWaitForSingleObject, target, Timeout,
                                      __builtin_return_address(0));
    return status == STATUS_SUCCESS   ? NO_ERROR
           : status == STATUS_TIMEOUT ? WAIT_TIMEOUT
                                      : ERROR_INVALID_PARAMETER;
}
