/*
 * base/symbol_dw.c - code addresses to functions and source lines, through elfutils' libdw.
 *
 * One Dwfl session for the process, made at the first lookup: the modules of
 * /proc/self/maps (dwfl_linux_proc_report), each opened and its debug info read only when
 * an address in it is first looked up, then kept, so later lookups cost a table search.
 * An address outside every module known (a library loaded since) makes the session read
 * the maps again, once per miss.
 *
 * For an address: the module's symbol table gives the function and the offset into it
 * (static functions included: they are in .symtab, not in the dynamic symbols), the line
 * table the file and line. The DWARF scopes at the address (dwarf_getscopes) then say
 * whether it lies in inlined code: each DW_TAG_inlined_subroutine from the innermost out
 * is one more location, named by its abstract origin, whose line is where the address is,
 * and whose DW_AT_call_file / DW_AT_call_line are the line of the enclosing function.
 */
#include "base/symbol_dw.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *vsp_debuginfo_path; /* libdw's default search path for separate debug info */

static const Dwfl_Callbacks vsp_dwfl_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &vsp_debuginfo_path,
};

static Dwfl *vsp_dwfl;
static unsigned vsp_dw_reports;

unsigned vsp_dw_generation(void) { return vsp_dw_reports; }

/* (Re)reads the process's modules; modules already known keep what was read of them. */
static bool vsp_dw_report(void)
{
    if (vsp_dwfl == NULL && (vsp_dwfl = dwfl_begin(&vsp_dwfl_callbacks)) == NULL)
        return false;
    vsp_dw_reports++;
    dwfl_report_begin_add(vsp_dwfl);
    int rc = dwfl_linux_proc_report(vsp_dwfl, getpid());
    return dwfl_report_end(vsp_dwfl, NULL, NULL) == 0 && rc == 0;
}

static Dwfl_Module *vsp_dw_module(Dwarf_Addr a)
{
    if (vsp_dwfl == NULL && !vsp_dw_report())
        return NULL;
    Dwfl_Module *m = dwfl_addrmodule(vsp_dwfl, a);
    if (m == NULL && vsp_dw_report()) /* loaded since the last look */
        m = dwfl_addrmodule(vsp_dwfl, a);
    return m;
}

static void vsp_copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src != NULL ? src : "");
}

static unsigned vsp_die_udata(Dwarf_Die *die, unsigned name)
{
    Dwarf_Attribute attr;
    Dwarf_Word v = 0;
    if (dwarf_formudata(dwarf_attr(die, name, &attr), &v) != 0)
        return 0;
    return (unsigned)v;
}

/* The inlined functions at a (module-relative: a - bias) in cu, innermost first, into
 * w[0..max - 1), each with the line it is at; the line of the function they are inlined
 * in goes to *file / *line. Returns how many. */
static int vsp_dw_inlined(Dwarf_Die *cu, Dwarf_Addr rel, struct vsp_where *w, int max,
                          const char **file, unsigned *line)
{
    Dwarf_Die *scopes = NULL;
    int ns = dwarf_getscopes(cu, rel, &scopes);
    Dwarf_Files *files = NULL;
    size_t nfiles = 0;
    int n = 0;
    for (int i = 0; i < ns && n < max - 1; i++) {
        int tag = dwarf_tag(&scopes[i]);
        if (tag == DW_TAG_subprogram)
            break;
        if (tag != DW_TAG_inlined_subroutine)
            continue;
        vsp_copy(w[n].function, sizeof w[n].function, dwarf_diename(&scopes[i]));
        vsp_copy(w[n].file, sizeof w[n].file, *file);
        w[n].line = *line;
        w[n].has_offset = false;
        n++;
        /* The next location out is this call's. */
        unsigned idx = vsp_die_udata(&scopes[i], DW_AT_call_file);
        *line = vsp_die_udata(&scopes[i], DW_AT_call_line);
        *file = NULL;
        if (files == NULL && dwarf_getsrcfiles(cu, &files, &nfiles) != 0)
            files = NULL;
        if (files != NULL && idx < nfiles)
            *file = dwarf_filesrc(files, idx, NULL, NULL);
    }
    free(scopes);
    return n;
}

int vsp_dw_locate(const void *addr, bool call_site, struct vsp_where *w, int max)
{
    Dwarf_Addr a = (Dwarf_Addr)(uintptr_t)addr;
    Dwarf_Addr look = call_site && a > 0 ? a - 1 : a; /* the call, not what follows it */
    Dwfl_Module *m = max > 0 ? vsp_dw_module(look) : NULL;
    if (m == NULL)
        return 0;
    GElf_Off off = 0;
    GElf_Sym sym;
    const char *fn = dwfl_module_addrinfo(m, look, &off, &sym, NULL, NULL, NULL);
    if (fn == NULL)
        return 0;
    const char *file = NULL;
    int line = 0;
    Dwfl_Line *l = dwfl_module_getsrc(m, look);
    if (l != NULL)
        file = dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL);
    unsigned uline = line > 0 ? (unsigned)line : 0;
    int n = 0;
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = l != NULL ? dwfl_module_addrdie(m, look, &bias) : NULL;
    if (cu != NULL)
        n = vsp_dw_inlined(cu, look - bias, w, max, &file, &uline);
    /* A function whose body gcc inlined into a wrapper of the same name (its symbol) is
     * one location, at the inner line; otherwise the symbol's function is one more. */
    if (n == 0 || strcmp(w[n - 1].function, fn) != 0) {
        vsp_copy(w[n].function, sizeof w[n].function, fn);
        vsp_copy(w[n].file, sizeof w[n].file, file);
        w[n].line = uline;
        n++;
    }
    w[n - 1].offset = (unsigned long)(off + (a - look)); /* the offset of addr itself */
    w[n - 1].has_offset = true;
    return n;
}

void vsp_dw_end(void)
{
    if (vsp_dwfl != NULL)
        dwfl_end(vsp_dwfl);
    vsp_dwfl = NULL;
}
