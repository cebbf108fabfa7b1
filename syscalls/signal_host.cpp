// The host half of guest signals (design: guest_signals.h): the guest's mask and dispositions
// mirrored onto the gate386 process, the host handler that catches signals for guest handlers,
// and siginfo conversion between the x86-64 host and the i386 guest.
//
// Host calls here are raw system calls: glibc's sigaction and sigprocmask refuse or silently drop
// signals 32 and 33 (its own SIGCANCEL/SIGSETXID), which a guest may use like any other.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/process.h"
#include "syscalls/guest_signals.h"

namespace gate386 {

namespace {

Process* g_proc = nullptr;

constexpr uint64_t bit(int sig) { return 1ull << (sig - 1); }
// Signals the host mask never blocks: SIGKILL/SIGSTOP cannot be, and SIGSEGV/SIGBUS carry gate386's
// own fault handling (guest faults and stores to write-protected code pages).
constexpr uint64_t kHostNeverBlocked = bit(SIGKILL) | bit(SIGSTOP) | bit(SIGSEGV) | bit(SIGBUS);
constexpr uint64_t kAllSignals = ~0ull;

// The x86-64 kernel's struct sigaction (arch/x86/include/asm/signal.h, sa_mask last).
struct KernelSigaction {
    void* handler;
    unsigned long flags;
    void* restorer;
    uint64_t mask;
};
constexpr unsigned long kHostSaRestorer = 0x04000000;

long raw_sigaction(int sig, const KernelSigaction* act, KernelSigaction* old) {
    return syscall(SYS_rt_sigaction, sig, act, old, sizeof(uint64_t));
}
long raw_sigprocmask(int how, const uint64_t* set, uint64_t* old) {
    return syscall(SYS_rt_sigprocmask, how, set, old, sizeof(uint64_t));
}

// The host state found at run start, put back by shutdown_guest_signals.
KernelSigaction g_saved_actions[65];
uint64_t g_saved_mask = 0;
bool g_saved = false;
void* g_restorer = nullptr;   // glibc's __restore_rt, which raw handlers need on x86-64

void on_host_signal(int sig, siginfo_t* si, void*) {
    queue_host_signal(sig, si);
}

// Appends to the caught queue; a standard signal already queued is not queued twice.
void enqueue(Process& p, int sig, const siginfo_t* si) {
    CaughtSignals& q = p.signals.caught;
    if (sig < 32) {
        for (uint32_t k = 0; k < q.count; k++)
            if (q.q[k].si_signo == sig) return;
    }
    if (q.count == CaughtSignals::kCapacity) { q.dropped++; return; }
    siginfo_t& e = q.q[q.count++];
    if (si) e = *si;
    else std::memset(&e, 0, sizeof e);
    e.si_signo = sig;
}

// The host disposition that mirrors the guest's.
KernelSigaction mirror_of(const Process& p, int sig) {
    const GuestSigaction& g = p.sigactions[sig];
    KernelSigaction k{};
    k.flags = kHostSaRestorer;
    k.restorer = g_restorer;
    if (sig == SIGCHLD) k.flags |= g.flags & (kSaNocldstop | kSaNocldwait);
    if (g.handler == kSigIgn) {
        k.handler = reinterpret_cast<void*>(SIG_IGN);
    } else if (g.handler == kSigDfl) {
        k.handler = reinterpret_cast<void*>(SIG_DFL);
    } else {
        k.handler = reinterpret_cast<void*>(on_host_signal);
        k.flags |= SA_SIGINFO;   // and no SA_RESTART: a blocked host call must come back (EINTR)
        k.mask = kAllSignals & ~kHostNeverBlocked;
    }
    return k;
}

}  // namespace

void queue_host_signal(int sig, const siginfo_t* si) {
    Process* p = g_proc;
    if (!p) return;
    // The handler runs with every other signal blocked (mirror_of), but the SIGSEGV/SIGBUS handler
    // does not: block around the queue edit.
    uint64_t all = kAllSignals, old = 0;
    raw_sigprocmask(SIG_BLOCK, &all, &old);
    enqueue(*p, sig, si);
    __atomic_fetch_or(&p->cpu.m_attention, kAttentionSignal, __ATOMIC_RELAXED);
    raw_sigprocmask(SIG_SETMASK, &old, nullptr);
}

HostSignalsBlocked::HostSignalsBlocked(Process& p) : m_p(p) {
    uint64_t all = kAllSignals & ~(bit(SIGSEGV) | bit(SIGBUS));
    raw_sigprocmask(SIG_SETMASK, &all, nullptr);
}
HostSignalsBlocked::~HostSignalsBlocked() {
    uint64_t m = m_p.sigmask & ~kHostNeverBlocked;
    raw_sigprocmask(SIG_SETMASK, &m, nullptr);
}

void sync_host_disposition(Process& p, int sig) {
    if (sig < 1 || sig > 64 || sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV || sig == SIGBUS) return;
    KernelSigaction k = mirror_of(p, sig);
    raw_sigaction(sig, &k, nullptr);
    // POSIX (kernel do_sigaction): setting SIG_IGN, or SIG_DFL for a default-ignored signal,
    // discards it if pending. The host kernel did that for its own queue; this is ours.
    if (k.handler == reinterpret_cast<void*>(SIG_IGN) ||
        (k.handler == reinterpret_cast<void*>(SIG_DFL) && (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH))) {
        HostSignalsBlocked block(p);
        CaughtSignals& q = p.signals.caught;
        uint32_t w = 0;
        for (uint32_t r = 0; r < q.count; r++)
            if (q.q[r].si_signo != sig) q.q[w++] = q.q[r];
        q.count = w;
    }
}

void set_guest_sigmask(Process& p, uint64_t mask) {
    mask &= ~(bit(SIGKILL) | bit(SIGSTOP));
    // A signal caught while it was unblocked and blocked before its delivery goes back to the host
    // kernel, which holds it pending (and shows it to sigpending, sigtimedwait and signalfd).
    siginfo_t back[CaughtSignals::kCapacity];
    uint32_t nback = 0;
    {
        HostSignalsBlocked block(p);
        p.sigmask = mask;
        CaughtSignals& q = p.signals.caught;
        uint32_t w = 0;
        bool deliverable = false;
        uint64_t host_blocked = mask & ~kHostNeverBlocked;
        for (uint32_t r = 0; r < q.count; r++) {
            int sig = q.q[r].si_signo;
            if (host_blocked & bit(sig)) { back[nback++] = q.q[r]; continue; }
            if (!(mask & bit(sig))) deliverable = true;
            q.q[w++] = q.q[r];
        }
        q.count = w;
        if (deliverable) __atomic_fetch_or(&p.cpu.m_attention, kAttentionSignal, __ATOMIC_RELAXED);
    }
    // The host mask blocks them now: they stay pending in the host kernel. rt_tgsigqueueinfo to
    // oneself may carry any si_code (kernel/signal.c do_rt_tgsigqueueinfo).
    for (uint32_t k = 0; k < nback; k++)
        syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), back[k].si_signo, &back[k]);
}

uint64_t host_pending_mask() {
    uint64_t set = 0;
    syscall(SYS_rt_sigpending, &set, sizeof set);
    return set;
}

bool take_caught_signal(Process& p, uint64_t wanted, GuestSiginfo& out) {
    CaughtSignals& q = p.signals.caught;
    // kernel/signal.c next_signal: the synchronous signals first, then the lowest number.
    constexpr uint64_t kSync = bit(SIGSEGV) | bit(SIGBUS) | bit(SIGILL) | bit(SIGTRAP) | bit(SIGFPE) | bit(SIGSYS);
    uint64_t have = 0;
    for (uint32_t k = 0; k < q.count; k++) have |= bit(q.q[k].si_signo);
    have &= wanted;
    if (!have) return false;
    uint64_t pick = (have & kSync) ? (have & kSync) : have;
    int sig = __builtin_ctzll(pick) + 1;
    for (uint32_t k = 0; k < q.count; k++) {
        if (q.q[k].si_signo != sig) continue;
        out = guest_siginfo_from_host(q.q[k]);
        for (uint32_t m = k + 1; m < q.count; m++) q.q[m - 1] = q.q[m];
        q.count--;
        return true;
    }
    return false;
}

uint64_t caught_signal_mask(const Process& p) {
    uint64_t have = 0;
    for (uint32_t k = 0; k < p.signals.caught.count; k++) have |= bit(p.signals.caught.q[k].si_signo);
    return have;
}

void init_guest_signals(Process& p) {
    g_proc = &p;
    // glibc's restorer, as its sigaction installed it for gate386's own SIGSEGV handler.
    KernelSigaction segv{};
    raw_sigaction(SIGSEGV, nullptr, &segv);
    g_restorer = segv.restorer;
    uint64_t mask = 0;
    raw_sigprocmask(SIG_BLOCK, nullptr, &mask);
    if (!g_saved) {
        for (int s = 1; s <= 64; s++) raw_sigaction(s, nullptr, &g_saved_actions[s]);
        g_saved_mask = mask;
        g_saved = true;
    }
    // execve keeps ignored signals ignored and the blocked mask (fs/exec.c, kernel/signal.c
    // flush_signal_handlers): the guest starts with what the host process was started with.
    for (int s = 1; s <= 64; s++) {
        GuestSigaction& g = p.sigactions[s];
        g = GuestSigaction{};
        if (s == SIGKILL || s == SIGSTOP || s == SIGSEGV || s == SIGBUS) continue;
        KernelSigaction cur{};
        raw_sigaction(s, nullptr, &cur);
        if (cur.handler == reinterpret_cast<void*>(SIG_IGN)) g.handler = kSigIgn;
        sync_host_disposition(p, s);
    }
    p.signals = SignalState{};
    set_guest_sigmask(p, mask);
}

void shutdown_guest_signals(Process& p) {
    if (g_proc != &p || !g_saved) return;
    uint64_t all = kAllSignals;
    raw_sigprocmask(SIG_SETMASK, &all, nullptr);
    for (int s = 1; s <= 64; s++) {
        if (s == SIGKILL || s == SIGSTOP || s == SIGSEGV || s == SIGBUS) continue;
        raw_sigaction(s, &g_saved_actions[s], nullptr);
    }
    g_proc = nullptr;
    p.signals.caught.count = 0;
    raw_sigprocmask(SIG_SETMASK, &g_saved_mask, nullptr);
}

void signals_after_fork_child(Process& p) {
    // The host child's pending set is empty (copy_process: init_sigpending); so is ours.
    p.signals.caught.count = 0;
    p.signals.restart = RestartBlock{};
}

void signals_after_exec(Process& p) {
    for (int s = 1; s <= 64; s++) sync_host_disposition(p, s);
    // The new image has no alternate stack (POSIX); the stored flags read as a fresh process's.
    p.signals.ss_sp = p.signals.ss_size = 0;
    p.signals.ss_flags = 0;
    p.signals.restart = RestartBlock{};
}

// ---------------------------------------------------------------------------------------------
// siginfo

namespace {

enum class SiLayout { Kill, Timer, Poll, Fault, Chld, Rt, Sys };

// kernel/signal.c siginfo_layout(): the si_code ranges each signal defines (NSIGILL, NSIGFPE, ...).
SiLayout siginfo_layout(int sig, int code) {
    if (code > kSiUser && code < kSiKernel) {
        switch (sig) {
        case SIGILL: if (code <= 11) return SiLayout::Fault; break;
        case SIGFPE: if (code <= 15) return SiLayout::Fault; break;
        case SIGSEGV: if (code <= 10) return SiLayout::Fault; break;
        case SIGBUS: if (code <= 5) return SiLayout::Fault; break;
        case SIGTRAP: if (code <= 6) return SiLayout::Fault; break;
        case SIGCHLD: if (code <= 6) return SiLayout::Chld; break;
        case SIGIO: if (code <= 6) return SiLayout::Poll; break;
        case SIGSYS: if (code <= 2) return SiLayout::Sys; break;
        default: break;
        }
        return code <= 6 ? SiLayout::Poll : SiLayout::Kill;
    }
    if (code == kSiTimer) return SiLayout::Timer;
    if (code == kSiSigio) return SiLayout::Poll;
    if (code < 0) return SiLayout::Rt;
    return SiLayout::Kill;
}

}  // namespace

GuestSiginfo guest_siginfo_from_host(const siginfo_t& h) {
    GuestSiginfo g{};
    g.signo = h.si_signo;
    g.err_no = h.si_errno;
    g.code = h.si_code;
    switch (siginfo_layout(h.si_signo, h.si_code)) {
    case SiLayout::Kill: g.pid() = h.si_pid; g.uid() = h.si_uid; break;
    case SiLayout::Rt: g.pid() = h.si_pid; g.uid() = h.si_uid; g.value() = uint32_t(h.si_value.sival_int); break;
    case SiLayout::Timer:
        g.pid() = h.si_timerid;
        g.uid() = uint32_t(h.si_overrun);
        g.value() = uint32_t(h.si_value.sival_int);
        break;
    case SiLayout::Chld:
        g.pid() = h.si_pid;
        g.uid() = h.si_uid;
        g.status() = h.si_status;
        g.utime() = int32_t(h.si_utime);
        g.stime() = int32_t(h.si_stime);
        break;
    case SiLayout::Fault: g.addr() = uint32_t(reinterpret_cast<uintptr_t>(h.si_addr)); break;
    case SiLayout::Poll: g.band() = int32_t(h.si_band); g.fd() = h.si_fd; break;
    case SiLayout::Sys:
        g.f[0] = uint32_t(reinterpret_cast<uintptr_t>(h.si_call_addr));
        g.f[1] = uint32_t(h.si_syscall);
        g.f[2] = h.si_arch;
        break;
    }
    return g;
}

siginfo_t host_siginfo_from_guest(const GuestSiginfo& gin) {
    GuestSiginfo g = gin;
    siginfo_t h;
    std::memset(&h, 0, sizeof h);
    h.si_signo = g.signo;
    h.si_errno = g.err_no;
    h.si_code = g.code;
    switch (siginfo_layout(g.signo, g.code)) {
    case SiLayout::Kill: h.si_pid = g.pid(); h.si_uid = g.uid(); break;
    case SiLayout::Rt: h.si_pid = g.pid(); h.si_uid = g.uid(); h.si_value.sival_int = int(g.value()); break;
    case SiLayout::Timer:
        h.si_timerid = g.pid();
        h.si_overrun = int(g.uid());
        h.si_value.sival_int = int(g.value());
        break;
    case SiLayout::Chld:
        h.si_pid = g.pid();
        h.si_uid = g.uid();
        h.si_status = g.status();
        h.si_utime = g.utime();
        h.si_stime = g.stime();
        break;
    case SiLayout::Fault: h.si_addr = reinterpret_cast<void*>(uintptr_t(g.addr())); break;
    case SiLayout::Poll: h.si_band = g.band(); h.si_fd = g.fd(); break;
    case SiLayout::Sys:
        h.si_call_addr = reinterpret_cast<void*>(uintptr_t(g.f[0]));
        h.si_syscall = int(g.f[1]);
        h.si_arch = g.f[2];
        break;
    }
    return h;
}

}  // namespace gate386
