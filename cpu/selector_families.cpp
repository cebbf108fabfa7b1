// Calls every family's registration once (selector_registry.cpp runs this on first use).
#include "cpu/families.h"
#include "cpu/insn_desc.h"

namespace gate386 {

void register_all_selectors() {
    register_alu();
    register_data_move();
    register_control();
    register_stack();
    register_system();
    register_shift();
    register_muldiv();
    register_bitops();
    register_string();
    register_atomic();
    register_bcd();
    register_bound();
    register_x87_load_store();
    register_x87_arith();
    register_x87_compare();
    register_x87_transcendental();
    register_x87_control();
    register_x87_env();
    register_mmx();
    register_sse_move();
    register_sse_arith();
    register_sse_compare();
    register_sse_convert();
    register_sse_logic();
    register_sse_shuffle();
}

}  // namespace gate386
