#include "core/elf_loader.h"

#include <cerrno>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "core/process.h"

namespace gate386 {

namespace {

struct Fd {
    int fd = -1;
    ~Fd() { if (fd >= 0) close(fd); }
};

const char* machine_name(unsigned m, unsigned cls) {
    switch (m) {
    case EM_X86_64: return cls == ELFCLASS64 ? "a 64-bit x86-64" : "an x32";
    case EM_AARCH64: return "a 64-bit ARM";
    case EM_ARM: return "a 32-bit ARM";
    case EM_RISCV: return cls == ELFCLASS64 ? "a 64-bit RISC-V" : "a 32-bit RISC-V";
    case EM_PPC: return "a 32-bit PowerPC";
    case EM_PPC64: return "a 64-bit PowerPC";
    case EM_MIPS: return "a MIPS";
    case EM_S390: return "an s390";
    case EM_SPARC: case EM_SPARCV9: return "a SPARC";
    default: return cls == ELFCLASS64 ? "a 64-bit non-x86" : "a non-x86";
    }
}

bool read_headers(int fd, off_t size, const std::string& path, Elf32_Ehdr& eh, std::vector<Elf32_Phdr>& ph,
                  std::string& err, int& status) {
    status = 126;
    unsigned char ident[EI_NIDENT] = {};
    ssize_t n = pread(fd, ident, sizeof ident, 0);
    if (n < 4 || std::memcmp(ident, ELFMAG, SELFMAG) != 0) {
        err = "'" + path + "' is not an ELF program";
        return false;
    }
    if (n < EI_NIDENT) { err = "'" + path + "' is truncated: the ELF header is incomplete"; return false; }
    if (ident[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr e64{};
        unsigned m = pread(fd, &e64, sizeof e64, 0) >= 20 ? e64.e_machine : 0;
        err = "gate386 runs 32-bit x86 programs; " + path + " is " + machine_name(m, ELFCLASS64) + " program";
        return false;
    }
    if (ident[EI_CLASS] != ELFCLASS32 || ident[EI_DATA] != ELFDATA2LSB) {
        err = "'" + path + "' is not a 32-bit little-endian ELF program";
        return false;
    }
    if (pread(fd, &eh, sizeof eh, 0) != static_cast<ssize_t>(sizeof eh)) {
        err = "'" + path + "' is truncated: the ELF header is incomplete";
        return false;
    }
    if (eh.e_machine != EM_386) {
        err = "gate386 runs 32-bit x86 programs; " + path + " is " + machine_name(eh.e_machine, ELFCLASS32) + " program";
        return false;
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        err = "'" + path + "' is not an executable (ELF type " + std::to_string(eh.e_type) + ")";
        return false;
    }
    if (eh.e_phentsize != sizeof(Elf32_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 512) {
        err = "'" + path + "' has inconsistent ELF headers: bad program header table";
        return false;
    }
    uint64_t ph_end = uint64_t(eh.e_phoff) + uint64_t(eh.e_phnum) * sizeof(Elf32_Phdr);
    if (ph_end > uint64_t(size)) {
        err = "'" + path + "' is truncated: its program headers lie past the end of the file";
        return false;
    }
    ph.resize(eh.e_phnum);
    if (pread(fd, ph.data(), eh.e_phnum * sizeof(Elf32_Phdr), eh.e_phoff) !=
        static_cast<ssize_t>(eh.e_phnum * sizeof(Elf32_Phdr))) {
        err = "'" + path + "' is truncated: cannot read its program headers";
        return false;
    }
    bool any_load = false;
    for (const Elf32_Phdr& h : ph) {
        if (h.p_type != PT_LOAD) continue;
        any_load = true;
        if (h.p_filesz > h.p_memsz || (h.p_align > 1 && (h.p_vaddr % kPageSize) != (h.p_offset % kPageSize)) ||
            uint64_t(h.p_vaddr) + h.p_memsz > 0xfffff000u) {
            err = "'" + path + "' has inconsistent ELF headers: a PT_LOAD segment is malformed";
            return false;
        }
        if (uint64_t(h.p_offset) + h.p_filesz > uint64_t(size)) {
            err = "'" + path + "' is truncated: a segment lies past the end of the file";
            return false;
        }
    }
    if (!any_load) { err = "'" + path + "' has no loadable segments"; return false; }
    status = 0;
    return true;
}

int prot_of(uint32_t pf) {
    return ((pf & PF_R) ? PROT_READ : 0) | ((pf & PF_W) ? PROT_WRITE : 0) | ((pf & PF_X) ? PROT_EXEC : 0);
}

}  // namespace

bool check_elf_file(const std::string& path, std::string& err, int& exit_status) {
    Fd f;
    f.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) {
        exit_status = errno == ENOENT ? 127 : 126;
        err = "cannot open '" + path + "': " + std::strerror(errno);
        return false;
    }
    struct stat st;
    if (fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        exit_status = 126;
        err = "'" + path + "' is not a regular file";
        return false;
    }
    Elf32_Ehdr eh;
    std::vector<Elf32_Phdr> ph;
    return read_headers(f.fd, st.st_size, path, eh, ph, err, exit_status);
}

bool load_elf(Process& p, const std::string& path, bool interpreter, LoadedElf& out, std::string& err) {
    Fd f;
    f.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) { err = "cannot open '" + path + "': " + std::strerror(errno); return false; }
    struct stat st;
    if (fstat(f.fd, &st) != 0) { err = "cannot stat '" + path + "'"; return false; }
    Elf32_Ehdr eh;
    std::vector<Elf32_Phdr> ph;
    int status = 0;
    if (!read_headers(f.fd, st.st_size, path, eh, ph, err, status)) return false;

    uint32_t lo = 0xffffffffu, hi = 0;
    for (const Elf32_Phdr& h : ph) {
        if (h.p_type == PT_LOAD) {
            lo = std::min(lo, page_down(h.p_vaddr));
            hi = std::max<uint32_t>(hi, static_cast<uint32_t>(page_up(uint64_t(h.p_vaddr) + h.p_memsz)));
        } else if (h.p_type == PT_INTERP) {
            if (h.p_filesz == 0 || h.p_filesz > 4096 || uint64_t(h.p_offset) + h.p_filesz > uint64_t(st.st_size)) {
                err = "'" + path + "' has a malformed PT_INTERP";
                return false;
            }
            std::string s(h.p_filesz, '\0');
            pread(f.fd, s.data(), h.p_filesz, h.p_offset);
            out.interp = s.c_str();
        } else if (h.p_type == PT_GNU_STACK) {
            out.exec_stack = h.p_flags & PF_X;
        }
    }
    bool has_gnu_stack = false;
    for (const Elf32_Phdr& h : ph) has_gnu_stack |= h.p_type == PT_GNU_STACK;
    if (!has_gnu_stack) out.exec_stack = true;   // old binaries: executable stack (elf_read_implies_exec)

    uint32_t bias = 0;
    if (eh.e_type == ET_DYN) {
        uint32_t span = hi - lo;
        uint32_t want = (interpreter || out.interp.empty()) ? p.mem.find_free(span) : kPieBase;
        if (!want) { err = "no room in the guest address space for '" + path + "'"; return false; }
        bias = want - lo;
    }
    for (const Elf32_Phdr& h : ph) {
        if (h.p_type != PT_LOAD || h.p_memsz == 0) continue;
        uint32_t vaddr = h.p_vaddr + bias;
        uint32_t start = page_down(vaddr);
        uint32_t pad = vaddr - start;
        int prot = prot_of(h.p_flags);
        uint32_t file_end = vaddr + h.p_filesz;
        uint32_t mem_end = static_cast<uint32_t>(page_up(uint64_t(vaddr) + h.p_memsz));
        if (h.p_filesz) {
            int64_t r = p.mem.map(start, pad + h.p_filesz, prot | PROT_WRITE, true, false, f.fd,
                                  h.p_offset - pad, path);
            if (r < 0) { err = "cannot map a segment of '" + path + "': " + std::strerror(int(-r)); return false; }
            // The rest of the last file page belongs to .bss: zero it (binfmt_elf.c padzero).
            uint32_t file_page_end = static_cast<uint32_t>(page_up(file_end));
            if (h.p_memsz > h.p_filesz && file_page_end > file_end)
                std::memset(p.mem.host(file_end), 0, file_page_end - file_end);
            p.mem.protect(start, static_cast<uint32_t>(page_up(pad + h.p_filesz)), prot);
        }
        uint32_t anon_start = static_cast<uint32_t>(page_up(file_end));
        if (h.p_filesz == 0) anon_start = start;
        if (mem_end > anon_start) {
            int64_t r = p.mem.map(anon_start, mem_end - anon_start, prot, true, false, -1, 0);
            if (r < 0) { err = "cannot map the bss of '" + path + "'"; return false; }
        }
    }
    out.bias = bias;
    out.dyn = eh.e_type == ET_DYN;
    out.entry = eh.e_entry + bias;
    out.phnum = eh.e_phnum;
    out.phent = eh.e_phentsize;
    out.brk = hi + bias;
    out.phdr = 0;
    for (const Elf32_Phdr& h : ph)
        if (h.p_type == PT_PHDR) out.phdr = h.p_vaddr + bias;
    if (!out.phdr) {
        for (const Elf32_Phdr& h : ph)
            if (h.p_type == PT_LOAD && h.p_offset <= eh.e_phoff &&
                eh.e_phoff + eh.e_phnum * sizeof(Elf32_Phdr) <= h.p_offset + h.p_filesz) {
                out.phdr = h.p_vaddr + bias + (eh.e_phoff - h.p_offset);
                break;
            }
    }
    return true;
}

}  // namespace gate386
