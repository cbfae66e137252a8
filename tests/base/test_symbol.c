/*
 * test_symbol.c - code addresses named (src/base/symbol.h), built twice: against the
 * library as configured (EXPECT_LIBDW=1 when it has libdw: function, offset, file:line,
 * inlined frames) and against a copy whose symbolizer has no libdw (EXPECT_LIBDW=0: the
 * module+offset fallback). Linked statically, so it can reach the symbolizer's internals.
 *
 * Also: a report made from a signal handler that interrupts a lookup on the same thread
 * comes back (in the fallback form) instead of deadlocking, and a lookup made while
 * another thread is stuck inside the symbolizer gives up waiting and falls back.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "base/symbol.h"
#include "base/symbol_dw.h"
#include "check.h"

#define NAMED(buf, fn, line) (strstr(buf, fn) == buf && strstr(buf, line) != NULL)
/* The fallback for this program's static functions: "test_symbol+0x1a2b" (or _nodw). */
#define FALLBACK(buf)                                                                              \
    (strncmp(buf, "test_symbol", 11) == 0 && strstr(buf, "+0x") != NULL &&                         \
     strstr(buf, ".c:") == NULL)

static char line_of[64]; /* "test_symbol.c:N" of the last call recorded */

static __attribute__((noinline)) const void *caller_address(int line)
{
    snprintf(line_of, sizeof line_of, "test_symbol.c:%d", line);
    return __builtin_extract_return_addr(__builtin_return_address(0));
}

static __attribute__((noinline)) const void *plain_site(void)
{
    const void *a = caller_address(__LINE__);
    __asm__ volatile("" ::: "memory"); /* keep the call out of a tail position */
    return a;
}

static inline __attribute__((always_inline)) const void *inlined_helper(void)
{
    return caller_address(__LINE__);
}

static __attribute__((noinline)) const void *outer_of_inlined(void)
{
    const void *a = inlined_helper();
    __asm__ volatile("" ::: "memory"); /* keep the call out of a tail position */
    return a;
}

/* Inlined functions in a chain (gcc may fold some into one location). */
static inline __attribute__((always_inline)) const void *inl3(void)
{
    return caller_address(__LINE__);
}
static inline __attribute__((always_inline)) const void *inl2(void) { return inl3(); }
static inline __attribute__((always_inline)) const void *inl1(void) { return inl2(); }
static __attribute__((noinline)) const void *outer4(void)
{
    const void *a = inl1();
    __asm__ volatile("" ::: "memory"); /* keep the call out of a tail position */
    return a;
}

static void test_names(void)
{
    char buf[512];
    const void *a = plain_site();
    vsp_format_code_address(buf, sizeof buf, a);
    printf("a call site:       %s\n", buf);
    if (EXPECT_LIBDW) {
        CHECK(NAMED(buf, "plain_site+0x", line_of));
    } else {
        CHECK(FALLBACK(buf));
        CHECK(strstr(buf, ".c:") == NULL);
    }

    a = outer_of_inlined();
    vsp_format_code_address(buf, sizeof buf, a);
    printf("inlined:           %s\n", buf);
    if (EXPECT_LIBDW) {
        CHECK(strstr(buf, "inlined_helper (") == buf);
        CHECK(strstr(buf, line_of) != NULL);
        CHECK(strstr(buf, " inlined in outer_of_inlined+0x") != NULL);
    }

    vsp_format_site(buf, sizeof buf, a);
    printf("a site, short:     %s\n", buf);
    char want[96];
    snprintf(want, sizeof want, "inlined_helper (%s)", line_of);
    if (EXPECT_LIBDW)
        CHECK(strcmp(buf, want) == 0);
    else
        CHECK(FALLBACK(buf));

    vsp_format_function(buf, sizeof buf, (const void *)plain_site);
    printf("a function:        %s\n", buf);
    if (EXPECT_LIBDW)
        CHECK(strstr(buf, "plain_site (") == buf && strstr(buf, "test_symbol.c:") != NULL);
    else
        CHECK(FALLBACK(buf));

    vsp_format_code_address(buf, sizeof buf, NULL);
    CHECK(strcmp(buf, "(nil)") == 0);
    int on_stack;
    vsp_format_code_address(buf, sizeof buf, &on_stack); /* in no module */
    CHECK(buf[0] == '0' && buf[1] == 'x');
    CHECK_EQ(vsp_symbol_debug_info(), EXPECT_LIBDW);
}

static __attribute__((noinline)) void test_stack(void)
{
    struct vsp_text *t = vsp_text_new();
    CHECK(t != NULL);
    vsp_put_stack(t);
    printf("%s", t->buf);
    CHECK(strncmp(t->buf, "Stack:\n  #0  ", 13) == 0);
    if (EXPECT_LIBDW)
        CHECK(strstr(t->buf, "test_stack+0x") != NULL && strstr(t->buf, "main+0x") != NULL &&
              strstr(t->buf, "test_symbol.c:") != NULL);
    free(t);
}

/* Names found again: from the cache, and looked up afresh after the modules were read again
 * or when one lookup did not fit the cache; cut short to the buffer given. */
static void test_lookups_again(void)
{
    char first[512], again[512], other[512];
    const void *a = plain_site();
    vsp_format_code_address(first, sizeof first, a);
    vsp_format_function(other, sizeof other, a); /* the same address, not as a call site */
    CHECK(strncmp(other, EXPECT_LIBDW ? "plain_site" : "test_symbol", 10) == 0);
    int on_stack;
    vsp_format_code_address(other, sizeof other, &on_stack); /* read the modules again */
    vsp_format_code_address(again, sizeof again, a);
    CHECK(strcmp(first, again) == 0);

    const void *deep = outer4();
    vsp_format_code_address(first, sizeof first, deep);
    printf("four levels:       %s\n", first);
    vsp_format_code_address(again, sizeof again, deep);
    CHECK(strcmp(first, again) == 0);
    if (EXPECT_LIBDW) {
        CHECK(strstr(first, "inl3 (") == first && strstr(first, line_of) != NULL);
        CHECK(strstr(first, " inlined in outer4+0x") != NULL); /* (inl1, inl2: as gcc says) */
    } else {
        CHECK(FALLBACK(first));
    }
    /* Cut to the buffer: a prefix of the whole, terminated. */
    char small[24];
    memset(small, 'x', sizeof small);
    vsp_format_code_address(small, 12, deep);
    CHECK(strlen(small) == 11 && strncmp(small, first, 11) == 0 && small[12] == 'x');

    /* A function of libc: its symbol, then its line if libc's debug info is installed, else
     * its module. */
    const void *getpid_fn = dlsym(RTLD_DEFAULT, "getpid");
    CHECK(getpid_fn != NULL);
    vsp_format_function(other, sizeof other, getpid_fn);
    printf("a libc function:   %s\n", other);
    CHECK(strstr(other, "getpid") != NULL && strstr(other, "+0x") == NULL);
    vsp_format_site(other, sizeof other, (const char *)getpid_fn + 1);
    CHECK(strstr(other, "getpid") != NULL);

#if EXPECT_LIBDW
    struct vsp_where w[8];
    CHECK_EQ(vsp_dw_locate(deep, true, w, 0), 0);
    CHECK_EQ(vsp_dw_locate(NULL, true, w, 8), 0);
    /* Room for one location: the function whose symbol holds the address. */
    CHECK_EQ(vsp_dw_locate(deep, true, w, 1), 1);
    CHECK(strcmp(w[0].function, "outer4") == 0 && w[0].has_offset);
#endif
}

/* A source file inside the working directory is shown relative to it. */
static void test_short_path(void)
{
    if (!EXPECT_LIBDW || __FILE__[0] != '/')
        return;
    char dir[512], cwd[512], buf[512];
    snprintf(dir, sizeof dir, "%s", __FILE__);
    *strrchr(dir, '/') = '\0'; /* .../tests/base */
    *strrchr(dir, '/') = '\0'; /* .../tests */
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(dir) == 0);
    vsp_format_code_address(buf, sizeof buf, plain_site());
    printf("from %s: %s\n", dir, buf);
    CHECK(strstr(buf, "(base/test_symbol.c:") != NULL);
    CHECK(chdir("/") == 0);
    vsp_format_code_address(buf, sizeof buf, plain_site());
    CHECK(strstr(buf, "(/") != NULL && strstr(buf, "/tests/base/test_symbol.c:") != NULL);
    CHECK(chdir(cwd) == 0);
}

/* ---- No deadlock from a signal handler ------------------------------------------------- */

static vpspin_bugcheck_handler old_handler;
static char nested[8192];
static int hooked, reports;

static void record(const vpspin_bugcheck *r, void *ctx)
{
    (void)ctx;
    snprintf(nested, sizeof nested, "%s", r->Text);
    reports++;
}

/* A driver's signal handler that breaks a rule: a report, from inside the lookup that the
 * signal interrupted. */
static void on_signal(int sig)
{
    (void)sig;
    KSPIN_LOCK lock;
    KeInitializeSpinLock(&lock);
    KIRQL old = KeGetCurrentIrql();
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeReleaseSpinLock(&lock, old); /* nobody holds it: 0x1007, a report with a stack */
    KeLowerIrql(old);
}

static void raise_once(void)
{
    if (hooked++ == 0)
        raise(SIGUSR1);
}

static void test_signal_in_lookup(void)
{
    signal(SIGUSR1, on_signal);
    old_handler = vpspin_set_bugcheck_handler(record, NULL);
    vsp_symbol_test_hook = raise_once;
    char buf[512];
    vsp_format_code_address(buf, sizeof buf, plain_site());
    vsp_symbol_test_hook = NULL;
    vpspin_set_bugcheck_handler(old_handler, NULL);
    signal(SIGUSR1, SIG_DFL);
    printf("outer lookup:      %s\n", buf);
    printf("report from the signal handler, inside that lookup:\n%s", nested);
    /* Without libdw there is no lookup to interrupt: the hook is never called. */
    CHECK_EQ(hooked, EXPECT_LIBDW);
    if (EXPECT_LIBDW) {
        CHECK_EQ(reports, 1);
        CHECK(strstr(nested, "(0x0000000000001007,") != NULL);
        CHECK(strstr(nested, "Stack:\n  #0  ") != NULL);
        CHECK(strstr(nested, "test_symbol.c:") == NULL); /* the fallback, not the lock */
        CHECK(strstr(nested, "  #0  test_symbol+0x") != NULL);
        CHECK(NAMED(buf, "plain_site+0x", line_of)); /* the interrupted lookup finished */
    }
}

/* ---- Another thread stuck inside the symbolizer -------------------------------------- */

static sem_t entered, release;
static __thread bool stuck_here;

static void block_stuck(void)
{
    if (stuck_here) {
        sem_post(&entered);
        sem_wait(&release);
    }
}

static void *stuck(void *arg)
{
    (void)arg;
    char buf[256];
    stuck_here = true;
    vsp_format_code_address(buf, sizeof buf, plain_site());
    return NULL;
}

static void test_stuck_thread(void)
{
    if (!EXPECT_LIBDW)
        return; /* no mutex to be stuck on (test_names checks the fallback) */
    sem_init(&entered, 0, 0);
    sem_init(&release, 0, 0);
    vsp_symbol_test_hook = block_stuck;
    pthread_t th;
    CHECK(pthread_create(&th, NULL, stuck, NULL) == 0);
    sem_wait(&entered); /* it is inside a lookup, holding the symbolizer */
    char buf[512];
    vsp_format_code_address(buf, sizeof buf, plain_site()); /* waits 1 s, then falls back */
    /* A fork meanwhile (that waits 1 s for the symbolizer too): the child starts with a
     * symbolizer of its own and names addresses. */
    pid_t pid = fork();
    if (pid == 0) {
        char child[512];
        vsp_format_code_address(child, sizeof child, plain_site());
        _exit(NAMED(child, "plain_site+0x", line_of) ? 0 : 1);
    }
    int wstatus = 0;
    CHECK(pid > 0 && waitpid(pid, &wstatus, 0) == pid);
    CHECK(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
    sem_post(&release);
    pthread_join(th, NULL);
    vsp_symbol_test_hook = NULL;
    printf("while another thread is stuck in a lookup: %s\n", buf);
    CHECK(strstr(buf, "test_symbol+0x") == buf);
    vsp_format_code_address(buf, sizeof buf, plain_site());
    CHECK(NAMED(buf, "plain_site+0x", line_of)); /* and lookups work again after */
}

/* ---- A lock class named after its creation site ---------------------------------------- */

static __attribute__((noinline)) void test_class_name(void)
{
    vpspin_set_verify(VPSPIN_VERIFY_FULL);
    char ext[64];
    PSPIN_LOCK lock;
    int line = __LINE__ + 1;
    CHECK(VideoPortCreateSpinLock(ext, &lock) == NO_ERROR);
    UCHAR old;
    VideoPortAcquireSpinLock(ext, lock, &old);
    VideoPortReleaseSpinLock(ext, lock, old);
    vpspin_lock_stat st;
    CHECK(vpspin_query_lock_stat(lock, &st) == NO_ERROR);
    printf("class:             %s\n", st.Class);
    char want[96];
    snprintf(want, sizeof want, "VideoPortCreateSpinLock@test_class_name (test_symbol.c:%d)", line);
    if (EXPECT_LIBDW)
        CHECK(strcmp(st.Class, want) == 0);
    else
        CHECK(strncmp(st.Class, "VideoPortCreateSpinLock@", 24) == 0 && FALLBACK(st.Class + 24));
    /* The same name labels the class in the statistics (table and CSV) and the DOT graph. */
    static char out[1 << 16];
    for (int what = 0; what < 3; what++) {
        FILE *f = fmemopen(out, sizeof out - 1, "w");
        CHECK(f != NULL);
        CHECK_EQ(what == 2 ? vpspin_write_lock_order(f)
                           : vpspin_write_lock_stat(f, what ? VPSPIN_STAT_CSV : VPSPIN_STAT_TABLE),
                 0);
        fclose(f);
        CHECK(strstr(out, st.Class) != NULL);
    }
    VideoPortDeleteSpinLock(ext, lock);
    vpspin_set_verify(VPSPIN_VERIFY_DEFAULT);
}

int main(void)
{
    test_names();
    test_lookups_again();
    test_short_path();
    test_stack();
    test_signal_in_lookup();
    test_stuck_thread();
    test_class_name();
    return check_done();
}
