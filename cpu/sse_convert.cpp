// SSE/SSE2 conversions (SDM Vol.1 10.4.6, 11.4.1.4, Figure 11-8): between packed and scalar
// singles and doubles, doublewords (XMM, MMX, general registers), with MXCSR rounding or
// truncation (the CVTT forms). All run as host instructions under the guest's MXCSR; the
// MMX-register forms run as their XMM counterparts on the same lanes (CVTPI2PS as CVTDQ2PS ...),
// which convert identically, so the host's x87 state is never put into MMX mode.
#include "cpu/sse_internal.h"

namespace gate386 {
namespace simd {
namespace {

// Destination tied: packed conversions overwrite it, scalar ones keep its upper elements.
GATE386_SSE_BINARY(cvtps2pd, "cvtps2pd")
GATE386_SSE_BINARY(cvtpd2ps, "cvtpd2ps")
GATE386_SSE_BINARY(cvtdq2ps, "cvtdq2ps")
GATE386_SSE_BINARY(cvtps2dq, "cvtps2dq")
GATE386_SSE_BINARY(cvttps2dq, "cvttps2dq")
GATE386_SSE_BINARY(cvtdq2pd, "cvtdq2pd")
GATE386_SSE_BINARY(cvtpd2dq, "cvtpd2dq")
GATE386_SSE_BINARY(cvttpd2dq, "cvttpd2dq")
GATE386_SSE_BINARY(cvtss2sd, "cvtss2sd")
GATE386_SSE_BINARY(cvtsd2ss, "cvtsd2ss")

using FpOp = __m128i (*)(Cpu&, __m128i, __m128i);

template <FpOp Op> void cvt_rr(Cpu& c, const Insn& i) { set_xmm(c, i.r1, Op(c, xmm(c, i.r1), xmm(c, i.r2))); }
template <FpOp Op, unsigned Bytes> void cvt_rm(Cpu& c, const Insn& i) {
    __m128i b = Bytes == 16 ? load128(c, ea_aligned(c, i))
              : Bytes == 8  ? load64z(c, effective_address(c, i))
                            : load32z(c, effective_address(c, i));
    set_xmm(c, i.r1, Op(c, xmm(c, i.r1), b));
}
template <FpOp Op, unsigned Bytes> bool sel_cvt(const InsnDesc& d, Insn& r) {
    switch (vec_form(d, r)) {
    case Form::XmmXmm: r.fn = cvt_rr<Op>; return true;
    case Form::XmmMem: r.fn = cvt_rm<Op, Bytes>; return true;
    default: return false;
    }
}

// ---- from a general register or m32 --------------------------------------------------------------

#define GATE386_SSE_FROM_INT(name, insn)                                                            \
    static inline __m128i name(Cpu& c, __m128i a, int32_t v) {                                      \
        GATE386_SSE_EXEC(insn " %[v], %[a]", ([a] "+x"(a)), ([v] "r"(v)))                           \
        return a;                                                                                   \
    }
GATE386_SSE_FROM_INT(cvtsi2ss, "cvtsi2ssl")
GATE386_SSE_FROM_INT(cvtsi2sd, "cvtsi2sdl")
#undef GATE386_SSE_FROM_INT

using FromIntFn = __m128i (*)(Cpu&, __m128i, int32_t);
template <FromIntFn Op> void from_r(Cpu& c, const Insn& i) {
    set_xmm(c, i.r1, Op(c, xmm(c, i.r1), int32_t(get_reg<uint32_t>(c, i.r2))));
}
template <FromIntFn Op> void from_m(Cpu& c, const Insn& i) {
    set_xmm(c, i.r1, Op(c, xmm(c, i.r1), int32_t(load<uint32_t>(c, effective_address(c, i)))));
}
template <FromIntFn Op> bool sel_from_int(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_xmm(d.ops[0])) return false;
    r.r1 = d.ops[0].reg;
    if (is_gpr32(d.ops[1])) { r.r2 = d.ops[1].reg_offset; r.fn = from_r<Op>; return true; }
    if (is_mem(d.ops[1]) && d.ops[1].bits == 32) { fill_mem(r, d.ops[1]); r.fn = from_m<Op>; return true; }
    return false;
}

// ---- to a general register ----------------------------------------------------------------------

#define GATE386_SSE_TO_INT(name, insn)                                                              \
    static inline int32_t name(Cpu& c, __m128i b) {                                                 \
        int32_t r;                                                                                  \
        GATE386_SSE_EXEC(insn " %[b], %[r]", ([r] "=r"(r)), ([b] "x"(b)))                           \
        return r;                                                                                   \
    }
GATE386_SSE_TO_INT(cvtss2si, "cvtss2si")
GATE386_SSE_TO_INT(cvttss2si, "cvttss2si")
GATE386_SSE_TO_INT(cvtsd2si, "cvtsd2si")
GATE386_SSE_TO_INT(cvttsd2si, "cvttsd2si")
#undef GATE386_SSE_TO_INT

using ToIntFn = int32_t (*)(Cpu&, __m128i);
template <ToIntFn Op> void to_r_x(Cpu& c, const Insn& i) { set_reg<uint32_t>(c, i.r1, uint32_t(Op(c, xmm(c, i.r2)))); }
template <ToIntFn Op, unsigned Bytes> void to_r_m(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    set_reg<uint32_t>(c, i.r1, uint32_t(Op(c, Bytes == 8 ? load64z(c, a) : load32z(c, a))));
}
template <ToIntFn Op, unsigned Bytes> bool sel_to_int(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_gpr32(d.ops[0])) return false;
    r.r1 = d.ops[0].reg_offset;
    if (is_xmm(d.ops[1])) { r.r2 = d.ops[1].reg; r.fn = to_r_x<Op>; return true; }
    if (is_mem(d.ops[1])) { fill_mem(r, d.ops[1]); r.fn = to_r_m<Op, Bytes>; return true; }
    return false;
}

// ---- MMX forms ----------------------------------------------------------------------------------

// CVTPI2PS keeps the destination's upper half; CVTPI2PD writes both doubles. An MMX register
// source makes the x87-to-MMX transition (SDM Vol.2A CVTPI2PS, CVTPI2PD).
template <bool MmSrc> inline __m128i pi_source(Cpu& c, const Insn& i) {
    if (MmSrc) {
        mmx_enter(c, i);
        return mm128(c, i.r2);
    }
    return load64z(c, effective_address(c, i));
}
template <bool MmSrc> void cvtpi2ps(Cpu& c, const Insn& i) {
    __m128i src = pi_source<MmSrc>(c, i);
    __m128i r = cvtdq2ps(c, xmm(c, i.r1), src);
    set_xmm(c, i.r1, _mm_unpacklo_epi64(r, _mm_unpackhi_epi64(xmm(c, i.r1), xmm(c, i.r1))));
}
template <bool MmSrc> void cvtpi2pd(Cpu& c, const Insn& i) {
    __m128i src = pi_source<MmSrc>(c, i);
    set_xmm(c, i.r1, cvtdq2pd(c, xmm(c, i.r1), src));
}

// CVT(T)PS2PI and CVT(T)PD2PI write an MMX register. Bytes: the memory operand's size.
template <FpOp Op, unsigned Bytes, bool MemSrc> void to_pi(Cpu& c, const Insn& i) {
    __m128i src;
    if (MemSrc) src = Bytes == 16 ? load128(c, ea_aligned(c, i)) : load64z(c, effective_address(c, i));
    else src = Bytes == 16 ? xmm(c, i.r2) : _mm_move_epi64(xmm(c, i.r2));
    mmx_enter(c, i);
    set_mm(c, i.r1, lo64(Op(c, _mm_setzero_si128(), src)));
}

bool sel_pi2ps(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_xmm(d.ops[0])) return false;
    r.r1 = d.ops[0].reg;
    if (is_mmx(d.ops[1])) { r.r2 = d.ops[1].reg; r.fn = d.mn == Mn::CVTPI2PS ? cvtpi2ps<true> : cvtpi2pd<true>; return true; }
    if (is_mem(d.ops[1])) { fill_mem(r, d.ops[1]); r.fn = d.mn == Mn::CVTPI2PS ? cvtpi2ps<false> : cvtpi2pd<false>; return true; }
    return false;
}

template <FpOp Op, unsigned Bytes> bool sel_to_pi(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_mmx(d.ops[0])) return false;
    r.r1 = d.ops[0].reg;
    if (is_xmm(d.ops[1])) { r.r2 = d.ops[1].reg; r.fn = to_pi<Op, Bytes, false>; return true; }
    if (is_mem(d.ops[1])) { fill_mem(r, d.ops[1]); r.fn = to_pi<Op, Bytes, true>; return true; }
    return false;
}

}  // namespace
}  // namespace simd

void register_sse_convert() {
    using namespace simd;
    register_selector(Mn::CVTPS2PD, sel_cvt<cvtps2pd, 8>);
    register_selector(Mn::CVTPD2PS, sel_cvt<cvtpd2ps, 16>);
    register_selector(Mn::CVTDQ2PS, sel_cvt<cvtdq2ps, 16>);
    register_selector(Mn::CVTPS2DQ, sel_cvt<cvtps2dq, 16>);
    register_selector(Mn::CVTTPS2DQ, sel_cvt<cvttps2dq, 16>);
    register_selector(Mn::CVTDQ2PD, sel_cvt<cvtdq2pd, 8>);
    register_selector(Mn::CVTPD2DQ, sel_cvt<cvtpd2dq, 16>);
    register_selector(Mn::CVTTPD2DQ, sel_cvt<cvttpd2dq, 16>);
    register_selector(Mn::CVTSS2SD, sel_cvt<cvtss2sd, 4>);
    register_selector(Mn::CVTSD2SS, sel_cvt<cvtsd2ss, 8>);
    register_selector(Mn::CVTSI2SS, sel_from_int<cvtsi2ss>);
    register_selector(Mn::CVTSI2SD, sel_from_int<cvtsi2sd>);
    register_selector(Mn::CVTSS2SI, sel_to_int<cvtss2si, 4>);
    register_selector(Mn::CVTTSS2SI, sel_to_int<cvttss2si, 4>);
    register_selector(Mn::CVTSD2SI, sel_to_int<cvtsd2si, 8>);
    register_selector(Mn::CVTTSD2SI, sel_to_int<cvttsd2si, 8>);
    register_selector(Mn::CVTPI2PS, sel_pi2ps);
    register_selector(Mn::CVTPI2PD, sel_pi2ps);
    register_selector(Mn::CVTPS2PI, sel_to_pi<cvtps2dq, 8>);
    register_selector(Mn::CVTTPS2PI, sel_to_pi<cvttps2dq, 8>);
    register_selector(Mn::CVTPD2PI, sel_to_pi<cvtpd2dq, 16>);
    register_selector(Mn::CVTTPD2PI, sel_to_pi<cvttpd2dq, 16>);
}

}  // namespace gate386
