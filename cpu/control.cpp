// Control transfer: JMP Jcc CALL RET LOOP/LOOPE/LOOPNE JECXZ/JCXZ (SDM Vol.2). Each of these ends
// its block, so each sets m_eip: taken targets are absolute (decoded), fall-through is imm2.
#include "cpu/exceptions.h"
#include "cpu/flags.h"
#include "cpu/insn_desc.h"
#include "cpu/threading.h"

namespace gate386 {

namespace {

void jmp_rel(Cpu& c, const Insn& i) { c.m_eip = i.imm; }
void jmp_r(Cpu& c, const Insn& i) { c.m_eip = c.m_regs[i.r1 / 4]; }
void jmp_m(Cpu& c, const Insn& i) { c.m_eip = load<uint32_t>(c, effective_address(c, i)); }
// 16-bit operand size truncates the new EIP to 16 bits (SDM Vol.2A JMP).
void jmp_r16(Cpu& c, const Insn& i) { c.m_eip = get_reg<uint16_t>(c, i.r1); }
void jmp_m16(Cpu& c, const Insn& i) { c.m_eip = load<uint16_t>(c, effective_address(c, i)); }

template <Cond C> void jcc(Cpu& c, const Insn& i) { c.m_eip = test_cond<C>(c) ? i.imm : i.imm2; }

void call_rel(Cpu& c, const Insn& i) { push32(c, i.imm2); c.m_eip = i.imm; }
void call_r(Cpu& c, const Insn& i) { uint32_t t = c.m_regs[i.r1 / 4]; push32(c, i.imm2); c.m_eip = t; }
void call_m(Cpu& c, const Insn& i) {
    uint32_t t = load<uint32_t>(c, effective_address(c, i));   // read before ESP moves
    push32(c, i.imm2);
    c.m_eip = t;
}
void ret(Cpu& c, const Insn&) { c.m_eip = pop32(c); }
void ret_imm(Cpu& c, const Insn& i) { c.m_eip = pop32(c); c.m_regs[kEsp] += i.imm; }
void ret16(Cpu& c, const Insn& i) {
    uint16_t t = load<uint16_t>(c, c.m_regs[kEsp]);
    c.m_regs[kEsp] += 2 + i.imm;
    c.m_eip = t;
}

// LOOPcc decrement ECX (CX with a 16-bit address size) without touching flags.
template <int Kind, bool Cx16> void loop(Cpu& c, const Insn& i) {
    uint32_t n;
    if constexpr (Cx16) { uint16_t v = uint16_t(get_reg<uint16_t>(c, 4) - 1); set_reg<uint16_t>(c, 4, v); n = v; }
    else n = --c.m_regs[kEcx];
    bool go = n != 0;
    if constexpr (Kind == 1) go = go && flag_zf(c);
    if constexpr (Kind == 2) go = go && !flag_zf(c);
    c.m_eip = go ? i.imm : i.imm2;
}
void jecxz(Cpu& c, const Insn& i) { c.m_eip = c.m_regs[kEcx] == 0 ? i.imm : i.imm2; }
void jcxz(Cpu& c, const Insn& i) { c.m_eip = (c.m_regs[kEcx] & 0xffff) == 0 ? i.imm : i.imm2; }

bool select_jmp(const InsnDesc& d, Insn& rec) {
    if (d.nops != 1) return false;
    const OperandDesc& t = d.ops[0];
    bool o16 = d.opsize == 16;
    if (is_imm(t)) { rec.imm = t.imm; rec.fn = jmp_rel; return true; }
    if (is_gpr(t)) { rec.r1 = t.reg_offset; rec.fn = o16 ? jmp_r16 : jmp_r; return true; }
    if (is_mem(t) && t.bits != 48) { fill_mem(rec, t); rec.fn = o16 ? jmp_m16 : jmp_m; return true; }
    return false;   // far jumps: not available to Linux user code
}

template <Cond C> bool select_jcc(const InsnDesc& d, Insn& rec) {
    if (d.nops != 1 || !is_imm(d.ops[0])) return false;
    rec.imm = d.ops[0].imm;
    rec.imm2 = d.eip + d.len;
    rec.fn = jcc<C>;
    return true;
}

bool select_call(const InsnDesc& d, Insn& rec) {
    if (d.nops != 1 || d.opsize != 32) return false;
    const OperandDesc& t = d.ops[0];
    rec.imm2 = d.eip + d.len;
    if (is_imm(t)) { rec.imm = t.imm; rec.fn = call_rel; return true; }
    if (is_gpr(t)) { rec.r1 = t.reg_offset; rec.fn = call_r; return true; }
    if (is_mem(t) && t.bits == 32) { fill_mem(rec, t); rec.fn = call_m; return true; }
    return false;
}

bool select_ret(const InsnDesc& d, Insn& rec) {
    // Zydis names the far return (CA/CB) RET too; it also pops CS, which this near form would not,
    // so refuse it loudly rather than run it wrong (Linux user code has no use for it).
    if (d.opcode_map == 0 && (d.opcode == 0xca || d.opcode == 0xcb)) return false;
    rec.imm = d.nops == 1 && is_imm(d.ops[0]) ? (d.ops[0].imm & 0xffff) : 0;
    if (d.opsize == 16) { rec.fn = ret16; return true; }
    rec.fn = rec.imm ? ret_imm : ret;
    return true;
}

template <int Kind> bool select_loop(const InsnDesc& d, Insn& rec) {
    if (d.nops < 1 || !is_imm(d.ops[0])) return false;
    rec.imm = d.ops[0].imm;
    rec.imm2 = d.eip + d.len;
    rec.fn = d.addrsize == 16 ? loop<Kind, true> : loop<Kind, false>;
    return true;
}

bool select_jecxz(const InsnDesc& d, Insn& rec) {
    if (d.nops < 1 || !is_imm(d.ops[0])) return false;
    rec.imm = d.ops[0].imm;
    rec.imm2 = d.eip + d.len;
    rec.fn = d.mn == Mn::JCXZ ? jcxz : jecxz;
    return true;
}

template <Cond... Cs> void register_jcc_exits() { register_block_exits<jcc<Cs>...>(); }

}  // namespace

void register_control() {
    // The 32-bit forms, and the fall-through record of a block cut short, enter the next block
    // themselves when it is chained (threading.h).
    register_block_exits<jmp_rel, jmp_r, jmp_m, call_rel, call_r, call_m, ret, ret_imm, loop<0, false>,
                         loop<1, false>, loop<2, false>, jecxz, insn_continue_at>();
    register_jcc_exits<kO, kNO, kB, kNB, kZ, kNZ, kBE, kNBE, kS, kNS, kP, kNP, kL, kNL, kLE, kNLE>();
    register_selector(Mn::JMP, select_jmp);
    register_selector(Mn::CALL, select_call);
    register_selector(Mn::RET, select_ret);
    register_selector(Mn::LOOP, select_loop<0>);
    register_selector(Mn::LOOPE, select_loop<1>);
    register_selector(Mn::LOOPNE, select_loop<2>);
    register_selector(Mn::JECXZ, select_jecxz);
    register_selector(Mn::JCXZ, select_jecxz);
    register_selector(Mn::JO, select_jcc<kO>);
    register_selector(Mn::JNO, select_jcc<kNO>);
    register_selector(Mn::JB, select_jcc<kB>);
    register_selector(Mn::JNB, select_jcc<kNB>);
    register_selector(Mn::JZ, select_jcc<kZ>);
    register_selector(Mn::JNZ, select_jcc<kNZ>);
    register_selector(Mn::JBE, select_jcc<kBE>);
    register_selector(Mn::JNBE, select_jcc<kNBE>);
    register_selector(Mn::JS, select_jcc<kS>);
    register_selector(Mn::JNS, select_jcc<kNS>);
    register_selector(Mn::JP, select_jcc<kP>);
    register_selector(Mn::JNP, select_jcc<kNP>);
    register_selector(Mn::JL, select_jcc<kL>);
    register_selector(Mn::JNL, select_jcc<kNL>);
    register_selector(Mn::JLE, select_jcc<kLE>);
    register_selector(Mn::JNLE, select_jcc<kNLE>);
}

}  // namespace gate386
