/*
 * sdkddkver.h - the target Windows version: NTDDI_VERSION, _WIN32_WINNT and WINVER, each
 * left as the build or the driver's own file set it, and otherwise Windows 7 SP1 (the
 * last Windows to load XPDM miniports). As in the WDK, a driver may define _WIN32_WINNT
 * (or NTDDI_VERSION) itself before its first #include, and the others follow from it.
 * ntdef.h includes this file.
 */
#ifndef VPSPIN_WDK_SDKDDKVER_H
#define VPSPIN_WDK_SDKDDKVER_H

#define _WIN32_WINNT_WIN2K 0x0500
#define _WIN32_WINNT_WINXP 0x0501
#define _WIN32_WINNT_WS03  0x0502
#define _WIN32_WINNT_VISTA 0x0600
#define _WIN32_WINNT_WIN7  0x0601

#define NTDDI_WIN2K    0x05000000
#define NTDDI_WINXP    0x05010000
#define NTDDI_WINXPSP2 0x05010200
#define NTDDI_WS03     0x05020000
#define NTDDI_VISTA    0x06000000
#define NTDDI_VISTASP1 0x06000100
#define NTDDI_WIN7     0x06010000
#define NTDDI_WIN7SP1  0x06010100

#if !defined(_WIN32_WINNT) && !defined(NTDDI_VERSION)
#define NTDDI_VERSION NTDDI_WIN7SP1
#endif
#ifndef _WIN32_WINNT
#define _WIN32_WINNT (NTDDI_VERSION >> 16)
#endif
#ifndef NTDDI_VERSION
#define NTDDI_VERSION (_WIN32_WINNT << 16)
#endif
#ifndef WINVER
#define WINVER _WIN32_WINNT
#endif

#endif /* VPSPIN_WDK_SDKDDKVER_H */
