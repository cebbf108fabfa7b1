// Lazy arithmetic flags.
//
// A flag-producing instruction stores two words instead of six bits:
//   m_lf_res  the result sign-extended to 32 bits: ZF = (res == 0), SF = bit 31, PF from the low byte;
//   m_lf_aux  bit 31 = CF, bit 30 = CF ^ OF, bit 4 = SF delta, bits 8..15 = parity delta, bit 3 = AF.
// The carry vector of an add, (a & b) | ((a | b) & ~r), holds the carry out of every bit: CF is its
// top bit, OF is carry-into-top ^ carry-out-of-top, AF is the carry out of bit 3 (SDM Vol.1 3.4.3.1).
// The deltas let any combination of flags be represented (POPF, SAHF, rotates keep SF/ZF/PF).
#pragma once
#include <bit>
#include <cstdint>
#include "cpu/cpu_state.h"

namespace gate386 {

template <typename T> constexpr unsigned kBits = sizeof(T) * 8;

template <typename T> inline uint32_t sign_extend(T v) {
    using S = std::make_signed_t<T>;
    return static_cast<uint32_t>(static_cast<int32_t>(static_cast<S>(v)));
}

// Pack a carry (or borrow) vector of a W-bit operation into the aux word.
template <typename T> inline uint32_t pack_carries(uint32_t cv) {
    return ((cv << (32 - kBits<T>)) & 0xC0000000u) | (cv & 8u);
}

template <typename T> inline void set_flags_add(Cpu& c, T a, T b, T r) {
    uint32_t cv = (uint32_t(a) & uint32_t(b)) | ((uint32_t(a) | uint32_t(b)) & ~uint32_t(r));
    c.m_lf_res = sign_extend(r);
    c.m_lf_aux = pack_carries<T>(cv);
}
template <typename T> inline void set_flags_sub(Cpu& c, T a, T b, T r) {
    uint32_t bv = (~uint32_t(a) & uint32_t(b)) | (~(uint32_t(a) ^ uint32_t(b)) & uint32_t(r));
    c.m_lf_res = sign_extend(r);
    c.m_lf_aux = pack_carries<T>(bv);
}
template <typename T> inline void set_flags_logic(Cpu& c, T r) {
    c.m_lf_res = sign_extend(r);
    c.m_lf_aux = 0;
}

inline bool flag_cf(const Cpu& c) { return c.m_lf_aux >> 31; }
inline bool flag_of(const Cpu& c) { return ((c.m_lf_aux >> 31) ^ (c.m_lf_aux >> 30)) & 1; }
inline bool flag_af(const Cpu& c) { return (c.m_lf_aux >> 3) & 1; }
inline bool flag_zf(const Cpu& c) { return c.m_lf_res == 0; }
inline bool flag_sf(const Cpu& c) { return ((c.m_lf_res >> 31) ^ (c.m_lf_aux >> 4)) & 1; }
inline bool flag_pf(const Cpu& c) {
    return !(std::popcount((c.m_lf_res ^ (c.m_lf_aux >> 8)) & 0xffu) & 1);
}

// Keep the result-derived flags (SF ZF PF AF) and replace CF and OF: rotates, BT, some BCD ops.
inline void set_cf_of(Cpu& c, bool cf, bool of) {
    c.m_lf_aux = (c.m_lf_aux & 0x3fffffffu) | (uint32_t(cf) << 31) | (uint32_t(cf ^ of) << 30);
}
inline void set_cf(Cpu& c, bool cf) { set_cf_of(c, cf, flag_of(c)); }

// Represent an arbitrary set of arithmetic flags (POPF, SAHF, explicit updates).
inline void set_arith_flags(Cpu& c, uint32_t eflags) {
    bool cf = eflags & kFlagCF, pf = eflags & kFlagPF, af = eflags & kFlagAF;
    bool zf = eflags & kFlagZF, sf = eflags & kFlagSF, of = eflags & kFlagOF;
    c.m_lf_res = zf ? 0u : 0x100u;            // low byte 0 (even parity), bit 31 clear
    c.m_lf_aux = (uint32_t(cf) << 31) | (uint32_t(cf ^ of) << 30) | (uint32_t(sf) << 4) |
                 (uint32_t(af) << 3) | (pf ? 0u : 0x100u);
}

inline uint32_t read_arith_flags(const Cpu& c) {
    return (flag_cf(c) ? kFlagCF : 0) | (flag_pf(c) ? kFlagPF : 0) | (flag_af(c) ? kFlagAF : 0) |
           (flag_zf(c) ? kFlagZF : 0) | (flag_sf(c) ? kFlagSF : 0) | (flag_of(c) ? kFlagOF : 0);
}
inline uint32_t read_eflags(const Cpu& c) { return read_arith_flags(c) | c.m_eflags_rest; }

// Condition codes in the encoding order of Jcc/SETcc/CMOVcc (SDM Vol.1 Appendix B).
enum Cond : uint8_t { kO, kNO, kB, kNB, kZ, kNZ, kBE, kNBE, kS, kNS, kP, kNP, kL, kNL, kLE, kNLE };

template <Cond C> inline bool test_cond(const Cpu& c) {
    if constexpr (C == kO) return flag_of(c);
    else if constexpr (C == kNO) return !flag_of(c);
    else if constexpr (C == kB) return flag_cf(c);
    else if constexpr (C == kNB) return !flag_cf(c);
    else if constexpr (C == kZ) return flag_zf(c);
    else if constexpr (C == kNZ) return !flag_zf(c);
    else if constexpr (C == kBE) return flag_cf(c) || flag_zf(c);
    else if constexpr (C == kNBE) return !flag_cf(c) && !flag_zf(c);
    else if constexpr (C == kS) return flag_sf(c);
    else if constexpr (C == kNS) return !flag_sf(c);
    else if constexpr (C == kP) return flag_pf(c);
    else if constexpr (C == kNP) return !flag_pf(c);
    else if constexpr (C == kL) return flag_sf(c) != flag_of(c);
    else if constexpr (C == kNL) return flag_sf(c) == flag_of(c);
    else if constexpr (C == kLE) return flag_zf(c) || (flag_sf(c) != flag_of(c));
    else return !flag_zf(c) && (flag_sf(c) == flag_of(c));
}

}  // namespace gate386
