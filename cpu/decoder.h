// Decoding guest code into DecodedBlocks (the only place that knows Zydis).
#pragma once
#include <cstdint>
#include <string>
#include "cpu/insn.h"

namespace gate386 {

class GuestMemory;

struct DecodeFailure {
    int signo = 0;       // SIGSEGV when the entry itself cannot be fetched
    int si_code = 0;
    uint32_t addr = 0;
};

// Decodes straight-line code at `eip` into a new block (caller owns it: free with free_block).
// Returns nullptr and fills `fail` when not even the first instruction can be fetched.
DecodedBlock* decode_block(GuestMemory& mem, uint32_t eip, DecodeFailure& fail);
void free_block(DecodedBlock* b);

// Disassembles one instruction for people (debugger, error messages). Returns its length, 0 when
// the bytes are not a valid instruction.
unsigned disassemble(const uint8_t* bytes, unsigned avail, uint32_t eip, bool att, std::string& text);

}  // namespace gate386
