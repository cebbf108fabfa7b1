// ioctl(2) for terminals, pseudo-terminals and files.
// Each request gate386 knows is listed with its argument: a plain value, or a pointer to a struct
// of a given size read and/or written by the kernel. The layouts below are the same for i386 and
// x86-64 callers (GuestTermios and friends in guest_types.h pin them), except the FS_IOC32_*
// requests, whose numbers encode a 4-byte size and which map to the host's FS_IOC_* numbers
// (fs/ioctl.c compat_ioctl). The argument travels through a local copy; for a bad guest pointer
// the host call gets a faulting address instead, so EBADF and ENOTTY come before EFAULT exactly
// as for the i386 program (an ioctl the file does not support never touches the pointer).
#include <cstdio>
#include <fcntl.h>
#include <mutex>
#include <set>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

void* fs_fault_ptr();   // fs_open.cpp

namespace {

enum class Arg : uint8_t { None, Value, In, Out, InOut };

struct IoctlSpec {
    uint32_t request;
    Arg arg;
    uint8_t size;          // bytes behind the pointer
    uint32_t host_request; // 0: the same number
};

// include/uapi/asm-generic/ioctls.h (used by x86), include/uapi/linux/fs.h.
constexpr IoctlSpec kIoctls[] = {
    {0x5401, Arg::Out, sizeof(GuestTermios), 0},    // TCGETS
    {0x5402, Arg::In, sizeof(GuestTermios), 0},     // TCSETS
    {0x5403, Arg::In, sizeof(GuestTermios), 0},     // TCSETSW
    {0x5404, Arg::In, sizeof(GuestTermios), 0},     // TCSETSF
    {0x5405, Arg::Out, sizeof(GuestTermio), 0},     // TCGETA
    {0x5406, Arg::In, sizeof(GuestTermio), 0},      // TCSETA
    {0x5407, Arg::In, sizeof(GuestTermio), 0},      // TCSETAW
    {0x5408, Arg::In, sizeof(GuestTermio), 0},      // TCSETAF
    {0x5409, Arg::Value, 0, 0},                     // TCSBRK
    {0x540a, Arg::Value, 0, 0},                     // TCXONC
    {0x540b, Arg::Value, 0, 0},                     // TCFLSH
    {0x540c, Arg::None, 0, 0},                      // TIOCEXCL
    {0x540d, Arg::None, 0, 0},                      // TIOCNXCL
    {0x540e, Arg::Value, 0, 0},                     // TIOCSCTTY
    {0x540f, Arg::Out, 4, 0},                       // TIOCGPGRP
    {0x5410, Arg::In, 4, 0},                        // TIOCSPGRP
    {0x5411, Arg::Out, 4, 0},                       // TIOCOUTQ
    {0x5412, Arg::In, 1, 0},                        // TIOCSTI
    {0x5413, Arg::Out, sizeof(GuestWinsize), 0},    // TIOCGWINSZ
    {0x5414, Arg::In, sizeof(GuestWinsize), 0},     // TIOCSWINSZ
    {0x5415, Arg::Out, 4, 0},                       // TIOCMGET
    {0x5416, Arg::In, 4, 0},                        // TIOCMBIS
    {0x5417, Arg::In, 4, 0},                        // TIOCMBIC
    {0x5418, Arg::In, 4, 0},                        // TIOCMSET
    {0x5419, Arg::Out, 4, 0},                       // TIOCGSOFTCAR
    {0x541a, Arg::In, 4, 0},                        // TIOCSSOFTCAR
    {0x541b, Arg::Out, 4, 0},                       // FIONREAD (TIOCINQ, SIOCINQ)
    {0x541d, Arg::None, 0, 0},                      // TIOCCONS
    {0x5420, Arg::In, 4, 0},                        // TIOCPKT
    {0x5421, Arg::In, 4, 0},                        // FIONBIO
    {0x5422, Arg::None, 0, 0},                      // TIOCNOTTY
    {0x5423, Arg::In, 4, 0},                        // TIOCSETD
    {0x5424, Arg::Out, 4, 0},                       // TIOCGETD
    {0x5425, Arg::Value, 0, 0},                     // TCSBRKP
    {0x5427, Arg::None, 0, 0},                      // TIOCSBRK
    {0x5428, Arg::None, 0, 0},                      // TIOCCBRK
    {0x5429, Arg::Out, 4, 0},                       // TIOCGSID
    {0x802c542a, Arg::Out, sizeof(GuestTermios2), 0},  // TCGETS2
    {0x402c542b, Arg::In, sizeof(GuestTermios2), 0},   // TCSETS2
    {0x402c542c, Arg::In, sizeof(GuestTermios2), 0},   // TCSETSW2
    {0x402c542d, Arg::In, sizeof(GuestTermios2), 0},   // TCSETSF2
    {0x80045430, Arg::Out, 4, 0},                   // TIOCGPTN
    {0x40045431, Arg::In, 4, 0},                    // TIOCSPTLCK
    {0x80045432, Arg::Out, 4, 0},                   // TIOCGDEV
    {0x40045436, Arg::Value, 0, 0},                 // TIOCSIG (the signal is the value itself)
    {0x5437, Arg::None, 0, 0},                      // TIOCVHANGUP
    {0x80045438, Arg::Out, 4, 0},                   // TIOCGPKT
    {0x80045439, Arg::Out, 4, 0},                   // TIOCGPTLCK
    {0x80045440, Arg::Out, 4, 0},                   // TIOCGEXCL
    {0x5441, Arg::Value, 0, 0},                     // TIOCGPTPEER
    {0x5450, Arg::None, 0, 0},                      // FIONCLEX
    {0x5451, Arg::None, 0, 0},                      // FIOCLEX
    {0x5452, Arg::In, 4, 0},                        // FIOASYNC
    {0x5460, Arg::Out, 8, 0},                       // FIOQSIZE (loff_t)
    {0x00000001, Arg::InOut, 4, 0},                 // FIBMAP
    {0x00000002, Arg::Out, 4, 0},                   // FIGETBSZ
    {0x80046601, Arg::Out, 4, 0x80086601},          // FS_IOC32_GETFLAGS -> FS_IOC_GETFLAGS (an int either way)
    {0x40046602, Arg::In, 4, 0x40086602},           // FS_IOC32_SETFLAGS -> FS_IOC_SETFLAGS
    {0x80047601, Arg::Out, 4, 0x80087601},          // FS_IOC32_GETVERSION -> FS_IOC_GETVERSION
    {0x40047602, Arg::In, 4, 0x40087602},           // FS_IOC32_SETVERSION -> FS_IOC_SETVERSION
    {0x40049409, Arg::Value, 0, 0},                 // FICLONE (the source fd)
    {0x4020940d, Arg::In, 32, 0},                   // FICLONERANGE (struct file_clone_range)
    {0x801c581f, Arg::Out, 28, 0},                  // FS_IOC_FSGETXATTR (struct fsxattr)
    {0x401c5820, Arg::In, 28, 0},                   // FS_IOC_FSSETXATTR
};

const IoctlSpec* find_ioctl(uint32_t request) {
    for (const IoctlSpec& s : kIoctls)
        if (s.request == request) return &s;
    return nullptr;
}

// A request gate386 does not know: the kernel answers ENOTTY for requests a file does not
// support, so that is the guest's result; a terminal, where the request may well be real, also
// gets one loud line per request number.
int32_t unknown_ioctl(int fd, uint32_t request) {
    if (syscall(SYS_fcntl, fd, F_GETFD) < 0) return -errno;
    if (isatty(fd)) {
        static std::mutex m;
        static std::set<uint32_t> reported;
        std::lock_guard<std::mutex> lock(m);
        if (reported.insert(request).second)
            std::fprintf(stderr, "gate386: unimplemented ioctl %#x on fd %d\n", request, fd);
    }
    return -ENOTTY;
}

int32_t sys_ioctl(Process& p, const SyscallArgs& a) {
    int fd = static_cast<int>(a[0]);
    uint32_t request = a[1], arg = a[2];
    const IoctlSpec* s = find_ioctl(request);
    if (!s) return unknown_ioctl(fd, request);
    unsigned long host_request = s->host_request ? s->host_request : request;
    switch (s->arg) {
    case Arg::None:
        return host_result(syscall(SYS_ioctl, fd, host_request, 0UL));
    case Arg::Value:
        // compat ioctls take the argument zero-extended (compat_ptr_ioctl / tty_compat_ioctl).
        return host_result(syscall(SYS_ioctl, fd, host_request, uint64_t{arg}));
    default:
        break;
    }
    bool in = s->arg == Arg::In || s->arg == Arg::InOut;
    bool out = s->arg == Arg::Out || s->arg == Arg::InOut;
    alignas(8) uint8_t buf[64] = {};
    static_assert(sizeof(GuestTermios2) <= sizeof buf);
    bool ok = (!in || p.mem.read(arg, buf, s->size)) && (!out || p.mem.check(arg, s->size, PROT_WRITE));
    long r = syscall(SYS_ioctl, fd, host_request, ok ? static_cast<void*>(buf) : fs_fault_ptr());
    if (r < 0) return -errno;
    if (out && !p.mem.write(arg, buf, s->size)) return -EFAULT;
    return static_cast<int32_t>(r);
}

}  // namespace

void register_fs_ioctl_syscalls() {
    register_syscall(54, sys_ioctl, "fxx");
}

}  // namespace gate386
