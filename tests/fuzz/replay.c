/*
 * replay.c - runs the fuzz harness (fuzz_spinlock.c) on files, without libFuzzer: the
 * seed corpus in every build of the test suite (plain, sanitizers, aarch64, Valgrind,
 * coverage), and a crash input to debug. Arguments are files or directories (whose
 * regular files are run in name order). Exits 0 when every input passed; a failing input
 * aborts with the harness's description of what differed from its model.
 *
 *   fuzz_replay [--quiet] FILE|DIR...     --quiet: the reports go to /dev/null
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_spinlock.h"

static int inputs;

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap);
            if (buf == NULL)
                exit(2);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        if (n == 0)
            break;
        len += n;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    inputs++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        exit(2);
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        perror(path);
        exit(2);
    }
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        if (names == NULL || asprintf(&names[n], "%s/%s", path, e->d_name) < 0)
            exit(2);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        run_file(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--quiet") == 0)
        first = 2;
    if (first >= argc) {
        fprintf(stderr, "usage: %s [--quiet] FILE|DIR...\n", argv[0]);
        return 2;
    }
    LLVMFuzzerInitialize(&argc, &argv);
    if (first == 2) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || dup2(null, 2) < 0)
            return 2;
        close(null);
    }
    for (int i = first; i < argc; i++)
        run_path(argv[i]);
    fuzz_spinlock_shutdown();
    printf("fuzz_replay: %d inputs, every outcome as the model predicted\n", inputs);
    return inputs > 0 ? 0 : 1;
}
