/*
 * ntdef.h - the WDK's base definitions: the MSVC keywords and calling conventions as gcc
 * and clang take them, the base types (LP64 Linux: LONG and ULONG stay 32 bits, as on
 * Windows), NTSTATUS and its tests, LARGE_INTEGER, UNICODE_STRING, LIST_ENTRY, GUID, and
 * the helper macros (UNREFERENCED_PARAMETER, FIELD_OFFSET, CONTAINING_RECORD, C_ASSERT).
 *
 * The keywords themselves are in vpspin_wdkenv.h, which `pkg-config --cflags vpspin-wdk`
 * also forces into every file (-include), as MSVC has them before any header.
 *
 * This is the one definition of each of these types: <vpspin/wdm.h> and <vpspin/video.h>
 * include the WDK-named headers of this folder, so a miniport built against
 * `pkg-config vpspin-wdk` and a program built against <vpspin/vpspin.h> see the same
 * declarations. Layouts are the amd64 WDK's (tests/wdk/test_layout.c checks them).
 *
 * Wide strings: WCHAR is 16 bits, and so must L"..." literals be, which gcc and clang
 * give with -fshort-wchar (in `pkg-config --cflags vpspin-wdk`). Built through these
 * WDK names without it, this header stops the build rather than let a miniport pass
 * 32-bit strings where 16-bit ones are read; through <vpspin/...> (which defines
 * VPSPIN_WDK_ANY_WCHAR) any wchar_t is accepted and WCHAR is still 16 bits.
 */
#ifndef VPSPIN_WDK_NTDEF_H
#define VPSPIN_WDK_NTDEF_H

#include <stddef.h>
#include <stdint.h>

#include "sdkddkver.h"
#include "specstrings.h"
#include "vpspin_wdkenv.h"

#if !defined(VPSPIN_WDK_ANY_WCHAR) && defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ != 2
#error                                                                                             \
    "vpspin WDK headers: WCHAR is 16 bits, but L\"\" literals are not: compile with -fshort-wchar (pkg-config --cflags vpspin-wdk)"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Parameter direction (the oldest annotations). */
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
#ifndef CONST
#define CONST const
#endif
#ifndef VOID
#define VOID void
#endif
#define RESTRICTED_POINTER
#define UNALIGNED
#define UNALIGNED64
#define POINTER_64
#define POINTER_32
#define POINTER_SIGNED
#define POINTER_UNSIGNED
#define SPOINTER_32
#define UPOINTER_32

/* ---- Base types --------------------------------------------------------------------- */

typedef char CHAR, *PCHAR, *LPCH, *PCH, CCHAR, *PCCHAR;
typedef const char *PCCH, *LPCCH;
typedef unsigned char UCHAR, *PUCHAR;
typedef int16_t SHORT, *PSHORT, CSHORT;
typedef uint16_t USHORT, *PUSHORT;
typedef int32_t LONG, *PLONG;
typedef uint32_t ULONG, *PULONG, CLONG, *PCLONG;
typedef int INT, *PINT;
typedef unsigned int UINT, *PUINT;
typedef long long LONGLONG, *PLONGLONG;
typedef unsigned long long ULONGLONG, *PULONGLONG;
typedef ULONGLONG DWORDLONG, *PDWORDLONG;
typedef void *PVOID, *PVOID64;
typedef const void *PCVOID;
typedef UCHAR BOOLEAN, *PBOOLEAN;
typedef ULONG LOGICAL, *PLOGICAL;
typedef LONG NTSTATUS, *PNTSTATUS;
typedef LONG HRESULT;
typedef LONG KPRIORITY;
typedef PVOID HANDLE, *PHANDLE;
typedef ULONG LCID, *PLCID;
typedef USHORT LANGID;
typedef double DOUBLE;

/* basetsd.h's sized and pointer-sized types (LP64: a pointer is 64 bits, LONG 32). */
typedef int8_t INT8, *PINT8;
typedef uint8_t UINT8, *PUINT8;
typedef int16_t INT16, *PINT16;
typedef uint16_t UINT16, *PUINT16;
typedef int32_t INT32, *PINT32, LONG32, *PLONG32;
typedef uint32_t UINT32, *PUINT32, ULONG32, *PULONG32, DWORD32, *PDWORD32;
typedef long long INT64, *PINT64, LONG64, *PLONG64;
typedef unsigned long long UINT64, *PUINT64, ULONG64, *PULONG64, DWORD64, *PDWORD64;
typedef intptr_t INT_PTR, *PINT_PTR, LONG_PTR, *PLONG_PTR;
typedef uintptr_t UINT_PTR, *PUINT_PTR, ULONG_PTR, *PULONG_PTR, DWORD_PTR, *PDWORD_PTR;
typedef ULONG_PTR SIZE_T, *PSIZE_T;
typedef LONG_PTR SSIZE_T, *PSSIZE_T;
typedef ULONG_PTR KAFFINITY, *PKAFFINITY;
#define MAXLONG_PTR       ((LONG_PTR)(~(ULONG_PTR)0 >> 1))
#define MINLONG_PTR       (~MAXLONG_PTR)
#define MAXULONG_PTR      (~(ULONG_PTR)0)
#define MAXSIZE_T         ((SIZE_T) ~((SIZE_T)0))
#define HandleToULong(h)  ((ULONG)(ULONG_PTR)(h))
#define HandleToLong(h)   ((LONG)(LONG_PTR)(h))
#define ULongToHandle(ul) ((HANDLE)(ULONG_PTR)(ul))
#define LongToHandle(l)   ((HANDLE)(LONG_PTR)(l))
#define PtrToUlong(p)     ((ULONG)(ULONG_PTR)(p))
#define PtrToLong(p)      ((LONG)(LONG_PTR)(p))
#define PtrToUshort(p)    ((USHORT)(ULONG_PTR)(p))
#define UlongToPtr(ul)    ((PVOID)(ULONG_PTR)(ul))
#define LongToPtr(l)      ((PVOID)(LONG_PTR)(l))

/* Wide characters: UTF-16 code units (see the top of this file). */
#define UNICODE_NULL             ((WCHAR)0)
#define ANSI_NULL                ((CHAR)0)
#define UNICODE_STRING_MAX_BYTES ((USHORT)65534)
#define UNICODE_STRING_MAX_CHARS (32767)
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t WCHAR;
#else
typedef uint16_t WCHAR;
#endif
typedef WCHAR *PWCHAR, *LPWCH, *PWCH, *LPWSTR, *PWSTR;
typedef const WCHAR *LPCWCH, *PCWCH, *LPCWSTR, *PCWSTR;
typedef CHAR *LPSTR, *PSTR, *PSZ;
typedef const CHAR *LPCSTR, *PCSTR, *PCSZ;

#ifndef NULL
#define NULL ((void *)0)
#endif
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#define ANYSIZE_ARRAY 1

#define MINCHAR      0x80
#define MAXCHAR      0x7f
#define MINSHORT     0x8000
#define MAXSHORT     0x7fff
#define MINLONG      0x80000000
#define MAXLONG      0x7fffffff
#define MAXUCHAR     0xff
#define MAXUSHORT    0xffff
#define MAXULONG     0xffffffff
#define MAXLONGLONG  (0x7fffffffffffffffLL)
#define MAXULONGLONG (0xffffffffffffffffULL)

/* ---- NTSTATUS ------------------------------------------------------------------------ */
/* Severity in the top two bits: 00 success, 01 informational, 10 warning, 11 error. The
 * codes are in ntstatus.h. */
#define NT_SUCCESS(Status)     (((NTSTATUS)(Status)) >= 0)
#define NT_INFORMATION(Status) ((((ULONG)(Status)) >> 30) == 1)
#define NT_WARNING(Status)     ((((ULONG)(Status)) >> 30) == 2)
#define NT_ERROR(Status)       ((((ULONG)(Status)) >> 30) == 3)

/* ---- 64-bit integers in two halves ------------------------------------------------------
 * LowPart and HighPart are reachable both directly (the anonymous struct) and through .u,
 * as in the WDK. */
typedef union _LARGE_INTEGER {
    _ANONYMOUS_STRUCT struct {
        ULONG LowPart;
        LONG HighPart;
    };
    struct {
        ULONG LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    _ANONYMOUS_STRUCT struct {
        ULONG LowPart;
        ULONG HighPart;
    };
    struct {
        ULONG LowPart;
        ULONG HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef struct _LUID {
    ULONG LowPart;
    LONG HighPart;
} LUID, *PLUID;

#define Int32x32To64(a, b)  ((LONGLONG)(LONG)(a) * (LONGLONG)(LONG)(b))
#define UInt32x32To64(a, b) ((ULONGLONG)(ULONG)(a) * (ULONGLONG)(ULONG)(b))

/* ---- Strings ------------------------------------------------------------------------- */
/* Counted strings: Length and MaximumLength are in bytes, not characters; Buffer need not
 * be NUL-terminated. */
typedef struct _UNICODE_STRING {
    USHORT Length;
    USHORT MaximumLength;
    PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

typedef struct _STRING {
    USHORT Length;
    USHORT MaximumLength;
    PCHAR Buffer;
} STRING, *PSTRING, ANSI_STRING, *PANSI_STRING, OEM_STRING, *POEM_STRING;
typedef const STRING *PCSTRING, *PCANSI_STRING, *PCOEM_STRING;

#define RTL_CONSTANT_STRING(s)                                                                     \
    {                                                                                              \
        sizeof(s) - sizeof((s)[0]), sizeof(s), (s)                                                 \
    }

/* ---- GUID (guiddef.h, which ntdef.h includes in the WDK) ------------------------------ */
#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    ULONG Data1;
    USHORT Data2;
    USHORT Data3;
    UCHAR Data4[8];
} GUID, *PGUID, *LPGUID;
typedef const GUID *LPCGUID, *REFGUID;
#endif
/* With INITGUID defined, DEFINE_GUID defines the GUID; otherwise it declares it. */
#ifdef INITGUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)                               \
    const GUID name = {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) extern const GUID name
#endif

/* ---- Kernel object enumerations that ntdef.h holds ------------------------------------- */
typedef enum _EVENT_TYPE { NotificationEvent, SynchronizationEvent } EVENT_TYPE;
typedef enum _TIMER_TYPE { NotificationTimer, SynchronizationTimer } TIMER_TYPE;
typedef enum _WAIT_TYPE { WaitAll, WaitAny, WaitNotification, WaitDequeue } WAIT_TYPE;
typedef enum _NT_PRODUCT_TYPE {
    NtProductWinNt = 1,
    NtProductLanManNt,
    NtProductServer
} NT_PRODUCT_TYPE;

/* ---- Helper macros -------------------------------------------------------------------- */

/* (void) rather than the WDK's bare (P): gcc would warn that the statement has no effect. */
#define UNREFERENCED_PARAMETER(P)          ((void)(P))
#define DBG_UNREFERENCED_PARAMETER(P)      ((void)(P))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))
#define UNREFERENCED_LOCAL_VARIABLE(V)     ((void)(V))

#define FIELD_OFFSET(type, field)   ((LONG)offsetof(type, field))
#define UFIELD_OFFSET(type, field)  ((ULONG)offsetof(type, field))
#define RTL_FIELD_SIZE(type, field) (sizeof(((type *)0)->field))
#define RTL_SIZEOF_THROUGH_FIELD(type, field)                                                      \
    (FIELD_OFFSET(type, field) + RTL_FIELD_SIZE(type, field))
#define RTL_CONTAINS_FIELD(Struct, Size, Field)                                                    \
    ((((PCHAR)(&(Struct)->Field)) + sizeof((Struct)->Field)) <= (((PCHAR)(Struct)) + (Size)))
#define RTL_NUMBER_OF(A)    (sizeof(A) / sizeof((A)[0]))
#define RTL_NUMBER_OF_V1(A) RTL_NUMBER_OF(A)
#define RTL_NUMBER_OF_V2(A) RTL_NUMBER_OF(A)
#define ARRAYSIZE(A)        RTL_NUMBER_OF(A)
#define _ARRAYSIZE(A)       RTL_NUMBER_OF(A)

/* The structure of type whose member field is at address. */
#define CONTAINING_RECORD(address, type, field) ((type *)((PCHAR)(address)-offsetof(type, field)))

#define ALIGN_DOWN_BY(length, alignment) ((ULONG_PTR)(length) & ~((ULONG_PTR)(alignment)-1))
#define ALIGN_UP_BY(length, alignment)                                                             \
    (ALIGN_DOWN_BY(((ULONG_PTR)(length) + (alignment)-1), alignment))
#define ALIGN_DOWN(length, type) ALIGN_DOWN_BY(length, sizeof(type))
#define ALIGN_UP(length, type)   ALIGN_UP_BY(length, sizeof(type))

/* A compile-time assertion, usable wherever a declaration is. */
#if defined(__cplusplus)
#define C_ASSERT(e) static_assert(e, #e)
#else
#define C_ASSERT(e) _Static_assert(e, #e)
#endif

#ifndef __cplusplus
#ifndef NOMINMAX
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#endif
#endif

#ifdef __cplusplus
}
#endif

#endif /* VPSPIN_WDK_NTDEF_H */

/* ---- Lists (their inline functions are in wdm.h) -------------------------------------
 * The WDK's video miniport headers (miniport.h, video.h, ntddvdeo.h, devioctl.h ...) do not
 * give LIST_ENTRY: a miniport that includes only those defines it itself, if it needs it.
 * So they include this file through vpspin_ntdef_nolists.h, with VSP_WDK_NO_LISTS defined,
 * and the lists come with the first inclusion without it: ntdef.h itself, wdm.h or ntddk.h. */
#if !defined(VSP_WDK_NO_LISTS) && !defined(VPSPIN_WDK_NTDEF_LISTS)
#define VPSPIN_WDK_NTDEF_LISTS
#ifdef __cplusplus
extern "C" {
#endif
typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY, *RESTRICTED_POINTER PRLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
    struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

#ifdef __cplusplus
}
#endif
#endif /* the lists */
