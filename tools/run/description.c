/*
 * description.c - reading vpspin-run's description file into a simulated adapter.
 *
 * One statement a line; '#' starts a comment; numbers are C's (0x1F, 31, 037) and may end
 * in K, M or G (times 1024, 1024^2, 1024^3):
 *
 *   pci VENDOR DEVICE [SUBVENDOR SUBSYSTEM [REVISION]]   the PCI identity
 *   interrupt LEVEL [VECTOR]                              the interrupt (ConfigInfo)
 *   memory START LENGTH [bar N] [shared]                  a memory range
 *   ports START LENGTH [bar N] [shared]                   a range of I/O ports
 *   config OFFSET BYTE...                                 configuration space bytes
 *   fill RANGE OFFSET BYTE...                             a range's first contents
 *   registry NAME dword|sz|binary VALUE...                a value of the device's key
 *   model PATH [ARGUMENT...]                              the device model's plug-in
 *
 * The adapter is made as the lines come (vpspin_add_adapter_range says what a range may
 * not be); the model line comes last, once the ranges it hooks are there. Every error
 * names the file and the line.
 */
#include "description.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUN_MAX_WORDS 300

struct run_line {
    const char *path;
    unsigned number;
    char *word[RUN_MAX_WORDS]; /* into text, split */
    unsigned nwords;
    char text[8192]; /* the line, split into words */
    char raw[8192];  /* the line as it was, without its comment */
};

/* The line's text after word i, from its first non-blank character. */
static const char *after(const struct run_line *l, unsigned i)
{
    const char *s = l->raw + (l->word[i] - l->text) + strlen(l->word[i]);
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

__attribute__((format(printf, 2, 3))) static int bad(const struct run_line *l, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "vpspin-run: %s:%u: ", l->path, l->number);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

/* A number, with an optional K, M or G; false if word is not one or is above max. */
static bool number(const char *word, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)word[0]))
        return false;
    unsigned long long v = strtoull(word, &end, 0);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift != 0)
        end++;
    if (errno != 0 || end == word || *end != '\0' || (shift != 0 && v > (UINT64_MAX >> shift)))
        return false;
    v <<= shift;
    if (v > max)
        return false;
    *out = v;
    return true;
}

static int word_number(const struct run_line *l, unsigned i, uint64_t max, const char *what,
                       uint64_t *out)
{
    if (i >= l->nwords)
        return bad(l, "%s: %s missing", l->word[0], what);
    if (!number(l->word[i], max, out))
        return bad(l, "%s: %s '%s' is not a number from 0 to 0x%llX", l->word[0], what, l->word[i],
                   (unsigned long long)max);
    return 0;
}

/* Bytes from words i.. (each a number 0..255), into buf of size room. */
static int word_bytes(const struct run_line *l, unsigned i, UCHAR *buf, ULONG room, ULONG *n)
{
    *n = 0;
    if (i >= l->nwords)
        return bad(l, "%s: no bytes given", l->word[0]);
    for (; i < l->nwords; i++) {
        uint64_t b;
        if (word_number(l, i, 0xFF, "a byte", &b) != 0)
            return -1;
        if (*n == room)
            return bad(l, "%s: more than %lu bytes", l->word[0], (unsigned long)room);
        buf[(*n)++] = (UCHAR)b;
    }
    return 0;
}

static int line_pci(struct run_description *d, const struct run_line *l)
{
    uint64_t v[5] = {0, 0, 0, 0, 1};
    static const char *const what[5] = {"VENDOR", "DEVICE", "SUBVENDOR", "SUBSYSTEM", "REVISION"};
    if (l->nwords < 3 || l->nwords == 4 || l->nwords > 6)
        return bad(l, "pci: VENDOR DEVICE [SUBVENDOR SUBSYSTEM [REVISION]]");
    for (unsigned i = 1; i < l->nwords; i++)
        if (word_number(l, i, i == 5 ? 0xFF : 0xFFFF, what[i - 1], &v[i - 1]) != 0)
            return -1;
    if (l->nwords == 3) { /* the subsystem is the device itself */
        v[2] = v[0];
        v[3] = v[1];
    }
    if (vpspin_set_adapter_ids(d->adapter, (USHORT)v[0], (USHORT)v[1], (USHORT)v[2], (USHORT)v[3],
                               (UCHAR)v[4]) != NO_ERROR)
        return bad(l, "pci: VENDOR 0xFFFF means no device");
    d->vendor = (USHORT)v[0];
    d->device = (USHORT)v[1];
    return 0;
}

static int line_interrupt(struct run_description *d, const struct run_line *l)
{
    uint64_t level, vector = 0;
    if (l->nwords < 2 || l->nwords > 3)
        return bad(l, "interrupt: LEVEL [VECTOR]");
    if (word_number(l, 1, 0xFFFFFFFF, "LEVEL", &level) != 0 ||
        (l->nwords == 3 && word_number(l, 2, 0xFFFFFFFF, "VECTOR", &vector) != 0))
        return -1;
    vpspin_set_adapter_interrupt(d->adapter, (ULONG)level, (ULONG)vector);
    d->level = (ULONG)level;
    return 0;
}

static int line_range(struct run_description *d, const struct run_line *l, bool io)
{
    vpspin_range r = {.InIoSpace = io, .Bar = VPSPIN_NO_BAR};
    uint64_t start, length, bar;
    if (word_number(l, 1, io ? 0xFFFF : UINT64_MAX >> 1, "START", &start) != 0 ||
        word_number(l, 2, 0xFFFFFFFF, "LENGTH", &length) != 0)
        return -1;
    for (unsigned i = 3; i < l->nwords; i++) {
        if (strcmp(l->word[i], "bar") == 0) {
            if (word_number(l, ++i, PCI_TYPE0_ADDRESSES - 1, "the BAR", &bar) != 0)
                return -1;
            r.Bar = (UCHAR)bar;
        } else if (strcmp(l->word[i], "shared") == 0) {
            r.Shareable = TRUE;
        } else {
            return bad(l, "%s: '%s': expected 'bar N' or 'shared'", l->word[0], l->word[i]);
        }
    }
    r.Start.QuadPart = (LONGLONG)start;
    r.Length = (ULONG)length;
    VP_STATUS st = vpspin_add_adapter_range(d->adapter, &r, NULL);
    if (st == ERROR_NOT_ENOUGH_MEMORY)
        return bad(l, "%s: out of memory for 0x%llX bytes", l->word[0], (unsigned long long)length);
    if (st != NO_ERROR)
        return bad(l,
                   "%s 0x%llX 0x%llX: not a range this adapter can have (empty, past 0xFFFF for "
                   "ports or at port 0, overlapping another, a BAR taken, past 4 GB or not "
                   "aligned to its size for a BAR, or more than %d ranges)",
                   l->word[0], (unsigned long long)start, (unsigned long long)length,
                   VPSPIN_MAX_RANGES);
    d->ranges++;
    return 0;
}

static int line_config(struct run_description *d, const struct run_line *l)
{
    uint64_t offset;
    UCHAR bytes[256];
    ULONG n;
    if (word_number(l, 1, 0xFF, "OFFSET", &offset) != 0 ||
        word_bytes(l, 2, bytes, sizeof bytes, &n) != 0)
        return -1;
    if (vpspin_set_adapter_config(d->adapter, (ULONG)offset, bytes, n) != NO_ERROR)
        return bad(l, "config: %lu bytes at 0x%llX run past the 256 of configuration space",
                   (unsigned long)n, (unsigned long long)offset);
    return 0;
}

static int line_fill(struct run_description *d, const struct run_line *l)
{
    uint64_t range, offset;
    UCHAR bytes[256];
    ULONG n;
    vpspin_range r;
    if (word_number(l, 1, VPSPIN_MAX_RANGES - 1, "RANGE", &range) != 0 ||
        word_number(l, 2, 0xFFFFFFFF, "OFFSET", &offset) != 0 ||
        word_bytes(l, 3, bytes, sizeof bytes, &n) != 0)
        return -1;
    if (vpspin_get_adapter_range(d->adapter, (ULONG)range, &r) != NO_ERROR)
        return bad(l, "fill: no range %llu (ranges count from 0 in the file's order)",
                   (unsigned long long)range);
    if (offset > r.Length || n > r.Length - offset)
        return bad(l, "fill: %lu bytes at 0x%llX run past range %llu's 0x%lX", (unsigned long)n,
                   (unsigned long long)offset, (unsigned long long)range, (unsigned long)r.Length);
    memcpy((UCHAR *)vpspin_adapter_range_memory(d->adapter, (ULONG)range) + offset, bytes, n);
    return 0;
}

static int line_registry(struct run_description *d, const struct run_line *l)
{
    if (l->nwords < 4)
        return bad(l, "registry: NAME dword|sz|binary VALUE...");
    if (d->nvalues == RUN_MAX_VALUES)
        return bad(l, "registry: more than %d values", RUN_MAX_VALUES);
    struct run_value *v = &d->values[d->nvalues];
    memset(v, 0, sizeof *v);
    if (strlen(l->word[1]) >= sizeof v->name)
        return bad(l, "registry: name longer than %zu characters", sizeof v->name - 1);
    for (const char *c = l->word[1]; *c != '\0'; c++)
        if ((unsigned char)*c > 0x7E)
            return bad(l, "registry: the name must be ASCII");
    strcpy(v->name, l->word[1]);
    const char *type = l->word[2];
    if (strcmp(type, "dword") == 0) {
        uint64_t value;
        if (l->nwords != 4 || word_number(l, 3, 0xFFFFFFFF, "the DWORD", &value) != 0)
            return l->nwords != 4 ? bad(l, "registry: one DWORD value") : -1;
        v->type = REG_DWORD;
        v->length = 4;
        ULONG u = (ULONG)value;
        memcpy(v->data, &u, 4);
    } else if (strcmp(type, "sz") == 0) {
        /* The rest of the line, as UTF-16 with its terminating 0 (ASCII only). */
        const char *s = after(l, 2);
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
            s++;
            n -= 2;
        }
        if ((n + 1) * 2 > sizeof v->data)
            return bad(l, "registry: string longer than %zu characters", sizeof v->data / 2 - 1);
        for (size_t i = 0; i < n; i++) {
            if ((unsigned char)s[i] > 0x7E)
                return bad(l, "registry: strings must be ASCII");
            v->data[2 * i] = (UCHAR)s[i];
        }
        v->type = REG_SZ;
        v->length = (ULONG)(n + 1) * 2;
    } else if (strcmp(type, "binary") == 0) {
        if (word_bytes(l, 3, v->data, sizeof v->data, &v->length) != 0)
            return -1;
        v->type = REG_BINARY;
    } else {
        return bad(l, "registry: type '%s' is not dword, sz or binary", type);
    }
    d->nvalues++;
    return 0;
}

static int line_model(struct run_description *d, const struct run_line *l)
{
    if (l->nwords < 2)
        return bad(l, "model: PATH [ARGUMENT...]");
    if (d->model_handle != NULL)
        return bad(l, "model: one model per adapter");
    snprintf(d->model_path, sizeof d->model_path, "%s", l->word[1]);
    snprintf(d->model_argument, sizeof d->model_argument, "%s", after(l, 1));
    for (size_t n = strlen(d->model_argument);
         n > 0 && (d->model_argument[n - 1] == ' ' || d->model_argument[n - 1] == '\t');)
        d->model_argument[--n] = '\0';
    /* A name without a slash is looked for next to the description file, then where
     * dlopen(3) looks (LD_LIBRARY_PATH ...). */
    char path[4096];
    const char *slash = strrchr(d->path, '/');
    snprintf(path, sizeof path, "%s", l->word[1]);
    if (strchr(l->word[1], '/') == NULL) {
        char beside[4096];
        snprintf(beside, sizeof beside, "%.*s%s%s", slash != NULL ? (int)(slash - d->path) : 1,
                 slash != NULL ? d->path : ".", "/", l->word[1]);
        if (access(beside, F_OK) == 0)
            snprintf(path, sizeof path, "%s", beside);
    }
    d->model_handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (d->model_handle == NULL)
        return bad(l, "model: cannot load %s: %s", path, dlerror());
    vpspin_device_model_entry entry;
    *(void **)&entry = dlsym(d->model_handle, VPSPIN_DEVICE_MODEL_ENTRY);
    if (entry == NULL)
        return bad(l, "model: %s has no function %s (see vpspin_create_adapter(3))", path,
                   VPSPIN_DEVICE_MODEL_ENTRY);
    VP_STATUS st = entry(d->adapter, d->model_argument);
    if (st != NO_ERROR)
        return bad(l, "model: %s refused this adapter or its argument '%s' (status %ld)", path,
                   d->model_argument, (long)st);
    return 0;
}

/* Splits l->text into words (blanks between; a "quoted string" is one word; '#' outside
 * one starts a comment, which is cut from l->raw too). */
static int split(struct run_line *l)
{
    char *p = l->text;
    l->nwords = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\0' || *p == '#')
            break;
        if (l->nwords == RUN_MAX_WORDS)
            return bad(l, "more than %d words", RUN_MAX_WORDS);
        char *w = p;
        if (*p == '"') {
            p = strchr(p + 1, '"');
            if (p == NULL)
                return bad(l, "a string without its closing quote");
            p++;
        } else {
            while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#')
                p++;
        }
        l->word[l->nwords++] = w;
        if (*p == '#' || *p == '\0')
            break;
        *p++ = '\0';
    }
    l->raw[p - l->text] = '\0';
    *p = '\0';
    return 0;
}

int run_description_read(const char *path, struct run_description *d)
{
    memset(d, 0, sizeof *d);
    d->path = path;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "vpspin-run: cannot read the description %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (vpspin_create_adapter(&d->adapter) != NO_ERROR) {
        fclose(f);
        fprintf(stderr, "vpspin-run: out of memory\n");
        return -1;
    }
    static struct run_line l; /* (large) */
    memset(&l, 0, sizeof l);
    l.path = path;
    int status = 0;
    while (status == 0 && fgets(l.text, sizeof l.text, f) != NULL) {
        l.number++;
        size_t n = strlen(l.text);
        if (n == sizeof l.text - 1 && l.text[n - 1] != '\n') {
            status = bad(&l, "line longer than %zu characters", sizeof l.text - 2);
            break;
        }
        if (n > 0 && l.text[n - 1] == '\n')
            l.text[--n] = '\0';
        memcpy(l.raw, l.text, n + 1);
        if (split(&l) != 0) {
            status = -1;
            break;
        }
        if (l.nwords == 0)
            continue;
        const char *k = l.word[0];
        if (d->model_handle != NULL)
            status = bad(&l, "%s: after the model line (the model must see the whole adapter)", k);
        else if (strcmp(k, "pci") == 0)
            status = line_pci(d, &l);
        else if (strcmp(k, "interrupt") == 0)
            status = line_interrupt(d, &l);
        else if (strcmp(k, "memory") == 0 || strcmp(k, "ports") == 0)
            status = l.nwords < 3 ? bad(&l, "%s: START LENGTH [bar N] [shared]", k)
                                  : line_range(d, &l, k[0] == 'p');
        else if (strcmp(k, "config") == 0)
            status = line_config(d, &l);
        else if (strcmp(k, "fill") == 0)
            status = line_fill(d, &l);
        else if (strcmp(k, "registry") == 0)
            status = line_registry(d, &l);
        else if (strcmp(k, "model") == 0)
            status = line_model(d, &l);
        else
            status = bad(&l,
                         "unknown statement '%s' (pci, interrupt, memory, ports, config, "
                         "fill, registry, model)",
                         k);
    }
    if (status == 0 && ferror(f)) {
        fprintf(stderr, "vpspin-run: cannot read the description %s: %s\n", path, strerror(errno));
        status = -1;
    }
    fclose(f);
    if (status != 0)
        run_description_free(d);
    return status;
}

void run_description_free(struct run_description *d)
{
    if (d->adapter != NULL)
        vpspin_delete_adapter(d->adapter); /* its cleanup is the model's: before dlclose */
    d->adapter = NULL;
    if (d->model_handle != NULL)
        dlclose(d->model_handle);
    d->model_handle = NULL;
}
