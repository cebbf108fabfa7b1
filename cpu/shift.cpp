// Shifts and rotates: SHL/SAL SHR SAR ROL ROR RCL RCR (8/16/32) and the double shifts SHLD SHRD
// (16/32), by 1, by imm8 and by CL (SDM Vol.2B "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD",
// "SHRD"). Handlers are templates over (operation × operand form × width).
//
// Flags the SDM leaves undefined are produced the way this project's oracle host (AMD EPYC) does,
// established by running every 8-bit value × count 0..63 × flag inputs natively (and sampled
// 16/32-bit values); the unit tests in tests/unit/test_cpu_shift.cpp re-check them against the
// host on every run:
//  - every shift with a non-zero masked count sets AF;
//  - OF is computed for every count with the count-1 formula applied to the result:
//    left shifts/rotates OF = MSB(result) ^ CF, right ones OF = MSB(result) ^ (MSB-1)(result)
//    (for SHR this is MSB(original) at count 1; for SAR it is always 0);
//  - SHL/SHR CF for counts >= the width is the last bit shifted out (0 past the width);
//  - 16-bit SHLD/SHRD with counts > 16 rotate the source (see shd16_*).
#include <bit>

#include "cpu/threading.h"
#include "cpu/fixed_regs.h"
#include "cpu/flag_liveness.h"
#include "cpu/flags.h"
#include "cpu/insn_desc.h"
#include "cpu/moves.h"

namespace gate386 {

namespace {

template <typename T> inline uint32_t msb(T v) { return uint32_t(v >> (kBits<T> - 1)) & 1; }
template <typename T> inline uint32_t msb2(T v) { return uint32_t(v >> (kBits<T> - 2)) & 1; }

// A shift with a non-zero count: SF ZF PF from the result, CF and OF as given, AF set (host).
template <typename T> inline void set_shift_flags(Cpu& c, T r, uint32_t cf, uint32_t cf_xor_of) {
    c.m_lf_res = sign_extend(r);
    c.m_lf_aux = (cf << 31) | (cf_xor_of << 30) | 8u;
}
// A rotate changes only CF and OF; SF ZF AF PF keep their values (SDM Vol.2B RCL/RCR/ROL/ROR).
inline void set_rotate_flags(Cpu& c, uint32_t cf, uint32_t cf_xor_of) {
    c.m_lf_aux = (c.m_lf_aux & 0x3fffffffu) | (cf << 31) | (cf_xor_of << 30);
}

// Operations: `n` is the count already masked to 5 bits and non-zero (a zero count is filtered out
// by the form, because it must leave every flag alone).
// `value` is the result alone, for the flag-free twins of the register forms (cpu/flag_liveness.h).
struct Shl {
    template <typename T> static T value(T a, unsigned n) { return T(uint64_t(a) << n); }
    template <typename T> static T run(Cpu& c, T a, unsigned n) {
        uint64_t w = uint64_t(a) << n;   // bit W of w is the last bit shifted out (0 past W)
        T r = T(w);
        set_shift_flags(c, r, uint32_t(w >> kBits<T>) & 1, msb(r));   // OF = MSB(r) ^ CF
        return r;
    }
};
struct Shr {
    template <typename T> static T value(T a, unsigned n) { return T(uint32_t(a) >> n); }
    template <typename T> static T run(Cpu& c, T a, unsigned n) {
        uint32_t cf = (uint32_t(a) >> (n - 1)) & 1;
        T r = T(uint32_t(a) >> n);
        set_shift_flags(c, r, cf, cf ^ msb2(r));   // MSB(r) = 0, so OF = (MSB-1)(r)
        return r;
    }
};
struct Sar {
    template <typename T> static T value(T a, unsigned n) { return T(int32_t(sign_extend(a)) >> n); }
    template <typename T> static T run(Cpu& c, T a, unsigned n) {
        int32_t s = int32_t(sign_extend(a));
        uint32_t cf = uint32_t(s >> (n - 1)) & 1;   // past the width: the sign bit
        T r = T(s >> n);
        set_shift_flags(c, r, cf, cf);   // OF = 0
        return r;
    }
};
struct Rol {
    template <typename T> static T value(T a, unsigned n) { return std::rotl(a, int(n & (kBits<T> - 1))); }
    template <typename T> static T run(Cpu& c, T a, unsigned n) {
        // A count that is a non-zero multiple of the width leaves the value but still sets CF.
        T r = std::rotl(a, int(n & (kBits<T> - 1)));
        set_rotate_flags(c, r & 1u, msb(r));
        return r;
    }
};
struct Ror {
    template <typename T> static T value(T a, unsigned n) { return std::rotr(a, int(n & (kBits<T> - 1))); }
    template <typename T> static T run(Cpu& c, T a, unsigned n) {
        T r = std::rotr(a, int(n & (kBits<T> - 1)));
        set_rotate_flags(c, msb(r), msb2(r));   // CF = MSB, OF = MSB ^ (MSB-1)
        return r;
    }
};
// RCL/RCR rotate the W+1-bit value CF:a, 8/16-bit ones by the count modulo 9/17 (SDM Vol.2B
// RCL "tempCOUNT"); when that is 0 only OF is recomputed.
template <typename T> inline unsigned rc_count(unsigned n) {
    if constexpr (sizeof(T) == 4) return n;
    else return n % (kBits<T> + 1);
}
struct Rcl {
    template <typename T> static T run(Cpu& c, T a, unsigned n) {
        constexpr unsigned W = kBits<T>;
        unsigned k = rc_count<T>(n);
        uint64_t v = (uint64_t(flag_cf(c)) << W) | a;
        v = (v << k) | (v >> (W + 1 - k));
        T r = T(v);
        set_rotate_flags(c, uint32_t(v >> W) & 1, msb(r));
        return r;
    }
};
struct Rcr {
    template <typename T> static T run(Cpu& c, T a, unsigned n) {
        constexpr unsigned W = kBits<T>;
        unsigned k = rc_count<T>(n);
        uint64_t v = (uint64_t(flag_cf(c)) << W) | a;
        v = (v >> k) | (v << (W + 1 - k));
        T r = T(v);
        uint32_t cf = uint32_t(v >> W) & 1;
        set_rotate_flags(c, cf, cf ^ msb(r) ^ msb2(r));
        return r;
    }
};

// Forms. r = register (byte offset in r1), m = memory; count from CL or from the record's imm.
template <typename Op, typename T> void sh_r_cl(Cpu& c, const Insn& i) {
    unsigned n = c.m_regs[kEcx] & 31;   // SDM: the count is masked to 5 bits
    if (n == 0) return;                 // and a zero count affects no flag
    set_reg<T>(c, i.r1, Op::run(c, get_reg<T>(c, i.r1), n));
}
template <typename Op, typename T> void sh_m_cl(Cpu& c, const Insn& i) {
    unsigned n = c.m_regs[kEcx] & 31;
    uint32_t a = effective_address(c, i);
    T v = load<T>(c, a);
    if (n == 0) return;
    store<T>(c, a, Op::run(c, v, n));
}
// imm forms: the selector masked the count and routed a zero count to the no-op forms.
template <typename Op, typename T, bool Flags = true, typename R = RegsFromRecord> void sh_r_i(Cpu& c, const Insn& i) {
    if constexpr (Flags) set_reg<T>(c, R::r1(i), Op::run(c, get_reg<T>(c, R::r1(i)), i.imm));
    else set_reg<T>(c, R::r1(i), Op::template value<T>(get_reg<T>(c, R::r1(i)), i.imm));
}
template <typename Op, typename T> void sh_m_i(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    store<T>(c, a, Op::run(c, load<T>(c, a), i.imm));
}
void sh_nop(Cpu&, const Insn&) {}
// A zero immediate count on memory still reads the operand (its fault is the instruction's).
template <typename T> void sh_m_touch(Cpu& c, const Insn& i) { (void)load<T>(c, effective_address(c, i)); }

inline bool is_cl(const OperandDesc& o) { return is_gpr(o) && o.bits == 8 && o.reg_offset == 4; }

template <typename Op, typename T> Handler pick_shift(bool reg, bool by_cl, unsigned n) {
    if (by_cl) return reg ? sh_r_cl<Op, T> : sh_m_cl<Op, T>;
    if (n == 0) return reg ? sh_nop : sh_m_touch<T>;
    return reg ? sh_r_i<Op, T> : sh_m_i<Op, T>;
}

// Zydis lists the count of the by-1 forms (D0/D1) as a visible immediate 1, so every form has two
// operands: r/m and CL or imm.
template <typename Op> bool select_shift(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    bool reg = is_gpr(a);
    if (reg) rec.r1 = a.reg_offset;
    else if (is_mem(a)) fill_mem(rec, a);
    else return false;
    bool by_cl = is_cl(b);
    if (!by_cl && !is_imm(b)) return false;
    unsigned n = by_cl ? 0 : (b.imm & 31);
    rec.imm = n;
    switch (a.bits) {
    case 8: rec.fn = pick_shift<Op, uint8_t>(reg, by_cl, n); return true;
    case 16: rec.fn = pick_shift<Op, uint16_t>(reg, by_cl, n); return true;
    case 32: rec.fn = pick_shift<Op, uint32_t>(reg, by_cl, n); return true;
    default: return false;
    }
}

// SHLD/SHRD: `n` masked to 5 bits and non-zero; AF set as for the plain shifts (host).
// 32-bit: the SDM semantics (count < 32 always holds after masking).
inline uint32_t shld32(Cpu& c, uint32_t d, uint32_t s, unsigned n) {
    uint32_t r = (d << n) | (s >> (32 - n));
    set_shift_flags(c, r, (d >> (32 - n)) & 1, msb(r));   // OF = MSB(r) ^ CF
    return r;
}
inline uint32_t shrd32(Cpu& c, uint32_t d, uint32_t s, unsigned n) {
    uint32_t r = (d >> n) | (s << (32 - n));
    uint32_t cf = (d >> (n - 1)) & 1;
    set_shift_flags(c, r, cf, cf ^ msb(r) ^ msb2(r));   // OF = MSB(r) ^ (MSB-1)(r)
    return r;
}
// 16-bit with a count above 16 is undefined (SDM Vol.2B SHLD "the result is undefined"); this
// host returns the source rotated by count-16 with CF = 0, and OF = 0 (SHLD) or the usual
// MSB ^ (MSB-1) (SHRD). At exactly 16 SHLD reports OF = CF.
inline uint16_t shld16(Cpu& c, uint16_t d, uint16_t s, unsigned n) {
    if (n < 16) {
        uint16_t r = uint16_t((d << n) | (s >> (16 - n)));
        set_shift_flags(c, r, uint32_t(d >> (16 - n)) & 1, msb(r));
        return r;
    }
    if (n == 16) {
        set_shift_flags(c, s, d & 1u, 0);
        return s;
    }
    uint16_t r = std::rotl(s, int(n - 16));
    set_shift_flags(c, r, 0, 0);
    return r;
}
inline uint16_t shrd16(Cpu& c, uint16_t d, uint16_t s, unsigned n) {
    uint16_t r;
    uint32_t cf;
    if (n <= 16) {
        r = uint16_t((uint32_t(d) >> n) | (uint32_t(s) << (16 - n)));
        cf = (uint32_t(d) >> (n - 1)) & 1;
    } else {
        r = std::rotr(s, int(n - 16));
        cf = 0;
    }
    set_shift_flags(c, r, cf, cf ^ msb(r) ^ msb2(r));
    return r;
}

struct Shld {
    static uint32_t run(Cpu& c, uint32_t d, uint32_t s, unsigned n) { return shld32(c, d, s, n); }
    static uint16_t run(Cpu& c, uint16_t d, uint16_t s, unsigned n) { return shld16(c, d, s, n); }
};
struct Shrd {
    static uint32_t run(Cpu& c, uint32_t d, uint32_t s, unsigned n) { return shrd32(c, d, s, n); }
    static uint16_t run(Cpu& c, uint16_t d, uint16_t s, unsigned n) { return shrd16(c, d, s, n); }
};

// Forms: destination in r1 (register) or memory, source register in r2.
template <typename Op, typename T> void shd_r_cl(Cpu& c, const Insn& i) {
    unsigned n = c.m_regs[kEcx] & 31;
    if (n == 0) return;
    set_reg<T>(c, i.r1, Op::run(c, get_reg<T>(c, i.r1), get_reg<T>(c, i.r2), n));
}
template <typename Op, typename T> void shd_m_cl(Cpu& c, const Insn& i) {
    unsigned n = c.m_regs[kEcx] & 31;
    uint32_t a = effective_address(c, i);
    T v = load<T>(c, a);
    if (n == 0) return;
    store<T>(c, a, Op::run(c, v, get_reg<T>(c, i.r2), n));
}
template <typename Op, typename T> void shd_r_i(Cpu& c, const Insn& i) {
    set_reg<T>(c, i.r1, Op::run(c, get_reg<T>(c, i.r1), get_reg<T>(c, i.r2), i.imm));
}
template <typename Op, typename T> void shd_m_i(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    store<T>(c, a, Op::run(c, load<T>(c, a), get_reg<T>(c, i.r2), i.imm));
}

template <typename Op, typename T> Handler pick_shd(bool reg, bool by_cl, unsigned n) {
    if (by_cl) return reg ? shd_r_cl<Op, T> : shd_m_cl<Op, T>;
    if (n == 0) return reg ? sh_nop : sh_m_touch<T>;
    return reg ? shd_r_i<Op, T> : shd_m_i<Op, T>;
}

template <typename Op> bool select_shd(const InsnDesc& d, Insn& rec) {
    if (d.nops != 3) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& s = d.ops[1];
    const OperandDesc& k = d.ops[2];
    if (!is_gpr(s)) return false;
    rec.r2 = s.reg_offset;
    bool reg = is_gpr(a);
    if (reg) rec.r1 = a.reg_offset;
    else if (is_mem(a)) fill_mem(rec, a);
    else return false;
    bool by_cl = is_cl(k);
    if (!by_cl && !is_imm(k)) return false;
    unsigned n = by_cl ? 0 : (k.imm & 31);
    rec.imm = n;
    switch (a.bits) {
    case 16: rec.fn = pick_shd<Op, uint16_t>(reg, by_cl, n); return true;
    case 32: rec.fn = pick_shd<Op, uint32_t>(reg, by_cl, n); return true;
    default: return false;
    }
}

// Fused pair (threading.h): mov %src,%dst ; <shift or rotate> $n,%dst, the way compilers form a
// rotated copy (SHA-2's Σ functions are three of them). Fields: the mov's (r1 = dst, r2 = src),
// and the count in imm, which mov_r_r ignores.
template <typename Op, bool F, typename R = RegsFromRecord> void copy_then_shift(Cpu& c, const Insn& i) {
    uint32_t v = get_reg<uint32_t>(c, R::r2(i));
    if constexpr (F) set_reg<uint32_t>(c, R::r1(i), Op::run(c, v, i.imm));
    else set_reg<uint32_t>(c, R::r1(i), Op::template value<uint32_t>(v, i.imm));
}
// One instantiation per (dst, src), as for the fixed-register twins (fixed_regs.h).
template <typename Op, bool F> struct CopyThenShift {
    template <typename R> static constexpr Handler fn = copy_then_shift<Op, F, R>;
};
template <typename Op, bool F> const ThreadedForms* fit_copy_then_shift(Insn& mov, const Insn& shift) {
    if (shift.r1 != mov.r1 || mov.r1 % 4 || mov.r2 % 4) return nullptr;
    mov.imm = shift.imm;
    return &kTwoRegPairTable<CopyThenShift<Op, F>>[mov.r1 / 4 * 8 + mov.r2 / 4];
}
template <typename Op, bool F> void register_copy_then_shift() {
    const auto& table = kTwoRegPairTable<CopyThenShift<Op, F>>;
    register_fused_pair(mov32_reg_from_reg(), sh_r_i<Op, uint32_t, F>, fit_copy_then_shift<Op, F>, table.data(),
                        table.size());
}

// The 32-bit immediate forms as Forms for their fixed-register twins (cpu/fixed_regs.h).
template <typename Op, bool F> struct ShiftRI {
    template <typename R> static constexpr Handler fn = sh_r_i<Op, uint32_t, F, R>;
};

}  // namespace

template <typename Op, typename T> void register_threaded_shift() {
    register_pure_handlers<sh_r_i<Op, T>, sh_r_cl<Op, T>>();
    register_threaded_handlers<sh_m_i<Op, T>, sh_m_cl<Op, T>>();
}
template <typename Op, typename T> void register_flagless_shift() {
    register_pure_handlers<sh_r_i<Op, T, false>>();
    register_flagless_twin(sh_r_i<Op, T>, sh_r_i<Op, T, false>);
    if constexpr (sizeof(T) == 4) {
        register_one_reg_twins<ShiftRI<Op, true>, ShiftRI<Op, false>>();
        register_copy_then_shift<Op, true>();
        register_copy_then_shift<Op, false>();
    }
}
template <typename... Ops> void register_threaded_shifts() {
    (register_threaded_shift<Ops, uint8_t>(), ...);
    (register_threaded_shift<Ops, uint16_t>(), ...);
    (register_threaded_shift<Ops, uint32_t>(), ...);
    (register_flagless_shift<Ops, uint8_t>(), ...);
    (register_flagless_shift<Ops, uint16_t>(), ...);
    (register_flagless_shift<Ops, uint32_t>(), ...);
}

void register_shift() {
    register_threaded_shifts<Shl, Shr, Sar, Rol, Ror>();
    register_threaded_handlers<shd_r_i<Shld, uint32_t>, shd_r_cl<Shld, uint32_t>, shd_r_i<Shrd, uint32_t>,
                               shd_r_cl<Shrd, uint32_t>>();
    register_selector(Mn::SHL, select_shift<Shl>);
    register_selector(Mn::SHR, select_shift<Shr>);
    register_selector(Mn::SAR, select_shift<Sar>);
    register_selector(Mn::ROL, select_shift<Rol>);
    register_selector(Mn::ROR, select_shift<Ror>);
    register_selector(Mn::RCL, select_shift<Rcl>);
    register_selector(Mn::RCR, select_shift<Rcr>);
    register_selector(Mn::SHLD, select_shd<Shld>);
    register_selector(Mn::SHRD, select_shd<Shrd>);
}

}  // namespace gate386
