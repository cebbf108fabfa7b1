// Loading i386 ELF programs and their interpreter into guest memory (fs/binfmt_elf.c semantics).
#pragma once
#include <cstdint>
#include <string>

namespace gate386 {

struct Process;

struct LoadedElf {
    uint32_t entry = 0;       // e_entry + bias
    uint32_t bias = 0;        // load bias (0 for ET_EXEC)
    uint32_t phdr = 0;        // guest address of the program headers
    uint32_t phnum = 0, phent = 0;
    uint32_t brk = 0;         // first page after the highest segment
    std::string interp;       // PT_INTERP, empty for static programs
    bool exec_stack = false;  // PT_GNU_STACK with PF_X, or no PT_GNU_STACK
    bool dyn = false;         // ET_DYN (a PIE, or ld.so run as a program)
};

// ELF_ET_DYN_BASE for 32-bit tasks (arch/x86/include/asm/elf.h): where a PIE goes.
constexpr uint32_t kPieBase = 0x56555000u;

// Checks that `path` is a loadable i386 ELF. On failure returns false with a one-line message
// (without the "gate386: " prefix) in err, and exit_status set to the shell's convention
// (127: not found, 126: cannot execute).
bool check_elf_file(const std::string& path, std::string& err, int& exit_status);

// Maps the program's PT_LOAD segments. An ET_DYN object goes to the PIE base when it is a program
// with a PT_INTERP, and into the mmap area otherwise: the interpreter (`interpreter`), or ld.so run
// directly as a program (fs/binfmt_elf.c load_elf_binary: load_bias 0 for ET_DYN without an
// interpreter, so the mapping lands where mmap puts it, since Linux 4.13).
bool load_elf(Process& p, const std::string& path, bool interpreter, LoadedElf& out, std::string& err);

}  // namespace gate386
