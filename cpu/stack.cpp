// Stack and flag instructions: PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE LAHF SAHF CLC STC CMC CLD
// STD (SDM Vol.2).
#include "cpu/threading.h"
#include "cpu/flags.h"
#include "cpu/insn_desc.h"
#include "cpu/segments.h"

namespace gate386 {

namespace {

// ESP moves only once the store has succeeded: a faulting push leaves ESP as it was (faults are
// precise, SDM Vol.3A 6.5).
inline void push16(Cpu& c, uint16_t v) {
    uint32_t sp = c.m_regs[kEsp] - 2;
    store<uint16_t>(c, sp, v);
    c.m_regs[kEsp] = sp;
}
inline uint16_t pop16(Cpu& c) { uint16_t v = load<uint16_t>(c, c.m_regs[kEsp]); c.m_regs[kEsp] += 2; return v; }

void push_r32(Cpu& c, const Insn& i) { push32(c, c.m_regs[i.r1 / 4]); }
void push_r16(Cpu& c, const Insn& i) { push16(c, get_reg<uint16_t>(c, i.r1)); }
void push_m32(Cpu& c, const Insn& i) { push32(c, load<uint32_t>(c, effective_address(c, i))); }
void push_m16(Cpu& c, const Insn& i) { push16(c, load<uint16_t>(c, effective_address(c, i))); }
void push_i32(Cpu& c, const Insn& i) { push32(c, i.imm); }
void push_i16(Cpu& c, const Insn& i) { push16(c, uint16_t(i.imm)); }
void push_sreg(Cpu& c, const Insn& i) { push32(c, c.m_seg_sel[i.aux]); }
void push_sreg16(Cpu& c, const Insn& i) { push16(c, c.m_seg_sel[i.aux]); }

void pop_r32(Cpu& c, const Insn& i) { uint32_t v = pop32(c); c.m_regs[i.r1 / 4] = v; }
void pop_r16(Cpu& c, const Insn& i) { uint16_t v = pop16(c); set_reg<uint16_t>(c, i.r1, v); }
// POP to memory computes the address after ESP is incremented (SDM Vol.2B POP), but a store that
// faults must leave ESP as it was: only the address sees the incremented value. ESP can only be
// the base of an address (a SIB index of 100b means none).
template <typename T> void pop_m(Cpu& c, const Insn& i) {
    uint32_t sp = c.m_regs[kEsp];
    T v = load<T>(c, sp);
    uint32_t a = effective_address(c, i) + (i.base == kEsp ? uint32_t(sizeof(T)) : 0u);
    store<T>(c, a, v);
    c.m_regs[kEsp] = sp + sizeof(T);
}
// POP Sreg reads a 16-bit selector; with a 32-bit operand size the slot is 4 bytes.
template <unsigned Slot> void pop_sreg(Cpu& c, const Insn& i) {
    uint16_t sel = load<uint16_t>(c, c.m_regs[kEsp]);
    load_segment(c, i.aux, sel);   // may fault: ESP untouched until it succeeds
    c.m_regs[kEsp] += Slot;
}

bool select_push(const InsnDesc& d, Insn& rec) {
    if (d.nops != 1) return false;
    const OperandDesc& s = d.ops[0];
    bool o16 = d.opsize == 16;
    if (is_reg(s) && s.rclass == RegClass::Seg) { rec.aux = s.reg; rec.fn = o16 ? push_sreg16 : push_sreg; return true; }
    if (is_gpr(s)) { rec.r1 = s.reg_offset; rec.fn = o16 ? push_r16 : push_r32; return true; }
    if (is_mem(s)) { fill_mem(rec, s); rec.fn = o16 ? push_m16 : push_m32; return true; }
    if (is_imm(s)) { rec.imm = s.imm; rec.fn = o16 ? push_i16 : push_i32; return true; }
    return false;
}
bool select_pop(const InsnDesc& d, Insn& rec) {
    if (d.nops != 1) return false;
    const OperandDesc& s = d.ops[0];
    bool o16 = d.opsize == 16;
    if (is_reg(s) && s.rclass == RegClass::Seg) { rec.aux = s.reg; rec.fn = o16 ? pop_sreg<2> : pop_sreg<4>; return true; }
    if (is_gpr(s)) { rec.r1 = s.reg_offset; rec.fn = o16 ? pop_r16 : pop_r32; return true; }
    if (is_mem(s)) { fill_mem(rec, s); rec.fn = o16 ? pop_m<uint16_t> : pop_m<uint32_t>; return true; }
    return false;
}

// PUSHA stores EAX ECX EDX EBX, the ESP from before the instruction, EBP ESI EDI downwards; POPA
// reads them back skipping the saved ESP (SDM Vol.2B PUSHA/POPA). Register r sits at
// ESP_old - (r+1)*size. All accesses happen before any register changes, so a fault part-way
// leaves the registers as they were.
template <typename T> void pusha(Cpu& c, const Insn&) {
    uint32_t sp = c.m_regs[kEsp];
    for (unsigned r = kEax; r <= kEdi; r++) store<T>(c, sp - (r + 1) * sizeof(T), T(c.m_regs[r]));
    c.m_regs[kEsp] = sp - 8 * sizeof(T);
}
template <typename T> void popa(Cpu& c, const Insn&) {
    uint32_t sp = c.m_regs[kEsp];
    T v[8];
    for (unsigned r = kEax; r <= kEdi; r++) v[r] = load<T>(c, sp + (7 - r) * sizeof(T));
    for (unsigned r = kEax; r <= kEdi; r++)
        if (r != kEsp) set_reg<T>(c, uint8_t(r * 4), v[r]);
    c.m_regs[kEsp] = sp + 8 * sizeof(T);
}

// PUSHF stores EFLAGS with VM and RF cleared (SDM Vol.2B PUSHF).
void pushf32(Cpu& c, const Insn&) { push32(c, read_eflags(c) & ~0x30000u); }
void pushf16(Cpu& c, const Insn&) { push16(c, uint16_t(read_eflags(c))); }
// At CPL 3 with IOPL 0, POPF changes the arithmetic flags, TF, DF, NT, AC and ID; IF and IOPL are
// left alone silently (SDM Vol.2B POPF, Table 4-15).
constexpr uint32_t kPopfMask = kArithFlags | kFlagTF | kFlagDF | (1u << 14) | kFlagAC | kFlagID;
void set_eflags_user(Cpu& c, uint32_t v, uint32_t mask) {
    uint32_t cur = read_eflags(c);
    uint32_t nv = (cur & ~mask) | (v & mask);
    set_arith_flags(c, nv);
    c.m_eflags_rest = (nv & ~kArithFlags) | 2u;
}
// POPF ends its block; a TF it sets makes the run loop single-step from the next instruction.
void popf32(Cpu& c, const Insn& i) {
    set_eflags_user(c, pop32(c), kPopfMask);
    c.m_eip = i.imm2;
    if (c.m_eflags_rest & kFlagTF) __atomic_fetch_or(&c.m_attention, kAttentionStep, __ATOMIC_RELAXED);
}
void popf16(Cpu& c, const Insn& i) {
    set_eflags_user(c, pop16(c), kPopfMask & 0xffff);
    c.m_eip = i.imm2;
    if (c.m_eflags_rest & kFlagTF) __atomic_fetch_or(&c.m_attention, kAttentionStep, __ATOMIC_RELAXED);
}

// ENTER imm16, imm8 (SDM Vol.2A ENTER, the 32-bit stack form).
void enter32(Cpu& c, const Insn& i) {
    uint32_t size = i.imm & 0xffff;
    unsigned level = i.imm2 & 31;
    push32(c, c.m_regs[kEbp]);
    uint32_t frame = c.m_regs[kEsp];
    if (level > 0) {
        uint32_t ebp = c.m_regs[kEbp];
        for (unsigned k = 1; k < level; k++) {
            ebp -= 4;
            push32(c, load<uint32_t>(c, ebp));
        }
        push32(c, frame);
    }
    c.m_regs[kEbp] = frame;
    c.m_regs[kEsp] -= size;
}
// ENTER with a 16-bit operand size on a 32-bit stack: BP and the display entries are words, the
// frame pointer is still the full ESP (SDM Vol.2A ENTER, StackSize = 32, OperandSize = 16).
void enter16(Cpu& c, const Insn& i) {
    uint32_t size = i.imm & 0xffff;
    unsigned level = i.imm2 & 31;
    push16(c, uint16_t(c.m_regs[kEbp]));
    uint32_t frame = c.m_regs[kEsp];
    if (level > 0) {
        uint32_t ebp = c.m_regs[kEbp];
        for (unsigned k = 1; k < level; k++) {
            ebp -= 2;
            push16(c, load<uint16_t>(c, ebp));
        }
        push16(c, uint16_t(frame));
    }
    c.m_regs[kEbp] = frame;
    c.m_regs[kEsp] -= size;
}
// LEAVE: ESP := EBP, then pop EBP; the pop reads at the old EBP before anything changes, so a fault
// leaves ESP alone (SDM Vol.2A LEAVE).
void leave32(Cpu& c, const Insn&) {
    uint32_t fp = c.m_regs[kEbp];
    uint32_t v = load<uint32_t>(c, fp);
    c.m_regs[kEsp] = fp + 4;
    c.m_regs[kEbp] = v;
}
void leave16(Cpu& c, const Insn&) {
    uint32_t fp = c.m_regs[kEbp];
    uint16_t v = load<uint16_t>(c, fp);
    c.m_regs[kEsp] = fp + 2;
    set_reg<uint16_t>(c, kEbp * 4, v);
}

// LAHF/SAHF move SF ZF AF PF CF through AH (bit 1 reads as 1).
void lahf(Cpu& c, const Insn&) { set_reg<uint8_t>(c, 1, uint8_t((read_arith_flags(c) & 0xd5) | 2)); }
void sahf(Cpu& c, const Insn&) {
    uint32_t ah = get_reg<uint8_t>(c, 1);
    uint32_t cur = read_arith_flags(c);
    set_arith_flags(c, (cur & ~0xd5u) | (ah & 0xd5u));
}
void clc(Cpu& c, const Insn&) { set_cf(c, false); }
void stc(Cpu& c, const Insn&) { set_cf(c, true); }
void cmc(Cpu& c, const Insn&) { set_cf(c, !flag_cf(c)); }
void cld(Cpu& c, const Insn&) { c.m_eflags_rest &= ~kFlagDF; }
void std_(Cpu& c, const Insn&) { c.m_eflags_rest |= kFlagDF; }

template <Handler H> bool fixed(const InsnDesc&, Insn& rec) { rec.fn = H; return true; }
template <Handler H32, Handler H16> bool by_opsize(const InsnDesc& d, Insn& rec) {
    rec.fn = d.opsize == 16 ? H16 : H32;
    rec.imm2 = d.eip + d.len;
    return true;
}
bool select_enter(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2 || (d.opsize != 32 && d.opsize != 16)) return false;
    rec.imm = d.ops[0].imm;
    rec.imm2 = d.ops[1].imm & 0xff;
    rec.fn = d.opsize == 16 ? enter16 : enter32;
    return true;
}

}  // namespace

void register_stack() {
    register_threaded_handlers<push_r32, push_m32, push_i32, pop_r32>();
    register_selector(Mn::PUSH, select_push);
    register_selector(Mn::POP, select_pop);
    register_selector(Mn::PUSHAD, by_opsize<pusha<uint32_t>, pusha<uint16_t>>);
    register_selector(Mn::PUSHA, by_opsize<pusha<uint32_t>, pusha<uint16_t>>);
    register_selector(Mn::POPAD, by_opsize<popa<uint32_t>, popa<uint16_t>>);
    register_selector(Mn::POPA, by_opsize<popa<uint32_t>, popa<uint16_t>>);
    register_selector(Mn::PUSHFD, by_opsize<pushf32, pushf16>);
    register_selector(Mn::PUSHF, by_opsize<pushf32, pushf16>);
    register_selector(Mn::POPFD, by_opsize<popf32, popf16>);
    register_selector(Mn::POPF, by_opsize<popf32, popf16>);
    register_selector(Mn::ENTER, select_enter);
    register_selector(Mn::LEAVE, by_opsize<leave32, leave16>);
    register_selector(Mn::LAHF, fixed<lahf>);
    register_selector(Mn::SAHF, fixed<sahf>);
    register_selector(Mn::CLC, fixed<clc>);
    register_selector(Mn::STC, fixed<stc>);
    register_selector(Mn::CMC, fixed<cmc>);
    register_selector(Mn::CLD, fixed<cld>);
    register_selector(Mn::STD, fixed<std_>);
}

}  // namespace gate386
