/*
 * ke/event.h - the event functions of ke/event.c for callers that name another API in
 * their reports (the VideoPort event services): each checks the IRQL rule and the event
 * as KeSetEvent, KeResetEvent and KeReadStateEvent do. site: the caller's call site, for
 * the scheduling point of the controlled mode (ke/dispatcher.h).
 */
#ifndef VSP_KE_EVENT_H
#define VSP_KE_EVENT_H

#include <stdbool.h>

#include <vpspin/wdm.h>

#include "check/api.h"

/* Whether Event is an initialized KEVENT (else 0xF004 is reported, when checking). */
bool vsp_event_usable(enum vsp_api api, PRKEVENT Event);
LONG vsp_event_set(enum vsp_api api, PRKEVENT Event, BOOLEAN Wait, const void *site);
LONG vsp_event_reset(enum vsp_api api, PRKEVENT Event, const void *site);
LONG vsp_event_read(enum vsp_api api, PRKEVENT Event, const void *site);

#endif
