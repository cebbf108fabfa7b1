// Resources and scheduling: prlimit64 ugetrlimit getrlimit setrlimit getrusage sysinfo times
// getrandom getgroups(32) setgroups(32) getcpu sched_* futex rseq (kernel/sys.c, kernel/compat.c,
// kernel/sched/core.c, kernel/futex/syscalls.c).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <linux/futex.h>
#include <sched.h>
#include <string>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <unistd.h>
#include <vector>

#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

// ---------------------------------------------------------------------------------------------
// Resource limits

// RLIMIT_AS, RLIMIT_DATA and RLIMIT_STACK would bind gate386 itself (its 4 GiB guest window alone
// exceeds most address-space limits), so, as qemu-user does, the guest's values for them are
// kept here instead of in the host. A static is per host process, which is per guest process:
// fork copies it and an in-place execve keeps it, like the kernel's signal->rlim.
struct VirtualLimit {
    bool set = false;
    struct rlimit value {};
};
VirtualLimit g_virtual[RLIM_NLIMITS];

bool is_virtual(uint32_t res) { return res == RLIMIT_AS || res == RLIMIT_DATA || res == RLIMIT_STACK; }

// CAP_SYS_RESOURCE, which raising a hard limit needs (kernel/sys.c do_prlimit).
bool has_cap_sys_resource() {
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return geteuid() == 0;
    char line[256];
    unsigned long long caps = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "CapEff: %llx", &caps) == 1) break;
    std::fclose(f);
    return caps & (1ull << 24);
}

// do_prlimit for this process or another one. new_lim/old_lim may be null.
int32_t do_prlimit(pid_t pid, uint32_t res, const struct rlimit* new_lim, struct rlimit* old_lim) {
    if (res >= RLIM_NLIMITS) return -EINVAL;
    bool self = pid == 0 || pid == getpid();
    if (!self || !is_virtual(res))
        return host_result(prlimit(pid, static_cast<__rlimit_resource>(res), new_lim, old_lim));
    VirtualLimit& v = g_virtual[res];
    struct rlimit cur = v.value;
    if (!v.set && getrlimit(static_cast<__rlimit_resource>(res), &cur) != 0) return -errno;
    if (new_lim) {
        if (new_lim->rlim_cur > new_lim->rlim_max) return -EINVAL;
        if (new_lim->rlim_max > cur.rlim_max && !has_cap_sys_resource()) return -EPERM;
    }
    if (old_lim) *old_lim = cur;
    if (new_lim) {
        v.set = true;
        v.value = *new_lim;
    }
    return 0;
}

int32_t sys_prlimit64(Process& p, const SyscallArgs& a) {
    struct rlimit nw, old;
    if (a[2]) {
        GuestRlimit64 g;
        if (!copy_from_guest(p, a[2], g)) return -EFAULT;
        nw.rlim_cur = g.rlim_cur;
        nw.rlim_max = g.rlim_max;
    }
    int32_t r = do_prlimit(static_cast<pid_t>(a[0]), a[1], a[2] ? &nw : nullptr, a[3] ? &old : nullptr);
    if (r < 0) return r;
    if (a[3] && !copy_to_guest(p, a[3], GuestRlimit64{old.rlim_cur, old.rlim_max})) return -EFAULT;
    return 0;
}

// 32-bit struct rlimit: ugetrlimit reports values beyond 32 bits as RLIM_INFINITY (0xffffffff,
// COMPAT_SYSCALL_DEFINE2(getrlimit)); the old getrlimit clamps to 0x7fffffff, the infinity of
// the first i386 ABI (COMPAT_SYSCALL_DEFINE2(old_getrlimit)).
int32_t get_rlimit32(Process& p, const SyscallArgs& a, uint64_t cap) {
    struct rlimit r;
    int32_t e = do_prlimit(0, a[0], nullptr, &r);
    if (e < 0) return e;
    GuestRlimit g{static_cast<uint32_t>(std::min<uint64_t>(r.rlim_cur, cap)),
                  static_cast<uint32_t>(std::min<uint64_t>(r.rlim_max, cap))};
    return copy_to_guest(p, a[1], g) ? 0 : -EFAULT;
}
int32_t sys_ugetrlimit(Process& p, const SyscallArgs& a) { return get_rlimit32(p, a, 0xffffffffu); }
int32_t sys_old_getrlimit(Process& p, const SyscallArgs& a) { return get_rlimit32(p, a, 0x7fffffffu); }
int32_t sys_setrlimit(Process& p, const SyscallArgs& a) {
    GuestRlimit g;
    if (!copy_from_guest(p, a[1], g)) return -EFAULT;
    auto widen = [](uint32_t v) { return v == 0xffffffffu ? RLIM_INFINITY : rlim_t(v); };
    struct rlimit r{widen(g.rlim_cur), widen(g.rlim_max)};
    return do_prlimit(0, a[0], &r, nullptr);
}

int32_t sys_getrusage(Process& p, const SyscallArgs& a) {
    struct rusage ru;
    if (getrusage(static_cast<__rusage_who>(static_cast<int32_t>(a[0])), &ru) != 0) return -errno;
    return copy_to_guest(p, a[1], GuestRusage::from_host(ru)) ? 0 : -EFAULT;
}

// sysinfo for a 32-bit task (kernel/sys.c COMPAT_SYSCALL_DEFINE1(sysinfo)): when the memory sizes
// do not fit in 32 bits, mem_unit grows up to the page size and the sizes shrink to match.
int32_t sys_sysinfo(Process& p, const SyscallArgs& a) {
    struct sysinfo s;
    if (sysinfo(&s) != 0) return -errno;
    uint64_t unit = s.mem_unit ? s.mem_unit : 1;
    int shift = 0;
    if ((uint64_t(s.totalram) >> 32) || (uint64_t(s.totalswap) >> 32))
        while (unit < kPageSize) { unit <<= 1; shift++; }
    auto mem = [shift](unsigned long v) { return static_cast<uint32_t>(uint64_t(v) >> shift); };
    GuestSysinfo g;
    std::memset(&g, 0, sizeof g);
    g.uptime = static_cast<int32_t>(s.uptime);
    for (int k = 0; k < 3; k++) g.loads[k] = static_cast<uint32_t>(s.loads[k]);
    g.totalram = mem(s.totalram);
    g.freeram = mem(s.freeram);
    g.sharedram = mem(s.sharedram);
    g.bufferram = mem(s.bufferram);
    g.totalswap = mem(s.totalswap);
    g.freeswap = mem(s.freeswap);
    g.procs = s.procs;
    g.totalhigh = mem(s.totalhigh);
    g.freehigh = mem(s.freehigh);
    g.mem_unit = static_cast<uint32_t>(unit);
    return copy_to_guest(p, a[0], g) ? 0 : -EFAULT;
}

// times: struct tms of 32-bit clock_t; the result is the tick count cut to 32 bits, as the
// kernel's compat_jiffies_to_clock_t leaves it.
int32_t sys_times(Process& p, const SyscallArgs& a) {
    struct tms t;
    clock_t r = times(&t);
    if (r == static_cast<clock_t>(-1)) return -errno;
    if (a[0]) {
        GuestTms g{static_cast<int32_t>(t.tms_utime), static_cast<int32_t>(t.tms_stime),
                   static_cast<int32_t>(t.tms_cutime), static_cast<int32_t>(t.tms_cstime)};
        if (!copy_to_guest(p, a[0], g)) return -EFAULT;
    }
    return static_cast<int32_t>(static_cast<uint32_t>(r));
}

int32_t sys_getrandom(Process& p, const SyscallArgs& a) {
    void* buf = guest_out(p, a[0], a[1]);
    if (!buf) return -EFAULT;
    return host_result(getrandom(buf, a[1], a[2]));
}

// ---------------------------------------------------------------------------------------------
// Supplementary groups (kernel/groups.c, kernel/uid16.c)

constexpr uint32_t kNgroupsMax = 65536;

template <typename T> int32_t get_groups(Process& p, const SyscallArgs& a, bool narrow) {
    int32_t size = static_cast<int32_t>(a[0]);
    if (size < 0) return -EINVAL;
    // The host never has more than NGROUPS_MAX, so a larger buffer answers the same.
    std::vector<gid_t> v(std::min<uint32_t>(static_cast<uint32_t>(size), kNgroupsMax));
    int n = getgroups(static_cast<int>(v.size()), v.data());
    if (n < 0) return -errno;
    if (size == 0) return n;
    for (int k = 0; k < n; k++) {
        T g = narrow ? static_cast<T>(v[k] & ~0xffffu ? 65534 : v[k]) : static_cast<T>(v[k]);
        if (!copy_to_guest(p, a[1] + k * uint32_t(sizeof(T)), g)) return -EFAULT;
    }
    return n;
}
template <typename T> int32_t set_groups(Process& p, const SyscallArgs& a) {
    if (a[0] > kNgroupsMax) return -EINVAL;
    std::vector<gid_t> v(a[0]);
    for (uint32_t k = 0; k < a[0]; k++) {
        T g;
        if (!copy_from_guest(p, a[1] + k * uint32_t(sizeof(T)), g)) return -EFAULT;
        v[k] = sizeof(T) == 2 && g == T(-1) ? gid_t(-1) : gid_t(g);
    }
    // Raw: glibc's setgroups would signal threads that do not exist here.
    return host_result(syscall(SYS_setgroups, static_cast<long>(v.size()), v.data()));
}
int32_t sys_getgroups32(Process& p, const SyscallArgs& a) { return get_groups<uint32_t>(p, a, false); }
int32_t sys_getgroups16(Process& p, const SyscallArgs& a) { return get_groups<uint16_t>(p, a, true); }
int32_t sys_setgroups32(Process& p, const SyscallArgs& a) { return set_groups<uint32_t>(p, a); }
int32_t sys_setgroups16(Process& p, const SyscallArgs& a) { return set_groups<uint16_t>(p, a); }

// ---------------------------------------------------------------------------------------------
// Scheduling

int32_t sys_getcpu(Process& p, const SyscallArgs& a) {
    unsigned cpu = 0, node = 0;
    if (syscall(SYS_getcpu, &cpu, &node, nullptr) != 0) return -errno;
    if (a[0] && !copy_to_guest(p, a[0], static_cast<uint32_t>(cpu))) return -EFAULT;
    if (a[1] && !copy_to_guest(p, a[1], static_cast<uint32_t>(node))) return -EFAULT;
    return 0;
}

// CPU masks are bitmaps of 32-bit words for the guest and 64-bit words for the host; on a
// little-endian machine both are the same bytes, so only the length rules differ
// (kernel/compat.c COMPAT_SYSCALL_DEFINE3(sched_getaffinity)).
int32_t sys_sched_getaffinity(Process& p, const SyscallArgs& a) {
    uint32_t len = a[1];
    if (len & 3) return -EINVAL;
    std::vector<uint8_t> mask((std::min<uint32_t>(len, 1u << 16) + 7) & ~7u, 0);
    long r = syscall(SYS_sched_getaffinity, static_cast<pid_t>(a[0]), mask.size(), mask.data());
    if (r < 0) return -errno;
    uint32_t n = std::min<uint32_t>(static_cast<uint32_t>(r), len);
    if (!p.mem.write(a[2], mask.data(), n)) return -EFAULT;
    return static_cast<int32_t>(n);
}
int32_t sys_sched_setaffinity(Process& p, const SyscallArgs& a) {
    uint32_t len = std::min<uint32_t>(a[1], 1u << 16);
    std::vector<uint8_t> mask((len + 7) & ~7u, 0);
    if (!p.mem.read(a[2], mask.data(), len)) return -EFAULT;
    return host_result(syscall(SYS_sched_setaffinity, static_cast<pid_t>(a[0]), mask.size(), mask.data()));
}
int32_t sys_sched_yield(Process&, const SyscallArgs&) { return host_result(sched_yield()); }
// getpriority returns 20 - nice so that the result is never negative (kernel/sys.c); the raw host
// call returns the same encoding, which glibc's wrapper undoes.
int32_t sys_getpriority(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_getpriority, static_cast<int>(a[0]), static_cast<int>(a[1])));
}
int32_t sys_setpriority(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_setpriority, static_cast<int>(a[0]), static_cast<int>(a[1]), static_cast<int>(a[2])));
}
// struct sched_param is one int on every architecture.
int32_t sys_sched_getparam(Process& p, const SyscallArgs& a) {
    struct sched_param sp {};
    if (sched_getparam(static_cast<pid_t>(a[0]), &sp) != 0) return -errno;
    return copy_to_guest(p, a[1], static_cast<int32_t>(sp.sched_priority)) ? 0 : -EFAULT;
}
int32_t sys_sched_setparam(Process& p, const SyscallArgs& a) {
    int32_t prio;
    if (!copy_from_guest(p, a[1], prio)) return -EFAULT;
    struct sched_param sp {};
    sp.sched_priority = prio;
    return host_result(syscall(SYS_sched_setparam, static_cast<pid_t>(a[0]), &sp));
}
int32_t sys_sched_getscheduler(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_sched_getscheduler, static_cast<pid_t>(a[0])));
}
int32_t sys_sched_setscheduler(Process& p, const SyscallArgs& a) {
    int32_t prio;
    if (!copy_from_guest(p, a[2], prio)) return -EFAULT;
    struct sched_param sp {};
    sp.sched_priority = prio;
    return host_result(syscall(SYS_sched_setscheduler, static_cast<pid_t>(a[0]), static_cast<int>(a[1]), &sp));
}
int32_t sys_sched_get_priority_max(Process&, const SyscallArgs& a) {
    return host_result(sched_get_priority_max(static_cast<int>(a[0])));
}
int32_t sys_sched_get_priority_min(Process&, const SyscallArgs& a) {
    return host_result(sched_get_priority_min(static_cast<int>(a[0])));
}
template <typename G> int32_t sched_rr_interval(Process& p, const SyscallArgs& a) {
    struct timespec ts;
    if (sched_rr_get_interval(static_cast<pid_t>(a[0]), &ts) != 0) return -errno;
    G g{static_cast<decltype(g.tv_sec)>(ts.tv_sec), static_cast<decltype(g.tv_nsec)>(ts.tv_nsec)};
    return copy_to_guest(p, a[1], g) ? 0 : -EFAULT;
}

// ---------------------------------------------------------------------------------------------
// futex: guest memory is host memory, so the host futex on the same bytes is the guest's futex,
// shared mappings included (kernel/futex/syscalls.c).

template <typename G> int32_t do_futex(Process& p, const SyscallArgs& a) {
    uint32_t uaddr = a[0];
    int op = static_cast<int>(a[1]);
    int cmd = op & FUTEX_CMD_MASK;
    // No range checks of our own: any guest address is inside gate386's reservation, where the
    // host kernel faults on exactly the pages the guest cannot access, and a private FUTEX_WAKE
    // does not touch the word at all (get_futex_key), so a wake on unmapped memory is 0 there too.
    // Which commands take a timeout in the fourth argument and which a count (futex_init_timeout,
    // and COMPAT: "val2 = (u32)(unsigned long)utime" for the requeue and wake_op commands).
    bool timed = cmd == FUTEX_WAIT || cmd == FUTEX_LOCK_PI || cmd == FUTEX_WAIT_BITSET ||
                 cmd == FUTEX_WAIT_REQUEUE_PI || cmd == 13 /*FUTEX_LOCK_PI2*/;
    bool two_words = cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP ||
                     cmd == FUTEX_WAIT_REQUEUE_PI || cmd == FUTEX_CMP_REQUEUE_PI;
    bool writes = cmd == FUTEX_WAKE_OP || cmd == FUTEX_LOCK_PI || cmd == FUTEX_UNLOCK_PI ||
                  cmd == FUTEX_TRYLOCK_PI || cmd == 13 || cmd == FUTEX_WAIT_REQUEUE_PI || cmd == FUTEX_CMP_REQUEUE_PI;
    struct timespec ts;
    const void* fourth = reinterpret_cast<const void*>(static_cast<uintptr_t>(a[3]));
    if (timed) {
        fourth = nullptr;
        if (a[3]) {
            G g;
            if (!copy_from_guest(p, a[3], g)) return -EFAULT;
            ts.tv_sec = g.tv_sec;
            ts.tv_nsec = static_cast<long>(g.tv_nsec);
            fourth = &ts;
        }
    }
    void* uaddr2 = nullptr;
    if (two_words) uaddr2 = p.mem.host(a[4]);
    if (writes) {
        // A futex word on a page that holds decoded code would be write-protected on the host.
        p.mem.prepare_host_write(uaddr, 4);
        if (two_words) p.mem.prepare_host_write(a[4], 4);
    }
    return host_result(syscall(SYS_futex, p.mem.host(uaddr), op, a[2], fourth, uaddr2, a[5]));
}
int32_t sys_futex(Process& p, const SyscallArgs& a) { return do_futex<GuestTimespec32>(p, a); }
int32_t sys_futex_time64(Process& p, const SyscallArgs& a) { return do_futex<GuestTimespec64>(p, a); }

// Restartable sequences: glibc registers one per thread and carries on without when the kernel
// says -ENOSYS; registered here so that the refusal is quiet.
int32_t sys_rseq(Process&, const SyscallArgs&) { return -ENOSYS; }

}  // namespace

void register_resource_syscalls() {
    register_syscall(340, sys_prlimit64, "ddpp");
    register_syscall(96, sys_getpriority, "dd");
    register_syscall(97, sys_setpriority, "ddd");
    register_syscall(191, sys_ugetrlimit, "dp");
    register_syscall(76, sys_old_getrlimit, "dp");
    register_syscall(75, sys_setrlimit, "dp");
    register_syscall(77, sys_getrusage, "dp");
    register_syscall(116, sys_sysinfo, "p");
    register_syscall(43, sys_times, "p");
    register_syscall(355, sys_getrandom, "pux");
    register_syscall(205, sys_getgroups32, "dp");
    register_syscall(206, sys_setgroups32, "dp");
    register_syscall(80, sys_getgroups16, "dp");
    register_syscall(81, sys_setgroups16, "dp");
    register_syscall(318, sys_getcpu, "ppp");
    register_syscall(242, sys_sched_getaffinity, "dup");
    register_syscall(241, sys_sched_setaffinity, "dup");
    register_syscall(158, sys_sched_yield, "");
    register_syscall(155, sys_sched_getparam, "dp");
    register_syscall(154, sys_sched_setparam, "dp");
    register_syscall(157, sys_sched_getscheduler, "d");
    register_syscall(156, sys_sched_setscheduler, "ddp");
    register_syscall(159, sys_sched_get_priority_max, "d");
    register_syscall(160, sys_sched_get_priority_min, "d");
    register_syscall(161, sched_rr_interval<GuestTimespec32>, "dp");
    register_syscall(423, sched_rr_interval<GuestTimespec64>, "dp");
    register_syscall(240, sys_futex, "pxdppd");
    register_syscall(422, sys_futex_time64, "pxdppd");
    register_syscall(386, sys_rseq, "pudx");
}

}  // namespace gate386
