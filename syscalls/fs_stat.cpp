// File status: stat64 lstat64 fstat64 fstatat64 statx, the old 32-bit stat lstat fstat, access
// faccessat faccessat2, statfs fstatfs statfs64 fstatfs64, readlink readlinkat.
// The host fills its own struct stat / kstatfs; we store the i386 layout field by field, with the
// overflow rules of the x86-64 kernel's ia32 paths (fs/stat.c cp_compat_stat,
// arch/x86/kernel/sys_ia32.c cp_stat64, fs/statfs.c put_compat_statfs*), since those are what an
// i386 program on this host gets.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

#include "syscalls/guest_types.h"
#include "syscalls/procfs.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

const char* fs_host_path(Process& p, uint32_t addr, std::string& host, std::string* guest);   // fs_open.cpp

namespace {

constexpr uint32_t kAtSymlinkNofollow = 0x100;

// The kernel's overflowuid/overflowgid (/proc/sys/kernel/overflow{u,g}id, 65534 by default): what
// a 16-bit uid field shows for an id above 65535 (include/linux/highuid.h high2lowuid).
uint16_t overflow_id(const char* which) {
    unsigned v = 65534;
    if (FILE* f = std::fopen(which, "r")) {
        if (std::fscanf(f, "%u", &v) != 1) v = 65534;
        std::fclose(f);
    }
    return static_cast<uint16_t>(v);
}
uint16_t low_uid(uint32_t id) {
    static const uint16_t over = overflow_id("/proc/sys/kernel/overflowuid");
    return id > 0xffff ? over : static_cast<uint16_t>(id);
}
uint16_t low_gid(uint32_t id) {
    static const uint16_t over = overflow_id("/proc/sys/kernel/overflowgid");
    return id > 0xffff ? over : static_cast<uint16_t>(id);
}

// stat(2) of /proc/self/exe (followed) describes the guest program, not gate386: fs_open.cpp opens
// it the same way through procfs_open.
const char* follow_proc_exe(Process& p, const std::string& guest, std::string& target, const char* hp) {
    if (guest.rfind("/proc/", 0) == 0 && procfs_readlink(p, guest, target) && guest.size() > 4 &&
        guest.compare(guest.size() - 4, 4, "/exe") == 0)
        return target.c_str();
    return hp;
}

// arch/x86/kernel/sys_ia32.c cp_stat64: every field is stored with its own put_user and the
// padding (__pad0, __pad3) is left as the caller had it; the low 32 bits of the inode go to
// __st_ino. Times keep their low 32 bits.
int32_t put_stat64(Process& p, uint32_t addr, const struct stat& st) {
    GuestStat64 g{};
    g.st_dev = st.st_dev;
    g.st_ino_low = static_cast<uint32_t>(st.st_ino);
    g.st_mode = st.st_mode;
    g.st_nlink = static_cast<uint32_t>(st.st_nlink);
    g.st_uid = st.st_uid;
    g.st_gid = st.st_gid;
    g.st_rdev = st.st_rdev;
    g.st_size = st.st_size;
    g.st_blksize = static_cast<uint32_t>(st.st_blksize);
    g.st_blocks = static_cast<uint64_t>(st.st_blocks);
    g.st_atime_sec = static_cast<uint32_t>(st.st_atim.tv_sec);
    g.st_atime_nsec = static_cast<uint32_t>(st.st_atim.tv_nsec);
    g.st_mtime_sec = static_cast<uint32_t>(st.st_mtim.tv_sec);
    g.st_mtime_nsec = static_cast<uint32_t>(st.st_mtim.tv_nsec);
    g.st_ctime_sec = static_cast<uint32_t>(st.st_ctim.tv_sec);
    g.st_ctime_nsec = static_cast<uint32_t>(st.st_ctim.tv_nsec);
    g.st_ino = st.st_ino;
    if (!p.mem.check(addr, sizeof g, PROT_WRITE)) return -EFAULT;
    const auto* b = reinterpret_cast<const uint8_t*>(&g);
    constexpr uint32_t kPad0 = offsetof(GuestStat64, pad0), kIno = offsetof(GuestStat64, st_ino_low);
    constexpr uint32_t kPad3 = offsetof(GuestStat64, pad3), kSize = offsetof(GuestStat64, st_size);
    p.mem.write(addr, b, kPad0);
    p.mem.write(addr + kIno, b + kIno, kPad3 - kIno);
    p.mem.write(addr + kSize, b + kSize, sizeof g - kSize);
    return 0;
}

// fs/stat.c cp_compat_stat: 32-bit inode, 16-bit link count and a size under 2 GiB, or EOVERFLOW;
// ids above 65535 show as the overflow id; the whole struct (zeroed spares) is stored.
int32_t put_old_stat(Process& p, uint32_t addr, const struct stat& st) {
    if (st.st_ino > 0xffffffffu || st.st_nlink > 0xffff || static_cast<uint64_t>(st.st_size) > 0x7fffffffu)
        return -EOVERFLOW;
    GuestStat g{};
    g.st_dev = static_cast<uint32_t>(st.st_dev);
    g.st_ino = static_cast<uint32_t>(st.st_ino);
    g.st_mode = static_cast<uint16_t>(st.st_mode);
    g.st_nlink = static_cast<uint16_t>(st.st_nlink);
    g.st_uid = low_uid(st.st_uid);
    g.st_gid = low_gid(st.st_gid);
    g.st_rdev = static_cast<uint32_t>(st.st_rdev);
    g.st_size = static_cast<uint32_t>(st.st_size);
    g.st_blksize = static_cast<uint32_t>(st.st_blksize);
    g.st_blocks = static_cast<uint32_t>(st.st_blocks);
    g.st_atime_sec = static_cast<uint32_t>(st.st_atim.tv_sec);
    g.st_atime_nsec = static_cast<uint32_t>(st.st_atim.tv_nsec);
    g.st_mtime_sec = static_cast<uint32_t>(st.st_mtim.tv_sec);
    g.st_mtime_nsec = static_cast<uint32_t>(st.st_mtim.tv_nsec);
    g.st_ctime_sec = static_cast<uint32_t>(st.st_ctim.tv_sec);
    g.st_ctime_nsec = static_cast<uint32_t>(st.st_ctim.tv_nsec);
    return copy_to_guest(p, addr, g) ? 0 : -EFAULT;
}

// The host lookup for every path-based stat: newfstatat (raw, so no libc conversion happens).
int32_t host_stat_at(Process& p, int32_t dirfd, uint32_t path, uint32_t flags, struct stat& st) {
    std::string host, guest, target;
    const char* hp = fs_host_path(p, path, host, &guest);
    if (!(flags & kAtSymlinkNofollow)) hp = follow_proc_exe(p, guest, target, hp);
    return host_result(syscall(SYS_newfstatat, dirfd, hp, &st, flags));
}

// stat64/lstat64/fstat64 and the old stat/lstat/fstat differ only in the struct they fill.
using PutStat = int32_t (*)(Process&, uint32_t, const struct stat&);
template <PutStat Put, uint32_t Flags> int32_t path_stat(Process& p, const SyscallArgs& a) {
    struct stat st;
    if (int32_t r = host_stat_at(p, AT_FDCWD, a[0], Flags, st)) return r;
    return Put(p, a[1], st);
}
template <PutStat Put> int32_t fd_stat(Process& p, const SyscallArgs& a) {
    struct stat st;
    if (syscall(SYS_fstat, static_cast<int>(a[0]), &st) < 0) return -errno;
    return Put(p, a[1], st);
}
// fstatat64(dirfd, path, buf, flags): flags (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_NO_AUTOMOUNT)
// are checked by the host; a null path with AT_EMPTY_PATH is the descriptor itself (vfs_fstatat).
int32_t sys_fstatat64(Process& p, const SyscallArgs& a) {
    struct stat st;
    if (int32_t r = host_stat_at(p, static_cast<int32_t>(a[0]), a[1], a[3], st)) return r;
    return put_stat64(p, a[2], st);
}

// statx(dirfd, path, flags, mask, buf): struct statx is the same on both sides; the host fills a
// local copy (fs/stat.c cp_statx zeroes what it does not set) and we store all 256 bytes.
int32_t sys_statx(Process& p, const SyscallArgs& a) {
    std::string host, guest, target;
    const char* hp = fs_host_path(p, a[1], host, &guest);
    if (!(a[2] & kAtSymlinkNofollow)) hp = follow_proc_exe(p, guest, target, hp);
    GuestStatx sx{};
    if (syscall(SYS_statx, static_cast<int32_t>(a[0]), hp, a[2], a[3], &sx) < 0) return -errno;
    return copy_to_guest(p, a[4], sx) ? 0 : -EFAULT;
}

// access/faccessat/faccessat2: the host checks the mode bits and flags (fs/open.c do_faccessat).
int32_t sys_access(Process& p, const SyscallArgs& a) {
    std::string host;
    return host_result(syscall(SYS_faccessat, AT_FDCWD, fs_host_path(p, a[0], host, nullptr), a[1]));
}
int32_t sys_faccessat(Process& p, const SyscallArgs& a) {
    std::string host;
    return host_result(syscall(SYS_faccessat, static_cast<int32_t>(a[0]), fs_host_path(p, a[1], host, nullptr), a[2]));
}
int32_t sys_faccessat2(Process& p, const SyscallArgs& a) {
    std::string host;
    return host_result(syscall(SYS_faccessat2, static_cast<int32_t>(a[0]), fs_host_path(p, a[1], host, nullptr), a[2], a[3]));
}

// ---- statfs ----

// fs/statfs.c put_compat_statfs: block and file counts must fit 32 bits (f_files/f_ffree may be
// -1), else EOVERFLOW.
int32_t put_statfs(Process& p, uint32_t addr, const struct statfs& s) {
    auto wide = [](uint64_t v) { return (v >> 32) != 0; };
    auto wide_count = [&](uint64_t v) { return v != ~0ull && wide(v); };
    if (wide(s.f_blocks) || wide(s.f_bfree) || wide(s.f_bavail) || wide(static_cast<uint64_t>(s.f_bsize)) ||
        wide(static_cast<uint64_t>(s.f_frsize)) || wide_count(s.f_files) || wide_count(s.f_ffree))
        return -EOVERFLOW;
    GuestStatfs g{};
    g.f_type = static_cast<uint32_t>(s.f_type);
    g.f_bsize = static_cast<uint32_t>(s.f_bsize);
    g.f_blocks = static_cast<uint32_t>(s.f_blocks);
    g.f_bfree = static_cast<uint32_t>(s.f_bfree);
    g.f_bavail = static_cast<uint32_t>(s.f_bavail);
    g.f_files = static_cast<uint32_t>(s.f_files);
    g.f_ffree = static_cast<uint32_t>(s.f_ffree);
    std::memcpy(g.f_fsid, &s.f_fsid, sizeof g.f_fsid);
    g.f_namelen = static_cast<uint32_t>(s.f_namelen);
    g.f_frsize = static_cast<uint32_t>(s.f_frsize);
    g.f_flags = static_cast<uint32_t>(s.f_flags);
    return copy_to_guest(p, addr, g) ? 0 : -EFAULT;
}
// fs/statfs.c put_compat_statfs64: only f_bsize and f_frsize must fit 32 bits.
int32_t put_statfs64(Process& p, uint32_t addr, const struct statfs& s) {
    if ((static_cast<uint64_t>(s.f_bsize) | static_cast<uint64_t>(s.f_frsize)) >> 32) return -EOVERFLOW;
    GuestStatfs64 g{};
    g.f_type = static_cast<uint32_t>(s.f_type);
    g.f_bsize = static_cast<uint32_t>(s.f_bsize);
    g.f_blocks = s.f_blocks;
    g.f_bfree = s.f_bfree;
    g.f_bavail = s.f_bavail;
    g.f_files = s.f_files;
    g.f_ffree = s.f_ffree;
    std::memcpy(g.f_fsid, &s.f_fsid, sizeof g.f_fsid);
    g.f_namelen = static_cast<uint32_t>(s.f_namelen);
    g.f_frsize = static_cast<uint32_t>(s.f_frsize);
    g.f_flags = static_cast<uint32_t>(s.f_flags);
    return copy_to_guest(p, addr, g) ? 0 : -EFAULT;
}

int32_t sys_statfs(Process& p, const SyscallArgs& a) {
    std::string host;
    struct statfs s;
    if (syscall(SYS_statfs, fs_host_path(p, a[0], host, nullptr), &s) < 0) return -errno;
    return put_statfs(p, a[1], s);
}
int32_t sys_fstatfs(Process& p, const SyscallArgs& a) {
    struct statfs s;
    if (syscall(SYS_fstatfs, static_cast<int>(a[0]), &s) < 0) return -errno;
    return put_statfs(p, a[1], s);
}
// statfs64(path, size, buf): the size must be sizeof(struct statfs64) = 84, checked before the
// lookup (kcompat_sys_statfs64).
int32_t sys_statfs64(Process& p, const SyscallArgs& a) {
    if (a[1] != sizeof(GuestStatfs64)) return -EINVAL;
    std::string host;
    struct statfs s;
    if (syscall(SYS_statfs, fs_host_path(p, a[0], host, nullptr), &s) < 0) return -errno;
    return put_statfs64(p, a[2], s);
}
int32_t sys_fstatfs64(Process& p, const SyscallArgs& a) {
    if (a[1] != sizeof(GuestStatfs64)) return -EINVAL;
    struct statfs s;
    if (syscall(SYS_fstatfs, static_cast<int>(a[0]), &s) < 0) return -errno;
    return put_statfs64(p, a[2], s);
}

// ---- readlink ----

// readlinkat(dirfd, path, buf, bufsiz) (fs/stat.c do_readlinkat): bufsiz <= 0 is EINVAL before the
// lookup; the target is truncated to bufsiz without a NUL; the copy comes last, so a bad buffer is
// EFAULT only for a real symlink. /proc/self/exe names the guest program.
int32_t do_readlinkat(Process& p, int32_t dirfd, uint32_t path, uint32_t buf, uint32_t bufsiz) {
    if (static_cast<int32_t>(bufsiz) <= 0) return -EINVAL;
    std::string host, guest, target;
    const char* hp = fs_host_path(p, path, host, &guest);
    if (guest.rfind("/proc", 0) == 0 && procfs_readlink(p, guest, target)) {
        uint32_t n = std::min<uint32_t>(bufsiz, static_cast<uint32_t>(target.size()));
        return p.mem.write(buf, target.data(), n) ? static_cast<int32_t>(n) : -EFAULT;
    }
    // Link targets are at most PATH_MAX - 1 bytes (d_path, page_get_link): a PATH_MAX buffer
    // holds any of them in full.
    std::vector<char> out(std::min<uint32_t>(bufsiz, 4096));
    long n = syscall(SYS_readlinkat, dirfd, hp, out.data(), out.size());
    if (n < 0) return -errno;
    return p.mem.write(buf, out.data(), static_cast<uint32_t>(n)) ? static_cast<int32_t>(n) : -EFAULT;
}
int32_t sys_readlink(Process& p, const SyscallArgs& a) { return do_readlinkat(p, AT_FDCWD, a[0], a[1], a[2]); }
int32_t sys_readlinkat(Process& p, const SyscallArgs& a) {
    return do_readlinkat(p, static_cast<int32_t>(a[0]), a[1], a[2], a[3]);
}

}  // namespace

void register_fs_stat_syscalls() {
    register_syscall(195, path_stat<put_stat64, 0>, "sp");
    register_syscall(196, path_stat<put_stat64, kAtSymlinkNofollow>, "sp");
    register_syscall(197, fd_stat<put_stat64>, "fp");
    register_syscall(300, sys_fstatat64, "dspx");
    register_syscall(383, sys_statx, "dsxxp");
    register_syscall(106, path_stat<put_old_stat, 0>, "sp");
    register_syscall(107, path_stat<put_old_stat, kAtSymlinkNofollow>, "sp");
    register_syscall(108, fd_stat<put_old_stat>, "fp");
    register_syscall(33, sys_access, "sx");
    register_syscall(307, sys_faccessat, "dsx");
    register_syscall(439, sys_faccessat2, "dsxx");
    register_syscall(99, sys_statfs, "sp");
    register_syscall(100, sys_fstatfs, "fp");
    register_syscall(268, sys_statfs64, "sup");
    register_syscall(269, sys_fstatfs64, "fup");
    register_syscall(85, sys_readlink, "sBu");
    register_syscall(305, sys_readlinkat, "dsBu");
}

}  // namespace gate386
