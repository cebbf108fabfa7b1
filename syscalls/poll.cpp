// Readiness and timers: poll ppoll(_time64) select _newselect old select pselect6(_time64)
// epoll_create(1) epoll_ctl epoll_wait epoll_pwait(2) eventfd(2) timerfd_* alarm pause getitimer
// setitimer (fs/select.c, fs/eventpoll.c, fs/eventfd.c, fs/timerfd.c, kernel/time/itimer.c).
//
// Signal masks passed to ppoll, pselect6 and epoll_pwait are the guest's for the wait: the guest's
// mask is the host's (syscalls/guest_signals.h), so the host call applies it atomically.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <vector>

#include "syscalls/guest_signals.h"
#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

template <typename G> bool read_timespec(Process& p, uint32_t addr, struct timespec& ts) {
    G g;
    if (!copy_from_guest(p, addr, g)) return false;
    ts.tv_sec = g.tv_sec;
    ts.tv_nsec = static_cast<long>(g.tv_nsec);
    return true;
}
template <typename G> G to_guest_timespec(const struct timespec& ts) {
    G g;
    g.tv_sec = static_cast<decltype(g.tv_sec)>(ts.tv_sec);
    g.tv_nsec = static_cast<decltype(g.tv_nsec)>(ts.tv_nsec);
    return g;
}
bool timespec_valid(const struct timespec& ts) {   // timespec64_valid
    return ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L;
}

// The remaining time goes back into the caller's timeout after the wait. A fault is ignored: the
// kernel does not fail a completed wait because its timeout sat in read-only memory
// (poll_select_finish). The host kernel computed the remaining time, or left the value alone
// where Linux leaves it alone (zero timeouts, STICKY_TIMEOUTS), so writing it back is exact.
template <typename G> void write_back(Process& p, uint32_t addr, const G& g) {
    p.mem.write(addr, &g, sizeof g);
}

// The mask a call waits with (set_user_sigmask). It is the guest's for the duration of the host
// wait, which applies its mirror atomically (begin/end_temporary_sigmask, guest_signals.h).
struct WaitMask {
    bool set = false;
    uint64_t guest = 0, host = 0;
    uint64_t* begin(Process& p) {
        if (!set) return nullptr;
        host = begin_temporary_sigmask(p, guest);
        return &host;
    }
    void end(Process& p, int32_t r) { if (set) end_temporary_sigmask(p, r); }
};
int32_t check_sigmask(Process& p, uint32_t addr, uint32_t size, WaitMask& m) {
    if (!addr) return 0;
    if (size != 8) return -EINVAL;   // set_user_sigmask: sizeof(sigset_t) on i386
    if (!copy_from_guest(p, addr, m.guest)) return -EFAULT;
    m.set = true;
    return 0;
}

// ---------------------------------------------------------------------------------------------
// poll, ppoll

// do_sys_poll: more entries than RLIMIT_NOFILE is -EINVAL, checked before reading them.
int32_t read_pollfds(Process& p, uint32_t addr, uint32_t nfds, std::vector<struct pollfd>& out) {
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && nfds > r.rlim_cur) return -EINVAL;
    if (uint64_t(addr) + uint64_t(nfds) * sizeof(GuestPollfd) > kGuestSpace) return -EFAULT;
    std::vector<GuestPollfd> g(nfds);
    if (!p.mem.read(addr, g.data(), nfds * uint32_t(sizeof(GuestPollfd)))) return -EFAULT;
    out.resize(nfds);
    for (uint32_t k = 0; k < nfds; k++) out[k] = {g[k].fd, g[k].events, 0};
    return 0;
}
// Only the revents fields are stored, whatever the outcome of the wait (do_sys_poll).
int32_t write_revents(Process& p, uint32_t addr, const std::vector<struct pollfd>& v, int32_t result) {
    for (size_t k = 0; k < v.size(); k++) {
        int16_t rev = v[k].revents;
        if (!copy_to_guest(p, addr + uint32_t(k * sizeof(GuestPollfd)) + offsetof(GuestPollfd, revents), rev))
            return -EFAULT;
    }
    return result;
}

int32_t sys_poll(Process& p, const SyscallArgs& a) {
    std::vector<struct pollfd> v;
    if (int32_t e = read_pollfds(p, a[0], a[1], v)) return e;
    int32_t r = host_result(poll(v.data(), v.size(), static_cast<int>(a[2])));
    return write_revents(p, a[0], v, r);
}

template <typename G> int32_t do_ppoll(Process& p, const SyscallArgs& a) {
    struct timespec ts;
    if (a[2]) {
        if (!read_timespec<G>(p, a[2], ts)) return -EFAULT;
        if (!timespec_valid(ts)) return -EINVAL;
    }
    WaitMask wm;
    if (int32_t e = check_sigmask(p, a[3], a[4], wm)) return e;
    std::vector<struct pollfd> v;
    if (int32_t e = read_pollfds(p, a[0], a[1], v)) return e;
    int32_t r = host_result(syscall(SYS_ppoll, v.data(), v.size(), a[2] ? &ts : nullptr, wm.begin(p), 8));
    wm.end(p, r);
    r = write_revents(p, a[0], v, r);
    if (a[2]) write_back(p, a[2], to_guest_timespec<G>(ts));
    return r;
}

// ---------------------------------------------------------------------------------------------
// select, _newselect, pselect6

// core_sys_select clamps n to the size of the descriptor table (fdt->max_fds) and reads and
// writes only that many bits of each set, so the clamp decides which guest bytes are touched.
// The table only grows (a fork may copy it smaller), so /proc/self/status is read again only when
// n exceeds the size last seen by this process.
uint32_t clamp_to_fd_table(uint32_t n) {
    static pid_t seen_pid = 0;
    static uint32_t max_fds = 0;
    pid_t pid = getpid();
    if (pid == seen_pid && n <= max_fds) return n;
    max_fds = 1u << 20;   // sysctl fs.nr_open's default, the ceiling of any table
    if (FILE* f = std::fopen("/proc/self/status", "r")) {
        char line[128];
        unsigned v;
        while (std::fgets(line, sizeof line, f))
            if (std::sscanf(line, "FDSize: %u", &v) == 1) { max_fds = v; break; }
        std::fclose(f);
    }
    seen_pid = pid;
    return std::min(n, max_fds);
}

// fd_set bitmaps: the guest's are 32-bit words, the host's 64-bit ones; little-endian makes them
// the same bytes. Each set is read as ceil(n/32) words and written back only when the wait
// succeeds (compat_get_fd_set / compat_set_fd_set).
template <typename HostCall>
int32_t select_core(Process& p, int32_t n, const uint32_t (&sets)[3], HostCall call) {
    if (n < 0) return -EINVAL;
    uint32_t nn = clamp_to_fd_table(static_cast<uint32_t>(n));
    uint32_t bytes = (nn + 31) / 32 * 4;
    std::vector<uint64_t> bits[3];
    fd_set* host[3] = {nullptr, nullptr, nullptr};
    for (int k = 0; k < 3; k++) {
        if (!sets[k]) continue;
        bits[k].assign(std::max<uint32_t>((nn + 63) / 64, 1), 0);
        if (!p.mem.read(sets[k], bits[k].data(), bytes)) return -EFAULT;
        host[k] = reinterpret_cast<fd_set*>(bits[k].data());
    }
    long r = call(static_cast<int>(nn), host[0], host[1], host[2]);
    if (r < 0) return -errno;
    for (int k = 0; k < 3; k++)
        if (sets[k] && !p.mem.write(sets[k], bits[k].data(), bytes)) return -EFAULT;
    return static_cast<int32_t>(r);
}

// select with an old_timeval32 timeout (kern_select): the microseconds may exceed a second.
int32_t do_select(Process& p, uint32_t n, uint32_t in, uint32_t out, uint32_t ex, uint32_t tvp) {
    struct timeval tv {};
    if (tvp) {
        GuestTimeval32 g;
        if (!copy_from_guest(p, tvp, g)) return -EFAULT;
        int64_t sec = int64_t(g.tv_sec) + g.tv_usec / 1000000, usec = g.tv_usec % 1000000;
        if (sec < 0 || usec < 0) return -EINVAL;
        tv.tv_sec = g.tv_sec;
        tv.tv_usec = g.tv_usec;
    }
    const uint32_t sets[3] = {in, out, ex};
    int32_t r = select_core(p, static_cast<int32_t>(n), sets, [&](int nn, fd_set* i, fd_set* o, fd_set* e) {
        return syscall(SYS_select, nn, i, o, e, tvp ? &tv : nullptr);
    });
    if (tvp) write_back(p, tvp, GuestTimeval32{static_cast<int32_t>(tv.tv_sec), static_cast<int32_t>(tv.tv_usec)});
    return r;
}
int32_t sys_newselect(Process& p, const SyscallArgs& a) { return do_select(p, a[0], a[1], a[2], a[3], a[4]); }
// The first i386 select takes one pointer to its five arguments (sys_old_select).
int32_t sys_old_select(Process& p, const SyscallArgs& a) {
    GuestSelArgs s;
    if (!copy_from_guest(p, a[0], s)) return -EFAULT;
    return do_select(p, s.n, s.inp, s.outp, s.exp, s.tvp);
}

// pselect6: the sixth argument points at {sigset pointer, its size} (get_sigset_argpack).
template <typename G> int32_t do_pselect6(Process& p, const SyscallArgs& a) {
    struct timespec ts;
    if (a[4]) {
        if (!read_timespec<G>(p, a[4], ts)) return -EFAULT;
        if (!timespec_valid(ts)) return -EINVAL;
    }
    WaitMask wm;
    if (a[5]) {
        GuestSigsetArgpack pack;
        if (!copy_from_guest(p, a[5], pack)) return -EFAULT;
        if (int32_t e = check_sigmask(p, pack.ss, pack.ss_len, wm)) return e;
    }
    const uint32_t sets[3] = {a[1], a[2], a[3]};
    bool waited = false;
    int32_t r = select_core(p, static_cast<int32_t>(a[0]), sets, [&](int nn, fd_set* i, fd_set* o, fd_set* e) {
        struct { const uint64_t* ss; size_t len; } host_pack = {wm.begin(p), 8};
        waited = true;
        return syscall(SYS_pselect6, nn, i, o, e, a[4] ? &ts : nullptr, wm.set ? &host_pack : nullptr);
    });
    if (waited) wm.end(p, r);
    if (a[4]) write_back(p, a[4], to_guest_timespec<G>(ts));
    return r;
}

// ---------------------------------------------------------------------------------------------
// epoll: struct epoll_event is the same packed 12 bytes on i386 and x86-64.

int32_t sys_epoll_create(Process&, const SyscallArgs& a) { return host_result(epoll_create(static_cast<int>(a[0]))); }
int32_t sys_epoll_create1(Process&, const SyscallArgs& a) { return host_result(epoll_create1(static_cast<int>(a[0]))); }

int32_t sys_epoll_ctl(Process& p, const SyscallArgs& a) {
    struct epoll_event ev {};
    int op = static_cast<int>(a[1]);
    if (op != EPOLL_CTL_DEL) {   // ep_op_has_event: DEL ignores the pointer
        GuestEpollEvent g;
        if (!copy_from_guest(p, a[3], g)) return -EFAULT;
        ev.events = g.events;
        ev.data.u64 = g.data;
    }
    return host_result(epoll_ctl(static_cast<int>(a[0]), op, static_cast<int>(a[2]), op != EPOLL_CTL_DEL ? &ev : nullptr));
}

// ep_send_events stops at the first event it cannot store: -EFAULT when that is the first one.
// Only as many events as the guest buffer visibly holds are asked of the host (at most 1024 at a
// time; the rest stay ready for the next call), so none is taken that cannot be delivered.
template <typename Wait> int32_t epoll_wait_common(Process& p, uint32_t events, uint32_t maxevents, Wait wait) {
    constexpr uint32_t kMaxEvents = 0x7fffffff / sizeof(GuestEpollEvent);   // EP_MAX_EVENTS
    if (static_cast<int32_t>(maxevents) <= 0 || maxevents > kMaxEvents) return -EINVAL;
    if (uint64_t(events) + uint64_t(maxevents) * sizeof(GuestEpollEvent) > kGuestSpace) return -EFAULT;
    uint32_t want = std::min<uint32_t>(maxevents, 1024);
    uint32_t room = want;
    if (!p.mem.check(events, want * uint32_t(sizeof(GuestEpollEvent)), PROT_WRITE)) {
        room = 0;
        while (room < want && p.mem.check(events + room * uint32_t(sizeof(GuestEpollEvent)), sizeof(GuestEpollEvent), PROT_WRITE))
            room++;
    }
    std::vector<struct epoll_event> v(std::max<uint32_t>(room, 1));
    long r = wait(v.data(), static_cast<int>(v.size()));
    if (r < 0) return -errno;
    if (r > 0 && room == 0) return -EFAULT;
    for (long k = 0; k < r; k++) {
        GuestEpollEvent g{v[k].events, v[k].data.u64};
        if (!copy_to_guest(p, events + uint32_t(k) * uint32_t(sizeof g), g)) return k ? static_cast<int32_t>(k) : -EFAULT;
    }
    return static_cast<int32_t>(r);
}
int32_t sys_epoll_wait(Process& p, const SyscallArgs& a) {
    return epoll_wait_common(p, a[1], a[2], [&](struct epoll_event* ev, int n) {
        return epoll_wait(static_cast<int>(a[0]), ev, n, static_cast<int>(a[3]));
    });
}
int32_t sys_epoll_pwait(Process& p, const SyscallArgs& a) {
    WaitMask wm;
    if (int32_t e = check_sigmask(p, a[4], a[5], wm)) return e;
    bool waited = false;
    int32_t r = epoll_wait_common(p, a[1], a[2], [&](struct epoll_event* ev, int n) {
        waited = true;
        return syscall(SYS_epoll_pwait, static_cast<int>(a[0]), ev, n, static_cast<int>(a[3]), wm.begin(p), 8);
    });
    if (waited) wm.end(p, r);
    return r;
}
// epoll_pwait2 takes a __kernel_timespec (64-bit time even on i386); it is not updated.
int32_t sys_epoll_pwait2(Process& p, const SyscallArgs& a) {
    struct timespec ts;
    if (a[3]) {
        if (!read_timespec<GuestTimespec64>(p, a[3], ts)) return -EFAULT;
        if (!timespec_valid(ts)) return -EINVAL;
    }
    WaitMask wm;
    if (int32_t e = check_sigmask(p, a[4], a[5], wm)) return e;
    bool waited = false;
    int32_t r = epoll_wait_common(p, a[1], a[2], [&](struct epoll_event* ev, int n) {
        waited = true;
        return syscall(441 /*epoll_pwait2 on x86-64*/, static_cast<int>(a[0]), ev, n, a[3] ? &ts : nullptr, wm.begin(p), 8);
    });
    if (waited) wm.end(p, r);
    return r;
}

// ---------------------------------------------------------------------------------------------
// eventfd, timerfd: host descriptors whose reads and writes are plain 8-byte counters.

int32_t sys_eventfd(Process&, const SyscallArgs& a) { return host_result(eventfd(a[0], 0)); }
int32_t sys_eventfd2(Process&, const SyscallArgs& a) { return host_result(eventfd(a[0], static_cast<int>(a[1]))); }
int32_t sys_timerfd_create(Process&, const SyscallArgs& a) {
    return host_result(timerfd_create(static_cast<int>(a[0]), static_cast<int>(a[1])));
}

template <typename G> struct ItimerspecOf;
template <> struct ItimerspecOf<GuestTimespec32> { using type = GuestItimerspec32; };
template <> struct ItimerspecOf<GuestTimespec64> { using type = GuestItimerspec64; };

template <typename G> typename ItimerspecOf<G>::type to_guest_itimerspec(const struct itimerspec& h) {
    return {to_guest_timespec<G>(h.it_interval), to_guest_timespec<G>(h.it_value)};
}
template <typename G> int32_t do_timerfd_settime(Process& p, const SyscallArgs& a) {
    typename ItimerspecOf<G>::type g;
    if (!copy_from_guest(p, a[2], g)) return -EFAULT;
    struct itimerspec nw, old;
    nw.it_interval = {g.it_interval.tv_sec, static_cast<long>(g.it_interval.tv_nsec)};
    nw.it_value = {g.it_value.tv_sec, static_cast<long>(g.it_value.tv_nsec)};
    if (timerfd_settime(static_cast<int>(a[0]), static_cast<int>(a[1]), &nw, &old) != 0) return -errno;
    if (a[3] && !copy_to_guest(p, a[3], to_guest_itimerspec<G>(old))) return -EFAULT;
    return 0;
}
template <typename G> int32_t do_timerfd_gettime(Process& p, const SyscallArgs& a) {
    struct itimerspec cur;
    if (timerfd_gettime(static_cast<int>(a[0]), &cur) != 0) return -errno;
    return copy_to_guest(p, a[1], to_guest_itimerspec<G>(cur)) ? 0 : -EFAULT;
}

// ---------------------------------------------------------------------------------------------
// alarm, pause, interval timers: the host process's timers are the guest's, and their signals
// reach the host process the guest lives in.

int32_t sys_alarm(Process&, const SyscallArgs& a) { return static_cast<int32_t>(alarm(a[0])); }
int32_t sys_pause(Process&, const SyscallArgs&) { return host_result(pause()); }

GuestItimerval32 to_guest_itimerval(const struct itimerval& h) {
    return {{static_cast<int32_t>(h.it_interval.tv_sec), static_cast<int32_t>(h.it_interval.tv_usec)},
            {static_cast<int32_t>(h.it_value.tv_sec), static_cast<int32_t>(h.it_value.tv_usec)}};
}
int32_t sys_getitimer(Process& p, const SyscallArgs& a) {
    struct itimerval cur;
    if (getitimer(static_cast<__itimer_which>(a[0]), &cur) != 0) return -errno;
    return copy_to_guest(p, a[1], to_guest_itimerval(cur)) ? 0 : -EFAULT;
}
// A null new value disarms the timer (COMPAT_SYSCALL_DEFINE3(setitimer)).
int32_t sys_setitimer(Process& p, const SyscallArgs& a) {
    struct itimerval nw {}, old {};
    if (a[1]) {
        GuestItimerval32 g;
        if (!copy_from_guest(p, a[1], g)) return -EFAULT;
        nw.it_interval = {g.it_interval.tv_sec, g.it_interval.tv_usec};
        nw.it_value = {g.it_value.tv_sec, g.it_value.tv_usec};
    }
    if (setitimer(static_cast<__itimer_which>(a[0]), &nw, &old) != 0) return -errno;
    if (a[2] && !copy_to_guest(p, a[2], to_guest_itimerval(old))) return -EFAULT;
    return 0;
}

}  // namespace

void register_poll_syscalls() {
    register_syscall(168, sys_poll, "pud");
    register_syscall(309, do_ppoll<GuestTimespec32>, "pupxu");
    register_syscall(414, do_ppoll<GuestTimespec64>, "pupxu");
    register_syscall(82, sys_old_select, "p");
    register_syscall(142, sys_newselect, "dpppp");
    register_syscall(308, do_pselect6<GuestTimespec32>, "dppppp");
    register_syscall(413, do_pselect6<GuestTimespec64>, "dppppp");
    register_syscall(254, sys_epoll_create, "d");
    register_syscall(329, sys_epoll_create1, "x");
    register_syscall(255, sys_epoll_ctl, "fdfp");
    register_syscall(256, sys_epoll_wait, "fpdd");
    register_syscall(319, sys_epoll_pwait, "fpddpu");
    register_syscall(441, sys_epoll_pwait2, "fpdppu");
    register_syscall(323, sys_eventfd, "u");
    register_syscall(328, sys_eventfd2, "ux");
    register_syscall(322, sys_timerfd_create, "dx");
    register_syscall(325, do_timerfd_settime<GuestTimespec32>, "fxpp");
    register_syscall(411, do_timerfd_settime<GuestTimespec64>, "fxpp");
    register_syscall(326, do_timerfd_gettime<GuestTimespec32>, "fp");
    register_syscall(410, do_timerfd_gettime<GuestTimespec64>, "fp");
    register_syscall(27, sys_alarm, "u");
    register_syscall(29, sys_pause, "");
    register_syscall(105, sys_getitimer, "dp");
    register_syscall(104, sys_setitimer, "dpp");
}

}  // namespace gate386
