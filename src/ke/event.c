/*
 * ke/event.c - KEVENT: KeInitializeEvent, KeSetEvent, KeResetEvent, KeClearEvent,
 * KeReadStateEvent. An event is a dispatcher header and nothing else; waiting for one is
 * ke/wait.c's, the signal ke/dispatcher.c's. The IRQL rules are the DDI compliance rules
 * IrqlKeSetEvent (0x20016) and IrqlKeDispatchLte (0x20011); an event that was never
 * initialized is reported as 0xF004 (vpspin's).
 */
#include <vpspin/wdm.h>

#include "check/verify.h"
#include "ke/dispatcher.h"
#include "ke/event.h"

VOID KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    vsp_dispatcher_init(&Event->Header,
                        Type == SynchronizationEvent ? EventSynchronizationObject
                                                     : EventNotificationObject,
                        (UCHAR)VSP_EVENT_SIZE, State ? 1 : 0);
}

bool vsp_event_usable(enum vsp_api api, PRKEVENT Event)
{
    if (!vsp_checking())
        return true;
    if (Event != NULL && vsp_dispatcher_valid(&Event->Header) &&
        Event->Header.Type <= EventSynchronizationObject)
        return true;
    return vsp_report_service(api, VSP_RULE_OBJECT, (ULONG_PTR)Event,
                              Event != NULL ? (ULONG_PTR)(ULONG)Event->Header.Lock : 0, 0);
}

LONG vsp_event_set(enum vsp_api api, PRKEVENT Event, BOOLEAN Wait, const void *site)
{
    if (!vsp_irql_allows(api, VSP_RULE_SET_EVENT, Wait ? APC_LEVEL : DISPATCH_LEVEL, 0, 0) ||
        !vsp_event_usable(api, Event))
        return 0;
    return vsp_dispatcher_signal(&Event->Header, site);
}

LONG vsp_event_reset(enum vsp_api api, PRKEVENT Event, const void *site)
{
    if (!vsp_irql_allows(api, VSP_RULE_DISPATCH_LTE, DISPATCH_LEVEL, 0, 0) ||
        !vsp_event_usable(api, Event))
        return 0;
    return vsp_dispatcher_reset(&Event->Header, site);
}

LONG vsp_event_read(enum vsp_api api, PRKEVENT Event, const void *site)
{
    if (!vsp_irql_allows(api, VSP_RULE_DISPATCH_LTE, DISPATCH_LEVEL, 0, 0) ||
        !vsp_event_usable(api, Event))
        return 0;
    return vsp_dispatcher_read(&Event->Header, site);
}

LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    (void)Increment;
    return vsp_event_set(VSP_API_KeSetEvent, Event, Wait, __builtin_return_address(0));
}

LONG KeResetEvent(PRKEVENT Event)
{
    return vsp_event_reset(VSP_API_KeResetEvent, Event, __builtin_return_address(0));
}

VOID KeClearEvent(PRKEVENT Event)
{
    vsp_event_reset(VSP_API_KeClearEvent, Event, __builtin_return_address(0));
}

LONG KeReadStateEvent(PRKEVENT Event)
{
    return vsp_event_read(VSP_API_KeReadStateEvent, Event, __builtin_return_address(0));
}
