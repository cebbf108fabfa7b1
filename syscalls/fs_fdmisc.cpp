// Descriptor calls with no struct to translate: flock readahead memfd_create splice tee vmsplice
// (fs/locks.c, mm/readahead.c, mm/memfd.c, fs/splice.c).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <vector>

#include "syscalls/guest_types.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

void* fs_fault_ptr();   // fs_open.cpp

namespace {

int32_t sys_flock(Process&, const SyscallArgs& a) { return host_result(flock(static_cast<int>(a[0]), static_cast<int>(a[1]))); }

// readahead(fd, off_lo, off_hi, count): the 64-bit offset in two registers
// (arch/x86/kernel/sys_ia32.c ia32_readahead).
int32_t sys_readahead(Process&, const SyscallArgs& a) {
    off_t off = static_cast<off_t>((uint64_t(a[2]) << 32) | a[1]);
    return host_result(syscall(SYS_readahead, static_cast<int>(a[0]), off, size_t{a[3]}));
}

// memfd_create(name, flags): the name (at most 249 bytes, else EINVAL) only shows in /proc.
int32_t sys_memfd_create(Process& p, const SyscallArgs& a) {
    std::string name;
    constexpr uint32_t kMfdNameMax = 255 - 6;   // NAME_MAX - strlen("memfd:") (mm/memfd.c)
    if (!p.mem.read_string(a[0], name, kMfdNameMax + 1)) {
        if (p.mem.check(a[0], kMfdNameMax + 1, PROT_READ)) return -EINVAL;
        return -EFAULT;
    }
    return host_result(syscall(SYS_memfd_create, name.c_str(), a[1]));
}

// splice(fd_in, loff_t *off_in, fd_out, loff_t *off_out, len, flags): the offsets are 64-bit
// values on both sides and the kernel updates them in place.
int32_t sys_splice(Process& p, const SyscallArgs& a) {
    auto off = [&](uint32_t addr) -> void* {
        if (!addr) return nullptr;
        void* h = guest_out(p, addr, 8);
        return h ? h : fs_fault_ptr();
    };
    return host_result(syscall(SYS_splice, static_cast<int>(a[0]), off(a[1]), static_cast<int>(a[2]), off(a[3]),
                               size_t{a[4]}, a[5]));
}
int32_t sys_tee(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_tee, static_cast<int>(a[0]), static_cast<int>(a[1]), size_t{a[2]}, a[3]));
}

// vmsplice(fd, const struct iovec *, nr_segs, flags): compat iovecs made host iovecs into guest
// memory. Which direction the data goes depends on the pipe end, so both readable and writable
// ranges are accepted and the host decides (fs/splice.c).
int32_t sys_vmsplice(Process& p, const SyscallArgs& a) {
    if (a[2] > 1024) return -EINVAL;
    std::vector<iovec> v(a[2]);
    for (uint32_t k = 0; k < a[2]; k++) {
        GuestIovec g;
        if (!copy_from_guest(p, a[1] + 8 * k, g)) return -EFAULT;
        if (g.len && !p.mem.check(g.base, g.len, PROT_READ)) return -EFAULT;
        if (g.len && p.mem.check(g.base, g.len, PROT_WRITE)) p.mem.prepare_host_write(g.base, g.len);
        v[k] = iovec{p.mem.host(g.base), g.len};
    }
    return host_result(syscall(SYS_vmsplice, static_cast<int>(a[0]), v.data(), v.size(), a[3]));
}

}  // namespace

void register_fs_fdmisc_syscalls() {
    register_syscall(143, sys_flock, "fd");
    register_syscall(225, sys_readahead, "fuuu");
    register_syscall(356, sys_memfd_create, "sx");
    register_syscall(313, sys_splice, "fpfpux");
    register_syscall(315, sys_tee, "ffux");
    register_syscall(316, sys_vmsplice, "fpux");
}

}  // namespace gate386
