// Signal delivery (kernel/signal.c get_signal, arch/x86/kernel/signal.c handle_signal and
// arch_do_signal_or_restart), synchronous CPU exceptions (arch/x86/kernel/traps.c, mm/fault.c),
// and the strace rendering of both.
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <string>
#include <sys/mman.h>

#include "core/process.h"
#include "syscalls/gates.h"
#include "syscalls/guest_signals.h"
#include "syscalls/strace.h"

namespace gate386 {

namespace {

constexpr uint64_t bit(int sig) { return 1ull << (sig - 1); }

// The default action of each signal (signal(7), kernel/signal.c SIG_KERNEL_*_MASK).
enum class DefaultAction { Terminate, Core, Ignore, Stop, Continue };
DefaultAction default_action(int s) {
    switch (s) {
    case SIGCHLD: case SIGURG: case SIGWINCH: return DefaultAction::Ignore;
    case SIGCONT: return DefaultAction::Continue;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: return DefaultAction::Stop;
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE: case SIGSEGV:
    case SIGXCPU: case SIGXFSZ: case SIGSYS: return DefaultAction::Core;
    default: return DefaultAction::Terminate;
    }
}

void strace_signal(Process& p, const GuestSiginfo& info) {
    if (!p.opts.strace) return;
    std::string line = "--- ";
    line += signal_name(info.signo);
    line += ' ';
    line += format_siginfo(info);
    line += " ---\n";
    strace_print(line);
}

void terminate_by(Process& p, int signo) {
    if (p.opts.strace) strace_print(std::string("+++ killed by ") + signal_name(signo) + " +++\n");
    p.exited = true;
    p.exit_signal = signo;
}

// A default action that stops the process stops the host process with the same signal, so that
// the parent sees WIFSTOPPED with that WSTOPSIG; SIGCONT resumes it.
void stop_by(Process& p, int signo) {
    sync_host_disposition(p, signo);   // SIG_DFL on the host too
    sigset_t one, old;
    sigemptyset(&one);
    sigaddset(&one, signo);
    kill(getpid(), signo);
    pthread_sigmask(SIG_UNBLOCK, &one, &old);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void force_sigsegv(Process& p, int sig);

// handle_signal: the restart rules for an interrupted call (the first handler only: afterwards
// EAX holds -EINTR or the call number), the frame, then the handler's mask.
void run_handler(Process& p, const GuestSiginfo& info, bool& handled, bool fault_rf) {
    int sig = info.signo;
    GuestSigaction act = p.sigactions[sig];   // get_signal works on a copy (ka)
    if (act.flags & kSaResethand) {
        p.sigactions[sig].handler = kSigDfl;
        p.sigactions[sig].flags &= ~kSaSiginfo;
        sync_host_disposition(p, sig);
    }
    strace_signal(p, info);
    if (!handled) {
        uint32_t nr = p.costs.frame.orig_eax;
        if (gate_signal_return(p, &act)) strace_restart_note(p, nr);
    }
    SignalState& s = p.signals;
    uint64_t oldmask = s.restore_mask ? s.saved_mask : p.sigmask;
    if (!setup_signal_frame(p, sig, act, info, oldmask, fault_rf)) {
        force_sigsegv(p, sig);
        return;
    }
    s.restore_mask = false;
    uint64_t m = p.sigmask | act.mask;
    if (!(act.flags & kSaNodefer)) m |= bit(sig);
    p.sigmask = m & ~(bit(SIGKILL) | bit(SIGSTOP));   // mirrored to the host by the caller
    handled = true;
}

// force_sigsegv (kernel/signal.c): a frame that cannot be written. For SIGSEGV itself that is
// fatal; any other signal turns into a SIGSEGV the program may still handle.
void force_sigsegv(Process& p, int sig) {
    if (sig == SIGSEGV) {
        strace_signal(p, GuestSiginfo{SIGSEGV, 0, kSiKernel, {}});
        terminate_by(p, SIGSEGV);
        return;
    }
    GuestSiginfo info{};
    info.signo = SIGSEGV;
    info.code = kSiKernel;
    force_guest_signal(p, info);
}

// What the kernel records for a CPU exception (thread.trap_nr, error_code, cr2) and whether the
// saved EFLAGS has RF (fault-class exceptions), from the signal and a look at the instruction.
struct TrapDetail {
    uint32_t trapno = 0, err = 0;
    bool sets_cr2 = false, fault_rf = true;
};

// The opcode of the instruction at `eip` after its prefixes, or -1 when unreadable.
int opcode_at(Process& p, uint32_t eip, uint8_t* next = nullptr) {
    uint8_t b[16];
    uint32_t n = 16;
    while (n && !p.mem.read(eip, b, n)) n--;
    for (uint32_t k = 0; k < n; k++) {
        switch (b[k]) {
        case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: case 0x66: case 0x67:
        case 0xf0: case 0xf2: case 0xf3: continue;
        default:
            if (next) *next = k + 1 < n ? b[k + 1] : 0;
            return b[k];
        }
    }
    return -1;
}

TrapDetail classify_fault(Process& p, const CpuFault& f) {
    TrapDetail d;
    SignalState& s = p.signals;
    switch (f.signo) {
    case SIGSEGV:
        if (f.si_code == SEGV_MAPERR || f.si_code == SEGV_ACCERR) {
            // A page fault (do_user_addr_fault → set_signal_archinfo): the host's error code for a
            // load or store gate386 made for the guest, else an instruction fetch.
            d.trapno = kTrapPageFault;
            d.sets_cr2 = true;
            if (s.host_fault_valid && s.host_fault_addr == f.addr) {
                d.err = (s.host_fault_err & (kPfProt | kPfWrite | kPfInstr)) | kPfUser;
            } else {
                d.err = kPfUser | kPfInstr | (f.si_code == SEGV_ACCERR ? kPfProt : 0);
                // Linux treats a fetch like a read: a readable page that was not present is
                // populated first, and only the retried fetch faults (with P set). The page stays
                // present, which later faults' error codes show.
                const Region* r = p.mem.region_at(f.addr);
                if (r && (r->prot & PROT_READ)) {
                    d.err |= kPfProt;
                    if (r->inode == 0)   // (touching a file page past its end would be a SIGBUS)
                        (void)*reinterpret_cast<volatile uint8_t*>(p.mem.host(page_down(f.addr)));
                }
            }
            break;
        }
        {
            uint8_t next = 0;
            int op = opcode_at(p, f.eip, &next);
            // The only trap-class SI_KERNEL SIGSEGV is INTO's #OF: it was raised with no current
            // record (cpu/system.cpp), and EIP is past the instruction.
            if (!p.cpu.m_cur) {
                d.trapno = kTrapOverflow;
                d.fault_rf = false;
            } else if (op == 0x62) {            // BOUND: #BR
                d.trapno = kTrapBounds;
            } else if (op == 0xcd) {            // INT n through a DPL-0 gate: #GP(n*8 + 2)
                d.trapno = kTrapGeneralProtection;
                d.err = uint32_t(next) * 8 + 2;
            } else {
                d.trapno = kTrapGeneralProtection;
            }
        }
        break;
    case SIGBUS:
        d.trapno = kTrapPageFault;
        d.sets_cr2 = true;
        d.err = (s.host_fault_valid && s.host_fault_addr == f.addr ? s.host_fault_err & (kPfProt | kPfWrite) : 0) | kPfUser;
        break;
    case SIGFPE: {
        int op = opcode_at(p, f.eip);
        if ((op >= 0xd8 && op <= 0xdf) || op == 0x9b) d.trapno = kTrapX87;   // #MF at the waiting insn
        else if (f.si_code == FPE_INTDIV && (op == 0xf6 || op == 0xf7 || op == 0xd4)) d.trapno = kTrapDivide;
        else if (f.si_code == FPE_INTDIV) d.trapno = kTrapDivide;
        else d.trapno = kTrapSimd;
        break;
    }
    case SIGILL: d.trapno = kTrapInvalidOp; break;
    case SIGTRAP:
        d.fault_rf = false;
        d.trapno = f.si_code == kSiKernel ? kTrapBreakpoint : kTrapDebug;
        break;
    default: break;
    }
    s.host_fault_valid = false;
    return d;
}

void deliver_forced(Process& p, const GuestSiginfo& info, bool fault_rf, bool cpu_fault, uint32_t eip) {
    int sig = info.signo;
    GuestSigaction& a = p.sigactions[sig];
    // force_sig_info_to_task: a blocked or ignored synchronous signal cannot be left pending;
    // its action goes back to SIG_DFL and it is unblocked.
    bool blocked = p.sigmask & bit(sig);
    if (blocked || a.handler == kSigIgn) {
        a.handler = kSigDfl;
        sync_host_disposition(p, sig);
        if (blocked) set_guest_sigmask(p, p.sigmask & ~bit(sig));
    }
    if (a.handler == kSigDfl) {
        strace_signal(p, info);
        if (cpu_fault) {
            std::fflush(stdout);
            GuestSiginfo i = info;
            std::fprintf(stderr, "gate386: guest %s at eip=0x%08x addr=0x%08x\n", signal_name(sig), eip,
                         i.code > 0 && i.code < kSiKernel ? i.addr() : 0u);
        }
        terminate_by(p, sig);
        return;
    }
    bool handled = false;
    run_handler(p, info, handled, fault_rf);
    if (!p.exited) set_guest_sigmask(p, p.sigmask);
}

}  // namespace

const char* signal_name(int s) {
    static const char* const names[] = {
        "SIG0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};
    // strace's names for the real-time signals: SIGRT_n counted from the kernel's SIGRTMIN (32).
    static const char* const rt[] = {
        "SIGRT_0", "SIGRT_1", "SIGRT_2", "SIGRT_3", "SIGRT_4", "SIGRT_5", "SIGRT_6", "SIGRT_7",
        "SIGRT_8", "SIGRT_9", "SIGRT_10", "SIGRT_11", "SIGRT_12", "SIGRT_13", "SIGRT_14",
        "SIGRT_15", "SIGRT_16", "SIGRT_17", "SIGRT_18", "SIGRT_19", "SIGRT_20", "SIGRT_21",
        "SIGRT_22", "SIGRT_23", "SIGRT_24", "SIGRT_25", "SIGRT_26", "SIGRT_27", "SIGRT_28",
        "SIGRT_29", "SIGRT_30", "SIGRT_31", "SIGRT_32"};
    if (s >= 0 && s < 32) return names[s];
    if (s >= 32 && s <= 64) return rt[s - 32];
    return "SIG?";
}

std::string format_siginfo(GuestSiginfo i) {
    char buf[256];
    const char* code = nullptr;
    switch (i.code) {
    case kSiUser: code = "SI_USER"; break;
    case kSiKernel: code = "SI_KERNEL"; break;
    case kSiQueue: code = "SI_QUEUE"; break;
    case kSiTimer: code = "SI_TIMER"; break;
    case kSiMesgq: code = "SI_MESGQ"; break;
    case kSiAsyncio: code = "SI_ASYNCIO"; break;
    case kSiSigio: code = "SI_SIGIO"; break;
    case kSiTkill: code = "SI_TKILL"; break;
    default: break;
    }
    if (!code && i.code > 0) {
        static const char* const segv[] = {nullptr, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR"};
        static const char* const bus[] = {nullptr, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"};
        static const char* const fpe[] = {nullptr, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF",
                                          "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"};
        static const char* const ill[] = {nullptr, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP",
                                          "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"};
        static const char* const trap[] = {nullptr, "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT"};
        static const char* const chld[] = {nullptr, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED",
                                           "CLD_STOPPED", "CLD_CONTINUED"};
        auto pick = [&](const char* const* t, int n) { return i.code < n ? t[i.code] : nullptr; };
        switch (i.signo) {
        case SIGSEGV: code = pick(segv, 5); break;
        case SIGBUS: code = pick(bus, 6); break;
        case SIGFPE: code = pick(fpe, 9); break;
        case SIGILL: code = pick(ill, 9); break;
        case SIGTRAP: code = pick(trap, 5); break;
        case SIGCHLD: code = pick(chld, 7); break;
        default: break;
        }
    }
    std::string c = code ? code : std::to_string(i.code);
    std::string out = "{si_signo=" + std::string(signal_name(i.signo)) + ", si_code=" + c;
    bool fault = i.code > 0 && i.code < kSiKernel &&
                 (i.signo == SIGSEGV || i.signo == SIGBUS || i.signo == SIGFPE || i.signo == SIGILL || i.signo == SIGTRAP);
    if (fault) {
        if (i.addr()) std::snprintf(buf, sizeof buf, ", si_addr=%#x", i.addr());
        else std::snprintf(buf, sizeof buf, ", si_addr=NULL");
        out += buf;
    } else if (i.signo == SIGCHLD && i.code > 0 && i.code < kSiKernel) {
        std::snprintf(buf, sizeof buf, ", si_pid=%d, si_uid=%u, si_status=%d, si_utime=%d, si_stime=%d",
                      i.pid(), i.uid(), i.status(), i.utime(), i.stime());
        out += buf;
    } else if (i.code == kSiUser || i.code == kSiTkill) {
        std::snprintf(buf, sizeof buf, ", si_pid=%d, si_uid=%u", i.pid(), i.uid());
        out += buf;
    } else if (i.code == kSiQueue || i.code == kSiMesgq || i.code == kSiAsyncio) {
        std::snprintf(buf, sizeof buf, ", si_pid=%d, si_uid=%u, si_value={int=%d, ptr=%#x}", i.pid(), i.uid(),
                      int32_t(i.value()), i.value());
        out += buf;
    } else if (i.code == kSiTimer) {
        std::snprintf(buf, sizeof buf, ", si_timerid=%#x, si_overrun=%u, si_value={int=%d, ptr=%#x}",
                      uint32_t(i.pid()), i.uid(), int32_t(i.value()), i.value());
        out += buf;
    }
    return out + "}";
}

void force_guest_signal(Process& p, const GuestSiginfo& info, bool fault_rf) {
    deliver_forced(p, info, fault_rf, false, p.cpu.m_eip);
}

void deliver_fault(Process& p, const CpuFault& f) {
    TrapDetail d = classify_fault(p, f);
    TrapState& t = p.signals.trap;
    t.trap_nr = d.trapno;
    t.error_code = d.err;
    if (d.sets_cr2) t.cr2 = f.addr;
    GuestSiginfo info{};
    info.signo = f.signo;
    info.code = f.si_code;
    if (f.si_code > 0 && f.si_code < kSiKernel) {
        info.addr() = f.addr;
        // ICEBP (INT1) reports where execution resumes (exc_debug_user → send_sigtrap: regs->ip).
        if (f.signo == SIGTRAP && f.si_code == kTrapBrkpt) info.addr() = f.eip;
    }
    deliver_forced(p, info, d.fault_rf, true, f.eip);
}

void deliver_single_step(Process& p) {
    // exc_debug_user with DR6.BS: send_sigtrap(regs, 0, TRAP_TRACE), si_addr = where it resumes.
    TrapState& t = p.signals.trap;
    t.trap_nr = kTrapDebug;
    t.error_code = 0;
    GuestSiginfo info{};
    info.signo = SIGTRAP;
    info.code = kTrapTrace;
    info.addr() = p.cpu.m_eip;
    deliver_forced(p, info, false, true, p.cpu.m_eip);
}

void deliver_pending_signals(Process& p) {
    Cpu& c = p.cpu;
    if (!(__atomic_load_n(&c.m_attention, __ATOMIC_RELAXED) & kAttentionSignal)) return;
    SignalState& s = p.signals;
    bool handled = false;
    {
        HostSignalsBlocked block(p);
        __atomic_fetch_and(&c.m_attention, ~kAttentionSignal, __ATOMIC_RELAXED);
        GuestSiginfo info;
        while (!p.exited && take_caught_signal(p, ~p.sigmask, info)) {
            int sig = info.signo;
            const GuestSigaction& act = p.sigactions[sig];
            if (act.handler == kSigIgn) continue;
            if (act.handler == kSigDfl) {
                DefaultAction d = default_action(sig);
                if (d == DefaultAction::Ignore || d == DefaultAction::Continue) continue;
                strace_signal(p, info);
                if (d == DefaultAction::Stop) { stop_by(p, sig); continue; }
                terminate_by(p, sig);
                return;
            }
            run_handler(p, info, handled, false);
        }
        if (s.caught.dropped) {
            std::fprintf(stderr, "gate386: %u real-time signals dropped (queue full)\n", s.caught.dropped);
            s.caught.dropped = 0;
        }
    }
    if (p.exited) return;
    if (!handled) {
        // No handler ran: a call interrupted for nothing is restarted transparently
        // (arch_do_signal_or_restart, "restart the system call - no handlers present").
        int32_t r = static_cast<int32_t>(c.m_regs[kEax]);
        if (r == -kErestartSys || r == -kErestartNointr || r == -kErestartNohand || r == -kErestartRestartblock) {
            uint32_t nr = p.costs.frame.orig_eax;
            if (gate_signal_return(p, nullptr)) strace_restart_note(p, nr);
        }
        if (s.restore_mask) {
            s.restore_mask = false;
            p.sigmask = s.saved_mask;
        }
    }
    set_guest_sigmask(p, p.sigmask);
}

}  // namespace gate386
