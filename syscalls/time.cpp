// Clocks and sleeping: time gettimeofday clock_gettime(64) clock_getres(_time64) nanosleep
// clock_nanosleep(_time64) (kernel/time/*.c).
#include <ctime>
#include <sys/time.h>

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

}  // namespace

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
}

}  // namespace gate386
