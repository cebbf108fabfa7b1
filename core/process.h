// One emulated i386 process: its memory, CPU, decoded code, and the kernel-side state gate386
// keeps for it. Everything a run touches hangs off this object.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/guest_memory.h"
#include "core/options.h"
#include "cpu/block_cache.h"
#include "cpu/cpu_model.h"
#include "cpu/cpu_state.h"
#include "syscalls/gate_costs.h"
#include "syscalls/signal_state.h"

namespace gate386 {

// i386 struct sigaction as rt_sigaction(2) passes it (arch/x86/include/uapi/asm/signal.h).
struct GuestSigaction {
    uint32_t handler = 0;
    uint32_t flags = 0;
    uint32_t restorer = 0;
    uint64_t mask = 0;
};

struct ProcessStats {
    uint64_t syscalls = 0;
    uint64_t blocks_executed = 0;
};

struct Process {
    explicit Process(const Options& o);
    Options opts;
    GuestMemory mem;
    Cpu cpu;
    BlockCache cache{mem};
    CpuIdentity identity;

    std::string exe_path;          // host path of the guest program (/proc/self/exe)
    std::vector<std::string> argv; // as the guest sees it
    std::vector<std::string> envp;
    uint32_t brk_start = 0, brk_cur = 0;
    uint32_t auxv_addr = 0, auxv_len = 0;     // where the initial auxv sits on the guest stack
    uint32_t stack_top = 0xc0000000u;
    uint32_t clear_child_tid = 0;
    uint32_t vdso_base = 0;                   // 0 until a vDSO is mapped
    uint32_t vdso_entry = 0;                  // __kernel_vsyscall (AT_SYSINFO)
    uint32_t sysenter_return = 0;
    uint32_t vdso_restart = 0;                // where a restarted vDSO call resumes (eip - 2)
    uint64_t vvar_anchor_tsc = 0;

    std::array<GuestSigaction, 65> sigactions{};
    uint64_t sigmask = 0;
    SignalState signals;           // caught signals, sigaltstack, trap state (syscalls/guest_signals.h)

    ProcessStats stats;
    CostModel costs;               // the CPU model's prices and what this run has spent (gate_costs.h)
    // Set by execve and sigreturn: the CPU state is new, the gate must not write a result back.
    bool regs_replaced = false;
    bool exited = false;
    int exit_code = 0;
    int exit_signal = 0;           // non-zero: the process ends by this signal
};

// Runs the guest until it exits; returns the host exit status to use.
int run_process(Process& p);

}  // namespace gate386
