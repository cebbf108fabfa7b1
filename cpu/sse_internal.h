// Shared machinery of the MMX/SSE/SSE2 handlers (mmx.cpp, sse_*.cpp): register access, the MMX
// view of the x87 registers, memory operands with the alignment rule, decode-time operand forms,
// and host execution of SIMD floating-point instructions under the guest's MXCSR.
//
// Floating-point SIMD instructions run as the same host instruction on the same bits: the guest's
// MXCSR (rounding, DAZ, FTZ) is loaded with every exception masked and the flags cleared, the
// instruction runs, the host MXCSR is read back for the flags and restored. The host never traps
// (SSE exceptions are not deferred like x87 ones, SDM Vol.1 11.5.1); an exception the guest did
// not mask is raised here as the #XM the guest would take, before the destination is written.
// Integer SIMD operations have no MXCSR state and are computed with SSE2 intrinsics.
#pragma once
#include <csignal>
#include <cstring>
#include <immintrin.h>

#include "cpu/exceptions.h"
#include "cpu/insn_desc.h"
#include "cpu/x87_internal.h"

namespace gate386::simd {

// ---- registers ----------------------------------------------------------------------------------

inline __m128i xmm(const Cpu& c, unsigned k) {
    return _mm_load_si128(reinterpret_cast<const __m128i*>(c.m_sse.xmm[k].b));
}
inline void set_xmm(Cpu& c, unsigned k, __m128i v) {
    _mm_store_si128(reinterpret_cast<__m128i*>(c.m_sse.xmm[k].b), v);
}

// MMX registers alias the significands of the x87 physical registers. Every MMX instruction
// first reports a pending x87 exception (#MF), then sets TOP to 0 and tags every register valid;
// a write also sets the register's exponent bits to all ones (SDM Vol.1 9.5.1, Table 9-3).
inline void mmx_enter(Cpu& c, const Insn& i) {
    x87::check_pending(c, i);
    c.m_x87.top = 0;
    c.m_x87.valid = 0xff;
}
inline uint64_t mm(const Cpu& c, unsigned k) { return c.m_x87.r[k].mant; }
inline void set_mm(Cpu& c, unsigned k, uint64_t v) {
    c.m_x87.r[k].mant = v;
    c.m_x87.r[k].se = 0xffff;
}
inline __m128i mm128(const Cpu& c, unsigned k) { return _mm_cvtsi64_si128(int64_t(mm(c, k))); }
inline uint64_t lo64(__m128i v) { return uint64_t(_mm_cvtsi128_si64(v)); }

// ---- memory -----------------------------------------------------------------------------------

// #GP, as Linux reports it: SIGSEGV, si_code SI_KERNEL, no address (arch/x86/kernel/traps.c).
[[noreturn]] void gp_fault(Cpu& c);

// Legacy SSE 128-bit memory operands must be 16-byte aligned except for the explicitly unaligned
// moves (SDM Vol.1 11.4.1, 11.6.8).
inline uint32_t ea_aligned(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    if (__builtin_expect(a & 15, 0)) gp_fault(c);
    return a;
}
inline __m128i load128(const Cpu& c, uint32_t a) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(c.m_mem + a));
}
inline void store128(Cpu& c, uint32_t a, __m128i v) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(c.m_mem + a), v);
}
inline __m128i load64z(const Cpu& c, uint32_t a) { return _mm_cvtsi64_si128(int64_t(load<uint64_t>(c, a))); }
inline __m128i load32z(const Cpu& c, uint32_t a) { return _mm_cvtsi32_si128(int(load<uint32_t>(c, a))); }

// ---- MXCSR and host floating-point execution ----------------------------------------------------

inline const uint32_t kHostMxcsr = kMxcsrDefault;   // the x86-64 psABI initial MXCSR

// The MXCSR a host operation runs under: the guest's controls, every exception masked, no flags.
inline uint32_t run_csr(const Cpu& c) { return (c.m_sse.mxcsr | kMxcsrMasks) & ~kMxcsrFlags; }

#define GATE386_SSE_RUN(body) "ldmxcsr %[gcsr]\n\t" body "\n\tstmxcsr %[ocsr]\n\tldmxcsr %[hcsr]"
#define GATE386_SSE_CSR [gcsr] "m"(gcsr), [hcsr] "m"(kHostMxcsr)

// The guest's #XM for an exception it has not masked: the flags are recorded (only the
// pre-computation ones when one of those is unmasked, SDM Vol.1 11.5.2), nothing is written, and
// Linux delivers SIGFPE with the code of the first unmasked flag (fpu__exception_code).
[[noreturn]] void simd_fault(Cpu& c, uint32_t flags);

// Records the flags of a host operation; raises the guest's #XM when one is unmasked.
inline void sse_flags(Cpu& c, uint32_t out_csr) {
    uint32_t f = out_csr & kMxcsrFlags;
    if (__builtin_expect(f & ~(c.m_sse.mxcsr >> 7), 0)) simd_fault(c, f);
    c.m_sse.mxcsr |= f;
}

// One instruction on the host under the guest's MXCSR. With the guest's controls equal to the
// host's defaults (every exception masked, round to nearest, no DAZ/FTZ): LDMXCSR of the default
// (which clears the flags, also any left by gate386's own floating-point code), the instruction,
// STMXCSR; the host keeps its controls and only holds flags nobody reads. Otherwise LDMXCSR with
// the guest's controls, the instruction, STMXCSR, LDMXCSR of the host's value. (Measured on this
// host: LDMXCSR is cheap, STMXCSR is not, so one STMXCSR per instruction is the floor.)
#define GATE386_SSE_EXEC(body, OUTS, INS)                                                           \
    uint32_t out;                                                                                   \
    if (__builtin_expect((c.m_sse.mxcsr & ~kMxcsrFlags) == kMxcsrDefault, 1)) {                     \
        asm volatile("ldmxcsr %[hcsr]\n\t" body "\n\tstmxcsr %[ocsr]"                               \
                     : GATE386_UNPAREN OUTS, [ocsr] "=m"(out)                                       \
                     : GATE386_UNPAREN INS, [hcsr] "m"(kHostMxcsr));                                \
    } else {                                                                                        \
        uint32_t gcsr = run_csr(c);                                                                 \
        asm volatile(GATE386_SSE_RUN(body)                                                          \
                     : GATE386_UNPAREN OUTS, [ocsr] "=m"(out) : GATE386_UNPAREN INS, GATE386_SSE_CSR); \
    }                                                                                               \
    sse_flags(c, out);

// Binary xmm operation: a := a op b, with the host's result and flags.
#define GATE386_SSE_BINARY(name, insn)                                                              \
    static inline __m128i name(Cpu& c, __m128i a, __m128i b) {                                      \
        GATE386_SSE_EXEC(insn " %[b], %[a]", ([a] "+x"(a)), ([b] "x"(b)))                           \
        return a;                                                                                   \
    }

// ---- decode-time operand forms ------------------------------------------------------------------

inline bool is_xmm(const OperandDesc& o) { return is_reg(o) && o.rclass == RegClass::Xmm; }
inline bool is_mmx(const OperandDesc& o) { return is_reg(o) && o.rclass == RegClass::Mmx; }
inline bool is_gpr32(const OperandDesc& o) { return is_reg(o) && o.rclass == RegClass::Gpr32; }

// The usual "register, register-or-memory" shape. r1 = destination register number, r2 = source
// register number (when a register); memory fields filled otherwise.
enum class Form : uint8_t { None, XmmXmm, XmmMem, MmMm, MmMem };
inline Form vec_form(const InsnDesc& d, Insn& r, unsigned first = 0) {
    if (d.nops < first + 2) return Form::None;
    const OperandDesc& a = d.ops[first];
    const OperandDesc& b = d.ops[first + 1];
    if (is_xmm(a)) {
        r.r1 = a.reg;
        if (is_xmm(b)) { r.r2 = b.reg; return Form::XmmXmm; }
        if (is_mem(b)) { fill_mem(r, b); return Form::XmmMem; }
    } else if (is_mmx(a)) {
        r.r1 = a.reg;
        if (is_mmx(b)) { r.r2 = b.reg; return Form::MmMm; }
        if (is_mem(b)) { fill_mem(r, b); return Form::MmMem; }
    }
    return Form::None;
}

inline uint8_t imm8_of(const InsnDesc& d) {
    for (unsigned k = 0; k < d.nops; k++)
        if (is_imm(d.ops[k])) return uint8_t(d.ops[k].imm);
    return 0;
}

}  // namespace gate386::simd
