// Reading and writing file descriptors: read write readv writev pread64 pwrite64 close.
// Guest descriptors are host descriptors (as in qemu-user).
#include <sys/uio.h>
#include <unistd.h>
#include <vector>

#include "syscalls/guest_types.h"
#include "syscalls/procfs.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

int32_t sys_read(Process& p, const SyscallArgs& a) {
    if (procfs_is_mem_fd(p, static_cast<int>(a[0]))) return procfs_mem_read(p, static_cast<int>(a[0]), a[1], a[2], nullptr);
    void* buf = guest_out(p, a[1], a[2]);
    if (!buf) return -EFAULT;
    return host_result(read(static_cast<int>(a[0]), buf, a[2]));
}
int32_t sys_write(Process& p, const SyscallArgs& a) {
    if (procfs_is_mem_fd(p, static_cast<int>(a[0]))) return procfs_mem_write(p, static_cast<int>(a[0]), a[1], a[2], nullptr);
    const void* buf = guest_in(p, a[1], a[2]);
    if (!buf) return -EFAULT;
    return host_result(write(static_cast<int>(a[0]), buf, a[2]));
}
int32_t sys_close(Process& p, const SyscallArgs& a) {
    (void)p;
    return host_result(close(static_cast<int>(a[0])));
}

// Builds host iovecs from the guest's; false when any part is outside guest memory.
bool host_iovecs(Process& p, uint32_t addr, uint32_t count, bool for_write_into_guest, std::vector<iovec>& out) {
    if (count > 1024) return false;
    out.resize(count);
    for (uint32_t k = 0; k < count; k++) {
        GuestIovec g;
        if (!copy_from_guest(p, addr + k * 8, g)) return false;
        void* h = for_write_into_guest ? guest_out(p, g.base, g.len) : const_cast<void*>(guest_in(p, g.base, g.len));
        if (!h) return false;
        out[k].iov_base = h;
        out[k].iov_len = g.len;
    }
    return true;
}

int32_t sys_readv(Process& p, const SyscallArgs& a) {
    if (a[2] > 1024) return -EINVAL;
    std::vector<iovec> v;
    if (!host_iovecs(p, a[1], a[2], true, v)) return -EFAULT;
    return host_result(readv(static_cast<int>(a[0]), v.data(), static_cast<int>(v.size())));
}
int32_t sys_writev(Process& p, const SyscallArgs& a) {
    if (a[2] > 1024) return -EINVAL;
    std::vector<iovec> v;
    if (!host_iovecs(p, a[1], a[2], false, v)) return -EFAULT;
    return host_result(writev(static_cast<int>(a[0]), v.data(), static_cast<int>(v.size())));
}
// pread64/pwrite64 take the 64-bit offset as two registers, low word first.
int32_t sys_pread64(Process& p, const SyscallArgs& a) {
    off_t off = static_cast<off_t>((uint64_t(a[4]) << 32) | a[3]);
    if (procfs_is_mem_fd(p, static_cast<int>(a[0]))) {
        uint64_t at = static_cast<uint64_t>(off);
        return procfs_mem_read(p, static_cast<int>(a[0]), a[1], a[2], &at);
    }
    void* buf = guest_out(p, a[1], a[2]);
    if (!buf) return -EFAULT;
    return host_result(pread(static_cast<int>(a[0]), buf, a[2], off));
}
int32_t sys_pwrite64(Process& p, const SyscallArgs& a) {
    off_t off = static_cast<off_t>((uint64_t(a[4]) << 32) | a[3]);
    if (procfs_is_mem_fd(p, static_cast<int>(a[0]))) {
        uint64_t at = static_cast<uint64_t>(off);
        return procfs_mem_write(p, static_cast<int>(a[0]), a[1], a[2], &at);
    }
    const void* buf = guest_in(p, a[1], a[2]);
    if (!buf) return -EFAULT;
    return host_result(pwrite(static_cast<int>(a[0]), buf, a[2], off));
}

}  // namespace

void register_fs_rw_syscalls() {
    register_syscall(3, sys_read, "fBu");
    register_syscall(4, sys_write, "fbu");
    register_syscall(6, sys_close, "f");
    register_syscall(145, sys_readv, "fpd");
    register_syscall(146, sys_writev, "fpd");
    register_syscall(180, sys_pread64, "fBuuu");
    register_syscall(181, sys_pwrite64, "fbuuu");
}

}  // namespace gate386
