/*
 * specstrings.h - the WDK's first annotation language (SAL 1: __in, __out_bcount(n),
 * __deref_out_opt ...), beside SAL 2 (sal.h, included here), as older miniports are
 * written with it. Every annotation expands to nothing.
 *
 * In C++ the SAL 1 names are defined only when VPSPIN_WDK_LEGACY_SAL is defined:
 * libstdc++ uses __in and __out as parameter names, so with them defined, a C++
 * standard header included afterwards does not compile. A C++ file that needs them
 * defines VPSPIN_WDK_LEGACY_SAL and includes the standard headers first.
 */
#ifndef VPSPIN_WDK_SPECSTRINGS_H
#define VPSPIN_WDK_SPECSTRINGS_H

#include "sal.h"

#if !defined(__cplusplus) || defined(VPSPIN_WDK_LEGACY_SAL)

#define __in
#define __in_opt
#define __in_z
#define __in_opt_z
#define __in_bcount(size)
#define __in_bcount_opt(size)
#define __in_ecount(size)
#define __in_ecount_opt(size)
#define __in_xcount(size)
#define __in_xcount_opt(size)
#define __in_bcount_z(size)
#define __in_ecount_z(size)
#define __in_range(lo, hi)
#define __out
#define __out_opt
#define __out_z
#define __out_z_opt
#define __out_bcount(size)
#define __out_bcount_opt(size)
#define __out_ecount(size)
#define __out_ecount_opt(size)
#define __out_xcount(size)
#define __out_xcount_opt(size)
#define __out_bcount_part(size, length)
#define __out_bcount_part_opt(size, length)
#define __out_ecount_part(size, length)
#define __out_ecount_part_opt(size, length)
#define __out_bcount_full(size)
#define __out_bcount_full_opt(size)
#define __out_ecount_full(size)
#define __out_ecount_full_opt(size)
#define __out_ecount_z(size)
#define __out_bcount_z(size)
#define __out_range(lo, hi)
#define __inout
#define __inout_opt
#define __inout_z
#define __inout_opt_z
#define __inout_bcount(size)
#define __inout_bcount_opt(size)
#define __inout_ecount(size)
#define __inout_ecount_opt(size)
#define __inout_xcount(size)
#define __inout_bcount_part(size, length)
#define __inout_ecount_part(size, length)
#define __inout_bcount_full(size)
#define __inout_ecount_full(size)
#define __inout_ecount_z(size)
#define __inout_bcount_z(size)
#define __deref_in
#define __deref_in_opt
#define __deref_out
#define __deref_out_opt
#define __deref_out_z
#define __deref_out_bcount(size)
#define __deref_out_ecount(size)
#define __deref_out_bcount_opt(size)
#define __deref_out_ecount_opt(size)
#define __deref_out_range(lo, hi)
#define __deref_inout
#define __deref_inout_opt
#define __deref_opt_out
#define __deref_opt_out_opt
#define __deref_opt_inout
#define __bcount(size)
#define __bcount_opt(size)
#define __ecount(size)
#define __ecount_opt(size)
#define __xcount(size)
#define __field_bcount(size)
#define __field_bcount_opt(size)
#define __field_ecount(size)
#define __field_ecount_opt(size)
#define __field_range(lo, hi)
#define __out_has_type_adt_props(type)
#define __checkReturn
#define __success(expr)
#define __nullterminated
#define __nullnullterminated
#define __reserved
#define __notnull
#define __maybenull
#define __readonly
#define __format_string
#define __callback
#define __override
#define __typefix(ctype)
#define __analysis_assume(expr)
#define __analysis_noreturn
#define __assume_bound(lo)
#define __fallthrough
#define __control_entrypoint(category)
#define __data_entrypoint(category)
#define __post
#define __pre
#define __valid
#define __notvalid
#define __exceptthat
#define __refparam
#define __inner_checkReturn

#endif /* C, or C++ with VPSPIN_WDK_LEGACY_SAL */

#endif /* VPSPIN_WDK_SPECSTRINGS_H */
