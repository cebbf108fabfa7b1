// Dead-flag elimination at decode time (ARCHITECTURE.md, hot path 5): an instruction whose
// arithmetic flags are overwritten, before anything reads them, by a later instruction of the same
// block runs a twin handler that skips the lazy-flag update.
#pragma once
#include <cstddef>
#include <cstdint>
#include "cpu/insn.h"
#include "cpu/insn_desc.h"

namespace gate386 {

// How an instruction touches CF PF AF ZF SF OF, as two 6-bit masks: flags it reads (or keeps
// through the lazy state, as INC keeps CF) and flags it always overwrites. Instructions the table
// does not know read every flag and write none, which keeps every earlier flag update.
struct FlagEffect {
    uint8_t reads;
    uint8_t writes;
};
FlagEffect flag_effect(Mn mn);
// The same for a decoded instruction: one that accesses memory may fault, and a fault must show
// the guest's signal handler the flags as they were, so it counts as reading them all.
FlagEffect flag_effect(const InsnDesc& d);

// Families register the flag-free twin of each flag-producing handler.
void register_flagless_twin(Handler with_flags, Handler without_flags);

// Backward liveness over one block; flags are live at the block's end (its successors may read
// any of them). Swaps handlers whose every written flag is dead for their twins.
void drop_dead_flags(Insn* records, const FlagEffect* effects, size_t count);

}  // namespace gate386
