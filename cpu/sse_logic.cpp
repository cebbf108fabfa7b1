// SSE/SSE2 bitwise logic on packed floating-point values: ANDPS ANDNPS ORPS XORPS and the PD
// forms (SDM Vol.1 10.4.3, 11.4.1.5). Pure bit operations: no MXCSR involvement, no exceptions.
#include "cpu/sse_internal.h"

namespace gate386 {
namespace simd {
namespace {

struct And { static __m128i op(__m128i a, __m128i b) { return _mm_and_si128(a, b); } };
struct AndNot { static __m128i op(__m128i a, __m128i b) { return _mm_andnot_si128(a, b); } };
struct Or { static __m128i op(__m128i a, __m128i b) { return _mm_or_si128(a, b); } };
struct Xor { static __m128i op(__m128i a, __m128i b) { return _mm_xor_si128(a, b); } };

template <typename Op> void logic_rr(Cpu& c, const Insn& i) { set_xmm(c, i.r1, Op::op(xmm(c, i.r1), xmm(c, i.r2))); }
template <typename Op> void logic_rm(Cpu& c, const Insn& i) {
    set_xmm(c, i.r1, Op::op(xmm(c, i.r1), load128(c, ea_aligned(c, i))));
}
// XORPS/PXOR of a register with itself: the zeroing idiom, no reads.
void zero_r(Cpu& c, const Insn& i) { set_xmm(c, i.r1, _mm_setzero_si128()); }

template <typename Op> bool sel_logic(const InsnDesc& d, Insn& r) {
    switch (vec_form(d, r)) {
    case Form::XmmXmm:
        r.fn = std::is_same_v<Op, Xor> && r.r1 == r.r2 ? zero_r : logic_rr<Op>;
        return true;
    case Form::XmmMem: r.fn = logic_rm<Op>; return true;
    default: return false;
    }
}

}  // namespace
}  // namespace simd

void register_sse_logic() {
    using namespace simd;
    register_selector(Mn::ANDPS, sel_logic<And>);
    register_selector(Mn::ANDPD, sel_logic<And>);
    register_selector(Mn::ANDNPS, sel_logic<AndNot>);
    register_selector(Mn::ANDNPD, sel_logic<AndNot>);
    register_selector(Mn::ORPS, sel_logic<Or>);
    register_selector(Mn::ORPD, sel_logic<Or>);
    register_selector(Mn::XORPS, sel_logic<Xor>);
    register_selector(Mn::XORPD, sel_logic<Xor>);
}

}  // namespace gate386
