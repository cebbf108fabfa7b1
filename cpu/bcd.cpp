// Decimal arithmetic adjustments: DAA DAS AAA AAS AAM AAD (SDM Vol.2A, each instruction's page).
// They work on AL/AH only and take no operand but AAM's and AAD's base immediate.
//
// Flags the SDM leaves undefined follow this project's oracle host (AMD EPYC), established over
// every AX value × every combination of the six input flags and re-checked by
// tests/unit/test_cpu_bcd.cpp (which runs the instructions natively in 32-bit compatibility mode):
//  - DAA/DAS: OF is the signed overflow of the 8-bit AL ± adjustment (0, 06h, 60h or 66h);
//  - AAA/AAS: the flags of the 16-bit AX ± 0106h (± 0 when no adjustment is made), taken before
//    AL's high nibble is cleared: SF = bit 15, ZF = (AX == 0), PF of that low byte, OF the signed
//    overflow; CF = AF = "adjusted" as the SDM says;
//  - AAM: CF = OF = AF = 0; AAD: CF OF AF of the 8-bit addition AL + AH × base.
#include <csignal>

#include "cpu/flags.h"
#include "cpu/insn_desc.h"

namespace gate386 {

namespace {

inline uint8_t al(const Cpu& c) { return uint8_t(c.m_regs[kEax]); }
inline uint8_t ah(const Cpu& c) { return uint8_t(c.m_regs[kEax] >> 8); }

// Lazy flags from an 8- or 16-bit result plus explicit CF, OF, AF.
template <typename T> inline void set_adjust_flags(Cpu& c, T r, uint32_t cf, uint32_t of, uint32_t af) {
    c.m_lf_res = sign_extend(r);
    c.m_lf_aux = (cf << 31) | ((cf ^ of) << 30) | (af << 3);
}

// DAA/DAS: adjust AL after an 8-bit BCD add/subtract (SDM Vol.2A DAA, DAS "Operation").
// The two SDM steps amount to one add/subtract of 06h, 60h or 66h; CF also catches the low step's
// carry/borrow (only possible for DAS: AL < 6 with AF set).
void daa(Cpu& c, const Insn&) {
    uint32_t a = al(c);
    uint32_t lo = ((a & 0x0f) > 9) | flag_af(c);
    uint32_t hi = (a > 0x99) | flag_cf(c);
    uint32_t adj = (lo ? 0x06u : 0u) | (hi ? 0x60u : 0u);
    uint8_t r = uint8_t(a + adj);
    set_reg<uint8_t>(c, 0, r);
    set_adjust_flags<uint8_t>(c, r, hi, ((a ^ r) & (adj ^ r)) >> 7 & 1, lo);
}
void das(Cpu& c, const Insn&) {
    uint32_t a = al(c);
    uint32_t lo = ((a & 0x0f) > 9) | flag_af(c);
    uint32_t hi = (a > 0x99) | flag_cf(c);
    uint32_t adj = (lo ? 0x06u : 0u) | (hi ? 0x60u : 0u);
    uint8_t r = uint8_t(a - adj);
    uint32_t cf = hi | (lo & (a < 6));
    set_reg<uint8_t>(c, 0, r);
    set_adjust_flags<uint8_t>(c, r, cf, ((a ^ adj) & (a ^ r)) >> 7 & 1, lo);
}

// AAA/AAS: adjust AX after an unpacked BCD add/subtract. The host adds/subtracts 0106h to the
// whole of AX (so an AL carry reaches AH, as in SDM Vol.2A AAA's "AX := AX + 106H" form).
void aaa(Cpu& c, const Insn&) {
    uint32_t ax = c.m_regs[kEax] & 0xffff;
    uint32_t adj = ((ax & 0x0f) > 9) | flag_af(c);
    uint32_t k = adj ? 0x106u : 0u;
    uint16_t r = uint16_t(ax + k);
    set_reg<uint16_t>(c, 0, uint16_t(r & 0xff0f));
    set_adjust_flags<uint16_t>(c, r, adj, ((ax ^ r) & (k ^ r)) >> 15 & 1, adj);
}
void aas(Cpu& c, const Insn&) {
    uint32_t ax = c.m_regs[kEax] & 0xffff;
    uint32_t adj = ((ax & 0x0f) > 9) | flag_af(c);
    uint32_t k = adj ? 0x106u : 0u;
    uint16_t r = uint16_t(ax - k);
    set_reg<uint16_t>(c, 0, uint16_t(r & 0xff0f));
    set_adjust_flags<uint16_t>(c, r, adj, ((ax ^ k) & (ax ^ r)) >> 15 & 1, adj);
}

// AAM base: AH = AL / base, AL = AL mod base; SF ZF PF from AL. Base 0 is a divide error, decided
// at decode time (SDM Vol.2A AAM "Protected Mode Exceptions": #DE if imm8 = 0).
void aam(Cpu& c, const Insn& i) {
    uint32_t a = al(c), b = i.imm;
    uint8_t r = uint8_t(a % b);
    set_reg<uint16_t>(c, 0, uint16_t(((a / b) << 8) | r));
    set_flags_logic<uint8_t>(c, r);
}
void aam_zero(Cpu& c, const Insn& i) { raise_fault(c, SIGFPE, FPE_INTDIV, i.eip); }

// AAD base: AL = (AL + AH × base) mod 256, AH = 0; the host's flags are those of that 8-bit add.
void aad(Cpu& c, const Insn& i) {
    uint8_t a = al(c), m = uint8_t(ah(c) * i.imm);
    uint8_t r = uint8_t(a + m);
    set_reg<uint16_t>(c, 0, r);
    set_flags_add<uint8_t>(c, a, m, r);
}

// The base of AAM/AAD: Zydis shows it as an immediate; it is the last byte (D4 ib / D5 ib) either way.
uint32_t base_imm(const InsnDesc& d) {
    for (unsigned k = 0; k < d.nops; k++)
        if (is_imm(d.ops[k])) return d.ops[k].imm & 0xff;
    return d.bytes[d.len - 1];
}

bool select_fixed(Handler h, Insn& rec) { rec.fn = h; return true; }

}  // namespace

void register_bcd() {
    register_selector(Mn::DAA, [](const InsnDesc&, Insn& r) { return select_fixed(daa, r); });
    register_selector(Mn::DAS, [](const InsnDesc&, Insn& r) { return select_fixed(das, r); });
    register_selector(Mn::AAA, [](const InsnDesc&, Insn& r) { return select_fixed(aaa, r); });
    register_selector(Mn::AAS, [](const InsnDesc&, Insn& r) { return select_fixed(aas, r); });
    register_selector(Mn::AAM, [](const InsnDesc& d, Insn& r) {
        r.imm = base_imm(d);
        return select_fixed(r.imm ? aam : aam_zero, r);
    });
    register_selector(Mn::AAD, [](const InsnDesc& d, Insn& r) {
        r.imm = base_imm(d);
        return select_fixed(aad, r);
    });
}

}  // namespace gate386
