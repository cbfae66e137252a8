/*
 * vpspin_run.c - vpspin-run: runs a video miniport built as a shared object on the vpspin
 * host, on a simulated adapter described by a text file, the way Windows would start it
 * and a display driver would use it; then says what the checked mode found.
 *
 *   1. load MINIPORT.so (dlopen, every symbol bound now: a service vpspin does not provide
 *      fails here, named) and its DriverEntry; read the description file (description.c),
 *      which makes the adapter and loads the device model's plug-in;
 *   2. DriverEntry (vpspin_load_miniport), the registry values preloaded, the device
 *      started on the adapter (HwFindAdapter, HwInitialize);
 *   3. the display driver's start: IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES, QUERY_AVAIL_MODES,
 *      SET_CURRENT_MODE (the mode asked for), QUERY_CURRENT_MODE, MAP_VIDEO_MEMORY, and a
 *      test pattern drawn over the frame buffer through the mapping it returned;
 *   4. N client threads send the IOCTLs listed, round and round, for a time, while the
 *      host raises the interrupt at a rate (besides the model's own);
 *   5. the display driver's end (UNMAP_VIDEO_MEMORY, RESET_DEVICE), the device stopped,
 *      the checks (bug checks, spin locks leaked, the requests' answers) and the lock
 *      statistics of the full checked mode.
 *
 * Exit status: 0 when the run found nothing; 1 when it found a problem (a bug check, a
 * leaked spin lock, a start or a display request that failed, an answer longer than its
 * buffer); 2 for bad input (a bad option, a file that cannot be read or loaded, a missing
 * symbol, a bad line, an unknown IOCTL). vpspin-run(1) says more.
 */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vpspin/adapter.h>

#include "description.h"
#include "ioctl.h"

#define RUN_MAX_IOCTLS  32
#define RUN_MAX_CLIENTS 64
#define RUN_STATUSES    4 /* distinct statuses counted per IOCTL */

struct run_options {
    const char *miniport, *description, *entry, *mode;
    unsigned clients, seconds, rate;
    bool startup, abort_on_report;
    struct run_ioctl ioctls[RUN_MAX_IOCTLS];
    unsigned nioctls;
    struct run_ioctl finals[RUN_MAX_IOCTLS]; /* sent once at the end */
    unsigned nfinals;
};

/* What the clients got for one IOCTL of the list. */
struct run_tally {
    unsigned long sent, overflow;
    VP_STATUS status[RUN_STATUSES];
    unsigned long count[RUN_STATUSES];
    unsigned long others; /* statuses beyond RUN_STATUSES distinct ones */
};
static unsigned problems;         /* things the run found (exit 1) */
static const char *first_problem; /* the first of them */

static void problem(const char *what)
{
    if (problems++ == 0)
        first_problem = what;
}

/* ---- Options ------------------------------------------------------------------------------ */

static void usage(FILE *to)
{
    fprintf(to,
            "usage: vpspin-run [options] MINIPORT.so\n"
            "  -d, --device FILE    the adapter, described in FILE (vpspin-run(1)); without it\n"
            "                       the device has no hardware\n"
            "  -e, --entry NAME     the miniport's entry point (default DriverEntry)\n"
            "  -m, --mode M         the mode to set: an index, or WIDTHxHEIGHT[xBITS] (default 0)\n"
            "  -n, --no-startup     send none of the display driver's start and end requests\n"
            "  -c, --clients N      client threads, 0..%d (default 2)\n"
            "  -i, --ioctl SPEC     an IOCTL the clients send (repeatable): an IOCTL_VIDEO_* name\n"
            "                       or a code, then :in=BYTES, :out=BYTES (default\n"
            "                       QUERY_CURRENT_MODE)\n"
            "  -s, --seconds N      how long the clients send, 0..3600 (default 1)\n"
            "  -f, --final SPEC     an IOCTL sent once at the end, before the device stops\n"
            "                       (repeatable; SPEC as for --ioctl): a miniport's own shutdown\n"
            "  -r, --rate N         interrupts the host raises a second besides the device's\n"
            "                       (default 0)\n"
            "  -a, --abort          stop at the first bug check (default: report each and go on)\n"
            "  -h, --help           this text\n"
            "VPSPIN_VERIFY=0|1|full picks the checking mode (full when unset).\n",
            RUN_MAX_CLIENTS);
}

__attribute__((noreturn)) static void bad_option(const char *fmt, const char *arg)
{
    fprintf(stderr, "vpspin-run: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    usage(stderr);
    exit(2);
}

static unsigned option_number(const char *name, const char *arg, unsigned max)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || errno != 0 || v > max) {
        char what[96];
        snprintf(what, sizeof what, "%s: '%%s' is not a number from 0 to %u", name, max);
        bad_option(what, arg);
    }
    return (unsigned)v;
}

static void parse_options(int argc, char **argv, struct run_options *o)
{
    static const struct option longs[] = {
        {"device", required_argument, NULL, 'd'},  {"entry", required_argument, NULL, 'e'},
        {"mode", required_argument, NULL, 'm'},    {"no-startup", no_argument, NULL, 'n'},
        {"clients", required_argument, NULL, 'c'}, {"ioctl", required_argument, NULL, 'i'},
        {"seconds", required_argument, NULL, 's'}, {"rate", required_argument, NULL, 'r'},
        {"abort", no_argument, NULL, 'a'},         {"help", no_argument, NULL, 'h'},
        {"final", required_argument, NULL, 'f'},   {NULL, 0, NULL, 0},
    };
    *o = (struct run_options){.entry = "DriverEntry", .clients = 2, .seconds = 1, .startup = true};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":d:e:m:nc:i:s:r:ahf:", longs, NULL)) != -1;) {
        switch (c) {
        case 'd':
            o->description = optarg;
            break;
        case 'e':
            o->entry = optarg;
            break;
        case 'm':
            o->mode = optarg;
            break;
        case 'n':
            o->startup = false;
            break;
        case 'c':
            o->clients = option_number("--clients", optarg, RUN_MAX_CLIENTS);
            break;
        case 'i':
            if (o->nioctls == RUN_MAX_IOCTLS)
                bad_option("--ioctl: more than %s", "32");
            if (!run_ioctl_parse(optarg, &o->ioctls[o->nioctls++]))
                exit(2);
            break;
        case 'f':
            if (o->nfinals == RUN_MAX_IOCTLS)
                bad_option("--final: more than %s", "32");
            if (!run_ioctl_parse(optarg, &o->finals[o->nfinals++]))
                exit(2);
            break;
        case 's':
            o->seconds = option_number("--seconds", optarg, 3600);
            break;
        case 'r':
            o->rate = option_number("--rate", optarg, 10000000);
            break;
        case 'a':
            o->abort_on_report = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case ':':
            bad_option("%s needs an argument", argv[optind - 1]);
        default:
            bad_option("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        bad_option("%s", optind >= argc ? "no MINIPORT.so given" : "one MINIPORT.so only");
    o->miniport = argv[optind];
    if (o->nioctls == 0)
        run_ioctl_parse("QUERY_CURRENT_MODE", &o->ioctls[o->nioctls++]);
}

/* ---- Registry ------------------------------------------------------------------------------ */

/* INTEGRATION SEAM (issue 12). The description's registry values go into the driver's
 * in-memory registry before its device starts, through vpspin_set_registry_value, which
 * <vpspin/vpspin.h> declares and branch wdk implements. Until that is merged the library
 * may not have it: it is referenced weakly, and without it the values are only parsed
 * and checked, and the run says so. Once the registry is merged this works as it is; the
 * weak reference may then become a plain call. */
#pragma weak vpspin_set_registry_value

static void run_preload_registry(vpspin_driver *driver, const struct run_description *d)
{
    if (d->nvalues == 0)
        return;
    if (vpspin_set_registry_value == NULL) {
        printf("  %-22s %u value(s) read; this library has no registry to preload: not given "
               "to the miniport\n",
               "registry", d->nvalues);
        return;
    }
    for (unsigned i = 0; i < d->nvalues; i++) {
        const struct run_value *v = &d->values[i];
        if (vpspin_set_registry_value(driver, v->name, v->type, v->data, v->length) != NO_ERROR) {
            fprintf(stderr, "vpspin-run: registry value %s: not set\n", v->name);
            problem("a registry value could not be set");
        }
    }
    printf("  %-22s %u value(s) preloaded\n", "registry", d->nvalues);
}

/* ---- Requests ------------------------------------------------------------------------------ */

static VP_STATUS send(vpspin_device *d, ULONG code, PVOID in, ULONG inlen, PVOID out, ULONG outlen,
                      ULONG_PTR *info)
{
    ULONG_PTR information = 0;
    VP_STATUS st = vpspin_send_request(d, code, in, inlen, out, outlen, &information);
    if (info != NULL)
        *info = information;
    return st;
}

/* One request of the display driver's start or end: printed; a failure is a problem
 * unless it may be refused (optional). */
static bool display_request(vpspin_device *d, ULONG code, PVOID in, ULONG inlen, PVOID out,
                            ULONG outlen, ULONG_PTR *info, bool optional, const char *what)
{
    char buf[32];
    ULONG_PTR information;
    VP_STATUS st = send(d, code, in, inlen, out, outlen, &information);
    if (info != NULL)
        *info = information;
    bool ok = st == NO_ERROR && information <= outlen;
    printf("  %-38s %s%s%s\n", run_ioctl_name(code), run_status_name(st, buf, sizeof buf),
           ok && what != NULL ? "  " : "", ok && what != NULL ? what : "");
    if (st == NO_ERROR && information > outlen) {
        printf("  %-38s the answer (%lu bytes) is longer than its buffer (%lu)\n", "",
               (unsigned long)information, (unsigned long)outlen);
        problem("an answer longer than its buffer");
    } else if (!ok && !(optional && st == ERROR_INVALID_FUNCTION)) {
        problem("a request of the display driver's start or end failed");
    }
    return ok;
}

struct run_display {
    VIDEO_MEMORY_INFORMATION frame;
    bool mapped;
};

/* A mode of the list that --mode names (an index into the list, or WxH[xBITS]). */
static bool pick_mode(const char *want, const VIDEO_MODE_INFORMATION *modes, ULONG n, ULONG size,
                      ULONG *index)
{
    unsigned long w = 0, h = 0, bits = 0;
    char extra;
    if (want == NULL)
        want = "0";
    int fields = sscanf(want, "%lux%lux%lu%c", &w, &h, &bits, &extra);
    for (ULONG i = 0; i < n; i++) {
        const VIDEO_MODE_INFORMATION *m =
            (const VIDEO_MODE_INFORMATION *)((const UCHAR *)modes + (size_t)i * size);
        bool match = fields == 1 ? i == w
                                 : (fields == 2 || fields == 3) && m->VisScreenWidth == w &&
                                       m->VisScreenHeight == h &&
                                       (fields == 2 || m->BitsPerPlane * m->NumberOfPlanes == bits);
        if (match) {
            *index = m->ModeIndex;
            return true;
        }
    }
    return false;
}

static void display_start(vpspin_device *d, const struct run_options *o, struct run_display *disp)
{
    VIDEO_NUM_MODES num;
    char what[256];
    printf("startup (as a display driver starts)\n");
    if (!display_request(d, IOCTL_VIDEO_QUERY_NUM_AVAIL_MODES, NULL, 0, &num, sizeof num, NULL,
                         false, NULL))
        return;
    if (num.NumModes == 0 || num.NumModes > 4096 ||
        num.ModeInformationLength < sizeof(VIDEO_MODE_INFORMATION)) {
        printf("  %-38s %lu modes of %lu bytes: not a list a display driver can use\n", "",
               (unsigned long)num.NumModes, (unsigned long)num.ModeInformationLength);
        problem("the modes' count or size is unusable");
        return;
    }
    ULONG bytes = num.NumModes * num.ModeInformationLength;
    VIDEO_MODE_INFORMATION *modes = calloc(1, bytes);
    if (modes == NULL) {
        problem("out of memory");
        return;
    }
    size_t at = 0;
    what[0] = '\0';
    if (display_request(d, IOCTL_VIDEO_QUERY_AVAIL_MODES, NULL, 0, modes, bytes, NULL, false,
                        NULL)) {
        for (ULONG i = 0; i < num.NumModes && at < sizeof what - 32; i++) {
            const VIDEO_MODE_INFORMATION *m =
                (const VIDEO_MODE_INFORMATION *)((const UCHAR *)modes +
                                                 (size_t)i * num.ModeInformationLength);
            at += (size_t)snprintf(what + at, sizeof what - at, "%s%lu: %lux%lux%lu", i ? ", " : "",
                                   (unsigned long)m->ModeIndex, (unsigned long)m->VisScreenWidth,
                                   (unsigned long)m->VisScreenHeight,
                                   (unsigned long)(m->BitsPerPlane * m->NumberOfPlanes));
        }
        printf("  %-38s %s\n", "", what);
        VIDEO_MODE mode;
        if (!pick_mode(o->mode, modes, num.NumModes, num.ModeInformationLength,
                       &mode.RequestedMode)) {
            printf("  %-38s no mode '%s' in the list\n", "", o->mode);
            problem("the mode asked for is not in the list");
        } else {
            snprintf(what, sizeof what, "mode %lu", (unsigned long)mode.RequestedMode);
            if (display_request(d, IOCTL_VIDEO_SET_CURRENT_MODE, &mode, sizeof mode, NULL, 0, NULL,
                                false, what)) {
                VIDEO_MODE_INFORMATION cur;
                if (display_request(d, IOCTL_VIDEO_QUERY_CURRENT_MODE, NULL, 0, &cur, sizeof cur,
                                    NULL, true, NULL))
                    printf("  %-38s %lux%lu, %lu bits a pixel, stride %lu\n", "",
                           (unsigned long)cur.VisScreenWidth, (unsigned long)cur.VisScreenHeight,
                           (unsigned long)(cur.BitsPerPlane * cur.NumberOfPlanes),
                           (unsigned long)cur.ScreenStride);
                VIDEO_MEMORY request = {NULL};
                if (display_request(d, IOCTL_VIDEO_MAP_VIDEO_MEMORY, &request, sizeof request,
                                    &disp->frame, sizeof disp->frame, NULL, false, NULL)) {
                    disp->mapped = true;
                    /* The display driver draws: a pattern over the whole frame buffer the
                     * miniport said it mapped (a wrong length is caught as it is touched). */
                    volatile UCHAR *fb = disp->frame.FrameBufferBase;
                    for (ULONG i = 0; fb != NULL && i < disp->frame.FrameBufferLength; i++)
                        fb[i] = (UCHAR)(i * 7);
                    printf("  %-38s frame buffer of %lu bytes at %p, pattern drawn\n", "",
                           (unsigned long)disp->frame.FrameBufferLength,
                           disp->frame.FrameBufferBase);
                }
            }
        }
    }
    free(modes);
}

static void display_end(vpspin_device *d, const struct run_options *o, struct run_display *disp)
{
    printf("end (as a display driver ends)\n");
    if (o->startup && disp->mapped) {
        VIDEO_MEMORY memory = {disp->frame.VideoRamBase};
        display_request(d, IOCTL_VIDEO_UNMAP_VIDEO_MEMORY, &memory, sizeof memory, NULL, 0, NULL,
                        false, NULL);
    }
    if (o->startup)
        display_request(d, IOCTL_VIDEO_RESET_DEVICE, NULL, 0, NULL, 0, NULL, true, NULL);
    static UCHAR in[1u << 20], out[1u << 20];
    for (unsigned i = 0; i < o->nfinals; i++) {
        const struct run_ioctl *r = &o->finals[i];
        char buf[32];
        ULONG_PTR information;
        VP_STATUS st = send(d, r->code, in, r->in, out, r->out, &information);
        printf("  %-38s %s\n", r->name, run_status_name(st, buf, sizeof buf));
        if (st != NO_ERROR)
            problem("a --final request failed");
    }
}

/* ---- Clients ------------------------------------------------------------------------------- */

struct run_client {
    pthread_t thread;
    unsigned index;
    vpspin_device *device;
    const struct run_options *options;
    double deadline;
    struct run_tally tally[RUN_MAX_IOCTLS]; /* its own, added up at the end */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void tally_add(struct run_tally *t, VP_STATUS st, unsigned long n)
{
    for (int i = 0; i < RUN_STATUSES; i++) {
        if (t->count[i] == 0)
            t->status[i] = st;
        if (t->status[i] == st) {
            t->count[i] += n;
            return;
        }
    }
    t->others += n;
}

static void *client_main(void *arg)
{
    struct run_client *c = arg;
    const struct run_options *o = c->options;
    char name[16];
    snprintf(name, sizeof name, "client-%u", c->index);
    pthread_setname_np(pthread_self(), name);
    UCHAR *in = calloc(1, 1u << 20), *out = calloc(1, 1u << 20);
    for (unsigned k = c->index; in != NULL && out != NULL && now() < c->deadline; k++) {
        const struct run_ioctl *r = &o->ioctls[k % o->nioctls];
        struct run_tally *t = &c->tally[k % o->nioctls];
        ULONG_PTR information;
        memset(in, 0, r->in);
        VP_STATUS st = send(c->device, r->code, in, r->in, out, r->out, &information);
        t->sent++;
        tally_add(t, st, 1);
        if (st == NO_ERROR && information > r->out)
            t->overflow++;
        if (st == NO_ERROR && r->code == IOCTL_VIDEO_MAP_VIDEO_MEMORY &&
            r->out >= sizeof(VIDEO_MEMORY_INFORMATION)) {
            /* A mapping made is given back, as a display driver does. */
            VIDEO_MEMORY memory = {((PVIDEO_MEMORY_INFORMATION)out)->VideoRamBase};
            send(c->device, IOCTL_VIDEO_UNMAP_VIDEO_MEMORY, &memory, sizeof memory, NULL, 0, NULL);
        }
    }
    free(in);
    free(out);
    return NULL;
}

static void run_clients(vpspin_device *d, const struct run_options *o)
{
    static struct run_client clients[RUN_MAX_CLIENTS];
    struct run_tally total[RUN_MAX_IOCTLS];
    printf("clients: %u thread(s), %u s, %u interrupts/s from the host\n", o->clients, o->seconds,
           o->rate);
    vpspin_set_interrupt_rate(d, o->rate);
    double deadline = now() + o->seconds;
    unsigned started = 0;
    for (unsigned i = 0; i < o->clients; i++) {
        clients[i] =
            (struct run_client){.index = i, .device = d, .options = o, .deadline = deadline};
        if (pthread_create(&clients[i].thread, NULL, client_main, &clients[i]) != 0)
            break;
        started++;
    }
    memset(total, 0, sizeof total);
    for (unsigned i = 0; i < started; i++) {
        pthread_join(clients[i].thread, NULL);
        for (unsigned k = 0; k < o->nioctls; k++) {
            const struct run_tally *t = &clients[i].tally[k];
            total[k].sent += t->sent;
            total[k].overflow += t->overflow;
            total[k].others += t->others;
            for (int s = 0; s < RUN_STATUSES; s++)
                if (t->count[s] != 0)
                    tally_add(&total[k], t->status[s], t->count[s]);
        }
    }
    vpspin_set_interrupt_rate(d, 0);
    if (started < o->clients)
        problem("a client thread could not be started");
    printf("  %-38s %10s %10s  %s\n", "IOCTL", "sent", "NO_ERROR", "other answers");
    for (unsigned i = 0; i < o->nioctls; i++) {
        const struct run_tally *t = &total[i];
        unsigned long ok = 0;
        char others[256] = "", buf[32];
        size_t at = 0;
        for (int s = 0; s < RUN_STATUSES && t->count[s] != 0; s++) {
            if (t->status[s] == NO_ERROR)
                ok = t->count[s];
            else
                at += (size_t)snprintf(others + at, sizeof others - at, "%s%s %lu", at ? ", " : "",
                                       run_status_name(t->status[s], buf, sizeof buf), t->count[s]);
        }
        if (t->others != 0)
            snprintf(others + at, sizeof others - at, "%s%lu more", at ? ", " : "", t->others);
        printf("  %-38s %10lu %10lu%s%s\n", o->ioctls[i].name, t->sent, ok, at ? "  " : "", others);
        if (t->overflow != 0) {
            printf("  %-38s %lu answer(s) longer than the buffer\n", "", t->overflow);
            problem("an answer longer than its buffer");
        }
    }
}

/* ---- The run -------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    static const char *const modes[] = {"off", "default", "full"};
    struct run_options o;
    static struct run_description desc;
    parse_options(argc, argv, &o);
    if (getenv("VPSPIN_VERIFY") == NULL)
        vpspin_set_verify(VPSPIN_VERIFY_FULL);
    if (!o.abort_on_report)
        vpspin_set_report_mode(VPSPIN_REPORT_CONTINUE);

    /* 1. Load: every symbol now, so that a service vpspin lacks is named here. */
    void *miniport = dlopen(o.miniport, RTLD_NOW | RTLD_LOCAL);
    if (miniport == NULL) {
        const char *why = dlerror();
        fprintf(stderr, "vpspin-run: cannot load %s: %s\n", o.miniport, why);
        if (strstr(why, "undefined symbol") != NULL)
            fprintf(stderr, "vpspin-run: (a VideoPort or Ke function the miniport calls and "
                            "vpspin does not provide: docs/compatibility.md)\n");
        return 2;
    }
    vpspin_driver_entry entry;
    *(void **)&entry = dlsym(miniport, o.entry);
    if (entry == NULL) {
        fprintf(stderr, "vpspin-run: %s has no entry point %s (--entry names another)\n",
                o.miniport, o.entry);
        dlclose(miniport);
        return 2;
    }
    if (o.description != NULL && run_description_read(o.description, &desc) != 0) {
        dlclose(miniport);
        return 2;
    }

    printf("vpspin-run: %s (%s) on %s\n", o.miniport, o.entry,
           o.description != NULL ? o.description : "a device without hardware");
    printf("  %-22s %s\n", "checking mode", modes[vpspin_get_verify()]);
    if (o.description != NULL)
        printf("  %-22s PCI %04X:%04X, %lu range(s), interrupt level %lu%s%s%s%s\n", "adapter",
               desc.vendor, desc.device, (unsigned long)desc.ranges, (unsigned long)desc.level,
               desc.model_handle != NULL ? "; model " : "", desc.model_path,
               desc.model_argument[0] != '\0' ? " " : "", desc.model_argument);

    /* 2. DriverEntry, the registry, the device. */
    vpspin_driver *driver;
    ULONG loaded = vpspin_load_miniport(entry, &driver);
    printf("  %-22s 0x%08lX\n", o.entry, (unsigned long)loaded);
    int status = 1;
    if (loaded != STATUS_SUCCESS) {
        problem("DriverEntry failed");
    } else {
        run_preload_registry(driver, &desc);
        vpspin_device *device;
        VP_STATUS started = desc.adapter != NULL
                                ? vpspin_start_adapter(driver, desc.adapter, &device)
                                : vpspin_start_device(driver, &device);
        char buf[32];
        printf("  %-22s %s\n", "device start", run_status_name(started, buf, sizeof buf));
        if (started != NO_ERROR) {
            problem("the device did not start (HwFindAdapter or HwInitialize)");
        } else {
            struct run_display disp = {0};
            if (o.startup)
                display_start(device, &o, &disp);
            if (o.seconds > 0 && o.clients > 0)
                run_clients(device, &o);
            if (o.startup || o.nfinals > 0)
                display_end(device, &o, &disp);
            vpspin_device_info info;
            vpspin_query_device(device, &info);
            ULONG leaked = vpspin_stop_device(device);
            printf("device\n");
            printf("  %-22s %lu\n", "requests", (unsigned long)info.Requests);
            printf("  %-22s %u\n", "device IRQL", info.DeviceIrql);
            printf("  %-22s %lu raised, %lu claimed\n", "interrupts",
                   (unsigned long)info.Interrupts, (unsigned long)info.InterruptsClaimed);
            printf("  %-22s %lu queued, %lu run\n", "DPCs", (unsigned long)info.DpcsQueued,
                   (unsigned long)info.DpcsRun);
            printf("  %-22s %lu\n", "timer ticks", (unsigned long)info.TimerTicks);
            printf("  %-22s %lu\n", "spin locks leaked", (unsigned long)leaked);
            if (leaked != 0)
                problem("the miniport leaked spin locks");
            /* (Kept where the library has the video port's pool: VideoPortAllocatePool.) */
            printf("  %-22s %lu block(s), %lu bytes\n", "pool left",
                   (unsigned long)info.PoolAllocations, (unsigned long)info.PoolBytes);
            if (info.PoolAllocations != 0)
                problem("the miniport left pool allocated");
        }
        vpspin_unload_miniport(driver);
    }
    ULONG reports = vpspin_bugcheck_count();
    printf("  %-22s %lu\n", "bug checks", (unsigned long)reports);
    if (reports != 0)
        problem("vpspin reported a bug check (above, on standard error)");
    if (vpspin_get_verify() == VPSPIN_VERIFY_FULL) {
        printf("\n");
        vpspin_write_lock_stat(stdout, VPSPIN_STAT_TABLE);
    }
    if (problems != 0)
        printf("FAILED: %s%s\n", first_problem, problems > 1 ? ", and more" : "");
    else
        printf("OK\n");
    status = problems != 0 ? 1 : 0;
    run_description_free(&desc);
    fflush(stdout);
    dlclose(miniport);
    return status;
}
