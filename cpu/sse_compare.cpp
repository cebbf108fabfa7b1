// SSE/SSE2 comparisons: CMPPS CMPSS CMPPD CMPSD with the eight predicates, and COMISS UCOMISS
// COMISD UCOMISD, which set ZF PF CF and clear OF SF AF (SDM Vol.1 10.4.2.3, 11.4.1.3).
#include "cpu/flags.h"
#include "cpu/sse_internal.h"

namespace gate386 {
namespace simd {
namespace {

// One host function per (instruction, predicate): the predicate is an immediate of the host
// instruction. Legacy encodings use imm8[2:0] only (SDM Vol.2A CMPPS).
#define GATE386_SSE_CMP(name, insn)                                                                 \
    template <int P> __m128i name(Cpu& c, __m128i a, __m128i b) {                                   \
        GATE386_SSE_EXEC(insn " %[p], %[b], %[a]", ([a] "+x"(a)), ([b] "x"(b), [p] "i"(P)))         \
        return a;                                                                                   \
    }
GATE386_SSE_CMP(cmpps, "cmpps")
GATE386_SSE_CMP(cmpss, "cmpss")
GATE386_SSE_CMP(cmppd, "cmppd")
GATE386_SSE_CMP(cmpsd, "cmpsd")
#undef GATE386_SSE_CMP

using FpOp = __m128i (*)(Cpu&, __m128i, __m128i);

template <FpOp Op> void cmp_rr(Cpu& c, const Insn& i) { set_xmm(c, i.r1, Op(c, xmm(c, i.r1), xmm(c, i.r2))); }
template <FpOp Op, unsigned Bytes> void cmp_rm(Cpu& c, const Insn& i) {
    __m128i b = Bytes == 16 ? load128(c, ea_aligned(c, i))
              : Bytes == 8  ? load64z(c, effective_address(c, i))
                            : load32z(c, effective_address(c, i));
    set_xmm(c, i.r1, Op(c, xmm(c, i.r1), b));
}

template <template <int> class Wrap, int... P> struct Table {
    static constexpr Handler rr[] = {Wrap<P>::rr...};
    static constexpr Handler rm[] = {Wrap<P>::rm...};
};

#define GATE386_CMP_WRAP(Name, fn, bytes)                                                           \
    template <int P> struct Name {                                                                  \
        static constexpr Handler rr = cmp_rr<fn<P>>;                                                \
        static constexpr Handler rm = cmp_rm<fn<P>, bytes>;                                         \
    };
GATE386_CMP_WRAP(CmpPs, cmpps, 16)
GATE386_CMP_WRAP(CmpSs, cmpss, 4)
GATE386_CMP_WRAP(CmpPd, cmppd, 16)
GATE386_CMP_WRAP(CmpSd, cmpsd, 8)
#undef GATE386_CMP_WRAP

template <template <int> class Wrap> bool sel_cmp(const InsnDesc& d, Insn& r) {
    using T = Table<Wrap, 0, 1, 2, 3, 4, 5, 6, 7>;
    unsigned p = imm8_of(d) & 7;
    switch (vec_form(d, r)) {
    case Form::XmmXmm: r.fn = T::rr[p]; return true;
    case Form::XmmMem: r.fn = T::rm[p]; return true;
    default: return false;
    }
}

// COMISS/UCOMISS/COMISD/UCOMISD.
#define GATE386_SSE_COMI(name, insn)                                                                \
    static inline void name(Cpu& c, __m128i a, __m128i b) {                                         \
        bool z, p, cf;                                                                              \
        GATE386_SSE_EXEC(insn " %[b], %[a]", ("=@ccz"(z), "=@ccp"(p), "=@ccc"(cf)),                 \
                         ([a] "x"(a), [b] "x"(b)))                                                  \
        set_arith_flags(c, (z ? kFlagZF : 0) | (p ? kFlagPF : 0) | (cf ? kFlagCF : 0));             \
    }
GATE386_SSE_COMI(comiss, "comiss")
GATE386_SSE_COMI(ucomiss, "ucomiss")
GATE386_SSE_COMI(comisd, "comisd")
GATE386_SSE_COMI(ucomisd, "ucomisd")
#undef GATE386_SSE_COMI

using ComiFn = void (*)(Cpu&, __m128i, __m128i);
template <ComiFn Op> void comi_rr(Cpu& c, const Insn& i) { Op(c, xmm(c, i.r1), xmm(c, i.r2)); }
template <ComiFn Op, unsigned Bytes> void comi_rm(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    Op(c, xmm(c, i.r1), Bytes == 8 ? load64z(c, a) : load32z(c, a));
}

template <ComiFn Op, unsigned Bytes> bool sel_comi(const InsnDesc& d, Insn& r) {
    switch (vec_form(d, r)) {
    case Form::XmmXmm: r.fn = comi_rr<Op>; return true;
    case Form::XmmMem: r.fn = comi_rm<Op, Bytes>; return true;
    default: return false;
    }
}

}  // namespace
}  // namespace simd

void register_sse_compare() {
    using namespace simd;
    register_selector(Mn::CMPPS, sel_cmp<CmpPs>);
    register_selector(Mn::CMPSS, sel_cmp<CmpSs>);
    register_selector(Mn::CMPPD, sel_cmp<CmpPd>);
    register_secondary_selector(Mn::CMPSD, sel_cmp<CmpSd>);   // the SSE2 form; the string form is first
    register_selector(Mn::COMISS, sel_comi<comiss, 4>);
    register_selector(Mn::UCOMISS, sel_comi<ucomiss, 4>);
    register_selector(Mn::COMISD, sel_comi<comisd, 8>);
    register_selector(Mn::UCOMISD, sel_comi<ucomisd, 8>);
}

}  // namespace gate386
