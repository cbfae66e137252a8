/*
 * vpspin_ntdef_nolists.h - ntdef.h as the WDK's video miniport headers see it: without
 * LIST_ENTRY and SINGLE_LIST_ENTRY, which those headers do not give in the WDK (a miniport
 * that includes only them defines its own). devioctl.h, miniport.h, ntddvdeo.h, ntstatus.h,
 * videoagp.h and video.h include ntdef.h through this file; ntdef.h included otherwise
 * (itself, or by wdm.h and ntddk.h) brings the lists (the end of ntdef.h). Not a WDK header.
 */
#pragma push_macro("VSP_WDK_NO_LISTS")
#undef VSP_WDK_NO_LISTS
#define VSP_WDK_NO_LISTS 1
#include "ntdef.h"
#pragma pop_macro("VSP_WDK_NO_LISTS")
