/*
 * adapter/access.c - VideoPortRead/Write{Register,Port}{Uchar,Ushort,Ulong} and their
 * Buffer forms, on the simulated adapter, and the rules of an access.
 *
 * An access finds its mapping by address (view.c: a per-thread hit, else a scan), then
 * goes to the range behind it: to the model's hook if it set one, under the model lock,
 * else to the range's memory with an atomic load (acquire) or store (release), so that a
 * register write orders the plain stores made before it - a command written into a ring,
 * then the doorbell - as the device needs. The register forms address memory (a
 * VideoPortGetDeviceBase or VideoPortMapMemory mapping of a memory range); the port forms
 * address ports (the port number a mapping of a port range gave). A Buffer form moves
 * Count elements: the register ones over consecutive addresses (Count elements must lie in
 * the mapping), the port ones through the one port, Count times (string I/O).
 *
 * The rules (vpspin's own 0xC4 subcodes; Windows has no Driver Verifier check here, its
 * page fault 0x50 or a silent access to someone else's memory is what these would be):
 *
 *   0xF010  an address no mapping covers: never returned by VideoPortGetDeviceBase or
 *           VideoPortMapMemory, or of the other space (a port read of a memory mapping)
 *   0xF011  inside a mapping already freed (VideoPortFreeDeviceBase, VideoPortUnmapMemory)
 *   0xF012  starting or ending outside the mapping it touches (past its end, before its
 *           start, a Buffer form running off it)
 *   0xF013  (resources.c) freeing what is not a live mapping of the device
 *
 * P2 the address, P3 0 for a read, 1 for a write (2: not known, a direct access caught as a
 * fault), P4 the bytes of the access for 0xF010, else the mapping's base. In every mode the
 * refused access has no effect: a read returns all ones (what a read nobody answers gives
 * on PCI), a write is dropped; with checking on, it is reported first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter/adapter.h"
#include "base/slow.h"
#include "base/symbol.h"
#include "base/text.h"
#include "check/bugcheck.h"

/* ---- Reports ------------------------------------------------------------------------------ */

static const char *vsp_access_what(enum vsp_api api, bool io, unsigned write)
{
    static const char *const what[3][3] = {
        {"register read", "register write", "register access"},
        {"port read", "port write", "port access"},
        {"direct read", "direct write", "direct access"},
    };
    return what[api == VSP_API_DeviceMemory ? 2 : io][write > 2 ? 2 : write];
}

static void vsp_put_mapping(struct vsp_text *t, const struct vsp_view_info *m)
{
    char range[96];
    vsp_range_name(m->range, range, sizeof range);
    vsp_put(t, "Mapping: 0x%lx..0x%lx (0x%lx bytes), offset 0x%lX of %s,\n         made by %s at ",
            (unsigned long)m->base, (unsigned long)m->end, (unsigned long)(m->end - m->base),
            (unsigned long)m->offset, range, vsp_api_name(m->mapped_by));
    vsp_put_code_address(t, m->mapped_at);
    if (!m->live) {
        vsp_put(t, ", freed by %s at ", vsp_api_name(m->freed_by));
        vsp_put_code_address(t, m->freed_at);
    }
    vsp_put(t, "\n");
}

void vsp_report_access(enum vsp_api api, unsigned rule, uintptr_t addr, unsigned write, size_t size,
                       const struct vsp_view_info *info)
{
    bool io = api >= VSP_API_VideoPortReadPortUchar && api <= VSP_API_VideoPortWritePortBufferUlong;
    const char *what = vsp_access_what(api, io, write);
    char text[384], bytes[40] = "";
    struct vsp_text *detail = vsp_text_new();
    if (size != 0)
        snprintf(bytes, sizeof bytes, " of %zu byte(s)", size);
    if (rule == VSP_ACCESS_NEVER)
        snprintf(text, sizeof text,
                 "%s%s at 0x%lx, which no mapping covers (an address VideoPortGetDeviceBase or "
                 "VideoPortMapMemory never returned)%s",
                 what, bytes, (unsigned long)addr,
                 !vsp_view_other_space(addr, io) ? ""
                 : io ? "; it is a memory mapping: use VideoPortRead/WriteRegister*"
                      : "; it is a port mapping: use VideoPortRead/WritePort*");
    else if (rule == VSP_ACCESS_FREED)
        snprintf(text, sizeof text, "%s%s at 0x%lx, in a mapping already freed by %s", what, bytes,
                 (unsigned long)addr, vsp_api_name(info->freed_by));
    else
        snprintf(text, sizeof text,
                 "%s%s at 0x%lx, outside the mapping it touches (offset %ld of 0x%lx bytes "
                 "mapped)",
                 what, bytes, (unsigned long)addr, (long)(addr - info->base),
                 (unsigned long)(info->end - info->base));
    if (detail != NULL && rule != VSP_ACCESS_NEVER)
        vsp_put_mapping(detail, info);
    struct vsp_violation v = {
        .code = VSP_DRIVER_VERIFIER_DETECTED_VIOLATION,
        .p = {rule, addr, write,
              rule == VSP_ACCESS_NEVER ? (ULONG_PTR)size : (ULONG_PTR)info->base},
        .rule = text,
        .api = api,
        .lock_readable = true, /* no lock: "Lock: none" */
        .detail = detail != NULL && detail->len > 0 ? detail->buf : NULL,
    };
    vsp_bugcheck(&v);
    free(detail);
}

void vsp_report_unmap(enum vsp_api api, PVOID base, bool freed_before, PVOID HwDeviceExtension)
{
    char text[256];
    snprintf(text, sizeof text, "%s of %p, which is not a live mapping of this device (%s)",
             vsp_api_name(api), base,
             freed_before ? "freed already"
                          : "never returned by VideoPortGetDeviceBase or "
                            "VideoPortMapMemory for this HwDeviceExtension");
    struct vsp_violation v = {
        .code = VSP_DRIVER_VERIFIER_DETECTED_VIOLATION,
        .p = {VSP_RULE_UNMAP, (ULONG_PTR)base, freed_before, (ULONG_PTR)HwDeviceExtension},
        .rule = text,
        .api = api,
        .lock_readable = true,
    };
    vsp_bugcheck(&v);
}

/* ---- The range behind a mapping ------------------------------------------------------------ */

static ULONG vsp_mask(unsigned size) { return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1u; }

static ULONG vsp_range_read(struct vsp_range *r, ULONG off, unsigned size)
{
    if (r->read != NULL) {
        pthread_mutex_lock(&r->adapter->model);
        ULONG v = r->read(r->context, r->adapter, r->index, off, size);
        pthread_mutex_unlock(&r->adapter->model);
        return v & vsp_mask(size);
    }
    uint8_t *p = r->memory + off;
    if (((uintptr_t)p & (size - 1)) != 0) { /* misaligned: legal on x86; not atomic then */
        ULONG v = 0;
        memcpy(&v, p, size);
        return v;
    }
    switch (size) {
    case 1:
        return __atomic_load_n(p, __ATOMIC_ACQUIRE);
    case 2:
        return __atomic_load_n((uint16_t *)(void *)p, __ATOMIC_ACQUIRE);
    default:
        return __atomic_load_n((uint32_t *)(void *)p, __ATOMIC_ACQUIRE);
    }
}

static void vsp_range_write(struct vsp_range *r, ULONG off, unsigned size, ULONG value)
{
    value &= vsp_mask(size);
    if (r->write != NULL) {
        pthread_mutex_lock(&r->adapter->model);
        r->write(r->context, r->adapter, r->index, off, size, value);
        pthread_mutex_unlock(&r->adapter->model);
        return;
    }
    uint8_t *p = r->memory + off;
    if (((uintptr_t)p & (size - 1)) != 0) {
        memcpy(p, &value, size);
        return;
    }
    switch (size) {
    case 1:
        __atomic_store_n(p, (uint8_t)value, __ATOMIC_RELEASE);
        break;
    case 2:
        __atomic_store_n((uint16_t *)(void *)p, (uint16_t)value, __ATOMIC_RELEASE);
        break;
    default:
        __atomic_store_n((uint32_t *)(void *)p, (uint32_t)value, __ATOMIC_RELEASE);
        break;
    }
}

/* ---- One access, and Count of them ---------------------------------------------------------- */

/* Finds the range for [addr, addr + bytes); reports (when checking) and returns false if
 * the access may not be made. */
static bool vsp_access(enum vsp_api api, uintptr_t addr, size_t bytes, bool io, unsigned write,
                       struct vsp_hit *hit)
{
    struct vsp_view_info info;
    enum vsp_verdict verdict = vsp_view_lookup(addr, bytes, io, hit, &info);
    if (__builtin_expect(verdict == VSP_ACCESS_OK, 1))
        return true;
    if (vsp_checking())
        vsp_report_access(api, verdict, addr, write, bytes, &info);
    return false;
}

static ULONG vsp_read(enum vsp_api api, const void *addr, unsigned size, bool io)
{
    struct vsp_hit h;
    if (!vsp_access(api, (uintptr_t)addr, size, io, 0, &h))
        return vsp_mask(size);
    return vsp_range_read(h.range, h.offset, size);
}

static void vsp_write(enum vsp_api api, void *addr, unsigned size, bool io, ULONG value)
{
    struct vsp_hit h;
    if (vsp_access(api, (uintptr_t)addr, size, io, 1, &h))
        vsp_range_write(h.range, h.offset, size, value);
}

/* Count elements of size bytes between the device at addr and buf. Registers: consecutive
 * addresses; ports: the same port each time. */
static void vsp_transfer(enum vsp_api api, void *addr, void *buf, ULONG count, unsigned size,
                         bool io, unsigned write)
{
    if (count == 0)
        return;
    size_t bytes = io ? size : (size_t)count * size;
    struct vsp_hit h;
    if (!vsp_access(api, (uintptr_t)addr, bytes, io, write, &h)) {
        if (!write)
            memset(buf, 0xFF, (size_t)count * size);
        return;
    }
    unsigned char *b = buf;
    for (ULONG i = 0; i < count; i++, b += size) {
        ULONG off = io ? h.offset : h.offset + i * size, v = 0;
        if (write) {
            memcpy(&v, b, size);
            vsp_range_write(h.range, off, size, v);
        } else {
            v = vsp_range_read(h.range, off, size);
            memcpy(b, &v, size);
        }
    }
}

/* clang-format off */
#define VSP_READ(name, T, io) \
    T name(T *Address) { return (T)vsp_read(VSP_API_##name, Address, sizeof(T), io); }
#define VSP_WRITE(name, T, io) \
    VOID name(T *Address, T Value) { vsp_write(VSP_API_##name, Address, sizeof(T), io, Value); }
#define VSP_BUFFER(name, T, io, write) \
    VOID name(T *Address, T *Buffer, ULONG Count) \
    { vsp_transfer(VSP_API_##name, Address, Buffer, Count, sizeof(T), io, write); }

VSP_READ(VideoPortReadRegisterUchar, UCHAR, false)
VSP_READ(VideoPortReadRegisterUshort, USHORT, false)
VSP_READ(VideoPortReadRegisterUlong, ULONG, false)
VSP_WRITE(VideoPortWriteRegisterUchar, UCHAR, false)
VSP_WRITE(VideoPortWriteRegisterUshort, USHORT, false)
VSP_WRITE(VideoPortWriteRegisterUlong, ULONG, false)
VSP_BUFFER(VideoPortReadRegisterBufferUchar, UCHAR, false, 0)
VSP_BUFFER(VideoPortReadRegisterBufferUshort, USHORT, false, 0)
VSP_BUFFER(VideoPortReadRegisterBufferUlong, ULONG, false, 0)
VSP_BUFFER(VideoPortWriteRegisterBufferUchar, UCHAR, false, 1)
VSP_BUFFER(VideoPortWriteRegisterBufferUshort, USHORT, false, 1)
VSP_BUFFER(VideoPortWriteRegisterBufferUlong, ULONG, false, 1)

VSP_READ(VideoPortReadPortUchar, UCHAR, true)
VSP_READ(VideoPortReadPortUshort, USHORT, true)
VSP_READ(VideoPortReadPortUlong, ULONG, true)
VSP_WRITE(VideoPortWritePortUchar, UCHAR, true)
VSP_WRITE(VideoPortWritePortUshort, USHORT, true)
VSP_WRITE(VideoPortWritePortUlong, ULONG, true)
VSP_BUFFER(VideoPortReadPortBufferUchar, UCHAR, true, 0)
VSP_BUFFER(VideoPortReadPortBufferUshort, USHORT, true, 0)
VSP_BUFFER(VideoPortReadPortBufferUlong, ULONG, true, 0)
VSP_BUFFER(VideoPortWritePortBufferUchar, UCHAR, true, 1)
VSP_BUFFER(VideoPortWritePortBufferUshort, USHORT, true, 1)
VSP_BUFFER(VideoPortWritePortBufferUlong, ULONG, true, 1)
/* clang-format on */
