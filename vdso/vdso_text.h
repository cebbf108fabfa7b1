// The .text of linux-gate.so.1: the gate stubs (vdso_gates.cpp) and the time functions
// (vdso_time_code.cpp), emitted into one buffer at 0xffffe400 with their FDEs.
#pragma once

#include <cstdint>
#include <vector>

#include "vdso/dwarf_cfi.h"
#include "vdso/vdso_image.h"
#include "vdso/x86_emitter.h"

namespace gate386::vdso_detail {

constexpr uint32_t kTextAddress = kVdsoBase + 0x400;
constexpr uint32_t kSigreturnAddress = kTextAddress + 0x20;    // .org __kernel_vsyscall+32
constexpr uint32_t kRtSigreturnAddress = kTextAddress + 0x40;  // .balign 32
constexpr uint32_t kTimeCodeAddress = kTextAddress + 0x60;

// i386 system call numbers (arch/x86/entry/syscalls/syscall_32.tbl).
enum : uint32_t {
    kNrTime = 13,
    kNrGettimeofday = 78,
    kNrSigreturn = 119,
    kNrRtSigreturn = 173,
    kNrClockGettime = 265,
    kNrClockGetres = 266,
    kNrGetcpu = 318,
    kNrClockGettime64 = 403,
};

struct TextSection {
    uint32_t address = kTextAddress;
    std::vector<uint8_t> bytes;
    std::vector<VdsoSymbol> symbols;
    std::vector<dwarf::Fde> fdes;
    uint32_t sysenter_return = 0;
    uint32_t restart = 0;
};

// Records a function symbol spanning [start, e.here()).
void add_symbol(TextSection& text, const x86::Emitter& e, const char* name, uint32_t start, const char* version);

// __kernel_vsyscall, __kernel_sigreturn, __kernel_rt_sigreturn (ends at kTimeCodeAddress at most).
void emit_gates(x86::Emitter& e, TextSection& text, VdsoVariant variant, VdsoLayout layout);

// The LINUX_2.6 time functions, starting at kTimeCodeAddress.
void emit_time_functions(x86::Emitter& e, TextSection& text);

TextSection build_text(VdsoVariant variant, VdsoLayout layout);

}  // namespace gate386::vdso_detail
