// x87 data transfer: FLD FST FSTP FILD FIST FISTP FISTTP FBLD FBSTP, the constant loads, FXCH,
// FCMOVcc, FFREE FFREEP FINCSTP FDECSTP (SDM Vol.1 8.3.3, 8.3.4, 8.3.6; Vol.2A entries).
#include "cpu/flags.h"
#include "cpu/x87_internal.h"

namespace gate386 {
namespace x87 {
namespace {

GATE386_X87_LOAD(host_flds, "flds", float)
GATE386_X87_LOAD(host_fldl, "fldl", double)
GATE386_X87_LOAD(host_filds, "filds", int16_t)
GATE386_X87_LOAD(host_fildl, "fildl", int32_t)
GATE386_X87_LOAD(host_fildll, "fildll", int64_t)
GATE386_X87_LOAD(host_fbld, "fbld", Bcd80)
GATE386_X87_STORE(host_fsts, "fsts", float)
GATE386_X87_STORE(host_fstl, "fstl", double)
GATE386_X87_STORE(host_fists, "fists", int16_t)
GATE386_X87_STORE(host_fistl, "fistl", int32_t)
GATE386_X87_STORE_POP(host_fistpll, "fistpll", int64_t)
GATE386_X87_STORE_POP(host_fisttps, "fisttps", int16_t)
GATE386_X87_STORE_POP(host_fisttpl, "fisttpl", int32_t)
GATE386_X87_STORE_POP(host_fisttpll, "fisttpll", int64_t)
GATE386_X87_STORE_POP(host_fbstp, "fbstp", Bcd80)
GATE386_X87_CONST(host_fld1, "fld1")
GATE386_X87_CONST(host_fldz, "fldz")
GATE386_X87_CONST(host_fldpi, "fldpi")
GATE386_X87_CONST(host_fldl2e, "fldl2e")
GATE386_X87_CONST(host_fldl2t, "fldl2t")
GATE386_X87_CONST(host_fldlg2, "fldlg2")
GATE386_X87_CONST(host_fldln2, "fldln2")

using LoadFn = f80 (*)(uint16_t, uint16_t&);

// ---- loads ------------------------------------------------------------------------------------

// FLD m32/m64, FILD, FBLD: convert on the host (IE for an SNaN, DE for a denormal source), push.
// A full stack overflows before anything is converted (SDM Vol.2A FLD: #IS).
template <typename T, f80 (*Host)(const T&, uint16_t, uint16_t&)> void fld_mem(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    uint32_t a = begin_mem(c, i);
    T m = load<T>(c, a);
    if ((x.valid >> ((x.top - 1) & 7)) & 1) { push_raw(x, indefinite()); return; }
    uint16_t hsw;
    f80 v = Host(m, cw_premasked(x), hsw);
    if (merge(x, hsw, kFswC1)) push(x, v);
}

// FLD m80: the bits go on the stack unchanged, even an SNaN (SDM Vol.2A FLD).
void fld_m80(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    uint32_t a = begin_mem(c, i);
    F80 v;
    v.mant = load<uint64_t>(c, a);
    v.se = load<uint16_t>(c, a + 8);
    x.sw &= uint16_t(~kFswC1);
    push_raw(x, v);
}

// FLD ST(i): the register is read before TOP moves.
void fld_st(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    x.sw &= uint16_t(~kFswC1);
    if (is_empty(x, i.r2)) {
        if (push_blocked(x)) { push_raw(x, indefinite()); return; }
        if (underflow(x)) push_raw(x, indefinite());
        return;
    }
    push_raw(x, reg(x, i.r2));
}

template <LoadFn Host> void fld_const(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if ((x.valid >> ((x.top - 1) & 7)) & 1) { push_raw(x, indefinite()); return; }
    uint16_t hsw;
    f80 v = Host(cw_exact(x), hsw);
    merge(x, hsw, kFswC1);
    push(x, v);
}

// ---- stores -----------------------------------------------------------------------------------

// ST(0) as the operand of a store; an empty ST(0) underflows and a masked underflow stores the
// indefinite value, converted to the destination format by the host (SDM Vol.1 8.5.1.1).
inline bool store_source(X87State& x, f80& v, bool& was_empty) {
    was_empty = is_empty(x, 0);
    if (!was_empty) { v = st(x, 0); return true; }
    if (!underflow(x)) return false;
    v = to_f80(indefinite());
    return true;
}

// FST/FSTP m32/m64, FIST/FISTP m16/m32: the host rounds under the guest's control word.
template <typename T, void (*Host)(f80, T&, uint16_t, uint16_t&), bool Pop, bool PreMask>
void fst_mem(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    uint32_t a = begin_mem(c, i);
    f80 v;
    bool was_empty;
    if (!store_source(x, v, was_empty)) return;
    T out{};
    uint16_t hsw;
    Host(v, out, PreMask ? cw_premasked(x) : cw_exact(x), hsw);
    if (was_empty) hsw &= uint16_t(~kFswC1);
    if (!merge(x, hsw, kFswC1, true)) return;
    store<T>(c, a, out);
    if (Pop) pop(x);
}

// FSTP m80: a plain copy of the register, no rounding and no numeric exception.
void fstp_m80(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    uint32_t a = begin_mem(c, i);
    F80 v;
    if (is_empty(x, 0)) {
        if (!underflow(x)) return;
        v = indefinite();
    } else {
        v = reg(x, 0);
        x.sw &= uint16_t(~kFswC1);
    }
    store<uint64_t>(c, a, v.mant);
    store<uint16_t>(c, a + 8, v.se);
    pop(x);
}

// FST/FSTP ST(i).
template <bool Pop> void fst_st(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0)) {
        if (!underflow(x)) return;
        set_st_raw(x, i.r1, indefinite());
    } else {
        x.sw &= uint16_t(~kFswC1);
        set_st_raw(x, i.r1, reg(x, 0));
    }
    if (Pop) pop(x);
}

// ---- exchange, conditional move, tags and TOP ---------------------------------------------------

void fxch(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0) || is_empty(x, i.r2)) {
        if (!underflow(x)) return;
        // Masked: empty operands are replaced by the indefinite value first (SDM Vol.2A FXCH).
        if (is_empty(x, 0)) set_st_raw(x, 0, indefinite());
        if (is_empty(x, i.r2)) set_st_raw(x, i.r2, indefinite());
    } else {
        x.sw &= uint16_t(~kFswC1);
    }
    F80 t = reg(x, 0);
    reg(x, 0) = reg(x, i.r2);
    reg(x, i.r2) = t;
}

template <Cond C1, bool Negate> inline bool fcmov_cond(const Cpu& c) {
    return Negate ? !test_cond<C1>(c) : test_cond<C1>(c);
}

// FCMOVcc ST(0), ST(i): the EFLAGS conditions B, E, BE, U and their negations (SDM Vol.2A FCMOVcc).
template <Cond C, bool Negate> void fcmov(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0) || is_empty(x, i.r2)) {
        if (!underflow(x)) return;
        set_st_raw(x, 0, indefinite());
        return;
    }
    x.sw &= uint16_t(~kFswC1);
    if (fcmov_cond<C, Negate>(c)) set_st_raw(x, 0, reg(x, i.r2));
}

template <bool Pop> void ffree(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    x.valid &= uint8_t(~(1u << phys(x, i.r1)));
    if (Pop) pop(x);   // FFREEP: the pop empties ST(0) too
}

template <int Delta> void fincdecstp(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    x.top = uint8_t((x.top + Delta) & 7);
    x.sw &= uint16_t(~kFswC1);
}

// ---- selectors --------------------------------------------------------------------------------

bool sel_fld(const InsnDesc& d, Insn& r) {
    if (d.nops < 1) return false;
    const OperandDesc& o = d.ops[0];
    fill_x87(d, r);
    if (is_st(o)) { r.r2 = st_index(o); r.fn = fld_st; return true; }
    if (!is_mem(o)) return false;
    fill_mem(r, o);
    switch (o.bits) {
    case 32: r.fn = fld_mem<float, host_flds>; return true;
    case 64: r.fn = fld_mem<double, host_fldl>; return true;
    case 80: r.fn = fld_m80; return true;
    default: return false;
    }
}

template <bool Pop> bool sel_fst(const InsnDesc& d, Insn& r) {
    if (d.nops < 1) return false;
    const OperandDesc& o = d.ops[0];
    fill_x87(d, r);
    if (is_st(o)) { r.r1 = st_index(o); r.fn = fst_st<Pop>; return true; }
    if (!is_mem(o)) return false;
    fill_mem(r, o);
    switch (o.bits) {
    case 32: r.fn = fst_mem<float, host_fsts, Pop, false>; return true;
    case 64: r.fn = fst_mem<double, host_fstl, Pop, false>; return true;
    case 80: if (!Pop) return false; r.fn = fstp_m80; return true;
    default: return false;
    }
}

bool sel_fild(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_mem(d.ops[0])) return false;
    fill_x87(d, r);
    fill_mem(r, d.ops[0]);
    switch (d.ops[0].bits) {
    case 16: r.fn = fld_mem<int16_t, host_filds>; return true;
    case 32: r.fn = fld_mem<int32_t, host_fildl>; return true;
    case 64: r.fn = fld_mem<int64_t, host_fildll>; return true;
    default: return false;
    }
}

template <bool Pop> bool sel_fist(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_mem(d.ops[0])) return false;
    fill_x87(d, r);
    fill_mem(r, d.ops[0]);
    switch (d.ops[0].bits) {
    case 16: r.fn = fst_mem<int16_t, host_fists, Pop, false>; return true;
    case 32: r.fn = fst_mem<int32_t, host_fistl, Pop, false>; return true;
    case 64: if (!Pop) return false; r.fn = fst_mem<int64_t, host_fistpll, true, true>; return true;
    default: return false;
    }
}

bool sel_fisttp(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_mem(d.ops[0])) return false;
    fill_x87(d, r);
    fill_mem(r, d.ops[0]);
    switch (d.ops[0].bits) {
    case 16: r.fn = fst_mem<int16_t, host_fisttps, true, true>; return true;
    case 32: r.fn = fst_mem<int32_t, host_fisttpl, true, true>; return true;
    case 64: r.fn = fst_mem<int64_t, host_fisttpll, true, true>; return true;
    default: return false;
    }
}

bool sel_fbld(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_mem(d.ops[0])) return false;
    fill_x87(d, r);
    fill_mem(r, d.ops[0]);
    r.fn = fld_mem<Bcd80, host_fbld>;
    return true;
}

bool sel_fbstp(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_mem(d.ops[0])) return false;
    fill_x87(d, r);
    fill_mem(r, d.ops[0]);
    r.fn = fst_mem<Bcd80, host_fbstp, true, true>;
    return true;
}

template <LoadFn Host> bool sel_const(const InsnDesc& d, Insn& r) {
    fill_x87(d, r);
    r.fn = fld_const<Host>;
    return true;
}

bool sel_fxch(const InsnDesc& d, Insn& r) {
    fill_x87(d, r);
    r.r2 = st_operand(d, 1);
    r.fn = fxch;
    return true;
}

template <Cond C, bool Negate> bool sel_fcmov(const InsnDesc& d, Insn& r) {
    if (d.nops < 2 || !is_st(d.ops[1])) return false;
    fill_x87(d, r);
    r.r2 = st_index(d.ops[1]);
    r.fn = fcmov<C, Negate>;
    return true;
}

template <bool Pop> bool sel_ffree(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_st(d.ops[0])) return false;
    fill_x87(d, r);
    r.r1 = st_index(d.ops[0]);
    r.fn = ffree<Pop>;
    return true;
}

template <int Delta> bool sel_fincdecstp(const InsnDesc& d, Insn& r) {
    fill_x87(d, r);
    r.fn = fincdecstp<Delta>;
    return true;
}

}  // namespace
}  // namespace x87

void register_x87_load_store() {
    using namespace x87;
    register_selector(Mn::FLD, sel_fld);
    register_selector(Mn::FST, sel_fst<false>);
    register_selector(Mn::FSTP, sel_fst<true>);
    register_selector(Mn::FSTPNCE, sel_fst<true>);   // D9 D8+i: an alias of FSTP ST(i)
    register_selector(Mn::FILD, sel_fild);
    register_selector(Mn::FIST, sel_fist<false>);
    register_selector(Mn::FISTP, sel_fist<true>);
    register_selector(Mn::FISTTP, sel_fisttp);
    register_selector(Mn::FBLD, sel_fbld);
    register_selector(Mn::FBSTP, sel_fbstp);
    register_selector(Mn::FLD1, sel_const<host_fld1>);
    register_selector(Mn::FLDZ, sel_const<host_fldz>);
    register_selector(Mn::FLDPI, sel_const<host_fldpi>);
    register_selector(Mn::FLDL2E, sel_const<host_fldl2e>);
    register_selector(Mn::FLDL2T, sel_const<host_fldl2t>);
    register_selector(Mn::FLDLG2, sel_const<host_fldlg2>);
    register_selector(Mn::FLDLN2, sel_const<host_fldln2>);
    register_selector(Mn::FXCH, sel_fxch);
    register_selector(Mn::FCMOVB, sel_fcmov<kB, false>);
    register_selector(Mn::FCMOVE, sel_fcmov<kZ, false>);
    register_selector(Mn::FCMOVBE, sel_fcmov<kBE, false>);
    register_selector(Mn::FCMOVU, sel_fcmov<kP, false>);
    register_selector(Mn::FCMOVNB, sel_fcmov<kB, true>);
    register_selector(Mn::FCMOVNE, sel_fcmov<kZ, true>);
    register_selector(Mn::FCMOVNBE, sel_fcmov<kBE, true>);
    register_selector(Mn::FCMOVNU, sel_fcmov<kP, true>);
    register_selector(Mn::FFREE, sel_ffree<false>);
    register_selector(Mn::FFREEP, sel_ffree<true>);
    register_selector(Mn::FINCSTP, sel_fincdecstp<1>);
    register_selector(Mn::FDECSTP, sel_fincdecstp<-1>);
}

}  // namespace gate386
