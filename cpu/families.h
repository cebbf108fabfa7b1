// One registration function per instruction family (each in its own cpu/*.cpp).
#pragma once

namespace gate386 {

void register_alu();          // alu.cpp
void register_data_move();    // data_move.cpp
void register_control();      // control.cpp
void register_stack();        // stack.cpp
void register_system();       // system.cpp
void register_shift();        // shift.cpp: SHL SHR SAR ROL ROR RCL RCR SHLD SHRD
void register_muldiv();       // muldiv.cpp: MUL IMUL DIV IDIV
void register_bitops();       // bitops.cpp: BT BTS BTR BTC BSF BSR
void register_string();       // string.cpp: MOVS STOS LODS CMPS SCAS with REP prefixes
void register_atomic();       // atomic.cpp: CMPXCHG CMPXCHG8B XADD
void register_bcd();          // bcd.cpp: DAA DAS AAA AAS AAM AAD

}  // namespace gate386
