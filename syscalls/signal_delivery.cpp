#include <csignal>
#include <cstdio>

#include "core/process.h"
#include "syscalls/guest_signals.h"

namespace gate386 {

namespace {

uint64_t g_pending = 0;

// The default action of each signal (signal(7)): terminate, ignore, or stop.
enum class DefaultAction { Terminate, Ignore, Stop };
DefaultAction default_action(int s) {
    switch (s) {
    case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT: return DefaultAction::Ignore;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: return DefaultAction::Stop;
    default: return DefaultAction::Terminate;
    }
}

void terminate_by(Process& p, int signo) {
    p.exited = true;
    p.exit_signal = signo;
}

// Handler frames (sigframe/rt_sigframe) are built by the signal-delivery work; until then a
// signal that would run a guest handler ends the process loudly instead of being lost.
void no_handler_delivery(Process& p, int signo) {
    std::fprintf(stderr, "gate386: delivering %s to a guest handler is not implemented yet; ending the process\n",
                 signal_name(signo));
    terminate_by(p, signo);
}

}  // namespace

const char* signal_name(int s) {
    static const char* const names[] = {
        "SIG0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};
    return s >= 0 && s < 32 ? names[s] : "SIGRT";
}

void deliver_fault(Process& p, const CpuFault& f) {
    const GuestSigaction& act = p.sigactions[f.signo];
    bool blocked = p.sigmask & (1ull << (f.signo - 1));
    if (act.handler > 1 /*SIG_IGN*/ && !blocked) {
        no_handler_delivery(p, f.signo);
        return;
    }
    // A synchronous fault with no handler (or ignored, or blocked) kills the process, as the
    // kernel's force_sig_fault does.
    std::fflush(stdout);
    std::fprintf(stderr, "gate386: guest %s at eip=0x%08x addr=0x%08x\n", signal_name(f.signo), f.eip, f.addr);
    terminate_by(p, f.signo);
}

void raise_guest_signal(Process&, int signo) {
    if (signo > 0 && signo <= 64) g_pending |= 1ull << (signo - 1);
}

void deliver_pending_signals(Process& p) {
    uint64_t ready = g_pending & ~p.sigmask;
    if (!ready) return;
    for (int s = 1; s <= 64; s++) {
        if (!(ready & (1ull << (s - 1)))) continue;
        g_pending &= ~(1ull << (s - 1));
        const GuestSigaction& act = p.sigactions[s];
        if (s == SIGKILL || act.handler == 0 /*SIG_DFL*/) {
            DefaultAction d = s == SIGKILL ? DefaultAction::Terminate : default_action(s);
            if (d == DefaultAction::Terminate) { terminate_by(p, s); return; }
            if (d == DefaultAction::Stop) raise(SIGSTOP);   // stop the host process as the kernel would
            continue;
        }
        if (act.handler == 1 /*SIG_IGN*/) continue;
        no_handler_delivery(p, s);
        return;
    }
}

}  // namespace gate386
