// Differential unit-test rig for the x87/MMX/SSE handlers.
//
// FPU_CASE(name, text) assembles the same instruction text twice: as i386 bytes (`.code32`, kept
// as data) that gate386 decodes and executes, and as host x86-64 code that the test runs
// natively. The text addresses its data through %ebx only, so it means the same thing in both
// modes: on the host %ebx points to a buffer below 2 GiB (MAP_32BIT; the 0x67 prefix makes the
// 64-bit form use 32-bit addresses), in the guest to kData. Both buffers start with identical
// inputs; afterwards they must be identical byte for byte, which compares every result the
// text stored (80-bit values, status words, MXCSR, flags) with what this host's FPU produced.
#pragma once
#include <doctest.h>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/mman.h>

#include "cpu/threading.h"
#include "core/guest_memory.h"
#include "cpu/decoder.h"
#include "cpu/insn.h"

// The guest's registers start as zeros; the host's physical registers hold leftovers, which
// FNSAVE/FXSAVE/FXAM and partial writes would show, so the host's are zeroed (eight pushes of +0,
// then FNINIT; XMM0..7 cleared).
#define FPU_ZERO_REGS "fldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfninit\n\t"  \
    "xorps %xmm0, %xmm0\n\txorps %xmm1, %xmm1\n\txorps %xmm2, %xmm2\n\txorps %xmm3, %xmm3\n\t"      \
    "xorps %xmm4, %xmm4\n\txorps %xmm5, %xmm5\n\txorps %xmm6, %xmm6\n\txorps %xmm7, %xmm7\n\t"
#define FPU_CASE(name, text)                                                                        \
    extern "C" void host_##name(void* buf);                                                         \
    extern "C" const uint8_t guest_##name[], guest_##name##_end[];                                  \
    asm(".pushsection .text\n\t.p2align 4\n\t.globl host_" #name "\n\t.type host_" #name            \
        ",@function\nhost_" #name ":\n\tpush %rbx\n\tmov %rdi, %rbx\n\tfninit\n\t" FPU_ZERO_REGS    \
        "pushq $0x1f80\n\tldmxcsr (%rsp)\n\t" text "\n\tfninit\n\tldmxcsr (%rsp)\n\t"               \
        "addq $8, %rsp\n\tpop %rbx\n\tret\n\t.popsection\n"                                         \
        ".pushsection .rodata\n\t.globl guest_" #name "\nguest_" #name ":\n\t.code32\n\t" text      \
        "\n\t.code64\n\t.globl guest_" #name "_end\nguest_" #name "_end:\n\t.popsection");          \
    static const FpuCase case_##name = {#name, host_##name, guest_##name, guest_##name##_end};

struct FpuCase {
    const char* name;
    void (*host)(void*);
    const uint8_t* begin;
    const uint8_t* end;
};

namespace fputest {

constexpr uint32_t kCode = 0x10000;
constexpr uint32_t kData = 0x40000;
constexpr uint32_t kBufSize = 4096;

struct GuestRun {
    bool faulted = false;
    gate386::CpuFault fault;
};

// A guest (memory + CPU); compare() resets the CPU before every run so no state leaks between runs.
struct Rig {
    gate386::GuestMemory mem;
    gate386::Cpu cpu;
    Rig() {
        using namespace gate386;
        REQUIRE(mem.map(kCode, 0x10000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == kCode);
        REQUIRE(mem.map(kData, 0x10000, PROT_READ | PROT_WRITE, true, false, -1, 0) == kData);
        cpu.m_mem = mem.base();
    }
    uint8_t* data() { return mem.host(kData); }

    // Executes [begin, end) at kCode with %ebx = kData. Returns whether it ran to the end.
    GuestRun run(const uint8_t* begin, const uint8_t* end) {
        using namespace gate386;
        size_t n = size_t(end - begin);
        std::memcpy(mem.host(kCode), begin, n);
        mem.host(kCode)[n] = 0xeb;   // jmp . : ends the last block; never executed
        mem.host(kCode)[n + 1] = 0xfe;
        uint32_t stop = kCode + uint32_t(n);
        cpu.m_regs[kEbx] = kData;
        GuestRun res;
        if (sigsetjmp(cpu.m_fault_jmp, 0)) {
            res.faulted = true;
            res.fault = cpu.m_fault;
            cpu.m_event = CpuEvent::None;
            free_block(m_block);   // the fault left the block mid-way
            m_block = nullptr;
            return res;
        }
        uint32_t pc = kCode;
        while (pc != stop) {
            DecodeFailure f;
            DecodedBlock* b = m_block = decode_block(mem, pc, f);
            REQUIRE(b != nullptr);
            for (uint32_t k = 0; k < b->count; k++) {
                const Insn& r = b->insns[k];
                if (r.eip == stop && r.len != 0) { pc = stop; break; }
                cpu.m_cur = &r;
                cpu.m_eip = r.eip + r.len;
                unthreaded(r.fn)(cpu, r);
                pc = r.len ? r.eip + r.len : cpu.m_eip;
            }
            free_block(b);
            m_block = nullptr;
        }
        return res;
    }
    gate386::DecodedBlock* m_block = nullptr;
};

inline uint8_t* host_buffer() {
    static uint8_t* p = [] {
        void* m = mmap(nullptr, kBufSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        REQUIRE(m != MAP_FAILED);
        return static_cast<uint8_t*>(m);
    }();
    return p;
}

inline std::string hex(const uint8_t* p, size_t n) {
    std::string s;
    char b[4];
    for (size_t i = 0; i < n; i++) {
        std::snprintf(b, sizeof b, "%02x", p[i]);
        s += b;
        if (i % 16 == 15) s += ' ';
    }
    return s;
}

// Runs a case on the host and in gate386 from the same input bytes; returns true when the output
// buffers are identical (and reports the first difference otherwise). `ignore` lists byte ranges
// (offset, length) whose contents legitimately differ (instruction/data pointers).
struct Ignore {
    uint32_t off, len;
};
inline bool compare(const FpuCase& c, const uint8_t* input, size_t in_len,
                    std::initializer_list<Ignore> ignore = {}, const char* what = "") {
    uint8_t* hb = host_buffer();
    std::memset(hb, 0xcc, kBufSize);
    std::memcpy(hb, input, in_len);
    c.host(hb);
    static Rig rig;
    rig.cpu = gate386::Cpu{};
    rig.cpu.m_mem = rig.mem.base();
    std::memset(rig.data(), 0xcc, kBufSize);
    std::memcpy(rig.data(), input, in_len);
    GuestRun r = rig.run(c.begin, c.end);
    if (r.faulted) {
        FAIL_CHECK(std::string(c.name) << " " << what << ": guest faulted with signal " << r.fault.signo);
        return false;
    }
    for (const Ignore& g : ignore) {
        std::memset(hb + g.off, 0, g.len);
        std::memset(rig.data() + g.off, 0, g.len);
    }
    if (std::memcmp(hb, rig.data(), kBufSize) == 0) return true;
    size_t k = 0;
    while (hb[k] == rig.data()[k]) k++;
    size_t from = k & ~size_t(15);
    FAIL_CHECK(std::string(c.name) << " " << what << ": differs at byte " << k << "\n  input " << hex(input, in_len)
                      << "\n  host  " << hex(hb + from, 32) << "\n  guest " << hex(rig.data() + from, 32));
    return false;
}

// 80-bit values for operand tables.
struct X80 {
    uint64_t mant;
    uint16_t se;
};
inline void put80(uint8_t* p, X80 v) {
    std::memcpy(p, &v.mant, 8);
    std::memcpy(p + 8, &v.se, 2);
}

// A table of interesting double-extended operands: zeros, normals of every scale, values that
// round differently in each mode, denormals, pseudo-denormals, unnormals, infinities, NaNs.
inline const std::initializer_list<X80>& x80_table() {
    static const std::initializer_list<X80> t = {
        {0, 0x0000},                       // +0
        {0, 0x8000},                       // -0
        {0x8000000000000000ull, 0x3fff},   // 1
        {0x8000000000000000ull, 0xbfff},   // -1
        {0xc000000000000000ull, 0x4000},   // 3
        {0xaaaaaaaaaaaaaaabull, 0x3ffd},   // ~1/3
        {0xc90fdaa22168c235ull, 0x4000},   // pi
        {0xffffffffffffffffull, 0x403e},   // 2^64 - 1
        {0x8000000000000001ull, 0x3fff},   // 1 + ulp
        {0xffffffffffffffffull, 0x7ffe},   // largest finite
        {0x8000000000000000ull, 0x0001},   // smallest normal
        {0x0000000000000001ull, 0x0000},   // smallest denormal
        {0x4000000000000000ull, 0x8000},   // -denormal
        {0x8000000000000000ull, 0x0000},   // pseudo-denormal
        {0x4000000000000000ull, 0x3fff},   // unnormal
        {0x8000000000000000ull, 0x7fff},   // +inf
        {0x8000000000000000ull, 0xffff},   // -inf
        {0xc000000000000000ull, 0x7fff},   // QNaN
        {0xa000000000000000ull, 0xffff},   // SNaN
        {0xc000000000000000ull, 0xffff},   // indefinite
        {0x8a3d70a3d70a3d71ull, 0x4043},   // 1e20-ish
        {0xde0b6b3a76400000ull, 0x403c},   // 1e18
        {0x8000000000000000ull, 0x403f},   // 2^64
        {0xfffffffffffff800ull, 0x3ffe},   // rounds differently to double
        {0x8000000000000400ull, 0x3fff},   // a double-rounding tie
        {0x9c40000000000000ull, 0x400d},   // 20000
        {0xc350000000000000ull, 0xc00e},   // -50000
        {0xb17217f7d1cf79acull, 0x3ffe},   // ln 2
    };
    return t;
}

}  // namespace fputest
