// The i386 user-visible CPU state as the interpreter keeps it.
//
// Registers live in one array so that a decoded operand is a byte offset into it (AH is byte 1 of
// EAX, SDM Vol.1 3.4.1), and slot 8 is a permanent zero so that an absent base or index register in
// an effective address costs no branch. Arithmetic flags are lazy (see flags.h).
#pragma once
#include <cstdint>
#include <csetjmp>
#include <vector>
#include "cpu/sse_state.h"
#include "cpu/x87_state.h"

namespace gate386 {

enum Gpr : uint8_t { kEax, kEcx, kEdx, kEbx, kEsp, kEbp, kEsi, kEdi, kZeroReg };

// Segment override slots in an effective address: index into Cpu::m_seg_base.
enum SegSlot : uint8_t { kSegFlat = 0, kSegFs = 1, kSegGs = 2 };

// EFLAGS bit positions (SDM Vol.1 3.4.3).
constexpr uint32_t kFlagCF = 1u << 0, kFlagPF = 1u << 2, kFlagAF = 1u << 4, kFlagZF = 1u << 6,
                   kFlagSF = 1u << 7, kFlagTF = 1u << 8, kFlagIF = 1u << 9, kFlagDF = 1u << 10,
                   kFlagOF = 1u << 11, kFlagAC = 1u << 18, kFlagID = 1u << 21;
constexpr uint32_t kArithFlags = kFlagCF | kFlagPF | kFlagAF | kFlagZF | kFlagSF | kFlagOF;

// Why the CPU stopped executing guest code and handed control back to the run loop.
enum class CpuEvent : uint8_t {
    None,
    Int80,       // int $0x80: the legacy system call gate
    Sysenter,    // sysenter: the fast system call gate
    Fault,       // a synchronous exception, see Cpu::m_fault
};

struct CpuFault {
    int signo = 0;       // guest signal to deliver
    int si_code = 0;     // siginfo code (SEGV_MAPERR, FPE_INTDIV, ILL_ILLOPN, ...)
    uint32_t addr = 0;   // si_addr
    uint32_t eip = 0;    // instruction that faulted
};

struct Insn;
struct DecodedBlock;
struct Process;

// Cpu::m_attention bits: work for the run loop at the next block boundary.
constexpr uint32_t kAttentionSignal = 1u << 0;   // a host signal was caught for the guest
constexpr uint32_t kAttentionStep = 1u << 1;     // EFLAGS.TF was set: run one instruction at a time

// One GDT TLS entry as set_thread_area(2) fills it.
struct TlsDescriptor {
    uint32_t base = 0, limit = 0;
    bool present = false;
    uint32_t flags = 0;   // user_desc flag bits as received
};

struct Cpu {
    uint32_t m_regs[9] = {};        // EAX..EDI, then the zero slot
    uint32_t m_eip = 0;
    // Lazy arithmetic flags (flags.h): the sign-extended last result and the carry/overflow vector.
    uint32_t m_lf_res = 1;
    uint32_t m_lf_aux = 0;
    uint32_t m_eflags_rest = 0x202; // every non-arithmetic bit: IF, DF, TF, AC, ID, reserved bit 1
    uint32_t m_seg_base[3] = {};    // flat, %fs base, %gs base
    uint16_t m_seg_sel[6] = {0x7b, 0x73, 0x7b, 0x7b, 0, 0};  // es cs ss ds fs gs (segments.h)
    TlsDescriptor m_tls[3];         // GDT entries 6..8 (segments.h)
    std::vector<uint64_t> m_ldt;    // the LDT modify_ldt built, in descriptor form (segments.h)

    uint8_t* m_mem = nullptr;       // host address of guest address 0
    const Insn* m_cur = nullptr;    // the record executing now: gives the EIP of a fault
    DecodedBlock* m_block = nullptr; // the block executing now: corrects the retired count on a fault
    uint64_t m_icount = 0;          // instructions retired (per block, corrected on faults)
    uint64_t m_tsc_offset = 0;

    // Block chaining (threading.h, exits_block): how many more blocks a block's exit may enter
    // itself before control goes back to the run loop (0: none; only the plain run loop sets it),
    // and what the loop's between-block test reads: the block cache's epoch and the SMC dirty count.
    uint32_t m_chain_hops = 0;
    const uint32_t* m_code_epoch = nullptr;
    const volatile uint32_t* m_dirty_count = nullptr;

    CpuEvent m_event = CpuEvent::None;
    // Set asynchronously (host signal handler) or by POPF; read once per block by the run loop
    // together with the SMC dirty count. Changed only through __atomic builtins (one instruction,
    // so a host signal handler cannot interleave).
    uint32_t m_attention = 0;
    CpuFault m_fault;
    sigjmp_buf m_fault_jmp;         // run loop's landing pad for faults raised inside handlers
    Process* m_process = nullptr;   // owner, opaque to cpu/
    void* m_model = nullptr;        // CPU identity (cpu_model.h), opaque here

    X87State m_x87;                 // x87 FPU and the MMX registers aliased onto it (x87_state.h)
    SseState m_sse;                 // XMM0..7 and MXCSR (sse_state.h)

    uint32_t& reg(Gpr r) { return m_regs[r]; }
};

}  // namespace gate386
