/*
 * driverspecs.h - the WDK's annotations for driver code: the IRQL a function needs or
 * leaves (_IRQL_requires_max_(DISPATCH_LEVEL), __drv_maxIRQL), the resources it takes
 * and frees (_Kernel_acquires_resource_), function classes, and their SAL 1 forms
 * (__drv_*). Static Driver Verifier reads them; here they expand to nothing. The IRQL
 * rules themselves are checked at run time by vpspin's checked modes (vpspin(7)).
 */
#ifndef VPSPIN_WDK_DRIVERSPECS_H
#define VPSPIN_WDK_DRIVERSPECS_H

#include "specstrings.h"

#define _IRQL_requires_(irql)
#define _IRQL_requires_max_(irql)
#define _IRQL_requires_min_(irql)
#define _IRQL_requires_same_
#define _IRQL_raises_(irql)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(kind, param)
#define _IRQL_restores_global_(kind, param)
#define _IRQL_always_function_min_(irql)
#define _IRQL_always_function_max_(irql)
#define _IRQL_uses_cancel_
#define _IRQL_is_cancel_
#define _IRQL_limited_to_(irql)
#define _Kernel_acquires_resource_(kind)
#define _Kernel_releases_resource_(kind)
#define _Kernel_requires_resource_held_(kind)
#define _Kernel_requires_resource_not_held_(kind)
#define _Kernel_clear_do_init_(yesno)
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Kernel_float_used_
#define _Kernel_IoGetDmaAdapter_
#define _Kernel_ptr_
#define _User_ptr_
#define _Function_class_(name)
#define _Dispatch_type_(type)
#define _Must_inspect_impl_
#define _Enum_is_bitflag_
#define _Strict_type_match_
#define _Post_ptr_invalid_
#define _Flt_CompletionContext_Outptr_

/* SAL 1 spellings (always defined: none collides with the C++ library). */
#define __drv_maxIRQL(irql)
#define __drv_minIRQL(irql)
#define __drv_requiresIRQL(irql)
#define __drv_raisesIRQL(irql)
#define __drv_setsIRQL(irql)
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_savesIRQLGlobal(kind, param)
#define __drv_restoresIRQLGlobal(kind, param)
#define __drv_sameIRQL
#define __drv_useCancelIRQL
#define __drv_maxFunctionIRQL(irql)
#define __drv_minFunctionIRQL(irql)
#define __drv_acquiresResource(kind)
#define __drv_releasesResource(kind)
#define __drv_acquiresExclusiveResource(kind)
#define __drv_releasesExclusiveResource(kind)
#define __drv_acquiresCancelSpinLock
#define __drv_releasesCancelSpinLock
#define __drv_mustHold(kind)
#define __drv_neverHold(kind)
#define __drv_mustHoldCriticalRegion
#define __drv_mustHoldCancelSpinLock
#define __drv_neverHoldCancelSpinLock
#define __drv_innerMustHoldGlobal(kind, param)
#define __drv_innerNeverHoldGlobal(kind, param)
#define __drv_allocatesMem(kind)
#define __drv_freesMem(kind)
#define __drv_aliasesMem
#define __drv_when(cond, annos)
#define __drv_functionClass(name)
#define __drv_dispatchType(type)
#define __drv_dispatchType_other
#define __drv_completionType(kind)
#define __drv_callbackType(kind)
#define __drv_inTry
#define __drv_notInTry
#define __drv_strictType(type, mode)
#define __drv_strictTypeMatch(mode)
#define __drv_in(annos)
#define __drv_out(annos)
#define __drv_in_deref(annos)
#define __drv_out_deref(annos)
#define __drv_arg(expr, annos)
#define __drv_deref(annos)
#define __drv_at(expr, annos)
#define __drv_formatString(kind)
#define __drv_preferredFunction(func, why)
#define __drv_reportError(why)
#define __drv_isObjectPointer
#define __drv_constant
#define __drv_nonConstant
#define __drv_interlocked
#define __drv_clearDoInit(yesno)
#define __drv_valueIs(list)
#define __drv_floatSaved
#define __drv_floatRestored
#define __drv_floatUsed
#define __drv_maxIRQL_Dispatch
#define __drv_requiresIRQL_Passive
#define __drv_unit(p)
#define __drv_defined(x) 0
#define __drv_typeConst  0
#define __drv_typeCond   1
#define __drv_typeBitset 2
#define __drv_typeExpr   3

#endif /* VPSPIN_WDK_DRIVERSPECS_H */
