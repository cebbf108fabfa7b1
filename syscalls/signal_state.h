// The kernel-side signal state gate386 keeps for the guest beyond its dispositions
// (Process::sigactions) and blocked mask (Process::sigmask). See syscalls/guest_signals.h for the
// design: the host kernel holds the guest's pending signals; this is what it cannot hold.
#pragma once
#include <csignal>
#include <cstdint>

namespace gate386 {

// Signals the host handler caught for the guest and that are not delivered yet, in arrival
// order (the host kernel's own pending queue no longer has them). Standard signals keep one
// instance (kernel/signal.c legacy_queue), real-time ones queue. Written by the host handler;
// the rest of gate386 touches it only with host signals blocked (HostSignalsBlocked).
struct CaughtSignals {
    static constexpr uint32_t kCapacity = 128;
    siginfo_t q[kCapacity];
    uint32_t count = 0;
    uint32_t dropped = 0;      // overflow: more real-time signals than slots (reported once)
};

// The thread's last exception, as the kernel keeps it in thread.trap_nr / error_code / cr2 and
// writes into every sigcontext (stale for asynchronous signals, exactly as on Linux).
struct TrapState {
    uint32_t trap_nr = 0, error_code = 0, cr2 = 0;
};

// What restart_syscall(0) resumes after -ERESTART_RESTARTBLOCK (kernel: restart_block).
struct RestartBlock {
    uint32_t nr = 0;           // 0: nothing to resume (do_no_restart_syscall: -EINTR)
    uint32_t args[6] = {};
    int64_t start_ns = 0;      // CLOCK_MONOTONIC when the interrupted call began
};

struct SignalState {
    CaughtSignals caught;
    // sigaltstack (task_struct sas_ss_sp / sas_ss_size / sas_ss_flags).
    uint32_t ss_sp = 0, ss_size = 0;
    uint32_t ss_flags = 0;     // as stored: a fresh process has 0 (sas_ss_reset would give SS_DISABLE)
    // sigsuspend and friends: the mask to put back once a handler frame saved it, or when no
    // signal is delivered (TIF_RESTORE_SIGMASK + saved_sigmask).
    bool restore_mask = false;
    uint64_t saved_mask = 0;
    TrapState trap;
    RestartBlock restart;
    // The page-fault error code of the last host fault in guest memory (REG_ERR) and its address:
    // a guest SIGSEGV/SIGBUS from a load or store reports it in sigcontext.err.
    uint32_t host_fault_err = 0, host_fault_addr = 0;
    bool host_fault_valid = false;
    int64_t call_start_ns = 0; // when the current sleeping call began (restart_block)
};

}  // namespace gate386
