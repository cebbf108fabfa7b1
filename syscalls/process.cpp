// Process identity and lifetime: exit, exit_group, getpid and friends, set_tid_address,
// set_robust_list.
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

int32_t sys_exit_group(Process& p, const SyscallArgs& a) {
    p.exited = true;
    p.exit_code = static_cast<int>(a[0] & 0xff);
    return 0;
}
// One thread per process: exit ends the process too.
int32_t sys_exit(Process& p, const SyscallArgs& a) { return sys_exit_group(p, a); }
int32_t sys_getpid(Process&, const SyscallArgs&) { return getpid(); }
int32_t sys_getppid(Process&, const SyscallArgs&) { return getppid(); }
int32_t sys_gettid(Process&, const SyscallArgs&) { return getpid(); }
int32_t sys_getuid(Process&, const SyscallArgs&) { return static_cast<int32_t>(getuid()); }
int32_t sys_geteuid(Process&, const SyscallArgs&) { return static_cast<int32_t>(geteuid()); }
int32_t sys_getgid(Process&, const SyscallArgs&) { return static_cast<int32_t>(getgid()); }
int32_t sys_getegid(Process&, const SyscallArgs&) { return static_cast<int32_t>(getegid()); }
int32_t sys_set_tid_address(Process& p, const SyscallArgs& a) {
    p.clear_child_tid = a[0];
    return getpid();
}
// The robust futex list matters only when a thread dies holding a lock; with one thread per
// process the kernel would never walk it. Accept it the way the kernel validates it.
int32_t sys_set_robust_list(Process&, const SyscallArgs& a) { return a[1] == 12 ? 0 : -EINVAL; }

}  // namespace

void register_process_syscalls() {
    register_syscall(1, sys_exit, "d");
    register_syscall(252, sys_exit_group, "d");
    register_syscall(20, sys_getpid, "");
    register_syscall(64, sys_getppid, "");
    register_syscall(224, sys_gettid, "");
    register_syscall(24, sys_getuid, "");
    register_syscall(49, sys_geteuid, "");
    register_syscall(47, sys_getgid, "");
    register_syscall(50, sys_getegid, "");
    register_syscall(199, sys_getuid, "");
    register_syscall(201, sys_geteuid, "");
    register_syscall(200, sys_getgid, "");
    register_syscall(202, sys_getegid, "");
    register_syscall(258, sys_set_tid_address, "p");
    register_syscall(311, sys_set_robust_list, "pu");
}

}  // namespace gate386
