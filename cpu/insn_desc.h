// A decoder-neutral description of one instruction: what cpu/decoder.cpp extracts from Zydis and
// hands to the family selectors, so that only the decoder includes Zydis.
#pragma once
#include <cstdint>
#include "cpu/insn.h"
#include "cpu/mnemonics.h"

namespace gate386 {

enum class RegClass : uint8_t { None, Gpr8, Gpr16, Gpr32, Seg, X87, Mmx, Xmm, Other };

struct OperandDesc {
    enum class Kind : uint8_t { None, Reg, Mem, Imm, Ptr };
    Kind kind = Kind::None;
    uint16_t bits = 0;          // operand size in bits
    // Reg
    RegClass rclass = RegClass::None;
    uint8_t reg = 0;            // 0..7 within its class
    uint8_t reg_offset = 0;     // byte offset into Cpu::m_regs for general registers
    // Mem
    uint8_t base = kZeroReg, index = kZeroReg, scale = 0, seg = kSegFlat;
    bool addr16 = false;        // 16-bit addressing (0x67): wraps at 64 KiB
    bool seg_other = false;     // an override other than fs/gs/ds/es/ss/cs (none on Linux)
    uint32_t disp = 0;
    // Imm: the value sign- or zero-extended as the instruction defines, truncated to 32 bits;
    // for relative branches, the absolute target.
    uint32_t imm = 0;
    bool imm_relative = false;
    // Ptr (far pointer)
    uint16_t ptr_seg = 0;
};

struct InsnDesc {
    Mn mn = Mn::Count;
    uint32_t eip = 0;
    uint8_t len = 0;
    uint8_t opsize = 32;        // effective operand size
    uint8_t addrsize = 32;
    bool rep = false, repe = false, repne = false, lock = false;
    uint8_t opcode = 0;         // the primary opcode byte
    uint8_t opcode_map = 0;     // 0 = one-byte map, 1 = 0F, 2 = 0F38, 3 = 0F3A
    uint8_t modrm_reg = 0;      // ModRM.reg when present
    uint8_t nops = 0;           // explicit operands
    OperandDesc ops[4];
    uint8_t bytes[16] = {};
};

// Selectors fill the record (fn and operand fields); they return false for a form they do not
// implement, which the decoder turns into a named SIGILL.
using Selector = bool (*)(const InsnDesc&, Insn&);

void register_selector(Mn mn, Selector s);
// For a mnemonic Zydis shares between two instructions (MOVSD, CMPSD): tried after the selector
// registered with register_selector() rejects the form.
void register_secondary_selector(Mn mn, Selector s);
Selector selector_for(Mn mn);

// Helpers for selectors.
inline void fill_mem(Insn& i, const OperandDesc& m) {
    i.base = m.base; i.index = m.index; i.scale = m.scale; i.seg = m.seg; i.disp = m.disp;
}
inline bool is_reg(const OperandDesc& o) { return o.kind == OperandDesc::Kind::Reg; }
inline bool is_mem(const OperandDesc& o) { return o.kind == OperandDesc::Kind::Mem; }
inline bool is_imm(const OperandDesc& o) { return o.kind == OperandDesc::Kind::Imm; }
inline bool is_gpr(const OperandDesc& o) {
    return is_reg(o) && (o.rclass == RegClass::Gpr8 || o.rclass == RegClass::Gpr16 ||
                         o.rclass == RegClass::Gpr32);
}

// Picks H<uint8_t>, H<uint16_t> or H<uint32_t> by operand width.
template <template <typename> class H> inline Handler by_width(unsigned bits) {
    switch (bits) {
    case 8: return &H<uint8_t>::run;
    case 16: return &H<uint16_t>::run;
    case 32: return &H<uint32_t>::run;
    default: return nullptr;
    }
}

// Every family's registration function; handler_registry.cpp calls them all once.
void register_all_selectors();

}  // namespace gate386
