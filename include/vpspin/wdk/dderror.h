/*
 * dderror.h - the error codes a display or video miniport returns (NO_ERROR,
 * ERROR_INVALID_PARAMETER, ERROR_MORE_DATA ...). In the WDK it repeats a subset of
 * winerror.h; here it includes winerror.h, so each code has one definition.
 */
#ifndef VPSPIN_WDK_DDERROR_H
#define VPSPIN_WDK_DDERROR_H

#include "winerror.h"

#endif /* VPSPIN_WDK_DDERROR_H */
