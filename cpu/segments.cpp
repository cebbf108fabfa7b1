// Segment loads against the flat GDT selectors, the TLS entries and the LDT (segments.h).
#include "cpu/segments.h"

#include <cstdio>

namespace gate386 {

uint64_t descriptor_from_user_desc(uint32_t base, uint32_t limit, uint32_t flags) {
    const uint32_t seg_32bit = flags & 1, contents = flags >> 1 & 3, read_exec_only = flags >> 3 & 1,
                   limit_in_pages = flags >> 4 & 1, not_present = flags >> 5 & 1, useable = flags >> 6 & 1;
    const uint64_t type = 1 | (read_exec_only ^ 1) << 1 | contents << 2;
    uint64_t d = limit & 0xffff;
    d |= uint64_t(base & 0xffffff) << 16;
    d |= type << 40;
    d |= uint64_t(1) << 44;                        // S: code or data
    d |= uint64_t(3) << 45;                        // DPL 3
    d |= uint64_t(not_present ^ 1) << 47;          // P
    d |= uint64_t(limit >> 16 & 0xf) << 48;
    d |= uint64_t(useable) << 52;
    d |= uint64_t(seg_32bit) << 54;
    d |= uint64_t(limit_in_pages) << 55;
    d |= uint64_t(base >> 24) << 56;
    return d;
}

namespace {

uint32_t descriptor_base(uint64_t d) {
    return uint32_t(d >> 16 & 0xffffff) | uint32_t(d >> 56) << 24;
}

// The checks of the protected-mode segment load for a user-mode (CPL 3) program.
SegmentCheck check_descriptor(uint64_t d, unsigned sreg, uint16_t sel) {
    const unsigned type = d >> 40 & 0xf, s = d >> 44 & 1, dpl = d >> 45 & 3, present = d >> 47 & 1;
    const bool code = type & 8, rw = type & 2, conforming = code && (type & 4);
    if (!s) return SegmentCheck::kGeneralProtection;
    if (sreg == kSs) {
        if (code || !rw || dpl != 3 || (sel & 3) != 3) return SegmentCheck::kGeneralProtection;
        return present ? SegmentCheck::kOk : SegmentCheck::kStackFault;
    }
    if (code && !rw) return SegmentCheck::kGeneralProtection;   // execute-only code
    if (!conforming && dpl < 3) return SegmentCheck::kGeneralProtection;
    return present ? SegmentCheck::kOk : SegmentCheck::kNotPresent;
}

}  // namespace

SegmentCheck check_segment_load(const Cpu& c, unsigned sreg, uint16_t sel, uint32_t& base) {
    base = 0;
    const unsigned idx = sel >> 3;
    if ((sel & ~3u) == 0)   // the null selector: fine for data segments, #GP for %ss
        return sreg == kSs || sreg == kCs ? SegmentCheck::kGeneralProtection : SegmentCheck::kOk;
    if (sel & 4) {
        if (idx >= c.m_ldt.size()) return SegmentCheck::kGeneralProtection;
        SegmentCheck r = check_descriptor(c.m_ldt[idx], sreg, sel);
        if (r != SegmentCheck::kOk) return r;
        base = descriptor_base(c.m_ldt[idx]);
    } else {
        // The flat descriptors are DPL 3: data segments take them with any RPL, %ss only with RPL 3.
        if (sreg == kSs && (sel & 3) != 3) return SegmentCheck::kGeneralProtection;
        if ((sel | 3) == kUserDs) return SegmentCheck::kOk;
        if ((sel | 3) == kUserCs) return sreg == kSs ? SegmentCheck::kGeneralProtection : SegmentCheck::kOk;
        if (idx < kTlsFirstEntry || idx >= kTlsFirstEntry + kTlsEntries) return SegmentCheck::kGeneralProtection;
        const TlsDescriptor& t = c.m_tls[idx - kTlsFirstEntry];
        if (!t.present) return SegmentCheck::kGeneralProtection;   // an empty descriptor: not a segment
        if (sreg == kSs && (t.flags >> 3 & 1)) return SegmentCheck::kGeneralProtection;   // read-only
        base = t.base;
    }
    if (base != 0 && sreg != kFs && sreg != kGs) return SegmentCheck::kUnsupportedBase;
    return SegmentCheck::kOk;
}

void load_segment(Cpu& c, unsigned sreg, uint16_t sel) {
    uint32_t base = 0;
    switch (check_segment_load(c, sreg, sel, base)) {
    case SegmentCheck::kOk: break;
    case SegmentCheck::kGeneralProtection: raise_fault(c, SIGSEGV, 0x80 /*SI_KERNEL*/, 0);
    case SegmentCheck::kNotPresent:
    case SegmentCheck::kStackFault: raise_fault(c, SIGBUS, 0x80 /*SI_KERNEL*/, 0);
    case SegmentCheck::kUnsupportedBase:
        std::fprintf(stderr, "gate386: unimplemented: segment base 0x%08x in %s (selector 0x%04x); only %%fs and %%gs carry a base\n",
                     base, sreg == kEs ? "%es" : sreg == kCs ? "%cs" : sreg == kSs ? "%ss" : "%ds", sel);
        raise_fault(c, SIGILL, ILL_ILLOPN, c.m_cur ? c.m_cur->eip : c.m_eip);
    }
    c.m_seg_sel[sreg] = sel;
    if (sreg == kFs) c.m_seg_base[kSegFs] = base;
    if (sreg == kGs) c.m_seg_base[kSegGs] = base;
}

}  // namespace gate386
