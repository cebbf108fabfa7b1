// Multiplication and division: MUL IMUL (one, two and three operands) DIV IDIV (SDM Vol.2A "MUL",
// "IMUL", "DIV", "IDIV"). Handlers are templates over (operation × operand form × width).
//
// Flags the SDM leaves undefined follow this project's oracle host (AMD EPYC), established natively
// (every 8-bit DIV/IDIV input, random operands for the other forms and widths) and re-checked by
// tests/unit/test_cpu_muldiv.cpp:
//  - MUL/IMUL set CF = OF as the SDM says and leave SF ZF AF PF unchanged;
//  - DIV/IDIV leave CF and OF unchanged and set AF = 1, SF = ZF = PF = 0.
#include <csignal>

#include "cpu/threading.h"
#include "cpu/flags.h"
#include "cpu/insn_desc.h"

namespace gate386 {

namespace {

// The double-width type of T, and T's signed counterpart.
template <typename T> struct Wide;
template <> struct Wide<uint8_t> { using U = uint16_t; using S = int16_t; };
template <> struct Wide<uint16_t> { using U = uint32_t; using S = int32_t; };
template <> struct Wide<uint32_t> { using U = uint64_t; using S = int64_t; };

// CF = OF = "the upper half is significant"; the other four flags are kept (host behaviour).
inline void set_mul_flags(Cpu& c, bool ov) {
    c.m_lf_aux = (c.m_lf_aux & 0x3fffffffu) | (uint32_t(ov) << 31);   // CF = OF = ov: CF^OF = 0
}

// The accumulator pair for one-operand forms: AX (8-bit), DX:AX, EDX:EAX (SDM Vol.2A MUL Table 4-9).
template <typename T> inline void write_acc(Cpu& c, typename Wide<T>::U v) {
    if constexpr (sizeof(T) == 1) set_reg<uint16_t>(c, 0, uint16_t(v));
    else {
        set_reg<T>(c, 0, T(v));
        set_reg<T>(c, 8, T(v >> kBits<T>));
    }
}
template <typename T> inline typename Wide<T>::U read_acc(const Cpu& c) {
    using U = typename Wide<T>::U;
    if constexpr (sizeof(T) == 1) return get_reg<uint16_t>(c, 0);
    else return (U(get_reg<T>(c, 8)) << kBits<T>) | get_reg<T>(c, 0);
}

// One-operand MUL / IMUL: accumulator × src into the accumulator pair.
template <typename T> inline void mul1(Cpu& c, T src) {
    using U = typename Wide<T>::U;
    U p = U(U(get_reg<T>(c, 0)) * U(src));
    write_acc<T>(c, p);
    set_mul_flags(c, (p >> kBits<T>) != 0);
}
template <typename T> inline void imul1(Cpu& c, T src) {
    using U = typename Wide<T>::U;
    using S = typename Wide<T>::S;
    using ST = std::make_signed_t<T>;
    S p = S(S(ST(get_reg<T>(c, 0))) * S(ST(src)));
    write_acc<T>(c, U(p));
    set_mul_flags(c, p != S(ST(p)));   // the product does not fit the low half
}
// Two- and three-operand IMUL: the truncated signed product.
template <typename T> inline T imul_trunc(Cpu& c, T a, T b) {
    using S = typename Wide<T>::S;
    using ST = std::make_signed_t<T>;
    S p = S(S(ST(a)) * S(ST(b)));
    set_mul_flags(c, p != S(ST(p)));
    return T(p);
}

template <typename T> void mul_r(Cpu& c, const Insn& i) { mul1<T>(c, get_reg<T>(c, i.r1)); }
template <typename T> void mul_m(Cpu& c, const Insn& i) { mul1<T>(c, load<T>(c, effective_address(c, i))); }
template <typename T> void imul_r(Cpu& c, const Insn& i) { imul1<T>(c, get_reg<T>(c, i.r1)); }
template <typename T> void imul_m(Cpu& c, const Insn& i) { imul1<T>(c, load<T>(c, effective_address(c, i))); }
template <typename T> void imul_r_r(Cpu& c, const Insn& i) {
    set_reg<T>(c, i.r1, imul_trunc<T>(c, get_reg<T>(c, i.r1), get_reg<T>(c, i.r2)));
}
template <typename T> void imul_r_m(Cpu& c, const Insn& i) {
    set_reg<T>(c, i.r1, imul_trunc<T>(c, get_reg<T>(c, i.r1), load<T>(c, effective_address(c, i))));
}
template <typename T> void imul_r_r_i(Cpu& c, const Insn& i) {
    set_reg<T>(c, i.r1, imul_trunc<T>(c, get_reg<T>(c, i.r2), T(i.imm)));
}
template <typename T> void imul_r_m_i(Cpu& c, const Insn& i) {
    set_reg<T>(c, i.r1, imul_trunc<T>(c, load<T>(c, effective_address(c, i)), T(i.imm)));
}

// #DE (divisor 0 or a quotient that does not fit) is delivered as SIGFPE/FPE_INTDIV at the
// instruction, before anything is written (SDM Vol.2A DIV "Protected Mode Exceptions"); the host
// never executes a division that could trap.
[[noreturn]] void divide_error(Cpu& c, const Insn& i) { raise_fault(c, SIGFPE, FPE_INTDIV, i.eip); }

inline void set_div_flags(Cpu& c) {
    c.m_lf_res = 0x100u;                                      // ZF = SF = 0, low byte 0 ...
    c.m_lf_aux = (c.m_lf_aux & 0xc0000000u) | 0x100u | 8u;   // ... with odd parity: PF = 0; AF = 1
}

template <typename T> inline void div1(Cpu& c, const Insn& i, T src) {
    using U = typename Wide<T>::U;
    U n = read_acc<T>(c);
    if (src == 0) divide_error(c, i);
    U q = n / src;
    if (q >> kBits<T>) divide_error(c, i);
    T r = T(n % src);
    if constexpr (sizeof(T) == 1) set_reg<uint16_t>(c, 0, uint16_t(q | (U(r) << 8)));
    else {
        set_reg<T>(c, 0, T(q));
        set_reg<T>(c, 8, r);
    }
    set_div_flags(c);
}
template <typename T> inline void idiv1(Cpu& c, const Insn& i, T src) {
    using U = typename Wide<T>::U;
    using S = typename Wide<T>::S;
    using ST = std::make_signed_t<T>;
    S n = S(read_acc<T>(c));
    S d = S(ST(src));
    if (d == 0) divide_error(c, i);
    // n / -1 is the only division that can overflow S itself (S_MIN / -1 traps on the host):
    // negate in unsigned arithmetic instead; S_MIN then stays S_MIN and fails the range check.
    S q = d == -1 ? S(U(0) - U(n)) : S(n / d);
    S r = d == -1 ? S(0) : S(n % d);
    if (q != S(ST(q))) divide_error(c, i);   // the quotient must fit T (INT_MIN / -1 does not)
    if constexpr (sizeof(T) == 1) set_reg<uint16_t>(c, 0, uint16_t(uint8_t(q) | (uint16_t(uint8_t(r)) << 8)));
    else {
        set_reg<T>(c, 0, T(q));
        set_reg<T>(c, 8, T(r));
    }
    set_div_flags(c);
}

template <typename T> void div_r(Cpu& c, const Insn& i) { div1<T>(c, i, get_reg<T>(c, i.r1)); }
template <typename T> void div_m(Cpu& c, const Insn& i) { div1<T>(c, i, load<T>(c, effective_address(c, i))); }
template <typename T> void idiv_r(Cpu& c, const Insn& i) { idiv1<T>(c, i, get_reg<T>(c, i.r1)); }
template <typename T> void idiv_m(Cpu& c, const Insn& i) { idiv1<T>(c, i, load<T>(c, effective_address(c, i))); }

// One-operand forms (MUL, IMUL, DIV, IDIV r/m): Zydis shows only the r/m operand.
template <template <typename> class R, template <typename> class M>
struct OneOp {
    static bool select(const InsnDesc& d, Insn& rec) {
        if (d.nops != 1) return false;
        const OperandDesc& a = d.ops[0];
        bool reg = is_gpr(a);
        if (reg) rec.r1 = a.reg_offset;
        else if (is_mem(a)) fill_mem(rec, a);
        else return false;
        switch (a.bits) {
        case 8: rec.fn = reg ? R<uint8_t>::fn : M<uint8_t>::fn; return true;
        case 16: rec.fn = reg ? R<uint16_t>::fn : M<uint16_t>::fn; return true;
        case 32: rec.fn = reg ? R<uint32_t>::fn : M<uint32_t>::fn; return true;
        default: return false;
        }
    }
};
#define GATE386_H(name) \
    template <typename T> struct H_##name { static constexpr Handler fn = name<T>; };
GATE386_H(mul_r) GATE386_H(mul_m) GATE386_H(imul_r) GATE386_H(imul_m)
GATE386_H(div_r) GATE386_H(div_m) GATE386_H(idiv_r) GATE386_H(idiv_m)
GATE386_H(imul_r_r) GATE386_H(imul_r_m) GATE386_H(imul_r_r_i) GATE386_H(imul_r_m_i)
#undef GATE386_H

template <template <typename> class H> Handler by16_32(unsigned bits) {
    return bits == 16 ? H<uint16_t>::fn : bits == 32 ? H<uint32_t>::fn : nullptr;
}

bool select_imul(const InsnDesc& d, Insn& rec) {
    if (d.nops == 1) return OneOp<H_imul_r, H_imul_m>::select(d, rec);
    if (d.nops < 2 || !is_gpr(d.ops[0])) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    rec.r1 = a.reg_offset;
    bool reg = is_gpr(b);
    if (reg) rec.r2 = b.reg_offset;
    else if (is_mem(b)) fill_mem(rec, b);
    else return false;
    if (d.nops == 2) {
        rec.fn = reg ? by16_32<H_imul_r_r>(a.bits) : by16_32<H_imul_r_m>(a.bits);
    } else {
        if (!is_imm(d.ops[2])) return false;
        rec.imm = d.ops[2].imm;   // already sign-extended from imm8 (6B) by the decoder
        rec.fn = reg ? by16_32<H_imul_r_r_i>(a.bits) : by16_32<H_imul_r_m_i>(a.bits);
    }
    return rec.fn != nullptr;
}

}  // namespace

void register_muldiv() {
    register_pure_handlers<imul_r_r<uint32_t>, imul_r_r_i<uint32_t>>();
    register_threaded_handlers<imul_r_m<uint32_t>, imul_r_m_i<uint32_t>,
                               mul_r<uint32_t>, mul_m<uint32_t>, imul_r<uint32_t>, imul_m<uint32_t>>();
    register_selector(Mn::MUL, OneOp<H_mul_r, H_mul_m>::select);
    register_selector(Mn::IMUL, select_imul);
    register_selector(Mn::DIV, OneOp<H_div_r, H_div_m>::select);
    register_selector(Mn::IDIV, OneOp<H_idiv_r, H_idiv_m>::select);
}

}  // namespace gate386
