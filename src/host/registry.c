/*
 * host/registry.c - the device's registry key: VideoPortGetRegistryParameters,
 * VideoPortSetRegistryParameters, VideoPortFlushRegistry, and vpspin_set_registry_value /
 * vpspin_query_registry_value, which preload it and read it back.
 *
 * On Windows a miniport's parameters live under its device's key (...\Services\<name>\
 * Device0): a setup file writes them, the miniport reads them with
 * VideoPortGetRegistryParameters and records what it found with
 * VideoPortSetRegistryParameters. Here the key is a list of values in memory: the program
 * preloads values for a driver, each device started copies them, and the miniport's writes
 * go to its device's copy. Names compare case-insensitively (ASCII letters), as Windows's.
 *
 * VideoPortGetRegistryParameters follows the WDK's callback contract: it does not return the
 * data, it calls CallbackRoutine(HwDeviceExtension, Context, ValueName, ValueData,
 * ValueLength) with it and returns what the callback returns. With IsParameterFileName the
 * value is a REG_SZ naming a file, and the callback gets the file's contents. The data
 * passed is a copy: the callback may write to it. Both services run at PASSIVE_LEVEL
 * (0xF003).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "check/verify.h"
#include "host/host.h"

static WCHAR vsp_fold(WCHAR c) { return c >= 'A' && c <= 'Z' ? (WCHAR)(c - 'A' + 'a') : c; }

static bool vsp_name_equal(const WCHAR *a, const WCHAR *b)
{
    for (; *a != 0 && *b != 0; a++, b++)
        if (vsp_fold(*a) != vsp_fold(*b))
            return false;
    return *a == *b;
}

static size_t vsp_wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

static struct vsp_reg_value **vsp_find(struct vsp_reg_value **list, const WCHAR *name)
{
    for (; *list != NULL; list = &(*list)->next)
        if (vsp_name_equal((*list)->name, name))
            return list;
    return list;
}

static struct vsp_reg_value *vsp_value_new(const WCHAR *name, ULONG type, const void *data,
                                           ULONG length)
{
    size_t n = vsp_wlen(name);
    struct vsp_reg_value *v = vsp_alloc(sizeof *v);
    WCHAR *copy = vsp_alloc((n + 1) * sizeof(WCHAR));
    UCHAR *bytes = vsp_alloc(length ? length : 1);
    if (v == NULL || copy == NULL || bytes == NULL) {
        free(v);
        free(copy);
        free(bytes);
        return NULL;
    }
    memcpy(copy, name, (n + 1) * sizeof(WCHAR));
    if (length != 0)
        memcpy(bytes, data, length);
    v->name = copy;
    v->type = type;
    v->length = length;
    v->data = bytes;
    return v;
}

void vsp_registry_free(struct vsp_reg_value *v)
{
    while (v != NULL) {
        struct vsp_reg_value *next = v->next;
        free(v->name);
        free(v->data);
        free(v);
        v = next;
    }
}

/* Adds or replaces name in *list; false if out of memory (the list is unchanged). */
static bool vsp_put_value(struct vsp_reg_value **list, const WCHAR *name, ULONG type,
                          const void *data, ULONG length)
{
    struct vsp_reg_value *v = vsp_value_new(name, type, data, length);
    if (v == NULL)
        return false;
    struct vsp_reg_value **at = vsp_find(list, name);
    if (*at != NULL) {
        v->next = (*at)->next;
        (*at)->next = NULL;
        vsp_registry_free(*at);
    } else {
        v->next = NULL;
    }
    *at = v;
    return true;
}

bool vsp_registry_copy(struct vpspin_device *d)
{
    bool ok = true;
    pthread_mutex_lock(&d->driver->devices_mutex);
    for (struct vsp_reg_value *v = d->driver->registry; v != NULL && ok; v = v->next)
        ok = vsp_put_value(&d->registry, v->name, v->type, v->data, v->length);
    pthread_mutex_unlock(&d->driver->devices_mutex);
    return ok;
}

/* An ASCII name as UTF-16, or false if it is empty, too long or not ASCII. */
static bool vsp_wide_name(const char *ascii, WCHAR *out, size_t size)
{
    size_t n = strlen(ascii);
    if (n == 0 || n >= size)
        return false;
    for (size_t i = 0; i <= n; i++) {
        if ((unsigned char)ascii[i] >= 0x80)
            return false;
        out[i] = (WCHAR)ascii[i];
    }
    return true;
}

VP_STATUS vpspin_set_registry_value(vpspin_driver *Driver, const char *ValueName, ULONG Type,
                                    const void *Data, ULONG Length)
{
    WCHAR name[256];
    if (Driver == NULL || ValueName == NULL || !vsp_wide_name(ValueName, name, 256) ||
        (Data == NULL && Length != 0))
        return ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&Driver->devices_mutex);
    bool ok = vsp_put_value(&Driver->registry, name, Type, Data, Length);
    pthread_mutex_unlock(&Driver->devices_mutex);
    return ok ? NO_ERROR : ERROR_NOT_ENOUGH_MEMORY;
}

VP_STATUS vpspin_query_registry_value(vpspin_device *Device, const char *ValueName, ULONG *Type,
                                      void *Data, ULONG *Length)
{
    WCHAR name[256];
    if (Device == NULL || ValueName == NULL || Length == NULL ||
        !vsp_wide_name(ValueName, name, 256))
        return ERROR_INVALID_PARAMETER;
    VP_STATUS status = ERROR_FILE_NOT_FOUND;
    pthread_mutex_lock(&Device->registry_mutex);
    struct vsp_reg_value *v = *vsp_find(&Device->registry, name);
    if (v != NULL) {
        if (Type != NULL)
            *Type = v->type;
        status = Data != NULL && *Length >= v->length ? NO_ERROR : ERROR_MORE_DATA;
        if (status == NO_ERROR)
            memcpy(Data, v->data, v->length);
        *Length = v->length;
    }
    pthread_mutex_unlock(&Device->registry_mutex);
    return status;
}

/* The contents of the file a REG_SZ value names (UTF-16, ASCII only), in *data. */
static bool vsp_read_named_file(const struct vsp_reg_value *v, UCHAR **data, ULONG *length)
{
    char path[4096];
    size_t n = v->length / sizeof(WCHAR), i;
    const WCHAR *w = (const WCHAR *)(const void *)v->data;
    for (i = 0; i < n && i + 1 < sizeof path && w[i] != 0; i++) {
        if (w[i] >= 0x80)
            return false;
        path[i] = (char)w[i];
    }
    path[i] = '\0';
    FILE *f = v->type == REG_SZ ? fopen(path, "rb") : NULL;
    if (f == NULL)
        return false;
    bool ok = fseek(f, 0, SEEK_END) == 0;
    long size = ok ? ftell(f) : -1;
    ok = size >= 0 && size <= 0x7FFFFFFF && fseek(f, 0, SEEK_SET) == 0;
    *data = ok ? vsp_alloc((size_t)size + 1) : NULL;
    ok = *data != NULL && fread(*data, 1, (size_t)size, f) == (size_t)size;
    fclose(f);
    if (!ok) {
        free(*data);
        return false;
    }
    *length = (ULONG)size;
    return true;
}

VP_STATUS VideoPortGetRegistryParameters(PVOID HwDeviceExtension, PWSTR ParameterName,
                                         UCHAR IsParameterFileName,
                                         PMINIPORT_GET_REGISTRY_ROUTINE CallbackRoutine,
                                         PVOID Context)
{
    if (!vsp_irql_allows(VSP_API_VideoPortGetRegistryParameters, VSP_RULE_IRQL, PASSIVE_LEVEL,
                         (ULONG_PTR)ParameterName, 0))
        return ERROR_INVALID_PARAMETER;
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    if (d == NULL || ParameterName == NULL || CallbackRoutine == NULL)
        return ERROR_INVALID_PARAMETER;
    UCHAR *data = NULL;
    ULONG length = 0;
    bool found = false;
    pthread_mutex_lock(&d->registry_mutex);
    struct vsp_reg_value *v = *vsp_find(&d->registry, ParameterName);
    if (v != NULL && IsParameterFileName) {
        found = vsp_read_named_file(v, &data, &length);
    } else if (v != NULL) {
        data = vsp_alloc(v->length ? v->length : 1);
        found = data != NULL;
        if (found)
            memcpy(data, v->data, length = v->length);
    }
    pthread_mutex_unlock(&d->registry_mutex);
    if (!found)
        return ERROR_INVALID_PARAMETER;
    /* The callback runs without the key's lock: it may set values. */
    VP_STATUS status = CallbackRoutine(HwDeviceExtension, Context, ParameterName, data, length);
    free(data);
    return status;
}

VP_STATUS VideoPortSetRegistryParameters(PVOID HwDeviceExtension, PWSTR ValueName, PVOID ValueData,
                                         ULONG ValueLength)
{
    if (!vsp_irql_allows(VSP_API_VideoPortSetRegistryParameters, VSP_RULE_IRQL, PASSIVE_LEVEL,
                         (ULONG_PTR)ValueName, 0))
        return ERROR_INVALID_PARAMETER;
    struct vpspin_device *d = vsp_device_from_ext(HwDeviceExtension);
    if (d == NULL || ValueName == NULL || ValueName[0] == 0 || (ValueData == NULL && ValueLength))
        return ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&d->registry_mutex);
    bool ok = vsp_put_value(&d->registry, ValueName, REG_BINARY, ValueData, ValueLength);
    pthread_mutex_unlock(&d->registry_mutex);
    return ok ? NO_ERROR : ERROR_NOT_ENOUGH_MEMORY;
}

VP_STATUS VideoPortFlushRegistry(PVOID HwDeviceExtension)
{
    (void)HwDeviceExtension;
    return NO_ERROR;
}
