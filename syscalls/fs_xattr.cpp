// Extended attributes: setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr
// llistxattr flistxattr removexattr lremovexattr fremovexattr (fs/xattr.c). Names are C strings,
// values and lists are plain bytes (POSIX ACLs included: struct posix_acl_xattr_entry is the same
// on every architecture), so every call goes to the host with guest memory used in place.
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

// fs_open.cpp helpers.
void* fs_fault_ptr();
const char* fs_host_path(Process& p, uint32_t addr, std::string& host, std::string* guest);

namespace {

// XATTR_NAME_MAX + 1: a longer name is ERANGE in the kernel (fs/xattr.c import_xattr_name), which
// the host reports by itself when it gets the whole string.
constexpr uint32_t kNameMax = 256;

// The attribute name for the host: the guest's string, or a faulting address so the host kernel
// reports EFAULT after the descriptor/path checks it makes first.
const char* host_name(Process& p, uint32_t addr, std::string& buf) {
    if (!addr) return nullptr;
    if (!p.mem.read_string(addr, buf, kNameMax + 1)) {
        // Unterminated within the limit but readable: hand over kNameMax+1 bytes without a NUL
        // (ERANGE, like the kernel's strncpy_from_user hitting the limit).
        if (p.mem.check(addr, kNameMax + 1, PROT_READ)) { buf.assign(kNameMax + 1, 'x'); return buf.c_str(); }
        return static_cast<const char*>(fs_fault_ptr());
    }
    return buf.c_str();
}
const void* host_in(Process& p, uint32_t addr, uint32_t len) {
    if (!addr) return nullptr;
    const void* h = guest_in(p, addr, len);
    return h ? h : fs_fault_ptr();
}
void* host_out(Process& p, uint32_t addr, uint32_t len) {
    if (!addr) return nullptr;
    void* h = guest_out(p, addr, len);
    return h ? h : fs_fault_ptr();
}

// Path variants: nr is the host's number for the same call.
int32_t path_set(Process& p, const SyscallArgs& a, long nr) {
    std::string host, name;
    const char* hp = fs_host_path(p, a[0], host, nullptr);
    return host_result(syscall(nr, hp, host_name(p, a[1], name), host_in(p, a[2], a[3]), size_t{a[3]},
                               static_cast<int>(a[4])));
}
int32_t path_get(Process& p, const SyscallArgs& a, long nr) {
    std::string host, name;
    const char* hp = fs_host_path(p, a[0], host, nullptr);
    return host_result(syscall(nr, hp, host_name(p, a[1], name), host_out(p, a[2], a[3]), size_t{a[3]}));
}
int32_t path_list(Process& p, const SyscallArgs& a, long nr) {
    std::string host;
    const char* hp = fs_host_path(p, a[0], host, nullptr);
    return host_result(syscall(nr, hp, host_out(p, a[1], a[2]), size_t{a[2]}));
}
int32_t path_remove(Process& p, const SyscallArgs& a, long nr) {
    std::string host, name;
    const char* hp = fs_host_path(p, a[0], host, nullptr);
    return host_result(syscall(nr, hp, host_name(p, a[1], name)));
}

int32_t sys_setxattr(Process& p, const SyscallArgs& a) { return path_set(p, a, SYS_setxattr); }
int32_t sys_lsetxattr(Process& p, const SyscallArgs& a) { return path_set(p, a, SYS_lsetxattr); }
int32_t sys_getxattr(Process& p, const SyscallArgs& a) { return path_get(p, a, SYS_getxattr); }
int32_t sys_lgetxattr(Process& p, const SyscallArgs& a) { return path_get(p, a, SYS_lgetxattr); }
int32_t sys_listxattr(Process& p, const SyscallArgs& a) { return path_list(p, a, SYS_listxattr); }
int32_t sys_llistxattr(Process& p, const SyscallArgs& a) { return path_list(p, a, SYS_llistxattr); }
int32_t sys_removexattr(Process& p, const SyscallArgs& a) { return path_remove(p, a, SYS_removexattr); }
int32_t sys_lremovexattr(Process& p, const SyscallArgs& a) { return path_remove(p, a, SYS_lremovexattr); }

int32_t sys_fsetxattr(Process& p, const SyscallArgs& a) {
    std::string name;
    return host_result(syscall(SYS_fsetxattr, static_cast<int>(a[0]), host_name(p, a[1], name), host_in(p, a[2], a[3]),
                               size_t{a[3]}, static_cast<int>(a[4])));
}
int32_t sys_fgetxattr(Process& p, const SyscallArgs& a) {
    std::string name;
    return host_result(syscall(SYS_fgetxattr, static_cast<int>(a[0]), host_name(p, a[1], name), host_out(p, a[2], a[3]),
                               size_t{a[3]}));
}
int32_t sys_flistxattr(Process& p, const SyscallArgs& a) {
    return host_result(syscall(SYS_flistxattr, static_cast<int>(a[0]), host_out(p, a[1], a[2]), size_t{a[2]}));
}
int32_t sys_fremovexattr(Process& p, const SyscallArgs& a) {
    std::string name;
    return host_result(syscall(SYS_fremovexattr, static_cast<int>(a[0]), host_name(p, a[1], name)));
}

}  // namespace

void register_fs_xattr_syscalls() {
    register_syscall(226, sys_setxattr, "ssbux");
    register_syscall(227, sys_lsetxattr, "ssbux");
    register_syscall(228, sys_fsetxattr, "fsbux");
    register_syscall(229, sys_getxattr, "sspu");
    register_syscall(230, sys_lgetxattr, "sspu");
    register_syscall(231, sys_fgetxattr, "fspu");
    register_syscall(232, sys_listxattr, "spu");
    register_syscall(233, sys_llistxattr, "spu");
    register_syscall(234, sys_flistxattr, "fpu");
    register_syscall(235, sys_removexattr, "ss");
    register_syscall(236, sys_lremovexattr, "ss");
    register_syscall(237, sys_fremovexattr, "fs");
}

}  // namespace gate386
