// The file-system namespace: chdir fchdir getcwd mkdir mkdirat rmdir unlink unlinkat rename
// renameat renameat2 link linkat symlink symlinkat chmod fchmod fchmodat fchmodat2 chown/lchown/
// fchown (16- and 32-bit ids) fchownat umask utime utimes futimesat utimensat utimensat_time64
// mknod mknodat sync syncfs.
// The old single-path calls go to the host's *at form with AT_FDCWD, which is what the kernel does
// inside as well (fs/namei.c do_mkdirat, do_rmdir, do_unlinkat, do_renameat2, do_linkat ...).
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

const char* fs_host_path(Process& p, uint32_t addr, std::string& host, std::string* guest);   // fs_open.cpp
void* fs_fault_ptr();                                                                          // fs_open.cpp

namespace {

constexpr uint32_t kAtSymlinkNofollow = 0x100, kAtRemovedir = 0x200;

// A string argument that is not a path to resolve (a symlink's target is stored as written), with
// the same stand-ins as fs_host_path for a bad pointer or an overlong string.
const char* raw_string_arg(Process& p, uint32_t addr, std::string& out) {
    constexpr uint32_t kPathMax = 4096;
    static const std::string too_long(kPathMax, 'x');
    if (addr == 0) return nullptr;
    if (!p.mem.read_string(addr, out, kPathMax))
        return p.mem.check(addr, kPathMax, PROT_READ) ? too_long.c_str() : static_cast<const char*>(fs_fault_ptr());
    return out.c_str();
}

int32_t sys_chdir(Process& p, const SyscallArgs& a) {
    std::string h;
    return host_result(syscall(SYS_chdir, fs_host_path(p, a[0], h, nullptr)));
}
int32_t sys_fchdir(Process&, const SyscallArgs& a) { return host_result(syscall(SYS_fchdir, static_cast<int>(a[0]))); }

// getcwd(buf, size) (fs/d_path.c): the result counts the NUL; a path longer than size is ERANGE;
// the copy comes last. The kernel builds the path in one PATH_MAX page, as the host does here.
int32_t sys_getcwd(Process& p, const SyscallArgs& a) {
    char buf[4096];
    long n = syscall(SYS_getcwd, buf, sizeof buf);
    if (n < 0) return -errno;
    if (static_cast<uint64_t>(n) > a[1]) return -ERANGE;
    return p.mem.write(a[0], buf, static_cast<uint32_t>(n)) ? static_cast<int32_t>(n) : -EFAULT;
}

int32_t do_mkdirat(Process& p, int32_t dirfd, uint32_t path, uint32_t mode) {
    std::string h;
    return host_result(syscall(SYS_mkdirat, dirfd, fs_host_path(p, path, h, nullptr), mode));
}
int32_t sys_mkdir(Process& p, const SyscallArgs& a) { return do_mkdirat(p, AT_FDCWD, a[0], a[1]); }
int32_t sys_mkdirat(Process& p, const SyscallArgs& a) { return do_mkdirat(p, static_cast<int32_t>(a[0]), a[1], a[2]); }

int32_t do_unlinkat(Process& p, int32_t dirfd, uint32_t path, uint32_t flags) {
    std::string h;
    return host_result(syscall(SYS_unlinkat, dirfd, fs_host_path(p, path, h, nullptr), flags));
}
int32_t sys_rmdir(Process& p, const SyscallArgs& a) { return do_unlinkat(p, AT_FDCWD, a[0], kAtRemovedir); }
int32_t sys_unlink(Process& p, const SyscallArgs& a) { return do_unlinkat(p, AT_FDCWD, a[0], 0); }
int32_t sys_unlinkat(Process& p, const SyscallArgs& a) { return do_unlinkat(p, static_cast<int32_t>(a[0]), a[1], a[2]); }

int32_t do_renameat2(Process& p, int32_t olddir, uint32_t oldpath, int32_t newdir, uint32_t newpath, uint32_t flags) {
    std::string ho, hn;
    const char* o = fs_host_path(p, oldpath, ho, nullptr);
    const char* n = fs_host_path(p, newpath, hn, nullptr);
    return host_result(syscall(SYS_renameat2, olddir, o, newdir, n, flags));
}
int32_t sys_rename(Process& p, const SyscallArgs& a) { return do_renameat2(p, AT_FDCWD, a[0], AT_FDCWD, a[1], 0); }
int32_t sys_renameat(Process& p, const SyscallArgs& a) {
    return do_renameat2(p, static_cast<int32_t>(a[0]), a[1], static_cast<int32_t>(a[2]), a[3], 0);
}
int32_t sys_renameat2(Process& p, const SyscallArgs& a) {
    return do_renameat2(p, static_cast<int32_t>(a[0]), a[1], static_cast<int32_t>(a[2]), a[3], a[4]);
}

int32_t do_linkat(Process& p, int32_t olddir, uint32_t oldpath, int32_t newdir, uint32_t newpath, uint32_t flags) {
    std::string ho, hn;
    const char* o = fs_host_path(p, oldpath, ho, nullptr);
    const char* n = fs_host_path(p, newpath, hn, nullptr);
    return host_result(syscall(SYS_linkat, olddir, o, newdir, n, flags));
}
int32_t sys_link(Process& p, const SyscallArgs& a) { return do_linkat(p, AT_FDCWD, a[0], AT_FDCWD, a[1], 0); }
int32_t sys_linkat(Process& p, const SyscallArgs& a) {
    return do_linkat(p, static_cast<int32_t>(a[0]), a[1], static_cast<int32_t>(a[2]), a[3], a[4]);
}

// symlink(target, linkpath): the target is content, stored as the guest wrote it; only the new
// name is resolved.
int32_t do_symlinkat(Process& p, uint32_t target, int32_t newdir, uint32_t linkpath) {
    std::string t, h;
    const char* tp = raw_string_arg(p, target, t);
    const char* lp = fs_host_path(p, linkpath, h, nullptr);
    return host_result(syscall(SYS_symlinkat, tp, newdir, lp));
}
int32_t sys_symlink(Process& p, const SyscallArgs& a) { return do_symlinkat(p, a[0], AT_FDCWD, a[1]); }
int32_t sys_symlinkat(Process& p, const SyscallArgs& a) { return do_symlinkat(p, a[0], static_cast<int32_t>(a[1]), a[2]); }

// ---- permissions and owners ----

int32_t do_fchmodat(Process& p, int32_t dirfd, uint32_t path, uint32_t mode) {
    std::string h;
    return host_result(syscall(SYS_fchmodat, dirfd, fs_host_path(p, path, h, nullptr), mode));
}
int32_t sys_chmod(Process& p, const SyscallArgs& a) { return do_fchmodat(p, AT_FDCWD, a[0], a[1]); }
int32_t sys_fchmod(Process&, const SyscallArgs& a) { return host_result(syscall(SYS_fchmod, static_cast<int>(a[0]), a[1])); }
int32_t sys_fchmodat(Process& p, const SyscallArgs& a) { return do_fchmodat(p, static_cast<int32_t>(a[0]), a[1], a[2]); }
// fchmodat2(dirfd, path, mode, flags): the same number (452) on both sides.
int32_t sys_fchmodat2(Process& p, const SyscallArgs& a) {
    std::string h;
    return host_result(syscall(452, static_cast<int32_t>(a[0]), fs_host_path(p, a[1], h, nullptr), a[2], a[3]));
}

// The 16-bit id calls widen their ids with low2highuid (include/linux/highuid.h): 0xffff, the
// 16-bit -1, means "leave unchanged".
uint32_t high_id(uint32_t id16) {
    uint32_t v = id16 & 0xffff;
    return v == 0xffff ? ~0u : v;
}

int32_t do_fchownat(Process& p, int32_t dirfd, uint32_t path, uint32_t uid, uint32_t gid, uint32_t flags) {
    std::string h;
    return host_result(syscall(SYS_fchownat, dirfd, fs_host_path(p, path, h, nullptr), uid, gid, flags));
}
int32_t sys_chown32(Process& p, const SyscallArgs& a) { return do_fchownat(p, AT_FDCWD, a[0], a[1], a[2], 0); }
int32_t sys_lchown32(Process& p, const SyscallArgs& a) {
    return do_fchownat(p, AT_FDCWD, a[0], a[1], a[2], kAtSymlinkNofollow);
}
int32_t sys_fchown32(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_fchown, static_cast<int>(a[0]), a[1], a[2]));
}
int32_t sys_fchownat(Process& p, const SyscallArgs& a) {
    return do_fchownat(p, static_cast<int32_t>(a[0]), a[1], a[2], a[3], a[4]);
}
int32_t sys_chown16(Process& p, const SyscallArgs& a) {
    return do_fchownat(p, AT_FDCWD, a[0], high_id(a[1]), high_id(a[2]), 0);
}
int32_t sys_lchown16(Process& p, const SyscallArgs& a) {
    return do_fchownat(p, AT_FDCWD, a[0], high_id(a[1]), high_id(a[2]), kAtSymlinkNofollow);
}
int32_t sys_fchown16(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_fchown, static_cast<int>(a[0]), high_id(a[1]), high_id(a[2])));
}

int32_t sys_umask(Process&, const SyscallArgs& a) { return static_cast<int32_t>(syscall(SYS_umask, a[0])); }

// ---- times ----

int32_t do_utimensat(Process& p, int32_t dirfd, uint32_t path, const struct timespec* ts, uint32_t flags) {
    std::string h;
    return host_result(syscall(SYS_utimensat, dirfd, fs_host_path(p, path, h, nullptr), ts, flags));
}

// utimensat(dirfd, path, old_timespec32 times[2], flags) (fs/utimes.c): the times are read
// before anything else; both fields are sign-extended (get_old_timespec32), so UTIME_NOW and
// UTIME_OMIT pass unchanged. A null path with a descriptor is futimens.
int32_t sys_utimensat(Process& p, const SyscallArgs& a) {
    struct timespec ts[2];
    if (a[2]) {
        GuestTimespec32 g[2];
        if (!copy_from_guest(p, a[2], g)) return -EFAULT;
        for (int k = 0; k < 2; k++) ts[k] = {g[k].tv_sec, g[k].tv_nsec};
    }
    return do_utimensat(p, static_cast<int32_t>(a[0]), a[1], a[2] ? ts : nullptr, a[3]);
}
// utimensat_time64: struct __kernel_timespec; for a compat caller get_timespec64 keeps only the
// low 32 bits of tv_nsec (kernel/time/time.c).
int32_t sys_utimensat_time64(Process& p, const SyscallArgs& a) {
    struct timespec ts[2];
    if (a[2]) {
        GuestTimespec64 g[2];
        if (!copy_from_guest(p, a[2], g)) return -EFAULT;
        for (int k = 0; k < 2; k++) ts[k] = {g[k].tv_sec, static_cast<long>(static_cast<uint32_t>(g[k].tv_nsec))};
    }
    return do_utimensat(p, static_cast<int32_t>(a[0]), a[1], a[2] ? ts : nullptr, a[3]);
}
// utime(path, struct utimbuf *) (fs/utimes.c): whole seconds, nanoseconds zero.
int32_t sys_utime(Process& p, const SyscallArgs& a) {
    struct timespec ts[2];
    if (a[1]) {
        GuestUtimbuf u;
        if (!copy_from_guest(p, a[1], u)) return -EFAULT;
        ts[0] = {u.actime, 0};
        ts[1] = {u.modtime, 0};
    }
    return do_utimensat(p, AT_FDCWD, a[0], a[1] ? ts : nullptr, 0);
}
// utimes/futimesat with old_timeval32[2] (fs/utimes.c do_compat_futimesat): microseconds outside
// [0, 1000000) are EINVAL before the lookup.
int32_t do_futimesat(Process& p, int32_t dirfd, uint32_t path, uint32_t times) {
    struct timespec ts[2];
    if (times) {
        GuestTimeval32 g[2];
        if (!copy_from_guest(p, times, g)) return -EFAULT;
        for (int k = 0; k < 2; k++) {
            if (g[k].tv_usec < 0 || g[k].tv_usec >= 1000000) return -EINVAL;
            ts[k] = {g[k].tv_sec, g[k].tv_usec * 1000L};
        }
    }
    return do_utimensat(p, dirfd, path, times ? ts : nullptr, 0);
}
int32_t sys_utimes(Process& p, const SyscallArgs& a) { return do_futimesat(p, AT_FDCWD, a[0], a[1]); }
int32_t sys_futimesat(Process& p, const SyscallArgs& a) { return do_futimesat(p, static_cast<int32_t>(a[0]), a[1], a[2]); }

// mknod/mknodat: the device number is the same 32-bit new_encode_dev value on both sides.
int32_t do_mknodat(Process& p, int32_t dirfd, uint32_t path, uint32_t mode, uint32_t dev) {
    std::string h;
    return host_result(syscall(SYS_mknodat, dirfd, fs_host_path(p, path, h, nullptr), mode, dev));
}
int32_t sys_mknod(Process& p, const SyscallArgs& a) { return do_mknodat(p, AT_FDCWD, a[0], a[1], a[2]); }
int32_t sys_mknodat(Process& p, const SyscallArgs& a) { return do_mknodat(p, static_cast<int32_t>(a[0]), a[1], a[2], a[3]); }

int32_t sys_sync(Process&, const SyscallArgs&) {
    sync();
    return 0;
}
int32_t sys_syncfs(Process&, const SyscallArgs& a) { return host_result(syscall(SYS_syncfs, static_cast<int>(a[0]))); }

}  // namespace

void register_fs_path_syscalls() {
    register_syscall(12, sys_chdir, "s");
    register_syscall(133, sys_fchdir, "f");
    register_syscall(183, sys_getcwd, "Bu");
    register_syscall(39, sys_mkdir, "sm");
    register_syscall(296, sys_mkdirat, "dsm");
    register_syscall(40, sys_rmdir, "s");
    register_syscall(10, sys_unlink, "s");
    register_syscall(301, sys_unlinkat, "dsx");
    register_syscall(38, sys_rename, "ss");
    register_syscall(302, sys_renameat, "dsds");
    register_syscall(353, sys_renameat2, "dsdsx");
    register_syscall(9, sys_link, "ss");
    register_syscall(303, sys_linkat, "dsdsx");
    register_syscall(83, sys_symlink, "ss");
    register_syscall(304, sys_symlinkat, "sds");
    register_syscall(15, sys_chmod, "sm");
    register_syscall(94, sys_fchmod, "fm");
    register_syscall(306, sys_fchmodat, "dsm");
    register_syscall(452, sys_fchmodat2, "dsmx");
    register_syscall(212, sys_chown32, "sdd");
    register_syscall(198, sys_lchown32, "sdd");
    register_syscall(207, sys_fchown32, "fdd");
    register_syscall(298, sys_fchownat, "dsddx");
    register_syscall(182, sys_chown16, "sxx");
    register_syscall(16, sys_lchown16, "sxx");
    register_syscall(95, sys_fchown16, "fxx");
    register_syscall(60, sys_umask, "m");
    register_syscall(320, sys_utimensat, "dspx");
    register_syscall(412, sys_utimensat_time64, "dspx");
    register_syscall(30, sys_utime, "sp");
    register_syscall(271, sys_utimes, "sp");
    register_syscall(299, sys_futimesat, "dsp");
    register_syscall(14, sys_mknod, "smx");
    register_syscall(297, sys_mknodat, "dsmx");
    register_syscall(36, sys_sync, "");
    register_syscall(344, sys_syncfs, "f");
}

}  // namespace gate386
