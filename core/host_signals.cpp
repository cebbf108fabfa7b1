#include "core/host_signals.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#include "core/process.h"
#include "cpu/exceptions.h"
#include "syscalls/guest_signals.h"

namespace gate386 {

namespace {

Process* g_process = nullptr;

// A store just changed code in the page the running block was decoded from: the records after the
// storing instruction are stale. Retire them in place (the block is dropped at the next boundary)
// and continue at the next instruction, which is then decoded afresh — as x86 processors detect
// self-modifying code within the pipeline (SDM Vol.3 11.6).
void cut_running_block(Cpu& c, uint32_t page) {
    DecodedBlock* b = c.m_block;
    if (!b || !c.m_cur) return;
    uint32_t last = b->end > b->entry ? b->end - 1 : b->entry;
    if (page_down(b->entry) > page || page_down(last) < page) return;
    Insn* next = const_cast<Insn*>(c.m_cur) + 1;
    Insn* end = b->insns + b->count;
    if (next >= end) return;
    next->fn = insn_continue_at;
    next->imm = next->eip;
    for (Insn* r = next + 1; r < end; ++r) r->fn = insn_skip;
}

void on_host_fault(int sig, siginfo_t* si, void* ctx) {
    Process* p = g_process;
    if (p && si->si_code <= 0) {
        // Sent by a process (kill, tgkill, sigqueue), not raised by an access: a guest signal.
        queue_host_signal(sig, si);
        return;
    }
    if (p && p->mem.contains_host(si->si_addr)) {
        uint64_t off = static_cast<uint8_t*>(si->si_addr) - p->mem.base();
        if (sig == SIGSEGV && off < kGuestSpace && p->mem.handle_code_write(static_cast<uint32_t>(off))) {
            // The store retries on a now-writable page; its blocks go at the next boundary.
            cut_running_block(p->cpu, page_down(static_cast<uint32_t>(off)));
            return;
        }
        uint32_t addr = off < kGuestSpace ? static_cast<uint32_t>(off) : static_cast<uint32_t>(off - kGuestSpace);
        int code = sig == SIGBUS ? int(BUS_ADRERR)
                 : (off < kGuestSpace && p->mem.region_at(addr)) ? int(SEGV_ACCERR) : int(SEGV_MAPERR);
        // The page-fault error code (read/write, present) for the guest's sigcontext.err.
        p->signals.host_fault_err = uint32_t(static_cast<ucontext_t*>(ctx)->uc_mcontext.gregs[REG_ERR]);
        p->signals.host_fault_addr = addr;
        p->signals.host_fault_valid = true;
        raise_fault(p->cpu, sig, code, addr);
    }
    // Not the guest's memory: a bug in gate386 itself. Say so and die with the host signal.
    char msg[128];
    int n = std::snprintf(msg, sizeof msg, "gate386: internal error: host signal %d at address %p\n", sig,
                          si->si_addr);
    if (n > 0) (void)!write(2, msg, static_cast<size_t>(n));
    signal(sig, SIG_DFL);
}

}  // namespace

void install_host_signal_handlers(Process& p) {
    g_process = &p;
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_host_fault;
    // SA_NODEFER: the handler leaves through siglongjmp without restoring the mask.
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, nullptr);
    sigaction(SIGBUS, &sa, nullptr);
    init_guest_signals(p);
}

int finish_process(Process& p) {
    std::fflush(stdout);
    std::fflush(stderr);
    if (p.exit_signal) {
        // Die by the same signal so that a parent (shell, wait4) sees what it would natively,
        // "(core dumped)" included: RLIMIT_CORE decides for gate386 as it would for the program.
        signal(p.exit_signal, SIG_DFL);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, p.exit_signal);
        sigprocmask(SIG_UNBLOCK, &s, nullptr);
        raise(p.exit_signal);
        _exit(128 + p.exit_signal);
    }
    shutdown_guest_signals(p);
    return p.exit_code;
}

[[noreturn]] void finish_and_exit(Process& p) { std::exit(finish_process(p)); }

}  // namespace gate386
