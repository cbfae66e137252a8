/*
 * vpspin_wdkenv.h - what the WDK's compiler and build environment give a driver before any
 * header: MSVC's keywords and calling conventions as gcc and clang take them (__int64,
 * __forceinline, __stdcall, __declspec(...)), and DBG. Not a WDK header: vpspin's stand-in
 * for cl.exe and the WDK's build settings. `pkg-config --cflags vpspin-wdk` and vpspin::wdk
 * force it into every file (-include), since driver code may use __int64 before including
 * anything; ntdef.h includes it too. The target version (WINVER, _WIN32_WINNT,
 * NTDDI_VERSION) is not here but in sdkddkver.h, as in the WDK, so that a driver's own
 * #define _WIN32_WINNT before its #includes is taken, not redefined.
 */
#ifndef VPSPIN_WDK_WDKENV_H
#define VPSPIN_WDK_WDKENV_H

/* A free build unless the build says checked (-DDBG=1): DBG keeps VideoDebugPrint,
 * KdPrint and ASSERT. */
#ifndef DBG
#define DBG 0
#endif

/* Calling conventions: amd64 and arm64 have one, so these say nothing. */
#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif
#ifndef __fastcall
#define __fastcall
#endif
#ifndef _stdcall
#define _stdcall
#endif
#ifndef _cdecl
#define _cdecl
#endif
#ifndef _fastcall
#define _fastcall
#endif
#define NTAPI
#define NTAPI_INLINE
#ifndef FASTCALL
#define FASTCALL
#endif
#ifndef CDECL
#define CDECL
#endif
#define STDMETHODCALLTYPE
#define NTSYSAPI
#define NTSYSCALLAPI

/* Integer keywords: __int64 is long long, as it is 64 bits on every Windows target. */
#ifndef __int8
#define __int8 char
#endif
#ifndef __int16
#define __int16 short
#endif
#ifndef __int32
#define __int32 int
#endif
#ifndef __int64
#define __int64 long long
#endif

/* Inline functions. FORCEINLINE may be written with or without static before it: with
 * C99 inline semantics a non-static inline definition emits no symbol, and
 * always_inline means it needs none. */
#ifndef _inline
#define _inline __inline__
#endif
#ifndef __inline
#define __inline __inline__
#endif
#ifndef __forceinline
#define __forceinline __inline__ __attribute__((__always_inline__))
#endif
#define FORCEINLINE       __forceinline
#define DECLSPEC_NOINLINE __attribute__((__noinline__))

/* __declspec(x) for the x that drivers use: __declspec(align(16)) becomes
 * VSP_DECLSPEC_align(16), and so on. */
#define __declspec(x) VSP_DECLSPEC_##x
#define VSP_DECLSPEC_align(n) __attribute__((__aligned__(n)))
#define VSP_DECLSPEC_dllimport
#define VSP_DECLSPEC_dllexport __attribute__((__visibility__("default")))
#define VSP_DECLSPEC_noinline  __attribute__((__noinline__))
#define VSP_DECLSPEC_noreturn  __attribute__((__noreturn__))
#define VSP_DECLSPEC_nothrow
#define VSP_DECLSPEC_novtable
#define VSP_DECLSPEC_noalias
#define VSP_DECLSPEC_restrict
#define VSP_DECLSPEC_naked      __attribute__((__naked__))
#define VSP_DECLSPEC_selectany  __attribute__((__weak__))
#define VSP_DECLSPEC_thread     __thread
#define VSP_DECLSPEC_deprecated __attribute__((__deprecated__))
#define VSP_DECLSPEC_uuid(x)
#define VSP_DECLSPEC_safebuffers
#define VSP_DECLSPEC_guard(x)

#define DECLSPEC_ALIGN(n)   __attribute__((__aligned__(n)))
#define DECLSPEC_CACHEALIGN DECLSPEC_ALIGN(64)
#define DECLSPEC_IMPORT
#define DECLSPEC_EXPORT   __attribute__((__visibility__("default")))
#define DECLSPEC_NORETURN __attribute__((__noreturn__))
#define DECLSPEC_NOTHROW
#define DECLSPEC_NOVTABLE
#define DECLSPEC_SELECTANY  __attribute__((__weak__))
#define DECLSPEC_DEPRECATED __attribute__((__deprecated__))
#define DECLSPEC_DEPRECATED_DDK
#define DECLSPEC_ADDRSAFE
#define DECLSPEC_SAFEBUFFERS
#define DECLSPEC_GUARDNOCF
#define DECLSPEC_UUID(x)
#define DECLSPEC_NOINITALL
#define DECLSPEC_ALLOCATOR
#define DECLSPEC_RESTRICT

/* Anonymous members: standard in C11 (structs and unions) and C++ (unions); gcc and clang
 * take anonymous structs in C++ as an extension, which __extension__ says is meant. */
#define _ANONYMOUS_UNION  __extension__
#define _ANONYMOUS_STRUCT __extension__
#define DUMMYUNIONNAME
#define DUMMYUNIONNAME2
#define DUMMYUNIONNAME3
#define DUMMYUNIONNAME4
#define DUMMYUNIONNAME5
#define DUMMYSTRUCTNAME
#define DUMMYSTRUCTNAME2
#define DUMMYSTRUCTNAME3
#define DUMMYSTRUCTNAME4
#define DUMMYSTRUCTNAME5

#endif /* VPSPIN_WDK_WDKENV_H */
