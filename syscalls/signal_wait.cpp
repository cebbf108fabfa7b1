// Waiting for and looking at signals: sigsuspend rt_sigsuspend sigpending rt_sigpending
// rt_sigtimedwait(_time64) signalfd signalfd4 sigaltstack (kernel/signal.c, fs/signalfd.c).
//
// The blocked signals the guest waits for are pending in the host kernel (the host mask is the
// guest's), so the host's own calls do the waiting, atomically; only signals gate386's host
// handler already took (CaughtSignals) are looked at first.
#include <cerrno>
#include <csignal>
#include <ctime>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls/gates.h"
#include "syscalls/guest_signals.h"
#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

constexpr uint64_t bit(int sig) { return 1ull << (sig - 1); }
constexpr uint64_t kUnblockable = bit(SIGKILL) | bit(SIGSTOP);
constexpr uint64_t kHostNeverBlocked = kUnblockable | bit(SIGSEGV) | bit(SIGBUS);

// sigsuspend (kernel/signal.c): the mask is replaced until a signal arrives; the old one comes
// back once the handler's frame saved it (TIF_RESTORE_SIGMASK). The host's rt_sigsuspend waits
// with the mirror of the new mask, atomically with unblocking.
int32_t do_sigsuspend(Process& p, uint64_t set) {
    SignalState& s = p.signals;
    uint64_t saved = p.sigmask;
    set_guest_sigmask(p, set & ~kUnblockable);
    {
        HostSignalsBlocked block(p);
        if (!(caught_signal_mask(p) & ~p.sigmask)) {
            uint64_t host = p.sigmask & ~kHostNeverBlocked;
            syscall(SYS_rt_sigsuspend, &host, sizeof host);
        }
    }
    s.saved_mask = saved;
    s.restore_mask = true;
    __atomic_fetch_or(&p.cpu.m_attention, kAttentionSignal, __ATOMIC_RELAXED);
    return -kErestartNohand;
}

// sigsuspend(72) on i386 takes (history0, history1, old_sigset_t mask) (CONFIG_OLD_SIGSUSPEND3);
// the whole mask becomes that word.
int32_t sys_sigsuspend(Process& p, const SyscallArgs& a) { return do_sigsuspend(p, a[2]); }
int32_t sys_rt_sigsuspend(Process& p, const SyscallArgs& a) {
    if (a[1] != 8) return -EINVAL;
    uint64_t set;
    if (!copy_from_guest(p, a[0], set)) return -EFAULT;
    return do_sigsuspend(p, set);
}

// do_sigpending: pending and blocked; pending means in the host kernel or caught by gate386.
uint64_t pending_blocked(Process& p) {
    HostSignalsBlocked block(p);
    return (host_pending_mask() | caught_signal_mask(p)) & p.sigmask;
}
int32_t sys_sigpending(Process& p, const SyscallArgs& a) {
    uint32_t set = uint32_t(pending_blocked(p));
    return copy_to_guest(p, a[0], set) ? 0 : -EFAULT;
}
int32_t sys_rt_sigpending(Process& p, const SyscallArgs& a) {
    if (a[1] > 8) return -EINVAL;
    uint64_t set = pending_blocked(p);
    return p.mem.write(a[0], &set, a[1]) ? 0 : -EFAULT;
}

// rt_sigtimedwait: a signal gate386 caught already, else the host's wait for the set (the host
// unblocks the set for the wait; other signals interrupt it with EINTR as natively).
template <typename G> int32_t do_sigtimedwait(Process& p, const SyscallArgs& a) {
    if (a[3] != 8) return -EINVAL;
    uint64_t set;
    if (!copy_from_guest(p, a[0], set)) return -EFAULT;
    struct timespec ts {};
    if (a[2]) {
        G g;
        if (!copy_from_guest(p, a[2], g)) return -EFAULT;
        if (g.tv_nsec < 0 || g.tv_nsec >= 1000000000 || g.tv_sec < 0) return -EINVAL;
        ts.tv_sec = static_cast<time_t>(g.tv_sec);
        ts.tv_nsec = static_cast<long>(g.tv_nsec);
    }
    set &= ~kUnblockable;
    GuestSiginfo info{};
    bool got;
    {
        HostSignalsBlocked block(p);
        got = take_caught_signal(p, set, info);
    }
    if (!got) {
        uint64_t host = set;
        siginfo_t h;
        long r = syscall(SYS_rt_sigtimedwait, &host, &h, a[2] ? &ts : nullptr, sizeof host);
        if (r < 0) return -errno;
        info = guest_siginfo_from_host(h);
    }
    if (a[1] && !copy_to_guest(p, a[1], info)) return -EFAULT;
    return info.signo;
}

// signalfd4: the host's signalfd on the same mask; its reads give struct signalfd_siginfo, whose
// 128 bytes have one layout on every architecture (include/uapi/linux/signalfd.h).
int32_t do_signalfd(Process& p, uint32_t fd, uint32_t mask_addr, uint32_t size, uint32_t flags) {
    if (flags & ~uint32_t(SFD_CLOEXEC | SFD_NONBLOCK)) return -EINVAL;
    if (size != 8) return -EINVAL;
    uint64_t mask;
    if (!copy_from_guest(p, mask_addr, mask)) return -EFAULT;
    mask &= ~kUnblockable;
    return host_result(syscall(SYS_signalfd4, int32_t(fd), &mask, sizeof mask, int(flags)));
}
int32_t sys_signalfd(Process& p, const SyscallArgs& a) { return do_signalfd(p, a[0], a[1], a[2], 0); }
int32_t sys_signalfd4(Process& p, const SyscallArgs& a) { return do_signalfd(p, a[0], a[1], a[2], a[3]); }

// sigaltstack against the stack pointer the call was made with.
int32_t sys_sigaltstack(Process& p, const SyscallArgs& a) {
    GuestStack ss, oss{};
    if (a[0] && !copy_from_guest(p, a[0], ss)) return -EFAULT;
    int32_t r = do_sigaltstack(p, a[0] ? &ss : nullptr, a[1] ? &oss : nullptr, p.cpu.m_regs[kEsp]);
    if (r == 0 && a[1] && !copy_to_guest(p, a[1], oss)) return -EFAULT;
    return r;
}

}  // namespace

uint64_t begin_temporary_sigmask(Process& p, uint64_t mask) {
    SignalState& s = p.signals;
    s.saved_mask = p.sigmask;
    s.restore_mask = true;
    p.sigmask = mask & ~kUnblockable;   // the host gets it with the call itself
    return p.sigmask & ~kHostNeverBlocked;
}

void end_temporary_sigmask(Process& p, int32_t result) {
    SignalState& s = p.signals;
    if (!s.restore_mask) return;
    bool interrupted = result == -EINTR && (__atomic_load_n(&p.cpu.m_attention, __ATOMIC_RELAXED) & kAttentionSignal);
    if (interrupted) return;
    s.restore_mask = false;
    p.sigmask = s.saved_mask;
}

void register_signal_wait_syscalls() {
    register_syscall(72, sys_sigsuspend, "ddx");
    register_syscall(179, sys_rt_sigsuspend, "pu");
    register_syscall(73, sys_sigpending, "p");
    register_syscall(176, sys_rt_sigpending, "pu");
    register_syscall(177, do_sigtimedwait<GuestTimespec32>, "pppu");
    register_syscall(421, do_sigtimedwait<GuestTimespec64>, "pppu");
    register_syscall(321, sys_signalfd, "fpu");
    register_syscall(327, sys_signalfd4, "fpux");
    register_syscall(186, sys_sigaltstack, "pp");
}

}  // namespace gate386
