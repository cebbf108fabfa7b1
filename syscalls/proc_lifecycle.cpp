// Process lifetime: fork vfork clone clone3 execve execveat wait4 waitpid waitid, process groups
// and sessions, credentials, personality (kernel/fork.c, fs/exec.c, fs/binfmt_script.c,
// kernel/exit.c, kernel/sys.c, kernel/uid16.c).
//
// One guest process is one host process (as in qemu-user): fork forks gate386 with the emulated
// process inside it, wait4 waits for host children, and execve of an i386 program replaces the
// image in place, inside this same host process, since the host kernel cannot run the i386 ELF
// itself under emulation.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "core/elf_loader.h"
#include "core/exec.h"
#include "cpu/segments.h"
#include "syscalls/procfs.h"
#include "syscalls/guest_signals.h"
#include "syscalls/guest_types.h"
#include "syscalls/strace.h"
#include "syscalls/syscall_table.h"
#include "syscalls/syscall_util.h"

namespace gate386 {

namespace {

// include/uapi/linux/sched.h; the same values on every architecture.
constexpr uint32_t kCsignal = 0xff, kCloneVm = 0x100, kCloneFs = 0x200, kCloneFiles = 0x400,
                   kCloneSighand = 0x800, kClonePidfd = 0x1000, kClonePtrace = 0x2000, kCloneVfork = 0x4000,
                   kCloneParent = 0x8000, kCloneThread = 0x10000, kCloneNewns = 0x20000,
                   kCloneSysvsem = 0x40000, kCloneSettls = 0x80000, kCloneParentSettid = 0x100000,
                   kCloneChildCleartid = 0x200000, kCloneDetached = 0x400000, kCloneUntraced = 0x800000,
                   kCloneChildSettid = 0x1000000, kCloneNewcgroup = 0x2000000, kCloneNewuts = 0x4000000,
                   kCloneNewipc = 0x8000000, kCloneNewuser = 0x10000000, kCloneNewpid = 0x20000000,
                   kCloneNewnet = 0x40000000, kCloneIo = 0x80000000;
// What the host kernel can do for us unchanged: exit signal, sharing of the fd table and fs
// context (no shared memory is involved), namespaces, ptrace and pidfd.
constexpr uint32_t kHostCloneFlags = kCsignal | kCloneFs | kCloneFiles | kClonePidfd | kClonePtrace |
                                     kCloneParent | kCloneNewns | kCloneSysvsem | kCloneUntraced |
                                     kCloneNewcgroup | kCloneNewuts | kCloneNewipc | kCloneNewuser |
                                     kCloneNewpid | kCloneNewnet | kCloneIo;
constexpr uint32_t kNrSetThreadArea = 243;

// ---------------------------------------------------------------------------------------------
// fork, vfork, clone

// kernel/fork.c copy_process + kernel_clone, for a child that does not share our memory.
int32_t do_fork(Process& p, uint32_t flags, uint32_t newsp, uint32_t ptid, uint32_t tls, uint32_t ctid) {
    // The consistency rules copy_process applies before anything else.
    if ((flags & (kCloneNewns | kCloneFs)) == (kCloneNewns | kCloneFs)) return -EINVAL;
    if ((flags & kCloneThread) && !(flags & kCloneSighand)) return -EINVAL;
    if ((flags & kCloneSighand) && !(flags & kCloneVm)) return -EINVAL;
    if ((flags & kClonePidfd) && (flags & (kCloneDetached | kCloneThread | kCloneParentSettid))) return -EINVAL;
    if (flags & kCloneVm) {
        if (!(flags & kCloneVfork) || (flags & kCloneSighand)) {
            // A thread. gate386 runs one guest thread per host process; a second one would need
            // the shared-memory CPU loop that is not written yet. glibc's pthread_create turns
            // this -ENOSYS into its return value, so the program sees a clean failure.
            static bool said = false;
            if (!said) {
                said = true;
                std::fprintf(stderr, "gate386: multi-threaded programs are not supported yet (clone with CLONE_VM)\n");
            }
            return -ENOSYS;
        }
        // CLONE_VM|CLONE_VFORK is posix_spawn's (and so system()'s and popen()'s) clone: the
        // child only runs until it execs or exits. Run it as a fork, as qemu-user's do_fork does;
        // the parent resumes at once instead of when the child execs, which the program cannot
        // tell apart except that posix_spawn's exec error comes back as exit status 127.
        flags &= ~kCloneVm;
    }
    // The host's CLONE_VFORK would hold the parent until the child's host exec or exit, but our
    // child's execve replaces the image in place: it would wait for the child's exit instead.
    flags &= ~kCloneVfork;

    if (flags & kCloneSettls) {
        // i386 passes a struct user_desc * (arch/x86/kernel/process_32.c set_new_tls ->
        // do_set_thread_area with can_allocate 0): the entry must name a TLS slot. A bad one fails
        // the clone in the parent, before any child exists.
        GuestUserDesc d;
        if (!copy_from_guest(p, tls, d)) return -EFAULT;
        if (d.entry_number < kTlsFirstEntry || d.entry_number >= kTlsFirstEntry + kTlsEntries) return -EINVAL;
    }
    int* pidfd_out = nullptr;
    if (flags & kClonePidfd) {
        pidfd_out = static_cast<int*>(guest_out(p, ptid, 4));
        if (!pidfd_out) return -EFAULT;
    }

    uint32_t host_flags = flags & kHostCloneFlags;
    std::fflush(nullptr);   // nothing buffered in gate386's own stdio may be written twice
    long pid;
    if (host_flags == SIGCHLD) {
        pid = fork();
    } else {
        // Without a new stack the raw call returns in both processes like fork(); the child
        // tid glibc caches is only used for itself, and raise() asks the kernel (gettid).
        pid = syscall(SYS_clone, static_cast<unsigned long>(host_flags), nullptr, pidfd_out, nullptr, 0ul);
    }
    if (pid < 0) return -errno;
    if (pid > 0) {
        // kernel_clone stores the tid in the parent's memory and ignores a fault.
        if (flags & kCloneParentSettid) copy_to_guest(p, ptid, static_cast<int32_t>(pid));
        return static_cast<int32_t>(pid);
    }
    // The child: same registers but EAX = 0, on the new stack when one is given (copy_thread).
    signals_after_fork_child(p);
    if (newsp) p.cpu.m_regs[kEsp] = newsp;
    if (flags & kCloneSettls) {
        SyscallArgs ta{{tls, 0, 0, 0, 0, 0}};
        syscall_info(kNrSetThreadArea).fn(p, ta);
    }
    // schedule_tail writes the child tid into the child's memory; a fault is ignored.
    if (flags & kCloneChildSettid) copy_to_guest(p, ctid, static_cast<int32_t>(getpid()));
    if (flags & kCloneChildCleartid) p.clear_child_tid = ctid;
    return 0;
}

int32_t sys_fork(Process& p, const SyscallArgs&) { return do_fork(p, SIGCHLD, 0, 0, 0, 0); }
// vfork's guarantee is only that the parent sleeps until the child execs or exits; a fork keeps
// every correct program correct (qemu-user does the same).
int32_t sys_vfork(Process& p, const SyscallArgs&) { return do_fork(p, SIGCHLD, 0, 0, 0, 0); }
// i386 argument order (CONFIG_CLONE_BACKWARDS): flags, newsp, parent_tidptr, tls, child_tidptr.
int32_t sys_clone(Process& p, const SyscallArgs& a) { return do_fork(p, a[0], a[1], a[2], a[3], a[4]); }
// glibc tries clone3 first and falls back to clone on -ENOSYS; registered, so it stays quiet.
int32_t sys_clone3(Process&, const SyscallArgs&) { return -ENOSYS; }

// ---------------------------------------------------------------------------------------------
// execve

constexpr uint32_t kPathMax = 4096;                 // include/uapi/linux/limits.h PATH_MAX
constexpr uint32_t kMaxArgStrlen = 32 * 4096;       // include/uapi/linux/binfmts.h MAX_ARG_STRLEN
// bprm_stack_limits (fs/exec.c): a quarter of the stack limit. gate386 gives every image the
// default 8 MiB stack (core/exec.cpp), so the kernel's limit for that stack applies.
constexpr uint64_t kArgSpace = (8u << 20) / 4;
constexpr size_t kBinprmBufSize = 256;              // include/linux/binfmts.h BINPRM_BUF_SIZE
constexpr int kMaxBinfmtDepth = 5;                  // fs/exec.c exec_binprm: depth > 5 is -ELOOP

// Where a guest path to a program is on the host: under --sysroot for absolute paths, and
// /proc/self/exe is the guest's program, not gate386 (procfs.cpp).
std::string exec_host_path(Process& p, const std::string& guest) {
    std::string target;
    if (guest.size() > 4 && guest.compare(guest.size() - 4, 4, "/exe") == 0 && procfs_readlink(p, guest, target))
        return target;
    return guest[0] == '/' ? host_path_for(p, guest) : guest;
}

// A NUL-terminated guest string of at most `max` bytes counting the NUL. -EFAULT when a byte is
// unreadable, `too_long` when there is no NUL within max (strncpy_from_user / strnlen_user).
int32_t read_guest_string(Process& p, uint32_t addr, uint32_t max, int32_t too_long, std::string& out) {
    out.clear();
    for (uint32_t i = 0; i < max; i++) {
        uint64_t a = uint64_t(addr) + i;
        if (a >= kGuestSpace) return -EFAULT;
        if ((i == 0 || (a & (kPageSize - 1)) == 0) && !p.mem.check(static_cast<uint32_t>(a), 1, PROT_READ))
            return -EFAULT;
        char ch = static_cast<char>(*p.mem.host(static_cast<uint32_t>(a)));
        if (!ch) return 0;
        out.push_back(ch);
    }
    return too_long;
}

// A NULL-terminated array of string pointers (argv or envp); a NULL array is empty
// (fs/exec.c count + copy_strings).
int32_t read_guest_strv(Process& p, uint32_t addr, std::vector<std::string>& out) {
    out.clear();
    if (!addr) return 0;
    uint64_t bytes = 0;
    for (uint32_t k = 0;; k++) {
        uint32_t ptr;
        if (!copy_from_guest(p, addr + 4 * k, ptr)) return -EFAULT;
        if (!ptr) return 0;
        if (bytes + 4 * (k + 1) > kArgSpace) return -E2BIG;
        std::string s;
        int32_t e = read_guest_string(p, ptr, kMaxArgStrlen, -E2BIG, s);
        if (e) return e;
        bytes += s.size() + 1;
        out.push_back(std::move(s));
    }
}

// The room argv, envp and the file name take on the new stack, strings and pointers.
int32_t check_arg_space(const std::string& filename, const std::vector<std::string>& argv,
                        const std::vector<std::string>& envp) {
    uint64_t total = filename.size() + 1 + 4 * (std::max<size_t>(argv.size(), 1) + envp.size());
    for (auto& s : argv) total += s.size() + 1;
    for (auto& s : envp) total += s.size() + 1;
    return total > kArgSpace ? -E2BIG : 0;
}

// do_open_execat (fs/exec.c): the file must exist, be a regular file, be executable by us and not
// sit on a noexec mount. gate386 must also read it, to map it.
int32_t open_exec(const std::string& host, int& fd) {
    struct stat st;
    if (stat(host.c_str(), &st) != 0) return -errno;
    if (!S_ISREG(st.st_mode)) return -EACCES;   // directories included (may_open: MAY_EXEC on a dir)
    if (faccessat(AT_FDCWD, host.c_str(), X_OK, AT_EACCESS) != 0) return -errno;
    fd = open(host.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct statvfs vfs;
    if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC)) {
        close(fd);
        return -EACCES;
    }
    return 0;
}

// fs/binfmt_script.c load_script: "#!" then the interpreter name and at most one argument (the
// rest of the line, inner blanks included), within the first BINPRM_BUF_SIZE bytes.
int32_t parse_script(const char (&buf)[kBinprmBufSize], std::string& name, std::string& arg, bool& has_arg) {
    auto spacetab = [](char c) { return c == ' ' || c == '\t'; };
    auto terminator = [](char c) { return c == ' ' || c == '\t' || c == '\0'; };
    const char* end = static_cast<const char*>(std::memchr(buf, '\n', sizeof buf));
    const char* buf_end = buf + sizeof buf - 1;
    if (!end) {
        // No newline in the buffer: fine only if the interpreter name visibly ends in it (a
        // truncated name must not run some other program).
        const char* q = buf + 2;
        while (q < buf_end && spacetab(*q)) q++;
        if (q >= buf_end) return -ENOEXEC;
        while (q < buf_end && !terminator(*q)) q++;
        if (q >= buf_end) return -ENOEXEC;
        end = buf_end;
    }
    while (end > buf + 2 && spacetab(end[-1])) end--;
    const char* n = buf + 2;
    while (n < end && spacetab(*n)) n++;
    if (n >= end || *n == '\0') return -ENOEXEC;
    const char* sep = n;
    while (sep < end && !terminator(*sep)) sep++;
    name.assign(n, sep);
    has_arg = false;
    if (sep < end && *sep != '\0') {
        const char* a = sep;
        while (a < end && spacetab(*a)) a++;
        if (a < end) {
            // The kernel keeps the argument up to the first NUL, like any C string.
            const char* z = static_cast<const char*>(std::memchr(a, '\0', static_cast<size_t>(end - a)));
            arg.assign(a, z ? z : end);
            has_arg = true;
        }
    }
    return 0;
}

// PT_INTERP of an i386 ELF (fs/binfmt_elf.c load_elf_binary): empty for a static program.
int32_t elf_interp(int fd, std::string& interp) {
    interp.clear();
    Elf32_Ehdr eh;
    if (pread(fd, &eh, sizeof eh, 0) != static_cast<ssize_t>(sizeof eh)) return -ENOEXEC;
    if (eh.e_phentsize != sizeof(Elf32_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 512) return -ENOEXEC;
    std::vector<Elf32_Phdr> ph(eh.e_phnum);
    ssize_t want = static_cast<ssize_t>(ph.size() * sizeof(Elf32_Phdr));
    if (pread(fd, ph.data(), static_cast<size_t>(want), eh.e_phoff) != want) return -EIO;
    for (const Elf32_Phdr& h : ph) {
        if (h.p_type != PT_INTERP) continue;
        if (h.p_filesz > kPathMax || h.p_filesz < 2) return -ENOEXEC;
        std::string s(h.p_filesz, '\0');
        if (pread(fd, s.data(), s.size(), h.p_offset) != static_cast<ssize_t>(s.size())) return -EIO;
        if (s.back() != '\0') return -ENOEXEC;
        interp = s.c_str();
        return 0;
    }
    return 0;
}

const char* elf_description(const unsigned char* ident, uint16_t machine) {
    bool is64 = ident[EI_CLASS] == ELFCLASS64;
    switch (machine) {
    case EM_X86_64: return is64 ? "an x86-64" : "an x32";
    case EM_AARCH64: return "an AArch64";
    case EM_ARM: return "a 32-bit ARM";
    case EM_RISCV: return is64 ? "a 64-bit RISC-V" : "a 32-bit RISC-V";
    default: return is64 ? "a 64-bit non-x86" : "a non-x86";
    }
}

// Close-on-exec descriptors: the host kernel would close them at a real exec, but an i386 image
// replaces this one inside the same host process (fs/file.c do_close_on_exec). gate386 holds no
// descriptor of its own across guest execution (the ELF loader closes its files), so every
// descriptor here is the guest's.
void close_on_exec_fds(Process&) {
    std::vector<int> fds;
    if (DIR* d = opendir("/proc/self/fd")) {
        int own = dirfd(d);
        while (dirent* e = readdir(d)) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
            int fd = std::atoi(e->d_name);
            if (fd != own) fds.push_back(fd);
        }
        closedir(d);
    } else {
        struct rlimit r;
        int top = getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < 65536 ? static_cast<int>(r.rlim_cur) : 65536;
        for (int fd = 0; fd < top; fd++) fds.push_back(fd);
    }
    for (int fd : fds) {
        int fl = fcntl(fd, F_GETFD);
        if (fl >= 0 && (fl & FD_CLOEXEC)) {
            close(fd);
        }
    }
}

// begin_new_exec (fs/exec.c) from its point of no return, then the ELF load. A failure here
// kills the process with SIGSEGV, as the kernel's force_fatal_sig(SIGSEGV) does.
int32_t replace_image(Process& p, const std::string& host, const std::string& filename,
                      const std::vector<std::string>& argv, const std::vector<std::string>& envp) {
    close_on_exec_fds(p);
    p.mem.reset();
    p.cache.invalidate_all();
    // flush_signal_handlers(me, 0): handled signals go back to SIG_DFL, ignored ones stay ignored;
    // flags, restorer and handler masks are cleared. The blocked mask and pending signals stay.
    for (GuestSigaction& a : p.sigactions) {
        uint32_t keep = a.handler == 1 /*SIG_IGN*/ ? 1 : 0;
        a = GuestSigaction{};
        a.handler = keep;
    }
    signals_after_exec(p);
    p.clear_child_tid = 0;
    // flush_thread clears the TLS array and gives the FPU its initial state (fpu_flush_thread:
    // FNINIT control word, MXCSR 0x1f80); start_thread loads the flat user selectors. exec_program
    // sets the general registers and EFLAGS.
    const Cpu fresh{};
    Cpu& c = p.cpu;
    std::memcpy(c.m_tls, fresh.m_tls, sizeof c.m_tls);
    c.m_ldt.clear();   // the LDT belongs to the old mm (destroy_context_ldt)
    std::memcpy(c.m_seg_sel, fresh.m_seg_sel, sizeof c.m_seg_sel);
    std::memcpy(c.m_seg_base, fresh.m_seg_base, sizeof c.m_seg_base);
    c.m_x87 = fresh.m_x87;
    c.m_sse = fresh.m_sse;
    // __set_task_comm(me, kbasename(bprm->filename)): what ps and /proc/self/comm show.
    std::string comm = filename.substr(filename.find_last_of('/') + 1);
    prctl(PR_SET_NAME, comm.c_str(), 0, 0, 0);

    std::string err;
    if (!exec_program(p, host, argv, envp, err)) {
        std::fprintf(stderr, "gate386: execve: %s\n", err.c_str());
        p.exited = true;
        p.exit_signal = SIGSEGV;
        return -ENOEXEC;
    }
    p.regs_replaced = true;   // the new image's registers: no result goes into EAX
    return 0;
}

// The binfmt loop (fs/exec.c exec_binprm + search_binary_handler): scripts rewrite the command
// and go round again; an i386 ELF is loaded; anything else is -ENOEXEC.
int32_t do_exec(Process& p, std::string filename, std::string host, std::vector<std::string> argv,
                const std::vector<std::string>& envp, bool path_inaccessible) {
    const std::string comm_name = filename;
    // Since Linux 5.18 an empty argv gets "" as argv[0] (fs/exec.c do_execveat_common).
    if (argv.empty()) argv.emplace_back();
    if (int32_t e = check_arg_space(filename, argv, envp)) return e;
    for (int depth = 0;; depth++) {
        if (depth > kMaxBinfmtDepth) return -ELOOP;
        int fd = -1;
        if (int32_t e = open_exec(host, fd)) return e;
        char buf[kBinprmBufSize] = {};
        ssize_t n = pread(fd, buf, sizeof buf, 0);
        if (n < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        if (n >= 2 && buf[0] == '#' && buf[1] == '!') {
            close(fd);
            // A script opened through a close-on-exec descriptor (execveat) has no name the
            // interpreter could open once the descriptor is gone (BINPRM_FLAGS_PATH_INACCESSIBLE).
            if (path_inaccessible) return -ENOENT;
            std::string iname, iarg;
            bool has_arg = false;
            if (int32_t e = parse_script(buf, iname, iarg, has_arg)) return e;
            std::vector<std::string> next;
            next.push_back(iname);
            if (has_arg) next.push_back(iarg);
            next.push_back(filename);
            next.insert(next.end(), argv.begin() + 1, argv.end());
            argv = std::move(next);
            if (int32_t e = check_arg_space(comm_name, argv, envp)) return e;
            filename = iname;
            host = exec_host_path(p, iname);
            continue;
        }
        if (n < SELFMAG || std::memcmp(buf, ELFMAG, SELFMAG) != 0 || n < static_cast<ssize_t>(sizeof(Elf32_Ehdr))) {
            close(fd);
            return -ENOEXEC;
        }
        const auto* ident = reinterpret_cast<const unsigned char*>(buf);
        uint16_t machine;
        std::memcpy(&machine, buf + offsetof(Elf32_Ehdr, e_machine), sizeof machine);
        if (ident[EI_CLASS] != ELFCLASS32 || ident[EI_DATA] != ELFDATA2LSB || machine != EM_386) {
            close(fd);
            if (p.opts.exec_host) {
                // --exec-host: the host kernel runs it and gate386 is gone.
                std::vector<char*> av, ev;
                for (auto& s : argv) av.push_back(const_cast<char*>(s.c_str()));
                for (auto& s : envp) ev.push_back(const_cast<char*>(s.c_str()));
                av.push_back(nullptr);
                ev.push_back(nullptr);
                std::fflush(nullptr);
                execve(host.c_str(), av.data(), ev.data());
                return -errno;
            }
            std::fprintf(stderr, "gate386: refusing to run %s%s (%s ELF) from an i386 guest\n",
                         machine == EM_X86_64 ? "host program " : "", filename.c_str(),
                         elf_description(ident, machine));
            return -ENOEXEC;
        }
        // Everything that can still fail with an error code is checked before the old image goes.
        std::string interp;
        int32_t e = elf_interp(fd, interp);
        close(fd);
        if (e) return e;
        std::string why;
        int status = 0;
        if (!check_elf_file(host, why, status)) return -ENOEXEC;
        if (!interp.empty()) {
            std::string ihost = host_path_for(p, interp);
            int ifd = -1;
            if (int32_t ie = open_exec(ihost, ifd)) return ie;
            close(ifd);
            // load_elf_binary: an interpreter that is not an i386 ELF is -ELIBBAD.
            if (!check_elf_file(ihost, why, status)) return -ELIBBAD;
        }
        return replace_image(p, host, comm_name, argv, envp);
    }
}

// The strace line of an execve cannot read its arguments after a successful exec (the memory
// they were in is gone), so they are decoded here and shown after the result.
// (Before argv is read, the path alone.)
void strace_exec_args(Process& p, const std::string& path, const std::vector<std::string>* argv, size_t envc) {
    if (!p.opts.strace) return;
    std::string s = "\"" + path + "\"";
    if (argv) {
        s += ", [";
        for (size_t k = 0; k < argv->size(); k++) s += (k ? ", \"" : "\"") + (*argv)[k] + "\"";
        s += "], [/* " + std::to_string(envc) + " vars */]";
    }
    strace_set_suffix(s);
}

// do_execveat_common's order: the path, the flags and the file itself are checked before argv
// and envp are read, so that e.g. a missing file with a bad argv is -ENOENT.
int32_t exec_common(Process& p, int dirfd, uint32_t path_addr, uint32_t argv_addr, uint32_t envp_addr, uint32_t flags) {
    constexpr uint32_t kAtSymlinkNofollow = 0x100, kAtEmptyPath = 0x1000;
    std::string path;
    if (int32_t e = read_guest_string(p, path_addr, kPathMax, -ENAMETOOLONG, path)) return e;
    strace_exec_args(p, path, nullptr, 0);
    if (flags & ~(kAtSymlinkNofollow | kAtEmptyPath)) return -EINVAL;

    // bprm->filename: the path as given, or /dev/fd/N[/path] for a descriptor-relative execveat
    // (fs/exec.c alloc_bprm); the host opens the descriptor through /proc/self/fd.
    std::string filename = path, host;
    bool inaccessible = false;
    if (path.empty()) {
        if (!(flags & kAtEmptyPath)) return -ENOENT;
        if (dirfd < 0) return -EBADF;
        filename = "/dev/fd/" + std::to_string(dirfd);
        host = "/proc/self/fd/" + std::to_string(dirfd);
        int fl = fcntl(dirfd, F_GETFD);
        if (fl < 0) return -EBADF;
        inaccessible = fl & FD_CLOEXEC;
    } else if (path[0] == '/' || dirfd == AT_FDCWD) {
        host = exec_host_path(p, path);
    } else {
        int fl = fcntl(dirfd, F_GETFD);
        if (fl < 0) return -EBADF;
        filename = "/dev/fd/" + std::to_string(dirfd) + "/" + path;
        host = "/proc/self/fd/" + std::to_string(dirfd) + "/" + path;
        inaccessible = fl & FD_CLOEXEC;
    }
    if (flags & kAtSymlinkNofollow) {
        // The last component may not be a symlink; /proc/self/exe is one even though it leads to
        // the guest's program rather than to gate386.
        struct stat st;
        std::string target;
        bool proc_exe = path.size() > 4 && path.compare(path.size() - 4, 4, "/exe") == 0 &&
                        procfs_readlink(p, path, target);
        if (proc_exe || (lstat(host.c_str(), &st) == 0 && S_ISLNK(st.st_mode))) return -ELOOP;
    }
    int fd = -1;
    if (int32_t e = open_exec(host, fd)) return e;
    close(fd);
    std::vector<std::string> argv, envp;
    if (int32_t e = read_guest_strv(p, argv_addr, argv)) return e;
    if (int32_t e = read_guest_strv(p, envp_addr, envp)) return e;
    strace_exec_args(p, path, &argv, envp.size());
    return do_exec(p, filename, host, std::move(argv), envp, inaccessible);
}

int32_t sys_execve(Process& p, const SyscallArgs& a) { return exec_common(p, AT_FDCWD, a[0], a[1], a[2], 0); }
int32_t sys_execveat(Process& p, const SyscallArgs& a) {
    return exec_common(p, static_cast<int32_t>(a[0]), a[1], a[2], a[3], a[4]);
}

// ---------------------------------------------------------------------------------------------
// wait4, waitpid, waitid

// kernel/exit.c: the status word is written only when a child was reported, the rusage likewise
// (COMPAT_SYSCALL_DEFINE4(wait4) with put_compat_rusage).
int32_t do_wait4(Process& p, uint32_t pid, uint32_t status_addr, uint32_t options, uint32_t ru_addr) {
    int status = 0;
    struct rusage ru {};
    pid_t r = wait4(static_cast<pid_t>(pid), &status, static_cast<int>(options), ru_addr ? &ru : nullptr);
    if (r < 0) return -errno;
    if (r > 0 && status_addr && !copy_to_guest(p, status_addr, static_cast<int32_t>(status))) return -EFAULT;
    if (r > 0 && ru_addr && !copy_to_guest(p, ru_addr, GuestRusage::from_host(ru))) return -EFAULT;
    return r;
}
int32_t sys_wait4(Process& p, const SyscallArgs& a) { return do_wait4(p, a[0], a[1], a[2], a[3]); }
int32_t sys_waitpid(Process& p, const SyscallArgs& a) { return do_wait4(p, a[0], a[1], a[2], 0); }

// waitid(idtype, id, infop, options, rusage): i386 has the rusage argument too.
int32_t sys_waitid(Process& p, const SyscallArgs& a) {
    siginfo_t si;
    std::memset(&si, 0, sizeof si);
    struct rusage ru {};
    long r = syscall(SYS_waitid, static_cast<int>(a[0]), static_cast<pid_t>(a[1]), &si,
                     static_cast<int>(a[3]), a[4] ? &ru : nullptr);
    if (r < 0) return -errno;
    // A reported child is the only case with si_signo set (SIGCHLD); then the rusage is written.
    if (si.si_signo && a[4] && !copy_to_guest(p, a[4], GuestRusage::from_host(ru))) return -EFAULT;
    if (!a[2]) return 0;
    GuestSiginfoChild g;
    std::memset(&g, 0, sizeof g);
    g.signo = si.si_signo;
    g.err_no = 0;
    g.code = si.si_code;
    g.pid = si.si_pid;
    g.uid = si.si_uid;
    g.status = si.si_status;
    // Only the six fields waitid stores; the rest of the guest's siginfo_t stays as it was.
    if (!p.mem.write(a[2], &g, offsetof(GuestSiginfoChild, utime))) return -EFAULT;
    return 0;
}

// ---------------------------------------------------------------------------------------------
// Process groups, sessions, credentials, personality: the host kernel's answer is the guest's.

long host(long nr, long a = 0, long b = 0, long c = 0) { return syscall(nr, a, b, c); }
int32_t sys_getpgid(Process&, const SyscallArgs& a) { return host_result(host(SYS_getpgid, static_cast<pid_t>(a[0]))); }
int32_t sys_setpgid(Process&, const SyscallArgs& a) {
    return host_result(host(SYS_setpgid, static_cast<pid_t>(a[0]), static_cast<pid_t>(a[1])));
}
int32_t sys_getpgrp(Process&, const SyscallArgs&) { return host_result(host(SYS_getpgrp)); }
int32_t sys_setsid(Process&, const SyscallArgs&) { return host_result(host(SYS_setsid)); }
int32_t sys_getsid(Process&, const SyscallArgs& a) { return host_result(host(SYS_getsid, static_cast<pid_t>(a[0]))); }

// 32-bit ids pass straight through; raw calls, since glibc's wrappers would broadcast them to
// threads gate386 does not have.
long id32(uint32_t v) { return static_cast<long>(static_cast<int32_t>(v)); }
int32_t sys_setuid32(Process&, const SyscallArgs& a) { return host_result(host(SYS_setuid, id32(a[0]))); }
int32_t sys_setgid32(Process&, const SyscallArgs& a) { return host_result(host(SYS_setgid, id32(a[0]))); }
int32_t sys_setreuid32(Process&, const SyscallArgs& a) { return host_result(host(SYS_setreuid, id32(a[0]), id32(a[1]))); }
int32_t sys_setregid32(Process&, const SyscallArgs& a) { return host_result(host(SYS_setregid, id32(a[0]), id32(a[1]))); }
int32_t sys_setresuid32(Process&, const SyscallArgs& a) {
    return host_result(host(SYS_setresuid, id32(a[0]), id32(a[1]), id32(a[2])));
}
int32_t sys_setresgid32(Process&, const SyscallArgs& a) {
    return host_result(host(SYS_setresgid, id32(a[0]), id32(a[1]), id32(a[2])));
}
int32_t sys_setfsuid32(Process&, const SyscallArgs& a) { return static_cast<int32_t>(host(SYS_setfsuid, id32(a[0]))); }
int32_t sys_setfsgid32(Process&, const SyscallArgs& a) { return static_cast<int32_t>(host(SYS_setfsgid, id32(a[0]))); }

// The 16-bit calls (kernel/uid16.c): -1 in 16 bits means "unchanged", and ids that do not fit are
// reported as the overflow id 65534 (high2lowuid / fs.overflowuid).
long low2high(uint32_t v) { return (v & 0xffff) == 0xffff ? -1L : static_cast<long>(v & 0xffff); }
uint16_t high2low(uint32_t v) { return v & ~0xffffu ? 65534 : static_cast<uint16_t>(v); }
int32_t sys_setuid16(Process&, const SyscallArgs& a) { return host_result(host(SYS_setuid, low2high(a[0]))); }
int32_t sys_setgid16(Process&, const SyscallArgs& a) { return host_result(host(SYS_setgid, low2high(a[0]))); }
int32_t sys_setreuid16(Process&, const SyscallArgs& a) { return host_result(host(SYS_setreuid, low2high(a[0]), low2high(a[1]))); }
int32_t sys_setregid16(Process&, const SyscallArgs& a) { return host_result(host(SYS_setregid, low2high(a[0]), low2high(a[1]))); }
int32_t sys_setresuid16(Process&, const SyscallArgs& a) {
    return host_result(host(SYS_setresuid, low2high(a[0]), low2high(a[1]), low2high(a[2])));
}
int32_t sys_setresgid16(Process&, const SyscallArgs& a) {
    return host_result(host(SYS_setresgid, low2high(a[0]), low2high(a[1]), low2high(a[2])));
}
int32_t sys_setfsuid16(Process&, const SyscallArgs& a) { return high2low(static_cast<uint32_t>(host(SYS_setfsuid, low2high(a[0])))); }
int32_t sys_setfsgid16(Process&, const SyscallArgs& a) { return high2low(static_cast<uint32_t>(host(SYS_setfsgid, low2high(a[0])))); }

template <typename T, typename Get> int32_t get_res_ids(Process& p, const SyscallArgs& a, Get get, bool narrow) {
    uint32_t r, e, s;
    get(r, e, s);
    T v[3];
    if (narrow) {
        v[0] = static_cast<T>(high2low(r)); v[1] = static_cast<T>(high2low(e)); v[2] = static_cast<T>(high2low(s));
    } else {
        v[0] = static_cast<T>(r); v[1] = static_cast<T>(e); v[2] = static_cast<T>(s);
    }
    for (int k = 0; k < 3; k++)
        if (!copy_to_guest(p, a[k], v[k])) return -EFAULT;
    return 0;
}
void host_resuid(uint32_t& r, uint32_t& e, uint32_t& s) { uid_t x, y, z; getresuid(&x, &y, &z); r = x; e = y; s = z; }
void host_resgid(uint32_t& r, uint32_t& e, uint32_t& s) { gid_t x, y, z; getresgid(&x, &y, &z); r = x; e = y; s = z; }
int32_t sys_getresuid32(Process& p, const SyscallArgs& a) { return get_res_ids<uint32_t>(p, a, host_resuid, false); }
int32_t sys_getresgid32(Process& p, const SyscallArgs& a) { return get_res_ids<uint32_t>(p, a, host_resgid, false); }
int32_t sys_getresuid16(Process& p, const SyscallArgs& a) { return get_res_ids<uint16_t>(p, a, host_resuid, true); }
int32_t sys_getresgid16(Process& p, const SyscallArgs& a) { return get_res_ids<uint16_t>(p, a, host_resgid, true); }

// personality(0xffffffff) only reads it. The persona lives in the host task, where it survives
// fork and exec as the kernel's does; on x86-64 an i386 task has PER_LINUX unless setarch said
// otherwise, which is what the host reports for gate386 too.
int32_t sys_personality(Process&, const SyscallArgs& a) {
    return static_cast<int32_t>(syscall(SYS_personality, static_cast<unsigned long>(a[0])));
}

}  // namespace

void register_proc_syscalls() {
    register_syscall(2, sys_fork, "");
    register_syscall(190, sys_vfork, "");
    register_syscall(120, sys_clone, "xpppp");
    register_syscall(435, sys_clone3, "pu");
    // Arguments are shown after the result (strace_exec_args): their memory is gone on success.
    register_syscall(11, sys_execve, "ppp");
    register_syscall(358, sys_execveat, "dpppx");
    register_syscall(114, sys_wait4, "dpxp");
    register_syscall(7, sys_waitpid, "dpx");
    register_syscall(284, sys_waitid, "ddpxp");
    register_syscall(132, sys_getpgid, "d");
    register_syscall(57, sys_setpgid, "dd");
    register_syscall(65, sys_getpgrp, "");
    register_syscall(66, sys_setsid, "");
    register_syscall(147, sys_getsid, "d");
    register_syscall(213, sys_setuid32, "d");
    register_syscall(214, sys_setgid32, "d");
    register_syscall(203, sys_setreuid32, "dd");
    register_syscall(204, sys_setregid32, "dd");
    register_syscall(208, sys_setresuid32, "ddd");
    register_syscall(210, sys_setresgid32, "ddd");
    register_syscall(209, sys_getresuid32, "ppp");
    register_syscall(211, sys_getresgid32, "ppp");
    register_syscall(215, sys_setfsuid32, "d");
    register_syscall(216, sys_setfsgid32, "d");
    register_syscall(23, sys_setuid16, "d");
    register_syscall(46, sys_setgid16, "d");
    register_syscall(70, sys_setreuid16, "dd");
    register_syscall(71, sys_setregid16, "dd");
    register_syscall(164, sys_setresuid16, "ddd");
    register_syscall(170, sys_setresgid16, "ddd");
    register_syscall(165, sys_getresuid16, "ppp");
    register_syscall(171, sys_getresgid16, "ppp");
    register_syscall(138, sys_setfsuid16, "d");
    register_syscall(139, sys_setfsgid16, "d");
    register_syscall(136, sys_personality, "x:x");
}

}  // namespace gate386
