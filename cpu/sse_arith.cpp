// SSE/SSE2 floating-point arithmetic: ADD SUB MUL DIV MIN MAX SQRT in PS/SS/PD/SD forms, RCP and
// RSQRT in PS/SS forms (SDM Vol.1 10.4.2, 11.4.1). Each runs as the host instruction under the
// guest's MXCSR (sse_internal.h), so results, flags, DAZ/FTZ and even the approximations of
// RCPPS/RSQRTPS are this host's.
#include "cpu/sse_internal.h"

namespace gate386 {
namespace simd {

[[noreturn]] void simd_fault(Cpu& c, uint32_t flags) {
    uint32_t unmasked = flags & ~(c.m_sse.mxcsr >> 7) & kMxcsrFlags;
    if (unmasked & (kMxcsrIE | kMxcsrDE | kMxcsrZE)) flags &= kMxcsrIE | kMxcsrDE | kMxcsrZE;
    c.m_sse.mxcsr |= flags;
    uint32_t err = c.m_sse.mxcsr & ~(c.m_sse.mxcsr >> 7) & kMxcsrFlags;
    int code = (err & kMxcsrIE) ? FPE_FLTINV
             : (err & kMxcsrZE) ? FPE_FLTDIV
             : (err & kMxcsrOE) ? FPE_FLTOVF
             : (err & (kMxcsrDE | kMxcsrUE)) ? FPE_FLTUND
             : FPE_FLTRES;
    raise_fault(c, SIGFPE, code, c.m_cur ? c.m_cur->eip : c.m_eip);
}

namespace {

GATE386_SSE_BINARY(addps, "addps")
GATE386_SSE_BINARY(addss, "addss")
GATE386_SSE_BINARY(addpd, "addpd")
GATE386_SSE_BINARY(addsd, "addsd")
GATE386_SSE_BINARY(subps, "subps")
GATE386_SSE_BINARY(subss, "subss")
GATE386_SSE_BINARY(subpd, "subpd")
GATE386_SSE_BINARY(subsd, "subsd")
GATE386_SSE_BINARY(mulps, "mulps")
GATE386_SSE_BINARY(mulss, "mulss")
GATE386_SSE_BINARY(mulpd, "mulpd")
GATE386_SSE_BINARY(mulsd, "mulsd")
GATE386_SSE_BINARY(divps, "divps")
GATE386_SSE_BINARY(divss, "divss")
GATE386_SSE_BINARY(divpd, "divpd")
GATE386_SSE_BINARY(divsd, "divsd")
GATE386_SSE_BINARY(minps, "minps")
GATE386_SSE_BINARY(minss, "minss")
GATE386_SSE_BINARY(minpd, "minpd")
GATE386_SSE_BINARY(minsd, "minsd")
GATE386_SSE_BINARY(maxps, "maxps")
GATE386_SSE_BINARY(maxss, "maxss")
GATE386_SSE_BINARY(maxpd, "maxpd")
GATE386_SSE_BINARY(maxsd, "maxsd")
// The unary ones write the destination from the source; the scalar forms keep the destination's
// upper elements, which the host instruction does the same way with the destination tied.
GATE386_SSE_BINARY(sqrtps, "sqrtps")
GATE386_SSE_BINARY(sqrtss, "sqrtss")
GATE386_SSE_BINARY(sqrtpd, "sqrtpd")
GATE386_SSE_BINARY(sqrtsd, "sqrtsd")
GATE386_SSE_BINARY(rcpps, "rcpps")
GATE386_SSE_BINARY(rcpss, "rcpss")
GATE386_SSE_BINARY(rsqrtps, "rsqrtps")
GATE386_SSE_BINARY(rsqrtss, "rsqrtss")

using FpOp = __m128i (*)(Cpu&, __m128i, __m128i);

template <FpOp Op> void fp_rr(Cpu& c, const Insn& i) { set_xmm(c, i.r1, Op(c, xmm(c, i.r1), xmm(c, i.r2))); }
// Bytes: the memory operand's size: 16 (aligned), 8 or 4 (scalar).
template <FpOp Op, unsigned Bytes> void fp_rm(Cpu& c, const Insn& i) {
    __m128i b = Bytes == 16 ? load128(c, ea_aligned(c, i))
              : Bytes == 8  ? load64z(c, effective_address(c, i))
                            : load32z(c, effective_address(c, i));
    set_xmm(c, i.r1, Op(c, xmm(c, i.r1), b));
}

template <FpOp Op, unsigned Bytes> bool sel_fp(const InsnDesc& d, Insn& r) {
    switch (vec_form(d, r)) {
    case Form::XmmXmm: r.fn = fp_rr<Op>; return true;
    case Form::XmmMem: r.fn = fp_rm<Op, Bytes>; return true;
    default: return false;
    }
}

}  // namespace
}  // namespace simd

void register_sse_arith() {
    using namespace simd;
    register_selector(Mn::ADDPS, sel_fp<addps, 16>);
    register_selector(Mn::ADDSS, sel_fp<addss, 4>);
    register_selector(Mn::ADDPD, sel_fp<addpd, 16>);
    register_selector(Mn::ADDSD, sel_fp<addsd, 8>);
    register_selector(Mn::SUBPS, sel_fp<subps, 16>);
    register_selector(Mn::SUBSS, sel_fp<subss, 4>);
    register_selector(Mn::SUBPD, sel_fp<subpd, 16>);
    register_selector(Mn::SUBSD, sel_fp<subsd, 8>);
    register_selector(Mn::MULPS, sel_fp<mulps, 16>);
    register_selector(Mn::MULSS, sel_fp<mulss, 4>);
    register_selector(Mn::MULPD, sel_fp<mulpd, 16>);
    register_selector(Mn::MULSD, sel_fp<mulsd, 8>);
    register_selector(Mn::DIVPS, sel_fp<divps, 16>);
    register_selector(Mn::DIVSS, sel_fp<divss, 4>);
    register_selector(Mn::DIVPD, sel_fp<divpd, 16>);
    register_selector(Mn::DIVSD, sel_fp<divsd, 8>);
    register_selector(Mn::MINPS, sel_fp<minps, 16>);
    register_selector(Mn::MINSS, sel_fp<minss, 4>);
    register_selector(Mn::MINPD, sel_fp<minpd, 16>);
    register_selector(Mn::MINSD, sel_fp<minsd, 8>);
    register_selector(Mn::MAXPS, sel_fp<maxps, 16>);
    register_selector(Mn::MAXSS, sel_fp<maxss, 4>);
    register_selector(Mn::MAXPD, sel_fp<maxpd, 16>);
    register_selector(Mn::MAXSD, sel_fp<maxsd, 8>);
    register_selector(Mn::SQRTPS, sel_fp<sqrtps, 16>);
    register_selector(Mn::SQRTSS, sel_fp<sqrtss, 4>);
    register_selector(Mn::SQRTPD, sel_fp<sqrtpd, 16>);
    register_selector(Mn::SQRTSD, sel_fp<sqrtsd, 8>);
    register_selector(Mn::RCPPS, sel_fp<rcpps, 16>);
    register_selector(Mn::RCPSS, sel_fp<rcpss, 4>);
    register_selector(Mn::RSQRTPS, sel_fp<rsqrtps, 16>);
    register_selector(Mn::RSQRTSS, sel_fp<rsqrtss, 4>);
}

}  // namespace gate386
