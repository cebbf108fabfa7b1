#include "syscalls/gates.h"

#include <cerrno>
#include <sys/mman.h>

#include "core/process.h"
#include "syscalls/gate_costs.h"
#include "syscalls/syscall_table.h"

namespace gate386 {

// int $0x80: number in EAX, arguments in EBX ECX EDX ESI EDI EBP, result in EAX; IRET restores
// every other register and EFLAGS (arch/x86/entry/entry_32.S).
void gate_int80(Process& p) {
    Cpu& c = p.cpu;
    uint32_t nr = c.m_regs[kEax];
    // Through __kernel_vsyscall of the int80 page the int $0x80 is its first instruction.
    syscall_entered(p, GateKind::Int80, p.vdso_entry && c.m_eip - 2 == p.vdso_entry, nr);
    SyscallArgs a{{c.m_regs[kEbx], c.m_regs[kEcx], c.m_regs[kEdx], c.m_regs[kEsi], c.m_regs[kEdi],
                   c.m_regs[kEbp]}};
    int32_t r = dispatch_syscall(p, nr, a);
    if (p.regs_replaced) {
        p.regs_replaced = false;
        syscall_returned(p, nr, 0);
        p.costs.frame.pending = false;   // execve/sigreturn: nothing to restart
        return;
    }
    if (!p.exited) c.m_regs[kEax] = static_cast<uint32_t>(r);
    syscall_returned(p, nr, r);
}

// sysenter: the CPU loads no return state, so the kernel takes the user stack from EBP (the vDSO
// did `mov %esp,%ebp`) and the sixth argument from 0(%ebp), where the vDSO pushed the caller's EBP;
// an unreadable EBP makes the call fail with -EFAULT (2.6.12 entry.S sysenter_past_esp). The fast
// exit is SYSEXIT to SYSENTER_RETURN with EDX = that address, ECX = the user stack and EBP = 0;
// the vDSO's pops then restore EBP, EDX and ECX.
void gate_sysenter(Process& p) {
    Cpu& c = p.cpu;
    uint32_t nr = c.m_regs[kEax];
    uint32_t at = c.m_eip - 2;   // the sysenter instruction
    syscall_entered(p, GateKind::Sysenter, p.vdso_entry && at >= p.vdso_entry && at < p.vdso_entry + 0x20, nr);
    uint32_t user_sp = c.m_regs[kEbp];
    uint32_t arg6 = 0;
    int32_t result;
    if (!p.mem.read(user_sp, &arg6, 4)) {
        result = -EFAULT;
    } else {
        SyscallArgs a{{c.m_regs[kEbx], c.m_regs[kEcx], c.m_regs[kEdx], c.m_regs[kEsi], c.m_regs[kEdi],
                       arg6}};
        result = dispatch_syscall(p, nr, a);
    }
    if (p.exited) { syscall_returned(p, nr, result); return; }
    if (p.regs_replaced) {
        p.regs_replaced = false;
        syscall_returned(p, nr, 0);
        p.costs.frame.pending = false;
        return;
    }
    c.m_regs[kEax] = static_cast<uint32_t>(result);
    c.m_eip = p.sysenter_return;
    c.m_regs[kEdx] = p.sysenter_return;
    c.m_regs[kEcx] = user_sp;
    c.m_regs[kEsp] = user_sp;
    c.m_regs[kEbp] = 0;
    syscall_returned(p, nr, result);
}

// The exit to user mode with work pending (2.6.12 entry.S work_pending → do_notify_resume →
// do_signal; signal.c handle_signal): a sysenter-entered call leaves through IRET with the saved
// frame, so ECX, EDX and EBP come back as they entered instead of SYSEXIT's values; then the
// restart rules apply to EAX.
bool gate_signal_return(Process& p, const GuestSigaction* handler) {
    SyscallFrame& f = p.costs.frame;
    Cpu& c = p.cpu;
    if (!f.pending || c.m_icount != f.icount || c.m_eip != f.return_eip) return false;
    f.pending = false;
    CostModel& cm = p.costs;
    if (f.gate == GateKind::Sysenter && !f.iret_exit) {
        f.iret_exit = true;
        c.m_regs[kEcx] = f.entry_regs[kEcx];
        c.m_regs[kEdx] = f.entry_regs[kEdx];
        c.m_regs[kEbp] = f.entry_regs[kEbp];
        c.m_regs[kEsp] = f.entry_regs[kEbp];   // the user stack the kernel took from EBP
        // Priced as the int80 exit instead of SYSEXIT.
        uint64_t extra = cm.prices.int80_exit - cm.prices.sysenter_exit;
        cm.gate_mc += extra;
        cm.clock += extra;
        cm.iret_exits++;
        uint32_t nr = f.orig_eax;
        CallTally& t = cm.calls[nr < kMaxSyscall ? nr : kMaxSyscall];
        t.mcycles[static_cast<unsigned>(GateKind::Sysenter)] += extra;
        if (cm.recorder) {
            auto it = cm.record.find(RecordKey{nr, uint8_t(f.gate), uint8_t(f.via_vdso), false});
            if (it != cm.record.end() && it->second.count) {
                it->second.count--;
                cm.record[RecordKey{nr, uint8_t(f.gate), uint8_t(f.via_vdso), true}].count++;
            }
        }
    }
    int32_t r = static_cast<int32_t>(c.m_regs[kEax]);
    bool restart = false;
    if (handler) {
        switch (r) {
        case -kErestartRestartblock: case -kErestartNohand: c.m_regs[kEax] = static_cast<uint32_t>(-EINTR); break;
        case -kErestartSys:
            if (!(handler->flags & kSaRestart)) { c.m_regs[kEax] = static_cast<uint32_t>(-EINTR); break; }
            restart = true;
            break;
        case -kErestartNointr: restart = true; break;
        default: break;
        }
        if (restart) c.m_regs[kEax] = f.orig_eax;
    } else {
        if (r == -kErestartNohand || r == -kErestartSys || r == -kErestartNointr) {
            c.m_regs[kEax] = f.orig_eax;
            restart = true;
        } else if (r == -kErestartRestartblock) {
            c.m_regs[kEax] = kNrRestartSyscall;
            restart = true;
        }
    }
    // Back onto int $0x80, or after sysenter from SYSENTER_RETURN onto the vDSO's jmp at
    // 0xffffe40e that re-runs mov %esp,%ebp; sysenter (linux-gate.md "Restart").
    if (restart) c.m_eip = f.return_eip - 2;
    return restart;
}

}  // namespace gate386
