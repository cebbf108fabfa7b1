// Segment registers as a 32-bit Linux kernel sets them up: flat user code and data selectors
// (__USER_CS = 0x73, __USER_DS = 0x7b, arch/x86/include/asm/segment.h), three TLS descriptors in
// the GDT (entries 6..8, GDT_ENTRY_TLS_MIN) that set_thread_area fills, and the process's LDT that
// modify_ldt fills (arch/x86/kernel/ldt.c). %fs and %gs carry a base; the other segment registers
// are flat, so a descriptor with another base can only go into %fs or %gs.
#pragma once
#include <csignal>
#include <cstdint>
#include "cpu/insn.h"

namespace gate386 {

constexpr uint16_t kUserCs = 0x73, kUserDs = 0x7b;
constexpr unsigned kTlsFirstEntry = 6, kTlsEntries = 3;
constexpr unsigned kLdtEntries = 8192;   // LDT_ENTRIES (arch/x86/include/uapi/asm/ldt.h)

// Sreg numbering follows the instruction encoding: ES CS SS DS FS GS.
enum Sreg : uint8_t { kEs, kCs, kSs, kDs, kFs, kGs };

// A user_desc as fill_ldt() turns it into an 8-byte descriptor (arch/x86/include/asm/desc.h):
// limit 15:0, base 23:0, type (accessed | writable/readable << 1 | contents << 2), S = 1, DPL 3,
// P, limit 19:16, AVL, D/B, G, base 31:24.
uint64_t descriptor_from_user_desc(uint32_t base, uint32_t limit, uint32_t flags);

// What a load of `sel` into `sreg` does (SDM Vol.2B MOV, "Loading a segment register in protected
// mode"). kOk sets `base`; a selector outside the tables or of the wrong type is #GP (SIGSEGV on
// Linux), a descriptor not present #NP, or #SS for %ss (both SIGBUS, arch/x86/kernel/traps.c).
enum class SegmentCheck : uint8_t { kOk, kGeneralProtection, kNotPresent, kStackFault, kUnsupportedBase };
SegmentCheck check_segment_load(const Cpu& c, unsigned sreg, uint16_t sel, uint32_t& base);

// MOV Sreg / POP Sreg / LxS: loads the selector or raises the fault above.
void load_segment(Cpu& c, unsigned sreg, uint16_t sel);

}  // namespace gate386
