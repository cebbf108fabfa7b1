// Integer SIMD arithmetic on MMX registers (SDM Vol.1 9.4) and, with the same selectors, on XMM
// registers (the SSE2 128-bit forms, SDM Vol.1 11.4.3): PADD/PSUB (wrapping and saturating),
// PCMPEQ/PCMPGT, PMULLW/PMULHW/PMULHUW/PMADDWD/PMULUDQ, PAND/PANDN/POR/PXOR, PACK*, PUNPCK*,
// the shifts, PAVG/PMIN/PMAX/PSADBW, and EMMS.
//
// Each operation is written once for 128-bit vectors. An MMX form runs it on the low 64 bits;
// where lanes would mix the halves (packs, high unpacks) the operation gives an explicit 64-bit
// variant `m`.
#include "cpu/sse_internal.h"

namespace gate386 {
namespace simd {
namespace {

#define GATE386_VOP(Name, expr)                                                                     \
    struct Name {                                                                                   \
        static __m128i x(__m128i a, __m128i b) { return expr; }                                     \
    };
GATE386_VOP(PaddB, _mm_add_epi8(a, b))
GATE386_VOP(PaddW, _mm_add_epi16(a, b))
GATE386_VOP(PaddD, _mm_add_epi32(a, b))
GATE386_VOP(PaddQ, _mm_add_epi64(a, b))
GATE386_VOP(PaddSB, _mm_adds_epi8(a, b))
GATE386_VOP(PaddSW, _mm_adds_epi16(a, b))
GATE386_VOP(PaddUSB, _mm_adds_epu8(a, b))
GATE386_VOP(PaddUSW, _mm_adds_epu16(a, b))
GATE386_VOP(PsubB, _mm_sub_epi8(a, b))
GATE386_VOP(PsubW, _mm_sub_epi16(a, b))
GATE386_VOP(PsubD, _mm_sub_epi32(a, b))
GATE386_VOP(PsubQ, _mm_sub_epi64(a, b))
GATE386_VOP(PsubSB, _mm_subs_epi8(a, b))
GATE386_VOP(PsubSW, _mm_subs_epi16(a, b))
GATE386_VOP(PsubUSB, _mm_subs_epu8(a, b))
GATE386_VOP(PsubUSW, _mm_subs_epu16(a, b))
GATE386_VOP(PcmpeqB, _mm_cmpeq_epi8(a, b))
GATE386_VOP(PcmpeqW, _mm_cmpeq_epi16(a, b))
GATE386_VOP(PcmpeqD, _mm_cmpeq_epi32(a, b))
GATE386_VOP(PcmpgtB, _mm_cmpgt_epi8(a, b))
GATE386_VOP(PcmpgtW, _mm_cmpgt_epi16(a, b))
GATE386_VOP(PcmpgtD, _mm_cmpgt_epi32(a, b))
GATE386_VOP(PmullW, _mm_mullo_epi16(a, b))
GATE386_VOP(PmulhW, _mm_mulhi_epi16(a, b))
GATE386_VOP(PmulhUW, _mm_mulhi_epu16(a, b))
GATE386_VOP(PmaddWD, _mm_madd_epi16(a, b))
GATE386_VOP(PmulUDQ, _mm_mul_epu32(a, b))
GATE386_VOP(Pand, _mm_and_si128(a, b))
GATE386_VOP(Pandn, _mm_andnot_si128(a, b))
GATE386_VOP(Por, _mm_or_si128(a, b))
GATE386_VOP(Pxor, _mm_xor_si128(a, b))
GATE386_VOP(PavgB, _mm_avg_epu8(a, b))
GATE386_VOP(PavgW, _mm_avg_epu16(a, b))
GATE386_VOP(PminUB, _mm_min_epu8(a, b))
GATE386_VOP(PmaxUB, _mm_max_epu8(a, b))
GATE386_VOP(PminSW, _mm_min_epi16(a, b))
GATE386_VOP(PmaxSW, _mm_max_epi16(a, b))
GATE386_VOP(PsadBW, _mm_sad_epu8(a, b))
// Shifts: the count is the low 64 bits of b (a register, memory or the immediate).
GATE386_VOP(PsllW, _mm_sll_epi16(a, b))
GATE386_VOP(PsllD, _mm_sll_epi32(a, b))
GATE386_VOP(PsllQ, _mm_sll_epi64(a, b))
GATE386_VOP(PsrlW, _mm_srl_epi16(a, b))
GATE386_VOP(PsrlD, _mm_srl_epi32(a, b))
GATE386_VOP(PsrlQ, _mm_srl_epi64(a, b))
GATE386_VOP(PsraW, _mm_sra_epi16(a, b))
GATE386_VOP(PsraD, _mm_sra_epi32(a, b))
GATE386_VOP(PunpcklBW, _mm_unpacklo_epi8(a, b))
GATE386_VOP(PunpcklWD, _mm_unpacklo_epi16(a, b))
GATE386_VOP(PunpcklDQ, _mm_unpacklo_epi32(a, b))
GATE386_VOP(PunpcklQDQ, _mm_unpacklo_epi64(a, b))
GATE386_VOP(PunpckhQDQ, _mm_unpackhi_epi64(a, b))
#undef GATE386_VOP

// Packs and high unpacks need the MMX halves arranged first.
#define GATE386_VOP2(Name, expr, expr64)                                                            \
    struct Name {                                                                                   \
        static __m128i x(__m128i a, __m128i b) { return expr; }                                     \
        static __m128i m(__m128i a, __m128i b) { return expr64; }                                   \
    };
GATE386_VOP2(PacksSWB, _mm_packs_epi16(a, b), _mm_packs_epi16(_mm_unpacklo_epi64(a, b), a))
GATE386_VOP2(PacksSDW, _mm_packs_epi32(a, b), _mm_packs_epi32(_mm_unpacklo_epi64(a, b), a))
GATE386_VOP2(PackUSWB, _mm_packus_epi16(a, b), _mm_packus_epi16(_mm_unpacklo_epi64(a, b), a))
GATE386_VOP2(PunpckhBW, _mm_unpackhi_epi8(a, b), _mm_srli_si128(_mm_unpacklo_epi8(a, b), 8))
GATE386_VOP2(PunpckhWD, _mm_unpackhi_epi16(a, b), _mm_srli_si128(_mm_unpacklo_epi16(a, b), 8))
GATE386_VOP2(PunpckhDQ, _mm_unpackhi_epi32(a, b), _mm_srli_si128(_mm_unpacklo_epi32(a, b), 8))
#undef GATE386_VOP2

template <typename Op> inline __m128i op64(__m128i a, __m128i b) {
    if constexpr (requires { Op::m(a, b); }) return Op::m(a, b);
    else return Op::x(a, b);
}

template <typename Op> void x_rr(Cpu& c, const Insn& i) { set_xmm(c, i.r1, Op::x(xmm(c, i.r1), xmm(c, i.r2))); }
template <typename Op> void x_rm(Cpu& c, const Insn& i) {
    uint32_t a = ea_aligned(c, i);
    set_xmm(c, i.r1, Op::x(xmm(c, i.r1), load128(c, a)));
}
template <typename Op> void x_ri(Cpu& c, const Insn& i) {
    set_xmm(c, i.r1, Op::x(xmm(c, i.r1), _mm_cvtsi32_si128(int(i.imm))));
}
template <typename Op> void m_rr(Cpu& c, const Insn& i) {
    mmx_enter(c, i);
    set_mm(c, i.r1, lo64(op64<Op>(mm128(c, i.r1), mm128(c, i.r2))));
}
template <typename Op> void m_rm(Cpu& c, const Insn& i) {
    mmx_enter(c, i);
    __m128i b = load64z(c, effective_address(c, i));
    set_mm(c, i.r1, lo64(op64<Op>(mm128(c, i.r1), b)));
}
// PUNPCKL* mm, m32 read four bytes only.
template <typename Op> void m_rm32(Cpu& c, const Insn& i) {
    mmx_enter(c, i);
    __m128i b = load32z(c, effective_address(c, i));
    set_mm(c, i.r1, lo64(op64<Op>(mm128(c, i.r1), b)));
}
template <typename Op> void m_ri(Cpu& c, const Insn& i) {
    mmx_enter(c, i);
    set_mm(c, i.r1, lo64(op64<Op>(mm128(c, i.r1), _mm_cvtsi32_si128(int(i.imm)))));
}

// MmxToo: whether the mnemonic has an MMX form (PADDQ and PMULUDQ have one since SSE2; the
// QDQ unpacks have none).
template <typename Op, bool MmxToo = true> bool sel_int(const InsnDesc& d, Insn& r) {
    switch (vec_form(d, r)) {
    case Form::XmmXmm: r.fn = x_rr<Op>; return true;
    case Form::XmmMem: r.fn = x_rm<Op>; return true;
    case Form::MmMm: if (!MmxToo) return false; r.fn = m_rr<Op>; return true;
    case Form::MmMem:
        if (!MmxToo) return false;
        r.fn = d.ops[1].bits == 32 ? m_rm32<Op> : m_rm<Op>;
        return true;
    case Form::None: break;
    }
    // Shift by an immediate count.
    if (d.nops == 2 && is_imm(d.ops[1])) {
        r.r1 = d.ops[0].reg;
        r.imm = d.ops[1].imm & 0xff;
        if (is_xmm(d.ops[0])) { r.fn = x_ri<Op>; return true; }
        if (MmxToo && is_mmx(d.ops[0])) { r.fn = m_ri<Op>; return true; }
    }
    return false;
}

// EMMS empties every x87 register so that x87 code can follow, and like every MMX instruction
// sets TOP to 0 (SDM Vol.1 Table 9-3; observed on this host).
void emms(Cpu& c, const Insn& i) {
    x87::check_pending(c, i);
    c.m_x87.valid = 0;
    c.m_x87.top = 0;
}

}  // namespace
}  // namespace simd

void register_mmx() {
    using namespace simd;
    register_selector(Mn::PADDB, sel_int<PaddB>);
    register_selector(Mn::PADDW, sel_int<PaddW>);
    register_selector(Mn::PADDD, sel_int<PaddD>);
    register_selector(Mn::PADDQ, sel_int<PaddQ>);
    register_selector(Mn::PADDSB, sel_int<PaddSB>);
    register_selector(Mn::PADDSW, sel_int<PaddSW>);
    register_selector(Mn::PADDUSB, sel_int<PaddUSB>);
    register_selector(Mn::PADDUSW, sel_int<PaddUSW>);
    register_selector(Mn::PSUBB, sel_int<PsubB>);
    register_selector(Mn::PSUBW, sel_int<PsubW>);
    register_selector(Mn::PSUBD, sel_int<PsubD>);
    register_selector(Mn::PSUBQ, sel_int<PsubQ>);
    register_selector(Mn::PSUBSB, sel_int<PsubSB>);
    register_selector(Mn::PSUBSW, sel_int<PsubSW>);
    register_selector(Mn::PSUBUSB, sel_int<PsubUSB>);
    register_selector(Mn::PSUBUSW, sel_int<PsubUSW>);
    register_selector(Mn::PCMPEQB, sel_int<PcmpeqB>);
    register_selector(Mn::PCMPEQW, sel_int<PcmpeqW>);
    register_selector(Mn::PCMPEQD, sel_int<PcmpeqD>);
    register_selector(Mn::PCMPGTB, sel_int<PcmpgtB>);
    register_selector(Mn::PCMPGTW, sel_int<PcmpgtW>);
    register_selector(Mn::PCMPGTD, sel_int<PcmpgtD>);
    register_selector(Mn::PMULLW, sel_int<PmullW>);
    register_selector(Mn::PMULHW, sel_int<PmulhW>);
    register_selector(Mn::PMULHUW, sel_int<PmulhUW>);
    register_selector(Mn::PMADDWD, sel_int<PmaddWD>);
    register_selector(Mn::PMULUDQ, sel_int<PmulUDQ>);
    register_selector(Mn::PAND, sel_int<Pand>);
    register_selector(Mn::PANDN, sel_int<Pandn>);
    register_selector(Mn::POR, sel_int<Por>);
    register_selector(Mn::PXOR, sel_int<Pxor>);
    register_selector(Mn::PAVGB, sel_int<PavgB>);
    register_selector(Mn::PAVGW, sel_int<PavgW>);
    register_selector(Mn::PMINUB, sel_int<PminUB>);
    register_selector(Mn::PMAXUB, sel_int<PmaxUB>);
    register_selector(Mn::PMINSW, sel_int<PminSW>);
    register_selector(Mn::PMAXSW, sel_int<PmaxSW>);
    register_selector(Mn::PSADBW, sel_int<PsadBW>);
    register_selector(Mn::PSLLW, sel_int<PsllW>);
    register_selector(Mn::PSLLD, sel_int<PsllD>);
    register_selector(Mn::PSLLQ, sel_int<PsllQ>);
    register_selector(Mn::PSRLW, sel_int<PsrlW>);
    register_selector(Mn::PSRLD, sel_int<PsrlD>);
    register_selector(Mn::PSRLQ, sel_int<PsrlQ>);
    register_selector(Mn::PSRAW, sel_int<PsraW>);
    register_selector(Mn::PSRAD, sel_int<PsraD>);
    register_selector(Mn::PACKSSWB, sel_int<PacksSWB>);
    register_selector(Mn::PACKSSDW, sel_int<PacksSDW>);
    register_selector(Mn::PACKUSWB, sel_int<PackUSWB>);
    register_selector(Mn::PUNPCKLBW, sel_int<PunpcklBW>);
    register_selector(Mn::PUNPCKLWD, sel_int<PunpcklWD>);
    register_selector(Mn::PUNPCKLDQ, sel_int<PunpcklDQ>);
    register_selector(Mn::PUNPCKHBW, sel_int<PunpckhBW>);
    register_selector(Mn::PUNPCKHWD, sel_int<PunpckhWD>);
    register_selector(Mn::PUNPCKHDQ, sel_int<PunpckhDQ>);
    register_selector(Mn::PUNPCKLQDQ, sel_int<PunpcklQDQ, false>);
    register_selector(Mn::PUNPCKHQDQ, sel_int<PunpckhQDQ, false>);
    register_selector(Mn::EMMS, [](const InsnDesc&, Insn& r) { r.fn = emms; return true; });
}

}  // namespace gate386
