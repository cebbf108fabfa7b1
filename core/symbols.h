// Symbol tables for the debugger: the main program's .symtab/.dynsym, the loaded libraries'
// dynamic symbols (found from the guest's file mappings, as /proc/PID/maps lists them), and
// linux-gate.so.1's exports from the synthesized image. Name → address for breakpoints and
// address → "name+0xoff" for the disassembly, stack and memory views.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gate386 {

struct Process;

struct Symbol {
    std::string name;
    uint32_t address = 0;     // run-time (relocated) address
    uint32_t size = 0;        // 0: unknown, the symbol extends to the next one in its module
    uint8_t type = 0;         // STT_* of the ELF symbol
    uint8_t bind = 0;         // STB_*
    uint16_t module = 0;      // index into SymbolTable::modules()
};

struct SymbolModule {
    std::string path;         // host path of the file ("[vdso]" for linux-gate.so.1)
    uint32_t bias = 0;        // load bias: run-time address = file address + bias
    uint32_t start = 0, end = 0;   // the address range its mappings cover
};

// Symbols of one ELF32 image, at file addresses. Reads .symtab and .dynsym (defined functions,
// objects and untyped labels; section and file symbols are skipped). Returns false with `err`
// when the bytes are not an i386 ELF file. `first_load_vaddr` is the lowest PT_LOAD p_vaddr
// rounded down to a page, `is_dyn` tells ET_DYN (relocated by its mapping) from ET_EXEC.
struct ElfSymbolFile {
    std::vector<Symbol> symbols;
    uint32_t first_load_vaddr = 0;
    uint32_t load_end = 0;        // end of the highest PT_LOAD (file addresses)
    bool is_dyn = false;
};
bool read_elf_symbols(const uint8_t* data, size_t size, ElfSymbolFile& out, std::string& err);
bool read_elf_symbols_file(const std::string& path, ElfSymbolFile& out, std::string& err);

struct SymbolRef {
    const Symbol* sym = nullptr;   // nullptr: no symbol covers the address
    uint32_t offset = 0;
};

class SymbolTable {
public:
    // Rebuilds from the process's current mappings when they changed since the last call
    // (cheap otherwise). Returns true when the table changed.
    bool refresh(const Process& p);
    void clear();
    // Adds one module's symbols directly (unit tests, the vDSO).
    void add_module(const std::string& path, uint32_t bias, uint32_t start, uint32_t end,
                    const std::vector<Symbol>& file_symbols);
    void finish();   // sorts after add_module calls

    // The address of `name` (the main program first, then libraries in address order, the vDSO).
    bool lookup(std::string_view name, uint32_t& address) const;
    // The symbol covering `address`.
    SymbolRef find(uint32_t address) const;
    // "name", "name+0x3" (hex: the disassembly's style) or "" when no symbol covers it.
    std::string describe(uint32_t address) const;
    // gdb's style: "name" or "name+3" (decimal offset).
    std::string describe_gdb(uint32_t address) const;

    const std::vector<Symbol>& symbols() const { return m_by_addr; }
    const std::vector<SymbolModule>& modules() const { return m_modules; }

private:
    std::vector<SymbolModule> m_modules;
    std::vector<Symbol> m_by_addr;                           // sorted by address, preferred first
    std::unordered_map<std::string, uint32_t> m_by_name;     // name → index into m_by_addr
    uint64_t m_maps_key = 0;                                 // fingerprint of the mappings used
};

}  // namespace gate386
