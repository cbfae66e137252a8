/*
 * vpspin-explore - runs a program that uses vpspin many times under the controlled
 * scheduler, each run a fresh process with its own seed, until one fails; then prints the
 * failing interleaving and the one command that replays it (vpspin-explore(1)).
 *
 *   vpspin-explore [--strategy S] [--runs N] [--seed S] [--timeout-ms T] [--cpus N]
 *                  [--keep-going] [--trace N] [--out DIR] -- PROGRAM ARGS
 *
 * Each run gets VPSPIN_SCHED, VPSPIN_SEED, VPSPIN_SCHED_CPUS and a run log
 * (VPSPIN_SCHED_LOG, src/sched/log.h): a file the process maps shared, so that its last
 * scheduling points and every choice survive it whatever kills it. A run fails on a
 * non-zero exit, a signal, a bug check (a "*** STOP:" line), a deadlock (the scheduler
 * found every thread blocked) or a hang past the timeout. The first failure is reported
 * with its seed, strategy and step count, the trace of its last steps, a schedule file,
 * and the replay command, which this tool runs once to confirm it fails the same way.
 *
 * PCT (pct:D) learns k, the steps of a run, from the runs before (the first uses 1000).
 * pb:B and db:B are depth-first searches over the schedules with at most B preemptions
 * (CHESS's preemption bounding) or B delays: each run follows a prefix and completes it
 * with the default choices; the next prefix changes the last choice that still has an
 * untried alternative within the bound. pb goes through its space in rounds, closest to
 * round robin first (below). Both report how many schedules they ran and whether that was
 * all of them.
 *
 * Exit status: 0 no run failed; 1 one did; 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sched/log.h"
#include "sched/point.h"

static const char *const kind_names[] = VSP_SP_NAMES;
_Static_assert(sizeof kind_names / sizeof kind_names[0] == VSP_SP_KINDS,
               "one name per kind of sched/point.h");

struct options {
    char strategy[32];
    unsigned long runs, timeout_ms, cpus, trace;
    unsigned long long seed;
    bool keep_going;
    const char *out;
    char **argv;
    unsigned depth; /* pct */
    long bound;     /* pb or db, or -1 */
    bool delays;    /* db: the bound counts delays, not preemptions */
    bool native;    /* "native" or "delay:US": not the controlled mode */
};

static void usage(const char *fmt, ...)
{
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "vpspin-explore: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
    }
    fprintf(stderr,
            "usage: vpspin-explore [--strategy random|pct[:D]|pb:B|native|delay:US] [--runs N]\n"
            "                      [--seed S] [--timeout-ms T] [--cpus N] [--keep-going]\n"
            "                      [--trace N]"
            " [--out DIR] -- PROGRAM [ARGS...]\n");
    exit(2);
}

static unsigned long long number(const char *opt, const char *s, unsigned long long min,
                                 unsigned long long max)
{
    char *end;
    errno = 0;
    unsigned long long v = s != NULL ? strtoull(s, &end, 10) : 0;
    if (s == NULL || *s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < min || v > max)
        usage("%s needs a number from %llu to %llu, not \"%s\"", opt, min, max, s ? s : "");
    return v;
}

static void parse(int argc, char **argv, struct options *o)
{
    snprintf(o->strategy, sizeof o->strategy, "pct:3");
    o->runs = 1000;
    o->timeout_ms = 10000;
    o->cpus = 2;
    o->trace = 40;
    o->seed = 1;
    o->out = ".";
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--strategy") == 0 && v != NULL) {
            snprintf(o->strategy, sizeof o->strategy, "%s", v);
        } else if (strcmp(a, "--runs") == 0) {
            o->runs = number(a, v, 1, 100000000);
        } else if (strcmp(a, "--seed") == 0) {
            o->seed = number(a, v, 0, UINT64_MAX / 2);
        } else if (strcmp(a, "--timeout-ms") == 0) {
            o->timeout_ms = number(a, v, 1, 86400000);
        } else if (strcmp(a, "--cpus") == 0) {
            o->cpus = number(a, v, 1, 64);
        } else if (strcmp(a, "--trace") == 0) {
            o->trace = number(a, v, 0, VSP_LOG_RING);
        } else if (strcmp(a, "--out") == 0 && v != NULL) {
            o->out = v;
        } else if (strcmp(a, "--keep-going") == 0) {
            o->keep_going = true;
            continue;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(NULL);
        } else {
            usage("unknown option or missing value: %s", a);
        }
        i++;
    }
    if (i >= argc)
        usage("no program to run (put it after --)");
    o->argv = argv + i;
    o->bound = -1;
    const char *s = o->strategy;
    char *end;
    if (strcmp(s, "random") == 0) {
    } else if (strcmp(s, "native") == 0 ||
               (strncmp(s, "delay:", 6) == 0 && s[6] >= '1' && s[6] <= '9' &&
                strtoul(s + 6, &end, 10) <= 1000000 &&
                (*end == '\0' ||
                 (*end == ':' && strtoul(end + 1, &end, 10) >= 1 && *end == '\0')))) {
        o->native = true;
    } else if (strcmp(s, "pct") == 0) {
        o->depth = 3;
        snprintf(o->strategy, sizeof o->strategy, "pct:3");
    } else if (strncmp(s, "pct:", 4) == 0 && (o->depth = (unsigned)strtoul(s + 4, &end, 10)) >= 1 &&
               o->depth <= 16 && *end == '\0' && s[4] >= '0' && s[4] <= '9') {
    } else if ((strncmp(s, "pb:", 3) == 0 || (o->delays = strncmp(s, "db:", 3) == 0)) &&
               s[3] >= '0' && s[3] <= '9' && (o->bound = strtol(s + 3, &end, 10)) >= 0 &&
               o->bound <= 1000 && *end == '\0') {
    } else {
        usage("--strategy is random, pct, pct:D (D 1..16), pb:B or db:B (B 0..1000), native or "
              "delay:US, "
              "not \"%s\"",
              s);
    }
    struct stat st;
    if (stat(o->out, &st) != 0 || !S_ISDIR(st.st_mode))
        usage("--out %s is not a directory", o->out);
}

/* ---- One run ------------------------------------------------------------------------- */

enum verdict {
    PASS,
    FAIL_EXIT,
    FAIL_SIGNAL,
    FAIL_BUGCHECK,
    FAIL_DEADLOCK,
    FAIL_HANG,
    FAIL_DIVERGED
};
static const char *const verdict_names[] = {
    "passed",   "non-zero exit",         "signal",         "bug check",
    "deadlock", "hang past the timeout", "replay diverged"};

struct run {
    enum verdict verdict;
    int status; /* exit status or signal */
    uint64_t steps;
    unsigned threads;
    bool unreproducible;
    double seconds;
};

static char work[4096], log_path[4200], out_path[4200], prefix_path[4200];
static struct vsp_log *logmap;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool output_has_stop(void)
{
    FILE *f = fopen(out_path, "r");
    char line[512];
    bool stop = false;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        stop |= strncmp(line, "*** STOP:", 9) == 0;
    if (f != NULL)
        fclose(f);
    return stop;
}

static void map_log(void)
{
    if (logmap != NULL)
        munmap(logmap, VSP_LOG_SIZE);
    logmap = NULL;
    int fd = open(log_path, O_RDONLY);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) == 0 && (size_t)st.st_size >= VSP_LOG_SIZE) {
        void *p = mmap(NULL, VSP_LOG_SIZE, PROT_READ, MAP_SHARED, fd, 0);
        if (p != MAP_FAILED && memcmp(((struct vsp_log *)p)->magic, VSP_LOG_MAGIC, 8) == 0)
            logmap = p;
        else if (p != MAP_FAILED)
            munmap(p, VSP_LOG_SIZE);
    }
    close(fd);
}

/* Runs the program once with the scheduler set as given; fills *r. */
static void run_once(const struct options *o, const char *sched, unsigned long long seed,
                     unsigned long long k, const char *prefix, struct run *r)
{
    memset(r, 0, sizeof *r);
    unlink(log_path);
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("vpspin-explore: fork");
        exit(2);
    }
    if (pid == 0) {
        char buf[64];
        setpgid(0, 0);
        if (o->native && strncmp(sched, "replay:", 7) != 0) {
            unsetenv("VPSPIN_SCHED");
            if (strncmp(sched, "delay:", 6) == 0)
                setenv("VPSPIN_DELAY", sched + 6, 1);
        } else {
            setenv("VPSPIN_SCHED", sched, 1);
        }
        snprintf(buf, sizeof buf, "%llu", seed);
        setenv("VPSPIN_SEED", buf, 1);
        snprintf(buf, sizeof buf, "%lu", o->cpus);
        setenv("VPSPIN_SCHED_CPUS", buf, 1);
        setenv("VPSPIN_SCHED_LOG", log_path, 1);
        if (k != 0) {
            snprintf(buf, sizeof buf, "%llu", k);
            setenv("VPSPIN_SCHED_STEPS", buf, 1);
        } else {
            unsetenv("VPSPIN_SCHED_STEPS");
        }
        if (prefix != NULL)
            setenv("VPSPIN_SCHED_PREFIX", prefix, 1);
        else
            unsetenv("VPSPIN_SCHED_PREFIX");
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(o->argv[0], o->argv);
        fprintf(stderr, "vpspin-explore: cannot run %s: %s\n", o->argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    bool done = false;
    double deadline = t0 + (double)o->timeout_ms / 1000.0;
    while (!done) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        double left = deadline - now();
        if (left <= 0) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            r->verdict = FAIL_HANG;
            done = true;
            break;
        }
        if (pfd >= 0) {
            struct pollfd p = {.fd = pfd, .events = POLLIN};
            poll(&p, 1, left > 1.0 ? 1000 : (int)(left * 1000) + 1);
        } else {
            struct timespec ts = {0, 200000};
            nanosleep(&ts, NULL);
        }
    }
    if (pfd >= 0)
        close(pfd);
    kill(-pid, SIGKILL); /* whatever it left behind */
    r->seconds = now() - t0;
    map_log();
    if (logmap != NULL) {
        r->steps = logmap->steps;
        r->threads = logmap->threads;
        r->unreproducible = logmap->unreproducible != 0;
    }
    if (r->verdict == FAIL_HANG)
        return;
    if (logmap != NULL && logmap->status == VSP_LOG_DEADLOCK)
        r->verdict = FAIL_DEADLOCK;
    else if (logmap != NULL && logmap->status == VSP_LOG_DIVERGED)
        r->verdict = FAIL_DIVERGED;
    else if (output_has_stop())
        r->verdict = FAIL_BUGCHECK;
    else if (WIFSIGNALED(status))
        r->verdict = FAIL_SIGNAL;
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        r->verdict = FAIL_EXIT;
    r->status = WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
}

/* ---- Reports ------------------------------------------------------------------------- */

static const struct vsp_log_decision *decisions(void)
{
    return (const struct vsp_log_decision *)((const char *)logmap + VSP_LOG_DECISIONS);
}

/* The module of a call site and its offset (the address addr2line wants). */
static const struct vsp_log_module *module_of(const struct vsp_log *l, uint64_t a, uint64_t *off)
{
    for (uint32_t i = 0; i < l->modules && i < VSP_LOG_MODULES; i++)
        if (a >= l->module[i].start && a < l->module[i].end) {
            *off = a - l->module[i].base;
            return &l->module[i];
        }
    return NULL;
}

/* "function (file:line)" from addr2line, or "module+0xoff". */
static void site_name(const struct vsp_log *l, uint64_t a, char *buf, size_t n)
{
    uint64_t off = 0;
    const struct vsp_log_module *m = a != 0 ? module_of(l, a, &off) : NULL;
    if (m == NULL) {
        snprintf(buf, n, a != 0 ? "0x%llx" : "-", (unsigned long long)a);
        return;
    }
    const char *base = strrchr(m->path, '/');
    base = base != NULL ? base + 1 : m->path;
    snprintf(buf, n, "%s+0x%llx", base, (unsigned long long)off);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "addr2line -f -s -e '%s' 0x%llx 2>/dev/null", m->path,
             (unsigned long long)off);
    FILE *p = strchr(m->path, '\'') == NULL ? popen(cmd, "r") : NULL;
    char fn[256] = "", where[256] = "";
    if (p != NULL) {
        if (fgets(fn, sizeof fn, p) != NULL && fgets(where, sizeof where, p) != NULL) {
            fn[strcspn(fn, "\n")] = '\0';
            where[strcspn(where, " \n")] = '\0'; /* no " (discriminator N)" */
            if (strcmp(fn, "??") != 0 && strncmp(where, "??", 2) != 0)
                snprintf(buf, n, "%s (%s)", fn, where);
            else if (strcmp(fn, "??") != 0)
                snprintf(buf, n, "%s (%s+0x%llx)", fn, base, (unsigned long long)off);
        }
        pclose(p);
    }
}

static void print_trace(const struct options *o)
{
    const struct vsp_log *l = logmap;
    uint64_t steps = l->steps, first = steps > o->trace ? steps - o->trace : 0;
    if (steps - first > VSP_LOG_RING)
        first = steps - VSP_LOG_RING;
    printf("trace (the last %llu of %llu steps; at each, the thread and what it was about to "
           "do, then who ran next):\n",
           (unsigned long long)(steps - first), (unsigned long long)steps);
    printf("  %6s  %-20s %4s  %-10s %-8s %-5s %s\n", "step", "thread", "IRQL", "point", "object",
           "next", "call site");
    uint64_t objects[VSP_LOG_RING];
    unsigned nobj = 0;
    for (uint64_t s = first; s < steps; s++) {
        const struct vsp_log_event *e = &l->ring[s % VSP_LOG_RING];
        if (e->step != s)
            continue;
        char who[40], obj[16] = "-", site[512];
        snprintf(who, sizeof who, "#%u %s", e->thread,
                 e->thread < VSP_LOG_THREADS ? l->thread[e->thread].name : "?");
        if (e->object != 0 && e->kind != VSP_SP_EXIT && e->kind != VSP_SP_JOIN) {
            unsigned j = 0;
            while (j < nobj && objects[j] != e->object)
                j++;
            if (j == nobj)
                objects[nobj++] = e->object;
            snprintf(obj, sizeof obj, "O%u", j + 1);
        }
        site_name(l, e->site, site, sizeof site);
        char next[8];
        snprintf(next, sizeof next, "#%u", e->chosen);
        printf("  %6llu  %-20s %4u  %-10s %-8s %-5s %s\n", (unsigned long long)s, who, e->irql,
               e->kind < VSP_SP_KINDS ? kind_names[e->kind] : "?", obj, next, site);
    }
    printf("  (objects O1, O2, ... are the locks, devices and events, numbered as they appear)\n");
}

/* Writes the run's choices as a schedule file; false if the log has none. */
static bool write_schedule(const char *path, const char *sched, unsigned long long seed,
                           unsigned long cpus, const struct run *r, uint64_t n,
                           const uint8_t *choices)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "vpspin-explore: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    fprintf(f, "# vpspin schedule: VPSPIN_SCHED=replay:%s PROGRAM ARGS runs it again\n", path);
    fprintf(f, "vpspin-schedule 1\nstrategy %s\nseed %llu\ncpus %lu\nsteps %llu\n", sched, seed,
            cpus, (unsigned long long)r->steps);
    if (r->verdict != PASS)
        fprintf(f, "failure %s\n", verdict_names[r->verdict]);
    fprintf(f, "choices");
    unsigned col = 7;
    for (uint64_t i = 0; i < n;) {
        uint64_t j = i;
        while (j < n && choices[j] == choices[i])
            j++;
        char tok[32];
        int len = j - i > 1 ? snprintf(tok, sizeof tok, " %u*%llu", choices[i],
                                       (unsigned long long)(j - i))
                            : snprintf(tok, sizeof tok, " %u", choices[i]);
        if (col + (unsigned)len > 96) {
            fprintf(f, "\n");
            col = 0;
        }
        fputs(tok, f);
        col += (unsigned)len;
        i = j;
    }
    fprintf(f, "\n");
    return fclose(f) == 0;
}

static uint8_t *choices_of_log(uint64_t *n)
{
    *n = logmap != NULL ? logmap->recorded : 0;
    uint8_t *c = malloc(*n + 1);
    if (c == NULL) {
        fprintf(stderr, "vpspin-explore: out of memory\n");
        exit(2);
    }
    for (uint64_t i = 0; i < *n; i++)
        c[i] = decisions()[i].chosen;
    return c;
}

static void print_output_tail(void)
{
    FILE *f = fopen(out_path, "r");
    if (f == NULL)
        return;
    char lines[30][512];
    unsigned n = 0, total = 0;
    while (fgets(lines[n % 30], sizeof lines[0], f) != NULL) {
        n++;
        total++;
    }
    fclose(f);
    if (total == 0)
        return;
    printf("output of the run%s:\n", total > 30 ? " (its last 30 lines)" : "");
    for (unsigned i = total > 30 ? total - 30 : 0; i < total; i++) {
        char *s = lines[i % 30];
        printf("  | %s%s", s, s[strlen(s) - 1] == '\n' ? "" : "\n");
    }
}

static void shell_quote(FILE *f, const char *s)
{
    if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789_-+=./:,@%") == strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++)
        *s == '\'' ? fputs("'\\''", f) : fputc(*s, f);
    fputc('\'', f);
}

/* The failure report; returns whether the replay reproduced it. */
static bool report_failure(const struct options *o, unsigned long index, const char *sched,
                           unsigned long long seed, unsigned long long k, struct run *r)
{
    printf("vpspin-explore: run %lu failed: %s", index + 1, verdict_names[r->verdict]);
    if (r->verdict == FAIL_EXIT)
        printf(" (status %d)", r->status);
    else if (r->verdict == FAIL_SIGNAL || (r->verdict == FAIL_BUGCHECK && r->status != 0))
        printf(" (signal %d, %s)", r->status, strsignal(r->status));
    printf("\n  seed        %llu\n  strategy    %s", seed, sched);
    if (k != 0)
        printf(" (k = %llu)", k);
    printf("\n  steps       %llu\n  threads     %u\n", (unsigned long long)r->steps, r->threads);
    if (r->unreproducible)
        printf("  NOT REPRODUCIBLE: a thread stayed outside vpspin past the stall bound "
               "(below)\n");
    if (r->verdict != FAIL_DEADLOCK) /* else the scheduler's report below says it all */
        print_output_tail();
    if (logmap == NULL) {
        printf(o->native ? "(run without the controlled mode: no trace, no schedule; the seed "
                           "does not replay it)\n"
                         : "(no run log: the program did not run under vpspin's controlled "
                           "mode; is it linked with libvpspin?)\n");
        return false;
    }
    if (logmap->report[0] != '\0') {
        printf("scheduler's report:\n");
        fwrite(logmap->report, 1, strnlen(logmap->report, VSP_LOG_REPORT), stdout);
    }
    print_trace(o);

    char path[4400];
    snprintf(path, sizeof path, "%s/vpspin-schedule-%llu.txt", o->out, seed);
    uint64_t n;
    uint8_t *c = choices_of_log(&n);
    bool written = write_schedule(path, sched, seed, o->cpus, r, n, c);
    free(c);
    if (!written)
        return false;
    char *abs = realpath(path, NULL);
    printf("schedule:   %s\nreplay:     VPSPIN_SCHED=replay:", abs != NULL ? abs : path);
    shell_quote(stdout, abs != NULL ? abs : path);
    for (char **a = o->argv; *a != NULL; a++) {
        putchar(' ');
        shell_quote(stdout, *a);
    }
    printf("\n");
    fflush(stdout);

    /* Confirm: the replay fails the same way, at the same step, through the same steps. */
    struct vsp_log_event ring[VSP_LOG_RING];
    memcpy(ring, logmap->ring, sizeof ring);
    struct run first = *r, again;
    char spec[4500];
    snprintf(spec, sizeof spec, "replay:%s", abs != NULL ? abs : path);
    free(abs);
    run_once(o, spec, seed, 0, NULL, &again);
    bool same = again.verdict == first.verdict && again.steps == first.steps && logmap != NULL;
    for (unsigned i = 0; same && i < VSP_LOG_RING; i++) {
        const struct vsp_log_event *a = &ring[i], *b = &logmap->ring[i];
        same = a->step == b->step && a->thread == b->thread && a->kind == b->kind &&
               a->chosen == b->chosen && a->irql == b->irql;
    }
    if (same)
        printf("replayed:   the same failure (%s) after the same %llu steps, the same trace\n",
               verdict_names[again.verdict], (unsigned long long)again.steps);
    else
        printf("replayed:   NOT the same: %s after %llu steps%s\n", verdict_names[again.verdict],
               (unsigned long long)again.steps,
               again.verdict == FAIL_DIVERGED ? " (the program is not deterministic apart from "
                                                "its scheduling)"
                                              : "");
    return same;
}

/* ---- pb, db: the bounded searches ------------------------------------------------------
 * A schedule's cost is the sum over its steps of the cost of the choice made there.
 * pb:B (preemption bounding, CHESS): choosing another thread while the current one could
 * go on costs 1; every other choice is free. db:B (delay bounding, Emmi, Qadeer and
 * Rakamaric, POPL 2011): the default scheduler goes on with the current thread, else round
 * robin; choosing the j-th thread in that order instead of the first costs j. A search of
 * bound B runs every schedule of cost <= B once, depth first.
 *
 * pb's space grows exponentially with the steps at which threads block, since every choice
 * there is free: with the host's idle threads, a 35-step program has more schedules without
 * a single preemption than a search can run. So pb goes through its space in rounds, closest
 * to the default schedule first: round F runs the schedules of at most B preemptions whose
 * free choices differ from the default (round robin) at most F times, then F + 1, ..., until
 * a round prunes nothing (the whole space is done) or the runs run out. A round runs again the
 * schedules of the rounds before it, since their steps lead to its own (a run is the only way
 * to learn a step's enabled threads); only those new to the round count as schedules. So a
 * bug within B preemptions and F free deviations is found in round F, and a search that stops
 * at --runs can still say which rounds it completed. db needs no rounds: its bound already
 * counts every deviation. */

struct pb_step {
    uint64_t enabled, tried;
    uint8_t chosen, current, yields;
    uint32_t cost; /* of the steps before this one */
    uint32_t dev;  /* pb: free deviations before this one */
};

struct pb {
    struct pb_step *path;
    uint64_t len, cap, prefix;
    uint32_t round;   /* pb: the free deviations allowed (F) */
    bool pruned;      /* pb: this round skipped a choice for its F */
    bool exhausted;
    unsigned long schedules; /* distinct ones run */
};

static bool delay_bounding;

/* The position of c in the default order at s: the current thread (if it goes on), then
 * round robin from it. 0 is the default choice. */
static uint32_t pb_position(const struct pb_step *s, unsigned c, bool goes_on)
{
    uint32_t pos = 0;
    if (goes_on) {
        if (c == s->current)
            return 0;
        pos = 1;
    }
    for (unsigned k = 1; k <= 64; k++) {
        unsigned t = (s->current + k) % 64;
        if (t == s->current || !(s->enabled >> t & 1))
            continue;
        if (t == c)
            return pos;
        pos++;
    }
    return pos;
}

/* What choosing thread c at step s costs against the bound, and (pb) in free deviations. */
static uint32_t pb_cost(const struct pb_step *s, unsigned c, uint32_t *dev)
{
    bool goes_on = (s->enabled >> s->current & 1) && !s->yields;
    uint32_t pos = pb_position(s, c, goes_on);
    *dev = 0;
    if (delay_bounding)
        return pos;
    if (goes_on)
        return c != s->current;
    *dev = pos != 0;
    return 0;
}

/* The cost and free deviations of the schedule the prefix gives: past it, every choice is
 * the default, which costs nothing. */
static void pb_prefix_cost(const struct pb *p, uint32_t *cost, uint32_t *dev)
{
    *cost = *dev = 0;
    if (p->prefix > 0) {
        const struct pb_step *last = &p->path[p->prefix - 1];
        uint32_t ddev;
        *cost = last->cost + pb_cost(last, last->chosen, &ddev);
        *dev = last->dev + ddev;
    }
}

/* Whether the run of the prefix is a schedule no round before this one ran. */
static bool pb_new(const struct pb *p)
{
    uint32_t cost, dev;
    pb_prefix_cost(p, &cost, &dev);
    return delay_bounding || dev == p->round;
}

/* Takes in the run just made; sets the next prefix, or exhausted. */
static void pb_next(struct pb *p, long bound)
{
    uint64_t n = logmap != NULL ? logmap->recorded : 0;
    if (n > p->cap) {
        p->cap = n * 2;
        p->path = realloc(p->path, p->cap * sizeof *p->path);
        if (p->path == NULL) {
            fprintf(stderr, "vpspin-explore: out of memory\n");
            exit(2);
        }
    }
    const struct vsp_log_decision *d = decisions();
    uint32_t cost = 0, dev = 0;
    pb_prefix_cost(p, &cost, &dev);
    for (uint64_t i = p->prefix; i < n; i++) {
        struct pb_step *s = &p->path[i];
        s->enabled = d[i].enabled;
        s->chosen = d[i].chosen;
        s->current = d[i].current;
        s->yields = d[i].yields;
        s->tried = 1ull << s->chosen;
        s->cost = cost;
        s->dev = dev;
        uint32_t ddev;
        cost += pb_cost(s, s->chosen, &ddev);
        dev += ddev;
    }
    p->len = n > p->prefix ? n : p->prefix;
    for (uint64_t i = p->len; i-- > 0;) {
        struct pb_step *s = &p->path[i];
        uint64_t left = s->enabled & ~s->tried;
        for (unsigned c = 0; c < 64; c++) {
            if (!(left >> c & 1))
                continue;
            uint32_t ddev, cc = pb_cost(s, c, &ddev);
            bool within = s->cost + cc <= (uint32_t)bound;
            if (within && s->dev + ddev > p->round) {
                p->pruned = true; /* a later round takes it */
                continue;
            }
            s->tried |= 1ull << c;
            if (!within)
                continue;
            s->chosen = (uint8_t)c;
            p->prefix = p->len = i + 1;
            return;
        }
    }
    if (p->pruned) { /* the next round, from the default schedule */
        p->round++;
        p->pruned = false;
        p->prefix = p->len = 0;
        return;
    }
    p->exhausted = true;
}

static void pb_write_prefix(const struct pb *p)
{
    FILE *f = fopen(prefix_path, "w");
    if (f == NULL) {
        fprintf(stderr, "vpspin-explore: cannot write %s\n", prefix_path);
        exit(2);
    }
    fprintf(f, "vpspin-schedule 1\nchoices");
    for (uint64_t i = 0; i < p->prefix; i++)
        fprintf(f, " %u", p->path[i].chosen);
    fprintf(f, "\n");
    fclose(f);
}

/* ---- Main ---------------------------------------------------------------------------- */

static void cleanup(void)
{
    unlink(log_path);
    unlink(out_path);
    unlink(prefix_path);
    rmdir(work);
}

int main(int argc, char **argv)
{
    struct options o;
    memset(&o, 0, sizeof o);
    parse(argc, argv, &o);
    /* The run log in memory if we can: a file system would write back its pages. */
    const char *tmp = getenv("TMPDIR");
    if (access("/dev/shm", W_OK) == 0)
        tmp = "/dev/shm";
    snprintf(work, sizeof work, "%s/vpspin-explore-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(work) == NULL) {
        perror("vpspin-explore: mkdtemp");
        return 2;
    }
    snprintf(log_path, sizeof log_path, "%s/run.log", work);
    snprintf(out_path, sizeof out_path, "%s/output", work);
    snprintf(prefix_path, sizeof prefix_path, "%s/prefix", work);
    atexit(cleanup);
    signal(SIGPIPE, SIG_IGN);

    struct pb pb = {0};
    delay_bounding = o.delays;
    unsigned long done = 0, failures = 0, first_fail = 0, unreproducible = 0;
    uint64_t steps_sum = 0, steps_max = 0, steps_min = UINT64_MAX;
    unsigned threads_max = 0;
    bool reproduced = true, any = false;
    bool tty = isatty(2);
    double start = now(), last_progress = start;
    unsigned long long k = 0;
    for (unsigned long i = 0; i < o.runs; i++) {
        unsigned long long seed = o.seed + i;
        if (o.bound >= 0) {
            pb_write_prefix(&pb);
            pb.schedules += pb_new(&pb);
        }
        struct run r;
        run_once(&o, o.strategy, seed, o.depth != 0 ? k : 0, o.bound >= 0 ? prefix_path : NULL, &r);
        done++;
        unreproducible += r.unreproducible;
        steps_sum += r.steps;
        if (r.steps > steps_max)
            steps_max = r.steps;
        if (r.steps < steps_min)
            steps_min = r.steps;
        if (r.threads > threads_max)
            threads_max = r.threads;
        if (logmap == NULL && !any && !o.native) {
            fprintf(stderr,
                    "vpspin-explore: %s did not run under the controlled mode (no run log): "
                    "it must use libvpspin\n",
                    o.argv[0]);
            if (r.verdict == PASS)
                return 2;
        }
        any = true;
        unsigned long long used_k = o.depth != 0 ? (k != 0 ? k : 1000) : 0;
        if (o.depth != 0 && steps_max > 0)
            k = steps_max; /* learned from the runs so far */
        if (r.verdict != PASS) {
            if (failures++ == 0) {
                first_fail = i + 1;
                if (tty)
                    fprintf(stderr, "\r\033[K");
                reproduced = report_failure(&o, i, o.strategy, seed, used_k, &r);
            }
            if (!o.keep_going)
                break;
        }
        if (o.bound >= 0) {
            map_log();
            pb_next(&pb, o.bound);
            if (pb.exhausted)
                break;
        }
        double t = now();
        if (t - last_progress >= (tty ? 0.5 : 30.0)) {
            last_progress = t;
            fprintf(stderr, "%svpspin-explore: %lu/%lu runs, %lu failed, %.0f runs/s%s",
                    tty ? "\r\033[K" : "", done, o.runs, failures, (double)done / (t - start),
                    tty ? "" : "\n");
        }
    }
    if (tty)
        fprintf(stderr, "\r\033[K");
    double secs = now() - start;
    printf("vpspin-explore: %lu run%s of %s, %s %s: %lu failed", done, done == 1 ? "" : "s",
           o.argv[0], "strategy", o.strategy, failures);
    if (failures != 0)
        printf(" (first: run %lu)", first_fail);
    printf("\n  %.1f runs/s; steps per run %llu..%llu (mean %.0f); up to %u threads\n",
           (double)done / secs, (unsigned long long)(done ? steps_min : 0),
           (unsigned long long)steps_max, done ? (double)steps_sum / (double)done : 0.0,
           threads_max);
    if (o.depth != 0 && steps_max > 0 && threads_max > 0) {
        double p = 1.0 / ((double)threads_max * pow((double)steps_max, (double)o.depth - 1));
        double all = 1.0 - pow(1.0 - p, (double)done);
        double need = p >= 1.0 ? 1.0 : ceil(log(0.01) / log1p(-p));
        printf(
            "  PCT bound for a bug of depth %u, with n = %u threads and k = %llu steps: each run "
            "finds it with probability >= 1/(n k^(d-1)) = %.3g; these %lu runs, >= %.3g; "
            "99%% takes %.0f runs\n",
            o.depth, threads_max, (unsigned long long)steps_max, p, done, all, need);
    }
    if (o.bound >= 0) {
        printf("  %lu schedule%s with at most %ld %s%s: %s\n", pb.schedules,
               pb.schedules == 1 ? "" : "s", o.bound, o.delays ? "delay" : "preemption",
               o.bound == 1 ? "" : "s",
               pb.exhausted                     ? "the space is exhausted"
               : failures != 0 && !o.keep_going ? "stopped at the first failure"
                                                : "not exhausted (stopped at --runs)");
        if (!o.delays && !pb.exhausted)
            printf("  in round %u: the schedules whose free choices differ from round robin at "
                   "most %u time%s%s\n",
                   pb.round, pb.round, pb.round == 1 ? "" : "s",
                   pb.round == 0 ? "" : "; every one with fewer was run");
        if (!o.delays && done > pb.schedules)
            printf("  %lu run%s repeated a schedule of an earlier round\n", done - pb.schedules,
                   done - pb.schedules == 1 ? "" : "s");
    }
    if (unreproducible != 0)
        printf("  %lu run%s NOT reproducible: a thread stayed outside vpspin past the stall bound "
               "(VPSPIN_SCHED_STALL_MS), and the others went on without it\n",
               unreproducible, unreproducible == 1 ? " was" : "s were");
    free(pb.path);
    if (failures != 0 && !reproduced)
        printf("  the first failure did NOT replay the same way\n");
    return failures != 0 ? 1 : 0;
}
