// SIMD shuffles, unpacks and element moves: SHUFPS SHUFPD UNPCKLPS UNPCKHPS UNPCKLPD UNPCKHPD,
// PSHUFD PSHUFLW PSHUFHW PSHUFW, PSLLDQ PSRLDQ, PEXTRW PINSRW (SDM Vol.1 10.4.4, 10.4.7,
// 11.4.1.6, 11.4.3.4). Data movement only: no MXCSR involvement.
#include "cpu/sse_internal.h"

namespace gate386 {
namespace simd {
namespace {

struct Lanes {
    union {
        uint8_t b[16];
        uint16_t w[8];
        uint32_t d[4];
        uint64_t q[2];
    };
};
inline Lanes lanes(__m128i v) { Lanes l; std::memcpy(l.b, &v, 16); return l; }
inline __m128i vec(const Lanes& l) { __m128i v; std::memcpy(&v, l.b, 16); return v; }

// The second operand of a "register, register-or-m128" form; r2 or memory decided at decode.
template <bool Mem> inline __m128i source(Cpu& c, const Insn& i) {
    return Mem ? load128(c, ea_aligned(c, i)) : xmm(c, i.r2);
}

template <bool Mem> void shufps(Cpu& c, const Insn& i) {
    Lanes a = lanes(xmm(c, i.r1)), b = lanes(source<Mem>(c, i)), r;
    unsigned s = i.imm;
    r.d[0] = a.d[s & 3];
    r.d[1] = a.d[(s >> 2) & 3];
    r.d[2] = b.d[(s >> 4) & 3];
    r.d[3] = b.d[(s >> 6) & 3];
    set_xmm(c, i.r1, vec(r));
}
template <bool Mem> void shufpd(Cpu& c, const Insn& i) {
    Lanes a = lanes(xmm(c, i.r1)), b = lanes(source<Mem>(c, i)), r;
    r.q[0] = a.q[i.imm & 1];
    r.q[1] = b.q[(i.imm >> 1) & 1];
    set_xmm(c, i.r1, vec(r));
}

#define GATE386_UNPCK(name, expr)                                                                 \
    template <bool Mem> void name(Cpu& c, const Insn& i) {                                        \
        __m128i a = xmm(c, i.r1), b = source<Mem>(c, i);                                          \
        set_xmm(c, i.r1, expr);                                                                   \
    }
GATE386_UNPCK(unpcklps, _mm_unpacklo_epi32(a, b))
GATE386_UNPCK(unpckhps, _mm_unpackhi_epi32(a, b))
GATE386_UNPCK(unpcklpd, _mm_unpacklo_epi64(a, b))
GATE386_UNPCK(unpckhpd, _mm_unpackhi_epi64(a, b))
#undef GATE386_UNPCK

template <bool Mem> void pshufd(Cpu& c, const Insn& i) {
    Lanes s = lanes(source<Mem>(c, i)), r;
    for (unsigned k = 0; k < 4; k++) r.d[k] = s.d[(i.imm >> (2 * k)) & 3];
    set_xmm(c, i.r1, vec(r));
}
// PSHUFLW shuffles the low four words (High = false) and copies the high quadword; PSHUFHW the
// other way round.
template <bool Mem, bool High> void pshufxw(Cpu& c, const Insn& i) {
    Lanes s = lanes(source<Mem>(c, i)), r = s;
    unsigned base = High ? 4 : 0;
    for (unsigned k = 0; k < 4; k++) r.w[base + k] = s.w[base + ((i.imm >> (2 * k)) & 3)];
    set_xmm(c, i.r1, vec(r));
}
template <bool Mem> void pshufw(Cpu& c, const Insn& i) {
    mmx_enter(c, i);
    uint64_t v = Mem ? load<uint64_t>(c, effective_address(c, i)) : mm(c, i.r2);
    uint16_t w[4], r[4];
    std::memcpy(w, &v, 8);
    for (unsigned k = 0; k < 4; k++) r[k] = w[(i.imm >> (2 * k)) & 3];
    std::memcpy(&v, r, 8);
    set_mm(c, i.r1, v);
}

// Whole-register byte shifts; counts above 15 clear the register.
template <bool Left> void byte_shift(Cpu& c, const Insn& i) {
    Lanes s = lanes(xmm(c, i.r1)), r;
    unsigned n = i.imm > 16 ? 16 : i.imm;
    for (unsigned k = 0; k < 16; k++) {
        int from = Left ? int(k) - int(n) : int(k + n);
        r.b[k] = from >= 0 && from < 16 ? s.b[from] : 0;
    }
    set_xmm(c, i.r1, vec(r));
}

void pextrw_x(Cpu& c, const Insn& i) { set_reg<uint32_t>(c, i.r1, lanes(xmm(c, i.r2)).w[i.imm & 7]); }
void pextrw_mm(Cpu& c, const Insn& i) {
    mmx_enter(c, i);
    set_reg<uint32_t>(c, i.r1, uint16_t(mm(c, i.r2) >> (16 * (i.imm & 3))));
}
template <bool Mem> void pinsrw_x(Cpu& c, const Insn& i) {
    uint16_t v = Mem ? load<uint16_t>(c, effective_address(c, i)) : get_reg<uint16_t>(c, i.r2);
    std::memcpy(c.m_sse.xmm[i.r1].b + 2 * (i.imm & 7), &v, 2);
}
template <bool Mem> void pinsrw_mm(Cpu& c, const Insn& i) {
    mmx_enter(c, i);
    uint16_t v = Mem ? load<uint16_t>(c, effective_address(c, i)) : get_reg<uint16_t>(c, i.r2);
    unsigned sh = 16 * (i.imm & 3);
    set_mm(c, i.r1, (mm(c, i.r1) & ~(0xffffull << sh)) | (uint64_t(v) << sh));
}

// ---- selectors ----------------------------------------------------------------------------------

// "xmm, xmm/m128 [, imm8]" forms.
template <Handler Rr, Handler Rm> bool sel_xx(const InsnDesc& d, Insn& r) {
    r.imm = imm8_of(d);
    switch (vec_form(d, r)) {
    case Form::XmmXmm: r.fn = Rr; return true;
    case Form::XmmMem: r.fn = Rm; return true;
    default: return false;
    }
}

bool sel_pshufw(const InsnDesc& d, Insn& r) {
    r.imm = imm8_of(d);
    switch (vec_form(d, r)) {
    case Form::MmMm: r.fn = pshufw<false>; return true;
    case Form::MmMem: r.fn = pshufw<true>; return true;
    default: return false;
    }
}

template <bool Left> bool sel_byte_shift(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_xmm(d.ops[0]) || !is_imm(d.ops[1])) return false;
    r.r1 = d.ops[0].reg;
    r.imm = d.ops[1].imm & 0xff;
    r.fn = byte_shift<Left>;
    return true;
}

bool sel_pextrw(const InsnDesc& d, Insn& r) {
    if (d.nops != 3 || !is_gpr32(d.ops[0])) return false;
    r.r1 = d.ops[0].reg_offset;
    r.r2 = d.ops[1].reg;
    r.imm = imm8_of(d);
    if (is_xmm(d.ops[1])) { r.fn = pextrw_x; return true; }
    if (is_mmx(d.ops[1])) { r.fn = pextrw_mm; return true; }
    return false;   // the SSE4.1 memory form is not part of SSE2
}

bool sel_pinsrw(const InsnDesc& d, Insn& r) {
    if (d.nops != 3) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    r.r1 = a.reg;
    r.imm = imm8_of(d);
    bool mem = is_mem(b);
    if (mem) fill_mem(r, b);
    else if (is_gpr(b)) r.r2 = b.reg_offset;
    else return false;
    if (is_xmm(a)) { r.fn = mem ? pinsrw_x<true> : pinsrw_x<false>; return true; }
    if (is_mmx(a)) { r.fn = mem ? pinsrw_mm<true> : pinsrw_mm<false>; return true; }
    return false;
}

}  // namespace
}  // namespace simd

void register_sse_shuffle() {
    using namespace simd;
    register_selector(Mn::SHUFPS, sel_xx<shufps<false>, shufps<true>>);
    register_selector(Mn::SHUFPD, sel_xx<shufpd<false>, shufpd<true>>);
    register_selector(Mn::UNPCKLPS, sel_xx<unpcklps<false>, unpcklps<true>>);
    register_selector(Mn::UNPCKHPS, sel_xx<unpckhps<false>, unpckhps<true>>);
    register_selector(Mn::UNPCKLPD, sel_xx<unpcklpd<false>, unpcklpd<true>>);
    register_selector(Mn::UNPCKHPD, sel_xx<unpckhpd<false>, unpckhpd<true>>);
    register_selector(Mn::PSHUFD, sel_xx<pshufd<false>, pshufd<true>>);
    register_selector(Mn::PSHUFLW, sel_xx<pshufxw<false, false>, pshufxw<true, false>>);
    register_selector(Mn::PSHUFHW, sel_xx<pshufxw<false, true>, pshufxw<true, true>>);
    register_selector(Mn::PSHUFW, sel_pshufw);
    register_selector(Mn::PSLLDQ, sel_byte_shift<true>);
    register_selector(Mn::PSRLDQ, sel_byte_shift<false>);
    register_selector(Mn::PEXTRW, sel_pextrw);
    register_selector(Mn::PINSRW, sel_pinsrw);
}

}  // namespace gate386
