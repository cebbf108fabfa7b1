// Signal dispositions and masks: rt_sigaction rt_sigprocmask sigaction sigprocmask kill tgkill
// tkill (kernel/signal.c). Dispositions are recorded for delivery (signal_delivery.cpp).
#include <csignal>
#include <unistd.h>

#include "syscalls/guest_signals.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

constexpr uint64_t kUnblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));

// i386 struct sigaction for rt_sigaction: handler, flags, restorer, then the 64-bit mask.
struct GuestRtSigaction {
    uint32_t handler, flags, restorer;
    uint32_t mask_lo, mask_hi;
};
static_assert(sizeof(GuestRtSigaction) == 20);

int32_t sys_rt_sigaction(Process& p, const SyscallArgs& a) {
    int sig = static_cast<int>(a[0]);
    if (a[3] != 8) return -EINVAL;
    if (sig < 1 || sig > 64) return -EINVAL;
    GuestSigaction& cur = p.sigactions[sig];
    if (a[2]) {
        GuestRtSigaction o{cur.handler, cur.flags, cur.restorer, uint32_t(cur.mask), uint32_t(cur.mask >> 32)};
        if (!copy_to_guest(p, a[2], o)) return -EFAULT;
    }
    if (a[1]) {
        if (sig == SIGKILL || sig == SIGSTOP) return -EINVAL;
        GuestRtSigaction n;
        if (!copy_from_guest(p, a[1], n)) return -EFAULT;
        cur.handler = n.handler;
        cur.flags = n.flags;
        cur.restorer = n.restorer;
        cur.mask = (uint64_t(n.mask_hi) << 32 | n.mask_lo) & ~kUnblockable;
    }
    return 0;
}

int32_t sys_rt_sigprocmask(Process& p, const SyscallArgs& a) {
    if (a[3] != 8) return -EINVAL;
    uint64_t old = p.sigmask;
    if (a[1]) {
        uint64_t set;
        if (!copy_from_guest(p, a[1], set)) return -EFAULT;
        switch (a[0]) {
        case SIG_BLOCK: p.sigmask |= set; break;
        case SIG_UNBLOCK: p.sigmask &= ~set; break;
        case SIG_SETMASK: p.sigmask = set; break;
        default: return -EINVAL;
        }
        p.sigmask &= ~kUnblockable;
    }
    if (a[2] && !copy_to_guest(p, a[2], old)) return -EFAULT;
    return 0;
}

// kill/tgkill/tkill aimed at this process are queued for delivery; others go to the host.
int32_t send_signal(Process& p, pid_t target, int sig) {
    if (sig < 0 || sig > 64) return -EINVAL;
    if (target == getpid() || target == 0) {
        if (sig) raise_guest_signal(p, sig);
        if (target == 0 && sig) return host_result(kill(0, 0));
        return 0;
    }
    return host_result(kill(target, sig));
}
int32_t sys_kill(Process& p, const SyscallArgs& a) { return send_signal(p, static_cast<pid_t>(a[0]), static_cast<int>(a[1])); }
int32_t sys_tkill(Process& p, const SyscallArgs& a) { return send_signal(p, static_cast<pid_t>(a[0]), static_cast<int>(a[1])); }
int32_t sys_tgkill(Process& p, const SyscallArgs& a) {
    if (static_cast<pid_t>(a[0]) != getpid()) return host_result(kill(static_cast<pid_t>(a[0]), static_cast<int>(a[2])));
    return send_signal(p, static_cast<pid_t>(a[1]), static_cast<int>(a[2]));
}

}  // namespace

void register_signal_syscalls() {
    register_syscall(174, sys_rt_sigaction, "dppu");
    register_syscall(175, sys_rt_sigprocmask, "dppu");
    register_syscall(37, sys_kill, "dd");
    register_syscall(238, sys_tkill, "dd");
    register_syscall(270, sys_tgkill, "ddd");
}

}  // namespace gate386
