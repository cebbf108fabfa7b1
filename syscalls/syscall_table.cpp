#include "syscalls/syscall_table.h"

#include <cerrno>
#include <cstdio>
#include <mutex>
#include <set>

#include "core/process.h"
#include "syscalls/guest_signals.h"
#include "syscalls/strace.h"
#include "syscalls/syscall_names.h"

namespace gate386 {

namespace {
SyscallInfo g_table[kMaxSyscall];

void register_all() {
    register_process_syscalls();
    register_fs_rw_syscalls();
    register_mm_syscalls();
    register_time_syscalls();
    register_signal_syscalls();
    register_misc_syscalls();
    register_fs_open_syscalls();
    register_fs_stat_syscalls();
    register_fs_path_syscalls();
    register_fs_dir_syscalls();
    register_fs_ioctl_syscalls();
    register_proc_syscalls();
    register_resource_syscalls();
    register_poll_syscalls();
    register_socket_syscalls();
    register_fs_xattr_syscalls();
    register_fs_fdmisc_syscalls();
    register_inotify_syscalls();
    register_ldt_syscalls();
}
}  // namespace

void register_syscall(uint32_t nr, SyscallFn fn, const char* format) {
    g_table[nr].name = syscall_name(nr);
    g_table[nr].fn = fn;
    g_table[nr].format = format;
}

const SyscallInfo& syscall_info(uint32_t nr) {
    static std::once_flag once;
    std::call_once(once, register_all);
    static SyscallInfo none;
    return nr < kMaxSyscall ? g_table[nr] : none;
}

int32_t dispatch_syscall(Process& p, uint32_t nr, const SyscallArgs& args) {
    const SyscallInfo& info = syscall_info(nr);
    p.stats.syscalls++;
    if (!info.fn) {
        // A Linux system call gate386 lacks is loud, once per number; a number Linux never
        // assigned is just -ENOSYS, as the kernel answers it.
        static std::set<uint32_t> reported;
        const char* name = syscall_name(nr);
        if (name && reported.insert(nr).second)
            std::fprintf(stderr, "gate386: unimplemented syscall %u (%s)\n", nr, name);
        if (p.opts.strace) strace_unknown(p, nr, args);
        return -ENOSYS;
    }
    if (p.opts.strace) strace_enter(p, nr, args);
    note_syscall_start(p, nr);
    int32_t r = info.fn(p, args);
    // A host call interrupted by a signal for the guest: the kernel's ERESTART* code for it.
    if (r == -EINTR) r = interrupted_syscall_result(p, nr, args);
    if (p.opts.strace) strace_exit(p, nr, args, r);
    return r;
}

}  // namespace gate386
