// Segment registers as a 32-bit Linux kernel sets them up: flat user code and data selectors
// (__USER_CS = 0x73, __USER_DS = 0x7b, arch/x86/include/asm/segment.h) and three TLS descriptors in
// the GDT (entries 6..8, GDT_ENTRY_TLS_MIN) that set_thread_area fills and %gs/%fs select.
#pragma once
#include <csignal>
#include <cstdint>
#include "cpu/insn.h"

namespace gate386 {

constexpr uint16_t kUserCs = 0x73, kUserDs = 0x7b;
constexpr unsigned kTlsFirstEntry = 6, kTlsEntries = 3;

// Sreg numbering follows the instruction encoding: ES CS SS DS FS GS.
enum Sreg : uint8_t { kEs, kCs, kSs, kDs, kFs, kGs };


// Loads a selector into a segment register, as MOV Sreg / POP Sreg do; a selector the GDT does not
// hold raises #GP, which Linux delivers as SIGSEGV (si_code SI_KERNEL, address 0).
inline void load_segment(Cpu& c, unsigned sreg, uint16_t sel) {
    uint32_t base = 0;
    unsigned idx = sel >> 3;
    if ((sel & ~3u) == 0) {
        if (sreg == kCs || sreg == kSs) raise_fault(c, SIGSEGV, 0x80, 0);
    } else if ((sel & 4) || (sel & 3) != 3) {
        raise_fault(c, SIGSEGV, 0x80, 0);
    } else if (sel == kUserDs || sel == kUserCs) {
        base = 0;
    } else if (idx >= kTlsFirstEntry && idx < kTlsFirstEntry + kTlsEntries &&
               c.m_tls[idx - kTlsFirstEntry].present) {
        base = c.m_tls[idx - kTlsFirstEntry].base;
    } else {
        raise_fault(c, SIGSEGV, 0x80, 0);
    }
    c.m_seg_sel[sreg] = sel;
    if (sreg == kFs) c.m_seg_base[kSegFs] = base;
    if (sreg == kGs) c.m_seg_base[kSegGs] = base;
}

}  // namespace gate386
