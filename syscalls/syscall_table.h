// The i386 system call table: number → typed handler, name and argument format. The same table
// drives dispatch and the strace printer (strace.cpp). Each syscall area registers itself from its
// own file (fs_*.cpp, mm.cpp, process.cpp, ...) through a register_*() function.
#pragma once
#include <cstdint>

namespace gate386 {

struct Process;

struct SyscallArgs {
    uint32_t v[6];
    uint32_t operator[](int k) const { return v[k]; }
};

// Handlers return the value for EAX: a result, or -errno.
using SyscallFn = int32_t (*)(Process&, const SyscallArgs&);

// Argument format, one character per argument, for the strace printer:
//   d int   u unsigned   x hex   p pointer   s C string in   f fd   o open flags   m mode (octal)
//   b buffer in (length: next arg)   B buffer out (length: the result)   F fcntl cmd   * other
// An optional trailing ':' + character gives the result's format (d default, x hex, p pointer).
struct SyscallInfo {
    const char* name = nullptr;
    SyscallFn fn = nullptr;
    const char* format = "";
};

constexpr uint32_t kMaxSyscall = 512;

void register_syscall(uint32_t nr, SyscallFn fn, const char* format);
const SyscallInfo& syscall_info(uint32_t nr);

// Runs system call `nr` with `args` and returns what goes into EAX (strace and stats included).
int32_t dispatch_syscall(Process& p, uint32_t nr, const SyscallArgs& args);

// Every area's registration; syscall_table.cpp calls them once.
void register_process_syscalls();   // process.cpp
void register_fs_rw_syscalls();     // fs_rw.cpp
void register_mm_syscalls();        // mm.cpp
void register_time_syscalls();      // time.cpp
void register_signal_syscalls();    // signal.cpp
void register_misc_syscalls();      // misc.cpp
void register_fs_open_syscalls();   // fs_open.cpp: open openat creat close_range lseek _llseek dup* pipe* fcntl64
void register_fs_stat_syscalls();   // fs_stat.cpp: stat64 lstat64 fstat64 fstatat64 statx access faccessat*
void register_fs_path_syscalls();   // fs_path.cpp: chdir getcwd mkdir rmdir unlink rename link symlink readlink chmod chown ...
void register_fs_dir_syscalls();    // fs_dir.cpp: getdents64 getdents
void register_fs_ioctl_syscalls();  // fs_ioctl.cpp: ioctl (terminal and file ioctls)
void register_proc_syscalls();      // proc_lifecycle.cpp: fork vfork clone execve wait4 waitid
void register_resource_syscalls();  // resource.cpp: prlimit64 ugetrlimit getrlimit sysinfo getrandom getgroups32 ...
void register_poll_syscalls();      // poll.cpp: poll select _newselect sched_yield
void register_socket_syscalls();    // socket.cpp: socketcall socket bind connect ... sendmsg recvmsg
void register_fs_xattr_syscalls();  // fs_xattr.cpp: *xattr
void register_fs_fdmisc_syscalls(); // fs_fdmisc.cpp: flock readahead memfd_create splice tee vmsplice
void register_inotify_syscalls();   // inotify.cpp: inotify_init(1) inotify_add_watch inotify_rm_watch
void register_ldt_syscalls();       // ldt.cpp: modify_ldt

// time.cpp: execve's exit_itimers -- the guest's POSIX timers go with its old image.
void delete_guest_posix_timers();

// Numbers of the calls the gates and the signal code need by name (syscall_32.tbl).
enum : uint32_t {
    kNrRestartSyscall = 0, kNrExit = 1, kNrSigreturn = 119, kNrRtSigreturn = 173,
    kNrExitGroup = 252, kNrExecve = 11,
};

}  // namespace gate386
