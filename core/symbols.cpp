#include "core/symbols.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

#include "core/exec.h"
#include "core/process.h"
#include "core/vdso_mapping.h"
#include "vdso/vdso_image.h"

namespace gate386 {

namespace {

template <typename T> bool get(const uint8_t* data, size_t size, uint64_t off, T& out) {
    if (off > size || size - off < sizeof(T)) return false;
    std::memcpy(&out, data + off, sizeof(T));
    return true;
}

// Which of several names at one address people expect to see (gdb shows `write`, not
// `__libc_write`): functions first, then global or weak over local, then fewer leading
// underscores, then the shorter name.
bool preferred(const Symbol& a, const Symbol& b) {
    auto func = [](const Symbol& s) { return s.type == STT_FUNC || s.type == STT_GNU_IFUNC; };
    if (func(a) != func(b)) return func(a);
    bool ga = a.bind != STB_LOCAL, gb = b.bind != STB_LOCAL;
    if (ga != gb) return ga;
    auto under = [](const std::string& n) { size_t k = 0; while (k < n.size() && n[k] == '_') k++; return k; };
    if (under(a.name) != under(b.name)) return under(a.name) < under(b.name);
    if (a.name.size() != b.name.size()) return a.name.size() < b.name.size();
    return a.name < b.name;
}

// Parsed files by host path, so that a refresh after every mapping change stays cheap.
struct CachedFile {
    int64_t mtime = 0;
    uint64_t size = 0;
    bool ok = false;
    ElfSymbolFile file;
};
std::map<std::string, CachedFile>& file_cache() {
    static std::map<std::string, CachedFile> cache;
    return cache;
}

const ElfSymbolFile* cached_symbols(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
    CachedFile& c = file_cache()[path];
    if (c.mtime != st.st_mtime || c.size != static_cast<uint64_t>(st.st_size) || (!c.ok && c.size == 0)) {
        c.mtime = st.st_mtime;
        c.size = static_cast<uint64_t>(st.st_size);
        c.file = ElfSymbolFile{};
        std::string err;
        c.ok = read_elf_symbols_file(path, c.file, err);
    }
    return c.ok ? &c.file : nullptr;
}

uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

// The guest's dynamic-linker list (glibc's struct r_debug / struct link_map, i386 layout): found
// through DT_DEBUG in the main program's dynamic section, which ld.so fills at startup.
struct LinkEntry {
    uint32_t l_addr = 0;
    std::string name;
};
std::vector<LinkEntry> read_link_map(const Process& p, uint64_t& key) {
    std::vector<LinkEntry> out;
    const GuestMemory& m = p.mem;
    // AT_PHDR from the initial auxv gives the program headers and, with PT_PHDR, the load bias.
    uint32_t phdr = 0, phnum = 0;
    for (uint32_t k = 0; k + 8 <= p.auxv_len; k += 8) {
        uint32_t pair[2];
        if (!m.read(p.auxv_addr + k, pair, 8)) break;
        if (pair[0] == AT_PHDR) phdr = pair[1];
        if (pair[0] == AT_PHNUM) phnum = pair[1];
    }
    if (!phdr || !phnum || phnum > 64) return out;
    uint32_t bias = 0, dyn = 0;
    bool have_phdr = false;
    for (uint32_t k = 0; k < phnum; k++) {
        Elf32_Phdr h;
        if (!m.read(phdr + k * sizeof h, &h, sizeof h)) return out;
        if (h.p_type == PT_PHDR) { bias = phdr - h.p_vaddr; have_phdr = true; }
        if (h.p_type == PT_DYNAMIC) dyn = h.p_vaddr;
    }
    if (!dyn || !have_phdr) return out;
    dyn += bias;
    uint32_t r_debug = 0;
    for (uint32_t k = 0; k < 512; k++) {
        Elf32_Dyn d;
        if (!m.read(dyn + k * sizeof d, &d, sizeof d) || d.d_tag == DT_NULL) break;
        if (d.d_tag == DT_DEBUG) { r_debug = d.d_un.d_val; break; }
    }
    uint32_t lm = 0;
    if (!r_debug || !m.read(r_debug + 4, &lm, 4)) return out;   // r_map follows r_version
    for (int guard = 0; lm && guard < 256; guard++) {
        uint32_t rec[4];   // l_addr, l_name, l_ld, l_next
        if (!m.read(lm, rec, sizeof rec)) break;
        LinkEntry e;
        e.l_addr = rec[0];
        if (rec[1]) m.read_string(rec[1], e.name, 1024);
        key = mix(mix(key, rec[0]), rec[1]);
        key = mix(key, e.name.size());
        if (!e.name.empty()) out.push_back(std::move(e));
        lm = rec[3];
    }
    return out;
}

}  // namespace

bool read_elf_symbols(const uint8_t* data, size_t size, ElfSymbolFile& out, std::string& err) {
    Elf32_Ehdr eh;
    if (!get(data, size, 0, eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_386) {
        err = "not an i386 ELF file";
        return false;
    }
    out.is_dyn = eh.e_type == ET_DYN;
    out.first_load_vaddr = UINT32_MAX;
    for (unsigned k = 0; k < eh.e_phnum; k++) {
        Elf32_Phdr ph;
        if (!get(data, size, uint64_t(eh.e_phoff) + uint64_t(k) * eh.e_phentsize, ph)) break;
        if (ph.p_type != PT_LOAD) continue;
        out.first_load_vaddr = std::min(out.first_load_vaddr, ph.p_vaddr & ~0xfffu);
        out.load_end = std::max(out.load_end, ph.p_vaddr + ph.p_memsz);
    }
    if (out.first_load_vaddr == UINT32_MAX) out.first_load_vaddr = 0;
    if (eh.e_shentsize != sizeof(Elf32_Shdr)) return true;   // stripped of section headers: no symbols
    std::vector<Elf32_Shdr> sh(eh.e_shnum);
    for (unsigned k = 0; k < eh.e_shnum; k++)
        if (!get(data, size, uint64_t(eh.e_shoff) + uint64_t(k) * sizeof(Elf32_Shdr), sh[k])) return true;
    // .symtab first (it holds the local names too), then .dynsym; duplicates are dropped.
    for (uint32_t want : {uint32_t(SHT_SYMTAB), uint32_t(SHT_DYNSYM)}) {
        for (const Elf32_Shdr& s : sh) {
            if (s.sh_type != want || s.sh_link >= sh.size() || s.sh_entsize != sizeof(Elf32_Sym)) continue;
            const Elf32_Shdr& strs = sh[s.sh_link];
            if (uint64_t(strs.sh_offset) + strs.sh_size > size) continue;
            uint32_t n = s.sh_size / sizeof(Elf32_Sym);
            for (uint32_t k = 1; k < n; k++) {
                Elf32_Sym sym;
                if (!get(data, size, uint64_t(s.sh_offset) + uint64_t(k) * sizeof sym, sym)) break;
                unsigned type = ELF32_ST_TYPE(sym.st_info);
                if (sym.st_shndx == SHN_UNDEF || sym.st_name == 0 || sym.st_name >= strs.sh_size) continue;
                if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE && type != STT_GNU_IFUNC)
                    continue;
                if (sym.st_shndx == SHN_ABS && type == STT_NOTYPE) continue;
                const char* name = reinterpret_cast<const char*>(data + strs.sh_offset + sym.st_name);
                size_t maxlen = strs.sh_size - sym.st_name;
                Symbol out_sym;
                out_sym.name.assign(name, strnlen(name, maxlen));
                if (out_sym.name.empty() || out_sym.name[0] == '$') continue;
                out_sym.address = sym.st_value;
                out_sym.size = sym.st_size;
                out_sym.type = static_cast<uint8_t>(type);
                out_sym.bind = static_cast<uint8_t>(ELF32_ST_BIND(sym.st_info));
                out.symbols.push_back(std::move(out_sym));
            }
        }
    }
    // One entry per (name, address).
    std::sort(out.symbols.begin(), out.symbols.end(), [](const Symbol& a, const Symbol& b) {
        return a.address != b.address ? a.address < b.address : a.name < b.name;
    });
    out.symbols.erase(std::unique(out.symbols.begin(), out.symbols.end(),
                                  [](const Symbol& a, const Symbol& b) {
                                      return a.address == b.address && a.name == b.name;
                                  }),
                      out.symbols.end());
    return true;
}

bool read_elf_symbols_file(const std::string& path, ElfSymbolFile& out, std::string& err) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) { err = "cannot open " + path; return false; }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) { close(fd); err = "cannot read " + path; return false; }
    size_t size = static_cast<size_t>(st.st_size);
    void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) { err = "cannot map " + path; return false; }
    bool ok = read_elf_symbols(static_cast<const uint8_t*>(map), size, out, err);
    munmap(map, size);
    return ok;
}

void SymbolTable::clear() {
    m_modules.clear();
    m_by_addr.clear();
    m_by_name.clear();
    m_maps_key = 0;
}

void SymbolTable::add_module(const std::string& path, uint32_t bias, uint32_t start, uint32_t end,
                             const std::vector<Symbol>& file_symbols) {
    uint16_t index = static_cast<uint16_t>(m_modules.size());
    m_modules.push_back({path, bias, start, end});
    for (const Symbol& s : file_symbols) {
        Symbol r = s;
        r.address = s.address + bias;
        r.module = index;
        if (r.address == 0) continue;
        m_by_addr.push_back(std::move(r));
    }
}

void SymbolTable::finish() {
    std::stable_sort(m_by_addr.begin(), m_by_addr.end(), [](const Symbol& a, const Symbol& b) {
        if (a.address != b.address) return a.address < b.address;
        return preferred(a, b);
    });
    m_by_name.clear();
    // Names resolve to the first module that defines them (the main program, then the libraries
    // in load order, the vDSO last), globals before locals of the same module.
    std::vector<uint32_t> order(m_by_addr.size());
    for (uint32_t k = 0; k < order.size(); k++) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        const Symbol& x = m_by_addr[a];
        const Symbol& y = m_by_addr[b];
        if (x.module != y.module) return x.module < y.module;
        return (x.bind != STB_LOCAL) > (y.bind != STB_LOCAL);
    });
    for (uint32_t k : order) m_by_name.emplace(m_by_addr[k].name, k);
}

bool SymbolTable::refresh(const Process& p) {
    uint64_t key = 0xcbf29ce484222325ull;
    for (auto& [s, r] : p.mem.regions()) {
        key = mix(mix(key, r.start), r.end);
        key = mix(key, std::hash<std::string>{}(r.name));
    }
    std::vector<LinkEntry> links = read_link_map(p, key);
    key = mix(key, p.vdso_base);
    if (key == m_maps_key && !m_modules.empty()) return false;
    clear();
    m_maps_key = key;

    // File mappings gate386 named (the program and its interpreter) and the linker's list.
    struct Candidate { std::string path; uint32_t start, end; bool have_bias; uint32_t bias; };
    std::vector<Candidate> cands;
    auto find_cand = [&](const std::string& path) -> Candidate* {
        for (auto& c : cands) if (c.path == path) return &c;
        return nullptr;
    };
    for (auto& [s, r] : p.mem.regions()) {
        if (r.name.empty() || r.name[0] == '[') continue;   // [heap], [stack], [vdso], ...
        if (Candidate* c = find_cand(r.name)) { c->end = std::max(c->end, r.end); continue; }
        cands.push_back({r.name, r.start, r.end, false, 0});
    }
    for (const LinkEntry& e : links) {
        std::string host = host_path_for(p, e.name);
        if (Candidate* c = find_cand(host)) { c->have_bias = true; c->bias = e.l_addr; continue; }
        cands.push_back({host, 0, 0, true, e.l_addr});
    }
    // The main program first, so that its names win.
    std::stable_sort(cands.begin(), cands.end(), [&](const Candidate& a, const Candidate& b) {
        bool ma = a.path == p.exe_path, mb = b.path == p.exe_path;
        if (ma != mb) return ma;
        return a.start < b.start;
    });
    for (const Candidate& c : cands) {
        const ElfSymbolFile* f = cached_symbols(c.path);
        if (!f) continue;
        uint32_t bias = 0;
        if (f->is_dyn) bias = c.have_bias ? c.bias : c.start - f->first_load_vaddr;
        uint32_t start = c.start, end = c.end;
        if (start == end) {
            // Known from the link map only: the extent of its PT_LOAD segments.
            start = f->first_load_vaddr + bias;
            end = f->load_end + bias;
        }
        add_module(c.path, bias, start, end, f->symbols);
    }
    if (p.vdso_base) {
        VdsoImage img = build_vdso_image(vdso_variant_for(p));
        std::vector<Symbol> syms;
        for (const VdsoSymbol& v : img.symbols) {
            Symbol s;
            s.name = v.name;
            s.address = v.address - img.base;
            s.size = v.size;
            s.type = STT_FUNC;
            s.bind = STB_GLOBAL;
            syms.push_back(std::move(s));
        }
        add_module("[vdso]", p.vdso_base, p.vdso_base, p.vdso_base + kVdsoSize, syms);
    }
    finish();
    return true;
}

bool SymbolTable::lookup(std::string_view name, uint32_t& address) const {
    auto it = m_by_name.find(std::string(name));
    if (it == m_by_name.end()) return false;
    address = m_by_addr[it->second].address;
    return true;
}

SymbolRef SymbolTable::find(uint32_t address) const {
    auto it = std::upper_bound(m_by_addr.begin(), m_by_addr.end(), address,
                               [](uint32_t a, const Symbol& s) { return a < s.address; });
    if (it == m_by_addr.begin()) return {};
    --it;
    // The preferred name at that address is the first of its run.
    uint32_t at = it->address;
    while (it != m_by_addr.begin() && (it - 1)->address == at) --it;
    const Symbol& s = *it;
    uint32_t off = address - s.address;
    const SymbolModule& mod = m_modules[s.module];
    if (address >= mod.end || address < mod.start) return {};
    uint32_t size = s.size;
    for (auto r = it; r != m_by_addr.end() && r->address == at; ++r) size = std::max(size, r->size);
    if (size) {
        if (off >= size) return {};
    } else {
        // Unsized: up to the next symbol of the same module.
        auto next = std::upper_bound(m_by_addr.begin(), m_by_addr.end(), at,
                                     [](uint32_t a, const Symbol& x) { return a < x.address; });
        if (next != m_by_addr.end() && next->module == s.module && address >= next->address) return {};
    }
    return {&s, off};
}

std::string SymbolTable::describe(uint32_t address) const {
    SymbolRef r = find(address);
    if (!r.sym) return {};
    if (!r.offset) return r.sym->name;
    char buf[24];
    std::snprintf(buf, sizeof buf, "+0x%x", r.offset);
    return r.sym->name + buf;
}

std::string SymbolTable::describe_gdb(uint32_t address) const {
    SymbolRef r = find(address);
    if (!r.sym) return {};
    if (!r.offset) return r.sym->name;
    return r.sym->name + "+" + std::to_string(r.offset);
}

}  // namespace gate386
