// Signal dispositions, masks and sending: rt_sigaction sigaction signal rt_sigprocmask
// sigprocmask sgetmask ssetmask kill tkill tgkill rt_sigqueueinfo rt_tgsigqueueinfo
// (kernel/signal.c). Dispositions and the mask are mirrored onto the host (signal_host.cpp);
// signals are sent by the host kernel, to this process as to any other.
#include <csignal>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls/guest_signals.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

constexpr uint64_t bit(int sig) { return 1ull << (sig - 1); }
constexpr uint64_t kUnblockable = bit(SIGKILL) | bit(SIGSTOP);

// do_sigaction: SIGKILL and SIGSTOP keep their action, unknown flag bits are dropped (and never
// reported back), the handler mask never holds SIGKILL/SIGSTOP.
int32_t do_sigaction(Process& p, int sig, const GuestSigaction* act, GuestSigaction* oact) {
    if (sig < 1 || sig > 64 || (act && (sig == SIGKILL || sig == SIGSTOP))) return -EINVAL;
    GuestSigaction& cur = p.sigactions[sig];
    if (oact) {
        *oact = cur;
        oact->flags &= kSaKnownFlags;
    }
    if (act) {
        cur = *act;
        cur.flags &= kSaKnownFlags;
        cur.mask &= ~kUnblockable;
        sync_host_disposition(p, sig);
    }
    return 0;
}

int32_t sys_rt_sigaction(Process& p, const SyscallArgs& a) {
    if (a[3] != 8) return -EINVAL;
    GuestSigaction n, o;
    if (a[1]) {
        GuestRtSigaction g;
        if (!copy_from_guest(p, a[1], g)) return -EFAULT;
        n = GuestSigaction{g.handler, g.flags, g.restorer, uint64_t(g.mask_hi) << 32 | g.mask_lo};
    }
    int32_t r = do_sigaction(p, static_cast<int>(a[0]), a[1] ? &n : nullptr, a[2] ? &o : nullptr);
    if (r == 0 && a[2]) {
        GuestRtSigaction g{o.handler, o.flags, o.restorer, uint32_t(o.mask), uint32_t(o.mask >> 32)};
        if (!copy_to_guest(p, a[2], g)) return -EFAULT;
    }
    return r;
}

// sigaction(67): struct old_sigaction with a 32-bit mask (compat_sys_sigaction). The new action's
// mask replaces signals 1..32 only; the old one reports them.
int32_t sys_sigaction(Process& p, const SyscallArgs& a) {
    GuestSigaction n, o;
    if (a[1]) {
        GuestOldSigaction g;
        if (!copy_from_guest(p, a[1], g)) return -EFAULT;
        n = GuestSigaction{g.handler, g.flags, g.restorer, g.mask};
    }
    int32_t r = do_sigaction(p, static_cast<int>(a[0]), a[1] ? &n : nullptr, a[2] ? &o : nullptr);
    if (r == 0 && a[2]) {
        GuestOldSigaction g{o.handler, uint32_t(o.mask), o.flags, o.restorer};
        if (!copy_to_guest(p, a[2], g)) return -EFAULT;
    }
    return r;
}

// signal(48): System V semantics, SA_ONESHOT | SA_NOMASK (kernel/signal.c SYSCALL_DEFINE2(signal));
// returns the old handler.
int32_t sys_signal(Process& p, const SyscallArgs& a) {
    GuestSigaction n{a[1], kSaResethand | kSaNodefer, 0, 0}, o;
    int32_t r = do_sigaction(p, static_cast<int>(a[0]), &n, &o);
    return r ? r : static_cast<int32_t>(o.handler);
}

int32_t change_mask(Process& p, uint32_t how, uint64_t set) {
    uint64_t m = p.sigmask;
    switch (how) {
    case SIG_BLOCK: m |= set; break;
    case SIG_UNBLOCK: m &= ~set; break;
    case SIG_SETMASK: m = set; break;
    default: return -EINVAL;
    }
    set_guest_sigmask(p, m & ~kUnblockable);
    return 0;
}

int32_t sys_rt_sigprocmask(Process& p, const SyscallArgs& a) {
    if (a[3] != 8) return -EINVAL;
    uint64_t old = p.sigmask;
    if (a[1]) {
        uint64_t set;
        if (!copy_from_guest(p, a[1], set)) return -EFAULT;
        if (int32_t e = change_mask(p, a[0], set)) return e;
    }
    if (a[2] && !copy_to_guest(p, a[2], old)) return -EFAULT;
    return 0;
}

// sigprocmask(126): old_sigset_t is 32 bits; SIG_SETMASK replaces signals 1..32 only.
int32_t sys_sigprocmask(Process& p, const SyscallArgs& a) {
    uint32_t old = uint32_t(p.sigmask);
    if (a[1]) {
        uint32_t set;
        if (!copy_from_guest(p, a[1], set)) return -EFAULT;
        uint64_t full = a[0] == SIG_SETMASK ? (p.sigmask & ~0xffffffffull) | set : set;
        if (int32_t e = change_mask(p, a[0], full)) return e;
    }
    if (a[2] && !copy_to_guest(p, a[2], old)) return -EFAULT;
    return 0;
}

// sgetmask(68) / ssetmask(69): the first 32 signals as a plain value.
int32_t sys_sgetmask(Process& p, const SyscallArgs&) { return static_cast<int32_t>(uint32_t(p.sigmask)); }
int32_t sys_ssetmask(Process& p, const SyscallArgs& a) {
    uint32_t old = uint32_t(p.sigmask);
    set_guest_sigmask(p, ((p.sigmask & ~0xffffffffull) | a[0]) & ~kUnblockable);
    return static_cast<int32_t>(old);
}

// Sending goes through the host kernel, also to this process: a handled signal comes back to
// gate386's host handler and is delivered when the call returns, a default one acts on the
// gate386 process as it would on the native one, a blocked one stays pending in the host.
int32_t sys_kill(Process&, const SyscallArgs& a) { return host_result(kill(pid_t(a[0]), int(a[1]))); }
int32_t sys_tkill(Process&, const SyscallArgs& a) { return host_result(syscall(SYS_tkill, pid_t(a[0]), int(a[1]))); }
int32_t sys_tgkill(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_tgkill, pid_t(a[0]), pid_t(a[1]), int(a[2])));
}

int32_t sys_rt_sigqueueinfo(Process& p, const SyscallArgs& a) {
    GuestSiginfo g;
    if (!copy_from_guest(p, a[2], g)) return -EFAULT;
    siginfo_t h = host_siginfo_from_guest(g);
    return host_result(syscall(SYS_rt_sigqueueinfo, pid_t(a[0]), int(a[1]), &h));
}
int32_t sys_rt_tgsigqueueinfo(Process& p, const SyscallArgs& a) {
    GuestSiginfo g;
    if (!copy_from_guest(p, a[3], g)) return -EFAULT;
    siginfo_t h = host_siginfo_from_guest(g);
    return host_result(syscall(SYS_rt_tgsigqueueinfo, pid_t(a[0]), pid_t(a[1]), int(a[2]), &h));
}

}  // namespace

void register_signal_syscalls() {
    register_syscall(174, sys_rt_sigaction, "dppu");
    register_syscall(67, sys_sigaction, "dpp");
    register_syscall(48, sys_signal, "dx");
    register_syscall(175, sys_rt_sigprocmask, "dppu");
    register_syscall(126, sys_sigprocmask, "dpp");
    register_syscall(68, sys_sgetmask, ":x");
    register_syscall(69, sys_ssetmask, "x:x");
    register_syscall(37, sys_kill, "dd");
    register_syscall(238, sys_tkill, "dd");
    register_syscall(270, sys_tgkill, "ddd");
    register_syscall(178, sys_rt_sigqueueinfo, "ddp");
    register_syscall(335, sys_rt_tgsigqueueinfo, "dddp");
    register_signal_wait_syscalls();
    register_signal_frame_syscalls();
    register_signal_restart_syscalls();
}

}  // namespace gate386
