// Records that end a block without executing an instruction: invalid or unimplemented opcodes,
// fetch faults, fall-through continuation; and the 16-bit addressing wrapper.
#pragma once
#include <string>
#include "cpu/insn.h"
#include "cpu/insn_desc.h"

namespace gate386 {

void insn_invalid(Cpu& c, const Insn& i);          // #UD → SIGILL, ILL_ILLOPN
void insn_unimplemented(Cpu& c, const Insn& i);    // loud: names the instruction, then SIGILL
void insn_fetch_fault(Cpu& c, const Insn& i);      // instruction bytes run into an unmapped page
void insn_continue_at(Cpu& c, const Insn& i);      // EIP = imm (block cut short)
void insn_skip(Cpu& c, const Insn& i);             // does nothing: a retired record of a stale block

void record_unimplemented(uint32_t eip, const std::string& text);
// Re-routes a record whose memory operand uses 16-bit addressing through a wrapper that computes
// the wrapped 16-bit offset (SDM Vol.2 2.1.5, Table 2-1).
bool wrap_addr16(const InsnDesc& d, Insn& rec);

}  // namespace gate386
