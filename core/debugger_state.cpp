// The debugger's views of a stopped process: registers, memory, disassembly with symbols, the
// stack with return addresses, a backtrace, the memory map and the auxiliary vector.
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/debugger.h"
#include "core/process.h"
#include "cpu/decoder.h"
#include "cpu/flags.h"
#include "syscalls/procfs.h"
#include "vdso/vdso_image.h"

namespace gate386 {

const char* const kGprNames[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
const char* const kSegNames[6] = {"es", "cs", "ss", "ds", "fs", "gs"};

namespace {

std::string hex(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", v);
    return buf;
}

// The Gpr slot of a 16- or 8-bit register name, with its byte offset and width.
bool sub_register(const std::string& n, int& gpr, int& shift, uint32_t& mask) {
    static const char* const w16[8] = {"ax", "cx", "dx", "bx", "sp16", "bp", "si", "di"};
    static const char* const lo8[4] = {"al", "cl", "dl", "bl"};
    static const char* const hi8[4] = {"ah", "ch", "dh", "bh"};
    for (int k = 0; k < 8; k++)
        if (n == w16[k]) { gpr = k; shift = 0; mask = 0xffff; return true; }
    for (int k = 0; k < 4; k++) {
        if (n == lo8[k]) { gpr = k; shift = 0; mask = 0xff; return true; }
        if (n == hi8[k]) { gpr = k; shift = 8; mask = 0xff; return true; }
    }
    return false;
}

}  // namespace

bool register_value(const RegisterSnapshot& r, const std::string& name, uint32_t& value) {
    std::string n = name;
    if (!n.empty() && n[0] == '$') n.erase(n.begin());
    for (int k = 0; k < 8; k++)
        if (n == kGprNames[k]) { value = r.gpr[k]; return true; }
    for (int k = 0; k < 6; k++)
        if (n == kSegNames[k]) { value = r.sel[k]; return true; }
    if (n == "eip" || n == "pc") { value = r.eip; return true; }
    if (n == "sp") { value = r.gpr[kEsp]; return true; }
    if (n == "fp") { value = r.gpr[kEbp]; return true; }
    if (n == "eflags" || n == "ps") { value = r.eflags; return true; }
    if (n == "fs_base") { value = r.fs_base; return true; }
    if (n == "gs_base") { value = r.gs_base; return true; }
    if (n == "mxcsr") { value = r.sse.mxcsr; return true; }
    if (n == "fctrl") { value = r.x87.cw; return true; }
    if (n == "fstat") { value = r.x87.status_word(); return true; }
    int gpr, shift;
    uint32_t mask;
    if (sub_register(n, gpr, shift, mask)) { value = (r.gpr[gpr] >> shift) & mask; return true; }
    return false;
}

std::string eflags_string(uint32_t f) {
    static const struct { uint32_t bit; const char* name; } names[] = {
        {kFlagCF, "CF"}, {kFlagPF, "PF"}, {kFlagAF, "AF"}, {kFlagZF, "ZF"}, {kFlagSF, "SF"},
        {kFlagTF, "TF"}, {kFlagIF, "IF"}, {kFlagDF, "DF"}, {kFlagOF, "OF"}, {kFlagAC, "AC"},
        {kFlagID, "ID"}};
    std::string s = "[ ";
    for (auto& n : names)
        if (f & n.bit) { s += n.name; s += ' '; }
    s += ']';
    return s;
}

RegisterSnapshot Debugger::registers() const {
    RegisterSnapshot r;
    if (!m_proc) return r;
    const Cpu& c = m_proc->cpu;
    for (int k = 0; k < 8; k++) r.gpr[k] = c.m_regs[k];
    r.eip = c.m_eip;
    r.eflags = read_eflags(c);
    for (int k = 0; k < 6; k++) r.sel[k] = c.m_seg_sel[k];
    r.fs_base = c.m_seg_base[kSegFs];
    r.gs_base = c.m_seg_base[kSegGs];
    r.x87 = c.m_x87;
    r.sse = c.m_sse;
    r.icount = c.m_icount;
    return r;
}

bool Debugger::set_register(const std::string& name, uint32_t value) {
    if (!m_proc) return false;
    Cpu& c = m_proc->cpu;
    std::string n = name;
    if (!n.empty() && n[0] == '$') n.erase(n.begin());
    for (int k = 0; k < 8; k++)
        if (n == kGprNames[k]) { c.m_regs[k] = value; return true; }
    if (n == "eip" || n == "pc") { c.m_eip = value; return true; }
    if (n == "sp") { c.m_regs[kEsp] = value; return true; }
    if (n == "fp") { c.m_regs[kEbp] = value; return true; }
    if (n == "eflags") {
        set_arith_flags(c, value);
        // Bit 1 is always set; the arithmetic bits live in the lazy-flag words.
        c.m_eflags_rest = (value & ~kArithFlags) | 2u;
        return true;
    }
    int gpr, shift;
    uint32_t mask;
    if (sub_register(n, gpr, shift, mask)) {
        c.m_regs[gpr] = (c.m_regs[gpr] & ~(mask << shift)) | ((value & mask) << shift);
        return true;
    }
    return false;
}

size_t Debugger::read_memory(uint32_t addr, uint32_t len, uint8_t* out, bool* ok) const {
    size_t got = 0;
    if (!m_proc) {
        if (ok) std::fill(ok, ok + len, false);
        return 0;
    }
    const GuestMemory& m = m_proc->mem;
    uint32_t k = 0;
    while (k < len) {
        uint32_t a = addr + k;
        uint32_t in_page = kPageSize - (a & (kPageSize - 1));
        uint32_t n = std::min(in_page, len - k);
        if (uint64_t(a) + n > kGuestSpace) n = static_cast<uint32_t>(kGuestSpace - a);
        bool readable = m.check(a, n, PROT_READ);
        if (readable) {
            std::memcpy(out + k, m.host(a), n);
            got += n;
        } else {
            std::memset(out + k, 0, n);
        }
        if (ok) std::fill(ok + k, ok + k + n, readable);
        k += n;
        if (n == 0) break;
    }
    return got;
}

bool Debugger::write_memory(uint32_t addr, const uint8_t* in, uint32_t len) {
    if (!m_proc) return false;
    GuestMemory& m = m_proc->mem;
    if (m.write(addr, in, len)) return true;
    // Like ptrace(POKEDATA): mapped but not writable (code) is written anyway, through
    // /proc/self/mem, which ignores page protections as the kernel's FOLL_FORCE access does.
    for (uint64_t a = page_down(addr); a < uint64_t(addr) + len; a += kPageSize)
        if (!m.region_at(static_cast<uint32_t>(a))) return false;
    m.prepare_host_write(addr, len);   // decoded code in the range goes at the next block
    int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = pwrite(fd, in, len, static_cast<off_t>(reinterpret_cast<uintptr_t>(m.host(addr))));
    close(fd);
    m_kinds.clear();
    return n == static_cast<ssize_t>(len);
}

Debugger::InsnKind Debugger::classify(uint32_t addr, uint8_t* len) {
    auto it = m_kinds.find(addr);
    if (it == m_kinds.end()) {
        uint8_t bytes[16];
        bool ok[16];
        read_memory(addr, 16, bytes, ok);
        unsigned avail = 0;
        while (avail < 16 && ok[avail]) avail++;
        std::string text;
        unsigned n = avail ? gate386::disassemble(bytes, avail, addr, false, text) : 0;
        InsnKind k = InsnKind::Other;
        if (n == 0) {
            k = InsnKind::Invalid;
        } else {
            // Intel syntax: the mnemonic after any prefixes.
            size_t p = 0;
            for (;;) {
                size_t e = text.find(' ', p);
                std::string w = text.substr(p, e == std::string::npos ? std::string::npos : e - p);
                if ((w == "bnd" || w == "notrack" || w == "lock" || w == "rep" || w == "repe" || w == "repne" ||
                     w == "data16") && e != std::string::npos) {
                    p = e + 1;
                    continue;
                }
                if (w == "call") k = InsnKind::Call;
                else if (w == "ret" || w == "retf" || w == "iret" || w == "iretd") k = InsnKind::Ret;
                else if (w == "sysenter" || (w == "int" && text.find("0x80") != std::string::npos)) k = InsnKind::Gate;
                break;
            }
        }
        it = m_kinds.emplace(addr, std::make_pair(k, static_cast<uint8_t>(n))).first;
    }
    if (len) *len = it->second.second;
    return it->second.first;
}

std::vector<DisasmLine> Debugger::disassemble(uint32_t addr, unsigned count, bool att) {
    std::vector<DisasmLine> out;
    if (!m_proc) return out;
    refresh_symbols();
    uint32_t eip = m_proc->cpu.m_eip;
    uint32_t a = addr;
    for (unsigned k = 0; k < count; k++) {
        DisasmLine l;
        l.address = a;
        bool ok[16];
        read_memory(a, 15, l.bytes, ok);
        unsigned avail = 0;
        while (avail < 15 && ok[avail]) avail++;
        std::string text;
        unsigned n = avail ? gate386::disassemble(l.bytes, avail, a, att, text) : 0;
        l.len = static_cast<uint8_t>(n);
        l.text = avail ? text : "(unreadable)";
        SymbolRef s = m_symbols.find(a);
        if (s.sym && s.offset == 0) l.label = s.sym->name;
        l.location = m_symbols.describe(a);
        l.is_eip = a == eip;
        l.breakpoint = has_breakpoint(a);
        if (n) {
            // A direct branch's target by name.
            size_t x = text.rfind("0x");
            if (x != std::string::npos && (text.compare(0, 1, "j") == 0 || text.compare(0, 4, "call") == 0 ||
                                           text.find(" j") != std::string::npos)) {
                uint32_t target = static_cast<uint32_t>(std::strtoul(text.c_str() + x, nullptr, 16));
                std::string t = m_symbols.describe(target);
                if (!t.empty()) l.comment = "<" + t + ">";
            }
        }
        if (m_proc->vdso_base && a == m_proc->sysenter_return) l.comment = "SYSENTER_RETURN";
        if (m_proc->vdso_base && a == m_proc->vdso_restart && a != m_proc->vdso_entry)
            l.comment = "restart: SYSENTER_RETURN - 2";
        out.push_back(std::move(l));
        a += n ? n : 1;
    }
    return out;
}

std::vector<DisasmLine> Debugger::disassemble_around(uint32_t eip, unsigned before, unsigned after, bool att) {
    if (!m_proc) return {};
    refresh_symbols();
    // x86 cannot be decoded backwards: start at the enclosing symbol when it is close, or try
    // start points until one decodes onto `eip` exactly.
    uint32_t start = eip;
    SymbolRef s = m_symbols.find(eip);
    auto lands = [&](uint32_t from, unsigned& n) {
        n = 0;
        uint32_t a = from;
        while (a < eip && n < 4096) {
            uint8_t len = 0;
            if (classify(a, &len) == InsnKind::Invalid || len == 0) return false;
            a += len;
            n++;
        }
        return a == eip;
    };
    unsigned n = 0;
    if (s.sym && s.offset <= 1024 && lands(s.sym->address, n)) {
        start = s.sym->address;
    } else {
        for (uint32_t back = before * 7; back > 0; back--) {
            if (eip - back > eip) continue;
            if (lands(eip - back, n) && n >= std::min(before, back / 4)) { start = eip - back; break; }
        }
        if (start != eip) lands(start, n);
    }
    // Skip instructions beyond `before` ahead of eip.
    while (n > before) {
        uint8_t len = 0;
        classify(start, &len);
        start += len;
        n--;
    }
    return disassemble(start, n + after + 1, att);
}

std::vector<StackEntry> Debugger::stack(unsigned words) {
    std::vector<StackEntry> out;
    if (!m_proc) return out;
    refresh_symbols();
    const Cpu& c = m_proc->cpu;
    uint32_t sp = c.m_regs[kEsp];
    for (unsigned k = 0; k < words; k++) {
        StackEntry e;
        e.address = sp + 4 * k;
        uint8_t b[4];
        e.readable = read_memory(e.address, 4, b) == 4;
        std::memcpy(&e.value, b, 4);
        if (!e.readable) { out.push_back(e); break; }
        std::string notes;
        if (e.address == c.m_regs[kEsp]) notes = "<- esp";
        if (e.address == c.m_regs[kEbp]) notes += notes.empty() ? "<- ebp" : ", ebp";
        // A word that follows a call instruction in executable memory: a return address.
        const Region* r = m_proc->mem.region_at(e.value);
        if (r && (r->prot & PROT_EXEC)) {
            uint8_t code[7] = {};
            bool ok[7] = {};
            read_memory(e.value - 7, 7, code, ok);
            auto at = [&](int back) { return ok[7 - back] ? code[7 - back] : 0; };
            bool call = at(5) == 0xe8;   // call rel32
            // call *r/m32 (FF /2): its length from the ModRM (and SIB) byte must end at the word.
            for (int back : {2, 3, 4, 6, 7}) {
                if (call || at(back) != 0xff) continue;
                uint8_t m = static_cast<uint8_t>(at(back - 1));
                if (((m >> 3) & 7) != 2) continue;
                unsigned mod = m >> 6, rm = m & 7;
                bool sib = mod != 3 && rm == 4;
                unsigned disp = mod == 1 ? 1 : mod == 2 ? 4 : (mod == 0 && rm == 5) ? 4 : 0;
                if (sib && mod == 0 && back >= 3 && (at(back - 2) & 7) == 5) disp = 4;
                call = 2 + (sib ? 1 : 0) + disp == static_cast<unsigned>(back);
            }
            std::string sym = m_symbols.describe(e.value);
            if (call) {
                e.return_address = true;
                notes += notes.empty() ? "" : "  ";
                notes += "return to " + (sym.empty() ? hex(e.value) : sym);
            } else if (!sym.empty()) {
                notes += notes.empty() ? "" : "  ";
                notes += "&" + sym;
            }
        }
        e.annotation = notes;
        out.push_back(e);
    }
    return out;
}

std::vector<Frame> Debugger::backtrace(unsigned max_frames) {
    std::vector<Frame> out;
    if (!m_proc) return out;
    refresh_symbols();
    const Cpu& c = m_proc->cpu;
    UnwindRegs regs;
    for (int k = 0; k < 8; k++) { regs.r[k] = c.m_regs[k]; regs.known[k] = true; }
    regs.r[8] = c.m_eip;
    regs.known[8] = true;
    auto name_of = [&](uint32_t pc) {
        SymbolRef r = m_symbols.find(pc);
        return r.sym ? r.sym->name : std::string();
    };
    out.push_back({c.m_eip, c.m_regs[kEsp], name_of(c.m_eip), "eip"});
    UnwindRead read = [&](uint32_t a, uint32_t& v) { return read_memory(a, 4, reinterpret_cast<uint8_t*>(&v)) == 4; };
    bool caller = false;
    std::vector<StackEntry> words;
    while (out.size() < max_frames) {
        UnwindRegs next = regs;
        bool signal = false;
        std::string how;
        uint32_t pc = regs.r[8];
        bool in_vdso = m_proc->vdso_base && pc >= m_proc->vdso_base && pc < m_proc->vdso_base + kVdsoSize;
        if (m_unwinder.step(next, caller, read, signal)) {
            how = in_vdso ? "vDSO CFI" : "CFI";
        } else {
            SymbolRef s = m_symbols.find(pc);
            uint32_t ret = 0;
            if (out.size() == 1 && s.sym && s.offset == 0 && read(regs.r[4], ret)) {
                // At a function's first instruction the return address is on top of the stack.
                next.r[8] = ret;
                next.r[4] = regs.r[4] + 4;
                how = "entry";
            } else {
                // No CFI: the next word up the stack that follows a call (a heuristic).
                if (words.empty()) words = stack(2048);
                bool found = false;
                for (const StackEntry& e : words) {
                    if (e.address < regs.r[4] || !e.return_address) continue;
                    next.r[8] = e.value;
                    next.r[4] = e.address + 4;
                    next.known[5] = false;
                    found = true;
                    break;
                }
                if (!found) break;
                how = "stack scan";
            }
        }
        // The stack only grows down: a caller's frame lies above its callee's.
        if (next.r[8] == 0 || next.r[4] <= regs.r[4]) break;
        const Region* r = m_proc->mem.region_at(next.r[8]);
        if (!r || !(r->prot & PROT_EXEC)) break;
        out.push_back({next.r[8], next.r[4], name_of(next.r[8]), how});
        caller = !signal;
        regs = next;
    }
    return out;
}

std::string Debugger::memory_map() const { return m_proc ? format_maps(*m_proc) : std::string(); }

std::vector<std::pair<uint32_t, uint32_t>> Debugger::auxv() const {
    std::vector<std::pair<uint32_t, uint32_t>> out;
    for (size_t k = 0; k + 8 <= m_auxv.size(); k += 8) {
        uint32_t t, v;
        std::memcpy(&t, m_auxv.data() + k, 4);
        std::memcpy(&v, m_auxv.data() + k + 4, 4);
        out.emplace_back(t, v);
        if (t == AT_NULL) break;
    }
    return out;
}

const char* Debugger::auxv_name(uint32_t type) {
    switch (type) {
    case AT_NULL: return "AT_NULL";
    case AT_PHDR: return "AT_PHDR";
    case AT_PHENT: return "AT_PHENT";
    case AT_PHNUM: return "AT_PHNUM";
    case AT_PAGESZ: return "AT_PAGESZ";
    case AT_BASE: return "AT_BASE";
    case AT_FLAGS: return "AT_FLAGS";
    case AT_ENTRY: return "AT_ENTRY";
    case AT_UID: return "AT_UID";
    case AT_EUID: return "AT_EUID";
    case AT_GID: return "AT_GID";
    case AT_EGID: return "AT_EGID";
    case AT_PLATFORM: return "AT_PLATFORM";
    case AT_HWCAP: return "AT_HWCAP";
    case AT_CLKTCK: return "AT_CLKTCK";
    case AT_SECURE: return "AT_SECURE";
    case AT_RANDOM: return "AT_RANDOM";
    case AT_HWCAP2: return "AT_HWCAP2";
    case AT_EXECFN: return "AT_EXECFN";
    case AT_SYSINFO: return "AT_SYSINFO";
    case AT_SYSINFO_EHDR: return "AT_SYSINFO_EHDR";
    case 51: return "AT_MINSIGSTKSZ";
    default: return "AT_?";
    }
}

}  // namespace gate386
