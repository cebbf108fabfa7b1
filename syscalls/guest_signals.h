// Guest signals: dispositions, masks, pending signals, delivery at instruction boundaries and the
// i386 signal frames.
//
// Design. Every guest signal that does not come from the guest's own CPU arrives as a host signal
// to the gate386 process (kill, alarm, SIGCHLD, the terminal, the guest's own kill/tgkill/
// rt_sigqueueinfo, which gate386 passes to the host kernel unchanged). So the host kernel is made
// to keep the guest's signal state wherever it can:
//   - the guest's blocked mask is the host's blocked mask (except SIGSEGV/SIGBUS, which gate386
//     needs for its own fault handling), so blocked signals stay pending in the host kernel, and
//     sigpending, sigtimedwait, signalfd and sigsuspend are the host's own calls;
//   - SIG_IGN and SIG_DFL are mirrored to the host: an ignored SIGPIPE makes write() fail with
//     EPIPE, an ignored SIGCHLD reaps children, a default SIGINT/SIGTERM/SIGTSTP kills or stops the
//     gate386 process exactly as it would the native one (same wait status for the parent shell);
//   - a guest handler becomes gate386's host handler (installed without SA_RESTART), which queues
//     the host siginfo (CaughtSignals) and raises Cpu::m_attention; the run loop sees that at the
//     next block boundary (the same test as the SMC dirty count, no per-instruction check) and a
//     host system call the guest was blocked in fails with EINTR, which is turned into the
//     ERESTART* code the kernel returns for that call (signal_restart.cpp).
// Synchronous faults raised by the emulated CPU never go through the host: deliver_fault builds
// their siginfo (si_code, si_addr) and sigcontext (trapno, err, cr2) as arch/x86/kernel/traps.c
// and fault.c would.
#pragma once
#include <csignal>
#include <cstdint>
#include <string>
#include "cpu/cpu_state.h"
#include "syscalls/signal_frames.h"

namespace gate386 {

struct Process;
struct GuestSigaction;
struct SyscallArgs;

// Run start: guest dispositions from the host's inherited ignored signals (nohup), the guest mask
// from the inherited host mask; installs the mirrors. Shutdown puts the host state back (for runs
// inside one host process, as the unit tests do).
void init_guest_signals(Process& p);
void shutdown_guest_signals(Process& p);
// fork: the child starts with no pending signals (copy_process). execve: handlers back to
// SIG_DFL (flush_signal_handlers), no alternate stack.
void signals_after_fork_child(Process& p);
void signals_after_exec(Process& p);

// A synchronous CPU exception (run loop), and the single-step trap after an instruction that ran
// with EFLAGS.TF set.
void deliver_fault(Process& p, const CpuFault& f);
void deliver_single_step(Process& p);
// After every kernel entry and whenever Cpu::m_attention says so: delivers pending signals (and
// applies the system-call restart rules through gate_signal_return).
void deliver_pending_signals(Process& p);

// The host's view of the guest's state.
void set_guest_sigmask(Process& p, uint64_t mask);   // guest mask + host mirror
void sync_host_disposition(Process& p, int sig);      // after a change of p.sigactions[sig]
uint64_t host_pending_mask();                          // blocked signals pending in the host kernel
// Blocks every host signal gate386 may catch, so that CaughtSignals can be edited; the
// destructor puts back the mirror of the guest's mask.
struct HostSignalsBlocked {
    explicit HostSignalsBlocked(Process& p);
    ~HostSignalsBlocked();
    Process& m_p;
};
// Called from the host SIGSEGV/SIGBUS handler for a signal another process sent (si_code <= 0).
void queue_host_signal(int sig, const siginfo_t* si);

// pselect6, ppoll, epoll_pwait with a mask (kernel/signal.c set_user_sigmask): the guest runs with
// `mask` for the call; the returned host set is what the host call must apply atomically with its
// wait. end_temporary_sigmask puts the old mask back, unless the call was interrupted for the
// guest: then delivery does, after a handler frame saved it (restore_saved_sigmask_unless).
uint64_t begin_temporary_sigmask(Process& p, uint64_t mask);
void end_temporary_sigmask(Process& p, int32_t result);

// Signals caught for the guest and not yet delivered (with host signals blocked).
bool take_caught_signal(Process& p, uint64_t wanted, GuestSiginfo& out);
uint64_t caught_signal_mask(const Process& p);

// siginfo between the host (x86-64 siginfo_t) and the guest (compat_siginfo_t), by the kernel's
// siginfo_layout() (kernel/signal.c copy_siginfo_to_external32 / post_copy_siginfo_from_user32).
GuestSiginfo guest_siginfo_from_host(const siginfo_t& h);
siginfo_t host_siginfo_from_guest(const GuestSiginfo& g);

// Frames (signal_frame.cpp). setup_signal_frame pushes a sigframe or rt_sigframe for `sig` on
// the guest's stack and points the CPU at the handler; false when the frame cannot be written.
bool setup_signal_frame(Process& p, int sig, const GuestSigaction& act, const GuestSiginfo& info,
                        uint64_t oldmask, bool fault_rf);
// sigreturn / rt_sigreturn: false on a bad frame (the caller forces SIGSEGV).
bool restore_signal_frame(Process& p, bool rt);
// sigaltstack's rules (kernel/signal.c do_sigaltstack) against stack pointer `sp`.
int32_t do_sigaltstack(Process& p, const GuestStack* ss, GuestStack* oss, uint32_t sp);
bool on_alt_stack(const Process& p, uint32_t sp);

// Forces a synchronous signal (force_sig_info: a blocked or ignored one kills).
void force_guest_signal(Process& p, const GuestSiginfo& info, bool fault_rf = false);

// System calls interrupted by a host signal (signal_restart.cpp): note when a sleeping call
// starts, and turn its EINTR into the kernel's ERESTART* code for that call.
void note_syscall_start(Process& p, uint32_t nr);
int32_t interrupted_syscall_result(Process& p, uint32_t nr, const SyscallArgs& a);
// After a restart decision: the --strace note naming the path the restarted call takes.
void strace_restart_note(Process& p, uint32_t nr);

const char* signal_name(int signo);
// strace's rendering of a siginfo: {si_signo=SIGALRM, si_code=SI_KERNEL}.
std::string format_siginfo(GuestSiginfo info);

// Registration of the signal system calls (signal.cpp calls the others).
void register_signal_wait_syscalls();   // signal_wait.cpp
void register_signal_frame_syscalls();  // signal_frame.cpp
void register_signal_restart_syscalls(); // signal_restart.cpp

}  // namespace gate386
