// Clocks, sleeping and POSIX timers: time gettimeofday clock_gettime(64) clock_getres(_time64)
// nanosleep clock_nanosleep(_time64) timer_create timer_settime(64) timer_gettime(64)
// timer_getoverrun timer_delete (kernel/time/*.c).
#include <csignal>
#include <ctime>
#include <set>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

int32_t sys_time(Process& p, const SyscallArgs& a) {
    time_t t = time(nullptr);
    int32_t t32 = static_cast<int32_t>(t);
    if (a[0] && !copy_to_guest(p, a[0], t32)) return -EFAULT;
    return t32;
}
int32_t sys_gettimeofday(Process& p, const SyscallArgs& a) {
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    if (a[0]) {
        GuestTimeval32 g{static_cast<int32_t>(tv.tv_sec), static_cast<int32_t>(tv.tv_usec)};
        if (!copy_to_guest(p, a[0], g)) return -EFAULT;
    }
    if (a[1]) {
        int32_t tz[2] = {0, 0};
        if (!p.mem.write(a[1], tz, sizeof tz)) return -EFAULT;
    }
    return 0;
}
template <typename G> int32_t clock_call(Process& p, uint32_t clk, uint32_t out, bool res) {
    struct timespec ts;
    int r = res ? clock_getres(static_cast<clockid_t>(clk), &ts) : clock_gettime(static_cast<clockid_t>(clk), &ts);
    if (r != 0) return -errno;
    if (!out) return 0;
    G g{static_cast<decltype(g.tv_sec)>(ts.tv_sec), static_cast<decltype(g.tv_nsec)>(ts.tv_nsec)};
    return copy_to_guest(p, out, g) ? 0 : -EFAULT;
}
int32_t sys_clock_gettime(Process& p, const SyscallArgs& a) { return clock_call<GuestTimespec32>(p, a[0], a[1], false); }
int32_t sys_clock_gettime64(Process& p, const SyscallArgs& a) { return clock_call<GuestTimespec64>(p, a[0], a[1], false); }
int32_t sys_clock_getres(Process& p, const SyscallArgs& a) { return clock_call<GuestTimespec32>(p, a[0], a[1], true); }
int32_t sys_clock_getres64(Process& p, const SyscallArgs& a) { return clock_call<GuestTimespec64>(p, a[0], a[1], true); }

template <typename G> bool read_ts(Process& p, uint32_t addr, struct timespec& ts) {
    G g;
    if (!copy_from_guest(p, addr, g)) return false;
    ts.tv_sec = g.tv_sec;
    ts.tv_nsec = static_cast<long>(g.tv_nsec);
    return true;
}
template <typename G> int32_t do_clock_nanosleep(Process& p, uint32_t clk, uint32_t flags, uint32_t req, uint32_t rem) {
    struct timespec ts, left{};
    if (!read_ts<G>(p, req, ts)) return -EFAULT;
    if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L || ts.tv_sec < 0) return -EINVAL;
    int r = clock_nanosleep(static_cast<clockid_t>(clk), static_cast<int>(flags), &ts, &left);
    if (r == EINTR && rem && !(flags & TIMER_ABSTIME)) {
        G g{static_cast<decltype(g.tv_sec)>(left.tv_sec), static_cast<decltype(g.tv_nsec)>(left.tv_nsec)};
        copy_to_guest(p, rem, g);
    }
    return -r;
}
int32_t sys_nanosleep(Process& p, const SyscallArgs& a) { return do_clock_nanosleep<GuestTimespec32>(p, CLOCK_REALTIME, 0, a[0], a[1]); }
int32_t sys_clock_nanosleep(Process& p, const SyscallArgs& a) { return do_clock_nanosleep<GuestTimespec32>(p, a[0], a[1], a[2], a[3]); }
int32_t sys_clock_nanosleep64(Process& p, const SyscallArgs& a) { return do_clock_nanosleep<GuestTimespec64>(p, a[0], a[1], a[2], a[3]); }

// ---- POSIX timers ----
//
// The guest's timers are host timers of this process: they fire as host signals, which reach the
// guest like any other (the signal code mirrors dispositions), with the guest's 32-bit sigval as
// the value. Timer ids are the kernel's small integers on both sides.

std::set<int32_t>& guest_timers() {
    static std::set<int32_t> ids;
    return ids;
}

// timer_create(clockid, struct compat_sigevent *, kernel_timer_t *) (kernel/time/posix-timers.c):
// the sigevent is read first (EFAULT), the host kernel validates it, and a timer whose id cannot
// be stored is deleted again before EFAULT is returned.
int32_t sys_timer_create(Process& p, const SyscallArgs& a) {
    struct sigevent ev {};
    struct sigevent* evp = nullptr;
    if (a[1]) {
        GuestSigevent g;
        if (!copy_from_guest(p, a[1], g)) return -EFAULT;
        ev.sigev_value.sival_ptr = reinterpret_cast<void*>(uintptr_t{g.value});
        ev.sigev_signo = g.signo;
        ev.sigev_notify = g.notify;
        ev._sigev_un._tid = g.tid;
        evp = &ev;
    }
    int32_t id = -1;
    if (syscall(SYS_timer_create, static_cast<clockid_t>(a[0]), evp, &id) < 0) return -errno;
    if (!copy_to_guest(p, a[2], id)) {
        syscall(SYS_timer_delete, id);
        return -EFAULT;
    }
    guest_timers().insert(id);
    return 0;
}

template <typename G> bool read_its(Process& p, uint32_t addr, struct itimerspec& out) {
    G g;
    if (!copy_from_guest(p, addr, g)) return false;
    out.it_interval = {static_cast<time_t>(g.it_interval.tv_sec), static_cast<long>(g.it_interval.tv_nsec)};
    out.it_value = {static_cast<time_t>(g.it_value.tv_sec), static_cast<long>(g.it_value.tv_nsec)};
    return true;
}
template <typename G> bool write_its(Process& p, uint32_t addr, const struct itimerspec& in) {
    G g;
    g.it_interval.tv_sec = static_cast<decltype(g.it_interval.tv_sec)>(in.it_interval.tv_sec);
    g.it_interval.tv_nsec = static_cast<decltype(g.it_interval.tv_nsec)>(in.it_interval.tv_nsec);
    g.it_value.tv_sec = static_cast<decltype(g.it_value.tv_sec)>(in.it_value.tv_sec);
    g.it_value.tv_nsec = static_cast<decltype(g.it_value.tv_nsec)>(in.it_value.tv_nsec);
    return copy_to_guest(p, addr, g);
}

// timer_settime(id, flags, new, old): no new value is EINVAL, an unreadable one EFAULT, then the
// host arms the timer; the old value is stored afterwards.
template <typename G> int32_t do_timer_settime(Process& p, const SyscallArgs& a) {
    if (!a[2]) return -EINVAL;
    struct itimerspec nv, ov {};
    if (!read_its<G>(p, a[2], nv)) return -EFAULT;
    if (syscall(SYS_timer_settime, static_cast<int>(a[0]), static_cast<int>(a[1]), &nv, a[3] ? &ov : nullptr) < 0)
        return -errno;
    if (a[3] && !write_its<G>(p, a[3], ov)) return -EFAULT;
    return 0;
}
template <typename G> int32_t do_timer_gettime(Process& p, const SyscallArgs& a) {
    struct itimerspec cur {};
    if (syscall(SYS_timer_gettime, static_cast<int>(a[0]), &cur) < 0) return -errno;
    return write_its<G>(p, a[1], cur) ? 0 : -EFAULT;
}
int32_t sys_timer_getoverrun(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_timer_getoverrun, static_cast<int>(a[0])));
}
int32_t sys_timer_delete(Process&, const SyscallArgs& a) {
    int32_t r = host_result(syscall(SYS_timer_delete, static_cast<int>(a[0])));
    if (r == 0) guest_timers().erase(static_cast<int32_t>(a[0]));
    return r;
}

}  // namespace

// execve deletes the process's POSIX timers (fs/exec.c begin_new_exec -> exit_itimers). gate386
// replaces the image inside the same host process, whose host timers would otherwise live on.
void delete_guest_posix_timers() {
    for (int32_t id : guest_timers()) syscall(SYS_timer_delete, id);
    guest_timers().clear();
}

void register_time_syscalls() {
    register_syscall(13, sys_time, "p");
    register_syscall(78, sys_gettimeofday, "pp");
    register_syscall(265, sys_clock_gettime, "dp");
    register_syscall(403, sys_clock_gettime64, "dp");
    register_syscall(266, sys_clock_getres, "dp");
    register_syscall(406, sys_clock_getres64, "dp");
    register_syscall(162, sys_nanosleep, "pp");
    register_syscall(267, sys_clock_nanosleep, "ddpp");
    register_syscall(407, sys_clock_nanosleep64, "ddpp");
    register_syscall(259, sys_timer_create, "dpp");
    register_syscall(260, do_timer_settime<GuestItimerspec32>, "ddpp");
    register_syscall(409, do_timer_settime<GuestItimerspec64>, "ddpp");
    register_syscall(261, do_timer_gettime<GuestItimerspec32>, "dp");
    register_syscall(408, do_timer_gettime<GuestItimerspec64>, "dp");
    register_syscall(262, sys_timer_getoverrun, "d");
    register_syscall(263, sys_timer_delete, "d");
}

}  // namespace gate386
