// x87 transcendental instructions: FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1
// (SDM Vol.1 8.3.10). They run as the host's own instructions on the same 80-bit values, so the
// results, including the argument-reduction behaviour for huge operands (C2 set, operand left
// unchanged beyond ±2^63), are those of this host's x87.
#include "cpu/x87_internal.h"

namespace gate386 {
namespace x87 {
namespace {

GATE386_X87_UNARY(host_fsin, "fsin")
GATE386_X87_UNARY(host_fcos, "fcos")
GATE386_X87_UNARY(host_f2xm1, "f2xm1")
GATE386_X87_BINARY_POP(host_fpatan, "fpatan")
GATE386_X87_BINARY_POP(host_fyl2x, "fyl2x")
GATE386_X87_BINARY_POP(host_fyl2xp1, "fyl2xp1")

// FPTAN and FSINCOS push a second value unless the operand is out of range (C2 = 1), in which case
// the stack is left as it was; the host sequence duplicates ST(0) in that case so that it always
// ends two deep. Run with kPreMask.
#define GATE386_X87_PUSH2(name, insn)                                                               \
    static inline void name(f80 a, f80& top, f80& below, uint16_t cw, uint16_t& sw) {               \
        asm volatile("fnclex\n\tfldcw %[cw]\n\t" insn "\n\tfnstsw %%ax\n\ttestb $4, %%ah\n\t"       \
                     "jz 1f\n\tfld %%st(0)\n1:\n\tfnclex\n\tfldcw %[hcw]"                           \
                     : "=t"(top), "=u"(below), "=a"(sw) : "0"(a), GATE386_X87_CW);                  \
        g_host_cc = sw & kHostCcKept;                                                               \
        g_host_exc = 0;                                                                             \
    }
GATE386_X87_PUSH2(host_fptan, "fptan")
GATE386_X87_PUSH2(host_fsincos, "fsincos")
#undef GATE386_X87_PUSH2

using UnaryFn = f80 (*)(f80, uint16_t, uint16_t&);
using PopFn = f80 (*)(f80, f80, uint16_t, uint16_t&);
using Push2Fn = void (*)(f80, f80&, f80&, uint16_t, uint16_t&);

// FSIN FCOS F2XM1: ST(0) := f(ST(0)); C2 reports an out-of-range operand, C1 the rounding.
template <UnaryFn Host> void unary(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0)) {
        if (underflow(x)) set_st_raw(x, 0, indefinite());
        return;
    }
    uint16_t hsw;
    f80 r = Host(st(x, 0), cw_exact(x), hsw);
    if (merge(x, hsw, kFswC1 | kFswC2)) set_st(x, 0, r);
}

// FPATAN FYL2X FYL2XP1: ST(1) := f(ST(1), ST(0)), pop.
template <PopFn Host> void binary_pop(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0) || is_empty(x, 1)) {
        if (!underflow(x)) return;
        set_st_raw(x, 1, indefinite());
        pop(x);
        return;
    }
    uint16_t hsw;
    f80 r = Host(st(x, 0), st(x, 1), cw_premasked(x), hsw);
    if (!merge(x, hsw, kFswC1)) return;
    set_st(x, 1, r);
    pop(x);
}

// FPTAN (ST(0) := tan, push 1.0) and FSINCOS (ST(0) := sin, push cos).
template <Push2Fn Host> void push2(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0)) {
        if (!underflow(x)) return;
        set_st_raw(x, 0, indefinite());
        push_raw(x, indefinite());
        return;
    }
    if (push_blocked(x)) { push_raw(x, indefinite()); return; }
    if ((x.valid >> ((x.top - 1) & 7)) & 1) {
        set_st_raw(x, 0, indefinite());
        push_raw(x, indefinite());
        return;
    }
    uint16_t hsw;
    f80 top, below;
    Host(st(x, 0), top, below, cw_premasked(x), hsw);
    if (!merge(x, hsw, kFswC1 | kFswC2)) return;
    if (hsw & kFswC2) return;          // out of range: ST(0) unchanged, nothing pushed
    set_st(x, 0, below);
    push(x, top);
}

template <Handler H> bool sel_fixed(const InsnDesc& d, Insn& r) {
    fill_x87(d, r);
    r.fn = H;
    return true;
}

}  // namespace
}  // namespace x87

void register_x87_transcendental() {
    using namespace x87;
    register_selector(Mn::FSIN, sel_fixed<unary<host_fsin>>);
    register_selector(Mn::FCOS, sel_fixed<unary<host_fcos>>);
    register_selector(Mn::F2XM1, sel_fixed<unary<host_f2xm1>>);
    register_selector(Mn::FPATAN, sel_fixed<binary_pop<host_fpatan>>);
    register_selector(Mn::FYL2X, sel_fixed<binary_pop<host_fyl2x>>);
    register_selector(Mn::FYL2XP1, sel_fixed<binary_pop<host_fyl2xp1>>);
    register_selector(Mn::FPTAN, sel_fixed<push2<host_fptan>>);
    register_selector(Mn::FSINCOS, sel_fixed<push2<host_fsincos>>);
}

}  // namespace gate386
