// Bit tests and scans: BT BTS BTR BTC (register and immediate bit offsets, register and memory
// bases, LOCK forms) and BSF BSR (SDM Vol.2A "BT", "BTS", "BTR", "BTC", "BSF", "BSR").
//
// Flags the SDM leaves undefined follow this project's oracle host (AMD EPYC), re-checked by
// tests/unit/test_cpu_bitops.cpp:
//  - BT*: CF = the selected bit; OF SF AF PF (undefined) and ZF (unaffected) keep their values;
//  - BSF/BSR: ZF = (source == 0), PF = parity of the index written, CF OF SF AF = 0; with a zero
//    source the destination is left unchanged (what both Intel and AMD do) and PF = 1.
#include <bit>

#include "cpu/exceptions.h"
#include "cpu/flags.h"
#include "cpu/insn_desc.h"

namespace gate386 {

namespace {

// Operations on the selected bit: return the new operand value (unused for BT).
struct Bt { static constexpr bool writes = false;
    template <typename T> static T op(T v, T) { return v; } };
struct Bts { static constexpr bool writes = true;
    template <typename T> static T op(T v, T m) { return v | m; } };
struct Btr { static constexpr bool writes = true;
    template <typename T> static T op(T v, T m) { return T(v & ~m); } };
struct Btc { static constexpr bool writes = true;
    template <typename T> static T op(T v, T m) { return v ^ m; } };

template <typename Op, typename T> inline T bit_op(Cpu& c, T v, unsigned bit) {
    set_cf(c, (v >> bit) & 1);
    return Op::op(v, T(T(1) << bit));
}

// Register base: the offset (register or immediate) is taken modulo the operand width.
template <typename Op, typename T> void bt_r_r(Cpu& c, const Insn& i) {
    T r = bit_op<Op, T>(c, get_reg<T>(c, i.r1), get_reg<T>(c, i.r2) & (kBits<T> - 1));
    if constexpr (Op::writes) set_reg<T>(c, i.r1, r);
}
template <typename Op, typename T> void bt_r_i(Cpu& c, const Insn& i) {
    T r = bit_op<Op, T>(c, get_reg<T>(c, i.r1), i.imm);
    if constexpr (Op::writes) set_reg<T>(c, i.r1, r);
}
// Memory base with an immediate offset: the offset is masked to the operand width (SDM Vol.2A BT:
// "the immediate bit offset ... is taken modulo the operand size").
template <typename Op, typename T> void bt_m_i(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    T r = bit_op<Op, T>(c, load<T>(c, a), i.imm);
    if constexpr (Op::writes) store<T>(c, a, r);
}
// Memory base with a register offset: the offset is a signed index into a bit string (SDM Vol.2A
// 3.1.1.9, Bit(BitBase, BitOffset), and BT "Description"). The operand-sized word holding the bit is at
// ea + (W/8) * (offset SAR log2(W)), the bit within it is offset mod W — negative offsets reach
// below ea.
template <typename Op, typename T> void bt_m_r(Cpu& c, const Insn& i) {
    using ST = std::make_signed_t<T>;
    int32_t off = int32_t(ST(get_reg<T>(c, i.r2)));
    constexpr unsigned kShift = std::countr_zero(kBits<T>);
    uint32_t a = effective_address(c, i) + uint32_t(off >> kShift) * sizeof(T);
    T r = bit_op<Op, T>(c, load<T>(c, a), uint32_t(off) & (kBits<T> - 1));
    if constexpr (Op::writes) store<T>(c, a, r);
}

template <typename Op, typename T> Handler pick_bt(const OperandDesc& a, const OperandDesc& b, Insn& rec) {
    bool reg = is_gpr(a);
    if (reg) rec.r1 = a.reg_offset;
    else fill_mem(rec, a);
    if (is_imm(b)) {
        rec.imm = b.imm & (kBits<T> - 1);
        return reg ? bt_r_i<Op, T> : bt_m_i<Op, T>;
    }
    rec.r2 = b.reg_offset;
    return reg ? bt_r_r<Op, T> : bt_m_r<Op, T>;
}

template <typename Op> bool select_bt(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    if (!(is_gpr(a) || is_mem(a)) || !(is_gpr(b) || is_imm(b))) return false;
    // LOCK needs a memory destination (SDM Vol.2A LOCK: #UD otherwise; BT is not lockable at all).
    // This interpreter runs one guest thread, so the plain read-modify-write is already atomic.
    if (d.lock && (!Op::writes || !is_mem(a))) { rec.fn = insn_invalid; return true; }
    switch (a.bits) {
    case 16: rec.fn = pick_bt<Op, uint16_t>(a, b, rec); return true;
    case 32: rec.fn = pick_bt<Op, uint32_t>(a, b, rec); return true;
    default: return false;
    }
}

// BSF/BSR: a zero source sets ZF and leaves the destination alone; otherwise the index goes to the
// destination with ZF = 0 and PF from the index (the 0x100 keeps the lazy result non-zero).
inline void set_scan_flags(Cpu& c, uint32_t res) {
    c.m_lf_res = res;
    c.m_lf_aux = 0;
}
struct Bsf { template <typename T> static unsigned index(T v) { return unsigned(std::countr_zero(v)); } };
struct Bsr { template <typename T> static unsigned index(T v) { return kBits<T> - 1 - unsigned(std::countl_zero(v)); } };

template <typename Op, typename T> inline void scan(Cpu& c, const Insn& i, T v) {
    if (v == 0) {
        set_scan_flags(c, 0);
        return;
    }
    unsigned k = Op::index(v);
    set_reg<T>(c, i.r1, T(k));
    set_scan_flags(c, k | 0x100u);
}
template <typename Op, typename T> void scan_r_r(Cpu& c, const Insn& i) { scan<Op, T>(c, i, get_reg<T>(c, i.r2)); }
template <typename Op, typename T> void scan_r_m(Cpu& c, const Insn& i) {
    scan<Op, T>(c, i, load<T>(c, effective_address(c, i)));
}

template <typename Op> bool select_scan(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2 || !is_gpr(d.ops[0])) return false;
    const OperandDesc& b = d.ops[1];
    rec.r1 = d.ops[0].reg_offset;
    bool reg = is_gpr(b);
    if (reg) rec.r2 = b.reg_offset;
    else if (is_mem(b)) fill_mem(rec, b);
    else return false;
    switch (d.ops[0].bits) {
    case 16: rec.fn = reg ? scan_r_r<Op, uint16_t> : scan_r_m<Op, uint16_t>; return true;
    case 32: rec.fn = reg ? scan_r_r<Op, uint32_t> : scan_r_m<Op, uint32_t>; return true;
    default: return false;
    }
}

}  // namespace

void register_bitops() {
    register_selector(Mn::BT, select_bt<Bt>);
    register_selector(Mn::BTS, select_bt<Bts>);
    register_selector(Mn::BTR, select_bt<Btr>);
    register_selector(Mn::BTC, select_bt<Btc>);
    register_selector(Mn::BSF, select_scan<Bsf>);
    register_selector(Mn::BSR, select_scan<Bsr>);
}

}  // namespace gate386
