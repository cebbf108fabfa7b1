// The x87 FPU state (SDM Vol.1 8.1) as the interpreter keeps it, and the MMX view of it.
//
// Data registers are stored by physical number R0..R7; ST(i) is R((TOP + i) mod 8). Each holds the
// 80-bit double-extended value in the layout of the host's `long double` (x86-64 long double IS the
// 80-bit format, SDM Vol.1 4.2.2), so arithmetic runs on the host x87 on the very same bits. MMX
// register MMk is the 64-bit significand of Rk (SDM Vol.1 9.5).
//
// Only "empty / not empty" is kept per register (the abridged tag of FXSAVE, SDM Vol.1 10.5.1.1):
// the full 2-bit tag that FNSTENV/FNSAVE store is recomputed from the contents, as P6 and later
// processors do (SDM Vol.1 8.1.7). TOP is kept apart from the status word and merged when stored.
#pragma once
#include <cstdint>

namespace gate386 {

// One data register: significand (with the explicit integer bit 63), then sign and exponent.
struct alignas(16) F80 {
    uint64_t mant = 0;
    uint16_t se = 0;
    uint16_t pad[3] = {};
};
static_assert(sizeof(F80) == 16);

// Status word bits (SDM Vol.1 8.1.3).
constexpr uint16_t kFswIE = 1u << 0, kFswDE = 1u << 1, kFswZE = 1u << 2, kFswOE = 1u << 3,
                   kFswUE = 1u << 4, kFswPE = 1u << 5, kFswSF = 1u << 6, kFswES = 1u << 7,
                   kFswC0 = 1u << 8, kFswC1 = 1u << 9, kFswC2 = 1u << 10, kFswTop = 7u << 11,
                   kFswC3 = 1u << 14, kFswB = 1u << 15;
constexpr uint16_t kFswExceptions = 0x3f;
constexpr uint16_t kFswCond = kFswC0 | kFswC1 | kFswC2 | kFswC3;

// Control word after FNINIT and at process start (SDM Vol.1 8.1.5, Table 8-2).
constexpr uint16_t kFcwDefault = 0x037f;
// What a loaded control word keeps: the masks, PC, RC and the obsolete IC bit; bit 6 reads as 1,
// bits 7 and 13..15 as 0 (SDM Vol.1 Figure 8-6; observed with FLDCW/FNSTCW on this host).
inline uint16_t x87_loaded_cw(uint16_t v) { return uint16_t((v & 0x1f3f) | 0x0040); }

struct X87State {
    F80 r[8];                 // R0..R7 by physical number
    uint16_t cw = kFcwDefault;
    uint16_t sw = 0;          // status word with the TOP field kept zero (see `top`)
    uint8_t top = 0;          // TOP, 0..7
    uint8_t valid = 0;        // bit k set: Rk is not empty
    uint16_t fop = 0;         // last non-control instruction's opcode, 11 bits (SDM Vol.1 8.1.10)
    uint32_t fip = 0;         // its address
    uint32_t fdp = 0;         // the offset of its memory operand, when it had one
    uint16_t fcs = 0, fds = 0;

    uint16_t status_word() const { return uint16_t((sw & ~kFswTop) | (unsigned(top) << 11)); }
};

// The full tag of one register, computed from its contents as FNSTENV does (SDM Vol.1 8.1.7):
// 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unsupported), 3 empty.
unsigned x87_tag_of(const F80& v);
uint16_t x87_full_tag_word(const X87State& x);
// Empty/non-empty bits from a full tag word (FLDENV, FRSTOR: only "empty" is honoured).
uint8_t x87_valid_from_tag_word(uint16_t tw);

// FPU state images in guest memory layouts, for FNSTENV/FNSAVE/FXSAVE and their loads, and for
// the signal frames that carry the FPU state (the kernel's struct _fpstate_32).
struct Cpu;
// 28-byte 32-bit protected-mode environment (SDM Vol.1 Figure 8-9).
void x87_store_env(const Cpu& c, uint8_t out[28]);
void x87_load_env(Cpu& c, const uint8_t in[28]);
// 108-byte FNSAVE image: the environment, then ST(0)..ST(7) (SDM Vol.1 Figure 8-10).
void x87_store_fsave(const Cpu& c, uint8_t out[108]);
void x87_load_fsave(Cpu& c, const uint8_t in[108]);
// 512-byte FXSAVE image, 32-bit layout (SDM Vol.1 Table 10-2). Bytes 288..511 are left alone.
void fxsave_image(const Cpu& c, uint8_t out[512]);
// Returns false (and changes nothing) when the image's MXCSR has reserved bits set: #GP.
bool fxrstor_image(Cpu& c, const uint8_t in[512]);
// FNINIT (SDM Vol.2A FINIT): control 0x37f, status 0, all tags empty, pointers zero.
void x87_reset(Cpu& c);

// The x87 handlers keep track of the host FPU's condition codes and sticky exception flags
// (x87_internal.h). Host code that itself runs x87 instructions between guest instructions (a
// long double conversion in a debugger view, ...) must call this afterwards, or use
// x87_value_as_double(), which does.
void x87_host_state_changed();
// A register's value as a double for display (rounded to nearest), computed on the host x87.
double x87_value_as_double(const F80& v);

}  // namespace gate386
