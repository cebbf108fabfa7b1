#include "syscalls/procfs.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/process.h"

namespace gate386 {

namespace {

// The part of a /proc path after "/proc/self/" or "/proc/<our pid>/", or "" when it is another path.
std::string own_proc_entry(const std::string& path) {
    std::string rest;
    if (path.rfind("/proc/self/", 0) == 0) rest = path.substr(11);
    else if (path.rfind("/proc/thread-self/", 0) == 0) rest = path.substr(18);
    else {
        std::string mine = "/proc/" + std::to_string(getpid()) + "/";
        if (path.rfind(mine, 0) == 0) rest = path.substr(mine.size());
        else return "";
    }
    // task/<tid>/X is the same file for our single thread.
    std::string task = "task/" + std::to_string(getpid()) + "/";
    if (rest.rfind(task, 0) == 0) rest = rest.substr(task.size());
    return rest;
}

// Generated files are served from a memfd: read, lseek, pread and mmap then behave as on a file.
int32_t serve(const std::string& content, const char* name) {
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) return -errno;
    size_t off = 0;
    while (off < content.size()) {
        ssize_t n = write(fd, content.data() + off, content.size() - off);
        if (n <= 0) { close(fd); return -EIO; }
        off += static_cast<size_t>(n);
    }
    lseek(fd, 0, SEEK_SET);
    // The guest asked for a plain descriptor: drop the close-on-exec we used for safety.
    fcntl(fd, F_SETFD, 0);
    return fd;
}

std::string joined_with_nul(const std::vector<std::string>& v) {
    std::string s;
    for (auto& x : v) { s += x; s.push_back('\0'); }
    return s;
}

std::string read_host_file(const char* path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// The task's name: exec sets the host task's comm to the guest program's (core/exec.cpp), and
// prctl(PR_SET_NAME) changes it there, so the host's value is the guest's.
std::string guest_comm(const Process&) {
    char name[16] = {};
    prctl(PR_GET_NAME, name, 0, 0, 0);
    return name;
}

// /proc/self/stat: the host's line with the guest's name and address-space fields (proc(5)).
std::string format_stat(const Process& p) {
    std::string host = read_host_file("/proc/self/stat");
    size_t close_paren = host.rfind(')');
    if (close_paren == std::string::npos) return host;
    std::vector<std::string> f;
    std::istringstream rest(host.substr(close_paren + 2));
    for (std::string w; rest >> w;) f.push_back(w);
    // f[k] is field k+3 of proc(5).
    auto set = [&](int field, uint64_t v) { if (field - 3 < int(f.size())) f[field - 3] = std::to_string(v); };
    uint64_t vsize = 0, code_lo = ~0ull, code_hi = 0;
    for (auto& [s, r] : p.mem.regions()) {
        vsize += r.end - r.start;
        if ((r.prot & PROT_EXEC) && r.name == p.exe_path) {
            code_lo = std::min<uint64_t>(code_lo, r.start);
            code_hi = std::max<uint64_t>(code_hi, r.end);
        }
    }
    set(23, vsize);
    if (code_hi) { set(26, code_lo); set(27, code_hi); }
    set(28, p.stack_top - 4);   // startstack
    set(29, 0); set(30, 0);     // kstkesp, kstkeip: 0 unless the task is being dumped
    set(45, p.brk_start); set(46, p.brk_start); set(47, p.brk_cur);
    if (p.auxv_addr) set(50, p.auxv_addr + p.auxv_len);   // env_end is approximate: stack top region
    std::string out = host.substr(0, host.find('(') + 1) + guest_comm(p) + ")";
    for (auto& w : f) out += " " + w;
    out += "\n";
    return out;
}

// /proc/self/status: the host's text with the guest's Name and memory figures.
std::string format_status(const Process& p) {
    std::istringstream host(read_host_file("/proc/self/status"));
    uint64_t vm = 0;
    for (auto& [s, r] : p.mem.regions()) vm += r.end - r.start;
    std::string out;
    for (std::string line; std::getline(host, line);) {
        if (line.rfind("Name:", 0) == 0) line = "Name:\t" + guest_comm(p);
        else if (line.rfind("VmSize:", 0) == 0 || line.rfind("VmPeak:", 0) == 0)
            line = line.substr(0, 7) + "\t" + std::to_string(vm / 1024) + " kB";
        out += line + "\n";
    }
    return out;
}

// A /proc/self/mem descriptor is a sealed, empty memfd: its host file offset is the guest offset
// (so dup, fork and lseek behave as for the kernel's file), and its seal set identifies it.
constexpr int kMemSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
bool g_mem_opened = false;   // no descriptor can be one before the first open

}  // namespace

std::string format_maps(const Process& p) {
    std::string out;
    char line[256];
    for (auto& [s, r] : p.mem.regions()) {
        std::string name = r.name;
        if (name.empty() && r.start >= page_down(p.brk_start) && r.end <= page_up(p.brk_cur) && p.brk_cur > p.brk_start)
            name = "[heap]";
        // fs/proc/task_mmu.c show_map_vma: a 32-bit kernel pads the name to column 49
        // (seq_setwidth(m, 25 + sizeof(void *) * 6 - 1), then one space).
        int n = std::snprintf(line, sizeof line, "%08x-%08x %c%c%c%c %08llx %02x:%02x %llu ", r.start, r.end,
                              (r.prot & PROT_READ) ? 'r' : '-', (r.prot & PROT_WRITE) ? 'w' : '-',
                              (r.prot & PROT_EXEC) ? 'x' : '-', r.shared ? 's' : 'p',
                              static_cast<unsigned long long>(r.offset), major(r.dev), minor(r.dev),
                              static_cast<unsigned long long>(r.inode));
        out.append(line, static_cast<size_t>(n));
        if (!name.empty()) {
            if (out.size() >= 1 && n < 48) out.append(static_cast<size_t>(48 - n), ' ');
            out += ' ';
            out += name;
        }
        out += '\n';
    }
    return out;
}

bool procfs_open(Process& p, const std::string& path, uint32_t flags, int32_t& result) {
    std::string e = own_proc_entry(path);
    if (e.empty()) return false;
    bool writing = (flags & 3) != O_RDONLY;
    if (e == "mem") {
        int fd = memfd_create("gate386-proc-self-mem", MFD_ALLOW_SEALING);
        if (fd < 0) { result = -errno; return true; }
        fcntl(fd, F_ADD_SEALS, kMemSeals);
        g_mem_opened = true;
        result = fd;
        return true;
    }
    if (e == "exe") {
        result = open(p.exe_path.c_str(), static_cast<int>(flags & ~uint32_t(O_CREAT)));
        if (result < 0) result = -errno;
        return true;
    }
    if (writing && (e == "maps" || e == "auxv" || e == "cmdline" || e == "environ" || e == "stat" || e == "status")) {
        result = -EACCES;
        return true;
    }
    if (e == "maps") { result = serve(format_maps(p), "maps"); return true; }
    if (e == "auxv") {
        std::string s(p.auxv_len, '\0');
        p.mem.read(p.auxv_addr, s.data(), p.auxv_len);
        result = serve(s, "auxv");
        return true;
    }
    if (e == "cmdline") { result = serve(joined_with_nul(p.argv), "cmdline"); return true; }
    if (e == "environ") { result = serve(joined_with_nul(p.envp), "environ"); return true; }
    if (e == "stat") { result = serve(format_stat(p), "stat"); return true; }
    if (e == "status") { result = serve(format_status(p), "status"); return true; }
    // comm: the host task's own file is the guest's (exec and PR_SET_NAME keep the name there),
    // and writing it renames the task as on Linux.
    return false;   // fd/, cwd, limits ... : the host's own files describe the guest correctly
}

bool procfs_readlink(Process& p, const std::string& path, std::string& target) {
    std::string e = own_proc_entry(path);
    if (e == "exe") {
        char real[4096];
        target = realpath(p.exe_path.c_str(), real) ? real : p.exe_path;
        return true;
    }
    if (path == "/proc/self" || path == "/proc/thread-self") {
        target = std::to_string(getpid());
        return true;
    }
    return false;
}

bool procfs_is_mem_fd(const Process&, int fd) { return g_mem_opened && fcntl(fd, F_GET_SEALS) == kMemSeals; }

namespace {
uint64_t mem_position(int fd, const uint64_t* at) { return at ? *at : static_cast<uint64_t>(lseek(fd, 0, SEEK_CUR)); }
void mem_advance(int fd, const uint64_t* at, uint64_t pos, uint64_t done) {
    if (!at) lseek(fd, static_cast<off_t>(pos + done), SEEK_SET);
}
}  // namespace

// Unmapped addresses read as EIO, as access_remote_vm failing does in mem_rw.
int32_t procfs_mem_read(Process& p, int fd, uint32_t buf, uint32_t len, const uint64_t* at) {
    uint64_t off = mem_position(fd, at);
    if (off >= kGuestSpace) return 0;
    uint64_t n = std::min<uint64_t>(len, kGuestSpace - off);
    if (!p.mem.check(buf, static_cast<uint32_t>(n), PROT_WRITE)) return -EFAULT;
    uint64_t done = 0;
    while (done < n) {
        uint32_t a = static_cast<uint32_t>(off + done);
        uint32_t chunk = static_cast<uint32_t>(std::min<uint64_t>(n - done, kPageSize - (a & (kPageSize - 1))));
        // The kernel reads through FOLL_FORCE: guest protections other than PROT_NONE do not apply.
        const Region* r = p.mem.region_at(a);
        if (!r || r->prot == PROT_NONE) break;
        p.mem.prepare_host_write(buf + static_cast<uint32_t>(done), chunk);
        std::memmove(p.mem.host(buf + static_cast<uint32_t>(done)), p.mem.host(a), chunk);
        done += chunk;
    }
    if (done == 0) return -EIO;
    mem_advance(fd, at, off, done);
    return static_cast<int32_t>(done);
}

int32_t procfs_mem_write(Process& p, int fd, uint32_t buf, uint32_t len, const uint64_t* at) {
    uint64_t off = mem_position(fd, at);
    if (off >= kGuestSpace) return -EIO;
    if (!p.mem.check(buf, len, PROT_READ)) return -EFAULT;
    uint64_t n = std::min<uint64_t>(len, kGuestSpace - off);
    uint64_t done = 0;
    while (done < n) {
        uint32_t a = static_cast<uint32_t>(off + done);
        uint32_t chunk = static_cast<uint32_t>(std::min<uint64_t>(n - done, kPageSize - (a & (kPageSize - 1))));
        const Region* r = p.mem.region_at(a);
        if (!r || r->prot == PROT_NONE) break;
        // Writes through /proc/self/mem reach even read-only pages (ptrace-style FOLL_FORCE).
        p.mem.prepare_host_write(a, chunk);
        uint8_t* host = p.mem.host(a & ~(kPageSize - 1));
        bool ro = !(r->prot & PROT_WRITE);
        if (ro) mprotect(host, kPageSize, PROT_READ | PROT_WRITE);
        std::memmove(p.mem.host(a), p.mem.host(buf + static_cast<uint32_t>(done)), chunk);
        if (ro) mprotect(host, kPageSize, PROT_READ);
        done += chunk;
    }
    if (done == 0) return -EIO;
    mem_advance(fd, at, off, done);
    return static_cast<int32_t>(done);
}

// mem_lseek (fs/proc/base.c): SEEK_SET and SEEK_CUR; any 64-bit position is accepted.
int64_t procfs_mem_seek(Process&, int fd, int64_t off, int whence) {
    if (whence != SEEK_SET && whence != SEEK_CUR) return -EINVAL;
    off_t r = lseek(fd, static_cast<off_t>(off), whence);
    return r < 0 ? -errno : static_cast<int64_t>(r);
}

}  // namespace gate386
