// Flat-segment twins of memory handlers (insn.h, Ea): a family registers the twins of each hot
// memory form, and the decoder swaps one in for records whose operand has no segment base (and,
// for the base+displacement twin, no index register). The twin computes the same address with
// fewer loads.
#pragma once
#include <cstddef>
#include "cpu/insn.h"

namespace gate386 {

void register_base_disp_twin(Handler full, Handler base_disp);
// The twin for an operand with an index register in a flat segment (Ea::BaseIndex).
void register_base_index_twin(Handler full, Handler base_index);

// Swaps in the twin of every record whose operand is in a flat segment: base + displacement, or
// base + index * scale + displacement.
void use_base_disp_forms(Insn* records, size_t count);

}  // namespace gate386
