/*
 * adapter/fault.c - direct accesses to device memory through a mapping that is no more,
 * or past the end of one: caught as page faults, in the checked mode.
 *
 * A miniport reads and writes a frame buffer or a command ring through the pointer
 * VideoPortGetDeviceBase or VideoPortMapMemory gave it, not through a service, so view.c
 * cannot look at those accesses. It makes them fault instead: every memory mapping has a
 * PROT_NONE guard page before and after it, and in the checked mode a freed mapping's
 * pages become PROT_NONE. The SIGSEGV handler installed here (once, when the first such
 * page is made) asks view.c whether the faulting address is one of those pages: if so it
 * reports 0xF011 (freed) or 0xF012 (outside), with P3 telling a write where the
 * processor says (x86-64), and puts a zeroed scratch page there, so that when the handler
 * returns the access is made again and goes through (to nowhere): a program whose report
 * handler returns, or in report-and-continue mode, goes on. Any other fault goes to the
 * handler that was installed before, or kills the process as it would have.
 *
 * The report is written from the signal handler. That is safe here only because the
 * thread faulted in the miniport's own code, touching device memory, not inside the C
 * library; vpspin's reports take a mutex and allocate.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "adapter/adapter.h"

static struct sigaction vsp_fault_previous;
static pthread_once_t vsp_fault_once = PTHREAD_ONCE_INIT;

/* 1 for a write, 0 for a read, 2 where the processor's report is not read. */
static unsigned vsp_fault_write(const void *context)
{
#if defined(__x86_64__)
    const ucontext_t *uc = context;
    return (uc->uc_mcontext.gregs[REG_ERR] & 2) ? 1 : 0;
#else
    (void)context;
    return 2;
#endif
}

static void vsp_fault_pass(int sig, siginfo_t *si, void *context)
{
    if (vsp_fault_previous.sa_flags & SA_SIGINFO) {
        vsp_fault_previous.sa_sigaction(sig, si, context);
    } else if (vsp_fault_previous.sa_handler == SIG_DFL ||
               vsp_fault_previous.sa_handler == SIG_IGN) {
        /* The access is made again on return and faults with the default action. */
        signal(sig, SIG_DFL);
    } else {
        vsp_fault_previous.sa_handler(sig);
    }
}

static void vsp_fault_handler(int sig, siginfo_t *si, void *context)
{
    int saved = errno;
    struct vsp_view_info info;
    void *page = NULL;
    uintptr_t addr = (uintptr_t)si->si_addr;
    enum vsp_verdict verdict = vsp_view_fault(addr, &info, &page);
    if (verdict == VSP_ACCESS_FREED || verdict == VSP_ACCESS_OUTSIDE) {
        vsp_report_access(VSP_API_DeviceMemory, verdict, addr, vsp_fault_write(context), 0, &info);
        mmap(page, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    } else {
        vsp_fault_pass(sig, si, context);
    }
    errno = saved;
}

static void vsp_fault_setup(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = vsp_fault_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &vsp_fault_previous);
}

void vsp_fault_install(void) { pthread_once(&vsp_fault_once, vsp_fault_setup); }
