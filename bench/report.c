/*
 * report.c - vpspin-bench's output: the tables on stdout, the CSV file, and a gnuplot
 * script (written next to the PNG, then run if gnuplot is in PATH) that draws
 * throughput against threads, one panel per workload and one line per lock.
 *
 * Tables, per workload: throughput with Jain's index ("41.2 J.98"; a trailing "!" marks
 * a failed counter check), then "max/p99" wait in microseconds, then the median handoff
 * in nanoseconds. Then the uncontended ns per pair and the ratio to pthread-spin.
 */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vpspin/vpspin.h>

#include "bench.h"

extern char **environ;

/* A number in about three significant digits; "-" for NaN, "inf" for infinity. */
static const char *fmt_num(char *buf, size_t n, double x)
{
    if (isnan(x))
        snprintf(buf, n, "-");
    else if (isinf(x))
        snprintf(buf, n, "inf");
    else if (x > 0 && x < 0.0995)
        snprintf(buf, n, "%.2g", x); /* 0.046, 0.00032, 3.2e-05 */
    else
        snprintf(buf, n, x >= 99.95 ? "%.0f" : x >= 9.995 ? "%.1f" : x >= 0.9995 ? "%.2f" : "%.3f",
                 x);
    return buf;
}

/* Jain's index as ".98" or "1.00". */
static const char *fmt_jain(char *buf, size_t n, double j)
{
    snprintf(buf, n, "%.2f", j);
    if (buf[0] == '0')
        memmove(buf, buf + 1, strlen(buf));
    return buf;
}

static void print_header_row(const struct config *cfg, const char *corner, int width)
{
    printf("%-14s", corner);
    for (size_t t = 0; t < cfg->nthreads; t++)
        printf(" %*u", width, cfg->threads[t]);
    printf("\n");
}

/* A table of one workload: a row per lock, a column per thread count, each cell
 * formatted by fmt into a field of width characters. */
typedef void cell_fmt(const struct cell *c, char *buf, size_t n);

static void print_table(const struct results *r, size_t w, int width, cell_fmt *fmt)
{
    const struct config *cfg = r->cfg;
    print_header_row(cfg, "lock \\ threads", width);
    for (size_t v = 0; v < cfg->nvariants; v++) {
        printf("%-14s", cfg->variants[v]->name);
        for (size_t t = 0; t < cfg->nthreads; t++) {
            char cellbuf[100];
            fmt(result_cell(r, w, v, t), cellbuf, sizeof cellbuf);
            printf(" %*s", width, cellbuf);
        }
        printf("\n");
    }
}

static void fmt_throughput(const struct cell *c, char *buf, size_t n)
{
    char a[32], j[32];
    snprintf(buf, n, "%s J%s%s", fmt_num(a, sizeof a, c->mops), fmt_jain(j, sizeof j, c->jain),
             c->counter_ok ? "" : "!");
}

static void fmt_waits(const struct cell *c, char *buf, size_t n)
{
    char a[32], b[32], d[32];
    snprintf(buf, n, "%s/%s/%s", fmt_num(a, sizeof a, c->max_wait_us),
             fmt_num(d, sizeof d, c->max_sampled_us), fmt_num(b, sizeof b, c->p99_wait_us));
}

static void fmt_handoff(const struct cell *c, char *buf, size_t n)
{
    fmt_num(buf, n, c->handoff_ns);
}

/* Jain's index of the threads' acquisitions beside that of their CPU time. */
static void fmt_cpu_jain(const struct cell *c, char *buf, size_t n)
{
    char a[32], b[32];
    snprintf(buf, n, "%s/%s", fmt_jain(a, sizeof a, c->jain), fmt_jain(b, sizeof b, c->jain_cpu));
}

/* Acquisitions by another thread than the previous holder: each one moves the lock's
 * line (and the protected data's) to another core. */
static void fmt_changes(const struct cell *c, char *buf, size_t n)
{
    char a[32], b[32];
    double per_s = c->seconds > 0 ? (double)c->changes / c->seconds / 1e6 : NAN;
    double pct = c->total ? 100.0 * (double)c->changes / (double)c->total : NAN;
    snprintf(buf, n, "%s %s%%", fmt_num(a, sizeof a, per_s), fmt_num(b, sizeof b, pct));
}

#ifdef BENCH_LOCK_PROFILE
/* What vpspin's slow paths did, per vpspin variant and thread count (profile builds). */
static void print_profile(const struct results *r, size_t w)
{
    const struct config *cfg = r->cfg;
    printf("%-9s %4s %7s %6s %6s %8s %6s %6s %7s %7s %6s %6s %6s %8s %9s\n", "lock", "thr",
           "slow/k", "looks", "lost", "pauses", "rmw", "sleeps", "full/k", "hand/s",
           "spin%", "back%", "sleep%", "wait_us", "lines/acq");
    for (size_t v = 0; v < cfg->nvariants; v++) {
        if (!cfg->variants[v]->shim->is_vpspin)
            continue;
        for (size_t t = 0; t < cfg->nthreads; t++) {
            const struct cell *c = result_cell(r, w, v, t);
            const struct bench_profile *p = &c->profile;
            double acq = c->total ? (double)c->total : NAN, slow = p->slow ? (double)p->slow : NAN;
            double wait = p->wait_ns ? (double)p->wait_ns : NAN;
            double back = (double)p->pauses * cfg->ns_per_pause;
            double spin = wait - back - (double)p->sleep_ns;
            double lines = ((double)c->changes + 2.0 * (double)(p->looks + p->waiter_rmw)) / acq;
            char f[15][32];
            printf("%-9s %4u %7s %6s %6s %8s %6s %6s %7s %7s %6s %6s %6s %8s %9s\n",
                   cfg->variants[v]->name, cfg->threads[t],
                   fmt_num(f[0], 32, 1e3 * (double)p->slow / acq),
                   fmt_num(f[1], 32, (double)p->looks / slow),
                   fmt_num(f[2], 32, (double)p->lost / slow),
                   fmt_num(f[3], 32, (double)p->pauses / slow),
                   fmt_num(f[4], 32, (double)p->waiter_rmw / slow),
                   fmt_num(f[5], 32, (double)p->sleeps / slow),
                   fmt_num(f[6], 32, 1e3 * (double)p->full_unlocks / acq),
                   fmt_num(f[7], 32, c->seconds > 0 ? (double)p->handoffs / c->seconds : NAN),
                   fmt_num(f[8], 32, 100 * spin / wait), fmt_num(f[9], 32, 100 * back / wait),
                   fmt_num(f[10], 32, 100 * (double)p->sleep_ns / wait),
                   fmt_num(f[11], 32, wait / slow / 1e3), fmt_num(f[12], 32, lines));
        }
    }
}
#endif

static void print_uncontended(const struct results *r)
{
    const struct config *cfg = r->cfg;
    double base = NAN;
    for (size_t v = 0; v < cfg->nvariants; v++)
        if (strcmp(cfg->variants[v]->name, "pthread-spin") == 0)
            base = r->ns_per_pair[v];
    printf("\n== Uncontended: one thread, lock+unlock pairs back to back "
           "(median of %u runs x %llu pairs) ==\n",
           cfg->runs, (unsigned long long)cfg->pairs);
    printf("%-14s %10s %16s\n", "lock", "ns/pair", "vs pthread-spin");
    for (size_t v = 0; v < cfg->nvariants; v++) {
        char a[32], b[32];
        printf("%-14s %10s %15sx\n", cfg->variants[v]->name,
               fmt_num(a, sizeof a, r->ns_per_pair[v]),
               fmt_num(b, sizeof b, r->ns_per_pair[v] / base));
    }
}

void report_tables(const struct results *r)
{
    const struct config *cfg = r->cfg;
    printf("vpspin-bench: vpspin %s, %ld CPUs online, %.3f ns per stamp tick (%s), "
           "busy-loop iteration %.2f ns, %.2f s per cell, locks called %s\n",
           vpspin_version(), sysconf(_SC_NPROCESSORS_ONLN), cfg->ns_per_tick,
#if defined(__x86_64__) || defined(__i386__)
           "TSC",
#else
           "CLOCK_MONOTONIC",
#endif
           cfg->ns_per_busy_iter, cfg->duration,
           cfg->call == CALL_POINTER ? "through a function pointer to a wrapper (--call pointer)"
                                     : "inline in the loops (--call inline)");
    for (size_t w = 0; w < cfg->nworkloads; w++) {
        unsigned cs = cfg->workloads[w].cs, out = cfg->workloads[w].out;
        printf("\n== Contended, cs/out = %u/%u busy-loop iterations: "
               "throughput (Mops/s) and Jain fairness index ==\n", cs, out);
        print_table(r, w, 12, fmt_throughput);
        printf("-- cs/out = %u/%u: wait (us): max bound / max sampled / p99 --\n", cs, out);
        print_table(r, w, 18, fmt_waits);
        printf("-- cs/out = %u/%u: handoff latency, median (ns) --\n", cs, out);
        print_table(r, w, 12, fmt_handoff);
        printf("-- cs/out = %u/%u: owner changes (acquisitions by another thread than the "
               "previous holder), M/s and %% of acquisitions --\n", cs, out);
        print_table(r, w, 14, fmt_changes);
        printf("-- cs/out = %u/%u: Jain's index of the acquisitions / of the threads' CPU time "
               "(the lock is unfair where the first is the lower) --\n", cs, out);
        print_table(r, w, 12, fmt_cpu_jain);
#ifdef BENCH_LOCK_PROFILE
        printf("-- cs/out = %u/%u: vpspin slow paths (profile build): per 1000 acquisitions "
               "(/k), per slow acquire, handoffs/s; wait time split: spin (looking), back "
               "(pauses, %.1f ns each), sleep; lock-line transfers per acquisition at most "
               "(owner changes + 2 x (looks + waiter RMWs)) --\n", cs, out, cfg->ns_per_pause);
        print_profile(r, w);
#endif
    }
    print_uncontended(r);
    fflush(stdout);
}

/* ---- CSV ----------------------------------------------------------------------------- */

static void csv_num(FILE *f, double x)
{
    if (isnan(x))
        fprintf(f, ",");
    else if (isinf(x))
        fprintf(f, ",inf");
    else
        fprintf(f, ",%.6g", x);
}

static const char *verify_name(int verify)
{
    return verify == VPSPIN_VERIFY_OFF ? "off" : verify == VPSPIN_VERIFY_DEFAULT ? "default" : "";
}

static void csv_cell(FILE *f, const struct results *r, size_t w, size_t v, size_t t)
{
    const struct config *cfg = r->cfg;
    const struct cell *c = result_cell(r, w, v, t);
    struct workload wl = cfg->workloads[w];
    fprintf(f, "%s,%s,%u/%u,%u,%u,%u,%g", cfg->variants[v]->name,
            verify_name(cfg->variants[v]->verify), wl.cs, wl.out, wl.cs, wl.out,
            cfg->threads[t], cfg->duration);
    csv_num(f, c->mops);
    csv_num(f, c->jain);
    csv_num(f, c->max_min);
    csv_num(f, c->max_wait_us);
    csv_num(f, c->max_sampled_us);
    csv_num(f, c->p99_wait_us);
    csv_num(f, c->handoff_ns);
    csv_num(f, c->seconds > 0 ? (double)c->changes / c->seconds : NAN);
    fprintf(f, ",%llu,%d,", (unsigned long long)c->total, c->counter_ok ? 1 : 0);
    csv_num(f, c->jain_cpu);
    fputc('\n', f);
}

int report_csv(const struct results *r, const char *path)
{
    const struct config *cfg = r->cfg;
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "vpspin-bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(f, "lock,verify,workload,cs_iters,out_iters,threads,duration_s,throughput_mops,"
               "jain,max_min_ratio,max_wait_bound_us,max_wait_sampled_us,p99_wait_us,handoff_ns,"
               "owner_changes_per_s,"
               "total,counter_ok,"
               "ns_per_pair,jain_cpu\n");
    for (size_t w = 0; w < cfg->nworkloads; w++)
        for (size_t v = 0; v < cfg->nvariants; v++)
            for (size_t t = 0; t < cfg->nthreads; t++)
                csv_cell(f, r, w, v, t);
    for (size_t v = 0; v < cfg->nvariants; v++)
        fprintf(f, "%s,%s,uncontended,,,1,,,,,,,,,,%llu,,%.4g,\n", cfg->variants[v]->name,
                verify_name(cfg->variants[v]->verify),
                (unsigned long long)cfg->pairs * cfg->runs, r->ns_per_pair[v]);
    if (fclose(f) != 0) {
        fprintf(stderr, "vpspin-bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(stderr, "vpspin-bench: wrote %s\n", path);
    return 0;
}

/* ---- Plot ---------------------------------------------------------------------------- */

static const char *const plot_colors[] = {"#1f77b4", "#2ca02c", "#17becf", "#d62728", "#ff7f0e",
                                          "#8c564b", "#9467bd", "#e377c2", "#7f7f7f"};
#define NCOLORS (sizeof plot_colors / sizeof plot_colors[0])

static void plot_styles(FILE *f, const struct config *cfg)
{
    for (size_t v = 0; v < cfg->nvariants; v++) {
        const struct variant *var = cfg->variants[v];
        bool checked = var->verify == VPSPIN_VERIFY_DEFAULT;
        fprintf(f, "set style line %zu lc rgb '%s' dt %d lw 2 pt %d ps 1.2\n", v + 1,
                plot_colors[(size_t)var->color % NCOLORS], checked ? 2 : 1,
                checked ? 6 : 7 + (int)(v % 6));
    }
}

/* One datablock per workload: threads, then one throughput column per lock. */
static void plot_data(FILE *f, const struct results *r, size_t w)
{
    const struct config *cfg = r->cfg;
    fprintf(f, "$W%zu << EOD\n", w);
    for (size_t t = 0; t < cfg->nthreads; t++) {
        fprintf(f, "%u", cfg->threads[t]);
        for (size_t v = 0; v < cfg->nvariants; v++) {
            double m = result_cell(r, w, v, t)->mops;
            fprintf(f, " %.6g", m > 1e-4 ? m : 1e-4); /* log scale: keep it positive */
        }
        fprintf(f, "\n");
    }
    fprintf(f, "EOD\n");
}

static void plot_axes(FILE *f, const struct config *cfg)
{
    unsigned lo = cfg->threads[0], hi = cfg->threads[0];
    fprintf(f, "set xtics (");
    for (size_t t = 0; t < cfg->nthreads; t++) {
        fprintf(f, "%s%u", t ? ", " : "", cfg->threads[t]);
        lo = cfg->threads[t] < lo ? cfg->threads[t] : lo;
        hi = cfg->threads[t] > hi ? cfg->threads[t] : hi;
    }
    fprintf(f, ")\nset xrange [%g:%g]\n", lo / 1.25, hi * 1.25);
    fprintf(f, "set logscale x 2\nset logscale y 10\nset format y '%%g'\nset grid\n"
               "set xlabel 'threads'\nset ylabel 'throughput, Mops/s (log)'\nunset key\n");
}

/* The last panel holds only the legend: lines plotted outside its range. */
static void plot_legend(FILE *f, const struct config *cfg)
{
    fprintf(f, "unset title\nunset border\nunset tics\nunset xlabel\nunset ylabel\n"
               "unset logscale\nunset grid\nset xrange [0:1]\nset yrange [0:1]\n"
               "set key center center vertical maxrows %zu box spacing 1.3 width 2\n"
               "names = '",
            (cfg->nvariants + 1) / 2);
    for (size_t v = 0; v < cfg->nvariants; v++)
        fprintf(f, "%s%s", v ? " " : "", cfg->variants[v]->name);
    fprintf(f, "'\nplot for [i=1:%zu] -1 with linespoints ls i title word(names, i)\n",
            cfg->nvariants);
}

static int write_plot_script(const struct results *r, const char *gp, const char *png)
{
    const struct config *cfg = r->cfg;
    FILE *f = fopen(gp, "w");
    if (f == NULL)
        return fprintf(stderr, "vpspin-bench: %s: %s\n", gp, strerror(errno)), -1;
    size_t panels = cfg->nworkloads + 1, cols = panels < 2 ? panels : 2;
    fprintf(f, "# Generated by vpspin-bench; redraw with: gnuplot '%s'\n", gp);
    fprintf(f, "set terminal pngcairo size %zu,%zu font 'sans,11'\nset output '%s'\n",
            cols * 700, (panels + cols - 1) / cols * 520, png);
    plot_styles(f, cfg);
    for (size_t w = 0; w < cfg->nworkloads; w++)
        plot_data(f, r, w);
    fprintf(f, "set multiplot layout %zu,%zu title 'vpspin-bench: throughput vs threads "
               "(%g s per cell, %ld CPUs; dashed = vpspin with default checks)'\n",
            (panels + cols - 1) / cols, cols, cfg->duration, sysconf(_SC_NPROCESSORS_ONLN));
    plot_axes(f, cfg);
    for (size_t w = 0; w < cfg->nworkloads; w++) {
        fprintf(f, "set title 'cs/out = %u/%u busy-loop iterations'\n", cfg->workloads[w].cs,
                cfg->workloads[w].out);
        fprintf(f, "plot for [i=2:%zu] $W%zu using 1:i with linespoints ls (i-1)\n",
                cfg->nvariants + 1, w);
    }
    plot_legend(f, cfg);
    fprintf(f, "unset multiplot\n");
    return fclose(f) == 0 ? 0 : -1;
}

/* Runs gnuplot on the script; -1 if it is not in PATH or fails. */
static int run_gnuplot(const char *gp)
{
    pid_t pid;
    int status;
    char *argv[] = {"gnuplot", (char *)gp, NULL};
    int err = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
    if (err != 0) {
        fprintf(stderr, "vpspin-bench: cannot run gnuplot (%s); the script is %s\n",
                strerror(err), gp);
        return -1;
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "vpspin-bench: gnuplot failed on %s\n", gp);
        return -1;
    }
    return 0;
}

int report_plot(const struct results *r, const char *png)
{
    char gp[4096];
    size_t n = strlen(png);
    if (n >= 4 && strcmp(png + n - 4, ".png") == 0)
        snprintf(gp, sizeof gp, "%.*s.gp", (int)(n - 4), png);
    else
        snprintf(gp, sizeof gp, "%s.gp", png);
    if (write_plot_script(r, gp, png) != 0 || run_gnuplot(gp) != 0)
        return -1;
    fprintf(stderr, "vpspin-bench: wrote %s (script %s)\n", png, gp);
    return 0;
}
