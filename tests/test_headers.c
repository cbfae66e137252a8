/*
 * test_headers.c - the public headers, each compiled alone as C11 and as C++17 (the
 * header_*.c / header_*.cpp units CMake generates, built with -pedantic -Werror), and
 * callable from C++: test_headers_cxx.cpp calls the API through extern "C".
 */
#include <string.h>

#include <vpspin/vpspin.h>

#include "check.h"

int cxx_irql_roundtrip(void);   /* from test_headers_cxx.cpp */
int cxx_videoport_lock(void);

int main(void)
{
    CHECK_EQ(sizeof(KSPIN_LOCK), sizeof(void *));
    CHECK_EQ(sizeof(KIRQL), 1);
    CHECK_EQ(sizeof(LONG), 4);
    CHECK_EQ(sizeof(ULONG), 4);
    CHECK_EQ(sizeof(ULONG_PTR), sizeof(void *));
    CHECK_EQ(PASSIVE_LEVEL, 0);
    CHECK_EQ(LOW_LEVEL, 0);
    CHECK_EQ(APC_LEVEL, 1);
    CHECK_EQ(DISPATCH_LEVEL, 2);
    CHECK_EQ(CMCI_LEVEL, 5);
    CHECK_EQ(SYNCH_LEVEL, 12);
    CHECK_EQ(CLOCK_LEVEL, 13);
    CHECK_EQ(IPI_LEVEL, 14);
    CHECK_EQ(POWER_LEVEL, 14);
    CHECK_EQ(PROFILE_LEVEL, 15);
    CHECK_EQ(HIGH_LEVEL, 15);
    CHECK_EQ(NO_ERROR, 0);
    CHECK_EQ(ERROR_INVALID_FUNCTION, 1);
    CHECK_EQ(ERROR_NOT_ENOUGH_MEMORY, 8);
    CHECK_EQ(ERROR_INVALID_PARAMETER, 87);
    CHECK_EQ(sizeof(VP_STATUS), 4);
    CHECK_EQ(offsetof(KLOCK_QUEUE_HANDLE, LockQueue), 0);
    CHECK_EQ(offsetof(KSPIN_LOCK_QUEUE, Next), 0);
    CHECK_EQ(offsetof(KSPIN_LOCK_QUEUE, Lock), sizeof(void *));
    CHECK(strlen(vpspin_version()) >= 5);
    CHECK_EQ(cxx_irql_roundtrip(), 1);
    CHECK_EQ(cxx_videoport_lock(), 1);
    return check_done();
}
