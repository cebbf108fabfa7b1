// Instructions that leave the CPU or ask it about itself: INT n, INT3, INTO, SYSENTER, HLT, UD2,
// CPUID, RDTSC and the privileged instructions user code may not run (SDM Vol.2, Linux traps.c).
#include <csignal>
#include <x86intrin.h>

#include "cpu/cpu_model.h"
#include "cpu/decoder.h"
#include <initializer_list>

#include "cpu/flags.h"
#include "cpu/insn_desc.h"

namespace gate386 {

namespace {

constexpr int kSiKernel = 0x80;   // si_code for faults the kernel raises without a cause code

// int $0x80 is the system call gate (DPL 3); other vectors have DPL 0 and raise #GP, which
// Linux turns into SIGSEGV (arch/x86/kernel/traps.c do_general_protection).
void int80(Cpu& c, const Insn& i) {
    c.m_eip = i.eip + i.len;
    c.m_event = CpuEvent::Int80;
}
void int_gp(Cpu& c, const Insn& i) { raise_fault(c, SIGSEGV, kSiKernel, 0); (void)i; }
// int3 (and int $3) trap after the instruction: the saved EIP points past it.
void int3(Cpu& c, const Insn& i) {
    c.m_eip = i.eip + i.len;
    c.m_cur = nullptr;   // fault EIP = m_eip
    raise_fault(c, SIGTRAP, kSiKernel, 0);
}
void int1(Cpu& c, const Insn& i) {
    c.m_eip = i.eip + i.len;
    c.m_cur = nullptr;
    raise_fault(c, SIGTRAP, 1 /*TRAP_BRKPT*/, 0);
}
// INTO raises #OF when OF is set; Linux delivers SIGSEGV for it (traps.c, do_overflow).
void into(Cpu& c, const Insn& i) {
    if (flag_of(c)) {
        c.m_eip = i.eip + i.len;
        c.m_cur = nullptr;
        raise_fault(c, SIGSEGV, kSiKernel, 0);
    }
    c.m_eip = i.eip + i.len;
}
void sysenter(Cpu& c, const Insn& i) {
    const CpuIdentity* id = static_cast<const CpuIdentity*>(c.m_model);
    if (id && !id->sep_works) raise_fault(c, SIGILL, ILL_ILLOPN, i.eip);
    c.m_eip = i.eip + i.len;
    c.m_event = CpuEvent::Sysenter;
}
void privileged(Cpu& c, const Insn&) { raise_fault(c, SIGSEGV, kSiKernel, 0); }
void ud(Cpu& c, const Insn& i) { raise_fault(c, SIGILL, ILL_ILLOPN, i.eip); }

void cpuid(Cpu& c, const Insn&) {
    const CpuIdentity& id = c.m_model ? *static_cast<const CpuIdentity*>(c.m_model) : default_cpu_identity();
    uint32_t r[4];
    cpuid_query(id, c.m_regs[kEax], r);
    c.m_regs[kEax] = r[0]; c.m_regs[kEbx] = r[1]; c.m_regs[kEcx] = r[2]; c.m_regs[kEdx] = r[3];
}

// With --rdtsc=model the time stamp counter is the modelled cycle count (user code at block
// granularity, plus every gate crossing and kernel body so far), so a guest can measure the model
// from inside the way the 2002 posts measured real chips.
void rdtsc(Cpu& c, const Insn&) {
    const CpuIdentity* id = static_cast<const CpuIdentity*>(c.m_model);
    uint64_t t;
    if (id && id->rdtsc_model && id->model_clock)
        t = (*id->model_clock + (id->recorder ? id->recorder->priced_mcycles() : 0)) / 1000;
    else
        t = __rdtsc() + c.m_tsc_offset;
    c.m_regs[kEax] = uint32_t(t);
    c.m_regs[kEdx] = uint32_t(t >> 32);
}

bool select_int(const InsnDesc& d, Insn& rec) {
    if (d.nops != 1 || !is_imm(d.ops[0])) return false;
    uint8_t vec = uint8_t(d.ops[0].imm);
    rec.fn = vec == 0x80 ? int80 : vec == 3 ? int3 : int_gp;
    return true;
}
template <Handler H> bool fixed(const InsnDesc&, Insn& rec) { rec.fn = H; return true; }

}  // namespace

void register_system() {
    register_selector(Mn::INT, select_int);
    register_selector(Mn::INT3, fixed<int3>);
    register_selector(Mn::INT1, fixed<int1>);
    register_selector(Mn::INTO, fixed<into>);
    register_selector(Mn::SYSENTER, fixed<sysenter>);
    register_selector(Mn::CPUID, fixed<cpuid>);
    register_selector(Mn::RDTSC, fixed<rdtsc>);
    for (Mn m : {Mn::UD0, Mn::UD1, Mn::UD2}) register_selector(m, fixed<ud>);
    // SYSCALL is #UD on Intel in legacy mode; SYSEXIT and the rest need CPL 0 (#GP → SIGSEGV).
    register_selector(Mn::SYSCALL, fixed<ud>);
    for (Mn m : {Mn::HLT, Mn::CLI, Mn::STI, Mn::IN, Mn::OUT, Mn::INSB, Mn::INSW, Mn::INSD, Mn::OUTSB,
                 Mn::OUTSW, Mn::OUTSD, Mn::SYSEXIT, Mn::RDPMC, Mn::RDMSR, Mn::WRMSR,
                 Mn::LGDT, Mn::LIDT, Mn::LLDT, Mn::LTR, Mn::LMSW, Mn::CLTS, Mn::INVD, Mn::WBINVD,
                 Mn::INVLPG})
        register_selector(m, fixed<privileged>);
}

}  // namespace gate386
