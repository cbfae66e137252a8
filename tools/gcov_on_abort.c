/*
 * tools/gcov_on_abort.c - make coverage's LD_PRELOAD: the counts of a process that dies of
 * abort() are written too.
 *
 * gcc's coverage runtime writes a program's counts at exit; a process that dies of SIGABRT
 * (a bug check with no handler, the controlled mode's deadlock and divergence reports, the
 * tests' children that check them) never gets there, so the code that made the report was
 * never counted. Preloaded into every process of the coverage run (tools/coverage.sh), this
 * catches SIGABRT, has the runtime write the counts of every loaded object (each shared
 * object and executable built with --coverage links a copy of libgcov of its own; their
 * roots are chained from one exported __gcov_master), then dies of the signal as before: the exit status, and so every test's
 * verdict, is unchanged. A program that installs a SIGABRT handler of its own replaces
 * this one.
 */
#include <signal.h>
#include <stddef.h>

/* libgcov's own (gcc's libgcov.h): each object built with --coverage has a root listing its
 * counters; the roots of a process are chained from the one __gcov_master that the dynamic
 * linker binds every object's references to. */
struct gcov_root {
    void *list;
    unsigned dumped : 1;
    unsigned run_counted : 1;
    struct gcov_root *next, *prev;
};
struct gcov_master {
    unsigned version;
    struct gcov_root *root;
};
extern struct gcov_master __gcov_master;
void __gcov_dump_one(struct gcov_root *root); /* writes the root's counts, once */

static void on_abort(int sig)
{
    for (struct gcov_root *r = __gcov_master.root; r != NULL; r = r->next)
        __gcov_dump_one(r);
    signal(sig, SIG_DFL);
    raise(sig);
}

__attribute__((constructor)) static void install(void) { signal(SIGABRT, on_abort); }
