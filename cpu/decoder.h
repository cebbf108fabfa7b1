// Decoding guest code into DecodedBlocks (the only place that knows Zydis).
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include "cpu/cpu_model.h"
#include "cpu/insn.h"

namespace gate386 {

class GuestMemory;

// What the CPU model decides at decode time (nothing of it costs anything at run time):
// which instruction-set extensions exist (others decode into a SIGILL record, as the chip raises
// #UD) and what each instruction class costs. A block's summed cost goes to `cost_sink`; with a
// `recorder` (gate386 compare) the block instead counts its executions into a per-block class
// histogram that outlives the block, so one run can be priced under every model afterwards.
struct BlockClassProfile {
    uint64_t executions = 0;
    uint32_t count[kInsnClassCount] = {};
    uint32_t mcycles = 0;        // the block's price under the recording model
};
struct ClassRecorder {
    std::deque<BlockClassProfile> blocks;
    // Executed instructions per class over the whole run.
    void totals(uint64_t out[kInsnClassCount]) const;
    // User cycles so far under the recording model (milli-cycles): what RDTSC adds while recording.
    uint64_t priced_mcycles() const;
};
struct DecodeContext {
    uint32_t isa = ~0u;                               // IsaFeature bits the model executes
    uint32_t class_mcycles[kInsnClassCount] = {};     // user cost per class, milli-cycles
    uint64_t* cost_sink = nullptr;                    // nullptr: costs go nowhere
    ClassRecorder* recorder = nullptr;
};

struct DecodeFailure {
    int signo = 0;       // SIGSEGV when the entry itself cannot be fetched
    int si_code = 0;
    uint32_t addr = 0;
};

// Decodes straight-line code at `eip` into a new block (caller owns it: free with free_block).
// Returns nullptr and fills `fail` when not even the first instruction can be fetched.
DecodedBlock* decode_block(GuestMemory& mem, uint32_t eip, DecodeFailure& fail,
                           const DecodeContext* ctx = nullptr);
void free_block(DecodedBlock* b);

// Disassembles one instruction for people (debugger, error messages). Returns its length, 0 when
// the bytes are not a valid instruction.
unsigned disassemble(const uint8_t* bytes, unsigned avail, uint32_t eip, bool att, std::string& text);

}  // namespace gate386
