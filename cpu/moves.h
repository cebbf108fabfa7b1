// The plain 32-bit move that begins fused pairs (threading.h), for the families that register
// pairs with it (shift.cpp); the handler itself lives in data_move.cpp.
#pragma once
#include "cpu/insn.h"

namespace gate386 {

Handler mov32_reg_from_reg();    // mov %src,%dst

}  // namespace gate386
