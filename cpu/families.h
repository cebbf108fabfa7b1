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
void register_bound();        // bound.cpp: BOUND
void register_x87_load_store();    // x87_load_store.cpp: FLD FST FILD FIST FBLD FXCH FCMOVcc ...
void register_x87_arith();         // x87_arith.cpp: FADD..FDIVR, FSQRT FPREM FSCALE FXTRACT ...
void register_x87_compare();       // x87_compare.cpp: FCOM FUCOM FICOM FCOMI FTST FXAM
void register_x87_transcendental();// x87_transcendental.cpp: FSIN FCOS FPTAN FPATAN F2XM1 FYL2X
void register_x87_control();       // x87_control.cpp: FLDCW FNSTCW FNSTSW FNCLEX FNINIT FWAIT
void register_x87_env();           // x87_env.cpp: FNSTENV FLDENV FNSAVE FRSTOR FXSAVE FXRSTOR
void register_mmx();               // mmx.cpp: integer SIMD on MMX and XMM registers, EMMS
void register_sse_move();          // sse_move.cpp: MOVD MOVQ MOVAPS ... LDMXCSR STMXCSR
void register_sse_arith();         // sse_arith.cpp: ADD..SQRT RCP RSQRT in PS/SS/PD/SD forms
void register_sse_compare();       // sse_compare.cpp: CMPPS..CMPSD, (U)COMISS, (U)COMISD
void register_sse_convert();       // sse_convert.cpp: CVT*
void register_sse_logic();         // sse_logic.cpp: ANDPS ANDNPS ORPS XORPS and PD forms
void register_sse_shuffle();       // sse_shuffle.cpp: SHUFPS UNPCK* PSHUF* PSLLDQ PEXTRW PINSRW

}  // namespace gate386
