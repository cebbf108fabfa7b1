// x87 comparison and classification: FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP FICOM FICOMP, FCOMI
// FCOMIP FUCOMI FUCOMIP (which set EFLAGS), FTST FXAM (SDM Vol.1 8.3.7, Vol.2A entries).
#include "cpu/flags.h"
#include "cpu/x87_internal.h"

namespace gate386 {
namespace x87 {
namespace {

GATE386_X87_CMP(host_fcom, "fcom %%st(1)")
GATE386_X87_CMP(host_fucom, "fucom %%st(1)")
GATE386_X87_CMP_MEM(host_fcoms, "fcoms", float)
GATE386_X87_CMP_MEM(host_fcoml, "fcoml", double)
GATE386_X87_CMP_MEM(host_ficoms, "ficoms", int16_t)
GATE386_X87_CMP_MEM(host_ficoml, "ficoml", int32_t)

using CmpFn = uint16_t (*)(f80, f80, uint16_t);

constexpr uint16_t kUnordered = kFswC0 | kFswC2 | kFswC3;

// FCOM/FUCOM ST(i) with 0, 1 or 2 pops.
template <CmpFn Host, int Pops> void fcom_st(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0) || is_empty(x, i.r2)) {
        if (!underflow(x)) return;
        x.sw |= kUnordered;
    } else {
        if (!merge_compare(x, Host(st(x, 0), st(x, i.r2), cw_exact(x)), kFswCond)) return;
    }
    for (int k = 0; k < Pops; k++) pop(x);
}

template <typename T, uint16_t (*Host)(f80, T, uint16_t), bool Pop> void fcom_mem(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    uint32_t a = begin_mem(c, i);
    T m = load<T>(c, a);
    if (is_empty(x, 0)) {
        if (!underflow(x)) return;
        x.sw |= kUnordered;
    } else {
        if (!merge_compare(x, Host(st(x, 0), m, cw_exact(x)), kFswCond)) return;
    }
    if (Pop) pop(x);
}

// FCOMI/FUCOMI: ZF PF CF from the comparison, OF SF AF cleared (SDM Vol.2A FCOMI).
#define GATE386_X87_COMI(name, insn)                                                                \
    static inline uint16_t name(f80 a, f80 b, uint16_t cw, uint32_t& fl) {                          \
        uint16_t sw;                                                                                \
        bool z, p, cf;                                                                              \
        GATE386_X87_EXEC(insn " %%st(1), %%st", ("=a"(sw), "=@ccz"(z), "=@ccp"(p), "=@ccc"(cf)),    \
                         ("t"(a), "u"(b)))                                                          \
        fl = (z ? kFlagZF : 0) | (p ? kFlagPF : 0) | (cf ? kFlagCF : 0);                            \
        return sw;                                                                                  \
    }
GATE386_X87_COMI(host_fcomi, "fcomi")
GATE386_X87_COMI(host_fucomi, "fucomi")
#undef GATE386_X87_COMI

using ComiFn = uint16_t (*)(f80, f80, uint16_t, uint32_t&);

template <ComiFn Host, bool Pop> void fcomi(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    uint32_t fl;
    if (is_empty(x, 0) || is_empty(x, i.r2)) {
        if (!underflow(x)) return;
        fl = kFlagZF | kFlagPF | kFlagCF;
    } else {
        bool pop_ok = merge_compare(x, Host(st(x, 0), st(x, i.r2), cw_exact(x), fl), kFswC1);
        set_arith_flags(c, fl);
        if (Pop && pop_ok) pop(x);
        return;
    }
    set_arith_flags(c, fl);
    if (Pop) pop(x);
}

// FTST compares ST(0) with 0.0.
void ftst(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    if (is_empty(x, 0)) {
        if (underflow(x)) x.sw |= kUnordered;
        return;
    }
    uint16_t sw;
    f80 a = st(x, 0);
    uint16_t cw = cw_exact(x);
    GATE386_X87_EXEC("ftst", ("=a"(sw)), ("t"(a)))
    merge_compare(x, sw, kFswCond);
}

// FXAM classifies ST(0) even when it is empty; the host examines the same bits, and for an empty
// register the host's own register is freed first so that C1 (the sign) comes out as hardware
// reports it for stale contents (SDM Vol.2A FXAM).
void fxam(Cpu& c, const Insn& i) {
    X87State& x = c.m_x87;
    begin(c, i);
    f80 a = st(x, 0);
    uint16_t sw;
    uint16_t cw = cw_premasked(x);
    if (is_empty(x, 0)) {
        asm volatile("fnclex\n\tfldcw %[cw]\n\tfld %%st(0)\n\tffree %%st(0)\n\tfxam\n\tfnstsw %%ax\n\t"
                     "fstp %%st(0)\n\tfnclex\n\tfldcw %[hcw]"
                     : "=a"(sw) : "t"(a), GATE386_X87_CW);
        g_host_cc = sw & kHostCcKept;   // the FSTP of the freed register writes only C1
        g_host_exc = 0;
    } else {
        GATE386_X87_EXEC("fxam", ("=a"(sw)), ("t"(a)))
    }
    x.sw = uint16_t((x.sw & ~kFswCond) | (sw & kFswCond));
}

// ---- selectors --------------------------------------------------------------------------------

template <CmpFn Host, int Pops> bool sel_fcom_st_only(const InsnDesc& d, Insn& r) {
    fill_x87(d, r);
    r.r2 = st_operand(d, 1);
    r.fn = fcom_st<Host, Pops>;
    return true;
}

template <bool Pop> bool sel_fcom(const InsnDesc& d, Insn& r) {
    if (d.nops >= 1 && is_mem(d.ops[0])) {
        fill_x87(d, r);
        fill_mem(r, d.ops[0]);
        switch (d.ops[0].bits) {
        case 32: r.fn = fcom_mem<float, host_fcoms, Pop>; return true;
        case 64: r.fn = fcom_mem<double, host_fcoml, Pop>; return true;
        default: return false;
        }
    }
    return sel_fcom_st_only<host_fcom, Pop ? 1 : 0>(d, r);
}

template <bool Pop> bool sel_ficom(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_mem(d.ops[0])) return false;
    fill_x87(d, r);
    fill_mem(r, d.ops[0]);
    switch (d.ops[0].bits) {
    case 16: r.fn = fcom_mem<int16_t, host_ficoms, Pop>; return true;
    case 32: r.fn = fcom_mem<int32_t, host_ficoml, Pop>; return true;
    default: return false;
    }
}

template <ComiFn Host, bool Pop> bool sel_fcomi(const InsnDesc& d, Insn& r) {
    fill_x87(d, r);
    r.r2 = st_operand(d, 1);
    r.fn = fcomi<Host, Pop>;
    return true;
}

template <Handler H> bool sel_fixed(const InsnDesc& d, Insn& r) {
    fill_x87(d, r);
    r.fn = H;
    return true;
}

}  // namespace
}  // namespace x87

void register_x87_compare() {
    using namespace x87;
    register_selector(Mn::FCOM, sel_fcom<false>);
    register_selector(Mn::FCOMP, sel_fcom<true>);
    register_selector(Mn::FCOMPP, sel_fcom_st_only<host_fcom, 2>);
    register_selector(Mn::FUCOM, sel_fcom_st_only<host_fucom, 0>);
    register_selector(Mn::FUCOMP, sel_fcom_st_only<host_fucom, 1>);
    register_selector(Mn::FUCOMPP, sel_fcom_st_only<host_fucom, 2>);
    register_selector(Mn::FICOM, sel_ficom<false>);
    register_selector(Mn::FICOMP, sel_ficom<true>);
    register_selector(Mn::FCOMI, sel_fcomi<host_fcomi, false>);
    register_selector(Mn::FCOMIP, sel_fcomi<host_fcomi, true>);
    register_selector(Mn::FUCOMI, sel_fcomi<host_fucomi, false>);
    register_selector(Mn::FUCOMIP, sel_fcomi<host_fucomi, true>);
    register_selector(Mn::FTST, sel_fixed<ftst>);
    register_selector(Mn::FXAM, sel_fixed<fxam>);
}

}  // namespace gate386
