// The predecoded instruction record and the decoded block (ARCHITECTURE.md, hot path 1).
#pragma once
#include <cstdint>
#include <cstring>
#include "cpu/cpu_state.h"

namespace gate386 {

struct Insn;
using Handler = void (*)(Cpu&, const Insn&);

// One decoded instruction: the handler chosen at decode time plus pre-extracted operands.
// Register operands are byte offsets into Cpu::m_regs (so AH = 1, CX = 4, EDI = 28).
struct Insn {
    Handler fn;
    uint32_t eip;
    uint32_t disp;    // memory displacement
    uint32_t imm;     // immediate, branch target, or second immediate source
    uint32_t imm2;    // ENTER level, ret imm16, far-pointer selector, ...
    uint8_t len;      // instruction length in bytes
    uint8_t base;     // Gpr index of the base register (kZeroReg when absent)
    uint8_t index;    // Gpr index of the index register (kZeroReg when absent)
    uint8_t scale;    // shift count: 0..3
    uint8_t seg;      // SegSlot
    uint8_t r1;       // first register operand (reg field or destination), byte offset
    uint8_t r2;       // second register operand (r/m when it is a register), byte offset
    uint8_t aux;      // family-specific: condition code, repeat kind, width, ...
};
static_assert(sizeof(Insn) == 32, "the decoded record must stay 32 bytes");

// Straight-line code up to and including the first instruction that can change EIP.
struct DecodedBlock {
    uint32_t entry = 0;
    uint32_t end = 0;             // address after the last instruction
    uint32_t count = 0;           // records, including a trailing fall-through record
    uint32_t guest_insns = 0;     // guest instructions (what retires when the block completes)
    uint32_t epoch = 0;           // cache epoch when decoded (invalidation bumps the global epoch)
    // Modelled user-code cost of the whole block in milli-cycles, priced at decode time from the
    // CPU model's instruction classes; the run loop adds it to *cost_sink once per execution.
    uint32_t user_cost = 0;
    uint64_t executions = 0;      // kept only when statistics are on
    uint64_t* cost_sink = nullptr;
    // Successor cache for chaining: the last two distinct next-EIPs and their blocks.
    uint32_t succ_eip[2] = {0, 0};
    DecodedBlock* succ[2] = {nullptr, nullptr};
    Insn insns[1];                // really `count` records (allocated in place)
};

// Register-file access by byte offset (little-endian host, SDM Vol.1 3.4.1 sub-registers).
template <typename T> inline T get_reg(const Cpu& c, uint8_t off) {
    T v; std::memcpy(&v, reinterpret_cast<const uint8_t*>(c.m_regs) + off, sizeof(T)); return v;
}
template <typename T> inline void set_reg(Cpu& c, uint8_t off, T v) {
    std::memcpy(reinterpret_cast<uint8_t*>(c.m_regs) + off, &v, sizeof(T));
}

// Effective address: branch-free thanks to the zero register slot.
inline uint32_t effective_address(const Cpu& c, const Insn& i) {
    return i.disp + c.m_regs[i.base] + (c.m_regs[i.index] << i.scale) + c.m_seg_base[i.seg];
}

// Where a handler finds its register operands: the record's fields, or constants in the
// fixed-register twins of the hot 32-bit forms (cpu/fixed_regs.h), which spare the loads of the
// operand fields. Offsets are byte offsets into Cpu::m_regs; the base is a Gpr index.
struct RegsFromRecord {
    static uint8_t r1(const Insn& i) { return i.r1; }
    static uint8_t r2(const Insn& i) { return i.r2; }
    static uint8_t base(const Insn& i) { return i.base; }
};
template <uint8_t R1, uint8_t R2, uint8_t Base = kZeroReg> struct FixedRegs {
    static constexpr uint8_t r1(const Insn&) { return R1; }
    static constexpr uint8_t r2(const Insn&) { return R2; }
    static constexpr uint8_t base(const Insn&) { return Base; }
};

// Most memory operands are in a flat segment (no %fs/%gs), and most of those have no index
// register: the hot memory handlers have twins for those forms that skip the segment base (and
// the index), swapped in at decode time (cpu/ea_forms.h).
enum class Ea : uint8_t { Full, BaseDisp, BaseIndex };
template <Ea E, typename R = RegsFromRecord> inline uint32_t ea(const Cpu& c, const Insn& i) {
    if constexpr (E == Ea::BaseDisp) return i.disp + c.m_regs[R::base(i)];
    else if constexpr (E == Ea::BaseIndex) return i.disp + c.m_regs[R::base(i)] + (c.m_regs[i.index] << i.scale);
    else return effective_address(c, i);
}

template <typename T> inline T load(const Cpu& c, uint32_t a) {
    T v; std::memcpy(&v, c.m_mem + a, sizeof(T)); return v;
}
template <typename T> inline void store(Cpu& c, uint32_t a, T v) {
    std::memcpy(c.m_mem + a, &v, sizeof(T));
}

// The store happens before ESP moves, so a push that faults leaves ESP as it was.
inline void push32(Cpu& c, uint32_t v) {
    uint32_t sp = c.m_regs[kEsp] - 4;
    store<uint32_t>(c, sp, v);
    c.m_regs[kEsp] = sp;
}
inline uint32_t pop32(Cpu& c) {
    uint32_t v = load<uint32_t>(c, c.m_regs[kEsp]);
    c.m_regs[kEsp] += 4;
    return v;
}

// Raise a synchronous guest exception from inside a handler: never returns (run_loop.cpp).
[[noreturn]] void raise_fault(Cpu& c, int signo, int si_code, uint32_t addr);

}  // namespace gate386
