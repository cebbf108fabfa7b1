// Compare-and-exchange and exchange-and-add: CMPXCHG, CMPXCHG8B, XADD (SDM Vol.2A).
//
// LOCK is accepted on the memory forms: gate386 runs one guest thread, so a plain read-modify-write
// is already atomic with respect to the guest. (A LOCK prefix on a register destination is #UD; the
// decoder reports those as invalid before a selector sees them.)
#include "cpu/families.h"
#include "cpu/flags.h"
#include "cpu/insn_desc.h"

namespace gate386 {

namespace {

// The write-back of an unchanged value is architectural (it faults on a read-only page), but to the
// compiler storing the value just loaded from the same place is dead: the empty asm with a memory
// clobber makes the location's contents unknown, so the store stays.
template <typename T> inline void store_always(Cpu& c, uint32_t a, T v) {
    asm volatile("" ::: "memory");
    store<T>(c, a, v);
}

// CMPXCHG r/m, r: compare the accumulator with the destination, flags as CMP acc, dest; equal →
// dest := src, else acc := dest (SDM Vol.2A CMPXCHG).
template <typename T> void cmpxchg_r_r(Cpu& c, const Insn& i) {
    T acc = get_reg<T>(c, 0), dst = get_reg<T>(c, i.r1);
    set_flags_sub<T>(c, acc, dst, T(acc - dst));
    if (acc == dst) set_reg<T>(c, i.r1, get_reg<T>(c, i.r2));
    else set_reg<T>(c, 0, dst);
}
// The memory destination is written in both outcomes ("the destination operand is written back if
// the comparison fails", SDM Vol.2A CMPXCHG), so a read-only page faults either way; the store
// comes before the accumulator update so that a fault leaves the registers untouched.
template <typename T> void cmpxchg_m_r(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    T acc = get_reg<T>(c, 0), dst = load<T>(c, a);
    bool eq = acc == dst;
    store_always<T>(c, a, eq ? get_reg<T>(c, i.r2) : dst);
    set_flags_sub<T>(c, acc, dst, T(acc - dst));
    if (!eq) set_reg<T>(c, 0, dst);
}


// CMPXCHG8B m64: compare EDX:EAX with m64; equal → ZF=1, m64 := ECX:EBX; else ZF=0,
// EDX:EAX := m64. Only ZF changes (SDM Vol.2A CMPXCHG8B). Memory is written in both outcomes.
void cmpxchg8b_m(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    uint64_t m = load<uint64_t>(c, a);
    uint64_t expect = (uint64_t(c.m_regs[kEdx]) << 32) | c.m_regs[kEax];
    bool eq = m == expect;
    store_always<uint64_t>(c, a, eq ? (uint64_t(c.m_regs[kEcx]) << 32) | c.m_regs[kEbx] : m);
    if (!eq) {
        c.m_regs[kEax] = uint32_t(m);
        c.m_regs[kEdx] = uint32_t(m >> 32);
    }
    set_arith_flags(c, (read_arith_flags(c) & ~kFlagZF) | (eq ? kFlagZF : 0));
}

// The register form (mod = 11) is #UD; the decoder already refuses it, and so does this.
bool select_cmpxchg8b(const InsnDesc& d, Insn& rec) {
    if (d.nops < 1 || !is_mem(d.ops[0]) || d.ops[0].bits != 64) return false;
    fill_mem(rec, d.ops[0]);
    rec.fn = cmpxchg8b_m;
    return true;
}

// XADD r/m, r: temp := dest + src; src := dest; dest := temp; flags as ADD (SDM Vol.2A XADD).
// The destination is written last, so `xadd %eax, %eax` doubles EAX.
template <typename T> void xadd_r_r(Cpu& c, const Insn& i) {
    T dst = get_reg<T>(c, i.r1), src = get_reg<T>(c, i.r2);
    T sum = T(dst + src);
    set_flags_add<T>(c, dst, src, sum);
    set_reg<T>(c, i.r2, dst);
    set_reg<T>(c, i.r1, sum);
}
template <typename T> void xadd_m_r(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    T dst = load<T>(c, a), src = get_reg<T>(c, i.r2);
    T sum = T(dst + src);
    store<T>(c, a, sum);   // before the register update: a fault leaves the source register alone
    set_flags_add<T>(c, dst, src, sum);
    set_reg<T>(c, i.r2, dst);
}

// CMPXCHG and XADD share their forms: r/m destination, register source (SDM Vol.2A).
template <typename T> struct CmpxchgForms {
    static constexpr Handler reg = cmpxchg_r_r<T>, mem = cmpxchg_m_r<T>;
};
template <typename T> struct XaddForms {
    static constexpr Handler reg = xadd_r_r<T>, mem = xadd_m_r<T>;
};
template <template <typename> class Forms> bool select_rm_r(const InsnDesc& d, Insn& rec) {
    if (d.nops < 2 || !is_gpr(d.ops[1])) return false;
    const OperandDesc& dst = d.ops[0];
    rec.r2 = d.ops[1].reg_offset;
    bool reg = is_gpr(dst);
    if (reg) rec.r1 = dst.reg_offset;
    else if (is_mem(dst)) fill_mem(rec, dst);
    else return false;
    switch (dst.bits) {
    case 8: rec.fn = reg ? Forms<uint8_t>::reg : Forms<uint8_t>::mem; return true;
    case 16: rec.fn = reg ? Forms<uint16_t>::reg : Forms<uint16_t>::mem; return true;
    case 32: rec.fn = reg ? Forms<uint32_t>::reg : Forms<uint32_t>::mem; return true;
    default: return false;
    }
}

}  // namespace

void register_atomic() {
    register_selector(Mn::CMPXCHG, select_rm_r<CmpxchgForms>);
    register_selector(Mn::CMPXCHG8B, select_cmpxchg8b);
    register_selector(Mn::XADD, select_rm_r<XaddForms>);
}

}  // namespace gate386
