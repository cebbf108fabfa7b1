// x87 basic arithmetic: FADD FSUB FSUBR FMUL FDIV FDIVR with their P and FI forms, FCHS FABS
// FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1 (SDM Vol.1 8.3.5, 8.3.9; Vol.2A entries).
#include "cpu/x87_internal.h"

namespace gate386 {
namespace x87 {
namespace {

// The host runs the ST(0)-destination form with the guest's destination in ST(0) and its source in
// ST(1), so operand roles (which matter for NaN selection, SDM Vol.1 Table 4-7) are preserved for
// every guest form, ST(i) destinations included.
#define GATE386_ARITH_OP(Name, ins, iins)                                                           \
    struct Name {                                                                                   \
        GATE386_X87_BINARY(rr, ins " %%st(1), %%st")                                                \
        GATE386_X87_MEM(m32, ins "s", float)                                                        \
        GATE386_X87_MEM(m64, ins "l", double)                                                       \
        GATE386_X87_MEM(i16, iins "s", int16_t)                                                     \
        GATE386_X87_MEM(i32, iins "l", int32_t)                                                     \
    };
GATE386_ARITH_OP(Add, "fadd", "fiadd")
GATE386_ARITH_OP(Sub, "fsub", "fisub")
GATE386_ARITH_OP(Subr, "fsubr", "fisubr")
GATE386_ARITH_OP(Mul, "fmul", "fimul")
GATE386_ARITH_OP(Div, "fdiv", "fidiv")
GATE386_ARITH_OP(Divr, "fdivr", "fidivr")
#undef GATE386_ARITH_OP

GATE386_X87_UNARY(host_fchs, "fchs")
GATE386_X87_UNARY(host_fabs, "fabs")
GATE386_X87_UNARY(host_fsqrt, "fsqrt")
GATE386_X87_UNARY(host_frndint, "frndint")
GATE386_X87_BINARY(host_fscale, "fscale")
GATE386_X87_BINARY(host_fprem, "fprem")
GATE386_X87_BINARY(host_fprem1, "fprem1")

// FXTRACT pushes: ST(1) := exponent, ST(0) := significand. Run with kPreMask.
inline void host_fxtract(f80 a, f80& sig, f80& exp, uint16_t cw, uint16_t& sw) {
    GATE386_X87_EXEC("fxtract", ("=t"(sig), "=u"(exp), "=a"(sw)), ("0"(a)))
}

using UnaryFn = f80 (*)(f80, uint16_t, uint16_t&);
using BinaryFn = f80 (*)(f80, f80, uint16_t, uint16_t&);

// ST(d) := ST(d) op ST(s), then an optional pop. r1 = d, r2 = s.
template <BinaryFn Host, bool Pop> void arith_st(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, i.r1) || is_empty(x, i.r2)) {
        if (!underflow(x)) return;
        set_st_raw(x, i.r1, indefinite());
        if (Pop) pop(x);
        return;
    }
    uint16_t hsw;
    f80 r = Host(st(x, i.r1), st(x, i.r2), cw_exact(x), hsw);
    if (!merge(x, hsw, kFswC1)) return;
    set_st(x, i.r1, r);
    if (Pop) pop(x);
}

// ST(0) := ST(0) op memory (real or integer).
template <typename T, f80 (*Host)(f80, T, uint16_t, uint16_t&)> void arith_mem(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    uint32_t a = begin_mem(c, i);
    T m = load<T>(c, a);
    if (is_empty(x, 0)) {
        if (underflow(x)) set_st_raw(x, 0, indefinite());
        return;
    }
    uint16_t hsw;
    f80 r = Host(st(x, 0), m, cw_exact(x), hsw);
    if (merge(x, hsw, kFswC1)) set_st(x, 0, r);
}

// ST(0) := op ST(0). `Cc` are the condition codes the instruction defines.
template <UnaryFn Host, uint16_t Cc> void unary(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0)) {
        if (underflow(x)) set_st_raw(x, 0, indefinite());
        return;
    }
    uint16_t hsw;
    f80 r = Host(st(x, 0), cw_exact(x), hsw);
    if (merge(x, hsw, Cc)) set_st(x, 0, r);
}

// ST(0) := ST(0) op ST(1), ST(1) kept (FSCALE; FPREM and FPREM1 set C0 C1 C2 C3).
template <BinaryFn Host, uint16_t Cc> void binary01(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0) || is_empty(x, 1)) {
        if (underflow(x)) set_st_raw(x, 0, indefinite());
        return;
    }
    uint16_t hsw;
    f80 r = Host(st(x, 0), st(x, 1), cw_exact(x), hsw);
    if (merge(x, hsw, Cc)) set_st(x, 0, r);
}

void fxtract(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0)) {
        if (!underflow(x)) return;
        set_st_raw(x, 0, indefinite());
        push_raw(x, indefinite());
        return;
    }
    if (push_blocked(x)) { push_raw(x, indefinite()); return; }   // unmasked overflow: no change
    if ((x.valid >> ((x.top - 1) & 7)) & 1) {                         // masked overflow
        set_st_raw(x, 0, indefinite());
        push_raw(x, indefinite());
        return;
    }
    uint16_t hsw;
    f80 sig, ex;
    host_fxtract(st(x, 0), sig, ex, cw_premasked(x), hsw);
    if (!merge(x, hsw, kFswC1)) return;
    set_st(x, 0, ex);
    push(x, sig);
}

// ---- selectors --------------------------------------------------------------------------------

// FADD-like mnemonics: ST(0) op ST(i), ST(i) op ST(0), ST(0) op m32/m64; the P forms pop.
template <typename Op, bool Pop> bool sel_arith(const InsnDesc& d, Insn& r) {
    fill_x87(d, r);
    if (d.nops == 2 && is_st(d.ops[0]) && is_st(d.ops[1])) {
        r.r1 = st_index(d.ops[0]);
        r.r2 = st_index(d.ops[1]);
        r.fn = arith_st<Op::rr, Pop>;
        return true;
    }
    if (d.nops == 0 && Pop) {   // FADDP with implicit operands: ST(1) := ST(1) op ST(0), pop
        r.r1 = 1;
        r.r2 = 0;
        r.fn = arith_st<Op::rr, Pop>;
        return true;
    }
    if (Pop || d.nops < 1 || !is_mem(d.ops[0])) return false;
    fill_mem(r, d.ops[0]);
    switch (d.ops[0].bits) {
    case 32: r.fn = arith_mem<float, Op::m32>; return true;
    case 64: r.fn = arith_mem<double, Op::m64>; return true;
    default: return false;
    }
}

template <typename Op> bool sel_iarith(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_mem(d.ops[0])) return false;
    fill_x87(d, r);
    fill_mem(r, d.ops[0]);
    switch (d.ops[0].bits) {
    case 16: r.fn = arith_mem<int16_t, Op::i16>; return true;
    case 32: r.fn = arith_mem<int32_t, Op::i32>; return true;
    default: return false;
    }
}

template <Handler H> bool sel_fixed(const InsnDesc& d, Insn& r) {
    fill_x87(d, r);
    r.fn = H;
    return true;
}

}  // namespace
}  // namespace x87

void register_x87_arith() {
    using namespace x87;
    register_selector(Mn::FADD, sel_arith<Add, false>);
    register_selector(Mn::FADDP, sel_arith<Add, true>);
    register_selector(Mn::FSUB, sel_arith<Sub, false>);
    register_selector(Mn::FSUBP, sel_arith<Sub, true>);
    register_selector(Mn::FSUBR, sel_arith<Subr, false>);
    register_selector(Mn::FSUBRP, sel_arith<Subr, true>);
    register_selector(Mn::FMUL, sel_arith<Mul, false>);
    register_selector(Mn::FMULP, sel_arith<Mul, true>);
    register_selector(Mn::FDIV, sel_arith<Div, false>);
    register_selector(Mn::FDIVP, sel_arith<Div, true>);
    register_selector(Mn::FDIVR, sel_arith<Divr, false>);
    register_selector(Mn::FDIVRP, sel_arith<Divr, true>);
    register_selector(Mn::FIADD, sel_iarith<Add>);
    register_selector(Mn::FISUB, sel_iarith<Sub>);
    register_selector(Mn::FISUBR, sel_iarith<Subr>);
    register_selector(Mn::FIMUL, sel_iarith<Mul>);
    register_selector(Mn::FIDIV, sel_iarith<Div>);
    register_selector(Mn::FIDIVR, sel_iarith<Divr>);
    register_selector(Mn::FCHS, sel_fixed<unary<host_fchs, kFswC1>>);
    register_selector(Mn::FABS, sel_fixed<unary<host_fabs, kFswC1>>);
    register_selector(Mn::FSQRT, sel_fixed<unary<host_fsqrt, kFswC1>>);
    register_selector(Mn::FRNDINT, sel_fixed<unary<host_frndint, kFswC1>>);
    register_selector(Mn::FSCALE, sel_fixed<binary01<host_fscale, kFswC1>>);
    register_selector(Mn::FPREM, sel_fixed<binary01<host_fprem, kFswCond>>);
    register_selector(Mn::FPREM1, sel_fixed<binary01<host_fprem1, kFswCond>>);
    register_selector(Mn::FXTRACT, sel_fixed<fxtract>);
}

}  // namespace gate386
