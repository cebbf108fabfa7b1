// inotify: inotify_init inotify_init1 inotify_add_watch inotify_rm_watch (fs/notify/inotify/
// inotify_user.c). The descriptor is a host inotify descriptor; the events read() returns,
// struct inotify_event {s32 wd; u32 mask, cookie, len; char name[]}, have the same bytes on
// i386 and x86-64, and IN_CLOEXEC/IN_NONBLOCK are O_CLOEXEC/O_NONBLOCK on both.
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

const char* fs_host_path(Process& p, uint32_t addr, std::string& host, std::string* guest);   // fs_open.cpp

namespace {

int32_t sys_inotify_init(Process&, const SyscallArgs&) { return host_result(inotify_init1(0)); }
int32_t sys_inotify_init1(Process&, const SyscallArgs& a) { return host_result(syscall(SYS_inotify_init1, static_cast<int>(a[0]))); }
// The watched path is a guest path: resolved under --sysroot like every other path argument.
int32_t sys_inotify_add_watch(Process& p, const SyscallArgs& a) {
    std::string host;
    const char* hp = fs_host_path(p, a[1], host, nullptr);
    return host_result(syscall(SYS_inotify_add_watch, static_cast<int>(a[0]), hp, a[2]));
}
int32_t sys_inotify_rm_watch(Process&, const SyscallArgs& a) {
    return host_result(syscall(SYS_inotify_rm_watch, static_cast<int>(a[0]), static_cast<int>(a[1])));
}

}  // namespace

void register_inotify_syscalls() {
    register_syscall(291, sys_inotify_init, "");
    register_syscall(332, sys_inotify_init1, "o");
    register_syscall(292, sys_inotify_add_watch, "fsx");
    register_syscall(293, sys_inotify_rm_watch, "fd");
}

}  // namespace gate386
