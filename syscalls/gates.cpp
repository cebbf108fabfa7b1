#include "syscalls/gates.h"

#include <cerrno>
#include <sys/mman.h>

#include "core/process.h"
#include "syscalls/syscall_table.h"

namespace gate386 {

// int $0x80: number in EAX, arguments in EBX ECX EDX ESI EDI EBP, result in EAX; IRET restores
// every other register and EFLAGS (arch/x86/entry/entry_32.S).
void gate_int80(Process& p) {
    Cpu& c = p.cpu;
    SyscallArgs a{{c.m_regs[kEbx], c.m_regs[kEcx], c.m_regs[kEdx], c.m_regs[kEsi], c.m_regs[kEdi],
                   c.m_regs[kEbp]}};
    int32_t r = dispatch_syscall(p, c.m_regs[kEax], a);
    if (p.regs_replaced) { p.regs_replaced = false; return; }
    c.m_regs[kEax] = static_cast<uint32_t>(r);
}

// sysenter: the CPU loads no return state, so the kernel takes the user stack from EBP (the vDSO
// did `mov %esp,%ebp`) and the sixth argument from 0(%ebp), where the vDSO pushed the caller's EBP;
// an unreadable EBP makes the call fail with -EFAULT (2.6.12 entry.S sysenter_past_esp). The fast
// exit is SYSEXIT to SYSENTER_RETURN with EDX = that address, ECX = the user stack and EBP = 0;
// the vDSO's pops then restore EBP, EDX and ECX.
void gate_sysenter(Process& p) {
    Cpu& c = p.cpu;
    uint32_t user_sp = c.m_regs[kEbp];
    uint32_t arg6 = 0;
    int32_t result;
    if (!p.mem.read(user_sp, &arg6, 4)) {
        result = -EFAULT;
    } else {
        SyscallArgs a{{c.m_regs[kEbx], c.m_regs[kEcx], c.m_regs[kEdx], c.m_regs[kEsi], c.m_regs[kEdi],
                       arg6}};
        result = dispatch_syscall(p, c.m_regs[kEax], a);
    }
    if (p.exited) return;
    if (p.regs_replaced) { p.regs_replaced = false; return; }
    c.m_regs[kEax] = static_cast<uint32_t>(result);
    c.m_eip = p.sysenter_return;
    c.m_regs[kEdx] = p.sysenter_return;
    c.m_regs[kEcx] = user_sp;
    c.m_regs[kEsp] = user_sp;
    c.m_regs[kEbp] = 0;
}

}  // namespace gate386
