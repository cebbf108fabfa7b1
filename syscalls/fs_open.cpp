// Opening and managing file descriptors: open openat openat2 creat lseek _llseek dup dup2 dup3 pipe
// pipe2 fcntl fcntl64 close_range fsync fdatasync sync_file_range truncate ftruncate truncate64
// ftruncate64 fadvise64 fadvise64_64 fallocate sendfile sendfile64 copy_file_range.
// Guest descriptors are host descriptors (as in qemu-user); where a 64-bit caller would get
// different kernel behaviour than an i386 one, the call is made through the ia32 entry instead
// (see fs_ia32_call below).
#include <algorithm>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/close_range.h>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "syscalls/guest_types.h"
#include "syscalls/procfs.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

// ---- helpers shared by the fs_*.cpp areas (each of them re-declares what it uses) ----

void* fs_fault_ptr();

// A path argument, resolved like guest_path() (--sysroot), returned as the pointer to give the host
// call. A bad guest pointer is never an early -EFAULT here: the host call gets a pointer that
// fails the same way (a faulting page; 4096 bytes without a NUL for a string that does not end
// within PATH_MAX readable bytes, fs/namei.c getname_flags), so the host kernel reports the
// error in its own order -- flag checks first, as the i386 program would see. A null pointer
// stays null (AT_EMPTY_PATH, utimensat on a descriptor). `guest`, when given, receives the path
// as the guest wrote it (empty when unreadable).
const char* fs_host_path(Process& p, uint32_t addr, std::string& host, std::string* guest) {
    constexpr uint32_t kPathMax = 4096;
    static const std::string too_long(kPathMax, 'x');
    if (guest) guest->clear();
    if (addr == 0) return nullptr;
    if (!guest_path(p, addr, host))
        return p.mem.check(addr, kPathMax, PROT_READ) ? too_long.c_str() : static_cast<const char*>(fs_fault_ptr());
    if (guest) p.mem.read_string(addr, *guest, kPathMax);
    return host.c_str();
}

// A host address that always faults. When a guest pointer is bad, handing this to the host call
// (instead of failing early) lets the host kernel report errors in its own order: EBADF or ENOTTY
// before EFAULT, as the i386 program would see them.
void* fs_fault_ptr() {
    static void* page = [] {
        void* m = mmap(nullptr, kPageSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return m == MAP_FAILED ? nullptr : m;   // nullptr faults as well (mmap_min_addr)
    }();
    return page;
}

// System calls through the ia32 entry. An x86-64 kernel treats `int $0x80` from a 64-bit process
// as a compat (i386) system call, in_compat_syscall() true (arch/x86/entry/entry_64_compat.S).
// Two things differ for such callers and matter to i386 programs:
//  - open/openat/creat: compat_sys_open(at) does not force O_LARGEFILE (fs/open.c), so
//    F_GETFL and the EOVERFLOW of generic_file_open() for files over 2 GiB match;
//  - ext4 directory offsets: ext4 hands out 32-bit hash cookies as d_off when is_32bit_api()
//    (fs/ext4/dir.c ext4_readdir, hash2pos), 64-bit ones otherwise, which 32-bit readdir()
//    cannot represent (the qemu-user EOVERFLOW problem).
// Pointers given to such calls must lie below 4 GiB: fs_ia32_scratch() provides a per-thread
// buffer there. Both return nullptr/false where the host has no ia32 support.
bool fs_ia32_ready();
uint8_t* fs_ia32_scratch(size_t len);

int32_t fs_ia32_call(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    uint64_t rax = nr;
    // r8-r11 were zeroed by the int80 path of older kernels: treat them as clobbered.
    asm volatile("int $0x80"
                 : "+a"(rax)
                 : "b"(uint64_t{a}), "c"(uint64_t{b}), "d"(uint64_t{c}), "S"(uint64_t{d})
                 : "memory", "cc", "r8", "r9", "r10", "r11");
    return static_cast<int32_t>(static_cast<uint32_t>(rax));
}

bool fs_ia32_ready() {
    // Probed once in a child: where ia32 emulation is off (CONFIG_IA32_EMULATION=n or
    // ia32_emulation=0) int $0x80 raises SIGSEGV. The child is cloned with no exit signal, so
    // the guest never sees a SIGCHLD it did not cause, and reaped with __WCLONE.
    static const bool ready = [] {
        long pid = syscall(SYS_clone, 0L, nullptr, nullptr, nullptr, nullptr);
        if (pid == 0) {
            signal(SIGSEGV, SIG_DFL);
            signal(SIGILL, SIG_DFL);
            int32_t r = fs_ia32_call(20, 0, 0, 0, 0);   // i386 getpid
            syscall(SYS_exit, r > 0 ? 0 : 1);
        }
        if (pid < 0) return false;
        int status = 0;
        while (waitpid(static_cast<pid_t>(pid), &status, __WCLONE) < 0)
            if (errno != EINTR) return false;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }();
    return ready;
}

uint8_t* fs_ia32_scratch(size_t len) {
    thread_local uint8_t* buf = nullptr;
    thread_local size_t cap = 0;
    if (!fs_ia32_ready()) return nullptr;
    if (len > cap) {
        size_t want = std::max<size_t>(page_up(len), 64 * 1024);
        void* m = mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (m == MAP_FAILED) return nullptr;
        if (buf) munmap(buf, cap);
        buf = static_cast<uint8_t*>(m);
        cap = want;
    }
    return buf;
}

namespace {

constexpr uint32_t kNrIa32Creat = 8, kNrIa32Openat = 295;

inline uint32_t low_addr(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }
inline int64_t join64(uint32_t lo, uint32_t hi) { return static_cast<int64_t>((uint64_t(hi) << 32) | lo); }

// The path copied into ia32 scratch memory, or nullptr (no ia32 support: use the 64-bit call).
const char* ia32_path(const std::string& host) {
    uint8_t* low = fs_ia32_scratch(host.size() + 1);
    if (!low) return nullptr;
    std::copy(host.begin(), host.end(), low);
    low[host.size()] = 0;
    return reinterpret_cast<const char*>(low);
}

int32_t do_openat(Process& p, int32_t dirfd, uint32_t path, uint32_t flags, uint32_t mode) {
    std::string host, guest;
    const char* hp = fs_host_path(p, path, host, &guest);
    int32_t r;
    if (guest.rfind("/proc/", 0) == 0 && procfs_open(p, guest, flags, r)) return r;
    if (hp == host.c_str())
        if (const char* low = ia32_path(host))
            return fs_ia32_call(kNrIa32Openat, static_cast<uint32_t>(dirfd), low_addr(low), flags, mode);
    return host_result(syscall(SYS_openat, dirfd, hp, flags, mode));
}

int32_t sys_open(Process& p, const SyscallArgs& a) { return do_openat(p, AT_FDCWD, a[0], a[1], a[2]); }
int32_t sys_openat(Process& p, const SyscallArgs& a) { return do_openat(p, static_cast<int32_t>(a[0]), a[1], a[2], a[3]); }

// creat is not a compat call: sys_creat adds O_LARGEFILE for i386 callers on x86-64 too
// (fs/open.c, force_o_largefile()). The ia32 entry keeps that exact.
int32_t sys_creat(Process& p, const SyscallArgs& a) {
    std::string host;
    const char* hp = fs_host_path(p, a[0], host, nullptr);
    if (hp == host.c_str())
        if (const char* low = ia32_path(host)) return fs_ia32_call(kNrIa32Creat, low_addr(low), a[1], 0, 0);
    return host_result(syscall(SYS_creat, hp, a[1]));
}

// openat2(dirfd, path, struct open_how *, size): the kernel validates the size and any extension
// bytes (copy_struct_from_user), so the guest's bytes go to the host unchanged.
int32_t sys_openat2(Process& p, const SyscallArgs& a) {
    uint32_t size = a[3];
    if (size < sizeof(GuestOpenHow)) return -EINVAL;
    if (size > kPageSize) return -E2BIG;
    std::vector<uint8_t> how(size);
    if (!p.mem.read(a[2], how.data(), size)) return -EFAULT;
    GuestOpenHow h;
    std::memcpy(&h, how.data(), sizeof h);
    std::string host, guest;
    const char* hp = fs_host_path(p, a[1], host, &guest);
    int32_t r;
    if (guest.rfind("/proc/", 0) == 0 && procfs_open(p, guest, static_cast<uint32_t>(h.flags), r)) return r;
    return host_result(syscall(SYS_openat2, static_cast<int32_t>(a[0]), hp, how.data(), size_t{size}));
}

// lseek(fd, compat_off_t, whence): compat_sys_lseek sign-extends the offset and returns the 64-bit
// result of ksys_lseek (fs/read_write.c), of which an i386 caller sees the low 32 bits in EAX; a
// native i386 kernel would say EOVERFLOW instead, this host's i386 programs do not.
int32_t sys_lseek(Process& p, const SyscallArgs& a) {
    int fd = static_cast<int>(a[0]);
    int64_t off = static_cast<int32_t>(a[1]);
    int64_t r;
    if (procfs_is_mem_fd(p, fd)) {
        r = procfs_mem_seek(p, fd, off, static_cast<int>(a[2]));
        if (r < 0) return static_cast<int32_t>(r);
    } else {
        r = lseek(fd, off, static_cast<int>(a[2]));
        if (r < 0) return -errno;
    }
    return static_cast<int32_t>(static_cast<uint32_t>(r));
}

// _llseek(fd, offset_high, offset_low, loff_t *result, whence) (fs/read_write.c SYSCALL llseek):
// the position moves first, the result is stored after, so a bad pointer gives -EFAULT with the
// file already repositioned -- as on the kernel.
int32_t sys_llseek(Process& p, const SyscallArgs& a) {
    int fd = static_cast<int>(a[0]);
    int64_t off = join64(a[2], a[1]);
    int64_t r;
    if (procfs_is_mem_fd(p, fd)) {
        r = procfs_mem_seek(p, fd, off, static_cast<int>(a[4]));
        if (r < 0) return static_cast<int32_t>(r);
    } else {
        r = lseek(fd, off, static_cast<int>(a[4]));
        if (r < 0) return -errno;
    }
    if (!copy_to_guest(p, a[3], r)) return -EFAULT;
    return 0;
}

int32_t sys_dup(Process&, const SyscallArgs& a) { return host_result(dup(static_cast<int>(a[0]))); }
int32_t sys_dup2(Process&, const SyscallArgs& a) {
    int32_t r = host_result(dup2(static_cast<int>(a[0]), static_cast<int>(a[1])));
    return r;
}
int32_t sys_dup3(Process&, const SyscallArgs& a) {
    int32_t r = host_result(syscall(SYS_dup3, static_cast<int>(a[0]), static_cast<int>(a[1]), static_cast<int>(a[2])));
    return r;
}

// pipe/pipe2: fs/pipe.c do_pipe2 creates both ends, and if the int[2] cannot be stored drops them
// again and returns -EFAULT; closing our two host descriptors is the same.
int32_t do_pipe(Process& p, uint32_t addr, uint32_t flags) {
    int fds[2];
    if (pipe2(fds, static_cast<int>(flags)) < 0) return -errno;
    int32_t g[2] = {fds[0], fds[1]};
    if (!p.mem.write(addr, g, sizeof g)) {
        close(fds[0]);
        close(fds[1]);
        return -EFAULT;
    }
    return 0;
}
int32_t sys_pipe(Process& p, const SyscallArgs& a) { return do_pipe(p, a[0], 0); }
int32_t sys_pipe2(Process& p, const SyscallArgs& a) { return do_pipe(p, a[0], a[1]); }

// ---- fcntl ----

// i386 command numbers (include/uapi/asm-generic/fcntl.h); the 64-bit lock commands are
// 12/13/14 on i386 and do not exist for a 64-bit caller, which uses 5/6/7 with a 64-bit flock.
enum : uint32_t {
    kFGetlk = 5, kFSetlk = 6, kFSetlkw = 7, kFGetlk64 = 12, kFSetlk64 = 13, kFSetlkw64 = 14,
    kFSetownEx = 15, kFGetownEx = 16, kFGetownerUids = 17,
    kFOfdGetlk = 36, kFOfdSetlk = 37, kFOfdSetlkw = 38,
    kFGetRwHint = 1035, kFSetRwHint = 1036, kFGetFileRwHint = 1037, kFSetFileRwHint = 1038,
};

long host_fcntl(int fd, uint32_t cmd, const void* arg) { return syscall(SYS_fcntl, fd, cmd, arg); }

// A guest struct flock or flock64 as the host's (64-bit offsets either way).
template <typename G> struct flock host_flock(const G& g) {
    struct flock h{};
    h.l_type = g.l_type;
    h.l_whence = g.l_whence;
    h.l_start = g.l_start;
    h.l_len = g.l_len;
    h.l_pid = g.l_pid;
    return h;
}

// struct flock (32-bit offsets). fs/fcntl.c do_compat_fcntl64: get_compat_flock, the lock call,
// and for F_GETLK fixup_compat_flock -- a conflicting lock starting beyond 2 GiB is EOVERFLOW,
// one whose length does not fit is clipped to 2 GiB - 1.
int32_t fcntl_lock32(Process& p, int fd, uint32_t cmd, uint32_t addr) {
    GuestFlock g;
    if (!copy_from_guest(p, addr, g)) return host_result(host_fcntl(fd, cmd, fs_fault_ptr()));
    struct flock h = host_flock(g);
    if (host_fcntl(fd, cmd, &h) < 0) return -errno;
    if (cmd != kFGetlk) return 0;
    if (h.l_start > INT32_MAX) return -EOVERFLOW;
    if (h.l_len > INT32_MAX) h.l_len = INT32_MAX;
    g = GuestFlock{static_cast<int16_t>(h.l_type), static_cast<int16_t>(h.l_whence), static_cast<int32_t>(h.l_start),
                   static_cast<int32_t>(h.l_len), h.l_pid};
    return copy_to_guest(p, addr, g) ? 0 : -EFAULT;
}

// struct flock64: F_GETLK64/F_SETLK64/F_SETLKW64 become the host's 64-bit F_GETLK/F_SETLK/F_SETLKW;
// the OFD commands keep their numbers.
int32_t fcntl_lock64(Process& p, int fd, uint32_t cmd, uint32_t addr) {
    uint32_t host_cmd = (cmd >= kFGetlk64 && cmd <= kFSetlkw64) ? cmd - kFGetlk64 + kFGetlk : cmd;
    GuestFlock64 g;
    if (!copy_from_guest(p, addr, g)) return host_result(host_fcntl(fd, host_cmd, fs_fault_ptr()));
    struct flock h = host_flock(g);
    if (host_fcntl(fd, host_cmd, &h) < 0) return -errno;
    if (host_cmd != kFGetlk && host_cmd != kFOfdGetlk) return 0;
    g = GuestFlock64{static_cast<int16_t>(h.l_type), static_cast<int16_t>(h.l_whence), h.l_start, h.l_len, h.l_pid};
    return copy_to_guest(p, addr, g) ? 0 : -EFAULT;
}

// Commands whose argument points at a small struct with the same layout on both sides.
int32_t fcntl_ptr(Process& p, int fd, uint32_t cmd, uint32_t addr, uint32_t size, bool in, bool out) {
    uint64_t buf[2] = {};
    bool ok = (!in || p.mem.read(addr, buf, size)) && (!out || p.mem.check(addr, size, PROT_WRITE));
    long r = host_fcntl(fd, cmd, ok ? static_cast<void*>(buf) : fs_fault_ptr());
    if (r < 0) return -errno;
    if (out && !p.mem.write(addr, buf, size)) return -EFAULT;
    return static_cast<int32_t>(r);
}

// fcntl and fcntl64 are one call for an i386 program on x86-64: syscall_32.tbl routes both 55 and
// 221 to compat_sys_fcntl64 (only other architectures' compat_sys_fcntl refuses the flock64
// commands), so fcntl(55) takes F_GETLK64 and the OFD commands as well.
int32_t sys_fcntl64(Process& p, const SyscallArgs& a) {
    int fd = static_cast<int>(a[0]);
    uint32_t cmd = a[1], arg = a[2];
    switch (cmd) {
    case kFGetlk: case kFSetlk: case kFSetlkw:
        return fcntl_lock32(p, fd, cmd, arg);
    case kFGetlk64: case kFSetlk64: case kFSetlkw64:
    case kFOfdGetlk: case kFOfdSetlk: case kFOfdSetlkw:
        return fcntl_lock64(p, fd, cmd, arg);
    case kFGetownEx: return fcntl_ptr(p, fd, cmd, arg, sizeof(GuestFOwnerEx), false, true);
    case kFSetownEx: return fcntl_ptr(p, fd, cmd, arg, sizeof(GuestFOwnerEx), true, false);
    case kFGetownerUids: return fcntl_ptr(p, fd, cmd, arg, 8, false, true);
    case kFGetRwHint: case kFGetFileRwHint: return fcntl_ptr(p, fd, cmd, arg, 8, false, true);
    case kFSetRwHint: case kFSetFileRwHint: return fcntl_ptr(p, fd, cmd, arg, 8, true, false);
    // Integer arguments (compat_ulong_t, zero-extended): F_DUPFD F_GETFD F_SETFD F_GETFL F_SETFL
    // F_SETOWN F_GETOWN F_SETSIG F_GETSIG F_SETLEASE F_GETLEASE F_NOTIFY F_DUPFD_QUERY
    // F_CREATED_QUERY F_DUPFD_CLOEXEC F_SETPIPE_SZ F_GETPIPE_SZ F_ADD_SEALS F_GET_SEALS.
    case 0: case 1: case 2: case 3: case 4: case 8: case 9: case 10: case 11:
    case 1024: case 1025: case 1026: case 1027: case 1028: case 1030: case 1031: case 1032: case 1033: case 1034:
        return host_result(syscall(SYS_fcntl, fd, cmd, uint64_t{arg}));
    default:
        // do_fcntl's default: -EINVAL, after the descriptor was found.
        if (syscall(SYS_fcntl, fd, F_GETFD) < 0) return -errno;
        return -EINVAL;
    }
}

// close_range(first, last, flags): the host closes them (emulated /proc/self/mem descriptors are
// host memfds, so nothing of gate386's refers to them afterwards).
int32_t sys_close_range(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_close_range, a[0], a[1], a[2]));
}

int32_t sys_fsync(Process&, const SyscallArgs& a) { return host_result(fsync(static_cast<int>(a[0]))); }
int32_t sys_fdatasync(Process&, const SyscallArgs& a) { return host_result(fdatasync(static_cast<int>(a[0]))); }
// sync_file_range(fd, offset lo/hi, nbytes lo/hi, flags): arch/x86/kernel/sys_ia32.c.
int32_t sys_sync_file_range(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_sync_file_range, static_cast<int>(a[0]), join64(a[1], a[2]), join64(a[3], a[4]), a[5]));
}

// truncate/ftruncate take a compat_off_t, sign-extended (fs/open.c COMPAT_SYSCALL_DEFINE2), so
// lengths of 2 GiB and up are negative: -EINVAL. The 64-bit forms take lo/hi words
// (arch/x86/kernel/sys_ia32.c ia32_truncate64/ia32_ftruncate64).
int32_t do_truncate(Process& p, uint32_t path, int64_t len) {
    std::string host;
    return host_result(syscall(SYS_truncate, fs_host_path(p, path, host, nullptr), len));
}
int32_t sys_truncate(Process& p, const SyscallArgs& a) { return do_truncate(p, a[0], static_cast<int32_t>(a[1])); }
int32_t sys_truncate64(Process& p, const SyscallArgs& a) { return do_truncate(p, a[0], join64(a[1], a[2])); }
int32_t sys_ftruncate(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_ftruncate, static_cast<int>(a[0]), int64_t{static_cast<int32_t>(a[1])}));
}
int32_t sys_ftruncate64(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_ftruncate, static_cast<int>(a[0]), join64(a[1], a[2])));
}

// fadvise64_64(fd, offset lo/hi, len lo/hi, advice) and fadvise64(fd, offset lo/hi, u32 len,
// advice): arch/x86/kernel/sys_ia32.c. POSIX_FADV_* have the same values on both sides.
int32_t sys_fadvise64_64(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_fadvise64, static_cast<int>(a[0]), join64(a[1], a[2]), join64(a[3], a[4]), static_cast<int>(a[5])));
}
int32_t sys_fadvise64(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_fadvise64, static_cast<int>(a[0]), join64(a[1], a[2]), uint64_t{a[3]}, static_cast<int>(a[4])));
}
// fallocate(fd, mode, offset lo/hi, len lo/hi): ia32_fallocate.
int32_t sys_fallocate(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_fallocate, static_cast<int>(a[0]), static_cast<int>(a[1]), join64(a[2], a[3]), join64(a[4], a[5])));
}

// sendfile64(out, in, loff_t *offset, count) (fs/read_write.c COMPAT_SYSCALL_DEFINE4(sendfile64)):
// the offset is read first (-EFAULT before any transfer) and stored back afterwards, whatever the
// transfer's result; only a failed store turns the result into -EFAULT.
int32_t sys_sendfile64(Process& p, const SyscallArgs& a) {
    int out = static_cast<int>(a[0]), in = static_cast<int>(a[1]);
    if (!a[2]) return host_result(syscall(SYS_sendfile, out, in, nullptr, size_t{a[3]}));
    int64_t pos;
    if (!copy_from_guest(p, a[2], pos)) return -EFAULT;
    off_t hpos = pos;
    int32_t r = host_result(syscall(SYS_sendfile, out, in, &hpos, size_t{a[3]}));
    pos = hpos;
    if (!copy_to_guest(p, a[2], pos)) return -EFAULT;
    return r;
}
// sendfile(out, in, compat_off_t *offset, count): the same with a 32-bit offset, and do_sendfile's
// limit MAX_NON_LFS: a transfer is cut at 2 GiB - 1, and one starting there is -EOVERFLOW.
int32_t sys_sendfile(Process& p, const SyscallArgs& a) {
    int out = static_cast<int>(a[0]), in = static_cast<int>(a[1]);
    if (!a[2]) return host_result(syscall(SYS_sendfile, out, in, nullptr, size_t{a[3]}));
    int32_t pos32;
    if (!copy_from_guest(p, a[2], pos32)) return -EFAULT;
    off_t hpos = pos32;
    uint64_t count = a[3];
    int32_t r;
    constexpr int64_t kMaxNonLfs = INT32_MAX;
    if (hpos >= 0 && hpos + int64_t(count) > kMaxNonLfs && hpos >= kMaxNonLfs) {
        r = (syscall(SYS_fcntl, in, F_GETFD) < 0 || syscall(SYS_fcntl, out, F_GETFD) < 0) ? -EBADF : -EOVERFLOW;
    } else {
        if (hpos >= 0 && hpos + int64_t(count) > kMaxNonLfs) count = uint64_t(kMaxNonLfs - hpos);
        r = host_result(syscall(SYS_sendfile, out, in, &hpos, count));
    }
    pos32 = static_cast<int32_t>(hpos);
    if (!copy_to_guest(p, a[2], pos32)) return -EFAULT;
    return r;
}

// copy_file_range(fd_in, loff_t *off_in, fd_out, loff_t *off_out, len, flags) has no compat
// wrapper (fs/read_write.c): offsets are read first and written back only after a transfer.
int32_t sys_copy_file_range(Process& p, const SyscallArgs& a) {
    int64_t in_pos = 0, out_pos = 0;
    if (a[1] && !copy_from_guest(p, a[1], in_pos)) return -EFAULT;
    if (a[3] && !copy_from_guest(p, a[3], out_pos)) return -EFAULT;
    loff_t hin = in_pos, hout = out_pos;
    int32_t r = host_result(syscall(SYS_copy_file_range, static_cast<int>(a[0]), a[1] ? &hin : nullptr,
                                    static_cast<int>(a[2]), a[3] ? &hout : nullptr, size_t{a[4]}, a[5]));
    if (r > 0) {
        in_pos = hin;
        out_pos = hout;
        if (a[1] && !copy_to_guest(p, a[1], in_pos)) return -EFAULT;
        if (a[3] && !copy_to_guest(p, a[3], out_pos)) return -EFAULT;
    }
    return r;
}

}  // namespace

void register_fs_open_syscalls() {
    register_syscall(5, sys_open, "som");
    register_syscall(295, sys_openat, "dsom");
    register_syscall(437, sys_openat2, "dspu");
    register_syscall(8, sys_creat, "sm");
    register_syscall(19, sys_lseek, "fdd");
    register_syscall(140, sys_llseek, "fuupd");
    register_syscall(41, sys_dup, "f");
    register_syscall(63, sys_dup2, "ff");
    register_syscall(330, sys_dup3, "ffo");
    register_syscall(42, sys_pipe, "p");
    register_syscall(331, sys_pipe2, "po");
    register_syscall(55, sys_fcntl64, "fFx");
    register_syscall(221, sys_fcntl64, "fFx");
    register_syscall(436, sys_close_range, "uux");
    register_syscall(118, sys_fsync, "f");
    register_syscall(148, sys_fdatasync, "f");
    register_syscall(314, sys_sync_file_range, "fuuuux");
    register_syscall(92, sys_truncate, "sd");
    register_syscall(93, sys_ftruncate, "fd");
    register_syscall(193, sys_truncate64, "suu");
    register_syscall(194, sys_ftruncate64, "fuu");
    register_syscall(272, sys_fadvise64_64, "fuuuud");
    register_syscall(250, sys_fadvise64, "fuuud");
    register_syscall(324, sys_fallocate, "fxuuuu");
    register_syscall(187, sys_sendfile, "ffpu");
    register_syscall(239, sys_sendfile64, "ffpu");
    register_syscall(377, sys_copy_file_range, "fpfpux");
}

}  // namespace gate386
