// Base-plus-displacement twins of memory handlers (insn.h, Ea): a family registers the twin of
// each hot memory form, and the decoder swaps it in for records whose operand has no index
// register and no segment base. The twin computes the same address with fewer loads.
#pragma once
#include <cstddef>
#include "cpu/insn.h"

namespace gate386 {

void register_base_disp_twin(Handler full, Handler base_disp);

// Swaps in the twin of every record whose operand is base + displacement in a flat segment.
void use_base_disp_forms(Insn* records, size_t count);

}  // namespace gate386
