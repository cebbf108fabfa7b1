// Differential harness for instruction-handler unit tests: the same i386 instruction bytes are
//  (1) decoded by gate386's decoder (cpu/decoder.h) and run by the selected handler on a Cpu whose
//      memory is a GuestMemory, and
//  (2) executed natively by this host CPU in 32-bit compatibility mode,
// from the same registers, flags and memory; the tests compare everything that comes out.
//
// Why compatibility mode: the unit tests are an x86-64 program, where the BCD instructions do not
// exist (#UD in 64-bit mode) and where a memory operand would use 64-bit addressing. Linux gives
// every 64-bit process the 32-bit user code segment (__USER32_CS = 0x23) next to its 64-bit one
// (__USER_CS = 0x33), so a far return into 0x23 runs i386 code exactly as a 32-bit process would,
// and a far jump to 0x33 comes back. The code, its stack and the data page live in one mapping
// below 4 GiB at a fixed address; the guest maps its data page at the same address, so register
// values (pointers included) are identical on both sides.
#pragma once
#include <sys/mman.h>

#include <array>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include <doctest.h>

#include "cpu/threading.h"
#include "core/guest_memory.h"
#include "cpu/decoder.h"
#include "cpu/exceptions.h"
#include "cpu/flags.h"
#include "cpu/insn.h"

namespace gate386::cputest {

using Bytes = std::vector<uint8_t>;

// Registers in Cpu::m_regs order (EAX ECX EDX EBX ESP EBP ESI EDI) and EFLAGS. ESP is not used by
// the instructions under test and is not compared.
struct RegState {
    uint32_t r[8] = {};
    uint32_t eflags = 2;
};

constexpr uint32_t kArena = 0x20000000u;        // host mapping (and guest address of the data page)
constexpr uint32_t kArenaSize = 0x5000u;
constexpr uint32_t kEntry64 = kArena;           // 64-bit trampoline
constexpr uint32_t kCode32 = kArena + 0x100;    // 32-bit code: load state, instruction, save state
constexpr uint32_t kState = kArena + 0x800;     // RegState as the 32-bit code sees it
constexpr uint32_t kSaveRsp = kArena + 0x840;   // the 64-bit stack pointer while in 32-bit mode
constexpr uint32_t kStackTop = kArena + 0x2000;
constexpr uint32_t kData = kArena + 0x2000;     // data pages for memory operands
constexpr uint32_t kDataSize = 0x3000u;
constexpr uint32_t kGuestCode = 0x00100000u;    // where the guest copy of the instruction is decoded

class Emitter {
public:
    explicit Emitter(uint8_t* p) : m_p(p) {}
    Emitter& b(std::initializer_list<uint8_t> bytes) { for (uint8_t v : bytes) *m_p++ = v; return *this; }
    Emitter& bytes(const Bytes& v) { for (uint8_t x : v) *m_p++ = x; return *this; }
    Emitter& d32(uint32_t v) { std::memcpy(m_p, &v, 4); m_p += 4; return *this; }
    uint32_t here() const { return uint32_t(reinterpret_cast<uintptr_t>(m_p)); }
private:
    uint8_t* m_p;
};

// Runs i386 instruction bytes on the host CPU in compatibility mode.
class HostCpu {
public:
    HostCpu() {
        void* p = mmap(reinterpret_cast<void*>(uintptr_t(kArena)), kArenaSize,
                       PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p != reinterpret_cast<void*>(uintptr_t(kArena))) {
            std::fprintf(stderr, "test_cpu_oracle: cannot map the compatibility-mode arena at %#x\n", kArena);
            std::abort();
        }
        m_arena = static_cast<uint8_t*>(p);
        Emitter e(m_arena + (kEntry64 - kArena));
        e.b({0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57});   // push rbx rbp r12..r15
        e.b({0x48, 0x89, 0x24, 0x25}).d32(kSaveRsp);                         // mov [kSaveRsp], rsp
        e.b({0x48, 0xc7, 0xc4}).d32(kStackTop - 16);                         // mov rsp, kStackTop-16
        e.b({0x6a, 0x23});                                                   // push 0x23 (__USER32_CS)
        e.b({0x68}).d32(kCode32);                                            // push kCode32
        e.b({0x48, 0xcb});                                                   // retfq: into 32-bit code
        m_ret64 = e.here();
        e.b({0x48, 0x8b, 0x24, 0x25}).d32(kSaveRsp);                         // mov rsp, [kSaveRsp]
        e.b({0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b});   // pop r15..r12 rbp rbx
        e.b({0xc3});                                                         // ret
    }
    HostCpu(const HostCpu&) = delete;
    HostCpu& operator=(const HostCpu&) = delete;

    // Executes `insn` with registers and flags from `s` (ESP excepted) and the data pages from
    // `data` (kDataSize bytes, in and out; nullptr: register-only instruction, pages untouched).
    void run(const Bytes& insn, RegState& s, uint8_t* data) {
        if (insn != m_loaded) load_code(insn);
        std::memcpy(m_arena + (kState - kArena), &s.r[0], 32);
        uint32_t fl = s.eflags | 2;
        std::memcpy(m_arena + (kState - kArena) + 32, &fl, 4);
        if (data) std::memcpy(m_arena + (kData - kArena), data, kDataSize);
        reinterpret_cast<void (*)()>(uintptr_t(kEntry64))();
        uint32_t esp = s.r[kEsp];
        std::memcpy(&s.r[0], m_arena + (kState - kArena), 32);
        s.r[kEsp] = esp;
        std::memcpy(&s.eflags, m_arena + (kState - kArena) + 32, 4);
        if (data) std::memcpy(data, m_arena + (kData - kArena), kDataSize);
    }

private:
    void load_code(const Bytes& insn) {
        Emitter e(m_arena + (kCode32 - kArena));
        e.b({0x8c, 0xd0, 0x8e, 0xd8, 0x8e, 0xc0});   // mov eax, ss; mov ds, eax; mov es, eax
        e.b({0xff, 0x35}).d32(kState + 32);          // push dword [state.eflags]
        e.b({0xa1}).d32(kState + 0);                 // mov eax, [state.eax]
        e.b({0x8b, 0x0d}).d32(kState + 4);           // ecx
        e.b({0x8b, 0x15}).d32(kState + 8);           // edx
        e.b({0x8b, 0x1d}).d32(kState + 12);          // ebx
        e.b({0x8b, 0x2d}).d32(kState + 20);          // ebp
        e.b({0x8b, 0x35}).d32(kState + 24);          // esi
        e.b({0x8b, 0x3d}).d32(kState + 28);          // edi
        e.b({0x9d});                                 // popfd
        e.bytes(insn);                               // the instruction under test
        e.b({0x9c});                                 // pushfd
        e.b({0xa3}).d32(kState + 0);                 // mov [state.eax], eax
        e.b({0x89, 0x0d}).d32(kState + 4);
        e.b({0x89, 0x15}).d32(kState + 8);
        e.b({0x89, 0x1d}).d32(kState + 12);
        e.b({0x89, 0x2d}).d32(kState + 20);
        e.b({0x89, 0x35}).d32(kState + 24);
        e.b({0x89, 0x3d}).d32(kState + 28);
        e.b({0x8f, 0x05}).d32(kState + 32);          // pop dword [state.eflags]
        e.b({0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xc0});   // ds = es = 0, as a 64-bit process has them
        e.b({0xea}).d32(m_ret64).b({0x33, 0x00});    // ljmp 0x33:ret64 (__USER_CS)
        m_loaded = insn;
    }

    uint8_t* m_arena = nullptr;
    uint32_t m_ret64 = 0;
    Bytes m_loaded;
};

// Decodes i386 instruction bytes with gate386's decoder and runs the chosen handler.
class EmuCpu {
public:
    EmuCpu() {
        m_mem.map(kGuestCode, kPageSize, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0);
        m_mem.map(kData, kDataSize, PROT_READ | PROT_WRITE, true, false, -1, 0);
    }

    // The record the decoder builds for the instruction at the start of `insn`.
    Insn decode(const Bytes& insn) {
        std::memset(m_mem.host(kGuestCode), 0x90, 64);
        std::memcpy(m_mem.host(kGuestCode), insn.data(), insn.size());
        DecodeFailure fail;
        DecodedBlock* b = decode_block(m_mem, kGuestCode, fail);
        Insn rec{};
        if (!b) return rec;
        for (uint32_t k = 0; k < b->count; k++)
            if (b->insns[k].eip == kGuestCode) { rec = b->insns[k]; break; }
        free_block(b);
        return rec;
    }

    // Runs a decoded record; returns false when it raised a guest fault (then `fault` says which).
    bool run(const Insn& rec, RegState& s, uint8_t* data, CpuFault* fault = nullptr) {
        m_cpu = std::make_unique<Cpu>();
        Cpu& c = *m_cpu;
        c.m_mem = m_mem.base();
        for (unsigned k = 0; k < 8; k++) c.m_regs[k] = s.r[k];
        set_arith_flags(c, s.eflags);
        if (data) std::memcpy(m_mem.host(kData), data, kDataSize);
        c.m_cur = &rec;
        c.m_eip = rec.eip;
        if (sigsetjmp(c.m_fault_jmp, 0) != 0) {
            if (fault) *fault = c.m_fault;
            copy_out(s, data);   // the state the guest's signal handler would see
            return false;
        }
        unthreaded(rec.fn)(c, rec);
        copy_out(s, data);
        return true;
    }

    GuestMemory& memory() { return m_mem; }

private:
    void copy_out(RegState& s, uint8_t* data) {
        for (unsigned k = 0; k < 8; k++) s.r[k] = m_cpu->m_regs[k];
        s.eflags = read_arith_flags(*m_cpu) | 2;
        if (data) std::memcpy(data, m_mem.host(kData), kDataSize);
    }

    GuestMemory m_mem;
    std::unique_ptr<Cpu> m_cpu;
};

struct Oracle {
    HostCpu host;
    EmuCpu emu;
};
inline Oracle& oracle() {
    static Oracle o;
    return o;
}

// One comparison: the outcome of both sides for the same input.
struct Outcome {
    RegState host, emu;
    bool emu_ok = true;
    bool data_equal = true;
    uint32_t data_diff_at = 0;
};

// Runs `insn` (already decoded into `rec`) from `in` on both sides, with both data windows loaded
// from `data` and compared afterwards; without `data` the instruction must not touch memory.
inline Outcome run_both(const Bytes& insn, const Insn& rec, const RegState& in, const uint8_t* data = nullptr) {
    static std::vector<uint8_t> hd(kDataSize), ed(kDataSize);
    Outcome o;
    o.host = in;
    o.emu = in;
    if (!data) {
        oracle().host.run(insn, o.host, nullptr);
        o.emu_ok = oracle().emu.run(rec, o.emu, nullptr);
        return o;
    }
    std::memcpy(hd.data(), data, kDataSize);
    std::memcpy(ed.data(), data, kDataSize);
    oracle().host.run(insn, o.host, hd.data());
    o.emu_ok = oracle().emu.run(rec, o.emu, ed.data());
    if (std::memcmp(hd.data(), ed.data(), kDataSize) != 0)
        for (uint32_t k = 0; k < kDataSize; k++)
            if (hd[k] != ed[k]) { o.data_equal = false; o.data_diff_at = k; break; }
    return o;
}

// Differences between host and emulator, as text (empty when they agree on everything compared).
// `flag_mask` selects the arithmetic flags compared.
inline std::string diff_text(const Outcome& o, uint32_t flag_mask = kArithFlags) {
    static const char* const names[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    std::string t;
    char buf[160];
    if (!o.emu_ok) return "emulator raised a fault";
    for (unsigned k = 0; k < 8; k++) {
        if (k == kEsp || o.host.r[k] == o.emu.r[k]) continue;
        std::snprintf(buf, sizeof buf, " %s host=%08x emu=%08x", names[k], o.host.r[k], o.emu.r[k]);
        t += buf;
    }
    uint32_t hf = o.host.eflags & flag_mask, ef = o.emu.eflags & flag_mask;
    if (hf != ef) {
        std::snprintf(buf, sizeof buf, " flags host=%03x emu=%03x (diff %03x)", hf, ef, hf ^ ef);
        t += buf;
    }
    if (!o.data_equal) {
        std::snprintf(buf, sizeof buf, " memory differs at data+%#x", o.data_diff_at);
        t += buf;
    }
    return t;
}

inline std::string hex_bytes(const Bytes& b) {
    std::string t;
    char buf[4];
    for (uint8_t x : b) {
        std::snprintf(buf, sizeof buf, "%02x ", x);
        t += buf;
    }
    return t;
}
inline std::string state_text(const RegState& s) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "eax=%08x ecx=%08x edx=%08x ebx=%08x esi=%08x edi=%08x flags=%03x",
                  s.r[0], s.r[1], s.r[2], s.r[3], s.r[6], s.r[7], s.eflags & kArithFlags);
    return std::string(buf);
}

// Decodes `insn` and requires that a family handler (not the SIGILL records) was selected.
inline Insn decode_ok(const Bytes& insn) {
    Insn rec = oracle().emu.decode(insn);
    INFO("insn [ " << hex_bytes(insn) << "]");
    bool selected = rec.fn != nullptr && rec.fn != &insn_unimplemented && rec.fn != &insn_invalid;
    REQUIRE(selected);
    REQUIRE(rec.len == insn.size());
    return rec;
}

// Runs one case on both sides and checks that they agree (one doctest assertion per case).
inline void expect_same(const Bytes& insn, const Insn& rec, const RegState& in, const uint8_t* data = nullptr,
                        uint32_t flag_mask = kArithFlags) {
    Outcome o = run_both(insn, rec, in, data);
    std::string d = diff_text(o, flag_mask);
    CHECK_MESSAGE(d.empty(), "insn [ " << hex_bytes(insn) << "] from " << state_text(in) << ":" << d);
}

// Input flag patterns: all clear, all set, and CF alone / all but CF.
constexpr std::array<uint32_t, 4> kFlagInputs = {0u, kArithFlags, kFlagCF, kArithFlags & ~kFlagCF};

// ModRM helpers (SDM Vol.2A 2.1.5): register form, and [ebx + disp8].
constexpr uint8_t modrm_rr(unsigned reg, unsigned rm) { return uint8_t(0xc0 | (reg << 3) | rm); }
constexpr uint8_t modrm_ebx_d8(unsigned reg) { return uint8_t(0x40 | (reg << 3) | 3); }

}  // namespace gate386::cputest
