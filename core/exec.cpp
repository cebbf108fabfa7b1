#include "core/exec.h"

#include <cstring>
#include <elf.h>
#include <random>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/elf_loader.h"
#include "core/process.h"
#include "core/vdso_mapping.h"
#include "syscalls/syscall_table.h"

namespace gate386 {

namespace {

constexpr uint32_t kStackSize = 8u << 20;     // RLIMIT_STACK default
constexpr uint32_t kAtMinSigStkSz = 51;

struct StackWriter {
    Process& p;
    uint32_t sp;
    uint32_t push_bytes(const void* data, uint32_t len) {
        sp -= len;
        std::memcpy(p.mem.host(sp), data, len);
        return sp;
    }
    uint32_t push_string(const std::string& s) { return push_bytes(s.c_str(), static_cast<uint32_t>(s.size() + 1)); }
};

}  // namespace

std::string host_path_for(const Process& p, const std::string& guest_path) {
    if (!p.opts.sysroot.empty() && !guest_path.empty() && guest_path[0] == '/') {
        std::string candidate = p.opts.sysroot + guest_path;
        if (access(candidate.c_str(), F_OK) == 0) return candidate;
    }
    return guest_path;
}

bool exec_program(Process& p, const std::string& path, const std::vector<std::string>& argv,
                  const std::vector<std::string>& envp, std::string& err) {
    LoadedElf main_elf;
    if (!load_elf(p, path, false, main_elf, err)) return false;
    LoadedElf interp;
    uint32_t interp_base = 0;
    if (!main_elf.interp.empty()) {
        std::string ipath = host_path_for(p, main_elf.interp);
        if (access(ipath.c_str(), F_OK) != 0) {
            err = "cannot run '" + path + "': its ELF interpreter " + main_elf.interp + " is missing" +
                  (p.opts.sysroot.empty() ? " (try -L SYSROOT)" : " (also under " + p.opts.sysroot + ")");
            return false;
        }
        if (!load_elf(p, ipath, true, interp, err)) return false;
        interp_base = interp.bias;
    }
    p.exe_path = path;
    // The old image's POSIX timers end with it (fs/exec.c begin_new_exec: exit_itimers).
    delete_guest_posix_timers();
    p.argv = argv;
    p.envp = envp;
    p.brk_start = p.brk_cur = main_elf.brk;
    // ld.so run as the program sits in the mmap area, where its break would have no room to grow:
    // the kernel moves the break to ELF_ET_DYN_BASE then (load_elf_binary, "when executing a loader
    // directly ... move the brk area out of the mmap region", with randomization on, the default).
    if (main_elf.dyn && main_elf.interp.empty()) p.brk_start = p.brk_cur = kPieBase;
    // The task's name becomes the program's file name (fs/exec.c begin_new_exec, __set_task_comm
    // with kbasename(bprm->filename)): /proc/self/comm, PR_GET_NAME and ps show it.
    std::string comm = path.substr(path.find_last_of('/') + 1).substr(0, 15);
    prctl(PR_SET_NAME, comm.c_str(), 0, 0, 0);

    map_vdso(p);

    // The stack: 8 MiB below 3 GiB, the 2.6 i386 layout (TASK_SIZE = PAGE_OFFSET = 0xc0000000).
    int sprot = PROT_READ | PROT_WRITE | (main_elf.exec_stack ? PROT_EXEC : 0);
    p.mem.map(p.stack_top - kStackSize, kStackSize, sprot, true, false, -1, 0, "[stack]");

    StackWriter w{p, p.stack_top};
    w.sp -= 4;                                            // end marker
    uint32_t execfn = w.push_string(path);
    std::vector<uint32_t> env_ptrs, arg_ptrs;
    for (auto it = envp.rbegin(); it != envp.rend(); ++it) env_ptrs.insert(env_ptrs.begin(), w.push_string(*it));
    for (auto it = argv.rbegin(); it != argv.rend(); ++it) arg_ptrs.insert(arg_ptrs.begin(), w.push_string(*it));
    uint32_t platform = w.push_string("i686");
    uint8_t random_bytes[16];
    std::random_device rd;
    for (auto& b : random_bytes) b = static_cast<uint8_t>(rd());
    uint32_t at_random = w.push_bytes(random_bytes, 16);

    std::vector<uint32_t> aux;
    auto add = [&](uint32_t k, uint32_t v) { aux.push_back(k); aux.push_back(v); };
    if (p.vdso_base) {
        add(AT_SYSINFO, p.vdso_entry);
        add(AT_SYSINFO_EHDR, p.vdso_base);
    }
    add(kAtMinSigStkSz, 2048);
    add(AT_HWCAP, guest_feature_edx(p.identity));
    add(AT_PAGESZ, kPageSize);
    add(AT_CLKTCK, 100);
    add(AT_PHDR, main_elf.phdr);
    add(AT_PHENT, main_elf.phent);
    add(AT_PHNUM, main_elf.phnum);
    add(AT_BASE, interp_base);
    add(AT_FLAGS, 0);
    add(AT_ENTRY, main_elf.entry);
    add(AT_UID, getuid());
    add(AT_EUID, geteuid());
    add(AT_GID, getgid());
    add(AT_EGID, getegid());
    add(AT_SECURE, 0);
    add(AT_RANDOM, at_random);
    add(AT_EXECFN, execfn);
    add(AT_PLATFORM, platform);
    add(AT_NULL, 0);

    // argc, argv[], NULL, envp[], NULL, auxv: 16-byte aligned at the final stack pointer.
    uint32_t words = 1 + static_cast<uint32_t>(arg_ptrs.size()) + 1 + static_cast<uint32_t>(env_ptrs.size()) + 1 +
                     static_cast<uint32_t>(aux.size());
    w.sp = (w.sp - words * 4) & ~15u;
    uint32_t at = w.sp;
    auto put = [&](uint32_t v) { std::memcpy(p.mem.host(at), &v, 4); at += 4; };
    put(static_cast<uint32_t>(argv.size()));
    for (uint32_t a : arg_ptrs) put(a);
    put(0);
    for (uint32_t e : env_ptrs) put(e);
    put(0);
    p.auxv_addr = at;
    p.auxv_len = static_cast<uint32_t>(aux.size() * 4);
    for (uint32_t v : aux) put(v);

    Cpu& c = p.cpu;
    std::memset(c.m_regs, 0, sizeof c.m_regs);
    c.m_regs[kEsp] = w.sp;
    c.m_eip = interp_base ? interp.entry : main_elf.entry;
    c.m_eflags_rest = 0x202;
    c.m_lf_res = 1;
    c.m_lf_aux = 0;
    // A new program starts with the FPU and SSE state in their initial configuration (x87 control
    // word 0x37f, everything empty and zero, MXCSR 0x1f80), as execve's fpstate reset leaves them.
    c.m_x87 = X87State{};
    c.m_sse = SseState{};
    return true;
}

}  // namespace gate386
