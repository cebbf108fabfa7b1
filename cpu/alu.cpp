// Two-operand integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST, and the one-operand
// INC DEC NEG NOT (SDM Vol.2). Handlers are templates over (operation × operand form × width).
#include "cpu/ea_forms.h"
#include "cpu/fixed_regs.h"
#include "cpu/flag_liveness.h"
#include "cpu/flags.h"
#include "cpu/insn_desc.h"
#include "cpu/threading.h"

namespace gate386 {

namespace {

// Operations: compute the result and, when F, set the lazy flags. `writes` is false for CMP and
// TEST. F is false in the twins chosen when the flags are dead (flag_liveness.h).
struct Add { static constexpr bool writes = true;
    template <bool F, typename T> static T op(Cpu& c, T a, T b) {
        T r = T(a + b); if constexpr (F) set_flags_add(c, a, b, r); return r; } };
struct Adc { static constexpr bool writes = true;
    template <bool F, typename T> static T op(Cpu& c, T a, T b) {
        T r = T(a + b + T(flag_cf(c))); if constexpr (F) set_flags_add(c, a, b, r); return r; } };
struct Sub { static constexpr bool writes = true;
    template <bool F, typename T> static T op(Cpu& c, T a, T b) {
        T r = T(a - b); if constexpr (F) set_flags_sub(c, a, b, r); return r; } };
struct Sbb { static constexpr bool writes = true;
    template <bool F, typename T> static T op(Cpu& c, T a, T b) {
        T r = T(a - b - T(flag_cf(c))); if constexpr (F) set_flags_sub(c, a, b, r); return r; } };
struct Cmp { static constexpr bool writes = false;
    template <bool F, typename T> static T op(Cpu& c, T a, T b) {
        T r = T(a - b); if constexpr (F) set_flags_sub(c, a, b, r); return r; } };
struct And { static constexpr bool writes = true;
    template <bool F, typename T> static T op(Cpu& c, T a, T b) {
        T r = a & b; if constexpr (F) set_flags_logic(c, r); return r; } };
struct Or { static constexpr bool writes = true;
    template <bool F, typename T> static T op(Cpu& c, T a, T b) {
        T r = a | b; if constexpr (F) set_flags_logic(c, r); return r; } };
struct Xor { static constexpr bool writes = true;
    template <bool F, typename T> static T op(Cpu& c, T a, T b) {
        T r = a ^ b; if constexpr (F) set_flags_logic(c, r); return r; } };
struct Test { static constexpr bool writes = false;
    template <bool F, typename T> static T op(Cpu& c, T a, T b) {
        T r = a & b; if constexpr (F) set_flags_logic(c, r); return r; } };

// Forms: destination first. r = register (byte offset in r1/r2), m = memory, i = immediate.
// R says where the register operands are: the record, or constants in a fixed-register twin.
template <typename Op, typename T, bool F = true, typename R = RegsFromRecord> void alu_r_r(Cpu& c, const Insn& i) {
    T r = Op::template op<F>(c, get_reg<T>(c, R::r1(i)), get_reg<T>(c, R::r2(i)));
    if constexpr (Op::writes) set_reg<T>(c, R::r1(i), r);
}
template <typename Op, typename T, bool F = true, Ea E = Ea::Full, typename R = RegsFromRecord>
void alu_r_m(Cpu& c, const Insn& i) {
    T r = Op::template op<F>(c, get_reg<T>(c, R::r1(i)), load<T>(c, ea<E, R>(c, i)));
    if constexpr (Op::writes) set_reg<T>(c, R::r1(i), r);
}
template <typename Op, typename T, bool F = true, Ea E = Ea::Full> void alu_m_r(Cpu& c, const Insn& i) {
    uint32_t a = ea<E>(c, i);
    T r = Op::template op<F>(c, load<T>(c, a), get_reg<T>(c, i.r1));
    if constexpr (Op::writes) store<T>(c, a, r);
}
template <typename Op, typename T, bool F = true, typename R = RegsFromRecord> void alu_r_i(Cpu& c, const Insn& i) {
    T r = Op::template op<F>(c, get_reg<T>(c, R::r1(i)), T(i.imm));
    if constexpr (Op::writes) set_reg<T>(c, R::r1(i), r);
}
template <typename Op, typename T, bool F = true, Ea E = Ea::Full> void alu_m_i(Cpu& c, const Insn& i) {
    uint32_t a = ea<E>(c, i);
    T r = Op::template op<F>(c, load<T>(c, a), T(i.imm));
    if constexpr (Op::writes) store<T>(c, a, r);
}
// xor r,r and sub r,r: the common zeroing idioms need no reads.
template <typename T, bool F = true> void alu_zero_r(Cpu& c, const Insn& i) {
    set_reg<T>(c, i.r1, 0);
    if constexpr (F) set_flags_logic<T>(c, 0);
}

template <typename Op, typename T> Handler pick_form(const InsnDesc& d, Insn& rec) {
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    if (is_gpr(a) && is_gpr(b)) {
        rec.r1 = a.reg_offset; rec.r2 = b.reg_offset;
        return alu_r_r<Op, T>;
    }
    if (is_gpr(a) && is_mem(b)) { rec.r1 = a.reg_offset; fill_mem(rec, b); return alu_r_m<Op, T>; }
    if (is_mem(a) && is_gpr(b)) { rec.r1 = b.reg_offset; fill_mem(rec, a); return alu_m_r<Op, T>; }
    if (is_gpr(a) && is_imm(b)) { rec.r1 = a.reg_offset; rec.imm = b.imm; return alu_r_i<Op, T>; }
    if (is_mem(a) && is_imm(b)) { fill_mem(rec, a); rec.imm = b.imm; return alu_m_i<Op, T>; }
    return nullptr;
}

template <typename Op> bool select_alu(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2) return false;
    // LOCK on a memory destination: this interpreter runs one guest thread, so the plain
    // read-modify-write is already atomic with respect to the guest.
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    if ((std::is_same_v<Op, Xor> || std::is_same_v<Op, Sub>) && is_gpr(a) && is_gpr(b) &&
        a.reg_offset == b.reg_offset) {
        rec.r1 = a.reg_offset;
        rec.fn = a.bits == 8 ? alu_zero_r<uint8_t> : a.bits == 16 ? alu_zero_r<uint16_t> : alu_zero_r<uint32_t>;
        return true;
    }
    switch (a.bits) {
    case 8: rec.fn = pick_form<Op, uint8_t>(d, rec); break;
    case 16: rec.fn = pick_form<Op, uint16_t>(d, rec); break;
    case 32: rec.fn = pick_form<Op, uint32_t>(d, rec); break;
    default: return false;
    }
    return rec.fn != nullptr;
}

// INC and DEC leave CF alone (SDM Vol.2A INC): carry the old CF into the new aux word.
template <typename T> inline T do_inc(Cpu& c, T a) {
    bool cf = flag_cf(c);
    T r = T(a + 1);
    set_flags_add<T>(c, a, 1, r);
    set_cf_of(c, cf, flag_of(c));
    return r;
}
template <typename T> inline T do_dec(Cpu& c, T a) {
    bool cf = flag_cf(c);
    T r = T(a - 1);
    set_flags_sub<T>(c, a, 1, r);
    set_cf_of(c, cf, flag_of(c));
    return r;
}
template <typename T> inline T do_neg(Cpu& c, T a) {
    T r = T(0 - a);
    set_flags_sub<T>(c, 0, a, r);
    return r;
}

struct IncOp { template <bool F, typename T> static T op(Cpu& c, T a) { return F ? do_inc(c, a) : T(a + 1); } };
struct DecOp { template <bool F, typename T> static T op(Cpu& c, T a) { return F ? do_dec(c, a) : T(a - 1); } };
struct NegOp { template <bool F, typename T> static T op(Cpu& c, T a) { return F ? do_neg(c, a) : T(0 - a); } };
struct NotOp { template <bool, typename T> static T op(Cpu&, T a) { return T(~a); } };  // no flags

template <typename Op, typename T, bool F = true, typename R = RegsFromRecord> void unary_r(Cpu& c, const Insn& i) {
    set_reg<T>(c, R::r1(i), Op::template op<F>(c, get_reg<T>(c, R::r1(i))));
}
template <typename Op, typename T, bool F = true> void unary_m(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    store<T>(c, a, Op::template op<F>(c, load<T>(c, a)));
}

template <typename Op> bool select_unary(const InsnDesc& d, Insn& rec) {
    if (d.nops != 1) return false;
    const OperandDesc& a = d.ops[0];
    bool reg = is_gpr(a);
    if (reg) rec.r1 = a.reg_offset;
    else if (is_mem(a)) fill_mem(rec, a);
    else return false;
    switch (a.bits) {
    case 8: rec.fn = reg ? unary_r<Op, uint8_t> : unary_m<Op, uint8_t>; return true;
    case 16: rec.fn = reg ? unary_r<Op, uint16_t> : unary_m<Op, uint16_t>; return true;
    case 32: rec.fn = reg ? unary_r<Op, uint32_t> : unary_m<Op, uint32_t>; return true;
    default: return false;
    }
}

template <typename Op, typename T, bool F> void register_base_disp_forms() {
    register_threaded_handlers<alu_r_m<Op, T, F, Ea::BaseDisp>, alu_m_r<Op, T, F, Ea::BaseDisp>,
                               alu_m_i<Op, T, F, Ea::BaseDisp>>();
    register_base_disp_twin(alu_r_m<Op, T, F>, alu_r_m<Op, T, F, Ea::BaseDisp>);
    register_base_disp_twin(alu_m_r<Op, T, F>, alu_m_r<Op, T, F, Ea::BaseDisp>);
    register_base_disp_twin(alu_m_i<Op, T, F>, alu_m_i<Op, T, F, Ea::BaseDisp>);
    register_threaded_handlers<alu_r_m<Op, T, F, Ea::BaseIndex>>();
    register_base_index_twin(alu_r_m<Op, T, F>, alu_r_m<Op, T, F, Ea::BaseIndex>);
}
template <typename Op, typename T> void register_twins() {
    register_base_disp_forms<Op, T, true>();
    register_base_disp_forms<Op, T, false>();
    register_pure_handlers<alu_r_r<Op, T>, alu_r_r<Op, T, false>, alu_r_i<Op, T>, alu_r_i<Op, T, false>>();
    register_threaded_handlers<alu_r_m<Op, T>, alu_r_m<Op, T, false>, alu_m_r<Op, T>, alu_m_r<Op, T, false>,
                               alu_m_i<Op, T>, alu_m_i<Op, T, false>>();
    register_flagless_twin(alu_r_r<Op, T>, alu_r_r<Op, T, false>);
    register_flagless_twin(alu_r_m<Op, T>, alu_r_m<Op, T, false>);
    register_flagless_twin(alu_m_r<Op, T>, alu_m_r<Op, T, false>);
    register_flagless_twin(alu_r_i<Op, T>, alu_r_i<Op, T, false>);
    register_flagless_twin(alu_m_i<Op, T>, alu_m_i<Op, T, false>);
}
template <typename Op> void register_twins_all_widths() {
    register_twins<Op, uint8_t>();
    register_twins<Op, uint16_t>();
    register_twins<Op, uint32_t>();
}
template <typename Op, typename T> void register_unary_twins() {
    register_pure_handlers<unary_r<Op, T>, unary_r<Op, T, false>>();
    register_threaded_handlers<unary_m<Op, T>, unary_m<Op, T, false>>();
    register_flagless_twin(unary_r<Op, T>, unary_r<Op, T, false>);
    register_flagless_twin(unary_m<Op, T>, unary_m<Op, T, false>);
}
template <typename Op> void register_unary_twins_all_widths() {
    register_unary_twins<Op, uint8_t>();
    register_unary_twins<Op, uint16_t>();
    register_unary_twins<Op, uint32_t>();
}

// The 32-bit register forms as Forms for their fixed-register twins (cpu/fixed_regs.h).
template <typename Op, bool F> struct AluRR {
    template <typename R> static constexpr Handler fn = alu_r_r<Op, uint32_t, F, R>;
};
template <typename Op, bool F> struct AluRI {
    template <typename R> static constexpr Handler fn = alu_r_i<Op, uint32_t, F, R>;
};
template <typename Op, bool F> struct AluRMem {
    template <typename R> static constexpr Handler fn = alu_r_m<Op, uint32_t, F, Ea::BaseDisp, R>;
};
template <typename Op, bool F> struct AluRMemIndexed {
    template <typename R> static constexpr Handler fn = alu_r_m<Op, uint32_t, F, Ea::BaseIndex, R>;
};
template <typename Op, bool F> struct UnaryR {
    template <typename R> static constexpr Handler fn = unary_r<Op, uint32_t, F, R>;
};

// The operations common in hot loops; CMP and TEST without flags do nothing and are not twinned.
void register_fixed_register_twins() {
    register_two_reg_twins<AluRR<Add, true>, AluRR<Add, false>, AluRR<Sub, true>, AluRR<Sub, false>,
                           AluRR<And, true>, AluRR<And, false>, AluRR<Or, true>, AluRR<Or, false>,
                           AluRR<Xor, true>, AluRR<Xor, false>, AluRR<Cmp, true>, AluRR<Test, true>>();
    register_one_reg_twins<AluRI<Add, true>, AluRI<Add, false>, AluRI<Sub, true>, AluRI<Sub, false>,
                           AluRI<And, true>, AluRI<And, false>, AluRI<Or, true>, AluRI<Or, false>,
                           AluRI<Xor, true>, AluRI<Xor, false>, AluRI<Cmp, true>, AluRI<Test, true>,
                           UnaryR<IncOp, true>, UnaryR<IncOp, false>, UnaryR<DecOp, true>,
                           UnaryR<DecOp, false>, UnaryR<NotOp, true>>();
    register_reg_base_twins<AluRMem<Add, true>, AluRMem<Add, false>, AluRMem<Sub, true>,
                            AluRMem<Sub, false>, AluRMem<And, true>, AluRMem<And, false>,
                            AluRMem<Or, true>, AluRMem<Or, false>, AluRMem<Xor, true>,
                            AluRMem<Xor, false>, AluRMem<Cmp, true>>();
    register_reg_base_twins<AluRMemIndexed<Add, true>, AluRMemIndexed<Add, false>, AluRMemIndexed<Sub, true>,
                            AluRMemIndexed<Sub, false>, AluRMemIndexed<And, true>, AluRMemIndexed<And, false>,
                            AluRMemIndexed<Or, true>, AluRMemIndexed<Or, false>, AluRMemIndexed<Xor, true>,
                            AluRMemIndexed<Xor, false>, AluRMemIndexed<Cmp, true>>();
}

}  // namespace

void register_alu() {
    register_twins_all_widths<Add>();
    register_twins_all_widths<Adc>();
    register_twins_all_widths<Sub>();
    register_twins_all_widths<Sbb>();
    register_twins_all_widths<Cmp>();
    register_twins_all_widths<And>();
    register_twins_all_widths<Or>();
    register_twins_all_widths<Xor>();
    register_twins_all_widths<Test>();
    register_unary_twins_all_widths<IncOp>();
    register_unary_twins_all_widths<DecOp>();
    register_unary_twins_all_widths<NegOp>();
    register_pure_handlers<alu_zero_r<uint8_t>, alu_zero_r<uint8_t, false>, alu_zero_r<uint16_t>,
                               alu_zero_r<uint16_t, false>, alu_zero_r<uint32_t>, alu_zero_r<uint32_t, false>>();
    register_flagless_twin(alu_zero_r<uint8_t>, alu_zero_r<uint8_t, false>);
    register_flagless_twin(alu_zero_r<uint16_t>, alu_zero_r<uint16_t, false>);
    register_flagless_twin(alu_zero_r<uint32_t>, alu_zero_r<uint32_t, false>);
    register_selector(Mn::ADD, select_alu<Add>);
    register_selector(Mn::ADC, select_alu<Adc>);
    register_selector(Mn::SUB, select_alu<Sub>);
    register_selector(Mn::SBB, select_alu<Sbb>);
    register_selector(Mn::CMP, select_alu<Cmp>);
    register_selector(Mn::AND, select_alu<And>);
    register_selector(Mn::OR, select_alu<Or>);
    register_selector(Mn::XOR, select_alu<Xor>);
    register_selector(Mn::TEST, select_alu<Test>);
    register_selector(Mn::INC, select_unary<IncOp>);
    register_selector(Mn::DEC, select_unary<DecOp>);
    register_selector(Mn::NEG, select_unary<NegOp>);
    register_pure_handlers<unary_r<NotOp, uint8_t>, unary_r<NotOp, uint16_t>, unary_r<NotOp, uint32_t>>();
    register_threaded_handlers<unary_m<NotOp, uint8_t>, unary_m<NotOp, uint16_t>, unary_m<NotOp, uint32_t>>();
    register_selector(Mn::NOT, select_unary<NotOp>);
    register_fixed_register_twins();
}

}  // namespace gate386
