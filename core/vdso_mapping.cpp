#include "core/vdso_mapping.h"

#include <cstring>
#include <sys/mman.h>
#include <x86intrin.h>

#include "core/process.h"
#include "vdso/vdso_image.h"
#include "vdso/vvar.h"

namespace gate386 {

namespace {

// Measured once per host process; forked and exec'd guests inherit it.
uint64_t host_tsc_hz() {
    static uint64_t hz = vvar_measure_tsc_hz();
    return hz;
}

void fill_vvar(Process& p) {
    uint8_t* page = p.mem.host(kVvarBase);
    mprotect(page, kVvarPageSize, PROT_READ | PROT_WRITE);
    vvar_fill(*reinterpret_cast<VvarData*>(page), __rdtsc(), host_tsc_hz());
    mprotect(page, kVvarPageSize, PROT_READ);
    p.vvar_anchor_tsc = __rdtsc();
}

}  // namespace

VdsoVariant vdso_variant_for(const Process& p) {
    if (p.opts.gate == "int80") return VdsoVariant::Int80;
    if (p.opts.gate == "sysenter") return VdsoVariant::Sysenter;
    // auto: the kernel maps the sysenter page when the CPU has a working SEP (sysenter.c).
    bool sep = (p.identity.leaf1_edx & kCpuidSep) && p.identity.sep_works;
    return sep ? VdsoVariant::Sysenter : VdsoVariant::Int80;
}

void map_vdso(Process& p) {
    VdsoImage img = build_vdso_image(vdso_variant_for(p));
    // [vvar]: read-only data one page below the vDSO, as modern kernels place it.
    if (p.mem.map(kVvarBase, kVvarPageSize, PROT_READ, true, false, -1, 0, "[vvar]") < 0) return;
    fill_vvar(p);
    if (p.mem.map(kVdsoBase, kVdsoSize, PROT_READ | PROT_WRITE, true, false, -1, 0, "[vdso]") < 0) return;
    std::memcpy(p.mem.host(kVdsoBase), img.bytes.data(), kVdsoSize);
    p.mem.protect(kVdsoBase, kVdsoSize, PROT_READ | PROT_EXEC);
    p.vdso_base = img.base;
    p.vdso_entry = img.entry;
    // With the int80 page a raw sysenter still exits to where the kernel's SYSENTER_RETURN points.
    p.sysenter_return = img.sysenter_return ? img.sysenter_return : kVdsoBase + 0x410;
    p.vdso_restart = img.restart_jmp;
}

void refresh_vvar_if_due(Process& p) {
    if (!p.vdso_base) return;
    if (__rdtsc() - p.vvar_anchor_tsc < host_tsc_hz()) return;   // once per second of run time
    fill_vvar(p);
}

}  // namespace gate386
