/*
 * description.h - vpspin-run's description file: the simulated adapter a miniport is
 * started on, in a few lines of text (vpspin-run(1), DESCRIPTION FILE).
 */
#ifndef RUN_DESCRIPTION_H
#define RUN_DESCRIPTION_H

#include <stdio.h>

#include <vpspin/adapter.h>

#define RUN_MAX_VALUES 64

/* One "registry" line. */
struct run_value {
    char name[128];
    ULONG type; /* REG_DWORD, REG_SZ, REG_BINARY */
    UCHAR data[512];
    ULONG length;
};

struct run_description {
    const char *path;
    vpspin_adapter *adapter; /* described; NULL before run_description_read */
    USHORT vendor, device;   /* for the report */
    ULONG ranges, level;
    struct run_value values[RUN_MAX_VALUES];
    unsigned nvalues;
    void *model_handle;    /* the plug-in (dlopen), or NULL */
    char model_path[4096]; /* its path and argument, for the report */
    char model_argument[1024];
};

/* Reads the file at path into d, making its adapter and loading its model. On a bad file
 * writes "vpspin-run: FILE:LINE: what is wrong" to stderr and returns -1 (everything made
 * so far is freed). */
int run_description_read(const char *path, struct run_description *d);

/* Deletes the adapter and closes the model's plug-in. */
void run_description_free(struct run_description *d);

#endif
