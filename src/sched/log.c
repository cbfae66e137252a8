/*
 * sched/log.c - creating the run log that log.h describes.
 */
#include "sched/log.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int vsp_log_module(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct vsp_log *l = arg;
    if (l->modules >= VSP_LOG_MODULES)
        return 1;
    struct vsp_log_module *m = &l->module[l->modules];
    uint64_t start = UINT64_MAX, end = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        uint64_t a = info->dlpi_addr + ph->p_vaddr;
        if (a < start)
            start = a;
        if (a + ph->p_memsz > end)
            end = a + ph->p_memsz;
    }
    if (end == 0)
        return 0;
    m->base = info->dlpi_addr;
    m->start = start;
    m->end = end;
    const char *name = info->dlpi_name;
    if (name == NULL || name[0] == '\0') { /* the executable */
        ssize_t n = readlink("/proc/self/exe", m->path, sizeof m->path - 1);
        m->path[n > 0 ? n : 0] = '\0';
    } else {
        snprintf(m->path, sizeof m->path, "%s", name);
    }
    l->modules++;
    return 0;
}

struct vsp_log *vsp_log_open(const char *path, uint64_t seed, unsigned cpus, const char *strategy)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, VSP_LOG_SIZE) != 0) {
        fprintf(stderr, "vpspin: cannot write the run log %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    void *p = mmap(NULL, VSP_LOG_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        fprintf(stderr, "vpspin: cannot map the run log %s: %s\n", path, strerror(errno));
        return NULL;
    }
    struct vsp_log *l = p;
    l->seed = seed;
    l->cpus = cpus;
    snprintf(l->strategy, sizeof l->strategy, "%s", strategy);
    dl_iterate_phdr(vsp_log_module, l);
    memcpy(l->magic, VSP_LOG_MAGIC, sizeof l->magic);
    return l;
}
