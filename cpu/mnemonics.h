// The mnemonics gate386 executes, in Zydis' spelling so that cpu/decoder.cpp can map them with one
// X-macro. Families register a selector per mnemonic (handler_registry.h); a decoded mnemonic that
// is not listed here, or whose selector rejects the operand form, becomes a loud SIGILL.
#pragma once
#include <cstdint>

#define GATE386_MNEMONICS_INTEGER(X) \
    X(AAA) X(AAD) X(AAM) X(AAS) X(ADC) X(ADD) X(AND) X(BSF) X(BSR) X(BSWAP) X(BT) X(BTC) X(BTR)   \
    X(BTS) X(CALL) X(CBW) X(CDQ) X(CLC) X(CLD) X(CMC) X(CMOVB) X(CMOVBE) X(CMOVL) X(CMOVLE)        \
    X(CMOVNB) X(CMOVNBE) X(CMOVNL) X(CMOVNLE) X(CMOVNO) X(CMOVNP) X(CMOVNS) X(CMOVNZ) X(CMOVO)     \
    X(CMOVP) X(CMOVS) X(CMOVZ) X(CMP) X(CMPSB) X(CMPSD) X(CMPSW) X(CMPXCHG) X(CMPXCHG8B) X(CPUID)  \
    X(CWD) X(CWDE) X(DAA) X(DAS) X(DEC) X(DIV) X(ENTER) X(HLT) X(IDIV) X(IMUL) X(INC) X(INT)       \
    X(INT1) X(INT3) X(INTO) X(JB) X(JBE) X(JCXZ) X(JECXZ) X(JL) X(JLE) X(JMP) X(JNB) X(JNBE)       \
    X(JNL) X(JNLE) X(JNO) X(JNP) X(JNS) X(JNZ) X(JO) X(JP) X(JS) X(JZ) X(LAHF) X(LEA) X(LEAVE)     \
    X(LODSB) X(LODSD) X(LODSW) X(LOOP) X(LOOPE) X(LOOPNE) X(MOV) X(MOVSB) X(MOVSD) X(MOVSW)        \
    X(MOVSX) X(MOVZX) X(MUL) X(NEG) X(NOP) X(NOT) X(OR) X(POP) X(POPA) X(POPAD) X(POPF) X(POPFD)   \
    X(PUSH) X(PUSHA) X(PUSHAD) X(PUSHF) X(PUSHFD) X(RCL) X(RCR) X(RDTSC) X(RET) X(ROL) X(ROR)      \
    X(SAHF) X(SAR) X(SBB) X(SCASB) X(SCASD) X(SCASW) X(SETB) X(SETBE) X(SETL) X(SETLE) X(SETNB)    \
    X(SETNBE) X(SETNL) X(SETNLE) X(SETNO) X(SETNP) X(SETNS) X(SETNZ) X(SETO) X(SETP) X(SETS)       \
    X(SETZ) X(SHL) X(SHLD) X(SHR) X(SHRD) X(STC) X(STD) X(STOSB) X(STOSD) X(STOSW) X(SUB) X(SYSENTER) \
    X(TEST) X(UD0) X(UD1) X(UD2) X(XADD) X(XCHG) X(XLAT) X(XOR) X(PAUSE) X(LFENCE) X(MFENCE)      \
    X(SFENCE) X(PREFETCHNTA) X(PREFETCHT0) X(PREFETCHT1) X(PREFETCHT2) X(ENDBR32) X(CLI) X(STI)   \
    X(IN) X(OUT) X(INSB) X(INSD) X(INSW) X(OUTSB) X(OUTSD) X(OUTSW) X(IRETD) X(SYSEXIT) X(SALC)   \
    X(SYSCALL) X(RDPMC) X(RDMSR) X(WRMSR) X(LGDT) X(LIDT) X(SGDT) X(SIDT) X(SLDT) X(STR) X(SMSW)  \
    X(LMSW) X(LLDT) X(LTR) X(CLTS) X(INVD) X(WBINVD) X(INVLPG) X(LDS) X(LES) X(LFS) X(LGS) X(LSS)

// Floating-point and vector mnemonics are appended here by their families.
#define GATE386_MNEMONICS_EXTRA(X)

#define GATE386_MNEMONICS(X) GATE386_MNEMONICS_INTEGER(X) GATE386_MNEMONICS_EXTRA(X)

namespace gate386 {

enum class Mn : uint16_t {
#define GATE386_MN_ENUM(n) n,
    GATE386_MNEMONICS(GATE386_MN_ENUM)
#undef GATE386_MN_ENUM
    Count
};

const char* mnemonic_name(Mn m);

}  // namespace gate386
