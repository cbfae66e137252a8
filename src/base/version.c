/*
 * base/version.c - the library's version.
 */
#include <vpspin/vpspin.h>

#define VSP_STR2(x) #x
#define VSP_STR(x) VSP_STR2(x)

const char *vpspin_version(void)
{
    return VSP_STR(VPSPIN_VERSION_MAJOR) "." VSP_STR(VPSPIN_VERSION_MINOR) "." VSP_STR(
        VPSPIN_VERSION_PATCH);
}
