// i386 kernel ABI structures, byte for byte (arch/x86/include/uapi/asm/*.h, include/uapi/linux/*.h).
// Every struct has explicit padding and pinned size/offsets; values cross between guest memory and
// host structures only through GuestMemory::read/write, never by casting host pointers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <sys/resource.h>

namespace gate386 {

// struct user_desc (asm/ldt.h): set_thread_area / get_thread_area.
struct GuestUserDesc {
    uint32_t entry_number;
    uint32_t base_addr;
    uint32_t limit;
    uint32_t flags;   // seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1 seg_not_present:1 useable:1
};
static_assert(sizeof(GuestUserDesc) == 16);

// struct iovec with 32-bit pointers.
struct GuestIovec {
    uint32_t base;
    uint32_t len;
};
static_assert(sizeof(GuestIovec) == 8);

// struct new_utsname: six 65-byte fields, the same on every architecture.
struct GuestUtsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
static_assert(sizeof(GuestUtsname) == 390);

// struct old_timespec32 / old_timeval32.
struct GuestTimespec32 {
    int32_t tv_sec;
    int32_t tv_nsec;
};
static_assert(sizeof(GuestTimespec32) == 8);
struct GuestTimeval32 {
    int32_t tv_sec;
    int32_t tv_usec;
};
static_assert(sizeof(GuestTimeval32) == 8);

// struct __kernel_timespec (64-bit time on i386, the *_time64 calls).
struct GuestTimespec64 {
    int64_t tv_sec;
    int64_t tv_nsec;
};
static_assert(sizeof(GuestTimespec64) == 16);

// ---- file system areas (fs_open.cpp, fs_stat.cpp, fs_path.cpp, fs_dir.cpp, fs_ioctl.cpp) ----

// struct stat for the old stat/lstat/fstat (106-108): arch/x86/include/uapi/asm/stat.h, i386
// branch; on an x86-64 kernel the same bytes are struct compat_stat (arch/x86/include/asm/compat.h).
// 16-bit mode, nlink, uid and gid; 64 bytes.
struct GuestStat {
    uint32_t st_dev;
    uint32_t st_ino;
    uint16_t st_mode;
    uint16_t st_nlink;
    uint16_t st_uid;
    uint16_t st_gid;
    uint32_t st_rdev;
    uint32_t st_size;
    uint32_t st_blksize;
    uint32_t st_blocks;
    uint32_t st_atime_sec, st_atime_nsec;
    uint32_t st_mtime_sec, st_mtime_nsec;
    uint32_t st_ctime_sec, st_ctime_nsec;
    uint32_t unused4, unused5;
};
static_assert(sizeof(GuestStat) == 64);
static_assert(offsetof(GuestStat, st_mode) == 8);
static_assert(offsetof(GuestStat, st_rdev) == 16);
static_assert(offsetof(GuestStat, st_atime_sec) == 32);

// struct statx_timestamp and struct statx (include/uapi/linux/stat.h): fixed-width fields at
// naturally aligned offsets, so the i386 and x86-64 layouts are the same 256 bytes.
struct GuestStatxTimestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};
static_assert(sizeof(GuestStatxTimestamp) == 16);
struct GuestStatx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    GuestStatxTimestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor;
    uint32_t stx_dev_major, stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align, stx_dio_offset_align;
    uint64_t spare3[12];   // stx_subvol, atomic-write fields and spares: copied as they come
};
static_assert(sizeof(GuestStatx) == 256);
static_assert(offsetof(GuestStatx, stx_mode) == 28);
static_assert(offsetof(GuestStatx, stx_ino) == 32);
static_assert(offsetof(GuestStatx, stx_atime) == 64);
static_assert(offsetof(GuestStatx, stx_mtime) == 112);
static_assert(offsetof(GuestStatx, stx_rdev_major) == 128);
static_assert(offsetof(GuestStatx, stx_mnt_id) == 144);

// struct statfs with 32-bit words (include/uapi/asm-generic/statfs.h, __statfs_word = __u32):
// statfs(99)/fstatfs(100). 64 bytes.
struct GuestStatfs {
    uint32_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags;
    uint32_t f_spare[4];
};
static_assert(sizeof(GuestStatfs) == 64);
static_assert(offsetof(GuestStatfs, f_fsid) == 28);

// struct statfs64, i386 (asm-generic/statfs.h; x86-64's struct compat_statfs64 is the same bytes,
// ARCH_PACK_COMPAT_STATFS64 = packed, aligned(4) in arch/x86/include/uapi/asm/statfs.h): the
// u64 counts sit at 4-byte alignment and there is no tail padding. 84 bytes; statfs64(2)'s size
// argument must equal it.
struct __attribute__((packed, aligned(4))) GuestStatfs64 {
    uint32_t f_type;
    uint32_t f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags;
    uint32_t f_spare[4];
};
static_assert(sizeof(GuestStatfs64) == 84);
static_assert(offsetof(GuestStatfs64, f_blocks) == 8);
static_assert(offsetof(GuestStatfs64, f_fsid) == 48);
static_assert(offsetof(GuestStatfs64, f_namelen) == 56);

// struct flock, i386 (arch/x86 uses include/uapi/asm-generic/fcntl.h with 32-bit
// __kernel_off_t; struct compat_flock on x86-64): 16 bytes. F_GETLK/F_SETLK/F_SETLKW.
struct GuestFlock {
    int16_t l_type;
    int16_t l_whence;
    int32_t l_start;
    int32_t l_len;
    int32_t l_pid;
};
static_assert(sizeof(GuestFlock) == 16);
static_assert(offsetof(GuestFlock, l_start) == 4);

// struct flock64, i386: loff_t fields at 4-byte alignment, 24 bytes (struct compat_flock64 is
// declared __packed on x86-64 for that reason). F_GETLK64/F_SETLK64/F_SETLKW64 and F_OFD_*.
struct __attribute__((packed, aligned(4))) GuestFlock64 {
    int16_t l_type;
    int16_t l_whence;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
};
static_assert(sizeof(GuestFlock64) == 24);
static_assert(offsetof(GuestFlock64, l_start) == 4);
static_assert(offsetof(GuestFlock64, l_len) == 12);
static_assert(offsetof(GuestFlock64, l_pid) == 20);

// struct f_owner_ex (F_GETOWN_EX/F_SETOWN_EX): two ints everywhere.
struct GuestFOwnerEx {
    int32_t type;
    int32_t pid;
};
static_assert(sizeof(GuestFOwnerEx) == 8);

// struct open_how (include/uapi/linux/openat2.h), openat2(2): three u64, the same everywhere.
struct GuestOpenHow {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};
static_assert(sizeof(GuestOpenHow) == 24);

// The fixed heads of the directory records (fs/readdir.c). struct linux_dirent64 is
// arch-independent: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, then the name; records are
// padded to 8 bytes. The i386 struct linux_dirent (x86-64: struct compat_linux_dirent) has 32-bit
// d_ino and d_off, the name at offset 10, and d_type in the record's last byte; records are
// padded to 4 bytes.
struct __attribute__((packed)) GuestDirent64Head {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
};
static_assert(sizeof(GuestDirent64Head) == 19);
struct __attribute__((packed)) GuestDirentHead {
    uint32_t d_ino;
    uint32_t d_off;
    uint16_t d_reclen;
};
static_assert(sizeof(GuestDirentHead) == 10);

// struct utimbuf for utime(2): two old_time32_t.
struct GuestUtimbuf {
    int32_t actime;
    int32_t modtime;
};
static_assert(sizeof(GuestUtimbuf) == 8);

// The kernel's struct termios (include/uapi/asm-generic/termbits.h, used by x86): four tcflag_t,
// c_line, c_cc[NCCS = 19]. 36 bytes -- not glibc's 60-byte struct termios with speeds.
struct GuestTermios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
};
static_assert(sizeof(GuestTermios) == 36);
static_assert(offsetof(GuestTermios, c_cc) == 17);
// struct termios2 (TCGETS2/TCSETS2): struct termios plus c_ispeed and c_ospeed. 44 bytes.
struct GuestTermios2 {
    GuestTermios t;
    uint32_t c_ispeed, c_ospeed;
};
static_assert(sizeof(GuestTermios2) == 44);
// struct termio (TCGETA/TCSETA*): 16-bit flags, c_line, c_cc[NCC = 8]. 18 bytes.
struct GuestTermio {
    uint16_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[8];
    uint8_t pad;
};
static_assert(sizeof(GuestTermio) == 18);
// struct winsize (TIOCGWINSZ/TIOCSWINSZ): four unsigned shorts.
struct GuestWinsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};
static_assert(sizeof(GuestWinsize) == 8);

// struct stat64 (arch/x86/include/uapi/asm/stat.h, the i386 variant): 96 bytes, packed 4-byte
// alignment for the 64-bit fields.
struct __attribute__((packed, aligned(4))) GuestStat64 {
    uint64_t st_dev;
    uint8_t pad0[4];
    uint32_t st_ino_low;   // __st_ino
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint8_t pad3[4];
    int64_t st_size;
    uint32_t st_blksize;
    uint64_t st_blocks;
    uint32_t st_atime_sec, st_atime_nsec;
    uint32_t st_mtime_sec, st_mtime_nsec;
    uint32_t st_ctime_sec, st_ctime_nsec;
    uint64_t st_ino;
};
static_assert(sizeof(GuestStat64) == 96);
static_assert(offsetof(GuestStat64, st_mode) == 16);
static_assert(offsetof(GuestStat64, st_size) == 44);
static_assert(offsetof(GuestStat64, st_blocks) == 56);
static_assert(offsetof(GuestStat64, st_ino) == 88);

// ---- process lifetime, resources and readiness (proc_lifecycle.cpp, resource.cpp, poll.cpp) ----

// struct rusage as a 32-bit process sees it (include/uapi/linux/resource.h with 32-bit longs;
// kernel/exit.c put_compat_rusage): two old_timeval32, then 14 longs. 72 bytes.
struct GuestRusage {
    GuestTimeval32 ru_utime;
    GuestTimeval32 ru_stime;
    int32_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
    int32_t ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;

    // Longs are truncated to 32 bits, as put_compat_rusage does.
    static GuestRusage from_host(const struct rusage& r) {
        auto l = [](long v) { return static_cast<int32_t>(v); };
        return GuestRusage{{l(r.ru_utime.tv_sec), l(r.ru_utime.tv_usec)}, {l(r.ru_stime.tv_sec), l(r.ru_stime.tv_usec)},
                           l(r.ru_maxrss), l(r.ru_ixrss), l(r.ru_idrss), l(r.ru_isrss), l(r.ru_minflt),
                           l(r.ru_majflt), l(r.ru_nswap), l(r.ru_inblock), l(r.ru_oublock), l(r.ru_msgsnd),
                           l(r.ru_msgrcv), l(r.ru_nsignals), l(r.ru_nvcsw), l(r.ru_nivcsw)};
    }
};
static_assert(sizeof(GuestRusage) == 72);
static_assert(offsetof(GuestRusage, ru_maxrss) == 16);
static_assert(offsetof(GuestRusage, ru_nivcsw) == 68);

// siginfo_t (include/uapi/asm-generic/siginfo.h), i386: 128 bytes; three ints, then the union.
// Only the SIGCHLD member is defined: it is what waitid(2) fills (kernel/exit.c SYSCALL_DEFINE5
// waitid writes si_signo, si_errno, si_code, si_pid, si_uid and si_status, and nothing else).
struct GuestSiginfoChild {
    // Field names without the si_ prefix: <signal.h> defines si_pid and friends as macros.
    int32_t signo;
    int32_t err_no;
    int32_t code;
    int32_t pid;
    uint32_t uid;
    int32_t status;
    int32_t utime;   // clock_t, 32-bit: not written by waitid
    int32_t stime;
    uint8_t pad[96];
};
static_assert(sizeof(GuestSiginfoChild) == 128);
static_assert(offsetof(GuestSiginfoChild, pid) == 12);
static_assert(offsetof(GuestSiginfoChild, status) == 20);
static_assert(offsetof(GuestSiginfoChild, utime) == 24);

// struct rlimit with 32-bit longs (getrlimit, ugetrlimit, setrlimit) and struct rlimit64.
struct GuestRlimit {
    uint32_t rlim_cur;
    uint32_t rlim_max;
};
static_assert(sizeof(GuestRlimit) == 8);
struct GuestRlimit64 {
    uint64_t rlim_cur;
    uint64_t rlim_max;
};
static_assert(sizeof(GuestRlimit64) == 16);

// struct sysinfo (include/uapi/linux/sysinfo.h) with 32-bit longs: 64 bytes, with the libc5
// padding _f[20 - 2*sizeof(long) - sizeof(u32)] at the end.
struct GuestSysinfo {
    int32_t uptime;
    uint32_t loads[3];
    uint32_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs;
    uint16_t pad;
    uint32_t totalhigh, freehigh;
    uint32_t mem_unit;
    uint8_t f[8];
};
static_assert(sizeof(GuestSysinfo) == 64);
static_assert(offsetof(GuestSysinfo, procs) == 40);
static_assert(offsetof(GuestSysinfo, totalhigh) == 44);
static_assert(offsetof(GuestSysinfo, mem_unit) == 52);

// struct tms: four clock_t (32-bit long).
struct GuestTms {
    int32_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};
static_assert(sizeof(GuestTms) == 16);

// struct pollfd: the same 8 bytes everywhere.
struct GuestPollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};
static_assert(sizeof(GuestPollfd) == 8);
static_assert(offsetof(GuestPollfd, revents) == 6);

// struct epoll_event is packed on x86 (include/uapi/linux/eventpoll.h EPOLL_PACKED): 12 bytes.
struct __attribute__((packed)) GuestEpollEvent {
    uint32_t events;
    uint64_t data;
};
static_assert(sizeof(GuestEpollEvent) == 12);
static_assert(offsetof(GuestEpollEvent, data) == 4);

// struct itimerval (two old_timeval32) and the itimerspec pair for timerfd, 32- and 64-bit time.
struct GuestItimerval32 {
    GuestTimeval32 it_interval;
    GuestTimeval32 it_value;
};
static_assert(sizeof(GuestItimerval32) == 16);
struct GuestItimerspec32 {
    GuestTimespec32 it_interval;
    GuestTimespec32 it_value;
};
static_assert(sizeof(GuestItimerspec32) == 16);
struct GuestItimerspec64 {
    GuestTimespec64 it_interval;
    GuestTimespec64 it_value;
};
static_assert(sizeof(GuestItimerspec64) == 32);

// pselect6's sixth argument points at this pair (fs/select.c struct sigset_argpack).
struct GuestSigsetArgpack {
    uint32_t ss;       // const sigset_t *
    uint32_t ss_len;
};
static_assert(sizeof(GuestSigsetArgpack) == 8);

// old select(2) (nr 82) passes one pointer to its five arguments (fs/select.c sel_arg_struct).
struct GuestSelArgs {
    uint32_t n, inp, outp, exp, tvp;
};
static_assert(sizeof(GuestSelArgs) == 20);

// struct compat_sigevent (include/linux/compat.h) for timer_create: a 32-bit sigval, the signal,
// the notification kind, then a union padded to 64 bytes whose first word is the target thread
// id for SIGEV_THREAD_ID (the host's struct sigevent has an 8-byte sigval, so its tid sits at 16).
struct GuestSigevent {
    uint32_t value;
    int32_t signo;
    int32_t notify;
    int32_t tid;
    uint8_t pad[48];
};
static_assert(sizeof(GuestSigevent) == 64);
static_assert(offsetof(GuestSigevent, tid) == 12);

// ---- sockets (socket.cpp) ----

// struct compat_msghdr (include/net/compat.h): seven 32-bit words, 28 bytes.
struct GuestMsghdr {
    uint32_t name;        // void *
    int32_t namelen;
    uint32_t iov;         // struct iovec *
    uint32_t iovlen;
    uint32_t control;     // void *
    uint32_t controllen;
    uint32_t flags;
};
static_assert(sizeof(GuestMsghdr) == 28);
static_assert(offsetof(GuestMsghdr, control) == 16);
static_assert(offsetof(GuestMsghdr, flags) == 24);

// struct compat_mmsghdr: the header and the byte count of the message, 32 bytes.
struct GuestMmsghdr {
    GuestMsghdr hdr;
    uint32_t len;
};
static_assert(sizeof(GuestMmsghdr) == 32);

// struct compat_cmsghdr: a 32-bit length, so the header is 12 bytes and the data (and the next
// header) is aligned to 4 bytes (CMSG_COMPAT_ALIGN), where the host's is 16 bytes aligned to 8.
struct GuestCmsghdr {
    uint32_t len;
    int32_t level;
    int32_t type;
};
static_assert(sizeof(GuestCmsghdr) == 12);

// struct compat_sock_fprog (SO_ATTACH_FILTER): a 16-bit count, then a 32-bit pointer at offset 4.
struct GuestSockFprog {
    uint16_t len;
    uint16_t pad;
    uint32_t filter;   // struct sock_filter *, 8 bytes per instruction on every architecture
};
static_assert(sizeof(GuestSockFprog) == 8);

}  // namespace gate386
