// Finding the decoded block to run, shared by the run loop (run_loop.cpp) and the debugger's loop
// body (debugger.cpp): dropping blocks whose pages were written, finding or decoding a block, and
// the bookkeeping after a fault inside a block.
#pragma once
#include <cstdint>

namespace gate386 {

struct Process;
struct Cpu;
struct DecodedBlock;

// Pages written since their code was decoded: drop their blocks before running anything else.
void flush_dirty_code(Process& p);

// The cached block at `eip`, decoded and cached now if there is none; an address that cannot be
// fetched raises the guest fault (longjmp to the caller's landing pad).
DecodedBlock* block_at(Process& p, uint32_t eip);

// At a fault's landing pad: the instructions after the faulting record did not retire, and EIP is
// the faulting instruction's. Clears the event and the running block.
void retire_to_faulting_record(Cpu& c);

}  // namespace gate386
